#ifndef PELITA_LIB_STATUS_STATUS_H_
#define PELITA_LIB_STATUS_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace pelita {

// The one place where absl::Status and grpc::Status meet.  The canonical codes
// are numerically the same in both; the message is carried unchanged.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// Shorthands for the errors every service returns.
absl::Status InvalidField(absl::string_view field, absl::string_view problem);

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
