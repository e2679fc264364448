#ifndef PELITA_SERVICES_FOLLOWUP_SOURCES_H_
#define PELITA_SERVICES_FOLLOWUP_SOURCES_H_

// What the follow-up service reads from other services, as plain C++
// interfaces: the production implementations ask over gRPC
// (grpc_sources.h), logic tests use fakes (fake_sources.h).  The follow-up
// service never reads another service's keys.

#include <string>

#include "absl/status/statusor.h"
#include "pelita/enrolment/v1/enrolment.pb.h"
#include "pelita/scoring/v1/scoring.pb.h"

namespace pelita::followup {

// The enrolment service's records a plan and its tasks hang off.  Every
// call is an internal call for `tenant` (no role: the follow-up service
// applies its own per-record rules).  NOT_FOUND when the record does not
// exist; UNAVAILABLE when the service cannot be asked.
class EnrolmentSource {
 public:
  virtual ~EnrolmentSource() = default;
  virtual absl::StatusOr<enrolment::v1::Enrolment> GetEnrolment(const std::string& tenant,
                                                                const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string& tenant, const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string& tenant,
                                                            const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Employee> GetEmployee(const std::string& tenant,
                                                              const std::string& name) = 0;
};

// The one definition of a cohort's L3 (applied share, scrap learning, the
// waves' self-report and assessment rates): the scoring service's
// Behaviour of the cohort's evaluation.  The follow-up service shows it and
// never computes it.
class BehaviourSource {
 public:
  virtual ~BehaviourSource() = default;
  // `cohort` is `tenants/{t}/programs/{p}/cohorts/{c}`.
  virtual absl::StatusOr<scoring::v1::Behaviour> CohortBehaviour(const std::string& tenant,
                                                                 const std::string& cohort) = 0;
};

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_SOURCES_H_
