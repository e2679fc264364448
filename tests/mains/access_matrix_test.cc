// Who may do what, on the real platform (issue 15, "Done when"): every
// service binary and the gateway binary on one redis-server; every role
// signs in through HTTP with an account of the identity service (the
// supervisor's account says "participant": the roster makes them a
// supervisor); then
//
//   1. the matrix: every route of /openapi.json × every role × the caller's
//      own tenant and another regency of the province, each answered as the
//      declared table (gateway/policy.cc, docs/ROLES.md) says — refused with
//      403 and the table's reason, or let through (whatever the service then
//      answers, never a 403).  Writes carry a probe field no message has, so
//      an allowed write is refused as a bad request and nothing changes;
//   2. the reach the records decide (lib/role/reach): a supervisor and their
//      staff versus someone else's staff, a head of agency's unit versus
//      another unit, an instructor's cohort versus another cohort, a
//      participant versus anyone else — each expected answer written out by
//      hand here, not derived from the code under test.
#include <grpcpp/grpcpp.h>

#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gateway/auth.h"
#include "gateway/http_client.h"
#include "gateway/policy.h"
#include "gtest/gtest.h"
#include "lib/role/role.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/testing/subprocess.h"
#include "pelita/tenant/v1/tenant.grpc.pb.h"
#include "tests/mains/platform.h"

namespace pelita {
namespace {

using gateway::HttpClient;
using gateway::HttpResponse;
using json = nlohmann::json;
namespace tv1 = ::pelita::tenant::v1;

constexpr char kTenant[] = "1504";       // Kabupaten Batang Hari
constexpr char kNeighbour[] = "1505";    // Kabupaten Muaro Jambi, same province
constexpr char kSupervisor[] = "196608011988031001";
constexpr char kStaff[] = "199001012015032002";        // the supervisor's staff, unit dinkes, cohort c1
constexpr char kHead[] = "198001012005011001";         // head of dinkes
constexpr char kOtherStaff[] = "198503302010012001";   // unit dukcapil, cohort c2, another supervisor
constexpr char kOtherSupervisor[] = "199001012015031002";
constexpr char kPassword[] = "matrix password 2026";

struct Person {
  std::string role;
  std::string username;
  gateway::Claims claims;  // as the token says
  std::string token;
};

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new mains::Platform;
    if (absl::Status s = platform_->StartAll(/*gateway=*/true); !s.ok()) {
      error_ = new std::string(s.ToString());
      return;
    }
    http_ = new HttpClient(platform_->gateway_port());
    if (std::string e = Seed(); !e.empty()) error_ = new std::string(e);
  }
  static void TearDownTestSuite() {
    delete http_;
    http_ = nullptr;
    delete platform_;
    platform_ = nullptr;
    delete error_;
    error_ = nullptr;
    delete people_;
    people_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(error_, nullptr) << *error_; }

  static std::string DevToken(const std::string& role, const std::string& tenant = kTenant) {
    gateway::Claims c{"matrix-seed", tenant, role, absl::ToUnixSeconds(absl::Now() + absl::Hours(1))};
    return *gateway::IssueToken(c, "HS256", platform_->hs256_key());
  }
  static HttpResponse As(const std::string& token, const std::string& method, const std::string& target,
                         const std::string& body = "") {
    HttpClient::Headers h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    return http_->Request(method, target, body, h);
  }
  // A seeding call that must succeed (ALREADY_EXISTS counts, for retries).
  static std::string Must(const std::string& token, const std::string& method, const std::string& target,
                          const json& body) {
    HttpResponse r;
    // A regency just created in the registry is served within a poll of
    // each service's registry client: retry while it says it is unknown.
    const bool done = testing::WaitFor(
        [&] {
          r = As(token, method, target, body.is_null() ? "" : body.dump());
          return r.status == 200 || r.status == 409;
        },
        absl::Seconds(15), absl::Milliseconds(50));
    return done ? "" : absl::StrCat(method, " ", target, ": ", r.status, " ", r.body);
  }

