// pelita-complaint: public complaints, their statistics and the satisfaction
// index per unit.  Wiring only; see complaint.h for the logic.

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/log/log.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/complaint/complaint.h"
#include "services/complaint/enrolment_units.h"
#include "services/complaint/grpc_service.h"
#include "services/complaint/skm_follower.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", "127.0.0.1:50051"),
          "Address of the enrolment service (units and service volumes); env PELITA_ENROLMENT");
ABSL_FLAG(std::string, survey, pelita::EnvOr("PELITA_SURVEY", "127.0.0.1:50052"),
          "Address of the survey service (informational; SKM responses are followed on its "
          "Redis stream); env PELITA_SURVEY");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);
  pelita::complaint::EnrolmentUnitDirectory units(
      pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)));
  pelita::complaint::ComplaintLogic logic(&redis, &units);
  pelita::complaint::ComplaintGrpcService service(&logic);

  // Every tenant of the registry is served and its survey stream followed,
  // including tenants created while the service runs.
  auto registry = pelita::tenant::StartRegistryFromFlags(&redis);
  // Each tenant's civil days (SLA working days, SKM periods) in its own zone.
  logic.SetTenantZones(registry->Zones());
  pelita::complaint::SkmFollower follower(&redis, &logic, registry.get());
  follower.Start();

  pelita::ServerOptions options =
      pelita::ServerOptionsFromFlags("complaint", "0.0.0.0:50053",
          {pelita::complaint::v1::ComplaintService::service_full_name()});
  pelita::Server server(options, {&service}, &redis);
  const int code = pelita::RunServerFromFlags(server);
  follower.Stop();
  registry->Stop();
  return code;
}
