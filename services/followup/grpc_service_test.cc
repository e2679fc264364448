// Tests of the follow-up service with its real neighbours: a real
// redis-server, the real enrolment service on a gRPC server of its own (read
// by the follow-up service through GrpcEnrolmentSource, as in production),
// the follow-up service on another, action plans over gRPC, tasks created
// from the enrolment event stream and closed from the survey stream by the
// lib/events followers, overdue listing and reminders on a clock the test
// sets, real SMTP and HTTP receivers on loopback.

#include <atomic>
#include <set>
#include <stdexcept>

#include <google/protobuf/util/time_util.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/ids/nip.h"
#include "lib/server/server.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "pelita/survey/v1/survey.pb.h"
#include "lib/time/time.h"
#include "services/enrolment/domain.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"
#include "services/followup/followers.h"
#include "services/followup/grpc_service.h"
#include "services/followup/grpc_sources.h"
#include "services/followup/outbox.h"
#include "lib/notify/test_receivers.h"

namespace pelita::followup {
namespace {

namespace ev1 = ::pelita::enrolment::v1;
using enrolment::FromCivilDay;
using enrolment::EnrolmentLogic;

const absl::TimeZone& WibZone() {
  static const absl::TimeZone* z = new absl::TimeZone(*LoadIndonesianTimeZone(kWib));
  return *z;
}
absl::Time DueTime(absl::CivilDay d) { return followup::DueTime(d, WibZone()); }
absl::Time ReminderTime(absl::CivilDay d) { return followup::ReminderTime(d, WibZone()); }

using google::protobuf::util::TimeUtil;
using grpc::StatusCode;
using ::testing::HasSubstr;

absl::Time Wib(int y, int m, int d, int h = 9) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, 0, 0), WibZone());
}

std::string NipOf(int i) {
  return MakeNip(absl::CivilDay(1980 + i % 15, 1 + i % 12, 1 + i % 28), absl::CivilMonth(2010, 3),
                 i % 2 ? pelita::Nip::Gender::kMale : pelita::Nip::Gender::kFemale, 1 + i);
}

