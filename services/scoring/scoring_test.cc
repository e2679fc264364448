// ScoringLogic against a real redis-server (cache, settings, survey stream
// invalidation) with in-memory sources, and the gRPC adapter over a real
// channel.
#include "services/scoring/scoring.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/events/publish.h"
#include "lib/status/status.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "pelita/survey/v1/events.pb.h"
#include "services/scoring/fake_sources.h"
#include "services/scoring/follower.h"
#include "services/scoring/grpc_service.h"

namespace pelita::scoring {
namespace {

namespace sv1 = ::pelita::survey::v1;
namespace ev1 = ::pelita::enrolment::v1;

const char kProgram[] = "tenants/1504/programs/pelayanan-prima";
const char kCohort[] = "tenants/1504/programs/pelayanan-prima/cohorts/angkatan-1";
const char kName[] = "tenants/1504/programs/pelayanan-prima/cohorts/angkatan-1/evaluation";
const char kStream[] = "survey:{1504}:responses";

// What the survey service publishes for a stored response of the cohort.
void PublishResponse(redis::Client& redis, const std::string& id) {
  sv1::ResponseAccepted e;
  e.set_response(absl::StrCat("tenants/1504/responses/", id));
  e.set_instrument("tenants/1504/instruments/post");
  e.set_instrument_kind("posttest");
  e.set_cohort(kCohort);
  e.mutable_submit_time()->set_seconds(1772791200);
  ASSERT_TRUE(events::Publish(redis, kStream, e).ok());
}

events::FollowerOptions Fast(absl::Duration claim_idle = absl::Minutes(1)) {
  events::FollowerOptions o;
  o.idle_poll = absl::Milliseconds(20);
  o.claim_idle = claim_idle;
  return o;
}

sv1::CohortAggregates Learning(int64_t n, int64_t sum_pre, int64_t sum_post, int64_t sum_diff_sq) {
  sv1::CohortAggregates a;
  auto* p = a.add_instruments();
  p->set_kind(sv1::POSTTEST);
  auto* pa = p->mutable_paired();
  pa->set_n(n); pa->set_sum_pre(sum_pre); pa->set_sum_post(sum_post);
  pa->set_sum_diff(sum_post - sum_pre); pa->set_sum_diff_squares(sum_diff_sq); pa->set_max_score(100);
  return a;
}

class ScoringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    redis_server_ = std::move(*r);
    redis_ = std::make_unique<redis::Client>(redis_server_->options());
    ev1::Program p;
    p.set_name(kProgram);
    p.set_title("Pelayanan Prima");
    p.set_year(2026);
    p.set_jp(30);
    p.set_cost_per_participant(2'000'000);
    enrolment_.programs.push_back(p);
    ev1::Cohort c;
    c.set_name(kCohort);
    c.add_instructors("budi");
    enrolment_.cohorts[kProgram].push_back(c);
    for (int i = 0; i < 10; ++i) {
      ev1::Enrolment e;
      e.set_state(ev1::Enrolment::COMPLETED);
      e.set_unit("tenants/1504/units/disdukcapil");
      enrolment_.enrolments[kCohort].push_back(e);
    }
    survey_.Set(kCohort, Learning(10, 500, 700, 4400));
    ScoringOptions o;
    o.tenants = {"1504", "1505"};
    logic_ = std::make_unique<ScoringLogic>(redis_.get(), &enrolment_, &survey_, &complaint_, o);
  }

  Caller Organiser() { return Caller{"1504", "organiser", "x"}; }
  v1::GetEvaluationRequest Req() {
    v1::GetEvaluationRequest r;
    r.set_name(kName);
    return r;
  }

  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
  FakeEnrolment enrolment_;
  FakeSurvey survey_;
  FakeComplaint complaint_;
  std::unique_ptr<ScoringLogic> logic_;
};

