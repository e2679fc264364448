// performance_bench: imports `years` x `units` x `services` months of
// service indicators (a semicolon CSV streamed through
// PerformanceLogic::ImportServiceMonthsCsv: parsing, checks, the CAS write
// of every month) into a private redis-server on loopback, for two
// tenants: one with all the years and one with the last year only.  Then
// it measures GetUnitPerformance of one unit-year in each (median and p90
// over --queries calls on random units, interleaved) and counts the Redis
// commands each query sends (INFO's total_commands_processed): a unit-year
// costs the same whatever the years stored.
//
//   build/bench/performance/performance_bench --units=500 --services=20 --years=10

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "lib/role/role.h"
#include "lib/testing/redis_server.h"
#include "services/performance/performance.h"

ABSL_FLAG(int, units, 500, "Units per tenant");
ABSL_FLAG(int, services, 20, "Service types per unit");
ABSL_FLAG(int, years, 10, "Years of months in the large tenant (the small one has the last year)");
ABSL_FLAG(int, queries, 400, "Unit-year queries per tenant");

namespace pelita::performance {
namespace {

constexpr int kLastYear = 2025;

class FixedRoster : public Roster {
 public:
  explicit FixedRoster(int units) {
    for (int u = 0; u < units; ++u) units_.push_back({absl::StrFormat("unit-%03d", u), absl::StrFormat("Unit %03d", u)});
  }
  absl::StatusOr<std::vector<UnitInfo>> ListUnits(const std::string&) override { return units_; }
  absl::StatusOr<CohortInfo> GetCohort(const std::string&, const std::string&) override {
    return absl::NotFoundError("no cohorts in the benchmark");
  }
  absl::StatusOr<bool> FillSupervisor(const std::string&, const std::string&, const std::string&) override {
    return false;
  }

 private:
  std::vector<UnitInfo> units_;
};

// The rows of one tenant in chunks of about 64 KiB.
class Generator {
 public:
  Generator(int units, int services, int first_year, int last_year)
      : units_(units), services_(services), first_(first_year), last_(last_year), rng_(42) {
    year_ = first_;
  }
  bool Next(std::string* chunk, bool* truncated) {
    *truncated = false;
    chunk->clear();
    if (!header_) {
      header_ = true;
      *chunk = "unit;layanan;bulan;diterima;selesai;selesai_tepat_waktu;dikembalikan;ditolak;pegawai;"
               "waktu_8j;waktu_1h;waktu_2h;waktu_3h;waktu_total_jam\n";
    }
    while (year_ <= last_ && chunk->size() < 64 * 1024) Row(chunk);
    return !chunk->empty();
  }
  int64_t rows() const { return rows_; }

 private:
  void Row(std::string* out) {
    const int64_t received = absl::Uniform(rng_, 50, 2000);
    const int64_t completed = received - absl::Uniform(rng_, 0, 40);
    const int64_t a = completed / 4, b = completed / 2, c = completed / 8, d = completed - a - b - c;
    const int64_t on_time = completed - absl::Uniform<int64_t>(rng_, 0, completed / 5 + 1);
    const int64_t returned = absl::Uniform<int64_t>(rng_, 0, completed / 15 + 1);
    const int64_t rejected = absl::Uniform<int64_t>(rng_, 0, received - completed + 1);
    absl::StrAppendFormat(out, "unit-%03d;s%02d;%04d-%02d;%d;%d;%d;%d;%d;%d;%d;%d;%d;%d;%d\n", unit_, service_, year_,
                          month_, received, completed, on_time, returned, rejected, absl::Uniform(rng_, 2, 12), a, b,
                          c, d, a * 6 + b * 16 + c * 36 + d * 60);
    ++rows_;
    if (++service_ < services_) return;
    service_ = 0;
    if (++unit_ < units_) return;
    unit_ = 0;
    if (++month_ <= 12) return;
    month_ = 1;
    ++year_;
  }
  int units_, services_, first_, last_;
  int unit_ = 0, service_ = 0, month_ = 1, year_ = 0;
  bool header_ = false;
  int64_t rows_ = 0;
  std::mt19937_64 rng_;
};

int64_t InfoField(redis::Client& redis, const std::string& section, const std::string& field) {
  auto r = redis.Run({"INFO", section});
  if (!r.ok()) return -1;
  for (absl::string_view line : absl::StrSplit(r->str, "\r\n")) {
    if (absl::ConsumePrefix(&line, field + ":")) {
      int64_t v = 0;
      if (absl::SimpleAtoi(line, &v)) return v;
    }
  }
  return -1;
}

struct Timing {
  double p50_us = 0, p90_us = 0;
  double commands = 0;
};

Timing Summarise(std::vector<double> us, double commands) {
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 9 / 10], commands};
}

