// Entries in today's format (string field maps) keep working through a
// follower that handles typed events, with the legacy decoders.
#include "lib/events/legacy.h"

#include "gtest/gtest.h"
#include "lib/events/follower.h"
#include "lib/events/publish.h"
#include "lib/tenancy/key_builder.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "pelita/survey/v1/events.pb.h"
#include "pelita/survey/v1/survey.pb.h"

namespace pelita::events {
namespace {

using enrolment::v1::EnrolmentCompleted;
using survey::v1::ResponseAccepted;

class LegacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(server_->options());
  }
  FollowerOptions Options() {
    FollowerOptions o;
    o.service = "followup";
    o.consumer = "pod-a";
    o.min_backoff = absl::ZeroDuration();
    return o;
  }
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
};

TEST_F(LegacyTest, OldAndNewEnrolmentEntriesReachTheSameTypedHandler) {
  const std::string key = "enrolment:{1504}:events";
  // Exactly what services/enrolment/store.cc appended before typed events (before EnrolmentCompleted).
  ASSERT_TRUE(redis_->Run({"XADD", key, "MAXLEN", "~", "1000000", "*", "type", "enrolment.completed",
                           "enrolment", "tenants/1504/programs/p/cohorts/c/enrolments/196608011988031001",
                           "nip", "196608011988031001", "unit", "tenants/1504/units/dinkes",
                           "cohort_start", "20260302", "cohort_end", "20260306", "time_ms",
                           "1772791200000"})
                  .ok());
  // Another type of today's stream: not an event of interest.
  ASSERT_TRUE(redis_->Run({"XADD", key, "*", "type", "enrolment.withdrawn", "nip", "1"}).ok());
  // A broken old entry: dead-lettered with its raw fields.
  ASSERT_TRUE(redis_->Run({"XADD", key, "*", "type", "enrolment.completed", "cohort_end", "2026-13-01"}).ok());
  // And a new typed entry.
  EnrolmentCompleted typed;
  typed.set_nip("198001012005011002");
  *typed.mutable_cohort_end() = ToDate(absl::CivilDay(2026, 4, 1));
  ASSERT_TRUE(Publish(*redis_, key, typed).ok());

  FixedTenants tenants({"1504"});
  Follower follower(redis_.get(), &tenants, "enrolment",
                    [](const std::string& t) { return StreamKey("enrolment", t); }, Options());
  std::vector<EnrolmentCompleted> seen;
  follower.SetLegacyDecoder(DecodeLegacyEnrolmentEntry)
      .On<EnrolmentCompleted>([&](const EventContext& c, const EnrolmentCompleted& e) {
        EXPECT_EQ(c.type, "pelita.enrolment.v1.EnrolmentCompleted");
        seen.push_back(e);
        return absl::OkStatus();
      });
  auto n = follower.PollOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].nip(), "196608011988031001");
  EXPECT_EQ(seen[0].unit(), "tenants/1504/units/dinkes");
  EXPECT_EQ(*FromDate(seen[0].cohort_start()), absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(*FromDate(seen[0].cohort_end()), absl::CivilDay(2026, 3, 6));
  EXPECT_EQ(FromTimestamp(seen[0].complete_time()), absl::FromUnixMillis(1772791200000));
  EXPECT_EQ(seen[1].nip(), "198001012005011002");
  EXPECT_EQ(follower.stats().unknown, 1);
  EXPECT_EQ(follower.stats().dead_lettered, 1);
  auto dl = redis_->Run({"XRANGE", "followup:{1504}:deadletter", "-", "+"});
  ASSERT_TRUE(dl.ok());
  ASSERT_EQ(dl->elements.size(), 1u);
  bool raw_kept = false;
  const auto& kv = dl->elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < kv.size(); i += 2) {
    if (kv[i].str == "legacy.cohort_end" && kv[i + 1].str == "2026-13-01") raw_kept = true;
  }
  EXPECT_TRUE(raw_kept);
}

TEST_F(LegacyTest, SurveyStreamEntryDecodesOnceForEveryFollower) {
  survey::v1::Response payload;
  payload.set_name("tenants/1504/responses/r1");
  payload.set_respondent_nip("196608011988031001");
  payload.set_subject_nip("198001012005011002");
  payload.set_instrument_kind(survey::v1::FOLLOWUP);
  // Today's format (before ResponseAccepted), as services/survey/store.cc wrote it.
  ASSERT_TRUE(redis_->Run({"XADD", "survey:{1504}:responses", "*", "name", "tenants/1504/responses/r1",
                           "instrument", "tenants/1504/instruments/fu", "instrument_kind", "followup",
                           "cohort", "tenants/1504/programs/p/cohorts/c", "unit", "", "time",
                           "2026-03-02T03:00:00+00:00", "payload", payload.SerializeAsString()})
                  .ok());
  ASSERT_TRUE(redis_->Run({"XADD", "survey:{1504}:responses", "*", "name", "x", "payload", "\xff\xff"}).ok());
  FixedTenants tenants({"1504"});
  Follower follower(redis_.get(), &tenants, "survey",
                    [](const std::string& t) { return KeyBuilder("survey", t).Key("responses"); }, Options());
  std::vector<ResponseAccepted> seen;
  follower.SetLegacyDecoder(DecodeLegacySurveyEntry)
      .On<ResponseAccepted>([&](const EventContext&, const ResponseAccepted& e) {
        seen.push_back(e);
        return absl::OkStatus();
      });
  ASSERT_TRUE(follower.PollOnce().ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].response(), "tenants/1504/responses/r1");
  EXPECT_EQ(seen[0].instrument_kind(), "followup");
  EXPECT_EQ(seen[0].cohort(), "tenants/1504/programs/p/cohorts/c");
  EXPECT_EQ(seen[0].payload().subject_nip(), "198001012005011002");
  EXPECT_EQ(FromTimestamp(seen[0].submit_time()), absl::FromUnixSeconds(1772420400));
  EXPECT_EQ(follower.stats().dead_lettered, 1);  // the payload that does not parse
}

}  // namespace
}  // namespace pelita::events
