// The scoring service's logic: reads inputs through the sources, computes
// with evaluator.h / ranking.h, caches reports in its own Redis keys.  No
// gRPC types; the adapter is grpc_service.h.
#ifndef PELITA_SERVICES_SCORING_SCORING_H_
#define PELITA_SERVICES_SCORING_SCORING_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/events/follower.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "services/scoring/collector.h"
#include "services/scoring/ranking.h"
#include "services/scoring/store.h"

namespace pelita::scoring {

struct ScoringOptions {
  // Tenants served by this deployment (the province benchmark covers those
  // of the province among them): the tenant registry when `tenant_source`
  // is set (asked at each call, so a new regency joins the benchmark
  // without a restart), else the fixed `tenants` (tests).
  events::TenantSource* tenant_source = nullptr;
  std::vector<std::string> tenants = {"1504"};
  absl::Duration cache_ttl = absl::Hours(1);
  std::function<absl::Time()> now = [] { return absl::Now(); };
  // Comparison units an L4 estimate needs at least (--min_control_units;
  // the tenant registry's settings will take it over).
  int min_control_units = kDefaultMinControlUnits;
  // The tenant's min-n floor from the tenant registry (its settings.min_n,
  // UU 27/2022): the registry owns the floor and scoring's own min_n may
  // only be stricter, so every figure uses the larger (null: no floor).
  std::function<int(const std::string& tenant)> min_n_floor;
  // The performance service (issue 18): L3's SKP change and L4's work
  // figures; null = not asked (the report has neither).
  PerformanceSource* performance = nullptr;
};

class ScoringLogic {
 public:
  ScoringLogic(redis::Client* redis, EnrolmentSource* enrolment, SurveySource* survey,
               ComplaintSource* complaint, ScoringOptions options = {});

  absl::StatusOr<v1::Evaluation> GetEvaluation(const Caller& caller, const v1::GetEvaluationRequest& r);
  absl::StatusOr<v1::RankProgramsResponse> RankPrograms(const Caller& caller,
                                                        const v1::RankProgramsRequest& r);
  absl::StatusOr<v1::RollUpEvaluationsResponse> RollUpEvaluations(const Caller& caller,
                                                                  const v1::RollUpEvaluationsRequest& r);
  // The caller's tenant may be a province code (province role) or a tenant
  // of that province.  Province and national roles and internal callers
  // see every tenant by name; a regency's organisers, admins and agency
  // heads see their own row and the province's distribution; instructors
  // are refused (they read their own cohorts' roll-ups).
  absl::StatusOr<v1::ProvinceBenchmark> GetProvinceBenchmark(const Caller& caller,
                                                             const v1::GetProvinceBenchmarkRequest& r);
  absl::StatusOr<v1::BudgetAdvice> AdviseBudget(const Caller& caller, const v1::AdviseBudgetRequest& r);
  absl::StatusOr<v1::ScoringSettings> GetScoringSettings(const Caller& caller, const v1::GetScoringSettingsRequest& r);
  absl::StatusOr<v1::ScoringSettings> UpdateScoringSettings(const Caller& caller,
                                                     const v1::UpdateScoringSettingsRequest& r);

  ScoringStore& store() { return store_; }
  // Where each tenant's zone comes from (the registry, wired by main); WIB
  // for every tenant until then.
  void SetTenantZones(TenantZones zones) { collector_.SetTenantZones(std::move(zones)); }

 private:
  absl::StatusOr<v1::Evaluation> Evaluation(const std::string& tenant, const std::string& cohort, bool refresh);
  // EffectiveSettings with the registry's min-n floor.
  v1::ScoringSettings Effective(const std::string& tenant, const v1::ScoringSettings& stored) const;
  // Every cohort evaluation of the tenant's programmes of `year` (0 = all);
  // with `instructor` set, only the cohorts that instructor teaches (and
  // only programmes with one).
  absl::StatusOr<std::vector<ProgramEvaluations>> Evaluations(const std::string& tenant, int year,
                                                              const Caller* instructor = nullptr);
  // Every roll-up row one caller can read for the year (the tenant's
  // cohorts, or with `instructor` that instructor's), protected together,
  // and the programmes of the year (name, title) it covers.
  struct View {
    RollUpView rows;
    std::vector<std::pair<std::string, std::string>> programs;
  };
  absl::StatusOr<View> BuildCallerView(const std::string& tenant, int year, const Caller* instructor);

  ScoringStore store_;
  EnrolmentSource* enrolment_;
  Collector collector_;
  ScoringOptions options_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_SCORING_H_
