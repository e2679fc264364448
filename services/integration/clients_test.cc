// The secrets folder, the per-tenant clients and the rate limiter.

#include <filesystem>
#include <fstream>
#include <thread>

#include "gtest/gtest.h"
#include "lib/siasn/standin.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "services/integration/clients.h"
#include "services/integration/rate_limiter.h"

namespace pelita::integration {
namespace {

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

void WriteSecret(const std::string& dir, const std::string& tenant, const siasn::Credentials& c) {
  std::filesystem::create_directories(dir + "/" + tenant);
  WriteFile(dir + "/" + tenant + "/consumer_key", c.consumer_key + "\n");
  WriteFile(dir + "/" + tenant + "/consumer_secret", c.consumer_secret + "\n");
  WriteFile(dir + "/" + tenant + "/sso_client_id", c.sso_client_id);
  WriteFile(dir + "/" + tenant + "/username", c.username + "\r\n");
  WriteFile(dir + "/" + tenant + "/password", c.password + "\n");
}

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = testing::MakeTempDir("secrets");
    ASSERT_TRUE(d.ok());
    dir_ = *d;
  }
  void TearDown() override { testing::RemoveTree(dir_); }
  std::string dir_;
};

TEST_F(SecretsTest, ReadsTrimsAndRereads) {
  SecretsDir secrets(dir_);
  EXPECT_FALSE(CredentialsPresent(secrets.Read("1504")));
  WriteSecret(dir_, "1504", {"key", "secret", "client", "user", "pa ss\n"});
  siasn::Credentials c = secrets.Read("1504");
  EXPECT_EQ(c.consumer_key, "key");
  EXPECT_EQ(c.username, "user");
  EXPECT_EQ(c.sso_client_id, "client");
  EXPECT_EQ(c.password, "pa ss\n");  // Only one trailing newline is trimmed.
  EXPECT_TRUE(CredentialsPresent(c));
  // Changed in place: the next read sees it.
  WriteFile(dir_ + "/1504/password", "rotated\n");
  EXPECT_EQ(secrets.Read("1504").password, "rotated");
  // One empty file: not present.
  WriteFile(dir_ + "/1504/username", "\n");
  EXPECT_FALSE(CredentialsPresent(secrets.Read("1504")));
  // A tenant is never a path.
  EXPECT_TRUE(secrets.Read("../1504").consumer_key.empty());
  EXPECT_TRUE(secrets.Read("").consumer_key.empty());
}

class ClientsTest : public SecretsTest {
 protected:
  void SetUp() override {
    SecretsTest::SetUp();
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<IntegrationStore>(client_.get());
  }
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<IntegrationStore> store_;
};

TEST_F(ClientsTest, OneClientPerTenantRebuiltOnChange) {
  siasn::SiasnStandin siasn;
  ASSERT_TRUE(siasn.Start().ok());
  const auto& o = siasn.options();
  SecretsDir secrets(dir_);
  StoreConnections connections(store_.get(), &secrets);
  TenantClients clients(&connections, absl::Seconds(5));

  // Off: no client.
  auto off = clients.For("1504");
  EXPECT_EQ(off.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(off.status()), "CONNECTION_OFF");
  ASSERT_TRUE(store_->UpdateConnection("1504", [&](v1::SiasnConnection& c) {
    c.set_enabled(true);
    c.set_apim_url(siasn.url());
    c.set_sso_url(siasn.url());
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(ErrorReason(clients.For("1504").status()), "CREDENTIALS_MISSING");
  EXPECT_FALSE(connections.Get("1504")->settings.credentials_present());

  WriteSecret(dir_, "1504", {o.consumer_key, o.consumer_secret, o.sso_client_id, o.username, o.password});
  EXPECT_TRUE(connections.Get("1504")->settings.credentials_present());
  EXPECT_EQ(connections.EnabledTenants(), std::vector<std::string>{"1504"});
  auto a = clients.For("1504");
  ASSERT_TRUE(a.ok()) << a.status();
  siasn.PutDataUtama("199001012015011001", {{"id", "orang-1"}, {"nama", "Siti"}});
  EXPECT_TRUE((*a)->GetDataUtama("199001012015011001").ok());
  // The same client (and its tokens) while nothing changes.
  EXPECT_EQ(clients.For("1504")->get(), a->get());
  EXPECT_EQ(clients.built(), 1);
  // A rotated password builds a new client, which SIASN refuses.
  WriteFile(dir_ + "/1504/password", "wrong\n");
  auto b = clients.For("1504");
  ASSERT_TRUE(b.ok());
  EXPECT_NE(b->get(), a->get());
  EXPECT_EQ(clients.built(), 2);
  auto refused = (*b)->GetDataUtama("199001012015011001");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(std::string(refused.status().message()).find("wrong"), std::string::npos);
}

TEST(TokenBucketLimiter, RateBurstAndDeadline) {
  absl::Mutex mu;
  absl::Time now = absl::FromUnixSeconds(1000);
  absl::Duration slept;
  TokenBucketLimiter limiter(
      [&] {
        absl::MutexLock l(&mu);
        return now;
      },
      [&](absl::Duration d) {
        absl::MutexLock l(&mu);
        slept += d;
        now += d;
      });
  // A full bucket: 5 at once, then one every 200 ms.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Acquire("1504", 5, absl::InfiniteFuture()));
  EXPECT_EQ(slept, absl::ZeroDuration());
  EXPECT_TRUE(limiter.Acquire("1504", 5, absl::InfiniteFuture()));
  EXPECT_EQ(slept, absl::Milliseconds(200));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Acquire("1504", 5, absl::InfiniteFuture()));
  EXPECT_EQ(slept, absl::Milliseconds(2200));
  // Another tenant has its own bucket.
  EXPECT_TRUE(limiter.Acquire("1505", 5, absl::InfiniteFuture()));
  EXPECT_EQ(slept, absl::Milliseconds(2200));
  // A deadline before the next token: refused, nothing taken.
  absl::Time t;
  {
    absl::MutexLock l(&mu);
    t = now;
  }
  EXPECT_FALSE(limiter.Acquire("1504", 5, t + absl::Milliseconds(100)));
  EXPECT_TRUE(limiter.Acquire("1504", 5, t + absl::Milliseconds(200)));
  EXPECT_EQ(slept, absl::Milliseconds(2400));
  EXPECT_FALSE(limiter.Acquire("1504", 0, absl::InfiniteFuture()));
}

TEST(TokenBucketLimiter, ThreadsShareTheRate) {
  // Real time: 8 threads x 5 calls at 100/s after a burst of 100 take 0 s;
  // at 200 calls with a burst of 100 the last waits about a second.
  TokenBucketLimiter limiter;
  std::atomic<int> granted{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 25; ++j) {
        if (limiter.Acquire("1504", 100, absl::InfiniteFuture())) ++granted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 200);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(950));
}

}  // namespace
}  // namespace pelita::integration
