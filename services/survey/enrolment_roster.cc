#include "services/survey/enrolment_roster.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::survey {

namespace ev1 = ::pelita::enrolment::v1;
namespace fv1 = ::pelita::followup::v1;

EnrolmentRoster::EnrolmentRoster(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout,
                                 std::shared_ptr<grpc::Channel> followup)
    : stub_(ev1::EnrolmentService::NewStub(channel)),
      followup_(followup ? fv1::FollowUpService::NewStub(followup) : nullptr),
      timeout_(timeout) {}

namespace {
absl::CivilDay Day(const google::type::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }
}  // namespace

absl::StatusOr<CohortRoster> EnrolmentRoster::Fetch(const std::string& tenant, const std::string& cohort) {
  auto deadline = [this] { return absl::ToChronoTime(absl::Now() + timeout_); };
  CohortRoster out;
  {
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(deadline());
    ev1::GetCohortRequest req;
    req.set_name(cohort);
    ev1::Cohort resp;
    grpc::Status s = stub_->GetCohort(&ctx, req, &resp);
    if (!s.ok()) {
      absl::Status st = FromGrpcStatus(s);
      if (st.code() == absl::StatusCode::kNotFound) return st;
      return absl::UnavailableError(absl::StrCat("enrolment service: ", st.ToString()));
    }
    for (const auto& w : resp.follow_up_windows()) {
      out.windows.push_back({w.offset_days(), Day(w.first_day()), Day(w.last_day())});
    }
    out.observers.assign(resp.observers().begin(), resp.observers().end());
  }
  std::string token;
  const std::string prefix = cohort + "/enrolments/";
  for (int page = 0; page < 100000; ++page) {
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(deadline());
    ev1::ListEnrolmentsRequest req;
    req.set_parent(cohort);
    req.set_page_size(1000);
    req.set_page_token(token);
    ev1::ListEnrolmentsResponse resp;
    grpc::Status s = stub_->ListEnrolments(&ctx, req, &resp);
    if (!s.ok()) {
      return absl::UnavailableError(absl::StrCat("enrolment service: ", FromGrpcStatus(s).ToString()));
    }
    for (const ev1::Enrolment& e : resp.enrolments()) {
      if (e.state() != ev1::Enrolment::ENROLLED && e.state() != ev1::Enrolment::ATTENDED &&
          e.state() != ev1::Enrolment::COMPLETED) {
        continue;
      }
      if (absl::StartsWith(e.name(), prefix)) out.enrolled.push_back(e.name().substr(prefix.size()));
    }
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> EnrolmentRoster::Supervisors(const std::string& tenant,
                                                                      const std::string& cohort,
                                                                      const std::string& subject) {
  std::vector<std::string> out;
  {
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    ev1::GetEmployeeRequest req;
    req.set_name(absl::StrCat("tenants/", tenant, "/employees/", subject));
    ev1::Employee e;
    grpc::Status s = stub_->GetEmployee(&ctx, req, &e);
    if (!s.ok()) {
      absl::Status st = FromGrpcStatus(s);
      if (st.code() == absl::StatusCode::kNotFound) return st;
      return absl::UnavailableError(absl::StrCat("enrolment service: ", st.ToString()));
    }
    if (!e.supervisor_nip().empty()) out.push_back(e.supervisor_nip());
  }
  if (followup_ != nullptr) {
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    fv1::GetActionPlanRequest req;
    req.set_name(absl::StrCat(cohort, "/enrolments/", subject, "/actionPlan"));
    fv1::ActionPlan plan;
    grpc::Status s = followup_->GetActionPlan(&ctx, req, &plan);
    if (s.ok()) {
      // Only an approved plan names a supervisor who has taken it on.
      const std::string prefix = absl::StrCat("tenants/", tenant, "/employees/");
      if (plan.state() == fv1::ActionPlan::APPROVED && absl::StartsWith(plan.supervisor(), prefix)) {
        out.push_back(plan.supervisor().substr(prefix.size()));
      }
    } else if (s.error_code() != grpc::StatusCode::NOT_FOUND &&
               s.error_code() != grpc::StatusCode::FAILED_PRECONDITION &&
               s.error_code() != grpc::StatusCode::UNIMPLEMENTED) {
      return absl::UnavailableError(absl::StrCat("follow-up service: ", FromGrpcStatus(s).ToString()));
    }
  }
  return out;
}

absl::StatusOr<std::string> EnrolmentRoster::UnitTitle(const std::string& tenant, const std::string& unit) {
  grpc::ClientContext ctx;
  AttachTenant(ctx, tenant);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  ev1::GetUnitRequest req;
  req.set_name(unit);
  ev1::Unit u;
  grpc::Status s = stub_->GetUnit(&ctx, req, &u);
  if (!s.ok()) {
    absl::Status st = FromGrpcStatus(s);
    if (st.code() == absl::StatusCode::kNotFound || st.code() == absl::StatusCode::kInvalidArgument) {
      return absl::NotFoundError(absl::StrCat(unit, " is not a unit of the regency"));
    }
    return absl::UnavailableError(absl::StrCat("enrolment service: ", st.ToString()));
  }
  return u.display_name();
}

}  // namespace pelita::survey
