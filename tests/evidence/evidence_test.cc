// Who may produce evidence (issue 13), tried the way participants,
// supervisors and organisers would, through the real services: enrolment
// (with the follow-up service and its stream followers), survey, complaint
// and scoring, each an in-process gRPC server on a loopback port, all on one
// real redis-server.  Every call goes over a real channel with the caller in
// the metadata, as the gateway sends it.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/ids/nip.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "services/complaint/complaint.h"
#include "services/complaint/enrolment_units.h"
#include "services/complaint/grpc_service.h"
#include "services/enrolment/domain.h"
#include "services/enrolment/enrolment.h"
#include "lib/time/time.h"
#include "services/followup/followers.h"
#include "services/followup/grpc_service.h"
#include "services/followup/grpc_sources.h"
#include "services/enrolment/grpc_service.h"
#include "services/scoring/complaint_source.h"
#include "services/scoring/grpc_service.h"
#include "services/scoring/grpc_sources.h"
#include "services/survey/enrolment_roster.h"
#include "services/survey/grpc_service.h"
#include "services/survey/roster.h"
#include "services/survey/survey.h"

namespace pelita {
namespace {

namespace ev1 = ::pelita::enrolment::v1;
namespace fv1 = ::pelita::followup::v1;
namespace sv1 = ::pelita::survey::v1;
namespace scv1 = ::pelita::scoring::v1;
using grpc::StatusCode;

constexpr char kProgram[] = "tenants/1504/programs/pelayanan-prima";
constexpr char kCohort[] = "tenants/1504/programs/pelayanan-prima/cohorts/angkatan-1";
constexpr char kCk[] = "pelayanan-prima/angkatan-1";
constexpr int kParticipants = 6;

std::string NipOf(int i) {
  return MakeNip(absl::CivilDay(1975 + i % 20, 1 + i % 12, 1 + i % 28), absl::CivilMonth(2015, 3),
                 i % 2 ? Nip::Gender::kMale : Nip::Gender::kFemale, 1 + i);
}

const absl::TimeZone& Wib() {
  static const absl::TimeZone tz = absl::FixedTimeZone(7 * 3600);
  return tz;
}

// The cohort ended 120 days ago, so every follow-up window (days 15-105 by
// default) is in the past and answers carry their own submit times.
const absl::CivilDay kToday = absl::ToCivilDay(absl::Now(), Wib());
const absl::CivilDay kEnd = kToday - 120;

google::protobuf::Timestamp Day(int days_after_end) {
  return google::protobuf::util::TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilHour(kEnd + days_after_end) + 12, Wib())));
}

const Caller kOrganiser{"1504", "organiser", "bkpsdm"};
Caller Participant(int i) { return Caller{"1504", "participant", NipOf(i)}; }
Caller Supervisor(const std::string& nip) { return Caller{"1504", "supervisor", nip}; }

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                  const Req& req, Resp* resp, const Caller& caller = kOrganiser) {
  grpc::ClientContext ctx;
  AttachCaller(ctx, caller);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return (stub->*method)(&ctx, req, resp);
}
#define ASSERT_RPC(expr)                                             \
  do {                                                               \
    grpc::Status _s = (expr);                                        \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.error_message();     \
  } while (0)

class EvidenceTest : public ::testing::Test {
 protected:
  // People: participants 0-5 (supervisor_nip S for 0-3, S2 for 4-5), the
  // supervisors S and S2, observer O, and participant 6 who enrols but
  // does not complete.
  const std::string kS = NipOf(50), kS2 = NipOf(51), kO = NipOf(60);

  void SetUp() override {
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    redis_server_ = std::move(*r);
    redis_ = std::make_unique<redis::Client>(redis_server_->options());
    auto start = [&](const char* name, std::vector<grpc::Service*> services) {
      auto server = StartLocalServer(name, services, redis_.get());
      EXPECT_TRUE(server.ok()) << name << ": " << server.status();
      return server.ok() ? *std::move(server) : nullptr;
    };
    auto channel = [](const std::unique_ptr<Server>& s) {
      return grpc::CreateChannel(s->address(), grpc::InsecureChannelCredentials());
    };
    enrolment_logic_ = std::make_unique<enrolment::EnrolmentLogic>(redis_.get());
    enrolment_service_ = std::make_unique<enrolment::EnrolmentGrpcService>(enrolment_logic_.get());
    enrolment_server_ = start("enrolment", {enrolment_service_.get()});
    ASSERT_NE(enrolment_server_, nullptr);
    // The follow-up service: enrolment over gRPC, its followers on lib/events.
    followup_enrolment_ = std::make_unique<followup::GrpcEnrolmentSource>(channel(enrolment_server_));
    followup_store_ = std::make_unique<followup::FollowUpStore>(redis_.get());
    const absl::TimeZone wib = *LoadIndonesianTimeZone(kWib);
    followup_logic_ = std::make_unique<followup::FollowUpLogic>(
        followup_store_.get(), followup_enrolment_.get(), &behaviour_proxy_,
        [wib](const std::string&) { return wib; });
    followup_service_ = std::make_unique<followup::FollowUpGrpcService>(followup_logic_.get());
    followup_server_ = start("followup", {followup_service_.get()});
    ASSERT_NE(followup_server_, nullptr);
    events::FollowerOptions fo;
    fo.consumer = "test";
    completions_ = followup::MakeEnrolmentFollower(redis_.get(), &tenants_, followup_logic_.get(), fo);
    answers_ = followup::MakeSurveyFollower(redis_.get(), &tenants_, followup_logic_.get(), fo);
    // Survey asks enrolment and follow-up over gRPC.
    roster_source_ = std::make_unique<survey::EnrolmentRoster>(channel(enrolment_server_), absl::Seconds(5),
                                                               channel(followup_server_));
    // No caching: a withdrawal or a newly recorded supervisor is seen by the
    // next call (production caches for 30 s and refetches on a miss).
    roster_ = std::make_unique<survey::CachedRoster>(roster_source_.get(), absl::ZeroDuration(),
                                                     absl::ZeroDuration());
    survey_logic_ = std::make_unique<survey::SurveyLogic>(redis_.get(), roster_.get());
    survey_service_ = std::make_unique<survey::SurveyGrpcService>(survey_logic_.get(), 64);
    survey_server_ = start("survey", {survey_service_.get()});
    ASSERT_NE(survey_server_, nullptr);
    units_ = std::make_unique<complaint::EnrolmentUnitDirectory>(channel(enrolment_server_));
    complaint_logic_ = std::make_unique<complaint::ComplaintLogic>(redis_.get(), units_.get());
    complaint_service_ = std::make_unique<complaint::ComplaintGrpcService>(complaint_logic_.get());
    complaint_server_ = start("complaint", {complaint_service_.get()});
    ASSERT_NE(complaint_server_, nullptr);
    enrolment_source_ = std::make_unique<scoring::GrpcEnrolmentSource>(channel(enrolment_server_));
    survey_source_ = std::make_unique<scoring::GrpcSurveySource>(channel(survey_server_));
    complaint_source_ = scoring::MakeComplaintSource(channel(complaint_server_));
    scoring_logic_ = std::make_unique<scoring::ScoringLogic>(redis_.get(), enrolment_source_.get(),
                                                             survey_source_.get(), complaint_source_.get());
    scoring_service_ = std::make_unique<scoring::ScoringGrpcService>(scoring_logic_.get());
    scoring_server_ = start("scoring", {scoring_service_.get()});
    ASSERT_NE(scoring_server_, nullptr);
    // Follow-up reads the cohorts' L3 from scoring (started after it).
    behaviour_proxy_.target = std::make_unique<followup::GrpcBehaviourSource>(channel(scoring_server_));

    enrolment_ = ev1::EnrolmentService::NewStub(channel(enrolment_server_));
    followup_ = fv1::FollowUpService::NewStub(channel(followup_server_));
    survey_ = sv1::SurveyService::NewStub(channel(survey_server_));
    scoring_ = scv1::ScoringService::NewStub(channel(scoring_server_));
    Seed();
  }

