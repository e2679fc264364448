// The gateway in front of two real services at once: enrolment and survey
// (the survey service asks enrolment for cohort rosters), both in-process,
// with a real redis-server.  Covers the survey route families: instruments
// (installDefaults, list, get), responses (unary, batchCreate, and the
// bidirectional StreamResponses as a batch POST and an NDJSON upload).

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/expect_json_error.h"
#include "gateway/gateway.h"
#include "gateway/http_client.h"
#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"
#include "services/survey/enrolment_roster.h"
#include "services/survey/grpc_service.h"
#include "services/survey/roster.h"
#include "services/survey/survey.h"

namespace pelita::gateway {
namespace {

constexpr char kKey[] = "test-hs256-key-0123456789abcdef0123456789";
constexpr char kNip[] = "196608011988031001";
constexpr char kOtherNip[] = "197001012000031002";
constexpr char kCohort[] = "tenants/1504/programs/pelatihan/cohorts/a1";

class GatewaySurveyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());
    enrolment_logic_ = std::make_unique<enrolment::EnrolmentLogic>(client_.get());
    enrolment_ = std::make_unique<enrolment::EnrolmentGrpcService>(enrolment_logic_.get());
    auto enrolment_server = StartLocalServer("enrolment", {enrolment_.get()}, client_.get());
    ASSERT_TRUE(enrolment_server.ok()) << enrolment_server.status();
    enrolment_server_ = *std::move(enrolment_server);
    roster_source_ = std::make_unique<survey::EnrolmentRoster>(
        grpc::CreateChannel(enrolment_server_->address(), grpc::InsecureChannelCredentials()));
    roster_ = std::make_unique<survey::CachedRoster>(roster_source_.get());
    survey_logic_ = std::make_unique<survey::SurveyLogic>(client_.get(), roster_.get());
    survey_ = std::make_unique<survey::SurveyGrpcService>(survey_logic_.get());
    auto survey_server = StartLocalServer("survey", {survey_.get()}, client_.get());
    ASSERT_TRUE(survey_server.ok()) << survey_server.status();
    survey_server_ = *std::move(survey_server);

    GatewayOptions o;
    o.backends = {{"enrolment", enrolment_server_->address()}, {"survey", survey_server_->address()}};
    o.auth.hs256_key = kKey;
    o.log_requests = false;
    auto g = Gateway::Create(o);
    ASSERT_TRUE(g.ok()) << g.status();
    gateway_ = *std::move(g);
    ASSERT_TRUE(gateway_->Start().ok());
    http_ = std::make_unique<HttpClient>(gateway_->port());

