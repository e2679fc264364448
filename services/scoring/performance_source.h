#ifndef PELITA_SERVICES_SCORING_PERFORMANCE_SOURCE_H_
#define PELITA_SERVICES_SCORING_PERFORMANCE_SOURCE_H_

// PerformanceSource over the performance service's public read API
// (BatchGetPerformanceMonths, GetCohortSkpChange), as an internal caller of
// the tenant.

#include <memory>

#include <grpcpp/grpcpp.h>

#include "pelita/performance/v1/performance.grpc.pb.h"
#include "services/scoring/sources.h"

namespace pelita::scoring {

class GrpcPerformanceSource : public PerformanceSource {
 public:
  explicit GrpcPerformanceSource(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<std::vector<WorkMonth>> GetWorkMonths(const std::string& tenant, const std::vector<std::string>& units,
                                                      absl::CivilMonth first, absl::CivilMonth last) override;
  absl::StatusOr<SkpChangeInputs> GetSkpChange(const std::string& tenant, const std::string& cohort) override;

 private:
  std::unique_ptr<performance::v1::PerformanceService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_PERFORMANCE_SOURCE_H_