  void TearDown() override {
    for (auto* s : {&scoring_server_, &complaint_server_, &survey_server_, &followup_server_, &enrolment_server_}) {
      if (*s) (*s)->Shutdown(absl::Seconds(1));
    }
  }

  void AddEmployee(const std::string& nip, const std::string& supervisor) {
    ev1::CreateEmployeeRequest req;
    req.set_parent("tenants/1504");
    req.mutable_employee()->set_nip(nip);
    req.mutable_employee()->set_full_name("Pegawai " + nip.substr(0, 8));
    req.mutable_employee()->set_unit("tenants/1504/units/disdukcapil");
    req.mutable_employee()->set_employment_type(ev1::PNS);
    req.mutable_employee()->set_supervisor_nip(supervisor);
    ev1::Employee out;
    ASSERT_RPC(Call(enrolment_.get(), &ev1::EnrolmentService::Stub::CreateEmployee, req, &out));
  }

  void Seed() {
    ev1::CreateUnitRequest u;
    u.set_parent("tenants/1504");
    u.set_unit_id("disdukcapil");
    u.mutable_unit()->set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
    u.mutable_unit()->set_monthly_service_volume(3000);
    ev1::Unit unit;
    ASSERT_RPC(Call(enrolment_.get(), &ev1::EnrolmentService::Stub::CreateUnit, u, &unit));
    for (const std::string& nip : {kS, kS2, kO}) AddEmployee(nip, "");
    for (int i = 0; i <= kParticipants; ++i) AddEmployee(NipOf(i), i < 4 ? kS : kS2);
    ev1::CreateProgramRequest p;
    p.set_parent("tenants/1504");
    p.set_program_id("pelayanan-prima");
    p.mutable_program()->set_title("Pelayanan Prima");
    p.mutable_program()->set_competency_type(ev1::TEKNIS);
    p.mutable_program()->set_jp(30);
    p.mutable_program()->set_year(static_cast<int>(kEnd.year()));
    ev1::Program program;
    ASSERT_RPC(Call(enrolment_.get(), &ev1::EnrolmentService::Stub::CreateProgram, p, &program));
    ev1::CreateCohortRequest c;
    c.set_parent(kProgram);
    c.set_cohort_id("angkatan-1");
    *c.mutable_cohort()->mutable_start_date() = enrolment::FromCivilDay(kEnd - 4);
    *c.mutable_cohort()->mutable_end_date() = enrolment::FromCivilDay(kEnd);
    c.mutable_cohort()->set_capacity(30);
    c.mutable_cohort()->add_observers(kO);
    ev1::Cohort cohort;
    ASSERT_RPC(Call(enrolment_.get(), &ev1::EnrolmentService::Stub::CreateCohort, c, &cohort));
    ASSERT_EQ(cohort.follow_up_windows_size(), 3);
    for (int i = 0; i <= kParticipants; ++i) {
      ev1::CreateEnrolmentRequest e;
      e.set_parent(kCohort);
      e.mutable_enrolment()->set_employee("tenants/1504/employees/" + NipOf(i));
      ev1::Enrolment out;
      ASSERT_RPC(Call(enrolment_.get(), &ev1::EnrolmentService::Stub::CreateEnrolment, e, &out));
      if (i == kParticipants) continue;
      ev1::CompleteEnrolmentRequest done;
      done.set_name(absl::StrCat(kCohort, "/enrolments/", NipOf(i)));
      ASSERT_RPC(Call(enrolment_.get(), &ev1::EnrolmentService::Stub::CompleteEnrolment, done, &out));
    }
    sv1::InstallDefaultInstrumentsRequest inst;
    inst.set_parent("tenants/1504");
    sv1::InstallDefaultInstrumentsResponse installed;
    ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::InstallDefaultInstruments, inst, &installed));
    // An identified reaction survey (the default one is anonymous).
    sv1::GetInstrumentRequest get;
    get.set_name("tenants/1504/instruments/reaksi-peserta");
    sv1::Instrument reaction;
    ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::GetInstrument, get, &reaction));
    sv1::CreateInstrumentRequest named;
    named.set_parent("tenants/1504");
    named.set_instrument_id("reaksi-bernama");
    *named.mutable_instrument() = reaction;
    named.mutable_instrument()->set_anonymous(false);
    sv1::Instrument created;
    ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::CreateInstrument, named, &created));
    Drain();
  }

  // Runs the enrolment service's stream followers until they have nothing
  // left (what its background loop does every second).
  void Drain() {
    for (int i = 0; i < 100; ++i) {
      auto a = completions_->PollOnce();
      auto b = answers_->PollOnce();
      ASSERT_TRUE(a.ok() && b.ok());
      if (*a == 0 && *b == 0) return;
    }
    FAIL() << "the followers did not settle";
  }

  static sv1::CreateResponseRequest Reaction(const std::string& instrument, const std::string& id,
                                             const std::string& nip, int base) {
    sv1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    sv1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/" + instrument);
    r.set_cohort(kCohort);
    r.set_respondent_nip(nip);
    const char* codes[] = {"M1", "M2", "M3", "I1", "I2", "I3", "F1", "F2", "F3", "P1", "P2", "P3"};
    for (int i = 0; i < 12; ++i) {
      sv1::Answer* a = r.add_answers();
      a->set_item(codes[i]);
      a->set_number(1 + (base + i) % 5);
    }
    return req;
  }

  static sv1::CreateResponseRequest FollowUp(const std::string& id, const std::string& respondent,
                                             const std::string& subject, int day, bool applied) {
    sv1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    sv1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/tindak-lanjut-atasan");
    r.set_cohort(kCohort);
    r.set_respondent_nip(respondent);
    r.set_subject_nip(subject);
    *r.mutable_submit_time() = Day(day);
    sv1::Answer* a = r.add_answers();
    a->set_item("DITERAPKAN");
    a->set_yes(applied);
    for (const char* code : {"R1", "R2", "R3", "R4"}) {
      sv1::Answer* b = r.add_answers();
      b->set_item(code);
      b->set_number(applied ? 4 : 2);
    }
    return req;
  }

  static sv1::CreateResponseRequest Observation(const std::string& id, const std::string& observer,
                                                const std::string& subject) {
    sv1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    sv1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/observasi-kinerja");
    r.set_cohort(kCohort);
    r.set_respondent_nip(observer);
    r.set_subject_nip(subject);
    for (const char* code : {"O1", "O2", "O3", "O4"}) {
      sv1::Answer* a = r.add_answers();
      a->set_item(code);
      a->set_number(3);
    }
    sv1::Answer* f = r.add_answers();
    f->set_item("FREKUENSI");
    f->set_choice("sering");
    return req;
  }

  grpc::Status Post(const sv1::CreateResponseRequest& req, const Caller& caller, sv1::Response* out = nullptr) {
    sv1::Response ignored;
    return Call(survey_.get(), &sv1::SurveyService::Stub::CreateResponse, req, out ? out : &ignored, caller);
  }

  sv1::ResponseAck PostOne(const sv1::CreateResponseRequest& req, const Caller& caller) {
    sv1::BatchCreateResponsesRequest b;
    b.set_parent("tenants/1504");
    *b.add_requests() = req;
    sv1::BatchCreateResponsesResponse out;
    grpc::Status s = Call(survey_.get(), &sv1::SurveyService::Stub::BatchCreateResponses, b, &out, caller);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.results_size() ? out.results(0) : sv1::ResponseAck();
  }

  sv1::InstrumentAggregates Aggregates(const std::string& instrument, sv1::CohortAggregates* all = nullptr) {
    sv1::GetCohortAggregatesRequest q;
    q.set_name(absl::StrCat(kCohort, "/surveyAggregates"));
    q.set_instrument("tenants/1504/instruments/" + instrument);
    sv1::CohortAggregates out;
    grpc::Status s = Call(survey_.get(), &sv1::SurveyService::Stub::GetCohortAggregates, q, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (all) *all = out;
    return out.instruments_size() ? out.instruments(0) : sv1::InstrumentAggregates();
  }

  scv1::Evaluation Evaluation() {
    scv1::GetEvaluationRequest req;
    req.set_name(absl::StrCat(kCohort, "/evaluation"));
    req.set_refresh(true);
    scv1::Evaluation ev;
    grpc::Status s = Call(scoring_.get(), &scv1::ScoringService::Stub::GetEvaluation, req, &ev);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return ev;
  }

  int64_t StreamLength() { return redis_->Run({"XLEN", "survey:{1504}:responses"})->integer; }

  fv1::FollowUpTask Task(int participant, int days, const char* role) {
    fv1::GetFollowUpTaskRequest req;
    req.set_name(absl::StrCat("tenants/1504/followUpTasks/pelayanan-prima.angkatan-1.", NipOf(participant), ".",
                              days, ".", role));
    fv1::FollowUpTask t;
    grpc::Status s = Call(followup_.get(), &fv1::FollowUpService::Stub::GetFollowUpTask, req, &t);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return t;
  }

  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<enrolment::EnrolmentLogic> enrolment_logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_service_;
  // The scoring service starts after the follow-up service that reads it.
  struct BehaviourProxy : followup::BehaviourSource {
    std::unique_ptr<followup::BehaviourSource> target;
    absl::StatusOr<scv1::Behaviour> CohortBehaviour(const std::string& t, const std::string& c) override {
      if (target == nullptr) return absl::UnavailableError("scoring not started");
      return target->CohortBehaviour(t, c);
    }
  };
  BehaviourProxy behaviour_proxy_;
  events::FixedTenants tenants_{{"1504"}};
  std::unique_ptr<followup::GrpcEnrolmentSource> followup_enrolment_;
  std::unique_ptr<followup::FollowUpStore> followup_store_;
  std::unique_ptr<followup::FollowUpLogic> followup_logic_;
  std::unique_ptr<followup::FollowUpGrpcService> followup_service_;
  std::unique_ptr<Server> followup_server_;
  std::unique_ptr<events::Follower> completions_, answers_;
  std::unique_ptr<survey::EnrolmentRoster> roster_source_;
  std::unique_ptr<survey::CachedRoster> roster_;
  std::unique_ptr<survey::SurveyLogic> survey_logic_;
  std::unique_ptr<survey::SurveyGrpcService> survey_service_;
  std::unique_ptr<complaint::EnrolmentUnitDirectory> units_;
  std::unique_ptr<complaint::ComplaintLogic> complaint_logic_;
  std::unique_ptr<complaint::ComplaintGrpcService> complaint_service_;
  std::unique_ptr<scoring::GrpcEnrolmentSource> enrolment_source_;
  std::unique_ptr<scoring::GrpcSurveySource> survey_source_;
  std::unique_ptr<scoring::ComplaintSource> complaint_source_;
  std::unique_ptr<scoring::ScoringLogic> scoring_logic_;
  std::unique_ptr<scoring::ScoringGrpcService> scoring_service_;
  std::unique_ptr<Server> enrolment_server_, survey_server_, complaint_server_, scoring_server_;
  std::unique_ptr<ev1::EnrolmentService::Stub> enrolment_;
  std::unique_ptr<fv1::FollowUpService::Stub> followup_;
  std::unique_ptr<sv1::SurveyService::Stub> survey_;
  std::unique_ptr<scv1::ScoringService::Stub> scoring_;
};

