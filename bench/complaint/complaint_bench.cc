// complaint_bench: imports N complaints (full SP4N-LAPOR! lifecycles, as a
// streamed CSV through ComplaintLogic::ImportCsv: parsing, unit resolution,
// merge, bucket diff, Lua write) into a private redis-server on loopback, then
// measures GetStatistics for a month, a quarter and a year (median and p90
// over --queries calls) for one unit and for the whole tenant.
//
//   build-*/bench/complaint/complaint_bench --complaints=1000000
//
// Memory of the importer is bounded: the CSV is generated chunk by chunk and
// rows are written in batches.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "lib/log/log.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"
#include "services/complaint/complaint.h"

ABSL_FLAG(int64_t, complaints, 1000000, "Complaints to import");
ABSL_FLAG(int, threads, 2, "Concurrent import streams");
ABSL_FLAG(int, queries, 200, "Calls per statistics query");
ABSL_FLAG(int, batch, 500, "Rows per write batch");
ABSL_FLAG(std::string, redis, "", "Use this Redis (host:port) instead of a private one; it is "
          "not flushed, use an empty one");

namespace pelita::complaint {
namespace {

// The generated rows are in WIB (the tenants of the benchmark are in Jambi).
absl::TimeZone Jakarta() {
  static const absl::TimeZone zone = *LoadIndonesianTimeZone("Asia/Jakarta");
  return zone;
}

constexpr int kUnits = 20;
const char* kCategories[] = {"Administrasi Kependudukan", "Perizinan", "Kesehatan", "Pendidikan",
                             "Infrastruktur Jalan", "Bantuan Sosial", "Kepegawaian", "Lainnya"};

std::string Time(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", t, Jakarta());
}

// Rows [from, to) as CSV, in chunks of about 64 KiB.
class Generator {
 public:
  Generator(int64_t from, int64_t to, uint64_t seed) : next_(from), to_(to), rng_(std::seed_seq{seed}) {}
  bool Next(std::string* chunk) {
    chunk->clear();
    if (!header_sent_) {
      header_sent_ = true;
      *chunk =
          "nomor_tiket,sumber,kode_instansi,klasifikasi,kategori,judul,status,waktu_diterima,"
          "waktu_diverifikasi,waktu_diteruskan,waktu_ditindaklanjuti,waktu_selesai,waktu_status\n";
    }
    if (next_ >= to_ && chunk->empty()) return false;
    while (next_ < to_ && chunk->size() < 64 * 1024) Row(next_++, chunk);
    return true;
  }

 private:
  void Row(int64_t i, std::string* out) {
    const absl::Time start = absl::FromCivil(absl::CivilSecond(2025, 1, 1, 0, 0, 0), Jakarta());
    const absl::Time received =
        start + absl::Minutes(absl::Uniform<int64_t>(rng_, 0, 2 * 365 * 24 * 60));
    const int unit = absl::Uniform(rng_, 0, kUnits);
    const char* cat = kCategories[absl::Uniform(rng_, 0, 8)];
    const double p = absl::Uniform(rng_, 0.0, 1.0);
    const absl::Time verified = received + absl::Minutes(absl::Uniform(rng_, 10, 60 * 24));
    const absl::Time forwarded = verified + absl::Minutes(absl::Uniform(rng_, 10, 60 * 24 * 4));
    const absl::Time followed = forwarded + absl::Minutes(absl::Uniform(rng_, 60, 60 * 24 * 7));
    const absl::Time completed = followed + absl::Minutes(absl::Uniform(rng_, 60, 60 * 24 * 10));
    std::string status, v, f, fu, done, st;
    if (p < 0.05) {
      status = "diterima";
    } else if (p < 0.10) {
      status = "bukan kewenangan";
      v = Time(verified);
      st = Time(verified + absl::Hours(2));
    } else if (p < 0.20) {
      status = "diteruskan";
      v = Time(verified), f = Time(forwarded);
    } else if (p < 0.30) {
      status = "ditindaklanjuti";
      v = Time(verified), f = Time(forwarded), fu = Time(followed);
    } else {
      status = "selesai";
      v = Time(verified), f = Time(forwarded), fu = Time(followed), done = Time(completed);
    }
    absl::StrAppend(out, "LPR-", i, ",web,unit", unit, ",pengaduan,", cat, ",,", status, ",",
                    Time(received), ",", v, ",", f, ",", fu, ",", done, ",", st, "\n");
  }

