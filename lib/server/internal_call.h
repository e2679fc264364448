#ifndef PELITA_LIB_SERVER_INTERNAL_CALL_H_
#define PELITA_LIB_SERVER_INTERNAL_CALL_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"

namespace pelita {

// One unary call from a service to another: `caller` as the call's metadata
// (AttachCaller: Caller{tenant, "", ""} for an internal read, the request's
// caller when the other service should apply its own reach), a deadline,
// and the answer's status mapped for the calling service: NOT_FOUND,
// INVALID_ARGUMENT, PERMISSION_DENIED and FAILED_PRECONDITION are the
// request's and keep their code (and details); anything else is the other
// service's trouble and becomes UNAVAILABLE naming `service`.
template <typename Stub, typename Req, typename Resp>
absl::StatusOr<Resp> CallService(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                                 const Caller& caller, const Req& req, absl::Duration timeout, const char* service) {
  grpc::ClientContext ctx;
  AttachCaller(ctx, caller);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  Resp resp;
  grpc::Status s = (stub->*method)(&ctx, req, &resp);
  if (s.ok()) return resp;
  absl::Status st = FromGrpcStatus(s);
  switch (st.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
      return st;
    default:
      return absl::UnavailableError(absl::StrCat(service, " service: ", st.ToString()));
  }
}

}  // namespace pelita

#endif  // PELITA_LIB_SERVER_INTERNAL_CALL_H_
