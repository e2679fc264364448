// Events and tenants across the real services (issue 14), in process on
// port 0 over real gRPC with one real redis-server:
//
// - Migration: the survey stream holds entries in the format written before
//   events were typed AND typed ResponseAccepted events; the complaint and
//   scoring followers each handle every one of them exactly once.
// - A new regency created through the registry (CreateTenant as
//   platform_admin) is served end to end, enrolment to evaluation, and its
//   streams are followed (the follow-up service's own follower creates its
//   tasks), without restarting anything.
#include <atomic>

#include "gateway/auth.h"
#include "gtest/gtest.h"
#include "lib/events/follower.h"
#include "lib/events/publish.h"
#include "lib/role/role.h"
#include "lib/time/time.h"
#include "lib/tenancy/call_metadata.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "pelita/followup/v1/followup.pb.h"
#include "pelita/survey/v1/events.pb.h"
#include "pelita/tenant/v1/tenant.grpc.pb.h"
#include "services/complaint/skm_follower.h"
#include "services/followup/followers.h"
#include "services/followup/followup.h"
#include "services/followup/grpc_sources.h"
#include "services/followup/store.h"
#include "services/scoring/e2e_fixture.h"
#include "services/scoring/follower.h"
#include "services/tenant/client/registry_client.h"
#include "services/tenant/local_registry.h"

namespace pelita::scoring {
namespace {

namespace tv1 = ::pelita::tenant::v1;
namespace fv1 = ::pelita::followup::v1;

// 12:00 WIB, 15 June 2026.
google::protobuf::Timestamp June15() {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, 6, 15, 5, 0, 0), absl::UTCTimeZone())));
  return t;
}

sv1::Response SkmAnswers(const std::string& tenant, const std::string& id, int score) {
  sv1::Response r;
  r.set_name(absl::StrCat("tenants/", tenant, "/responses/", id));
  r.set_instrument(absl::StrCat("tenants/", tenant, "/instruments/skm-permenpanrb-14-2017"));
  r.set_instrument_kind(sv1::SKM);
  r.set_unit(absl::StrCat("tenants/", tenant, "/units/dukcapil"));
  *r.mutable_submit_time() = June15();
  for (int u = 1; u <= 9; ++u) {
    sv1::Answer* a = r.add_answers();
    a->set_item(absl::StrCat("U", u));
    a->set_number(score);
  }
  return r;
}

// The scoring service's tenants: the registry the test starts, once it has.
class LateRegistry : public events::TenantSource {
 public:
  std::vector<std::string> Tenants() override {
    tenant::RegistryClient* r = registry.load();
    return r != nullptr ? r->Tenants() : std::vector<std::string>{};
  }
  std::atomic<tenant::RegistryClient*> registry{nullptr};
};

class EventsEndToEndTest : public ScoringEndToEndTest {
 protected:
  void SetUp() override {
    tenant_source_ = &scoring_tenants_;
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    registry_redis_server_ = std::move(*r);
    registry_redis_ = std::make_unique<redis::Client>(registry_redis_server_->options());
    ScoringEndToEndTest::SetUp();
  }
  void TearDown() override {
    SetTenantCheck(nullptr);
    scoring_tenants_.registry = nullptr;
    if (skm_) skm_->Stop();
    if (completions_) completions_->Stop();
    if (invalidator_) invalidator_->Stop();
    if (registry_) registry_->Stop();
    ScoringEndToEndTest::TearDown();
  }

  int64_t Respondents(const std::string& tenant) {
    cv1::GetSatisfactionRequest g;
    g.set_name(absl::StrCat("tenants/", tenant, "/units/dukcapil/satisfaction"));
    g.set_period("2026-06");
    cv1::Satisfaction s;
    grpc::Status st = Call(complaint_stub_.get(), &cv1::ComplaintService::Stub::GetSatisfaction, g, &s,
                           Organiser(tenant));
    return st.ok() ? s.respondents() : -1;
  }

