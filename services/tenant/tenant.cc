#include "services/tenant/tenant.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/store/cas.h"
#include "lib/store/paging.h"
#include "lib/tenancy/tenant_code.h"
#include "lib/time/time.h"
#include "services/tenant/domain.h"

namespace pelita::tenant {
namespace {

absl::Status RequirePlatformAdmin(const Caller& caller, absl::string_view what) {
  if (IsPlatformAdmin(caller)) return absl::OkStatus();
  return WithReason(absl::PermissionDeniedError(absl::StrCat(
                        "only the platform admin (role platform_admin) may ", what, "; the caller's role is '",
                        caller.role, "'")),
                    "PLATFORM_ADMIN_ONLY");
}

}  // namespace

TenantLogic::TenantLogic(TenantStore* store, std::function<absl::Time()> clock)
    : store_(store), clock_(std::move(clock)) {}

absl::StatusOr<v1::Tenant> TenantLogic::CreateTenant(const Caller& caller,
                                                     const v1::CreateTenantRequest& request) {
  PELITA_RETURN_IF_ERROR(RequirePlatformAdmin(caller, "create tenants"));
  v1::Tenant t = request.tenant();
  t.clear_create_time();
  t.clear_update_time();
  PELITA_RETURN_IF_ERROR(PrepareNew(request.tenant_id(), &t));
  *t.mutable_create_time() = ToTimestamp(clock_());
  *t.mutable_update_time() = t.create_time();
  PELITA_RETURN_IF_ERROR(store_->Create(request.tenant_id(), t));
  return t;
}

absl::StatusOr<v1::Tenant> TenantLogic::GetTenant(const Caller& caller, const v1::GetTenantRequest& request) {
  PELITA_ASSIGN_OR_RETURN(std::string code, ParseTenantName("name", request.name()));
  return store_->Get(code);
}

absl::StatusOr<v1::ListTenantsResponse> TenantLogic::ListTenants(const Caller& caller,
                                                                 const v1::ListTenantsRequest& request) {
  PELITA_ASSIGN_OR_RETURN(int size, store::EffectivePageSize(request.page_size()));
  if (!request.province_code().empty()) {
    if (absl::Status s = ValidateProvince(request.province_code()); !s.ok()) {
      return InvalidField("province_code", s.message());
    }
  }
  v1::ListTenantsResponse out;
  std::string token = request.page_token();
  // With a province filter a page of the table may hold few matches: read
  // on until the page is full or the table ends (there are at most 514).
  do {
    PELITA_ASSIGN_OR_RETURN(TenantStore::Page page, store_->List(size - out.tenants_size(), token));
    for (v1::Tenant& t : page.tenants) {
      if (request.province_code().empty() || t.province_code() == request.province_code()) {
        *out.add_tenants() = std::move(t);
      }
    }
    token = page.next_page_token;
  } while (!token.empty() && out.tenants_size() < size);
  out.set_next_page_token(token);
  return out;
}

absl::StatusOr<v1::Tenant> TenantLogic::UpdateTenant(const Caller& caller,
                                                     const v1::UpdateTenantRequest& request) {
  PELITA_RETURN_IF_ERROR(RequirePlatformAdmin(caller, "change tenants"));
  PELITA_ASSIGN_OR_RETURN(std::string code, ParseTenantName("tenant.name", request.tenant().name()));
  return store::RetryCas(
      [&]() -> absl::StatusOr<v1::Tenant> {
        PELITA_ASSIGN_OR_RETURN(std::string raw, store_->GetRaw(code));
        v1::Tenant current;
        if (!current.ParseFromString(raw)) return absl::DataLossError(absl::StrCat("tenants/", code, " is corrupt"));
        v1::Tenant updated = current;
        PELITA_RETURN_IF_ERROR(ApplyUpdate(request.tenant(), request.update_mask(), &updated));
        if (google::protobuf::util::MessageDifferencer::Equals(current, updated)) return current;
        *updated.mutable_update_time() = ToTimestamp(clock_());
        PELITA_RETURN_IF_ERROR(store_->Replace(code, raw, updated, request.update_mask()));
        return updated;
      },
      store::CasOptions{16, absl::StrCat("tenants/", code)});
}

}  // namespace pelita::tenant
