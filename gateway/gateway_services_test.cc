// The gateway in front of all four services at once: enrolment, survey,
// complaint and scoring, each a real in-process gRPC server on port 0, wired
// to one another through gRPC channels as their main.cc files wire them, and
// one real redis-server.  Everything is driven over real HTTP on loopback
// with signed tokens.  Covers the complaint route family (updates, Open311
// import, get, paged list, statistics, IKM), the scoring route family
// (evaluation, settings, roll-up, province benchmark, budget advice,
// ranking), instructor isolation end to end, a cross-tenant read, and the
// role rules on reading survey responses.

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/expect_json_error.h"
#include "gateway/gateway.h"
#include "gateway/http_client.h"
#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "services/complaint/complaint.h"
#include "services/complaint/enrolment_units.h"
#include "services/complaint/grpc_service.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"
#include "services/report/doc_tools.h"
#include "services/report/grpc_service.h"
#include "services/report/grpc_sources.h"
#include "services/tenant/client/registry_client.h"
#include "services/scoring/complaint_source.h"
#include "services/scoring/grpc_service.h"
#include "services/scoring/grpc_sources.h"
#include "services/survey/enrolment_roster.h"
#include "services/survey/grpc_service.h"
#include "services/survey/roster.h"
#include "services/survey/survey.h"

namespace pelita::gateway {
namespace {

using nlohmann::json;

constexpr char kKey[] = "test-hs256-key-0123456789abcdef0123456789";
constexpr char kProgram[] = "tenants/1504/programs/pelatihan";
constexpr char kCohortA[] = "tenants/1504/programs/pelatihan/cohorts/a1";
constexpr char kCohortB[] = "tenants/1504/programs/pelatihan/cohorts/a2";
constexpr char kUnit[] = "tenants/1504/units/dinkes";
constexpr char kInstructorA[] = "widyaiswara-1";
constexpr char kInstructorB[] = "widyaiswara-2";
constexpr int kParticipants = 5;  // the default minimum n, so nothing is withheld

// A valid NIP for participant `i` (born 1970-01-0{i+1}, appointed 2000-03).
std::string NipOf(int i) { return absl::StrCat("1970010", i + 1, "200003", 1 + i % 2, "00", i + 1); }

// proto3 JSON prints int64 as a string; accept either form.
int64_t Int(const json& j) {
  if (j.is_string()) return std::stoll(j.get<std::string>());
  if (j.is_number()) return j.get<int64_t>();
  return -1;
}

class GatewayServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());
    auto start = [&](const char* name, grpc::Service* service) {
      auto server = StartLocalServer(name, {service}, client_.get());
      EXPECT_TRUE(server.ok()) << name << ": " << server.status();
      return server.ok() ? *std::move(server) : nullptr;
    };
    auto channel = [](const std::unique_ptr<Server>& s) {
      return grpc::CreateChannel(s->address(), grpc::InsecureChannelCredentials());
    };

    enrolment_logic_ = std::make_unique<enrolment::EnrolmentLogic>(client_.get());
    enrolment_ = std::make_unique<enrolment::EnrolmentGrpcService>(enrolment_logic_.get());
    enrolment_server_ = start("enrolment", enrolment_.get());
    ASSERT_NE(enrolment_server_, nullptr);

    roster_source_ = std::make_unique<survey::EnrolmentRoster>(channel(enrolment_server_));
    roster_ = std::make_unique<survey::CachedRoster>(roster_source_.get(), absl::Seconds(30), absl::ZeroDuration());
    survey_logic_ = std::make_unique<survey::SurveyLogic>(client_.get(), roster_.get());
    survey_ = std::make_unique<survey::SurveyGrpcService>(survey_logic_.get());
    survey_server_ = start("survey", survey_.get());
    ASSERT_NE(survey_server_, nullptr);

    units_ = std::make_unique<complaint::EnrolmentUnitDirectory>(channel(enrolment_server_));
    complaint_logic_ = std::make_unique<complaint::ComplaintLogic>(client_.get(), units_.get());
    complaint_ = std::make_unique<complaint::ComplaintGrpcService>(complaint_logic_.get());
    complaint_server_ = start("complaint", complaint_.get());
    ASSERT_NE(complaint_server_, nullptr);

    enrolment_source_ = std::make_unique<scoring::GrpcEnrolmentSource>(channel(enrolment_server_));
    survey_source_ = std::make_unique<scoring::GrpcSurveySource>(channel(survey_server_));
    complaint_source_ = scoring::MakeComplaintSource(channel(complaint_server_));
    scoring::ScoringOptions options;
    options.tenants = {"1504"};
    scoring_logic_ = std::make_unique<scoring::ScoringLogic>(client_.get(), enrolment_source_.get(),
                                                             survey_source_.get(), complaint_source_.get(), options);
    scoring_ = std::make_unique<scoring::ScoringGrpcService>(scoring_logic_.get());
    scoring_server_ = start("scoring", scoring_.get());
    ASSERT_NE(scoring_server_, nullptr);

    // The report service reads enrolment and scoring over gRPC as its
    // main.cc wires it; the regency's record from a fixed registry.
    tenant::v1::Tenant batanghari;
    batanghari.set_name("tenants/1504");
    batanghari.set_display_name("Kabupaten Batang Hari");
    batanghari.set_time_zone("Asia/Jakarta");
    registry_ = std::make_unique<tenant::FixedRegistry>(std::vector<tenant::v1::Tenant>{batanghari});
    report_sources_ = std::make_unique<report::GrpcReportSources>(channel(enrolment_server_),
                                                                  channel(scoring_server_), channel(complaint_server_),
                                                                  channel(survey_server_),
                                                                  registry_.get());
    report_logic_ = std::make_unique<report::ReportLogic>(report_sources_.get(), report::ReportLogic::Options());
    report_ = std::make_unique<report::ReportGrpcService>(report_logic_.get());
    report_server_ = start("report", report_.get());
    ASSERT_NE(report_server_, nullptr);
    ASSERT_FALSE(HasFailure());

