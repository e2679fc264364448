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


// Personal answer links through HTTP: the organiser issues one; opening and
// answering need no token at all; the link answers once, as its respondent,
// and a second answer, an altered link or a participant issuing links is
// refused with a JSON reason.
TEST_F(GatewaySurveyTest, AnswerLinksWorkWithoutAnAccount) {
  ASSERT_EQ(Call("POST", "/v1/tenants/1504/instruments:installDefaults", "{}").status, 200);
  nlohmann::json instrument = {
      {"title", "Kesan"}, {"kind", "REACTION"}, {"anonymous", false},
      {"items", {{{"code", "M1"}, {"text", "Materi"}, {"type", "LIKERT"}, {"required", true}, {"scaleMin", 1},
                  {"scaleMax", 4}, {"dimension", "MATERI"}}}}};
  ASSERT_EQ(Call("POST", "/v1/tenants/1504/instruments?instrumentId=kesan", instrument.dump()).status, 200);
  const std::string issue_path = absl::StrCat("/v1/", kCohort, ":issueAnswerLinks");
  const nlohmann::json issue = {{"instrument", "tenants/1504/instruments/kesan"}};
  // Participants do not issue links.
  auto refused = Call("POST", issue_path, issue.dump(), Token("participant", kNip));
  EXPECT_EQ(refused.status, 403) << refused.body;
  auto issued = Call("POST", issue_path, issue.dump());
  ASSERT_EQ(issued.status, 200) << issued.body;
  const nlohmann::json links = issued.Json()["links"];
  ASSERT_EQ(links.size(), 1u) << issued.body;
  EXPECT_EQ(links[0]["respondentNip"], kNip);
  const std::string token = links[0]["token"];

  // No Authorization header at all.
  auto open = http_->Request("POST", "/v1/answerLinks:open", nlohmann::json{{"token", token}}.dump(), {});
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(open.Json()["instrument"]["title"], "Kesan");
  EXPECT_EQ(open.Json()["respondentNip"], kNip);
  const nlohmann::json answer = {{"token", token},
                                 {"responseId", "tautan-1"},
                                 {"answers", {{{"item", "M1"}, {"number", 4}}}}};
  auto answered = http_->Request("POST", "/v1/answerLinks:answer", answer.dump(), {});
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(answered.Json()["respondentNip"], kNip);
  EXPECT_EQ(answered.Json()["name"], "tenants/1504/responses/tautan-1");
  nlohmann::json again = answer;
  again["responseId"] = "tautan-2";
  auto used = http_->Request("POST", "/v1/answerLinks:answer", again.dump(), {});
  ExpectJsonError(used, 403, "used");
  EXPECT_NE(used.body.find("LINK_USED"), std::string::npos) << used.body;
  std::string altered = token;
  altered[5] = altered[5] == 'x' ? 'y' : 'x';
  auto bad = http_->Request("POST", "/v1/answerLinks:open", nlohmann::json{{"token", altered}}.dump(), {});
  ExpectJsonError(bad, 403, "not an answer link");
  EXPECT_NE(bad.body.find("LINK_NOT_VALID"), std::string::npos) << bad.body;
  // The one answer is stored, once.
  auto list = Call("GET", absl::StrCat("/v1/", kCohort, "/responses?instrument=tenants/1504/instruments/kesan"));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json()["responses"].size(), 1u) << list.body;
}


