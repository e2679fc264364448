#include "services/enrolment/client/units.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"

namespace pelita::enrolment {

absl::StatusOr<std::vector<v1::Unit>> ListAllUnits(v1::EnrolmentService::StubInterface* stub,
                                                   const std::string& tenant, absl::Duration timeout) {
  std::vector<v1::Unit> out;
  std::string token;
  for (int page = 0; page < 100; ++page) {
    v1::ListUnitsRequest req;
    req.set_parent(absl::StrCat("tenants/", tenant));
    req.set_page_size(500);
    req.set_page_token(token);
    v1::ListUnitsResponse resp;
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    if (grpc::Status s = stub->ListUnits(&ctx, req, &resp); !s.ok()) {
      const absl::Status st = FromGrpcStatus(s);
      return absl::Status(st.code(), absl::StrCat("enrolment ListUnits: ", st.message()));
    }
    for (auto& u : *resp.mutable_units()) out.push_back(std::move(u));
    token = resp.next_page_token();
    if (token.empty()) break;
  }
  return out;
}

std::string LastSegment(const std::string& name) {
  const size_t p = name.rfind('/');
  return p == std::string::npos ? name : name.substr(p + 1);
}

}  // namespace pelita::enrolment
