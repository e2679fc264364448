#ifndef PELITA_SERVICES_IDENTITY_ROSTER_H_
#define PELITA_SERVICES_IDENTITY_ROSTER_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"

namespace pelita::identity {

// Whether a NIP is an employee in a tenant's roster: an ASN account exists
// only for someone the enrolment service knows.  Identity never reads
// enrolment's keys; production asks over gRPC (EnrolmentRoster), unit tests
// use a fixed set.
class Roster {
 public:
  virtual ~Roster() = default;
  // OK when `tenants/{tenant}/employees/{nip}` exists; NOT_FOUND when not;
  // UNAVAILABLE when the roster cannot be asked.
  virtual absl::Status CheckEmployee(const std::string& tenant, const std::string& nip) = 0;
  // Whether the ASN is someone's direct supervisor (atasan langsung: some
  // employee's supervisor_nip is theirs).  Supervisors are derived from the
  // roster, not kept as a separate account (issue 15); UNAVAILABLE when the
  // roster cannot be asked.
  virtual absl::StatusOr<bool> Supervises(const std::string& tenant, const std::string& nip) = 0;
};

// The roster through EnrolmentService: GetEmployee as an internal call (no
// role metadata); Supervises as ListEmployees called as the person in the
// supervisor role, which enrolment narrows to their staff.
class EnrolmentRoster : public Roster {
 public:
  EnrolmentRoster(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(5));
  absl::Status CheckEmployee(const std::string& tenant, const std::string& nip) override;
  absl::StatusOr<bool> Supervises(const std::string& tenant, const std::string& nip) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace pelita::identity

#endif  // PELITA_SERVICES_IDENTITY_ROSTER_H_
