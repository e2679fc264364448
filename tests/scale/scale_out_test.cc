// Local scale-out and failover test (issue 7): a 3-master Redis Cluster with
// one replica each, two replicas of every service, and the gateway balancing
// across them, all on loopback.  Under a bounded write load through the
// gateway, one replica of each service and the Redis master serving the
// busiest tenant are killed; the test checks that every acknowledged write
// is still there, counts the errors the gateway returned meanwhile, and that
// the platform recovers by itself (with the crashed processes restarted, as
// Kubernetes restarts a pod).

#include <signal.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/http_client.h"
#include "gtest/gtest.h"
#include "lib/ids/nip.h"
#include "lib/testing/redis_cluster.h"
#include "lib/testing/subprocess.h"
#include "services/tenant/seed.h"

namespace pelita {
namespace {

using testing::Subprocess;

struct Replica {
  std::string name;
  std::vector<std::string> argv;
  int port = 0;
  std::unique_ptr<Subprocess> process = std::make_unique<Subprocess>();
};

class ScaleOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::MakeTempDir("pelita-scale");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    auto cluster = testing::RedisCluster::Start(3, 1);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::move(*cluster);
    redis_ = cluster_->address() + "?replica_acks=1";
  }
  void TearDown() override {
    for (auto& r : replicas_) {
      if (r.process->running()) (void)r.process->Stop(SIGKILL);
    }
    if (gateway_.running()) (void)gateway_.Stop(SIGKILL);
    testing::RemoveTree(dir_);
  }

  // Two replicas of `name`, with `extra` flags.
  std::string StartService(const std::string& name, const std::vector<std::string>& extra) {
    std::vector<std::string> addresses;
    for (int i = 0; i < 2; ++i) {
      Replica r;
      r.name = name;
      r.port = *testing::FreePort();
      r.argv = {absl::StrCat(testing::BinDir(), "/services/", name, "/pelita-", name), "--listen",
                absl::StrCat("127.0.0.1:", r.port), "--redis", redis_, "--drain_seconds", "2"};
      r.argv.insert(r.argv.end(), extra.begin(), extra.end());
      EXPECT_TRUE(r.process->Start(r.argv, absl::StrCat(dir_, "/", name, i, ".log")).ok());
      addresses.push_back(absl::StrCat("127.0.0.1:", r.port));
      replicas_.push_back(std::move(r));
    }
    // One gRPC target naming both replicas.
    return "ipv4:" + absl::StrJoin(addresses, ",");
  }

  std::unique_ptr<gateway::HttpClient> Client() {
    return std::make_unique<gateway::HttpClient>(gateway_port_);
  }

  std::string Token(const std::string& tenant) {
    const std::string out = absl::StrCat(dir_, "/token-", tenant);
    Subprocess p;
    EXPECT_TRUE(p.Start({absl::StrCat(testing::BinDir(), "/gateway/pelita-gateway-token"),
                         "--key_file", key_file_, "--tenant", tenant, "--role", "admin",
                         "--subject", "scale-test"},
                        out)
                    .ok());
    (void)p.Stop(0, absl::Seconds(10));
    std::ifstream in(out);
    std::string token;
    std::getline(in, token);
    return token;
  }

  std::string dir_;
  std::unique_ptr<testing::RedisCluster> cluster_;
  std::string redis_;
  std::vector<Replica> replicas_;
  Subprocess gateway_;
  int gateway_port_ = 0;
  std::string key_file_;
};

