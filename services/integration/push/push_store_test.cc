// PushStore against a real redis-server: one push per enrolment, claims
// with leases, backoff bounds with jitter, dead letters, RetryPush, lists
// and counts.

#include "services/integration/push/push_store.h"

#include <set>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "lib/siasn/standin.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"

namespace pelita::integration {
namespace {

using siasn::ManualClock;

constexpr char kT[] = "1504";

std::string Enrolment(int i) {
  return absl::StrCat("tenants/1504/programs/prog/cohorts/c1/enrolments/1990010120200310", 10 + i);
}
std::string IdOf(int i) { return absl::StrCat("prog.c1.1990010120200310", 10 + i); }

class PushStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    server_ = std::move(*r);
    redis_ = std::make_unique<redis::Client>(server_->options());
    Make(PushStore::Jitter::kFull);
  }
  void Make(PushStore::Jitter jitter) {
    PushStore::Options o;
    o.base_backoff = absl::Seconds(10);
    o.max_backoff = absl::Minutes(5);
    o.jitter = jitter;
    o.seed = 42;
    o.clock = clock_.AsFunction();
    store_ = std::make_unique<PushStore>(redis_.get(), o);
  }
  ManualClock clock_;
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<PushStore> store_;
};

TEST_F(PushStoreTest, EnqueueTwiceMakesOnePush) {
  auto a = store_->Enqueue(kT, Enrolment(1), "");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->second);
  EXPECT_EQ(a->first.name(), "tenants/1504/pushes/" + IdOf(1));
  EXPECT_EQ(a->first.state(), Push::PENDING);
  EXPECT_EQ(a->first.nip(), "199001012020031011");
  clock_.Advance(absl::Seconds(5));
  auto b = store_->Enqueue(kT, Enrolment(1), "199001012020031011");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(b->second);
  EXPECT_EQ(b->first.create_time().seconds(), a->first.create_time().seconds());
  auto c = store_->Counts(kT);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pending, 1);
  // The literal key, tenant as hash tag.
  auto e = redis_->Run({"EXISTS", "integration:{1504}:push:rec:" + IdOf(1)});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->integer, 1);
}

TEST_F(PushStoreTest, EnqueueRefusesBadNames) {
  EXPECT_EQ(store_->Enqueue(kT, "tenants/1504/programs/p/cohorts/c", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Enqueue(kT, "tenants/9999/programs/p/cohorts/c/enrolments/1", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Enqueue(kT, "tenants/1504/programs/p.x/cohorts/c/enrolments/1", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Enqueue(kT, Enrolment(1), "123").status().code(), absl::StatusCode::kInvalidArgument);
  auto c = store_->Counts(kT);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pending, 0);
}

TEST_F(PushStoreTest, ClaimLeasesAndALeaseRunsOut) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_->Enqueue(kT, Enrolment(i), "").ok());
  auto a = store_->Claim(kT, 2, absl::Minutes(1), "a");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->size(), 2u);
  auto b = store_->Claim(kT, 10, absl::Minutes(1), "b");
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 1u);  // the third only
  auto none = store_->Claim(kT, 10, absl::Minutes(1), "c");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // "a" died: after the lease its pushes are claimed again, by "c".
  clock_.Advance(absl::Minutes(1) + absl::Milliseconds(1));
  auto again = store_->Claim(kT, 10, absl::Minutes(1), "c");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 3u);
  // "a" writing now has lost its lease: refused, nothing changed.
  const std::string id = (*a)[0].name().substr((*a)[0].name().rfind('/') + 1);
  auto late = store_->MarkSaved(kT, id, "rw-1", false, "a");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition) << late.status();
  auto ok = store_->MarkSaved(kT, id, "rw-1", false, "c");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->state(), Push::SAVED);
  auto g = store_->Get(kT, id);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->siasn_record_id(), "rw-1");
}

