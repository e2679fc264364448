// What the scoring service reads from the other services, behind small
// interfaces so that the logic is testable without a network.  The gRPC
// implementations (grpc_sources.h, complaint_source.h) call only the
// services' public read APIs, with the tenant in the call metadata.
#ifndef PELITA_SERVICES_SCORING_SOURCES_H_
#define PELITA_SERVICES_SCORING_SOURCES_H_

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "pelita/enrolment/v1/enrolment.pb.h"
#include "pelita/survey/v1/survey.pb.h"
#include "services/scoring/evaluator.h"

namespace pelita::scoring {

class EnrolmentSource {
 public:
  virtual ~EnrolmentSource() = default;
  virtual absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string& tenant,
                                                            const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string& tenant,
                                                          const std::string& name) = 0;
  // Every item, all pages.
  virtual absl::StatusOr<std::vector<enrolment::v1::Program>> ListPrograms(
      const std::string& tenant) = 0;
  virtual absl::StatusOr<std::vector<enrolment::v1::Cohort>> ListCohorts(
      const std::string& tenant, const std::string& program) = 0;
  virtual absl::StatusOr<std::vector<enrolment::v1::Enrolment>> ListEnrolments(
      const std::string& tenant, const std::string& cohort) = 0;
  virtual absl::StatusOr<std::vector<enrolment::v1::Unit>> ListUnits(const std::string& tenant) = 0;
};

class SurveySource {
 public:
  virtual ~SurveySource() = default;
  // Aggregates of every instrument answered for the cohort (O(1) round trips
  // whatever the number of responses).
  virtual absl::StatusOr<survey::v1::CohortAggregates> GetCohortAggregates(
      const std::string& tenant, const std::string& cohort) = 0;
  // Every response of the cohort to one instrument, in the order accepted
  // (ListCohortResponses page by page: one round trip per 1000 responses,
  // never one per participant).  Participant-level data for free-text
  // summaries and per-unit roll-ups.
  virtual absl::StatusOr<std::vector<survey::v1::Response>> ListCohortResponses(
      const std::string& tenant, const std::string& cohort, const std::string& instrument) = 0;
};

// Since when a unit's complaint and SKM data exist (the complaint service's
// effective DataCoverage dates; unset = no data).
struct UnitCoverage {
  std::optional<absl::CivilDay> complaints_since;
  std::optional<absl::CivilDay> satisfaction_since;
};

// One unit's month: UnitMonthTotals (evaluator.h).
using UnitMonth = UnitMonthTotals;

class ComplaintSource {
 public:
  virtual ~ComplaintSource() = default;
  // Complaints, transactions and IKM of a unit over [start, end] (days,
  // inclusive).
  virtual absl::StatusOr<Window> GetWindow(const std::string& tenant, const std::string& unit,
                                           absl::CivilDay start, absl::CivilDay end) = 0;
  // The coverage of every unit of the tenant with data, by unit name
  // (`tenants/{t}/units/{u}`), in one call.
  virtual absl::StatusOr<std::map<std::string, UnitCoverage>> GetCoverage(const std::string& tenant) = 0;
  // Every month of [first, last] for every unit (at most kMaxUnitsPerCall
  // units and kMaxMonths months), in one call: unit by unit, months in order.
  static constexpr size_t kMaxUnitsPerCall = 100;
  static constexpr int kMaxMonths = 60;
  virtual absl::StatusOr<std::vector<UnitMonth>> GetUnitMonths(const std::string& tenant,
                                                               const std::vector<std::string>& units,
                                                               absl::CivilMonth first, absl::CivilMonth last) = 0;
};

// The performance service (issue 18): the units' monthly service
// indicators and a cohort's SKP change.
class PerformanceSource {
 public:
  virtual ~PerformanceSource() = default;
  // Every month of [first, last] for every unit (at most kMaxUnitsPerCall
  // units and kMaxMonths months), in one call: unit by unit, months in order.
  static constexpr size_t kMaxUnitsPerCall = 100;
  static constexpr int kMaxMonths = 60;
  virtual absl::StatusOr<std::vector<WorkMonth>> GetWorkMonths(const std::string& tenant,
                                                              const std::vector<std::string>& units,
                                                              absl::CivilMonth first, absl::CivilMonth last) = 0;
  virtual absl::StatusOr<SkpChangeInputs> GetSkpChange(const std::string& tenant, const std::string& cohort) = 0;
};

// A complaint source for a build without the complaint service's proto:
// every call is UNAVAILABLE, so L4 is reported as missing with the reason.
class NoComplaintSource : public ComplaintSource {
 public:
  absl::StatusOr<Window> GetWindow(const std::string&, const std::string&, absl::CivilDay,
                                   absl::CivilDay) override;
  absl::StatusOr<std::map<std::string, UnitCoverage>> GetCoverage(const std::string&) override;
  absl::StatusOr<std::vector<UnitMonth>> GetUnitMonths(const std::string&, const std::vector<std::string>&,
                                                       absl::CivilMonth, absl::CivilMonth) override;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_SOURCES_H_
