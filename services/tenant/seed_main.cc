// pelita-tenant-seed: creates the regencies and cities of Jambi (SPEC §2) in
// the registry, as the platform admin.  Idempotent: a tenant that exists is
// left as it is.  scripts/run.sh runs it at every start.

#include <grpcpp/grpcpp.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "lib/role/role.h"
#include "lib/tenancy/call_metadata.h"
#include "pelita/tenant/v1/tenant.grpc.pb.h"
#include "services/tenant/domain.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50055", "tenant registry address");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto stub = pelita::tenant::v1::TenantService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));
  int created = 0, existing = 0;
  for (const auto& seed : pelita::tenant::JambiSeeds()) {
    pelita::tenant::v1::CreateTenantRequest req;
    req.set_tenant_id(seed.code);
    req.mutable_tenant()->set_display_name(seed.display_name);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pelita::AttachCaller(ctx, pelita::Caller{"", std::string(pelita::RoleName(pelita::Role::kPlatformAdmin)),
                                             "pelita-tenant-seed"});
    pelita::tenant::v1::Tenant out;
    grpc::Status s = stub->CreateTenant(&ctx, req, &out);
    if (s.ok()) {
      ++created;
    } else if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++existing;
    } else {
      std::cerr << "tenant " << seed.code << ": " << s.error_message() << "\n";
      return 1;
    }
  }
  std::cout << "tenants of Jambi: " << created << " created, " << existing << " already there\n";
  return 0;
}