  LateRegistry scoring_tenants_;
  std::unique_ptr<testing::RedisServer> registry_redis_server_;
  std::unique_ptr<redis::Client> registry_redis_;
  std::unique_ptr<tenant::RegistryClient> registry_;
  std::unique_ptr<complaint::SkmFollower> skm_;
  std::unique_ptr<SurveyStreamFollower> invalidator_;
  std::unique_ptr<followup::GrpcEnrolmentSource> followup_enrolment_;
  std::unique_ptr<followup::GrpcBehaviourSource> followup_behaviour_;
  std::unique_ptr<followup::FollowUpStore> followup_store_;
  std::unique_ptr<followup::FollowUpLogic> followup_logic_;
  std::unique_ptr<events::Follower> completions_;
};

TEST_F(EventsEndToEndTest, OldAndTypedEntriesInOneStreamAreEachHandledOnce) {
  CreateUnit("1504", "dukcapil", 1000);
  CreateProgram("1504", "latsar", 1'000'000);
  const std::string cohort = "tenants/1504/programs/latsar/cohorts/a1";
  CreateCohort("tenants/1504/programs/latsar", "a1", absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 6), {});
  const std::string key = "survey:{1504}:responses";
  // Three SKM answers and one cohort response as the survey service wrote
  // them before events were typed (a string field map) ...
  for (int i = 0; i < 3; ++i) {
    sv1::Response r = SkmAnswers("1504", absl::StrCat("old", i), 4);
    ASSERT_TRUE(redis_->Run({"XADD", key, "*", "name", r.name(), "instrument", r.instrument(), "instrument_kind",
                             "skm", "cohort", "", "unit", r.unit(), "time", "2026-06-15T05:00:00+00:00",
                             "payload", r.SerializeAsString()})
                    .ok());
  }
  ASSERT_TRUE(redis_->Run({"XADD", key, "*", "name", "tenants/1504/responses/oldc", "instrument",
                           "tenants/1504/instruments/reaksi-peserta", "instrument_kind", "reaction", "cohort",
                           cohort, "unit", "", "time", "2026-03-06T05:00:00+00:00", "payload", ""})
                  .ok());
  // ... then typed events, as it writes them now.
  for (int i = 0; i < 3; ++i) {
    sv1::ResponseAccepted e;
    *e.mutable_payload() = SkmAnswers("1504", absl::StrCat("new", i), 2);
    e.set_response(e.payload().name());
    e.set_instrument(e.payload().instrument());
    e.set_instrument_kind("skm");
    e.set_unit(e.payload().unit());
    *e.mutable_submit_time() = June15();
    ASSERT_TRUE(events::Publish(*redis_, key, e).ok());
  }
  sv1::ResponseAccepted c;
  c.set_response("tenants/1504/responses/newc");
  c.set_instrument_kind("reaction");
  c.set_cohort(cohort);
  *c.mutable_submit_time() = June15();
  ASSERT_TRUE(events::Publish(*redis_, key, c).ok());

  // A report of the cohort is cached before the followers run.
  ASSERT_FALSE(Evaluation(cohort).cached());
  ASSERT_TRUE(Evaluation(cohort).cached());

  events::FixedTenants tenants({"1504"});
  complaint::SkmFollower skm(redis_.get(), complaint_logic_.get(), &tenants);
  SurveyStreamFollower invalidator(redis_.get(), &scoring_logic_->store(), &tenants);
  for (int round = 0; round < 5; ++round) {
    ASSERT_TRUE(skm.PollOnce().ok());
    ASSERT_TRUE(invalidator.PollOnce().ok());
  }
  // Every entry, old or typed, handled exactly once by each follower:
  // nothing dead-lettered, nothing pending, nothing handled twice.
  for (const auto* f : {&skm.follower(), &invalidator.follower()}) {
    const auto st = f->stats();
    EXPECT_EQ(st.handled, 8);
    EXPECT_EQ(st.dead_lettered, 0);
    EXPECT_EQ(st.unknown, 0);
    EXPECT_EQ(st.retried, 0);
    auto pending = redis_->Run({"XPENDING", key, f->options().group});
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(pending->elements[0].integer, 0);
  }
  // Complaint counted the three old and three new SKM answers, once each:
  // (3 x 4 + 3 x 2) / 6 = 3 per element, IKM 75.
  cv1::GetSatisfactionRequest g;
  g.set_name("tenants/1504/units/dukcapil/satisfaction");
  g.set_period("2026-06");
  cv1::Satisfaction s;
  ASSERT_RPC(Call(complaint_stub_.get(), &cv1::ComplaintService::Stub::GetSatisfaction, g, &s));
  EXPECT_EQ(s.respondents(), 6);
  EXPECT_DOUBLE_EQ(s.ikm_converted(), 75);
  // Scoring dropped the cached report.
  EXPECT_FALSE(Evaluation(cohort).cached());
}

