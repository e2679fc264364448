#include "gateway/policy.h"

#include <fnmatch.h>

#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"
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
  // RPCs the glob matches that the rule still does not cover (fnmatch globs).
  std::initializer_list<const char*> except = {};
};

// THE role table.  A request is allowed when one rule matches its RPC, its
// access and the caller's role.  Tenant isolation (AuthorizeTenant) applies
// on top of it; services further narrow what a role sees using the
// forwarded x-pelita-role / x-pelita-subject (e.g. an instructor's own
// cohorts, aggregates only above the minimum respondent count).
const RoleRule kRules[] = {
    // Administrators and organisers (BKPSDM staff) run their regency, but
    // not the platform: the tenant registry is not theirs to write.
    // The audit log of sign-ins and role changes is the admins' alone.
    {"*", kWrite, {"admin"}, kAll, {"pelita.tenant.*"}},
    {"*", kWrite, {"organiser"}, kAll, {"pelita.tenant.*", "pelita.identity.v1.IdentityService/ListAuditEvents"}},
    // The tenant registry (services/tenant): only the platform admin
    // creates and changes tenants; a regency's staff, heads of agencies and
    // the province and national roles read the records (name, province,
    // time zone, settings: nothing confidential).
    {"pelita.tenant.v1.*", kWrite, {"platform_admin"}, kAll},
    {"pelita.tenant.v1.TenantService/GetTenant", kRead,
     {"admin", "organiser", "agency_head", "province", "national_integrator"}, kAll},
    {"pelita.tenant.v1.TenantService/ListTenants", kRead,
     {"admin", "organiser", "agency_head", "province", "national_integrator"}, kAll},
    // Province and national bodies read the catalogue, rosters, complaints,
    // satisfaction, follow-up and evaluation reports of their regencies
    // (AuthorizeTenant holds them to reads of their province / the country).
    {"pelita.enrolment.v1.*", kRead, {"province", "national_integrator"}, kAll},
    {"pelita.complaint.v1.*", kRead, {"province", "national_integrator"}, kAll},
    {"pelita.followup.v1.*", kRead, {"province", "national_integrator"}, kAll},
    {"pelita.scoring.v1.*", kRead, {"agency_head", "province", "national_integrator", "instructor"}, kAll},
    {"pelita.survey.v1.*Instrument*", kRead,
     {"agency_head", "province", "national_integrator", "instructor", "participant", "supervisor"}, kAll},
    // Heads of agencies: their unit's complaints, satisfaction, staff and
    // compliance, read-only (complaints arrive through imports and
    // organisers).  Paths that name a unit must name theirs (CheckUnitReach);
    // lists are narrowed to it by the services (lib/role/reach).  The
    // enrolments of cohorts (names of other units' staff) are not theirs.
    // Units named in a query are not path segments: BatchGetUnitMonths'
    // `units` are checked by the complaint service (their own unit only).
    {"pelita.complaint.v1.*", kRead, {"agency_head"}, kAll},
    {"pelita.enrolment.v1.*", kRead, {"agency_head"}, kAll, {"*/*Enrolment*"}},
    {"pelita.followup.v1.*Summary", kRead, {"agency_head"}, kAll},
    // Instructors see the programmes and the cohorts they teach (the
    // enrolment service narrows the cohorts).
    {"pelita.enrolment.v1.EnrolmentService/GetProgram", kRead, {"instructor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/ListPrograms", kRead, {"instructor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/GetCohort", kRead, {"instructor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/ListCohorts", kRead, {"instructor"}, kAll},
    // Participants (and supervisors, who are participants too): their own
    // record, learning hours, enrolments and action plan (RTL), which they
    // write and submit.
    {"pelita.enrolment.v1.EnrolmentService/GetEmployee", kRead, {"participant", "supervisor"}, kSelf},
    {"pelita.enrolment.v1.EnrolmentService/GetLearningHours", kRead, {"participant", "supervisor"}, kSelf},
    {"pelita.enrolment.v1.EnrolmentService/ListExternalTrainings", kRead, {"participant", "supervisor"}, kSelf},
    {"pelita.enrolment.v1.EnrolmentService/GetEnrolment", kRead, {"participant", "supervisor"}, kSelf},
    {"pelita.enrolment.v1.EnrolmentService/ListEmployeeTrainings", kRead, {"participant", "supervisor"}, kSelf},
    {"pelita.followup.v1.FollowUpService/GetActionPlan", kRead, {"participant", "supervisor"}, kSelf},
    {"pelita.followup.v1.FollowUpService/UpdateActionPlan", kWrite, {"participant", "supervisor"}, kSelf},
    {"pelita.followup.v1.FollowUpService/SubmitActionPlan", kWrite, {"participant", "supervisor"}, kSelf},
    {"pelita.followup.v1.FollowUpService/UpdateActionStatus", kWrite, {"participant", "supervisor"}, kSelf},
    // Supervisors (atasan langsung, derived from the roster's
    // supervisor_nip): their staff's records, learning hours and plans,
    // which they approve or return.  The services hold them to their own
    // staff (enrolment: supervisor_nip; follow-up: the plan's supervisor).
    {"pelita.enrolment.v1.EnrolmentService/GetEmployee", kRead, {"supervisor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/ListEmployees", kRead, {"supervisor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/GetLearningHours", kRead, {"supervisor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/ListExternalTrainings", kRead, {"supervisor"}, kAll},
    {"pelita.enrolment.v1.EnrolmentService/ListEmployeeTrainings", kRead, {"supervisor"}, kAll},
    {"pelita.followup.v1.FollowUpService/GetActionPlan", kRead, {"supervisor"}, kAll},
    {"pelita.followup.v1.FollowUpService/ApproveActionPlan", kWrite, {"supervisor"}, kAll},
    {"pelita.followup.v1.FollowUpService/ReturnActionPlan", kWrite, {"supervisor"}, kAll},
    {"pelita.followup.v1.FollowUpService/UpdateActionStatus", kWrite, {"supervisor"}, kAll},
    // Their follow-up tasks (30/60/90 days) with the deadlines: the
    // participant's own and the staff's they assess (the service checks).
    {"pelita.followup.v1.FollowUpService/GetFollowUpTask", kRead, {"participant", "supervisor"}, kAll},
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
    // Their own surveys and tests from the list (issue 16): the answer
    // links issued to them, the supervisor's assessments of their staff
    // among them (the survey service checks the NIP again).
    {"pelita.survey.v1.SurveyService/ListAnswerTasks", kRead, {"participant", "supervisor"}, kSelf},
    // Documents (services/report, issue 17) carry the figures and records
    // they are made of, so they have the same readers: the evaluation
    // report those of scoring (the report service forwards the caller, and
    // scoring narrows an instructor to their cohorts), a unit's IKM report
    // those of complaint's satisfaction (a head of agency: their unit's
    // path only), a certificate its holder; a cohort's batch of
    // certificates and its response exports organisers and admins.
    {"pelita.report.v1.ReportService/GetEvaluationReport", kRead,
     {"agency_head", "province", "national_integrator", "instructor"}, kAll},
    {"pelita.report.v1.ReportService/GetProgramReport", kRead, {"agency_head", "province", "national_integrator"}, kAll},
    // The analysis pages' workbooks (roll-up, ranking, province benchmark)
    // are scoring's pooled figures, read as the caller: the readers of
    // pelita.scoring.v1.* above (scoring narrows an instructor to their own
    // cohorts and a regency's roles to their own benchmark row).
    {"pelita.report.v1.ReportService/ExportRollUp", kRead,
     {"agency_head", "province", "national_integrator", "instructor"}, kAll},
    {"pelita.report.v1.ReportService/ExportRanking", kRead,
     {"agency_head", "province", "national_integrator", "instructor"}, kAll},
    {"pelita.report.v1.ReportService/ExportProvinceBenchmark", kRead,
     {"agency_head", "province", "national_integrator", "instructor"}, kAll},
    {"pelita.report.v1.ReportService/GetIkmReport", kRead, {"agency_head", "province", "national_integrator"}, kAll},
    {"pelita.report.v1.ReportService/GetCertificate", kRead, {"participant", "supervisor"}, kSelf},
    // Kinerja (services/performance, issue 18).  Service indicators are a
    // unit's figures, read like its complaints: a head of agency their own
    // unit's (paths that name a unit must name theirs; BatchGetPerformanceMonths'
    // `units` are checked by the service), the province and national
    // bodies their regencies'.  SKP records are personal: their holder reads
    // them, organisers and admins keep them (first rules).  A cohort's SKP
    // change is an aggregate withheld below min-n, with the readers of the
    // evaluation (the service narrows an instructor to their cohorts).
    {"pelita.performance.v1.*", kRead, {"agency_head", "province", "national_integrator"}, kAll,
     {"*/GetSkp", "*/ListSkp"}},
    {"pelita.performance.v1.PerformanceService/GetCohortSkpChange", kRead, {"instructor"}, kAll},
    // The SIASN integration (services/integration, issue 19) is the
    // regency's BKPSDM's to run (admins and organisers, by the first rules);
    // the province and the national integrator read how it is doing.
    {"pelita.integration.v1.*", kRead, {"province", "national_integrator"}, kAll},
    {"pelita.performance.v1.PerformanceService/GetSkp", kRead, {"participant", "supervisor"}, kSelf},
    {"pelita.performance.v1.PerformanceService/ListSkp", kRead, {"participant", "supervisor"}, kSelf},
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
    // A personal answer link is its own credential: it allows one answer
    // to one instrument, and nothing else (services/survey/links.cc).
    "pelita.survey.v1.SurveyService/OpenAnswerLink", "pelita.survey.v1.SurveyService/AnswerByLink",
    // The SKM form a citizen answers from the QR code at a unit's counter.
    "pelita.survey.v1.SurveyService/GetSkmForm", "pelita.survey.v1.SurveyService/SubmitSkmResponse",
    // The page a certificate's QR code opens: it confirms the name,
    // programme and date of a real certificate and nothing more.
    "pelita.report.v1.ReportService/VerifyCertificate",
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
    if (parts[i] == "units" && i >= 2 && parts[i - 2] == "tenants") {
      out.units.push_back(absl::StrCat("tenants/", parts[i - 1], "/units/", next));
    }
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
    bool excepted = false;
    for (const char* glob : r.except) excepted |= fnmatch(glob, name.c_str(), 0) == 0;
    if (excepted) continue;
    if (r.scope == kSelf) {
      bool self = !path.people.empty();
      for (const auto& p : path.people) self &= p == claims.subject;
      if (!self) continue;
    }
    if (claims.role == "agency_head") {
      // A head of agency's paths may name only their own unit.
      for (const auto& u : path.units) {
        if (u != claims.unit) {
          return WithReason(absl::PermissionDeniedError(absl::StrCat("unit ", u, " is not the caller's unit")),
                            "OUTSIDE_REACH");
        }
      }
    }
    return absl::OkStatus();
  }
  return WithReason(absl::PermissionDeniedError(absl::StrCat("role ", claims.role, " may not call ",
                                                             rpc.substr(rpc.find('/') + 1), read ? "" : " (write)")),
                    "ROLE_NOT_ALLOWED");
}

std::string RolesMarkdown() {
  std::string out =
      "# Roles and their reach\n\n"
      "Generated from the gateway's role table (`gateway/policy.cc`) by\n"
      "`build/gateway/pelita-gateway-roles > docs/ROLES.md`; the test `RolesDocTest`\n"
      "fails when this file and the table differ.  A request is allowed when one\n"
      "row matches its RPC (`package.Service/Method`, a glob), its access (a\n"
      "write row also allows reads) and the caller's role; `self` rows hold only\n"
      "when every NIP the path names (`employees/{nip}`, `enrolments/{nip}`) is\n"
      "the caller's.  On top of the table:\n\n"
      "- **Tenant**: the path and body may name only the token's tenant; `province`\n"
      "  reads (GET) the regencies of its province, `national_integrator` reads every\n"
      "  tenant; both are read-only.  `platform_admin` has no tenant.\n"
      "- **Unit**: an `agency_head` token carries its unit; a path naming another\n"
      "  unit is refused (`OUTSIDE_REACH`), and lists of people and complaints are\n"
      "  narrowed to the unit by the services.\n"
      "- **Records** (`lib/role/reach.h`, enforced by the owning service): a\n"
      "  `supervisor` reaches themselves and the employees whose `supervisor_nip` is\n"
      "  theirs (and the action plans that name them as supervisor); an `instructor`\n"
      "  the cohorts their token names or whose instructor list names them, and\n"
      "  their aggregates; birth date and gender are shown to staff and the person\n"
      "  only; `participant` and `supervisor` accounts are one NIP account whose\n"
      "  role identity derives from the roster at sign-in.\n"
      "- **Province benchmark**: regency roles see their own row and the province's\n"
      "  distribution, not the other regencies by name (`OWN_ROW_ONLY`).\n\n"
      "Refusals are 403 with a JSON body whose `reason` is `ROLE_NOT_ALLOWED`,\n"
      "`OTHER_TENANT` or `OUTSIDE_REACH`.\n\n"
      "| RPC | access | roles | scope | except |\n|---|---|---|---|---|\n";
  for (const RoleRule& r : kRules) {
    std::string roles;
    for (const char* x : r.roles) absl::StrAppend(&roles, roles.empty() ? "" : ", ", x);
    std::string except;
    for (const char* x : r.except) absl::StrAppend(&except, except.empty() ? "" : ", ", "`", x, "`");
    absl::StrAppend(&out, "| `", r.rpc_glob, "` | ", r.access == kRead ? "read" : "write", " | ", roles, " | ",
                    r.scope == kSelf ? "self" : "all", " | ", except, " |\n");
  }
  absl::StrAppend(&out, "\nNo token is needed for: ");
  bool first = true;
  for (const char* p : kPublicRpcs) {
    absl::StrAppend(&out, first ? "" : ", ", "`", p, "`");
    first = false;
  }
  absl::StrAppend(&out, ".\n");
  return out;
}

absl::StatusOr<std::string> AuthorizeTenant(const Claims& claims, bool read, const PathSubjects& path,
                                            absl::string_view rpc) {
  // The platform admin belongs to no tenant and acts on any (the role
  // table gives it the registry's RPCs only); the services see no tenant.
  if (claims.role == "platform_admin") return std::string();
  const bool national = claims.role == "national_integrator";
  const bool province = claims.role == "province";
  // Read-only roles still change their own password (identity holds them
  // to their own account), in a regency of their province.
  const bool own_password = province && rpc == "pelita.identity.v1.IdentityService/ChangePassword";
  if ((national || province) && !read && !own_password) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat("role ", claims.role, " is read-only")),
                      "ROLE_NOT_ALLOWED");
  }
  const std::string own_province(ProvinceOf(claims.tenant));
  for (const auto& t : path.tenants) {
    if (national) continue;
    if (province) {
      if (ProvinceOf(t) != own_province || !ValidateTenant(t).ok()) {
        return WithReason(absl::PermissionDeniedError(absl::StrCat("tenant ", t, " is not in province ", own_province)),
                          "OTHER_TENANT");
      }
      continue;
    }
    if (t != claims.tenant) {
      return WithReason(absl::PermissionDeniedError(
                            absl::StrCat("the token is for tenant ", claims.tenant, ", not ", t)),
                        "OTHER_TENANT");
    }
  }
  for (const auto& p : path.provinces) {
    if (national) continue;
    if (p != own_province) {
      return WithReason(absl::PermissionDeniedError(absl::StrCat("province ", p, " is not the caller's")),
                        "OTHER_TENANT");
    }
    if (!read) return WithReason(absl::PermissionDeniedError("province data is read-only"), "ROLE_NOT_ALLOWED");
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