class FollowUpTest : public ::testing::Test {
 protected:
  // Cohort `tenants/1504/programs/pelayanan/cohorts/c1`: 2 to 6 November 2026.
  const absl::CivilDay kEnd{2026, 11, 6};
  const std::string kCohort = "tenants/1504/programs/pelayanan/cohorts/c1";
  const std::string kParticipant = NipOf(1), kSupervisor = NipOf(2), kOther = NipOf(3);

  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    StartService();
  }

  void TearDown() override { StopService(); }

  // Everything a process of the enrolment service holds, built again on a
  // "restart" (Redis keeps its data).
  void StartService(Sender* sender = nullptr) {
    client_ = std::make_unique<redis::Client>(redis_->options());
    auto clock = [this] { return now_.load(); };
    enrolment_ = std::make_unique<EnrolmentLogic>(client_.get(), clock);
    enrolment_service_ = std::make_unique<enrolment::EnrolmentGrpcService>(enrolment_.get());
    ServerOptions eo;
    eo.name = "enrolment";
    eo.log_calls = false;
    enrolment_server_ = std::make_unique<Server>(eo, std::vector<grpc::Service*>{enrolment_service_.get()},
                                                 client_.get());
    ASSERT_TRUE(enrolment_server_->Start().ok());
    source_ = std::make_unique<GrpcEnrolmentSource>(
        grpc::CreateChannel(enrolment_server_->address(), grpc::InsecureChannelCredentials()));
    store_ = std::make_unique<FollowUpStore>(client_.get());
    logic_ = std::make_unique<FollowUpLogic>(store_.get(), source_.get(), nullptr,
                                             [](const std::string&) { return WibZone(); }, clock);
    service_ = std::make_unique<FollowUpGrpcService>(logic_.get());
    events::FollowerOptions fo;
    fo.consumer = "test";
    events_ = MakeEnrolmentFollower(client_.get(), &tenants_, logic_.get(), fo);
    responses_ = MakeSurveyFollower(client_.get(), &tenants_, logic_.get(), fo);
    if (sender != nullptr) {
      Outbox::Options o;
      o.min_backoff = absl::Minutes(1);
      outbox_ = std::make_unique<Outbox>(logic_.get(), sender, &tenants_, o);
    }
    ServerOptions options;
    options.name = "followup";
    options.log_calls = false;
    options.health_interval = absl::Milliseconds(50);
    server_ = std::make_unique<Server>(options, std::vector<grpc::Service*>{service_.get()},
                                       client_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = v1::FollowUpService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  void StopService() {
    if (server_) server_->Shutdown(absl::Seconds(1));
    if (enrolment_server_) enrolment_server_->Shutdown(absl::Seconds(1));
    stub_.reset();
    server_.reset();
    outbox_.reset();
    responses_.reset();
    events_.reset();
    service_.reset();
    logic_.reset();
    store_.reset();
    source_.reset();
    enrolment_server_.reset();
    enrolment_service_.reset();
    enrolment_.reset();
    client_.reset();
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (v1::FollowUpService::Stub::*method)(grpc::ClientContext*,
                                                                      const Req&, Resp*),
                    const Req& req, Resp* resp, const std::string& tenant = "1504") {
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (stub_.get()->*method)(&ctx, req, resp);
  }

  template <typename Req, typename Resp>
  grpc::Status CallAs(const Caller& caller,
                      grpc::Status (v1::FollowUpService::Stub::*method)(grpc::ClientContext*,
                                                                        const Req&, Resp*),
                      const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, caller);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (stub_.get()->*method)(&ctx, req, resp);
  }

  void Must(const absl::Status& s) { ASSERT_TRUE(s.ok()) << s; }

  void AddEmployee(const std::string& tenant, const std::string& nip, const std::string& unit) {
    ev1::CreateEmployeeRequest r;
    r.set_parent("tenants/" + tenant);
    r.mutable_employee()->set_nip(nip);
    r.mutable_employee()->set_full_name("Pegawai " + nip.substr(0, 8));
    r.mutable_employee()->set_unit(absl::StrCat("tenants/", tenant, "/units/", unit));
    r.mutable_employee()->set_grade("III/a");
    r.mutable_employee()->set_employment_type(ev1::PNS);
    Must(enrolment_->CreateEmployee(Caller{tenant, "", ""}, r).status());
  }

  void AddUnit(const std::string& tenant, const std::string& id) {
    ev1::CreateUnitRequest r;
    r.set_parent("tenants/" + tenant);
    r.set_unit_id(id);
    r.mutable_unit()->set_display_name("Unit " + id);
    Must(enrolment_->CreateUnit(Caller{tenant, "", ""}, r).status());
  }

  // Units, employees, the programme and cohort c1 of tenant 1504, and an
  // employee of 1571 (with the supervisor's NIP) for the isolation checks.
  void SetUpRoster(std::vector<int> offsets = {}) {
    AddUnit("1504", "dukcapil");
    AddUnit("1504", "dinkes");
    AddUnit("1571", "dukcapil");
    AddEmployee("1504", kParticipant, "dukcapil");
    AddEmployee("1504", kSupervisor, "dukcapil");
    AddEmployee("1504", kOther, "dinkes");
    AddEmployee("1571", NipOf(9), "dukcapil");
    ev1::CreateProgramRequest p;
    p.set_parent("tenants/1504");
    p.set_program_id("pelayanan");
    p.mutable_program()->set_title("Pelayanan Prima");
    p.mutable_program()->set_competency_type(ev1::TEKNIS);
    p.mutable_program()->set_jp(24);
    p.mutable_program()->set_year(2026);
    for (int o : offsets) p.mutable_program()->add_follow_up_offsets_days(o);
    Must(enrolment_->CreateProgram(Caller{"1504", "", ""}, p).status());
    ev1::CreateCohortRequest c;
    c.set_parent("tenants/1504/programs/pelayanan");
    c.set_cohort_id("c1");
    *c.mutable_cohort()->mutable_start_date() = FromCivilDay(absl::CivilDay(2026, 11, 2));
    *c.mutable_cohort()->mutable_end_date() = FromCivilDay(kEnd);
    c.mutable_cohort()->set_capacity(30);
    Must(enrolment_->CreateCohort(Caller{"1504", "", ""}, c).status());
  }

  void Enrol(const std::string& nip) {
    ev1::CreateEnrolmentRequest r;
    r.set_parent(kCohort);
    r.mutable_enrolment()->set_employee("tenants/1504/employees/" + nip);
    Must(enrolment_->CreateEnrolment(Caller{"1504", "", ""}, r).status());
  }

  void Complete(const std::string& nip) {
    ev1::CompleteEnrolmentRequest r;
    r.set_name(kCohort + "/enrolments/" + nip);
    Must(enrolment_->CompleteEnrolment(Caller{"1504", "", ""}, r).status());
  }

  std::string PlanName(const std::string& nip) {
    return kCohort + "/enrolments/" + nip + "/actionPlan";
  }

  v1::UpdateActionPlanRequest Plan(const std::string& nip, int actions, absl::CivilDay due) {
    v1::UpdateActionPlanRequest r;
    r.mutable_action_plan()->set_name(PlanName(nip));
    r.mutable_action_plan()->set_supervisor("tenants/1504/employees/" + kSupervisor);
    for (int i = 0; i < actions; ++i) {
      v1::Action* a = r.mutable_action_plan()->add_actions();
      a->set_change(absl::StrCat("Menerapkan standar pelayanan ", i + 1));
      a->set_competency("Pelayanan publik");
      a->set_indicator("Waktu layanan KTP turun dari 3 hari menjadi 1 hari");
      *a->mutable_due_date() = ToDate(due);
    }
    return r;
  }

  // Appends a follow-up response the way the survey service does
  // (services/survey/survey.cc: name, instrument, instrument_kind, cohort,
  // unit, time, payload).
  void AddSurveyResponse(const std::string& tenant, const std::string& id,
                         const std::string& respondent, const std::string& subject,
                         absl::Time submit, const std::string& cohort = "", int wave = 0) {
    survey::v1::Response r;
    r.set_name(absl::StrCat("tenants/", tenant, "/responses/", id));
    r.set_instrument(absl::StrCat("tenants/", tenant, "/instruments/followup-atasan"));
    r.set_instrument_version(1);
    r.set_instrument_kind(survey::v1::FOLLOWUP);
    r.set_cohort(cohort.empty() ? kCohort : cohort);
    r.set_respondent_nip(respondent);
    r.set_subject_nip(subject);
    r.set_followup_wave(wave);
    *r.mutable_submit_time() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(submit));
    *r.mutable_create_time() = r.submit_time();
    auto x = client_->Run({"XADD", absl::StrCat("survey:{", tenant, "}:responses"), "*", "name",
                           r.name(), "instrument", r.instrument(), "instrument_kind", "followup",
                           "cohort", r.cohort(), "unit", "", "time",
                           absl::FormatTime(absl::RFC3339_full, submit, absl::UTCTimeZone()),
                           "payload", r.SerializeAsString()});
    ASSERT_TRUE(x.ok() && x->is_string()) << x.status();
  }

  v1::ListFollowUpTasksResponse Tasks(v1::ListFollowUpTasksRequest r,
                                      const std::string& tenant = "1504") {
    if (r.parent().empty()) r.set_parent("tenants/" + tenant);
    r.set_page_size(1000);
    v1::ListFollowUpTasksResponse out;
    grpc::Status s = Call(&v1::FollowUpService::Stub::ListFollowUpTasks, r, &out, tenant);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::FollowUpTask Task(const std::string& id) {
    v1::GetFollowUpTaskRequest r;
    r.set_name("tenants/1504/followUpTasks/" + id);
    v1::FollowUpTask t;
    grpc::Status s = Call(&v1::FollowUpService::Stub::GetFollowUpTask, r, &t);
    EXPECT_TRUE(s.ok()) << id << ": " << s.error_message();
    return t;
  }

  v1::FollowUpSummary CohortSummary() {
    v1::GetCohortFollowUpSummaryRequest r;
    r.set_name(absl::StrCat(kCohort, "/followUpSummary"));
    v1::FollowUpSummary s;
    EXPECT_TRUE(Call(&v1::FollowUpService::Stub::GetCohortFollowUpSummary, r, &s).ok());
    return s;
  }

  int PollEvents() {
    auto n = events_->PollOnce();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }
  int PollResponses() {
    auto n = responses_->PollOnce();
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  std::string TaskId(const std::string& nip, int days, bool self) {
    return absl::StrCat("pelayanan.c1.", nip, ".", days, self ? ".self" : ".supervisor");
  }

  std::atomic<absl::Time> now_{Wib(2026, 11, 2)};
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  events::FixedTenants tenants_{{"1504", "1571"}};
  std::unique_ptr<EnrolmentLogic> enrolment_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_service_;
  std::unique_ptr<Server> enrolment_server_;
  std::unique_ptr<GrpcEnrolmentSource> source_;
  std::unique_ptr<FollowUpStore> store_;
  std::unique_ptr<FollowUpLogic> logic_;
  std::unique_ptr<FollowUpGrpcService> service_;
  std::unique_ptr<events::Follower> events_, responses_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::FollowUpService::Stub> stub_;
};

TEST(FollowUpDates, DueAndReminderTimesAreWib) {
  const absl::CivilDay day(2026, 12, 6);
  EXPECT_EQ(DueTime(day), Wib(2026, 12, 7, 0));
  EXPECT_EQ(ReminderTime(day), Wib(2026, 12, 3, 8));
}

// AIP-134 on the plan: a mask naming one field changes that field and
// leaves the other as stored; a path the plan does not have is
// INVALID_ARGUMENT with a google.rpc.BadRequest field violation on
// update_mask, and changes nothing.
TEST_F(FollowUpTest, PlanUpdateFollowsTheMask) {
  SetUpRoster();
  Enrol(kParticipant);
  Complete(kParticipant);
  const absl::CivilDay due = kEnd + 30;
  v1::ActionPlan plan;
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 2, due), &plan).ok());
  ASSERT_EQ(plan.actions_size(), 2);

  // Only the supervisor: the five actions in the request are not copied.
  auto r = Plan(kParticipant, 5, due);
  r.mutable_action_plan()->set_supervisor("tenants/1504/employees/" + kOther);
  r.mutable_update_mask()->add_paths("supervisor");
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, r, &plan).ok());
  EXPECT_EQ(plan.supervisor(), "tenants/1504/employees/" + kOther);
  EXPECT_EQ(plan.actions_size(), 2);

  // Only the actions: the supervisor in the request (another one) is not
  // copied, and an output-only path in the mask is ignored.
  r = Plan(kParticipant, 3, due);
  r.mutable_update_mask()->add_paths("actions");
  r.mutable_update_mask()->add_paths("state");
  r.mutable_action_plan()->set_state(v1::ActionPlan::APPROVED);
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, r, &plan).ok());
  EXPECT_EQ(plan.supervisor(), "tenants/1504/employees/" + kOther);
  EXPECT_EQ(plan.actions_size(), 3);
  EXPECT_EQ(plan.state(), v1::ActionPlan::DRAFT);

  // An unknown path.
  r = Plan(kParticipant, 1, due);
  r.mutable_update_mask()->add_paths("actions");
  r.mutable_update_mask()->add_paths("reviewer");
  const grpc::Status bad = Call(&v1::FollowUpService::Stub::UpdateActionPlan, r, &plan);
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  const auto violations = FieldViolationsOf(FromGrpcStatus(bad));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].first, "update_mask");
  v1::GetActionPlanRequest get;
  get.set_name(PlanName(kParticipant));
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::GetActionPlan, get, &plan).ok());
  EXPECT_EQ(plan.actions_size(), 3);
}

