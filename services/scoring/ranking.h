// Rankings of programmes and instructors, the province benchmark and the
// budget advice, computed from evaluation reports (evaluator.h).  Plain
// functions without I/O.
#ifndef PELITA_SERVICES_SCORING_RANKING_H_
#define PELITA_SERVICES_SCORING_RANKING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pelita/scoring/v1/scoring.pb.h"
#include "services/scoring/rollup.h"

namespace pelita::scoring {


struct ProgramEvaluations {
  std::string program;  // tenants/{t}/programs/{p}
  std::string title;
  std::vector<v1::Evaluation> cohorts;
};

// Programmes ranked by the composite of their roll-up row (the same figure
// as RollUpEvaluations grouped by PROGRAM) and by cost-effectiveness =
// composite points per Rp 1,000,000 spent per participant.  Descending;
// ties by programme name; a withheld figure ranks last with rank 0.
// `programs` lists every programme to rank (name, title) including those
// without cohorts in the view.  Instructors by their pooled instruktur
// dimension, when `include_instructors`.
v1::RankProgramsResponse RankPrograms(const RollUpView& view,
                                      const std::vector<std::pair<std::string, std::string>>& programs,
                                      bool include_instructors);

// Indicators of one tenant: its year row (and the year's cost per JP).
v1::TenantIndicators TenantSummary(const std::string& tenant, int programs, const RollUpView& view);
// The benchmark.  `named`: every tenant's row and `rest` = means over the
// tenants other than `focus` that have each indicator; otherwise only the
// focus tenant's row.  `distribution`: quartiles over the tenants other
// than `focus` (withheld with fewer than 3 of them).
v1::ProvinceBenchmark Benchmark(const std::string& province, int year, const std::string& focus,
                                std::vector<v1::TenantIndicators> tenants,
                                std::vector<std::string> missing, bool named);
// Regencies a distribution needs at least (SPEC §6).
inline constexpr int kMinRegenciesForDistribution = 3;

// A candidate with its effect resolved (given or measured).
struct BudgetOption {
  std::string program;
  int64_t cost_per_participant = 0;
  int32_t cohort_size = 0;
  int32_t max_cohorts = 1;
  double effect_per_participant = 0;  // normalised-gain points (100 g)
  std::string effect_source;
  // The stable code of effect_source (BudgetLine.effect_source_code) and,
  // when measured, its cohorts and pre/post pairs.
  std::string effect_source_code;
  int32_t effect_cohorts = 0;
  int64_t effect_pairs = 0;
};

// Bounded knapsack over cohorts: choose how many cohorts of each option to
// fund (0..max_cohorts) so that Σ cost <= budget and Σ cohort_size x effect
// is largest.  Exact by dynamic programming over the budget in units of the
// greatest common divisor of the cohort costs (coarsened to at most 200,000
// cells, rounding costs up so the budget is never exceeded).
absl::StatusOr<v1::BudgetAdvice> AdviseBudget(int64_t budget, const std::vector<BudgetOption>& options);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_RANKING_H_
