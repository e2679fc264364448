// Gathers a cohort's inputs (evaluator.h) from the sources: a bounded number
// of round trips per cohort whatever the number of survey responses
// (programme, cohort, enrolment pages, one survey aggregate call, and for L4
// one coverage call and four calls per unit of the tenant).
#ifndef PELITA_SERVICES_SCORING_COLLECTOR_H_
#define PELITA_SERVICES_SCORING_COLLECTOR_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/scoring/evaluator.h"
#include "services/scoring/rollup.h"
#include "lib/time/time.h"
#include "services/scoring/sources.h"

namespace pelita::scoring {

// Maps the survey service's cohort aggregates onto L1, L2 and L3 inputs.
void ApplySurveyAggregates(const survey::v1::CohortAggregates& aggregates, CohortInputs* in);

class Collector {
 public:
  // `min_control_units`: the comparison units an L4 estimate needs.
  Collector(EnrolmentSource* enrolment, SurveySource* survey, ComplaintSource* complaint,
            std::function<absl::Time()> now = [] { return absl::Now(); },
            int min_control_units = kDefaultMinControlUnits)
      : enrolment_(enrolment),
        survey_(survey),
        complaint_(complaint),
        now_(std::move(now)),
        min_control_units_(min_control_units) {}

  // Where each tenant's zone comes from ("today" decides which follow-up
  // waves are open and whether an after window has ended); WIB until set.
  void SetTenantZones(TenantZones zones) { zones_ = std::move(zones); }
  // The performance service (null: L3's SKP change and L4's work figures
  // are not asked for, and the report has none).
  void SetPerformance(PerformanceSource* performance) { performance_ = performance; }

  // `cohort` is `tenants/{t}/programs/{p}/cohorts/{c}`; `settings` effective.
  // `notes` receives what could not be read (e.g. the complaint service
  // being down), which the report then shows as missing with that reason.
  absl::StatusOr<CohortInputs> Collect(const std::string& tenant, const std::string& cohort,
                                       const v1::ScoringSettings& settings);

  // What a roll-up needs of one cohort beyond its report: the survey
  // aggregates applied to `in` (one call) and, when `participants` is set,
  // participant-level data for per-unit figures (enrolment pages and one
  // listing per instrument of InstrumentsForUnits, each paged by 1000).
  absl::Status CollectForRollUp(const std::string& tenant, const std::string& cohort, bool participants,
                                CohortInputs* in, ParticipantResponses* data);

 private:
  absl::Status CollectResults(const std::string& tenant, const enrolment::v1::Cohort& cohort,
                              const std::vector<enrolment::v1::Enrolment>& enrolments,
                              const v1::ScoringSettings& settings, CohortInputs* in);

  // The units' service indicators over the months wholly inside the two
  // windows (one call per 100 units); a failure is kept in `work.missing`.
  void CollectWork(const std::string& tenant, const std::string& cohort, absl::CivilDay before_start,
                   absl::CivilDay before_end, absl::CivilDay after_start, absl::CivilDay after_end,
                   ResultsInputs* r);

  // Free-text answers of observation and interview items: one listing of
  // the cohort's responses per instrument that has text answers.
  absl::Status CollectTexts(const std::string& tenant, const std::string& cohort,
                            const survey::v1::CohortAggregates& aggregates, CohortInputs* in);

  EnrolmentSource* enrolment_;
  SurveySource* survey_;
  ComplaintSource* complaint_;
  PerformanceSource* performance_ = nullptr;
  std::function<absl::Time()> now_;
  TenantZones zones_ = WibForEveryTenant();
  int min_control_units_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_COLLECTOR_H_