TEST_F(PushStoreTest, RenewKeepsALeaseOnlyForItsOwner) {
  ASSERT_TRUE(store_->Enqueue(kT, Enrolment(1), "").ok());
  auto a = store_->Claim(kT, 1, absl::Minutes(1), "a");
  ASSERT_TRUE(a.ok() && a->size() == 1u);
  // Just before the lease would run out, "a" renews it: "b" finds nothing
  // to claim when the first lease would have ended.
  clock_.Advance(absl::Seconds(59));
  ASSERT_TRUE(store_->Renew(kT, IdOf(1), absl::Minutes(1), "a").ok());
  clock_.Advance(absl::Seconds(2));
  auto b = store_->Claim(kT, 10, absl::Minutes(1), "b");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());
  // Once the renewed lease is over, "b" takes the push; "a" can no longer
  // renew it, and its refusal changes nothing.
  clock_.Advance(absl::Minutes(1));
  b = store_->Claim(kT, 10, absl::Minutes(1), "b");
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 1u);
  absl::Status lost = store_->Renew(kT, IdOf(1), absl::Minutes(10), "a");
  EXPECT_EQ(lost.code(), absl::StatusCode::kFailedPrecondition) << lost;
  EXPECT_NE(lost.message().find("LEASE_LOST"), std::string::npos) << lost;
  auto lease = redis_->Run({"HGET", "integration:{1504}:push:lease", IdOf(1)});
  ASSERT_TRUE(lease.ok());
  EXPECT_TRUE(absl::EndsWith(lease->str, " b")) << lease->str;
  // A push nobody claimed has no lease to renew.
  ASSERT_TRUE(store_->Enqueue(kT, Enrolment(2), "").ok());
  EXPECT_EQ(store_->Renew(kT, IdOf(2), absl::Minutes(1), "a").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PushStoreTest, FailBacksOffWithinBoundsAndHonoursRetryAfter) {
  ASSERT_TRUE(store_->Enqueue(kT, Enrolment(1), "").ok());
  std::set<int64_t> delays;
  for (int attempt = 0; attempt < 6; ++attempt) {
    auto c = store_->Claim(kT, 1, absl::Minutes(1), "w");
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->size(), 1u) << attempt;
    const absl::Time now = clock_.Now();
    auto f = store_->Fail(kT, IdOf(1), "SIASN_UNAVAILABLE 500", true, std::nullopt, 50, "w");
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(f->attempts(), attempt + 1);
    EXPECT_EQ(f->state(), Push::PENDING);
    const absl::Duration d = FromTimestamp(f->next_attempt_time()) - now;
    const absl::Duration ceiling = std::min(absl::Seconds(10) * (1 << attempt), absl::Minutes(5));
    EXPECT_GE(d, absl::ZeroDuration());
    EXPECT_LE(d, ceiling) << attempt;
    delays.insert(absl::ToInt64Milliseconds(d));
    // Not due before its time.
    if (d > absl::Milliseconds(1)) {
      auto early = store_->Claim(kT, 1, absl::Minutes(1), "w");
      ASSERT_TRUE(early.ok());
      EXPECT_TRUE(early->empty());
    }
    clock_.Advance(d);
  }
  EXPECT_GT(delays.size(), 3u) << "jitter spreads the delays";
  // Retry-After wins over a shorter backoff.
  auto c = store_->Claim(kT, 1, absl::Minutes(1), "w");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 1u);
  const absl::Time now = clock_.Now();
  auto f = store_->Fail(kT, IdOf(1), "429", true, absl::Hours(2), 50, "w");
  ASSERT_TRUE(f.ok());
  EXPECT_GE(FromTimestamp(f->next_attempt_time()) - now, absl::Hours(2));
}

TEST_F(PushStoreTest, BackoffBoundsOfBothJitters) {
  for (int i = 0; i < 200; ++i) {
    const int attempts = i % 12;
    const absl::Duration d = store_->Backoff(attempts, absl::ZeroDuration());
    EXPECT_GE(d, absl::ZeroDuration());
    EXPECT_LE(d, std::min(absl::Seconds(10) * (1 << attempts), absl::Minutes(5)));
  }
  Make(PushStore::Jitter::kDecorrelated);
  absl::Duration prev = absl::ZeroDuration();
  for (int i = 0; i < 200; ++i) {
    const absl::Duration d = store_->Backoff(i, prev);
    EXPECT_GE(d, absl::Seconds(10));
    EXPECT_LE(d, std::min(absl::Minutes(5), std::max(prev, absl::Seconds(10)) * 3));
    prev = d;
  }
}