TEST_F(ScoringTest, ReportIsCachedAndInvalidatedByTheSurveyStream) {
  auto first = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->cached());
  EXPECT_NEAR(first->learning().normalised_gain().value(), 0.4, 1e-12);
  EXPECT_EQ(first->results().conclusion().find("Nothing can be concluded"), 0u);  // no end date
  EXPECT_EQ(survey_.calls.load(), 1);

  auto second = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->cached());
  EXPECT_EQ(survey_.calls.load(), 1);
  EXPECT_EQ(second->learning().normalised_gain().value(), first->learning().normalised_gain().value());

  // New data: the survey service appends to its stream; the follower drops
  // the cached report.
  // (An entry as the survey service wrote it before events were typed.)
  events::FixedTenants tenants({"1504"});
  SurveyStreamFollower follower(redis_.get(), &logic_->store(), &tenants, Fast());
  follower.Start();
  survey_.Set(kCohort, Learning(10, 500, 800, 9400));
  auto x = redis_->Run({"XADD", "survey:{1504}:responses", "*", "name", "tenants/1504/responses/r1",
                        "instrument", "tenants/1504/instruments/post", "instrument_kind", "posttest",
                        "cohort", kCohort, "unit", "", "time", "2026-03-06T10:00:00Z", "payload", ""});
  ASSERT_TRUE(x.ok() && x->is_string());
  ASSERT_TRUE(testing::WaitFor([&] { return follower.handled() >= 1; }, absl::Seconds(10)));
  follower.Stop();
  auto third = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->cached());
  EXPECT_NEAR(third->learning().normalised_gain().value(), (80.0 - 50) / 50, 1e-12);
  EXPECT_EQ(survey_.calls.load(), 2);
  // Acknowledged: nothing pending for the group.
  auto pending = redis_->Run({"XPENDING", "survey:{1504}:responses", "scoring"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements[0].integer, 0);
}

TEST_F(ScoringTest, FollowerRecreatesItsGroupWhenTheStreamIsGone) {
  events::FixedTenants tenants({"1504"});
  SurveyStreamFollower follower(redis_.get(), &logic_->store(), &tenants, Fast());
  follower.Start();
  ASSERT_TRUE(logic_->GetEvaluation(Organiser(), Req()).ok());
  ASSERT_TRUE(redis_->Run({"DEL", "survey:{1504}:responses"}).ok());
  auto groups = [&] {
    auto r = redis_->Run({"XINFO", "GROUPS", "survey:{1504}:responses"});
    return r.ok() && r->is_array() && r->elements.size() == 1;
  };
  ASSERT_TRUE(testing::WaitFor(groups, absl::Seconds(10)));
  PublishResponse(*redis_, "r2");
  ASSERT_TRUE(testing::WaitFor([&] { return follower.handled() >= 1; }, absl::Seconds(10)));
  follower.Stop();
  auto ev = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(ev.ok());
  EXPECT_FALSE(ev->cached());
}

TEST_F(ScoringTest, SettingsChangeWeightsAndMinNAndInvalidateTheCache) {
  ASSERT_TRUE(logic_->GetEvaluation(Organiser(), Req()).ok());
  v1::GetScoringSettingsRequest get;
  get.set_name("tenants/1504/scoringSettings");
  auto s = logic_->GetScoringSettings(Organiser(), get);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->min_n(), 5);
  EXPECT_NEAR(s->weights().l2(), 0.35, 1e-12);

  v1::UpdateScoringSettingsRequest up;
  up.mutable_settings()->set_name("tenants/1504/scoringSettings");
  up.mutable_settings()->set_min_n(20);
  up.mutable_update_mask()->add_paths("min_n");
  auto u = logic_->UpdateScoringSettings(Organiser(), up);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->min_n(), 20);
  auto ev = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(ev.ok());
  EXPECT_FALSE(ev->cached());
  EXPECT_TRUE(ev->learning().normalised_gain().withheld());
  EXPECT_NE(ev->learning().normalised_gain().reason().find("minimum 20"), std::string::npos);

  up.mutable_settings()->set_min_n(1);
  EXPECT_EQ(logic_->UpdateScoringSettings(Organiser(), up).status().code(), absl::StatusCode::kInvalidArgument);
  up.mutable_settings()->set_name("tenants/1505/scoringSettings");
  up.mutable_settings()->set_min_n(5);
  EXPECT_EQ(logic_->UpdateScoringSettings(Organiser(), up).status().code(), absl::StatusCode::kPermissionDenied);
  up.mutable_settings()->set_name("tenants/1504/scoringSettings");
  auto participant = logic_->UpdateScoringSettings(Caller{"1504", "participant", ""}, up);
  EXPECT_EQ(participant.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(participant.status()), "STAFF_ONLY");
  // Refused updates changed nothing.
  EXPECT_EQ(logic_->GetScoringSettings(Organiser(), get)->min_n(), 20);
}

