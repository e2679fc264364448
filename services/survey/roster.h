#ifndef PELITA_SERVICES_SURVEY_ROSTER_H_
#define PELITA_SERVICES_SURVEY_ROSTER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace pelita::survey {

// One follow-up wave of a cohort: days after its last day, and the window
// (civil days, inclusive) in which a follow-up counts for the wave.  From
// the enrolment service's Cohort.follow_up_windows.
struct FollowUpWindow {
  int offset_days = 0;
  absl::CivilDay first_day, last_day;
};

// What ingestion needs to know of a cohort, from the enrolment service.
struct CohortRoster {
  // The NIPs whose enrolment counts (ENROLLED, ATTENDED, COMPLETED).
  std::vector<std::string> enrolled;
  // The follow-up waves, in order.
  std::vector<FollowUpWindow> windows;
  // NIPs named as observers of the cohort.
  std::vector<std::string> observers;
};

// Who is enrolled in a cohort, its follow-up windows and observers, and who
// may assess a participant: the things ingestion needs from the enrolment
// service.  The production implementation asks it over gRPC
// (enrolment_roster.h); tests may use a fixed roster.  Survey never reads
// enrolment's keys.
class Roster {
 public:
  virtual ~Roster() = default;
  // The cohort (`tenants/{t}/programs/{p}/cohorts/{c}`).  NOT_FOUND when it
  // does not exist.
  virtual absl::StatusOr<CohortRoster> Fetch(const std::string& tenant, const std::string& cohort) = 0;
  // The NIPs who may assess `subject` (a participant of `cohort`) as their
  // supervisor: the employee's recorded supervisor_nip and the supervisor
  // named on their APPROVED action plan for the cohort (either may be
  // missing).  NOT_FOUND when the subject is not an employee.
  virtual absl::StatusOr<std::vector<std::string>> Supervisors(const std::string& tenant,
                                                               const std::string& cohort,
                                                               const std::string& subject) = 0;
  // The display name of a unit (`tenants/{t}/units/{u}`), for the public
  // SKM form.  NOT_FOUND when the roster has no such unit.
  virtual absl::StatusOr<std::string> UnitTitle(const std::string& tenant, const std::string& unit) = 0;
};

// Caches each cohort's enrolled set for `ttl`; a NIP not in a cached set
// triggers one refresh if the set is older than `min_refresh` (someone just
// enrolled), so ingestion costs no round trip in the common case and a new
// enrolment is seen within `min_refresh`.  Bounded: at most `max_cohorts`
// sets are kept.  Thread-safe.
class CachedRoster {
 public:
  using Clock = std::function<absl::Time()>;
  using NipSet = absl::flat_hash_set<std::string>;
  CachedRoster(Roster* source, absl::Duration ttl = absl::Seconds(30),
               absl::Duration min_refresh = absl::Seconds(1), size_t max_cohorts = 10000,
               Clock clock = absl::Now);

  // OK when `nip` is enrolled in `cohort`; FAILED_PRECONDITION naming
  // `field` when not; NOT_FOUND when the cohort does not exist; UNAVAILABLE
  // when the enrolment service cannot be asked.
  absl::Status CheckEnrolled(const std::string& tenant, const std::string& cohort,
                             const std::string& nip, const std::string& field);
  // The current set (fetched when missing or expired).
  absl::StatusOr<std::shared_ptr<const NipSet>> Enrolled(const std::string& tenant,
                                                         const std::string& cohort);
  // The cohort's follow-up windows and observers, cached with its set.
  struct Facts {
    std::vector<FollowUpWindow> windows;
    NipSet observers;
  };
  absl::StatusOr<std::shared_ptr<const Facts>> CohortFacts(const std::string& tenant,
                                                           const std::string& cohort);
  // Whether `nip` is a named observer of `cohort` (refetched once when not,
  // as CheckEnrolled does).
  absl::StatusOr<bool> IsObserver(const std::string& tenant, const std::string& cohort,
                                  const std::string& nip);
  // Whether `respondent` may assess `subject` as their supervisor (see
  // Roster::Supervisors).  Cached per subject like the enrolled sets; a
  // respondent not in a cached answer triggers one refetch when it is older
  // than `min_refresh`, so a supervisor just recorded is seen at once.
  absl::StatusOr<bool> IsSupervisor(const std::string& tenant, const std::string& cohort,
                                    const std::string& subject, const std::string& respondent);
  // Who may assess `subject` (Roster::Supervisors), asked afresh: issuing
  // follow-up links is rare and must see the roster as it is.
  absl::StatusOr<std::vector<std::string>> Supervisors(const std::string& tenant, const std::string& cohort,
                                                       const std::string& subject) {
    return source_->Supervisors(tenant, cohort, subject);
  }
  // A unit's display name (Roster::UnitTitle), not cached here (the
  // logic caches it with its own lifetime).
  absl::StatusOr<std::string> UnitTitle(const std::string& tenant, const std::string& unit) {
    return source_->UnitTitle(tenant, unit);
  }
  // Number of fetches from the source (for tests).
  int64_t fetches() const;

 private:
  struct Entry {
    absl::Mutex fetch_mu;  // one fetch at a time per cohort
    absl::Mutex mu;
    std::shared_ptr<const NipSet> nips ABSL_GUARDED_BY(mu);
    std::shared_ptr<const Facts> facts ABSL_GUARDED_BY(mu);
    absl::Status status ABSL_GUARDED_BY(mu);  // NOT_FOUND for a missing cohort
    absl::Time fetched ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  };
  std::shared_ptr<Entry> EntryFor(const std::string& key);
  // Fetches unless someone else fetched after `older_than`.
  absl::StatusOr<std::shared_ptr<const NipSet>> Refresh(Entry& e, const std::string& tenant,
                                                        const std::string& cohort,
                                                        absl::Time older_than);

  // The current entry of `key` (fetched when missing or expired).
  absl::StatusOr<std::shared_ptr<Entry>> Current(const std::string& tenant, const std::string& cohort);

  struct Assessors {
    absl::Mutex mu;
    NipSet nips ABSL_GUARDED_BY(mu);
    absl::Time fetched ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  };

  Roster* source_;
  const absl::Duration ttl_, min_refresh_;
  const size_t max_cohorts_;
  Clock clock_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::shared_ptr<Assessors>> assessors_ ABSL_GUARDED_BY(mu_);
  int64_t fetches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_ROSTER_H_
