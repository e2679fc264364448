// The gateway over real HTTP on loopback, in front of a real enrolment
// service (in-process, port 0) backed by a real redis-server.

#include "gateway/gateway.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <regex>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gateway/http_client.h"
#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"

namespace pelita::gateway {
namespace {

constexpr char kKey[] = "test-hs256-key-0123456789abcdef0123456789";
constexpr char kNip1[] = "196608011988031001";
constexpr char kNip2[] = "199001012015032002";

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());
    logic_ = std::make_unique<enrolment::EnrolmentLogic>(client_.get());
    service_ = std::make_unique<enrolment::EnrolmentGrpcService>(logic_.get());
    ServerOptions so;
    so.name = "enrolment";
    so.log_calls = false;
    so.health_interval = absl::Milliseconds(20);
    server_ = std::make_unique<Server>(so, std::vector<grpc::Service*>{service_.get()}, client_.get());
    ASSERT_TRUE(server_->Start().ok());
    StartGateway(Options());
    Seed();
  }

  void TearDown() override {
    http_.reset();
    gateway_.reset();
    if (server_) server_->Shutdown(absl::Seconds(1));
  }

  GatewayOptions Options() {
    GatewayOptions o;
    o.backends = {{"enrolment", server_->address()}, {"survey", ""}};
    o.auth.hs256_key = kKey;
    o.redis = client_.get();
    o.rate_limit.rate = 1000;
    o.rate_limit.burst = 1000;
    o.max_body_bytes = 64 * 1024;
    o.read_timeout = absl::Milliseconds(500);
    o.log_requests = false;
    return o;
  }

  void StartGateway(GatewayOptions o) {
    http_.reset();
    gateway_.reset();
    auto g = Gateway::Create(std::move(o));
    ASSERT_TRUE(g.ok()) << g.status();
    gateway_ = *std::move(g);
    ASSERT_TRUE(gateway_->Start().ok());
    http_ = std::make_unique<HttpClient>(gateway_->port());
  }

  static std::string Token(const std::string& role, const std::string& tenant = "1504",
                           const std::string& subject = "198001012005011001",
                           absl::Duration ttl = absl::Hours(1), const std::string& key = kKey) {
    Claims c{subject, tenant, role, absl::ToUnixSeconds(absl::Now() + ttl)};
    return *IssueToken(c, "HS256", key);
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& token = Token("organiser"), HttpClient::Headers headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return http_->Request(method, target, body, headers);
  }

  void Seed() {
    auto r = Call("POST", "/v1/tenants/1504/units?unitId=dinkes", R"({"displayName":"Dinas Kesehatan","kind":"dinas"})");
    ASSERT_EQ(r.status, 200) << r.body;
    for (const char* nip : {kNip1, kNip2}) {
      r = Call("POST", "/v1/tenants/1504/employees",
               absl::StrCat(R"({"nip":")", nip, R"(","fullName":"ASN )", nip,
                            R"(","unit":"tenants/1504/units/dinkes","position":"Staf","grade":"III/a","employmentType":"PNS"})"));
      ASSERT_EQ(r.status, 200) << r.body;
    }
    r = Call("POST", "/v1/tenants/1504/programs?programId=pelayanan-prima",
             R"({"title":"Pelayanan Prima","competencyType":"TEKNIS","jp":24,"budget":"50000000","year":2026})");
    ASSERT_EQ(r.status, 200) << r.body;
    r = Call("POST", "/v1/tenants/1504/programs/pelayanan-prima/cohorts?cohortId=a1",
             R"({"displayName":"Angkatan 1","startDate":{"year":2026,"month":3,"day":2},"endDate":{"year":2026,"month":3,"day":4},"capacity":30,"instructors":["198001012005011001"]})");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  int64_t MetricValue(const std::string& route, int code) {
    auto r = http_->Request("GET", "/metrics");
    // prometheus-cpp writes the labels in name order.
    std::string needle = absl::StrCat("pelita_gateway_requests_total{code=\"", code, "\",route=\"", route, "\"} ");
    size_t at = r.body.find(needle);
    if (at == std::string::npos) return 0;
    double v = 0;
    absl::SimpleAtod(r.body.substr(at + needle.size(), r.body.find('\n', at) - at - needle.size()), &v);
    return static_cast<int64_t>(v);
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<enrolment::EnrolmentLogic> logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(GatewayTest, UnitsCrud) {
  auto r = Call("GET", "/v1/tenants/1504/units/dinkes");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["displayName"], "Dinas Kesehatan");
  EXPECT_EQ(r.Header("content-type"), "application/json");

  r = Call("POST", "/v1/tenants/1504/units?unit_id=dukcapil", R"({"displayName":"Dukcapil","kind":"dinas"})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("GET", "/v1/tenants/1504/units?pageSize=1");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["units"].size(), 1u);
  std::string token = r.Json()["nextPageToken"];
  r = Call("GET", "/v1/tenants/1504/units?pageSize=1&pageToken=" + token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["units"].size(), 1u);

  r = Call("PATCH", "/v1/tenants/1504/units/dukcapil?updateMask=displayName",
           R"({"displayName":"Disdukcapil","kind":"ignored"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["displayName"], "Disdukcapil");
  EXPECT_EQ(r.Json()["kind"], "dinas");

  r = Call("DELETE", "/v1/tenants/1504/units/dukcapil");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  r = Call("GET", "/v1/tenants/1504/units/dukcapil");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Json()["status"], "NOT_FOUND");
}

TEST_F(GatewayTest, EmployeesAndLearningHours) {
  auto r = Call("GET", absl::StrCat("/v1/tenants/1504/employees/", kNip1));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["employmentType"], "PNS");
  r = Call("GET", "/v1/tenants/1504/employees?unit=tenants%2F1504%2Funits%2Fdinkes");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["employees"].size(), 2u);
  r = Call("PATCH", absl::StrCat("/v1/tenants/1504/employees/", kNip2, "?updateMask=position"),
           R"({"position":"Kepala Seksi"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["position"], "Kepala Seksi");
  r = Call("GET", absl::StrCat("/v1/tenants/1504/employees/", kNip1, "/learningHours?year=2026"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["year"], 2026);
  EXPECT_EQ(r.Json()["requiredJp"], 20);
  r = Call("GET", "/v1/tenants/1504/learningCompliance?year=2026");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("DELETE", absl::StrCat("/v1/tenants/1504/employees/", kNip2));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(GatewayTest, ProgramsCohortsEnrolmentsAndCustomVerbs) {
  auto r = Call("GET", "/v1/tenants/1504/programs/pelayanan-prima");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["competencyType"], "TEKNIS");
  EXPECT_EQ(r.Json()["budget"], "50000000");
  r = Call("GET", "/v1/tenants/1504/programs");
  EXPECT_EQ(r.Json()["programs"].size(), 1u);
  r = Call("PATCH", "/v1/tenants/1504/programs/pelayanan-prima?updateMask=jp", R"({"jp":30})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["jp"], 30);
  r = Call("GET", "/v1/tenants/1504/programs/pelayanan-prima/cohorts");
  ASSERT_EQ(r.Json()["cohorts"].size(), 1u);
  r = Call("PATCH", "/v1/tenants/1504/programs/pelayanan-prima/cohorts/a1?updateMask=venue", R"({"venue":"Aula BKPSDM"})");
  ASSERT_EQ(r.status, 200) << r.body;

  const std::string cohort = "/v1/tenants/1504/programs/pelayanan-prima/cohorts/a1";
  for (const char* nip : {kNip1, kNip2}) {
    r = Call("POST", cohort + "/enrolments", absl::StrCat(R"({"employee":"tenants/1504/employees/)", nip, R"("})"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["state"], "ENROLLED");
  }
  r = Call("GET", cohort + "/enrolments");
  EXPECT_EQ(r.Json()["enrolments"].size(), 2u);
  r = Call("POST", absl::StrCat(cohort, "/enrolments/", kNip1, ":recordAttendance"), R"({"day":"2026-03-02"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "ATTENDED");
  r = Call("POST", absl::StrCat(cohort, "/enrolments/", kNip1, ":complete"), "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "COMPLETED");
  r = Call("POST", absl::StrCat(cohort, "/enrolments/", kNip2, ":withdraw"), R"({"reason":"sakit"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["state"], "WITHDRAWN");
  r = Call("GET", absl::StrCat(cohort, "/enrolments/", kNip2));
  EXPECT_EQ(r.Json()["state"], "WITHDRAWN");
  r = Call("GET", absl::StrCat("/v1/tenants/1504/employees/", kNip1, "/learningHours?year=2026"));
  EXPECT_EQ(r.Json()["jp"], 30) << r.body;
  // A cohort with enrolments is not deleted; the refusal's stable reason
  // reaches the client as a google.rpc.ErrorInfo detail.
  r = Call("DELETE", cohort);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["status"], "FAILED_PRECONDITION") << r.body;
  std::string reason;
  const nlohmann::json error = r.Json();  // Json() returns by value: the loop must not outlive it
  for (const auto& d : error["details"]) {
    if (d.value("@type", "") == "type.googleapis.com/google.rpc.ErrorInfo") reason = d.value("reason", "");
  }
  EXPECT_EQ(reason, "COHORT_HAS_ENROLMENTS") << r.body;
  EXPECT_EQ(Call("GET", cohort).status, 200);
}

// Valid NIPs: born 1980-01-01, in service from 2005-01, gender and sequence from i < 1800.
std::string Nip(int i) { return absl::StrFormat("19800101200501%d%03d", 1 + (i / 900) % 2, i % 900 + 1); }

std::string CsvRows(int from, int count) {
  std::string out;
  for (int i = from; i < from + count; ++i) {
    absl::StrAppend(&out, Nip(i),
                    ",Pegawai Nomor ", i, ",tenants/1504/units/dinkes,Staf Pelaksana,III/a,PNS\n");
  }
  return out;
}

TEST_F(GatewayTest, CsvImportIsStreamedInPieces) {
  // Beyond the 64 KB JSON body limit, so it cannot have been buffered whole.
  std::string csv = "nip,name,unit,position,grade,employment_type\n" + CsvRows(0, 1800) +
                    "123,Bad,tenants/1504/units/dinkes,Staf,III/a,PNS\n";
  ASSERT_GT(csv.size(), 2 * 64 * 1024u);
  auto r = Call("POST", "/v1/tenants/1504/employees:import", csv, Token("organiser"),
                {{"Content-Type", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["acceptedCount"], "1800");
  EXPECT_EQ(r.Json()["rejectedCount"], "1");
  r = Call("GET", absl::StrCat("/v1/tenants/1504/employees/", Nip(1799)));
  EXPECT_EQ(r.status, 200) << r.body;
  // The same connection is usable afterwards.
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units/dinkes").status, 200);
}

TEST_F(GatewayTest, NdjsonAndBatchUploads) {
  std::string header = absl::Base64Escape("nip,name,unit,position,grade,employment_type\n");
  std::string rows = absl::Base64Escape(CsvRows(100, 3));
  std::string ndjson = absl::StrCat(R"({"csvChunk":")", header, "\"}\n\n", R"({"csvChunk":")", rows, "\"}");
  auto r = Call("POST", "/v1/tenants/1504/employees:import", ndjson, Token("organiser"),
                {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["acceptedCount"], "3");

  std::string batch = absl::StrCat(R"({"requests":[{"csvChunk":")", header, R"("},{"csvChunk":")",
                                   absl::Base64Escape(CsvRows(200, 2)), R"("}]})");
  r = Call("POST", "/v1/tenants/1504/employees:import", batch);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["acceptedCount"], "2");
  std::string array = absl::StrCat(R"([{"csvChunk":")", header, R"("},{"csvChunk":")",
                                   absl::Base64Escape(CsvRows(300, 1)), R"("}])");
  r = Call("POST", "/v1/tenants/1504/employees:import", array);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["acceptedCount"], "1");

  // A bad line: 400 naming it; nothing after it is sent.
  r = Call("POST", "/v1/tenants/1504/employees:import", "{\"csvChunk\":\"" + header + "\"}\n{\"bogus\":1}\n",
           Token("organiser"), {{"Content-Type", "application/x-ndjson"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.Json()["message"].get<std::string>().find("line 2"), std::string::npos) << r.body;
  r = Call("POST", "/v1/tenants/1504/employees:import", R"({"not":"an array"})");
  EXPECT_EQ(r.status, 400);
}

TEST_F(GatewayTest, JsonErrors) {
  auto r = Call("POST", "/v1/tenants/1504/units?unitId=x1", "{not json");
  ASSERT_EQ(r.status, 400);
  auto j = r.Json();
  ASSERT_FALSE(j.is_discarded()) << r.body;
  EXPECT_EQ(j["code"], 3);
  EXPECT_EQ(j["status"], "INVALID_ARGUMENT");
  EXPECT_TRUE(j["details"].is_array());
  r = Call("POST", "/v1/tenants/1504/units?unitId=x2", R"({"displayName":"X","colour":"red"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("colour"), std::string::npos);
  r = Call("POST", "/v1/tenants/1504/units?unitId=x3", R"({"displayName":""})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("display_name"), std::string::npos) << r.body;
  // The service's google.rpc.BadRequest travels to the client as a detail
  // (AIP-193): the field path a form can point at, without parsing text.
  bool violation = false;
  const nlohmann::json error = r.Json();  // Json() returns by value: the loop must not outlive it
  for (const auto& d : error["details"]) {
    if (d.value("@type", "") != "type.googleapis.com/google.rpc.BadRequest") continue;
    for (const auto& v : d["fieldViolations"]) violation |= v.value("field", "") == "unit.display_name";
  }
  EXPECT_TRUE(violation) << r.body;
  r = Call("POST", "/v1/tenants/1504/units?unitId=dinkes", R"({"displayName":"Again"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.Json()["status"], "ALREADY_EXISTS");
  r = Call("GET", "/v1/tenants/1504/units?pageSize=ten");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("pageSize"), std::string::npos);
  r = Call("GET", "/v1/tenants/1504/units/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Json()["code"], 5);
  r = Call("GET", "/v1/nothing/here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Json()["status"], "NOT_FOUND");
  r = Call("PUT", "/v1/tenants/1504/units/dinkes", "{}");
  EXPECT_EQ(r.status, 405);
  // A service without an address: 503, and no internal detail.
  r = Call("GET", "/v1/tenants/1504/instruments");
  if (r.status != 404) {
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.Json()["status"], "UNAVAILABLE");
  }
}

TEST_F(GatewayTest, AuthMatrix) {
  struct Case {
    std::string role, tenant;
    int own_read, own_write, other_read, other_write;
  };
  // Reads: GET units (own 1504 / other 1505); writes: POST units.
  const std::vector<Case> cases = {
      {"admin", "1504", 200, 200, 403, 403},
      {"organiser", "1504", 200, 200, 403, 403},
      {"agency_head", "1504", 200, 403, 403, 403},
      {"instructor", "1504", 403, 403, 403, 403},
      {"participant", "1504", 403, 403, 403, 403},
      {"supervisor", "1504", 403, 403, 403, 403},
      {"province", "15", 200, 403, 200, 403},
      {"national_integrator", "00", 200, 403, 200, 403},
  };
  int n = 0;
  for (const Case& c : cases) {
    std::string t = Token(c.role, c.tenant);
    auto own_read = Call("GET", "/v1/tenants/1504/units", "", t);
    auto own_write = Call("POST", absl::StrCat("/v1/tenants/1504/units?unitId=u", ++n), R"({"displayName":"U"})", t);
    auto other_read = Call("GET", "/v1/tenants/1505/units", "", t);
    auto other_write = Call("POST", absl::StrCat("/v1/tenants/1505/units?unitId=u", n), R"({"displayName":"U"})", t);
    EXPECT_EQ(own_read.status, c.own_read) << c.role << " own read " << own_read.body;
    EXPECT_EQ(own_write.status, c.own_write) << c.role << " own write " << own_write.body;
    EXPECT_EQ(other_read.status, c.other_read) << c.role << " other read " << other_read.body;
    EXPECT_EQ(other_write.status, c.other_write) << c.role << " other write " << other_write.body;
    if (own_read.status == 403) {
      EXPECT_EQ(own_read.Json()["status"], "PERMISSION_DENIED");
    }
    // Outside the province, even reads are refused.
    EXPECT_EQ(Call("GET", "/v1/tenants/1601/units", "", t).status,
              c.role == "national_integrator" ? 200 : 403) << c.role;
  }
  // Route kinds per role: instructors read programmes and cohorts.
  std::string instructor = Token("instructor");
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/programs", "", instructor).status, 200);
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/programs/pelayanan-prima/cohorts/a1", "", instructor).status, 200);
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/employees", "", instructor).status, 403);
  // Participants see themselves only.
  std::string me = Token("participant", "1504", kNip1);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/tenants/1504/employees/", kNip1), "", me).status, 200);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/tenants/1504/employees/", kNip1, "/learningHours?year=2026"), "", me).status, 200);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/tenants/1504/employees/", kNip2), "", me).status, 403);
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/employees", "", me).status, 403);
  EXPECT_EQ(Call("DELETE", absl::StrCat("/v1/tenants/1504/employees/", kNip1), "", me).status, 403);
  // Supervisors read the roster, do not change it.
  std::string sup = Token("supervisor");
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/employees", "", sup).status, 200);
  EXPECT_EQ(Call("DELETE", absl::StrCat("/v1/tenants/1504/employees/", kNip1), "", sup).status, 403);
  // Province reads go to the tenant in the path (the service accepts them).
  auto prov = Call("GET", "/v1/tenants/1504/units/dinkes", "", Token("province", "15"));
  EXPECT_EQ(prov.status, 200) << prov.body;
  EXPECT_EQ(prov.Json()["name"], "tenants/1504/units/dinkes");
}

TEST_F(GatewayTest, BadTokensAre401) {
  auto r = Call("GET", "/v1/tenants/1504/units", "", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Json()["status"], "UNAUTHENTICATED");
  EXPECT_EQ(r.Header("www-authenticate"), "Bearer");
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units", "", "not-a-jwt").status, 401);
  std::string forged = Token("organiser", "1504", "x", absl::Hours(1), "some-other-key-some-other-key-0000");
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units", "", forged).status, 401);
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units", "", Token("organiser", "1504", "x", -absl::Seconds(5))).status, 401);
  // alg none: a valid payload without signature.
  std::vector<std::string> parts = absl::StrSplit(Token("admin"), '.');
  std::string none = absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})"), ".", parts[1], ".");
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units", "", none).status, 401);
  // A token carrying a changed payload with the old signature.
  std::vector<std::string> other = absl::StrSplit(Token("admin", "1505"), '.');
  EXPECT_EQ(Call("GET", "/v1/tenants/1505/units", "", absl::StrCat(parts[0], ".", other[1], ".", parts[2])).status, 401);
  // Basic auth is not a bearer token.
  EXPECT_EQ(http_->Request("GET", "/v1/tenants/1504/units", "", {{"Authorization", "Basic YTpi"}}).status, 401);
}