// A participant posts the same reaction survey again and again with new
// ids: every post is accepted, but only the last one counts, and every
// aggregate is exactly that answer's (the earlier ones are subtracted in the
// same script); the cohort's figures count one person.
TEST_F(EvidenceTest, OnePersonOneAnswerResubmissionReplacesAndAggregatesStayExact) {
  std::string last_name;
  for (int k = 0; k < 4; ++k) {
    auto req = Reaction("reaksi-bernama", absl::StrCat("p0-", k), NipOf(0), k);
    *req.mutable_response()->mutable_submit_time() = Day(1 + k);
    sv1::ResponseAck ack = PostOne(req, Participant(0));
    ASSERT_EQ(ack.code(), 0) << ack.message();
    EXPECT_EQ(ack.replaced(), k > 0) << k;
    if (k > 0) EXPECT_EQ(ack.replaced_response(), last_name);
    last_name = ack.response().name();
  }
  auto last = Reaction("reaksi-bernama", "p0-3", NipOf(0), 3);
  sv1::InstrumentAggregates a = Aggregates("reaksi-bernama");
  EXPECT_EQ(a.response_count(), 1);
  EXPECT_EQ(a.respondent_count(), 1);
  int64_t total = 0, squares = 0;
  for (int i = 0; i < 12; ++i) {
    const int64_t v = last.response().answers(i).number();
    EXPECT_EQ(a.items(i).n(), 1) << a.items(i).item();
    EXPECT_EQ(a.items(i).sum(), v) << a.items(i).item();
    EXPECT_EQ(a.items(i).sum_squares(), v * v) << a.items(i).item();
    total += v;
  }
  squares = total * total;
  EXPECT_EQ(a.total_sum(), total);
  EXPECT_EQ(a.total_sum_squares(), squares);
  EXPECT_EQ(a.reliability().n(), 1);
  // The replaced responses say so and are no longer listed.
  sv1::GetResponseRequest get;
  get.set_name("tenants/1504/responses/p0-0");
  sv1::Response first;
  ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::GetResponse, get, &first));
  EXPECT_EQ(first.replaced_by(), "tenants/1504/responses/p0-1");
  sv1::ListCohortResponsesRequest list;
  list.set_parent(kCohort);
  list.set_instrument("tenants/1504/instruments/reaksi-bernama");
  sv1::ListCohortResponsesResponse listed;
  ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::ListCohortResponses, list, &listed));
  ASSERT_EQ(listed.responses_size(), 1);
  EXPECT_EQ(listed.responses(0).name(), "tenants/1504/responses/p0-3");
  // An offline copy submitted before the standing answer does not replace it.
  auto stale = Reaction("reaksi-bernama", "p0-old", NipOf(0), 9);
  *stale.mutable_response()->mutable_submit_time() = Day(0);
  EXPECT_EQ(Post(stale, Participant(0)).error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Aggregates("reaksi-bernama").total_sum(), total);

  // The anonymous default survey: a participant cannot answer with a NIP,
  // and an organiser entering paper forms by NIP enters each person once.
  auto anon = Reaction("reaksi-peserta", "anon-0", NipOf(1), 1);
  grpc::Status s = Post(anon, Participant(1));
  EXPECT_EQ(s.error_code(), StatusCode::PERMISSION_DENIED) << s.error_message();
  ASSERT_RPC(Post(anon, kOrganiser));
  ASSERT_RPC(Post(anon, kOrganiser));  // a retry of the same id: the same answer
  for (int k = 1; k < 4; ++k) {
    s = Post(Reaction("reaksi-peserta", absl::StrCat("anon-0-", k), NipOf(1), k), kOrganiser);
    EXPECT_EQ(s.error_code(), StatusCode::ALREADY_EXISTS) << s.error_message();
  }
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 1);

  // The report counts people: three respondents of the reaction surveys
  // are below the minimum of 5, so no dimension score is shown (six posts
  // of one person used to lift it over).
  ASSERT_RPC(Post(Reaction("reaksi-bernama", "p2-0", NipOf(2), 4), Participant(2)));
  scv1::Evaluation ev = Evaluation();
  EXPECT_LE(ev.reaction().response_rate().value(), 1.0);
  for (const auto& d : ev.reaction().dimensions()) EXPECT_TRUE(d.score().withheld()) << d.dimension();
}

