// ScoringLogic against a real redis-server (cache, settings, survey stream
// invalidation) with in-memory sources, and the gRPC adapter over a real
// channel.
#include "services/scoring/scoring.h"

#include <grpcpp/grpcpp.h>

#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
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
  SurveyStreamFollower follower(redis_.get(), &logic_->store(), {"1504"}, "test", absl::Milliseconds(100));
  ASSERT_TRUE(follower.Start().ok());
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
  SurveyStreamFollower follower(redis_.get(), &logic_->store(), {"1504"}, "test", absl::Milliseconds(100));
  ASSERT_TRUE(follower.Start().ok());
  ASSERT_TRUE(logic_->GetEvaluation(Organiser(), Req()).ok());
  ASSERT_TRUE(redis_->Run({"DEL", "survey:{1504}:responses"}).ok());
  auto groups = [&] {
    auto r = redis_->Run({"XINFO", "GROUPS", "survey:{1504}:responses"});
    return r.ok() && r->is_array() && r->elements.size() == 1;
  };
  ASSERT_TRUE(testing::WaitFor(groups, absl::Seconds(10)));
  ASSERT_TRUE(redis_->Run({"XADD", "survey:{1504}:responses", "*", "name", "tenants/1504/responses/r2",
                           "cohort", kCohort}).ok());
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
  auto s = logic_->GetSettings(Organiser(), get);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->min_n(), 5);
  EXPECT_NEAR(s->weights().l2(), 0.35, 1e-12);

  v1::UpdateScoringSettingsRequest up;
  up.mutable_settings()->set_name("tenants/1504/scoringSettings");
  up.mutable_settings()->set_min_n(20);
  up.mutable_update_mask()->add_paths("min_n");
  auto u = logic_->UpdateSettings(Organiser(), up);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->min_n(), 20);
  auto ev = logic_->GetEvaluation(Organiser(), Req());
  ASSERT_TRUE(ev.ok());
  EXPECT_FALSE(ev->cached());
  EXPECT_TRUE(ev->learning().normalised_gain().withheld());
  EXPECT_NE(ev->learning().normalised_gain().reason().find("minimum 20"), std::string::npos);

  up.mutable_settings()->set_min_n(1);
  EXPECT_EQ(logic_->UpdateSettings(Organiser(), up).status().code(), absl::StatusCode::kInvalidArgument);
  up.mutable_settings()->set_name("tenants/1505/scoringSettings");
  up.mutable_settings()->set_min_n(5);
  EXPECT_EQ(logic_->UpdateSettings(Organiser(), up).status().code(), absl::StatusCode::kPermissionDenied);
  up.mutable_settings()->set_name("tenants/1504/scoringSettings");
  EXPECT_EQ(logic_->UpdateSettings(Caller{"1504", "participant", ""}, up).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Refused updates changed nothing.
  EXPECT_EQ(logic_->GetSettings(Organiser(), get)->min_n(), 20);
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
  auto a = logic_->AdviseBudget(Organiser(), r);
  ASSERT_TRUE(a.ok()) << a.status();
  // Measured: g = 0.4 -> 40 points per participant; 2 cohorts (40m) of it
  // plus the new programme (10m) fit exactly.
  ASSERT_EQ(a->funded_size(), 2);
  EXPECT_NEAR(a->funded(0).effect_per_participant(), 40, 1e-9);
  EXPECT_NE(a->funded(0).effect_source().find("measured"), std::string::npos);
  EXPECT_EQ(a->funded(0).cohorts(), 2);
  EXPECT_NEAR(a->expected_improvement(), 2 * 10 * 40 + 10 * 10, 1e-9);
  EXPECT_EQ(a->allocated(), 50'000'000);
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
    r.set_name("provinces/15");
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
    r.set_name("provinces/15");
    r.set_year(2026);
    v1::ProvinceBenchmark out;
    EXPECT_EQ(stub->GetProvinceBenchmark(&ctx, r, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
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
  server.Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace pelita::scoring
