#include "lib/events/follower.h"

#include <cstdlib>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "lib/events/publish.h"
#include "lib/metrics/metrics.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "pelita/tenant/v1/tenant.pb.h"

namespace pelita::events {
namespace {

using tenant::v1::TenantCreated;
using tenant::v1::TenantUpdated;

std::string Key(const std::string& tenant) { return StreamKey("enrolment", tenant); }

TenantCreated Created(const std::string& name) {
  TenantCreated e;
  e.mutable_tenant()->set_name(name);
  e.mutable_tenant()->set_display_name(absl::StrCat("display ", name));
  return e;
}

class FollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(server_->options());
  }

  FollowerOptions Options(const std::string& consumer = "pod-a") {
    FollowerOptions o;
    o.service = "scoring";
    o.consumer = consumer;
    o.idle_poll = absl::Milliseconds(5);
    o.min_backoff = absl::ZeroDuration();
    o.lag_interval = absl::ZeroDuration();
    return o;
  }

  std::unique_ptr<Follower> Make(TenantSource* tenants, FollowerOptions options) {
    return std::make_unique<Follower>(redis_.get(), tenants, "enrolment", Key, std::move(options));
  }

  void PublishCreated(const std::string& tenant, const std::string& name) {
    ASSERT_TRUE(Publish(*redis_, Key(tenant), Created(name)).ok());
  }

  int64_t Pending(const std::string& tenant, const std::string& group = "scoring") {
    auto r = redis_->Run({"XPENDING", Key(tenant), group});
    return r.ok() && r->is_array() && !r->elements.empty() ? r->elements[0].integer : -1;
  }

  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
};

TEST_F(FollowerTest, TypedHandlersGetTheirEventsAndUnknownTypesAreAcked) {
  FixedTenants tenants({"1504"});
  auto follower = Make(&tenants, Options());
  std::vector<std::string> seen;
  follower->On<TenantCreated>([&](const EventContext& c, const TenantCreated& e) {
    EXPECT_EQ(c.tenant, "1504");
    EXPECT_EQ(c.type, "pelita.tenant.v1.TenantCreated");
    EXPECT_EQ(c.stream, "enrolment:{1504}:events");
    seen.push_back(e.tenant().name());
    return absl::OkStatus();
  });
  PublishCreated("1504", "tenants/a");
  ASSERT_TRUE(Publish(*redis_, Key("1504"), TenantUpdated()).ok());  // no handler for it
  ASSERT_TRUE(redis_->Run({"XADD", Key("1504"), "*", "something", "else"}).ok());  // untyped, no decoder
  PublishCreated("1504", "tenants/b");
  auto n = follower->PollOnce();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 4);
  EXPECT_EQ(seen, (std::vector<std::string>{"tenants/a", "tenants/b"}));
  EXPECT_EQ(follower->stats().handled, 2);
  EXPECT_EQ(follower->stats().unknown, 2);
  EXPECT_EQ(Pending("1504"), 0);
  EXPECT_TRUE(absl::StrContains(
      metrics::Scrape(),
      "pelita_events_handled_total{group=\"scoring\",outcome=\"unknown\",stream=\"enrolment\","
      "type=\"pelita.tenant.v1.TenantUpdated\"} 1"))
      << metrics::Scrape();
}

TEST_F(FollowerTest, GroupStartsAtTheBeginningOfTheStream) {
  // Written before any follower existed.
  PublishCreated("1504", "tenants/early");
  FixedTenants tenants({"1504"});
  auto follower = Make(&tenants, Options());
  int seen = 0;
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated&) {
    ++seen;
    return absl::OkStatus();
  });
  ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(seen, 1);
}