    GatewayOptions o;
    o.backends = {{"enrolment", enrolment_server_->address()},
                  {"survey", survey_server_->address()},
                  {"complaint", complaint_server_->address()},
                  {"scoring", scoring_server_->address()},
                  {"report", report_server_->address()}};
    o.auth.hs256_key = kKey;
    o.log_requests = false;
    auto g = Gateway::Create(o);
    ASSERT_TRUE(g.ok()) << g.status();
    gateway_ = *std::move(g);
    ASSERT_TRUE(gateway_->Start().ok());
    http_ = std::make_unique<HttpClient>(gateway_->port());

    SeedEnrolment();
  }

  void TearDown() override {
    http_.reset();
    gateway_.reset();
    for (auto* s : {&report_server_, &scoring_server_, &complaint_server_, &survey_server_, &enrolment_server_}) {
      if (*s) (*s)->Shutdown(absl::Seconds(1));
    }
  }

  static std::string Token(const std::string& role, const std::string& subject = "dev",
                           const std::string& tenant = "1504", const std::string& unit = "") {
    Claims c{subject, tenant, role, absl::ToUnixSeconds(absl::Now() + absl::Hours(1))};
    // A head of agency heads the first unit unless told otherwise.
    c.unit = unit.empty() && role == "agency_head" ? kUnit : unit;
    return *IssueToken(c, "HS256", kKey);
  }
  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& token = Token("organiser"), HttpClient::Headers headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + token);
    return http_->Request(method, target, body, headers);
  }

  // Two units, five employees of the first, one programme with two cohorts
  // taught by different instructors, and the five employees enrolled in the
  // first cohort; all through the enrolment routes.
  void SeedEnrolment() {
    ASSERT_EQ(Call("POST", "/v1/tenants/1504/units?unitId=dinkes",
                   R"({"displayName":"Dinas Kesehatan","monthlyServiceVolume":"3000"})").status, 200);
    ASSERT_EQ(Call("POST", "/v1/tenants/1504/units?unitId=disdukcapil",
                   R"({"displayName":"Disdukcapil","monthlyServiceVolume":"6000"})").status, 200);
    for (int i = 0; i < kParticipants; ++i) {
      json e = {{"nip", NipOf(i)}, {"fullName", absl::StrCat("Pegawai ", i)}, {"unit", kUnit},
                {"grade", "III/a"}, {"employmentType", "PNS"}};
      auto r = Call("POST", "/v1/tenants/1504/employees", e.dump());
      ASSERT_EQ(r.status, 200) << r.body;
    }
    auto r = Call("POST", "/v1/tenants/1504/programs?programId=pelatihan",
                  R"({"title":"Pelatihan","competencyType":"TEKNIS","jp":20,"year":2026,"costPerParticipant":"2000000"})");
    ASSERT_EQ(r.status, 200) << r.body;
    for (auto [id, instructor] : {std::pair{"a1", kInstructorA}, std::pair{"a2", kInstructorB}}) {
      json c = {{"displayName", id},
                {"startDate", {{"year", 2026}, {"month", 3}, {"day", 2}}},
                {"endDate", {{"year", 2026}, {"month", 3}, {"day", 6}}},
                {"capacity", 10},
                {"instructors", json::array({instructor})}};
      r = Call("POST", absl::StrCat("/v1/", kProgram, "/cohorts?cohortId=", id), c.dump());
      ASSERT_EQ(r.status, 200) << r.body;
    }
    for (int i = 0; i < kParticipants; ++i) {
      r = Call("POST", absl::StrCat("/v1/", kCohortA, "/enrolments"),
               json({{"employee", "tenants/1504/employees/" + NipOf(i)}}).dump());
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }

  // Default instruments, then per participant of cohort a1 one reaction
  // response and one observation with a free-text note, as one batch.
  void SeedSurvey() {
    auto r = Call("POST", "/v1/tenants/1504/instruments:installDefaults", "{}");
    ASSERT_EQ(r.status, 200) << r.body;
    json requests = json::array();
    const char* codes[] = {"M1", "M2", "M3", "I1", "I2", "I3", "F1", "F2", "F3", "P1", "P2", "P3"};
    for (int i = 0; i < kParticipants; ++i) {
      json reaction = json::array();
      for (int j = 0; j < 12; ++j) reaction.push_back({{"item", codes[j]}, {"number", 2 + (i + j) % 4}});
      requests.push_back({{"responseId", absl::StrCat("reaksi-", i)},
                          {"response",
                           {{"instrument", "tenants/1504/instruments/reaksi-peserta"},
                            {"cohort", kCohortA},
                            {"respondentNip", NipOf(i)},
                            {"answers", reaction}}}});
      json observation = {{{"item", "O1"}, {"number", 3}}, {{"item", "O2"}, {"number", 3}},
                          {{"item", "O3"}, {"number", 4}}, {{"item", "O4"}, {"number", 3}},
                          {{"item", "FREKUENSI"}, {"choice", "sering"}},
                          {{"item", "CATATAN"}, {"text", absl::StrCat("Antrean loket lebih tertib, catatan ", i)}}};
      requests.push_back({{"responseId", absl::StrCat("obs-", i)},
                          {"response",
                           {{"instrument", "tenants/1504/instruments/observasi-kinerja"},
                            {"cohort", kCohortA},
                            {"subjectNip", NipOf(i)},
                            {"answers", observation}}}});
    }
    r = Call("POST", "/v1/tenants/1504/responses:batchCreate", json({{"requests", requests}}).dump());
    ASSERT_EQ(r.status, 200) << r.body;
    const json results = r.Json()["results"];
    ASSERT_EQ(results.size(), requests.size()) << r.body;
    for (const auto& ack : results) ASSERT_EQ(ack.value("code", 0), 0) << ack.dump();
  }

  // The TextAnswers entry of the observation's CATATAN item, or null.
  static json ObservationNotes(const json& evaluation) {
    for (const auto& t : evaluation["behaviour"]["textAnswers"]) {
      if (t.value("item", "") == "CATATAN" && t.value("kind", "") == "observation") return t;
    }
    return nullptr;
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<enrolment::EnrolmentLogic> enrolment_logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_;
  std::unique_ptr<survey::EnrolmentRoster> roster_source_;
  std::unique_ptr<survey::CachedRoster> roster_;
  std::unique_ptr<survey::SurveyLogic> survey_logic_;
  std::unique_ptr<survey::SurveyGrpcService> survey_;
  std::unique_ptr<complaint::EnrolmentUnitDirectory> units_;
  std::unique_ptr<complaint::ComplaintLogic> complaint_logic_;
  std::unique_ptr<complaint::ComplaintGrpcService> complaint_;
  std::unique_ptr<scoring::GrpcEnrolmentSource> enrolment_source_;
  std::unique_ptr<scoring::GrpcSurveySource> survey_source_;
  std::unique_ptr<scoring::ComplaintSource> complaint_source_;
  std::unique_ptr<scoring::ScoringLogic> scoring_logic_;
  std::unique_ptr<scoring::ScoringGrpcService> scoring_;
  std::unique_ptr<tenant::FixedRegistry> registry_;
  std::unique_ptr<report::GrpcReportSources> report_sources_;
  std::unique_ptr<report::ReportLogic> report_logic_;
  std::unique_ptr<report::ReportGrpcService> report_;
  std::unique_ptr<Server> enrolment_server_, survey_server_, complaint_server_, scoring_server_, report_server_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(GatewayServicesTest, ComplaintRouteFamily) {
  // Three complaints by status update (one of them completed later) and two
  // through the Open311 import, one of which names the other unit.
  for (int i = 1; i <= 3; ++i) {
    json u = {{"complaintId", absl::StrCat("LAPOR-", i)}, {"unit", kUnit}, {"channel", "web"},
              {"classification", "PENGADUAN"}, {"category", "antrean"}, {"title", "Antrean panjang"},
              {"status", "RECEIVED"}, {"time", absl::StrCat("2026-02-1", i, "T03:00:00Z")}};
    auto r = Call("POST", "/v1/tenants/1504/complaints:recordUpdate", u.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["status"], "RECEIVED") << r.body;
  }
  auto r = Call("POST", "/v1/tenants/1504/complaints:recordUpdate",
                R"({"complaintId":"LAPOR-1","status":"COMPLETED","time":"2026-02-20T03:00:00Z"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "COMPLETED") << r.body;
  json open311 = json::array(
      {{{"service_request_id", "311-1"}, {"agency_responsible", "dinkes"}, {"service_name", "kebersihan"},
        {"description", "Sampah"}, {"status", "open"}, {"requested_datetime", "2026-02-15T09:00:00+07:00"}},
       {{"service_request_id", "311-2"}, {"agency_responsible", "disdukcapil"}, {"service_name", "ktp"},
        {"description", "KTP lama"}, {"status", "closed"}, {"requested_datetime", "2026-02-16T09:00:00+07:00"},
        {"updated_datetime", "2026-02-18T09:00:00+07:00"}}});
  r = Call("POST", "/v1/tenants/1504/complaints:importOpen311", json({{"requestsJson", open311.dump()}}).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Int(r.Json()["acceptedCount"]), 2) << r.body;  // pelita.type.v1.ImportResult

  // Read one back: the history holds both steps, in rank order.
  r = Call("GET", "/v1/tenants/1504/complaints/LAPOR-1");
  ASSERT_EQ(r.status, 200) << r.body;
  json c = r.Json();
  EXPECT_EQ(c["unit"], kUnit) << r.body;
  ASSERT_EQ(c["history"].size(), 2u) << r.body;
  EXPECT_EQ(c["history"][0]["status"], "RECEIVED") << r.body;
  EXPECT_EQ(c["history"][1]["status"], "COMPLETED") << r.body;

  // List with paging: 2 + 2 + 1, every complaint exactly once.
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    r = Call("GET", absl::StrCat("/v1/tenants/1504/complaints?pageSize=2",
                                 token.empty() ? "" : "&pageToken=" + token));
    ASSERT_EQ(r.status, 200) << r.body;
    json page = r.Json();
    EXPECT_LE(page["complaints"].size(), 2u) << r.body;
    for (const auto& x : page["complaints"]) names.push_back(x["name"]);
    token = page.value("nextPageToken", "");
    ASSERT_LT(++pages, 10) << "paging does not end";
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"tenants/1504/complaints/311-1", "tenants/1504/complaints/311-2",
                                             "tenants/1504/complaints/LAPOR-1", "tenants/1504/complaints/LAPOR-2",
                                             "tenants/1504/complaints/LAPOR-3"}));

  // Statistics of the unit over 2026: four received, one completed, rated
  // against its monthly service volume.
  r = Call("GET", absl::StrCat("/v1/tenants/1504/complaintStatistics?unit=", kUnit, "&period=2026"));
  ASSERT_EQ(r.status, 200) << r.body;
  json stats = r.Json();
  EXPECT_EQ(Int(stats["received"]), 4) << r.body;
  EXPECT_EQ(Int(stats["completed"]), 1) << r.body;
  EXPECT_EQ(Int(stats["monthlyServiceVolume"]), 3000) << r.body;
  EXPECT_GT(stats.value("complaintsPer1000", 0.0), 0.0) << r.body;

  // SKM: five respondents, four answering 3 on every element and one 4:
  // IKM = 3.2 on 1-4, 80 on 25-100.
  for (int k = 0; k < 5; ++k) {
    json resp = {{"name", absl::StrCat("tenants/1504/responses/skm-", k)}, {"unit", kUnit},
                 {"time", "2026-04-10T03:00:00Z"}, {"scores", std::vector<int>(9, k == 0 ? 4 : 3)}};
    r = Call("POST", "/v1/tenants/1504/satisfactionResponses", json({{"response", resp}}).dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json().value("recorded", false), true) << r.body;
  }
  r = Call("GET", absl::StrCat("/v1/", kUnit, "/satisfaction?period=2026"));
  ASSERT_EQ(r.status, 200) << r.body;
  json ikm = r.Json();
  EXPECT_EQ(Int(ikm["respondents"]), 5) << r.body;
  EXPECT_NEAR(ikm.value("ikm", 0.0), 3.2, 1e-9) << r.body;
  EXPECT_NEAR(ikm.value("ikmConverted", 0.0), 80.0, 1e-9) << r.body;
  EXPECT_EQ(ikm["elements"].size(), 9u) << r.body;

  // A bad field: 400 with a JSON error naming it; nothing was stored.
  r = Call("POST", "/v1/tenants/1504/complaints:recordUpdate",
           json({{"complaintId", "bad id!"}, {"unit", kUnit}, {"status", "RECEIVED"},
                 {"time", "2026-02-11T03:00:00Z"}}).dump());
  ExpectJsonError(r, 400, "complaint_id");
  EXPECT_EQ(r.Json()["status"], "INVALID_ARGUMENT") << r.body;
  r = Call("GET", "/v1/tenants/1504/complaintStatistics?period=2026-13");
  ExpectJsonError(r, 400, "period");
  r = Call("POST", "/v1/tenants/1504/satisfactionResponses",
           json({{"response", {{"name", "tenants/1504/responses/skm-x"}, {"unit", kUnit},
                               {"scores", json::array({3, 3, 3})}}}}).dump());
  ExpectJsonError(r, 400, "response.scores");

  // Heads of agencies read; participants may not.
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/complaints/LAPOR-2", "", Token("agency_head")).status, 200);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", kUnit, "/satisfaction?period=2026"), "", Token("agency_head")).status,
            200);
  ExpectJsonError(Call("GET", "/v1/tenants/1504/complaints/LAPOR-2", "", Token("participant", NipOf(0))), 403,
                  "participant");
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/complaints", "", Token("participant", NipOf(0))).status, 403);
  EXPECT_EQ(Call("POST", "/v1/tenants/1504/complaints:recordUpdate",
                 R"({"complaintId":"LAPOR-9","unit":"dinkes","status":"RECEIVED"})", Token("participant", NipOf(0)))
                .status,
            403);
  // Another tenant in the path is refused before the service is called.
  EXPECT_EQ(Call("GET", "/v1/tenants/1505/complaints", "", Token("agency_head")).status, 403);
  // The head of another unit: the complaint and the unit's figures are not
  // theirs, their list holds none of them, and they write no complaint.
  const std::string other_head = Token("agency_head", "dev", "1504", "tenants/1504/units/other");
  ExpectJsonError(Call("GET", "/v1/tenants/1504/complaints/LAPOR-2", "", other_head), 403, "unit");
  ExpectJsonError(Call("GET", absl::StrCat("/v1/", kUnit, "/satisfaction?period=2026"), "", other_head), 403,
                  "unit");
  auto listed = Call("GET", "/v1/tenants/1504/complaints", "", other_head);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_FALSE(listed.Json().contains("complaints")) << listed.body;
  auto own_list = Call("GET", "/v1/tenants/1504/complaints", "", Token("agency_head"));
  ASSERT_EQ(own_list.status, 200) << own_list.body;
  EXPECT_FALSE(own_list.Json().value("complaints", json::array()).empty()) << own_list.body;
  EXPECT_EQ(Call("POST", "/v1/tenants/1504/complaints:recordUpdate",
                 R"({"complaintId":"LAPOR-9","unit":"dinkes","status":"RECEIVED"})", Token("agency_head"))
                .status,
            403);
}