// The registry owns the min-n floor: scoring's own setting may only be
// stricter, so the larger of the two is used.
TEST_F(ScoringTest, TheRegistrysMinNIsTheFloor) {
  int floor = 8;
  ScoringOptions o;
  o.tenants = {"1504", "1505"};
  o.min_n_floor = [&floor](const std::string& tenant) { return tenant == "1504" ? floor : 0; };
  ScoringLogic logic(redis_.get(), &enrolment_, &survey_, &complaint_, o);
  v1::GetScoringSettingsRequest get;
  get.set_name("tenants/1504/scoringSettings");
  EXPECT_EQ(logic.GetScoringSettings(Organiser(), get)->min_n(), 8);  // default 5 < floor 8
  v1::UpdateScoringSettingsRequest up;
  up.mutable_settings()->set_name("tenants/1504/scoringSettings");
  up.mutable_settings()->set_min_n(12);
  up.mutable_update_mask()->add_paths("min_n");
  EXPECT_EQ(logic.UpdateScoringSettings(Organiser(), up)->min_n(), 12);  // stricter: kept
  floor = 30;
  EXPECT_EQ(logic.GetScoringSettings(Organiser(), get)->min_n(), 30);
  auto ev = logic.GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(ev.ok()) << ev.status();
  EXPECT_NE(ev->learning().normalised_gain().reason().find("minimum 30"), std::string::npos)
      << ev->learning().normalised_gain().reason();
}

TEST_F(ScoringTest, OtherTenantsCohortIsRefused) {
  v1::GetEvaluationRequest r;
  r.set_name("tenants/1505/programs/pelayanan-prima/cohorts/angkatan-1/evaluation");
  EXPECT_EQ(logic_->GetEvaluation(Organiser(), r).status().code(), absl::StatusCode::kPermissionDenied);
  r.set_name("tenants/1504/programs/pelayanan-prima/evaluation");
  EXPECT_EQ(logic_->GetEvaluation(Organiser(), r).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ScoringTest, BudgetAdviceUsesMeasuredGain) {
  v1::AdviseBudgetRequest r;
  r.set_parent("tenants/1504");
  r.set_budget(50'000'000);
  auto* c = r.add_candidates();
  c->set_program(kProgram);
  c->set_cost_per_participant(2'000'000);
  c->set_cohort_size(10);
  c->set_max_cohorts(3);
  auto* d = r.add_candidates();
  d->set_program("tenants/1504/programs/baru");
  d->set_cost_per_participant(1'000'000);
  d->set_cohort_size(10);
  d->set_effect_per_participant(10);
  auto* none = r.add_candidates();  // no measured gain, none given
  none->set_program("tenants/1504/programs/tanpa-ukuran");
  none->set_cost_per_participant(1'000'000);
  none->set_cohort_size(10);
  auto a = logic_->AdviseBudget(Organiser(), r);
  ASSERT_TRUE(a.ok()) << a.status();
  auto measured = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(measured.ok()) << measured.status();
  // Measured: g = 0.4 -> 40 points per participant; 2 cohorts (40m) of it
  // plus the new programme (10m) fit exactly.
  ASSERT_EQ(a->funded_size(), 2);
  EXPECT_NEAR(a->funded(0).effect_per_participant(), 40, 1e-9);
  EXPECT_NE(a->funded(0).effect_source().find("measured"), std::string::npos);
  EXPECT_EQ(a->funded(0).cohorts(), 2);
  // The stable codes, and the measured effect's cohorts and pairs.
  EXPECT_EQ(a->funded(0).effect_source_code(), "EFFECT_MEASURED");
  EXPECT_EQ(a->funded(0).effect_cohorts(), 1);
  EXPECT_EQ(a->funded(0).effect_pairs(), measured->learning().normalised_gain().n());
  EXPECT_GT(a->funded(0).effect_pairs(), 0);
  EXPECT_EQ(a->funded(0).reason_code(), "FUNDED");
  EXPECT_EQ(a->funded(1).effect_source_code(), "EFFECT_GIVEN");
  EXPECT_EQ(a->funded(1).effect_cohorts(), 0);
  ASSERT_EQ(a->not_funded_size(), 1);
  EXPECT_EQ(a->not_funded(0).effect_source_code(), "EFFECT_NOT_MEASURED");
  EXPECT_EQ(a->not_funded(0).reason_code(), "NO_EXPECTED_IMPROVEMENT");
  EXPECT_NEAR(a->expected_improvement(), 2 * 10 * 40 + 10 * 10, 1e-9);
  EXPECT_EQ(a->allocated(), 50'000'000);
}

TEST_F(ScoringTest, FollowerReclaimsEntriesADeadConsumerLeftPending) {
  // Cache the report, then let a consumer of the group read three entries
  // and die without acknowledging them.
  ASSERT_TRUE(logic_->GetEvaluation(Organiser(), Req()).ok());
  ASSERT_TRUE(redis_->Run({"XGROUP", "CREATE", "survey:{1504}:responses", "scoring", "$", "MKSTREAM"}).ok());
  for (int i = 0; i < 3; ++i) PublishResponse(*redis_, absl::StrCat("d", i));
  auto read = redis_->Run({"XREADGROUP", "GROUP", "scoring", "dead-replica", "COUNT", "10", "STREAMS",
                           "survey:{1504}:responses", ">"});
  ASSERT_TRUE(read.ok() && read->is_array());
  auto pending_of = [&](const std::string& consumer) -> int64_t {
    auto r = redis_->Run({"XPENDING", "survey:{1504}:responses", "scoring", "-", "+", "100", consumer});
    return r.ok() && r->is_array() ? static_cast<int64_t>(r->elements.size()) : -1;
  };
  ASSERT_EQ(pending_of("dead-replica"), 3);
  survey_.Set(kCohort, Learning(10, 500, 800, 9400));
  auto still = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->cached());  // nobody invalidated it yet

  // A live replica with a short idle threshold takes the entries over.
  events::FixedTenants tenants({"1504"});
  events::FollowerOptions o = Fast(absl::Milliseconds(100));
  o.consumer = "alive";
  SurveyStreamFollower alive(redis_.get(), &logic_->store(), &tenants, o);
  alive.Start();
  ASSERT_TRUE(testing::WaitFor([&] { return alive.handled() >= 3; }, absl::Seconds(10)));
  alive.Stop();
  EXPECT_EQ(alive.handled(), 3);
  EXPECT_EQ(pending_of("dead-replica"), 0);
  EXPECT_EQ(pending_of("alive"), 0);  // handled and acknowledged
  auto fresh = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->cached());
  EXPECT_NEAR(fresh->learning().normalised_gain().value(), (80.0 - 50) / 50, 1e-12);
}

