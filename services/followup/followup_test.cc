// FollowUpLogic without a network: the enrolment service and the scoring
// service are fakes behind their interfaces (sources.h), Redis is real.

#include "services/followup/followup.h"

#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"
#include "services/followup/fake_sources.h"

namespace pelita::followup {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

constexpr char kCohort[] = "tenants/1504/programs/pelayanan/cohorts/c1";
constexpr char kNip[] = "198001012010031002";
constexpr char kBoss[] = "198002022010031003";

class FollowUpLogicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    server_ = std::move(*r);
    redis_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<FollowUpStore>(redis_.get());
    const absl::TimeZone wib = *LoadIndonesianTimeZone("Asia/Jakarta");
    logic_ = std::make_unique<FollowUpLogic>(store_.get(), &enrolment_, &behaviour_,
                                             [wib](const std::string&) { return wib; },
                                             [this] { return now_; });
    ev1::Cohort c;
    c.set_name(kCohort);
    c.mutable_end_date()->set_year(2026);
    c.mutable_end_date()->set_month(11);
    c.mutable_end_date()->set_day(6);
    for (int d : {30, 60, 90}) {
      ev1::FollowUpWindow* w = c.add_follow_up_windows();
      w->set_offset_days(d);
      const absl::CivilDay end(2026, 11, 6);
      const absl::CivilDay first = end + (d - 15), last = end + (d == 90 ? 105 : d + 14);
      w->mutable_first_day()->set_year(first.year());
      w->mutable_first_day()->set_month(first.month());
      w->mutable_first_day()->set_day(first.day());
      w->mutable_last_day()->set_year(last.year());
      w->mutable_last_day()->set_month(last.month());
      w->mutable_last_day()->set_day(last.day());
    }
    enrolment_.Put(c);
    ev1::Enrolment e;
    e.set_name(absl::StrCat(kCohort, "/enrolments/", kNip));
    e.set_state(ev1::Enrolment::COMPLETED);
    e.set_unit("tenants/1504/units/dukcapil");
    enrolment_.Put(e);
    for (const char* nip : {kNip, kBoss}) {
      ev1::Employee emp;
      emp.set_name(absl::StrCat("tenants/1504/employees/", nip));
      emp.set_full_name(absl::StrCat("Pegawai ", nip));
      enrolment_.Put(emp);
    }
  }

  v1::UpdateActionPlanRequest Plan() {
    v1::UpdateActionPlanRequest r;
    r.mutable_action_plan()->set_name(absl::StrCat(kCohort, "/enrolments/", kNip, "/actionPlan"));
    r.mutable_action_plan()->set_supervisor(absl::StrCat("tenants/1504/employees/", kBoss));
    v1::Action* a = r.mutable_action_plan()->add_actions();
    a->set_change("SOP layanan KTP");
    a->set_competency("Pelayanan publik");
    a->set_indicator("Waktu layanan 1 hari");
    *a->mutable_due_date() = ToDate(absl::CivilDay(2026, 12, 20));
    return r;
  }

  const Caller kStaff{"1504", "organiser", "org"};
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 10, 9, 0, 0), absl::UTCTimeZone());
  FakeEnrolment enrolment_;
  FakeBehaviour behaviour_;
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<FollowUpStore> store_;
  std::unique_ptr<FollowUpLogic> logic_;
};

