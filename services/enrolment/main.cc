// pelita-enrolment: units, the ASN roster, programmes, cohorts, enrolments
// and learning hours.  Wiring only; see enrolment.h for the logic.  (The
// follow-up workflow is its own service since issue 14: services/followup.)

#include "absl/flags/parse.h"
#include "lib/log/log.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"
#include "services/tenant/client/registry_flags.h"

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);
  // Serves exactly the tenants of the registry, including tenants created
  // while it runs (the tenant check of every call).
  auto registry = pelita::tenant::StartRegistryFromFlags(&redis);
  pelita::enrolment::EnrolmentLogic logic(&redis);
  // Each tenant's "today" (cohort days, learning-hour years) in its own zone.
  logic.SetTenantZones(registry->Zones());
  pelita::enrolment::EnrolmentGrpcService service(&logic);

  pelita::ServerOptions options =
      pelita::ServerOptionsFromFlags("enrolment", "0.0.0.0:50051",
          {pelita::enrolment::v1::EnrolmentService::service_full_name()});
  pelita::Server server(options, {&service}, &redis);
  return pelita::RunServerFromFlags(server);
}
