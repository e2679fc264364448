#include "lib/events/publish.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"
#include "pelita/tenant/v1/tenant.pb.h"

namespace pelita::events {
namespace {

class PublishTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(server_->options());
  }
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
};

// A writing script in the documented shape: the event is appended only when
// the write happens, in the same script.
redis::Script g_create(absl::StrCat(kPublishLua, R"(
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return redis.error_reply('ALREADY_EXISTS ' .. ARGV[1])
end
return pelita_publish(KEYS[2], 3)
)"));

TEST_F(PublishTest, EventIsAppendedByTheWritingScriptOnlyWhenItWrites) {
  tenant::v1::TenantCreated event;
  event.mutable_tenant()->set_name("tenants/1504");
  const std::string stream = StreamKey("tenant", "1504");
  EXPECT_EQ(stream, "tenant:{1504}:events");
  std::vector<std::string> argv = {"1504", "record"};
  AppendPublishArgs(event, &argv);
  ASSERT_EQ(argv.size(), 5u);
  auto first = redis_->Eval(g_create, {"tenant:{1504}:t", stream}, argv);
  ASSERT_TRUE(first.ok()) << first.status();
  // The second write fails, and so publishes nothing.
  auto second = redis_->Eval(g_create, {"tenant:{1504}:t", stream}, argv);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);

  auto entries = redis_->Run({"XRANGE", stream, "-", "+"});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->elements.size(), 1u);
  const auto& fields = entries->elements[0].elements[1].elements;
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].str, kTypeField);
  EXPECT_EQ(fields[1].str, "pelita.tenant.v1.TenantCreated");
  EXPECT_EQ(fields[2].str, kDataField);
  tenant::v1::TenantCreated back;
  ASSERT_TRUE(back.ParseFromString(fields[3].str));
  EXPECT_EQ(back.tenant().name(), "tenants/1504");
  EXPECT_EQ(entries->elements[0].elements[0].str, first->str);  // the script returns the entry id
}

TEST_F(PublishTest, MaxLenTrimsApproximately) {
  tenant::v1::TenantUpdated event;
  const std::string stream = StreamKey("tenant", "1571");
  for (int i = 0; i < 400; ++i) {
    ASSERT_TRUE(Publish(*redis_, stream, event, /*maxlen=*/100).ok());
  }
  auto len = redis_->Run({"XLEN", stream});
  ASSERT_TRUE(len.ok());
  // "~": whole nodes of 100 entries are dropped, so between N and N + 100.
  EXPECT_GE(len->integer, 100);
  EXPECT_LE(len->integer, 200);
  // 0: never trimmed.
  const std::string untrimmed = StreamKey("tenant", "1572");
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(Publish(*redis_, untrimmed, event, 0).ok());
  EXPECT_EQ(redis_->Run({"XLEN", untrimmed})->integer, 300);
}

}  // namespace
}  // namespace pelita::events
