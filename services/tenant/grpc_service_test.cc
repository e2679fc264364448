// The registry over a real gRPC channel to an in-process server on port 0.
#include "services/tenant/grpc_service.h"

#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/testing/redis_server.h"

namespace pelita::tenant {
namespace {

class TenantServiceTest : public ::testing::Test {
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
    stub_ = v1::TenantService::NewStub(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }
  grpc::Status CreateAs(const Caller& caller, const std::string& code, v1::Tenant* out) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, caller);
    v1::CreateTenantRequest req;
    req.set_tenant_id(code);
    req.mutable_tenant()->set_display_name("Kabupaten Batang Hari");
    return stub_->CreateTenant(&ctx, req, out);
  }

  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<TenantStore> store_;
  std::unique_ptr<TenantLogic> logic_;
  std::unique_ptr<TenantGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::TenantService::Stub> stub_;
};

TEST_F(TenantServiceTest, PlatformAdminCreatesWithoutATenantAnyoneReads) {
  v1::Tenant t;
  grpc::Status s = CreateAs(Caller{"", "platform_admin", "ops"}, "1504", &t);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(t.name(), "tenants/1504");
  EXPECT_EQ(t.time_zone(), "Asia/Jakarta");
  EXPECT_EQ(CreateAs(Caller{"1504", "admin", "x"}, "1571", &t).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CreateAs(Caller{"", "platform_admin", "ops"}, "1504", &t).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // A bad tenant in the metadata is refused before anything else.
  EXPECT_EQ(CreateAs(Caller{"15x4", "platform_admin", "ops"}, "1571", &t).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // A service reads with no caller metadata at all.
  grpc::ClientContext ctx;
  v1::GetTenantRequest get;
  get.set_name("tenants/1504");
  v1::Tenant got;
  ASSERT_TRUE(stub_->GetTenant(&ctx, get, &got).ok());
  EXPECT_EQ(got.display_name(), "Kabupaten Batang Hari");
  grpc::ClientContext lctx;
  v1::ListTenantsResponse list;
  ASSERT_TRUE(stub_->ListTenants(&lctx, v1::ListTenantsRequest(), &list).ok());
  EXPECT_EQ(list.tenants_size(), 1);
}

TEST_F(TenantServiceTest, UpdateWithMaskAndFieldErrors) {
  v1::Tenant t;
  ASSERT_TRUE(CreateAs(Caller{"", "platform_admin", "ops"}, "1504", &t).ok());
  grpc::ClientContext ctx;
  AttachCaller(ctx, Caller{"", "platform_admin", "ops"});
  v1::UpdateTenantRequest up;
  up.mutable_tenant()->set_name("tenants/1504");
  up.mutable_tenant()->set_time_zone("Asia/Jayapura");
  up.mutable_update_mask()->add_paths("time_zone");
  v1::Tenant out;
  grpc::Status s = stub_->UpdateTenant(&ctx, up, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("tenant.time_zone", 0), 0u) << s.error_message();
}

}  // namespace
}  // namespace pelita::tenant