TEST_F(GatewayServicesTest, ScoringRouteFamily) {
  ASSERT_NO_FATAL_FAILURE(SeedSurvey());

  // The evaluation of cohort a1: five enrolled, all five reaction answers.
  const std::string evaluation = absl::StrCat("/v1/", kCohortA, "/evaluation");
  auto r = Call("GET", evaluation);
  ASSERT_EQ(r.status, 200) << r.body;
  json ev = r.Json();
  EXPECT_EQ(ev["name"], absl::StrCat(kCohortA, "/evaluation")) << r.body;
  EXPECT_EQ(Int(ev["enrolled"]), kParticipants) << r.body;
  EXPECT_EQ(ev["reaction"]["dimensions"].size(), 4u) << r.body;
  EXPECT_NEAR(ev["reaction"]["responseRate"].value("value", 0.0), 1.0, 1e-12) << r.body;
  EXPECT_EQ(ev["instructors"], json::array({kInstructorA})) << r.body;
  // Agency heads read reports too; participants do not.
  EXPECT_EQ(Call("GET", evaluation, "", Token("agency_head")).status, 200);
  EXPECT_EQ(Call("GET", evaluation, "", Token("participant", NipOf(0))).status, 403);

  // Settings: read the defaults, change the window only (updateMask), and a
  // non-organiser may not change them.
  const std::string settings = "/v1/tenants/1504/scoringSettings";
  r = Call("GET", settings);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().value("windowDays", 0), 90) << r.body;
  EXPECT_EQ(r.Json().value("minN", 0), 5) << r.body;
  r = Call("PATCH", settings + "?updateMask=windowDays", R"({"windowDays":60,"minN":50})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("GET", settings, "", Token("agency_head"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().value("windowDays", 0), 60) << r.body;
  EXPECT_EQ(r.Json().value("minN", 0), 5) << r.body;  // not in the mask: unchanged
  EXPECT_NEAR(r.Json()["weights"].value("l2", 0.0), 0.35, 1e-12) << r.body;
  for (const char* role : {"agency_head", "instructor", "participant"}) {
    ExpectJsonError(Call("PATCH", settings + "?updateMask=windowDays", R"({"windowDays":30})", Token(role)), 403,
                    role);
  }
  ExpectJsonError(Call("PATCH", settings + "?updateMask=bogus", R"({"windowDays":30})"), 400, "update_mask");
  EXPECT_EQ(Call("GET", settings).Json().value("windowDays", 0), 60);

  // The roll-up by unit: one row for the participants' unit.
  r = Call("GET", "/v1/tenants/1504/evaluations:rollUp?year=2026&groupBy=UNIT");
  ASSERT_EQ(r.status, 200) << r.body;
  json rollup = r.Json();
  EXPECT_EQ(rollup["groupBy"], "UNIT") << r.body;
  ASSERT_EQ(rollup["rows"].size(), 1u) << r.body;
  EXPECT_EQ(rollup["rows"][0]["group"], kUnit) << r.body;
  EXPECT_EQ(rollup["rows"][0]["title"], "Dinas Kesehatan") << r.body;
  EXPECT_EQ(Int(rollup["rows"][0]["participants"]), kParticipants) << r.body;
  ExpectJsonError(Call("GET", "/v1/tenants/1504/evaluations:rollUp?groupBy=UNIT"), 400, "year");

  // The province benchmark for a province token (tenant 15): read-only.
  const std::string province = Token("province", "jambi", "15");
  r = Call("GET", "/v1/provinces/15/benchmarks?year=2026&focusTenant=1504", "", province);
  ASSERT_EQ(r.status, 200) << r.body;
  json bench = r.Json();
  ASSERT_EQ(bench["tenants"].size(), 1u) << r.body;
  EXPECT_EQ(bench["tenants"][0]["tenant"], "1504") << r.body;
  EXPECT_EQ(bench["focusTenant"], "1504") << r.body;
  bool lists_1505 = false;
  for (const auto& m : bench["missingTenants"]) lists_1505 |= m == "1505";
  EXPECT_TRUE(lists_1505) << r.body;
  EXPECT_EQ(Call("GET", "/v1/provinces/16/benchmarks?year=2026", "", province).status, 403);
  // The province reads a regency's report but writes nothing.
  EXPECT_EQ(Call("GET", evaluation, "", province).status, 200);
  ExpectJsonError(Call("PATCH", settings + "?updateMask=windowDays", R"({"windowDays":30})", province), 403,
                  "province");
  ExpectJsonError(Call("POST", "/v1/tenants/1504:adviseBudget", "{}", province), 403, "province");
  // Ranking is a read (GET), which the province may do like every scoring read.
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/programs:rank?year=2026", "", province).status, 200);

  // Budget advice: Rp 15 M funds one cohort of ten at Rp 1 M each.
  json advise = {{"budget", "15000000"},
                 {"candidates", json::array({{{"program", kProgram}, {"costPerParticipant", "1000000"},
                                              {"cohortSize", 10}, {"maxCohorts", 2},
                                              {"effectPerParticipant", 5}}})}};
  r = Call("POST", "/v1/tenants/1504:adviseBudget", advise.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json advice = r.Json();
  EXPECT_EQ(Int(advice["allocated"]), 10000000) << r.body;
  ASSERT_EQ(advice["funded"].size(), 1u) << r.body;
  EXPECT_EQ(advice["funded"][0]["cohorts"], 1) << r.body;
  EXPECT_NEAR(advice.value("expectedImprovement", 0.0), 50.0, 1e-9) << r.body;
  ExpectJsonError(Call("POST", "/v1/tenants/1504:adviseBudget", R"({"budget":"1"})"), 400, "candidates");
  EXPECT_EQ(Call("POST", "/v1/tenants/1504:adviseBudget", advise.dump(), Token("agency_head")).status, 403);
  EXPECT_EQ(Call("POST", "/v1/tenants/1504:adviseBudget", advise.dump(), Token("instructor", kInstructorA)).status,
            403);

  // Ranking is a GET (AIP-136): the scoring readers' rule covers it.
  r = Call("GET", "/v1/tenants/1504/programs:rank?year=2026", "", Token("agency_head"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["byComposite"].size(), 1u) << r.body;
  EXPECT_EQ(r.Json()["byComposite"][0]["program"], kProgram) << r.body;
  EXPECT_FALSE(r.Json().contains("instructors")) << r.body;  // not an organiser: no instructor rows
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/programs:rank?year=2026", "", Token("participant", NipOf(0))).status,
            403);
  // The old POST form is gone: the path takes only GET.
  EXPECT_EQ(Call("POST", "/v1/tenants/1504/programs:rank", R"({"year":2026})", Token("agency_head")).status, 405);
}

// The report service's documents through the gateway (issue 17): bytes,
// not JSON, with their type and file name; the same readers as the figures
// they contain; a certificate its holder's; verification without an account.
TEST_F(GatewayServicesTest, DocumentsAreDownloadsWithTheReachOfTheirFigures) {
  ASSERT_NO_FATAL_FAILURE(SeedSurvey());
  const std::string report = absl::StrCat("/v1/", kCohortA, "/evaluation:report");
  auto r = Call("GET", report);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-type"), "application/pdf");
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"laporan-evaluasi-pelatihan-a1.pdf\"");
  EXPECT_EQ(r.Header("cache-control"), "private, no-store");
  EXPECT_EQ(r.body.substr(0, 5), "%PDF-");
  r = Call("GET", report + "?format=XLSX");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(r.body.substr(0, 2), "PK");
  // Instructors: their own cohort's report, not another's (scoring's reach,
  // through the caller the report service forwards).
  EXPECT_EQ(Call("GET", report, "", Token("instructor", kInstructorA)).status, 200);
  ExpectJsonError(Call("GET", report, "", Token("instructor", kInstructorB)), 403, kCohortA);
  ExpectJsonError(Call("GET", report, "", Token("participant", NipOf(0))), 403, "");
  ExpectJsonError(Call("GET", absl::StrCat("/v1/", kProgram, "/cohorts/none/evaluation:report")), 404, "");

  // A certificate: completed first; the holder reads theirs, not another's.
  const std::string enrolment = absl::StrCat(kCohortA, "/enrolments/", NipOf(0));
  r = Call("POST", absl::StrCat("/v1/", enrolment, ":complete"), R"({"certificateNumber":"BH/2026/0007"})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Call("GET", absl::StrCat("/v1/", enrolment, ":certificate"), "", Token("participant", NipOf(0)));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-type"), "application/pdf");
  EXPECT_EQ(r.body.substr(0, 5), "%PDF-");
  ExpectJsonError(Call("GET", absl::StrCat("/v1/", enrolment, ":certificate"), "", Token("participant", NipOf(1))),
                  403, "");
  ExpectJsonError(Call("GET", absl::StrCat("/v1/", kCohortA, "/enrolments/", NipOf(1), ":certificate")), 400,
                  "is not completed");
  r = Call("GET", absl::StrCat("/v1/", kCohortA, ":certificates"));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"sertifikat-pelatihan-a1.pdf\"");
  // Server-streamed like the response export: a chunked body, one whole PDF.
  EXPECT_EQ(r.Header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.body.substr(0, 5), "%PDF-");
  EXPECT_NE(r.body.rfind("%%EOF"), std::string::npos);
  ExpectJsonError(Call("GET", absl::StrCat("/v1/", kCohortA, ":certificates"), "", Token("participant", NipOf(0))),
                  403, "");

  // A cohort's reaction answers as a workbook (server-streamed pieces,
  // passed on as a chunked body), de-identified; organisers only.
  const std::string exp = absl::StrCat("/v1/", kCohortA,
                                       "/responses:export?instrument=tenants/1504/instruments/reaksi-peserta");
  r = Call("GET", exp);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"jawaban-reaksi-peserta-pelatihan-a1.xlsx\"");
  EXPECT_EQ(r.Header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.body.substr(0, 2), "PK");
  // A whole workbook: the zip's end-of-central-directory record closes it.
  EXPECT_NE(r.body.rfind("PK\x05\x06"), std::string::npos);
  ExpectJsonError(Call("GET", exp, "", Token("instructor", kInstructorA)), 403, "");

  // Every list as CSV on request: the roster's five, one row each.
  r = Call("GET", "/v1/tenants/1504/employees?pageSize=3", "", Token("organiser"), {{"Accept", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"employees.csv\"");
  EXPECT_FALSE(r.Header("x-next-page-token").empty());
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 4) << r.body;  // header and 3 rows
  EXPECT_TRUE(absl::StrContains(r.body, "Pegawai 0")) << r.body;
  // What is not a list has no CSV form.
  ExpectJsonError(Call("GET", absl::StrCat("/v1/", kCohortA), "", Token("organiser"), {{"Accept", "text/csv"}}), 406,
                  "text/csv");

  // Verification needs no account and confirms nothing but a real number.
  json v = {{"enrolment", enrolment}, {"certificateNumber", "BH/2026/0007"}};
  r = http_->Request("POST", "/v1/certificates:verify", v.dump(), {});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["holderName"], "Pegawai 0") << r.body;
  EXPECT_EQ(r.Json()["programTitle"], "Pelatihan") << r.body;
  EXPECT_FALSE(r.Json().contains("nip")) << r.body;
  v["certificateNumber"] = "BH/2026/0008";
  ExpectJsonError(http_->Request("POST", "/v1/certificates:verify", v.dump(), {}), 404, "no such certificate");
}

