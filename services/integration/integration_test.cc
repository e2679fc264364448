// The integration logic with a real redis-server and fakes of the roster,
// the sync and the push outbox.

#include "services/integration/integration.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "lib/time/time.h"
#include "services/integration/clients.h"
#include "services/integration/fake_roster.h"

namespace pelita::integration {
namespace {

const Caller kAdmin{"1504", "admin", "admin-1"};
const Caller kParticipant{"1504", "participant", "199001012015011001"};

// Starts nothing: records the call and answers a run, the same one while
// "running".
class FakeSync : public SyncStarter {
 public:
  explicit FakeSync(IntegrationStore* store) : store_(store) {}
  absl::StatusOr<v1::SyncRun> Start(const std::string& tenant, const std::string& trigger) override {
    ++calls;
    auto b = store_->BeginRun(tenant, v1::SyncRun(), absl::Now(), absl::Minutes(1));
    if (!b.ok()) return b.status();
    return b->run;
  }
  int calls = 0;

 private:
  IntegrationStore* store_;
};

class FakePushes : public PushQueue {
 public:
  absl::StatusOr<v1::ListPushesResponse> List(const v1::ListPushesRequest& r) override {
    v1::ListPushesResponse out;
    out.add_pushes()->set_name(r.parent() + "/pushes/p.c.1");
    return out;
  }
  absl::StatusOr<v1::Push> Get(const std::string& name) override {
    v1::Push p;
    p.set_name(name);
    return p;
  }
  absl::StatusOr<v1::Push> Retry(const std::string& name) override { return absl::FailedPreconditionError("done"); }
  absl::StatusOr<PushCounts> Counts(const std::string& tenant) override { return PushCounts{3, 2, 10, 1}; }
};

class IntegrationLogicTest : public ::testing::Test {
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
    secrets_ = std::make_unique<SecretsDir>(dir_);
    connections_ = std::make_unique<StoreConnections>(store_.get(), secrets_.get());
    sync_ = std::make_unique<FakeSync>(store_.get());
    roster_.AddUnit("tenants/1504/units/dinkes");
    roster_.AddUnit("tenants/1504/units/bkpsdm");
    logic_ = std::make_unique<IntegrationLogic>(store_.get(), connections_.get(), &roster_, sync_.get(), nullptr);
  }
  void TearDown() override { testing::RemoveTree(dir_); }

  void MountSecret() {
    std::filesystem::create_directories(dir_ + "/1504");
    for (const char* f : {"consumer_key", "consumer_secret", "sso_client_id", "username", "password"}) {
      std::ofstream(dir_ + "/1504/" + f) << "value-of-" << f << "\n";
    }
  }
  v1::UpdateSiasnConnectionRequest SwitchOn() {
    v1::UpdateSiasnConnectionRequest r;
    r.mutable_connection()->set_name("tenants/1504/siasnConnection");
    r.mutable_connection()->set_enabled(true);
    r.mutable_connection()->set_apim_url("https://apimws.bkn.go.id:8243");
    r.mutable_connection()->set_sso_url("https://sso-siasn.bkn.go.id");
    for (const char* p : {"enabled", "apim_url", "sso_url"}) r.mutable_update_mask()->add_paths(p);
    return r;
  }

  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<IntegrationStore> store_;
  std::unique_ptr<SecretsDir> secrets_;
  std::unique_ptr<StoreConnections> connections_;
  std::unique_ptr<FakeSync> sync_;
  FakeRoster roster_;
  std::unique_ptr<IntegrationLogic> logic_;
};

TEST_F(IntegrationLogicTest, ConnectionOffByDefaultAndOnlyForStaffOfTheTenant) {
  v1::GetSiasnConnectionRequest get;
  get.set_name("tenants/1504/siasnConnection");
  auto c = logic_->GetSiasnConnection(kAdmin, get);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->enabled());
  EXPECT_FALSE(c->credentials_present());
  EXPECT_EQ(c->sso_realm(), "public-siasn");
  EXPECT_EQ(logic_->GetSiasnConnection(kParticipant, get).status().code(), absl::StatusCode::kPermissionDenied);
  get.set_name("tenants/1505/siasnConnection");
  EXPECT_EQ(logic_->GetSiasnConnection(kAdmin, get).status().code(), absl::StatusCode::kPermissionDenied);
  get.set_name("tenants/1504/connection");
  EXPECT_EQ(logic_->GetSiasnConnection(kAdmin, get).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IntegrationLogicTest, SwitchingOnNeedsCredentialsAndUrls) {
  auto off = logic_->UpdateSiasnConnection(kAdmin, SwitchOn());
  EXPECT_EQ(off.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(off.status()), "CREDENTIALS_MISSING");
  EXPECT_FALSE(store_->GetConnection("1504")->enabled());

  MountSecret();
  auto no_urls = SwitchOn();
  no_urls.mutable_connection()->clear_sso_url();
  auto bad = logic_->UpdateSiasnConnection(kAdmin, no_urls);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(bad.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(bad.status())[0].first, "connection.sso_url");

  auto on = logic_->UpdateSiasnConnection(kAdmin, SwitchOn());
  ASSERT_TRUE(on.ok()) << on.status();
  EXPECT_TRUE(on->enabled());
  EXPECT_TRUE(on->credentials_present());
  EXPECT_EQ(on->max_attempts(), 8);  // Untouched by the mask.
  // Nothing of the secret in Redis.
  auto keys = redis_->Run({"KEYS", "*"});
  for (const auto& k : keys->elements) {
    auto type = redis_->Run({"TYPE", k.str});
    if (type->str != "hash") continue;
    auto all = redis_->Run({"HGETALL", k.str});
    for (const auto& e : all->elements) EXPECT_EQ(e.str.find("value-of-"), std::string::npos) << k.str;
  }
}

TEST_F(IntegrationLogicTest, ConnectionValidationChangesNothing) {
  v1::UpdateSiasnConnectionRequest r;
  r.mutable_connection()->set_name("tenants/1504/siasnConnection");
  r.mutable_connection()->set_apim_url("ftp://x");
  r.mutable_connection()->set_sso_url(std::string(301, 'h'));
  r.mutable_connection()->set_rate_limit_per_second(500);
  r.mutable_connection()->set_max_attempts(0);
  r.mutable_connection()->set_sync_interval_hours(721);
  auto bad = logic_->UpdateSiasnConnection(kAdmin, r);  // Empty mask: every writable field.
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& [f, p] : FieldViolationsOf(bad.status())) fields.insert(f);
  EXPECT_EQ(fields, (std::set<std::string>{"connection.apim_url", "connection.sso_url",
                                           "connection.rate_limit_per_second", "connection.max_attempts",
                                           "connection.sync_interval_hours"}));
  EXPECT_TRUE(store_->GetConnection("1504")->apim_url().empty());
  // An unknown mask path.
  r.mutable_update_mask()->add_paths("password");
  EXPECT_EQ(logic_->UpdateSiasnConnection(kAdmin, r).status().code(), absl::StatusCode::kInvalidArgument);
  // A good partial update.
  v1::UpdateSiasnConnectionRequest ok;
  ok.mutable_connection()->set_name("tenants/1504/siasnConnection");
  ok.mutable_connection()->set_rate_limit_per_second(0.5);
  ok.mutable_update_mask()->add_paths("rate_limit_per_second");
  auto u = logic_->UpdateSiasnConnection(kAdmin, ok);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_DOUBLE_EQ(u->rate_limit_per_second(), 0.5);
  EXPECT_EQ(u->sync_interval_hours(), 24);
}