  static std::string Seed() {
    // Two regencies of Jambi in the registry.
    auto registry = tv1::TenantService::NewStub(platform_->Channel("tenant"));
    for (const auto& [code, name] : {std::pair<std::string, std::string>{kTenant, "Kabupaten Batang Hari"},
                                     {kNeighbour, "Kabupaten Muaro Jambi"}}) {
      grpc::ClientContext ctx;
      AttachCaller(ctx, Caller{"", std::string(RoleName(Role::kPlatformAdmin)), "matrix"});
      tv1::CreateTenantRequest req;
      req.set_tenant_id(code);
      req.mutable_tenant()->set_display_name(name);
      tv1::Tenant out;
      grpc::Status s = registry->CreateTenant(&ctx, req, &out);
      if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) return "CreateTenant: " + s.error_message();
    }
    std::vector<std::string> errors;
    auto must = [&](const std::string& token, const std::string& method, const std::string& target,
                    const json& body) {
      if (std::string e = Must(token, method, target, body); !e.empty()) errors.push_back(e);
    };
    const std::string org = DevToken("organiser");
    const std::string t = absl::StrCat("/v1/tenants/", kTenant);
    for (const char* unit : {"dinkes", "dukcapil"}) {
      must(org, "POST", absl::StrCat(t, "/units?unitId=", unit),
           {{"displayName", absl::StrCat("Dinas ", unit)}, {"kind", "dinas"}, {"monthlyServiceVolume", 1000}});
    }
    struct E {
      const char* nip;
      const char* unit;
      const char* supervisor;
    };
    for (const E& e : {E{kSupervisor, "dinkes", ""}, E{kStaff, "dinkes", kSupervisor}, E{kHead, "dinkes", ""},
                       E{kOtherSupervisor, "dukcapil", ""}, E{kOtherStaff, "dukcapil", kOtherSupervisor}}) {
      json body = {{"nip", e.nip},           {"fullName", absl::StrCat("Pegawai ", e.nip)},
                   {"unit", absl::StrCat("tenants/", kTenant, "/units/", e.unit)},
                   {"position", "Staf"},     {"grade", "III/a"},
                   {"employmentType", "PNS"}};
      if (*e.supervisor != '\0') body["supervisorNip"] = e.supervisor;
      must(org, "POST", t + "/employees", body);
    }
    must(org, "POST", t + "/programs?programId=prog",
         {{"title", "Pelayanan Prima"}, {"competencyType", "TEKNIS"}, {"jp", 24}, {"budget", "50000000"},
          {"year", 2026}});
    for (const char* c : {"c1", "c2"}) {
      must(org, "POST", absl::StrCat(t, "/programs/prog/cohorts?cohortId=", c),
           {{"displayName", absl::StrCat("Angkatan ", c)},
            {"startDate", {{"year", 2026}, {"month", 3}, {"day", 2}}},
            {"endDate", {{"year", 2026}, {"month", 3}, {"day", 4}}},
            {"capacity", 30}});
    }
    must(org, "POST", t + "/programs/prog/cohorts/c1/enrolments",
         {{"employee", absl::StrCat("tenants/", kTenant, "/employees/", kStaff)}});
    must(org, "POST", t + "/programs/prog/cohorts/c2/enrolments",
         {{"employee", absl::StrCat("tenants/", kTenant, "/employees/", kOtherStaff)}});
    // The neighbouring regency has records of its own.
    const std::string org2 = DevToken("organiser", kNeighbour);
    must(org2, "POST", absl::StrCat("/v1/tenants/", kNeighbour, "/units?unitId=dinkes"),
         {{"displayName", "Dinas Kesehatan"}, {"kind", "dinas"}, {"monthlyServiceVolume", 1000}});
    if (!errors.empty()) return absl::StrJoin(errors, "\n");

