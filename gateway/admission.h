#ifndef PELITA_GATEWAY_ADMISSION_H_
#define PELITA_GATEWAY_ADMISSION_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/auth.h"
#include "gateway/http_errors.h"
#include "gateway/http_request.h"
#include "gateway/path_template.h"
#include "gateway/rate_limit.h"
#include "gateway/routes.h"

namespace pelita::gateway {

// How a request's body becomes request messages.
enum class BodyMode {
  kUnary,         // a JSON body (or none) read whole: one request, one response
  kServerStream,  // the same, answered with the JSON array of every response
  kBatch,         // client stream: a JSON array or {"requests": [...]} read whole
  kNdjson,        // client stream: one request per line, forwarded as lines arrive
  kCsv,           // client stream: text/csv forwarded in pieces in the route's bytes field
};

// A request allowed in: where it goes, for whom, until when.
struct Admitted {
  const Route* route = nullptr;
  Bindings bindings;
  Claims claims;
  // The tenant forwarded to the service (x-pelita-tenant): the token's, or
  // for the cross-tenant reads of province and national roles the one the
  // path names.
  std::string tenant;
  absl::Duration deadline;
  BodyMode mode = BodyMode::kUnary;
  // The most body bytes this mode reads (413 beyond).
  uint64_t body_limit = 0;
};

struct AdmissionOptions {
  uint64_t max_body_bytes = 1 << 20;
  uint64_t max_upload_bytes = uint64_t{1} << 30;
  absl::Duration default_deadline = absl::Seconds(10);
  absl::Duration max_deadline = absl::Seconds(300);
};

// Admission of one request from its checked header alone, before any body
// byte is read and before any service is called: the bearer token (401),
// the route (404, 405 with Allow), the role and tenant rules (403), the
// deadline (400), the declared body size for the body mode (413), and last
// the caller tenant's rate limit (429 with Retry-After), so that refused
// requests spend no token.  A plain class over the route table, the
// verifier and the limiter: tested without sockets.
class Admission {
 public:
  // `limiter` may be null (no rate limit).
  Admission(const RouteTable* routes, const Verifier* verifier, RateLimiter* limiter,
            AdmissionOptions options)
      : routes_(routes), verifier_(verifier), limiter_(limiter), options_(options) {}

  // `matched`, when given, is set to the route the path matched (or null),
  // also when the request is then refused (metrics count it by route).
  std::variant<Admitted, HttpError> Admit(const RequestHead& head, const std::string& request_id,
                                          const Route** matched = nullptr) const;

  // The rate-limit bucket of requests without a token (IsPublicRpc).
  static constexpr char kPublicBucket[] = "public";

 private:
  std::variant<Admitted, HttpError> AdmitPublic(const RequestHead& head, const std::string& request_id,
                                                const Route* route, Bindings bindings) const;
  const RouteTable* routes_;
  const Verifier* verifier_;
  RateLimiter* limiter_;
  AdmissionOptions options_;
};

// `X-Request-Timeout: 2s | 250ms | 1.5` (seconds) or `grpc-timeout: 250m`
// (gRPC's own form); zero when neither is given.
absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view request_timeout,
                                            absl::string_view grpc_timeout);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_ADMISSION_H_
