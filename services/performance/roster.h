#ifndef PELITA_SERVICES_PERFORMANCE_ROSTER_H_
#define PELITA_SERVICES_PERFORMANCE_ROSTER_H_

// What the performance service needs from the roster: the units of a tenant
// (to check the unit of a month) and a cohort's dates, instructors and
// participants who completed it (for the SKP change).  The enrolment
// service in production (EnrolmentRoster); a fixed roster in tests.

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"

namespace pelita::performance {

struct UnitInfo {
  std::string id;  // slug
  std::string display_name;
};

struct CohortInfo {
  absl::CivilDay start;
  absl::CivilDay end;
  std::vector<std::string> instructors;
  // NIPs of the enrolments in state COMPLETED.
  std::vector<std::string> completed;
};

class Roster {
 public:
  virtual ~Roster() = default;
  virtual absl::StatusOr<std::vector<UnitInfo>> ListUnits(const std::string& tenant) = 0;
  // `cohort` is `tenants/{t}/programs/{p}/cohorts/{c}`; NOT_FOUND when unknown.
  virtual absl::StatusOr<CohortInfo> GetCohort(const std::string& tenant, const std::string& cohort) = 0;
  // Records `supervisor` as the employee's supervisor_nip when none is
  // recorded and `supervisor` is another employee of the roster; true when
  // it was filled.  NOT_FOUND for an employee not in the roster.
  virtual absl::StatusOr<bool> FillSupervisor(const std::string& tenant, const std::string& nip,
                                              const std::string& supervisor) = 0;
};

// The enrolment service over gRPC, as an internal caller of the tenant.
class EnrolmentRoster : public Roster {
 public:
  explicit EnrolmentRoster(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(5));
  absl::StatusOr<std::vector<UnitInfo>> ListUnits(const std::string& tenant) override;
  absl::StatusOr<CohortInfo> GetCohort(const std::string& tenant, const std::string& cohort) override;
  absl::StatusOr<bool> FillSupervisor(const std::string& tenant, const std::string& nip,
                                      const std::string& supervisor) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace pelita::performance

#endif  // PELITA_SERVICES_PERFORMANCE_ROSTER_H_
