#include "services/report/grpc_sources.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/server/internal_call.h"

namespace pelita::report {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

// Every page of a List call (page_size 500), the items of each taken by
// `items`; at most 1000 pages.
template <typename Stub, typename Req, typename Resp, typename Item>
absl::StatusOr<std::vector<Item>> AllPages(Stub* stub,
                                           grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                                           const Caller& caller, Req req, absl::Duration timeout,
                                           const char* service,
                                           google::protobuf::RepeatedPtrField<Item>* (Resp::*items)()) {
  std::vector<Item> out;
  req.set_page_size(500);
  for (int page = 0; page < 1000; ++page) {
    PELITA_ASSIGN_OR_RETURN(Resp resp, CallService(stub, method, caller, req, timeout, service));
    for (auto& item : *(resp.*items)()) out.push_back(std::move(item));
    if (resp.next_page_token().empty()) return out;
    req.set_page_token(resp.next_page_token());
  }
  return absl::InternalError(absl::StrCat("the ", service, " service keeps returning pages"));
}

}  // namespace

GrpcReportSources::GrpcReportSources(std::shared_ptr<grpc::Channel> enrolment, std::shared_ptr<grpc::Channel> scoring,
                                     std::shared_ptr<grpc::Channel> complaint, std::shared_ptr<grpc::Channel> survey,
                                     tenant::TenantRegistry* registry,
                                     absl::Duration timeout)
    : enrolment_(ev1::EnrolmentService::NewStub(enrolment)),
      scoring_(scoring::v1::ScoringService::NewStub(scoring)),
      complaint_(complaint::v1::ComplaintService::NewStub(complaint)),
      survey_(survey::v1::SurveyService::NewStub(survey)),
      registry_(registry),
      timeout_(timeout) {}

absl::StatusOr<scoring::v1::Evaluation> GrpcReportSources::GetEvaluation(const Caller& caller,
                                                                         const std::string& name) {
  scoring::v1::GetEvaluationRequest req;
  req.set_name(name);
  return CallService(scoring_.get(), &scoring::v1::ScoringService::Stub::GetEvaluation, caller, req, timeout_, "scoring");
}

