// pelita-tenant-seed: creates the regencies and cities of Jambi (SPEC §2) in
// the registry, as the platform admin.  Idempotent: a tenant that exists is
// left as it is.  scripts/run.sh runs it at every start.

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "services/tenant/seed.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50055", "tenant registry address");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto counts = pelita::tenant::SeedJambiTenants(absl::GetFlag(FLAGS_target));
  if (!counts.ok()) {
    std::cerr << counts.status().message() << "\n";
    return 1;
  }
  std::cout << "tenants of Jambi: " << counts->created << " created, " << counts->existing << " already there\n";
  return 0;
}
