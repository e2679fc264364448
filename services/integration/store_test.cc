// The integration store against a real redis-server.

#include "services/integration/store.h"

#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"

namespace pelita::integration {
namespace {

class IntegrationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<IntegrationStore>(client_.get(), [this] { return now_; }, /*failure_cap=*/5);
  }
  absl::Time now_ = absl::FromUnixSeconds(1767225600);
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<IntegrationStore> store_;
};

TEST_F(IntegrationStoreTest, ConnectionDefaultsThenUpdates) {
  auto c = store_->GetConnection("1504");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name(), "tenants/1504/siasnConnection");
  EXPECT_FALSE(c->enabled());
  EXPECT_EQ(c->sso_realm(), "public-siasn");
  EXPECT_EQ(c->jenis_diklat_id(), "3");
  EXPECT_DOUBLE_EQ(c->rate_limit_per_second(), 5);
  EXPECT_EQ(c->max_attempts(), 8);
  EXPECT_EQ(c->sync_interval_hours(), 24);
  EXPECT_TRUE(store_->EnabledTenants()->empty());

  auto u = store_->UpdateConnection("1504", [](v1::SiasnConnection& c) {
    c.set_enabled(true);
    c.set_apim_url("https://apim.example");
    return absl::OkStatus();
  });
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(FromTimestamp(u->update_time()), now_);
  EXPECT_EQ(store_->GetConnection("1504")->apim_url(), "https://apim.example");
  EXPECT_EQ(store_->GetConnection("1504")->max_attempts(), 8);  // Defaults kept.
  EXPECT_EQ(*store_->EnabledTenants(), std::vector<std::string>{"1504"});

  // A failing mutation writes nothing.
  auto bad = store_->UpdateConnection("1504", [](v1::SiasnConnection& c) {
    c.set_enabled(false);
    return absl::InvalidArgumentError("no");
  });
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->GetConnection("1504")->enabled());
  // Another tenant is untouched.
  EXPECT_FALSE(store_->GetConnection("1505")->enabled());
  ASSERT_TRUE(store_->UpdateConnection("1504", [](v1::SiasnConnection& c) {
    c.set_enabled(false);
    return absl::OkStatus();
  }).ok());
  EXPECT_TRUE(store_->EnabledTenants()->empty());
}

TEST_F(IntegrationStoreTest, UnorTable) {
  v1::UnorMapping m;
  m.set_name("tenants/1504/unorMappings/A1");
  m.set_unor_id("A1");
  m.set_unit("tenants/1504/units/dinkes");
  ASSERT_TRUE(store_->UnorMappings("1504").Insert("A1", m.SerializeAsString()).ok());
  auto t = store_->UnorTable("1504");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ(t->at("A1"), "tenants/1504/units/dinkes");
  EXPECT_TRUE(store_->UnorTable("1505")->empty());
}

