// pelita-gateway: the HTTP/JSON front door.  Wiring only; see gateway.h.
//
//   pelita-gateway --listen 127.0.0.1:8080
//     --backends enrolment=127.0.0.1:50051,survey=127.0.0.1:50052
//     --jwt_hs256_key_file var/gateway/dev-hs256.key

#include <map>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gateway/auth.h"
#include "gateway/identity_jwks.h"
#include "lib/server/channel.h"
#include "gateway/gateway.h"
#include "lib/log/log.h"
#include "lib/redis/redis.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, http_listen, pelita::EnvOr("PELITA_HTTP_LISTEN", std::string("")),
          "HTTP listen address (env PELITA_HTTP_LISTEN); empty: --listen, else 0.0.0.0:8080");
ABSL_FLAG(std::string, backends, pelita::EnvOr("PELITA_GATEWAY_BACKENDS", std::string("")),
          "name=host:port,... of the services; package pelita.<name>.v1 goes to <name> "
          "(env PELITA_GATEWAY_BACKENDS)");
ABSL_FLAG(std::string, jwt_hs256_key_file, pelita::EnvOr("PELITA_JWT_HS256_KEY_FILE", std::string("")),
          "HS256 secret for development tokens (env PELITA_JWT_HS256_KEY_FILE)");
ABSL_FLAG(std::string, jwt_rs256_public_key_file,
          pelita::EnvOr("PELITA_JWT_RS256_PUBLIC_KEY_FILE", std::string("")),
          "RS256 public key (PEM) for production tokens (env PELITA_JWT_RS256_PUBLIC_KEY_FILE)");
ABSL_FLAG(int, jwks_refetch_seconds, 5,
          "With an identity backend: an ES256 token with an unknown kid fetches its JWKS again at most this often");
ABSL_FLAG(bool, rate_limit, true, "Per-tenant rate limit in Redis (--redis)");
ABSL_FLAG(double, rate_limit_rps, 100, "Sustained requests per second per tenant");
ABSL_FLAG(int, rate_limit_burst, 200, "Token bucket size per tenant");
ABSL_FLAG(int, rate_limit_lease, 10,
          "Tokens taken from Redis at once and spent locally within 1 s (1 = a Redis call per request)");
ABSL_FLAG(int, max_body_bytes, 1 << 20, "Largest JSON request body");
ABSL_FLAG(int64_t, max_upload_bytes, int64_t{1} << 30, "Largest streamed upload (CSV, NDJSON)");
ABSL_FLAG(int, read_timeout_ms, 15000, "Time a client has for a header or a body piece");
ABSL_FLAG(int, default_deadline_ms, 10000, "Deadline of a service call without X-Request-Timeout");
ABSL_FLAG(int, threads, 2, "HTTP I/O threads");
ABSL_FLAG(bool, log_requests, true, "One log line per request");
ABSL_FLAG(std::string, web_root, pelita::EnvOr("PELITA_WEB_ROOT", std::string("")),
          "The built web application (web/dist), served at / (empty: none)");
ABSL_FLAG(absl::Duration, max_token_lifetime, absl::Hours(24),
          "Refuse tokens whose exp is further away than this");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  pelita::gateway::GatewayOptions o;
  o.listen = absl::GetFlag(FLAGS_http_listen);
  if (o.listen.empty()) o.listen = absl::GetFlag(FLAGS_listen);
  if (o.listen.empty()) o.listen = "0.0.0.0:8080";
  // "name=target,name=target": a target may itself hold commas
  // ("ipv4:10.0.0.1:50051,10.0.0.2:50051"), so a piece without '=' belongs
  // to the target before it.
  std::string last;
  for (absl::string_view item : absl::StrSplit(absl::GetFlag(FLAGS_backends), ',', absl::SkipEmpty())) {
    if (item.find('=') == absl::string_view::npos && !last.empty()) {
      absl::StrAppend(&o.backends[last], ",", item);
      continue;
    }
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    o.backends[kv.first] = kv.second;
    last = kv.first;
  }
  if (auto f = absl::GetFlag(FLAGS_jwt_hs256_key_file); !f.empty()) {
    auto key = pelita::gateway::ReadFile(f);
    if (!key.ok()) {
      pelita::LogError("cannot read HS256 key", {{"error", std::string(key.status().message())}});
      return 2;
    }
    o.auth.hs256_key = *key;
    while (!o.auth.hs256_key.empty() && (o.auth.hs256_key.back() == '\n' || o.auth.hs256_key.back() == '\r')) {
      o.auth.hs256_key.pop_back();
    }
  }
  if (auto f = absl::GetFlag(FLAGS_jwt_rs256_public_key_file); !f.empty()) {
    auto key = pelita::gateway::ReadFile(f);
    if (!key.ok()) {
      pelita::LogError("cannot read RS256 public key", {{"error", std::string(key.status().message())}});
      return 2;
    }
    o.auth.rs256_public_pem = *key;
  }
  o.auth.max_lifetime = absl::GetFlag(FLAGS_max_token_lifetime);
  // The identity service's tokens (ES256): verified against its JWKS,
  // fetched over gRPC and refetched when a token names a new key.
  if (auto it = o.backends.find("identity"); it != o.backends.end() && !it->second.empty()) {
    o.auth.jwks_fetch = pelita::gateway::IdentityJwksFetch(pelita::ServiceChannel(it->second));
    o.auth.jwks_refetch_interval = absl::Seconds(absl::GetFlag(FLAGS_jwks_refetch_seconds));
  }
  std::unique_ptr<pelita::redis::Client> redis;
  if (absl::GetFlag(FLAGS_rate_limit)) {
    auto ro = pelita::RedisOptionsFromFlags();
    if (!ro.ok()) return 2;
    redis = std::make_unique<pelita::redis::Client>(*ro);
    o.redis = redis.get();
  }
  // The regency codes a province token may name are the registry's
  // tenants (--registry), known as soon as they are created.
  std::unique_ptr<pelita::tenant::RegistryClient> registry = pelita::tenant::StartRegistryFromFlags(redis.get());
  o.auth.tenant_known = [client = registry.get()](const std::string& t) { return client->Check(t).ok(); };
  o.rate_limit.rate = absl::GetFlag(FLAGS_rate_limit_rps);
  o.rate_limit.burst = absl::GetFlag(FLAGS_rate_limit_burst);
  o.rate_limit.lease = absl::GetFlag(FLAGS_rate_limit_lease);
  o.max_body_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  o.max_upload_bytes = absl::GetFlag(FLAGS_max_upload_bytes);
  o.read_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_read_timeout_ms));
  o.default_deadline = absl::Milliseconds(absl::GetFlag(FLAGS_default_deadline_ms));
  o.threads = absl::GetFlag(FLAGS_threads);
  o.log_requests = absl::GetFlag(FLAGS_log_requests);
  o.web_root = absl::GetFlag(FLAGS_web_root);
  if (!o.log_requests) pelita::SetInfoLogging(false);

  auto gateway = pelita::gateway::Gateway::Create(o);
  if (!gateway.ok()) {
    pelita::LogError("gateway setup failed", {{"error", std::string(gateway.status().message())}});
    return 2;
  }
  if (auto s = (*gateway)->Start(); !s.ok()) {
    pelita::LogError("gateway start failed", {{"error", std::string(s.message())}});
    return 1;
  }
  int sig = pelita::WaitForTerminationSignal();
  pelita::LogInfo("gateway stopping", {{"signal", std::to_string(sig)}});
  (*gateway)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
  return 0;
}
