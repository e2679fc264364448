#include "lib/server/server.h"

#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"

namespace pelita {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());
    ServerOptions options;
    options.name = "test";
    options.health_interval = absl::Milliseconds(20);
    server_ = std::make_unique<Server>(options, std::vector<grpc::Service*>{}, client_.get());
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
    stub_ = Health::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  HealthCheckResponse::ServingStatus Check(const std::string& service = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    HealthCheckRequest req;
    req.set_service(service);
    HealthCheckResponse resp;
    grpc::Status s = stub_->Check(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.status();
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(ServerTest, HealthFollowsRedis) {
  EXPECT_EQ(Check(), HealthCheckResponse::SERVING);
  ASSERT_TRUE(redis_->Stop().ok());
  EXPECT_TRUE(testing::WaitFor([&] { return Check() == HealthCheckResponse::NOT_SERVING; },
                               absl::Seconds(5)));
  // Alive all the same: a liveness probe must not restart the pod for this.
  EXPECT_EQ(Check(kLivenessService), HealthCheckResponse::SERVING);
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(testing::WaitFor([&] { return Check() == HealthCheckResponse::SERVING; },
                               absl::Seconds(5)));
}

TEST_F(ServerTest, InterceptorCountsCalls) {
  const std::string method = "/grpc.health.v1.Health/Check";
  int64_t before = server_->stats().Count(method, grpc::StatusCode::OK);
  Check();
  Check();
  EXPECT_EQ(server_->stats().Count(method, grpc::StatusCode::OK), before + 2);
}

TEST_F(ServerTest, ShutdownReportsNotServingAndStopsListening) {
  server_->Shutdown(absl::Seconds(1));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  HealthCheckResponse resp;
  grpc::Status s = stub_->Check(&ctx, HealthCheckRequest(), &resp);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace pelita
