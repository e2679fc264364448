// The client in Redis Cluster mode, against a real 3-master cluster with one
// replica each, started by the test on loopback.

#include "gtest/gtest.h"
#include "lib/redis/redis.h"
#include "lib/testing/redis_cluster.h"

namespace pelita::redis {
namespace {

TEST(KeySlotTest, MatchesTheClusterSpecification) {
  // The CRC16 check value of "123456789" is 0x31C3.
  EXPECT_EQ(KeySlot("123456789"), 0x31C3);
  // Only the hash tag counts, so one tenant's keys share a slot.
  EXPECT_EQ(KeySlot("enrolment:{1504}:unit"), KeySlot("survey:{1504}:responses"));
  EXPECT_EQ(KeySlot("enrolment:{1504}:unit"), KeySlot("1504"));
  EXPECT_NE(KeySlot("enrolment:{1504}:unit"), KeySlot("enrolment:{1505}:unit"));
  // An empty tag is no tag.
  EXPECT_EQ(KeySlot("a{}b"), KeySlot("a{}b"));
  EXPECT_NE(KeySlot("{}x"), KeySlot("{}y"));
}

TEST(RoutingKeyTest, FindsTheKeyOfEachCommandShape) {
  EXPECT_EQ(RoutingKey({"HSET", "k", "f", "v"}), "k");
  EXPECT_EQ(RoutingKey({"EVALSHA", "sha", "2", "k1", "k2", "a"}), "k1");
  EXPECT_EQ(RoutingKey({"EVALSHA", "sha", "0", "a"}), "");
  EXPECT_EQ(RoutingKey({"XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "STREAMS", "s", ">"}), "s");
  EXPECT_EQ(RoutingKey({"PING"}), "");
  EXPECT_EQ(RoutingKey({"SCRIPT", "LOAD", "return 1"}), "");
}

class RedisClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = testing::RedisCluster::Start(3, 1);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::move(*cluster);
    client_ = std::make_unique<Client>(cluster_->options());
  }
  std::unique_ptr<testing::RedisCluster> cluster_;
  std::unique_ptr<Client> client_;
};

TEST_F(RedisClusterTest, RoutesCommandsPipelinesScriptsAndTransactions) {
  ASSERT_TRUE(client_->Ping().ok());
  // Keys of many tenants land on all three masters.
  std::vector<Command> writes;
  for (int t = 1501; t <= 1530; ++t) {
    writes.push_back({"SET", absl::StrCat("x:{", t, "}:k"), absl::StrCat(t)});
  }
  auto replies = client_->Pipeline(writes);
  ASSERT_TRUE(replies.ok()) << replies.status();
  for (const auto& r : *replies) EXPECT_FALSE(r.is_error()) << r.str;
  for (int t = 1501; t <= 1530; ++t) {
    auto r = client_->Run({"GET", absl::StrCat("x:{", t, "}:k")});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->str, absl::StrCat(t));
  }
  Script script("redis.call('INCRBY', KEYS[1], ARGV[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])");
  for (const char* tenant : {"1504", "1571", "1509"}) {
    auto r = client_->Eval(script, {absl::StrCat("a:{", tenant, "}"), absl::StrCat("b:{", tenant, "}")},
                           {"3"});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->integer, 3);
  }
  auto tx = client_->Transaction({{"INCR", "t:{1504}:a"}, {"INCR", "t:{1504}:b"}});
  ASSERT_TRUE(tx.ok()) << tx.status();
  EXPECT_EQ(tx->size(), 2u);
}

TEST_F(RedisClusterTest, FollowsAFailoverToTheReplica) {
  // With replica_acks, a write is acknowledged only once a replica has it,
  // so crashing the master right after the acknowledgement loses nothing.
  Options options = cluster_->options();
  options.replica_acks = 1;
  client_ = std::make_unique<Client>(options);
  const std::string key = "f:{1504}:acknowledged";
  // The fixture's cluster serves as soon as its slots are assigned; a
  // replica may still be syncing, and until it has, a write with
  // replica_acks is refused (UNAVAILABLE), as it should be.  Wait for the
  // first acknowledged write (seen failing on a loaded machine).
  ASSERT_TRUE(testing::WaitFor([&] { return client_->Run({"SET", key, "kept"}).ok(); }, absl::Seconds(30),
                               absl::Milliseconds(50)));
  auto master = cluster_->MasterOf(key);
  ASSERT_TRUE(master.ok()) << master.status();
  ASSERT_TRUE(cluster_->KillNode(*master).ok());
  // Calls fail while the cluster notices; then the client finds the promoted
  // replica by itself.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto r = client_->Run({"GET", key});
        return r.ok() && r->str == "kept";
      },
      absl::Seconds(30), absl::Milliseconds(50)));
  auto now = cluster_->MasterOf(key);
  ASSERT_TRUE(now.ok());
  EXPECT_NE(*now, *master);
  // The promoted master has no replica yet: writes are refused rather than
  // acknowledged without a copy...
  EXPECT_EQ(client_->Run({"SET", key, "after"}).status().code(), absl::StatusCode::kUnavailable);
  // ...until the crashed node comes back (as Kubernetes restarts a pod) and
  // rejoins as the new master's replica.
  ASSERT_TRUE(cluster_->RestartNode(*master).ok());
  EXPECT_TRUE(testing::WaitFor([&] { return client_->Run({"SET", key, "after"}).ok(); },
                               absl::Seconds(30), absl::Milliseconds(50)));
}

}  // namespace
}  // namespace pelita::redis