TEST_F(ScaleOutTest, SurvivesLosingAReplicaOfEachServiceAndARedisMaster) {
  const std::vector<std::string> tenants = {"1504", "1571", "1509"};
  // The tenant registry first, seeded with Jambi (the three tenants are
  // among them): every other service serves the registry's tenants.
  const std::string registry = StartService("tenant", {});
  auto seeded = tenant::SeedJambiTenants(registry, absl::Seconds(60));
  ASSERT_TRUE(seeded.ok()) << seeded.status() << "; see " << dir_;
  const std::string enrolment = StartService("enrolment", {"--registry", registry});
  const std::string survey = StartService("survey", {"--enrolment", enrolment, "--registry", registry});
  const std::string complaint =
      StartService("complaint", {"--enrolment", enrolment, "--survey", survey, "--registry", registry});
  const std::string scoring = StartService(
      "scoring", {"--enrolment", enrolment, "--survey", survey, "--complaint", complaint,
                  "--registry", registry});

  key_file_ = dir_ + "/jwt.key";
  std::ofstream(key_file_) << "scale-test-secret-of-enough-length-0123456789";
  gateway_port_ = *testing::FreePort();
  ASSERT_TRUE(gateway_
                  .Start({absl::StrCat(testing::BinDir(), "/gateway/pelita-gateway"),
                          "--http_listen", absl::StrCat("127.0.0.1:", gateway_port_), "--backends",
                          absl::StrCat("enrolment=", enrolment, ",survey=", survey,
                                       ",complaint=", complaint, ",scoring=", scoring),
                          "--jwt_hs256_key_file", key_file_, "--redis", redis_,
                          "--rate_limit=false", "--log_requests=false"},
                         dir_ + "/gateway.log")
                  .ok());
  auto probe = Client();
  ASSERT_TRUE(testing::WaitFor([&] { return probe->Request("GET", "/readyz").status == 200; },
                               absl::Seconds(60), absl::Milliseconds(100)))
      << "gateway never ready; see " << dir_;

  std::map<std::string, std::string> tokens;
  for (const auto& t : tenants) {
    tokens[t] = Token(t);
    ASSERT_FALSE(tokens[t].empty());
    // The gateway's readiness does not wait for every backend replica: on a
    // loaded machine the first write may meet 503 (retryable by contract,
    // nothing stored), so it is sent again until it is answered.
    gateway::HttpResponse r;
    ASSERT_TRUE(testing::WaitFor(
        [&] {
          r = probe->Request("POST", absl::StrCat("/v1/tenants/", t, "/units?unitId=dukcapil"),
                             R"({"displayName":"Dinas Kependudukan dan Pencatatan Sipil"})",
                             {{"Authorization", "Bearer " + tokens[t]}});
          return r.status != 503;
        },
        absl::Seconds(60), absl::Milliseconds(100)));
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The load: writers create employees in every tenant, bounded in count and
  // time; each acknowledged (HTTP 200) write is remembered.  They go on until
  // kAfterRecovery writes went through after the recovery, so that how many
  // writes the failover itself took (a matter of the machine's load) decides
  // nothing.
  constexpr int kWrites = 900;
  constexpr int kAfterRecovery = 150;
  std::atomic<int> next{0}, acked{0}, errors{0};
  std::atomic<int> errors_after_recovery{0}, acked_after_recovery{0};
  std::atomic<bool> recovered{false};
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> acknowledged;  // tenant, nip
  const absl::Time give_up = absl::Now() + absl::Seconds(150);
  auto writer = [&] {
    auto http = Client();
    while (absl::Now() < give_up) {
      int i = next.fetch_add(1);
      // Errors during the failover come back fast and must not use up the
      // budget the writes after the recovery need; the hard bound is wide
      // (NIPs stay distinct far beyond it) and time bounds the rest.
      if (i >= 20 * kWrites) break;
      if (i >= kWrites && recovered.load() && acked_after_recovery.load() >= kAfterRecovery) break;
      const std::string& tenant = tenants[i % tenants.size()];
      const std::string nip = MakeNip(absl::CivilDay(1970 + i % 25, 1 + i % 12, 1 + i % 28),
                                      absl::CivilMonth(2016, 1 + i % 12),
                                      i % 2 ? Nip::Gender::kMale : Nip::Gender::kFemale, 1 + i % 999);
      auto r = http->Request(
          "POST", absl::StrCat("/v1/tenants/", tenant, "/employees"),
          absl::StrCat(R"({"nip":")", nip, R"(","fullName":"Pegawai )", i,
                       R"(","unit":"tenants/)", tenant, R"(/units/dukcapil","employmentType":"PNS"})"),
          {{"Authorization", "Bearer " + tokens[tenant]}});
      if (r.status == 200) {
        ++acked;
        if (recovered.load()) ++acked_after_recovery;
        std::lock_guard<std::mutex> lock(mu);
        acknowledged.emplace_back(tenant, nip);
      } else {
        ++errors;
        if (recovered.load()) ++errors_after_recovery;
      }
    }
  };
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) writers.emplace_back(writer);

  // Faults, once a third of the load is in.
  ASSERT_TRUE(testing::WaitFor([&] { return acked.load() >= kWrites / 3; }, absl::Seconds(60)));
  auto master = cluster_->MasterOf("enrolment:{1504}:emp");
  ASSERT_TRUE(master.ok());
  for (size_t i = 0; i < replicas_.size(); i += 2) (void)replicas_[i].process->Stop(SIGKILL);
  ASSERT_TRUE(cluster_->KillNode(*master).ok());
  const int errors_at_fault = errors.load();

  // Kubernetes would restart the crashed pods; here the test does.
  ASSERT_TRUE(cluster_->WaitHealthy(absl::Seconds(30)).ok());
  ASSERT_TRUE(cluster_->RestartNode(*master).ok());
  for (size_t i = 0; i < replicas_.size(); i += 2) {
    ASSERT_TRUE(replicas_[i]
                    .process->Start(replicas_[i].argv,
                                    absl::StrCat(dir_, "/", replicas_[i].name, "-restarted.log"))
                    .ok());
  }
  ASSERT_TRUE(cluster_->WaitHealthy(absl::Seconds(30)).ok());
  // Recovered once a write to the failed-over tenant goes through again.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto r = probe->Request("GET", "/v1/tenants/1504/units/dukcapil", "",
                                {{"Authorization", "Bearer " + tokens["1504"]}});
        return r.status == 200;
      },
      absl::Seconds(60), absl::Milliseconds(100)));
  const int errors_during_failover = errors.load() - errors_at_fault;
  recovered = true;
  for (auto& t : writers) t.join();

  std::cout << "writes acknowledged: " << acked << ", errors returned: " << errors
            << " (during failover: " << errors_during_failover
            << ", after recovery: " << errors_after_recovery << "; acknowledged after recovery: "
            << acked_after_recovery << ")\n";
  EXPECT_GE(acked_after_recovery.load(), kAfterRecovery);
  EXPECT_LT(errors_after_recovery.load(), 10);

  // Every acknowledged write is there.
  int missing = 0;
  for (const auto& [tenant, nip] : acknowledged) {
    auto r = probe->Request("GET", absl::StrCat("/v1/tenants/", tenant, "/employees/", nip), "",
                            {{"Authorization", "Bearer " + tokens[tenant]}});
    if (r.status != 200) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged writes";
}

}  // namespace
}  // namespace pelita
