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

grpc::Status ReportGrpcService::ExportProvinceBenchmark(grpc::ServerContext* context,
                                                       const v1::ExportProvinceBenchmarkRequest* request,
                                                       type::v1::HttpBody* response) {
  return HandleRegionUnary(context, response,
                           [&](const Caller& caller) { return logic_->ExportProvinceBenchmark(caller, *request); });
}

grpc::Status ReportGrpcService::ExportResponses(grpc::ServerContext* context,
                                               const v1::ExportResponsesRequest* request,
                                               grpc::ServerWriter<type::v1::HttpBody>* writer) {
  auto caller = CallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // A piece is written when the one before has gone (Write blocks): the
  // workbook is never in memory whole, and a client that stops reading
  // stops the export.
  return ToGrpcStatus(logic_->ExportResponses(*caller, *request, [&](const type::v1::HttpBody& piece) {
    return !context->IsCancelled() && writer->Write(piece);
  }));
}

grpc::Status ReportGrpcService::GetCohortCertificates(grpc::ServerContext* context,
                                                     const v1::GetCohortCertificatesRequest* request,
                                                     grpc::ServerWriter<type::v1::HttpBody>* writer) {
  auto caller = CallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // As ExportResponses: each piece written when the one before has gone.
  return ToGrpcStatus(logic_->GetCohortCertificates(*caller, *request, [&](const type::v1::HttpBody& piece) {
    return !context->IsCancelled() && writer->Write(piece);
  }));
}

grpc::Status ReportGrpcService::VerifyCertificate(grpc::ServerContext*, const v1::VerifyCertificateRequest* request,
                                                  v1::CertificateVerification* response) {
  auto result = logic_->VerifyCertificate(*request);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result).value();
  return grpc::Status::OK;
}

}  // namespace pelita::report
