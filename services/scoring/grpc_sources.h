// gRPC implementations of the enrolment and survey sources.
#ifndef PELITA_SERVICES_SCORING_GRPC_SOURCES_H_
#define PELITA_SERVICES_SCORING_GRPC_SOURCES_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"
#include "services/scoring/sources.h"

namespace pelita::scoring {

class GrpcEnrolmentSource : public EnrolmentSource {
 public:
  explicit GrpcEnrolmentSource(std::shared_ptr<grpc::Channel> channel,
                               absl::Duration deadline = absl::Seconds(10));
  absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string& tenant,
                                                    const std::string& name) override;
  absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string& tenant,
                                                  const std::string& name) override;
  absl::StatusOr<std::vector<enrolment::v1::Program>> ListPrograms(const std::string& tenant) override;
  absl::StatusOr<std::vector<enrolment::v1::Cohort>> ListCohorts(const std::string& tenant,
                                                                 const std::string& program) override;
  absl::StatusOr<std::vector<enrolment::v1::Enrolment>> ListEnrolments(
      const std::string& tenant, const std::string& cohort) override;
  absl::StatusOr<std::vector<enrolment::v1::Unit>> ListUnits(const std::string& tenant) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> stub_;
  absl::Duration deadline_;
};

class GrpcSurveySource : public SurveySource {
 public:
  explicit GrpcSurveySource(std::shared_ptr<grpc::Channel> channel,
                            absl::Duration deadline = absl::Seconds(10));
  absl::StatusOr<survey::v1::CohortAggregates> GetCohortAggregates(const std::string& tenant,
                                                                   const std::string& cohort) override;
  absl::StatusOr<std::vector<survey::v1::Response>> ListCohortResponses(
      const std::string& tenant, const std::string& cohort, const std::string& instrument) override;

 private:
  std::unique_ptr<survey::v1::SurveyService::Stub> stub_;
  absl::Duration deadline_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_GRPC_SOURCES_H_
