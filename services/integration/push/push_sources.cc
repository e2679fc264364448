#include "services/integration/push/push_sources.h"

#include "absl/strings/str_cat.h"
#include "lib/server/internal_call.h"

namespace pelita::integration {
namespace {

namespace ev1 = ::pelita::enrolment::v1;
namespace rv1 = ::pelita::report::v1;

template <typename T>
absl::StatusOr<T> Lookup(const std::map<std::string, T>& table, const std::string& name, const char* what) {
  auto it = table.find(name);
  if (it == table.end()) return absl::NotFoundError(absl::StrCat(what, " ", name, " not found"));
  return it->second;
}

}  // namespace

GrpcPushSources::GrpcPushSources(std::shared_ptr<grpc::Channel> enrolment, std::shared_ptr<grpc::Channel> report,
                                 absl::Duration timeout)
    : enrolment_(ev1::EnrolmentService::NewStub(enrolment)),
      report_(rv1::ReportService::NewStub(report)),
      timeout_(timeout) {}

absl::StatusOr<ev1::Enrolment> GrpcPushSources::GetEnrolment(const std::string& tenant, const std::string& name) {
  ev1::GetEnrolmentRequest req;
  req.set_name(name);
  return CallService(enrolment_.get(), &ev1::EnrolmentService::Stub::GetEnrolment, Caller{tenant, "", ""}, req,
                     timeout_, "enrolment");
}

absl::StatusOr<ev1::Program> GrpcPushSources::GetProgram(const std::string& tenant, const std::string& name) {
  ev1::GetProgramRequest req;
  req.set_name(name);
  return CallService(enrolment_.get(), &ev1::EnrolmentService::Stub::GetProgram, Caller{tenant, "", ""}, req,
                     timeout_, "enrolment");
}

absl::StatusOr<ev1::Cohort> GrpcPushSources::GetCohort(const std::string& tenant, const std::string& name) {
  ev1::GetCohortRequest req;
  req.set_name(name);
  return CallService(enrolment_.get(), &ev1::EnrolmentService::Stub::GetCohort, Caller{tenant, "", ""}, req,
                     timeout_, "enrolment");
}

absl::StatusOr<type::v1::HttpBody> GrpcPushSources::GetCertificate(const std::string& tenant,
                                                                   const std::string& enrolment) {
  rv1::GetCertificateRequest req;
  req.set_name(enrolment);
  return CallService(report_.get(), &rv1::ReportService::Stub::GetCertificate, Caller{tenant, "", ""}, req,
                     timeout_, "report");
}

void FakePushSources::PutEnrolment(ev1::Enrolment e) {
  absl::MutexLock l(&mu_);
  enrolments_[e.name()] = std::move(e);
}
void FakePushSources::PutProgram(ev1::Program p) {
  absl::MutexLock l(&mu_);
  programs_[p.name()] = std::move(p);
}
void FakePushSources::PutCohort(ev1::Cohort c) {
  absl::MutexLock l(&mu_);
  cohorts_[c.name()] = std::move(c);
}
void FakePushSources::PutCertificate(const std::string& enrolment, std::string pdf) {
  absl::MutexLock l(&mu_);
  certificates_[enrolment] = std::move(pdf);
}
void FakePushSources::FailNext(absl::Status status, int n) {
  absl::MutexLock l(&mu_);
  fail_ = std::move(status);
  fail_n_ = n;
}

absl::Status FakePushSources::Injected() {
  if (fail_n_ <= 0) return absl::OkStatus();
  --fail_n_;
  return fail_;
}

absl::StatusOr<ev1::Enrolment> FakePushSources::GetEnrolment(const std::string&, const std::string& name) {
  absl::MutexLock l(&mu_);
  if (absl::Status s = Injected(); !s.ok()) return s;
  return Lookup(enrolments_, name, "enrolment");
}
absl::StatusOr<ev1::Program> FakePushSources::GetProgram(const std::string&, const std::string& name) {
  absl::MutexLock l(&mu_);
  if (absl::Status s = Injected(); !s.ok()) return s;
  return Lookup(programs_, name, "program");
}
absl::StatusOr<ev1::Cohort> FakePushSources::GetCohort(const std::string&, const std::string& name) {
  absl::MutexLock l(&mu_);
  if (absl::Status s = Injected(); !s.ok()) return s;
  return Lookup(cohorts_, name, "cohort");
}
absl::StatusOr<type::v1::HttpBody> FakePushSources::GetCertificate(const std::string&, const std::string& enrolment) {
  absl::MutexLock l(&mu_);
  if (absl::Status s = Injected(); !s.ok()) return s;
  auto it = certificates_.find(enrolment);
  if (it == certificates_.end()) return absl::NotFoundError(absl::StrCat("certificate of ", enrolment, " not found"));
  type::v1::HttpBody b;
  b.set_content_type("application/pdf");
  b.set_data(it->second);
  b.set_filename("sertifikat.pdf");
  return b;
}

}  // namespace pelita::integration
