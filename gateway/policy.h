#ifndef PELITA_GATEWAY_POLICY_H_
#define PELITA_GATEWAY_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/auth.h"

namespace pelita::gateway {

// What the URL path of a request names: tenants (`tenants/{t}`), provinces
// (`provinces/{p}`) and people (`employees/{nip}`, `enrolments/{nip}`).
struct PathSubjects {
  std::vector<std::string> tenants;
  std::vector<std::string> provinces;
  std::vector<std::string> people;
  // `tenants/{t}/units/{u}` for every unit the path names.
  std::vector<std::string> units;
};
PathSubjects ScanPath(absl::string_view decoded_path);

// Role rules, one declared table (policy.cc): may `role` call `rpc`
// ("pelita.enrolment.v1.EnrolmentService/GetUnit") with a read (GET) or a
// write?  Some rules hold only for the caller's own records (the path names
// only the caller's NIP); a head of agency's path may name only their unit.
// PERMISSION_DENIED otherwise.
absl::Status AuthorizeRole(const Claims& claims, absl::string_view rpc, bool read,
                           const PathSubjects& path);

// docs/ROLES.md: the role table as Markdown, with the rules around it.
std::string RolesMarkdown();

// The RPCs anyone may call without a token: sign-in, activation, refresh,
// sign-out, the client-credentials grant and the JWKS of the identity
// service.  The gateway forwards them with no role and no tenant, and the
// client's address as the subject (identity throttles by it).
bool IsPublicRpc(absl::string_view rpc);

// The tenant rules: the path may name only the token's tenant, except that
// the province role reads (GET only) the tenants of its own province and
// national_integrator reads every tenant; the one write of a province user
// is ChangePassword (`rpc`), in a regency of their province.  Returns the
// tenant to forward to the service: the token's, or for those cross-tenant
// calls the tenant named in the path (checked here).  Refusals carry the
// reason OTHER_TENANT or ROLE_NOT_ALLOWED.
absl::StatusOr<std::string> AuthorizeTenant(const Claims& claims, bool read, const PathSubjects& path,
                                            absl::string_view rpc = "");

// A request body may not name another tenant than the forwarded one.
absl::Status CheckBodyTenants(const std::vector<std::string>& body_tenants,
                              absl::string_view tenant);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_POLICY_H_