TEST_F(FollowUpTest, PlanValidation) {
  SetUpRoster();
  Enrol(kParticipant);
  v1::ActionPlan plan;
  const absl::CivilDay due = kEnd + 30;

  // Only a completed enrolment can have a plan.
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 2, due), &plan)
                .error_code(),
            StatusCode::FAILED_PRECONDITION);
  Complete(kParticipant);

  auto expect_invalid = [&](const v1::UpdateActionPlanRequest& r, const std::string& field) {
    grpc::Status s = Call(&v1::FollowUpService::Stub::UpdateActionPlan, r, &plan);
    EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(s.error_message(), HasSubstr(field));
  };
  expect_invalid(Plan(kParticipant, 0, due), "action_plan.actions");
  expect_invalid(Plan(kParticipant, 6, due), "action_plan.actions");
  expect_invalid(Plan(kParticipant, 2, kEnd), "action_plan.actions[0].due_date");
  auto r = Plan(kParticipant, 2, due);
  *r.mutable_action_plan()->mutable_actions(1)->mutable_due_date() = ToDate(kEnd - 1);
  expect_invalid(r, "action_plan.actions[1].due_date");
  r = Plan(kParticipant, 2, due);
  r.mutable_action_plan()->mutable_actions(0)->clear_indicator();
  expect_invalid(r, "action_plan.actions[0].indicator");
  // The supervisor exists, is not the participant, belongs to the tenant.
  r = Plan(kParticipant, 2, due);
  r.mutable_action_plan()->set_supervisor("tenants/1504/employees/" + NipOf(40));
  expect_invalid(r, "action_plan.supervisor");
  r.mutable_action_plan()->set_supervisor("tenants/1504/employees/" + kParticipant);
  expect_invalid(r, "action_plan.supervisor");
  r.mutable_action_plan()->set_supervisor("tenants/1571/employees/" + NipOf(9));
  expect_invalid(r, "action_plan.supervisor");
  r.mutable_action_plan()->clear_supervisor();
  expect_invalid(r, "action_plan.supervisor");

  // Bad input changed nothing.
  v1::GetActionPlanRequest get;
  get.set_name(PlanName(kParticipant));
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::GetActionPlan, get, &plan).error_code(),
            StatusCode::NOT_FOUND);

  // 1 and 5 actions are fine.
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 5, due), &plan).ok());
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 1, due), &plan).ok());
  EXPECT_EQ(plan.state(), v1::ActionPlan::DRAFT);
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 2, due), &plan).ok());
  EXPECT_EQ(plan.actions_size(), 2);
  EXPECT_EQ(plan.actions(1).id(), "a2");
  EXPECT_EQ(plan.actions(1).status(), v1::Action::NOT_STARTED);
  EXPECT_EQ(plan.unit(), "tenants/1504/units/dukcapil");

  // Submit, return with a comment, edit, submit, approve.
  v1::SubmitActionPlanRequest submit;
  submit.set_name(PlanName(kParticipant));
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::SubmitActionPlan, submit, &plan).ok());
  EXPECT_EQ(plan.state(), v1::ActionPlan::SUBMITTED);
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 3, due), &plan)
                .error_code(),
            StatusCode::FAILED_PRECONDITION);
  v1::ReturnActionPlanRequest ret;
  ret.set_name(PlanName(kParticipant));
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::ReturnActionPlan, ret, &plan).error_code(),
            StatusCode::INVALID_ARGUMENT);
  ret.set_comment("Indikator aksi 2 belum terukur");
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::ReturnActionPlan, ret, &plan).ok());
  EXPECT_EQ(plan.state(), v1::ActionPlan::RETURNED);
  EXPECT_EQ(plan.review_comment(), "Indikator aksi 2 belum terukur");
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 2, due), &plan).ok());
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::SubmitActionPlan, submit, &plan).ok());
  v1::ApproveActionPlanRequest approve;
  approve.set_name(PlanName(kParticipant));
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::ApproveActionPlan, approve, &plan).ok());
  EXPECT_EQ(plan.state(), v1::ActionPlan::APPROVED);

  // Action statuses: applied needs evidence, abandoned a reason.
  v1::UpdateActionStatusRequest st;
  st.set_name(PlanName(kParticipant));
  st.set_action_id("a1");
  st.set_status(v1::Action::APPLIED);
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::UpdateActionStatus, st, &plan).error_code(),
            StatusCode::INVALID_ARGUMENT);
  st.set_evidence("https://batangharikab.go.id/sop-ktp");
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionStatus, st, &plan).ok());
  EXPECT_EQ(plan.actions(0).status(), v1::Action::APPLIED);
  st.set_action_id("a2");
  st.set_status(v1::Action::ABANDONED);
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::UpdateActionStatus, st, &plan).error_code(),
            StatusCode::INVALID_ARGUMENT);
  st.set_reason("Dipindahkan ke unit lain");
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionStatus, st, &plan).ok());
  st.set_action_id("a9");
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::UpdateActionStatus, st, &plan).error_code(),
            StatusCode::INVALID_ARGUMENT);

  // The organiser's view counts the plan and its actions; L3 rates are the
  // scoring service's (none configured here: absent, with the reason).
  v1::FollowUpSummary s = CohortSummary();
  EXPECT_EQ(s.plans_approved(), 1);
  EXPECT_EQ(s.plans_draft() + s.plans_submitted() + s.plans_returned(), 0);
  EXPECT_EQ(s.action_count(), 2);
  EXPECT_EQ(s.actions_applied(), 1);
  EXPECT_EQ(s.actions_abandoned(), 1);
  EXPECT_FALSE(s.has_behaviour());
  EXPECT_FALSE(s.behaviour_unavailable().empty());
  ASSERT_EQ(s.plans_size(), 1);
  EXPECT_EQ(s.plans(0).participant_nip(), kParticipant);
  EXPECT_EQ(s.plans(0).applied_count(), 1);
  v1::GetUnitFollowUpSummaryRequest ur;
  ur.set_name("tenants/1504/units/dukcapil/followUpSummary");
  v1::FollowUpSummary us;
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::GetUnitFollowUpSummary, ur, &us).ok());
  EXPECT_EQ(us.actions_applied(), 1);
  EXPECT_EQ(us.plans_approved(), 1);
}

