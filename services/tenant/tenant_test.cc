#include "services/tenant/tenant.h"

#include <thread>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"

namespace pelita::tenant {
namespace {

const Caller kAdmin{"", "platform_admin", "ops"};
const Caller kService{"", "", ""};
const Caller kRegencyAdmin{"1504", "admin", "x"};

class TenantLogicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<TenantStore>(redis_.get());
    logic_ = std::make_unique<TenantLogic>(store_.get(), [this] { return now_; });
  }
  absl::StatusOr<v1::Tenant> Create(const Caller& c, const std::string& code, const std::string& name) {
    v1::CreateTenantRequest req;
    req.set_tenant_id(code);
    req.mutable_tenant()->set_display_name(name);
    return logic_->CreateTenant(c, req);
  }
  int64_t Events() { return redis_->Run({"XLEN", TenantStore::EventStreamKey()})->integer; }

  absl::Time now_ = absl::FromUnixSeconds(1772409600);
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<TenantStore> store_;
  std::unique_ptr<TenantLogic> logic_;
};

TEST_F(TenantLogicTest, OnlyThePlatformAdminWrites) {
  auto refused = Create(kRegencyAdmin, "1504", "Kabupaten Batang Hari");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(refused.status()), "PLATFORM_ADMIN_ONLY");
  EXPECT_EQ(Create(kService, "1504", "Kabupaten Batang Hari").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Events(), 0);
  auto t = Create(kAdmin, "1504", "Kabupaten Batang Hari");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(FromTimestamp(t->create_time()), now_);
  v1::UpdateTenantRequest up;
  up.mutable_tenant()->set_name("tenants/1504");
  up.mutable_tenant()->set_display_name("x");
  up.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(logic_->UpdateTenant(kRegencyAdmin, up).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(TenantLogicTest, ReadsAreOpenAndValidated) {
  ASSERT_TRUE(Create(kAdmin, "1504", "Kabupaten Batang Hari").ok());
  v1::GetTenantRequest get;
  get.set_name("tenants/1504");
  EXPECT_EQ(logic_->GetTenant(kService, get)->display_name(), "Kabupaten Batang Hari");
  EXPECT_TRUE(logic_->GetTenant(kRegencyAdmin, get).ok());
  get.set_name("tenants/1571");
  EXPECT_EQ(logic_->GetTenant(kService, get).status().code(), absl::StatusCode::kNotFound);
  get.set_name("regencies/1504");
  EXPECT_EQ(logic_->GetTenant(kService, get).status().code(), absl::StatusCode::kInvalidArgument);
  get.set_name("tenants/15x4");
  EXPECT_EQ(logic_->GetTenant(kService, get).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TenantLogicTest, ListFiltersByProvinceAndPages) {
  ASSERT_TRUE(Create(kAdmin, "1504", "Kabupaten Batang Hari").ok());
  ASSERT_TRUE(Create(kAdmin, "1571", "Kota Jambi").ok());
  ASSERT_TRUE(Create(kAdmin, "7371", "Kota Makassar").ok());
  v1::ListTenantsRequest req;
  req.set_province_code("15");
  req.set_page_size(1);
  auto page = logic_->ListTenants(kService, req);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->tenants_size(), 1);
  EXPECT_EQ(page->tenants(0).name(), "tenants/1504");
  req.set_page_token(page->next_page_token());
  page = logic_->ListTenants(kService, req);
  ASSERT_EQ(page->tenants_size(), 1);
  EXPECT_EQ(page->tenants(0).name(), "tenants/1571");
  req.set_page_token(page->next_page_token());
  page = logic_->ListTenants(kService, req);
  EXPECT_EQ(page->tenants_size(), 0);  // 7371 is another province
  EXPECT_TRUE(page->next_page_token().empty());
  req.set_province_code("99");
  EXPECT_EQ(logic_->ListTenants(kService, req).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListTenantsRequest all;
  EXPECT_EQ(logic_->ListTenants(kService, all)->tenants_size(), 3);
}

TEST_F(TenantLogicTest, UpdatePublishesOnlyRealChangesAndRejectsBadInputUnchanged) {
  ASSERT_TRUE(Create(kAdmin, "1504", "Kabupaten Batanghari").ok());
  now_ += absl::Hours(1);
  v1::UpdateTenantRequest up;
  up.mutable_tenant()->set_name("tenants/1504");
  up.mutable_tenant()->set_display_name("Kabupaten Batang Hari");
  up.mutable_tenant()->mutable_settings()->set_min_n(8);
  up.mutable_update_mask()->add_paths("display_name");
  up.mutable_update_mask()->add_paths("settings.min_n");
  auto t = logic_->UpdateTenant(kAdmin, up);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->settings().min_n(), 8);
  EXPECT_EQ(t->settings().min_control_units(), 2);
  EXPECT_EQ(FromTimestamp(t->update_time()), now_);
  EXPECT_EQ(Events(), 2);
  // The same again: no change, no event.
  ASSERT_TRUE(logic_->UpdateTenant(kAdmin, up).ok());
  EXPECT_EQ(Events(), 2);
  // Bad input: rejected, nothing written or published.
  up.mutable_tenant()->mutable_settings()->set_min_n(2);
  auto bad = logic_->UpdateTenant(kAdmin, up);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "tenant.settings.min_n"));
  EXPECT_EQ(store_->Get("1504")->settings().min_n(), 8);
  EXPECT_EQ(Events(), 2);
  up.mutable_tenant()->set_name("tenants/1571");
  EXPECT_EQ(logic_->UpdateTenant(kAdmin, up).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TenantLogicTest, ConcurrentUpdatesAllLand) {
  ASSERT_TRUE(Create(kAdmin, "1504", "Kabupaten Batang Hari").ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      v1::UpdateTenantRequest up;
      up.mutable_tenant()->set_name("tenants/1504");
      up.mutable_tenant()->mutable_settings()->set_min_n(10 + i);
      up.mutable_tenant()->mutable_settings()->set_min_control_units(3 + i);
      up.mutable_update_mask()->add_paths(i % 2 == 0 ? "settings.min_n" : "settings.min_control_units");
      if (!logic_->UpdateTenant(kAdmin, up).ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const auto t = *store_->Get("1504");
  // Each field holds the value of one of its writers, none lost the other's.
  EXPECT_TRUE(t.settings().min_n() == 10 || t.settings().min_n() == 12);
  EXPECT_TRUE(t.settings().min_control_units() == 4 || t.settings().min_control_units() == 6);
  EXPECT_EQ(Events(), 5);
}

}  // namespace
}  // namespace pelita::tenant
