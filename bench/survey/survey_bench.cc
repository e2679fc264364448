// Survey ingestion benchmark (issue 3, SPEC §5).
//
// Starts, on loopback, a private redis-server (AOF, fsync every second), the
// enrolment service and the survey service (both as processes), seeds one
// cohort, and then in the same run measures:
//   baseline: a pipelined hiredis loop sending, per response, exactly the
//             Redis commands the survey write script runs (HGET, 2×HSET,
//             XADD, the HINCRBYs of the aggregates, HINCRBY, SADD, RPUSH);
//   service:  --responses synthetic SKM responses through the
//             StreamResponses client stream (--streams concurrent streams),
//             each acknowledged once durable in Redis.
// SKM answers come from the public, as many as a unit serves, so they are
// the bulk that ingestion carries; participants' surveys hold one answer per
// person (issue 13), a cohort's worth at most.
// Prints responses/s of both, the ratio (target ≥ 0.5) and the survey
// service's peak RSS (VmHWM).
//
//   build/bench/survey/survey_bench [--responses=1000000] [--baseline_responses=250000]

#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "lib/ids/nip.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "lib/testing/subprocess.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"
#include "services/survey/domain.h"
#include "services/survey/survey.h"
#include "services/tenant/local_registry.h"

ABSL_FLAG(int64_t, responses, 1000000, "responses sent through the service");
ABSL_FLAG(int64_t, baseline_responses, 250000, "responses' worth of commands in the baseline");
ABSL_FLAG(int, streams, 4, "concurrent client streams");
ABSL_FLAG(int, pipeline, 256, "responses per pipeline in the baseline");
ABSL_FLAG(int, participants, 200, "participants enrolled in the cohort");
ABSL_FLAG(std::string, bin_dir, "", "build folder (default: PELITA_BIN_DIR or ../.. of this binary)");

namespace {

namespace sv1 = pelita::survey::v1;
namespace ev1 = pelita::enrolment::v1;
using pelita::testing::Subprocess;

constexpr char kTenant[] = "1504";
constexpr char kCohort[] = "tenants/1504/programs/latsar/cohorts/bench";

void Die(const std::string& what) {
  std::fprintf(stderr, "survey_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string BinDir(const char* argv0) {
  if (!absl::GetFlag(FLAGS_bin_dir).empty()) return absl::GetFlag(FLAGS_bin_dir);
  if (const char* d = std::getenv("PELITA_BIN_DIR")) return d;
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  std::string self(buf, n);
  for (int i = 0; i < 3; ++i) self = self.substr(0, self.rfind('/'));
  return self;
}

std::string Nip(int i) {
  return pelita::MakeNip(absl::CivilDay(1965 + i % 25, 1 + i % 12, 1 + i % 28),
                         absl::CivilMonth(2010, 1 + i % 12),
                         i % 2 ? pelita::Nip::Gender::kMale : pelita::Nip::Gender::kFemale,
                         1 + i % 900);
}

int64_t VmHwmKb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                  const Req& req, Resp* resp) {
  grpc::ClientContext ctx;
  pelita::AttachTenant(ctx, kTenant);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return (stub->*method)(&ctx, req, resp);
}

bool WaitServing(const std::shared_ptr<grpc::Channel>& channel) {
  return channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(20));
}

sv1::CreateResponseRequest MakeResponse(int64_t n, int /*participants*/) {
  sv1::CreateResponseRequest req;
  req.set_parent("tenants/1504");
  req.set_response_id(absl::StrCat("bench-", n));
  sv1::Response& r = *req.mutable_response();
  r.set_instrument("tenants/1504/instruments/skm-permenpanrb-14-2017");
  r.set_unit("tenants/1504/units/bkpsdm");
  r.mutable_submit_time()->set_seconds(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, 6, 15, 2, 0, 0), absl::UTCTimeZone())));
  uint64_t x = static_cast<uint64_t>(n) * 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 9; ++i) {
    sv1::Answer* a = r.add_answers();
    a->set_item(absl::StrCat("U", i + 1));
    a->set_number(1 + static_cast<int>((x >> (i * 5)) % 4));
  }
  return req;
}