TEST_F(FollowUpTest, RolesNarrowWhoActsOnAPlan) {
  SetUpRoster();
  Enrol(kParticipant);
  Complete(kParticipant);
  const Caller self{"1504", "participant", kParticipant};
  const Caller someone{"1504", "participant", kOther};
  const Caller boss{"1504", "supervisor", kSupervisor};
  const Caller other_boss{"1504", "supervisor", kOther};
  v1::ActionPlan plan;
  const auto r = Plan(kParticipant, 1, kEnd + 10);
  EXPECT_EQ(CallAs(someone, &v1::FollowUpService::Stub::UpdateActionPlan, r, &plan).error_code(),
            StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(CallAs(self, &v1::FollowUpService::Stub::UpdateActionPlan, r, &plan).ok());
  v1::SubmitActionPlanRequest submit;
  submit.set_name(PlanName(kParticipant));
  ASSERT_TRUE(CallAs(self, &v1::FollowUpService::Stub::SubmitActionPlan, submit, &plan).ok());
  v1::ApproveActionPlanRequest approve;
  approve.set_name(PlanName(kParticipant));
  EXPECT_EQ(CallAs(self, &v1::FollowUpService::Stub::ApproveActionPlan, approve, &plan).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CallAs(other_boss, &v1::FollowUpService::Stub::ApproveActionPlan, approve, &plan)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  v1::GetActionPlanRequest get;
  get.set_name(PlanName(kParticipant));
  EXPECT_EQ(CallAs(other_boss, &v1::FollowUpService::Stub::GetActionPlan, get, &plan).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CallAs(someone, &v1::FollowUpService::Stub::GetActionPlan, get, &plan).error_code(),
            StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(CallAs(boss, &v1::FollowUpService::Stub::ApproveActionPlan, approve, &plan).ok());
  EXPECT_EQ(plan.state(), v1::ActionPlan::APPROVED);
  v1::UpdateActionStatusRequest st;
  st.set_name(PlanName(kParticipant));
  st.set_action_id("a1");
  st.set_status(v1::Action::IN_PROGRESS);
  ASSERT_TRUE(CallAs(self, &v1::FollowUpService::Stub::UpdateActionStatus, st, &plan).ok());
  EXPECT_EQ(plan.actions(0).status(), v1::Action::IN_PROGRESS);
  EXPECT_EQ(CohortSummary().actions_in_progress(), 1);
}

TEST_F(FollowUpTest, TasksCreatedOnCompletionAndNotBefore) {
  SetUpRoster();
  Enrol(kParticipant);
  Enrol(kOther);
  EXPECT_EQ(PollEvents(), 0);
  EXPECT_EQ(Tasks({}).tasks_size(), 0);

  Complete(kParticipant);
  EXPECT_EQ(PollEvents(), 1);
  auto tasks = Tasks({});
  ASSERT_EQ(tasks.tasks_size(), 6);
  std::set<std::string> names;
  for (const auto& t : tasks.tasks()) {
    names.insert(t.name());
    EXPECT_EQ(t.participant_nip(), kParticipant);
    EXPECT_EQ(t.state(), v1::FollowUpTask::OPEN);
    EXPECT_EQ(t.unit(), "tenants/1504/units/dukcapil");
  }
  EXPECT_EQ(names.size(), 6u);
  // Ordered by due time: 30, 30, 60, 60, 90, 90 days after 6 November.
  EXPECT_EQ(tasks.tasks(0).offset_days(), 30);
  EXPECT_EQ(FromDate(tasks.tasks(0).due_date()).value(), kEnd + 30);
  EXPECT_EQ(tasks.tasks(5).offset_days(), 90);
  EXPECT_EQ(FromDate(tasks.tasks(5).due_date()).value(), kEnd + 90);
  const v1::FollowUpTask self30 = Task(TaskId(kParticipant, 30, true));
  EXPECT_EQ(self30.role(), v1::FollowUpTask::SELF_REPORT);
  EXPECT_EQ(Task(TaskId(kParticipant, 30, false)).role(), v1::FollowUpTask::SUPERVISOR_ASSESSMENT);

  // Delivered again (at-least-once) or re-polled: nothing new.
  EXPECT_EQ(PollEvents(), 0);
  auto events = client_->Run({"XRANGE", "enrolment:{1504}:events", "-", "+"});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->elements.size(), 1u);
  redis::Command replay = {"XADD", "enrolment:{1504}:events", "*"};
  for (const auto& f : events->elements[0].elements[1].elements) replay.push_back(f.str);
  ASSERT_TRUE(client_->Run(replay).ok());
  EXPECT_EQ(PollEvents(), 1);
  EXPECT_EQ(Tasks({}).tasks_size(), 6);
  EXPECT_EQ(CohortSummary().task_count(), 6);

  // A follower that starts later (new process) still sees the next one.
  StopService();
  StartService();
  Complete(kOther);
  EXPECT_EQ(PollEvents(), 1);
  EXPECT_EQ(Tasks({}).tasks_size(), 12);
  v1::ListFollowUpTasksRequest by_unit;
  by_unit.set_unit("tenants/1504/units/dinkes");
  EXPECT_EQ(Tasks(by_unit).tasks_size(), 6);
}

TEST_F(FollowUpTest, ProgrammeOffsetsDecideTheSchedule) {
  SetUpRoster({14, 45});
  Enrol(kParticipant);
  Complete(kParticipant);
  EXPECT_EQ(PollEvents(), 1);
  auto tasks = Tasks({});
  ASSERT_EQ(tasks.tasks_size(), 4);
  EXPECT_EQ(tasks.tasks(0).offset_days(), 14);
  EXPECT_EQ(tasks.tasks(3).offset_days(), 45);
}

TEST_F(FollowUpTest, SurveyResponseClosesTask) {
  SetUpRoster();
  Enrol(kParticipant);
  Complete(kParticipant);
  ASSERT_EQ(PollEvents(), 1);

  // The supervisor answers on time: the 30-day supervisor task is done.
  AddSurveyResponse("1504", "r-1", kSupervisor, kParticipant, Wib(2026, 12, 1));
  // Another kind of response for the same cohort changes nothing.
  ASSERT_TRUE(client_->Run({"XADD", "survey:{1504}:responses", "*", "name",
                            "tenants/1504/responses/x", "instrument_kind", "reaction", "cohort",
                            kCohort, "payload", ""}).ok());
  EXPECT_EQ(PollResponses(), 2);
  v1::FollowUpTask t = Task(TaskId(kParticipant, 30, false));
  EXPECT_EQ(t.state(), v1::FollowUpTask::DONE);
  EXPECT_FALSE(t.late());
  EXPECT_EQ(t.response(), "tenants/1504/responses/r-1");
  EXPECT_EQ(t.respondent_nip(), kSupervisor);
  EXPECT_EQ(Task(TaskId(kParticipant, 30, true)).state(), v1::FollowUpTask::OPEN);

  // The participant's self-report comes after the 30-day due day: it still
  // counts, marked late.
  AddSurveyResponse("1504", "r-2", kParticipant, kParticipant, Wib(2026, 12, 10));
  // The same response delivered twice closes nothing more.
  AddSurveyResponse("1504", "r-2", kParticipant, kParticipant, Wib(2026, 12, 10));
  EXPECT_EQ(PollResponses(), 2);
  t = Task(TaskId(kParticipant, 30, true));
  EXPECT_EQ(t.state(), v1::FollowUpTask::DONE);
  EXPECT_TRUE(t.late());
  EXPECT_EQ(Task(TaskId(kParticipant, 60, true)).state(), v1::FollowUpTask::OPEN);

  v1::FollowUpSummary s = CohortSummary();
  EXPECT_EQ(s.task_count(), 6);
  EXPECT_EQ(s.done_count(), 2);
  EXPECT_EQ(s.late_count(), 1);
  EXPECT_DOUBLE_EQ(s.completion_rate(), 2.0 / 6);

  // A response about someone without tasks is acknowledged and ignored.
  AddSurveyResponse("1504", "r-3", kSupervisor, kOther, Wib(2026, 12, 1));
  EXPECT_EQ(PollResponses(), 1);
  EXPECT_EQ(CohortSummary().done_count(), 2);
}

// A response closes the task of the wave whose window holds its date
// (30 -> days 15-44 after the cohort, 60 -> 45-74, 90 -> 75-105), never the
// next open one: an answer 19 days after the cohort is the 30-day one.
TEST_F(FollowUpTest, ResponseClosesOnlyTheTaskOfItsWave) {
  SetUpRoster();
  Enrol(kParticipant);
  Complete(kParticipant);
  ASSERT_EQ(PollEvents(), 1);
  v1::FollowUpTask t60 = Task(TaskId(kParticipant, 60, true));
  EXPECT_EQ(t60.window_first_day().day(), (kEnd + 45).day());
  EXPECT_EQ(t60.window_last_day().day(), (kEnd + 74).day());

  AddSurveyResponse("1504", "self-16", kParticipant, kParticipant, Wib(2026, 11, 6) + absl::Hours(24 * 16));
  AddSurveyResponse("1504", "self-19", kParticipant, kParticipant, Wib(2026, 11, 6) + absl::Hours(24 * 19));
  EXPECT_EQ(PollResponses(), 2);
  EXPECT_EQ(Task(TaskId(kParticipant, 30, true)).response(), "tenants/1504/responses/self-16");
  EXPECT_EQ(Task(TaskId(kParticipant, 60, true)).state(), v1::FollowUpTask::OPEN);
  // The wave the survey service stamped decides, and an answer before the
  // first window closes nothing.
  AddSurveyResponse("1504", "self-w90", kParticipant, kParticipant, Wib(2026, 11, 6) + absl::Hours(24 * 80), "",
                    90);
  AddSurveyResponse("1504", "self-early", kParticipant, kParticipant, Wib(2026, 11, 6) + absl::Hours(24 * 5));
  EXPECT_EQ(PollResponses(), 2);
  EXPECT_EQ(Task(TaskId(kParticipant, 90, true)).state(), v1::FollowUpTask::DONE);
  EXPECT_EQ(Task(TaskId(kParticipant, 60, true)).state(), v1::FollowUpTask::OPEN);
  EXPECT_EQ(CohortSummary().done_count(), 2);
}

TEST_F(FollowUpTest, OverdueListingWithSetClock) {
  SetUpRoster();
  Enrol(kParticipant);
  Enrol(kOther);
  Complete(kParticipant);
  Complete(kOther);
  ASSERT_EQ(PollEvents(), 2);
  v1::ListFollowUpTasksRequest overdue;
  overdue.set_overdue(true);

  // The last instant of the 30th day (WIB): nothing is overdue yet.
  now_ = DueTime(kEnd + 30) - absl::Seconds(1);
  EXPECT_EQ(Tasks(overdue).tasks_size(), 0);
  now_ = DueTime(kEnd + 30);
  auto list = Tasks(overdue);
  ASSERT_EQ(list.tasks_size(), 4);
  for (const auto& t : list.tasks()) {
    EXPECT_EQ(t.offset_days(), 30);
    EXPECT_TRUE(t.overdue());
  }
  // Due within the next 31 days: the 60-day ones too.
  v1::ListFollowUpTasksRequest soon;
  *soon.mutable_due_before() =
      TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(DueTime(kEnd + 60) + absl::Seconds(1)));
  EXPECT_EQ(Tasks(soon).tasks_size(), 8);

  // A late answer takes a task off the overdue list.
  AddSurveyResponse("1504", "r-1", kParticipant, kParticipant, now_.load());
  ASSERT_EQ(PollResponses(), 1);
  EXPECT_EQ(Tasks(overdue).tasks_size(), 3);
  overdue.set_unit("tenants/1504/units/dinkes");
  EXPECT_EQ(Tasks(overdue).tasks_size(), 2);
  overdue.set_cohort(kCohort);
  EXPECT_EQ(Tasks(overdue).tasks_size(), 2);

  // The organiser's view names the supervisor to chase once a plan names one.
  v1::ActionPlan plan;
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kOther, 1, kEnd + 20), &plan).ok());
  v1::FollowUpSummary s = CohortSummary();
  EXPECT_EQ(s.overdue_count(), 3);
  ASSERT_EQ(s.overdue_tasks_size(), 3);
  int chase = 0;
  for (const auto& t : s.overdue_tasks()) {
    if (t.participant_nip() == kOther) {
      EXPECT_EQ(t.supervisor_nip(), kSupervisor);
      ++chase;
    }
  }
  EXPECT_EQ(chase, 2);
  EXPECT_EQ(s.plans_draft(), 1);

  // Paging over the time-ordered index.
  v1::ListFollowUpTasksRequest page;
  page.set_parent("tenants/1504");
  page.set_page_size(5);
  v1::ListFollowUpTasksResponse p1, p2, p3;
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::ListFollowUpTasks, page, &p1).ok());
  page.set_page_token(p1.next_page_token());
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::ListFollowUpTasks, page, &p2).ok());
  page.set_page_token(p2.next_page_token());
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::ListFollowUpTasks, page, &p3).ok());
  EXPECT_EQ(p1.tasks_size() + p2.tasks_size() + p3.tasks_size(), 12);
  EXPECT_TRUE(p3.next_page_token().empty());
}

