#include "services/enrolment/grpc_service.h"

#include "lib/server/adapter.h"
#include "lib/status/status.h"

namespace pelita::enrolment {

#define PELITA_ENROLMENT_DEFINE(Method, Request, Response)                               \
  grpc::Status EnrolmentGrpcService::Method(grpc::ServerContext* context,               \
                                            const Request* request, Response* response) { \
    return HandleUnary(context, response,                                               \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); }); \
  }
PELITA_ENROLMENT_UNARY_RPCS(PELITA_ENROLMENT_DEFINE)
#undef PELITA_ENROLMENT_DEFINE

grpc::Status EnrolmentGrpcService::ImportEmployees(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportEmployeesRequest>* reader,
    type::v1::ImportResult* response) {
  auto caller = CallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::ImportEmployeesRequest chunk;
  if (!reader->Read(&chunk)) {
    return ToGrpcStatus(absl::InvalidArgumentError("parent: the stream carried no message"));
  }
  auto import = logic_->StartEmployeeImport(*caller, chunk.parent());
  if (!import.ok()) return ToGrpcStatus(import.status());
  // Feeds until the end of the upload, a cut (upload_truncated) or a break
  // of the file; the answer says which.
  bool truncated = false;
  do {
    if (absl::Status s = (*import)->Feed(chunk.csv_chunk()); !s.ok()) return ToGrpcStatus(s);
    truncated = chunk.upload_truncated();
  } while (!truncated && !(*import)->stopped() && reader->Read(&chunk));
  auto report = (*import)->Finish(truncated);
  if (!report.ok()) return ToGrpcStatus(report.status());
  *response = std::move(*report);
  return grpc::Status::OK;
}

}  // namespace pelita::enrolment