    // One account per role, activated with a code and signed in through
    // HTTP as a person would.
    people_ = new std::vector<Person>;
    const std::string admin = DevToken("admin");
    struct A {
      const char* role;       // the account's role
      const char* username;
      json reach;
    };
    const std::string c1 = absl::StrCat("tenants/", kTenant, "/programs/prog/cohorts/c1");
    for (const A& a : {A{"organiser", "organiser@batanghari.go.id", json::object()},
                       A{"admin", "admin@batanghari.go.id", json::object()},
                       A{"instructor", "instruktur@batanghari.go.id", {{"cohorts", {c1}}}},
                       A{"agency_head", kHead, {{"unit", absl::StrCat("tenants/", kTenant, "/units/dinkes")}}},
                       A{"participant", kStaff, json::object()},
                       // A participant account: the roster makes them a supervisor.
                       A{"participant", kSupervisor, json::object()},
                       A{"province", "provinsi@jambiprov.go.id", {{"province", "15"}}}}) {
      json account = a.reach;
      account["role"] = a.role;
      account["displayName"] = a.username;
      if (std::string e = Must(admin, "POST", absl::StrCat(t, "/accounts?accountId=", a.username), account);
          !e.empty()) {
        return e;
      }
      HttpResponse code = As(admin, "POST", absl::StrCat(t, "/accounts/", a.username, ":issueActivationCode"), "{}");
      if (code.status != 200) return "issueActivationCode: " + code.body;
      HttpResponse r = As("", "POST", "/v1/auth:activate",
                          json{{"tenantCode", kTenant},
                               {"username", a.username},
                               {"code", code.Json()["code"]},
                               {"password", kPassword}}
                              .dump());
      if (r.status != 200) return "activate: " + r.body;
      r = As("", "POST", "/v1/auth:signIn",
             json{{"tenantCode", kTenant}, {"username", a.username}, {"password", kPassword}}.dump());
      if (r.status != 200) return absl::StrCat("signIn ", a.username, ": ", r.body);
      people_->push_back(PersonOf(a.username, r.Json()["accessToken"]));
    }
    // The national integrator: a service account with client credentials.
    HttpResponse sa = As(DevToken("platform_admin", gateway::kNationalTenant), "POST",
                         "/v1/serviceAccounts?serviceAccountId=matrix-national",
                         json{{"role", "national_integrator"}, {"displayName", "BKN"}}.dump());
    if (sa.status != 200) return "CreateServiceAccount: " + sa.body;
    HttpResponse token = As("", "POST", "/v1/auth:token",
                            json{{"grantType", "client_credentials"},
                                 {"clientId", "matrix-national"},
                                 {"clientSecret", sa.Json()["clientSecret"]}}
                                .dump());
    if (token.status != 200) return "client credentials: " + token.body;
    people_->push_back(PersonOf("matrix-national", token.Json()["accessToken"]));
    return "";
  }

  // The claims as the token carries them (its signature is the gateway's
  // business; the test only reads what the token says).
  static Person PersonOf(const std::string& username, const std::string& token) {
    std::vector<std::string> parts = absl::StrSplit(token, '.');
    std::string payload;
    absl::WebSafeBase64Unescape(parts.size() == 3 ? parts[1] : "", &payload);
    json p = json::parse(payload, nullptr, false);
    Person out;
    out.username = username;
    out.token = token;
    out.claims.subject = p.value("sub", "");
    out.claims.tenant = p.value("tenant", "");
    out.claims.role = p.value("role", "");
    out.claims.unit = p.value("unit", "");
    out.claims.province = p.value("province", "");
    if (p.contains("cohorts")) out.claims.cohorts = p["cohorts"].get<std::vector<std::string>>();
    out.role = out.claims.role;
    return out;
  }
  static const Person& Who(const std::string& role) {
    for (const Person& p : *people_) {
      if (p.role == role) return p;
    }
    static const Person none;
    ADD_FAILURE() << "nobody signed in as " << role;
    return none;
  }

  // A concrete URL for an OpenAPI path: the caller's own records (their
  // staff member, unit and cohort; their own account), in `tenant`.
  static std::string Fill(const std::string& path, const std::string& tenant, const Person& who) {
    std::string out;
    for (absl::string_view seg : absl::StrSplit(path, '/')) {
      if (seg.empty()) continue;
      absl::string_view rest = seg;
      std::string piece;
      // `{enrolment}:withdraw` and the like: a variable then a verb.
      if (absl::ConsumePrefix(&rest, "{")) {
        const size_t close = rest.find('}');
        const std::string var(rest.substr(0, close));
        const std::string verb(rest.substr(close + 1));
        static const std::map<std::string, std::string> kValues = {
            {"unit", "dinkes"},       {"employee", kStaff},   {"program", "prog"},
            {"cohort", "c1"},         {"enrolment", kStaff},  {"province", "15"},
            {"serviceAccount", "matrix-national"}};
        std::string value;
        if (var == "tenant") {
          value = tenant;
        } else if (var == "account") {
          value = who.username;
        } else if (auto it = kValues.find(var); it != kValues.end()) {
          value = it->second;
        } else {
          value = "probe1";
        }
        piece = value + verb;
      } else {
        piece = std::string(seg);
      }
      absl::StrAppend(&out, "/", piece);
    }
    return out;
  }

  static mains::Platform* platform_;
  static HttpClient* http_;
  static std::string* error_;
  static std::vector<Person>* people_;
};