TEST_F(FollowUpTest, RemindersSentExactlyOnceAcrossRestart) {
  notify::loopback::HttpReceiver receiver;
  ASSERT_TRUE(receiver.Start());
  auto sender = notify::MakeWebhookSender(absl::StrCat("http://127.0.0.1:", receiver.port(), "/wa"),
                                  absl::Seconds(5));
  StopService();
  StartService(sender.get());
  SetUpRoster();
  Enrol(kParticipant);
  Complete(kParticipant);
  ASSERT_EQ(PollEvents(), 1);
  v1::ActionPlan plan;
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 1, kEnd + 20), &plan).ok());

  // Before the reminder time nothing goes out.
  now_ = ReminderTime(kEnd + 30) - absl::Minutes(1);
  auto r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sent, 0);
  EXPECT_EQ(receiver.Count(), 0u);

  // 3 days before: a reminder to the participant and one to the supervisor;
  // the gateway fails the first delivery, which is retried with backoff.
  receiver.FailNext(1);
  now_ = ReminderTime(kEnd + 30);
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 1);
  EXPECT_EQ(r->failed, 1);
  r = outbox_->PollOnce();  // still backing off
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 0);
  now_ = now_.load() + absl::Minutes(1);
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 1);
  ASSERT_EQ(receiver.Count(), 2u);

  // Restart the service (and Redis, from its AOF): nothing is repeated.
  StopService();
  ASSERT_TRUE(redis_->Stop().ok());
  ASSERT_TRUE(redis_->Restart().ok());
  StartService(sender.get());
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sent, 0);
  EXPECT_EQ(receiver.Count(), 2u);

  // The supervisor answers; the participant does not: once overdue only the
  // participant is told, once.
  AddSurveyResponse("1504", "r-1", kSupervisor, kParticipant, now_.load());
  ASSERT_EQ(PollResponses(), 1);
  now_ = DueTime(kEnd + 30);
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 1);
  EXPECT_EQ(r->dropped, 1);
  StopService();
  StartService(sender.get());
  now_ = now_.load() + absl::Hours(1);
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 0);

  auto got = receiver.Received();
  ASSERT_EQ(got.size(), 3u);
  std::set<std::string> keys;
  for (const auto& g : got) {
    auto pos = g.find("Idempotency-Key: ");
    ASSERT_NE(pos, std::string::npos) << g;
    keys.insert(g.substr(pos, g.find('\n', pos) - pos));
  }
  EXPECT_EQ(keys.size(), 3u);
  std::string all = absl::StrJoin(got, "\n---\n");
  EXPECT_THAT(all, HasSubstr("\"recipient_nip\":\"" + kSupervisor + "\""));
  EXPECT_THAT(all, HasSubstr("jatuh tempo pada 6 Desember 2026"));
  EXPECT_THAT(got[2], HasSubstr("telah melewati batas waktu"));
  EXPECT_THAT(got[2], HasSubstr("\"recipient_nip\":\"" + kParticipant + "\""));
}

