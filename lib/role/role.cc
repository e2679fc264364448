#include "lib/role/role.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace pelita {
namespace {

constexpr std::pair<Role, absl::string_view> kNames[] = {
    {Role::kInternal, ""},
    {Role::kAdmin, "admin"},
    {Role::kOrganiser, "organiser"},
    {Role::kInstructor, "instructor"},
    {Role::kParticipant, "participant"},
    {Role::kSupervisor, "supervisor"},
    {Role::kAgencyHead, "agency_head"},
    {Role::kProvince, "province"},
    {Role::kNationalIntegrator, "national_integrator"},
    {Role::kPlatformAdmin, "platform_admin"},
};

}  // namespace

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  for (const auto& [role, n] : kNames) {
    if (n == name) return role;
  }
  return absl::InvalidArgumentError(absl::StrCat("role '", name.substr(0, 40), "' is not a Pelita role"));
}

absl::string_view RoleName(Role role) {
  for (const auto& [r, n] : kNames) {
    if (r == role) return n;
  }
  return "";
}

const std::vector<Role>& TokenRoles() {
  static const auto* roles = [] {
    auto* out = new std::vector<Role>;
    for (const auto& [role, n] : kNames) {
      if (role != Role::kInternal) out->push_back(role);
    }
    return out;
  }();
  return *roles;
}

bool IsStaff(Role role) {
  return role == Role::kInternal || role == Role::kAdmin || role == Role::kOrganiser;
}

bool IsStaff(const Caller& caller) {
  auto role = ParseRole(caller.role);
  return role.ok() && IsStaff(*role);
}

bool IsRole(const Caller& caller, Role role) {
  auto r = ParseRole(caller.role);
  return r.ok() && *r == role;
}

bool IsPlatformAdmin(const Caller& caller) { return caller.role == RoleName(Role::kPlatformAdmin); }

}  // namespace pelita
