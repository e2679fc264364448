#include "gateway/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "absl/strings/str_cat.h"
#include "lib/metrics/metrics.h"

namespace pelita::gateway {

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(&prometheus::BuildCounter()
                     .Name("pelita_gateway_requests_total")
                     .Help("HTTP requests by route template and status code.")
                     .Register(*registry_)),
      seconds_(&prometheus::BuildHistogram()
                    .Name("pelita_gateway_request_seconds")
                    .Help("HTTP request latency by route template.")
                    .Register(*registry_)) {}

Metrics::~Metrics() = default;

void Metrics::Record(const std::string& route, int code, absl::Duration latency) {
  prometheus::Counter* counter;
  prometheus::Histogram* histogram;
  {
    absl::MutexLock lock(&mu_);
    auto [c, fresh_c] = counters_.try_emplace(std::make_pair(route, code), nullptr);
    if (fresh_c) c->second = &requests_->Add({{"route", route}, {"code", absl::StrCat(code)}});
    counter = c->second;
    auto [h, fresh_h] = histograms_.try_emplace(route, nullptr);
    if (fresh_h) {
      h->second = &seconds_->Add({{"route", route}},
                                 prometheus::Histogram::BucketBoundaries(kBuckets.begin(), kBuckets.end()));
    }
    histogram = h->second;
  }
  counter->Increment();
  histogram->Observe(absl::ToDoubleSeconds(latency));
}

int64_t Metrics::Count(const std::string& route, int code) const {
  absl::MutexLock lock(&mu_);
  double n = 0;
  for (const auto& [key, counter] : counters_) {
    if ((route == "*" || key.first == route) && key.second == code) n += counter->Value();
  }
  return static_cast<int64_t>(n);
}

std::string Metrics::Render() const {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(registry_->Collect()) + metrics::Scrape();
}

}  // namespace pelita::gateway