TEST_F(GatewayTest, TenantInBodyNeverOverridesTheToken) {
  // Another tenant's employee named in the body: refused before the service.
  auto r = Call("POST", "/v1/tenants/1504/programs/pelayanan-prima/cohorts/a1/enrolments",
                R"({"employee":"tenants/1505/employees/196608011988031001"})");
  EXPECT_EQ(r.status, 403) << r.body;
  r = Call("POST", "/v1/tenants/1504/employees",
           absl::StrCat(R"({"nip":"197001011995031003","fullName":"X","unit":"tenants/1505/units/dinkes","grade":"III/a","employmentType":"PNS"})"));
  EXPECT_EQ(r.status, 403) << r.body;
  // A resource name in the body is overridden by the path.
  r = Call("PATCH", "/v1/tenants/1504/units/dinkes?updateMask=displayName",
           R"({"name":"tenants/1505/units/dinkes","displayName":"Dinkes"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["name"], "tenants/1504/units/dinkes");
  // Body `*` routes too: the path's name wins over the body's.
  const std::string cohort = "/v1/tenants/1504/programs/pelayanan-prima/cohorts/a1";
  r = Call("POST", cohort + "/enrolments", absl::StrCat(R"({"employee":"tenants/1504/employees/)", kNip1, R"("})"));
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("POST", absl::StrCat(cohort, "/enrolments/", kNip1, ":withdraw"),
           R"({"name":"tenants/1505/programs/p/cohorts/c/enrolments/1","reason":"x"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["name"], absl::StrCat("tenants/1504/programs/pelayanan-prima/cohorts/a1/enrolments/", kNip1));
  EXPECT_EQ(r.Json()["state"], "WITHDRAWN");
}

TEST_F(GatewayTest, OversizeBodyIs413) {
  std::string big = absl::StrCat(R"({"displayName":")", std::string(100 * 1024, 'a'), R"("})");
  auto r = Call("POST", "/v1/tenants/1504/units?unitId=big", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Json()["status"], "INVALID_ARGUMENT");
  // The gateway still serves.
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units/dinkes").status, 200);
}

int RawConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return -1;
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

TEST_F(GatewayTest, SlowClientsAreDisconnected) {
  // Half a header, then silence.
  int fd = RawConnect(gateway_->port());
  ASSERT_GE(fd, 0);
  std::string partial = "GET /v1/tenants/1504/units HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  // Others are served meanwhile.
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units/dinkes").status, 200);
  absl::Time start = absl::Now();
  char buf[256];
  ssize_t n = recv(fd, buf, sizeof(buf), 0);
  EXPECT_EQ(n, 0) << "expected the gateway to close the connection";
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  close(fd);

  // A body announced but not delivered.
  fd = RawConnect(gateway_->port());
  ASSERT_GE(fd, 0);
  std::string req = absl::StrCat("POST /v1/tenants/1504/units?unitId=slow HTTP/1.1\r\nHost: x\r\n",
                                 "Authorization: Bearer ", Token("organiser"),
                                 "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"disp");
  ASSERT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  n = recv(fd, buf, sizeof(buf), 0);
  EXPECT_EQ(n, 0);
  close(fd);
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units/slow").status, 404);
}

TEST_F(GatewayTest, RateLimitPerTenant) {
  GatewayOptions o = Options();
  o.rate_limit.rate = 0.2;
  o.rate_limit.burst = 3;
  StartGateway(o);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call("GET", "/v1/tenants/1504/units/dinkes").status, 200) << i;
  auto r = Call("GET", "/v1/tenants/1504/units/dinkes");
  ASSERT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.Json()["status"], "RESOURCE_EXHAUSTED");
  int retry = 0;
  ASSERT_TRUE(absl::SimpleAtoi(r.Header("retry-after"), &retry)) << r.Header("retry-after");
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 6);
  // Another tenant has its own bucket.
  EXPECT_EQ(Call("GET", "/v1/tenants/1505/units", "", Token("organiser", "1505")).status, 200);
  EXPECT_EQ(gateway_->metrics().Count("GET /v1/{name=tenants/*/units/*}", 429), 1);
  // The bucket lives in Redis under the gateway's own key.
  auto exists = client_->Run({"EXISTS", "gateway:{1504}:ratelimit"});
  ASSERT_TRUE(exists.ok());
  EXPECT_EQ(exists->integer, 1);
}

