#include "services/performance/roster.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/time/time.h"
#include "services/enrolment/client/units.h"

namespace pelita::performance {
namespace {

absl::Status Failed(const grpc::Status& s, absl::string_view what) {
  absl::Status st = FromGrpcStatus(s);
  return absl::Status(st.code(), absl::StrCat("enrolment ", what, ": ", st.message()));
}

}  // namespace

EnrolmentRoster::EnrolmentRoster(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(enrolment::v1::EnrolmentService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<std::vector<UnitInfo>> EnrolmentRoster::ListUnits(const std::string& tenant) {
  PELITA_ASSIGN_OR_RETURN(auto units, enrolment::ListAllUnits(stub_.get(), tenant, timeout_));
  std::vector<UnitInfo> out;
  out.reserve(units.size());
  for (const auto& u : units) out.push_back({enrolment::LastSegment(u.name()), u.display_name()});
  return out;
}

absl::StatusOr<CohortInfo> EnrolmentRoster::GetCohort(const std::string& tenant, const std::string& cohort) {
  CohortInfo info;
  {
    enrolment::v1::GetCohortRequest req;
    req.set_name(cohort);
    enrolment::v1::Cohort c;
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    if (grpc::Status s = stub_->GetCohort(&ctx, req, &c); !s.ok()) return Failed(s, "GetCohort");
    auto start = FromDate(c.start_date(), "start_date");
    auto end = FromDate(c.end_date(), "end_date");
    if (!start.ok() || !end.ok()) return absl::FailedPreconditionError(absl::StrCat("cohort ", cohort, " has no dates"));
    info.start = *start;
    info.end = *end;
    info.instructors.assign(c.instructors().begin(), c.instructors().end());
  }
  std::string token;
  for (int page = 0; page < 1000; ++page) {
    enrolment::v1::ListEnrolmentsRequest req;
    req.set_parent(cohort);
    req.set_page_size(500);
    req.set_page_token(token);
    enrolment::v1::ListEnrolmentsResponse resp;
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    if (grpc::Status s = stub_->ListEnrolments(&ctx, req, &resp); !s.ok()) return Failed(s, "ListEnrolments");
    for (const auto& e : resp.enrolments()) {
      if (e.state() == enrolment::v1::Enrolment::COMPLETED) info.completed.push_back(enrolment::LastSegment(e.employee()));
    }
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  return info;
}

absl::StatusOr<bool> EnrolmentRoster::FillSupervisor(const std::string& tenant, const std::string& nip,
                                                     const std::string& supervisor) {
  if (supervisor.empty() || supervisor == nip) return false;
  const std::string name = absl::StrCat("tenants/", tenant, "/employees/", nip);
  enrolment::v1::Employee e;
  {
    enrolment::v1::GetEmployeeRequest req;
    req.set_name(name);
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    if (grpc::Status s = stub_->GetEmployee(&ctx, req, &e); !s.ok()) return Failed(s, "GetEmployee");
  }
  if (!e.supervisor_nip().empty()) return false;
  enrolment::v1::UpdateEmployeeRequest req;
  req.mutable_employee()->set_name(name);
  req.mutable_employee()->set_supervisor_nip(supervisor);
  req.mutable_update_mask()->add_paths("supervisor_nip");
  enrolment::v1::Employee out;
  grpc::ClientContext ctx;
  AttachTenant(ctx, tenant);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  grpc::Status s = stub_->UpdateEmployee(&ctx, req, &out);
  // An appraiser who is not in the roster (another agency's official)
  // cannot be the recorded supervisor: nothing is filled.
  if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT || s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return false;
  }
  if (!s.ok()) return Failed(s, "UpdateEmployee");
  return true;
}

}  // namespace pelita::performance
