// pelita-followup: action plans (RTL), 30/60/90-day follow-up tasks from the
// enrolment and survey streams, reminders.  Wiring only; see followup.h.

#include <algorithm>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/events/follower.h"
#include "lib/log/log.h"
#include "lib/notify/flags.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "lib/time/time.h"
#include "services/followup/followers.h"
#include "services/followup/followup.h"
#include "services/followup/grpc_service.h"
#include "services/followup/grpc_sources.h"
#include "services/followup/outbox.h"
#include "services/followup/store.h"
#include "services/tenant/client/registry_client.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", std::string("127.0.0.1:50051")),
          "Enrolment service address host:port (env PELITA_ENROLMENT)");
ABSL_FLAG(std::string, scoring, pelita::EnvOr("PELITA_SCORING", std::string("127.0.0.1:50054")),
          "Scoring service address host:port, for the cohorts' L3 figures (env PELITA_SCORING)");
ABSL_FLAG(int, followup_poll_ms, pelita::EnvOr("PELITA_FOLLOWUP_POLL_MS", 1000),
          "Notification outbox interval (env PELITA_FOLLOWUP_POLL_MS)");
ABSL_FLAG(bool, log_calls, true, "Log one line per call");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);

  auto sender = pelita::notify::SenderFromFlags();
  if (!sender.ok()) {
    pelita::LogError("bad notification flags", {{"error", std::string(sender.status().message())}});
    return 2;
  }

  // The tenants are the registry's (--registry), as in every service: the
  // followers follow each of them, and a call for a tenant the registry
  // does not know is NOT_FOUND; a regency created at run time is served
  // without a restart.
  std::unique_ptr<pelita::tenant::RegistryClient> registry = pelita::tenant::StartRegistryFromFlags(&redis);
  const absl::TimeZone wib = *pelita::LoadIndonesianTimeZone(pelita::kWib);
  auto zone_of = [r = registry.get(), wib](const std::string& tenant) {
    auto z = r->TimeZoneOf(tenant);
    return z.ok() ? *z : wib;
  };

  pelita::followup::GrpcEnrolmentSource enrolment(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)));
  pelita::followup::GrpcBehaviourSource behaviour(pelita::ServiceChannel(absl::GetFlag(FLAGS_scoring)));
  pelita::followup::FollowUpStore store(&redis);
  pelita::followup::FollowUpLogic logic(&store, &enrolment, &behaviour, zone_of);
  pelita::followup::FollowUpGrpcService service(&logic);

  auto completions = pelita::followup::MakeEnrolmentFollower(&redis, registry.get(), &logic);
  auto answers = pelita::followup::MakeSurveyFollower(&redis, registry.get(), &logic);
  pelita::followup::Outbox::Options outbox_options;
  outbox_options.owner = pelita::events::ConsumerName();
  pelita::followup::Outbox outbox(&logic, sender->get(), registry.get(), outbox_options);

  pelita::ServerOptions options =
      pelita::ServerOptionsFromFlags("followup", "0.0.0.0:50056",
          {pelita::followup::v1::FollowUpService::service_full_name()});
  options.log_calls = absl::GetFlag(FLAGS_log_calls);
  pelita::Server server(options, {&service}, &redis);
  completions->Start();
  answers->Start();
  outbox.Start(absl::Milliseconds(std::max(10, absl::GetFlag(FLAGS_followup_poll_ms))));
  const int rc = pelita::RunServerFromFlags(server);
  outbox.Stop();
  answers->Stop();
  completions->Stop();
  registry->Stop();
  return rc;
}
