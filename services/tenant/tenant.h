#ifndef PELITA_SERVICES_TENANT_TENANT_H_
#define PELITA_SERVICES_TENANT_TENANT_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "lib/tenancy/caller.h"
#include "pelita/tenant/v1/tenant.pb.h"
#include "services/tenant/store.h"

namespace pelita::tenant {

// The registry's logic (no gRPC).  Writes are for the platform admin
// (role `platform_admin`, lib/role) only: a regency's admin runs its own
// regency, not the list of regencies.  Reads are open to every caller,
// services (no role) included: the records hold nothing confidential and
// every service needs them.
class TenantLogic {
 public:
  explicit TenantLogic(TenantStore* store, std::function<absl::Time()> clock = [] { return absl::Now(); });

  absl::StatusOr<v1::Tenant> CreateTenant(const Caller& caller, const v1::CreateTenantRequest& request);
  absl::StatusOr<v1::Tenant> GetTenant(const Caller& caller, const v1::GetTenantRequest& request);
  absl::StatusOr<v1::ListTenantsResponse> ListTenants(const Caller& caller,
                                                      const v1::ListTenantsRequest& request);
  // A change that leaves the record as it was writes and publishes nothing.
  absl::StatusOr<v1::Tenant> UpdateTenant(const Caller& caller, const v1::UpdateTenantRequest& request);

 private:
  TenantStore* store_;
  std::function<absl::Time()> clock_;
};

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_TENANT_H_
