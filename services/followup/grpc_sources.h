#ifndef PELITA_SERVICES_FOLLOWUP_GRPC_SOURCES_H_
#define PELITA_SERVICES_FOLLOWUP_GRPC_SOURCES_H_

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/scoring/v1/scoring.grpc.pb.h"
#include "services/followup/sources.h"

namespace pelita::followup {

// EnrolmentSource over the enrolment service's public gRPC API.  Calls
// carry the tenant and no role (AttachTenant: an internal call, as survey
// and scoring make them) and a deadline; NOT_FOUND, INVALID_ARGUMENT and
// PERMISSION_DENIED pass through, anything else is UNAVAILABLE.
class GrpcEnrolmentSource : public EnrolmentSource {
 public:
  explicit GrpcEnrolmentSource(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(5));
  absl::StatusOr<enrolment::v1::Enrolment> GetEnrolment(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Employee> GetEmployee(const std::string& tenant, const std::string& name) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> stub_;
  absl::Duration timeout_;
};

// BehaviourSource over the scoring service: GetEvaluation of
// `<cohort>/evaluation` as an internal call, its `behaviour`.
class GrpcBehaviourSource : public BehaviourSource {
 public:
  explicit GrpcBehaviourSource(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<scoring::v1::Behaviour> CohortBehaviour(const std::string& tenant,
                                                         const std::string& cohort) override;

 private:
  std::unique_ptr<scoring::v1::ScoringService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_GRPC_SOURCES_H_
