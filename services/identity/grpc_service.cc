#include "services/identity/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::identity {

#define PELITA_IDENTITY_DEFINE(Method, Request, Response)                                              \
  grpc::Status IdentityGrpcService::Method(grpc::ServerContext* context, const Request* request, Response* response) { \
    return HandlePlatformUnary(context, response,                                                                  \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); });         \
  }
PELITA_IDENTITY_UNARY_RPCS(PELITA_IDENTITY_DEFINE)
#undef PELITA_IDENTITY_DEFINE

}  // namespace pelita::identity
