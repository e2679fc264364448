// sync_bench: a roster sync of --employees employees (each: data-utama,
// rw-kursus, rw-diklat, rw-skp22; every name changed, so every employee is
// one UpdateEmployee) against the SIASN stand-in over loopback HTTP with
// its rate limit at --standin_rate calls a second, a private redis-server
// for the store, and in-memory enrolment and performance services.  The
// floor is (answered calls - the stand-in's one-second burst) / rate: no
// sync can be faster at that rate.  Two runs:
//   matched  the tenant's rate limit = the stand-in's (the sync's own token
//            bucket keeps it under the limit: no 429 expected);
//   over     the tenant's rate 1.5 x the stand-in's (the stand-in answers
//            429 with Retry-After; the sync retries), with --over.
//
//   build/bench/integration/sync_bench --employees=5000 --standin_rate=200

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "lib/siasn/standin.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "services/integration/clients.h"
#include "services/integration/fake_roster.h"
#include "services/integration/rate_limiter.h"
#include "services/integration/sync.h"

ABSL_FLAG(int, employees, 5000, "Employees in the roster (and in SIASN)");
ABSL_FLAG(double, standin_rate, 200, "The stand-in's rate limit, API calls a second");
ABSL_FLAG(int, workers, 4, "Employees read at a time");
ABSL_FLAG(bool, over, true, "Also run with the tenant's rate 1.5 x the stand-in's");

namespace pelita::integration {
namespace {

using nlohmann::json;

std::string Nip(int i) { return absl::StrFormat("1990010120150%05d", i); }

int Run(const char* label, double tenant_rate) {
  const int n = absl::GetFlag(FLAGS_employees);
  const double standin_rate = absl::GetFlag(FLAGS_standin_rate);
  auto redis_server = testing::RedisServer::Start();
  if (!redis_server.ok()) {
    std::fprintf(stderr, "redis: %s\n", redis_server.status().ToString().c_str());
    return 1;
  }
  redis::Client redis((*redis_server)->options());
  IntegrationStore store(&redis);
  auto dir = testing::MakeTempDir("sync-bench");
  if (!dir.ok()) return 1;
  siasn::SiasnStandin siasn;
  if (!siasn.Start().ok()) return 1;
  const auto& o = siasn.options();
  std::filesystem::create_directories(*dir + "/1504");
  std::ofstream(*dir + "/1504/consumer_key") << o.consumer_key;
  std::ofstream(*dir + "/1504/consumer_secret") << o.consumer_secret;
  std::ofstream(*dir + "/1504/sso_client_id") << o.sso_client_id;
  std::ofstream(*dir + "/1504/username") << o.username;
  std::ofstream(*dir + "/1504/password") << o.password;
  SecretsDir secrets(*dir);
  StoreConnections connections(&store, &secrets);
  TenantClients clients(&connections, absl::Seconds(10));
  // Written to the store directly: the API caps a tenant at 100 calls/s.
  (void)store.UpdateConnection("1504", [&](v1::SiasnConnection& c) {
    c.set_enabled(true);
    c.set_apim_url(siasn.url());
    c.set_sso_url(siasn.url());
    c.set_rate_limit_per_second(tenant_rate);
    return absl::OkStatus();
  });
  v1::UnorMapping m;
  m.set_unor_id("U-1");
  m.set_unit("tenants/1504/units/dinkes");
  (void)store.UnorMappings("1504").Insert("U-1", m.SerializeAsString());
  FakeRoster roster;
  FakeSkp skp;
  roster.AddUnit("tenants/1504/units/dinkes");
  for (int i = 0; i < n; ++i) {
    ev1::Employee e;
    e.set_name(absl::StrCat("tenants/1504/employees/", Nip(i)));
    e.set_nip(Nip(i));
    e.set_full_name(absl::StrCat("Pegawai ", i));
    e.set_unit("tenants/1504/units/dinkes");
    roster.AddEmployee(e);
    siasn.PutDataUtama(Nip(i), {{"id", absl::StrCat("orang-", i)}, {"nama", absl::StrCat("Pegawai ", i, " Baru")},
                                {"unorId", "U-1"}, {"jabatanNama", "Analis"}, {"golRuangAkhir", "III/b"}});
    if (i % 4 == 0) {
      siasn.PutRwKursus(Nip(i), json::array({{{"id", absl::StrCat("k", i)}, {"namaKursus", "Kursus"},
                                              {"jumlahJam", 8}, {"tanggalSelesaiKursus", "10-10-2025"}}}));
      siasn.PutRwSkp22(Nip(i), json::array({{{"id", absl::StrCat("s", i)}, {"tahun", 2025},
                                             {"kuadranKinerja", "Baik"}, {"nipNrpPenilai", Nip(0)}}}));
    }
  }
  siasn.SetRateLimit(standin_rate);
  TokenBucketLimiter limiter;
  SyncOptions so;
  so.workers = absl::GetFlag(FLAGS_workers);
  RosterSync sync(&store, &connections, &clients, &limiter, &roster, &skp, &store, nullptr, so);

  const absl::Time start = absl::Now();
  auto run = sync.RunNow("1504", "manual");
  const absl::Duration wall = absl::Now() - start;
  if (!run.ok()) {
    std::fprintf(stderr, "sync: %s\n", run.status().ToString().c_str());
    return 1;
  }
  int calls = 0;
  for (const char* r : {"data-utama", "rw-kursus", "rw-diklat", "rw-skp22"}) calls += siasn.Requests(r);
  const int limited = siasn.RateLimitedAnswers();
  // The stand-in lets one second's calls through at once (its bucket
  // starts full), then `standin_rate` a second: the answered calls cannot
  // take less than this.
  const double burst = std::max(1.0, standin_rate);
  const double floor_s = std::max(0.0, calls - limited - burst) / standin_rate;
  std::printf(
      "%-8s employees=%d tenant_rate=%.0f/s standin_rate=%.0f/s workers=%d  wall=%.1fs  calls=%d (429: %d)  "
      "floor=%.1fs  ratio=%.3f  connections=%d  state=%s changed=%d failed=%d\n",
      label, n, tenant_rate, standin_rate, so.workers, absl::ToDoubleSeconds(wall), calls, limited, floor_s,
      absl::ToDoubleSeconds(wall) / floor_s, siasn.Connections(), v1::SyncRun::State_Name(run->state()).c_str(),
      run->employees_changed(), run->employees_failed());
  std::fflush(stdout);
  sync.Stop();
  siasn.Stop();
  testing::RemoveTree(*dir);
  return run->employees_changed() == n ? 0 : 1;
}

}  // namespace
}  // namespace pelita::integration

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const double rate = absl::GetFlag(FLAGS_standin_rate);
  int rc = pelita::integration::Run("matched", rate);
  if (absl::GetFlag(FLAGS_over)) rc |= pelita::integration::Run("over", rate * 1.5);
  return rc;
}
