// Fault test of the SIASN push outbox (issue 19) with the real binaries:
// 150 enrolments are completed while SIASN (the stand-in, a real HTTP
// server) loses answers after committing and fails now and then, and the
// integration service is killed (SIGKILL) part-way through and started
// again.  Every completion reaches rw-kursus exactly once with its
// certificate number and its certificate PDF: 0 lost, 0 posted twice.

#include <filesystem>
#include <fstream>
#include <set>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/siasn/standin.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/testing/subprocess.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/integration/v1/integration.grpc.pb.h"
#include "tests/fault/platform.h"
#include "tests/fault/seed.h"

namespace pelita::fault {
namespace {

namespace ev1 = ::pelita::enrolment::v1;
namespace iv1 = ::pelita::integration::v1;

constexpr int kPeople = 150;

void Admin(grpc::ClientContext& ctx) {
  AttachCaller(ctx, Caller{"1504", "admin", "fault-test"});
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
}

class IntegrationFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Platform::Options o;
    o.integration = true;
    auto p = Platform::Start(o);
    ASSERT_TRUE(p.ok()) << p.status();
    platform_ = std::move(*p);
    ASSERT_TRUE(SeedSurvey(*platform_, kPeople, 0).ok());
    ASSERT_TRUE(standin_.Start().ok());
    for (int i = 0; i < kPeople; ++i) {
      standin_.PutDataUtama(PersonNip(i), {{"id", absl::StrCat("orang-", i)}, {"nipBaru", PersonNip(i)}});
      standin_.PutRwKursus(PersonNip(i), nlohmann::json::array());
    }
    // The regency's Secret as Kubernetes mounts it.
    const std::string dir = platform_->dir() + "/siasn/1504";
    std::filesystem::create_directories(dir);
    const auto& so = standin_.options();
    for (const auto& [file, value] : std::vector<std::pair<std::string, std::string>>{
             {"consumer_key", so.consumer_key}, {"consumer_secret", so.consumer_secret},
             {"sso_client_id", so.sso_client_id}, {"username", so.username}, {"password", so.password}}) {
      std::ofstream(dir + "/" + file) << value << "\n";
    }
  }

  std::unique_ptr<iv1::IntegrationService::Stub> Integration() {
    return iv1::IntegrationService::NewStub(
        grpc::CreateChannel(platform_->address("integration"), grpc::InsecureChannelCredentials()));
  }

  // Pushes by state, read from the service (every page).
  std::map<int, int> States() {
    std::map<int, int> out;
    auto stub = Integration();
    iv1::ListPushesRequest r;
    r.set_parent("tenants/1504");
    r.set_page_size(100);
    do {
      grpc::ClientContext ctx;
      Admin(ctx);
      iv1::ListPushesResponse resp;
      if (!stub->ListPushes(&ctx, r, &resp).ok()) return {};
      for (const auto& p : resp.pushes()) ++out[p.state()];
      r.set_page_token(resp.next_page_token());
    } while (!r.page_token().empty());
    return out;
  }

  std::unique_ptr<Platform> platform_;
  siasn::SiasnStandin standin_;
};

TEST_F(IntegrationFaultTest, KilledMidPushEveryCompletionReachesSiasnOnce) {
  // Switch the connection on.
  {
    auto stub = Integration();
    grpc::ClientContext ctx;
    Admin(ctx);
    iv1::UpdateSiasnConnectionRequest r;
    r.mutable_connection()->set_name("tenants/1504/siasnConnection");
    r.mutable_connection()->set_enabled(true);
    r.mutable_connection()->set_apim_url(standin_.url());
    r.mutable_connection()->set_sso_url(standin_.url());
    r.mutable_connection()->set_rate_limit_per_second(100);
    r.mutable_connection()->set_max_attempts(50);
    r.mutable_connection()->set_certificate_document_type("874");
    for (const char* path : {"enabled", "apim_url", "sso_url", "rate_limit_per_second", "max_attempts",
                             "certificate_document_type"}) {
      r.mutable_update_mask()->add_paths(path);
    }
    iv1::SiasnConnection c;
    grpc::Status s = stub->UpdateSiasnConnection(&ctx, r, &c);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_TRUE(c.enabled());
  }
  // SIASN commits saves and loses the answers, and fails now and then.
  standin_.FailNext(siasn::SiasnStandin::Fault::kLoseResponse, 8, "kursus/save");
  standin_.FailNext(siasn::SiasnStandin::Fault::kServerError, 10, "");
  standin_.FailNext(siasn::SiasnStandin::Fault::kLoseResponse, 4, "upload-dok-rw");

  auto enrolment = ev1::EnrolmentService::NewStub(
      grpc::CreateChannel(platform_->address("enrolment"), grpc::InsecureChannelCredentials()));
  std::map<std::string, std::string> certificate;  // NIP -> number
  for (int i = 0; i < kPeople; ++i) {
    grpc::ClientContext ctx;
    Admin(ctx);
    ev1::CompleteEnrolmentRequest r;
    r.set_name(absl::StrCat(kCohort, "/enrolments/", PersonNip(i)));
    ev1::Enrolment e;
    grpc::Status s = enrolment->CompleteEnrolment(&ctx, r, &e);
    ASSERT_TRUE(s.ok()) << s.error_message();
    certificate[PersonNip(i)] = e.certificate_number();
  }

  // Part-way through the pushes, the integration service dies.
  ASSERT_TRUE(testing::WaitFor([&] { return States()[iv1::Push::DONE] >= kPeople / 3; }, absl::Seconds(120),
                               absl::Milliseconds(20)))
      << "see " << platform_->dir();
  ASSERT_TRUE(platform_->Kill("integration").ok());
  const int saves_at_kill = standin_.Requests("kursus/save");
  ASSERT_TRUE(platform_->Restart("integration").ok());

  const bool all_done = testing::WaitFor([&] { return States()[iv1::Push::DONE] == kPeople; }, absl::Seconds(180),
                                         absl::Milliseconds(50));
  if (!all_done) platform_->KeepLogs();
  ASSERT_TRUE(all_done) << "DONE " << States()[iv1::Push::DONE] << " of " << kPeople << "; see " << platform_->dir();
  EXPECT_GT(standin_.Requests("kursus/save"), saves_at_kill) << "the restarted process pushed the rest";

  // Exactly one record per completion, with its certificate number, and a
  // certificate PDF uploaded for it.
  std::set<std::string> uploaded;
  for (const auto& u : standin_.Uploads()) {
    EXPECT_EQ(u.id_ref_dokumen, "874");
    EXPECT_EQ(u.content.rfind("%PDF", 0), 0u) << "a PDF";
    uploaded.insert(u.id_riwayat);
  }
  for (int i = 0; i < kPeople; ++i) {
    const nlohmann::json records = standin_.RwKursus(PersonNip(i));
    ASSERT_EQ(records.size(), 1u) << PersonNip(i) << ": " << records.dump();
    EXPECT_EQ(records[0].value("noSertipikat", ""), certificate[PersonNip(i)]);
    EXPECT_TRUE(uploaded.count(records[0].value("id", ""))) << PersonNip(i) << " has no certificate uploaded";
  }
  EXPECT_EQ(States()[iv1::Push::DEAD], 0);
}

}  // namespace
}  // namespace pelita::fault
