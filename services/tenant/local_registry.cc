#include "services/tenant/local_registry.h"

#include "services/tenant/seed.h"

namespace pelita::tenant {

LocalRegistry::LocalRegistry(redis::Client* redis) : store_(redis), logic_(&store_), service_(&logic_) {}

LocalRegistry::~LocalRegistry() {
  if (server_) server_->Shutdown(absl::Seconds(1));
}

absl::StatusOr<std::unique_ptr<LocalRegistry>> LocalRegistry::Start(redis::Client* redis, bool seed_jambi) {
  std::unique_ptr<LocalRegistry> r(new LocalRegistry(redis));
  auto server = StartLocalServer("tenant", {&r->service_}, redis);
  if (!server.ok()) return server.status();
  r->server_ = *std::move(server);
  if (seed_jambi) {
    if (auto seeded = SeedJambiTenants(r->address()); !seeded.ok()) return seeded.status();
  }
  return r;
}

}  // namespace pelita::tenant
