#ifndef PELITA_LIB_METRICS_METRICS_H_
#define PELITA_LIB_METRICS_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace pelita::redis {
class Client;
}  // namespace pelita::redis

namespace pelita::metrics {

// Prometheus metrics through Debian's prometheus-cpp: one registry per
// process, filled by lib/server (RPCs), the Redis pool and lib/events
// (follower lag), and served as text at `/metrics` by an Endpoint that
// lib/server starts when --metrics_listen is set.

// The process's registry.
std::shared_ptr<prometheus::Registry> Registry();

// The registry in the Prometheus text format (what /metrics serves).
std::string Scrape();

// An HTTP server for /metrics (civetweb, inside prometheus-cpp-pull).
class Endpoint {
 public:
  // `listen` is host:port; port 0 picks a free one.  A port in use is
  // UNAVAILABLE.
  static absl::StatusOr<std::unique_ptr<Endpoint>> Start(const std::string& listen);
  ~Endpoint();
  int port() const { return port_; }

 private:
  Endpoint() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

// One finished RPC: `method` is gRPC's "/pelita.enrolment.v1.EnrolmentService/GetUnit".
// Counts grpc_server_handled_total{grpc_service, grpc_method, grpc_code}
// and observes grpc_server_handling_seconds{grpc_service, grpc_method}
// (the names of the common gRPC Prometheus interceptors, so dashboards
// written for them work).
void RecordRpc(absl::string_view method, int code, absl::Duration latency);

// The canonical name of a gRPC / absl status code ("NOT_FOUND"):
// lib/status's StatusCodeName.
absl::string_view CodeName(int code);

// The connection pool of a Redis client, as gauges and counters labelled
// with `client` (pelita_redis_pool_idle_connections,
// pelita_redis_pool_connections_opened_total, ..._connect_failures_total,
// ..._broken_total).  Update() copies the client's counters now; lib/server
// calls it from its health loop.
class RedisPoolMetrics {
 public:
  RedisPoolMetrics(redis::Client* client, std::string name);
  void Update();

 private:
  redis::Client* client_;
  std::string name_;
  int64_t opened_ = 0, failures_ = 0, broken_ = 0;
};

// Follower lag and outcomes for one consumer group on one publisher's
// streams (lib/events):
//   pelita_events_pending{stream, group, tenant}              entries delivered, not acked
//   pelita_events_oldest_pending_age_seconds{stream, group, tenant}
//   pelita_events_handled_total{stream, group, type, outcome} outcome: ok, unknown,
//                                                             dead_letter, retry
class FollowerMetrics {
 public:
  FollowerMetrics(std::string stream, std::string group);
  void SetLag(const std::string& tenant, int64_t pending, absl::Duration oldest_age);
  void CountHandled(const std::string& type, absl::string_view outcome);

 private:
  std::string stream_, group_;
};

}  // namespace pelita::metrics

#endif  // PELITA_LIB_METRICS_METRICS_H_
