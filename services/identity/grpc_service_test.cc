// The identity service over a real gRPC channel to an in-process server on port 0.
#include "services/identity/grpc_service.h"

#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/testing/redis_server.h"

namespace pelita::identity {
namespace {

class NoRoster : public Roster {
 public:
  absl::Status CheckEmployee(const std::string&, const std::string&) override {
    return absl::NotFoundError("empty roster");
  }
  absl::StatusOr<bool> Supervises(const std::string&, const std::string&) override { return false; }
};

TEST(IdentityServiceTest, AccountActivationSignInAndJwksOverGrpc) {
  auto redis_server = testing::RedisServer::Start();
  ASSERT_TRUE(redis_server.ok()) << redis_server.status();
  redis::Client redis((*redis_server)->options());
  IdentityStore store(&redis);
  NoRoster roster;
  IdentityOptions o;
  o.password_cost = PasswordCost::Minimum();
  IdentityLogic logic(&store, &roster, o);
  IdentityGrpcService service(&logic);
  auto server = StartLocalServer("identity", {&service}, &redis);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::IdentityService::NewStub(
      grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials()));

  grpc::ClientContext create_ctx;
  AttachCaller(create_ctx, Caller{"1504", "admin", "adm@x.id"});
  v1::CreateAccountRequest create;
  create.set_parent("tenants/1504");
  create.set_account_id("sari@x.id");
  create.mutable_account()->set_role("organiser");
  v1::Account account;
  ASSERT_TRUE(stub->CreateAccount(&create_ctx, create, &account).ok());
  EXPECT_EQ(account.name(), "tenants/1504/accounts/sari@x.id");

  // An ASN not in the roster: FAILED_PRECONDITION over the wire.
  grpc::ClientContext nip_ctx;
  AttachCaller(nip_ctx, Caller{"1504", "admin", "adm@x.id"});
  create.set_account_id("198503302010012001");
  create.mutable_account()->set_role("participant");
  EXPECT_EQ(stub->CreateAccount(&nip_ctx, create, &account).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  grpc::ClientContext code_ctx;
  AttachCaller(code_ctx, Caller{"1504", "organiser", "org@x.id"});
  v1::IssueActivationCodeRequest issue;
  issue.set_name("tenants/1504/accounts/sari@x.id");
  v1::ActivationCode code;
  ASSERT_TRUE(stub->IssueActivationCode(&code_ctx, issue, &code).ok());

  grpc::ClientContext act_ctx;  // public: no metadata at all
  v1::ActivateRequest act;
  act.set_tenant_code("1504");
  act.set_username("sari@x.id");
  act.set_code(code.code());
  act.set_password("a long password");
  google::protobuf::Empty empty;
  ASSERT_TRUE(stub->Activate(&act_ctx, act, &empty).ok());

  grpc::ClientContext sign_ctx;
  v1::SignInRequest sign;
  sign.set_tenant_code("1504");
  sign.set_username("sari@x.id");
  sign.set_password("a long password");
  v1::TokenResponse tokens;
  ASSERT_TRUE(stub->SignIn(&sign_ctx, sign, &tokens).ok());
  EXPECT_EQ(tokens.token_type(), "Bearer");

  grpc::ClientContext bad_ctx;
  sign.set_password("wrong password");
  EXPECT_EQ(stub->SignIn(&bad_ctx, sign, &tokens).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext jwks_ctx;
  v1::Jwks jwks;
  ASSERT_TRUE(stub->GetJwks(&jwks_ctx, {}, &jwks).ok());
  ASSERT_EQ(jwks.keys_size(), 1);
  EXPECT_EQ(jwks.keys(0).alg(), "ES256");
  EXPECT_EQ(jwks.keys(0).crv(), "P-256");
}

}  // namespace
}  // namespace pelita::identity
