#include "services/complaint/enrolment_units.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"
#include "services/enrolment/client/units.h"

namespace pelita::complaint {

EnrolmentUnitDirectory::EnrolmentUnitDirectory(std::shared_ptr<grpc::Channel> channel,
                                               absl::Duration timeout)
    : stub_(enrolment::v1::EnrolmentService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<std::vector<UnitInfo>> EnrolmentUnitDirectory::ListUnits(const std::string& tenant) {
  PELITA_ASSIGN_OR_RETURN(auto units, enrolment::ListAllUnits(stub_.get(), tenant, timeout_));
  std::vector<UnitInfo> out;
  out.reserve(units.size());
  for (const auto& u : units) {
    out.push_back({enrolment::LastSegment(u.name()), u.display_name(), u.monthly_service_volume()});
  }
  return out;
}

}  // namespace pelita::complaint
