#include "lib/tenancy/call_metadata.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/tenancy/tenant_code.h"

namespace pelita {
namespace {

std::string Metadata(const grpc::ServerContext& context, absl::string_view key) {
  const auto& md = context.client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// Set once and never freed: a check replaced while calls run stays valid
// for the calls that loaded it.
std::atomic<const TenantCheck*> g_tenant_check{nullptr};

void ReadReach(const grpc::ServerContext& context, Caller& caller) {
  caller.unit = Metadata(context, kUnitMetadata);
  const std::string cohorts = Metadata(context, kCohortsMetadata);
  if (!cohorts.empty()) caller.cohorts = absl::StrSplit(cohorts, ',', absl::SkipEmpty());
}

}  // namespace

void SetTenantCheck(TenantCheck check) {
  g_tenant_check.store(check ? new TenantCheck(std::move(check)) : nullptr);
}

absl::Status CheckKnownTenant(const std::string& tenant) {
  if (absl::Status s = ValidateTenant(tenant); !s.ok()) return s;
  if (const TenantCheck* check = g_tenant_check.load(); check != nullptr) return (*check)(tenant);
  return absl::OkStatus();
}

absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context) {
  Caller caller;
  caller.tenant = Metadata(context, kTenantMetadata);
  if (caller.tenant.empty()) {
    return absl::UnauthenticatedError(absl::StrCat("missing ", kTenantMetadata, " metadata"));
  }
  if (absl::Status s = ValidateTenant(caller.tenant); !s.ok()) {
    return absl::UnauthenticatedError(s.message());
  }
  if (const TenantCheck* check = g_tenant_check.load(); check != nullptr) {
    if (absl::Status s = (*check)(caller.tenant); !s.ok()) return s;
  }
  caller.role = Metadata(context, kRoleMetadata);
  caller.subject = Metadata(context, kSubjectMetadata);
  ReadReach(context, caller);
  return caller;
}

absl::StatusOr<Caller> PlatformCallerFromContext(const grpc::ServerContext& context) {
  Caller caller;
  caller.tenant = Metadata(context, kTenantMetadata);
  // A regency, or the province or country of a province or national user.
  if (!caller.tenant.empty() && !IsScopeCode(caller.tenant)) {
    return absl::UnauthenticatedError(
        absl::StrCat("tenant '", caller.tenant, "' is neither a regency, a province nor the national code"));
  }
  caller.role = Metadata(context, kRoleMetadata);
  caller.subject = Metadata(context, kSubjectMetadata);
  return caller;
}

absl::StatusOr<Caller> RegionCallerFromContext(const grpc::ServerContext& context) {
  const std::string tenant = Metadata(context, kTenantMetadata);
  if (tenant != kNationalTenantCode && !ValidateProvince(tenant).ok()) return CallerFromContext(context);
  Caller caller;
  caller.tenant = tenant;
  caller.role = Metadata(context, kRoleMetadata);
  caller.subject = Metadata(context, kSubjectMetadata);
  ReadReach(context, caller);
  return caller;
}

void AttachCaller(grpc::ClientContext& context, const Caller& caller) {
  if (!caller.tenant.empty()) context.AddMetadata(kTenantMetadata, caller.tenant);
  if (!caller.role.empty()) context.AddMetadata(kRoleMetadata, caller.role);
  if (!caller.subject.empty()) context.AddMetadata(kSubjectMetadata, caller.subject);
  if (!caller.unit.empty()) context.AddMetadata(kUnitMetadata, caller.unit);
  if (!caller.cohorts.empty()) context.AddMetadata(kCohortsMetadata, absl::StrJoin(caller.cohorts, ","));
}

}  // namespace pelita
