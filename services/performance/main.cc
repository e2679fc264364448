// pelita-performance: service indicators per unit and month, SKP records
// and the figures made of them.  Wiring only; see performance.h for the logic.

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/performance/grpc_service.h"
#include "services/performance/performance.h"
#include "services/performance/roster.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", "127.0.0.1:50051"),
          "Address of the enrolment service (units, cohorts and their participants); env PELITA_ENROLMENT");

ABSL_FLAG(bool, log_calls, true, "Log one line per call");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);
  pelita::performance::EnrolmentRoster roster(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)));
  pelita::performance::PerformanceLogic logic(&redis, &roster);
  pelita::performance::PerformanceGrpcService service(&logic);

  // Every tenant of the registry is served, each in its own zone (its
  // current month bounds the months accepted).
  auto registry = pelita::tenant::StartRegistryFromFlags(&redis);
  logic.SetTenantZones(registry->Zones());

  pelita::ServerOptions options = pelita::ServerOptionsFromFlags(
      "performance", "0.0.0.0:50059", {pelita::performance::v1::PerformanceService::service_full_name()});
  options.log_calls = absl::GetFlag(FLAGS_log_calls);
  pelita::Server server(options, {&service}, &redis);
  const int code = pelita::RunServerFromFlags(server);
  registry->Stop();
  return code;
}
