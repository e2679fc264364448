#ifndef PELITA_SERVICES_ENROLMENT_GRPC_SERVICE_H_
#define PELITA_SERVICES_ENROLMENT_GRPC_SERVICE_H_

#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "services/enrolment/enrolment.h"

// Every unary RPC of EnrolmentService as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand it.
#define PELITA_ENROLMENT_UNARY_RPCS(X) \
  X(CreateUnit, v1::CreateUnitRequest, v1::Unit) \
  X(GetUnit, v1::GetUnitRequest, v1::Unit) \
  X(ListUnits, v1::ListUnitsRequest, v1::ListUnitsResponse) \
  X(UpdateUnit, v1::UpdateUnitRequest, v1::Unit) \
  X(DeleteUnit, v1::DeleteUnitRequest, google::protobuf::Empty) \
  X(CreateEmployee, v1::CreateEmployeeRequest, v1::Employee) \
  X(GetEmployee, v1::GetEmployeeRequest, v1::Employee) \
  X(ListEmployees, v1::ListEmployeesRequest, v1::ListEmployeesResponse) \
  X(UpdateEmployee, v1::UpdateEmployeeRequest, v1::Employee) \
  X(DeleteEmployee, v1::DeleteEmployeeRequest, google::protobuf::Empty) \
  X(CreateProgram, v1::CreateProgramRequest, v1::Program) \
  X(GetProgram, v1::GetProgramRequest, v1::Program) \
  X(ListPrograms, v1::ListProgramsRequest, v1::ListProgramsResponse) \
  X(UpdateProgram, v1::UpdateProgramRequest, v1::Program) \
  X(DeleteProgram, v1::DeleteProgramRequest, google::protobuf::Empty) \
  X(CreateCohort, v1::CreateCohortRequest, v1::Cohort) \
  X(GetCohort, v1::GetCohortRequest, v1::Cohort) \
  X(ListCohorts, v1::ListCohortsRequest, v1::ListCohortsResponse) \
  X(UpdateCohort, v1::UpdateCohortRequest, v1::Cohort) \
  X(DeleteCohort, v1::DeleteCohortRequest, google::protobuf::Empty) \
  X(CreateEnrolment, v1::CreateEnrolmentRequest, v1::Enrolment) \
  X(GetEnrolment, v1::GetEnrolmentRequest, v1::Enrolment) \
  X(ListEnrolments, v1::ListEnrolmentsRequest, v1::ListEnrolmentsResponse) \
  X(WithdrawEnrolment, v1::WithdrawEnrolmentRequest, v1::Enrolment) \
  X(RecordAttendance, v1::RecordAttendanceRequest, v1::Enrolment) \
  X(CompleteEnrolment, v1::CompleteEnrolmentRequest, v1::Enrolment) \
  X(GetLearningHours, v1::GetLearningHoursRequest, v1::LearningHours) \
  X(ListEmployeeTrainings, v1::ListEmployeeTrainingsRequest, v1::ListEmployeeTrainingsResponse) \
  X(ListUnitCompliance, v1::ListUnitComplianceRequest, v1::ListUnitComplianceResponse) \
  X(ReplaceExternalTrainings, v1::ReplaceExternalTrainingsRequest, v1::ReplaceExternalTrainingsResponse) \
  X(ListExternalTrainings, v1::ListExternalTrainingsRequest, v1::ListExternalTrainingsResponse)

namespace pelita::enrolment {

// The gRPC face of EnrolmentLogic: each method reads the caller from the
// call metadata and delegates.
class EnrolmentGrpcService final : public v1::EnrolmentService::Service {
 public:
  explicit EnrolmentGrpcService(EnrolmentLogic* logic) : logic_(logic) {}

#define PELITA_ENROLMENT_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, \
                      Response* response) override;
  PELITA_ENROLMENT_UNARY_RPCS(PELITA_ENROLMENT_DECLARE)
#undef PELITA_ENROLMENT_DECLARE

  grpc::Status ImportEmployees(grpc::ServerContext* context,
                               grpc::ServerReader<v1::ImportEmployeesRequest>* reader,
                               type::v1::ImportResult* response) override;

 private:
  EnrolmentLogic* logic_;
};

}  // namespace pelita::enrolment

#endif  // PELITA_SERVICES_ENROLMENT_GRPC_SERVICE_H_
