#ifndef PELITA_SERVICES_INTEGRATION_ROSTER_H_
#define PELITA_SERVICES_INTEGRATION_ROSTER_H_

// What the integration service asks of the other services: the roster
// (enrolment: employees, their update, external trainings, whether a unit
// exists) and the SKP records (performance).  Over gRPC in production, as
// an internal caller of the tenant (no role metadata); fakes in tests
// (fake_roster.h).

#include <memory>
#include <string>

#include <google/protobuf/field_mask.pb.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/performance/v1/performance.grpc.pb.h"

namespace pelita::integration {

namespace ev1 = ::pelita::enrolment::v1;
namespace pv1 = ::pelita::performance::v1;

class Roster {
 public:
  virtual ~Roster() = default;
  // One page of the tenant's employees (ListEmployees).
  virtual absl::StatusOr<ev1::ListEmployeesResponse> ListEmployees(const std::string& tenant, int page_size,
                                                                   const std::string& page_token) = 0;
  // UpdateEmployee with `mask`: the fields changed, in one call.
  virtual absl::StatusOr<ev1::Employee> UpdateEmployee(const std::string& tenant, const ev1::Employee& employee,
                                                       const google::protobuf::FieldMask& mask) = 0;
  virtual absl::StatusOr<ev1::ReplaceExternalTrainingsResponse> ReplaceExternalTrainings(
      const std::string& tenant, const ev1::ReplaceExternalTrainingsRequest& request) = 0;
  // OK when `unit` (`tenants/{t}/units/{u}`) exists, NOT_FOUND when not.
  virtual absl::Status CheckUnit(const std::string& tenant, const std::string& unit) = 0;
};

class SkpSink {
 public:
  virtual ~SkpSink() = default;
  virtual absl::StatusOr<pv1::BatchRecordSkpResponse> BatchRecordSkp(const std::string& tenant,
                                                                     const pv1::BatchRecordSkpRequest& request) = 0;
};

class GrpcRoster : public Roster {
 public:
  explicit GrpcRoster(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<ev1::ListEmployeesResponse> ListEmployees(const std::string& tenant, int page_size,
                                                           const std::string& page_token) override;
  absl::StatusOr<ev1::Employee> UpdateEmployee(const std::string& tenant, const ev1::Employee& employee,
                                               const google::protobuf::FieldMask& mask) override;
  absl::StatusOr<ev1::ReplaceExternalTrainingsResponse> ReplaceExternalTrainings(
      const std::string& tenant, const ev1::ReplaceExternalTrainingsRequest& request) override;
  absl::Status CheckUnit(const std::string& tenant, const std::string& unit) override;

 private:
  std::unique_ptr<ev1::EnrolmentService::Stub> stub_;
  absl::Duration timeout_;
};

class GrpcSkp : public SkpSink {
 public:
  explicit GrpcSkp(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<pv1::BatchRecordSkpResponse> BatchRecordSkp(const std::string& tenant,
                                                             const pv1::BatchRecordSkpRequest& request) override;

 private:
  std::unique_ptr<pv1::PerformanceService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_ROSTER_H_
