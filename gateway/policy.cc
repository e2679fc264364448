#include "gateway/policy.h"

#include <fnmatch.h>

#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::gateway {
namespace {

enum Access { kRead, kWrite };  // kWrite rules also allow reads
enum Scope { kAll, kSelf };     // kSelf: only the caller's own records

struct RoleRule {
  const char* rpc_glob;  // fnmatch pattern over "package.Service/Method"
  Access access;
  std::initializer_list<const char*> roles;
  Scope scope;
  // RPCs the glob matches that the rule still does not cover (fnmatch).
  const char* except_glob = nullptr;
};

// THE role table.  A request is allowed when one rule matches its RPC, its
// access and the caller's role.  Tenant isolation (AuthorizeTenant) applies
// on top of it; services further narrow what a role sees using the
// forwarded x-pelita-role / x-pelita-subject (e.g. an instructor's own
// cohorts, aggregates only above the minimum respondent count).
const RoleRule kRules[] = {
    // Administrators and organisers (BKPSDM staff) run their regency, but
    // not the platform: the tenant registry is not theirs to write.
    {"*", kWrite, {"admin", "organiser"}, kAll, "pelita.tenant.*"},
    // The tenant registry (services/tenant): only the platform admin
    // creates and changes tenants; a regency's staff, heads of agencies and
    // the province and national roles read the records (name, province,
    // time zone, settings: nothing confidential).
    {"pelita.tenant.v1.*", kWrite, {"platform_admin"}, kAll},
    {"pelita.tenant.v1.TenantService/GetTenant", kRead,
     {"admin", "organiser", "agency_head", "province", "national_integrator"}, kAll},
    {"pelita.tenant.v1.TenantService/ListTenants", kRead,
     {"admin", "organiser", "agency_head", "province", "national_integrator"}, kAll},
    // Heads of agencies, province and national bodies read the catalogue,
    // rosters, complaints, satisfaction and evaluation reports.
    {"pelita.enrolment.v1.*", kRead, {"agency_head", "province", "national_integrator"}, kAll},
    {"pelita.complaint.v1.*", kRead, {"agency_head", "province", "national_integrator"}, kAll},
    // Follow-up (its own service since issue 14; these roles read it as they
    // did under pelita.enrolment.v1).
    {"pelita.followup.v1.*", kRead, {"agency_head", "province", "national_integrator"}, kAll},
    {"pelita.scoring.v1.*", kRead, {"agency_head", "province", "national_integrator", "instructor"}, kAll},
    {"pelita.survey.v1.*Instrument*", kRead,
     {"agency_head", "province", "national_integrator", "instructor", "participant", "supervisor"}, kAll},
    // Heads of agencies follow up the complaints of their unit.
    {"pelita.complaint.v1.*", kWrite, {"agency_head"}, kAll},
    // Instructors see the programmes and cohorts (their own, by the service).
    {"pelita.enrolment.v1.EnrolmentService/GetProgram", kRead, {"instructor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/ListPrograms", kRead, {"instructor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/GetCohort", kRead, {"instructor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/ListCohorts", kRead, {"instructor"}, kAll},
    // Participants: their own record, learning hours and enrolments.
    {"pelita.enrolment.v1.EnrolmentService/GetEmployee", kRead, {"participant"}, kSelf},
    {"pelita.enrolment.v1.EnrolmentService/GetLearningHours", kRead, {"participant"}, kSelf},
    {"pelita.enrolment.v1.EnrolmentService/GetEnrolment", kRead, {"participant"}, kSelf},
    // Supervisors read the staff they assess after training.
    {"pelita.enrolment.v1.EnrolmentService/GetEmployee", kRead, {"supervisor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/ListEmployees", kRead, {"supervisor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/GetLearningHours", kRead, {"supervisor"}, kAll},
    // Participants and supervisors answer surveys (reaction, tests, follow-up)
    // and read back what they answered: the RPCs named one by one so that
    // listing responses (ListCohortResponses, with NIPs and free text) and
    // bulk CSV imports stay with organisers and admins.  The survey service
    // holds them to responses that name them as the respondent.
    {"pelita.survey.v1.SurveyService/CreateResponse", kWrite, {"participant", "supervisor"}, kAll},
    {"pelita.survey.v1.SurveyService/BatchCreateResponses", kWrite, {"participant", "supervisor"}, kAll},
    {"pelita.survey.v1.SurveyService/StreamResponses", kWrite, {"participant", "supervisor"}, kAll},
    {"pelita.survey.v1.SurveyService/GetResponse", kRead, {"participant", "supervisor"}, kAll},
    // Participants ask for the single-use token of an anonymous survey (the
    // survey service issues one only for the caller's own NIP).
    {"pelita.survey.v1.SurveyService/IssueResponseToken", kWrite, {"participant"}, kAll},
    // Identity (issue 15): everyone reads their own account and changes
    // their own password (the service holds them to it); the platform admin rotates the signing key and
    // runs the service accounts.  Organisers and admins manage the accounts
    // of their regency through the first rule; the service narrows further
    // (admin accounts and the audit log: admins).
    {"pelita.identity.v1.IdentityService/GetAccount", kRead,
     {"instructor", "participant", "supervisor", "agency_head", "province"}, kAll},
    {"pelita.identity.v1.IdentityService/ChangePassword", kWrite,
     {"instructor", "participant", "supervisor", "agency_head", "province"}, kAll},
    {"pelita.identity.v1.IdentityService/RotateSigningKey", kWrite, {"platform_admin"}, kAll},
    {"pelita.identity.v1.IdentityService/*ServiceAccount*", kWrite, {"platform_admin"}, kAll},
};

// No token needed (IsPublicRpc).
const char* const kPublicRpcs[] = {
    "pelita.identity.v1.IdentityService/SignIn",   "pelita.identity.v1.IdentityService/Activate",
    "pelita.identity.v1.IdentityService/Refresh",  "pelita.identity.v1.IdentityService/SignOut",
    "pelita.identity.v1.IdentityService/Token",    "pelita.identity.v1.IdentityService/GetJwks",
};

bool HasRole(const RoleRule& r, absl::string_view role) {
  for (const char* x : r.roles) {
    if (role == x) return true;
  }
  return false;
}

}  // namespace

bool IsPublicRpc(absl::string_view rpc) {
  for (const char* p : kPublicRpcs) {
    if (rpc == p) return true;
  }
  return false;
}

PathSubjects ScanPath(absl::string_view decoded_path) {
  PathSubjects out;
  std::vector<absl::string_view> parts = absl::StrSplit(decoded_path, '/');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    absl::string_view next = parts[i + 1];
    next = next.substr(0, next.find(':'));  // a custom verb is not part of the id
    if (parts[i] == "tenants") out.tenants.emplace_back(next);
    if (parts[i] == "provinces") out.provinces.emplace_back(next);
    if (parts[i] == "employees" || parts[i] == "enrolments") out.people.emplace_back(next);
  }
  return out;
}

absl::Status AuthorizeRole(const Claims& claims, absl::string_view rpc, bool read,
                           const PathSubjects& path) {
  std::string name(rpc);
  for (const RoleRule& r : kRules) {
    if (!HasRole(r, claims.role)) continue;
    if (r.access == kRead && !read) continue;
    if (fnmatch(r.rpc_glob, name.c_str(), 0) != 0) continue;
    if (r.except_glob != nullptr && fnmatch(r.except_glob, name.c_str(), 0) == 0) continue;
    if (r.scope == kSelf) {
      bool self = !path.people.empty();
      for (const auto& p : path.people) self &= p == claims.subject;
      if (!self) continue;
    }
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("role ", claims.role, " may not call ", rpc.substr(rpc.find('/') + 1),
                   read ? "" : " (write)"));
}

absl::StatusOr<std::string> AuthorizeTenant(const Claims& claims, bool read,
                                            const PathSubjects& path) {
  // The platform admin belongs to no tenant and acts on any (the role
  // table gives it the registry's RPCs only); the services see no tenant.
  if (claims.role == "platform_admin") return std::string();
  const bool national = claims.role == "national_integrator";
  const bool province = claims.role == "province";
  if ((national || province) && !read) {
    return absl::PermissionDeniedError(absl::StrCat("role ", claims.role, " is read-only"));
  }
  const std::string own_province(ProvinceOf(claims.tenant));
  for (const auto& t : path.tenants) {
    if (national) continue;
    if (province) {
      if (ProvinceOf(t) != own_province || !ValidateTenant(t).ok()) {
        return absl::PermissionDeniedError(
            absl::StrCat("tenant ", t, " is not in province ", own_province));
      }
      continue;
    }
    if (t != claims.tenant) {
      return absl::PermissionDeniedError(
          absl::StrCat("the token is for tenant ", claims.tenant, ", not ", t));
    }
  }
  for (const auto& p : path.provinces) {
    if (national) continue;
    if (p != own_province) {
      return absl::PermissionDeniedError(absl::StrCat("province ", p, " is not the caller's"));
    }
    if (!read) return absl::PermissionDeniedError("province data is read-only");
  }
  if ((national || province) && !path.tenants.empty()) return path.tenants.front();
  return claims.tenant;
}

absl::Status CheckBodyTenants(const std::vector<std::string>& body_tenants,
                              absl::string_view tenant) {
  // No tenant: the platform admin, who names any tenant (the registry's
  // records); the role table holds it to the registry.
  if (tenant.empty()) return absl::OkStatus();
  for (const auto& t : body_tenants) {
    if (t != tenant) {
      return absl::PermissionDeniedError(
          absl::StrCat("the request names tenant ", t, "; the caller acts for tenant ", tenant));
    }
  }
  return absl::OkStatus();
}

}  // namespace pelita::gateway