    ASSERT_EQ(Call("POST", "/v1/tenants/1504/units?unitId=dinkes", R"({"displayName":"Dinas Kesehatan"})").status, 200);
    ASSERT_EQ(Call("POST", "/v1/tenants/1504/employees",
                   absl::StrCat(R"({"nip":")", kNip, R"(","fullName":"Budi","unit":"tenants/1504/units/dinkes","grade":"III/a","employmentType":"PNS"})")).status, 200);
    ASSERT_EQ(Call("POST", "/v1/tenants/1504/programs?programId=pelatihan",
                   R"({"title":"Pelatihan","competencyType":"TEKNIS","jp":20,"year":2026})").status, 200);
    ASSERT_EQ(Call("POST", "/v1/tenants/1504/programs/pelatihan/cohorts?cohortId=a1",
                   R"({"displayName":"A1","startDate":{"year":2026,"month":3,"day":2},"endDate":{"year":2026,"month":3,"day":3},"capacity":10})").status, 200);
    auto r = Call("POST", absl::StrCat("/v1/", kCohort, "/enrolments"),
                  absl::StrCat(R"({"employee":"tenants/1504/employees/)", kNip, R"("})"));
    ASSERT_EQ(r.status, 200) << r.body;
  }

  void TearDown() override {
    http_.reset();
    gateway_.reset();
    survey_server_->Shutdown(absl::Seconds(1));
    enrolment_server_->Shutdown(absl::Seconds(1));
  }

  static std::string Token(const std::string& role, const std::string& subject = "dev") {
    return *IssueToken({subject, "1504", role, absl::ToUnixSeconds(absl::Now() + absl::Hours(1))}, "HS256", kKey);
  }
  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& token = Token("organiser"), HttpClient::Headers headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + token);
    return http_->Request(method, target, body, headers);
  }

  // A complete answer sheet for `instrument` (JSON).
  static nlohmann::json Answers(const nlohmann::json& instrument) {
    nlohmann::json answers = nlohmann::json::array();
    for (const auto& item : instrument["items"]) {
      nlohmann::json a = {{"item", item["code"]}};
      std::string type = item.value("type", "");
      if (type == "LIKERT") a["number"] = item.value("scaleMax", 4);
      else if (type == "SCORE") a["number"] = item.value("maxScore", 1);
      else if (type == "YES_NO") a["yes"] = true;
      else if (type == "SINGLE_CHOICE") a["choice"] = item["choices"][0]["code"];
      else if (type == "MULTIPLE_CHOICE") a["choices"] = {{"codes", {item["choices"][0]["code"]}}};
      else a["text"] = "baik";
      answers.push_back(a);
    }
    return answers;
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<enrolment::EnrolmentLogic> enrolment_logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_;
  std::unique_ptr<Server> enrolment_server_;
  std::unique_ptr<survey::EnrolmentRoster> roster_source_;
  std::unique_ptr<survey::CachedRoster> roster_;
  std::unique_ptr<survey::SurveyLogic> survey_logic_;
  std::unique_ptr<survey::SurveyGrpcService> survey_;
  std::unique_ptr<Server> survey_server_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(GatewaySurveyTest, InstrumentsAndResponsesAcrossServices) {
  auto r = Call("POST", "/v1/tenants/1504/instruments:installDefaults", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("GET", "/v1/tenants/1504/instruments?pageSize=50");
  ASSERT_EQ(r.status, 200) << r.body;
  nlohmann::json reaction;
  const nlohmann::json list = r.Json();
  for (const auto& i : list["instruments"]) {
    if (i.value("kind", "") == "REACTION") reaction = i;
  }
  ASSERT_FALSE(reaction.is_null()) << r.body;
  const std::string name = reaction["name"];
  r = Call("GET", "/v1/" + name, "", Token("participant", kNip));
  ASSERT_EQ(r.status, 200) << r.body;  // participants read instruments
  EXPECT_EQ(Call("PATCH", "/v1/" + name, R"({"title":"x"})", Token("participant", kNip)).status, 403);

  // The reaction survey is anonymous: the participant asks for its
  // single-use token and answers with it, naming no one; a second token is
  // refused.
  nlohmann::json issue = {{"instrument", name}, {"cohort", kCohort}, {"nip", kNip}};
  r = Call("POST", "/v1/tenants/1504/responses:issueToken", issue.dump(), Token("participant", kNip));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string token = r.Json()["token"];
  ExpectJsonError(Call("POST", "/v1/tenants/1504/responses:issueToken", issue.dump(), Token("participant", kNip)),
                  409, "already issued");
  nlohmann::json with_nip = {{"instrument", name}, {"cohort", kCohort}, {"respondentNip", kNip},
                             {"answers", Answers(reaction)}};
  ExpectJsonError(Call("POST", "/v1/tenants/1504/responses?responseId=r0", with_nip.dump(), Token("participant", kNip)),
                  403, "eligibility token");
  nlohmann::json response = {{"instrument", name}, {"cohort", kCohort}, {"eligibilityToken", token},
                             {"answers", Answers(reaction)}};
  r = Call("POST", "/v1/tenants/1504/responses?responseId=r1", response.dump(), Token("participant", kNip));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["cohort"], kCohort);
  EXPECT_FALSE(r.Json().contains("respondentNip")) << r.body;
  EXPECT_FALSE(r.Json().contains("eligibilityToken")) << r.body;

  // The bidirectional stream, as a batch POST: one JSON array of acks.
  nlohmann::json batch = nlohmann::json::array(
      {{{"responseId", "r2"}, {"response", response}}, {{"responseId", "r1"}, {"response", response}}});
  r = Call("POST", "/v1/tenants/1504/responses:stream", batch.dump(), Token("participant", kNip));
  ASSERT_EQ(r.status, 200) << r.body;
  auto acks = r.Json();
  ASSERT_TRUE(acks.is_array()) << r.body;
  ASSERT_EQ(acks.size(), 2u) << r.body;
  EXPECT_EQ(acks[1].value("duplicate", false), true) << r.body;

  // ... and as NDJSON.
  std::string ndjson = nlohmann::json({{"responseId", "r3"}, {"response", response}}).dump() + "\n";
  r = Call("POST", "/v1/tenants/1504/responses:stream", ndjson, Token("participant", kNip),
           {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().size(), 1u) << r.body;

  // batchCreate (unary, body "*"); the tenant in the body's parent is checked.
  nlohmann::json bc = {{"requests", {{{"responseId", "r4"}, {"response", response}}}}};
  r = Call("POST", "/v1/tenants/1504/responses:batchCreate", bc.dump(), Token("participant", kNip));
  ASSERT_EQ(r.status, 200) << r.body;
  nlohmann::json other = {{"requests", {{{"parent", "tenants/1505"}, {"responseId", "r5"}, {"response", response}}}}};
  r = Call("POST", "/v1/tenants/1504/responses:batchCreate", other.dump(), Token("participant", kNip));
  EXPECT_EQ(r.status, 403) << r.body;

  // Reading a response back: organisers read any; participants and
  // supervisors only one that names them as the respondent, which an
  // anonymous survey's never does.
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/responses/r1").status, 200);
  ExpectJsonError(Call("GET", "/v1/tenants/1504/responses/r1", "", Token("participant", kNip)), 403,
                  "only the responses they gave");
  nlohmann::json named = reaction;
  for (const char* f : {"name", "version", "responseCount", "createTime", "updateTime"}) named.erase(f);
  named["anonymous"] = false;
  r = Call("POST", "/v1/tenants/1504/instruments?instrumentId=reaksi-bernama", named.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  nlohmann::json mine = with_nip;
  mine["instrument"] = r.Json()["name"];
  r = Call("POST", "/v1/tenants/1504/responses?responseId=n1", mine.dump(), Token("participant", kNip));
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("GET", "/v1/tenants/1504/responses/n1", "", Token("participant", kNip));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["respondentNip"], kNip) << r.body;
  ExpectJsonError(Call("GET", "/v1/tenants/1504/responses/n1", "", Token("participant", kOtherNip)), 403,
                  "only the responses they gave");
  ExpectJsonError(Call("GET", "/v1/tenants/1504/responses/n1", "", Token("supervisor", kOtherNip)), 403,
                  "only the responses they gave");
  // Nor may a participant answer in another's name; nothing is stored.
  nlohmann::json theirs = mine;
  theirs["respondentNip"] = kOtherNip;
  ExpectJsonError(Call("POST", "/v1/tenants/1504/responses?responseId=n2", theirs.dump(), Token("participant", kNip)),
                  403, "respondent_nip");
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/responses/n2").status, 404);

  // Aggregates: organisers yes, participants no.
  r = Call("GET", absl::StrCat("/v1/", kCohort, "/surveyAggregates"));
  EXPECT_NE(r.status, 403) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", kCohort, "/surveyAggregates"), "", Token("participant", kNip)).status, 403);
}

}  // namespace
}  // namespace pelita::gateway