// Eligibility without identity: one single-use token per enrolled
// participant, unforgeable, bound to its survey and cohort; what is stored
// cannot be traced back to the participant.
TEST_F(EvidenceTest, AnonymousSurveyTokensAreSingleUseUnforgeableAndUnlinkable) {
  auto issue = [&](const std::string& nip, const Caller& caller, sv1::ResponseToken* out,
                   const std::string& instrument = "reaksi-peserta") {
    sv1::IssueResponseTokenRequest req;
    req.set_parent("tenants/1504");
    req.set_instrument("tenants/1504/instruments/" + instrument);
    req.set_cohort(kCohort);
    req.set_nip(nip);
    return Call(survey_.get(), &sv1::SurveyService::Stub::IssueResponseToken, req, out, caller);
  };
  sv1::ResponseToken token, again, theirs, organised;
  ASSERT_RPC(issue(NipOf(1), Participant(1), &token));
  EXPECT_EQ(issue(NipOf(1), Participant(1), &again).error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(issue(NipOf(2), Participant(1), &theirs).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(issue(kS, kOrganiser, &theirs).error_code(), StatusCode::FAILED_PRECONDITION);  // not enrolled
  EXPECT_EQ(issue(NipOf(2), Participant(2), &theirs, "reaksi-bernama").error_code(),
            StatusCode::FAILED_PRECONDITION);  // an identified survey takes no token
  ASSERT_RPC(issue(NipOf(3), kOrganiser, &organised));  // for a paper form

  auto with_token = [](const std::string& id, const std::string& t, int base) {
    auto req = Reaction("reaksi-peserta", id, "", base);
    req.mutable_response()->clear_respondent_nip();
    req.mutable_response()->set_eligibility_token(t);
    return req;
  };
  sv1::Response stored;
  ASSERT_RPC(Post(with_token("anon-1", token.token(), 2), Participant(1), &stored));
  EXPECT_TRUE(stored.respondent_nip().empty());
  EXPECT_TRUE(stored.eligibility_token().empty());
  // Used once: a second answer with it is refused, whoever sends it.
  EXPECT_EQ(Post(with_token("anon-2", token.token(), 3), Participant(1)).error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Post(with_token("anon-3", token.token(), 3), kOrganiser).error_code(), StatusCode::ALREADY_EXISTS);
  // Forged: a changed MAC, a made-up token, a token moved to another cohort.
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(organised.token(), &raw));
  raw.back() ^= 1;
  EXPECT_EQ(Post(with_token("anon-4", absl::WebSafeBase64Escape(raw), 3), kOrganiser).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Post(with_token("anon-5", absl::WebSafeBase64Escape(std::string(32, 'x')), 3), kOrganiser).error_code(),
            StatusCode::PERMISSION_DENIED);
  auto moved = with_token("anon-6", organised.token(), 3);
  moved.mutable_response()->set_cohort("tenants/1504/programs/pelayanan-prima/cohorts/angkatan-2");
  EXPECT_NE(Post(moved, kOrganiser).error_code(), StatusCode::OK);
  // Nor does the token come with a NIP.
  auto both = with_token("anon-7", organised.token(), 3);
  both.mutable_response()->set_respondent_nip(NipOf(3));
  EXPECT_EQ(Post(both, kOrganiser).error_code(), StatusCode::INVALID_ARGUMENT);
  ASSERT_RPC(Post(with_token("anon-8", organised.token(), 4), kOrganiser));
  sv1::InstrumentAggregates a = Aggregates("reaksi-peserta");
  EXPECT_EQ(a.response_count(), 2);
  EXPECT_EQ(a.tokens_issued(), 2);
  EXPECT_LE(a.response_count(), a.eligible_count());

  // Nothing the survey service stores links a response to a NIP: the NIPs
  // appear only in the set of who was issued a token, which holds nothing
  // else; no stored response, key name or other value carries them.
  std::set<std::string> nips = {NipOf(1), NipOf(3)};
  auto keys = redis_->Run({"KEYS", "survey:{1504}:*"});
  ASSERT_TRUE(keys.ok());
  int inspected = 0;
  for (const auto& k : keys->elements) {
    const std::string& key = k.str;
    for (const auto& nip : nips) EXPECT_FALSE(absl::StrContains(key, nip)) << key;
    const std::string type = redis_->Run({"TYPE", key})->str;
    std::vector<std::string> values;
    if (type == "hash" || type == "set" || type == "list" || type == "string" || type == "zset") {
      redis::Command cmd = type == "hash"   ? redis::Command{"HGETALL", key}
                           : type == "set"  ? redis::Command{"SMEMBERS", key}
                           : type == "list" ? redis::Command{"LRANGE", key, "0", "-1"}
                           : type == "zset" ? redis::Command{"ZRANGE", key, "0", "-1"}
                                            : redis::Command{"GET", key};
      auto r = redis_->Run(cmd);
      ASSERT_TRUE(r.ok());
      if (type == "string") values.push_back(r->str);
      for (const auto& e : r->elements) values.push_back(e.str);
    } else if (type == "stream") {
      auto r = redis_->Run({"XRANGE", key, "-", "+"});
      ASSERT_TRUE(r.ok());
      for (const auto& entry : r->elements) {
        for (const auto& f : entry.elements[1].elements) values.push_back(f.str);
      }
    } else {
      ADD_FAILURE() << "unexpected type " << type << " of " << key;
    }
    ++inspected;
    const bool issued_set = absl::StrContains(key, ":tokiss:");
    for (const std::string& v : values) {
      for (const auto& nip : nips) {
        if (issued_set) continue;
        EXPECT_FALSE(absl::StrContains(v, nip)) << key << " holds " << nip;
      }
      if (issued_set) {
        EXPECT_TRUE(nips.count(v)) << key << " holds something besides NIPs";
        EXPECT_FALSE(absl::StrContains(v, "anon-")) << key;
      }
    }
  }
  EXPECT_GT(inspected, 10);
}

// A supervisor assesses only their own staff, a participant reports only on
// themselves, and observations come from organisers and named observers:
// anything else is refused naming the rule, and nothing is stored or counted.
TEST_F(EvidenceTest, OnlyTheSupervisorAssessesAndNothingElseIsStored) {
  const int64_t before = StreamLength();
  // S is not participant 4's supervisor (S2 is).
  grpc::Status s = Post(FollowUp("s-about-4", kS, NipOf(4), 20, true), Supervisor(kS));
  EXPECT_EQ(s.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "only the supervisor assesses")) << s.error_message();
  // Participant 1 about a colleague.
  s = Post(FollowUp("p1-about-2", NipOf(1), NipOf(2), 20, true), Participant(1));
  EXPECT_EQ(s.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "self-report is only about oneself")) << s.error_message();
  // An organiser cannot enter it in the wrong supervisor's name either.
  EXPECT_EQ(Post(FollowUp("org-s-about-4", kS, NipOf(4), 20, true), kOrganiser).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(StreamLength(), before);
  EXPECT_EQ(Aggregates("tindak-lanjut-atasan").response_count(), 0);
  Drain();
  EXPECT_EQ(Task(4, 30, "supervisor").state(), fv1::FollowUpTask::OPEN);
  EXPECT_EQ(Task(2, 30, "supervisor").state(), fv1::FollowUpTask::OPEN);

  // The recorded supervisor, and the participant about themselves.
  sv1::Response ok;
  ASSERT_RPC(Post(FollowUp("s-about-0", kS, NipOf(0), 20, true), Supervisor(kS), &ok));
  EXPECT_EQ(ok.followup_role(), sv1::SUPERVISOR_ASSESSMENT);
  EXPECT_EQ(ok.followup_wave(), 30);
  ASSERT_RPC(Post(FollowUp("self-0", NipOf(0), NipOf(0), 20, true), Participant(0), &ok));
  EXPECT_EQ(ok.followup_role(), sv1::SELF_REPORT);
  // The supervisor named on participant 5's approved action plan may assess
  // them, though the roster records S2.
  fv1::UpdateActionPlanRequest plan;
  const std::string plan_name = absl::StrCat(kCohort, "/enrolments/", NipOf(5), "/actionPlan");
  plan.mutable_action_plan()->set_name(plan_name);
  plan.mutable_action_plan()->set_supervisor("tenants/1504/employees/" + kS);
  fv1::Action* action = plan.mutable_action_plan()->add_actions();
  action->set_change("Antrean dengan nomor urut");
  action->set_competency("pelayanan-publik");
  action->set_indicator("Waktu tunggu < 15 menit");
  *action->mutable_due_date() = ToDate(kEnd + 30);
  fv1::ActionPlan p;
  ASSERT_RPC(Call(followup_.get(), &fv1::FollowUpService::Stub::UpdateActionPlan, plan, &p, Participant(5)));
  EXPECT_EQ(Post(FollowUp("s-about-5", kS, NipOf(5), 20, true), Supervisor(kS)).error_code(),
            StatusCode::PERMISSION_DENIED);  // a draft: the supervisor has not taken it on
  fv1::SubmitActionPlanRequest submit;
  submit.set_name(plan_name);
  ASSERT_RPC(Call(followup_.get(), &fv1::FollowUpService::Stub::SubmitActionPlan, submit, &p, Participant(5)));
  fv1::ApproveActionPlanRequest approve;
  approve.set_name(plan_name);
  ASSERT_RPC(Call(followup_.get(), &fv1::FollowUpService::Stub::ApproveActionPlan, approve, &p, Supervisor(kS)));
  ASSERT_RPC(Post(FollowUp("s-about-5", kS, NipOf(5), 20, true), Supervisor(kS)));
  EXPECT_EQ(Aggregates("tindak-lanjut-atasan").response_count(), 3);
  Drain();
  EXPECT_EQ(Task(0, 30, "supervisor").state(), fv1::FollowUpTask::DONE);
  EXPECT_EQ(Task(0, 30, "self").state(), fv1::FollowUpTask::DONE);
  EXPECT_EQ(Task(5, 30, "supervisor").state(), fv1::FollowUpTask::DONE);
  EXPECT_EQ(Task(4, 30, "supervisor").state(), fv1::FollowUpTask::OPEN);

  // Observations: the named observer and an organiser, not a supervisor.
  ASSERT_RPC(Post(Observation("obs-o-0", kO, NipOf(0)), kOrganiser));
  ASSERT_RPC(Post(Observation("obs-org-1", "", NipOf(1)), kOrganiser));
  s = Post(Observation("obs-s-2", kS, NipOf(2)), Supervisor(kS));
  EXPECT_EQ(s.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "named observers")) << s.error_message();
  EXPECT_EQ(Post(Observation("obs-p-2", "", NipOf(2)), Participant(3)).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Aggregates("observasi-kinerja").response_count(), 2);

  // The supervisor on the roster is validated: a real NIP of the tenant's
  // roster, never the employee themselves; and importable by CSV.
  ev1::UpdateEmployeeRequest up;
  up.mutable_employee()->set_name("tenants/1504/employees/" + NipOf(4));
  up.mutable_update_mask()->add_paths("supervisor_nip");
  ev1::Employee e;
  for (const std::string& bad : {NipOf(4), NipOf(77), std::string("199012312020121")}) {
    up.mutable_employee()->set_supervisor_nip(bad);
    s = Call(enrolment_.get(), &ev1::EnrolmentService::Stub::UpdateEmployee, up, &e);
    EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_TRUE(absl::StrContains(s.error_message(), "supervisor_nip")) << s.error_message();
  }
  grpc::ClientContext ctx;
  AttachCaller(ctx, kOrganiser);
  type::v1::ImportResult imported;
  auto writer = enrolment_->ImportEmployees(&ctx, &imported);
  ev1::ImportEmployeesRequest chunk;
  chunk.set_parent("tenants/1504");
  chunk.set_csv_chunk(absl::StrCat("nip,name,unit,employment_type,supervisor_nip\n", NipOf(4),
                                   ",Pegawai Empat,disdukcapil,PNS,", kS, "\n", NipOf(5),
                                   ",Pegawai Lima,disdukcapil,PNS,", NipOf(88), "\n"));
  ASSERT_TRUE(writer->Write(chunk));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  ASSERT_EQ(imported.rejected_size(), 1);
  EXPECT_EQ(imported.rejected(0).row(), 3);
  EXPECT_EQ(imported.rejected(0).field(), "supervisor_nip");
  EXPECT_TRUE(absl::StrContains(imported.rejected(0).reason(), "supervisor_nip")) << imported.rejected(0).reason();
  // Now S is participant 4's supervisor.
  ASSERT_RPC(Post(FollowUp("s-about-4-now", kS, NipOf(4), 21, true), Supervisor(kS)));
}

