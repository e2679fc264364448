#include "tools/cli/dynamic_call.h"

#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "services/enrolment/grpc_service.h"

namespace pelita::cli {
namespace {

TEST(DynamicCallTest, ListsEveryLinkedServiceMethod) {
  auto methods = ListMethods();
  EXPECT_NE(std::find(methods.begin(), methods.end(),
                      "pelita.enrolment.v1.EnrolmentService/CreateUnit"),
            methods.end());
}

TEST(DynamicCallTest, CallsByNameWithJsonAgainstARealService) {
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  redis::Client client((*redis)->options());
  enrolment::EnrolmentLogic logic(&client);
  enrolment::EnrolmentGrpcService service(&logic);
  ServerOptions options;
  options.name = "enrolment";
  Server server(options, {&service}, &client);
  ASSERT_TRUE(server.Start().ok());
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());

  Caller caller{"1504", "admin", "test"};
  auto created = CallJson(channel, "pelita.enrolment.v1.EnrolmentService/CreateUnit",
                          R"({"parent":"tenants/1504","unitId":"dinsos",
                              "unit":{"displayName":"Dinas Sosial","monthlyServiceVolume":"900"}})",
                          caller, absl::Seconds(5));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_NE(created->find("\"name\": \"tenants/1504/units/dinsos\""), std::string::npos) << *created;

  auto listed = CallJson(channel, "/pelita.enrolment.v1.EnrolmentService/ListUnits",
                         R"({"parent":"tenants/1504"})", caller, absl::Seconds(5));
  ASSERT_TRUE(listed.ok());
  EXPECT_NE(listed->find("Dinas Sosial"), std::string::npos);

  auto bad = CallJson(channel, "pelita.enrolment.v1.EnrolmentService/CreateUnit",
                      R"({"parent":"tenants/1504","unitId":"x","unit":{}})", caller, absl::Seconds(5));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CallJson(channel, "pelita.nope.v1.X/Y", "{}", caller, absl::Seconds(1)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CallJson(channel, "pelita.enrolment.v1.EnrolmentService/ListUnits", "{not json",
                     caller, absl::Seconds(1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);

  auto health = HealthStatus(channel, "", absl::Seconds(2));
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(*health, "SERVING");
}

}  // namespace
}  // namespace pelita::cli
