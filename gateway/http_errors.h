#ifndef PELITA_GATEWAY_HTTP_ERRORS_H_
#define PELITA_GATEWAY_HTTP_ERRORS_H_

#include <string>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace pelita::gateway {

// HTTP 499 (nginx's "client closed request"): counted in metrics and logs
// when the client went away before its answer; never sent.
inline constexpr int kClientClosedRequest = 499;

// How long a client is told to wait before retrying a transient failure.
inline constexpr absl::Duration kRetryAfterTransient = absl::Seconds(1);

// One failed request as the client sees it.
struct HttpError {
  int http_status = 500;
  grpc::StatusCode code = grpc::StatusCode::INTERNAL;
  // Shown to the client, except that ErrorBody replaces the message of a
  // server-side failure (it may name addresses or internals).
  std::string message;
  // A serialized google.rpc.Status from a backend (its details are shown
  // for 4xx answers).
  std::string details;
  // Sent as Retry-After when positive.
  absl::Duration retry_after = absl::ZeroDuration();
  // The connection cannot carry another request after this answer (a body
  // was not read, or the framing cannot be trusted).
  bool close = false;
  // 405: the methods the path takes (the Allow header).
  std::string allow;
};

// THE mapping from gRPC status codes to HTTP statuses (google.rpc.Code's
// documented HTTP equivalents).  CANCELLED is 499 here; a call the gateway
// did not cancel itself is mapped by FromCallStatus instead.
int HttpStatusFor(grpc::StatusCode code);

// The canonical name of a code ("NOT_FOUND"); "UNKNOWN" out of range.
const char* CodeName(grpc::StatusCode code);

// An error decided by the gateway itself, from an absl::Status (its code
// gives the HTTP status; UNAVAILABLE carries Retry-After).
HttpError FromStatus(const absl::Status& status);

// The answer for a backend call that ended with `status` (not OK).
// `cancelled_by_gateway` says whether the gateway itself cancelled the call
// (then the caller's own error applies and this is not used).  A call that
// ended CANCELLED without the gateway asking is a backend that went away in
// the middle of the call: like UNAVAILABLE it is 503 with Retry-After, so
// that a client retrying what the API calls retryable retries it.
HttpError FromCallStatus(const grpc::Status& status);

// The gateway's own 4xx answers that have no gRPC code of their own.
HttpError PayloadTooLarge(absl::string_view message);
HttpError MethodNotAllowed(absl::string_view message, absl::string_view allow);
HttpError BadRequest(absl::string_view message, bool close = false);

// The JSON error body {"code", "status", "message", "details"}.  5xx
// messages are generic ("service unavailable", "internal error",
// "deadline exceeded"); text from clients or services is made valid UTF-8
// first.  Never throws.
std::string ErrorBody(const HttpError& error);

// Appends `s` as a JSON string (quoted and escaped; malformed UTF-8
// replaced by U+FFFD).
void AppendJsonString(absl::string_view s, std::string* out);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_HTTP_ERRORS_H_
