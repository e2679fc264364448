// The registry client against a real registry (gRPC server on port 0, real
// Redis): the cache, the event stream, and a lib/events Follower that
// follows every tenant of the registry, including one created while it runs.
#include "services/tenant/client/registry_client.h"

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "lib/events/publish.h"
#include "lib/server/server.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "lib/time/time.h"
#include "services/tenant/grpc_service.h"

namespace pelita::tenant {
namespace {

class RegistryClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(redis_server_->options());
    store_ = std::make_unique<TenantStore>(redis_.get());
    logic_ = std::make_unique<TenantLogic>(store_.get());
    service_ = std::make_unique<TenantGrpcService>(logic_.get());
    auto grpc_server = StartLocalServer("tenant", {service_.get()}, redis_.get());
    ASSERT_TRUE(grpc_server.ok()) << grpc_server.status();
    server_ = std::move(*grpc_server);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::TenantService::NewStub(channel_);
  }

  void Create(const std::string& code, const std::string& name) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"", "platform_admin", "test"});
    v1::CreateTenantRequest req;
    req.set_tenant_id(code);
    req.mutable_tenant()->set_display_name(name);
    v1::Tenant out;
    grpc::Status s = stub_->CreateTenant(&ctx, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  RegistryClient::Options NoRefresh() {
    RegistryClient::Options o;
    o.refresh = absl::Hours(1);  // only the event stream can tell of a new tenant
    o.event_poll = absl::Milliseconds(10);
    return o;
  }

  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<TenantStore> store_;
  std::unique_ptr<TenantLogic> logic_;
  std::unique_ptr<TenantGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TenantService::Stub> stub_;
};

TEST_F(RegistryClientTest, LoadsEveryTenantWithSettingsAndZone) {
  Create("1504", "Kabupaten Batang Hari");
  Create("7371", "Kota Makassar");
  RegistryClient client(channel_, redis_.get(), NoRefresh());
  ASSERT_TRUE(client.Start().ok());
  EXPECT_EQ(client.Tenants(), (std::vector<std::string>{"1504", "7371"}));
  auto t = client.Get("1504");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->settings().min_n(), 5);
  EXPECT_EQ(client.TimeZoneOf("7371")->name(), kWita);
  EXPECT_EQ(client.Get("1571").status().code(), absl::StatusCode::kNotFound);
  client.Stop();
}

TEST_F(RegistryClientTest, LearnsOfNewAndChangedTenantsFromTheEventStream) {
  Create("1504", "Kabupaten Batang Hari");
  RegistryClient client(channel_, redis_.get(), NoRefresh());
  ASSERT_TRUE(client.Start().ok());
  Create("1571", "Kota Jambi");
  ASSERT_TRUE(testing::WaitFor([&] { return client.Get("1571").ok(); }, absl::Seconds(5)));
  grpc::ClientContext ctx;
  AttachCaller(ctx, Caller{"", "platform_admin", "test"});
  v1::UpdateTenantRequest up;
  up.mutable_tenant()->set_name("tenants/1571");
  up.mutable_tenant()->mutable_settings()->set_min_n(9);
  up.mutable_update_mask()->add_paths("settings.min_n");
  v1::Tenant out;
  ASSERT_TRUE(stub_->UpdateTenant(&ctx, up, &out).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return client.Get("1571")->settings().min_n() == 9; }, absl::Seconds(5)));
  client.Stop();
}

TEST_F(RegistryClientTest, PeriodicListIsTheSafetyNet) {
  Create("1504", "Kabupaten Batang Hari");
  RegistryClient::Options o;
  o.refresh = absl::Milliseconds(50);
  RegistryClient client(channel_, /*redis=*/nullptr, o);  // no event stream at all
  ASSERT_TRUE(client.Start().ok());
  Create("1505", "Kabupaten Muaro Jambi");
  ASSERT_TRUE(testing::WaitFor([&] { return client.Tenants().size() == 2; }, absl::Seconds(5)));
  client.Stop();
}

TEST_F(RegistryClientTest, UnreachableRegistryIsReportedAndRetried) {
  auto port = testing::FreePort();
  ASSERT_TRUE(port.ok());
  RegistryClient::Options o;
  o.refresh = absl::Milliseconds(50);
  o.rpc_timeout = absl::Milliseconds(200);
  RegistryClient client(grpc::CreateChannel(absl::StrCat("127.0.0.1:", *port), grpc::InsecureChannelCredentials()),
                        nullptr, o);
  EXPECT_FALSE(client.Start().ok());
  EXPECT_TRUE(client.Tenants().empty());
  client.Stop();
}

// The whole point: a lib/events follower over the registry follows the
// stream of a regency created while it runs, without a restart.
TEST_F(RegistryClientTest, FollowerServesATenantCreatedAtRunTime) {
  Create("1504", "Kabupaten Batang Hari");
  RegistryClient registry(channel_, redis_.get(), NoRefresh());
  ASSERT_TRUE(registry.Start().ok());
  events::FollowerOptions fo;
  fo.service = "scoring";
  fo.consumer = "pod-a";
  fo.idle_poll = absl::Milliseconds(10);
  events::Follower follower(redis_.get(), &registry, "enrolment",
                            [](const std::string& t) { return events::StreamKey("enrolment", t); }, fo);
  absl::Mutex mu;
  std::set<std::string> seen;
  follower.On<v1::TenantCreated>([&](const events::EventContext& c, const v1::TenantCreated&) {
    absl::MutexLock lock(&mu);
    seen.insert(c.tenant);
    return absl::OkStatus();
  });
  follower.Start();
  ASSERT_TRUE(events::Publish(*redis_, events::StreamKey("enrolment", "1504"), v1::TenantCreated()).ok());
  ASSERT_TRUE(testing::WaitFor([&] { absl::MutexLock l(&mu); return seen.count("1504") == 1; }, absl::Seconds(5)));
  // Kota Sungai Penuh joins the platform; its first event is already there.
  ASSERT_TRUE(events::Publish(*redis_, events::StreamKey("enrolment", "1572"), v1::TenantCreated()).ok());
  Create("1572", "Kota Sungai Penuh");
  ASSERT_TRUE(testing::WaitFor([&] { absl::MutexLock l(&mu); return seen.count("1572") == 1; }, absl::Seconds(5)));
  follower.Stop();
  registry.Stop();
}

}  // namespace
}  // namespace pelita::tenant
