#ifndef PELITA_GATEWAY_TOKEN_FORM_H_
#define PELITA_GATEWAY_TOKEN_FORM_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::gateway {

// The OAuth2 token endpoint as RFC 6749 clients call it (§4.4.2): the body
// `application/x-www-form-urlencoded` (`grant_type=client_credentials&...`),
// and the client's credentials either in the body or as HTTP Basic
// (`Authorization: Basic base64(client_id:client_secret)`, §2.3.1, each part
// form-encoded).  Returns the request as the JSON the gateway transcodes
// (the proto's field names: grant_type, client_id, client_secret).
// INVALID_ARGUMENT for a malformed body or header, a parameter sent twice
// (§3.2), credentials given both ways, or text that is not UTF-8.
// `form` is empty for a Basic-only request with a JSON body's fields absent.
absl::StatusOr<std::string> TokenRequestJson(absl::string_view form, absl::string_view authorization);

// Whether the Authorization header is HTTP Basic.
bool IsBasicAuthorization(absl::string_view authorization);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_TOKEN_FORM_H_
