#include "lib/store/resource_table.h"

#include <thread>

#include <google/protobuf/timestamp.pb.h>

#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"

namespace pelita::store {
namespace {

using google::protobuf::Timestamp;

class ResourceTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = std::make_unique<redis::Client>(server_->options());
    table_ = std::make_unique<ResourceTable>(client_.get(), "thing", "t:{1504}:h", "t:{1504}:i");
  }
  static std::string Ts(int s) {
    Timestamp t;
    t.set_seconds(s);
    return t.SerializeAsString();
  }
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<ResourceTable> table_;
};

TEST_F(ResourceTableTest, InsertGetReplaceRemove) {
  ASSERT_TRUE(table_->Insert("a", Ts(1), {{IndexOp::Kind::kSetAdd, "t:{1504}:s", "a"}}).ok());
  EXPECT_EQ(table_->Insert("a", Ts(2)).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(table_->Get<Timestamp>("a")->seconds(), 1);
  EXPECT_EQ(client_->Run({"SISMEMBER", "t:{1504}:s", "a"})->integer, 1);
  // A replace based on a stale read is refused.
  EXPECT_EQ(table_->Replace("a", Ts(7), Ts(3)).code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(table_->Replace("a", Ts(1), Ts(3)).ok());
  EXPECT_EQ(table_->Get<Timestamp>("a")->seconds(), 3);
  ASSERT_TRUE(table_->Remove("a", Ts(3), {{IndexOp::Kind::kSetRemove, "t:{1504}:s", "a"}}).ok());
  EXPECT_EQ(table_->GetRaw("a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->Run({"SISMEMBER", "t:{1504}:s", "a"})->integer, 0);
}

TEST_F(ResourceTableTest, ListsInPagesWithoutGapsOrRepeats) {
  for (int i = 0; i < 25; ++i) {
    char id[8];
    snprintf(id, sizeof id, "id%02d", i);
    ASSERT_TRUE(table_->Insert(id, Ts(i)).ok());
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = table_->List(10, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (auto& [id, bytes] : page->items) seen.push_back(id);
    token = page->next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_EQ(seen.front(), "id00");
  EXPECT_EQ(seen.back(), "id24");
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(table_->List(-1, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table_->List(10, "garbage!").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ResourceTableTest, ConcurrentUpdatesAreNotLost) {
  ASSERT_TRUE(table_->Insert("c", Ts(0)).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto r = table_->Update<Timestamp>("c", [](Timestamp& ts) {
          ts.set_seconds(ts.seconds() + 1);
          return absl::OkStatus();
        });
        ASSERT_TRUE(r.ok()) << r.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(table_->Get<Timestamp>("c")->seconds(), 100);
}

}  // namespace
}  // namespace pelita::store
