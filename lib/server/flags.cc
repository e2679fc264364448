#include "lib/server/flags.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "lib/log/log.h"

namespace pelita {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

absl::StatusOr<redis::Options> RedisOptionsFromFlags() {
  auto options = redis::ParseAddress(absl::GetFlag(FLAGS_redis));
  if (!options.ok()) LogError("bad --redis", {{"error", std::string(options.status().message())}});
  return options;
}

ServerOptions ServerOptionsFromFlags(const std::string& name, const std::string& default_listen,
                                     std::vector<std::string> health_services) {
  ServerOptions options;
  options.name = name;
  options.health_services = std::move(health_services);
  options.listen = absl::GetFlag(FLAGS_listen).empty() ? default_listen : absl::GetFlag(FLAGS_listen);
  options.health_interval = absl::Milliseconds(absl::GetFlag(FLAGS_health_interval_ms));
  return options;
}

int RunServerFromFlags(Server& server) {
  return RunServer(server, absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
}

int EnvOr(const char* name, int fallback) {
  int out = 0;
  const char* v = std::getenv(name);
  return v != nullptr && absl::SimpleAtoi(v, &out) ? out : fallback;
}

}  // namespace pelita

ABSL_FLAG(std::string, listen, pelita::EnvOr("PELITA_LISTEN", std::string("")),
          "gRPC listen address host:port (env PELITA_LISTEN); empty = the service's default");
ABSL_FLAG(std::string, redis, pelita::EnvOr("PELITA_REDIS", std::string("127.0.0.1:6379")),
          "Redis address host:port (env PELITA_REDIS)");
ABSL_FLAG(int, drain_seconds, pelita::EnvOr("PELITA_DRAIN_SECONDS", 10),
          "On SIGTERM/SIGINT, how long in-flight calls may finish (env PELITA_DRAIN_SECONDS)");
ABSL_FLAG(int, health_interval_ms, pelita::EnvOr("PELITA_HEALTH_INTERVAL_MS", 1000),
          "How often health pings Redis (env PELITA_HEALTH_INTERVAL_MS)");
ABSL_FLAG(std::string, metrics_listen, pelita::EnvOr("PELITA_METRICS_LISTEN", std::string("")),
          "host:port of the Prometheus /metrics HTTP endpoint (env PELITA_METRICS_LISTEN); "
          "empty = no endpoint");