void Seed(ev1::EnrolmentService::Stub* stub, int participants) {
  auto ok = [](const grpc::Status& s, const char* what) {
    if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      Die(absl::StrCat(what, ": ", s.error_message()));
    }
  };
  ev1::CreateUnitRequest u;
  u.set_parent("tenants/1504");
  u.set_unit_id("bkpsdm");
  u.mutable_unit()->set_display_name("BKPSDM Kabupaten Batang Hari");
  ev1::Unit unit;
  ok(Call(stub, &ev1::EnrolmentService::Stub::CreateUnit, u, &unit), "unit");
  ev1::CreateProgramRequest p;
  p.set_parent("tenants/1504");
  p.set_program_id("latsar");
  p.mutable_program()->set_title("Latsar CPNS");
  p.mutable_program()->set_competency_type(ev1::TEKNIS);
  p.mutable_program()->set_jp(40);
  p.mutable_program()->set_year(2026);
  ev1::Program prog;
  ok(Call(stub, &ev1::EnrolmentService::Stub::CreateProgram, p, &prog), "program");
  ev1::CreateCohortRequest c;
  c.set_parent("tenants/1504/programs/latsar");
  c.set_cohort_id("bench");
  auto* start = c.mutable_cohort()->mutable_start_date();
  start->set_year(2026), start->set_month(12), start->set_day(1);
  auto* end = c.mutable_cohort()->mutable_end_date();
  end->set_year(2026), end->set_month(12), end->set_day(5);
  c.mutable_cohort()->set_capacity(participants);
  ev1::Cohort cohort;
  ok(Call(stub, &ev1::EnrolmentService::Stub::CreateCohort, c, &cohort), "cohort");
  for (int i = 0; i < participants; ++i) {
    ev1::CreateEmployeeRequest e;
    e.set_parent("tenants/1504");
    e.mutable_employee()->set_nip(Nip(i));
    e.mutable_employee()->set_full_name(absl::StrCat("Peserta ", i));
    e.mutable_employee()->set_unit("tenants/1504/units/bkpsdm");
    e.mutable_employee()->set_employment_type(ev1::PNS);
    ev1::Employee emp;
    ok(Call(stub, &ev1::EnrolmentService::Stub::CreateEmployee, e, &emp), "employee");
    ev1::CreateEnrolmentRequest r;
    r.set_parent(kCohort);
    r.mutable_enrolment()->set_employee("tenants/1504/employees/" + Nip(i));
    ev1::Enrolment en;
    ok(Call(stub, &ev1::EnrolmentService::Stub::CreateEnrolment, r, &en), "enrolment");
  }
}

