// The completion follower on a real Redis stream: EnrolmentCompleted events
// become pushes, a redelivered event makes no second push, and a malformed
// one is dead-lettered without a push.

#include "services/integration/push/completion_follower.h"

#include "gtest/gtest.h"
#include "lib/events/publish.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "services/integration/push/fakes.h"

namespace pelita::integration {
namespace {

TEST(PushFollowerTest, EventsOnTheStreamBecomePushes) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  redis::Client redis((*server)->options());
  FakeConnections connections;  // every tenant off: completions are still recorded
  FakeClients clients;
  FakeLimiter limiter;
  FakeSink sink;
  FakePushSources sources;
  Outbox outbox(&redis, &connections, &clients, &limiter, &sink, &sources, Outbox::Options{});
  events::FixedTenants tenants({"1504", "3204"});
  auto follower = MakeCompletionFollower(&redis, &tenants, &outbox);
  EXPECT_EQ(follower->options().group, "integration");

  auto completed = [](const std::string& tenant, const std::string& nip) {
    enrolment::v1::EnrolmentCompleted e;
    e.set_enrolment(absl::StrCat("tenants/", tenant, "/programs/latsar/cohorts/c1/enrolments/", nip));
    e.set_nip(nip);
    *e.mutable_cohort_start() = ToDate(absl::CivilDay(2026, 3, 2));
    *e.mutable_cohort_end() = ToDate(absl::CivilDay(2026, 3, 6));
    return e;
  };
  const std::string s1504 = events::StreamKey("enrolment", "1504");
  ASSERT_TRUE(events::Publish(redis, s1504, completed("1504", "199001012020031001")).ok());
  ASSERT_TRUE(events::Publish(redis, s1504, completed("1504", "199001012020031001")).ok());  // twice
  ASSERT_TRUE(events::Publish(redis, s1504, completed("1504", "199001012020031002")).ok());
  // An event naming another tenant's enrolment: refused, dead-lettered.
  ASSERT_TRUE(events::Publish(redis, s1504, completed("3204", "199001012020031003")).ok());
  ASSERT_TRUE(events::Publish(redis, events::StreamKey("enrolment", "3204"),
                              completed("3204", "199001012020031004"))
                  .ok());

  int handled = 0;
  for (int i = 0; i < 10 && handled < 5; ++i) {
    auto n = follower->PollOnce();
    ASSERT_TRUE(n.ok()) << n.status();
    handled += *n;
  }
  EXPECT_EQ(handled, 5);
  auto c = outbox.Counts("1504");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pending, 2);
  auto other = outbox.Counts("3204");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->pending, 1);
  auto p = outbox.Get("tenants/1504/pushes/latsar.c1.199001012020031001");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->state(), Push::PENDING);
  EXPECT_EQ(p->enrolment(), "tenants/1504/programs/latsar/cohorts/c1/enrolments/199001012020031001");
  EXPECT_EQ(follower->stats().dead_lettered, 1);
}

}  // namespace
}  // namespace pelita::integration
