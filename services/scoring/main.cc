// pelita-scoring: evaluation reports, rankings, province benchmark and
// budget advice.  Wiring only; see scoring.h for the logic.

#include <unistd.h>

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/log/log.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "lib/tenancy/tenancy.h"
#include "services/scoring/complaint_source.h"
#include "services/scoring/follower.h"
#include "services/scoring/grpc_service.h"
#include "services/scoring/grpc_sources.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", std::string("127.0.0.1:50051")),
          "enrolment service address (env PELITA_ENROLMENT)");
ABSL_FLAG(std::string, survey, pelita::EnvOr("PELITA_SURVEY", std::string("127.0.0.1:50052")),
          "survey service address (env PELITA_SURVEY)");
ABSL_FLAG(std::string, complaint, pelita::EnvOr("PELITA_COMPLAINT", std::string("127.0.0.1:50053")),
          "complaint service address (env PELITA_COMPLAINT)");
ABSL_FLAG(std::string, tenants, pelita::EnvOr("PELITA_TENANTS", std::string("1504")),
          "comma-separated tenants served (env PELITA_TENANTS)");
ABSL_FLAG(int, cache_ttl_seconds, pelita::EnvOr("PELITA_SCORING_CACHE_TTL", 3600),
          "lifetime of a cached report (env PELITA_SCORING_CACHE_TTL)");
ABSL_FLAG(int, claim_idle_seconds, pelita::EnvOr("PELITA_SCORING_CLAIM_IDLE", 60),
          "survey stream entries another consumer left unacknowledged this long are taken over "
          "(env PELITA_SCORING_CLAIM_IDLE)");
ABSL_FLAG(int, min_control_units, pelita::EnvOr("PELITA_SCORING_MIN_CONTROL_UNITS", 2),
          "comparison units (without trained staff, data covering both windows) an L4 estimate needs at "
          "least (env PELITA_SCORING_MIN_CONTROL_UNITS)");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  auto tenant_list = pelita::ParseTenantList(absl::GetFlag(FLAGS_tenants));
  if (!tenant_list.ok()) {
    pelita::LogError("bad --tenants", {{"error", std::string(tenant_list.status().message())}});
    return 2;
  }
  const std::vector<std::string> tenants = *tenant_list;
  pelita::redis::Client redis(*redis_options);
  pelita::scoring::GrpcEnrolmentSource enrolment(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)));
  pelita::scoring::GrpcSurveySource survey(pelita::ServiceChannel(absl::GetFlag(FLAGS_survey)));
  auto complaint = pelita::scoring::MakeComplaintSource(pelita::ServiceChannel(absl::GetFlag(FLAGS_complaint)));
  if (!pelita::scoring::HaveComplaintClient()) {
    pelita::LogWarning("scoring built without the complaint client: L4 results are reported as missing", {});
  }
  pelita::scoring::ScoringOptions options;
  options.tenants = tenants;
  options.cache_ttl = absl::Seconds(absl::GetFlag(FLAGS_cache_ttl_seconds));
  options.min_control_units = absl::GetFlag(FLAGS_min_control_units);
  if (options.min_control_units < 1) {
    pelita::LogError("bad --min_control_units", {{"error", "must be at least 1"}});
    return 2;
  }
  pelita::scoring::ScoringLogic logic(&redis, &enrolment, &survey, complaint.get(), options);
  pelita::scoring::ScoringGrpcService service(&logic);

  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  pelita::scoring::SurveyStreamFollower follower(&redis, &logic.store(), tenants,
                                                 absl::StrCat(host, "-", getpid()), absl::Seconds(1),
                                                 absl::Seconds(absl::GetFlag(FLAGS_claim_idle_seconds)));
  if (auto st = follower.Start(); !st.ok()) {
    // Redis may not be up yet: the follower keeps trying in the background.
    pelita::LogWarning("survey stream follower: group not created yet", {{"error", st.ToString()}});
  }

  pelita::ServerOptions server_options;
  server_options.name = "scoring";
  server_options.health_services = {pelita::scoring::v1::ScoringService::service_full_name()};
  server_options.listen = absl::GetFlag(FLAGS_listen).empty() ? "0.0.0.0:50054" : absl::GetFlag(FLAGS_listen);
  server_options.health_interval = absl::Milliseconds(absl::GetFlag(FLAGS_health_interval_ms));
  pelita::Server server(server_options, {&service}, &redis);
  const int rc = pelita::RunServer(server, absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
  follower.Stop();
  return rc;
}