// A participant's surveys and tests over REST (issue 16): their token reads
// their own list, which gives the link of an open task; another person's
// list is refused by the gateway's role table (self reach) before the
// service is asked; a supervisor token for another NIP likewise.
TEST_F(GatewaySurveyTest, ParticipantReadsOwnAnswerTasksOnly) {
  nlohmann::json instrument = {
      {"title", "Kesan"}, {"kind", "REACTION"}, {"anonymous", false},
      {"items", {{{"code", "M1"}, {"text", "Materi"}, {"type", "LIKERT"}, {"required", true}, {"scaleMin", 1},
                  {"scaleMax", 4}, {"dimension", "MATERI"}}}}};
  ASSERT_EQ(Call("POST", "/v1/tenants/1504/instruments?instrumentId=kesan", instrument.dump()).status, 200);
  auto issued = Call("POST", absl::StrCat("/v1/", kCohort, ":issueAnswerLinks"),
                     nlohmann::json{{"instrument", "tenants/1504/instruments/kesan"}}.dump());
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string own = absl::StrCat("/v1/tenants/1504/employees/", kNip, "/answerTasks");
  auto mine = Call("GET", own, "", Token("participant", kNip));
  ASSERT_EQ(mine.status, 200) << mine.body;
  const nlohmann::json tasks = mine.Json()["tasks"];
  ASSERT_EQ(tasks.size(), 1u) << mine.body;
  EXPECT_EQ(tasks[0]["state"], "OPEN");
  EXPECT_EQ(tasks[0]["instrumentTitle"], "Kesan");
  EXPECT_EQ(tasks[0]["instrumentKind"], "REACTION");
  EXPECT_EQ(tasks[0]["cohort"], kCohort);
  EXPECT_EQ(tasks[0]["token"], issued.Json()["links"][0]["token"]);
  EXPECT_TRUE(tasks[0].contains("expireTime")) << mine.body;
  // Answered by the listed link (no account needed for that), then ANSWERED.
  const nlohmann::json answer = {{"token", tasks[0]["token"]},
                                 {"responseId", "daftar-1"},
                                 {"answers", {{{"item", "M1"}, {"number", 3}}}}};
  ASSERT_EQ(http_->Request("POST", "/v1/answerLinks:answer", answer.dump(), {}).status, 200);
  mine = Call("GET", own, "", Token("participant", kNip));
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.Json()["tasks"][0]["state"], "ANSWERED");
  EXPECT_FALSE(mine.Json()["tasks"][0].contains("token")) << mine.body;

  // Someone else's list: the gateway refuses it for a participant or a
  // supervisor; the organiser reads it.
  const std::string theirs = absl::StrCat("/v1/tenants/1504/employees/", kOtherNip, "/answerTasks");
  for (const char* role : {"participant", "supervisor"}) {
    auto refused = Call("GET", theirs, "", Token(role, kNip));
    ExpectJsonError(refused, 403, "may not call ListAnswerTasks");
    EXPECT_NE(refused.body.find("ROLE_NOT_ALLOWED"), std::string::npos) << refused.body;
  }
  for (const char* role : {"instructor", "agency_head"}) {
    EXPECT_EQ(Call("GET", own, "", Token(role, kNip)).status, 403) << role;
  }
  auto staff = Call("GET", theirs);
  ASSERT_EQ(staff.status, 200) << staff.body;
  EXPECT_FALSE(staff.Json().contains("tasks")) << staff.body;  // nobody issued them one
  // No token at all; a NIP that is not one.
  EXPECT_EQ(http_->Request("GET", own, "", {}).status, 401);
  auto bad = Call("GET", "/v1/tenants/1504/employees/123/answerTasks");
  ExpectJsonError(bad, 400, "parent");
}

// The public SKM form through HTTP: no token; a browser's device token
// goes only into an HttpOnly cookie, which then refuses a second answer of
// that device today; other clients get the token in the body.
TEST_F(GatewaySurveyTest, PublicSkmFormWithDeviceCookie) {
  ASSERT_EQ(Call("POST", "/v1/tenants/1504/instruments:installDefaults", "{}").status, 200);
  auto form = http_->Request("GET", "/v1/tenants/1504/units/dinkes/skmForm", "", {});
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_EQ(form.Json()["unitTitle"], "Dinas Kesehatan");
  EXPECT_EQ(form.Json()["instrument"]["items"].size(), 14u);  // U1..U9, SARAN, the profile
  ExpectJsonError(http_->Request("GET", "/v1/tenants/1504/units/tidak-ada/skmForm", "", {}), 404, "not a unit");

  nlohmann::json answers = nlohmann::json::array();
  for (int i = 1; i <= 9; ++i) answers.push_back({{"item", absl::StrCat("U", i)}, {"number", 3}});
  const std::string path = "/v1/tenants/1504/units/dinkes/skmResponses";
  const HttpClient::Headers browser = {{"Sec-Fetch-Mode", "cors"}};
  auto first = http_->Request(
      "POST", path, nlohmann::json{{"responseId", "3f1c2a9e-0000-4000-8000-000000000001"}, {"answers", answers}}.dump(),
      browser);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string cookie = first.Header("set-cookie");
  EXPECT_EQ(cookie.rfind("pelita_skm=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_FALSE(first.Json().contains("deviceToken")) << first.body;
  HttpClient::Headers with_cookie = browser;
  with_cookie.emplace_back("Cookie", cookie.substr(0, cookie.find(';')));
  auto second = http_->Request(
      "POST", path, nlohmann::json{{"responseId", "3f1c2a9e-0000-4000-8000-000000000002"}, {"answers", answers}}.dump(),
      with_cookie);
  ExpectJsonError(second, 403, "already answered");
  EXPECT_NE(second.body.find("SKM_ALREADY_TODAY"), std::string::npos) << second.body;
  // Not a browser: the token comes in the body.
  auto other = http_->Request(
      "POST", path, nlohmann::json{{"responseId", "3f1c2a9e-0000-4000-8000-000000000003"}, {"answers", answers}}.dump(), {});
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_FALSE(other.Json().value("deviceToken", "").empty()) << other.body;
  EXPECT_TRUE(other.Header("set-cookie").empty());
  auto agg = Call("GET", "/v1/tenants/1504/units/dinkes/skmAggregates?startPeriod=" +
                             absl::FormatTime("%Y-%m", absl::Now(), absl::FixedTimeZone(7 * 3600)));
  ASSERT_EQ(agg.status, 200) << agg.body;
  EXPECT_EQ(agg.Json()["periods"][0]["responseCount"], "2") << agg.body;
}

}  // namespace
}  // namespace pelita::gateway