// The commands the write script runs for one response, sent as plain
// commands: the work Redis does per response, without Lua.
void BaselineCommands(const sv1::Instrument& instrument, int64_t n, int participants,
                      std::vector<pelita::redis::Command>* out) {
  const pelita::KeyBuilder keys("survey", kTenant);
  sv1::CreateResponseRequest req = MakeResponse(n, participants);
  auto scored = pelita::survey::ScoreResponse(instrument, req.response());
  if (!scored.ok()) Die(std::string(scored.status().message()));
  sv1::Response stored = req.response();
  stored.set_name(absl::StrCat("tenants/1504/responses/", req.response_id()));
  stored.set_instrument_version(1);
  stored.set_instrument_kind(sv1::SKM);
  stored.mutable_create_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  const std::string bytes = stored.SerializeAsString();
  const std::string fp = pelita::survey::Fingerprint(req.response().SerializeAsString());
  out->push_back({"HGET", keys.Key("respfp"), req.response_id()});
  out->push_back({"HSET", keys.Key("resp"), req.response_id(), bytes});
  out->push_back({"HSET", keys.Key("respfp"), req.response_id(), fp});
  out->push_back({"XADD", keys.Key("responses"), "*", "name", stored.name(), "instrument",
                  stored.instrument(), "instrument_kind", "skm", "cohort", "", "unit",
                  "tenants/1504/units/bkpsdm", "time", "2026-06-15T02:00:00+00:00", "payload", bytes});
  const std::string agg = keys.Key("skm", "bkpsdm", "2026-06");
  for (const auto& [f, d] : scored->increments) out->push_back({"HINCRBY", agg, f, absl::StrCat(d)});
  out->push_back({"HINCRBY", keys.Key("instrn"), "skm-permenpanrb-14-2017", "1"});
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string bin = BinDir(argv[0]);
  const int64_t total = absl::GetFlag(FLAGS_responses);
  const int64_t base_total = absl::GetFlag(FLAGS_baseline_responses);
  const int streams = absl::GetFlag(FLAGS_streams);
  const int participants = absl::GetFlag(FLAGS_participants);
  auto dir = pelita::testing::MakeTempDir("survey-bench");
  if (!dir.ok()) Die(dir.status().ToString());

  // Redis.
  auto redis_port = pelita::testing::FreePort();
  if (!redis_port.ok()) Die("no port");
  Subprocess redis;
  if (!redis.Start({"redis-server", "--port", absl::StrCat(*redis_port), "--bind", "127.0.0.1",
                    "--dir", *dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                    "--daemonize", "no", "--logfile", ""},
                   *dir + "/redis.log")
           .ok()) {
    Die("redis-server did not start");
  }
  pelita::redis::Options ro;
  ro.port = *redis_port;
  ro.command_timeout = absl::Seconds(60);
  pelita::redis::Client client(ro);
  if (!pelita::testing::WaitFor([&] { return client.Ping().ok(); }, absl::Seconds(10))) Die("redis ping");
  const std::string redis_addr = absl::StrCat("127.0.0.1:", *redis_port);

  // Baseline: pipelined hiredis loop with the same commands per response.
  sv1::Instrument reaction;  // the SKM instrument
  for (auto& [id, in] : pelita::survey::DefaultInstruments()) {
    if (id == "skm-permenpanrb-14-2017") reaction = in;
  }
  reaction.set_version(1);
  size_t commands_per_response = 0;
  // The machine is shared: the baseline runs half before and half after the
  // service run, and the ratio uses their mean.
  auto baseline = [&](int64_t count, int64_t first) {
    const int per = absl::GetFlag(FLAGS_pipeline);
    // Only the pipelined exchanges are timed: building the commands is
    // client work that a real pipelined client would have done ahead.
    absl::Duration busy;
    std::vector<pelita::redis::Command> cmds;
    for (int64_t n = 0; n < count; n += per) {
      cmds.clear();
      const int64_t m = std::min<int64_t>(per, count - n);
      for (int64_t k = 0; k < m; ++k) BaselineCommands(reaction, first + n + k, participants, &cmds);
      if (n == 0) commands_per_response = cmds.size() / m;
      const absl::Time t0 = absl::Now();
      auto r = client.Pipeline(cmds);
      busy += absl::Now() - t0;
      if (!r.ok()) Die(r.status().ToString());
    }
    const double secs = absl::ToDoubleSeconds(busy);
    const double rate = count / secs;
    std::printf("baseline: %lld responses (%zu commands each) in %.2f s = %.0f responses/s (%.0f commands/s)\n",
                static_cast<long long>(count), commands_per_response, secs, rate,
                rate * commands_per_response);
    std::fflush(stdout);
    if (!client.Run({"FLUSHALL"}).ok()) Die("flushall");
    return rate;
  };
  const double base_before = baseline(base_total / 2, 0);

  // The tenant registry (in process, seeded with Jambi), enrolment and
  // survey services.
  auto registry = pelita::tenant::LocalRegistry::Start(&client);
  if (!registry.ok()) Die(registry.status().ToString());
  const std::string registry_addr = (*registry)->address();
  auto eport = pelita::testing::FreePort();
  auto sport = pelita::testing::FreePort();
  if (!eport.ok() || !sport.ok()) Die("no port");
  const std::string eaddr = absl::StrCat("127.0.0.1:", *eport);
  const std::string saddr = absl::StrCat("127.0.0.1:", *sport);
  Subprocess enrolment, survey;
  if (!enrolment.Start({bin + "/services/enrolment/pelita-enrolment", "--listen", eaddr, "--redis",
                        redis_addr, "--registry", registry_addr},
                       *dir + "/enrolment.log")
           .ok()) {
    Die("pelita-enrolment did not start");
  }
  if (!survey.Start({bin + "/services/survey/pelita-survey", "--listen", saddr, "--redis", redis_addr,
                     "--enrolment", eaddr, "--log_calls=false", "--registry", registry_addr},
                    *dir + "/survey.log")
           .ok()) {
    Die("pelita-survey did not start");
  }
  auto echannel = grpc::CreateChannel(eaddr, grpc::InsecureChannelCredentials());
  auto schannel = grpc::CreateChannel(saddr, grpc::InsecureChannelCredentials());
  if (!WaitServing(echannel) || !WaitServing(schannel)) Die("services did not come up; see " + *dir);
  auto estub = ev1::EnrolmentService::NewStub(echannel);
  auto sstub = sv1::SurveyService::NewStub(schannel);
  Seed(estub.get(), participants);
  {
    sv1::InstallDefaultInstrumentsRequest req;
    req.set_parent("tenants/1504");
    sv1::InstallDefaultInstrumentsResponse resp;
    grpc::Status s = Call(sstub.get(), &sv1::SurveyService::Stub::InstallDefaultInstruments, req, &resp);
    if (!s.ok()) Die("install defaults: " + s.error_message());
  }

  std::atomic<int64_t> accepted{0}, rejected{0};
  std::string first_error;
  absl::Mutex err_mu;
  absl::Time t0 = absl::Now();
  std::vector<std::thread> threads;
  for (int s = 0; s < streams; ++s) {
    threads.emplace_back([&, s] {
      grpc::ClientContext ctx;
      pelita::AttachTenant(ctx, kTenant);
      auto stream = sstub->StreamResponses(&ctx);
      std::thread writer([&] {
        grpc::WriteOptions opts;
        for (int64_t n = s; n < total; n += streams) {
          if (!stream->Write(MakeResponse(n, participants))) break;
        }
        stream->WritesDone();
      });
      sv1::ResponseAck ack;
      while (stream->Read(&ack)) {
        if (ack.code() == 0 && !ack.duplicate()) {
          accepted.fetch_add(1, std::memory_order_relaxed);
        } else {
          rejected.fetch_add(1, std::memory_order_relaxed);
          absl::MutexLock l(&err_mu);
          if (first_error.empty()) first_error = ack.message();
        }
      }
      writer.join();
      grpc::Status st = stream->Finish();
      if (!st.ok()) Die("stream: " + st.error_message());
    });
  }
  for (auto& t : threads) t.join();
  const double secs = absl::ToDoubleSeconds(absl::Now() - t0);
  const double rate = total / secs;
  const int64_t hwm = VmHwmKb(survey.pid());

  // Check: the aggregates count every response once.
  sv1::GetSkmAggregatesRequest q;
  q.set_name("tenants/1504/units/bkpsdm/skmAggregates");
  q.set_start_period("2026-06");
  sv1::SkmAggregates agg;
  grpc::Status s = Call(sstub.get(), &sv1::SurveyService::Stub::GetSkmAggregates, q, &agg);
  int64_t counted = s.ok() && agg.periods_size() ? agg.periods(0).response_count() : -1;
  auto info = client.Run({"INFO", "memory"});
  std::string used = "?";
  if (info.ok()) {
    size_t p = info->str.find("used_memory_human:");
    if (p != std::string::npos) used = info->str.substr(p + 18, info->str.find('\r', p) - p - 18);
  }
  std::printf("service:  %lld responses over %d streams in %.2f s = %.0f responses/s "
              "(accepted %lld, rejected %lld%s%s)\n",
              static_cast<long long>(total), streams, secs, rate,
              static_cast<long long>(accepted.load()), static_cast<long long>(rejected.load()),
              first_error.empty() ? "" : ", first error: ", first_error.c_str());
  std::printf("survey service peak RSS (VmHWM): %.1f MiB; redis used_memory: %s; aggregates count %lld\n",
              hwm / 1024.0, used.c_str(), static_cast<long long>(counted));

  (void)survey.Stop(SIGTERM);
  (void)enrolment.Stop(SIGTERM);
  if (!client.Run({"FLUSHALL"}).ok()) Die("flushall");
  const double base_after = baseline(base_total - base_total / 2, base_total);
  const double base_rate = (base_before + base_after) / 2;
  std::printf("ratio:    %.2f of the pipelined baseline (mean %.0f responses/s; target >= 0.50)\n",
              rate / base_rate, base_rate);
  (void)redis.Stop(SIGTERM);
  pelita::testing::RemoveTree(*dir);
  return counted == accepted.load() && rejected.load() == 0 ? 0 : 1;
}