// The one definition of L3: the cohort summary shows the scoring service's
// applied share and scrap learning as scoring reports them, and computes no
// rate of its own from the action plans (an APPLIED action is a count, not
// an L3 figure).
TEST_F(FollowUpLogicTest, CohortSummaryCarriesScoringsL3AndNoRateOfItsOwn) {
  ASSERT_TRUE(logic_->UpdateActionPlan(kStaff, Plan()).ok());
  v1::SubmitActionPlanRequest sub;
  sub.set_name(Plan().action_plan().name());
  ASSERT_TRUE(logic_->SubmitActionPlan(kStaff, sub).ok());
  v1::ApproveActionPlanRequest ap;
  ap.set_name(sub.name());
  ASSERT_TRUE(logic_->ApproveActionPlan(Caller{"1504", "supervisor", kBoss}, ap).ok());
  v1::UpdateActionStatusRequest us;
  us.set_name(sub.name());
  us.set_action_id("a1");
  us.set_status(v1::Action::APPLIED);
  us.set_evidence("SOP terbit");
  ASSERT_TRUE(logic_->UpdateActionStatus(kStaff, us).ok());

  scoring::v1::Behaviour b;
  b.mutable_applied_share()->set_value(0.4);
  b.mutable_applied_share()->set_n(10);
  b.mutable_scrap_learning_rate()->set_value(0.6);
  behaviour_.Put(kCohort, b);
  v1::GetCohortFollowUpSummaryRequest r;
  r.set_name(absl::StrCat(kCohort, "/followUpSummary"));
  auto s = logic_->GetCohortFollowUpSummary(kStaff, r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->actions_applied(), 1);
  EXPECT_EQ(s->action_count(), 1);
  // 1 applied of 1 action would have been "applied_rate 1.0" before; the
  // figure shown is scoring's.
  EXPECT_DOUBLE_EQ(s->behaviour().applied_share().value(), 0.4);
  EXPECT_EQ(s->behaviour().applied_share().n(), 10);
  EXPECT_DOUBLE_EQ(s->behaviour().scrap_learning_rate().value(), 0.6);
  EXPECT_TRUE(s->behaviour_unavailable().empty());
  EXPECT_EQ(v1::FollowUpSummary::descriptor()->FindFieldByName("applied_rate"), nullptr);
  EXPECT_EQ(v1::FollowUpSummary::descriptor()->FindFieldByName("scrap_learning_rate"), nullptr);

  // Scoring down: the workflow summary still answers, without an L3 figure.
  behaviour_.SetFailure(absl::UnavailableError("scoring service: connection refused"));
  s = logic_->GetCohortFollowUpSummary(kStaff, r);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->has_behaviour());
  EXPECT_NE(s->behaviour_unavailable().find("connection refused"), std::string::npos);
}

TEST_F(FollowUpLogicTest, EnrolmentIsReadThroughItsInterface) {
  // Not completed: no plan.
  ev1::Enrolment e;
  e.set_name(absl::StrCat(kCohort, "/enrolments/", kNip));
  e.set_state(ev1::Enrolment::ENROLLED);
  enrolment_.Put(e);
  EXPECT_EQ(logic_->UpdateActionPlan(kStaff, Plan()).status().code(), absl::StatusCode::kFailedPrecondition);
  // The enrolment service unreachable: UNAVAILABLE, nothing written.
  e.set_state(ev1::Enrolment::COMPLETED);
  enrolment_.Put(e);
  enrolment_.SetFailure(absl::UnavailableError("enrolment service: down"));
  EXPECT_EQ(logic_->UpdateActionPlan(kStaff, Plan()).status().code(), absl::StatusCode::kUnavailable);
  auto stored = store_->GetPlan("1504", "pelayanan/c1", kNip);
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
  enrolment_.SetFailure(absl::OkStatus());
  EXPECT_TRUE(logic_->UpdateActionPlan(kStaff, Plan()).ok());
  // A supervisor that is no employee is named in the error.
  auto bad = Plan();
  bad.mutable_action_plan()->set_supervisor("tenants/1504/employees/199001012015031001");
  auto s = logic_->UpdateActionPlan(kStaff, bad);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("action_plan.supervisor"), std::string::npos) << s.status();
}

TEST_F(FollowUpLogicTest, CompletionCreatesTheCohortsWavesOnce) {
  Completion c{absl::StrCat(kCohort, "/enrolments/", kNip), kNip, "tenants/1504/units/dukcapil",
               absl::CivilDay(2026, 11, 6)};
  auto n = logic_->OnCompleted("1504", c);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 6);
  EXPECT_EQ(*logic_->OnCompleted("1504", c), 0);
  auto t = logic_->LoadTask("1504", absl::StrCat("pelayanan.c1.", kNip, ".60.supervisor"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->window_first_day().day(), 21);  // 6 Nov + 45 days = 21 Dec
  EXPECT_EQ(t->window_first_day().month(), 12);
  // Another tenant's event is refused (permanent).
  EXPECT_EQ(logic_->OnCompleted("1571", c).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pelita::followup
