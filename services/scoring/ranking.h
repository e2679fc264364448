// Rankings of programmes and instructors, the province benchmark and the
// budget advice, computed from evaluation reports (evaluator.h).  Plain
// functions without I/O.
#ifndef PELITA_SERVICES_SCORING_RANKING_H_
#define PELITA_SERVICES_SCORING_RANKING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pelita/scoring/v1/scoring.pb.h"

namespace pelita::scoring {


struct ProgramEvaluations {
  std::string program;  // tenants/{t}/programs/{p}
  std::string title;
  std::vector<v1::Evaluation> cohorts;
};

// Programme score: participant-weighted mean of the cohorts' composites
// (cohorts whose composite is withheld are left out); cost-effectiveness =
// composite points per Rp 1,000,000 spent per participant.  Ranked
// descending; ties by programme name.  Instructors (organisers only) by the
// mean L1 instruktur score of their cohorts.
v1::RankProgramsResponse RankPrograms(const std::vector<ProgramEvaluations>& programs,
                                      bool include_instructors);

// Indicators of one tenant from its programmes' evaluations.
v1::TenantIndicators TenantSummary(const std::string& tenant,
                                   const std::vector<ProgramEvaluations>& programs);
// The benchmark: every tenant's row, and `rest` = mean over the tenants
// other than `focus` that have the indicator.
v1::ProvinceBenchmark Benchmark(const std::string& province, int year, const std::string& focus,
                                std::vector<v1::TenantIndicators> tenants,
                                std::vector<std::string> missing);

// A candidate with its effect resolved (given or measured).
struct BudgetOption {
  std::string program;
  int64_t cost_per_participant = 0;
  int32_t cohort_size = 0;
  int32_t max_cohorts = 1;
  double effect_per_participant = 0;  // normalised-gain points (100 g)
  std::string effect_source;
};

// Bounded knapsack over cohorts: choose how many cohorts of each option to
// fund (0..max_cohorts) so that Σ cost <= budget and Σ cohort_size x effect
// is largest.  Exact by dynamic programming over the budget in units of the
// greatest common divisor of the cohort costs (coarsened to at most 200,000
// cells, rounding costs up so the budget is never exceeded).
absl::StatusOr<v1::BudgetAdvice> AdviseBudget(int64_t budget, const std::vector<BudgetOption>& options);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_RANKING_H_
