#include "services/complaint/enrolment_units.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::complaint {

EnrolmentUnitDirectory::EnrolmentUnitDirectory(std::shared_ptr<grpc::Channel> channel,
                                               absl::Duration timeout)
    : stub_(enrolment::v1::EnrolmentService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<std::vector<UnitInfo>> EnrolmentUnitDirectory::ListUnits(const std::string& tenant) {
  std::vector<UnitInfo> out;
  std::string token;
  for (int page = 0; page < 100; ++page) {
    enrolment::v1::ListUnitsRequest req;
    req.set_parent(absl::StrCat("tenants/", tenant));
    req.set_page_size(500);
    req.set_page_token(token);
    enrolment::v1::ListUnitsResponse resp;
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    grpc::Status s = stub_->ListUnits(&ctx, req, &resp);
    if (!s.ok()) {
      absl::Status st = FromGrpcStatus(s);
      return absl::Status(st.code(), absl::StrCat("enrolment ListUnits: ", st.message()));
    }
    for (const auto& u : resp.units()) {
      const size_t p = u.name().rfind('/');
      out.push_back({p == std::string::npos ? u.name() : u.name().substr(p + 1), u.display_name(),
                     u.monthly_service_volume()});
    }
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  return out;
}

}  // namespace pelita::complaint
