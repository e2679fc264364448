#include "gateway/admission.h"

#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace pelita::gateway {
namespace {

constexpr char kKey[] = "admission-hs256-key-0123456789abcdef0123";

class AdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto routes = RouteTable::FromGeneratedPool();
    ASSERT_TRUE(routes.ok()) << routes.status();
    routes_ = *std::move(routes);
    AuthOptions ao;
    ao.hs256_key = kKey;
    auto v = Verifier::Create(ao);
    ASSERT_TRUE(v.ok());
    verifier_ = *std::move(v);
    AdmissionOptions o;
    o.max_body_bytes = 1000;
    o.max_upload_bytes = 5000;
    o.default_deadline = absl::Seconds(10);
    o.max_deadline = absl::Seconds(300);
    admission_ = std::make_unique<Admission>(&routes_, verifier_.get(), nullptr, o);
  }

  static std::string Token(const std::string& role, const std::string& tenant = "1504",
                           const std::string& subject = "dev") {
    return *IssueToken({subject, tenant, role, absl::ToUnixSeconds(absl::Now() + absl::Hours(1))}, "HS256", kKey);
  }

  static RequestHead Head(const std::string& method, const std::string& target,
                          const std::string& token = Token("organiser")) {
    RequestHead h;
    h.method = method;
    size_t q = target.find('?');
    h.path = target.substr(0, q);
    h.decoded_path = PercentDecode(h.path);
    h.query = q == std::string::npos ? "" : target.substr(q + 1);
    if (!token.empty()) h.authorization = "Bearer " + token;
    return h;
  }

  std::variant<Admitted, HttpError> Admit(const RequestHead& h) { return admission_->Admit(h, "rid"); }
  static const HttpError* Err(const std::variant<Admitted, HttpError>& r) { return std::get_if<HttpError>(&r); }

  RouteTable routes_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<Admission> admission_;
};

TEST_F(AdmissionTest, AdmitsWithRouteTenantAndDeadline) {
  auto r = Admit(Head("GET", "/v1/tenants/1504/units/dinkes"));
  ASSERT_FALSE(Err(r)) << Err(r)->message;
  const Admitted& a = std::get<Admitted>(r);
  EXPECT_EQ(a.route->rpc_name, "pelita.enrolment.v1.EnrolmentService/GetUnit");
  ASSERT_EQ(a.bindings.size(), 1u);
  EXPECT_EQ(a.bindings[0].second, "tenants/1504/units/dinkes");
  EXPECT_EQ(a.tenant, "1504");
  EXPECT_EQ(a.deadline, absl::Seconds(10));
  EXPECT_EQ(a.mode, BodyMode::kUnary);
  EXPECT_EQ(a.body_limit, 1000u);
  // A province reads a regency of its own: the path's tenant is forwarded.
  r = Admit(Head("GET", "/v1/tenants/1505/units", Token("province", "15")));
  ASSERT_FALSE(Err(r)) << Err(r)->message;
  EXPECT_EQ(std::get<Admitted>(r).tenant, "1505");
}

TEST_F(AdmissionTest, RefusalsInOrder) {
  auto r = Admit(Head("GET", "/v1/tenants/1504/units", ""));
  ASSERT_TRUE(Err(r));
  EXPECT_EQ(Err(r)->http_status, 401);
  r = Admit(Head("GET", "/v1/tenants/1504/units", "x.y.z"));
  EXPECT_EQ(Err(r)->http_status, 401);
  r = Admit(Head("GET", "/v1/nothing"));
  EXPECT_EQ(Err(r)->http_status, 404);
  r = Admit(Head("PUT", "/v1/tenants/1504/units/dinkes"));
  ASSERT_TRUE(Err(r));
  EXPECT_EQ(Err(r)->http_status, 405);
  EXPECT_EQ(Err(r)->message, "PUT is not allowed on /v1/tenants/1504/units/dinkes");
  EXPECT_EQ(Err(r)->allow, "DELETE, GET, PATCH");
  r = Admit(Head("GET", "/v1/tenants/1505/units"));
  EXPECT_EQ(Err(r)->http_status, 403);
  r = Admit(Head("GET", "/v1/tenants/1504/units", Token("participant")));
  EXPECT_EQ(Err(r)->http_status, 403);
  RequestHead h = Head("GET", "/v1/tenants/1504/units");
  h.request_timeout = "soon";
  r = Admit(h);
  EXPECT_EQ(Err(r)->http_status, 400);
}