  int64_t next_, to_;
  absl::BitGen rng_;
  bool header_sent_ = false;
};

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

int Run() {
  SetInfoLogging(false);
  std::unique_ptr<testing::RedisServer> server;
  redis::Options options;
  if (absl::GetFlag(FLAGS_redis).empty()) {
    auto s = testing::RedisServer::Start();
    if (!s.ok()) {
      std::fprintf(stderr, "redis: %s\n", std::string(s.status().message()).c_str());
      return 1;
    }
    server = std::move(*s);
    options = server->options();
  } else {
    auto o = redis::ParseAddress(absl::GetFlag(FLAGS_redis));
    if (!o.ok()) return 2;
    options = *o;
  }
  options.max_idle = 32;
  options.command_timeout = absl::Seconds(60);
  redis::Client redis(options);
  // A benchmark of the service, not of the disk.
  auto aof = redis.Run({"CONFIG", "SET", "appendonly", "no"});
  if (!aof.ok() || aof->is_error()) std::fprintf(stderr, "could not turn AOF off\n");
  StaticUnitDirectory units;
  std::vector<UnitInfo> list;
  for (int u = 0; u < kUnits; ++u) list.push_back({absl::StrCat("unit", u), absl::StrCat("Unit ", u), 2000});
  units.Set("1504", list);
  ComplaintLogic logic(&redis, &units);
  logic.set_batch_rows(absl::GetFlag(FLAGS_batch));
  const Caller caller{"1504", "admin", "bench"};

  const int64_t n = absl::GetFlag(FLAGS_complaints);
  const int threads = std::max(1, absl::GetFlag(FLAGS_threads));
  std::atomic<int64_t> accepted{0}, rejected{0};
  const absl::Time t0 = absl::Now();
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      Generator gen(n * w / threads, n * (w + 1) / threads, 1234 + w);
      auto r = logic.ImportCsv(caller, "tenants/1504",
                               [&](std::string* c, bool* truncated) { return gen.Next(c); });
      if (!r.ok()) {
        std::fprintf(stderr, "import: %s\n", std::string(r.status().message()).c_str());
        rejected += n / threads;
        return;
      }
      accepted += r->accepted_count() + r->unchanged_count() + r->replaced_count();
      rejected += r->rejected_count();
      if (r->rejected_size() > 0) std::fprintf(stderr, "first reject: %s\n", r->rejected(0).reason().c_str());
      if (r->state() != type::v1::COMPLETE) std::fprintf(stderr, "stopped: %s\n", r->stop().message().c_str());
    });
  }
  for (auto& t : workers) t.join();
  const double secs = absl::ToDoubleSeconds(absl::Now() - t0);
  std::printf("import: %lld complaints (%lld rejected) in %.1f s = %.0f complaints/s (%d streams, batch %d)\n",
              static_cast<long long>(accepted.load()), static_cast<long long>(rejected.load()),
              secs, accepted.load() / secs, threads, absl::GetFlag(FLAGS_batch));
  if (accepted.load() != n) return 1;

  const int q = absl::GetFlag(FLAGS_queries);
  struct Query { const char* label; std::string unit; std::string period; };
  const Query queries[] = {{"unit month", "tenants/1504/units/unit3", "2026-05"},
                           {"unit quarter", "tenants/1504/units/unit3", "2026-Q2"},
                           {"unit year", "tenants/1504/units/unit3", "2025"},
                           {"unit 90-day window", "tenants/1504/units/unit3", ""},
                           {"tenant year", "", "2026"}};
  int64_t check = 0;
  for (const Query& qu : queries) {
    v1::GetComplaintStatisticsRequest r;
    r.set_name("tenants/1504/complaintStatistics");
    r.set_unit(qu.unit);
    r.set_period(qu.period);
    if (qu.period.empty()) {
      r.mutable_start_date()->set_year(2026), r.mutable_start_date()->set_month(2), r.mutable_start_date()->set_day(14);
      r.mutable_end_date()->set_year(2026), r.mutable_end_date()->set_month(5), r.mutable_end_date()->set_day(14);
    }
    std::vector<double> ms;
    v1::ComplaintStatistics s;
    for (int i = 0; i < q; ++i) {
      const absl::Time a = absl::Now();
      auto res = logic.GetComplaintStatistics(caller, r);
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - a));
      if (!res.ok()) {
        std::fprintf(stderr, "query: %s\n", std::string(res.status().message()).c_str());
        return 1;
      }
      s = *res;
    }
    if (qu.unit.empty() && qu.period == "2026") check = s.received();
    std::printf("query %-20s median %7.3f ms  p90 %7.3f ms  (%d buckets; received %lld, backlog %lld, "
                "median time to complete %.2f wd)\n",
                qu.label, Percentile(ms, 0.5), Percentile(ms, 0.9), s.buckets_read(),
                static_cast<long long>(s.received()), static_cast<long long>(s.open_backlog()),
                s.time_to_complete().median_working_days());
  }
  return check > 0 ? 0 : 1;
}

}  // namespace
}  // namespace pelita::complaint

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return pelita::complaint::Run();
}
