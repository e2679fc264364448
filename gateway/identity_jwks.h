#ifndef PELITA_GATEWAY_IDENTITY_JWKS_H_
#define PELITA_GATEWAY_IDENTITY_JWKS_H_

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pelita::gateway {

// AuthOptions::jwks_fetch for the identity service at `channel`: its
// IdentityService/GetJwks as RFC 7517 JSON.  UNAVAILABLE when identity does
// not answer within `timeout`.
std::function<absl::StatusOr<std::string>()> IdentityJwksFetch(std::shared_ptr<grpc::Channel> channel,
                                                               absl::Duration timeout = absl::Seconds(2));

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_IDENTITY_JWKS_H_
