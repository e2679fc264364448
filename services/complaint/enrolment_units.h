#ifndef PELITA_SERVICES_COMPLAINT_ENROLMENT_UNITS_H_
#define PELITA_SERVICES_COMPLAINT_ENROLMENT_UNITS_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "services/complaint/complaint.h"

namespace pelita::complaint {

// Units from the enrolment service (ListUnits, paged), called with the
// tenant in the call metadata.  ComplaintLogic caches the answer.
class EnrolmentUnitDirectory : public UnitDirectory {
 public:
  explicit EnrolmentUnitDirectory(std::shared_ptr<grpc::Channel> channel,
                                  absl::Duration timeout = absl::Seconds(5));
  absl::StatusOr<std::vector<UnitInfo>> ListUnits(const std::string& tenant) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_ENROLMENT_UNITS_H_
