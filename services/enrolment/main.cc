// pelita-enrolment: units, the ASN roster, programmes, cohorts, enrolments
// and learning hours.  Wiring only; see enrolment.h for the logic.  (The
// follow-up workflow is its own service since issue 14: services/followup.)

#include "absl/flags/parse.h"
#include "lib/log/log.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);
  pelita::enrolment::EnrolmentLogic logic(&redis);
  pelita::enrolment::EnrolmentGrpcService service(&logic);

  pelita::ServerOptions options;
  options.name = "enrolment";
  options.health_services = {pelita::enrolment::v1::EnrolmentService::service_full_name()};
  options.listen = absl::GetFlag(FLAGS_listen).empty() ? "0.0.0.0:50051" : absl::GetFlag(FLAGS_listen);
  options.health_interval = absl::Milliseconds(absl::GetFlag(FLAGS_health_interval_ms));
  pelita::Server server(options, {&service}, &redis);
  return pelita::RunServer(server, absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
}
