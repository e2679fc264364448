#include "services/identity/roster.h"

#include "absl/strings/str_cat.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"

namespace pelita::identity {

EnrolmentRoster::EnrolmentRoster(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(enrolment::v1::EnrolmentService::NewStub(channel)), timeout_(timeout) {}

absl::Status EnrolmentRoster::CheckEmployee(const std::string& tenant, const std::string& nip) {
  grpc::ClientContext ctx;
  AttachTenant(ctx, tenant);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  enrolment::v1::GetEmployeeRequest req;
  req.set_name(absl::StrCat("tenants/", tenant, "/employees/", nip));
  enrolment::v1::Employee resp;
  absl::Status s = FromGrpcStatus(stub_->GetEmployee(&ctx, req, &resp));
  if (s.ok() || s.code() == absl::StatusCode::kNotFound) return s;
  return absl::UnavailableError(absl::StrCat("enrolment service: ", s.ToString()));
}

absl::StatusOr<bool> EnrolmentRoster::Supervises(const std::string& tenant, const std::string& nip) {
  grpc::ClientContext ctx;
  AttachCaller(ctx, Caller{tenant, std::string(RoleName(Role::kSupervisor)), nip});
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  enrolment::v1::ListEmployeesRequest req;
  req.set_parent(absl::StrCat("tenants/", tenant));
  req.set_page_size(1);
  enrolment::v1::ListEmployeesResponse resp;
  absl::Status s = FromGrpcStatus(stub_->ListEmployees(&ctx, req, &resp));
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("enrolment service: ", s.ToString()));
  return resp.employees_size() > 0;
}

}  // namespace pelita::identity
