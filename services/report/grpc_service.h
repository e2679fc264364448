#ifndef PELITA_SERVICES_REPORT_GRPC_SERVICE_H_
#define PELITA_SERVICES_REPORT_GRPC_SERVICE_H_

#include "pelita/report/v1/report.grpc.pb.h"
#include "services/report/report.h"

// Every unary RPC that needs a caller, as X(Method, Request, Response).
#define PELITA_REPORT_UNARY_RPCS(X)                                              \
  X(GetEvaluationReport, v1::GetEvaluationReportRequest, type::v1::HttpBody)     \
  X(GetProgramReport, v1::GetProgramReportRequest, type::v1::HttpBody)           \
  X(GetIkmReport, v1::GetIkmReportRequest, type::v1::HttpBody)                   \
  X(ExportRollUp, v1::ExportRollUpRequest, type::v1::HttpBody)                   \
  X(ExportRanking, v1::ExportRankingRequest, type::v1::HttpBody)                 \
  X(GetCertificate, v1::GetCertificateRequest, type::v1::HttpBody)

namespace pelita::report {

// The gRPC face of ReportLogic: reads the caller from the metadata and
// delegates.  VerifyCertificate is public (no caller; the gateway lists it
// in kPublicRpcs).
class ReportGrpcService final : public v1::ReportService::Service {
 public:
  explicit ReportGrpcService(ReportLogic* logic) : logic_(logic) {}

#define PELITA_REPORT_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_REPORT_UNARY_RPCS(PELITA_REPORT_DECLARE)
#undef PELITA_REPORT_DECLARE
  // A province's comparison of its regencies: its caller may be a whole
  // province (RegionCallerFromContext), as for scoring's benchmark.
  grpc::Status ExportProvinceBenchmark(grpc::ServerContext* context, const v1::ExportProvinceBenchmarkRequest* request,
                                       type::v1::HttpBody* response) override;
  grpc::Status ExportResponses(grpc::ServerContext* context, const v1::ExportResponsesRequest* request,
                               grpc::ServerWriter<type::v1::HttpBody>* writer) override;
  grpc::Status GetCohortCertificates(grpc::ServerContext* context, const v1::GetCohortCertificatesRequest* request,
                                     grpc::ServerWriter<type::v1::HttpBody>* writer) override;
  grpc::Status VerifyCertificate(grpc::ServerContext* context, const v1::VerifyCertificateRequest* request,
                                 v1::CertificateVerification* response) override;

 private:
  ReportLogic* logic_;
};

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_GRPC_SERVICE_H_
