// pelita-integration: the roster and training records of a regency in step
// with BKN's SIASN (issue 19).  Wiring only; see README.md, integration.h
// (the API's logic) and sync.h (the roster sync).

#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/integration/clients.h"
#include "services/integration/grpc_service.h"
#include "services/integration/integration.h"
#include "services/integration/metrics.h"
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

  // The push outbox (services/integration/push/, built in parallel) is
  // wired here once it lands: it implements PushQueue and shares `clients`,
  // `limiter` and `failures`.  Until then the push RPCs answer
  // UNIMPLEMENTED and the status counts no pushes.
  in::PushQueue* pushes = nullptr;

  in::IntegrationLogic logic(&store, &connections, &roster, &sync, pushes);
  in::IntegrationGrpcService service(&logic);
  pelita::ServerOptions options = pelita::ServerOptionsFromFlags(
      "integration", "0.0.0.0:50060", {pelita::integration::v1::IntegrationService::service_full_name()});
  options.log_calls = absl::GetFlag(FLAGS_log_calls);
  pelita::Server server(options, {&service}, &redis);
  sync.StartSchedule(absl::Seconds(std::max(10, absl::GetFlag(FLAGS_schedule_check_seconds))));
  const int code = pelita::RunServerFromFlags(server);
  // Runs still going end FAILED "stopped"; the next start after the lease
  // (a minute) finds them so and runs again.
  sync.Stop();
  registry->Stop();
  return code;
}