TEST_F(FollowerTest, PermanentErrorIsDeadLetteredAndTheStreamGoesOn) {
  FixedTenants tenants({"1504"});
  auto follower = Make(&tenants, Options());
  std::vector<std::string> ok;
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated& e) {
    if (e.tenant().name() == "tenants/bad") return absl::InvalidArgumentError("display_name: too long");
    ok.push_back(e.tenant().name());
    return absl::OkStatus();
  });
  PublishCreated("1504", "tenants/bad");
  PublishCreated("1504", "tenants/good");
  ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(ok, std::vector<std::string>{"tenants/good"});
  EXPECT_EQ(follower->stats().dead_lettered, 1);
  EXPECT_EQ(Pending("1504"), 0);
  auto dl = redis_->Run({"XRANGE", "scoring:{1504}:deadletter", "-", "+"});
  ASSERT_TRUE(dl.ok());
  ASSERT_EQ(dl->elements.size(), 1u);
  std::map<std::string, std::string> f;
  const auto& kv = dl->elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < kv.size(); i += 2) f[kv[i].str] = kv[i + 1].str;
  EXPECT_EQ(f["stream"], "enrolment:{1504}:events");
  EXPECT_EQ(f["group"], "scoring");
  EXPECT_EQ(f["event_type"], "pelita.tenant.v1.TenantCreated");
  EXPECT_TRUE(absl::StrContains(f["error"], "display_name: too long"));
  TenantCreated back;
  ASSERT_TRUE(back.ParseFromString(f["event_data"]));
  EXPECT_EQ(back.tenant().name(), "tenants/bad");
}

TEST_F(FollowerTest, TransientErrorIsRetriedInOrderThenDeadLetteredAfterMaxAttempts) {
  FixedTenants tenants({"1504"});
  FollowerOptions o = Options();
  o.max_attempts = 3;
  auto follower = Make(&tenants, o);
  int calls_a = 0;
  bool a_heals = false;
  std::vector<std::string> order;
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated& e) {
    if (e.tenant().name() == "tenants/a") {
      ++calls_a;
      if (!a_heals) return absl::UnavailableError("enrolment is down");
    }
    order.push_back(e.tenant().name());
    return absl::OkStatus();
  });
  PublishCreated("1504", "tenants/a");
  PublishCreated("1504", "tenants/b");
  ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(calls_a, 1);
  EXPECT_TRUE(order.empty());  // b waits behind a: order is kept
  EXPECT_EQ(Pending("1504"), 2);  // both delivered, neither acked
  a_heals = true;
  ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(order, (std::vector<std::string>{"tenants/a", "tenants/b"}));
  EXPECT_EQ(follower->stats().retried, 1);
  EXPECT_EQ(Pending("1504"), 0);

  // An entry that never heals stops blocking after max_attempts.
  a_heals = false;
  order.clear();
  PublishCreated("1504", "tenants/a");
  PublishCreated("1504", "tenants/c");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(order, std::vector<std::string>{"tenants/c"});
  EXPECT_EQ(follower->stats().dead_lettered, 1);
  auto dl = redis_->Run({"XLEN", "scoring:{1504}:deadletter"});
  EXPECT_EQ(dl->integer, 1);
}

TEST_F(FollowerTest, DeadConsumersEntriesAreTakenOver) {
  FixedTenants tenants({"1504"});
  FollowerOptions o = Options("pod-b");
  o.claim_idle = absl::Milliseconds(50);
  auto follower = Make(&tenants, o);
  std::vector<std::string> seen;
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated& e) {
    seen.push_back(e.tenant().name());
    return absl::OkStatus();
  });
  ASSERT_TRUE(follower->PollOnce().ok());  // creates the group
  PublishCreated("1504", "tenants/orphan");
  // pod-a reads it and dies before acking.
  auto taken = redis_->Run({"XREADGROUP", "GROUP", "scoring", "pod-a", "COUNT", "10", "STREAMS",
                            Key("1504"), ">"});
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(Pending("1504"), 1);
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        EXPECT_TRUE(follower->PollOnce().ok());
        return !seen.empty();
      },
      absl::Seconds(5)));
  EXPECT_EQ(seen, std::vector<std::string>{"tenants/orphan"});
  EXPECT_EQ(follower->stats().claimed, 1);
  EXPECT_EQ(Pending("1504"), 0);
}

