#include "lib/redis/redis.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"

namespace pelita::redis {
namespace {

class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<Client>(server_->options());
  }
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(RedisTest, RunsCommandsAndCopiesReplies) {
  ASSERT_TRUE(client_->Ping().ok());
  auto set = client_->Run({"SET", "k", std::string("a\0b", 3)});
  ASSERT_TRUE(set.ok()) << set.status();
  auto get = client_->Run({"GET", "k"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->str, std::string("a\0b", 3));  // binary safe
  auto missing = client_->Run({"GET", "nope"});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());
  auto err = client_->Run({"INCR", "k"});
  ASSERT_TRUE(err.ok());
  EXPECT_TRUE(err->is_error());
  EXPECT_EQ(ReplyStatus(*err).code(), absl::StatusCode::kInternal);
}

TEST_F(RedisTest, PipelineReturnsOneReplyPerCommandInOrder) {
  std::vector<Command> cmds;
  for (int i = 0; i < 1000; ++i) cmds.push_back({"RPUSH", "list", std::to_string(i)});
  cmds.push_back({"LLEN", "list"});
  auto replies = client_->Pipeline(cmds);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 1001u);
  EXPECT_EQ((*replies)[999].integer, 1000);
  EXPECT_EQ((*replies)[1000].integer, 1000);
}

TEST_F(RedisTest, TransactionAppliesAllOrNothing) {
  auto ok = client_->Transaction({{"SET", "a", "1"}, {"INCR", "a"}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].integer, 2);
  // A command Redis refuses while queueing (wrong arity) aborts everything.
  auto bad = client_->Transaction({{"SET", "b", "1"}, {"GET"}});
  EXPECT_FALSE(bad.ok());
  auto b = client_->Run({"EXISTS", "b"});
  EXPECT_EQ(b->integer, 0);
}

TEST_F(RedisTest, ScriptsReloadAfterScriptFlush) {
  Script script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  auto r = client_->Eval(script, {"n"}, {"5"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->integer, 5);
  ASSERT_TRUE(client_->Run({"SCRIPT", "FLUSH"}).ok());
  r = client_->Eval(script, {"n"}, {"2"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->integer, 7);  // ran exactly once after NOSCRIPT
}

TEST_F(RedisTest, ScriptErrorsMapToCanonicalCodes) {
  Script script("return redis.error_reply('NOT_FOUND unit dinkes not found')");
  auto r = client_->Eval(script, {}, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "unit dinkes not found");
}

TEST_F(RedisTest, PoolIsSafeAcrossThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        auto r = client_->Run({"INCR", "counter"});
        if (!r.ok() || !r->is_integer()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(client_->Run({"GET", "counter"})->str, "4000");
}

TEST_F(RedisTest, ReconnectsAfterRedisRestarts) {
  ASSERT_TRUE(client_->Run({"SET", "durable", "yes"}).ok());
  ASSERT_TRUE(server_->Stop().ok());
  EXPECT_EQ(client_->Ping().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Restart().ok());
  // The first call may still meet the backoff window; the client recovers
  // by itself within it.
  ASSERT_TRUE(testing::WaitFor([&] { return client_->Ping().ok(); }, absl::Seconds(5)));
  EXPECT_EQ(client_->Run({"GET", "durable"})->str, "yes");  // AOF kept it
}

TEST(RedisTimeoutTest, TimesOutWhenServerNeverAnswers) {
  // A listening socket that accepts (in the kernel backlog) but never replies.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  Options o;
  o.port = ntohs(addr.sin_port);
  o.command_timeout = absl::Milliseconds(100);
  Client silent(o);
  auto r = silent.Run({"PING"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  close(fd);
}

TEST_F(RedisTest, ReplicaAcksRefuseWritesNoReplicaConfirmed) {
  Options o = server_->options();
  o.replica_acks = 1;
  o.replica_ack_timeout = absl::Milliseconds(50);
  Client strict(o);
  auto write = strict.Run({"SET", "k", "v"});
  EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable);  // no replica here
  auto read = strict.Run({"GET", "k"});
  EXPECT_TRUE(read.ok()) << read.status();  // reads need no acknowledgement
}

TEST(RedisAddressTest, ParsesHostPort) {
  auto o = ParseAddress("redis.pelita.svc:6380");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "redis.pelita.svc");
  EXPECT_EQ(o->port, 6380);
  EXPECT_FALSE(ParseAddress("nohost").ok());
  auto c = ParseAddress("cluster://10.0.0.5:7000?replica_acks=1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->cluster);
  EXPECT_EQ(c->replica_acks, 1);
  EXPECT_EQ(c->port, 7000);
  EXPECT_FALSE(ParseAddress("h:1?bogus=2").ok());
  EXPECT_FALSE(ParseAddress("h:99999").ok());
}

}  // namespace
}  // namespace pelita::redis
