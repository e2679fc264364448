// The /metrics endpoint of lib/server: off unless asked for, and when on it
// serves the RPC counts, latencies and the Redis pool of the process.
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "lib/metrics/http_get.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"

namespace pelita {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

TEST(ServerMetricsTest, OffByDefault) {
  auto server = StartLocalServer("nometrics", {}, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->metrics_port(), 0);
}

TEST(ServerMetricsTest, ServesRpcCountsLatencyAndRedisPool) {
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  redis::Client client((*redis)->options());
  ServerOptions options;
  options.name = "metricstest";
  options.log_calls = false;
  options.metrics_listen = "127.0.0.1:0";
  options.health_interval = absl::Milliseconds(20);
  Server server(options, {}, &client);
  ASSERT_TRUE(server.Start().ok());
  ASSERT_GT(server.metrics_port(), 0);

  auto stub = Health::NewStub(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext ctx;
    HealthCheckResponse resp;
    ASSERT_TRUE(stub->Check(&ctx, HealthCheckRequest(), &resp).ok());
  }
  const std::string ok_line =
      "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Check\",grpc_service=\"grpc.health.v1.Health\"} 3";
  std::string body;
  // The status is recorded as it is sent, so the last call's count may land
  // just after the client saw the reply.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto b = metrics::HttpGetLocal(server.metrics_port(), "/metrics");
        if (b.ok()) body = *b;
        return absl::StrContains(body, ok_line);
      },
      absl::Seconds(5)))
      << body;
  EXPECT_TRUE(absl::StrContains(body, "grpc_server_handling_seconds_bucket{grpc_method=\"Check\""));
  EXPECT_TRUE(absl::StrContains(body, "pelita_redis_pool_idle_connections{client=\"metricstest\"}"));
  EXPECT_TRUE(absl::StrContains(body, "pelita_redis_pool_connections_opened_total{client=\"metricstest\"}"));
  server.Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace pelita
