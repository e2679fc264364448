#ifndef PELITA_SERVICES_SURVEY_ENROLMENT_ROSTER_H_
#define PELITA_SERVICES_SURVEY_ENROLMENT_ROSTER_H_

#include <memory>

#include <grpcpp/grpcpp.h>

#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "services/survey/roster.h"

namespace pelita::survey {

// The roster as the enrolment service knows it: GetCohort (NOT_FOUND for a
// missing cohort), then ListEnrolments page by page, keeping ENROLLED,
// ATTENDED and COMPLETED.  Calls carry the tenant (AttachTenant).
class EnrolmentRoster : public Roster {
 public:
  explicit EnrolmentRoster(std::shared_ptr<grpc::Channel> channel,
                           absl::Duration timeout = absl::Seconds(5));
  absl::StatusOr<std::vector<std::string>> EnrolledNips(const std::string& tenant,
                                                        const std::string& cohort) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_ENROLMENT_ROSTER_H_
