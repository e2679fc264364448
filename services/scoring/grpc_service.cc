#include "services/scoring/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::scoring {

#define PELITA_SCORING_DEFINE(Method, Request, Response, Handle)                                            \
  grpc::Status ScoringGrpcService::Method(grpc::ServerContext* context, const Request* request,             \
                                          Response* response) {                                             \
    return Handle(context, response, [&](const Caller& caller) { return logic_->Method(caller, *request); }); \
  }
#define PELITA_SCORING_DEFINE_UNARY(Method, Request, Response) \
  PELITA_SCORING_DEFINE(Method, Request, Response, HandleUnary)
#define PELITA_SCORING_DEFINE_REGION(Method, Request, Response) \
  PELITA_SCORING_DEFINE(Method, Request, Response, HandleRegionUnary)
PELITA_SCORING_UNARY_RPCS(PELITA_SCORING_DEFINE_UNARY)
PELITA_SCORING_REGION_RPCS(PELITA_SCORING_DEFINE_REGION)
#undef PELITA_SCORING_DEFINE_REGION
#undef PELITA_SCORING_DEFINE_UNARY
#undef PELITA_SCORING_DEFINE

}  // namespace pelita::scoring
