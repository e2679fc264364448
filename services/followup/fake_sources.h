#ifndef PELITA_SERVICES_FOLLOWUP_FAKE_SOURCES_H_
#define PELITA_SERVICES_FOLLOWUP_FAKE_SOURCES_H_

// In-memory EnrolmentSource and BehaviourSource for logic tests (the
// production ones ask the enrolment and scoring services over gRPC).

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/followup/sources.h"

namespace pelita::followup {

class FakeEnrolment : public EnrolmentSource {
 public:
  void Put(const enrolment::v1::Enrolment& e) { Set(enrolments_, e.name(), e); }
  void Put(const enrolment::v1::Cohort& c) { Set(cohorts_, c.name(), c); }
  void Put(const enrolment::v1::Program& p) { Set(programs_, p.name(), p); }
  void Put(const enrolment::v1::Employee& e) { Set(employees_, e.name(), e); }
  // Every call fails with `status` while it is not OK.
  void SetFailure(absl::Status status) {
    absl::MutexLock l(&mu_);
    failure_ = std::move(status);
  }
  int calls() {
    absl::MutexLock l(&mu_);
    return calls_;
  }

  absl::StatusOr<enrolment::v1::Enrolment> GetEnrolment(const std::string& t, const std::string& n) override {
    return Get(enrolments_, t, n);
  }
  absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string& t, const std::string& n) override {
    return Get(cohorts_, t, n);
  }
  absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string& t, const std::string& n) override {
    return Get(programs_, t, n);
  }
  absl::StatusOr<enrolment::v1::Employee> GetEmployee(const std::string& t, const std::string& n) override {
    return Get(employees_, t, n);
  }

 private:
  template <typename M>
  void Set(std::map<std::string, M>& m, const std::string& name, const M& v) {
    absl::MutexLock l(&mu_);
    m[name] = v;
  }
  template <typename M>
  absl::StatusOr<M> Get(const std::map<std::string, M>& m, const std::string& tenant, const std::string& name) {
    absl::MutexLock l(&mu_);
    ++calls_;
    if (!failure_.ok()) return failure_;
    // The tenant travels as metadata: a name of another tenant is refused
    // as the enrolment service refuses it.
    if (name.rfind(absl::StrCat("tenants/", tenant, "/"), 0) != 0) {
      return absl::PermissionDeniedError(absl::StrCat(name, " is not in tenant ", tenant));
    }
    auto it = m.find(name);
    if (it == m.end()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
    return it->second;
  }

  absl::Mutex mu_;
  absl::Status failure_;
  int calls_ = 0;
  std::map<std::string, enrolment::v1::Enrolment> enrolments_;
  std::map<std::string, enrolment::v1::Cohort> cohorts_;
  std::map<std::string, enrolment::v1::Program> programs_;
  std::map<std::string, enrolment::v1::Employee> employees_;
};

class FakeBehaviour : public BehaviourSource {
 public:
  void Put(const std::string& cohort, const scoring::v1::Behaviour& b) {
    absl::MutexLock l(&mu_);
    by_cohort_[cohort] = b;
  }
  void SetFailure(absl::Status status) {
    absl::MutexLock l(&mu_);
    failure_ = std::move(status);
  }
  absl::StatusOr<scoring::v1::Behaviour> CohortBehaviour(const std::string&, const std::string& cohort) override {
    absl::MutexLock l(&mu_);
    if (!failure_.ok()) return failure_;
    auto it = by_cohort_.find(cohort);
    if (it == by_cohort_.end()) return absl::NotFoundError(absl::StrCat(cohort, " has no evaluation"));
    return it->second;
  }

 private:
  absl::Mutex mu_;
  absl::Status failure_;
  std::map<std::string, scoring::v1::Behaviour> by_cohort_;
};

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_FAKE_SOURCES_H_