// Tests are scored by Pelita from the answer key, which no participant
// ever receives; the participant sees their own score after submitting.
TEST_F(EvidenceTest, TestsAreScoredFromTheKeyNeverSentToParticipants) {
  auto test = [&](const std::string& id, sv1::InstrumentKind kind) {
    sv1::CreateInstrumentRequest req;
    req.set_parent("tenants/1504");
    req.set_instrument_id(id);
    sv1::Instrument& in = *req.mutable_instrument();
    in.set_title(id);
    in.set_kind(kind);
    if (kind == sv1::POSTTEST) in.set_pretest("tenants/1504/instruments/pre-pp");
    sv1::Item* q1 = in.add_items();
    q1->set_code("Q1");
    q1->set_text("Batas waktu tindak lanjut pengaduan?");
    q1->set_type(sv1::SINGLE_CHOICE);
    q1->set_required(true);
    for (const char* c : {"a", "b", "c"}) q1->add_choices()->set_code(c);
    q1->mutable_key()->add_correct_choices("b");
    q1->mutable_key()->set_points(40);
    q1->set_competency("pelayanan-publik");
    sv1::Item* q2 = in.add_items();
    q2->set_code("Q2");
    q2->set_text("Unsur SKM?");
    q2->set_type(sv1::MULTIPLE_CHOICE);
    q2->set_required(true);
    for (const char* c : {"u1", "u4", "x"}) q2->add_choices()->set_code(c);
    q2->mutable_key()->add_correct_choices("u1");
    q2->mutable_key()->add_correct_choices("u4");
    q2->mutable_key()->set_points(40);
    sv1::Item* q3 = in.add_items();
    q3->set_code("Q3");
    q3->set_text("Pengaduan diteruskan dalam 3 hari kerja?");
    q3->set_type(sv1::YES_NO);
    q3->set_required(true);
    q3->mutable_key()->add_correct_choices("ya");
    q3->mutable_key()->set_points(20);
    return req;
  };
  sv1::Instrument created;
  // A test whose items let the respondent type a score is refused.
  auto typed = test("typed", sv1::PRETEST);
  sv1::Item* score = typed.mutable_instrument()->add_items();
  score->set_code("NILAI");
  score->set_text("Nilai");
  score->set_type(sv1::SCORE);
  score->set_max_score(100);
  grpc::Status s = Call(survey_.get(), &sv1::SurveyService::Stub::CreateInstrument, typed, &created);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "items[3].type")) << s.error_message();
  auto unkeyed = test("unkeyed", sv1::PRETEST);
  unkeyed.mutable_instrument()->mutable_items(0)->clear_key();
  EXPECT_EQ(Call(survey_.get(), &sv1::SurveyService::Stub::CreateInstrument, unkeyed, &created).error_code(),
            StatusCode::INVALID_ARGUMENT);
  ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::CreateInstrument, test("pre-pp", sv1::PRETEST), &created));
  ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::CreateInstrument, test("post-pp", sv1::POSTTEST), &created));
  EXPECT_TRUE(created.items(0).has_key());  // the organiser sees what they wrote

  // Participants and supervisors read the tests without the key.
  for (const Caller& who : {Participant(0), Supervisor(kS)}) {
    sv1::GetInstrumentRequest get;
    get.set_name("tenants/1504/instruments/post-pp");
    sv1::Instrument in;
    ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::GetInstrument, get, &in, who));
    for (const auto& item : in.items()) EXPECT_FALSE(item.has_key()) << item.code();
    sv1::ListInstrumentsRequest list;
    list.set_parent("tenants/1504");
    sv1::ListInstrumentsResponse all;
    ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::ListInstruments, list, &all, who));
    for (const auto& i : all.instruments()) {
      for (const auto& item : i.items()) EXPECT_FALSE(item.has_key()) << i.name() << " " << item.code();
    }
  }

  auto answer = [](const std::string& instrument, const std::string& id, int i, const char* q1,
                   std::vector<std::string> q2, bool q3) {
    sv1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    sv1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/" + instrument);
    r.set_cohort(kCohort);
    r.set_respondent_nip(NipOf(i));
    sv1::Answer* a = r.add_answers();
    a->set_item("Q1");
    a->set_choice(q1);
    a = r.add_answers();
    a->set_item("Q2");
    for (auto& c : q2) a->mutable_choices()->add_codes(c);
    a = r.add_answers();
    a->set_item("Q3");
    a->set_yes(q3);
    return req;
  };
  // A participant who claims a score is refused; the score is Pelita's.
  auto claimed = answer("pre-pp", "pre-0", 0, "a", {"u1"}, true);
  claimed.mutable_response()->set_total_score(100);
  s = Post(claimed, Participant(0));
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "total_score")) << s.error_message();
  std::vector<int64_t> pre, post;
  for (int i = 0; i < kParticipants; ++i) {
    // Pre: Q1 wrong, Q2 partly right (no credit), Q3 right for odd i.
    sv1::Response mine;
    ASSERT_RPC(Post(answer("pre-pp", absl::StrCat("pre-", i), i, "a", {"u1"}, i % 2 == 1), Participant(i), &mine));
    pre.push_back(i % 2 == 1 ? 20 : 0);
    EXPECT_EQ(mine.total_score(), pre.back());
    EXPECT_EQ(mine.max_score(), 100);
    // Post: Q1 right, Q2 exactly right for i >= 2, Q3 right.
    ASSERT_RPC(Post(answer("post-pp", absl::StrCat("post-", i), i, "b",
                           i >= 2 ? std::vector<std::string>{"u4", "u1"} : std::vector<std::string>{"u1", "u4", "x"},
                           true),
                    Participant(i), &mine));
    post.push_back(40 + (i >= 2 ? 40 : 0) + 20);
    EXPECT_EQ(mine.total_score(), post.back());
    // Read back by the participant: their own score.
    sv1::GetResponseRequest get;
    get.set_name(mine.name());
    sv1::Response read;
    ASSERT_RPC(Call(survey_.get(), &sv1::SurveyService::Stub::GetResponse, get, &read, Participant(i)));
    EXPECT_EQ(read.total_score(), post.back());
  }
  // One attempt per test: a retake is refused and changes nothing.
  s = Post(answer("post-pp", "post-0-again", 0, "b", {"u1", "u4"}, true), Participant(0));
  EXPECT_EQ(s.error_code(), StatusCode::ALREADY_EXISTS) << s.error_message();
  sv1::InstrumentAggregates a = Aggregates("post-pp");
  int64_t spre = 0, spost = 0, sd = 0, sdd = 0;
  for (int i = 0; i < kParticipants; ++i) {
    spre += pre[i];
    spost += post[i];
    sd += post[i] - pre[i];
    sdd += (post[i] - pre[i]) * (post[i] - pre[i]);
  }
  EXPECT_EQ(a.response_count(), kParticipants);
  EXPECT_EQ(a.paired().n(), kParticipants);
  EXPECT_EQ(a.paired().sum_pre(), spre);
  EXPECT_EQ(a.paired().sum_post(), spost);
  EXPECT_EQ(a.paired().sum_diff(), sd);
  EXPECT_EQ(a.paired().sum_diff_squares(), sdd);
  EXPECT_EQ(a.paired().max_score(), 100);
  EXPECT_EQ(a.items(0).sum(), 40 * kParticipants);  // points earned on Q1
  EXPECT_EQ(a.items(0).max_value(), 40);
  scv1::Evaluation ev = Evaluation();
  EXPECT_NEAR(ev.learning().mean_pre().value(), static_cast<double>(spre) / kParticipants, 1e-9);
  EXPECT_NEAR(ev.learning().mean_post().value(), static_cast<double>(spost) / kParticipants, 1e-9);
}

