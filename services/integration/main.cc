// pelita-integration: the roster and training records of a regency in step
// with BKN's SIASN (issue 19).  Wiring only; see README.md, integration.h
// (the API's logic) and sync.h (the roster sync).

#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/events/follower.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/integration/clients.h"
#include "services/integration/grpc_service.h"
#include "services/integration/integration.h"
#include "services/integration/metrics.h"
#include "services/integration/push/completion_follower.h"
#include "services/integration/push/outbox.h"
#include "services/integration/push/push_sources.h"
#include "services/integration/rate_limiter.h"
#include "services/integration/roster.h"
#include "services/integration/secrets.h"
#include "services/integration/store.h"
#include "services/integration/sync.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", std::string("127.0.0.1:50051")),
          "Address of the enrolment service (the roster, external trainings); env PELITA_ENROLMENT");
ABSL_FLAG(std::string, performance, pelita::EnvOr("PELITA_PERFORMANCE", std::string("127.0.0.1:50059")),
          "Address of the performance service (SKP records); env PELITA_PERFORMANCE");
ABSL_FLAG(std::string, report, pelita::EnvOr("PELITA_REPORT", std::string("127.0.0.1:50058")),
          "Address of the report service (the certificate PDFs uploaded to SIASN); env PELITA_REPORT");
ABSL_FLAG(int, push_poll_ms, pelita::EnvOr("PELITA_PUSH_POLL_MS", 1000),
          "How often the push outbox looks for due pushes (env PELITA_PUSH_POLL_MS)");
ABSL_FLAG(int, push_lease_seconds, pelita::EnvOr("PELITA_PUSH_LEASE_SECONDS", 300),
          "How long a claimed push is this process's before another may take it over (longer than a push takes)");
ABSL_FLAG(std::string, siasn_secrets_dir, pelita::EnvOr("PELITA_SIASN_SECRETS_DIR", std::string("/etc/pelita/siasn")),
          "Folder of the tenants' mounted SIASN secrets, <dir>/<tenant>/{consumer_key,consumer_secret,"
          "sso_client_id,username,password}; env PELITA_SIASN_SECRETS_DIR");
ABSL_FLAG(int, siasn_timeout_seconds, pelita::EnvOr("PELITA_SIASN_TIMEOUT_SECONDS", 30),
          "Limit of each HTTP exchange with SIASN");
ABSL_FLAG(int, sync_workers, pelita::EnvOr("PELITA_SYNC_WORKERS", 4),
          "Employees read from SIASN at a time by one roster sync (the tenant's rate limit still applies)");
ABSL_FLAG(int, schedule_check_seconds, pelita::EnvOr("PELITA_SCHEDULE_CHECK_SECONDS", 300),
          "How often the schedule looks for tenants whose roster sync is due");
ABSL_FLAG(bool, log_calls, true, "Log one line per call");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);
  auto registry = pelita::tenant::StartRegistryFromFlags(&redis);

  namespace in = pelita::integration;
  in::IntegrationStore store(&redis);
  in::IntegrationMetrics metrics;
  in::CountingFailureSink failures(&store, &metrics);
  in::SecretsDir secrets(absl::GetFlag(FLAGS_siasn_secrets_dir));
  in::StoreConnections connections(&store, &secrets);
  in::TenantClients clients(&connections, absl::Seconds(std::max(1, absl::GetFlag(FLAGS_siasn_timeout_seconds))));
  in::TokenBucketLimiter limiter;
  in::GrpcRoster roster(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)));
  in::GrpcSkp skp(pelita::ServiceChannel(absl::GetFlag(FLAGS_performance)));
  in::SyncOptions sync_options;
  sync_options.workers = std::max(1, absl::GetFlag(FLAGS_sync_workers));
  in::RosterSync sync(&store, &connections, &clients, &limiter, &roster, &skp, &failures, &metrics, sync_options);

  // The push outbox (push/README.md): fed by the enrolment stream's
  // EnrolmentCompleted, it shares the SIASN clients, the tenant's rate limit
  // and the failure record with the sync.
  in::GrpcPushSources push_sources(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)),
                                   pelita::ServiceChannel(absl::GetFlag(FLAGS_report)));
  in::Outbox::Options outbox_options;
  outbox_options.owner = pelita::events::ConsumerName();
  outbox_options.lease = absl::Seconds(std::max(1, absl::GetFlag(FLAGS_push_lease_seconds)));
  outbox_options.on_ended = [&store, &metrics](const std::string& tenant, const char* result) {
    metrics.PushEnded(tenant, result);
    if (std::string(result) == "done") {
      in::Totals delta;
      delta.pushed = 1;
      (void)store.AddTotals(tenant, delta);
    }
  };
  in::Outbox outbox(&redis, &connections, &clients, &limiter, &failures, &push_sources, outbox_options);
  auto completions = in::MakeCompletionFollower(&redis, registry.get(), &outbox);
  in::PushQueue* pushes = &outbox;

  in::IntegrationLogic logic(&store, &connections, &roster, &sync, pushes);
  in::IntegrationGrpcService service(&logic);
  pelita::ServerOptions options = pelita::ServerOptionsFromFlags(
      "integration", "0.0.0.0:50060", {pelita::integration::v1::IntegrationService::service_full_name()});
  options.log_calls = absl::GetFlag(FLAGS_log_calls);
  pelita::Server server(options, {&service}, &redis);
  sync.StartSchedule(absl::Seconds(std::max(10, absl::GetFlag(FLAGS_schedule_check_seconds))));
  completions->Start();
  outbox.Start(absl::Milliseconds(std::max(10, absl::GetFlag(FLAGS_push_poll_ms))));
  const int code = pelita::RunServerFromFlags(server);
  outbox.Stop();
  completions->Stop();
  // Runs still going end FAILED "stopped"; the next start after the lease
  // (a minute) finds them so and runs again.
  sync.Stop();
  registry->Stop();
  return code;
}
