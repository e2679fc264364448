// The follow-up followers on lib/events against a real redis-server: typed
// events and entries in today's string-map format (the legacy decoders)
// both create and close tasks; a malformed event is dead-lettered to the
// follow-up service's own stream and the stream goes on.

#include "services/followup/followers.h"

#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "pelita/survey/v1/events.pb.h"
#include "services/followup/fake_sources.h"

namespace pelita::followup {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

constexpr char kCohort[] = "tenants/1504/programs/pelayanan/cohorts/c1";

class FollowersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    server_ = std::move(*r);
    redis_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<FollowUpStore>(redis_.get());
    const absl::TimeZone wib = *LoadIndonesianTimeZone("Asia/Jakarta");
    logic_ = std::make_unique<FollowUpLogic>(store_.get(), &enrolment_, nullptr,
                                             [wib](const std::string&) { return wib; });
    ev1::Cohort c;
    c.set_name(kCohort);
    ev1::FollowUpWindow* w = c.add_follow_up_windows();
    w->set_offset_days(30);
    w->mutable_first_day()->set_year(2026);
    w->mutable_first_day()->set_month(11);
    w->mutable_first_day()->set_day(21);
    w->mutable_last_day()->set_year(2026);
    w->mutable_last_day()->set_month(12);
    w->mutable_last_day()->set_day(20);
    enrolment_.Put(c);
    events::FollowerOptions o;
    o.consumer = "test";
    completions_ = MakeEnrolmentFollower(redis_.get(), &tenants_, logic_.get(), o);
    answers_ = MakeSurveyFollower(redis_.get(), &tenants_, logic_.get(), o);
  }

  void Add(const std::string& stream, std::vector<std::string> fields) {
    redis::Command cmd = {"XADD", stream, "*"};
    cmd.insert(cmd.end(), fields.begin(), fields.end());
    auto r = redis_->Run(cmd);
    ASSERT_TRUE(r.ok() && r->is_string()) << r.status();
  }

  int Tasks() {
    auto r = redis_->Run({"ZCARD", "followup:{1504}:all:t"});
    return r.ok() ? static_cast<int>(r->integer) : -1;
  }

  FakeEnrolment enrolment_;
  events::FixedTenants tenants_{{"1504"}};
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<FollowUpStore> store_;
  std::unique_ptr<FollowUpLogic> logic_;
  std::unique_ptr<events::Follower> completions_, answers_;
};

TEST_F(FollowersTest, TypedAndLegacyEntriesBothCreateAndCloseTasks) {
  // A typed event, as the enrolment service publishes it (lib/events).
  ev1::EnrolmentCompleted e;
  e.set_enrolment(absl::StrCat(kCohort, "/enrolments/1"));
  e.set_nip("1");
  e.set_unit("tenants/1504/units/dukcapil");
  *e.mutable_cohort_end() = ToDate(absl::CivilDay(2026, 11, 6));
  Add("enrolment:{1504}:events", {"event_type", std::string(e.GetDescriptor()->full_name()), "event_data",
                                  e.SerializeAsString()});
  // An entry written before typed events (protos/pelita/enrolment/v1/EVENTS.md).
  Add("enrolment:{1504}:events", {"type", "enrolment.completed", "enrolment", absl::StrCat(kCohort, "/enrolments/2"),
                                  "nip", "2", "unit", "tenants/1504/units/dukcapil", "cohort_start", "20261102",
                                  "cohort_end", "20261106", "time_ms", "1793000000000"});
  auto n = completions_->PollOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(Tasks(), 4);  // one wave, two roles, two people

  // A typed follow-up answer closes person 1's self-report; a legacy one
  // person 2's supervisor assessment.
  survey::v1::ResponseAccepted a;
  a.set_response("tenants/1504/responses/r1");
  a.set_instrument_kind("followup");
  a.set_cohort(kCohort);
  a.mutable_payload()->set_respondent_nip("1");
  a.mutable_payload()->set_subject_nip("1");
  a.mutable_payload()->set_followup_wave(30);
  *a.mutable_submit_time() = ToTimestamp(absl::FromCivil(absl::CivilSecond(2026, 11, 25, 3, 0, 0), absl::UTCTimeZone()));
  Add("survey:{1504}:responses", {"event_type", std::string(a.GetDescriptor()->full_name()), "event_data",
                                  a.SerializeAsString()});
  survey::v1::Response old;
  old.set_name("tenants/1504/responses/r2");
  old.set_cohort(kCohort);
  old.set_respondent_nip("9");
  old.set_subject_nip("2");
  Add("survey:{1504}:responses", {"name", old.name(), "instrument", "tenants/1504/instruments/fu",
                                  "instrument_kind", "followup", "cohort", kCohort, "unit", "", "time",
                                  "2026-11-26T03:00:00Z", "payload", old.SerializeAsString()});
  n = answers_->PollOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2);
  auto self1 = logic_->LoadTask("1504", "pelayanan.c1.1.30.self");
  auto sup2 = logic_->LoadTask("1504", "pelayanan.c1.2.30.supervisor");
  ASSERT_TRUE(self1.ok() && sup2.ok());
  EXPECT_EQ(self1->state(), v1::FollowUpTask::DONE);
  EXPECT_EQ(sup2->state(), v1::FollowUpTask::DONE);
  EXPECT_EQ(sup2->respondent_nip(), "9");
}

TEST_F(FollowersTest, AMalformedEventIsDeadLetteredAndTheStreamGoesOn) {
  ev1::EnrolmentCompleted bad;
  bad.set_enrolment("not a name");
  *bad.mutable_cohort_end() = ToDate(absl::CivilDay(2026, 11, 6));
  ev1::EnrolmentCompleted good;
  good.set_enrolment(absl::StrCat(kCohort, "/enrolments/3"));
  good.set_nip("3");
  *good.mutable_cohort_end() = ToDate(absl::CivilDay(2026, 11, 6));
  for (const auto* e : {&bad, &good}) {
    Add("enrolment:{1504}:events", {"event_type", "pelita.enrolment.v1.EnrolmentCompleted", "event_data",
                                    e->SerializeAsString()});
  }
  auto n = completions_->PollOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(Tasks(), 2);
  auto dl = redis_->Run({"XLEN", "followup:{1504}:deadletter"});
  ASSERT_TRUE(dl.ok());
  EXPECT_EQ(dl->integer, 1);
  EXPECT_EQ(completions_->stats().dead_lettered, 1);
}

}  // namespace
}  // namespace pelita::followup