TEST_F(AdmissionTest, DeadlinesFromHeadersCapped) {
  RequestHead h = Head("GET", "/v1/tenants/1504/units");
  h.request_timeout = "250ms";
  EXPECT_EQ(std::get<Admitted>(Admit(h)).deadline, absl::Milliseconds(250));
  h.request_timeout = "";
  h.grpc_timeout = "2S";
  EXPECT_EQ(std::get<Admitted>(Admit(h)).deadline, absl::Seconds(2));
  h.grpc_timeout = "";
  h.request_timeout = "1h";
  EXPECT_EQ(std::get<Admitted>(Admit(h)).deadline, absl::Seconds(300));
  // Uploads get the longest deadline by default.
  EXPECT_EQ(std::get<Admitted>(Admit(Head("POST", "/v1/tenants/1504/employees:import"))).deadline,
            absl::Seconds(300));
  EXPECT_FALSE(ParseTimeout("", "99999999999S").ok());
  EXPECT_FALSE(ParseTimeout("-1s", "").ok());
}

TEST_F(AdmissionTest, BodyModesAndDeclaredSizes) {
  RequestHead h = Head("POST", "/v1/tenants/1504/employees:import");
  EXPECT_EQ(std::get<Admitted>(Admit(h)).mode, BodyMode::kBatch);
  h.content_type = "text/csv";
  EXPECT_EQ(std::get<Admitted>(Admit(h)).mode, BodyMode::kCsv);
  EXPECT_EQ(std::get<Admitted>(Admit(h)).body_limit, 5000u);
  h.content_type = "application/x-ndjson";
  EXPECT_EQ(std::get<Admitted>(Admit(h)).mode, BodyMode::kNdjson);
  // Over the upload limit: 413 before anything is read or called.
  h.content_length = 5001;
  auto r = Admit(h);
  ASSERT_TRUE(Err(r));
  EXPECT_EQ(Err(r)->http_status, 413);
  EXPECT_TRUE(Err(r)->close);
  // A batch is a JSON body: the smaller limit.
  h.content_type = "application/json";
  h.content_length = 1001;
  EXPECT_EQ(Err(Admit(h))->http_status, 413);
  h.content_length = 1000;
  EXPECT_FALSE(Err(Admit(h)));
  // A CSV upload to a route whose request has no bytes field is a batch.
  RequestHead s = Head("POST", "/v1/tenants/1504/responses:stream");
  s.content_type = "text/csv";
  EXPECT_EQ(std::get<Admitted>(Admit(s)).mode, BodyMode::kBatch);
}

TEST_F(AdmissionTest, IdentitySignInRoutesNeedNoTokenAndCarryOnlyTheClientAddress) {
  RequestHead h = Head("POST", "/v1/auth:signIn", "");
  h.peer = "10.1.2.3";
  h.content_length = 100;
  auto r = Admit(h);
  ASSERT_FALSE(Err(r)) << Err(r)->message;
  const Admitted& a = std::get<Admitted>(r);
  EXPECT_EQ(a.route->rpc_name, "pelita.identity.v1.IdentityService/SignIn");
  EXPECT_EQ(a.claims.subject, "10.1.2.3");
  EXPECT_EQ(a.claims.role, "");  // identity sees a public call
  EXPECT_EQ(a.tenant, "");
  // A token sent along changes nothing: no role rides on a public call.
  h.authorization = "Bearer " + Token("admin");
  r = Admit(h);
  ASSERT_FALSE(Err(r));
  EXPECT_EQ(std::get<Admitted>(r).claims.role, "");
  EXPECT_FALSE(Err(Admit(Head("GET", "/.well-known/jwks.json", ""))));
  // Everything else of identity still needs a token.
  auto refused = Admit(Head("GET", "/v1/tenants/1504/accounts", ""));
  ASSERT_TRUE(Err(refused));
  EXPECT_EQ(Err(refused)->http_status, 401);
  refused = Admit(Head("POST", "/v1/signingKeys:rotate", ""));
  ASSERT_TRUE(Err(refused));
  EXPECT_EQ(Err(refused)->http_status, 401);
  // Credentials are small: a large body is refused before it is read.
  h.content_length = 100000;
  refused = Admit(h);
  ASSERT_TRUE(Err(refused));
  EXPECT_EQ(Err(refused)->http_status, 413);
}

}  // namespace
}  // namespace pelita::gateway