TEST_F(PushStoreTest, DeadAfterMaxAttemptsOrAtOnceWhenNotRetryable) {
  ASSERT_TRUE(store_->Enqueue(kT, Enrolment(1), "").ok());
  ASSERT_TRUE(store_->Enqueue(kT, Enrolment(2), "").ok());
  for (int i = 0; i < 3; ++i) {
    auto f = store_->Fail(kT, IdOf(1), "500", true, std::nullopt, 3, "");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->state(), i < 2 ? Push::PENDING : Push::DEAD) << i;
  }
  auto f = store_->Fail(kT, IdOf(2), "SIASN_REJECTED 400 namaKursus", false, std::nullopt, 8, "");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->state(), Push::DEAD);
  EXPECT_EQ(f->attempts(), 1);
  EXPECT_EQ(f->last_error(), "SIASN_REJECTED 400 namaKursus");
  // Dead pushes are not due.
  clock_.Advance(absl::Hours(10));
  auto c = store_->Claim(kT, 10, absl::Minutes(1), "w");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->empty());
  auto n = store_->Counts(kT);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->dead, 2);
  EXPECT_EQ(n->pending, 0);
}

TEST_F(PushStoreTest, RetryRevivesDeadAndRefusesDone) {
  ASSERT_TRUE(store_->Enqueue(kT, Enrolment(1), "").ok());
  ASSERT_TRUE(store_->Enqueue(kT, Enrolment(2), "").ok());
  ASSERT_TRUE(store_->Fail(kT, IdOf(1), "400", false, std::nullopt, 8, "").ok());
  auto r = store_->Retry(kT, IdOf(1));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state(), Push::PENDING);
  EXPECT_EQ(r->attempts(), 0);
  auto c = store_->Claim(kT, 10, absl::Minutes(1), "w");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 2u);
  ASSERT_TRUE(store_->MarkSaved(kT, IdOf(2), "rw-2", true, "w").ok());
  ASSERT_TRUE(store_->MarkDone(kT, IdOf(2), "w").ok());
  EXPECT_EQ(store_->Retry(kT, IdOf(2)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Retry(kT, "prog.c1.1").status().code(), absl::StatusCode::kNotFound);
  // A dead push whose record was saved comes back SAVED (no second save).
  ASSERT_TRUE(store_->MarkSaved(kT, IdOf(1), "rw-1", false, "w").ok());
  ASSERT_TRUE(store_->Fail(kT, IdOf(1), "403", false, std::nullopt, 8, "w").ok());
  auto s = store_->Retry(kT, IdOf(1));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state(), Push::SAVED);
  EXPECT_EQ(s->siasn_record_id(), "rw-1");
  auto n = store_->Counts(kT);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->done, 1);
  EXPECT_EQ(n->saved, 1);
  EXPECT_EQ(n->dead, 0);
}

TEST_F(PushStoreTest, ListsNewestFirstInPagesAndByState) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(store_->Enqueue(kT, Enrolment(i), "").ok());
    if (i != 2) clock_.Advance(absl::Seconds(1));  // 2 and 3 share a millisecond (ties: by id)
  }
  ASSERT_TRUE(store_->Fail(kT, IdOf(3), "400", false, std::nullopt, 8, "").ok());
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto r = store_->List(kT, Push::STATE_UNSPECIFIED, 3, token);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_LE(r->pushes_size(), 3);
    for (const auto& p : r->pushes()) seen.push_back(p.name());
    token = r->next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 7u);
  EXPECT_EQ(seen.front(), PushName(kT, IdOf(6)));  // newest
  EXPECT_EQ(seen.back(), PushName(kT, IdOf(0)));   // oldest
  auto dead = store_->List(kT, Push::DEAD, 0, "");
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->pushes_size(), 1);
  EXPECT_EQ(dead->pushes(0).name(), PushName(kT, IdOf(3)));
  auto pending = store_->List(kT, Push::PENDING, 0, "");
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->pushes_size(), 6);
  EXPECT_EQ(store_->List(kT, Push::PENDING, 0, "garbage!").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->List(kT, Push::PENDING, -1, "").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pelita::integration
