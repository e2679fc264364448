#ifndef PELITA_SERVICES_IDENTITY_GRPC_SERVICE_H_
#define PELITA_SERVICES_IDENTITY_GRPC_SERVICE_H_

#include "pelita/identity/v1/identity.grpc.pb.h"
#include "services/identity/identity.h"

// Every unary RPC of the service as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand it.
#define PELITA_IDENTITY_UNARY_RPCS(X) \
  X(CreateAccount, v1::CreateAccountRequest, v1::Account) \
  X(GetAccount, v1::GetAccountRequest, v1::Account) \
  X(ListAccounts, v1::ListAccountsRequest, v1::ListAccountsResponse) \
  X(UpdateAccount, v1::UpdateAccountRequest, v1::Account) \
  X(IssueActivationCode, v1::IssueActivationCodeRequest, v1::ActivationCode) \
  X(ChangePassword, v1::ChangePasswordRequest, google::protobuf::Empty) \
  X(Activate, v1::ActivateRequest, google::protobuf::Empty) \
  X(SignIn, v1::SignInRequest, v1::TokenResponse) \
  X(Refresh, v1::RefreshRequest, v1::TokenResponse) \
  X(SignOut, v1::SignOutRequest, google::protobuf::Empty) \
  X(Token, v1::TokenRequest, v1::TokenResponse) \
  X(GetJwks, v1::GetJwksRequest, v1::Jwks) \
  X(RotateSigningKey, v1::RotateSigningKeyRequest, v1::SigningKey) \
  X(CreateServiceAccount, v1::CreateServiceAccountRequest, v1::ServiceAccount) \
  X(RotateServiceAccountSecret, v1::RotateServiceAccountSecretRequest, v1::ServiceAccount) \
  X(ListAuditEvents, v1::ListAuditEventsRequest, v1::ListAuditEventsResponse)

namespace pelita::identity {

// The gRPC face of IdentityLogic.  Every method reads the caller with
// PlatformCallerFromContext (the public sign-in methods and the platform
// admin's come without a tenant) and delegates.
class IdentityGrpcService final : public v1::IdentityService::Service {
 public:
  explicit IdentityGrpcService(IdentityLogic* logic) : logic_(logic) {}

#define PELITA_IDENTITY_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_IDENTITY_UNARY_RPCS(PELITA_IDENTITY_DECLARE)
#undef PELITA_IDENTITY_DECLARE

 private:
  IdentityLogic* logic_;
};

}  // namespace pelita::identity

#endif  // PELITA_SERVICES_IDENTITY_GRPC_SERVICE_H_
