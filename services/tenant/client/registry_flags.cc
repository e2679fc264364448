#include "services/tenant/client/registry_flags.h"

#include "absl/flags/flag.h"
#include "lib/log/log.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/tenancy/call_metadata.h"

ABSL_FLAG(std::string, registry, pelita::EnvOr("PELITA_REGISTRY", std::string("127.0.0.1:50055")),
          "Address of the tenant registry (services/tenant); env PELITA_REGISTRY");

namespace pelita::tenant {

std::unique_ptr<RegistryClient> StartRegistryFromFlags(redis::Client* redis) {
  const std::string target = absl::GetFlag(FLAGS_registry);
  auto registry = std::make_unique<RegistryClient>(ServiceChannel(target), redis);
  if (absl::Status s = registry->Start(); !s.ok()) {
    LogWarning("tenant registry not reachable yet; listing again in the background",
               {{"registry", target}, {"error", s.ToString()}});
  }
  RegistryClient* client = registry.get();
  SetTenantCheck([client](const std::string& code) { return client->Check(code); });
  return registry;
}

}  // namespace pelita::tenant
