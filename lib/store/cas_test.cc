#include "lib/store/cas.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lib/redis/redis.h"
#include "lib/testing/redis_server.h"

namespace pelita::store {
namespace {

TEST(RetryCasTest, RetriesOnlyAborted) {
  int calls = 0;
  absl::Status s = RetryCas([&]() -> absl::Status {
    ++calls;
    return calls < 3 ? absl::AbortedError("lost") : absl::OkStatus();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 3);

  calls = 0;
  s = RetryCas([&]() -> absl::Status {
    ++calls;
    return absl::NotFoundError("gone");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(calls, 1);
}

TEST(RetryCasTest, GivesUpAfterMaxAttemptsWithTheRecordNamed) {
  int calls = 0;
  absl::StatusOr<int> r = RetryCas(
      [&]() -> absl::StatusOr<int> {
        ++calls;
        return absl::AbortedError("lost");
      },
      CasOptions{4, "unit dinkes"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(r.status().message(), "unit dinkes is being changed concurrently; retry");
  EXPECT_EQ(calls, 4);
}

// Concurrent increments through WATCH/MULTI/EXEC (a real CAS on real Redis):
// every one lands exactly once.
TEST(RetryCasTest, ConcurrentWritersAllLandOnce) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  redis::Client client((*server)->options());
  redis::Script cas(R"(
    local cur = redis.call('GET', KEYS[1]) or '0'
    if cur ~= ARGV[1] then return redis.error_reply('ABORTED changed') end
    redis.call('SET', KEYS[1], tostring(tonumber(cur) + 1))
    return 1)");
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        absl::Status s = RetryCas([&]() -> absl::Status {
          auto cur = client.Run({"GET", "counter"});
          if (!cur.ok()) return cur.status();
          auto r = client.Eval(cas, {"counter"}, {cur->is_nil() ? "0" : cur->str});
          return r.status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto v = client.Run({"GET", "counter"});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->str, std::to_string(kThreads * kEach));
}

}  // namespace
}  // namespace pelita::store