TEST_F(ScoringTest, FollowerLeavesEntriesOfABusyConsumerAlone) {
  // Entries pending for less than the idle threshold stay with their
  // consumer: a follower with a one-hour threshold claims nothing.
  ASSERT_TRUE(redis_->Run({"XGROUP", "CREATE", "survey:{1504}:responses", "scoring", "$", "MKSTREAM"}).ok());
  PublishResponse(*redis_, "b1");
  ASSERT_TRUE(redis_->Run({"XREADGROUP", "GROUP", "scoring", "busy", "STREAMS", "survey:{1504}:responses", ">"}).ok());
  events::FixedTenants tenants({"1504"});
  events::FollowerOptions o = Fast(absl::Hours(1));
  o.consumer = "patient";
  SurveyStreamFollower patient(redis_.get(), &logic_->store(), &tenants, o);
  for (int i = 0; i < 3; ++i) {
    auto n = patient.PollOnce();
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_EQ(*n, 0);
  }
  auto r = redis_->Run({"XPENDING", "survey:{1504}:responses", "scoring", "-", "+", "10", "busy"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->elements.size(), 1u);
}

TEST_F(ScoringTest, InstructorsSeeOnlyTheirOwnCohortsEvenFromTheCache) {
  // An organiser's call caches the report first.
  ASSERT_TRUE(logic_->GetEvaluation(Organiser(), Req()).ok());
  Caller budi{"1504", "instructor", "budi"}, ani{"1504", "instructor", "ani"};
  auto own = logic_->GetEvaluation(budi, Req());
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_TRUE(own->cached());
  auto other = logic_->GetEvaluation(ani, Req());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(other.status().message().find(kCohort), std::string::npos) << other.status();
  EXPECT_EQ(ErrorReason(other.status()), "NOT_YOUR_COHORT");
  auto nameless = logic_->GetEvaluation(Caller{"1504", "instructor", ""}, Req());
  EXPECT_EQ(nameless.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(nameless.status()), "INSTRUCTOR_WITHOUT_SUBJECT");
  // The cohort is handed to ani: budi loses access although the report is
  // still cached, ani gains it.
  enrolment_.cohorts[kProgram][0].clear_instructors();
  enrolment_.cohorts[kProgram][0].add_instructors("ani");
  EXPECT_EQ(logic_->GetEvaluation(budi, Req()).status().code(), absl::StatusCode::kPermissionDenied);
  auto now_ani = logic_->GetEvaluation(ani, Req());
  ASSERT_TRUE(now_ani.ok());
  EXPECT_TRUE(now_ani->cached());
  // Internal callers (no role) keep full access.
  EXPECT_TRUE(logic_->GetEvaluation(Caller{"1504", "", ""}, Req()).ok());
}

TEST_F(ScoringTest, RankingAndRollUpOfAnInstructorCoverOnlyTheirCohorts) {
  // A second cohort taught by ani with another gain.
  ev1::Cohort c2;
  const std::string cohort2 = std::string(kProgram) + "/cohorts/angkatan-2";
  c2.set_name(cohort2);
  c2.add_instructors("ani");
  enrolment_.cohorts[kProgram].push_back(c2);
  for (int i = 0; i < 10; ++i) {
    ev1::Enrolment e;
    e.set_state(ev1::Enrolment::COMPLETED);
    enrolment_.enrolments[cohort2].push_back(e);
  }
  survey_.Set(cohort2, Learning(10, 600, 800, 5000));  // g = (80 - 60) / 40 = 0.5
  v1::RankProgramsRequest rr;
  rr.set_parent("tenants/1504");
  rr.set_year(2026);
  auto all = logic_->RankPrograms(Organiser(), rr);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->instructors_size(), 2);
  // The programme's composite is its roll-up row's: 100 x the pooled g over
  // 20 pairs (only L2 has data), not a mean of the cohorts' composites.
  {
    const double pre = (500 + 600) / 20.0 / 100, post = (700 + 800) / 20.0 / 100;
    EXPECT_NEAR(all->by_composite(0).composite().value(), 100 * (post - pre) / (1 - pre), 1e-9);
  }
  auto mine = logic_->RankPrograms(Caller{"1504", "instructor", "ani"}, rr);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->by_composite_size(), 1);
  EXPECT_EQ(mine->by_composite(0).cohorts(), 1);
  EXPECT_NEAR(mine->by_composite(0).composite().value(), 50, 1e-9);
  ASSERT_EQ(mine->instructors_size(), 1);
  EXPECT_EQ(mine->instructors(0).instructor(), "ani");
  // An instructor without cohorts gets nothing.
  auto none = logic_->RankPrograms(Caller{"1504", "instructor", "citra"}, rr);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->by_composite_size(), 0);

  v1::RollUpEvaluationsRequest ru;
  ru.set_parent("tenants/1504");
  ru.set_year(2026);
  ru.set_group_by(v1::RollUpEvaluationsRequest::INSTRUCTOR);
  auto rows = logic_->RollUpEvaluations(Organiser(), ru);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->rows_size(), 2);
  EXPECT_EQ(rows->rows(0).group(), "ani");
  EXPECT_NEAR(rows->rows(0).normalised_gain().value(), 0.5, 1e-12);
  auto own_rows = logic_->RollUpEvaluations(Caller{"1504", "instructor", "budi"}, ru);
  ASSERT_TRUE(own_rows.ok());
  ASSERT_EQ(own_rows->rows_size(), 1);
  EXPECT_EQ(own_rows->rows(0).group(), "budi");
  EXPECT_NEAR(own_rows->rows(0).normalised_gain().value(), 0.4, 1e-12);
  // Grouped by programme, an instructor's row pools only their own cohort.
  ru.set_group_by(v1::RollUpEvaluationsRequest::PROGRAM);
  auto prog = logic_->RollUpEvaluations(Caller{"1504", "instructor", "budi"}, ru);
  ASSERT_TRUE(prog.ok());
  ASSERT_EQ(prog->rows_size(), 1);
  EXPECT_EQ(prog->rows(0).cohorts(), 1);
  EXPECT_NEAR(prog->rows(0).normalised_gain().value(), 0.4, 1e-12);
  auto prog_all = logic_->RollUpEvaluations(Organiser(), ru);
  ASSERT_TRUE(prog_all.ok());
  // Pooled over 20 pairs: (mean post - mean pre) / (1 - mean pre) on fractions.
  const double pre = (500 + 600) / 20.0 / 100, post = (700 + 800) / 20.0 / 100;
  EXPECT_NEAR(prog_all->rows(0).normalised_gain().value(), (post - pre) / (1 - pre), 1e-12);
  EXPECT_EQ(prog_all->rows(0).pairs().value(), 20);
}

