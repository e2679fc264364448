#include "services/report/grpc_sources.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"

namespace pelita::report {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

template <typename Stub, typename Req, typename Resp>
absl::StatusOr<Resp> Ask(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                         const Caller& caller, const Req& req, absl::Duration timeout, const char* service) {
  grpc::ClientContext ctx;
  AttachCaller(ctx, caller);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  Resp resp;
  grpc::Status s = (stub->*method)(&ctx, req, &resp);
  if (s.ok()) return resp;
  absl::Status st = FromGrpcStatus(s);
  switch (st.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
      return st;
    default:
      return absl::UnavailableError(absl::StrCat(service, " service: ", st.ToString()));
  }
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
  return Ask(scoring_.get(), &scoring::v1::ScoringService::Stub::GetEvaluation, caller, req, timeout_, "scoring");
}

absl::StatusOr<ev1::Cohort> GrpcReportSources::GetCohort(const Caller& caller, const std::string& name) {
  ev1::GetCohortRequest req;
  req.set_name(name);
  return Ask(enrolment_.get(), &ev1::EnrolmentService::Stub::GetCohort, caller, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Program> GrpcReportSources::GetProgram(const Caller& caller, const std::string& name) {
  ev1::GetProgramRequest req;
  req.set_name(name);
  return Ask(enrolment_.get(), &ev1::EnrolmentService::Stub::GetProgram, caller, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Enrolment> GrpcReportSources::GetEnrolment(const Caller& caller, const std::string& name) {
  ev1::GetEnrolmentRequest req;
  req.set_name(name);
  return Ask(enrolment_.get(), &ev1::EnrolmentService::Stub::GetEnrolment, caller, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Employee> GrpcReportSources::GetEmployee(const Caller& caller, const std::string& name) {
  ev1::GetEmployeeRequest req;
  req.set_name(name);
  return Ask(enrolment_.get(), &ev1::EnrolmentService::Stub::GetEmployee, caller, req, timeout_, "enrolment");
}

absl::StatusOr<std::vector<ev1::Cohort>> GrpcReportSources::ListCohorts(const Caller& caller,
                                                                        const std::string& program) {
  std::vector<ev1::Cohort> out;
  ev1::ListCohortsRequest req;
  req.set_parent(program);
  req.set_page_size(500);
  for (int page = 0; page < 100; ++page) {
    PELITA_ASSIGN_OR_RETURN(ev1::ListCohortsResponse resp,
                            Ask(enrolment_.get(), &ev1::EnrolmentService::Stub::ListCohorts, caller, req, timeout_,
                                "enrolment"));
    for (auto& c : *resp.mutable_cohorts()) out.push_back(std::move(c));
    if (resp.next_page_token().empty()) return out;
    req.set_page_token(resp.next_page_token());
  }
  return absl::InternalError("the enrolment service keeps returning pages");
}

absl::StatusOr<scoring::v1::RollUpEvaluationsResponse> GrpcReportSources::RollUpEvaluations(
    const Caller& caller, const scoring::v1::RollUpEvaluationsRequest& request) {
  return Ask(scoring_.get(), &scoring::v1::ScoringService::Stub::RollUpEvaluations, caller, request, timeout_,
             "scoring");
}

absl::StatusOr<std::vector<ev1::Enrolment>> GrpcReportSources::ListEnrolments(const Caller& caller,
                                                                              const std::string& cohort) {
  std::vector<ev1::Enrolment> out;
  ev1::ListEnrolmentsRequest req;
  req.set_parent(cohort);
  req.set_page_size(500);
  for (int page = 0; page < 1000; ++page) {
    PELITA_ASSIGN_OR_RETURN(ev1::ListEnrolmentsResponse resp,
                            Ask(enrolment_.get(), &ev1::EnrolmentService::Stub::ListEnrolments, caller, req, timeout_,
                                "enrolment"));
    for (auto& e : *resp.mutable_enrolments()) out.push_back(std::move(e));
    if (resp.next_page_token().empty()) return out;
    req.set_page_token(resp.next_page_token());
  }
  return absl::InternalError("the enrolment service keeps returning pages");
}

absl::StatusOr<complaint::v1::Satisfaction> GrpcReportSources::GetSatisfaction(
    const Caller& caller, const complaint::v1::GetSatisfactionRequest& request) {
  return Ask(complaint_.get(), &complaint::v1::ComplaintService::Stub::GetSatisfaction, caller, request, timeout_,
             "complaint");
}

absl::StatusOr<survey::v1::Instrument> GrpcReportSources::GetInstrument(const Caller& caller,
                                                                       const std::string& name) {
  survey::v1::GetInstrumentRequest req;
  req.set_name(name);
  return Ask(survey_.get(), &survey::v1::SurveyService::Stub::GetInstrument, caller, req, timeout_, "survey");
}

absl::StatusOr<survey::v1::ListCohortResponsesResponse> GrpcReportSources::ListCohortResponses(
    const Caller& caller, const survey::v1::ListCohortResponsesRequest& request) {
  return Ask(survey_.get(), &survey::v1::SurveyService::Stub::ListCohortResponses, caller, request, timeout_,
             "survey");
}

absl::StatusOr<ev1::Unit> GrpcReportSources::GetUnit(const Caller& caller, const std::string& name) {
  ev1::GetUnitRequest req;
  req.set_name(name);
  return Ask(enrolment_.get(), &ev1::EnrolmentService::Stub::GetUnit, caller, req, timeout_, "enrolment");
}

absl::StatusOr<std::vector<ev1::Unit>> GrpcReportSources::ListUnits(const Caller& caller) {
  std::vector<ev1::Unit> out;
  ev1::ListUnitsRequest req;
  req.set_parent(absl::StrCat("tenants/", caller.tenant));
  req.set_page_size(500);
  for (int page = 0; page < 100; ++page) {
    PELITA_ASSIGN_OR_RETURN(ev1::ListUnitsResponse resp,
                            Ask(enrolment_.get(), &ev1::EnrolmentService::Stub::ListUnits, caller, req, timeout_,
                                "enrolment"));
    for (auto& u : *resp.mutable_units()) out.push_back(std::move(u));
    if (resp.next_page_token().empty()) return out;
    req.set_page_token(resp.next_page_token());
  }
  return absl::InternalError("the enrolment service keeps returning pages");
}

absl::StatusOr<tenant::v1::Tenant> GrpcReportSources::GetTenant(const std::string& code) {
  return registry_->Get(code);
}

}  // namespace pelita::report
