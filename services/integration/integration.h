#ifndef PELITA_SERVICES_INTEGRATION_INTEGRATION_H_
#define PELITA_SERVICES_INTEGRATION_INTEGRATION_H_

// The integration service's logic (pelita.integration.v1), without gRPC:
// every method takes the caller (from the call metadata) and the request.
// Only staff (organisers, admins, internal calls) see or change a tenant's
// integration; every name's tenant must be the caller's.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "lib/tenancy/caller.h"
#include "pelita/integration/v1/integration.pb.h"
#include "services/integration/interfaces.h"
#include "services/integration/roster.h"
#include "services/integration/store.h"

namespace pelita::integration {

class IntegrationLogic {
 public:
  // `roster` answers whether a unit exists; `pushes` may be null (no
  // outbox in this process: ListPushes, GetPush and RetryPush are
  // UNIMPLEMENTED and the status counts no pushes).
  IntegrationLogic(IntegrationStore* store, ConnectionSource* connections, Roster* roster, SyncStarter* sync,
                   PushQueue* pushes, std::function<absl::Time()> clock = nullptr);

  absl::StatusOr<v1::SiasnConnection> GetSiasnConnection(const Caller& caller, const v1::GetSiasnConnectionRequest& r);
  absl::StatusOr<v1::SiasnConnection> UpdateSiasnConnection(const Caller& caller,
                                                            const v1::UpdateSiasnConnectionRequest& r);
  absl::StatusOr<v1::UnorMapping> CreateUnorMapping(const Caller& caller, const v1::CreateUnorMappingRequest& r);
  absl::StatusOr<v1::UnorMapping> GetUnorMapping(const Caller& caller, const v1::GetUnorMappingRequest& r);
  absl::StatusOr<v1::ListUnorMappingsResponse> ListUnorMappings(const Caller& caller,
                                                                const v1::ListUnorMappingsRequest& r);
  absl::StatusOr<v1::UnorMapping> UpdateUnorMapping(const Caller& caller, const v1::UpdateUnorMappingRequest& r);
  absl::StatusOr<google::protobuf::Empty> DeleteUnorMapping(const Caller& caller,
                                                            const v1::DeleteUnorMappingRequest& r);
  absl::StatusOr<v1::SyncRun> StartSync(const Caller& caller, const v1::StartSyncRequest& r);
  absl::StatusOr<v1::SyncRun> GetSyncRun(const Caller& caller, const v1::GetSyncRunRequest& r);
  absl::StatusOr<v1::ListSyncRunsResponse> ListSyncRuns(const Caller& caller, const v1::ListSyncRunsRequest& r);
  absl::StatusOr<v1::ListEmployeeChangesResponse> ListEmployeeChanges(const Caller& caller,
                                                                      const v1::ListEmployeeChangesRequest& r);
  absl::StatusOr<v1::ListPushesResponse> ListPushes(const Caller& caller, const v1::ListPushesRequest& r);
  absl::StatusOr<v1::Push> GetPush(const Caller& caller, const v1::GetPushRequest& r);
  absl::StatusOr<v1::Push> RetryPush(const Caller& caller, const v1::RetryPushRequest& r);
  absl::StatusOr<v1::ListFailuresResponse> ListFailures(const Caller& caller, const v1::ListFailuresRequest& r);
  absl::StatusOr<v1::IntegrationStatus> GetIntegrationStatus(const Caller& caller,
                                                             const v1::GetIntegrationStatusRequest& r);

 private:
  absl::Time Now() const { return clock_ ? clock_() : absl::Now(); }
  absl::Status CheckUnit(const std::string& tenant, const Caller& caller, const std::string& field,
                         const std::string& unit);

  IntegrationStore* store_;
  ConnectionSource* connections_;
  Roster* roster_;
  SyncStarter* sync_;
  PushQueue* pushes_;
  std::function<absl::Time()> clock_;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_INTEGRATION_H_
