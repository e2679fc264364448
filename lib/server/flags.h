#ifndef PELITA_LIB_SERVER_FLAGS_H_
#define PELITA_LIB_SERVER_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/time/time.h"

// Flags shared by every service's main.cc.  Each default can be overridden by
// an environment variable (named in the flag's help), and a flag given on the
// command line overrides both: command line > environment > default.
ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, redis);
ABSL_DECLARE_FLAG(int, drain_seconds);
ABSL_DECLARE_FLAG(int, health_interval_ms);
ABSL_DECLARE_FLAG(std::string, metrics_listen);

#include <vector>

#include "absl/status/statusor.h"
#include "lib/redis/redis.h"
#include "lib/server/server.h"

namespace pelita {

// The Redis options of --redis ("host:port", "cluster://host:port", with an
// optional "?replica_acks=N"); a bad value is logged and returned.
absl::StatusOr<redis::Options> RedisOptionsFromFlags();

// The ServerOptions every service's main starts from: `name` (logs and the
// Redis pool's metrics label), the health entries, --listen (`default_listen`
// when it is empty) and --health_interval_ms.
ServerOptions ServerOptionsFromFlags(const std::string& name, const std::string& default_listen,
                                     std::vector<std::string> health_services = {});
// RunServer with --drain_seconds.
int RunServerFromFlags(Server& server);

// The value of environment variable `name`, or `fallback` when unset/empty.
std::string EnvOr(const char* name, const std::string& fallback);
int EnvOr(const char* name, int fallback);

}  // namespace pelita

#endif  // PELITA_LIB_SERVER_FLAGS_H_
