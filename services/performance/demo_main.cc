// pelita-performance-demo: loads the kinerja data of Kabupaten Batang Hari
// (tenant 1504, tools/demo/batanghari.h) through the performance service's
// API (issue 18):
//
// - the service types of the 16 units that process the public's (or, for
//   BKPSDM, the ASN's) requests at a counter: one to three each, with the
//   unit's service standard (SOP) in hours (CreateServiceType);
// - the monthly service indicators of each service type from January 2025
//   up to the month before --as_of, the last whole month
//   (BatchRecordServiceMonths);
// - the SKP predicates of the roster's ASN: the annual appraisal of 2025
//   and the half-year kinerja periodik of 2026 that have started
//   (BatchRecordSkp), each given by the person's atasan langsung.
//
// The training effect: after an Administrasi Perkantoran Digital cohort the
// units whose staff it trained return fewer documents for correction
// (about 6 % -> 3.5 %), finish more of them within the service standard
// and faster, reached 45 days after the cohort's last day; a unit's second
// cohort of the programme has half the first one's effect, the third a
// quarter (the plan's rule for complaints).  The other programmes and the
// other units get none: the performance data are where the back-office
// training shows, as the complaint data are where Pelayanan Publik Prima
// shows.  Its completed participants are more likely than others to rise a
// predicate in the SKP periods that start after the cohort.
//
// Every figure is a hash of what it is about (demo::Rng), never of the run
// or of --as_of: a second run with the same --as_of finds every service
// type and every month and record UNCHANGED; a later --as_of adds the new
// months and periods.  The closing line (`demo loaded`) counts accepted or
// replaced months and records (and service types created or updated) as
// created, unchanged ones (and existing service types) as already there.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/ids/nip.h"
#include "lib/log/log.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/performance/v1/performance.grpc.pb.h"
#include "tools/demo/batanghari.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50059", "performance service address");
ABSL_FLAG(std::string, enrolment, "127.0.0.1:50051",
          "enrolment service address (the units, and who completed a cohort)");
ABSL_FLAG(std::string, tenant, "1504", "tenant code (the demo data are Batang Hari's: 1504)");
ABSL_FLAG(std::string, as_of, "",
          "load what happened before this day (YYYY-MM-DD, WIB); default today");

namespace pv1 = pelita::performance::v1;
namespace ev1 = pelita::enrolment::v1;
namespace demo = pelita::demo;

