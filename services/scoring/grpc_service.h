// Thin gRPC adapter over ScoringLogic.
#ifndef PELITA_SERVICES_SCORING_GRPC_SERVICE_H_
#define PELITA_SERVICES_SCORING_GRPC_SERVICE_H_

#include "pelita/scoring/v1/scoring.grpc.pb.h"
#include "services/scoring/scoring.h"

namespace pelita::scoring {

class ScoringGrpcService final : public v1::ScoringService::Service {
 public:
  explicit ScoringGrpcService(ScoringLogic* logic) : logic_(logic) {}

  grpc::Status GetEvaluation(grpc::ServerContext* c, const v1::GetEvaluationRequest* r,
                             v1::Evaluation* out) override;
  grpc::Status RankPrograms(grpc::ServerContext* c, const v1::RankProgramsRequest* r,
                            v1::RankProgramsResponse* out) override;
  grpc::Status RollUpEvaluations(grpc::ServerContext* c, const v1::RollUpEvaluationsRequest* r,
                                 v1::RollUpEvaluationsResponse* out) override;
  grpc::Status GetProvinceBenchmark(grpc::ServerContext* c, const v1::GetProvinceBenchmarkRequest* r,
                                    v1::ProvinceBenchmark* out) override;
  grpc::Status AdviseBudget(grpc::ServerContext* c, const v1::AdviseBudgetRequest* r,
                            v1::BudgetAdvice* out) override;
  grpc::Status GetScoringSettings(grpc::ServerContext* c, const v1::GetScoringSettingsRequest* r,
                                  v1::ScoringSettings* out) override;
  grpc::Status UpdateScoringSettings(grpc::ServerContext* c, const v1::UpdateScoringSettingsRequest* r,
                                     v1::ScoringSettings* out) override;

 private:
  ScoringLogic* logic_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_GRPC_SERVICE_H_
