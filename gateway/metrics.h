#ifndef PELITA_GATEWAY_METRICS_H_
#define PELITA_GATEWAY_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pelita::gateway {

// Prometheus counters and a latency histogram per route template:
//   pelita_gateway_requests_total{route="GET /v1/{name=tenants/*/units/*}",code="200"}
//   pelita_gateway_request_seconds_bucket{route="...",le="0.005"}
class Metrics {
 public:
  void Record(const std::string& route, int code, absl::Duration latency);
  int64_t Count(const std::string& route, int code) const;
  int64_t RateLimited() const { return Count("*", 429); }
  // The text exposition format, version 0.0.4.
  std::string Render() const;

  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  0.5,
                                                      1,      2.5,   5,      10};

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> buckets{};
    int64_t count = 0;
    double sum = 0;
  };
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> counts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_METRICS_H_
