#include "services/identity/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::identity {

#define PELITA_IDENTITY_RPC(Method, Request, Response)                                                    \
  grpc::Status IdentityGrpcService::Method(grpc::ServerContext* context, const Request* request,         \
                                           Response* response) {                                         \
    return HandlePlatformUnary(context, response,                                                         \
                               [&](const Caller& caller) { return logic_->Method(caller, *request); }); \
  }
PELITA_IDENTITY_RPC(CreateAccount, v1::CreateAccountRequest, v1::Account)
PELITA_IDENTITY_RPC(GetAccount, v1::GetAccountRequest, v1::Account)
PELITA_IDENTITY_RPC(ListAccounts, v1::ListAccountsRequest, v1::ListAccountsResponse)
PELITA_IDENTITY_RPC(UpdateAccount, v1::UpdateAccountRequest, v1::Account)
PELITA_IDENTITY_RPC(IssueActivationCode, v1::IssueActivationCodeRequest, v1::ActivationCode)
PELITA_IDENTITY_RPC(ChangePassword, v1::ChangePasswordRequest, google::protobuf::Empty)
PELITA_IDENTITY_RPC(Activate, v1::ActivateRequest, google::protobuf::Empty)
PELITA_IDENTITY_RPC(SignIn, v1::SignInRequest, v1::TokenResponse)
PELITA_IDENTITY_RPC(Refresh, v1::RefreshRequest, v1::TokenResponse)
PELITA_IDENTITY_RPC(SignOut, v1::SignOutRequest, google::protobuf::Empty)
PELITA_IDENTITY_RPC(Token, v1::TokenRequest, v1::TokenResponse)
PELITA_IDENTITY_RPC(GetJwks, v1::GetJwksRequest, v1::Jwks)
PELITA_IDENTITY_RPC(RotateSigningKey, v1::RotateSigningKeyRequest, v1::SigningKey)
PELITA_IDENTITY_RPC(CreateServiceAccount, v1::CreateServiceAccountRequest, v1::ServiceAccount)
PELITA_IDENTITY_RPC(RotateServiceAccountSecret, v1::RotateServiceAccountSecretRequest, v1::ServiceAccount)
PELITA_IDENTITY_RPC(ListAuditEvents, v1::ListAuditEventsRequest, v1::ListAuditEventsResponse)
#undef PELITA_IDENTITY_RPC

}  // namespace pelita::identity
