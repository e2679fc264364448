#ifndef PELITA_SERVICES_INTEGRATION_METRICS_H_
#define PELITA_SERVICES_INTEGRATION_METRICS_H_

// The integration service's series on /metrics (lib/metrics' registry):
//   pelita_integration_records_read_total{tenant}       SIASN records read by syncs
//   pelita_integration_records_changed_total{tenant}    employees a sync changed
//   pelita_integration_failures_total{tenant,kind,code} failures recorded
//   pelita_integration_last_sync_timestamp_seconds{tenant}  end of the last finished sync
//   pelita_integration_sync_runs_total{tenant,result}   finished runs by final state
//   pelita_integration_pushes_total{tenant,result}      pushes that ended DONE or DEAD
// (the tenant label is the four-digit code: a few hundred regencies at most).

#include <string>

#include "absl/time/time.h"
#include "services/integration/interfaces.h"

namespace pelita::integration {

class IntegrationMetrics {
 public:
  IntegrationMetrics();
  void RecordsRead(const std::string& tenant, int n);
  void RecordsChanged(const std::string& tenant, int n);
  void Failure(const std::string& tenant, const std::string& kind, const std::string& code);
  void SyncFinished(const std::string& tenant, const std::string& result, absl::Time end);
  // `result` = "done" or "dead".
  void PushEnded(const std::string& tenant, const std::string& result);

 private:
  struct Families;
  Families* f_;
};

// A FailureSink that counts each failure in the metrics and passes it on.
class CountingFailureSink : public FailureSink {
 public:
  CountingFailureSink(FailureSink* next, IntegrationMetrics* metrics) : next_(next), metrics_(metrics) {}
  absl::Status Record(const std::string& tenant, integration::v1::Failure failure) override;

 private:
  FailureSink* next_;
  IntegrationMetrics* metrics_;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_METRICS_H_