namespace {

const std::string kParent = absl::StrCat("tenants/", demo::kTenant);
constexpr int kMaxBatch = 1000;  // the service's limit per batch call

// A service type of a unit: its share of the unit's monthly volume, its
// standard time (the upper bound of a processing-time band, so that "on
// time" is a sum of bands) and the staff who serve it.
struct TypePlan {
  std::string unit, id, display_name;
  double standard_hours;
  double share;
  int staff;
};

// The units with a service counter whose requests are registered one by
// one.  Dinkes, Disdik and DLH issue their permits through DPMPTSP (the
// one-stop service) and serve the public in puskesmas, schools and the
// field rather than at a counter; Bappeda serves no public: they have no
// service types.
std::vector<TypePlan> ServiceTypes() {
  std::vector<TypePlan> out = {
      {"disdukcapil", "ktp-el", "Perekaman dan Pencetakan KTP-el", 24, 0.45, 8},
      {"disdukcapil", "kartu-keluarga", "Kartu Keluarga", 24, 0.35, 6},
      {"disdukcapil", "akta-kelahiran", "Akta Kelahiran", 24, 0.20, 4},
      {"dpmptsp", "izin-usaha", "Perizinan Berusaha (Izin Usaha)", 72, 0.92, 6},
      {"dpmptsp", "pbg", "Persetujuan Bangunan Gedung (PBG)", 336, 0.08, 3},
      {"dinsos", "dtks", "Usulan dan Pembaruan Data DTKS", 168, 0.60, 5},
      {"dinsos", "rekomendasi-pbi", "Rekomendasi PBI Jaminan Kesehatan", 72, 0.40, 3},
      {"bapenda", "pbb-p2", "Pelayanan PBB-P2 (Mutasi dan Pembetulan SPPT)", 120, 0.60, 6},
      {"bapenda", "bphtb", "Validasi BPHTB", 24, 0.40, 4},
      {"disnakertrans", "kartu-ak1", "Kartu Tanda Pencari Kerja (AK/1)", 24, 0.90, 4},
      {"disnakertrans", "pkwt", "Pencatatan Perjanjian Kerja Waktu Tertentu", 72, 0.10, 2},
      {"dispusip", "kartu-anggota", "Kartu Anggota Perpustakaan", 1, 0.70, 3},
      {"dispusip", "layanan-arsip", "Penelusuran dan Salinan Arsip", 72, 0.30, 3},
      {"bkpsdm", "kenaikan-pangkat", "Usulan Kenaikan Pangkat", 336, 0.35, 4},
      {"bkpsdm", "cuti", "Izin Cuti", 72, 0.65, 3},
      {"rsud-hamba", "registrasi-rawat-jalan", "Registrasi Rawat Jalan", 1, 1.0, 14},
  };
  for (const char* camat : {"bajubang", "batin-xxiv", "maro-sebo-ilir", "maro-sebo-ulu", "mersam", "muara-bulian",
                            "muara-tembesi", "pemayung"}) {
    const std::string unit = absl::StrCat("camat-", camat);
    out.push_back({unit, "surat-keterangan", "Surat Keterangan (PATEN)", 24, 0.75, 3});
    out.push_back({unit, "legalisasi-rekomendasi", "Legalisasi dan Rekomendasi (PATEN)", 72, 0.25, 2});
  }
  return out;
}

// The processing-time bands of the service (ProcessingTime in
// performance.proto): upper bounds in hours, the last band open.
constexpr double kBandUpper[] = {1, 2, 4, 8, 24, 48, 72, 120, 168, 336, 720};
constexpr int kBands = 12;
// A time inside each band, for the month's total hours: the geometric mean
// of its bounds (half an hour in the first band, 1,000 hours in the open
// one).  Always strictly inside the band, as the service checks.
double BandTime(int i) {
  if (i == 0) return 0.5;
  if (i == kBands - 1) return 1000;
  return std::sqrt(kBandUpper[i - 1] * kBandUpper[i]);
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// The spread of processing times (log-normal sigma): wide enough that some
// documents wait several bands longer than most.
constexpr double kSigma = 0.8;

// The Administrasi Perkantoran cohorts' effect on one unit: the cohort's
// last day and its weight (1 for the unit's first cohort of the
// programme, 1/2 for the second, ...).
struct Event {
  absl::CivilDay end;
  double weight;
};

// The programme whose cohorts change the service indicators.
const demo::ProgramPlan* AdministrasiPerkantoran(const demo::Plan& plan) {
  for (const auto& p : plan.programs) {
    if (absl::StartsWith(p.title, "Administrasi Perkantoran")) return &p;
  }
  return nullptr;
}

std::map<std::string, std::vector<Event>> Events(const demo::Plan& plan, const std::string& program) {
  std::map<std::string, std::vector<Event>> out;
  std::vector<const demo::CohortPlan*> cohorts;
  for (const auto& c : plan.cohorts) {
    if (c.program_id == program) cohorts.push_back(&c);
  }
  std::sort(cohorts.begin(), cohorts.end(), [](auto* a, auto* b) { return a->end < b->end; });
  for (const demo::CohortPlan* c : cohorts) {
    for (const auto& [unit, seats] : c->units) {
      auto& events = out[unit];
      events.push_back({c->end, std::pow(0.5, static_cast<double>(events.size()))});
    }
  }
  return out;
}

// How far an effect has arrived on `day`: nothing up to the cohort's last
// day, all of it 45 days later (the new procedures take a month or two to
// become the unit's habit).
double Ramp(absl::CivilDay end, absl::CivilDay day) {
  const int64_t d = day - end;
  return d <= 0 ? 0 : std::min(1.0, static_cast<double>(d) / 45.0);
}

// The month's mean of a daily factor: the product over the unit's events
// of (1 - full * weight * ramp).
double MonthFactor(const std::vector<Event>& events, absl::CivilMonth m, double full) {
  double sum = 0;
  int days = 0;
  for (absl::CivilDay d(m); absl::CivilMonth(d) == m; ++d, ++days) {
    double f = 1;
    for (const Event& e : events) f *= 1 - full * e.weight * Ramp(e.end, d);
    sum += f;
  }
  return sum / days;
}

// The returned (corrected) share falls by 42 % at a first cohort's full
// effect (6 % -> 3.5 %); processing times shorten by 30 %.
constexpr double kReturnedDrop = 0.42;
constexpr double kTimeDrop = 0.30;

// A month's volume factor: four busy weeks after Idul Fitri (31 March 2025,
// 20 March 2026) when people come home and renew documents, most at the
// civil registry; the new school year (July) brings birth certificates and
// family cards.  The mean over the month's days.
double Season(const std::string& unit, const std::string& type, absl::CivilMonth m) {
  double sum = 0;
  int days = 0;
  for (absl::CivilDay d(m); absl::CivilMonth(d) == m; ++d, ++days) {
    double f = 1;
    for (absl::CivilDay lebaran : {absl::CivilDay(2025, 3, 31), absl::CivilDay(2026, 3, 20)}) {
      const int64_t k = d - lebaran;
      if (k >= 2 && k < 30) f *= unit == "disdukcapil" ? 1.5 : 1.1;
    }
    if (d.month() == 7 && unit == "disdukcapil" && type != "ktp-el") f *= 1.2;
    sum += f;
  }
  return sum / days;
}

int64_t Round(double x) { return static_cast<int64_t>(std::llround(std::max(0.0, x))); }

// One month of one service type.
pv1::ServiceMonth Month(const demo::UnitPlan& u, const TypePlan& t, const std::vector<Event>& events,
                        absl::CivilMonth m) {
  const std::string key = absl::StrCat(u.id, "|", t.id);
  // The type's own levels, the same every month: the share returned for
  // errors (5-8 %), rejected (1-3 %), and the share finished within the
  // standard before any training (72-86 %), which sets the median time.
  const double returned_base = (0.05 + 0.03 * demo::Uniform("returned|" + u.id)) *
                               (0.85 + 0.30 * demo::Uniform("returned|" + key));
  const double rejected_share = 0.01 + 0.02 * demo::Uniform("rejected|" + key);
  const double on_time_base = 0.72 + 0.14 * demo::Uniform("on-time|" + key);
  const double median_base = t.standard_hours * std::exp(-demo::NormalQuantile(on_time_base) * kSigma);

  demo::Rng rng(absl::StrCat("month|", key, "|", absl::FormatCivilTime(m)));
  // Use of the services grows slowly (about 3 % a year).
  const double trend = 1 + 0.0025 * static_cast<double>(m - absl::CivilMonth(2025, 1));
  const double expected = static_cast<double>(u.monthly_volume) * t.share * Season(u.id, t.id, m) * trend;
  const int64_t received = std::max<int64_t>(1, Round(expected * std::exp(0.06 * rng.Normal())));
  const int64_t rejected = std::min(received, Round(received * rejected_share * std::exp(0.15 * rng.Normal())));
  const int64_t completed = received - rejected;
  const double p = std::min(0.5, returned_base * MonthFactor(events, m, kReturnedDrop) * std::exp(0.08 * rng.Normal()));
  const double mean = static_cast<double>(completed) * p;
  const int64_t returned = std::min(completed, Round(mean + std::sqrt(mean * (1 - p)) * rng.Normal()));

  // Processing times: log-normal around the month's median, counted in
  // the bands by largest remainder so that every completed document is in
  // one band.
  const double median = median_base * MonthFactor(events, m, kTimeDrop) * std::exp(0.05 * rng.Normal());
  std::vector<double> want(kBands);
  double below = 0;
  for (int i = 0; i < kBands; ++i) {
    const double cdf = i == kBands - 1 ? 1.0 : NormalCdf(std::log(kBandUpper[i] / median) / kSigma);
    want[i] = (cdf - below) * static_cast<double>(completed);
    below = cdf;
  }
  std::vector<int64_t> bands(kBands);
  int64_t placed = 0;
  std::vector<std::pair<double, int>> remainders;
  for (int i = 0; i < kBands; ++i) {
    bands[i] = static_cast<int64_t>(std::floor(want[i]));
    placed += bands[i];
    remainders.emplace_back(want[i] - static_cast<double>(bands[i]), i);
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; placed < completed && k < remainders.size(); ++k, ++placed) ++bands[remainders[k].second];

  pv1::ServiceMonth out;
  out.set_name(absl::StrCat(kParent, "/units/", u.id, "/serviceTypes/", t.id, "/months/", absl::FormatCivilTime(m)));
  out.set_received(received);
  out.set_completed(completed);
  out.set_returned(returned);
  out.set_rejected(rejected);
  int64_t on_time = 0;
  double hours = 0;
  for (int i = 0; i < kBands; ++i) {
    out.mutable_processing_time()->add_band_counts(bands[i]);
    if (i < kBands - 1 && kBandUpper[i] <= t.standard_hours) on_time += bands[i];
    hours += static_cast<double>(bands[i]) * BandTime(i);
  }
  out.set_completed_on_time(on_time);
  // Tenths of an hour, as a register would sum them.
  out.mutable_processing_time()->set_total_hours(std::round(hours * 10) / 10);
  out.set_staff(t.staff);
  return out;
}

// ------------------------------------------------------------------ SKP

// PermenPANRB 6/2022, the kuadran kinerja: the predicate is the cell of
// hasil kerja (rows) and perilaku kerja; ranks Sangat Kurang 1 .. Sangat
// Baik 5 as the service ranks them.
pv1::Predicate PredicateOfRank(int rank) {
  switch (rank) {
    case 5: return pv1::SANGAT_BAIK;
    case 4: return pv1::BAIK;
    case 3: return pv1::BUTUH_PERBAIKAN;
    case 2: return pv1::KURANG;
    default: return pv1::SANGAT_KURANG;
  }
}

// The two ratings of a cell that has the predicate: Sangat Baik both above
// expectations; Baik both as expected, or one above and the other as
// expected; Butuh Perbaikan hasil kerja below with perilaku as expected or
// above; Kurang/Misconduct perilaku below with hasil as expected or above;
// Sangat Kurang both below.
void Ratings(int rank, demo::Rng& rng, pv1::Skp* s) {
  const double u = rng.Uniform();
  auto set = [&](pv1::Rating hasil, pv1::Rating perilaku) {
    s->set_hasil_kinerja(hasil);
    s->set_perilaku_kerja(perilaku);
  };
  switch (rank) {
    case 5: set(pv1::DI_ATAS_EKSPEKTASI, pv1::DI_ATAS_EKSPEKTASI); break;
    case 4:
      if (u < 0.7) set(pv1::SESUAI_EKSPEKTASI, pv1::SESUAI_EKSPEKTASI);
      else if (u < 0.85) set(pv1::DI_ATAS_EKSPEKTASI, pv1::SESUAI_EKSPEKTASI);
      else set(pv1::SESUAI_EKSPEKTASI, pv1::DI_ATAS_EKSPEKTASI);
      break;
    case 3: set(pv1::DI_BAWAH_EKSPEKTASI, u < 0.85 ? pv1::SESUAI_EKSPEKTASI : pv1::DI_ATAS_EKSPEKTASI); break;
    case 2: set(u < 0.85 ? pv1::SESUAI_EKSPEKTASI : pv1::DI_ATAS_EKSPEKTASI, pv1::DI_BAWAH_EKSPEKTASI); break;
    default: set(pv1::DI_BAWAH_EKSPEKTASI, pv1::DI_BAWAH_EKSPEKTASI); break;
  }
}

// The SKP periods of the demo: the annual appraisal of 2025 (rw-skp22),
// then the half-year kinerja periodik of 2026.  No annual 2026 record: the
// year's appraisal is made after it ends, and an annual record starting in
// January would be the "before" period of every 2026 cohort although it
// covers the training (tools/demo/README.md).
struct Period {
  std::string id;
  absl::CivilMonth start, end;
};
const Period kPeriods[] = {
    {"2025", absl::CivilMonth(2025, 1), absl::CivilMonth(2025, 12)},
    {"2026-01_2026-06", absl::CivilMonth(2026, 1), absl::CivilMonth(2026, 6)},
    {"2026-07_2026-12", absl::CivilMonth(2026, 7), absl::CivilMonth(2026, 12)},
};

// A person's predicate in a period: their usual level (Sangat Baik 10 %,
// Baik 72 %, Butuh Perbaikan 14 %, Kurang 4 %), a step up or down in some
// periods, and for who completed an Administrasi Perkantoran cohort that
// ended before the period started, a 45 % chance of a lasting step up.
int Rank(const std::string& nip, const Period& period, absl::CivilDay trained_end) {
  const double u = demo::Uniform("skp|" + nip);
  int rank = u < 0.10 ? 5 : (u < 0.82 ? 4 : (u < 0.96 ? 3 : 2));
  const double v = demo::Uniform(absl::StrCat("skp|", nip, "|", period.id));
  if (v < 0.06) ++rank;
  else if (v < 0.13) --rank;
  if (trained_end < absl::CivilDay(period.start) && demo::Uniform("skp-rise|" + nip) < 0.45) ++rank;
  return std::clamp(rank, 1, 5);
}

// ------------------------------------------------------------------ calls

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                  Resp* resp, const pelita::Caller& caller) {
  grpc::ClientContext ctx;
  pelita::AttachCaller(ctx, caller);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return (stub->*method)(&ctx, req, resp);
}

void Count(pv1::RecordOutcome o, demo::Tally* tally) {
  if (o == pv1::UNCHANGED) {
    ++tally->already_there;
  } else {
    ++tally->created;
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto as_of = demo::CheckLoaderFlags(absl::GetFlag(FLAGS_tenant), absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return 2;
  const demo::Plan& plan = demo::Batanghari();
  const pelita::Caller organiser{demo::kTenant, "organiser", "bkpsdm-demo"};
  demo::Tally tally;
  const demo::ProgramPlan* program = AdministrasiPerkantoran(plan);
  if (program == nullptr) {
    pelita::LogError("the plan has no Administrasi Perkantoran programme");
    return 1;
  }

  // The units must exist (the enrolment demo loads them).
  auto enrolment = ev1::EnrolmentService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_enrolment), grpc::InsecureChannelCredentials()));
  std::set<std::string> units;
  std::string token;
  do {
    ev1::ListUnitsRequest req;
    req.set_parent(kParent);
    req.set_page_size(500);
    req.set_page_token(token);
    ev1::ListUnitsResponse resp;
    grpc::Status s = Call(enrolment.get(), &ev1::EnrolmentService::Stub::ListUnits, req, &resp, organiser);
    if (!s.ok()) {
      pelita::LogError("ListUnits failed", {{"error", s.error_message()}});
      return 1;
    }
    for (const auto& u : resp.units()) units.insert(u.name().substr(u.name().rfind('/') + 1));
    token = resp.next_page_token();
  } while (!token.empty());
  const std::vector<TypePlan> types = ServiceTypes();
  for (const TypePlan& t : types) {
    if (plan.Unit(t.unit) == nullptr || !units.count(t.unit)) {
      pelita::LogError("unit missing; run pelita-enrolment-demo first", {{"unit", t.unit}});
      return 1;
    }
  }