// The analysis pages' workbooks through the gateway (issue 17): the report
// service reads scoring as the caller, so a workbook holds the rows the
// JSON route gives the same caller, and is refused to whom scoring's
// figures are refused — 403 with a JSON body, as every refusal.
TEST_F(GatewayServicesTest, AnalysisWorkbooksHoldTheRowsOfTheirRoutes) {
  ASSERT_NO_FATAL_FAILURE(SeedSurvey());
  const std::string xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  auto rolled = Call("GET", "/v1/tenants/1504/evaluations:rollUp?year=2026&groupBy=UNIT");
  ASSERT_EQ(rolled.status, 200) << rolled.body;
  // The page's query, the verb changed (an enum in any case).
  auto r = Call("GET", "/v1/tenants/1504/evaluations:rollUpExport?year=2026&groupBy=unit");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-type"), xlsx);
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"rekap-2026-unit.xlsx\"");
  EXPECT_EQ(r.Header("cache-control"), "private, no-store");
  auto sheets = report::testing::XlsxCells(r.body);
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 2u);
  const auto& rows = (*sheets)[1].second;
  const json want = rolled.Json()["rows"];
  ASSERT_EQ(rows.size(), want.size() + 1);
  EXPECT_EQ(rows[0][0], "Unit kerja");
  EXPECT_EQ(rows[1][0], "Dinas Kesehatan");
  EXPECT_EQ(rows[1][1], want[0]["group"]);
  EXPECT_EQ(rows[1][3], absl::StrCat(Int(want[0]["participants"])));
  const json& reaction = want[0]["reaction"];
  EXPECT_EQ(rows[1][5], absl::StrCat(reaction.contains("n") ? Int(reaction["n"]) : 0)) << "the reaction's n";
  ExpectJsonError(Call("GET", "/v1/tenants/1504/evaluations:rollUpExport?groupBy=UNIT"), 400, "year");
  ExpectJsonError(Call("GET", "/v1/tenants/1504/evaluations:rollUpExport?year=2026"), 400, "group_by");
  ExpectJsonError(Call("GET", "/v1/tenants/1504/evaluations:rollUpExport?year=2026&groupBy=NOPE"), 400, "groupBy");
  ExpectJsonError(Call("GET", "/v1/tenants/1504/evaluations:rollUpExport?year=2026&groupBy=UNIT", "",
                       Token("participant", NipOf(0))),
                  403, "");
  ExpectJsonError(Call("GET", "/v1/tenants/1505/evaluations:rollUpExport?year=2026&groupBy=UNIT"), 403, "");
  // A head of agency reads it as they read the roll-up.
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/evaluations:rollUpExport?year=2026&groupBy=PROGRAM", "",
                 Token("agency_head"))
                .status,
            200);

  // The ranking: a sheet per list, the programme as the JSON ranks it.
  r = Call("GET", "/v1/tenants/1504/programs:rankExport?year=2026");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"peringkat-program-2026.xlsx\"");
  sheets = report::testing::XlsxCells(r.body);
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 4u);
  ASSERT_EQ((*sheets)[1].second.size(), 2u);
  EXPECT_EQ((*sheets)[1].second[1][2], kProgram);
  ExpectJsonError(Call("GET", "/v1/tenants/1504/programs:rankExport?year=2026", "", Token("participant", NipOf(0))),
                  403, "");

  // The province's comparison: its regencies' rows as the JSON gives them.
  const std::string province = Token("province", "jambi", "15");
  r = Call("GET", "/v1/provinces/15/benchmarks:export?year=2026&focusTenant=1504", "", province);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"perbandingan-kabupaten-kota-15-2026.xlsx\"");
  sheets = report::testing::XlsxCells(r.body);
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 3u);
  ASSERT_EQ((*sheets)[1].second.size(), 2u);
  EXPECT_EQ((*sheets)[1].second[1][1], "1504");
  ExpectJsonError(Call("GET", "/v1/provinces/16/benchmarks:export?year=2026", "", province), 403, "");
  // Scoring refuses instructors the benchmark; so does its workbook.
  ExpectJsonError(Call("GET", "/v1/provinces/15/benchmarks:export?year=2026", "", Token("instructor", kInstructorA)),
                  403, "");
}

