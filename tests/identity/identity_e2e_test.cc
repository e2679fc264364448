// Accounts and sign-in end to end (issue 15): a real redis-server, the real
// enrolment (the roster) and identity services over gRPC on port 0, and the
// real gateway over HTTP, verifying identity's ES256 tokens against the
// JWKS it fetches from identity.  The clocks of identity and of the
// gateway's JWKS refetch are injected: no sleeps.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gateway/expect_json_error.h"
#include "gateway/gateway.h"
#include "gateway/http_client.h"
#include "gateway/identity_jwks.h"
#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"
#include "services/identity/grpc_service.h"
#include "services/identity/identity.h"
#include "services/identity/roster.h"

namespace pelita {
namespace {

using gateway::HttpClient;
using gateway::HttpResponse;
using nlohmann::json;

constexpr char kDevKey[] = "test-hs256-key-0123456789abcdef0123456789";
const std::string kParticipantNip = "197001012000031001";
const std::string kSupervisorNip = "197001022000032002";
const std::string kHeadNip = "197001032000031003";
const std::string kOtherNip = "197001042000032004";

// A clock shared by identity and the gateway's refetch interval.
class TestClock {
 public:
  absl::Time Now() {
    absl::MutexLock lock(&mu_);
    return absl::Now() + offset_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    offset_ += d;
  }