// A sender that dies after the claim (the process crashed mid-send): the
// notification is neither lost nor sent twice.
class CrashingSender : public Sender {
 public:
  explicit CrashingSender(Sender* next) : next_(next) {}
  absl::Status Send(const Notification& n) override {
    if (crash_next_) {
      crash_next_ = false;
      throw std::runtime_error("process died");
    }
    return next_->Send(n);
  }
  bool crash_next_ = true;

 private:
  Sender* next_;
};

TEST_F(FollowUpTest, NotificationClaimedByACrashedProcessIsSentOnceAfterItsLease) {
  notify::loopback::HttpReceiver receiver;
  ASSERT_TRUE(receiver.Start());
  auto webhook = notify::MakeWebhookSender(absl::StrCat("http://127.0.0.1:", receiver.port(), "/sms"),
                                   absl::Seconds(5));
  CrashingSender crashing(webhook.get());
  StopService();
  StartService(&crashing);
  SetUpRoster({30});
  Enrol(kParticipant);
  Complete(kParticipant);
  ASSERT_EQ(PollEvents(), 1);

  now_ = ReminderTime(kEnd + 30);
  EXPECT_THROW((void)outbox_->PollOnce(), std::runtime_error);
  EXPECT_EQ(receiver.Count(), 0u);

  // The new process sends what was not claimed, and leaves the claimed one
  // alone until the dead process's lease ends.
  StopService();
  StartService(webhook.get());
  auto r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sent, 1);
  now_ = now_.load() + Outbox::Options().lease;
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 1);
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 0);
  auto got = receiver.Received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[0].substr(got[0].find("Idempotency-Key")), got[1].substr(got[1].find("Idempotency-Key")));
}

