// In-memory sources for tests and benchmarks of the scoring logic (these
// stand in for the other services, not for Redis).
#ifndef PELITA_SERVICES_SCORING_FAKE_SOURCES_H_
#define PELITA_SERVICES_SCORING_FAKE_SOURCES_H_

#include <atomic>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/scoring/sources.h"

namespace pelita::scoring {

class FakeEnrolment : public EnrolmentSource {
 public:
  std::vector<enrolment::v1::Program> programs;
  std::map<std::string, std::vector<enrolment::v1::Cohort>> cohorts;  // by program
  std::map<std::string, std::vector<enrolment::v1::Enrolment>> enrolments;  // by cohort
  std::vector<enrolment::v1::Unit> units;
  std::atomic<int> calls{0};

  absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string&, const std::string& name) override {
    ++calls;
    for (const auto& p : programs) if (p.name() == name) return p;
    return absl::NotFoundError(name);
  }
  absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string&, const std::string& name) override {
    ++calls;
    for (const auto& [p, cs] : cohorts) for (const auto& c : cs) if (c.name() == name) return c;
    return absl::NotFoundError(name);
  }
  absl::StatusOr<std::vector<enrolment::v1::Program>> ListPrograms(const std::string&) override {
    ++calls;
    return programs;
  }
  absl::StatusOr<std::vector<enrolment::v1::Cohort>> ListCohorts(const std::string&, const std::string& p) override {
    ++calls;
    return cohorts[p];
  }
  absl::StatusOr<std::vector<enrolment::v1::Enrolment>> ListEnrolments(const std::string&, const std::string& c) override {
    ++calls;
    return enrolments[c];
  }
  absl::StatusOr<std::vector<enrolment::v1::Unit>> ListUnits(const std::string&) override {
    ++calls;
    return units;
  }
};

class FakeSurvey : public SurveySource {
 public:
  std::map<std::string, survey::v1::CohortAggregates> aggregates;
  std::atomic<int> calls{0};
  absl::StatusOr<survey::v1::CohortAggregates> GetCohortAggregates(const std::string&,
                                                                   const std::string& cohort) override {
    ++calls;
    absl::MutexLock l(&mu_);
    auto it = aggregates.find(cohort);
    if (it == aggregates.end()) {
      survey::v1::CohortAggregates empty;
      empty.set_cohort(cohort);
      return empty;
    }
    return it->second;
  }
  void Set(const std::string& cohort, survey::v1::CohortAggregates a) {
    absl::MutexLock l(&mu_);
    aggregates[cohort] = std::move(a);
  }
  // Responses by cohort and instrument, in acceptance order.
  std::map<std::pair<std::string, std::string>, std::vector<survey::v1::Response>> responses;
  std::atomic<int> list_calls{0};
  absl::StatusOr<std::vector<survey::v1::Response>> ListCohortResponses(
      const std::string&, const std::string& cohort, const std::string& instrument) override {
    ++calls;
    ++list_calls;
    absl::MutexLock l(&mu_);
    auto it = responses.find({cohort, instrument});
    if (it == responses.end()) return std::vector<survey::v1::Response>{};
    return it->second;
  }

 private:
  absl::Mutex mu_;
};

class FakeComplaint : public ComplaintSource {
 public:
  // Keyed by unit; before/after chosen by whether the window starts before
  // `pivot`.
  std::map<std::string, std::pair<Window, Window>> windows;
  absl::CivilDay pivot;
  std::vector<std::tuple<std::string, absl::CivilDay, absl::CivilDay>> asked;
  absl::StatusOr<Window> GetWindow(const std::string&, const std::string& unit, absl::CivilDay start,
                                   absl::CivilDay end) override {
    asked.emplace_back(unit, start, end);
    auto it = windows.find(unit);
    if (it == windows.end()) return Window{};
    return start < pivot ? it->second.first : it->second.second;
  }
  // Months by unit; a unit-month not here is a month without data.
  std::map<std::pair<std::string, std::string>, UnitMonth> months;  // (unit, YYYY-MM)
  // Each GetUnitMonths call's units and range.
  std::vector<std::tuple<std::vector<std::string>, absl::CivilMonth, absl::CivilMonth>> month_calls;
  absl::Status months_status;
  absl::StatusOr<std::vector<UnitMonth>> GetUnitMonths(const std::string&, const std::vector<std::string>& units,
                                                       absl::CivilMonth first, absl::CivilMonth last) override {
    month_calls.emplace_back(units, first, last);
    if (!months_status.ok()) return months_status;
    std::vector<UnitMonth> out;
    for (const auto& u : units) {
      for (absl::CivilMonth m = first; m <= last; ++m) {
        auto it = months.find({u, absl::FormatCivilTime(m)});
        UnitMonth x = it == months.end() ? UnitMonth{} : it->second;
        x.unit = u;
        x.period = absl::FormatCivilTime(m);
        out.push_back(x);
      }
    }
    return out;
  }
  // Coverage by unit; units with windows and no entry here have data since
  // 2000-01-01 (covered).
  std::map<std::string, UnitCoverage> coverage;
  absl::StatusOr<std::map<std::string, UnitCoverage>> GetCoverage(const std::string&) override {
    std::map<std::string, UnitCoverage> out = coverage;
    for (const auto& [unit, w] : windows) {
      if (!out.count(unit)) out[unit] = UnitCoverage{absl::CivilDay(2000, 1, 1), absl::CivilDay(2000, 1, 1)};
    }
    return out;
  }
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_FAKE_SOURCES_H_
