// The integration service over real gRPC (a server on port 0): the tenant
// of the call metadata, errors with their details, and a whole sync from
// switching on to the status, against the SIASN stand-in.

#include "services/integration/grpc_service.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "lib/metrics/metrics.h"
#include "lib/server/server.h"
#include "lib/siasn/standin.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "services/enrolment/grpc_service.h"
#include "services/integration/clients.h"
#include "services/integration/fake_roster.h"
#include "services/integration/metrics.h"
#include "services/integration/rate_limiter.h"
#include "services/integration/sync.h"

namespace pelita::integration {
namespace {

constexpr char kNip[] = "199001012015011001";

class IntegrationGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(redis_server_->options());
    store_ = std::make_unique<IntegrationStore>(redis_.get());
    auto dir = testing::MakeTempDir("siasn-secrets");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    ASSERT_TRUE(siasn_.Start().ok());
    secrets_ = std::make_unique<SecretsDir>(dir_);
    connections_ = std::make_unique<StoreConnections>(store_.get(), secrets_.get());
    clients_ = std::make_unique<TenantClients>(connections_.get(), absl::Seconds(5));
    failures_ = std::make_unique<CountingFailureSink>(store_.get(), &metrics_);
    SyncOptions o;
    o.save_every = absl::Milliseconds(20);
    sync_ = std::make_unique<RosterSync>(store_.get(), connections_.get(), clients_.get(), &limiter_, &roster_, &skp_,
                                         failures_.get(), &metrics_, o);
    logic_ = std::make_unique<IntegrationLogic>(store_.get(), connections_.get(), &roster_, sync_.get(), nullptr);
    service_ = std::make_unique<IntegrationGrpcService>(logic_.get());
    ServerOptions options;
    options.name = "integration";
    options.health_interval = absl::Milliseconds(50);
    options.log_calls = false;
    server_ = std::make_unique<Server>(options, std::vector<grpc::Service*>{service_.get()}, redis_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = v1::IntegrationService::NewStub(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));

    roster_.AddUnit("tenants/1504/units/dinkes");
    ev1::Employee e;
    e.set_name(absl::StrCat("tenants/1504/employees/", kNip));
    e.set_nip(kNip);
    e.set_full_name("Siti Aminah");
    e.set_unit("tenants/1504/units/dinkes");
    e.set_grade("III/a");
    roster_.AddEmployee(e);
    siasn_.PutDataUtama(kNip, {{"id", "orang-1"}, {"nama", "Siti Aminah"}, {"gelarDepan", "Dr."},
                               {"unorId", "U-1"}, {"golRuangAkhir", "III/b"}});
  }
  void TearDown() override {
    sync_->Stop();
    if (server_) server_->Shutdown(absl::Seconds(1));
    siasn_.Stop();
    testing::RemoveTree(dir_);
  }
  void MountSecret() {
    const auto& o = siasn_.options();
    std::filesystem::create_directories(dir_ + "/1504");
    std::ofstream(dir_ + "/1504/consumer_key") << o.consumer_key;
    std::ofstream(dir_ + "/1504/consumer_secret") << o.consumer_secret;
    std::ofstream(dir_ + "/1504/sso_client_id") << o.sso_client_id;
    std::ofstream(dir_ + "/1504/username") << o.username;
    std::ofstream(dir_ + "/1504/password") << o.password << "\n";
  }
  template <typename Req, typename Resp, typename Method>
  grpc::Status Call(Method method, const Req& req, Resp* resp, const Caller& caller = {"1504", "admin", "a"}) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, caller);
    return (stub_.get()->*method)(&ctx, req, resp);
  }

  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<IntegrationStore> store_;
  siasn::SiasnStandin siasn_;
  std::unique_ptr<SecretsDir> secrets_;
  std::unique_ptr<StoreConnections> connections_;
  std::unique_ptr<TenantClients> clients_;
  IntegrationMetrics metrics_;
  std::unique_ptr<CountingFailureSink> failures_;
  TokenBucketLimiter limiter_;
  FakeRoster roster_;
  FakeSkp skp_;
  std::unique_ptr<RosterSync> sync_;
  std::unique_ptr<IntegrationLogic> logic_;
  std::unique_ptr<IntegrationGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::IntegrationService::Stub> stub_;
};