TEST_F(FollowerTest, OwnPendingEntriesAreReadFirstAfterARestart) {
  FixedTenants tenants({"1504"});
  ASSERT_TRUE(Make(&tenants, Options())->PollOnce().ok());  // group
  PublishCreated("1504", "tenants/x");
  // The previous process of the same consumer read it and crashed.
  ASSERT_TRUE(redis_->Run({"XREADGROUP", "GROUP", "scoring", "pod-a", "STREAMS", Key("1504"), ">"}).ok());
  auto follower = Make(&tenants, Options());
  int seen = 0;
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated&) {
    ++seen;
    return absl::OkStatus();
  });
  ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(Pending("1504"), 0);
}

TEST_F(FollowerTest, MissingGroupOrStreamIsCreatedAgain) {
  FixedTenants tenants({"1504"});
  auto follower = Make(&tenants, Options());
  int seen = 0;
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated&) {
    ++seen;
    return absl::OkStatus();
  });
  ASSERT_TRUE(follower->PollOnce().ok());
  ASSERT_TRUE(redis_->Run({"DEL", Key("1504")}).ok());  // stream and group gone
  PublishCreated("1504", "tenants/after");
  ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(seen, 1);
  ASSERT_TRUE(redis_->Run({"XGROUP", "DESTROY", Key("1504"), "scoring"}).ok());
  PublishCreated("1504", "tenants/again");
  ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(seen, 3);  // the recreated group starts at 0: both entries of the new stream
}

TEST_F(FollowerTest, AckErrorsAreReportedAndTheEntryIsReadAgain) {
  FixedTenants tenants({"1504"});
  auto follower = Make(&tenants, Options());
  int seen = 0;
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated&) {
    ++seen;
    if (seen == 1) {
      // The stream key is replaced under the follower's feet: XACK fails.
      EXPECT_TRUE(redis_->Run({"DEL", Key("1504")}).ok());
      EXPECT_TRUE(redis_->Run({"SET", Key("1504"), "not a stream"}).ok());
    }
    return absl::OkStatus();
  });
  PublishCreated("1504", "tenants/a");
  auto n = follower->PollOnce();
  EXPECT_FALSE(n.ok());
  EXPECT_TRUE(absl::StrContains(n.status().message(), "XACK")) << n.status();
  EXPECT_EQ(follower->stats().ack_errors, 1);
}

TEST_F(FollowerTest, LagCountsPendingAndUndeliveredWithTheirAge) {
  FixedTenants tenants({"1504"});
  auto follower = Make(&tenants, Options());
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated&) { return absl::OkStatus(); });
  ASSERT_TRUE(follower->PollOnce().ok());
  auto lag = follower->MeasureLag("1504");
  ASSERT_TRUE(lag.ok());
  EXPECT_EQ(lag->entries, 0);
  EXPECT_EQ(lag->oldest, absl::ZeroDuration());
  for (int i = 0; i < 3; ++i) PublishCreated("1504", "tenants/x");
  // One delivered to a consumer that has not acked, two not yet delivered.
  ASSERT_TRUE(redis_->Run({"XREADGROUP", "GROUP", "scoring", "other", "COUNT", "1", "STREAMS", Key("1504"), ">"}).ok());
  const absl::Time published = absl::Now();
  ASSERT_TRUE(testing::WaitFor([&] { return follower->MeasureLag("1504")->oldest > absl::Milliseconds(20); },
                               absl::Seconds(5)));
  lag = follower->MeasureLag("1504");
  EXPECT_EQ(lag->entries, 3);
  EXPECT_LE(lag->oldest, absl::Now() - published + absl::Seconds(1));
  ASSERT_TRUE(follower->PollOnce().ok());
  EXPECT_EQ(follower->MeasureLag("1504")->entries, 1);  // only the other consumer's entry
  EXPECT_TRUE(absl::StrContains(metrics::Scrape(),
                                "pelita_events_pending{group=\"scoring\",stream=\"enrolment\",tenant=\"1504\"}"));
}

