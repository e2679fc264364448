#include "services/scoring/grpc_service.h"

#include "lib/server/adapter.h"
#include "lib/status/status.h"

namespace pelita::scoring {

grpc::Status ScoringGrpcService::GetEvaluation(grpc::ServerContext* c, const v1::GetEvaluationRequest* r,
                                               v1::Evaluation* out) {
  return HandleUnary(c, out, [&](const Caller& caller) { return logic_->GetEvaluation(caller, *r); });
}
grpc::Status ScoringGrpcService::RankPrograms(grpc::ServerContext* c, const v1::RankProgramsRequest* r,
                                              v1::RankProgramsResponse* out) {
  return HandleUnary(c, out, [&](const Caller& caller) { return logic_->RankPrograms(caller, *r); });
}
grpc::Status ScoringGrpcService::RollUpEvaluations(grpc::ServerContext* c, const v1::RollUpEvaluationsRequest* r,
                                                   v1::RollUpEvaluationsResponse* out) {
  return HandleUnary(c, out, [&](const Caller& caller) { return logic_->RollUpEvaluations(caller, *r); });
}
grpc::Status ScoringGrpcService::GetProvinceBenchmark(grpc::ServerContext* c,
                                                      const v1::GetProvinceBenchmarkRequest* r,
                                                      v1::ProvinceBenchmark* out) {
  // A province role carries the 2-digit province code as its tenant, which
  // CallerFromContext (4-digit tenants) refuses: read it here.
  Caller caller;
  const auto& md = c->client_metadata();
  auto get = [&](const char* key) {
    auto it = md.find(key);
    return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
  };
  caller.tenant = get(kTenantMetadata);
  caller.role = get(kRoleMetadata);
  caller.subject = get(kSubjectMetadata);
  if (!ValidateTenant(caller.tenant).ok() && !ValidateProvince(caller.tenant).ok()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing or invalid x-pelita-tenant");
  }
  auto result = logic_->GetProvinceBenchmark(caller, *r);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *out = std::move(result).value();
  return grpc::Status::OK;
}
grpc::Status ScoringGrpcService::AdviseBudget(grpc::ServerContext* c, const v1::AdviseBudgetRequest* r,
                                              v1::BudgetAdvice* out) {
  return HandleUnary(c, out, [&](const Caller& caller) { return logic_->AdviseBudget(caller, *r); });
}
grpc::Status ScoringGrpcService::GetScoringSettings(grpc::ServerContext* c, const v1::GetScoringSettingsRequest* r,
                                                    v1::ScoringSettings* out) {
  return HandleUnary(c, out, [&](const Caller& caller) { return logic_->GetSettings(caller, *r); });
}
grpc::Status ScoringGrpcService::UpdateScoringSettings(grpc::ServerContext* c,
                                                       const v1::UpdateScoringSettingsRequest* r,
                                                       v1::ScoringSettings* out) {
  return HandleUnary(c, out, [&](const Caller& caller) { return logic_->UpdateSettings(caller, *r); });
}

}  // namespace pelita::scoring
