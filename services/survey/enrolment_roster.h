#ifndef PELITA_SERVICES_SURVEY_ENROLMENT_ROSTER_H_
#define PELITA_SERVICES_SURVEY_ENROLMENT_ROSTER_H_

#include <memory>

#include <grpcpp/grpcpp.h>

#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/followup/v1/followup.grpc.pb.h"
#include "services/survey/roster.h"

namespace pelita::survey {

// The roster as the enrolment service knows it, over its public gRPC API
// only (calls carry the tenant, AttachTenant):
//   Fetch: GetCohort (NOT_FOUND for a missing cohort; its follow-up windows
//     and observers), then ListEnrolments page by page, keeping ENROLLED,
//     ATTENDED and COMPLETED.
//   Supervisors: GetEmployee (its supervisor_nip) and the follow-up
//     service's GetActionPlan on `followup` (the supervisor of an APPROVED
//     plan; without a follow-up channel, or a server without the service,
//     there are no plans).
class EnrolmentRoster : public Roster {
 public:
  explicit EnrolmentRoster(std::shared_ptr<grpc::Channel> channel,
                           absl::Duration timeout = absl::Seconds(5),
                           std::shared_ptr<grpc::Channel> followup = nullptr);
  absl::StatusOr<CohortRoster> Fetch(const std::string& tenant, const std::string& cohort) override;
  absl::StatusOr<std::vector<std::string>> Supervisors(const std::string& tenant, const std::string& cohort,
                                                       const std::string& subject) override;
  // GetUnit.
  absl::StatusOr<std::string> UnitTitle(const std::string& tenant, const std::string& unit) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> stub_;
  std::unique_ptr<followup::v1::FollowUpService::Stub> followup_;
  absl::Duration timeout_;
};

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_ENROLMENT_ROSTER_H_