TEST_F(ScoringTest, RollUpValidatesItsInput) {
  v1::RollUpEvaluationsRequest ru;
  ru.set_parent("tenants/1504");
  ru.set_year(2026);
  auto st = logic_->RollUpEvaluations(Organiser(), ru).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("group_by"), std::string::npos) << st;
  ru.set_group_by(v1::RollUpEvaluationsRequest::YEAR);
  ru.set_year(0);
  st = logic_->RollUpEvaluations(Organiser(), ru).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("year"), std::string::npos) << st;
  ru.set_year(2026);
  ru.set_parent("tenants/1505");
  EXPECT_EQ(logic_->RollUpEvaluations(Organiser(), ru).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(ScoringTest, PerUnitRollUpReadsParticipantsInBoundedRoundTrips) {
  // Participants in two units; pre/post tests listed per participant.  The
  // number of survey calls must not grow with the number of participants.
  auto run = [&](int participants) -> std::pair<v1::RollUpEvaluationsResponse, int> {
    FakeEnrolment enrolment;
    FakeSurvey survey;
    enrolment.programs = enrolment_.programs;
    ev1::Cohort c;
    c.set_name(kCohort);
    enrolment.cohorts[kProgram].push_back(c);
    ev1::Unit ua, ub;
    ua.set_name("tenants/1504/units/a");
    ua.set_display_name("Dinas A");
    ub.set_name("tenants/1504/units/b");
    ub.set_display_name("Dinas B");
    enrolment.units = {ua, ub};
    sv1::CohortAggregates agg;
    auto* post = agg.add_instruments();
    post->set_instrument("tenants/1504/instruments/post");
    post->set_kind(sv1::POSTTEST);
    post->mutable_paired()->set_pretest("tenants/1504/instruments/pre");
    post->mutable_paired()->set_max_score(10);
    int64_t n = 0, spre = 0, spost = 0, sdd = 0;
    for (int i = 0; i < participants; ++i) {
      const std::string nip = absl::StrCat("1980010120050110", 10 + i % 90, i);
      ev1::Enrolment e;
      e.set_employee("tenants/1504/employees/" + nip);
      e.set_state(ev1::Enrolment::COMPLETED);
      e.set_unit(i % 3 == 0 ? ub.name() : ua.name());
      enrolment.enrolments[kCohort].push_back(e);
      const int pre = i % 5, after = 5 + i % 6;
      sv1::Response a, b;
      a.set_respondent_nip(nip);
      a.set_total_score(pre);
      b.set_respondent_nip(nip);
      b.set_total_score(after);
      survey.responses[{kCohort, "tenants/1504/instruments/pre"}].push_back(a);
      survey.responses[{kCohort, "tenants/1504/instruments/post"}].push_back(b);
      ++n;
      spre += pre;
      spost += after;
      sdd += (after - pre) * (after - pre);
    }
    auto* pa = post->mutable_paired();
    pa->set_n(n); pa->set_sum_pre(spre); pa->set_sum_post(spost); pa->set_sum_diff(spost - spre);
    pa->set_sum_diff_squares(sdd);
    survey.Set(kCohort, agg);
    ScoringLogic logic(redis_.get(), &enrolment, &survey, &complaint_, ScoringOptions{});
    v1::RollUpEvaluationsRequest ru;
    ru.set_parent("tenants/1504");
    ru.set_year(2026);
    ru.set_group_by(v1::RollUpEvaluationsRequest::UNIT);
    auto out = logic.RollUpEvaluations(Organiser(), ru);
    EXPECT_TRUE(out.ok()) << out.status();
    // Independently per unit from the same formulas' raw inputs.
    int64_t smallest = participants;
    for (const auto& row : out->rows()) smallest = std::min(smallest, row.participants());
    for (const auto& row : out->rows()) {
      double pre = 0, after = 0;
      int k = 0;
      for (int i = 0; i < participants; ++i) {
        if ((i % 3 == 0) != (row.group() == ub.name())) continue;
        pre += (i % 5) / 10.0;
        after += (5 + i % 6) / 10.0;
        ++k;
      }
      EXPECT_EQ(row.participants(), k);
      EXPECT_EQ(row.pairs().value(), k);
      if (smallest >= 5) {
        EXPECT_NEAR(row.normalised_gain().value(), (after / k - pre / k) / (1 - pre / k), 1e-12);
      } else if (k < 5) {
        EXPECT_EQ(row.normalised_gain().reason_code(), v1::BELOW_MIN_N);
      } else {
        // The cohort's report minus this unit would give the other unit's
        // fewer than 5 pairs: suppressed.
        EXPECT_EQ(row.normalised_gain().reason_code(), v1::COMPLEMENTARY_SUPPRESSION);
        EXPECT_EQ(row.normalised_gain().value(), 0);
      }
      EXPECT_NEAR(row.cost_per_participant().value(), 2'000'000, 1e-6);
      EXPECT_EQ(row.title(), row.group() == ub.name() ? "Dinas B" : "Dinas A");
    }
    redis_->Run({"FLUSHALL"}).IgnoreError();
    return {*out, survey.calls.load() + enrolment.calls.load()};
  };
  auto [small, small_calls] = run(12);
  auto [large, large_calls] = run(600);
  ASSERT_EQ(small.rows_size(), 2);
  ASSERT_EQ(large.rows_size(), 2);
  EXPECT_EQ(large.rows(0).participants() + large.rows(1).participants(), 600);
  EXPECT_EQ(small_calls, large_calls);
}

TEST_F(ScoringTest, FreeTextSummariesHideExcerptsFromNonOrganisers) {
  sv1::CohortAggregates agg = Learning(10, 500, 700, 4400);
  auto* obs = agg.add_instruments();
  obs->set_instrument("tenants/1504/instruments/observasi-kinerja");
  obs->set_kind(sv1::OBSERVATION);
  auto* item = obs->add_items();
  item->set_item("CATATAN");
  item->set_type(sv1::FREE_TEXT);
  item->set_n(6);
  std::vector<std::string> texts = {"Antrean loket lebih tertib", "Loket buka tepat waktu",
                                    "Antrean berkurang", "Arsip tertata rapi", "Antrean dan arsip rapi",
                                    "Pelayanan ramah"};
  for (size_t i = 0; i < texts.size(); ++i) {
    sv1::Response r;
    r.mutable_submit_time()->set_seconds(1767225600 + static_cast<int64_t>(i) * 3600);
    auto* a = r.add_answers();
    a->set_item("CATATAN");
    a->set_text(texts[i]);
    survey_.responses[{kCohort, obs->instrument()}].push_back(r);
  }
  survey_.Set(kCohort, agg);
  auto ev = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(ev.ok()) << ev.status();
  ASSERT_EQ(ev->behaviour().text_answers_size(), 1);
  const auto& t = ev->behaviour().text_answers(0);
  EXPECT_EQ(t.n(), 6);
  EXPECT_FALSE(t.withheld());
  ASSERT_GE(t.top_terms_size(), 1);
  EXPECT_EQ(t.top_terms(0).term(), "antrean");
  EXPECT_EQ(t.top_terms(0).answers(), 3);
  ASSERT_EQ(t.excerpts_size(), 3);
  EXPECT_EQ(t.excerpts(0), texts[5]);
  // An agency head, from the cache, gets counts and terms but no excerpts.
  auto head = logic_->GetEvaluation(Caller{"1504", "agency_head", "kadis"}, Req());
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->cached());
  EXPECT_EQ(head->behaviour().text_answers(0).n(), 6);
  EXPECT_EQ(head->behaviour().text_answers(0).top_terms_size(), t.top_terms_size());
  EXPECT_EQ(head->behaviour().text_answers(0).excerpts_size(), 0);
  // And the cache still holds them for the organiser.
  EXPECT_EQ(logic_->GetEvaluation(Organiser(), Req())->behaviour().text_answers(0).excerpts_size(), 3);
}

