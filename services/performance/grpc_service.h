#ifndef PELITA_SERVICES_PERFORMANCE_GRPC_SERVICE_H_
#define PELITA_SERVICES_PERFORMANCE_GRPC_SERVICE_H_

#include "pelita/performance/v1/performance.grpc.pb.h"
#include "services/performance/performance.h"

// Every unary RPC of PerformanceService as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand it (the
// one adapter shape of every service: docs/CONVENTIONS.md).
#define PELITA_PERFORMANCE_UNARY_RPCS(X)                                                                   \
  X(CreateServiceType, v1::CreateServiceTypeRequest, v1::ServiceType)                                      \
  X(GetServiceType, v1::GetServiceTypeRequest, v1::ServiceType)                                            \
  X(ListServiceTypes, v1::ListServiceTypesRequest, v1::ListServiceTypesResponse)                           \
  X(UpdateServiceType, v1::UpdateServiceTypeRequest, v1::ServiceType)                                      \
  X(BatchRecordServiceMonths, v1::BatchRecordServiceMonthsRequest, v1::BatchRecordServiceMonthsResponse)   \
  X(GetServiceMonth, v1::GetServiceMonthRequest, v1::ServiceMonth)                                         \
  X(ListServiceMonthRevisions, v1::ListServiceMonthRevisionsRequest, v1::ListServiceMonthRevisionsResponse) \
  X(GetUnitPerformance, v1::GetUnitPerformanceRequest, v1::UnitPerformance)                                \
  X(BatchGetPerformanceMonths, v1::BatchGetPerformanceMonthsRequest, v1::BatchGetPerformanceMonthsResponse) \
  X(BatchRecordSkp, v1::BatchRecordSkpRequest, v1::BatchRecordSkpResponse)                                 \
  X(GetSkp, v1::GetSkpRequest, v1::Skp)                                                                    \
  X(ListSkp, v1::ListSkpRequest, v1::ListSkpResponse)                                                      \
  X(GetCohortSkpChange, v1::GetCohortSkpChangeRequest, v1::CohortSkpChange)

namespace pelita::performance {

// The gRPC face of PerformanceLogic: each method reads the caller from the
// call metadata and delegates.
class PerformanceGrpcService final : public v1::PerformanceService::Service {
 public:
  explicit PerformanceGrpcService(PerformanceLogic* logic) : logic_(logic) {}

#define PELITA_PERFORMANCE_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_PERFORMANCE_UNARY_RPCS(PELITA_PERFORMANCE_DECLARE)
#undef PELITA_PERFORMANCE_DECLARE

  grpc::Status ImportServiceMonthsCsv(grpc::ServerContext* context, grpc::ServerReader<v1::ImportCsvRequest>* reader,
                                      type::v1::ImportResult* response) override;
  grpc::Status ImportSkpCsv(grpc::ServerContext* context, grpc::ServerReader<v1::ImportCsvRequest>* reader,
                            type::v1::ImportResult* response) override;

 private:
  PerformanceLogic* logic_;
};

}  // namespace pelita::performance

#endif  // PELITA_SERVICES_PERFORMANCE_GRPC_SERVICE_H_