absl::StatusOr<ev1::Cohort> GrpcReportSources::GetCohort(const Caller& caller, const std::string& name) {
  ev1::GetCohortRequest req;
  req.set_name(name);
  return CallService(enrolment_.get(), &ev1::EnrolmentService::Stub::GetCohort, caller, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Program> GrpcReportSources::GetProgram(const Caller& caller, const std::string& name) {
  ev1::GetProgramRequest req;
  req.set_name(name);
  return CallService(enrolment_.get(), &ev1::EnrolmentService::Stub::GetProgram, caller, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Enrolment> GrpcReportSources::GetEnrolment(const Caller& caller, const std::string& name) {
  ev1::GetEnrolmentRequest req;
  req.set_name(name);
  return CallService(enrolment_.get(), &ev1::EnrolmentService::Stub::GetEnrolment, caller, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Employee> GrpcReportSources::GetEmployee(const Caller& caller, const std::string& name) {
  ev1::GetEmployeeRequest req;
  req.set_name(name);
  return CallService(enrolment_.get(), &ev1::EnrolmentService::Stub::GetEmployee, caller, req, timeout_, "enrolment");
}

absl::StatusOr<std::vector<ev1::Cohort>> GrpcReportSources::ListCohorts(const Caller& caller,
                                                                        const std::string& program) {
  ev1::ListCohortsRequest req;
  req.set_parent(program);
  return AllPages(enrolment_.get(), &ev1::EnrolmentService::Stub::ListCohorts, caller, req, timeout_, "enrolment",
                  &ev1::ListCohortsResponse::mutable_cohorts);
}

absl::StatusOr<scoring::v1::RollUpEvaluationsResponse> GrpcReportSources::RollUpEvaluations(
    const Caller& caller, const scoring::v1::RollUpEvaluationsRequest& request) {
  return CallService(scoring_.get(), &scoring::v1::ScoringService::Stub::RollUpEvaluations, caller, request, timeout_,
             "scoring");
}

absl::StatusOr<scoring::v1::RankProgramsResponse> GrpcReportSources::RankPrograms(
    const Caller& caller, const scoring::v1::RankProgramsRequest& request) {
  return CallService(scoring_.get(), &scoring::v1::ScoringService::Stub::RankPrograms, caller, request, timeout_,
                     "scoring");
}

absl::StatusOr<scoring::v1::ProvinceBenchmark> GrpcReportSources::GetProvinceBenchmark(
    const Caller& caller, const scoring::v1::GetProvinceBenchmarkRequest& request) {
  return CallService(scoring_.get(), &scoring::v1::ScoringService::Stub::GetProvinceBenchmark, caller, request,
                     timeout_, "scoring");
}

absl::StatusOr<scoring::v1::ScoringSettings> GrpcReportSources::GetScoringSettings(const Caller& caller,
                                                                                  const std::string& name) {
  scoring::v1::GetScoringSettingsRequest req;
  req.set_name(name);
  return CallService(scoring_.get(), &scoring::v1::ScoringService::Stub::GetScoringSettings, caller, req, timeout_,
                     "scoring");
}

absl::StatusOr<std::vector<ev1::Enrolment>> GrpcReportSources::ListEnrolments(const Caller& caller,
                                                                              const std::string& cohort) {
  ev1::ListEnrolmentsRequest req;
  req.set_parent(cohort);
  return AllPages(enrolment_.get(), &ev1::EnrolmentService::Stub::ListEnrolments, caller, req, timeout_, "enrolment",
                  &ev1::ListEnrolmentsResponse::mutable_enrolments);
}

absl::StatusOr<complaint::v1::Satisfaction> GrpcReportSources::GetSatisfaction(
    const Caller& caller, const complaint::v1::GetSatisfactionRequest& request) {
  return CallService(complaint_.get(), &complaint::v1::ComplaintService::Stub::GetSatisfaction, caller, request, timeout_,
             "complaint");
}

absl::StatusOr<survey::v1::Instrument> GrpcReportSources::GetInstrument(const Caller& caller,
                                                                       const std::string& name) {
  survey::v1::GetInstrumentRequest req;
  req.set_name(name);
  return CallService(survey_.get(), &survey::v1::SurveyService::Stub::GetInstrument, caller, req, timeout_, "survey");
}

absl::StatusOr<survey::v1::ListCohortResponsesResponse> GrpcReportSources::ListCohortResponses(
    const Caller& caller, const survey::v1::ListCohortResponsesRequest& request) {
  return CallService(survey_.get(), &survey::v1::SurveyService::Stub::ListCohortResponses, caller, request, timeout_,
             "survey");
}

absl::StatusOr<survey::v1::SkmAggregates> GrpcReportSources::GetSkmAggregates(
    const Caller& caller, const survey::v1::GetSkmAggregatesRequest& request) {
  return CallService(survey_.get(), &survey::v1::SurveyService::Stub::GetSkmAggregates, caller, request, timeout_,
                     "survey");
}

absl::StatusOr<ev1::Unit> GrpcReportSources::GetUnit(const Caller& caller, const std::string& name) {
  ev1::GetUnitRequest req;
  req.set_name(name);
  return CallService(enrolment_.get(), &ev1::EnrolmentService::Stub::GetUnit, caller, req, timeout_, "enrolment");
}

absl::StatusOr<std::vector<ev1::Unit>> GrpcReportSources::ListUnits(const Caller& caller) {
  ev1::ListUnitsRequest req;
  req.set_parent(absl::StrCat("tenants/", caller.tenant));
  return AllPages(enrolment_.get(), &ev1::EnrolmentService::Stub::ListUnits, caller, req, timeout_, "enrolment",
                  &ev1::ListUnitsResponse::mutable_units);
}

absl::StatusOr<tenant::v1::Tenant> GrpcReportSources::GetTenant(const std::string& code) {
  return registry_->Get(code);
}

}  // namespace pelita::report