TEST_F(FollowUpTest, EventsLeftPendingByADeadConsumerAreTakenOver) {
  SetUpRoster();
  Enrol(kParticipant);
  EXPECT_EQ(PollEvents(), 0);  // creates the group
  Complete(kParticipant);
  // A consumer that read the event and died before acking it.
  auto read = client_->Run({"XREADGROUP", "GROUP", "followup", "pod-gone", "COUNT", "10",
                            "STREAMS", "enrolment:{1504}:events", ">"});
  ASSERT_TRUE(read.ok() && read->is_array());
  EXPECT_EQ(PollEvents(), 0);  // not idle long enough for the default follower
  events::FollowerOptions o;
  o.consumer = "pod-new";
  o.claim_idle = absl::ZeroDuration();
  auto follower = MakeEnrolmentFollower(client_.get(), &tenants_, logic_.get(), o);
  auto n = follower->PollOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(Tasks({}).tasks_size(), 6);
  auto pending = client_->Run({"XPENDING", "enrolment:{1504}:events", "followup"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements[0].integer, 0);
}

TEST_F(FollowUpTest, SmtpSenderDeliversToRealSink) {
  notify::loopback::SmtpSink sink;
  ASSERT_TRUE(sink.Start());
  notify::SmtpOptions o;
  o.url = absl::StrCat("smtp://127.0.0.1:", sink.port());
  o.from = "pelita@batangharikab.go.id";
  o.recipient_domain = "asn.batangharikab.go.id";
  auto sender = notify::MakeSmtpSender(o);
  StopService();
  StartService(sender.get());
  SetUpRoster({30});
  Enrol(kParticipant);
  Complete(kParticipant);
  ASSERT_EQ(PollEvents(), 1);

  sink.FailNext(1);
  now_ = ReminderTime(kEnd + 30);
  auto r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->failed, 1);
  now_ = now_.load() + absl::Hours(2);
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->failed, 0);
  EXPECT_EQ(r->sent, 1);
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 0);
  // Two messages: self-report reminder and the supervisor one (no plan
  // yet, so the participant is asked to name the supervisor).
  auto mail = sink.Received();
  ASSERT_EQ(mail.size(), 2u);
  std::string all = absl::StrJoin(mail, "\n---\n");
  EXPECT_THAT(all, HasSubstr("To: " + kParticipant + "@asn.batangharikab.go.id"));
  EXPECT_THAT(all, HasSubstr("Subject: Pengingat laporan tindak lanjut pelatihan"));
  EXPECT_THAT(all, HasSubstr("Message-ID: <pelayanan.c1."));
  EXPECT_THAT(all, HasSubstr("Rencana Tindak Lanjut (RTL)"));
}

