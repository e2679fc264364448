#include "lib/metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <exception>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "lib/redis/redis.h"
#include "lib/status/status.h"

namespace pelita::metrics {
namespace {

struct Families {
  prometheus::Family<prometheus::Counter>* rpc_handled;
  prometheus::Family<prometheus::Histogram>* rpc_seconds;
  prometheus::Family<prometheus::Gauge>* pool_idle;
  prometheus::Family<prometheus::Counter>* pool_opened;
  prometheus::Family<prometheus::Counter>* pool_failures;
  prometheus::Family<prometheus::Counter>* pool_broken;
  prometheus::Family<prometheus::Gauge>* events_pending;
  prometheus::Family<prometheus::Gauge>* events_age;
  prometheus::Family<prometheus::Counter>* events_handled;
};

const Families& F() {
  static const Families* f = [] {
    prometheus::Registry& r = *Registry();
    auto* out = new Families;
    out->rpc_handled = &prometheus::BuildCounter()
                            .Name("grpc_server_handled_total")
                            .Help("RPCs completed on the server, by method and status code.")
                            .Register(r);
    out->rpc_seconds = &prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Time from the arrival of an RPC to its status, by method.")
                            .Register(r);
    out->pool_idle = &prometheus::BuildGauge()
                          .Name("pelita_redis_pool_idle_connections")
                          .Help("Redis connections waiting in the pool.")
                          .Register(r);
    out->pool_opened = &prometheus::BuildCounter()
                            .Name("pelita_redis_pool_connections_opened_total")
                            .Help("Redis connections opened.")
                            .Register(r);
    out->pool_failures = &prometheus::BuildCounter()
                              .Name("pelita_redis_pool_connect_failures_total")
                              .Help("Redis connects that failed.")
                              .Register(r);
    out->pool_broken = &prometheus::BuildCounter()
                            .Name("pelita_redis_pool_broken_total")
                            .Help("Redis connections dropped after an I/O error.")
                            .Register(r);
    out->events_pending = &prometheus::BuildGauge()
                               .Name("pelita_events_pending")
                               .Help("Stream entries delivered to the group and not yet acknowledged.")
                               .Register(r);
    out->events_age = &prometheus::BuildGauge()
                           .Name("pelita_events_oldest_pending_age_seconds")
                           .Help("Age of the oldest unacknowledged entry of the group.")
                           .Register(r);
    out->events_handled = &prometheus::BuildCounter()
                               .Name("pelita_events_handled_total")
                               .Help("Stream entries handled, by event type and outcome.")
                               .Register(r);
    return out;
  }();
  return *f;
}

// Latency buckets from 100 µs to 10 s: service calls on one Redis are
// sub-millisecond, reports and imports take seconds.
const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *b;
}

// Cached metric objects per label set (Family::Add builds a label map and
// takes the family's lock; a call should cost a hash lookup).
struct RpcCache {
  absl::Mutex mu;
  absl::flat_hash_map<std::pair<std::string, int>, prometheus::Counter*> counters ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<std::string, prometheus::Histogram*> histograms ABSL_GUARDED_BY(mu);
};

RpcCache& Cache() {
  static auto* c = new RpcCache;
  return *c;
}

std::pair<std::string, std::string> SplitMethod(absl::string_view method) {
  // "/pelita.enrolment.v1.EnrolmentService/GetUnit"
  if (!method.empty() && method[0] == '/') method.remove_prefix(1);
  size_t slash = method.find('/');
  if (slash == absl::string_view::npos) return {"", std::string(method)};
  return {std::string(method.substr(0, slash)), std::string(method.substr(slash + 1))};
}

}  // namespace

std::shared_ptr<prometheus::Registry> Registry() {
  static auto* r = new std::shared_ptr<prometheus::Registry>(std::make_shared<prometheus::Registry>());
  return *r;
}

std::string Scrape() {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(Registry()->Collect());
}

absl::StatusOr<std::unique_ptr<Endpoint>> Endpoint::Start(const std::string& listen) {
  std::unique_ptr<Endpoint> e(new Endpoint);
  try {
    e->exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& ex) {
    return absl::UnavailableError(absl::StrCat("metrics: cannot listen on ", listen, ": ", ex.what()));
  }
  e->exposer_->RegisterCollectable(Registry());
  std::vector<int> ports = e->exposer_->GetListeningPorts();
  if (ports.empty()) return absl::UnavailableError(absl::StrCat("metrics: no port for ", listen));
  e->port_ = ports[0];
  return e;
}

Endpoint::~Endpoint() = default;

absl::string_view CodeName(int code) { return StatusCodeName(code); }

void RecordRpc(absl::string_view method, int code, absl::Duration latency) {
  const Families& f = F();
  RpcCache& cache = Cache();
  prometheus::Counter* counter;
  prometheus::Histogram* histogram;
  {
    absl::MutexLock lock(&cache.mu);
    auto key = std::make_pair(std::string(method), code);
    auto it = cache.counters.find(key);
    if (it == cache.counters.end()) {
      auto [service, name] = SplitMethod(method);
      it = cache.counters
               .emplace(key, &f.rpc_handled->Add({{"grpc_service", service},
                                                  {"grpc_method", name},
                                                  {"grpc_code", std::string(CodeName(code))}}))
               .first;
    }
    counter = it->second;
    auto hit = cache.histograms.find(key.first);
    if (hit == cache.histograms.end()) {
      auto [service, name] = SplitMethod(method);
      hit = cache.histograms
                .emplace(key.first, &f.rpc_seconds->Add({{"grpc_service", service}, {"grpc_method", name}},
                                                        Buckets()))
                .first;
    }
    histogram = hit->second;
  }
  counter->Increment();
  histogram->Observe(absl::ToDoubleSeconds(latency));
}

RedisPoolMetrics::RedisPoolMetrics(redis::Client* client, std::string name)
    : client_(client), name_(std::move(name)) {}

void RedisPoolMetrics::Update() {
  const Families& f = F();
  const redis::Client::PoolStats s = client_->pool_stats();
  const prometheus::Labels labels = {{"client", name_}};
  f.pool_idle->Add(labels).Set(static_cast<double>(s.idle));
  // The client's counters only grow; the Prometheus counters follow them.
  if (s.opened > opened_) f.pool_opened->Add(labels).Increment(static_cast<double>(s.opened - opened_));
  if (s.connect_failures > failures_) {
    f.pool_failures->Add(labels).Increment(static_cast<double>(s.connect_failures - failures_));
  }
  if (s.broken > broken_) f.pool_broken->Add(labels).Increment(static_cast<double>(s.broken - broken_));
  opened_ = s.opened;
  failures_ = s.connect_failures;
  broken_ = s.broken;
}

FollowerMetrics::FollowerMetrics(std::string stream, std::string group)
    : stream_(std::move(stream)), group_(std::move(group)) {}

void FollowerMetrics::SetLag(const std::string& tenant, int64_t pending, absl::Duration oldest_age) {
  const Families& f = F();
  const prometheus::Labels labels = {{"stream", stream_}, {"group", group_}, {"tenant", tenant}};
  f.events_pending->Add(labels).Set(static_cast<double>(pending));
  f.events_age->Add(labels).Set(absl::ToDoubleSeconds(oldest_age));
}

void FollowerMetrics::CountHandled(const std::string& type, absl::string_view outcome) {
  F().events_handled
      ->Add({{"stream", stream_}, {"group", group_}, {"type", type}, {"outcome", std::string(outcome)}})
      .Increment();
}

}  // namespace pelita::metrics
