// pelita-identity: accounts, sign-in, tokens, JWKS, service accounts, audit
// log.  Wiring only; see identity.h for the logic.

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/log/log.h"
#include "lib/notify/flags.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/identity/grpc_service.h"
#include "services/identity/identity.h"
#include "services/identity/roster.h"
#include "services/identity/store.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", std::string("127.0.0.1:50051")),
          "The enrolment service (the roster an ASN account must be in) (env PELITA_ENROLMENT)");
ABSL_FLAG(int, access_ttl_seconds, pelita::EnvOr("PELITA_ACCESS_TTL_SECONDS", 900),
          "Lifetime of access tokens (env PELITA_ACCESS_TTL_SECONDS)");
ABSL_FLAG(std::string, activation_url,
          pelita::EnvOr("PELITA_ACTIVATION_URL", std::string("http://127.0.0.1:8080/aktivasi")),
          "The web application's activation page, linked in delivered codes (env PELITA_ACTIVATION_URL)");
ABSL_FLAG(bool, log_calls, true, "Log one line per call");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);
  std::unique_ptr<pelita::tenant::RegistryClient> registry = pelita::tenant::StartRegistryFromFlags(&redis);
  pelita::identity::IdentityStore store(&redis);
  pelita::identity::EnrolmentRoster roster(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)));
  pelita::identity::IdentityOptions identity_options;
  identity_options.access_ttl = absl::Seconds(std::max(60, absl::GetFlag(FLAGS_access_ttl_seconds)));
  // Activation codes go out through the reminders' sender (--notify_sender).
  auto sender = pelita::notify::SenderFromFlags();
  if (!sender.ok()) {
    pelita::LogError("bad notification flags", {{"error", std::string(sender.status().message())}});
    return 2;
  }
  identity_options.sender = sender->get();
  identity_options.activation_url = absl::GetFlag(FLAGS_activation_url);
  identity_options.zones = registry->Zones();
  pelita::identity::IdentityLogic logic(&store, &roster, identity_options);
  pelita::identity::IdentityGrpcService service(&logic);

  pelita::ServerOptions options;
  options.name = "identity";
  options.health_services = {pelita::identity::v1::IdentityService::service_full_name()};
  options.listen = absl::GetFlag(FLAGS_listen).empty() ? "0.0.0.0:50057" : absl::GetFlag(FLAGS_listen);
  options.health_interval = absl::Milliseconds(absl::GetFlag(FLAGS_health_interval_ms));
  options.log_calls = absl::GetFlag(FLAGS_log_calls);
  pelita::Server server(options, {&service}, &redis);
  const int rc = pelita::RunServer(server, absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
  registry->Stop();
  return rc;
}
