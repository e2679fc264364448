#ifndef PELITA_LIB_ROLE_ROLE_H_
#define PELITA_LIB_ROLE_ROLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/tenancy/caller.h"

namespace pelita {

// The roles of SPEC §6, as they travel in the x-pelita-role metadata, plus
// two that are not in a regency's token:
//   kInternal       no role metadata: a call from another Pelita service
//                   (never narrowed by the services' per-record checks);
//   kPlatformAdmin  "platform_admin": runs the platform itself (creates and
//                   changes tenants in the registry); belongs to no tenant.
enum class Role {
  kInternal,
  kAdmin,
  kOrganiser,
  kInstructor,
  kParticipant,
  kSupervisor,
  kAgencyHead,
  kProvince,
  kNationalIntegrator,
  kPlatformAdmin,
};

// "organiser" -> kOrganiser; "" -> kInternal; an unknown name is
// INVALID_ARGUMENT (so a typo never silently becomes a weaker or stronger role).
absl::StatusOr<Role> ParseRole(absl::string_view name);
// The metadata name of a role ("" for kInternal).
absl::string_view RoleName(Role role);
// Every role a token may carry (all but kInternal), in the order above.
const std::vector<Role>& TokenRoles();

// Staff of a regency: its organisers and admins, and internal calls.  Staff
// see what a regency's BKPSDM works with (individual records, free-text
// answers, observers' notes); everyone else gets what their role allows.
// THE one definition of the rule; services must not compare role strings.
bool IsStaff(Role role);
// The same for a caller; an unknown role is not staff.
bool IsStaff(const Caller& caller);

// Whether the caller has exactly `role` (an unknown role name is none).
bool IsRole(const Caller& caller, Role role);

// The platform admin role (the registry's writers).
bool IsPlatformAdmin(const Caller& caller);

}  // namespace pelita

#endif  // PELITA_LIB_ROLE_ROLE_H_
