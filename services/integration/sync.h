#ifndef PELITA_SERVICES_INTEGRATION_SYNC_H_
#define PELITA_SERVICES_INTEGRATION_SYNC_H_

// The roster sync (issue 19): every employee of a tenant's roster read from
// SIASN and brought in step.  Per employee, each SIASN call through the
// tenant's rate limit, a few workers at a time:
//   1. data-utama: the full name (FullNameOf), the unit (unorId through the
//      tenant's table), the position (jabatanNama) and the grade
//      (golRuangAkhir) compared with the roster; the changed fields updated
//      in ONE UpdateEmployee with their mask, one EmployeeChange per field.
//      An unknown unorId, a malformed answer, a wrong type or a bad date is
//      a Failure (UNKNOWN_UNOR / BAD_FIELD with the field and raw value) and
//      the employee is not updated at all, nor are its records read.
//      NOT_FOUND: the employee is flagged missing (a change of `missing`),
//      never deleted; found again, unflagged.
//   2. rw-kursus and rw-diklat -> ReplaceExternalTrainings (sources
//      siasn-kursus, siasn-diklat); a bad list is a failure and that source
//      is left as it was.
//   3. rw-skp22 -> performance BatchRecordSkp with fill_supervisor; an
//      unknown rating or predicate is a failure with the raw value.
// UNAVAILABLE (timeouts, 429, 5xx) is retried a few times with backoff
// (honouring Retry-After up to max_backoff), then a SIASN_UNAVAILABLE
// failure and the next employee; UNAUTHENTICATED (the credentials
// rejected) stops the run FAILED.  The run's counts are saved as it goes,
// and each save renews its lease (store.h), so a run whose process dies is
// taken over by the next start.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "lib/server/periodic.h"
#include "absl/synchronization/mutex.h"
#include "lib/siasn/shapes.h"
#include "services/integration/interfaces.h"
#include "services/integration/metrics.h"
#include "services/integration/roster.h"
#include "services/integration/store.h"

namespace pelita::integration {

// An ASN's name as it is written: gelar depan, the name, then a comma and
// the gelar belakang ("Dr." + "Siti Aminah" + "S.E., M.Si." ->
// "Dr. Siti Aminah, S.E., M.Si.").  Each part trimmed, runs of white space
// made one space, a leading comma of the gelar belakang dropped; a part
// that is empty is left out with its separator.
std::string FullNameOf(const siasn::DataUtama& d);

struct SyncOptions {
  int workers = 4;
  int page_size = 500;  // Of ListEmployees.
  // After an UNAVAILABLE: this many more attempts, waiting backoff, 2x, 4x...
  // (or SIASN's Retry-After), at most max_backoff.
  int retries = 3;
  absl::Duration backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
  // The longest a call waits for the rate limiter before it counts as
  // SIASN_UNAVAILABLE.
  absl::Duration max_rate_wait = absl::Minutes(5);
  absl::Duration lease = absl::Seconds(60);
  // How often a running sync saves its counts (and renews its lease).
  absl::Duration save_every = absl::Seconds(2);
  std::function<absl::Time()> clock;               // absl::Now when empty.
  std::function<void(absl::Duration)> sleep;       // absl::SleepFor when empty.
};

class RosterSync : public SyncStarter {
 public:
  // `metrics` may be null.  Nothing is owned.
  RosterSync(IntegrationStore* store, ConnectionSource* connections, SiasnClients* clients, RateLimiter* limiter,
             Roster* roster, SkpSink* skp, FailureSink* failures, IntegrationMetrics* metrics,
             SyncOptions options = {});
  ~RosterSync() override;

  // Begins a run and carries it on in a thread of its own.
  absl::StatusOr<v1::SyncRun> Start(const std::string& tenant, const std::string& trigger) override;
  // Begins a run and carries it on in this thread; the finished run (or
  // the one already running, untouched).
  absl::StatusOr<v1::SyncRun> RunNow(const std::string& tenant, const std::string& trigger);

  // One pass of the schedule: a run for each enabled tenant with
  // credentials whose last run started sync_interval_hours ago or more.
  // Several replicas may do this at once: the store lets one run start.
  void ScheduleOnce();
  // ScheduleOnce every `every` in a thread, until Stop.
  void StartSchedule(absl::Duration every);
  // Stops the schedule, asks the runs to stop (they end FAILED "stopped")
  // and waits for them.
  void Stop();

 private:
  struct Run;
  absl::StatusOr<v1::SyncRun> Begin(const std::string& tenant, const std::string& trigger, bool* started);
  v1::SyncRun Carry(const std::string& tenant, v1::SyncRun run);
  void Employee(Run& run, const ev1::Employee& employee);
  void Trainings(Run& run, const ev1::Employee& employee);
  void Skp(Run& run, const ev1::Employee& employee);
  // Calls `fn` through the limiter with the retry rule.  CANCELLED when the
  // run stops; UNAUTHENTICATED also stops the run.
  template <typename T>
  absl::StatusOr<T> CallSiasn(Run& run, const std::function<absl::StatusOr<T>()>& fn);
  void Fail(Run& run, const std::string& nip, const std::string& code, const std::string& field,
            const std::string& raw, const std::string& message);
  void FailFromStatus(Run& run, const std::string& nip, const std::string& route, const absl::Status& s);
  absl::Time Now() const { return options_.clock ? options_.clock() : absl::Now(); }
  void Sleep(absl::Duration d) const {
    if (options_.sleep) {
      options_.sleep(d);
    } else {
      absl::SleepFor(d);
    }
  }

  IntegrationStore* store_;
  ConnectionSource* connections_;
  SiasnClients* clients_;
  RateLimiter* limiter_;
  Roster* roster_;
  SkpSink* skp_;
  FailureSink* failures_;
  IntegrationMetrics* metrics_;
  const SyncOptions options_;

  std::atomic<bool> stopping_{false};
  absl::Mutex mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  PeriodicThread schedule_;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_SYNC_H_
