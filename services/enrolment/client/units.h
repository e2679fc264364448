#ifndef PELITA_SERVICES_ENROLMENT_CLIENT_UNITS_H_
#define PELITA_SERVICES_ENROLMENT_CLIENT_UNITS_H_

// Every unit of a tenant from the enrolment service, page by page, as an
// internal caller of the tenant: what the services that check a unit
// (complaint, performance) ask of the roster.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"

namespace pelita::enrolment {

// At most 100 pages of 500.  A failure names the call ("enrolment
// ListUnits: ...") with the service's code.
absl::StatusOr<std::vector<v1::Unit>> ListAllUnits(v1::EnrolmentService::StubInterface* stub,
                                                   const std::string& tenant, absl::Duration timeout);

// The last segment of a resource name: `tenants/1504/units/dukcapil` ->
// `dukcapil`, `tenants/1504/employees/{nip}` -> the NIP.
std::string LastSegment(const std::string& name);

}  // namespace pelita::enrolment

#endif  // PELITA_SERVICES_ENROLMENT_CLIENT_UNITS_H_