 private:
  absl::Mutex mu_;
  absl::Duration offset_;
};

// The reason of a JSON error (google.rpc.ErrorInfo in `details`), or "".
std::string Reason(const HttpResponse& r) {
  const json j = r.Json();
  if (!j.is_object() || !j.contains("details")) return "";
  for (const auto& d : j["details"]) {
    if (d.is_object() && d.contains("reason")) return d["reason"].get<std::string>();
  }
  return "";
}

std::string Field(const json& j, const char* camel, const char* snake) {
  if (j.contains(camel)) return j[camel].get<std::string>();
  if (j.contains(snake)) return j[snake].get<std::string>();
  return "";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string KidOf(const std::string& token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string header;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[0], &header)) return "";
  return json::parse(header, nullptr, false).value("kid", "");
}

class IdentityE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());

    enrolment_logic_ = std::make_unique<enrolment::EnrolmentLogic>(client_.get());
    enrolment_ = std::make_unique<enrolment::EnrolmentGrpcService>(enrolment_logic_.get());
    auto es = StartLocalServer("enrolment", {enrolment_.get()}, client_.get());
    ASSERT_TRUE(es.ok()) << es.status();
    enrolment_server_ = *std::move(es);

    roster_ = std::make_unique<identity::EnrolmentRoster>(
        grpc::CreateChannel(enrolment_server_->address(), grpc::InsecureChannelCredentials()));
    store_ = std::make_unique<identity::IdentityStore>(client_.get());
    identity::IdentityOptions io;
    io.password_cost = identity::PasswordCost::Minimum();
    io.clock = [this] { return clock_.Now(); };
    identity_logic_ = std::make_unique<identity::IdentityLogic>(store_.get(), roster_.get(), io);
    identity_ = std::make_unique<identity::IdentityGrpcService>(identity_logic_.get());
    auto is = StartLocalServer("identity", {identity_.get()}, client_.get());
    ASSERT_TRUE(is.ok()) << is.status();
    identity_server_ = *std::move(is);
    identity_stub_ = identity::v1::IdentityService::NewStub(
        grpc::CreateChannel(identity_server_->address(), grpc::InsecureChannelCredentials()));

    gateway::GatewayOptions o;
    o.backends = {{"enrolment", enrolment_server_->address()}, {"identity", identity_server_->address()}};
    o.auth.hs256_key = kDevKey;
    o.auth.jwks_fetch = gateway::IdentityJwksFetch(
        grpc::CreateChannel(identity_server_->address(), grpc::InsecureChannelCredentials()));
    o.auth.jwks_refetch_interval = absl::Seconds(5);
    o.auth.clock = [this] { return clock_.Now(); };
    o.log_requests = false;
    auto g = gateway::Gateway::Create(o);
    ASSERT_TRUE(g.ok()) << g.status();
    gateway_ = *std::move(g);
    ASSERT_TRUE(gateway_->Start().ok());
    http_ = std::make_unique<HttpClient>(gateway_->port());
    SeedRoster();
  }

  void TearDown() override {
    http_.reset();
    if (gateway_) gateway_->Shutdown(absl::Seconds(1));
    for (auto* s : {&identity_server_, &enrolment_server_}) {
      if (*s) (*s)->Shutdown(absl::Seconds(1));
    }
  }

  HttpResponse Dev(const std::string& method, const std::string& target, const std::string& body = "") {
    gateway::Claims c{"dev", "1504", "admin", absl::ToUnixSeconds(absl::Now() + absl::Hours(1))};
    return As(*gateway::IssueToken(c, "HS256", kDevKey), method, target, body);
  }
  HttpResponse As(const std::string& token, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    HttpClient::Headers h = {{"Authorization", "Bearer " + token}};
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    return http_->Request(method, target, body, h);
  }
  HttpResponse Public(const std::string& target, const json& body) {
    return http_->Request("POST", target, body.dump(), {{"Content-Type", "application/json"}});
  }

  void SeedRoster() {
    ASSERT_EQ(Dev("POST", "/v1/tenants/1504/units?unitId=dinkes", R"({"displayName":"Dinas Kesehatan"})").status,
              200);
    for (const auto& [nip, sup] : {std::pair{kSupervisorNip, std::string()}, {kParticipantNip, kSupervisorNip},
                                   {kHeadNip, std::string()}, {kOtherNip, std::string()}}) {
      json e = {{"nip", nip}, {"fullName", "Pegawai " + nip}, {"unit", "tenants/1504/units/dinkes"},
                {"grade", "III/a"}, {"employmentType", "PNS"}};
      if (!sup.empty()) e["supervisorNip"] = sup;
      auto r = Dev("POST", "/v1/tenants/1504/employees", e.dump());
      ASSERT_EQ(r.status, 200) << r.body;
    }
    auto r = Dev("POST", "/v1/tenants/1504/programs?programId=pelatihan",
                 R"({"title":"Pelatihan","competencyType":"TEKNIS","jp":20,"year":2026,"costPerParticipant":"2000000"})");
    ASSERT_EQ(r.status, 200) << r.body;
    json c = {{"displayName", "a1"},
              {"startDate", {{"year", 2026}, {"month", 3}, {"day", 2}}},
              {"endDate", {{"year", 2026}, {"month", 3}, {"day", 6}}},
              {"capacity", 10}};
    r = Dev("POST", "/v1/tenants/1504/programs/pelatihan/cohorts?cohortId=a1", c.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Creates an account (as the dev admin, through HTTP) and activates it
  // with a code through the public route; returns the activation code used.
  void Account(const std::string& id, json account, const std::string& password) {
    auto r = Dev("POST", "/v1/tenants/1504/accounts?accountId=" + id, account.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["name"], "tenants/1504/accounts/" + id);
    r = Dev("POST", absl::StrCat("/v1/tenants/1504/accounts/", id, ":issueActivationCode"), "{}");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string code = r.Json()["code"];
    r = Public("/v1/auth:activate", {{"tenantCode", "1504"}, {"username", id}, {"code", code}, {"password", password}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  json SignIn(const std::string& id, const std::string& password, int want = 200) {
    auto r = Public("/v1/auth:signIn", {{"tenantCode", "1504"}, {"username", id}, {"password", password}});
    EXPECT_EQ(r.status, want) << id << ": " << r.body;
    last_ = r;
    return r.Json();
  }
  std::string Access(const json& tokens) { return Field(tokens, "accessToken", "access_token"); }
  std::string RefreshOf(const json& tokens) { return Field(tokens, "refreshToken", "refresh_token"); }

  TestClock clock_;
  HttpResponse last_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<enrolment::EnrolmentLogic> enrolment_logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_;
  std::unique_ptr<Server> enrolment_server_;
  std::unique_ptr<identity::EnrolmentRoster> roster_;
  std::unique_ptr<identity::IdentityStore> store_;
  std::unique_ptr<identity::IdentityLogic> identity_logic_;
  std::unique_ptr<identity::IdentityGrpcService> identity_;
  std::unique_ptr<Server> identity_server_;
  std::unique_ptr<identity::v1::IdentityService::Stub> identity_stub_;
  std::unique_ptr<gateway::Gateway> gateway_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(IdentityE2eTest, EveryRoleSignsInThroughHttpAndCallsARouteOfItsRole) {
  Account("organiser@batanghari.go.id", {{"role", "organiser"}}, "organiser pass");
  Account("admin@batanghari.go.id", {{"role", "admin"}}, "admin password");
  Account("guru@batanghari.go.id",
          {{"role", "instructor"}, {"cohorts", json::array({"tenants/1504/programs/pelatihan/cohorts/a1"})}},
          "instructor pass");
  Account(kHeadNip, {{"role", "agency_head"}, {"unit", "tenants/1504/units/dinkes"}}, "agency head pass");
  Account(kParticipantNip, {{"role", "participant"}}, "participant pass");
  Account(kSupervisorNip, {{"role", "supervisor"}}, "supervisor pass");
  Account("provinsi@jambiprov.go.id", {{"role", "province"}, {"province", "15"}}, "province pass");

  struct Case {
    std::string id, password, method, target;
  };
  const std::vector<Case> cases = {
      {"organiser@batanghari.go.id", "organiser pass", "GET", "/v1/tenants/1504/accounts"},
      {"admin@batanghari.go.id", "admin password", "GET", "/v1/tenants/1504/auditEvents"},
      {"guru@batanghari.go.id", "instructor pass", "GET", "/v1/tenants/1504/programs"},
      {kHeadNip, "agency head pass", "GET", "/v1/tenants/1504/units"},
      {kParticipantNip, "participant pass", "GET", "/v1/tenants/1504/employees/" + kParticipantNip},
      {kSupervisorNip, "supervisor pass", "GET", "/v1/tenants/1504/employees"},
      {"provinsi@jambiprov.go.id", "province pass", "GET", "/v1/tenants/1504/units"},
  };
  for (const Case& c : cases) {
    json tokens = SignIn(c.id, c.password);
    ASSERT_FALSE(Access(tokens).empty()) << c.id;
    EXPECT_FALSE(RefreshOf(tokens).empty()) << c.id;
    auto r = As(Access(tokens), c.method, c.target);
    EXPECT_EQ(r.status, 200) << c.id << " " << c.target << ": " << r.body;
  }
  // The role is the token's: a participant reads only their own record, an
  // organiser's token does not read the audit log.
  auto p = Access(SignIn(kParticipantNip, "participant pass"));
  gateway::ExpectJsonError(As(p, "GET", "/v1/tenants/1504/employees/" + kOtherNip), 403, "");
  auto o = Access(SignIn("organiser@batanghari.go.id", "organiser pass"));
  auto audit = As(o, "GET", "/v1/tenants/1504/auditEvents");
  gateway::ExpectJsonError(audit, 403, "");
  // Refused by the gateway's table already (identity would say ADMIN_ONLY).
  EXPECT_EQ(Reason(audit), "ROLE_NOT_ALLOWED");

  // The national integrator: a service account, client credentials.
  identity::v1::CreateServiceAccountRequest req;
  req.set_service_account_id("siasn");
  req.mutable_service_account()->set_role("national_integrator");
  grpc::ClientContext ctx;
  AttachCaller(ctx, Caller{"", "platform_admin", "ops"});
  identity::v1::ServiceAccount sa;
  ASSERT_TRUE(identity_stub_->CreateServiceAccount(&ctx, req, &sa).ok());
  auto t = Public("/v1/auth:token",
                  {{"grantType", "client_credentials"}, {"clientId", "siasn"}, {"clientSecret", sa.client_secret()}});
  ASSERT_EQ(t.status, 200) << t.body;
  auto r = As(Field(t.Json(), "accessToken", "access_token"), "GET", "/v1/tenants/1504/units");
  EXPECT_EQ(r.status, 200) << r.body;
  // Read-only: a write is refused.
  r = As(Field(t.Json(), "accessToken", "access_token"), "POST", "/v1/tenants/1504/units?unitId=x",
         R"({"displayName":"X"})");
  EXPECT_EQ(r.status, 403) << r.body;
  t = Public("/v1/auth:token", {{"grantType", "client_credentials"}, {"clientId", "siasn"}, {"clientSecret", "no"}});
  gateway::ExpectJsonError(t, 401, "invalid_client");
  // As RFC 6749 clients send it: a form body, the credentials in it or as
  // HTTP Basic (§4.4.2, §2.3.1).
  const HttpClient::Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  t = http_->Request("POST", "/v1/auth:token",
                     absl::StrCat("grant_type=client_credentials&client_id=siasn&client_secret=",
                                  absl::StrReplaceAll(sa.client_secret(), {{"+", "%2B"}, {"/", "%2F"}, {"=", "%3D"}})),
                     form);
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(As(Field(t.Json(), "accessToken", "access_token"), "GET", "/v1/tenants/1504/units").status, 200);
  HttpClient::Headers basic = form;
  basic.emplace_back("Authorization", "Basic " + absl::Base64Escape("siasn:" + sa.client_secret()));
  t = http_->Request("POST", "/v1/auth:token", "grant_type=client_credentials", basic);
  EXPECT_EQ(t.status, 200) << t.body;
  t = http_->Request("POST", "/v1/auth:token", "grant_type=client_credentials&grant_type=x", form);
  EXPECT_EQ(t.status, 400) << t.body;

  // The audit log has the sign-ins, for the admin.
  auto a = Access(SignIn("admin@batanghari.go.id", "admin password"));
  auto events = As(a, "GET", "/v1/tenants/1504/auditEvents?pageSize=1000").Json()["events"];
  int sign_ins = 0;
  for (const auto& e : events) sign_ins += e["type"] == "SIGN_IN";
  EXPECT_EQ(sign_ins, 10);
}

TEST_F(IdentityE2eTest, AnAsnOutsideTheRosterGetsNoAccount) {
  auto r = Dev("POST", "/v1/tenants/1504/accounts?accountId=198001012005011009", R"({"role":"participant"})");
  gateway::ExpectJsonError(r, 400, "roster");
  EXPECT_EQ(Reason(r), "NOT_IN_ROSTER");
}

TEST_F(IdentityE2eTest, WrongPasswordIs401AndRepeatedFailuresAre429) {
  Account("organiser@batanghari.go.id", {{"role", "organiser"}}, "organiser pass");
  SignIn("organiser@batanghari.go.id", "wrong", 401);
  gateway::ExpectJsonError(last_, 401, "wrong username or password");
  EXPECT_EQ(Reason(last_), "SIGN_IN_FAILED");
  SignIn("nobody@batanghari.go.id", "wrong", 401);  // the same answer for an unknown account
  EXPECT_EQ(Reason(last_), "SIGN_IN_FAILED");
  SignIn("organiser@batanghari.go.id", "wrong", 401);
  SignIn("organiser@batanghari.go.id", "wrong", 401);
  SignIn("organiser@batanghari.go.id", "wrong", 401);  // the 4th: a delay begins
  SignIn("organiser@batanghari.go.id", "organiser pass", 429);
  gateway::ExpectJsonError(last_, 429, "try again");
  EXPECT_EQ(Reason(last_), "SIGN_IN_THROTTLED");
  const json details = last_.Json()["details"];
  bool retry = false;
  for (const auto& d : details) retry |= d.contains("metadata") && d["metadata"].contains("retry_after_seconds");
  EXPECT_TRUE(retry) << last_.body;
  // And as the Retry-After header (google.rpc.RetryInfo through the gateway).
  int64_t retry_after = 0;
  ASSERT_TRUE(absl::SimpleAtoi(last_.Header("retry-after"), &retry_after)) << last_.Header("retry-after");
  EXPECT_GE(retry_after, 1);
  clock_.Advance(absl::Seconds(1));
  SignIn("organiser@batanghari.go.id", "organiser pass", 200);
  // A token that is not a token: 401 JSON too.
  gateway::ExpectJsonError(As("not.a.token", "GET", "/v1/tenants/1504/units"), 401, "invalid token");
}

TEST_F(IdentityE2eTest, RotatedKeyIsUsedByTheGatewayWithoutRestartAndOldTokensStayValid) {
  Account("organiser@batanghari.go.id", {{"role", "organiser"}}, "organiser pass");
  const std::string old_token = Access(SignIn("organiser@batanghari.go.id", "organiser pass"));
  ASSERT_EQ(As(old_token, "GET", "/v1/tenants/1504/units").status, 200);

  // The OpenAPI document says which routes need no token.
  const json doc = http_->Request("GET", "/openapi.json").Json();
  EXPECT_TRUE(doc["paths"]["/v1/auth:signIn"]["post"]["security"].empty());
  EXPECT_TRUE(doc["paths"]["/.well-known/jwks.json"]["get"]["security"].empty());
  EXPECT_FALSE(doc["paths"]["/v1/signingKeys:rotate"]["post"]["security"].empty());

  // The JWKS is public, through the gateway.
  auto jwks = http_->Request("GET", "/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200) << jwks.body;
  ASSERT_EQ(jwks.Json()["keys"].size(), 1u);
  EXPECT_EQ(jwks.Json()["keys"][0]["kid"], KidOf(old_token));

  grpc::ClientContext ctx;
  AttachCaller(ctx, Caller{"", "platform_admin", "ops"});
  identity::v1::SigningKey rotated;
  ASSERT_TRUE(identity_stub_->RotateSigningKey(&ctx, {}, &rotated).ok());
  const std::string new_token = Access(SignIn("organiser@batanghari.go.id", "organiser pass"));
  ASSERT_EQ(KidOf(new_token), rotated.kid());
  ASSERT_NE(KidOf(new_token), KidOf(old_token));
  EXPECT_EQ(http_->Request("GET", "/.well-known/jwks.json").Json()["keys"].size(), 2u);

  // Within the refetch interval of the first fetch the new kid is not yet
  // known (a flood of made-up kids costs identity nothing) ...
  gateway::ExpectJsonError(As(new_token, "GET", "/v1/tenants/1504/units"), 401, "unknown kid");
  // ... once it has passed, the gateway fetches once and accepts it.
  clock_.Advance(absl::Seconds(5));
  auto r = As(new_token, "GET", "/v1/tenants/1504/units");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(As(old_token, "GET", "/v1/tenants/1504/units").status, 200);
  // The developer token still works beside them.
  EXPECT_EQ(Dev("GET", "/v1/tenants/1504/units").status, 200);
}

TEST_F(IdentityE2eTest, RefreshRotatesReuseRevokesTheFamilyAndSignOutRevokes) {
  Account("organiser@batanghari.go.id", {{"role", "organiser"}}, "organiser pass");
  json first = SignIn("organiser@batanghari.go.id", "organiser pass");
  auto r = Public("/v1/auth:refresh", {{"refreshToken", RefreshOf(first)}});
  ASSERT_EQ(r.status, 200) << r.body;
  json second = r.Json();
  EXPECT_NE(RefreshOf(second), RefreshOf(first));
  EXPECT_EQ(As(Access(second), "GET", "/v1/tenants/1504/units").status, 200);
  // The first refresh token again: reuse; the family is gone.
  r = Public("/v1/auth:refresh", {{"refreshToken", RefreshOf(first)}});
  gateway::ExpectJsonError(r, 401, "used before");
  EXPECT_EQ(Reason(r), "REFRESH_REUSED");
  r = Public("/v1/auth:refresh", {{"refreshToken", RefreshOf(second)}});
  gateway::ExpectJsonError(r, 401, "revoked");

  json other = SignIn("organiser@batanghari.go.id", "organiser pass");
  ASSERT_EQ(Public("/v1/auth:signOut", {{"refreshToken", RefreshOf(other)}}).status, 200);
  r = Public("/v1/auth:refresh", {{"refreshToken", RefreshOf(other)}});
  EXPECT_EQ(Reason(r), "REFRESH_REVOKED");
}

// A browser (a request with Sec-Fetch-Mode) never sees its refresh token:
// it travels in an HttpOnly cookie, and refresh and sign-out use it.
TEST_F(IdentityE2eTest, BrowserRefreshTokenTravelsOnlyInAnHttpOnlyCookie) {
  Account("organiser@batanghari.go.id", {{"role", "organiser"}}, "organiser pass");
  const HttpClient::Headers browser = {{"Content-Type", "application/json"}, {"Sec-Fetch-Mode", "cors"},
                                       {"Sec-Fetch-Site", "same-origin"}};
  auto r = http_->Request("POST", "/v1/auth:signIn",
                          json{{"tenantCode", "1504"}, {"username", "organiser@batanghari.go.id"},
                               {"password", "organiser pass"}}.dump(),
                          browser);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.Json().contains("refreshToken")) << r.body;
  EXPECT_EQ(As(Access(r.Json()), "GET", "/v1/tenants/1504/units").status, 200);
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  const std::string set = r.Header("set-cookie");
  ASSERT_TRUE(absl::StartsWith(set, "pelita_refresh=")) << set;
  for (const char* attribute : {"; HttpOnly", "; Secure", "; SameSite=Strict", "; Path=/v1/auth"}) {
    EXPECT_TRUE(absl::StrContains(set, attribute)) << set;
  }
  const std::string first = set.substr(0, set.find(';'));

  // Refresh with the cookie alone: a new access token, a new cookie.
  HttpClient::Headers with_cookie = browser;
  with_cookie.emplace_back("Cookie", "theme=dark; " + first);
  r = http_->Request("POST", "/v1/auth:refresh", "{}", with_cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.Json().contains("refreshToken"));
  EXPECT_EQ(As(Access(r.Json()), "GET", "/v1/tenants/1504/units").status, 200);
  const std::string second = r.Header("set-cookie").substr(0, r.Header("set-cookie").find(';'));
  ASSERT_TRUE(absl::StartsWith(second, "pelita_refresh="));
  EXPECT_NE(second, first);

  // The used cookie again is reuse: refused, and the cookie is cleared.
  r = http_->Request("POST", "/v1/auth:refresh", "{}", with_cookie);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Reason(r), "REFRESH_REUSED");
  EXPECT_TRUE(absl::StrContains(r.Header("set-cookie"), "Max-Age=0")) << r.Header("set-cookie");
  // No cookie at all: refused as a missing token, nothing else changes.
  r = http_->Request("POST", "/v1/auth:refresh", "{}", browser);
  EXPECT_EQ(r.status / 100, 4) << r.body;

  // Sign-out from the browser revokes the cookie's token and clears it.
  r = http_->Request("POST", "/v1/auth:signIn",
                     json{{"tenantCode", "1504"}, {"username", "organiser@batanghari.go.id"},
                          {"password", "organiser pass"}}.dump(),
                     browser);
  ASSERT_EQ(r.status, 200);
  const std::string third = r.Header("set-cookie").substr(0, r.Header("set-cookie").find(';'));
  HttpClient::Headers third_cookie = browser;
  third_cookie.emplace_back("Cookie", third);
  r = http_->Request("POST", "/v1/auth:signOut", "{}", third_cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(absl::StrContains(r.Header("set-cookie"), "Max-Age=0"));
  r = http_->Request("POST", "/v1/auth:refresh", "{}", third_cookie);
  EXPECT_EQ(Reason(r), "REFRESH_REVOKED");

  // Other clients keep the token in the body.
  EXPECT_FALSE(RefreshOf(SignIn("organiser@batanghari.go.id", "organiser pass")).empty());
  EXPECT_EQ(last_.Header("set-cookie"), "");
}

TEST_F(IdentityE2eTest, ParticipantChangesOwnPasswordAndOtherSessionsEnd) {
  Account(kParticipantNip, {{"role", "participant"}}, "participant pass");
  Account(kOtherNip, {{"role", "participant"}}, "other participant pass");
  json tokens = SignIn(kParticipantNip, "participant pass");
  const std::string path = "/v1/tenants/1504/accounts/" + kParticipantNip + ":changePassword";
  // Someone else's password: 403.
  auto other = Access(SignIn(kOtherNip, "other participant pass"));
  auto r = As(other, "POST", path, R"({"currentPassword":"participant pass","newPassword":"taken over!!"})");
  gateway::ExpectJsonError(r, 403, "");
  r = As(Access(tokens), "POST", path, R"({"currentPassword":"participant pass","newPassword":"a new password"})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Public("/v1/auth:refresh", {{"refreshToken", RefreshOf(tokens)}});
  EXPECT_EQ(Reason(r), "REFRESH_REVOKED");
  SignIn(kParticipantNip, "participant pass", 401);
  SignIn(kParticipantNip, "a new password", 200);
}

TEST_F(IdentityE2eTest, DisabledAccountIsRefused) {
  Account(kParticipantNip, {{"role", "participant"}}, "participant pass");
  json tokens = SignIn(kParticipantNip, "participant pass");
  auto r = Dev("PATCH", "/v1/tenants/1504/accounts/" + kParticipantNip + "?updateMask=disabled", R"({"disabled":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  SignIn(kParticipantNip, "participant pass", 401);
  EXPECT_EQ(Reason(last_), "ACCOUNT_DISABLED");
  r = Public("/v1/auth:refresh", {{"refreshToken", RefreshOf(tokens)}});
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(IdentityE2eTest, ActivationCodeIsSingleUseAndExpires) {
  ASSERT_EQ(Dev("POST", "/v1/tenants/1504/accounts?accountId=sari@batanghari.go.id", R"({"role":"organiser"})").status,
            200);
  auto code = Dev("POST", "/v1/tenants/1504/accounts/sari@batanghari.go.id:issueActivationCode", R"({"ttlSeconds":60})");
  ASSERT_EQ(code.status, 200) << code.body;
  const std::string c = code.Json()["code"];
  auto activate = [&](const std::string& password) {
    return Public("/v1/auth:activate",
                  {{"tenantCode", "1504"}, {"username", "sari@batanghari.go.id"}, {"code", c}, {"password", password}});
  };
  // A too-short password is refused and the code stays usable.
  gateway::ExpectJsonError(activate("short"), 400, "password");
  ASSERT_EQ(activate("first password").status, 200);
  auto again = activate("second password");
  gateway::ExpectJsonError(again, 401, "activation code");
  EXPECT_EQ(Reason(again), "CODE_INVALID");
  SignIn("sari@batanghari.go.id", "first password", 200);
  SignIn("sari@batanghari.go.id", "second password", 401);

  code = Dev("POST", "/v1/tenants/1504/accounts/sari@batanghari.go.id:issueActivationCode", R"({"ttlSeconds":60})");
  const std::string late = code.Json()["code"];
  clock_.Advance(absl::Seconds(61));
  auto expired = Public("/v1/auth:activate", {{"tenantCode", "1504"}, {"username", "sari@batanghari.go.id"},
                                              {"code", late}, {"password", "third password"}});
  gateway::ExpectJsonError(expired, 401, "expired");
  EXPECT_EQ(Reason(expired), "CODE_EXPIRED");
}

TEST_F(IdentityE2eTest, DemoLoaderCreatesAnAccountForEveryRoleTwice) {
  auto dir = testing::MakeTempDir("pelita-identity-demo");
  ASSERT_TRUE(dir.ok());
  const std::string out = *dir + "/demo.txt";
  const std::string cmd = absl::StrCat(testing::BinDir(), "/services/identity/pelita-identity-demo --target ",
                                       identity_server_->address(), " --enrolment ", enrolment_server_->address(),
                                       " --tenant 1504 > ", out, " 2>&1");
  // Twice: the second run (scripts/run.sh at every start) resets the demo
  // passwords and the service account's secret instead of failing.
  for (int run = 0; run < 2; ++run) {
    ASSERT_EQ(std::system(cmd.c_str()), 0) << ReadAll(out);
    const std::string text = ReadAll(out);
    EXPECT_NE(text.find("curl -s http://127.0.0.1:8080/v1/auth:signIn"), std::string::npos) << text;
    for (const std::string& role :
         {"organiser", "admin", "instructor", "agency_head", "participant", "supervisor", "province"}) {
      // The line names the account: "  <role> <id>  password demo-<role>-2026".
      const size_t at = text.find("  " + role + " ");
      ASSERT_NE(at, std::string::npos) << role << "\n" << text;
      std::vector<std::string> words = absl::StrSplit(text.substr(at, text.find('\n', at) - at), ' ',
                                                      absl::SkipEmpty());
      ASSERT_EQ(words.size(), 4u) << text;
      json tokens = SignIn(words[1], "demo-" + role + "-2026");
      ASSERT_FALSE(Access(tokens).empty()) << role;
    }
    const size_t secret_at = text.find("client_secret ");
    ASSERT_NE(secret_at, std::string::npos) << text;
    const std::string secret = text.substr(secret_at + 14, text.find('\n', secret_at) - secret_at - 14);
    auto t = Public("/v1/auth:token",
                    {{"grantType", "client_credentials"}, {"clientId", "national-demo"}, {"clientSecret", secret}});
    EXPECT_EQ(t.status, 200) << t.body;
  }
  testing::RemoveTree(*dir);
}

}  // namespace
}  // namespace pelita
