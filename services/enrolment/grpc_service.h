#ifndef PELITA_SERVICES_ENROLMENT_GRPC_SERVICE_H_
#define PELITA_SERVICES_ENROLMENT_GRPC_SERVICE_H_

#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "services/enrolment/enrolment.h"

namespace pelita::enrolment {

// The gRPC face of EnrolmentLogic: each method reads the caller from the
// call metadata and delegates.
class EnrolmentGrpcService final : public v1::EnrolmentService::Service {
 public:
  explicit EnrolmentGrpcService(EnrolmentLogic* logic) : logic_(logic) {}

#define PELITA_ENROLMENT_RPC(Method, Request, Response)                     \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, \
                      Response* response) override;
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

  grpc::Status ImportEmployees(grpc::ServerContext* context,
                               grpc::ServerReader<v1::ImportEmployeesRequest>* reader,
                               v1::ImportEmployeesResponse* response) override;

 private:
  EnrolmentLogic* logic_;
};

}  // namespace pelita::enrolment

#endif  // PELITA_SERVICES_ENROLMENT_GRPC_SERVICE_H_