  auto performance = pv1::PerformanceService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));

  // The service types: created, or found as they should be (a changed
  // name or standard is updated).
  for (const TypePlan& t : types) {
    pv1::CreateServiceTypeRequest req;
    req.set_parent(absl::StrCat(kParent, "/units/", t.unit));
    req.set_service_type_id(t.id);
    req.mutable_service_type()->set_display_name(t.display_name);
    req.mutable_service_type()->set_standard_hours(t.standard_hours);
    pv1::ServiceType out;
    grpc::Status s = Call(performance.get(), &pv1::PerformanceService::Stub::CreateServiceType, req, &out, organiser);
    if (s.ok()) {
      ++tally.created;
      continue;
    }
    if (s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      pelita::LogError("CreateServiceType failed", {{"type", req.parent() + "/" + t.id}, {"error", s.error_message()}});
      ++tally.failed;
      continue;
    }
    pv1::GetServiceTypeRequest get;
    get.set_name(absl::StrCat(req.parent(), "/serviceTypes/", t.id));
    s = Call(performance.get(), &pv1::PerformanceService::Stub::GetServiceType, get, &out, organiser);
    if (!s.ok()) {
      pelita::LogError("GetServiceType failed", {{"type", get.name()}, {"error", s.error_message()}});
      ++tally.failed;
      continue;
    }
    if (out.display_name() == t.display_name && out.standard_hours() == t.standard_hours) {
      ++tally.already_there;
      continue;
    }
    pv1::UpdateServiceTypeRequest update;
    *update.mutable_service_type() = req.service_type();
    update.mutable_service_type()->set_name(get.name());
    update.mutable_update_mask()->add_paths("display_name");
    update.mutable_update_mask()->add_paths("standard_hours");
    s = Call(performance.get(), &pv1::PerformanceService::Stub::UpdateServiceType, update, &out, organiser);
    if (s.ok()) {
      ++tally.created;
    } else {
      pelita::LogError("UpdateServiceType failed", {{"type", get.name()}, {"error", s.error_message()}});
      ++tally.failed;
    }
  }

  // The months: every whole month from January 2025 before --as_of.
  const auto events = Events(plan, program->id);
  std::vector<pv1::ServiceMonth> months;
  for (const TypePlan& t : types) {
    const demo::UnitPlan& u = *plan.Unit(t.unit);
    auto it = events.find(u.id);
    const std::vector<Event> none;
    for (absl::CivilMonth m(demo::kDataStart); m < absl::CivilMonth(*as_of); ++m) {
      months.push_back(Month(u, t, it == events.end() ? none : it->second, m));
    }
  }
  for (size_t i = 0; i < months.size(); i += kMaxBatch) {
    pv1::BatchRecordServiceMonthsRequest req;
    req.set_parent(kParent);
    for (size_t j = i; j < std::min(months.size(), i + kMaxBatch); ++j) *req.add_months() = months[j];
    pv1::BatchRecordServiceMonthsResponse resp;
    grpc::Status s =
        Call(performance.get(), &pv1::PerformanceService::Stub::BatchRecordServiceMonths, req, &resp, organiser);
    if (!s.ok() || resp.outcomes_size() != req.months_size()) {
      pelita::LogError("BatchRecordServiceMonths failed",
                       {{"first", req.months(0).name()}, {"error", s.error_message()}});
      tally.failed += req.months_size();
      continue;
    }
    for (int o : resp.outcomes()) Count(static_cast<pv1::RecordOutcome>(o), &tally);
  }

  // Who completed an Administrasi Perkantoran cohort, and the last day of
  // the first one they completed (the enrolment service's record: the
  // wait list and who missed the last day decide it, not the plan alone).
  std::map<std::string, absl::CivilDay> trained;
  for (const demo::CohortPlan& c : plan.cohorts) {
    if (c.program_id != program->id || c.end >= *as_of) continue;
    token.clear();
    do {
      ev1::ListEnrolmentsRequest req;
      req.set_parent(c.name());
      req.set_page_size(500);
      req.set_page_token(token);
      ev1::ListEnrolmentsResponse resp;
      grpc::Status s = Call(enrolment.get(), &ev1::EnrolmentService::Stub::ListEnrolments, req, &resp, organiser);
      if (!s.ok()) {
        pelita::LogError("ListEnrolments failed", {{"cohort", c.name()}, {"error", s.error_message()}});
        ++tally.failed;
        break;
      }
      for (const auto& e : resp.enrolments()) {
        if (e.state() != ev1::Enrolment::COMPLETED) continue;
        const std::string nip = e.name().substr(e.name().rfind('/') + 1);
        auto [it, inserted] = trained.emplace(nip, c.end);
        if (!inserted && c.end < it->second) it->second = c.end;
      }
      token = resp.next_page_token();
    } while (!token.empty());
  }

  // The SKP records of every period that has started, for everyone in
  // service by its last month; the appraiser is the atasan langsung (heads
  // of unit: the Sekretaris Daerah, not in the roster, so none named).
  std::vector<pv1::Skp> records;
  const absl::CivilDay never(9999, 1, 1);
  for (const demo::PersonPlan& person : plan.people) {
    auto nip = pelita::ParseNip(person.nip, *as_of);
    auto t = trained.find(person.nip);
    for (const Period& period : kPeriods) {
      if (absl::CivilDay(period.start) >= *as_of) continue;
      if (nip.ok() && nip->service_start > period.end) continue;
      const int rank = Rank(person.nip, period, t == trained.end() ? never : t->second);
      pv1::Skp s;
      s.set_name(absl::StrCat(kParent, "/employees/", person.nip, "/skp/", period.id));
      s.set_kuadran_kinerja(PredicateOfRank(rank));
      demo::Rng rng(absl::StrCat("ratings|", person.nip, "|", period.id));
      Ratings(rank, rng, &s);
      s.set_nip_penilai(person.supervisor_nip);
      records.push_back(std::move(s));
    }
  }
  for (size_t i = 0; i < records.size(); i += kMaxBatch) {
    pv1::BatchRecordSkpRequest req;
    req.set_parent(kParent);
    for (size_t j = i; j < std::min(records.size(), i + kMaxBatch); ++j) *req.add_records() = records[j];
    pv1::BatchRecordSkpResponse resp;
    grpc::Status s = Call(performance.get(), &pv1::PerformanceService::Stub::BatchRecordSkp, req, &resp, organiser);
    if (!s.ok() || resp.outcomes_size() != req.records_size()) {
      pelita::LogError("BatchRecordSkp failed", {{"first", req.records(0).name()}, {"error", s.error_message()}});
      tally.failed += req.records_size();
      continue;
    }
    for (int o : resp.outcomes()) Count(static_cast<pv1::RecordOutcome>(o), &tally);
  }

  tally.Report("performance", {{"as_of", absl::FormatCivilTime(*as_of)},
                               {"service_types", absl::StrCat(types.size())},
                               {"months", absl::StrCat(months.size())},
                               {"skp", absl::StrCat(records.size())},
                               {"trained", absl::StrCat(trained.size())}});
  return tally.failed == 0 ? 0 : 1;
}
