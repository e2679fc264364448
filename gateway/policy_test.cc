#include "gateway/policy.h"

#include "gtest/gtest.h"

namespace pelita::gateway {
namespace {

constexpr char kGetUnit[] = "pelita.enrolment.v1.EnrolmentService/GetUnit";
constexpr char kCreateUnit[] = "pelita.enrolment.v1.EnrolmentService/CreateUnit";
constexpr char kGetEmployee[] = "pelita.enrolment.v1.EnrolmentService/GetEmployee";

Claims As(const std::string& role, const std::string& tenant = "1504", const std::string& sub = "s") {
  return Claims{sub, tenant, role, 0};
}

TEST(PolicyTest, ScanPathFindsTenantsProvincesPeople) {
  auto p = ScanPath("/v1/tenants/1504/programs/p/cohorts/c/enrolments/123:withdraw");
  ASSERT_EQ(p.tenants.size(), 1u);
  EXPECT_EQ(p.tenants[0], "1504");
  ASSERT_EQ(p.people.size(), 1u);
  EXPECT_EQ(p.people[0], "123");
  EXPECT_EQ(ScanPath("/v1/provinces/15/benchmarks").provinces[0], "15");
}

TEST(PolicyTest, RoleTable) {
  auto path = ScanPath("/v1/tenants/1504/units/x");
  EXPECT_TRUE(AuthorizeRole(As("organiser"), kCreateUnit, false, path).ok());
  EXPECT_TRUE(AuthorizeRole(As("admin"), kCreateUnit, false, path).ok());
  Claims head = As("agency_head");
  head.unit = "tenants/1504/units/x";
  EXPECT_TRUE(AuthorizeRole(head, kGetUnit, true, path).ok());
  // A head of agency's path names their own unit only.
  EXPECT_FALSE(AuthorizeRole(As("agency_head"), kGetUnit, true, path).ok());
  head.unit = "tenants/1504/units/y";
  EXPECT_FALSE(AuthorizeRole(head, kGetUnit, true, path).ok());
  EXPECT_FALSE(AuthorizeRole(As("agency_head"), kCreateUnit, false, path).ok());
  EXPECT_FALSE(AuthorizeRole(As("participant"), kGetUnit, true, path).ok());
  EXPECT_FALSE(AuthorizeRole(As("instructor"), kGetUnit, true, path).ok());
  EXPECT_EQ(AuthorizeRole(As("supervisor"), kCreateUnit, false, path).code(),
            absl::StatusCode::kPermissionDenied);
}

// The follow-up service left pelita.enrolment.v1 (issue 14): the roles that
// read it there read it in pelita.followup.v1, and writes stay with staff.
TEST(PolicyTest, FollowUpReadersAreThoseOfBefore) {
  constexpr char kSummary[] = "pelita.followup.v1.FollowUpService/GetCohortFollowUpSummary";
  constexpr char kApprove[] = "pelita.followup.v1.FollowUpService/ApproveActionPlan";
  auto path = ScanPath("/v1/tenants/1504/programs/p/cohorts/c/followUpSummary");
  EXPECT_TRUE(AuthorizeRole(As("organiser"), kApprove, false, path).ok());
  EXPECT_TRUE(AuthorizeRole(As("agency_head"), kSummary, true, path).ok());
  EXPECT_TRUE(AuthorizeRole(As("province", "15"), kSummary, true, path).ok());
  EXPECT_FALSE(AuthorizeRole(As("agency_head"), kApprove, false, path).ok());
  EXPECT_FALSE(AuthorizeRole(As("instructor"), kSummary, true, path).ok());
}

TEST(PolicyTest, ParticipantsSeeOnlyThemselves) {
  auto own = ScanPath("/v1/tenants/1504/employees/196608011988031001");
  auto other = ScanPath("/v1/tenants/1504/employees/199001012015032002");
  auto me = As("participant", "1504", "196608011988031001");
  EXPECT_TRUE(AuthorizeRole(me, kGetEmployee, true, own).ok());
  EXPECT_FALSE(AuthorizeRole(me, kGetEmployee, true, other).ok());
}

TEST(PolicyTest, TenantRules) {
  auto p1504 = ScanPath("/v1/tenants/1504/units");
  auto p1505 = ScanPath("/v1/tenants/1505/units");
  auto p1601 = ScanPath("/v1/tenants/1601/units");
  EXPECT_EQ(*AuthorizeTenant(As("organiser"), true, p1504), "1504");
  EXPECT_EQ(AuthorizeTenant(As("organiser"), true, p1505).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Province 15 reads its regencies, forwarded as the tenant in the path.
  EXPECT_EQ(*AuthorizeTenant(As("province", "15"), true, p1505), "1505");
  EXPECT_FALSE(AuthorizeTenant(As("province", "15"), true, p1601).ok());
  EXPECT_FALSE(AuthorizeTenant(As("province", "15"), false, p1505).ok());
  EXPECT_EQ(*AuthorizeTenant(As("national_integrator", ""), true, p1601), "1601");
  EXPECT_FALSE(AuthorizeTenant(As("national_integrator", ""), false, p1601).ok());
  EXPECT_TRUE(AuthorizeTenant(As("organiser"), true, ScanPath("/v1/provinces/15/benchmarks")).ok());
  EXPECT_FALSE(AuthorizeTenant(As("organiser"), true, ScanPath("/v1/provinces/16/benchmarks")).ok());
}

TEST(PolicyTest, ParticipantsAndSupervisorsWriteAndReadResponsesButDoNotListThem) {
  auto path = ScanPath("/v1/tenants/1504/responses");
  auto cohort = ScanPath("/v1/tenants/1504/programs/p/cohorts/c/responses");
  for (const char* role : {"participant", "supervisor"}) {
    for (const char* rpc : {"pelita.survey.v1.SurveyService/CreateResponse",
                            "pelita.survey.v1.SurveyService/BatchCreateResponses",
                            "pelita.survey.v1.SurveyService/StreamResponses"}) {
      EXPECT_TRUE(AuthorizeRole(As(role), rpc, false, path).ok()) << role << " " << rpc;
    }
    // Listing a cohort's responses (NIPs and free text) is for organisers.
    EXPECT_EQ(AuthorizeRole(As(role), "pelita.survey.v1.SurveyService/ListCohortResponses", true, cohort).code(),
              absl::StatusCode::kPermissionDenied)
        << role;
    // Reading one back is let through: the survey service allows only a
    // response that names the caller as the respondent.
    EXPECT_TRUE(AuthorizeRole(As(role), "pelita.survey.v1.SurveyService/GetResponse", true,
                              ScanPath("/v1/tenants/1504/responses/r1"))
                    .ok())
        << role;
    EXPECT_FALSE(AuthorizeRole(As(role), "pelita.survey.v1.SurveyService/ImportResponsesCsv", false, path).ok())
        << role;
  }
  EXPECT_TRUE(
      AuthorizeRole(As("organiser"), "pelita.survey.v1.SurveyService/ListCohortResponses", true, cohort).ok());
  // The token of an anonymous survey: participants ask for it (their own,
  // the survey service checks), supervisors have none to ask for.
  auto issue = ScanPath("/v1/tenants/1504/responses:issueToken");
  EXPECT_TRUE(AuthorizeRole(As("participant"), "pelita.survey.v1.SurveyService/IssueResponseToken", false, issue).ok());
  EXPECT_FALSE(AuthorizeRole(As("supervisor"), "pelita.survey.v1.SurveyService/IssueResponseToken", false, issue).ok());
}

TEST(PolicyTest, ScoringReadersMayRankPrograms) {
  constexpr char kRank[] = "pelita.scoring.v1.ScoringService/RankPrograms";
  constexpr char kAdvise[] = "pelita.scoring.v1.ScoringService/AdviseBudget";
  constexpr char kUpdate[] = "pelita.scoring.v1.ScoringService/UpdateScoringSettings";
  auto path = ScanPath("/v1/tenants/1504/programs:rank");
  // RankPrograms is a GET (read == true), covered by the scoring readers'
  // rule: no special rule for it.
  for (const char* role : {"agency_head", "instructor", "organiser", "admin", "province"}) {
    EXPECT_TRUE(AuthorizeRole(As(role), kRank, true, path).ok()) << role;
  }
  EXPECT_FALSE(AuthorizeRole(As("agency_head"), kRank, false, path).ok());
  EXPECT_FALSE(AuthorizeRole(As("participant"), kRank, true, path).ok());
  EXPECT_FALSE(AuthorizeRole(As("supervisor"), kRank, true, path).ok());
  // Budget advice and settings stay with organisers and admins.
  for (const char* role : {"agency_head", "instructor"}) {
    EXPECT_FALSE(AuthorizeRole(As(role), kAdvise, false, ScanPath("/v1/tenants/1504:adviseBudget")).ok()) << role;
    EXPECT_FALSE(AuthorizeRole(As(role), kUpdate, false, ScanPath("/v1/tenants/1504/scoringSettings")).ok())
        << role;
  }
  // Province and national roles write nothing: a POST is refused by the
  // tenant rules whatever the role table says.
  EXPECT_FALSE(AuthorizeTenant(As("province", "15"), false, path).ok());
  EXPECT_FALSE(AuthorizeTenant(As("national_integrator", ""), false, path).ok());
}

TEST(PolicyTest, OnlyThePlatformAdminWritesTheTenantRegistry) {
  constexpr char kCreate[] = "pelita.tenant.v1.TenantService/CreateTenant";
  constexpr char kUpdate[] = "pelita.tenant.v1.TenantService/UpdateTenant";
  constexpr char kGet[] = "pelita.tenant.v1.TenantService/GetTenant";
  constexpr char kList[] = "pelita.tenant.v1.TenantService/ListTenants";
  const PathSubjects list = ScanPath("/v1/tenants");
  const PathSubjects one = ScanPath("/v1/tenants/1504");
  // The admin/organiser "*" rule leaves the registry out.
  for (const char* role : {"admin", "organiser", "agency_head", "instructor", "participant",
                           "supervisor", "province", "national_integrator"}) {
    EXPECT_FALSE(AuthorizeRole(As(role), kCreate, false, list).ok()) << role;
    EXPECT_FALSE(AuthorizeRole(As(role), kUpdate, false, one).ok()) << role;
  }
  EXPECT_TRUE(AuthorizeRole(As("platform_admin", "00"), kCreate, false, list).ok());
  EXPECT_TRUE(AuthorizeRole(As("platform_admin", "00"), kUpdate, false, one).ok());
  EXPECT_TRUE(AuthorizeRole(As("platform_admin", "00"), kGet, true, one).ok());
  // Reads: the regency's staff, agency heads, province and national roles.
  for (const char* role : {"admin", "organiser", "agency_head", "province", "national_integrator"}) {
    EXPECT_TRUE(AuthorizeRole(As(role), kGet, true, one).ok()) << role;
    EXPECT_TRUE(AuthorizeRole(As(role), kList, true, list).ok()) << role;
  }
  EXPECT_FALSE(AuthorizeRole(As("participant"), kList, true, list).ok());
  // The platform admin may call nothing else.
  EXPECT_FALSE(AuthorizeRole(As("platform_admin", "00"), "pelita.enrolment.v1.EnrolmentService/GetUnit", true,
                             ScanPath("/v1/tenants/1504/units/dinkes")).ok());
  // It names any tenant and forwards none; everyone else stays in theirs.
  auto t = AuthorizeTenant(As("platform_admin", "00"), false, one);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "");
  EXPECT_TRUE(CheckBodyTenants({"1505"}, "").ok());
  EXPECT_FALSE(AuthorizeTenant(As("admin", "1505"), true, one).ok());
}

TEST(PolicyTest, OnlyAdminsReadTheAuditLog) {
  constexpr char kAudit[] = "pelita.identity.v1.IdentityService/ListAuditEvents";
  constexpr char kAccounts[] = "pelita.identity.v1.IdentityService/ListAccounts";
  const PathSubjects path = ScanPath("/v1/tenants/1504/auditEvents");
  EXPECT_TRUE(AuthorizeRole(As("admin"), kAudit, true, path).ok());
  const absl::Status organiser = AuthorizeRole(As("organiser"), kAudit, true, path);
  EXPECT_EQ(organiser.code(), absl::StatusCode::kPermissionDenied);
  // The organiser keeps the rest of identity: accounts and codes.
  EXPECT_TRUE(AuthorizeRole(As("organiser"), kAccounts, true, ScanPath("/v1/tenants/1504/accounts")).ok());
}

TEST(PolicyTest, BodyTenants) {
  EXPECT_TRUE(CheckBodyTenants({"1504", "1504"}, "1504").ok());
  EXPECT_EQ(CheckBodyTenants({"1504", "1505"}, "1504").code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace pelita::gateway
