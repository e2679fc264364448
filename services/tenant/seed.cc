#include "services/tenant/seed.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"
#include "pelita/tenant/v1/tenant.grpc.pb.h"
#include "services/tenant/domain.h"

namespace pelita::tenant {

absl::StatusOr<SeedCounts> SeedJambiTenants(const std::string& target, absl::Duration wait) {
  auto stub = v1::TenantService::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  const absl::Time deadline = absl::Now() + wait;
  SeedCounts counts;
  for (const auto& seed : JambiSeeds()) {
    v1::CreateTenantRequest req;
    req.set_tenant_id(seed.code);
    req.mutable_tenant()->set_display_name(seed.display_name);
    grpc::ClientContext ctx;
    // The first call waits for the registry to come up, within `wait`.
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(absl::ToChronoTime(std::max(deadline, absl::Now() + absl::Seconds(5))));
    AttachCaller(ctx, Caller{"", std::string(RoleName(Role::kPlatformAdmin)), "pelita-tenant-seed"});
    v1::Tenant out;
    grpc::Status s = stub->CreateTenant(&ctx, req, &out);
    if (s.ok()) {
      ++counts.created;
    } else if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++counts.existing;
    } else {
      return absl::Status(FromGrpcStatus(s).code(), absl::StrCat("tenant ", seed.code, ": ", s.error_message()));
    }
  }
  return counts;
}

}  // namespace pelita::tenant