TEST_F(IntegrationStoreTest, OneRunningRunPerTenantWithLease) {
  v1::SyncRun run;
  run.set_trigger("manual");
  auto a = store_->BeginRun("1504", run, now_, absl::Seconds(60));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->started);
  EXPECT_EQ(a->run.state(), v1::SyncRun::RUNNING);
  EXPECT_TRUE(a->taken_over.empty());

  // A second start while the lease is live gets the running one.
  auto b = store_->BeginRun("1504", run, now_ + absl::Seconds(30), absl::Seconds(60));
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->started);
  EXPECT_EQ(b->run.name(), a->run.name());
  // Another tenant is independent.
  EXPECT_TRUE(store_->BeginRun("1505", run, now_, absl::Seconds(60))->started);

  // Progress renews the lease: at +90 s it is still held.
  v1::SyncRun progress = a->run;
  progress.set_employees_read(10);
  EXPECT_TRUE(*store_->SaveRun("1504", progress, false, now_ + absl::Seconds(50), absl::Seconds(60)));
  EXPECT_FALSE(store_->BeginRun("1504", run, now_ + absl::Seconds(90), absl::Seconds(60))->started);
  EXPECT_EQ(store_->GetRun("1504", LastSegmentOf(a->run.name()))->employees_read(), 10);

  // The lease lapses (the process died): the next start takes over and
  // marks the old one FAILED; the old process can no longer write.
  auto c = store_->BeginRun("1504", run, now_ + absl::Seconds(200), absl::Seconds(60));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->started);
  EXPECT_EQ(c->taken_over, LastSegmentOf(a->run.name()));
  auto old = store_->GetRun("1504", LastSegmentOf(a->run.name()));
  EXPECT_EQ(old->state(), v1::SyncRun::FAILED);
  EXPECT_FALSE(old->error().empty());
  progress.set_employees_read(20);
  EXPECT_FALSE(*store_->SaveRun("1504", progress, true, now_ + absl::Seconds(201), absl::Seconds(60)));
  EXPECT_EQ(store_->GetRun("1504", LastSegmentOf(a->run.name()))->state(), v1::SyncRun::FAILED);

  // A final save releases the lease: a new run starts at once.
  v1::SyncRun done = c->run;
  done.set_state(v1::SyncRun::SUCCEEDED);
  EXPECT_TRUE(*store_->SaveRun("1504", done, true, now_ + absl::Seconds(210), absl::Seconds(60)));
  auto d = store_->BeginRun("1504", run, now_ + absl::Seconds(211), absl::Seconds(60));
  EXPECT_TRUE(d->started);
  EXPECT_TRUE(d->taken_over.empty());

  // Newest first.
  auto list = store_->ListRuns("1504", 2, "");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->runs_size(), 2);
  EXPECT_EQ(list->runs(0).name(), d->run.name());
  EXPECT_EQ(list->runs(1).name(), c->run.name());
  auto rest = store_->ListRuns("1504", 2, list->next_page_token());
  ASSERT_EQ(rest->runs_size(), 1);
  EXPECT_EQ(rest->runs(0).name(), a->run.name());
  EXPECT_EQ(store_->LatestRun("1504")->value().name(), d->run.name());
  EXPECT_FALSE(store_->LatestRun("1506")->has_value());
}

TEST_F(IntegrationStoreTest, ARunNobodyRenewsShowsAsFailed) {
  v1::SyncRun run;
  auto a = store_->BeginRun("1504", run, now_, absl::Seconds(60));
  ASSERT_TRUE(a.ok());
  const std::string id = LastSegmentOf(a->run.name());
  EXPECT_EQ(store_->GetRun("1504", id)->state(), v1::SyncRun::RUNNING);
  now_ += absl::Seconds(61);  // The store's clock: the lease has lapsed.
  auto stale = store_->GetRun("1504", id);
  EXPECT_EQ(stale->state(), v1::SyncRun::FAILED);
  EXPECT_FALSE(stale->error().empty());
  EXPECT_EQ(store_->ListRuns("1504", 10, "")->runs(0).state(), v1::SyncRun::FAILED);
  EXPECT_EQ(store_->LatestRun("1504")->value().state(), v1::SyncRun::FAILED);
  // Renewed in time, it is running again.
  EXPECT_TRUE(*store_->SaveRun("1504", a->run, false, now_, absl::Seconds(60)));
  EXPECT_EQ(store_->GetRun("1504", id)->state(), v1::SyncRun::RUNNING);
}

TEST_F(IntegrationStoreTest, ConcurrentBeginsStartOne) {
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      v1::SyncRun run;
      auto r = store_->BeginRun("1504", run, now_, absl::Seconds(60));
      if (r.ok() && r->started) ++started;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(started.load(), 1);
}

