#include "services/integration/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "lib/metrics/metrics.h"

namespace pelita::integration {

struct IntegrationMetrics::Families {
  prometheus::Family<prometheus::Counter>* read;
  prometheus::Family<prometheus::Counter>* changed;
  prometheus::Family<prometheus::Counter>* failures;
  prometheus::Family<prometheus::Gauge>* last_sync;
  prometheus::Family<prometheus::Counter>* runs;
  prometheus::Family<prometheus::Counter>* pushes;
};

IntegrationMetrics::IntegrationMetrics() {
  // One set of families per process (prometheus-cpp refuses a second
  // registration of a name with other help), shared by every instance.
  static Families* families = [] {
    auto& r = *metrics::Registry();
    auto* f = new Families;
    f->read = &prometheus::BuildCounter()
                   .Name("pelita_integration_records_read_total")
                   .Help("SIASN records (data-utama, trainings, SKP) read by roster syncs.")
                   .Register(r);
    f->changed = &prometheus::BuildCounter()
                      .Name("pelita_integration_records_changed_total")
                      .Help("Employees a roster sync changed.")
                      .Register(r);
    f->failures = &prometheus::BuildCounter()
                       .Name("pelita_integration_failures_total")
                       .Help("Sync and push failures recorded, by kind and code.")
                       .Register(r);
    f->last_sync = &prometheus::BuildGauge()
                        .Name("pelita_integration_last_sync_timestamp_seconds")
                        .Help("When the tenant's last roster sync finished (unix seconds).")
                        .Register(r);
    f->runs = &prometheus::BuildCounter()
                   .Name("pelita_integration_sync_runs_total")
                   .Help("Finished roster syncs by final state.")
                   .Register(r);
    f->pushes = &prometheus::BuildCounter()
                     .Name("pelita_integration_pushes_total")
                     .Help("Completed trainings whose push to SIASN ended, by result (done, dead).")
                     .Register(r);
    return f;
  }();
  f_ = families;
}

void IntegrationMetrics::RecordsRead(const std::string& tenant, int n) {
  f_->read->Add({{"tenant", tenant}}).Increment(n);
}

void IntegrationMetrics::RecordsChanged(const std::string& tenant, int n) {
  f_->changed->Add({{"tenant", tenant}}).Increment(n);
}

void IntegrationMetrics::Failure(const std::string& tenant, const std::string& kind, const std::string& code) {
  f_->failures->Add({{"tenant", tenant}, {"kind", kind}, {"code", code}}).Increment();
}

void IntegrationMetrics::SyncFinished(const std::string& tenant, const std::string& result, absl::Time end) {
  f_->last_sync->Add({{"tenant", tenant}}).Set(absl::ToDoubleSeconds(end - absl::UnixEpoch()));
  f_->runs->Add({{"tenant", tenant}, {"result", result}}).Increment();
}

void IntegrationMetrics::PushEnded(const std::string& tenant, const std::string& result) {
  f_->pushes->Add({{"tenant", tenant}, {"result", result}}).Increment();
}

absl::Status CountingFailureSink::Record(const std::string& tenant, integration::v1::Failure failure) {
  const std::string kind = failure.kind().empty() ? "sync" : failure.kind();
  const std::string code = failure.code();
  absl::Status s = next_->Record(tenant, std::move(failure));
  if (metrics_ != nullptr) metrics_->Failure(tenant, kind, code);
  return s;
}

}  // namespace pelita::integration
