#include "lib/redis/redis.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

// A connection the server closed while it lay idle in the pool is not used
// for the next call: that call gets a fresh connection and succeeds, instead
// of failing with "Server closed the connection" once per pool after every
// restart (the first survey batch after a Redis restart did).
TEST_F(RedisTest, AnIdleConnectionTheServerClosedIsNotHandedOut) {
  ASSERT_TRUE(client_->Run({"SET", "durable", "yes"}).ok());
  const int64_t opened = client_->pool_stats().opened;
  ASSERT_TRUE(server_->Kill().ok());
  ASSERT_TRUE(server_->Restart().ok());
  auto got = client_->Run({"GET", "durable"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str, "yes");
  EXPECT_EQ(client_->pool_stats().opened, opened + 1);
  EXPECT_EQ(client_->pool_stats().broken, 1);
}

// Every error reply by which Redis says "not now" is UNAVAILABLE, so that a
// caller (and the gateway's client) retries it; other errors keep their
// meaning.  The cases that a single server can produce are also provoked for
// real below.
TEST(RedisReplyStatusTest, TransientErrorsAreUnavailable) {
  auto error = [](const std::string& text) {
    Reply r;
    r.type = Reply::Type::kError;
    r.str = text;
    return r;
  };
  for (const char* transient :
       {"LOADING Redis is loading the dataset in memory",
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
        "TRYAGAIN Multiple keys request during rehashing of slot", "CLUSTERDOWN The cluster is down",
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
        "READONLY You can't write against a read only replica.",
        "NOREPLICAS Not enough good replicas to write.",
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk."}) {
    const absl::Status s = ReplyStatus(error(transient));
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << transient;
    EXPECT_NE(s.message().find(transient), absl::string_view::npos) << s;
    EXPECT_TRUE(IsTransientError(error(transient))) << transient;
  }
  for (const char* permanent : {"BUSYGROUP Consumer Group name already exists",
                                "BUSYKEY Target key name already exists.",
                                "ERR value is not an integer or out of range", "LOADINGX", "WRONGTYPE x"}) {
    EXPECT_EQ(ReplyStatus(error(permanent)).code(), absl::StatusCode::kInternal) << permanent;
    EXPECT_FALSE(IsTransientError(error(permanent))) << permanent;
  }
  EXPECT_EQ(ReplyStatus(error("NOT_FOUND unit x")).code(), absl::StatusCode::kNotFound);
}

// While Redis replays its AOF after a restart it answers LOADING to every
// command; plain commands, pipelines, scripts, transactions and PING all
// come back UNAVAILABLE (this was INTERNAL, which clients treat as
// permanent, or a reply whose "LOADING ..." text a caller took for data).
TEST_F(RedisTest, LoadingAfterRestartIsUnavailable) {
  std::vector<Command> writes;
  for (int i = 0; i < 10000; ++i) writes.push_back({"SET", absl::StrCat("k", i), "v"});
  ASSERT_TRUE(client_->Pipeline(writes).ok());
  Script script("return redis.call('INCR', KEYS[1])");
  ASSERT_TRUE(client_->Eval(script, {"n"}, {}).ok());
  // 100 µs per key: a second or more of loading.
  ASSERT_TRUE(server_->RestartWith({"--key-load-delay", "100"}).ok());
  // A plain command: the call fails UNAVAILABLE (an error reply a caller
  // forgot to check would otherwise pass for the value).
  absl::Status loading;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto get = client_->Run({"GET", "k1"});
        EXPECT_FALSE(get.ok()) << "answered before loading ended; too fast to observe";
        loading = get.status();
        return absl::StrContains(loading.message(), "LOADING");  // past the reconnect backoff
      },
      absl::Seconds(5)));
  EXPECT_EQ(loading.code(), absl::StatusCode::kUnavailable) << loading;
  auto piped = client_->Pipeline({{"GET", "k1"}, {"GET", "k2"}});
  EXPECT_EQ(piped.status().code(), absl::StatusCode::kUnavailable) << piped.status();
  EXPECT_EQ(client_->Eval(script, {"n"}, {}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client_->Transaction({{"INCR", "n"}}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client_->Ping().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->WaitServing(absl::Seconds(30)).ok());
  // Nothing refused while loading was applied.
  EXPECT_EQ(client_->Run({"GET", "n"})->str, "1");
  EXPECT_EQ(client_->Run({"DBSIZE"})->integer, 10001);
}

// A script running past busy-reply-threshold makes Redis answer BUSY to
// everyone else: UNAVAILABLE.
TEST_F(RedisTest, BusyScriptIsUnavailable) {
  ASSERT_TRUE(client_->Run({"CONFIG", "SET", "busy-reply-threshold", "20"}).ok());
  Script spin(
      "local t = redis.call('TIME') local t0 = t[1] * 1000000 + t[2] "
      "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - t0 > 700000 return 1");
  ASSERT_TRUE(client_->Load(spin).ok());
  std::thread runner([&] { (void)client_->Eval(spin, {}, {}); });
  absl::Status busy;
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        busy = client_->Run({"GET", "k"}).status();
        return !busy.ok();
      },
      absl::Seconds(5), absl::Milliseconds(5)));
  runner.join();
  EXPECT_EQ(busy.code(), absl::StatusCode::kUnavailable) << busy;
  EXPECT_TRUE(absl::StrContains(busy.message(), "BUSY ")) << busy;
}

// A write that reaches a replica (the master moved in a failover) and a
// replica that lost its master are transient too.
TEST_F(RedisTest, ReadOnlyReplicaAndLostMasterAreUnavailable) {
  auto replica_server = testing::RedisServer::Start();
  ASSERT_TRUE(replica_server.ok()) << replica_server.status();
  Client replica((*replica_server)->options());
  ASSERT_TRUE(replica.Run({"REPLICAOF", "127.0.0.1", absl::StrCat(server_->port())}).ok());
  auto write = replica.Run({"SET", "k", "v"});
  EXPECT_EQ(write.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(write.status().message(), "READONLY")) << write.status();
  EXPECT_EQ(replica.Transaction({{"SET", "k", "v"}}).status().code(), absl::StatusCode::kUnavailable);
  Script script("return redis.call('SET', KEYS[1], 'v')");
  EXPECT_EQ(replica.Eval(script, {"k"}, {}).status().code(), absl::StatusCode::kUnavailable);

  // Its master gone and stale reads refused: MASTERDOWN.
  ASSERT_TRUE(replica.Run({"CONFIG", "SET", "replica-serve-stale-data", "no"}).ok());
  ASSERT_TRUE(server_->Kill().ok());
  absl::Status down;
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        down = replica.Run({"GET", "k"}).status();
        return absl::StrContains(down.message(), "MASTERDOWN");
      },
      absl::Seconds(10)))
      << down;
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
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