TEST_F(GatewayServicesTest, InstructorsSeeOnlyTheirOwnCohorts) {
  ASSERT_NO_FATAL_FAILURE(SeedSurvey());
  const std::string own = absl::StrCat("/v1/", kCohortA, "/evaluation");
  const std::string other = absl::StrCat("/v1/", kCohortB, "/evaluation");

  // The organiser sees the observers' verbatim notes.
  auto r = Call("GET", own);
  ASSERT_EQ(r.status, 200) << r.body;
  json notes = ObservationNotes(r.Json());
  ASSERT_FALSE(notes.is_null()) << r.body;
  EXPECT_EQ(Int(notes["n"]), kParticipants) << r.body;
  EXPECT_EQ(notes["excerpts"].size(), 3u) << r.body;

  // The instructor listed on a1 reads its report (served from the cache the
  // organiser's call filled) without the excerpts, but with the terms.
  const std::string instructor = Token("instructor", kInstructorA);
  r = Call("GET", own, "", instructor);
  ASSERT_EQ(r.status, 200) << r.body;
  notes = ObservationNotes(r.Json());
  ASSERT_FALSE(notes.is_null()) << r.body;
  EXPECT_EQ(Int(notes["n"]), kParticipants) << r.body;
  EXPECT_FALSE(notes.contains("excerpts") && !notes["excerpts"].empty()) << r.body;
  EXPECT_FALSE(notes["topTerms"].empty()) << r.body;
  EXPECT_EQ(r.body.find("catatan 0"), std::string::npos) << r.body;

  // Cohort a2 does not list them: 403 with a JSON error naming the cohort.
  ExpectJsonError(Call("GET", other, "", instructor), 403, kCohortB);
  // ... while the instructor of a2 reads a2 and not a1.
  EXPECT_EQ(Call("GET", other, "", Token("instructor", kInstructorB)).status, 200);
  ExpectJsonError(Call("GET", own, "", Token("instructor", kInstructorB)), 403, kCohortA);
  // A refresh does not bypass the check either.
  EXPECT_EQ(Call("GET", other + "?refresh=true", "", instructor).status, 403);

  // Ranking over the instructor's own cohorts, with only their own row.
  r = Call("GET", "/v1/tenants/1504/programs:rank?year=2026", "", instructor);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["instructors"].size(), 1u) << r.body;
  EXPECT_EQ(r.Json()["instructors"][0]["instructor"], kInstructorA) << r.body;
  // The roll-up by instructor holds their own row only.
  r = Call("GET", "/v1/tenants/1504/evaluations:rollUp?year=2026&groupBy=INSTRUCTOR", "", instructor);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["rows"].size(), 1u) << r.body;
  EXPECT_EQ(r.Json()["rows"][0]["group"], kInstructorA) << r.body;

  // Cross-tenant: an organiser of 1504 may not read 1505's evaluation.
  ExpectJsonError(Call("GET", "/v1/tenants/1505/programs/pelatihan/cohorts/a1/evaluation"), 403, "1505");
  // The same path with a 1505 token passes the gateway (the service then
  // finds no such cohort): the refusal above is the tenant rule.
  r = Call("GET", "/v1/tenants/1505/programs/pelatihan/cohorts/a1/evaluation", "",
           Token("organiser", "dev", "1505"));
  EXPECT_NE(r.status, 403) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
}

