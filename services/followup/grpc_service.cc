#include "services/followup/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::followup {

#define PELITA_FOLLOWUP_DEFINE(Method, Request, Response)                                              \
  grpc::Status FollowUpGrpcService::Method(grpc::ServerContext* context, const Request* request, Response* response) { \
    return HandleUnary(context, response,                                                                  \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); });         \
  }
PELITA_FOLLOWUP_UNARY_RPCS(PELITA_FOLLOWUP_DEFINE)
#undef PELITA_FOLLOWUP_DEFINE

}  // namespace pelita::followup
