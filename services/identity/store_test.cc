// The identity store against a real redis-server.
#include "services/identity/store.h"

#include "gtest/gtest.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"

namespace pelita::identity {
namespace {

class IdentityStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<IdentityStore>(redis_.get());
  }
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<IdentityStore> store_;
};

TEST_F(IdentityStoreTest, AccountsAreCreatedOnceAndKeptPerTenant) {
  v1::Account a;
  a.set_name("tenants/1504/accounts/sari@x.id");
  a.set_role("organiser");
  ASSERT_TRUE(store_->CreateAccount("1504", "sari@x.id", a).ok());
  EXPECT_EQ(store_->CreateAccount("1504", "sari@x.id", a).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetAccount("1504", "sari@x.id")->role(), "organiser");
  EXPECT_EQ(store_->GetAccount("1571", "sari@x.id").status().code(), absl::StatusCode::kNotFound);
  auto page = store_->ListAccounts("1504", 10, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->accounts.size(), 1u);
  // Every key carries the tenant's hash tag.
  auto keys = redis_->Run({"KEYS", "*"});
  for (const auto& k : keys->elements) EXPECT_NE(k.str.find("identity:{1504}:"), std::string::npos) << k.str;
}

TEST_F(IdentityStoreTest, ActivationCodeIsSingleUseAndExpires) {
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  ASSERT_TRUE(store_->SetActivationCode("1504", "u@x.id", "h1", now + absl::Hours(1)).ok());
  EXPECT_EQ(store_->UseActivationCode("1504", "u@x.id", "wrong", now, "pw").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(*store_->PasswordHash("1504", "u@x.id"), "");  // a wrong code changes nothing
  ASSERT_TRUE(store_->UseActivationCode("1504", "u@x.id", "h1", now, "pw").ok());
  EXPECT_EQ(*store_->PasswordHash("1504", "u@x.id"), "pw");
  EXPECT_EQ(store_->UseActivationCode("1504", "u@x.id", "h1", now, "pw2").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(*store_->PasswordHash("1504", "u@x.id"), "pw");

  ASSERT_TRUE(store_->SetActivationCode("1504", "u@x.id", "h2", now + absl::Hours(1)).ok());
  absl::Status late = store_->UseActivationCode("1504", "u@x.id", "h2", now + absl::Hours(1), "pw3");
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(late), "CODE_EXPIRED");
  EXPECT_EQ(*store_->PasswordHash("1504", "u@x.id"), "pw");
}

TEST_F(IdentityStoreTest, RefreshRotatesOnceAndReuseRevokesTheFamily) {
  const absl::Time exp = absl::Now() + absl::Hours(1);
  IdentityStore::RefreshRecord r{"u@x.id", "fam", exp};
  ASSERT_TRUE(store_->AddRefresh("1504", "t1", r).ok());
  ASSERT_TRUE(store_->RotateRefresh("1504", "t1", "fam", "t2", r).ok());
  EXPECT_TRUE(store_->GetRefresh("1504", "t1")->used);
  EXPECT_FALSE(store_->GetRefresh("1504", "t2")->used);
  // t1 again: reuse, the family (t2 too) is revoked.
  absl::Status reuse = store_->RotateRefresh("1504", "t1", "fam", "t3", r);
  EXPECT_EQ(ErrorReason(reuse), "REFRESH_REUSED");
  EXPECT_TRUE(store_->GetRefresh("1504", "t2")->revoked);
  EXPECT_EQ(store_->GetRefresh("1504", "t3").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->RotateRefresh("1504", "t2", "fam", "t4", r).code(), absl::StatusCode::kUnauthenticated);

  IdentityStore::RefreshRecord other{"u@x.id", "fam2", exp};
  ASSERT_TRUE(store_->AddRefresh("1504", "s1", other).ok());
  ASSERT_TRUE(store_->RevokeAllFamilies("1504", "u@x.id").ok());
  EXPECT_TRUE(store_->GetRefresh("1504", "s1")->revoked);
}

TEST_F(IdentityStoreTest, ThrottleCountsFailuresUntilCleared) {
  const absl::Time until = absl::FromUnixSeconds(1800000100);
  ASSERT_TRUE(store_->RecordFailure("1504", "u@x.id", until).ok());
  ASSERT_TRUE(store_->RecordFailure("1504", "u@x.id", until).ok());
  ASSERT_TRUE(store_->RecordFailure("", "addr:10.0.0.1", until, absl::Hours(1)).ok());
  // Forgotten a window after the last failure (a day for an account, here an hour).
  EXPECT_LE(redis_->Run({"TTL", "identity:{platform}:throttle:addr:10.0.0.1"})->integer, 3600);
  EXPECT_GT(redis_->Run({"TTL", "identity:{1504}:throttle:u@x.id"})->integer, 3600);
  auto t = store_->GetThrottle("1504", "u@x.id");
  EXPECT_EQ(t->failures, 2);
  EXPECT_EQ(t->until, until);
  EXPECT_EQ(store_->GetThrottle("", "addr:10.0.0.1")->failures, 1);
  ASSERT_TRUE(store_->ClearThrottle("1504", "u@x.id").ok());
  EXPECT_EQ(store_->GetThrottle("1504", "u@x.id")->failures, 0);
}

TEST_F(IdentityStoreTest, SigningKeysRotateAndRetiredKeysAreForgotten) {
  const absl::Time t0 = absl::FromUnixSeconds(1800000000);
  ASSERT_EQ(*store_->AddSigningKey({"k1", "pem1", t0}, t0, true), "k1");
  // A second replica starting at the same time keeps k1.
  EXPECT_EQ(*store_->AddSigningKey({"kx", "pemx", t0}, t0, true), "k1");
  EXPECT_EQ(*store_->AddSigningKey({"k2", "pem2", t0}, t0 + absl::Minutes(16), false), "k2");
  EXPECT_EQ(*store_->CurrentKid(), "k2");
  auto keys = store_->SigningKeys(t0 + absl::Minutes(10));
  ASSERT_EQ(keys->size(), 2u);
  keys = store_->SigningKeys(t0 + absl::Minutes(16));
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].kid, "k2");
  EXPECT_EQ((*keys)[0].pem, "pem2");
}

TEST_F(IdentityStoreTest, AuditLogPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    v1::AuditEvent e;
    e.set_type("SIGN_IN");
    e.set_detail(std::to_string(i));
    ASSERT_TRUE(store_->Audit("1504", e).ok());
  }
  auto first = store_->ListAudit("1504", "", 3);
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].detail(), "4");
  auto rest = store_->ListAudit("1504", (*first)[2].id(), 3);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].detail(), "1");
  EXPECT_TRUE(store_->ListAudit("1571", "", 3)->empty());
}

}  // namespace
}  // namespace pelita::identity
