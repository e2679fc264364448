#ifndef PELITA_SERVICES_FOLLOWUP_GRPC_SERVICE_H_
#define PELITA_SERVICES_FOLLOWUP_GRPC_SERVICE_H_

#include "pelita/followup/v1/followup.grpc.pb.h"
#include "services/followup/followup.h"

// Every unary RPC of the service as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand it.
#define PELITA_FOLLOWUP_UNARY_RPCS(X) \
  X(GetActionPlan, v1::GetActionPlanRequest, v1::ActionPlan) \
  X(UpdateActionPlan, v1::UpdateActionPlanRequest, v1::ActionPlan) \
  X(SubmitActionPlan, v1::SubmitActionPlanRequest, v1::ActionPlan) \
  X(ApproveActionPlan, v1::ApproveActionPlanRequest, v1::ActionPlan) \
  X(ReturnActionPlan, v1::ReturnActionPlanRequest, v1::ActionPlan) \
  X(UpdateActionStatus, v1::UpdateActionStatusRequest, v1::ActionPlan) \
  X(GetFollowUpTask, v1::GetFollowUpTaskRequest, v1::FollowUpTask) \
  X(ListFollowUpTasks, v1::ListFollowUpTasksRequest, v1::ListFollowUpTasksResponse) \
  X(GetCohortFollowUpSummary, v1::GetCohortFollowUpSummaryRequest, v1::FollowUpSummary) \
  X(GetUnitFollowUpSummary, v1::GetUnitFollowUpSummaryRequest, v1::FollowUpSummary)

namespace pelita::followup {

// The gRPC face of FollowUpLogic: reads the caller from the metadata and
// delegates.
class FollowUpGrpcService final : public v1::FollowUpService::Service {
 public:
  explicit FollowUpGrpcService(FollowUpLogic* logic) : logic_(logic) {}

#define PELITA_FOLLOWUP_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_FOLLOWUP_UNARY_RPCS(PELITA_FOLLOWUP_DECLARE)
#undef PELITA_FOLLOWUP_DECLARE

 private:
  FollowUpLogic* logic_;
};

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_GRPC_SERVICE_H_
