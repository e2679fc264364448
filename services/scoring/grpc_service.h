#ifndef PELITA_SERVICES_SCORING_GRPC_SERVICE_H_
#define PELITA_SERVICES_SCORING_GRPC_SERVICE_H_

#include "pelita/scoring/v1/scoring.grpc.pb.h"
#include "services/scoring/scoring.h"

// Every unary RPC of ScoringService as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand them.
// Callers of a regency (CallerFromContext):
#define PELITA_SCORING_UNARY_RPCS(X)                                                  \
  X(GetEvaluation, v1::GetEvaluationRequest, v1::Evaluation)                          \
  X(RankPrograms, v1::RankProgramsRequest, v1::RankProgramsResponse)                  \
  X(RollUpEvaluations, v1::RollUpEvaluationsRequest, v1::RollUpEvaluationsResponse)   \
  X(AdviseBudget, v1::AdviseBudgetRequest, v1::BudgetAdvice)                          \
  X(GetScoringSettings, v1::GetScoringSettingsRequest, v1::ScoringSettings)           \
  X(UpdateScoringSettings, v1::UpdateScoringSettingsRequest, v1::ScoringSettings)
// Callers of a regency or of a whole province (RegionCallerFromContext: a
// province user's token carries the 2-digit province code).
#define PELITA_SCORING_REGION_RPCS(X) \
  X(GetProvinceBenchmark, v1::GetProvinceBenchmarkRequest, v1::ProvinceBenchmark)

namespace pelita::scoring {

// The gRPC face of ScoringLogic: each method reads the caller from the call
// metadata and delegates.
class ScoringGrpcService final : public v1::ScoringService::Service {
 public:
  explicit ScoringGrpcService(ScoringLogic* logic) : logic_(logic) {}

#define PELITA_SCORING_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_SCORING_UNARY_RPCS(PELITA_SCORING_DECLARE)
  PELITA_SCORING_REGION_RPCS(PELITA_SCORING_DECLARE)
#undef PELITA_SCORING_DECLARE

 private:
  ScoringLogic* logic_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_GRPC_SERVICE_H_
