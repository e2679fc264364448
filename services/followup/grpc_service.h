#ifndef PELITA_SERVICES_FOLLOWUP_GRPC_SERVICE_H_
#define PELITA_SERVICES_FOLLOWUP_GRPC_SERVICE_H_

#include "pelita/followup/v1/followup.grpc.pb.h"
#include "services/followup/followup.h"

namespace pelita::followup {

// The gRPC face of FollowUpLogic: reads the caller from the metadata and
// delegates.
class FollowUpGrpcService final : public v1::FollowUpService::Service {
 public:
  explicit FollowUpGrpcService(FollowUpLogic* logic) : logic_(logic) {}

#define PELITA_FOLLOWUP_RPC(Method, Request, Response)                      \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, \
                      Response* response) override;
  PELITA_FOLLOWUP_RPC(GetActionPlan, v1::GetActionPlanRequest, v1::ActionPlan)
  PELITA_FOLLOWUP_RPC(UpdateActionPlan, v1::UpdateActionPlanRequest, v1::ActionPlan)
  PELITA_FOLLOWUP_RPC(SubmitActionPlan, v1::SubmitActionPlanRequest, v1::ActionPlan)
  PELITA_FOLLOWUP_RPC(ApproveActionPlan, v1::ApproveActionPlanRequest, v1::ActionPlan)
  PELITA_FOLLOWUP_RPC(ReturnActionPlan, v1::ReturnActionPlanRequest, v1::ActionPlan)
  PELITA_FOLLOWUP_RPC(UpdateActionStatus, v1::UpdateActionStatusRequest, v1::ActionPlan)
  PELITA_FOLLOWUP_RPC(GetFollowUpTask, v1::GetFollowUpTaskRequest, v1::FollowUpTask)
  PELITA_FOLLOWUP_RPC(ListFollowUpTasks, v1::ListFollowUpTasksRequest, v1::ListFollowUpTasksResponse)
  PELITA_FOLLOWUP_RPC(GetCohortFollowUpSummary, v1::GetCohortFollowUpSummaryRequest, v1::FollowUpSummary)
  PELITA_FOLLOWUP_RPC(GetUnitFollowUpSummary, v1::GetUnitFollowUpSummaryRequest, v1::FollowUpSummary)
#undef PELITA_FOLLOWUP_RPC

 private:
  FollowUpLogic* logic_;
};

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_GRPC_SERVICE_H_
