#include "services/followup/grpc_service.h"

#include "lib/server/adapter.h"

namespace pelita::followup {

#define PELITA_FOLLOWUP_RPC(Method, Request, Response)                                    \
  grpc::Status FollowUpGrpcService::Method(grpc::ServerContext* context,                  \
                                           const Request* request, Response* response) {  \
    return HandleUnary(context, response,                                                 \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); }); \
  }
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

}  // namespace pelita::followup
