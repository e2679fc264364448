// pelita-survey: instruments, responses (unary, batch, client stream, CSV)
// and the aggregates scoring reads.  Wiring only; see survey.h for the logic.

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/log/log.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "lib/notify/flags.h"
#include "services/survey/enrolment_roster.h"
#include "services/survey/grpc_service.h"
#include "services/survey/roster.h"
#include "services/survey/store.h"
#include "services/survey/survey.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", std::string("127.0.0.1:50051")),
          "Enrolment service address host:port (env PELITA_ENROLMENT)");
ABSL_FLAG(std::string, followup, pelita::EnvOr("PELITA_FOLLOWUP", std::string("127.0.0.1:50056")),
          "Follow-up service address host:port: supervisors named on approved action plans "
          "(env PELITA_FOLLOWUP)");
ABSL_FLAG(int, roster_ttl_seconds, pelita::EnvOr("PELITA_SURVEY_ROSTER_TTL_SECONDS", 30),
          "How long a cohort's enrolled set is cached (env PELITA_SURVEY_ROSTER_TTL_SECONDS)");
ABSL_FLAG(int, stream_maxlen, pelita::EnvOr("PELITA_SURVEY_STREAM_MAXLEN", 0),
          "Approximate MAXLEN of each tenant's response stream, 0 = keep all "
          "(env PELITA_SURVEY_STREAM_MAXLEN)");
ABSL_FLAG(int, stream_batch, pelita::EnvOr("PELITA_SURVEY_STREAM_BATCH", 512),
          "Streamed responses per Redis round trip (env PELITA_SURVEY_STREAM_BATCH)");
ABSL_FLAG(std::string, answer_url, pelita::EnvOr("PELITA_ANSWER_URL", std::string("http://127.0.0.1:8080/jawab")),
          "The web application's answer page, which personal answer links open (env PELITA_ANSWER_URL)");
ABSL_FLAG(bool, log_calls, true, "Log one line per call");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  redis_options->max_idle = 64;
  pelita::redis::Client redis(*redis_options);
  pelita::survey::SurveyStore::SetStreamMaxLen(absl::GetFlag(FLAGS_stream_maxlen));
  // Serves exactly the tenants of the registry, including tenants created
  // while it runs (the tenant check of every call).
  auto registry = pelita::tenant::StartRegistryFromFlags(&redis);

  pelita::survey::EnrolmentRoster enrolment(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)),
                                            absl::Seconds(5),
                                            pelita::ServiceChannel(absl::GetFlag(FLAGS_followup)));
  pelita::survey::CachedRoster roster(&enrolment,
                                      absl::Seconds(absl::GetFlag(FLAGS_roster_ttl_seconds)));
  pelita::survey::SurveyLogic logic(&redis, &roster);
  // Each tenant's SKM months and follow-up windows in its own zone.
  logic.SetTenantZones(registry->Zones());
  // Answer links go out through the reminders' sender (--notify_sender).
  auto sender = pelita::notify::SenderFromFlags();
  if (!sender.ok()) {
    pelita::LogError("bad notification flags", {{"error", std::string(sender.status().message())}});
    return 2;
  }
  logic.SetAnswerLinks(sender->get(), absl::GetFlag(FLAGS_answer_url));
  pelita::survey::SurveyGrpcService service(&logic, absl::GetFlag(FLAGS_stream_batch));

  pelita::ServerOptions options =
      pelita::ServerOptionsFromFlags("survey", "0.0.0.0:50052",
          {pelita::survey::v1::SurveyService::service_full_name()});
  options.log_calls = absl::GetFlag(FLAGS_log_calls);
  pelita::Server server(options, {&service}, &redis);
  return pelita::RunServerFromFlags(server);
}