TEST_F(GatewayServicesTest, OnlyOrganisersListCohortResponses) {
  ASSERT_NO_FATAL_FAILURE(SeedSurvey());
  const std::string list = absl::StrCat("/v1/", kCohortA,
                                        "/responses?instrument=tenants/1504/instruments/observasi-kinerja");
  auto r = Call("GET", list);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["responses"].size(), static_cast<size_t>(kParticipants)) << r.body;
  // Participants and supervisors answer surveys but may not list answers
  // (NIPs and free text), nor read one by name.
  for (const char* role : {"participant", "supervisor"}) {
    ExpectJsonError(Call("GET", list, "", Token(role, NipOf(0))), 403, "ListCohortResponses");
    EXPECT_EQ(Call("GET", "/v1/tenants/1504/responses/obs-1", "", Token(role, NipOf(0))).status, 403) << role;
  }
  // ... while they still write: a participant reports on themselves in the
  // 30-day follow-up window (days 15-44 after the cohort's 6 March).
  json answers = json::array({{{"item", "DITERAPKAN"}, {"yes", true}}});
  for (const char* code : {"R1", "R2", "R3", "R4"}) answers.push_back({{"item", code}, {"number", 4}});
  json response = {{"instrument", "tenants/1504/instruments/tindak-lanjut-atasan"}, {"cohort", kCohortA},
                   {"respondentNip", NipOf(1)}, {"subjectNip", NipOf(1)}, {"submitTime", "2026-03-25T05:00:00Z"},
                   {"answers", answers}};
  r = Call("POST", "/v1/tenants/1504/responses?responseId=late-1", response.dump(), Token("participant", NipOf(1)));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/responses/obs-1").status, 200);
}

