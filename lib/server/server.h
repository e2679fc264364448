#ifndef PELITA_LIB_SERVER_SERVER_H_
#define PELITA_LIB_SERVER_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"

namespace pelita {
namespace metrics {
class Endpoint;
class RedisPoolMetrics;
}  // namespace metrics

// Counts finished calls per method and status code; filled by the logging
// interceptor of every Server.
class CallStats {
 public:
  // A call arrived (its metadata was read) / finished with `code`.
  void Begin() { in_flight_.fetch_add(1); }
  void Record(const std::string& method, grpc::StatusCode code);
  // Calls that arrived and have not sent their status yet.
  int64_t InFlight() const { return in_flight_.load(); }
  int64_t Count(const std::string& method, grpc::StatusCode code) const;
  int64_t Total() const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::pair<std::string, int>, int64_t> counts_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> in_flight_{0};
};

// The health entry that says only "this process is alive".
inline constexpr char kLivenessService[] = "liveness";

struct ServerOptions {
  // Used in logs.
  std::string name;
  // Full proto names of the services, reported by the health service
  // alongside the overall "" entry (e.g. v1::EnrolmentService::service_full_name()).
  std::vector<std::string> health_services;
  // host:port; port 0 picks a free port (see Server::port()).
  std::string listen = "127.0.0.1:0";
  absl::Duration health_interval = absl::Seconds(1);
  // Log one line per call (off in benchmarks).
  bool log_calls = true;
  int max_message_bytes = 64 << 20;
  // host:port of the Prometheus /metrics endpoint (lib/metrics); empty:
  // the --metrics_listen flag (env PELITA_METRICS_LISTEN), whose default
  // is empty = no endpoint.  Every call is counted and timed either way.
  std::string metrics_listen;
};

// The gRPC server every service runs: its services plus the standard health
// service (SERVING only while Redis answers PING; the entry "liveness" is
// SERVING whenever the process answers, for liveness probes that must not
// restart a pod because Redis is away), server reflection, and an
// interceptor that logs one structured line per call (method, tenant, code,
// latency) and counts calls.
class Server {
 public:
  // `redis` may be null for a server without storage (always SERVING).
  Server(ServerOptions options, std::vector<grpc::Service*> services, redis::Client* redis);
  ~Server();

  absl::Status Start();
  int port() const { return port_; }
  std::string address() const;

  // Stops accepting calls, lets in-flight calls finish for up to `drain`,
  // then cancels what remains.
  void Shutdown(absl::Duration drain);

  // Health as last reported.
  bool serving() const { return serving_.load(); }
  // Runs one health check now (tests use it instead of waiting for the timer).
  void CheckHealthNow();

  const CallStats& stats() const { return *stats_; }
  // The port of the /metrics endpoint, 0 when there is none.
  int metrics_port() const;

 private:
  void HealthLoop();

  ServerOptions options_;
  std::vector<grpc::Service*> services_;
  redis::Client* redis_;
  std::shared_ptr<CallStats> stats_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::atomic<bool> serving_{false};
  absl::Notification stop_health_;
  std::thread health_thread_;
  bool shut_down_ = false;
  std::unique_ptr<metrics::Endpoint> metrics_;
  std::unique_ptr<metrics::RedisPoolMetrics> pool_metrics_;
};

// Starts a server for `services` on a free loopback port without a log
// line per call: the in-process servers of tests and benchmarks.
absl::StatusOr<std::unique_ptr<Server>> StartLocalServer(const std::string& name,
                                                         std::vector<grpc::Service*> services,
                                                         redis::Client* redis);

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
// afterwards; call first thing in main().
void BlockTerminationSignals();
// Waits for SIGINT or SIGTERM (blocked by BlockTerminationSignals) and
// returns its number.
int WaitForTerminationSignal();

// The standard main() of a service after wiring: parses nothing, starts the
// server, waits for a signal and drains.  Returns the process exit code.
int RunServer(Server& server, absl::Duration drain);

}  // namespace pelita

#endif  // PELITA_LIB_SERVER_SERVER_H_
