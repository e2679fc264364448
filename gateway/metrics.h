#ifndef PELITA_GATEWAY_METRICS_H_
#define PELITA_GATEWAY_METRICS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace prometheus {
class Counter;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace pelita::gateway {

// The gateway's request metrics, through prometheus-cpp (lib/metrics'
// library), counted per route template and HTTP status:
//   pelita_gateway_requests_total{code="200",route="GET /v1/{name=tenants/*/units/*}"}
//   pelita_gateway_request_seconds_bucket{route="...",le="0.005"}
// Each Gateway has its own registry (tests run several in one process);
// Render() serves it together with the process's lib/metrics registry.
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void Record(const std::string& route, int code, absl::Duration latency);
  // Requests of `route` ("*": every route) answered with `code`.
  int64_t Count(const std::string& route, int code) const;
  int64_t RateLimited() const { return Count("*", 429); }
  // The text exposition format, version 0.0.4.
  std::string Render() const;

  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  0.5,
                                                      1,      2.5,   5,      10};

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* seconds_;
  // The metric objects per label set, so that a request costs a lookup
  // (prometheus-cpp's Family::Add builds a label map under its own lock).
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::pair<std::string, int>, prometheus::Counter*> counters_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Histogram*> histograms_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_METRICS_H_
