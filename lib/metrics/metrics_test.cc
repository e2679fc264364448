#include "lib/metrics/metrics.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/metrics/http_get.h"
#include "lib/redis/redis.h"
#include "lib/testing/redis_server.h"

namespace pelita::metrics {
namespace {

TEST(MetricsTest, RpcCountsAndLatencyOverHttp) {
  auto endpoint = Endpoint::Start("127.0.0.1:0");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  ASSERT_GT((*endpoint)->port(), 0);
  RecordRpc("/pelita.test.v1.TestService/Get", 0, absl::Milliseconds(3));
  RecordRpc("/pelita.test.v1.TestService/Get", 0, absl::Milliseconds(4));
  RecordRpc("/pelita.test.v1.TestService/Get", 5, absl::Milliseconds(1));
  auto body = HttpGetLocal((*endpoint)->port(), "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_TRUE(absl::StrContains(
      *body,
      "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Get\",grpc_service=\"pelita.test.v1.TestService\"} 2"))
      << *body;
  EXPECT_TRUE(absl::StrContains(*body, "grpc_code=\"NOT_FOUND\""));
  EXPECT_TRUE(absl::StrContains(
      *body,
      "grpc_server_handling_seconds_count{grpc_method=\"Get\",grpc_service=\"pelita.test.v1.TestService\"} 3"));
  // 3 ms and 4 ms are above the 2.5 ms bucket, 1 ms is in it.
  EXPECT_TRUE(absl::StrContains(
      *body, "grpc_server_handling_seconds_bucket{grpc_method=\"Get\",grpc_service=\"pelita.test.v1.TestService\",le=\"0.0025\"} 1"))
      << *body;
}

TEST(MetricsTest, PortInUseIsAnError) {
  auto first = Endpoint::Start("127.0.0.1:0");
  ASSERT_TRUE(first.ok());
  auto second = Endpoint::Start(absl::StrCat("127.0.0.1:", (*first)->port()));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(MetricsTest, RedisPoolAndFollowerLag) {
  auto server = testing::RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  redis::Client client((*server)->options());
  ASSERT_TRUE(client.Ping().ok());
  RedisPoolMetrics pool(&client, "pooltest");
  pool.Update();
  FollowerMetrics follower("enrolment", "scoring");
  follower.SetLag("1504", 7, absl::Seconds(12));
  follower.CountHandled("pelita.enrolment.v1.EnrolmentCompleted", "ok");
  const std::string text = Scrape();
  EXPECT_TRUE(absl::StrContains(text, "pelita_redis_pool_idle_connections{client=\"pooltest\"} 1")) << text;
  EXPECT_TRUE(absl::StrContains(text, "pelita_redis_pool_connections_opened_total{client=\"pooltest\"} 1"));
  EXPECT_TRUE(absl::StrContains(text, "pelita_events_pending{group=\"scoring\",stream=\"enrolment\",tenant=\"1504\"} 7"));
  EXPECT_TRUE(absl::StrContains(
      text, "pelita_events_oldest_pending_age_seconds{group=\"scoring\",stream=\"enrolment\",tenant=\"1504\"} 12"));
  EXPECT_TRUE(absl::StrContains(text, "outcome=\"ok\""));
}

}  // namespace
}  // namespace pelita::metrics
