#ifndef PELITA_SERVICES_REPORT_SOURCES_H_
#define PELITA_SERVICES_REPORT_SOURCES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/tenancy/caller.h"
#include "pelita/complaint/v1/complaint.pb.h"
#include "pelita/enrolment/v1/enrolment.pb.h"
#include "pelita/scoring/v1/scoring.pb.h"
#include "pelita/survey/v1/survey.pb.h"
#include "pelita/tenant/v1/tenant.pb.h"

// Where the report service reads what it prints: the other services, over
// gRPC (grpc_sources.h), never their Redis keys: enrolment, scoring,
// complaint and the tenant registry.  Every read names the
// caller it is made for: the real sources forward it as call metadata, so
// the owning service applies its own reach (scoring narrows an instructor to
// their cohorts); `Caller{tenant, "", ""}` is an internal read, made only
// after the report service has checked the caller itself.
namespace pelita::report {

class ReportSources {
 public:
  virtual ~ReportSources() = default;
  virtual absl::StatusOr<scoring::v1::Evaluation> GetEvaluation(const Caller& caller, const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Cohort> GetCohort(const Caller& caller, const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Program> GetProgram(const Caller& caller, const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Enrolment> GetEnrolment(const Caller& caller, const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Employee> GetEmployee(const Caller& caller, const std::string& name) = 0;
  // Every cohort of a programme (all pages).
  virtual absl::StatusOr<std::vector<enrolment::v1::Cohort>> ListCohorts(const Caller& caller,
                                                                        const std::string& program) = 0;
  virtual absl::StatusOr<scoring::v1::RollUpEvaluationsResponse> RollUpEvaluations(
      const Caller& caller, const scoring::v1::RollUpEvaluationsRequest& request) = 0;
  // The analysis pages' figures (scoring's RankPrograms, its province
  // benchmark and the tenant's scoring settings for the minimum n), read as
  // the caller.  They answer UNIMPLEMENTED unless a source provides them, so
  // that sources made for the other documents (benchmarks, tests) need not.
  virtual absl::StatusOr<scoring::v1::RankProgramsResponse> RankPrograms(
      const Caller& caller, const scoring::v1::RankProgramsRequest& request);
  virtual absl::StatusOr<scoring::v1::ProvinceBenchmark> GetProvinceBenchmark(
      const Caller& caller, const scoring::v1::GetProvinceBenchmarkRequest& request);
  virtual absl::StatusOr<scoring::v1::ScoringSettings> GetScoringSettings(const Caller& caller,
                                                                         const std::string& name);
  // Every enrolment of a cohort (all pages).
  virtual absl::StatusOr<std::vector<enrolment::v1::Enrolment>> ListEnrolments(const Caller& caller,
                                                                              const std::string& cohort) = 0;
  // A unit's IKM for a window (complaint's GetSatisfaction).
  virtual absl::StatusOr<complaint::v1::Satisfaction> GetSatisfaction(
      const Caller& caller, const complaint::v1::GetSatisfactionRequest& request) = 0;
  virtual absl::StatusOr<enrolment::v1::Unit> GetUnit(const Caller& caller, const std::string& name) = 0;
  // The survey service's instrument and one page of a cohort's responses.
  virtual absl::StatusOr<survey::v1::Instrument> GetInstrument(const Caller& caller, const std::string& name) = 0;
  virtual absl::StatusOr<survey::v1::ListCohortResponsesResponse> ListCohortResponses(
      const Caller& caller, const survey::v1::ListCohortResponsesRequest& request) = 0;
  // A unit's SKM answers per month (survey's GetSkmAggregates): the
  // respondents' profile of the Laporan IKM.
  virtual absl::StatusOr<survey::v1::SkmAggregates> GetSkmAggregates(
      const Caller& caller, const survey::v1::GetSkmAggregatesRequest& request) = 0;
  // Every unit of the tenant (all pages).
  virtual absl::StatusOr<std::vector<enrolment::v1::Unit>> ListUnits(const Caller& caller) = 0;
  // The registry's record of a tenant (its name, zone, signatory).
  virtual absl::StatusOr<tenant::v1::Tenant> GetTenant(const std::string& code) = 0;
};

inline absl::StatusOr<scoring::v1::RankProgramsResponse> ReportSources::RankPrograms(
    const Caller&, const scoring::v1::RankProgramsRequest&) {
  return absl::UnimplementedError("this source does not read rankings");
}
inline absl::StatusOr<scoring::v1::ProvinceBenchmark> ReportSources::GetProvinceBenchmark(
    const Caller&, const scoring::v1::GetProvinceBenchmarkRequest&) {
  return absl::UnimplementedError("this source does not read province benchmarks");
}
inline absl::StatusOr<scoring::v1::ScoringSettings> ReportSources::GetScoringSettings(const Caller&,
                                                                                     const std::string&) {
  return absl::UnimplementedError("this source does not read scoring settings");
}

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_SOURCES_H_