// Rates count people, by wave; a follow-up closes the task of the wave whose
// window holds its date, and no rate ever exceeds 1.
TEST_F(EvidenceTest, WavesAndRatesCountPeopleAndNeverExceedOne) {
  // Participant 0's self-report on day 16, again on day 19: both in the
  // 30-day window (days 15-44).  The 60-day task stays open.
  ASSERT_RPC(Post(FollowUp("self-0-a", NipOf(0), NipOf(0), 16, false), Participant(0)));
  sv1::ResponseAck ack = PostOne(FollowUp("self-0-b", NipOf(0), NipOf(0), 19, true), Participant(0));
  ASSERT_EQ(ack.code(), 0) << ack.message();
  EXPECT_TRUE(ack.replaced());
  EXPECT_EQ(ack.response().followup_wave(), 30);
  Drain();
  EXPECT_EQ(Task(0, 30, "self").state(), fv1::FollowUpTask::DONE);
  EXPECT_EQ(Task(0, 60, "self").state(), fv1::FollowUpTask::OPEN);
  EXPECT_EQ(Task(0, 60, "self").window_first_day().day(), (kEnd + 45).day());
  // Outside every window: too early, too late, or in the future.
  grpc::Status s = Post(FollowUp("self-0-early", NipOf(0), NipOf(0), 10, true), Participant(0));
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "outside every follow-up window")) << s.error_message();
  EXPECT_EQ(Post(FollowUp("self-0-late", NipOf(0), NipOf(0), 106, true), Participant(0)).error_code(),
            StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Post(FollowUp("self-0-future", NipOf(0), NipOf(0), 200, true), Participant(0)).error_code(),
            StatusCode::INVALID_ARGUMENT);
  // Day 50 is in the 60-day wave: it closes that task, before its due day.
  ASSERT_RPC(Post(FollowUp("self-0-60", NipOf(0), NipOf(0), 50, true), Participant(0)));
  Drain();
  EXPECT_EQ(Task(0, 60, "self").state(), fv1::FollowUpTask::DONE);
  EXPECT_FALSE(Task(0, 60, "self").late());
  EXPECT_EQ(Task(0, 90, "self").state(), fv1::FollowUpTask::OPEN);

  // Try to exceed 1: the supervisor answers about participants 0-3 in the
  // 30-day wave, twice each (resubmissions) — 8 answers for 4 people — and
  // participant 6 (enrolled, not completed) self-reports, then withdraws.
  for (int i = 0; i < 4; ++i) {
    for (int k = 0; k < 2; ++k) {
      ASSERT_RPC(Post(FollowUp(absl::StrCat("s-", i, "-", k), kS, NipOf(i), 20 + k, k == 1), Supervisor(kS)));
    }
  }
  ASSERT_RPC(Post(FollowUp("self-6", NipOf(6), NipOf(6), 20, true), Participant(6)));
  ev1::WithdrawEnrolmentRequest w;
  w.set_name(absl::StrCat(kCohort, "/enrolments/", NipOf(6)));
  ev1::Enrolment withdrawn;
  ASSERT_RPC(Call(enrolment_.get(), &ev1::EnrolmentService::Stub::WithdrawEnrolment, w, &withdrawn));
  // Self-reports of everyone else in the 30-day wave, some twice.
  for (int i = 1; i < kParticipants; ++i) {
    ASSERT_RPC(Post(FollowUp(absl::StrCat("self-", i), NipOf(i), NipOf(i), 25, true), Participant(i)));
    if (i % 2) ASSERT_RPC(Post(FollowUp(absl::StrCat("self-", i, "-b"), NipOf(i), NipOf(i), 26, true), Participant(i)));
  }
  // The survey service's counts are people among the eligible.
  sv1::CohortAggregates all;
  sv1::InstrumentAggregates a = Aggregates("tindak-lanjut-atasan", &all);
  ASSERT_TRUE(all.has_followup());
  EXPECT_EQ(all.followup().eligible_count(), kParticipants);
  EXPECT_EQ(all.followup().respondent_count(), kParticipants);  // not 7: participant 6 left
  ASSERT_EQ(all.followup().waves_size(), 3);
  EXPECT_EQ(all.followup().waves(0).offset_days(), 30);
  EXPECT_EQ(all.followup().waves(0).self_report_count(), kParticipants);
  EXPECT_EQ(all.followup().waves(0).assessed_count(), 4);
  EXPECT_EQ(all.followup().waves(1).self_report_count(), 1);
  EXPECT_EQ(all.followup().waves(1).assessed_count(), 0);
  EXPECT_LE(a.respondent_count(), a.enrolled_count());

  // The report: every rate is people / eligible, at most 1, inside its CI.
  scv1::Evaluation ev = Evaluation();
  const auto& b = ev.behaviour();
  auto check = [](const scv1::Figure& f, double want, const std::string& what) {
    ASSERT_FALSE(f.withheld()) << what << ": " << f.reason();
    EXPECT_NEAR(f.value(), want, 1e-12) << what;
    EXPECT_LE(f.value(), 1.0) << what;
    EXPECT_LE(f.ci_low(), f.value()) << what;
    EXPECT_GE(f.ci_high(), f.value()) << what;
    EXPECT_LE(f.ci_high(), 1.0) << what;
  };
  check(b.response_rate(), 1.0, "response rate");
  ASSERT_EQ(b.waves_size(), 3);
  check(b.waves(0).self_report_rate(), 1.0, "30-day self-reports");
  check(b.waves(0).assessment_rate(), 4.0 / kParticipants, "30-day assessments");
  check(b.waves(1).self_report_rate(), 1.0 / kParticipants, "60-day self-reports");
  check(b.waves(2).assessment_rate(), 0.0, "90-day assessments");
  // The applied share is over supervisor assessments (the standing ones:
  // the second answer of each, "ya"), self-reports apart.
  EXPECT_EQ(b.applied_share().n(), 4);
  EXPECT_TRUE(b.applied_share().withheld());  // 4 < min n 5
  ASSERT_FALSE(b.self_reported_applied_share().withheld()) << b.self_reported_applied_share().reason();
  // A share of answers, not a rate of people: participant 0 answered in two
  // waves, and participant 6's answer stays in the item counts.
  EXPECT_EQ(b.self_reported_applied_share().n(), kParticipants + 2);

  // One definition of L3 (issue 14): the follow-up service's cohort summary
  // shows scoring's figures, read over gRPC, and no rate of its own.
  fv1::GetCohortFollowUpSummaryRequest sreq;
  sreq.set_name(absl::StrCat(kCohort, "/followUpSummary"));
  fv1::FollowUpSummary summary;
  ASSERT_RPC(Call(followup_.get(), &fv1::FollowUpService::Stub::GetCohortFollowUpSummary, sreq, &summary,
                  kOrganiser));
  ASSERT_TRUE(summary.has_behaviour()) << summary.behaviour_unavailable();
  EXPECT_EQ(summary.behaviour().applied_share().n(), b.applied_share().n());
  EXPECT_EQ(summary.behaviour().applied_share().withheld(), b.applied_share().withheld());
  EXPECT_EQ(summary.behaviour().applied_share().reason(), b.applied_share().reason());
  EXPECT_DOUBLE_EQ(summary.behaviour().scrap_learning_rate().value(), b.scrap_learning_rate().value());
  ASSERT_EQ(summary.behaviour().waves_size(), b.waves_size());
  EXPECT_DOUBLE_EQ(summary.behaviour().waves(0).assessment_rate().value(), b.waves(0).assessment_rate().value());
}

}  // namespace
}  // namespace pelita
