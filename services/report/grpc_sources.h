#ifndef PELITA_SERVICES_REPORT_GRPC_SOURCES_H_
#define PELITA_SERVICES_REPORT_GRPC_SOURCES_H_

#include <memory>

#include <grpcpp/grpcpp.h>

#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/scoring/v1/scoring.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"
#include "services/report/sources.h"
#include "services/tenant/client/registry_client.h"

namespace pelita::report {

// ReportSources over gRPC: enrolment, scoring, complaint and survey with the caller forwarded
// as metadata (AttachCaller), the tenant registry through its cached
// client.  Errors keep their code when they are the caller's
// (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT, FAILED_PRECONDITION) and
// become UNAVAILABLE otherwise.
class GrpcReportSources final : public ReportSources {
 public:
  GrpcReportSources(std::shared_ptr<grpc::Channel> enrolment, std::shared_ptr<grpc::Channel> scoring,
                    std::shared_ptr<grpc::Channel> complaint, std::shared_ptr<grpc::Channel> survey,
                    tenant::TenantRegistry* registry,
                    absl::Duration timeout = absl::Seconds(20));

  absl::StatusOr<scoring::v1::Evaluation> GetEvaluation(const Caller& caller, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Cohort> GetCohort(const Caller& caller, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Program> GetProgram(const Caller& caller, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Enrolment> GetEnrolment(const Caller& caller, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Employee> GetEmployee(const Caller& caller, const std::string& name) override;
  absl::StatusOr<std::vector<enrolment::v1::Cohort>> ListCohorts(const Caller& caller,
                                                                const std::string& program) override;
  absl::StatusOr<scoring::v1::RollUpEvaluationsResponse> RollUpEvaluations(
      const Caller& caller, const scoring::v1::RollUpEvaluationsRequest& request) override;
  absl::StatusOr<scoring::v1::RankProgramsResponse> RankPrograms(
      const Caller& caller, const scoring::v1::RankProgramsRequest& request) override;
  absl::StatusOr<scoring::v1::ProvinceBenchmark> GetProvinceBenchmark(
      const Caller& caller, const scoring::v1::GetProvinceBenchmarkRequest& request) override;
  absl::StatusOr<scoring::v1::ScoringSettings> GetScoringSettings(const Caller& caller,
                                                                 const std::string& name) override;
  absl::StatusOr<std::vector<enrolment::v1::Enrolment>> ListEnrolments(const Caller& caller,
                                                                      const std::string& cohort) override;
  absl::StatusOr<complaint::v1::Satisfaction> GetSatisfaction(
      const Caller& caller, const complaint::v1::GetSatisfactionRequest& request) override;
  absl::StatusOr<enrolment::v1::Unit> GetUnit(const Caller& caller, const std::string& name) override;
  absl::StatusOr<survey::v1::Instrument> GetInstrument(const Caller& caller, const std::string& name) override;
  absl::StatusOr<survey::v1::ListCohortResponsesResponse> ListCohortResponses(
      const Caller& caller, const survey::v1::ListCohortResponsesRequest& request) override;
  absl::StatusOr<survey::v1::SkmAggregates> GetSkmAggregates(
      const Caller& caller, const survey::v1::GetSkmAggregatesRequest& request) override;
  absl::StatusOr<std::vector<enrolment::v1::Unit>> ListUnits(const Caller& caller) override;
  absl::StatusOr<tenant::v1::Tenant> GetTenant(const std::string& code) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> enrolment_;
  std::unique_ptr<scoring::v1::ScoringService::Stub> scoring_;
  std::unique_ptr<complaint::v1::ComplaintService::Stub> complaint_;
  std::unique_ptr<survey::v1::SurveyService::Stub> survey_;
  tenant::TenantRegistry* registry_;
  absl::Duration timeout_;
};

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_GRPC_SOURCES_H_
