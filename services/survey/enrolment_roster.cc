#include "services/survey/enrolment_roster.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::survey {

namespace ev1 = ::pelita::enrolment::v1;

EnrolmentRoster::EnrolmentRoster(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(ev1::EnrolmentService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<std::vector<std::string>> EnrolmentRoster::EnrolledNips(const std::string& tenant,
                                                                       const std::string& cohort) {
  auto deadline = [this] { return absl::ToChronoTime(absl::Now() + timeout_); };
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
  }
  std::vector<std::string> out;
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
      if (absl::StartsWith(e.name(), prefix)) out.push_back(e.name().substr(prefix.size()));
    }
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  return out;
}

}  // namespace pelita::survey