TEST_F(IntegrationLogicTest, UnorMappings) {
  v1::CreateUnorMappingRequest c;
  c.set_parent("tenants/1504");
  c.mutable_mapping()->set_unor_id("8ae483-A1");
  c.mutable_mapping()->set_unit("tenants/1504/units/dinkes");
  c.mutable_mapping()->set_unor_nama("Dinas Kesehatan");
  auto m = logic_->CreateUnorMapping(kAdmin, c);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->name(), "tenants/1504/unorMappings/8ae483-A1");
  EXPECT_EQ(logic_->CreateUnorMapping(kAdmin, c).status().code(), absl::StatusCode::kAlreadyExists);
  // The unit must exist, in the caller's tenant.
  c.mutable_mapping()->set_unor_id("B2");
  c.mutable_mapping()->set_unit("tenants/1504/units/nowhere");
  auto missing = logic_->CreateUnorMapping(kAdmin, c);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(missing.status())[0].first, "mapping.unit");
  c.mutable_mapping()->set_unit("tenants/1505/units/dinkes");
  EXPECT_EQ(logic_->CreateUnorMapping(kAdmin, c).status().code(), absl::StatusCode::kPermissionDenied);
  c.mutable_mapping()->set_unor_id("has space");
  EXPECT_EQ(logic_->CreateUnorMapping(kAdmin, c).status().code(), absl::StatusCode::kInvalidArgument);

  v1::UpdateUnorMappingRequest u;
  u.mutable_mapping()->set_name("tenants/1504/unorMappings/8ae483-A1");
  u.mutable_mapping()->set_unit("tenants/1504/units/bkpsdm");
  u.mutable_mapping()->set_unor_nama("ignored");
  u.mutable_update_mask()->add_paths("unit");
  auto updated = logic_->UpdateUnorMapping(kAdmin, u);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->unit(), "tenants/1504/units/bkpsdm");
  EXPECT_EQ(updated->unor_nama(), "Dinas Kesehatan");
  u.mutable_mapping()->set_unit("tenants/1504/units/nowhere");
  EXPECT_EQ(logic_->UpdateUnorMapping(kAdmin, u).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UnorTable("1504")->at("8ae483-A1"), "tenants/1504/units/bkpsdm");

  v1::ListUnorMappingsRequest l;
  l.set_parent("tenants/1504");
  EXPECT_EQ(logic_->ListUnorMappings(kAdmin, l)->mappings_size(), 1);
  l.set_page_size(-1);
  EXPECT_EQ(FieldViolationsOf(logic_->ListUnorMappings(kAdmin, l).status())[0].first, "page_size");

  v1::DeleteUnorMappingRequest d;
  d.set_name("tenants/1504/unorMappings/8ae483-A1");
  EXPECT_TRUE(logic_->DeleteUnorMapping(kAdmin, d).ok());
  EXPECT_EQ(logic_->DeleteUnorMapping(kAdmin, d).status().code(), absl::StatusCode::kNotFound);
  v1::GetUnorMappingRequest g;
  g.set_name(d.name());
  EXPECT_EQ(logic_->GetUnorMapping(kAdmin, g).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(IntegrationLogicTest, StartSyncAndRuns) {
  v1::StartSyncRequest s;
  s.set_parent("tenants/1504");
  auto a = logic_->StartSync(kAdmin, s);
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = logic_->StartSync(kAdmin, s);
  EXPECT_EQ(b->name(), a->name());  // The running one.
  EXPECT_EQ(logic_->StartSync(kParticipant, s).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(sync_->calls, 2);
  v1::GetSyncRunRequest g;
  g.set_name(a->name());
  EXPECT_EQ(logic_->GetSyncRun(kAdmin, g)->state(), v1::SyncRun::RUNNING);
  g.set_name("tenants/1504/syncRuns/nope");
  EXPECT_EQ(logic_->GetSyncRun(kAdmin, g).status().code(), absl::StatusCode::kNotFound);
  v1::ListSyncRunsRequest l;
  l.set_parent("tenants/1504");
  EXPECT_EQ(logic_->ListSyncRuns(kAdmin, l)->runs_size(), 1);
}

TEST_F(IntegrationLogicTest, ChangesFailuresAndStatus) {
  v1::EmployeeChange c;
  c.set_employee("tenants/1504/employees/199001012015011001");
  c.set_field("grade");
  ASSERT_TRUE(store_->AppendChanges("1504", "199001012015011001", {c}).ok());
  v1::ListEmployeeChangesRequest lc;
  lc.set_parent("tenants/1504");
  lc.set_employee("tenants/1504/employees/199001012015011001");
  EXPECT_EQ(logic_->ListEmployeeChanges(kAdmin, lc)->changes_size(), 1);
  lc.set_employee("tenants/1504/employees/199001012015011002");
  EXPECT_EQ(logic_->ListEmployeeChanges(kAdmin, lc)->changes_size(), 0);
  lc.set_employee("tenants/1505/employees/199001012015011001");
  EXPECT_EQ(logic_->ListEmployeeChanges(kAdmin, lc).status().code(), absl::StatusCode::kPermissionDenied);

  v1::Failure f;
  f.set_kind("sync");
  f.set_code("UNKNOWN_UNOR");
  f.set_raw_value("X1");
  ASSERT_TRUE(store_->Record("1504", f).ok());
  v1::ListFailuresRequest lf;
  lf.set_parent("tenants/1504");
  lf.set_kind("push");
  EXPECT_EQ(logic_->ListFailures(kAdmin, lf)->failures_size(), 0);
  lf.set_kind("sync");
  EXPECT_EQ(logic_->ListFailures(kAdmin, lf)->failures(0).raw_value(), "X1");
  lf.set_kind("other");
  EXPECT_EQ(logic_->ListFailures(kAdmin, lf).status().code(), absl::StatusCode::kInvalidArgument);

  v1::GetIntegrationStatusRequest sr;
  sr.set_name("tenants/1504/integrationStatus");
  auto st = logic_->GetIntegrationStatus(kAdmin, sr);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_FALSE(st->enabled());
  EXPECT_EQ(st->failed(), 1);
  EXPECT_EQ(st->recent_failures_size(), 1);
  EXPECT_EQ(st->pushes_pending(), 0);  // No outbox: zeros.
  EXPECT_FALSE(st->has_last_sync());
  v1::ListPushesRequest lp;
  lp.set_parent("tenants/1504");
  EXPECT_EQ(logic_->ListPushes(kAdmin, lp).status().code(), absl::StatusCode::kUnimplemented);

  // With an outbox and a run.
  FakePushes pushes;
  IntegrationLogic with(store_.get(), connections_.get(), &roster_, sync_.get(), &pushes);
  v1::StartSyncRequest s;
  s.set_parent("tenants/1504");
  ASSERT_TRUE(with.StartSync(kAdmin, s).ok());
  st = with.GetIntegrationStatus(kAdmin, sr);
  EXPECT_EQ(st->pushes_pending(), 3);
  EXPECT_EQ(st->pushes_saved(), 2);
  EXPECT_EQ(st->pushes_dead(), 1);
  EXPECT_TRUE(st->has_last_sync());
  EXPECT_EQ(with.ListPushes(kAdmin, lp)->pushes_size(), 1);
  v1::RetryPushRequest rp;
  rp.set_name("tenants/1505/pushes/x");
  EXPECT_EQ(with.RetryPush(kAdmin, rp).status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace pelita::integration
