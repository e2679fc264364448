#include "lib/redis/eval_pipeline.h"

#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"

namespace pelita::redis {
namespace {

class EvalPipelineTest : public ::testing::Test {
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

Script g_incr("return redis.call('INCRBY', KEYS[1], ARGV[1])");
Script g_fail("return redis.error_reply('NOT_FOUND no ' .. KEYS[1])");

TEST_F(EvalPipelineTest, RunsEveryCallInOrderAndKeepsErrorsPerCall) {
  auto replies = EvalPipeline(*client_, {{&g_incr, {"a"}, {"2"}},
                                         {&g_fail, {"b"}, {}},
                                         {&g_incr, {"a"}, {"3"}}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 3u);
  EXPECT_EQ((*replies)[0].integer, 2);
  EXPECT_EQ(ReplyStatus((*replies)[1]).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*replies)[2].integer, 5);
}

TEST_F(EvalPipelineTest, ReloadsAfterScriptFlushAndRunsEachCallOnce) {
  ASSERT_TRUE(EvalPipeline(*client_, {{&g_incr, {"n"}, {"1"}}}).ok());
  // The client still holds the sha; Redis forgets the script.
  ASSERT_TRUE(client_->Run({"SCRIPT", "FLUSH"}).ok());
  auto replies = EvalPipeline(*client_, {{&g_incr, {"n"}, {"10"}}, {&g_incr, {"m"}, {"7"}}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_EQ((*replies)[0].integer, 11);  // 1 + 10: the NOSCRIPT round applied nothing
  EXPECT_EQ((*replies)[1].integer, 7);
  auto n = client_->Run({"GET", "n"});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->str, "11");
}

TEST_F(EvalPipelineTest, EmptyIsEmpty) {
  auto replies = EvalPipeline(*client_, {});
  ASSERT_TRUE(replies.ok());
  EXPECT_TRUE(replies->empty());
}

}  // namespace
}  // namespace pelita::redis