// A tenant source whose set changes, like the registry's.
TEST_F(FollowerTest, FollowsTenantsThatAppearAtRunTimeAndStopsCleanly) {
  FixedTenants tenants({"1504"});
  auto follower = Make(&tenants, Options());
  absl::Mutex mu;
  std::set<std::string> seen;
  follower->On<TenantCreated>([&](const EventContext& c, const TenantCreated& e) {
    absl::MutexLock lock(&mu);
    seen.insert(absl::StrCat(c.tenant, "/", e.tenant().name()));
    return absl::OkStatus();
  });
  follower->Start();
  PublishCreated("1504", "x");
  ASSERT_TRUE(testing::WaitFor([&] { absl::MutexLock l(&mu); return seen.count("1504/x") == 1; },
                               absl::Seconds(5)));
  // A regency joins: its stream is followed without a restart, including
  // what it published before the follower noticed it.
  PublishCreated("1571", "y");
  tenants.Set({"1504", "1571"});
  ASSERT_TRUE(testing::WaitFor([&] { absl::MutexLock l(&mu); return seen.count("1571/y") == 1; },
                               absl::Seconds(5)));
  const absl::Time before = absl::Now();
  follower->Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(2));
  PublishCreated("1571", "z");  // after Stop: not handled
  EXPECT_EQ(Pending("1571"), 0);
  absl::MutexLock l(&mu);
  EXPECT_EQ(seen.count("1571/z"), 0u);
}

TEST_F(FollowerTest, EveryProcessDeliveryGivesEachProcessEveryNewEvent) {
  FixedTenants tenants({"1504"});
  PublishCreated("1504", "old");  // before both started: not theirs
  FollowerOptions o = Options();
  o.delivery = FollowerOptions::Delivery::kEveryProcess;
  auto a = Make(&tenants, o);
  auto b = Make(&tenants, o);
  std::vector<std::string> seen_a, seen_b;
  a->On<TenantCreated>([&](const EventContext&, const TenantCreated& e) {
    seen_a.push_back(e.tenant().name());
    return absl::OkStatus();
  });
  b->On<TenantCreated>([&](const EventContext&, const TenantCreated& e) {
    seen_b.push_back(e.tenant().name());
    return absl::OkStatus();
  });
  ASSERT_TRUE(a->PollOnce().ok());
  ASSERT_TRUE(b->PollOnce().ok());
  PublishCreated("1504", "new");
  ASSERT_TRUE(a->PollOnce().ok());
  ASSERT_TRUE(b->PollOnce().ok());
  EXPECT_EQ(seen_a, std::vector<std::string>{"new"});
  EXPECT_EQ(seen_b, std::vector<std::string>{"new"});
  auto groups = redis_->Run({"XINFO", "GROUPS", Key("1504")});
  ASSERT_TRUE(groups.ok());
  EXPECT_TRUE(groups->elements.empty());  // no consumer group involved
}

TEST_F(FollowerTest, RedisOutageIsReportedAndFollowingResumes) {
  FixedTenants tenants({"1504"});
  auto follower = Make(&tenants, Options());
  int seen = 0;
  follower->On<TenantCreated>([&](const EventContext&, const TenantCreated&) {
    ++seen;
    return absl::OkStatus();
  });
  PublishCreated("1504", "before");
  ASSERT_TRUE(follower->PollOnce().ok());
  ASSERT_TRUE(server_->Kill().ok());
  EXPECT_EQ(follower->PollOnce().status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Restart().ok());  // AOF: the stream and the group survive
  PublishCreated("1504", "after");
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        (void)follower->PollOnce();
        return seen == 2;
      },
      absl::Seconds(5)));
  EXPECT_EQ(Pending("1504"), 0);
}

TEST(ConsumerNameTest, PerPodAndProcessAndOverridable) {
  unsetenv("PELITA_CONSUMER");
  setenv("HOSTNAME", "scoring-7d9f-abcde", 1);
  EXPECT_EQ(ConsumerName(), absl::StrCat("scoring-7d9f-abcde-", getpid()));
  setenv("PELITA_CONSUMER", "fixed", 1);
  EXPECT_EQ(ConsumerName(), "fixed");
  unsetenv("PELITA_CONSUMER");
}

}  // namespace
}  // namespace pelita::events
