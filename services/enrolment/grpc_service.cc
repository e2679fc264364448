#include "services/enrolment/grpc_service.h"

#include "lib/server/adapter.h"
#include "lib/status/status.h"

namespace pelita::enrolment {

#define PELITA_ENROLMENT_RPC(Method, Request, Response)                                 \
  grpc::Status EnrolmentGrpcService::Method(grpc::ServerContext* context,               \
                                            const Request* request, Response* response) { \
    return HandleUnary(context, response,                                               \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); }); \
  }
PELITA_ENROLMENT_RPC(CreateUnit, v1::CreateUnitRequest, v1::Unit)
PELITA_ENROLMENT_RPC(GetUnit, v1::GetUnitRequest, v1::Unit)
PELITA_ENROLMENT_RPC(ListUnits, v1::ListUnitsRequest, v1::ListUnitsResponse)
PELITA_ENROLMENT_RPC(UpdateUnit, v1::UpdateUnitRequest, v1::Unit)
PELITA_ENROLMENT_RPC(DeleteUnit, v1::DeleteUnitRequest, google::protobuf::Empty)
PELITA_ENROLMENT_RPC(CreateEmployee, v1::CreateEmployeeRequest, v1::Employee)
PELITA_ENROLMENT_RPC(GetEmployee, v1::GetEmployeeRequest, v1::Employee)
PELITA_ENROLMENT_RPC(ListEmployees, v1::ListEmployeesRequest, v1::ListEmployeesResponse)
PELITA_ENROLMENT_RPC(UpdateEmployee, v1::UpdateEmployeeRequest, v1::Employee)
PELITA_ENROLMENT_RPC(DeleteEmployee, v1::DeleteEmployeeRequest, google::protobuf::Empty)
PELITA_ENROLMENT_RPC(CreateProgram, v1::CreateProgramRequest, v1::Program)
PELITA_ENROLMENT_RPC(GetProgram, v1::GetProgramRequest, v1::Program)
PELITA_ENROLMENT_RPC(ListPrograms, v1::ListProgramsRequest, v1::ListProgramsResponse)
PELITA_ENROLMENT_RPC(UpdateProgram, v1::UpdateProgramRequest, v1::Program)
PELITA_ENROLMENT_RPC(DeleteProgram, v1::DeleteProgramRequest, google::protobuf::Empty)
PELITA_ENROLMENT_RPC(CreateCohort, v1::CreateCohortRequest, v1::Cohort)
PELITA_ENROLMENT_RPC(GetCohort, v1::GetCohortRequest, v1::Cohort)
PELITA_ENROLMENT_RPC(ListCohorts, v1::ListCohortsRequest, v1::ListCohortsResponse)
PELITA_ENROLMENT_RPC(UpdateCohort, v1::UpdateCohortRequest, v1::Cohort)
PELITA_ENROLMENT_RPC(DeleteCohort, v1::DeleteCohortRequest, google::protobuf::Empty)
PELITA_ENROLMENT_RPC(CreateEnrolment, v1::CreateEnrolmentRequest, v1::Enrolment)
PELITA_ENROLMENT_RPC(GetEnrolment, v1::GetEnrolmentRequest, v1::Enrolment)
PELITA_ENROLMENT_RPC(ListEnrolments, v1::ListEnrolmentsRequest, v1::ListEnrolmentsResponse)
PELITA_ENROLMENT_RPC(WithdrawEnrolment, v1::WithdrawEnrolmentRequest, v1::Enrolment)
PELITA_ENROLMENT_RPC(RecordAttendance, v1::RecordAttendanceRequest, v1::Enrolment)
PELITA_ENROLMENT_RPC(CompleteEnrolment, v1::CompleteEnrolmentRequest, v1::Enrolment)
PELITA_ENROLMENT_RPC(GetLearningHours, v1::GetLearningHoursRequest, v1::LearningHours)
PELITA_ENROLMENT_RPC(ListUnitCompliance, v1::ListUnitComplianceRequest,
                     v1::ListUnitComplianceResponse)
#undef PELITA_ENROLMENT_RPC

grpc::Status EnrolmentGrpcService::ImportEmployees(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportEmployeesRequest>* reader,
    v1::ImportEmployeesResponse* response) {
  auto caller = CallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::ImportEmployeesRequest chunk;
  if (!reader->Read(&chunk)) {
    return ToGrpcStatus(absl::InvalidArgumentError("parent: the stream carried no message"));
  }
  auto import = logic_->StartEmployeeImport(*caller, chunk.parent());
  if (!import.ok()) return ToGrpcStatus(import.status());
  do {
    if (absl::Status s = (*import)->Feed(chunk.csv_chunk()); !s.ok()) return ToGrpcStatus(s);
  } while (reader->Read(&chunk));
  auto report = (*import)->Finish();
  if (!report.ok()) return ToGrpcStatus(report.status());
  *response = std::move(*report);
  return grpc::Status::OK;
}

}  // namespace pelita::enrolment