TEST_F(EventsEndToEndTest, ANewRegencyIsServedEndToEndWithoutARestart) {
  // The platform as deployed: a registry seeded with Jambi; every service
  // checks its callers' tenant against the registry, and the followers
  // follow every tenant of the registry.
  auto local = tenant::LocalRegistry::Start(registry_redis_.get());
  ASSERT_TRUE(local.ok()) << local.status();
  tenant::RegistryClient::Options ro;
  ro.event_poll = absl::Milliseconds(20);
  registry_ = std::make_unique<tenant::RegistryClient>(
      grpc::CreateChannel((*local)->address(), grpc::InsecureChannelCredentials()), registry_redis_.get(), ro);
  ASSERT_TRUE(registry_->Start().ok());
  tenant::RegistryClient* client = registry_.get();
  scoring_tenants_.registry = client;
  SetTenantCheck([client](const std::string& code) { return client->Check(code); });
  events::FollowerOptions fast;
  fast.idle_poll = absl::Milliseconds(20);
  skm_ = std::make_unique<complaint::SkmFollower>(redis_.get(), complaint_logic_.get(), registry_.get(), fast);
  invalidator_ = std::make_unique<SurveyStreamFollower>(redis_.get(), &scoring_logic_->store(), registry_.get(), fast);
  skm_->Start();
  invalidator_->Start();
  // The follow-up service's logic and its enrolment follower, as
  // pelita-followup wires them: enrolment and scoring over gRPC, the
  // tenants and their time zones from the registry.
  auto channel = [](const std::unique_ptr<Server>& server) {
    return grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  };
  followup_enrolment_ = std::make_unique<followup::GrpcEnrolmentSource>(channel(enrolment_server_));
  followup_behaviour_ = std::make_unique<followup::GrpcBehaviourSource>(channel(scoring_server_));
  followup_store_ = std::make_unique<followup::FollowUpStore>(redis_.get());
  followup_logic_ = std::make_unique<followup::FollowUpLogic>(
      followup_store_.get(), followup_enrolment_.get(), followup_behaviour_.get(),
      [client](const std::string& t) {
        absl::StatusOr<absl::TimeZone> zone = client->TimeZoneOf(t);
        return zone.ok() ? *zone : *LoadIndonesianTimeZone(kWib);
      });
  completions_ = followup::MakeEnrolmentFollower(redis_.get(), registry_.get(), followup_logic_.get(), fast);
  completions_->Start();
  auto tasks_of = [&](const std::string& tenant) -> int {
    fv1::ListFollowUpTasksRequest req;
    req.set_parent("tenants/" + tenant);
    req.set_page_size(100);
    auto r = followup_logic_->ListFollowUpTasks(Organiser(tenant), req);
    return r.ok() ? r->tasks_size() : -1;
  };

  // Kabupaten Ogan Komering Ulu (1601, Sumatera Selatan) is not a tenant
  // yet: every service refuses it.
  ev1::Unit unit_out;
  ev1::CreateUnitRequest unit;
  unit.set_parent("tenants/1601");
  unit.set_unit_id("dukcapil");
  unit.mutable_unit()->set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
  unit.mutable_unit()->set_monthly_service_volume(1000);
  EXPECT_EQ(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateUnit, unit, &unit_out, Organiser("1601"))
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Respondents("1601"), -1);
  // Nor does the gateway take it in a province token (the regency codes a
  // province token may name are the registry's, as pelita-gateway wires it).
  const std::string kKey = "an hs256 key of the gateway, long enough to be accepted";
  gateway::AuthOptions auth;
  auth.hs256_key = kKey;
  auth.tenant_known = [client](const std::string& t) { return client->Check(t).ok(); };
  auto verifier = gateway::Verifier::Create(auth);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  const std::string province_token =
      *gateway::IssueToken({"dinas-sumsel", "1601", "province", absl::ToUnixSeconds(absl::Now() + absl::Hours(1))},
                           "HS256", kKey);
  EXPECT_FALSE((*verifier)->Verify(province_token).ok());

  // The platform admin creates it in the registry; nothing is restarted.
  auto registry_stub = tv1::TenantService::NewStub(
      grpc::CreateChannel((*local)->address(), grpc::InsecureChannelCredentials()));
  tv1::CreateTenantRequest create;
  create.set_tenant_id("1601");
  create.mutable_tenant()->set_display_name("Kabupaten Ogan Komering Ulu");
  tv1::Tenant created;
  ASSERT_RPC(Call(registry_stub.get(), &tv1::TenantService::Stub::CreateTenant, create, &created,
                  Caller{"", std::string(RoleName(Role::kPlatformAdmin)), "test"}));
  EXPECT_EQ(created.time_zone(), "Asia/Jakarta");
  EXPECT_TRUE((*verifier)->Verify(province_token).ok());

  // Enrolment: units, roster, programme, cohort, completed enrolments.
  ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateUnit, unit, &unit_out, Organiser("1601")));
  CreateProgram("1601", "pelayanan-prima", 1'000'000);
  const std::string program = "tenants/1601/programs/pelayanan-prima";
  const std::string cohort = program + "/cohorts/angkatan-1";
  CreateCohort(program, "angkatan-1", absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 6), {});
  std::vector<std::string> nips;
  for (int i = 0; i < 6; ++i) {
    nips.push_back(NipOf(100 + i));
    CreateEmployee("1601", nips.back(), "dukcapil");
    Enrol(cohort, nips.back());
  }
  // Survey: the default instruments, reaction answers of five participants.
  InstallDefaults("1601");
  CreateIdentifiedReaction("1601");
  for (int i = 0; i < 5; ++i) PostReaction(cohort, nips[i], {4, 4, 3, 4});
  // SKM answers about the unit, through the survey service.
  for (int i = 0; i < 5; ++i) {
    sv1::CreateResponseRequest req;
    req.set_parent("tenants/1601");
    req.set_response_id(absl::StrCat("skm-", i));
    *req.mutable_response() = SkmAnswers("1601", "", 3);
    req.mutable_response()->clear_name();
    req.mutable_response()->clear_instrument_kind();
    sv1::Response out;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::CreateResponse, req, &out, Organiser("1601")));
  }

  // Its streams are followed: the six completions became the follow-up
  // service's tasks (self report and supervisor assessment at 30, 60 and
  // 90 days each), the SKM answers the complaint service's IKM.
  EXPECT_TRUE(testing::WaitFor([&] { return tasks_of("1601") == 36; }, absl::Seconds(20))) << tasks_of("1601");
  EXPECT_EQ(completions_->stats().dead_lettered, 0);
  EXPECT_TRUE(testing::WaitFor([&] { return Respondents("1601") == 5; }, absl::Seconds(20))) << Respondents("1601");

  // Evaluation: the report (cached), then a new answer drops it.
  v1::Evaluation first = Evaluation(cohort, Organiser("1601"));
  EXPECT_NEAR(first.reaction().response_rate().value(), 5.0 / 6, 1e-12);
  EXPECT_TRUE(Evaluation(cohort, Organiser("1601")).cached());
  PostReaction(cohort, nips[5], {4, 4, 4, 4});
  EXPECT_TRUE(testing::WaitFor([&] { return !Evaluation(cohort, Organiser("1601")).cached(); }, absl::Seconds(20)));
  EXPECT_NEAR(Evaluation(cohort, Organiser("1601")).reaction().response_rate().value(), 1.0, 1e-12);

  // The province benchmark of Sumatera Selatan now has the regency.
  v1::GetProvinceBenchmarkRequest bench;
  bench.set_name("provinces/16/benchmarks");
  bench.set_year(2026);
  v1::ProvinceBenchmark pb;
  ASSERT_RPC(Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetProvinceBenchmark, bench, &pb,
                  Caller{"16", "province", "dinas-sumsel"}));
  ASSERT_EQ(pb.tenants_size(), 1);
  EXPECT_EQ(pb.tenants(0).tenant(), "1601");
}

}  // namespace
}  // namespace pelita::scoring
