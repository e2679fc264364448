// pelita-scoring: evaluation reports, rankings, province benchmark and
// budget advice.  Wiring only; see scoring.h for the logic.

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
#include "services/scoring/performance_source.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", std::string("127.0.0.1:50051")),
          "enrolment service address (env PELITA_ENROLMENT)");
ABSL_FLAG(std::string, survey, pelita::EnvOr("PELITA_SURVEY", std::string("127.0.0.1:50052")),
          "survey service address (env PELITA_SURVEY)");
ABSL_FLAG(std::string, complaint, pelita::EnvOr("PELITA_COMPLAINT", std::string("127.0.0.1:50053")),
          "complaint service address (env PELITA_COMPLAINT)");
ABSL_FLAG(std::string, performance, pelita::EnvOr("PELITA_PERFORMANCE", std::string("127.0.0.1:50059")),
          "performance service address (env PELITA_PERFORMANCE; empty = no SKP change or work figures)");
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
  pelita::redis::Client redis(*redis_options);
  // Every tenant of the registry is served, benchmarked and followed,
  // including tenants created while the service runs.
  auto registry = pelita::tenant::StartRegistryFromFlags(&redis);
  pelita::scoring::GrpcEnrolmentSource enrolment(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)));
  pelita::scoring::GrpcSurveySource survey(pelita::ServiceChannel(absl::GetFlag(FLAGS_survey)));
  auto complaint = pelita::scoring::MakeComplaintSource(pelita::ServiceChannel(absl::GetFlag(FLAGS_complaint)));
  if (!pelita::scoring::HaveComplaintClient()) {
    pelita::LogWarning("scoring built without the complaint client: L4 results are reported as missing", {});
  }
  std::unique_ptr<pelita::scoring::GrpcPerformanceSource> performance;
  if (!absl::GetFlag(FLAGS_performance).empty()) {
    performance = std::make_unique<pelita::scoring::GrpcPerformanceSource>(
        pelita::ServiceChannel(absl::GetFlag(FLAGS_performance)));
  }
  pelita::scoring::ScoringOptions options;
  options.performance = performance.get();
  options.tenant_source = registry.get();
  options.cache_ttl = absl::Seconds(absl::GetFlag(FLAGS_cache_ttl_seconds));
  options.min_control_units = absl::GetFlag(FLAGS_min_control_units);
  // The registry owns the min-n floor (TenantSettings.min_n).
  options.min_n_floor = [client = registry.get()](const std::string& tenant) {
    auto t = client->Get(tenant);
    return t.ok() ? t->settings().min_n() : 0;
  };
  if (options.min_control_units < 1) {
    pelita::LogError("bad --min_control_units", {{"error", "must be at least 1"}});
    return 2;
  }
  pelita::scoring::ScoringLogic logic(&redis, &enrolment, &survey, complaint.get(), options);
  // Each tenant's windows and months in its own zone.
  logic.SetTenantZones(registry->Zones());
  pelita::scoring::ScoringGrpcService service(&logic);

  pelita::events::FollowerOptions follow;
  follow.claim_idle = absl::Seconds(absl::GetFlag(FLAGS_claim_idle_seconds));
  pelita::scoring::SurveyStreamFollower follower(&redis, &logic.store(), registry.get(), follow);
  follower.Start();

  pelita::ServerOptions server_options =
      pelita::ServerOptionsFromFlags("scoring", "0.0.0.0:50054",
          {pelita::scoring::v1::ScoringService::service_full_name()});
  pelita::Server server(server_options, {&service}, &redis);
  const int rc = pelita::RunServerFromFlags(server);
  follower.Stop();
  registry->Stop();
  return rc;
}
