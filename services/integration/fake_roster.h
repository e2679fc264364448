#ifndef PELITA_SERVICES_INTEGRATION_FAKE_ROSTER_H_
#define PELITA_SERVICES_INTEGRATION_FAKE_ROSTER_H_

// In-memory stand-ins for the enrolment and performance services, for the
// tests and the benchmark: they keep what they were sent so that a test can
// look, and apply an update mask as the real service does.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "lib/store/field_mask.h"
#include "services/integration/roster.h"

namespace pelita::integration {

class FakeRoster : public Roster {
 public:
  void AddUnit(const std::string& unit) {
    absl::MutexLock l(&mu_);
    units_.insert(unit);
  }
  void AddEmployee(ev1::Employee e) {
    absl::MutexLock l(&mu_);
    employees_[e.nip()] = std::move(e);
  }
  ev1::Employee Employee(const std::string& nip) {
    absl::MutexLock l(&mu_);
    return employees_.at(nip);
  }
  size_t EmployeeCount() {
    absl::MutexLock l(&mu_);
    return employees_.size();
  }
  // The trainings stored for (nip, source).
  std::vector<ev1::ExternalTraining> Trainings(const std::string& nip, const std::string& source) {
    absl::MutexLock l(&mu_);
    auto it = trainings_.find({nip, source});
    return it == trainings_.end() ? std::vector<ev1::ExternalTraining>{} : it->second;
  }
  int updates() {
    absl::MutexLock l(&mu_);
    return updates_;
  }
  // Every update's mask paths, in order.
  std::vector<std::vector<std::string>> masks() {
    absl::MutexLock l(&mu_);
    return masks_;
  }
  // ReplaceExternalTrainings answers this when set (UNIMPLEMENTED until the
  // real one lands).
  void FailTrainings(absl::Status s) {
    absl::MutexLock l(&mu_);
    trainings_status_ = std::move(s);
  }
  int training_calls() {
    absl::MutexLock l(&mu_);
    return training_calls_;
  }

  absl::StatusOr<ev1::ListEmployeesResponse> ListEmployees(const std::string& tenant, int page_size,
                                                           const std::string& page_token) override {
    absl::MutexLock l(&mu_);
    ev1::ListEmployeesResponse out;
    auto it = page_token.empty() ? employees_.begin() : employees_.upper_bound(page_token);
    for (; it != employees_.end() && out.employees_size() < page_size; ++it) *out.add_employees() = it->second;
    if (it != employees_.end() && out.employees_size() > 0) {
      out.set_next_page_token(out.employees(out.employees_size() - 1).nip());
    }
    return out;
  }
  absl::StatusOr<ev1::Employee> UpdateEmployee(const std::string& tenant, const ev1::Employee& employee,
                                               const google::protobuf::FieldMask& mask) override {
    absl::MutexLock l(&mu_);
    auto it = employees_.find(employee.nip());
    if (it == employees_.end()) return absl::NotFoundError(absl::StrCat("no employee ", employee.nip()));
    if (!employee.unit().empty() && !units_.count(employee.unit())) {
      return absl::InvalidArgumentError(absl::StrCat("unit: no unit ", employee.unit()));
    }
    ev1::Employee updated = it->second;
    absl::Status s = store::ApplyFieldMask(employee, mask, {"name", "nip"}, &updated);
    if (!s.ok()) return s;
    it->second = updated;
    ++updates_;
    masks_.emplace_back(mask.paths().begin(), mask.paths().end());
    return updated;
  }
  absl::StatusOr<ev1::ReplaceExternalTrainingsResponse> ReplaceExternalTrainings(
      const std::string& tenant, const ev1::ReplaceExternalTrainingsRequest& request) override {
    absl::MutexLock l(&mu_);
    ++training_calls_;
    if (!trainings_status_.ok()) return trainings_status_;
    const std::string nip = request.parent().substr(request.parent().rfind('/') + 1);
    if (!employees_.count(nip)) return absl::NotFoundError(absl::StrCat("no employee ", nip));
    for (const auto& t : request.trainings()) {
      if (t.source() != request.source()) return absl::InvalidArgumentError("trainings: another source");
    }
    auto& stored = trainings_[{nip, request.source()}];
    stored.assign(request.trainings().begin(), request.trainings().end());
    ev1::ReplaceExternalTrainingsResponse out;
    *out.mutable_trainings() = request.trainings();
    return out;
  }
  absl::Status CheckUnit(const std::string& tenant, const std::string& unit) override {
    absl::MutexLock l(&mu_);
    if (units_.count(unit)) return absl::OkStatus();
    return absl::NotFoundError(absl::StrCat("no unit ", unit));
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> units_;
  std::map<std::string, ev1::Employee> employees_;
  std::map<std::pair<std::string, std::string>, std::vector<ev1::ExternalTraining>> trainings_;
  absl::Status trainings_status_;
  int updates_ = 0;
  int training_calls_ = 0;
  std::vector<std::vector<std::string>> masks_;
};

class FakeSkp : public SkpSink {
 public:
  // The appraiser fills the supervisor of these NIPs (as if they had none).
  void FillFor(const std::string& nip) {
    absl::MutexLock l(&mu_);
    fill_.insert(nip);
  }
  std::vector<pv1::Skp> Records() {
    absl::MutexLock l(&mu_);
    return records_;
  }
  int calls() {
    absl::MutexLock l(&mu_);
    return calls_;
  }
  absl::StatusOr<pv1::BatchRecordSkpResponse> BatchRecordSkp(const std::string& tenant,
                                                             const pv1::BatchRecordSkpRequest& request) override {
    absl::MutexLock l(&mu_);
    ++calls_;
    if (!request.fill_supervisor()) return absl::InvalidArgumentError("the sync must ask to fill supervisors");
    pv1::BatchRecordSkpResponse out;
    std::set<std::string> filled;
    for (const auto& r : request.records()) {
      records_.push_back(r);
      out.add_outcomes(pv1::ACCEPTED);
      *out.add_records() = r;
      // tenants/{t}/employees/{nip}/skp/{period}
      std::string nip = r.name().substr(0, r.name().find("/skp/"));
      nip = nip.substr(nip.rfind('/') + 1);
      if (fill_.count(nip) && !r.nip_penilai().empty()) filled.insert(nip);
    }
    for (const auto& n : filled) fill_.erase(n);
    out.set_supervisors_filled(static_cast<int>(filled.size()));
    return out;
  }

 private:
  absl::Mutex mu_;
  std::set<std::string> fill_;
  std::vector<pv1::Skp> records_;
  int calls_ = 0;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_FAKE_ROSTER_H_