TEST_F(GatewayTest, MetricsCountersMove) {
  const std::string route = "GET /v1/{name=tenants/*/units/*}";
  int64_t ok_before = MetricValue(route, 200);
  int64_t nf_before = MetricValue(route, 404);
  Call("GET", "/v1/tenants/1504/units/dinkes");
  Call("GET", "/v1/tenants/1504/units/dinkes");
  Call("GET", "/v1/tenants/1504/units/none");
  EXPECT_EQ(MetricValue(route, 200), ok_before + 2);
  EXPECT_EQ(MetricValue(route, 404), nf_before + 1);
  auto m = http_->Request("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_TRUE(absl::StartsWith(m.Header("content-type"), "text/plain"));
  EXPECT_NE(m.body.find("pelita_gateway_request_seconds_bucket{route=\"GET /v1/{name=tenants/*/units/*}\",le=\"+Inf\"}"),
            std::string::npos);
}

TEST_F(GatewayTest, HealthReadyAndOpenApi) {
  auto r = http_->Request("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  r = http_->Request("GET", "/readyz");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["backends"]["enrolment"], "SERVING");
  r = http_->Request("GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.Json();
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"]["/v1/tenants/{tenant}/units/{unit}"].contains("get"));
  EXPECT_TRUE(doc["paths"]["/v1/tenants/{tenant}/units/{unit}"].contains("patch"));
  EXPECT_TRUE(doc["paths"].contains(
      "/v1/tenants/{tenant}/programs/{program}/cohorts/{cohort}/enrolments/{enrolment}:withdraw"));
  EXPECT_TRUE(doc["paths"]["/v1/tenants/{tenant}/employees:import"]["post"]["requestBody"]["content"].contains("text/csv"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("pelita.enrolment.v1.Unit"));
}

// The web application's files (issue 16) over real HTTP, beside the API:
// the application's routes get index.html, the API keeps its JSON 404.
TEST_F(GatewayTest, ServesTheWebApplication) {
  char tmpl[] = "/tmp/pelita-web-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  ASSERT_EQ(system(absl::StrCat("mkdir -p ", root, "/assets").c_str()), 0);
  const std::string index = "<!doctype html><html lang=\"id\"><title>Pelita</title></html>";
  std::string script;
  for (int i = 0; i < 100; ++i) absl::StrAppend(&script, "export const n", i, " = ", i, ";\n");
  FILE* f = fopen((root + "/index.html").c_str(), "w");
  fputs(index.c_str(), f);
  fclose(f);
  f = fopen((root + "/assets/index-abc123.js").c_str(), "w");
  fputs(script.c_str(), f);
  fclose(f);
  GatewayOptions o = Options();
  o.web_root = root;
  StartGateway(std::move(o));

  for (const char* page : {"/", "/masuk", "/rencana-aksi/abc"}) {
    auto r = http_->Request("GET", page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.body, index) << page;
    EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.Header("cache-control"), "no-cache");
    EXPECT_TRUE(absl::StrContains(r.Header("content-security-policy"), "script-src 'self'")) << page;
  }
  auto js = http_->Request("GET", "/assets/index-abc123.js", "", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("content-encoding"), "gzip");
  EXPECT_LT(js.body.size(), script.size());
  EXPECT_EQ(js.Header("cache-control"), "public, max-age=31536000, immutable");
  auto again = http_->Request("GET", "/assets/index-abc123.js", "", {{"If-None-Match", js.Header("etag")},
                                                                     {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(again.status, 304);
  auto head = http_->Request("HEAD", "/assets/index-abc123.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), absl::StrCat(script.size()));
  EXPECT_TRUE(head.body.empty());
  // The connection still carries requests after HEAD and 304.
  EXPECT_EQ(http_->Request("GET", "/assets/index-abc123.js").body, script);
  EXPECT_EQ(http_->connects(), 1);

  EXPECT_EQ(http_->Request("GET", "/assets/missing.js").status, 404);
  // API paths stay the API's: JSON errors, never index.html.
  auto api = http_->Request("GET", "/v1/nothing/here");
  EXPECT_EQ(api.status / 100, 4);
  EXPECT_EQ(api.Header("content-type"), "application/json");
  EXPECT_EQ(Call("GET", "/v1/nothing/here").status, 404);
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/units/dinkes").status, 200);
  EXPECT_EQ(http_->Request("GET", "/healthz").status, 200);
  EXPECT_EQ(MetricValue("static", 200), 6);
  ASSERT_EQ(system(absl::StrCat("rm -rf ", root).c_str()), 0);

  // A folder without a built application is refused at start.
  GatewayOptions bad = Options();
  bad.web_root = "/nonexistent/web/dist";
  EXPECT_FALSE(Gateway::Create(std::move(bad)).ok());
}

TEST_F(GatewayTest, BackendDown) {
  auto port = testing::FreePort();
  ASSERT_TRUE(port.ok());
  GatewayOptions o = Options();
  o.backends = {{"enrolment", absl::StrCat("127.0.0.1:", *port)}};
  StartGateway(o);
  auto r = http_->Request("GET", "/readyz");
  EXPECT_EQ(r.status, 503) << r.body;
  r = Call("GET", "/v1/tenants/1504/units/dinkes", "", Token("organiser"), {{"X-Request-Timeout", "2s"}});
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.body.find("127.0.0.1"), std::string::npos) << r.body;
  EXPECT_EQ(r.Json()["message"], "service unavailable");
}

TEST_F(GatewayTest, RequestIdEchoedOrMade) {
  auto r = Call("GET", "/v1/tenants/1504/units/dinkes", "", Token("organiser"), {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(r.Header("x-request-id"), "abc-123");
  r = Call("GET", "/v1/tenants/1504/units/dinkes");
  EXPECT_EQ(r.Header("x-request-id").size(), 16u);
  r = Call("GET", "/v1/tenants/1504/units/dinkes", "", Token("organiser"), {{"X-Request-Id", "bad id\x01"}});
  EXPECT_EQ(r.Header("x-request-id").size(), 16u);
}

TEST_F(GatewayTest, DeadlineFromHeaderOrDefault) {
  // A backend that accepts TCP connections and never answers.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  GatewayOptions o = Options();
  o.backends = {{"enrolment", absl::StrCat("127.0.0.1:", ntohs(addr.sin_port))}};
  o.default_deadline = absl::Milliseconds(300);
  StartGateway(o);

  absl::Time start = absl::Now();
  auto r = Call("GET", "/v1/tenants/1504/units/dinkes", "", Token("organiser"), {{"X-Request-Timeout", "100ms"}});
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(r.Json()["status"], "DEADLINE_EXCEEDED");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  start = absl::Now();
  r = Call("GET", "/v1/tenants/1504/units/dinkes");  // the default: 300 ms
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(250));
  r = Call("GET", "/v1/tenants/1504/units/dinkes", "", Token("organiser"), {{"grpc-timeout", "100m"}});
  EXPECT_EQ(r.status, 504) << r.body;
  r = Call("GET", "/v1/tenants/1504/units/dinkes", "", Token("organiser"), {{"X-Request-Timeout", "soon"}});
  EXPECT_EQ(r.status, 400);
  close(fd);
}

TEST_F(GatewayTest, KeepAliveReusesTheConnection) {
  HttpClient c(gateway_->port());
  for (int i = 0; i < 5; ++i) {
    auto r = c.Request("GET", "/v1/tenants/1504/units/dinkes", "", {{"Authorization", "Bearer " + Token("organiser")}});
    EXPECT_EQ(r.status, 200);
  }
  EXPECT_EQ(c.connects(), 1);
}

}  // namespace
}  // namespace pelita::gateway

namespace pelita::gateway {
namespace {

TEST(RateLimiterTest, LeaseTakesTokensInBatches) {
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  redis::Client client((*redis)->options());
  RateLimitOptions o;
  o.rate = 0.01;
  o.burst = 5;
  o.lease = 5;
  RateLimiter limiter(&client, o);
  ASSERT_TRUE(limiter.Take("1504", "t").allowed);
  // One round trip took the whole burst; the rest is spent locally.
  auto tokens = client.Run({"HGET", "gateway:{1504}:ratelimit", "tokens"});
  ASSERT_TRUE(tokens.ok());
  double left = -1;
  ASSERT_TRUE(absl::SimpleAtod(tokens->str, &left)) << tokens->str;
  EXPECT_LT(left, 1);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.Take("1504", "t").allowed) << i;
  auto denied = limiter.Take("1504", "t");
  EXPECT_FALSE(denied.allowed);
  EXPECT_GT(denied.retry_after, absl::ZeroDuration());
  EXPECT_TRUE(limiter.Take("1505", "t").allowed);
}

}  // namespace
}  // namespace pelita::gateway

namespace pelita::gateway {
namespace {

// Once half a lease is spent, the next one is taken from Redis by the
// limiter's own thread, before any request runs out of local tokens; and no
// token taken from Redis is lost or refused while a refill is on its way,
// whichever of the refill and the requests gets there first.  Run for many
// tenants, since the order differs from run to run.
TEST(RateLimiterTest, NextLeaseIsFetchedInTheBackground) {
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  redis::Client client((*redis)->options());
  RateLimitOptions o;
  o.rate = 0.01;
  o.burst = 12;
  o.lease = 4;
  o.lease_ttl = absl::Seconds(60);
  RateLimiter limiter(&client, o);
  for (int t = 1; t <= 40; ++t) {
    const std::string tenant = absl::StrCat(1500 + t);
    auto redis_tokens = [&] {
      auto r = client.Run({"HGET", absl::StrCat("gateway:{", tenant, "}:ratelimit"), "tokens"});
      double v = -1;
      return r.ok() && absl::SimpleAtod(r->str, &v) ? v : -1.0;
    };
    ASSERT_TRUE(limiter.Take(tenant, "t").allowed);  // asks Redis: 4 granted, 3 left here
    EXPECT_NEAR(redis_tokens(), 8, 0.5) << tenant;
    ASSERT_TRUE(limiter.Take(tenant, "t").allowed);  // 2 left here: half spent, refill queued
    // No request asks Redis again, yet the bucket gives up the next lease.
    ASSERT_TRUE(testing::WaitFor([&] { return redis_tokens() < 4.5; }, absl::Seconds(10))) << tenant;
    EXPECT_NEAR(redis_tokens(), 4, 0.5) << tenant;
    // 2 + 4 local tokens, then the last lease (fetched in the background or
    // by the request that finds none), then the bucket is empty.
    int allowed = 0;
    for (int i = 0; i < 12; ++i) allowed += limiter.Take(tenant, "t").allowed;
    EXPECT_EQ(allowed, 10) << tenant;  // 12 in the burst, 2 taken above
  }
}

}  // namespace
}  // namespace pelita::gateway
