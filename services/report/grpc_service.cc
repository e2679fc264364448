#include "services/report/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::report {

#define PELITA_REPORT_DEFINE(Method, Request, Response)                                                   \
  grpc::Status ReportGrpcService::Method(grpc::ServerContext* context, const Request* request,            \
                                         Response* response) {                                             \
    return HandleUnary(context, response, [&](const Caller& caller) { return logic_->Method(caller, *request); }); \
  }
PELITA_REPORT_UNARY_RPCS(PELITA_REPORT_DEFINE)
#undef PELITA_REPORT_DEFINE

grpc::Status ReportGrpcService::VerifyCertificate(grpc::ServerContext*, const v1::VerifyCertificateRequest* request,
                                                  v1::CertificateVerification* response) {
  auto result = logic_->VerifyCertificate(*request);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result).value();
  return grpc::Status::OK;
}

}  // namespace pelita::report