TEST_F(IntegrationStoreTest, ChangesNewestFirstPagedAndByEmployee) {
  auto change = [](const std::string& nip, const std::string& field, const std::string& v) {
    v1::EmployeeChange c;
    c.set_employee(absl::StrCat("tenants/1504/employees/", nip));
    c.set_field(field);
    c.set_new_value(v);
    return c;
  };
  ASSERT_TRUE(store_->AppendChanges("1504", "1", {change("1", "unit", "a"), change("1", "grade", "b")}).ok());
  ASSERT_TRUE(store_->AppendChanges("1504", "2", {change("2", "position", "c")}).ok());
  auto all = store_->ListChanges("1504", "", 2, "");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->changes_size(), 2);
  EXPECT_EQ(all->changes(0).new_value(), "c");
  EXPECT_EQ(all->changes(1).new_value(), "b");
  // A change appended after the first page does not disturb the next.
  ASSERT_TRUE(store_->AppendChanges("1504", "2", {change("2", "unit", "d")}).ok());
  auto next = store_->ListChanges("1504", "", 2, all->next_page_token());
  ASSERT_EQ(next->changes_size(), 1);
  EXPECT_EQ(next->changes(0).new_value(), "a");
  EXPECT_TRUE(next->next_page_token().empty());
  auto one = store_->ListChanges("1504", "1", 10, "");
  ASSERT_EQ(one->changes_size(), 2);
  EXPECT_EQ(one->changes(0).field(), "grade");
  EXPECT_EQ(store_->ListChanges("1504", "", 0, "bogus").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IntegrationStoreTest, EmployeeState) {
  EXPECT_FALSE(store_->GetEmployeeState("1504", "1")->has_value());
  EmployeeState s;
  s.missing = true;
  s.full_name = "Dr. Siti Aminah, S.E.";
  s.seen = now_;
  ASSERT_TRUE(store_->PutEmployeeState("1504", "1", s).ok());
  auto got = store_->GetEmployeeState("1504", "1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_TRUE((*got)->missing);
  EXPECT_EQ((*got)->full_name, "Dr. Siti Aminah, S.E.");
  EXPECT_EQ((*got)->seen, now_);
}

TEST_F(IntegrationStoreTest, FailuresCappedCountedAndByKind) {
  for (int i = 0; i < 7; ++i) {
    v1::Failure f;
    f.set_kind(i == 3 ? "push" : "sync");
    f.set_code(i % 2 ? "BAD_FIELD" : "UNKNOWN_UNOR");
    f.set_raw_value(std::string(300, 'x'));
    f.set_message(absl::StrCat("failure ", i));
    ASSERT_TRUE(store_->Record("1504", f).ok());
  }
  auto all = store_->ListFailures("1504", "", 100, "");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->failures_size(), 5);  // The cap: the two oldest dropped.
  EXPECT_EQ(all->failures(0).message(), "failure 6");
  EXPECT_EQ(all->failures(4).message(), "failure 2");
  EXPECT_EQ(all->failures(0).raw_value().size(), 200u);
  EXPECT_EQ(FromTimestamp(all->failures(0).time()), now_);
  EXPECT_TRUE(absl::StartsWith(all->failures(0).name(), "tenants/1504/failures/"));
  auto push = store_->ListFailures("1504", "push", 100, "");
  ASSERT_EQ(push->failures_size(), 1);
  EXPECT_EQ(push->failures(0).message(), "failure 3");
  EXPECT_EQ(store_->ListFailures("1504", "sync", 100, "")->failures_size(), 4);
  auto counts = store_->FailureCounts("1504");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at("sync/UNKNOWN_UNOR"), 4);
  EXPECT_EQ(counts->at("sync/BAD_FIELD"), 2);
  EXPECT_EQ(counts->at("push/BAD_FIELD"), 1);
  EXPECT_EQ(store_->GetTotals("1504")->failed, 7);
}

TEST_F(IntegrationStoreTest, Totals) {
  EXPECT_EQ(store_->GetTotals("1504")->records_read, 0);
  ASSERT_TRUE(store_->AddTotals("1504", {10, 2, 1, 0}).ok());
  ASSERT_TRUE(store_->AddTotals("1504", {5, 0, 0, 0}).ok());
  auto t = store_->GetTotals("1504");
  EXPECT_EQ(t->records_read, 15);
  EXPECT_EQ(t->records_changed, 2);
  EXPECT_EQ(t->pushed, 1);
}

}  // namespace
}  // namespace pelita::integration
