#ifndef PELITA_SERVICES_INTEGRATION_PUSH_PUSH_SOURCES_H_
#define PELITA_SERVICES_INTEGRATION_PUSH_PUSH_SOURCES_H_

// What a push needs from the rest of Pelita, behind one interface: the
// enrolment (its state and certificate number), its programme (title and
// JP), its cohort (first and last day) from the enrolment service, and the
// certificate PDF from the report service.

#include <map>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/report/v1/report.grpc.pb.h"
#include "pelita/type/v1/http_body.pb.h"

namespace pelita::integration {

class PushSources {
 public:
  virtual ~PushSources() = default;
  // `name`s are full resource names of `tenant`.
  virtual absl::StatusOr<enrolment::v1::Enrolment> GetEnrolment(const std::string& tenant,
                                                                const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string& tenant, const std::string& name) = 0;
  virtual absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string& tenant, const std::string& name) = 0;
  // The certificate of a completed enrolment (report service's GetCertificate).
  virtual absl::StatusOr<type::v1::HttpBody> GetCertificate(const std::string& tenant,
                                                            const std::string& enrolment) = 0;
};

// Over gRPC: internal calls with the tenant in the call metadata and no
// role (lib/server/internal_call.h); NOT_FOUND, INVALID_ARGUMENT,
// PERMISSION_DENIED and FAILED_PRECONDITION keep their code, anything else
// is UNAVAILABLE naming the service.
class GrpcPushSources : public PushSources {
 public:
  GrpcPushSources(std::shared_ptr<grpc::Channel> enrolment, std::shared_ptr<grpc::Channel> report,
                  absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<enrolment::v1::Enrolment> GetEnrolment(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<type::v1::HttpBody> GetCertificate(const std::string& tenant, const std::string& enrolment) override;

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> enrolment_;
  std::unique_ptr<report::v1::ReportService::Stub> report_;
  absl::Duration timeout_;
};

// For tests: tables by name (the tenant is part of every name); a name not
// in a table is NOT_FOUND.  `fail_next` makes the next calls fail.
class FakePushSources : public PushSources {
 public:
  void PutEnrolment(enrolment::v1::Enrolment e);
  void PutProgram(enrolment::v1::Program p);
  void PutCohort(enrolment::v1::Cohort c);
  // The certificate of `enrolment` (a small fake PDF).
  void PutCertificate(const std::string& enrolment, std::string pdf);
  // The next `n` calls of any method fail with `status`.
  void FailNext(absl::Status status, int n = 1);

  absl::StatusOr<enrolment::v1::Enrolment> GetEnrolment(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Program> GetProgram(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<enrolment::v1::Cohort> GetCohort(const std::string& tenant, const std::string& name) override;
  absl::StatusOr<type::v1::HttpBody> GetCertificate(const std::string& tenant, const std::string& enrolment) override;

 private:
  absl::Status Injected() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Mutex mu_;
  std::map<std::string, enrolment::v1::Enrolment> enrolments_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, enrolment::v1::Program> programs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, enrolment::v1::Cohort> cohorts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> certificates_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
  int fail_n_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_PUSH_PUSH_SOURCES_H_