TEST_F(IntegrationGrpcTest, TenantOfTheMetadataAndErrorDetails) {
  v1::GetSiasnConnectionRequest get;
  get.set_name("tenants/1504/siasnConnection");
  v1::SiasnConnection c;
  ASSERT_TRUE(Call(&v1::IntegrationService::Stub::GetSiasnConnection, get, &c).ok());
  EXPECT_FALSE(c.enabled());
  EXPECT_EQ(Call(&v1::IntegrationService::Stub::GetSiasnConnection, get, &c, {"1505", "admin", "a"}).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&v1::IntegrationService::Stub::GetSiasnConnection, get, &c, {"1504", "participant", kNip}).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Switching on without the secret: FAILED_PRECONDITION with its reason.
  v1::UpdateSiasnConnectionRequest up;
  up.mutable_connection()->set_name("tenants/1504/siasnConnection");
  up.mutable_connection()->set_enabled(true);
  up.mutable_connection()->set_apim_url(siasn_.url());
  up.mutable_connection()->set_sso_url(siasn_.url());
  for (const char* p : {"enabled", "apim_url", "sso_url"}) up.mutable_update_mask()->add_paths(p);
  grpc::Status s = Call(&v1::IntegrationService::Stub::UpdateSiasnConnection, up, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "CREDENTIALS_MISSING");
  // A bad value: INVALID_ARGUMENT with a field violation.
  up.mutable_connection()->set_rate_limit_per_second(1000);
  up.mutable_update_mask()->add_paths("rate_limit_per_second");
  s = Call(&v1::IntegrationService::Stub::UpdateSiasnConnection, up, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest br;
  ASSERT_TRUE(details.details(0).UnpackTo(&br));
  ASSERT_EQ(br.field_violations_size(), 1);
  EXPECT_EQ(br.field_violations(0).field(), "connection.rate_limit_per_second");
  // StartSync while off.
  v1::StartSyncRequest start;
  start.set_parent("tenants/1504");
  v1::SyncRun run;
  s = Call(&v1::IntegrationService::Stub::StartSync, start, &run);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "CONNECTION_OFF");
}

