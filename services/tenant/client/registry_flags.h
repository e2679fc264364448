#ifndef PELITA_SERVICES_TENANT_CLIENT_REGISTRY_FLAGS_H_
#define PELITA_SERVICES_TENANT_CLIENT_REGISTRY_FLAGS_H_

#include <memory>
#include <string>

#include "absl/flags/declare.h"
#include "lib/redis/redis.h"
#include "services/tenant/client/registry_client.h"

// --registry: the tenant registry's address (env PELITA_REGISTRY, default
// 127.0.0.1:50055), read by every service that serves tenants.
ABSL_DECLARE_FLAG(std::string, registry);

namespace pelita::tenant {

// The wiring every service's main() shares: a RegistryClient on --registry
// (following the registry's events on `redis`), started, and made the
// process's tenant check (lib/tenancy SetTenantCheck), so that a call for
// a tenant the registry does not know is NOT_FOUND and one for a tenant
// created at run time is served without a restart.  A registry that is not
// reachable yet is logged, not fatal: the client keeps listing in the
// background and Check() asks the registry for each tenant it has not seen.
std::unique_ptr<RegistryClient> StartRegistryFromFlags(redis::Client* redis);

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_CLIENT_REGISTRY_FLAGS_H_
