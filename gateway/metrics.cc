#include "gateway/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pelita::gateway {
namespace {

std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::Record(const std::string& route, int code, absl::Duration latency) {
  double s = absl::ToDoubleSeconds(latency);
  absl::MutexLock lock(&mu_);
  ++counts_[{route, code}];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (s <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += s;
}

int64_t Metrics::Count(const std::string& route, int code) const {
  absl::MutexLock lock(&mu_);
  int64_t n = 0;
  for (const auto& [key, v] : counts_) {
    if ((route == "*" || key.first == route) && key.second == code) n += v;
  }
  return n;
}

std::string Metrics::Render() const {
  absl::MutexLock lock(&mu_);
  std::string out =
      "# HELP pelita_gateway_requests_total HTTP requests by route template and status code.\n"
      "# TYPE pelita_gateway_requests_total counter\n";
  for (const auto& [key, v] : counts_) {
    absl::StrAppend(&out, "pelita_gateway_requests_total{route=\"", Label(key.first),
                    "\",code=\"", key.second, "\"} ", v, "\n");
  }
  absl::StrAppend(&out,
                  "# HELP pelita_gateway_request_seconds HTTP request latency by route template.\n"
                  "# TYPE pelita_gateway_request_seconds histogram\n");
  for (const auto& [route, h] : latency_) {
    std::string l = Label(route);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      absl::StrAppend(&out, "pelita_gateway_request_seconds_bucket{route=\"", l, "\",le=\"",
                      kBuckets[i], "\"} ", h.buckets[i], "\n");
    }
    absl::StrAppend(&out, "pelita_gateway_request_seconds_bucket{route=\"", l,
                    "\",le=\"+Inf\"} ", h.count, "\n");
    absl::StrAppend(&out, "pelita_gateway_request_seconds_sum{route=\"", l, "\"} ",
                    absl::StrFormat("%.6f", h.sum), "\n");
    absl::StrAppend(&out, "pelita_gateway_request_seconds_count{route=\"", l, "\"} ", h.count,
                    "\n");
  }
  return out;
}

}  // namespace pelita::gateway
