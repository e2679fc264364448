#ifndef PELITA_SERVICES_TENANT_SEED_H_
#define PELITA_SERVICES_TENANT_SEED_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pelita::tenant {

struct SeedCounts {
  int created = 0;
  int existing = 0;
};

// Creates the regencies and cities of Jambi (SPEC §2, JambiSeeds()) in the
// registry at `target`, as the platform admin.  Idempotent: a tenant that
// exists is left as it is.  Waits up to `wait` for the registry to answer
// (it may be starting), so scripts and tests can call it right after
// starting the registry.  pelita-tenant-seed, scripts/run.sh and the tests
// that start the services as processes use it.
absl::StatusOr<SeedCounts> SeedJambiTenants(const std::string& target, absl::Duration wait = absl::Seconds(10));

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_SEED_H_
