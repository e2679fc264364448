#ifndef PELITA_SERVICES_ENROLMENT_ENROLMENT_H_
#define PELITA_SERVICES_ENROLMENT_ENROLMENT_H_

#include <functional>
#include <memory>
#include <string>

#include <google/protobuf/empty.pb.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "lib/time/time.h"
#include "pelita/enrolment/v1/enrolment.pb.h"
#include "services/enrolment/store.h"

namespace pelita::enrolment {

// The enrolment service's logic, one method per RPC, free of gRPC: each takes
// the verified caller and the request and returns the response or a status.
// Every resource name is checked against the caller's tenant; every input is
// validated before anything is written, so a rejected call changes nothing.
class EnrolmentLogic {
 public:
  friend class EmployeeImportImpl;
  using Clock = std::function<absl::Time()>;
  explicit EnrolmentLogic(redis::Client* redis, Clock clock = absl::Now);
  // Where each tenant's zone comes from (the registry, wired by main);
  // WIB for every tenant until then.  "Today" (roster dates, the default
  // year of learning hours, completion) is the tenant's.
  void SetTenantZones(TenantZones zones) { zones_ = std::move(zones); }

  absl::StatusOr<v1::Unit> CreateUnit(const Caller& c, const v1::CreateUnitRequest& r);
  absl::StatusOr<v1::Unit> GetUnit(const Caller& c, const v1::GetUnitRequest& r);
  absl::StatusOr<v1::ListUnitsResponse> ListUnits(const Caller& c, const v1::ListUnitsRequest& r);
  absl::StatusOr<v1::Unit> UpdateUnit(const Caller& c, const v1::UpdateUnitRequest& r);
  absl::StatusOr<google::protobuf::Empty> DeleteUnit(const Caller& c, const v1::DeleteUnitRequest& r);

  absl::StatusOr<v1::Employee> CreateEmployee(const Caller& c, const v1::CreateEmployeeRequest& r);
  absl::StatusOr<v1::Employee> GetEmployee(const Caller& c, const v1::GetEmployeeRequest& r);
  absl::StatusOr<v1::ListEmployeesResponse> ListEmployees(const Caller& c,
                                                          const v1::ListEmployeesRequest& r);
  absl::StatusOr<v1::Employee> UpdateEmployee(const Caller& c, const v1::UpdateEmployeeRequest& r);
  absl::StatusOr<google::protobuf::Empty> DeleteEmployee(const Caller& c,
                                                         const v1::DeleteEmployeeRequest& r);

  // CSV import, fed chunk by chunk; see the proto for the columns.
  class EmployeeImport;
  absl::StatusOr<std::unique_ptr<EmployeeImport>> StartEmployeeImport(const Caller& c,
                                                                      const std::string& parent);

  absl::StatusOr<v1::Program> CreateProgram(const Caller& c, const v1::CreateProgramRequest& r);
  absl::StatusOr<v1::Program> GetProgram(const Caller& c, const v1::GetProgramRequest& r);
  absl::StatusOr<v1::ListProgramsResponse> ListPrograms(const Caller& c,
                                                        const v1::ListProgramsRequest& r);
  absl::StatusOr<v1::Program> UpdateProgram(const Caller& c, const v1::UpdateProgramRequest& r);
  absl::StatusOr<google::protobuf::Empty> DeleteProgram(const Caller& c,
                                                        const v1::DeleteProgramRequest& r);

  absl::StatusOr<v1::Cohort> CreateCohort(const Caller& c, const v1::CreateCohortRequest& r);
  absl::StatusOr<v1::Cohort> GetCohort(const Caller& c, const v1::GetCohortRequest& r);
  absl::StatusOr<v1::ListCohortsResponse> ListCohorts(const Caller& c,
                                                      const v1::ListCohortsRequest& r);
  absl::StatusOr<v1::Cohort> UpdateCohort(const Caller& c, const v1::UpdateCohortRequest& r);
  absl::StatusOr<google::protobuf::Empty> DeleteCohort(const Caller& c,
                                                       const v1::DeleteCohortRequest& r);

  absl::StatusOr<v1::Enrolment> CreateEnrolment(const Caller& c,
                                                const v1::CreateEnrolmentRequest& r);
  absl::StatusOr<v1::Enrolment> GetEnrolment(const Caller& c, const v1::GetEnrolmentRequest& r);
  absl::StatusOr<v1::ListEnrolmentsResponse> ListEnrolments(const Caller& c,
                                                            const v1::ListEnrolmentsRequest& r);
  absl::StatusOr<v1::Enrolment> WithdrawEnrolment(const Caller& c,
                                                  const v1::WithdrawEnrolmentRequest& r);
  absl::StatusOr<v1::Enrolment> RecordAttendance(const Caller& c,
                                                 const v1::RecordAttendanceRequest& r);
  absl::StatusOr<v1::Enrolment> CompleteEnrolment(const Caller& c,
                                                  const v1::CompleteEnrolmentRequest& r);

