// pelita-tenant: the tenant registry (tenants/{t}: name, province, kind,
// time zone, settings).  Wiring only; see tenant.h for the logic.

#include "absl/flags/parse.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/tenant/grpc_service.h"
#include "services/tenant/store.h"
#include "services/tenant/tenant.h"

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);
  pelita::tenant::TenantStore store(&redis);
  pelita::tenant::TenantLogic logic(&store);
  pelita::tenant::TenantGrpcService service(&logic);

  pelita::ServerOptions options =
      pelita::ServerOptionsFromFlags("tenant", "0.0.0.0:50055",
          {pelita::tenant::v1::TenantService::service_full_name()});
  pelita::Server server(options, {&service}, &redis);
  return pelita::RunServerFromFlags(server);
}