int Run() {
  const int units = absl::GetFlag(FLAGS_units), services = absl::GetFlag(FLAGS_services),
            years = absl::GetFlag(FLAGS_years), queries = absl::GetFlag(FLAGS_queries);
  auto server = testing::RedisServer::Start();
  if (!server.ok()) {
    std::fprintf(stderr, "redis: %s\n", server.status().ToString().c_str());
    return 1;
  }
  redis::Client redis((*server)->options());
  FixedRoster roster(units);
  PerformanceLogic logic(&redis, &roster, [] { return absl::FromCivil(absl::CivilSecond(2026, 6, 1, 0, 0, 0), absl::UTCTimeZone()); });
  const Caller organiser{"", "organiser", "bench"};
  struct Tenant {
    std::string code;
    int first_year;
  };
  const Tenant tenants[] = {{"1504", kLastYear - years + 1}, {"1505", kLastYear}};
  for (const Tenant& t : tenants) {
    Caller c = organiser;
    c.tenant = t.code;
    for (int u = 0; u < units; ++u) {
      for (int s = 0; s < services; ++s) {
        v1::CreateServiceTypeRequest r;
        r.set_parent(absl::StrFormat("tenants/%s/units/unit-%03d", t.code, u));
        r.set_service_type_id(absl::StrFormat("s%02d", s));
        r.mutable_service_type()->set_display_name(absl::StrFormat("Layanan %02d", s));
        if (auto st = logic.CreateServiceType(c, r); !st.ok()) {
          std::fprintf(stderr, "service type: %s\n", st.status().ToString().c_str());
          return 1;
        }
      }
    }
    const int64_t memory_before = InfoField(redis, "memory", "used_memory");
    Generator gen(units, services, t.first_year, kLastYear);
    const absl::Time start = absl::Now();
    auto result = logic.ImportServiceMonthsCsv(c, absl::StrCat("tenants/", t.code),
                                               [&](std::string* chunk, bool* truncated) { return gen.Next(chunk, truncated); });
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    if (!result.ok() || result->accepted_count() != gen.rows()) {
      std::fprintf(stderr, "import of %s: %s (%lld accepted of %lld)\n", t.code.c_str(),
                   result.ok() ? "short" : result.status().ToString().c_str(),
                   result.ok() ? static_cast<long long>(result->accepted_count()) : 0LL,
                   static_cast<long long>(gen.rows()));
      return 1;
    }
    const int64_t memory = InfoField(redis, "memory", "used_memory") - memory_before;
    std::printf("import tenant %s: %d years x %d units x %d services = %lld months in %.1f s (%.0f months/s), "
                "Redis +%.1f MiB (%.0f bytes/month)\n",
                t.code.c_str(), kLastYear - t.first_year + 1, units, services, static_cast<long long>(gen.rows()),
                seconds, gen.rows() / seconds, memory / 1048576.0, static_cast<double>(memory) / gen.rows());
  }
  // Interleaved: query i of each tenant back to back, so both see the same
  // machine.
  absl::BitGen bits;
  std::vector<double> us[2];
  int64_t commands[2] = {0, 0};
  for (int i = 0; i < queries; ++i) {
    const int unit = absl::Uniform(bits, 0, units);
    for (int k = 0; k < 2; ++k) {
      Caller c = organiser;
      c.tenant = tenants[k].code;
      v1::GetUnitPerformanceRequest r;
      r.set_name(absl::StrFormat("tenants/%s/units/unit-%03d/performance", c.tenant, unit));
      r.set_period(absl::StrCat(kLastYear));
      const int64_t before = InfoField(redis, "stats", "total_commands_processed");
      const absl::Time t0 = absl::Now();
      auto p = logic.GetUnitPerformance(c, r);
      const double elapsed = absl::ToDoubleMicroseconds(absl::Now() - t0);
      const int64_t after = InfoField(redis, "stats", "total_commands_processed");
      if (!p.ok() || p->total().months_with_data() != 12) {
        std::fprintf(stderr, "query: %s\n", p.ok() ? "wrong months" : p.status().ToString().c_str());
        return 1;
      }
      us[k].push_back(elapsed);
      // The INFO call itself is one command.
      commands[k] += after - before - 1;
    }
  }
  const Timing big = Summarise(us[0], static_cast<double>(commands[0]) / queries);
  const Timing small = Summarise(us[1], static_cast<double>(commands[1]) / queries);
  std::printf("unit-year query, %d years stored: p50 %.0f us, p90 %.0f us, %.1f Redis commands\n", years, big.p50_us,
              big.p90_us, big.commands);
  std::printf("unit-year query,  1 year stored:  p50 %.0f us, p90 %.0f us, %.1f Redis commands\n", small.p50_us,
              small.p90_us, small.commands);
  std::printf("ratio of medians (%d years / 1 year): %.2f\n", years, big.p50_us / small.p50_us);
  return big.commands == small.commands ? 0 : 1;
}

}  // namespace
}  // namespace pelita::performance

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return pelita::performance::Run();
}
