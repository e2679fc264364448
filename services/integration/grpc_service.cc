#include "services/integration/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::integration {

#define PELITA_INTEGRATION_DEFINE(Method, Request, Response)                                         \
  grpc::Status IntegrationGrpcService::Method(grpc::ServerContext* context, const Request* request, \
                                              Response* response) {                                 \
    return HandleUnary(context, response,                                                           \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); });     \
  }
PELITA_INTEGRATION_UNARY_RPCS(PELITA_INTEGRATION_DEFINE)
#undef PELITA_INTEGRATION_DEFINE

}  // namespace pelita::integration
