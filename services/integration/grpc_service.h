#ifndef PELITA_SERVICES_INTEGRATION_GRPC_SERVICE_H_
#define PELITA_SERVICES_INTEGRATION_GRPC_SERVICE_H_

#include "pelita/integration/v1/integration.grpc.pb.h"
#include "services/integration/integration.h"

// Every RPC of IntegrationService as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand it (the
// one adapter shape of every service: docs/CONVENTIONS.md).
#define PELITA_INTEGRATION_UNARY_RPCS(X)                                                            \
  X(GetSiasnConnection, v1::GetSiasnConnectionRequest, v1::SiasnConnection)                         \
  X(UpdateSiasnConnection, v1::UpdateSiasnConnectionRequest, v1::SiasnConnection)                   \
  X(CreateUnorMapping, v1::CreateUnorMappingRequest, v1::UnorMapping)                               \
  X(GetUnorMapping, v1::GetUnorMappingRequest, v1::UnorMapping)                                     \
  X(ListUnorMappings, v1::ListUnorMappingsRequest, v1::ListUnorMappingsResponse)                    \
  X(UpdateUnorMapping, v1::UpdateUnorMappingRequest, v1::UnorMapping)                               \
  X(DeleteUnorMapping, v1::DeleteUnorMappingRequest, google::protobuf::Empty)                       \
  X(StartSync, v1::StartSyncRequest, v1::SyncRun)                                                   \
  X(GetSyncRun, v1::GetSyncRunRequest, v1::SyncRun)                                                 \
  X(ListSyncRuns, v1::ListSyncRunsRequest, v1::ListSyncRunsResponse)                                \
  X(ListEmployeeChanges, v1::ListEmployeeChangesRequest, v1::ListEmployeeChangesResponse)           \
  X(ListPushes, v1::ListPushesRequest, v1::ListPushesResponse)                                      \
  X(GetPush, v1::GetPushRequest, v1::Push)                                                          \
  X(RetryPush, v1::RetryPushRequest, v1::Push)                                                      \
  X(ListFailures, v1::ListFailuresRequest, v1::ListFailuresResponse)                                \
  X(GetIntegrationStatus, v1::GetIntegrationStatusRequest, v1::IntegrationStatus)

namespace pelita::integration {

// The gRPC face of IntegrationLogic: each method reads the caller from the
// call metadata and delegates.
class IntegrationGrpcService final : public v1::IntegrationService::Service {
 public:
  explicit IntegrationGrpcService(IntegrationLogic* logic) : logic_(logic) {}

#define PELITA_INTEGRATION_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_INTEGRATION_UNARY_RPCS(PELITA_INTEGRATION_DECLARE)
#undef PELITA_INTEGRATION_DECLARE

 private:
  IntegrationLogic* logic_;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_GRPC_SERVICE_H_
