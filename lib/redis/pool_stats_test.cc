#include "gtest/gtest.h"
#include "lib/redis/redis.h"
#include "lib/testing/redis_server.h"

namespace pelita::redis {
namespace {

TEST(PoolStatsTest, CountsOpenedIdleAndBrokenConnections) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  Client client((*server)->options());
  EXPECT_EQ(client.pool_stats().opened, 0);
  ASSERT_TRUE(client.Ping().ok());
  Client::PoolStats s = client.pool_stats();
  EXPECT_EQ(s.opened, 1);
  EXPECT_EQ(s.idle, 1);
  EXPECT_EQ(s.broken, 0);
  ASSERT_TRUE((*server)->Kill().ok());
  EXPECT_FALSE(client.Ping().ok());
  s = client.pool_stats();
  EXPECT_EQ(s.broken, 1);
  EXPECT_FALSE(client.Ping().ok());  // reconnecting fails while Redis is away
  EXPECT_GE(client.pool_stats().connect_failures + client.pool_stats().broken, 2);
  ASSERT_TRUE((*server)->Restart().ok());
}

}  // namespace
}  // namespace pelita::redis