// Each role's reach in the records (docs/ROLES.md, lib/role/reach): a
// supervisor reads their own staff only, without birth date or gender; a
// participant reads only themselves; an instructor lists only the cohorts
// they teach; a head of agency reads the roster of their own unit.
TEST_F(GatewayServicesTest, RecordReachOfEachRole) {
  // Employee 0 supervises employees 1 and 2.
  for (int i : {1, 2}) {
    json patch = {{"supervisorNip", NipOf(0)}};
    auto r = Call("PATCH", absl::StrCat("/v1/tenants/1504/employees/", NipOf(i), "?updateMask=supervisorNip"),
                  patch.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.Json().value("supervisorNip", ""), NipOf(0)) << r.body;
  }
  const std::string supervisor = Token("supervisor", NipOf(0));
  auto staff = Call("GET", "/v1/tenants/1504/employees", "", supervisor);
  ASSERT_EQ(staff.status, 200) << staff.body;
  const json staff_json = staff.Json();
  std::set<std::string> nips;
  for (const auto& e : staff_json["employees"]) {
    nips.insert(e["nip"].get<std::string>());
    EXPECT_FALSE(e.contains("birthDate")) << e;
    EXPECT_FALSE(e.contains("gender")) << e;
  }
  EXPECT_EQ(nips, (std::set<std::string>{NipOf(1), NipOf(2)}));
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/employees/" + NipOf(1), "", supervisor).status, 200);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/tenants/1504/employees/", NipOf(1), "/learningHours"), "", supervisor)
                .status,
            200);
  ExpectJsonError(Call("GET", "/v1/tenants/1504/employees/" + NipOf(3), "", supervisor), 403, "reach");
  // A participant: themselves, with their own birth date; nobody else.
  const std::string participant = Token("participant", NipOf(3));
  auto self = Call("GET", "/v1/tenants/1504/employees/" + NipOf(3), "", participant);
  ASSERT_EQ(self.status, 200) << self.body;
  EXPECT_TRUE(self.Json().contains("birthDate")) << self.body;
  auto other_person = Call("GET", "/v1/tenants/1504/employees/" + NipOf(4), "", participant);
  EXPECT_EQ(other_person.status, 403);
  EXPECT_NE(other_person.body.find("ROLE_NOT_ALLOWED"), std::string::npos) << other_person.body;
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/employees", "", participant).status, 403);
  // Their own trainings; nobody else's (the supervisor reads their staff's).
  auto own = Call("GET", absl::StrCat("/v1/tenants/1504/employees/", NipOf(3), "/trainings"), "", participant);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/tenants/1504/employees/", NipOf(4), "/trainings"), "", participant).status,
            403);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/tenants/1504/employees/", NipOf(1), "/trainings"), "", supervisor).status,
            200);
  ExpectJsonError(Call("GET", absl::StrCat("/v1/tenants/1504/employees/", NipOf(3), "/trainings"), "", supervisor),
                  403, "reach");
  // An instructor's cohort list holds their own cohort only.
  auto cohorts = Call("GET", absl::StrCat("/v1/", kProgram, "/cohorts"), "", Token("instructor", kInstructorA));
  ASSERT_EQ(cohorts.status, 200) << cohorts.body;
  ASSERT_EQ(cohorts.Json()["cohorts"].size(), 1u) << cohorts.body;
  EXPECT_EQ(cohorts.Json()["cohorts"][0]["instructors"][0], kInstructorA);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", kProgram, "/cohorts/a2"), "", Token("instructor", kInstructorA)).status,
            403);
  // Heads of agency: their unit's roster; another unit's head sees nobody.
  auto roster = Call("GET", "/v1/tenants/1504/employees", "", Token("agency_head"));
  ASSERT_EQ(roster.status, 200) << roster.body;
  EXPECT_EQ(roster.Json()["employees"].size(), static_cast<size_t>(kParticipants)) << roster.body;
  auto other = Call("GET", "/v1/tenants/1504/employees", "",
                    Token("agency_head", "dev", "1504", "tenants/1504/units/disdukcapil"));
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_FALSE(other.Json().contains("employees")) << other.body;
  EXPECT_EQ(Call("GET", "/v1/tenants/1504/employees/" + NipOf(0), "",
                 Token("agency_head", "dev", "1504", "tenants/1504/units/disdukcapil"))
                .status,
            403);
}

}  // namespace
}  // namespace pelita::gateway