mains::Platform* AccessMatrixTest::platform_ = nullptr;
HttpClient* AccessMatrixTest::http_ = nullptr;
std::string* AccessMatrixTest::error_ = nullptr;
std::vector<Person>* AccessMatrixTest::people_ = nullptr;

std::string ReasonOf(const HttpResponse& r) {
  json body = r.Json();
  if (!body.is_object()) return "";
  for (const auto& d : body.value("details", json::array())) {
    if (d.contains("reason")) return d["reason"];
  }
  return "";
}

TEST_F(AccessMatrixTest, TokensCarryTheRoleAndReachOfTheirAccount) {
  std::set<std::string> roles;
  for (const Person& p : *people_) roles.insert(p.role);
  EXPECT_EQ(roles, (std::set<std::string>{"organiser", "admin", "instructor", "agency_head", "participant",
                                          "supervisor", "province", "national_integrator"}));
  // The supervisor's account says participant; the roster says supervisor.
  EXPECT_EQ(Who("supervisor").claims.subject, kSupervisor);
  EXPECT_EQ(Who("participant").claims.subject, kStaff);
  EXPECT_EQ(Who("agency_head").claims.unit, absl::StrCat("tenants/", kTenant, "/units/dinkes"));
  EXPECT_EQ(Who("instructor").claims.cohorts.size(), 1u);
  EXPECT_EQ(Who("province").claims.tenant, "15");
  EXPECT_EQ(Who("national_integrator").claims.tenant, gateway::kNationalTenant);
}

