// GrpcPushSources against real gRPC servers on port 0 that stand in for the
// enrolment and report services: the tenant travels in the call metadata,
// the answers come back, and the other services' errors map as
// lib/server/internal_call.h says.

#include "services/integration/push/push_sources.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "lib/tenancy/call_metadata.h"

namespace pelita::integration {
namespace {

namespace ev1 = ::pelita::enrolment::v1;
namespace rv1 = ::pelita::report::v1;

// Records the tenant of every call.
class Seen {
 public:
  void Add(const grpc::ServerContext* ctx) {
    auto c = CallerFromContext(*ctx);
    absl::MutexLock l(&mu_);
    tenants_.push_back(c.ok() ? c->tenant : "<" + c.status().ToString() + ">");
  }
  std::vector<std::string> tenants() {
    absl::MutexLock l(&mu_);
    return tenants_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> tenants_ ABSL_GUARDED_BY(mu_);
};

class FakeEnrolment : public ev1::EnrolmentService::Service {
 public:
  explicit FakeEnrolment(Seen* seen) : seen_(seen) {}
  grpc::Status GetEnrolment(grpc::ServerContext* ctx, const ev1::GetEnrolmentRequest* req,
                            ev1::Enrolment* out) override {
    seen_->Add(ctx);
    if (absl::EndsWith(req->name(), "/missing")) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such enrolment");
    if (absl::EndsWith(req->name(), "/broken")) return grpc::Status(grpc::StatusCode::INTERNAL, "disk on fire");
    out->set_name(req->name());
    out->set_state(ev1::Enrolment::COMPLETED);
    out->set_certificate_number("800/0001/BKPSDM/2026");
    return grpc::Status::OK;
  }
  grpc::Status GetProgram(grpc::ServerContext* ctx, const ev1::GetProgramRequest* req, ev1::Program* out) override {
    seen_->Add(ctx);
    out->set_name(req->name());
    out->set_title("Pelatihan Dasar CPNS");
    out->set_jp(40);
    return grpc::Status::OK;
  }
  grpc::Status GetCohort(grpc::ServerContext* ctx, const ev1::GetCohortRequest* req, ev1::Cohort* out) override {
    seen_->Add(ctx);
    out->set_name(req->name());
    out->mutable_start_date()->set_year(2026);
    return grpc::Status::OK;
  }

 private:
  Seen* seen_;
};

class FakeReport : public rv1::ReportService::Service {
 public:
  explicit FakeReport(Seen* seen) : seen_(seen) {}
  grpc::Status GetCertificate(grpc::ServerContext* ctx, const rv1::GetCertificateRequest* req,
                              type::v1::HttpBody* out) override {
    seen_->Add(ctx);
    out->set_content_type("application/pdf");
    out->set_data("%PDF-1.4 " + req->name());
    return grpc::Status::OK;
  }

 private:
  Seen* seen_;
};

TEST(PushSourcesTest, GrpcSourcesCarryTheTenantAndMapErrors) {
  Seen seen;
  FakeEnrolment enrolment(&seen);
  FakeReport report(&seen);
  grpc::ServerBuilder b;
  int port = 0;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  b.RegisterService(&enrolment);
  b.RegisterService(&report);
  std::unique_ptr<grpc::Server> server = b.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(port, 0);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  GrpcPushSources sources(channel, channel, absl::Seconds(5));

  const std::string name = "tenants/1504/programs/latsar/cohorts/c1/enrolments/199001012020031001";
  auto e = sources.GetEnrolment("1504", name);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->certificate_number(), "800/0001/BKPSDM/2026");
  auto p = sources.GetProgram("1504", "tenants/1504/programs/latsar");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->jp(), 40);
  auto c = sources.GetCohort("1504", "tenants/1504/programs/latsar/cohorts/c1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->start_date().year(), 2026);
  auto pdf = sources.GetCertificate("1504", name);
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->data(), "%PDF-1.4 " + name);
  EXPECT_EQ(seen.tenants(), std::vector<std::string>(4, "1504"));

  EXPECT_EQ(sources.GetEnrolment("1504", "tenants/1504/x/missing").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(sources.GetEnrolment("1504", "tenants/1504/x/broken").status().code(),
            absl::StatusCode::kUnavailable);
  server->Shutdown();
  // The service gone: UNAVAILABLE (retried by the outbox), not a refusal.
  EXPECT_EQ(sources.GetProgram("1504", "tenants/1504/programs/latsar").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(PushSourcesTest, FakeSourcesServeTablesAndInjectFailures) {
  FakePushSources f;
  ev1::Enrolment e;
  e.set_name("tenants/1504/programs/p/cohorts/c/enrolments/1");
  f.PutEnrolment(e);
  EXPECT_TRUE(f.GetEnrolment("1504", e.name()).ok());
  EXPECT_EQ(f.GetEnrolment("1504", "tenants/1504/other").status().code(), absl::StatusCode::kNotFound);
  f.FailNext(absl::UnavailableError("down"), 1);
  EXPECT_EQ(f.GetEnrolment("1504", e.name()).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(f.GetEnrolment("1504", e.name()).ok());
}

}  // namespace
}  // namespace pelita::integration