TEST_F(ScoringTest, GrpcAdapterRanksAndBenchmarksForAProvinceCaller) {
  ScoringGrpcService service(logic_.get());
  ServerOptions so;
  so.name = "scoring-test";
  Server server(so, {&service}, redis_.get());
  ASSERT_TRUE(server.Start().ok());
  auto stub = v1::ScoringService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Organiser());
    v1::RankProgramsRequest r;
    r.set_parent("tenants/1504");
    r.set_year(2026);
    v1::RankProgramsResponse out;
    ASSERT_TRUE(stub->RankPrograms(&ctx, r, &out).ok());
    ASSERT_EQ(out.by_composite_size(), 1);
    EXPECT_EQ(out.by_composite(0).program(), kProgram);
    EXPECT_EQ(out.by_composite(0).rank_by_composite(), 1);
    // Only L2 has data: composite = 100 g.
    EXPECT_NEAR(out.by_composite(0).composite().value(), 40, 1e-9);
    EXPECT_NEAR(out.by_cost_effectiveness(0).cost_effectiveness().value(), 20, 1e-9);
    ASSERT_EQ(out.instructors_size(), 1);
  }
  {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"15", "province", "prov"});
    v1::GetProvinceBenchmarkRequest r;
    r.set_name("provinces/15/benchmarks");
    r.set_year(2026);
    r.set_focus_tenant("1504");
    v1::ProvinceBenchmark out;
    grpc::Status st = stub->GetProvinceBenchmark(&ctx, r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(out.tenants_size(), 2);
    EXPECT_NEAR(out.tenants(0).composite().value(), 40, 1e-9);
    EXPECT_EQ(out.missing_tenants_size(), 9);
  }
  {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"16", "province", "prov"});
    v1::GetProvinceBenchmarkRequest r;
    r.set_name("provinces/15/benchmarks");
    r.set_year(2026);
    v1::ProvinceBenchmark out;
    grpc::Status st = stub->GetProvinceBenchmark(&ctx, r, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    // The reason crosses the wire as an ErrorInfo detail.
    EXPECT_EQ(ErrorReason(FromGrpcStatus(st)), "OTHER_PROVINCE");
  }
  // A regency sees its own row only; instructors compare no regencies.
  for (const auto& [caller, reason] : std::vector<std::pair<Caller, std::string>>{
           {Organiser(), "OWN_ROW_ONLY"}, {Caller{"1504", "instructor", "budi"}, "INSTRUCTOR_NO_BENCHMARK"}}) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, caller);
    v1::GetProvinceBenchmarkRequest r;
    r.set_name("provinces/15/benchmarks");
    r.set_year(2026);
    r.set_focus_tenant("1503");
    v1::ProvinceBenchmark out;
    grpc::Status st = stub->GetProvinceBenchmark(&ctx, r, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << caller.role;
    EXPECT_EQ(ErrorReason(FromGrpcStatus(st)), reason) << caller.role;
  }
  {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Organiser());
    v1::GetEvaluationRequest r = Req();
    v1::Evaluation out;
    ASSERT_TRUE(stub->GetEvaluation(&ctx, r, &out).ok());
    EXPECT_EQ(out.name(), kName);
    EXPECT_EQ(out.enrolled(), 10);
    EXPECT_NEAR(out.cost().per_participant().value(), 2'000'000, 1e-6);
  }
  {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Organiser());
    v1::RollUpEvaluationsRequest r;
    r.set_parent("tenants/1504");
    r.set_year(2026);
    r.set_group_by(v1::RollUpEvaluationsRequest::YEAR);
    v1::RollUpEvaluationsResponse out;
    grpc::Status st = stub->RollUpEvaluations(&ctx, r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(out.rows_size(), 1);
    EXPECT_EQ(out.rows(0).group(), "2026");
    EXPECT_NEAR(out.rows(0).normalised_gain().value(), 0.4, 1e-12);
  }
  {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"1504", "instructor", "ani"});
    v1::Evaluation out;
    EXPECT_EQ(stub->GetEvaluation(&ctx, Req(), &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  server.Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace pelita::scoring