// Participants and supervisors read the follow-up tasks that are theirs:
// the participant's own, and those they assess; nobody else's.
TEST_F(FollowUpTest, TasksAreReadByTheirParticipantAndAssessorOnly) {
  SetUpRoster();
  Enrol(kParticipant);
  Complete(kParticipant);
  ASSERT_EQ(PollEvents(), 1);
  v1::ActionPlan plan;
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan, Plan(kParticipant, 1, kEnd + 20), &plan).ok());
  const std::string id = TaskId(kParticipant, 30, false);
  ASSERT_EQ(Task(id).supervisor_nip(), kSupervisor);
  v1::GetFollowUpTaskRequest get;
  get.set_name("tenants/1504/followUpTasks/" + id);
  v1::FollowUpTask task;
  EXPECT_TRUE(CallAs(Caller{"1504", "participant", kParticipant}, &v1::FollowUpService::Stub::GetFollowUpTask, get,
                     &task).ok());
  EXPECT_TRUE(CallAs(Caller{"1504", "supervisor", kSupervisor}, &v1::FollowUpService::Stub::GetFollowUpTask, get,
                     &task).ok());
  EXPECT_EQ(task.due_date().year(), 2026);
  for (const Caller& other : {Caller{"1504", "supervisor", kOther}, Caller{"1504", "participant", kOther}}) {
    grpc::Status s = CallAs(other, &v1::FollowUpService::Stub::GetFollowUpTask, get, &task);
    EXPECT_EQ(s.error_code(), StatusCode::PERMISSION_DENIED) << other.role;
  }
}

TEST_F(FollowUpTest, TenantIsolation) {
  SetUpRoster();
  Enrol(kParticipant);
  Complete(kParticipant);
  ASSERT_EQ(PollEvents(), 1);
  v1::ActionPlan plan;
  ASSERT_TRUE(Call(&v1::FollowUpService::Stub::UpdateActionPlan,
                   Plan(kParticipant, 1, kEnd + 20), &plan).ok());

  // Another tenant's caller reads nothing of 1504.
  v1::GetActionPlanRequest get;
  get.set_name(PlanName(kParticipant));
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::GetActionPlan, get, &plan, "1571").error_code(),
            StatusCode::PERMISSION_DENIED);
  v1::GetFollowUpTaskRequest gt;
  gt.set_name("tenants/1504/followUpTasks/" + TaskId(kParticipant, 30, true));
  v1::FollowUpTask task;
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::GetFollowUpTask, gt, &task, "1571").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Tasks({}, "1571").tasks_size(), 0);
  v1::ListFollowUpTasksRequest cross;
  cross.set_parent("tenants/1571");
  cross.set_cohort(kCohort);
  v1::ListFollowUpTasksResponse resp;
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::ListFollowUpTasks, cross, &resp, "1571").error_code(),
            StatusCode::PERMISSION_DENIED);
  // The same names under tenant 1571 do not exist.
  gt.set_name("tenants/1571/followUpTasks/" + TaskId(kParticipant, 30, true));
  EXPECT_EQ(Call(&v1::FollowUpService::Stub::GetFollowUpTask, gt, &task, "1571").error_code(),
            StatusCode::NOT_FOUND);

  // A response on 1571's stream naming 1504's cohort closes nothing.
  AddSurveyResponse("1571", "r-1", kParticipant, kParticipant, Wib(2026, 12, 1));
  EXPECT_EQ(PollResponses(), 1);
  EXPECT_EQ(Task(TaskId(kParticipant, 30, true)).state(), v1::FollowUpTask::OPEN);
  // And an event on 1571's stream naming a 1504 enrolment creates nothing.
  ASSERT_TRUE(client_->Run({"XADD", "enrolment:{1571}:events", "*", "type", "enrolment.completed",
                            "enrolment", kCohort + "/enrolments/" + kOther, "nip", kOther, "unit",
                            "tenants/1504/units/dinkes", "cohort_start", "20261102",
                            "cohort_end", "20261106", "time_ms", "1"}).ok());
  EXPECT_EQ(PollEvents(), 1);
  EXPECT_EQ(Tasks({}).tasks_size(), 6);
  EXPECT_EQ(Tasks({}, "1571").tasks_size(), 0);
}

}  // namespace
}  // namespace pelita::followup
