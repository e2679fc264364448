#ifndef PELITA_GATEWAY_SKM_COOKIE_H_
#define PELITA_GATEWAY_SKM_COOKIE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace pelita::gateway {

// The public SKM form's device token (services/survey/skm_form.cc) lives in
// a browser only as the HttpOnly cookie `pelita_skm`, so page script can
// neither read it nor drop it from a request to answer again.  For a
// browser's SubmitSkmResponse (gateway/refresh_cookie.h says how a browser
// is told): a request whose device_token is empty gets the cookie's; the
// reply's device_token is taken out of the JSON and set as the cookie
// (Path=/v1/tenants; a day; HttpOnly; Secure; SameSite=Strict).  Best
// effort, as documented: clearing cookies clears it.
class SkmCookie {
 public:
  static constexpr char kName[] = "pelita_skm";

  // The gRPC method of a route.
  static bool Applies(absl::string_view grpc_path);
  // The serialized SubmitSkmResponseRequest with the cookie's token.
  static void FillRequest(absl::string_view cookie_header, std::string* request);
  // Takes device_token out of a serialized SkmReceipt: the Set-Cookie value.
  static std::optional<std::string> TakeFromReply(std::string* reply);
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_SKM_COOKIE_H_