TEST_F(IntegrationGrpcTest, SwitchOnMapSyncAndStatus) {
  MountSecret();
  v1::UpdateSiasnConnectionRequest up;
  up.mutable_connection()->set_name("tenants/1504/siasnConnection");
  up.mutable_connection()->set_enabled(true);
  up.mutable_connection()->set_apim_url(siasn_.url());
  up.mutable_connection()->set_sso_url(siasn_.url());
  up.mutable_connection()->set_rate_limit_per_second(50);
  for (const char* p : {"enabled", "apim_url", "sso_url", "rate_limit_per_second"}) {
    up.mutable_update_mask()->add_paths(p);
  }
  v1::SiasnConnection c;
  grpc::Status s = Call(&v1::IntegrationService::Stub::UpdateSiasnConnection, up, &c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(c.enabled());
  EXPECT_TRUE(c.credentials_present());

  v1::CreateUnorMappingRequest m;
  m.set_parent("tenants/1504");
  m.mutable_mapping()->set_unor_id("U-1");
  m.mutable_mapping()->set_unit("tenants/1504/units/dinkes");
  v1::UnorMapping mapping;
  ASSERT_TRUE(Call(&v1::IntegrationService::Stub::CreateUnorMapping, m, &mapping).ok());

  v1::StartSyncRequest start;
  start.set_parent("tenants/1504");
  v1::SyncRun run;
  s = Call(&v1::IntegrationService::Stub::StartSync, start, &run);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(run.trigger(), "manual");
  v1::GetSyncRunRequest get;
  get.set_name(run.name());
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        v1::SyncRun r;
        return Call(&v1::IntegrationService::Stub::GetSyncRun, get, &r).ok() && r.state() != v1::SyncRun::RUNNING;
      },
      absl::Seconds(10)));
  ASSERT_TRUE(Call(&v1::IntegrationService::Stub::GetSyncRun, get, &run).ok());
  EXPECT_EQ(run.state(), v1::SyncRun::SUCCEEDED) << run.error();
  EXPECT_EQ(run.employees_changed(), 1);
  EXPECT_EQ(roster_.Employee(kNip).full_name(), "Dr. Siti Aminah");

  v1::ListEmployeeChangesRequest lc;
  lc.set_parent("tenants/1504");
  v1::ListEmployeeChangesResponse changes;
  ASSERT_TRUE(Call(&v1::IntegrationService::Stub::ListEmployeeChanges, lc, &changes).ok());
  ASSERT_EQ(changes.changes_size(), 2);  // full_name, grade
  EXPECT_EQ(changes.changes(0).sync_run(), run.name());

  v1::GetIntegrationStatusRequest sr;
  sr.set_name("tenants/1504/integrationStatus");
  v1::IntegrationStatus status;
  ASSERT_TRUE(Call(&v1::IntegrationService::Stub::GetIntegrationStatus, sr, &status).ok());
  EXPECT_TRUE(status.enabled());
  EXPECT_EQ(status.last_sync().name(), run.name());
  EXPECT_EQ(status.records_changed(), 1);
  EXPECT_GE(status.records_read(), 1);
  EXPECT_TRUE(status.has_next_sync_time());

  // /metrics has the tenant's series.
  const std::string scrape = metrics::Scrape();
  EXPECT_NE(scrape.find("pelita_integration_records_read_total{tenant=\"1504\"}"), std::string::npos);
  EXPECT_NE(scrape.find("pelita_integration_sync_runs_total{result=\"SUCCEEDED\",tenant=\"1504\"}"),
            std::string::npos)
      << scrape.substr(0, 2000);
  EXPECT_NE(scrape.find("pelita_integration_last_sync_timestamp_seconds{tenant=\"1504\"}"), std::string::npos);
}

TEST_F(IntegrationGrpcTest, FailuresCountedInMetrics) {
  MountSecret();
  ASSERT_TRUE(store_->UpdateConnection("1504", [&](v1::SiasnConnection& c) {
    c.set_enabled(true);
    c.set_apim_url(siasn_.url());
    c.set_sso_url(siasn_.url());
    return absl::OkStatus();
  }).ok());
  // No mapping for U-1: an UNKNOWN_UNOR failure.
  auto run = sync_->RunNow("1504", "manual");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED_WITH_FAILURES);
  v1::ListFailuresRequest lf;
  lf.set_parent("tenants/1504");
  v1::ListFailuresResponse failures;
  ASSERT_TRUE(Call(&v1::IntegrationService::Stub::ListFailures, lf, &failures).ok());
  ASSERT_EQ(failures.failures_size(), 1);
  EXPECT_EQ(failures.failures(0).code(), "UNKNOWN_UNOR");
  EXPECT_EQ(failures.failures(0).raw_value(), "U-1");
  EXPECT_NE(metrics::Scrape().find("pelita_integration_failures_total{code=\"UNKNOWN_UNOR\",kind=\"sync\",tenant=\"1504\"}"),
            std::string::npos);
}

