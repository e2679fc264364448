#include "services/tenant/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::tenant {

#define PELITA_TENANT_DEFINE(Method, Request, Response)                                                  \
  grpc::Status TenantGrpcService::Method(grpc::ServerContext* context, const Request* request,          \
                                         Response* response) {                                          \
    return HandlePlatformUnary(context, response,                                                       \
                               [&](const Caller& caller) { return logic_->Method(caller, *request); }); \
  }
PELITA_TENANT_UNARY_RPCS(PELITA_TENANT_DEFINE)
#undef PELITA_TENANT_DEFINE

}  // namespace pelita::tenant