  absl::StatusOr<v1::LearningHours> GetLearningHours(const Caller& c,
                                                     const v1::GetLearningHoursRequest& r);
  absl::StatusOr<v1::ListEmployeeTrainingsResponse> ListEmployeeTrainings(
      const Caller& c, const v1::ListEmployeeTrainingsRequest& r);
  absl::StatusOr<v1::ListUnitComplianceResponse> ListUnitCompliance(
      const Caller& c, const v1::ListUnitComplianceRequest& r);

  // Training done outside Pelita (SIASN), external.h and external_store.h.
  // Replace: the integration service (internal) or the regency's staff;
  // List: reach as for GetLearningHours.
  absl::StatusOr<v1::ReplaceExternalTrainingsResponse> ReplaceExternalTrainings(
      const Caller& c, const v1::ReplaceExternalTrainingsRequest& r);
  absl::StatusOr<v1::ListExternalTrainingsResponse> ListExternalTrainings(
      const Caller& c, const v1::ListExternalTrainingsRequest& r);

 private:
  // Adds or replaces one employee (CSV import rows); says which it did, or
  // that the stored record already says the same (nothing written).  The
  // supervisor is replaced only when the file has the column.
  enum class Upsert { kCreated, kReplaced, kUnchanged };
  // ListEmployees for the roles that see the whole roster (or a unit of it).
  absl::StatusOr<v1::ListEmployeesResponse> ListRoster(const Caller& c, const v1::ListEmployeesRequest& r);
  absl::StatusOr<Upsert> UpsertEmployee(const Caller& c, v1::Employee employee, const std::string& field,
                                        bool with_supervisor);
  absl::StatusOr<v1::Employee> InsertEmployee(const Caller& c, const std::string& parent,
                                              v1::Employee employee, const std::string& field);
  absl::Status CheckUnitExists(EnrolmentStore& store, const std::string& unit_name,
                               const std::string& tenant, const std::string& field);
  // A recorded supervisor must be an employee of the same tenant (the
  // domain check has already refused the employee's own NIP).
  absl::Status CheckSupervisorExists(EnrolmentStore& store, const v1::Employee& employee,
                                     const std::string& tenant, const std::string& field);
  struct CohortRef {
    std::string tenant, program, cohort;
    std::string ck() const { return program + "/" + cohort; }
  };
  absl::StatusOr<CohortRef> ParseCohort(const Caller& c, const std::string& field,
                                        const std::string& name);
  struct EnrolmentRef {
    CohortRef cohort;
    std::string nip;
  };
  absl::StatusOr<EnrolmentRef> ParseEnrolment(const Caller& c, const std::string& field,
                                              const std::string& name);
  absl::StatusOr<v1::Enrolment> LoadEnrolment(const EnrolmentRef& ref);
  // The output fields of a cohort: counts and follow-up windows (from
  // `program` when given, else read).
  absl::StatusOr<v1::Cohort> FillCounts(EnrolmentStore& store, const std::string& ck,
                                        v1::Cohort cohort, const v1::Program* program = nullptr);
  // The follow-up windows of a cohort ending on `cohort_end`: the
  // programme's follow_up_offsets_days (30/60/90 when it has none or is
  // unknown); nothing when the end date is not a day.
  static void AddFollowUpWindows(const google::type::Date& cohort_end, const v1::Program* program,
                                 google::protobuf::RepeatedPtrField<v1::FollowUpWindow>* out);
  // Today in the tenant's zone.
  absl::StatusOr<absl::CivilDay> Today(const std::string& tenant) const;

  redis::Client* redis_;
  Clock clock_;
  TenantZones zones_ = WibForEveryTenant();
};

// Reads an employee CSV in pieces and writes each valid row as it completes,
// so memory stays bounded whatever the file size.
class EnrolmentLogic::EmployeeImport {
 public:
  virtual ~EmployeeImport() = default;
  virtual absl::Status Feed(absl::string_view chunk) = 0;
  // True once the file cannot be read further (see csv::Reader::broken).
  virtual bool stopped() const = 0;
  // Ends the input (`truncated`: the upload was cut, the record in progress
  // is dropped) and answers as pelita/type/v1/import.proto says.
  virtual absl::StatusOr<type::v1::ImportResult> Finish(bool truncated) = 0;
};

}  // namespace pelita::enrolment

#endif  // PELITA_SERVICES_ENROLMENT_ENROLMENT_H_