// Every route × every role × own tenant and the neighbouring regency.
TEST_F(AccessMatrixTest, EveryRouteAnswersEveryRoleAsTheTableSays) {
  HttpResponse doc = http_->Request("GET", "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const json paths = doc.Json()["paths"];
  ASSERT_GT(paths.size(), 60u);
  int checked = 0, allowed = 0, refused = 0;
  std::set<std::string> rpcs;
  for (const auto& [path, ops] : paths.items()) {
    for (const auto& [method_lower, op] : ops.items()) {
      const std::string rpc = op.value("summary", "");
      ASSERT_FALSE(rpc.empty()) << path;
      if (gateway::IsPublicRpc(rpc)) continue;  // no token at all (tests/identity)
      rpcs.insert(rpc);
      std::string method = method_lower;
      absl::AsciiStrToUpper(&method);
      const bool read = method == "GET";
      for (const std::string tenant : {std::string(kTenant), std::string(kNeighbour)}) {
        for (const Person& p : *people_) {
          std::string url = Fill(path, tenant, p);
          const gateway::PathSubjects subjects = gateway::ScanPath(url);
          std::string body;
          if (!read) {
            // No message has this field: an allowed write is a bad request
            // and changes nothing; a refused one is refused before it.
            url += "?pelitaMatrixProbe=1";
            if (method != "DELETE") body = R"({"pelitaMatrixProbe":true})";
          }
          SCOPED_TRACE(absl::StrCat(p.role, " ", method, " ", url, " (", rpc, ")"));
          const absl::Status by_role = gateway::AuthorizeRole(p.claims, rpc, read, subjects);
          const absl::Status by_tenant = gateway::AuthorizeTenant(p.claims, read, subjects, rpc).status();
          HttpResponse r = As(p.token, method, url, body);
          ++checked;
          if (by_role.ok() && by_tenant.ok()) {
            ++allowed;
            EXPECT_NE(r.status, 403) << r.body;
            EXPECT_NE(r.status, 401) << r.body;
            if (!read) EXPECT_EQ(r.status / 100, 4) << "a probe write was accepted: " << r.body;
          } else {
            ++refused;
            EXPECT_EQ(r.status, 403) << r.body;
            const std::string want = !by_role.ok() ? "ROLE_NOT_ALLOWED" : "OTHER_TENANT";
            const std::string got = ReasonOf(r);
            // A head of agency's path naming another unit is OUTSIDE_REACH.
            if (p.role != "agency_head" || got != "OUTSIDE_REACH") EXPECT_EQ(got, want) << r.body;
          }
        }
      }
    }
  }
  // Every service's routes were tried, by every role, both ways.
  for (const char* service : {"enrolment", "survey", "complaint", "scoring", "followup", "identity", "tenant", "performance", "integration"}) {
    bool any = false;
    for (const std::string& rpc : rpcs) any |= absl::StartsWith(rpc, absl::StrCat("pelita.", service, ".v1."));
    EXPECT_TRUE(any) << service;
  }
  // The analysis pages' workbooks (the report service) are routes like the
  // rest: their refusals are the gateway's table.  The report service is
  // not started here, so an allowed call gets the gateway's answer for a
  // service it cannot reach, never a 403.
  for (const char* rpc : {"pelita.report.v1.ReportService/ExportRollUp", "pelita.report.v1.ReportService/ExportRanking",
                          "pelita.report.v1.ReportService/ExportProvinceBenchmark"}) {
    EXPECT_TRUE(rpcs.count(rpc)) << rpc;
  }
  EXPECT_GT(allowed, 200);
  EXPECT_GT(refused, 500);
  EXPECT_EQ(checked, allowed + refused);
}

// What only the records tell: the same route, someone in reach and someone
// out of it.  Each line is the expected answer written out.
TEST_F(AccessMatrixTest, TheRecordsDecideTheReachOfEachRole) {
  const std::string t = absl::StrCat("/v1/tenants/", kTenant);
  const std::string staff = absl::StrCat(t, "/employees/", kStaff);
  const std::string other = absl::StrCat(t, "/employees/", kOtherStaff);
  const std::string plan = absl::StrCat(t, "/programs/prog/cohorts/c1/enrolments/", kStaff, "/actionPlan");
  const std::string other_plan = absl::StrCat(t, "/programs/prog/cohorts/c2/enrolments/", kOtherStaff, "/actionPlan");
  struct Case {
    const char* role;
    std::string url;
    bool in_reach;
  };
  const std::vector<Case> cases = {
      // A supervisor: their staff, not someone else's.
      {"supervisor", staff, true},
      {"supervisor", staff + "/learningHours", true},
      {"supervisor", staff + "/trainings", true},
      {"supervisor", other, false},
      {"supervisor", other + "/learningHours", false},
      {"supervisor", other + "/trainings", false},
      {"supervisor", other_plan, false},
      // A participant: themselves only.
      {"participant", staff, true},
      {"participant", staff + "/trainings", true},
      {"participant", staff + "/learningHours", true},
      {"participant", other, false},
      {"participant", other + "/trainings", false},
      {"participant", other_plan, false},
      // A head of agency: their unit (dinkes), not dukcapil.
      {"agency_head", staff, true},
      {"agency_head", other, false},
      {"agency_head", t + "/units/dinkes/satisfaction", true},
      {"agency_head", t + "/units/dukcapil/satisfaction", false},
      {"agency_head", t + "/units/dukcapil/complaintRateChange", false},
      {"agency_head", t + "/units/dukcapil/followUpSummary", false},
      // An instructor: the cohort they teach (c1), not c2.
      {"instructor", t + "/programs/prog/cohorts/c1", true},
      {"instructor", t + "/programs/prog/cohorts/c1/evaluation", true},
      {"instructor", t + "/programs/prog/cohorts/c2", false},
      {"instructor", t + "/programs/prog/cohorts/c2/evaluation", false},
      // Staff of the regency: everything in it.
      {"organiser", other, true},
      {"organiser", other_plan, true},
      {"admin", t + "/units/dukcapil/satisfaction", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.role, " GET ", c.url));
    HttpResponse r = As(Who(c.role).token, "GET", c.url);
    if (c.in_reach) {
      EXPECT_NE(r.status, 403) << r.body;
      EXPECT_NE(r.status / 100, 5) << r.body;
    } else {
      EXPECT_EQ(r.status, 403) << r.body;
      // Scoring says which cohort is not the instructor's (NOT_YOUR_COHORT).
      const std::string reason = ReasonOf(r);
      EXPECT_TRUE(reason == "OUTSIDE_REACH" || reason == "ROLE_NOT_ALLOWED" || reason == "NOT_YOUR_COHORT") << r.body;
    }
  }
  // The supervisor's staff list is their staff, without birth dates.
  HttpResponse list = As(Who("supervisor").token, "GET", t + "/employees");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.Json()["employees"].size(), 1u) << list.body;
  EXPECT_EQ(list.Json()["employees"][0]["nip"], kStaff);
  EXPECT_FALSE(list.Json()["employees"][0].contains("birthDate"));
  // The participant writes their own plan; the supervisor's own plan route
  // for the staff member is theirs to read.
  HttpResponse write = As(Who("participant").token, "PATCH", plan + "?updateMask=actions",
                          R"({"actions":[{"change":"Membalas surat dalam dua hari","indicator":"rata-rata hari balas"}]})");
  EXPECT_NE(write.status, 403) << write.body;
}

}  // namespace
}  // namespace pelita
