#include "services/tenant/store.h"

#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"
#include "services/tenant/domain.h"

namespace pelita::tenant {
namespace {

class TenantStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<TenantStore>(redis_.get());
  }
  v1::Tenant Make(const char* code, const char* name) {
    v1::Tenant t;
    t.set_display_name(name);
    EXPECT_TRUE(PrepareNew(code, &t).ok());
    return t;
  }
  int64_t Events() { return redis_->Run({"XLEN", TenantStore::EventStreamKey()})->integer; }
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<TenantStore> store_;
};

TEST_F(TenantStoreTest, KeysCarryThePlatformHashTag) {
  EXPECT_EQ(TenantStore::EventStreamKey(), "tenant:{platform}:events");
  ASSERT_TRUE(store_->Create("1504", Make("1504", "Kabupaten Batang Hari")).ok());
  auto keys = redis_->Run({"KEYS", "*"});
  ASSERT_TRUE(keys.ok());
  for (const auto& k : keys->elements) {
    EXPECT_EQ(k.str.rfind("tenant:{platform}:", 0), 0u) << k.str;
    EXPECT_EQ(redis::KeySlot(k.str), redis::KeySlot("tenant:{platform}:tenants"));
  }
}

TEST_F(TenantStoreTest, CreateIsOnceAndPublishesOnce) {
  ASSERT_TRUE(store_->Create("1504", Make("1504", "Kabupaten Batang Hari")).ok());
  EXPECT_EQ(store_->Create("1504", Make("1504", "Other")).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Events(), 1);
  auto got = store_->Get("1504");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->display_name(), "Kabupaten Batang Hari");
  EXPECT_EQ(store_->Get("1571").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TenantStoreTest, ReplaceIsCompareAndSet) {
  const v1::Tenant t = Make("1504", "Kabupaten Batanghari");
  ASSERT_TRUE(store_->Create("1504", t).ok());
  const std::string raw = *store_->GetRaw("1504");
  v1::Tenant changed = t;
  changed.set_display_name("Kabupaten Batang Hari");
  google::protobuf::FieldMask mask;
  mask.add_paths("display_name");
  ASSERT_TRUE(store_->Replace("1504", raw, changed, mask).ok());
  // A second writer that read the old bytes loses, and publishes nothing.
  EXPECT_EQ(store_->Replace("1504", raw, t, mask).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Replace("1571", raw, t, mask).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("1504")->display_name(), "Kabupaten Batang Hari");
  EXPECT_EQ(Events(), 2);
}

TEST_F(TenantStoreTest, ListPagesInCodeOrder) {
  for (const Seed& s : JambiSeeds()) ASSERT_TRUE(store_->Create(s.code, Make(s.code, s.display_name)).ok());
  std::vector<std::string> names;
  std::string token;
  do {
    auto page = store_->List(4, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->tenants.size(), 4u);
    for (const auto& t : page->tenants) names.push_back(t.name());
    token = page->next_page_token;
  } while (!token.empty());
  ASSERT_EQ(names.size(), 11u);
  EXPECT_EQ(names.front(), "tenants/1501");
  EXPECT_EQ(names.back(), "tenants/1572");
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

}  // namespace
}  // namespace pelita::tenant