// The real enrolment service over gRPC behind GrpcRoster: the employee is
// updated with its mask as the enrolment service checks it, and
// ReplaceExternalTrainings (not there yet: UNIMPLEMENTED) is one failure.
TEST_F(IntegrationGrpcTest, RealEnrolmentOverGrpc) {
  enrolment::EnrolmentLogic enrolment_logic(redis_.get());
  enrolment::EnrolmentGrpcService enrolment_service(&enrolment_logic);
  ServerOptions options;
  options.name = "enrolment";
  options.health_interval = absl::Milliseconds(50);
  options.log_calls = false;
  Server enrolment_server(options, {&enrolment_service}, redis_.get());
  ASSERT_TRUE(enrolment_server.Start().ok());
  auto channel = grpc::CreateChannel(enrolment_server.address(), grpc::InsecureChannelCredentials());
  auto stub = ev1::EnrolmentService::NewStub(channel);
  for (const char* unit : {"dinkes", "bkpsdm"}) {
    ev1::CreateUnitRequest r;
    r.set_parent("tenants/1504");
    r.set_unit_id(unit);
    r.mutable_unit()->set_display_name(unit);
    ev1::Unit u;
    grpc::ClientContext ctx;
    AttachCaller(ctx, {"1504", "admin", "a"});
    ASSERT_TRUE(stub->CreateUnit(&ctx, r, &u).ok());
  }
  {
    ev1::CreateEmployeeRequest r;
    r.set_parent("tenants/1504");
    r.mutable_employee()->set_nip(kNip);
    r.mutable_employee()->set_full_name("Siti Aminah");
    r.mutable_employee()->set_unit("tenants/1504/units/dinkes");
    r.mutable_employee()->set_grade("III/a");
    r.mutable_employee()->set_employment_type(ev1::PNS);
    ev1::Employee e;
    grpc::ClientContext ctx;
    AttachCaller(ctx, {"1504", "admin", "a"});
    grpc::Status s = stub->CreateEmployee(&ctx, r, &e);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  siasn_.PutDataUtama(kNip, {{"id", "orang-1"}, {"nama", "Siti Aminah"}, {"gelarBelakang", "S.E."},
                             {"unorId", "U-2"}, {"jabatanNama", "Analis"}, {"golRuangAkhir", "III/b"}});
  MountSecret();
  ASSERT_TRUE(store_->UpdateConnection("1504", [&](v1::SiasnConnection& c) {
    c.set_enabled(true);
    c.set_apim_url(siasn_.url());
    c.set_sso_url(siasn_.url());
    return absl::OkStatus();
  }).ok());
  v1::UnorMapping m;
  m.set_unor_id("U-2");
  m.set_unit("tenants/1504/units/bkpsdm");
  ASSERT_TRUE(store_->UnorMappings("1504").Insert("U-2", m.SerializeAsString()).ok());

  GrpcRoster roster(channel);
  EXPECT_TRUE(roster.CheckUnit("1504", "tenants/1504/units/bkpsdm").ok());
  EXPECT_EQ(roster.CheckUnit("1504", "tenants/1504/units/none").code(), absl::StatusCode::kNotFound);
  RosterSync sync(store_.get(), connections_.get(), clients_.get(), &limiter_, &roster, &skp_, failures_.get(),
                  nullptr, SyncOptions());
  auto run = sync.RunNow("1504", "manual");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->employees_changed(), 1) << run->error();
  ev1::GetEmployeeRequest g;
  g.set_name(absl::StrCat("tenants/1504/employees/", kNip));
  ev1::Employee e;
  grpc::ClientContext ctx;
  AttachCaller(ctx, {"1504", "admin", "a"});
  ASSERT_TRUE(stub->GetEmployee(&ctx, g, &e).ok());
  EXPECT_EQ(e.full_name(), "Siti Aminah, S.E.");
  EXPECT_EQ(e.unit(), "tenants/1504/units/bkpsdm");
  EXPECT_EQ(e.position(), "Analis");
  EXPECT_EQ(e.grade(), "III/b");
  auto failures = store_->ListFailures("1504", "", 10, "");
  ASSERT_TRUE(failures.ok());
  // None once the enrolment service stores external trainings; until then
  // exactly one that says so.
  EXPECT_LE(failures->failures_size(), 1);
  for (const auto& f : failures->failures()) {
    EXPECT_TRUE(f.code() == "ENROLMENT_UNAVAILABLE") << f.code() << ": " << f.message();
  }
  sync.Stop();
  enrolment_server.Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace pelita::integration
