#include "services/followup/grpc_sources.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/server/internal_call.h"

namespace pelita::followup {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

// One internal call: the tenant in metadata, no role, a deadline.
template <typename Stub, typename Req, typename Resp>
absl::StatusOr<Resp> Ask(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                         const std::string& tenant, const Req& req, absl::Duration timeout, const char* service) {
  return CallService(stub, method, Caller{tenant, "", ""}, req, timeout, service);
}

}  // namespace

GrpcEnrolmentSource::GrpcEnrolmentSource(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(ev1::EnrolmentService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<ev1::Enrolment> GrpcEnrolmentSource::GetEnrolment(const std::string& tenant, const std::string& name) {
  ev1::GetEnrolmentRequest req;
  req.set_name(name);
  return Ask(stub_.get(), &ev1::EnrolmentService::Stub::GetEnrolment, tenant, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Cohort> GrpcEnrolmentSource::GetCohort(const std::string& tenant, const std::string& name) {
  ev1::GetCohortRequest req;
  req.set_name(name);
  return Ask(stub_.get(), &ev1::EnrolmentService::Stub::GetCohort, tenant, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Program> GrpcEnrolmentSource::GetProgram(const std::string& tenant, const std::string& name) {
  ev1::GetProgramRequest req;
  req.set_name(name);
  return Ask(stub_.get(), &ev1::EnrolmentService::Stub::GetProgram, tenant, req, timeout_, "enrolment");
}

absl::StatusOr<ev1::Employee> GrpcEnrolmentSource::GetEmployee(const std::string& tenant, const std::string& name) {
  ev1::GetEmployeeRequest req;
  req.set_name(name);
  return Ask(stub_.get(), &ev1::EnrolmentService::Stub::GetEmployee, tenant, req, timeout_, "enrolment");
}

GrpcBehaviourSource::GrpcBehaviourSource(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(scoring::v1::ScoringService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<scoring::v1::Behaviour> GrpcBehaviourSource::CohortBehaviour(const std::string& tenant,
                                                                            const std::string& cohort) {
  scoring::v1::GetEvaluationRequest req;
  req.set_name(absl::StrCat(cohort, "/evaluation"));
  PELITA_ASSIGN_OR_RETURN(scoring::v1::Evaluation e,
                          Ask(stub_.get(), &scoring::v1::ScoringService::Stub::GetEvaluation, tenant, req,
                              timeout_, "scoring"));
  return e.behaviour();
}

}  // namespace pelita::followup
