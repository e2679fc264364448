#ifndef PELITA_LIB_STATUS_STATUS_H_
#define PELITA_LIB_STATUS_STATUS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pelita {

// The one place where absl::Status and grpc::Status meet.  The canonical codes
// are numerically the same in both; the message is carried unchanged, and the
// status's payloads of google.rpc detail types (BadRequest, ErrorInfo, ...)
// travel as the standard `grpc-status-details-bin` (a google.rpc.Status), both
// ways, so details survive a hop from one service to another.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// The canonical name of a status code, the same in gRPC and absl
// ("NOT_FOUND"); "UNKNOWN" for a number outside the 17 codes.  The one table
// of names: metrics labels (lib/metrics) and the gateway's JSON errors
// (gateway/http_errors) both use it.
const char* StatusCodeName(int code);

// Shorthands for the errors every service returns.
//
// INVALID_ARGUMENT naming the field: the message reads "field: problem" (for
// logs and old clients) and the status carries a google.rpc.BadRequest with
// one field violation, which ToGrpcStatus sends as a standard error detail
// (AIP-193) so that a client can point at the field without parsing text.
absl::Status InvalidField(absl::string_view field, absl::string_view problem);

// One INVALID_ARGUMENT for several fields at once (a form with three bad
// entries gets three violations).  `violations` holds (field, problem)
// pairs; the message lists them all.  An empty list is OK.
absl::Status InvalidFields(
    const std::vector<std::pair<std::string, std::string>>& violations);

// Attaches a google.rpc.ErrorInfo to a failed status: `reason` is a stable,
// machine-readable UPPER_SNAKE_CASE code (AIP-193) that a user interface can
// translate ("ALREADY_ANSWERED", "NOT_YOUR_STAFF"), `metadata` its
// parameters.  The domain is always "pelita".  An OK status is returned
// unchanged.
absl::Status WithReason(absl::Status status, absl::string_view reason,
                        const std::map<std::string, std::string>& metadata = {});

// Attaches a google.rpc.RetryInfo to a failed status: when the caller may
// try again (AIP-193).  The gateway answers it as a Retry-After header.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

// The ErrorInfo reason of a status, or "" if it carries none.
std::string ErrorReason(const absl::Status& status);
// The field violations of a status's BadRequest, as (field, problem) pairs.
std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status);

}  // namespace pelita

// Evaluates `expr` (an absl::Status) and returns it from the current function
// when it is not OK.
#define PELITA_RETURN_IF_ERROR(expr)            \
  do {                                          \
    ::absl::Status _pelita_status = (expr);     \
    if (!_pelita_status.ok()) return _pelita_status; \
  } while (0)

#define PELITA_CONCAT_INNER(a, b) a##b
#define PELITA_CONCAT(a, b) PELITA_CONCAT_INNER(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else
// moves the value into `lhs` (which may be a declaration such as `auto x`).
#define PELITA_ASSIGN_OR_RETURN(lhs, rexpr) \
  PELITA_ASSIGN_OR_RETURN_IMPL(PELITA_CONCAT(_pelita_statusor_, __LINE__), lhs, rexpr)
#define PELITA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // PELITA_LIB_STATUS_STATUS_H_
