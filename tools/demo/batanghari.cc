#include "tools/demo/batanghari.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "lib/ids/nip.h"
#include "lib/log/log.h"
#include "lib/time/time.h"

namespace pelita::demo {

const absl::TimeZone& Wib() {
  // Batang Hari's zone from tzdata (lib/time); Asia/Jakarta has kept UTC+7
  // without daylight saving since 1964, so a fixed offset is the same zone
  // should tzdata be missing.
  static const absl::TimeZone tz = [] {
    auto zone = LoadIndonesianTimeZone(kWib);
    return zone.ok() ? *zone : absl::FixedTimeZone(7 * 3600);
  }();
  return tz;
}

absl::Time StartOf(absl::CivilDay day) { return absl::FromCivil(day, Wib()); }

absl::StatusOr<absl::CivilDay> AsOfDay(const std::string& flag) {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), Wib());
  if (flag.empty()) return today;
  absl::CivilDay d;
  if (!absl::ParseCivilTime(flag, &d)) {
    return absl::InvalidArgumentError(absl::StrCat("--as_of: '", flag, "' is not YYYY-MM-DD"));
  }
  if (d > today) {
    return absl::InvalidArgumentError(absl::StrCat("--as_of: ", flag, " is after today (",
                                                   absl::FormatCivilTime(today),
                                                   "); demo data are never dated in the future"));
  }
  return d;
}

absl::StatusOr<absl::CivilDay> CheckLoaderFlags(const std::string& tenant, const std::string& as_of) {
  if (tenant != kTenant) {
    LogError("the demo data are Kabupaten Batang Hari's", {{"tenant", tenant}});
    return absl::InvalidArgumentError(absl::StrCat("--tenant: ", tenant, " is not ", kTenant));
  }
  auto day = AsOfDay(as_of);
  if (!day.ok()) LogError("bad flag", {{"error", std::string(day.status().message())}});
  return day;
}

uint64_t Hash(absl::string_view key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

double Uniform(absl::string_view key) { return static_cast<double>(Hash(key) >> 11) * 0x1.0p-53; }

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double Rng::Normal() { return NormalQuantile(Uniform()); }

// Acklam's rational approximation (relative error below 1.2e-9), enough
// for demo data.
double NormalQuantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01,  -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  p = std::clamp(p, 1e-12, 1 - 1e-12);
  const double lo = 0.02425, hi = 1 - lo;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > hi) {
    const double q = std::sqrt(-2 * std::log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

std::string Roman(int n) {
  static const std::pair<int, const char*> kParts[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"},
                                                       {100, "C"},  {90, "XC"},  {50, "L"},  {40, "XL"},
                                                       {10, "X"},   {9, "IX"},   {5, "V"},   {4, "IV"},
                                                       {1, "I"}};
  std::string out;
  for (const auto& [v, s] : kParts) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return out;
}

std::string CohortPlan::name() const {
  return absl::StrCat("tenants/", kTenant, "/programs/", program_id, "/cohorts/", cohort_id);
}

void Tally::Report(absl::string_view loader,
                   std::initializer_list<std::pair<absl::string_view, std::string>> extra) const {
  std::string more;
  for (const auto& [k, v] : extra) absl::StrAppend(&more, more.empty() ? "" : ", ", k, " ", v);
  LogInfo("demo loaded", {{"loader", std::string(loader)},
                          {"tenant", kTenant},
                          {"created", absl::StrCat(created)},
                          {"already_there", absl::StrCat(already_there)},
                          {"failed", absl::StrCat(failed)},
                          {"details", more}});
}

namespace {

// ------------------------------------------------------------- the roster

// Education, which sets the starting golongan (PP 11/2017 as amended: SMA
// II/a, D-III II/c, S-1 III/a) and the academic title after a name.
enum Education { kSma, kD3, kS1, kProfesi };

struct Job {
  const char* title;
  int weight;
  Education education;
  double female_share;
  double pppk_share;  // appointed as PPPK (teachers, health workers)
  std::vector<const char*> degrees;  // titles after the name; "dr." before
};

struct Section {
  const char* leader;  // title of the section's head
  int parent;  // -1: reports to the head of unit; else the index of a section
  int weight;  // share of the unit's staff
  std::vector<Job> jobs;
};

struct UnitShape {
  const char* head;
  int staff;  // roster size, the head included
  std::vector<Section> sections;
};

const std::vector<const char*> kS1Titles = {"S.E.", "S.Sos.", "S.AP.", "S.H.", "S.Kom.", "S.IP.", "S.Ak."};
const std::vector<const char*> kD3Titles = {"A.Md.", "A.Md.Kom.", "A.Md.Ak."};
const std::vector<const char*> kNone = {""};

Job Admin(const char* title, int weight = 3) { return {title, weight, kS1, 0.5, 0, kS1Titles}; }
Job Clerk(const char* title, int weight = 3) { return {title, weight, kSma, 0.5, 0, kNone}; }
Job Tech(const char* title, int weight = 3) { return {title, weight, kD3, 0.5, 0, kD3Titles}; }

// Pelaksana positions (KepmenPANRB 11/2024) have no jenjang; functional
// positions carry theirs (Ahli Pertama/Muda/Madya, or Terampil/Mahir/
// Penyelia for the skilled ones).
bool IsPelaksana(absl::string_view title) {
  for (const char* t : {"Penata Layanan Operasional", "Pengolah Data dan Informasi", "Pengadministrasi Perkantoran",
                        "Operator Layanan Operasional", "Pengelola Layanan Operasional"}) {
    if (title == t) return true;
  }
  return false;
}

// The secretariat of a dinas or badan.
std::vector<Section> Secretariat(const char* sekretaris) {
  return {
      {sekretaris, -1, 0, {}},
      {"Kepala Subbagian Umum dan Kepegawaian", 0, 2,
       {Clerk("Pengadministrasi Perkantoran"), Admin("Arsiparis", 1), Tech("Pranata SDM Aparatur", 1)}},
      {"Kepala Subbagian Perencanaan dan Keuangan", 0, 2,
       {Admin("Analis Keuangan Pusat dan Daerah", 2), Admin("Perencana", 1),
        Clerk("Pengelola Layanan Operasional", 1)}},
  };
}

std::vector<Section> With(std::vector<Section> a, std::vector<Section> b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const Job kBidan{"Bidan", 4, kD3, 1.0, 0.25, {"A.Md.Keb."}};
const Job kPerawat{"Perawat", 6, kD3, 0.7, 0.25, {"A.Md.Kep."}};
const Job kNers{"Perawat", 2, kProfesi, 0.7, 0.1, {"S.Kep., Ners"}};
const Job kDokter{"Dokter", 2, kProfesi, 0.55, 0, {"dr."}};
const Job kDokterGigi{"Dokter Gigi", 1, kProfesi, 0.6, 0, {"drg."}};
const Job kApoteker{"Apoteker", 1, kProfesi, 0.7, 0, {"S.Farm., Apt."}};
const Job kTtk{"Asisten Apoteker", 1, kD3, 0.7, 0.3, {"A.Md.Farm."}};
const Job kLab{"Pranata Laboratorium Kesehatan", 1, kD3, 0.6, 0.3, {"A.Md.AK."}};
const Job kRekam{"Perekam Medis", 1, kD3, 0.6, 0.3, {"A.Md.RMIK"}};
const Job kGizi{"Nutrisionis", 1, kD3, 0.8, 0, {"A.Md.Gz."}};
const Job kSanitasi{"Sanitarian", 1, kD3, 0.5, 0, {"A.Md.KL."}};
const Job kPromkes{"Penyuluh Kesehatan Masyarakat", 1, kS1, 0.6, 0, {"S.K.M."}};
const Job kEpid{"Epidemiolog Kesehatan", 1, kS1, 0.5, 0, {"S.K.M."}};
const Job kAdminkes{"Administrator Kesehatan", 1, kS1, 0.5, 0, {"S.K.M."}};
const Job kRadio{"Radiografer", 1, kD3, 0.4, 0, {"A.Md.Rad."}};
const Job kFisio{"Fisioterapis", 1, kD3, 0.6, 0, {"A.Md.Ft."}};
const Job kGuru{"Guru", 8, kS1, 0.65, 0.3, {"S.Pd.", "S.Pd.I.", "S.Pd.SD."}};
const Job kPengawas{"Pengawas Sekolah", 1, kS1, 0.5, 0, {"S.Pd.", "M.Pd."}};

Section Puskesmas(const char* name) {
  return {name, -1, 5, {kBidan, kPerawat, kDokter, kRekam, kLab, kTtk, kGizi}};
}

UnitShape KantorCamat(int staff) {
  return {"Camat",
          staff,
          {
              {"Sekretaris Camat", -1, 0, {}},
              {"Kepala Subbagian Umum dan Kepegawaian", 0, 2,
               {Clerk("Pengadministrasi Perkantoran"), Admin("Arsiparis", 1)}},
              {"Kepala Subbagian Perencanaan dan Keuangan", 0, 1,
               {Admin("Analis Keuangan Pusat dan Daerah", 1), Clerk("Pengelola Layanan Operasional", 1)}},
              {"Kepala Seksi Pemerintahan", -1, 2,
               {Admin("Pengolah Data dan Informasi"), Clerk("Operator Layanan Operasional")}},
              // PATEN (Permendagri 4/2010): the front desk of the kecamatan.
              {"Kepala Seksi Pelayanan Umum", -1, 3,
               {Admin("Penata Layanan Operasional"), Clerk("Operator Layanan Operasional"),
                Admin("Pranata Komputer", 1)}},
              {"Kepala Seksi Ketenteraman dan Ketertiban Umum", -1, 1, {Clerk("Pengelola Layanan Operasional")}},
              {"Kepala Seksi Pemberdayaan Masyarakat dan Desa", -1, 1,
               {Admin("Pengolah Data dan Informasi"), Clerk("Pengadministrasi Perkantoran")}},
          }};
}

// The units, their shape and their public-service figures.
struct UnitRow {
  UnitPlan unit;
  UnitShape shape;
};

std::vector<UnitRow> Units() {
  auto unit = [](const char* id, const char* name, const char* kind, const char* district, int64_t volume,
                 double rate, int skm, double mean, std::vector<std::string> cats) {
    UnitPlan u;
    u.id = id;
    u.name = name;
    u.kind = kind;
    u.district = district;
    u.monthly_volume = volume;
    u.complaints_per_1000 = rate;
    u.skm_per_month = skm;
    u.element_mean = mean;
    u.categories = std::move(cats);
    return u;
  };
  std::vector<UnitRow> rows = {
      {unit("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", "Muara Bulian", 5200, 4.5, 50, 2.95,
            {"Administrasi Kependudukan", "Pungutan Liar", "Pelayanan Daring"}),
       {"Kepala Dinas", 60,
        With(Secretariat("Sekretaris Dinas"),
             {{"Kepala Bidang Pelayanan Pendaftaran Penduduk", -1, 5,
               {Admin("Administrator Database Kependudukan", 2), Admin("Penata Layanan Operasional", 3),
                Clerk("Operator Layanan Operasional", 3)}},
              {"Kepala Bidang Pelayanan Pencatatan Sipil", -1, 4,
               {Admin("Penata Layanan Operasional", 3), Clerk("Operator Layanan Operasional", 3),
                Clerk("Pengadministrasi Perkantoran", 1)}},
              {"Kepala Bidang Pengelolaan Informasi Administrasi Kependudukan", -1, 2,
               {Admin("Pranata Komputer", 2), Admin("Administrator Database Kependudukan", 2)}}})}},
      {unit("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas", "Muara Bulian", 1500, 5.0,
            30, 3.05, {"Perizinan", "Pungutan Liar"}),
       {"Kepala Dinas", 40,
        With(Secretariat("Sekretaris Dinas"),
             {{"Kepala Bidang Pelayanan Perizinan dan Nonperizinan", -1, 5,
               {Admin("Penata Layanan Operasional", 3), Clerk("Operator Layanan Operasional", 2),
                Admin("Pengolah Data dan Informasi", 2)}},
              {"Kepala Bidang Pengaduan, Kebijakan dan Pelaporan Layanan", -1, 2,
               {Admin("Penata Layanan Operasional", 2), Admin("Pranata Komputer", 1)}},
              {"Kepala Bidang Penanaman Modal", -1, 2,
               {Admin("Penata Kelola Penanaman Modal", 2), Admin("Analis Kebijakan", 1)}}})}},
      {unit("dinkes", "Dinas Kesehatan", "dinas", "Muara Bulian", 14000, 2.4, 60, 3.1,
            {"Pelayanan Kesehatan", "Jaminan Kesehatan", "Pungutan Liar"}),
       {"Kepala Dinas", 70,
        With(Secretariat("Sekretaris Dinas"),
             {{"Kepala Bidang Kesehatan Masyarakat", -1, 2, {kPromkes, kGizi, kSanitasi}},
              {"Kepala Bidang Pencegahan dan Pengendalian Penyakit", -1, 2, {kEpid, kSanitasi}},
              {"Kepala Bidang Pelayanan dan Sumber Daya Kesehatan", -1, 2, {kAdminkes, kApoteker}},
              Puskesmas("Kepala UPTD Puskesmas Muara Bulian"), Puskesmas("Kepala UPTD Puskesmas Muara Tembesi"),
              Puskesmas("Kepala UPTD Puskesmas Bajubang"), Puskesmas("Kepala UPTD Puskesmas Pemayung")})}},
      {unit("disdik", "Dinas Pendidikan dan Kebudayaan", "dinas", "Muara Bulian", 2000, 3.0, 30, 3.2,
            {"Pendidikan", "Pungutan Liar"}),
       {"Kepala Dinas", 50,
        With(Secretariat("Sekretaris Dinas"),
             {{"Kepala Bidang Pembinaan Sekolah Dasar", -1, 2, {kPengawas, Admin("Penata Layanan Operasional", 1)}},
              {"Kepala Bidang Pembinaan Sekolah Menengah Pertama", -1, 2,
               {kPengawas, Clerk("Pengadministrasi Perkantoran", 1)}},
              {"Kepala Bidang Guru dan Tenaga Kependidikan", -1, 1, {Tech("Pranata SDM Aparatur", 1)}},
              {"Kepala SD Negeri 47/I Muara Bulian", -1, 3, {kGuru}},
              {"Kepala SD Negeri 112/I Sridadi", -1, 3, {kGuru}},
              {"Kepala SMP Negeri 1 Batang Hari", -1, 3, {kGuru}}})}},
      {unit("dinsos", "Dinas Sosial", "dinas", "Muara Bulian", 2000, 4.0, 30, 2.95,
            {"Bantuan Sosial", "Data Terpadu Kesejahteraan Sosial"}),
       {"Kepala Dinas", 45,
        With(Secretariat("Sekretaris Dinas"),
             {{"Kepala Bidang Perlindungan dan Jaminan Sosial", -1, 4,
               {Admin("Pekerja Sosial", 2), Admin("Penata Layanan Operasional", 2)}},
              {"Kepala Bidang Rehabilitasi Sosial", -1, 3, {Admin("Pekerja Sosial", 2), Admin("Penyuluh Sosial", 1)}},
              {"Kepala Bidang Pemberdayaan Sosial dan Penanganan Fakir Miskin", -1, 3,
               {Admin("Penyuluh Sosial", 2), Admin("Pranata Komputer", 1),
                Clerk("Operator Layanan Operasional", 1)}}})}},
      {unit("dlh", "Dinas Lingkungan Hidup", "dinas", "Muara Bulian", 1800, 4.0, 25, 2.9,
            {"Kebersihan dan Sampah", "Pencemaran Lingkungan"}),
       {"Kepala Dinas", 38,
        With(Secretariat("Sekretaris Dinas"),
             {{"Kepala Bidang Pengelolaan Sampah dan Limbah B3", -1, 5,
               {Clerk("Pengelola Layanan Operasional", 3), Clerk("Operator Layanan Operasional", 2),
                Admin("Pengawas Lingkungan Hidup", 1)}},
              {"Kepala Bidang Penataan dan Penaatan PPLH", -1, 3,
               {Admin("Pengendali Dampak Lingkungan", 2), Admin("Pengawas Lingkungan Hidup", 2)}}})}},
      {unit("bapenda", "Badan Pendapatan Daerah", "badan", "Muara Bulian", 2500, 3.0, 30, 3.0,
            {"Pajak Daerah", "Pungutan Liar"}),
       {"Kepala Badan", 62,
        With(Secretariat("Sekretaris Badan"),
             {{"Kepala Bidang Pendataan dan Penetapan", -1, 4,
               {Admin("Penata Layanan Operasional", 3), Admin("Pranata Komputer", 1),
                Clerk("Operator Layanan Operasional", 2)}},
              {"Kepala Bidang Pelayanan, Penagihan dan Keberatan", -1, 4,
               {Admin("Penata Layanan Operasional", 3), Clerk("Operator Layanan Operasional", 2)}},
              {"Kepala Bidang Pengembangan dan Pengendalian Pendapatan", -1, 2,
               {Admin("Analis Kebijakan", 1), Admin("Analis Keuangan Pusat dan Daerah", 1)}}})}},
      {unit("disnakertrans", "Dinas Tenaga Kerja dan Transmigrasi", "dinas", "Muara Bulian", 700, 4.0, 20, 3.0,
            {"Ketenagakerjaan", "Transmigrasi"}),
       {"Kepala Dinas", 40,
        With(Secretariat("Sekretaris Dinas"),
             {{"Kepala Bidang Penempatan dan Perluasan Kesempatan Kerja", -1, 4,
               {Admin("Pengantar Kerja", 2), Admin("Penata Layanan Operasional", 2)}},
              {"Kepala Bidang Hubungan Industrial dan Jaminan Sosial Tenaga Kerja", -1, 2,
               {Admin("Mediator Hubungan Industrial", 2)}},
              {"Kepala Bidang Transmigrasi", -1, 2, {Admin("Penata Layanan Operasional", 2)}}})}},
      {unit("dispusip", "Dinas Perpustakaan dan Kearsipan", "dinas", "Muara Bulian", 400, 2.0, 15, 3.15,
            {"Perpustakaan dan Kearsipan"}),
       {"Kepala Dinas", 22,
        With(Secretariat("Sekretaris Dinas"),
             {{"Kepala Bidang Perpustakaan", -1, 3,
               {Admin("Pustakawan", 3), Clerk("Pengadministrasi Perkantoran", 1)}},
              {"Kepala Bidang Kearsipan", -1, 3, {Admin("Arsiparis", 3)}}})}},
      {unit("bkpsdm", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "badan", "Muara Bulian", 700, 3.0,
            20, 3.05, {"Kepegawaian"}),
       {"Kepala Badan", 42,
        With(Secretariat("Sekretaris Badan"),
             {{"Kepala Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian", -1, 3,
               {Admin("Analis SDM Aparatur", 2), Tech("Pranata SDM Aparatur", 2), Admin("Pranata Komputer", 1)}},
              {"Kepala Bidang Mutasi dan Promosi", -1, 3,
               {Admin("Analis SDM Aparatur", 2), Tech("Pranata SDM Aparatur", 2)}},
              // The training organisers: the named observers come from here.
              {"Kepala Bidang Pengembangan Kompetensi Aparatur", -1, 3,
               {Admin("Analis SDM Aparatur", 3), Tech("Pranata SDM Aparatur", 1)}}})}},
      {unit("bappeda", "Badan Perencanaan Pembangunan Daerah", "badan", "Muara Bulian", 150, 2.0, 15, 3.2,
            {"Perencanaan Pembangunan"}),
       {"Kepala Badan", 20,
        With(Secretariat("Sekretaris Badan"),
             {{"Kepala Bidang Perencanaan Pemerintahan dan Pembangunan Manusia", -1, 2, {Admin("Perencana", 2)}},
              {"Kepala Bidang Perencanaan Perekonomian dan Infrastruktur Kewilayahan", -1, 2,
               {Admin("Perencana", 2), Admin("Analis Kebijakan", 1)}},
              {"Kepala Bidang Penelitian dan Pengembangan", -1, 1,
               {Admin("Peneliti", 1), Admin("Statistisi", 1)}}})}},
      {unit("rsud-hamba", "RSUD Hamba Muara Bulian", "rsud", "Muara Bulian", 9000, 3.0, 60, 3.0,
            {"Pelayanan Kesehatan", "Jaminan Kesehatan", "Pungutan Liar"}),
       {"Direktur",
        110,
        {
            {"Wakil Direktur Pelayanan", -1, 0, {}},
            {"Wakil Direktur Umum dan Keuangan", -1, 0, {}},
            {"Kepala Bidang Pelayanan Medik", 0, 3, {kDokter, kDokterGigi}},
            {"Kepala Bidang Keperawatan", 0, 9, {kPerawat, kNers, kBidan}},
            {"Kepala Bidang Penunjang Medik", 0, 4, {kApoteker, kTtk, kLab, kRadio, kRekam, kGizi, kFisio}},
            {"Kepala Bagian Umum dan Kepegawaian", 1, 2,
             {Clerk("Pengadministrasi Perkantoran"), Tech("Pranata SDM Aparatur", 1), Admin("Pranata Komputer", 1)}},
            {"Kepala Bagian Keuangan", 1, 1, {Admin("Analis Keuangan Pusat dan Daerah", 2)}},
        }}},
  };
  struct CamatRow {
    const char* id;
    const char* district;
    int64_t volume;
    int staff;
    double mean;
  };
  const CamatRow camats[] = {
      {"bajubang", "Bajubang", 800, 18, 2.95},           {"batin-xxiv", "Batin XXIV", 750, 16, 3.0},
      {"maro-sebo-ilir", "Maro Sebo Ilir", 550, 22, 3.0}, {"maro-sebo-ulu", "Maro Sebo Ulu", 700, 22, 2.95},
      {"mersam", "Mersam", 650, 16, 3.05},               {"muara-bulian", "Muara Bulian", 1300, 22, 2.9},
      {"muara-tembesi", "Muara Tembesi", 900, 20, 2.95}, {"pemayung", "Pemayung", 650, 18, 3.0},
  };
  for (const auto& c : camats) {
    UnitPlan u = unit("", "", "kantor_camat", c.district, c.volume, 3.5, 20, c.mean,
                      {"Administrasi Kependudukan", "Pelayanan Kecamatan (PATEN)", "Infrastruktur Jalan",
                       "Bantuan Sosial"});
    u.id = absl::StrCat("camat-", c.id);
    u.name = absl::StrCat("Kantor Camat ", c.district);
    if (u.id == "camat-muara-bulian") u.complaints_per_1000 = 4.0;
    // Kecamatan Mersam joined SP4N-LAPOR! in March 2026: its complaint data
    // begin then, so it is no comparison unit for a window that starts
    // earlier (its SKM surveys ran from January 2025).
    if (u.id == "camat-mersam") u.complaints_since = absl::CivilMonth(2026, 3);
    rows.push_back({u, KantorCamat(c.staff)});
  }
  return rows;
}

const char* kMale[] = {"Ahmad",  "Muhammad", "Rahmat",   "Syahrial", "Zulkifli", "Hendra",  "Irwan",   "Fajar",
                       "Rizki",  "Taufik",   "Yusuf",    "Agus",     "Bambang",  "Hasan",   "Ilham",   "Dedi",
                       "Budi",   "Eko",      "Arif",     "Firdaus",  "Hamdani",  "Junaidi", "Mukhtar", "Nasrul",
                       "Ridwan", "Samsul",   "Supriadi", "Zainal",   "Azhar",    "Erwin",   "Heri",    "Indra",
                       "Lukman", "Ramli",    "Sofyan",   "Wahyu",    "Andi",     "Fadli",   "Herman",  "Jufri"};
const char* kFemale[] = {"Siti",   "Dewi",     "Fitri",       "Lestari",  "Nurhayati", "Rina",      "Sri",
                         "Wulandari", "Yuliana", "Aisyah",    "Desi",     "Nurul",     "Ratna",     "Susanti",
                         "Maya",   "Indah",    "Yanti",       "Elvi",     "Fatimah",   "Hasnah",    "Juliana",
                         "Khairunnisa", "Mardiana", "Novita", "Puspita",  "Rahmi",     "Tuti",      "Zubaidah",
                         "Halimah", "Rosmawati", "Eka",       "Anisa"};
const char* kFamily[] = {"Saputra", "Harahap",  "Nasution",  "Lubis",  "Siregar",  "Hidayat", "Pratama", "Kurniawan",
                         "Anwar",   "Hasibuan", "Syahputra", "Wijaya", "Hakim",    "Fauzi",   "Maulana", "Rahman",
                         "Effendi", "Sulaiman", "Daulay",    "Sinaga", "Tambunan", "Azwar",   "Jamil",   "Idris",
                         "Ismail",  "Munthe",   "Ritonga",   "Putra",  "Hamzah",   "Yunus"};
const char* kFamilyFemale[] = {"Rahmawati", "Putri",     "Ramadhani", "Wahyuni",    "Sari",    "Handayani", "Safitri",
                               "Yulianti",  "Novianti",  "Lestari",   "Harahap",    "Nasution", "Lubis",    "Siregar",
                               "Hasibuan",  "Anggraini", "Oktaviani", "Susilawati", "Marlina", "Fitriani"};

// A job whose holder carries no academic title (the officials' titles
// are added by Builder::Official).
const Job kNoDegree{"", 1, kSma, 0.5, 0, {""}};

const char* kGolongan[] = {"II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c"};

int YearsOfService(absl::CivilMonth start) { return static_cast<int>(absl::CivilMonth(2026, 1) - start) / 12; }

struct Builder {
  std::vector<PersonPlan> people;
  std::set<std::string> nips;

  std::string NewNip(Rng& rng, int born_from, int born_to, bool female, int start_age_min, int start_age_max,
                     int latest_start_year, absl::CivilMonth* start_out) {
    for (;;) {
      const int by = born_from + rng.Below(born_to - born_from + 1);
      const absl::CivilDay birth(by, 1 + rng.Below(12), 1 + rng.Below(28));
      const int sy = std::min(by + start_age_min + rng.Below(start_age_max - start_age_min + 1), latest_start_year);
      // CPNS appointments are dated the first of a month (TMT), most often
      // March (the national selection cycle) or January.
      const int months[] = {3, 3, 1, 2, 4, 12};
      const absl::CivilMonth start(sy, months[rng.Below(6)]);
      const std::string nip =
          MakeNip(birth, start, female ? Nip::Gender::kFemale : Nip::Gender::kMale, 1 + rng.Below(9));
      if (!ParseNip(nip, absl::CivilDay(2026, 1, 1)).ok() || !nips.insert(nip).second) continue;
      *start_out = start;
      return nip;
    }
  }

  static std::string Name(Rng& rng, bool female, const Job* job) {
    std::string name = female ? kFemale[rng.Below(std::size(kFemale))] : kMale[rng.Below(std::size(kMale))];
    absl::StrAppend(&name, " ",
                    female ? kFamilyFemale[rng.Below(std::size(kFamilyFemale))] : kFamily[rng.Below(std::size(kFamily))]);
    if (job == nullptr) {
      const char* lead[] = {"S.STP., M.Si.", "S.E., M.M.", "S.H., M.H.", "S.Sos., M.AP.", "S.IP., M.Si.",
                            "S.AP., M.Si."};
      return absl::StrCat(name, ", ", lead[rng.Below(std::size(lead))]);
    }
    const absl::string_view degree = job->degrees[rng.Below(static_cast<int>(job->degrees.size()))];
    if (degree == "dr." || degree == "drg.") return absl::StrCat(degree, " ", name);
    if (degree.empty()) return name;
    return absl::StrCat(name, ", ", degree);
  }

  static std::string Grade(Education e, absl::CivilMonth start, int min_index, int max_index) {
    const int base = e == kSma ? 0 : (e == kD3 ? 2 : 4);
    return kGolongan[std::clamp(base + YearsOfService(start) / 4, min_index, max_index)];
  }

  // A structural official (head of unit, level 1 or 2).
  std::string Official(const UnitPlan& u, const char* title, int level, const std::string& supervisor) {
    Rng rng(absl::StrCat("official|", u.id, "|", title));
    const bool female = rng.Uniform() < 0.35;
    absl::CivilMonth start;
    const int from = level == 0 ? 1967 : (level == 1 ? 1970 : 1975);
    const int to = level == 0 ? 1976 : (level == 1 ? 1982 : 1988);
    PersonPlan p;
    p.nip = NewNip(rng, from, to, female, 23, 28, 2014, &start);
    // Officials' degrees fit their field: doctors lead the hospital and its
    // medical services, public-health or nursing graduates the rest of
    // health, teachers the schools.
    const absl::string_view t(title);
    const bool health = u.id == "dinkes" || u.kind == "rsud";
    if (health && (level == 0 || absl::StrContains(t, "Medik") || absl::StrContains(t, "Puskesmas"))) {
      const char* sfx[] = {", M.Kes.", ", M.K.M.", ", Sp.PD", ""};
      p.full_name = absl::StrCat("dr. ", Name(rng, female, &kNoDegree), sfx[rng.Below(level == 0 ? 3 : 4)]);
    } else if (health) {
      const char* deg[] = {"S.K.M., M.Kes.", "S.Kep., Ners, M.Kep.", "S.K.M., M.K.M.", "S.E., M.M."};
      p.full_name = absl::StrCat(Name(rng, female, &kNoDegree), ", ", deg[rng.Below(std::size(deg))]);
    } else if (u.id == "disdik" && !absl::StrContains(t, "Sekretaris") && !absl::StrContains(t, "Subbagian")) {
      p.full_name = absl::StrCat(Name(rng, female, &kNoDegree), ", S.Pd.", rng.Below(3) ? ", M.Pd." : "");
    } else {
      p.full_name = Name(rng, female, nullptr);
    }
    p.unit = u.id;
    p.position = title;
    p.level = level;
    p.supervisor_nip = supervisor;
    // Pimpinan tinggi pratama (heads) IV/b-IV/c, administrator (sekretaris,
    // kepala bidang/bagian, wakil direktur, kepala UPTD) IV/a-IV/b,
    // pengawas (kepala seksi/subbagian) III/c-IV/a.
    const bool pengawas = absl::StrContains(t, "Kepala Seksi") || absl::StrContains(t, "Kepala Subbagian");
    p.grade = level == 0 ? Grade(kS1, start, 9, 10) : (pengawas ? Grade(kS1, start, 6, 8) : Grade(kS1, start, 8, 9));
    people.push_back(p);
    return p.nip;
  }

  void Staff(const UnitPlan& u, const Job& job, int index, const std::string& supervisor, bool observer) {
    Rng rng(absl::StrCat("staff|", u.id, "|", index));
    const bool female = rng.Uniform() < job.female_share;
    const bool pppk = !observer && rng.Uniform() < job.pppk_share;
    absl::CivilMonth start;
    PersonPlan p;
    if (pppk) {
      // PPPK appointed in the 2022-2024 rounds, after years as honorer.
      p.nip = NewNip(rng, 1983, 1996, female, 26, 40, 2024, &start);
      const char* pppk_grades[] = {"V", "VII", "IX"};
      p.grade = pppk_grades[job.education == kSma ? 0 : (job.education == kD3 ? 1 : 2)];
    } else {
      const int min_age = job.education == kSma ? 19 : (job.education == kD3 ? 22 : 23);
      p.nip = NewNip(rng, 1978, 2000, female, min_age, min_age + 7, 2024, &start);
      p.grade = Grade(job.education, start, 0, 7);
    }
    p.pppk = pppk;
    p.full_name = Name(rng, female, &job);
    p.unit = u.id;
    std::string title = job.title;
    if (!IsPelaksana(job.title)) {
      const int years = YearsOfService(start);
      if (job.education == kS1 || job.education == kProfesi) {
        absl::StrAppend(&title, years < 6 ? " Ahli Pertama" : (years < 14 ? " Ahli Muda" : " Ahli Madya"));
      } else if (job.education == kD3) {
        absl::StrAppend(&title, years < 6 ? " Terampil" : (years < 14 ? " Mahir" : " Penyelia"));
      }
    }
    p.position = title;
    p.level = 3;
    p.supervisor_nip = supervisor;
    p.observer = observer;
    people.push_back(p);
  }
};

void BuildRoster(const std::vector<UnitRow>& rows, std::vector<PersonPlan>* out) {
  Builder b;
  for (const auto& row : rows) {
    const UnitPlan& u = row.unit;
    const std::string head = b.Official(u, row.shape.head, 0, "");
    std::vector<std::string> leaders;
    for (const Section& s : row.shape.sections) {
      const int level = s.parent < 0 ? 1 : 2;
      const std::string sup = s.parent < 0 ? head : leaders[s.parent];
      leaders.push_back(b.Official(u, s.leader, level, sup));
    }
    // Staff over the sections by weight, each under their section's head.
    const int staff = row.shape.staff - 1 - static_cast<int>(row.shape.sections.size());
    int total = 0;
    for (const Section& s : row.shape.sections) total += s.weight;
    std::vector<int> counts;
    int given = 0;
    for (const Section& s : row.shape.sections) {
      counts.push_back(total ? staff * s.weight / total : 0);
      given += counts.back();
    }
    for (size_t i = 0; given < staff; i = (i + 1) % counts.size()) {
      if (row.shape.sections[i].weight > 0) {
        ++counts[i];
        ++given;
      }
    }
    int index = 0, observers_named = 0;
    for (size_t si = 0; si < row.shape.sections.size(); ++si) {
      const Section& s = row.shape.sections[si];
      int jw = 0;
      for (const Job& j : s.jobs) jw += j.weight;
      for (int k = 0; k < counts[si]; ++k) {
        // Jobs in proportion to their weights, interleaved.
        int pick = (k * 7919) % std::max(jw, 1);
        const Job* job = &s.jobs[0];
        for (const Job& j : s.jobs) {
          if (pick < j.weight) {
            job = &j;
            break;
          }
          pick -= j.weight;
        }
        // The first three analysts of Bidang Pengembangan Kompetensi are
        // the cohorts' named observers.
        const bool observer = u.id == "bkpsdm" && absl::StrContains(s.leader, "Pengembangan Kompetensi") &&
                              absl::string_view(job->title) == "Analis SDM Aparatur" && observers_named < 3;
        observers_named += observer;
        b.Staff(u, *job, index++, leaders[si], observer);
      }
    }
  }
  *out = std::move(b.people);
}

// ------------------------------------------------------------ programmes

TestItem Single(const char* code, const char* text, std::vector<std::pair<std::string, std::string>> choices,
                const char* correct, const char* competency, double difficulty) {
  TestItem t;
  t.code = code;
  t.text = text;
  t.choices = std::move(choices);
  t.correct = {correct};
  t.competency = competency;
  t.difficulty = difficulty;
  return t;
}
TestItem YesNoItem(const char* code, const char* text, bool yes_is_correct, const char* competency,
                   double difficulty) {
  TestItem t;
  t.code = code;
  t.text = text;
  t.type = TestItem::Type::kYesNo;
  t.correct = {yes_is_correct ? "ya" : "tidak"};
  t.competency = competency;
  t.difficulty = difficulty;
  return t;
}
TestItem Multiple(const char* code, const char* text, std::vector<std::pair<std::string, std::string>> choices,
                  std::vector<std::string> correct, const char* competency, double difficulty) {
  TestItem t;
  t.code = code;
  t.text = text;
  t.type = TestItem::Type::kMultipleChoice;
  t.choices = std::move(choices);
  t.correct = std::move(correct);
  t.competency = competency;
  t.difficulty = difficulty;
  return t;
}

std::vector<ProgramPlan> Programs() {
  std::vector<ProgramPlan> out;
  {
    ProgramPlan p;
    p.id = "pelayanan-publik-2026";
    p.title = "Pelayanan Publik Prima";
    p.competency_type = 3;  // SOSIAL_KULTURAL
    p.jp = 32;
    p.days = 4;
    p.cost_per_participant = 3'200'000;
    p.objectives = {"Menerapkan standar pelayanan dan maklumat pelayanan (PermenPANRB 15/2014)",
                    "Menangani pengaduan masyarakat melalui SP4N-LAPOR! dalam batas waktunya",
                    "Melayani dengan nilai BerAKHLAK dan menjaga data pribadi pemohon (UU 27/2022)",
                    // The regency's own words (BKPSDM's evaluation note).
                    "Memberikan informasi yang lebih jelas kepada masyarakat, sehingga pelayanan lebih cepat dan "
                    "responsif dan keluhan berkurang"};
    p.instructors = {"Dr. Hj. Nurlela, M.Pd. (Widyaiswara Ahli Utama, BPSDM Provinsi Jambi)",
                     "Yulia Sari, S.Sos., M.AP. (Asisten Ombudsman RI Perwakilan Provinsi Jambi)",
                     "Ir. Ahmad Fauzi, M.M. (Fasilitator Pelayanan Publik)"};
    p.venue = "Aula BKPSDM Kabupaten Batang Hari, Muara Bulian";
    p.complaint_drop = 0.45;
    // Kompetensi and perilaku pelaksana and penanganan pengaduan most; the
    // procedure and the waiting time a little.
    p.element_shift = {0.10, 0.20, 0.20, 0.0, 0.05, 0.40, 0.45, 0.0, 0.40};
    p.reaction_mean = {4.3, 4.4, 3.7, 4.1};
    p.test_gain = 1.3;
    p.applied_share = 0.8;
    p.test_title = "Pelayanan Publik Prima";
    p.test = {
        Single("PP1",
               "Komponen standar pelayanan yang terkait dengan proses penyampaian pelayanan (PermenPANRB 15/2014) adalah",
               {{"a", "Persyaratan, sistem/mekanisme/prosedur, jangka waktu, biaya/tarif, produk pelayanan, penanganan pengaduan"},
                {"b", "Visi, misi, motto dan maklumat pelayanan"},
                {"c", "Anggaran, sarana prasarana dan jumlah pelaksana saja"},
                {"d", "Struktur organisasi dan tata kerja unit"}},
               "a", "standar-pelayanan", 0.2),
        Single("PP2", "Maklumat pelayanan adalah",
               {{"a", "Pengumuman jam buka layanan"},
                {"b", "Pernyataan tertulis kesanggupan penyelenggara melaksanakan pelayanan sesuai standar pelayanan"},
                {"c", "Daftar tarif layanan"},
                {"d", "Laporan tahunan unit layanan"}},
               "b", "standar-pelayanan", -0.3),
        Single("PP3", "Setelah diteruskan melalui SP4N-LAPOR!, instansi wajib menindaklanjuti pengaduan paling lama",
               {{"a", "3 hari kerja"}, {"b", "5 hari kerja"}, {"c", "14 hari kalender"}, {"d", "30 hari kalender"}},
               "b", "penanganan-pengaduan", 0.6),
        Single("PP4", "Survei Kepuasan Masyarakat menurut PermenPANRB 14/2017 terdiri atas berapa unsur?",
               {{"a", "5"}, {"b", "9"}, {"c", "12"}, {"d", "14"}}, "b", "survei-kepuasan", 0.4),
        Single("PP5", "Nilai IKM konversi 80,25 termasuk mutu pelayanan",
               {{"a", "A (Sangat Baik)"}, {"b", "B (Baik)"}, {"c", "C (Kurang Baik)"}, {"d", "D (Tidak Baik)"}}, "b",
               "survei-kepuasan", 0.9),
        YesNoItem("PP6", "Petugas boleh menerima imbalan di luar tarif resmi bila pelayanan diselesaikan lebih cepat.",
                  false, "integritas", -1.2),
        Single("PP7", "Langkah pertama menghadapi pengguna layanan yang datang dengan marah adalah",
               {{"a", "Meminta pengguna kembali besok"},
                {"b", "Mendengarkan secara aktif dan mengakui keluhannya"},
                {"c", "Menjelaskan bahwa aturan tidak dapat diubah"},
                {"d", "Memanggil petugas keamanan"}},
               "b", "penanganan-pengaduan", -0.4),
        Single("PP8", "Nilai dasar BerAKHLAK yang berarti terus belajar dan mengembangkan kapabilitas adalah",
               {{"a", "Akuntabel"}, {"b", "Kompeten"}, {"c", "Harmonis"}, {"d", "Adaptif"}}, "b", "berakhlak", 0.0),
        YesNoItem("PP9", "NIK dan KK pemohon boleh dibagikan kepada pihak lain tanpa persetujuan pemiliknya.", false,
                  "pelindungan-data", -0.6),
        Multiple("PP10", "Kanal pengaduan yang wajib dikelola unit pelayanan (pilih semua yang benar)",
                 {{"sp4n-lapor", "SP4N-LAPOR!"},
                  {"kotak-saran", "Kotak saran dan pengaduan langsung"},
                  {"media-sosial-resmi", "Media sosial resmi instansi"},
                  {"grup-pribadi", "Grup WhatsApp pribadi petugas"}},
                 {"sp4n-lapor", "kotak-saran", "media-sosial-resmi"}, "penanganan-pengaduan", 1.0),
    };
    p.actions = {
        {"Memasang maklumat dan standar pelayanan di loket dan di laman unit", "standar-pelayanan",
         "Maklumat dan standar pelayanan terpasang dan dapat dibaca pemohon", 30,
         "Foto maklumat di loket dan tautan laman unit"},
        {"Menindaklanjuti setiap pengaduan SP4N-LAPOR! paling lama 5 hari kerja", "penanganan-pengaduan",
         "Paling sedikit 90 % pengaduan ditindaklanjuti tepat waktu", 60, "Rekap tindak lanjut SP4N-LAPOR! bulanan"},
        {"Menerapkan senyum, salam, sapa dan nomor antrean di loket", "berakhlak",
         "Keluhan atas perilaku petugas berkurang", 90, "Catatan supervisi loket dan hasil SKM triwulan"},
    };
    p.applied_competencies = {"pelayanan-publik", "sosial-kultural"};
    p.suggestions = {"Studi kasus pengaduan sangat bermanfaat, mohon ditambah waktunya.",
                     "Ruang aula panas, pendingin ruangan perlu diperbaiki.",
                     "Materi SP4N-LAPOR! sebaiknya disertai praktik langsung di aplikasi.",
                     "Narasumber dari Ombudsman sangat membuka wawasan.",
                     "Modul dibagikan lebih awal agar bisa dipelajari sebelum pelatihan."};
    out.push_back(std::move(p));
  }
  {
    ProgramPlan p;
    p.id = "manajemen-waktu-2026";
    p.title = "Manajemen Waktu dan Produktivitas Kerja";
    p.competency_type = 2;  // MANAJERIAL
    p.jp = 16;
    p.days = 2;
    p.cost_per_participant = 1'600'000;
    p.objectives = {"Menyusun prioritas kerja harian dan mingguan", "Menetapkan dan memantau batas waktu layanan",
                    "Mendelegasikan pekerjaan dengan hasil dan tenggat yang jelas",
                    "Mengatur tugas sehari-hari dengan lebih baik"};
    p.instructors = {"Dr. Hendra Gunawan, M.Psi., Psikolog (Fasilitator)",
                     "Drs. H. Syamsul Bahri, M.Si. (Widyaiswara Ahli Madya, BPSDM Provinsi Jambi)"};
    p.venue = "Ruang Rapat Utama Bappeda Kabupaten Batang Hari, Muara Bulian";
    p.complaint_drop = 0.15;
    p.element_shift = {0.0, 0.05, 0.35, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05};
    p.reaction_mean = {3.9, 4.0, 3.8, 3.9};
    p.test_gain = 0.9;
    p.applied_share = 0.6;
    p.test_title = "Manajemen Waktu dan Produktivitas Kerja";
    p.test = {
        Single("MW1", "Matriks Eisenhower mengelompokkan pekerjaan menurut",
               {{"a", "Biaya dan manfaat"}, {"b", "Urgensi dan kepentingan"}, {"c", "Jabatan pemberi tugas"},
                {"d", "Lama pengerjaan"}},
               "b", "prioritas-kerja", -0.5),
        Single("MW2", "Pekerjaan yang penting tetapi tidak mendesak sebaiknya",
               {{"a", "Dijadwalkan"}, {"b", "Dikerjakan segera"}, {"c", "Didelegasikan"}, {"d", "Ditinggalkan"}},
               "a", "prioritas-kerja", 0.3),
        Single("MW3", "Prinsip Pareto dalam manajemen waktu menyatakan bahwa",
               {{"a", "Semua pekerjaan sama pentingnya"},
                {"b", "Sekitar 80 % hasil berasal dari 20 % kegiatan"},
                {"c", "Pekerjaan harus selesai 80 % sebelum tenggat"},
                {"d", "20 % waktu kerja untuk rapat"}},
               "b", "prioritas-kerja", 0.5),
        Single("MW4", "Teknik Pomodoro membagi waktu kerja dalam blok",
               {{"a", "25 menit kerja fokus diikuti jeda singkat"}, {"b", "Dua jam tanpa jeda"},
                {"c", "Satu hari per tugas"}, {"d", "Sesuai suasana hati"}},
               "a", "fokus-kerja", 0.2),
        YesNoItem("MW5", "Mengerjakan banyak tugas sekaligus (multitasking) selalu mempercepat penyelesaian pekerjaan.",
                  false, "fokus-kerja", -0.8),
        Single("MW6", "Jam kerja ASN menurut Perpres 21/2023 adalah ... jam per minggu",
               {{"a", "35"}, {"b", "37,5"}, {"c", "40"}, {"d", "42"}}, "b", "disiplin-kerja", 0.7),
        Single("MW7", "Indikator kinerja yang baik bersifat",
               {{"a", "Umum dan fleksibel"}, {"b", "Spesifik, terukur, dapat dicapai, relevan dan berbatas waktu"},
                {"c", "Ditentukan setelah pekerjaan selesai"}, {"d", "Sama untuk semua jabatan"}},
               "b", "perencanaan-kinerja", 0.0),
        Single("MW8", "Delegasi yang efektif memuat",
               {{"a", "Perintah lisan saja"}, {"b", "Hasil yang diharapkan, kewenangan dan tenggat yang jelas"},
                {"c", "Semua langkah kerja secara rinci"}, {"d", "Pengalihan tanggung jawab sepenuhnya"}},
               "b", "delegasi", 0.4),
        YesNoItem("MW9", "Rapat tanpa agenda tertulis membuat rapat lebih efisien.", false, "rapat-efektif", -0.9),
        Multiple("MW10", "Penyebab umum waktu tunggu layanan yang panjang (pilih semua yang benar)",
                 {{"antrean-tanpa-nomor", "Antrean tanpa nomor urut"},
                  {"berkas-bolak-balik", "Berkas bolak-balik antarmeja"},
                  {"jam-buka-tidak-tepat", "Jam buka layanan tidak tepat waktu"},
                  {"petugas-berseragam", "Petugas berseragam"}},
                 {"antrean-tanpa-nomor", "berkas-bolak-balik", "jam-buka-tidak-tepat"}, "waktu-layanan", 1.1),
    };
    p.actions = {
        {"Menyusun rencana kerja mingguan seksi dengan matriks prioritas", "prioritas-kerja",
         "Rencana mingguan dibahas setiap Senin pagi", 30, "Notula rapat Senin dan rencana mingguan"},
        {"Menetapkan batas waktu setiap jenis layanan dan memantaunya", "waktu-layanan",
         "Rata-rata waktu penyelesaian layanan turun 20 %", 75, "Rekap waktu layanan dari buku register"},
    };
    p.applied_competencies = {"manajerial"};
    p.suggestions = {"Contoh kasus lebih banyak dari pelayanan di kecamatan.", "Waktu dua hari terlalu singkat.",
                     "Latihan menyusun rencana mingguan sangat membantu.", "Jadwal pelatihan sering molor.",
                     "Pelatihan ini membantu saya mengatur tugas sehari-hari dengan lebih baik."};
    out.push_back(std::move(p));
  }
  {
    ProgramPlan p;
    p.id = "administrasi-perkantoran-2026";
    p.title = "Administrasi Perkantoran Digital (SRIKANDI)";
    p.competency_type = 1;  // TEKNIS
    p.jp = 24;
    p.days = 3;
    p.cost_per_participant = 2'400'000;
    p.objectives = {"Mengelola naskah dinas elektronik di aplikasi SRIKANDI",
                    "Menata arsip aktif sesuai klasifikasi arsip dan jadwal retensi",
                    "Memahami prosedur dan alur kerja yang lebih efisien, agar kesalahan dalam pengolahan dokumen "
                    "berkurang dan pelayanan kepada masyarakat lebih cepat dan akurat"};
    p.instructors = {"Rini Apriyanti, S.Kom. (Arsiparis Ahli Muda, ANRI)",
                     "Drs. H. Syamsul Bahri, M.Si. (Widyaiswara Ahli Madya, BPSDM Provinsi Jambi)"};
    p.venue = "Laboratorium Komputer BKPSDM Kabupaten Batang Hari, Muara Bulian";
    // Back-office work: nothing the public would notice.
    p.complaint_drop = 0;
    p.element_shift = {};
    p.reaction_mean = {4.1, 4.2, 3.6, 4.0};
    p.test_gain = 1.1;
    p.applied_share = 0.7;
    p.test_title = "Administrasi Perkantoran Digital (SRIKANDI)";
    p.test = {
        Single("AP1", "SRIKANDI ditetapkan sebagai aplikasi umum bidang kearsipan dinamis melalui",
               {{"a", "Keputusan Menteri PANRB Nomor 679 Tahun 2020"}, {"b", "Undang-Undang Nomor 43 Tahun 2009"},
                {"c", "Peraturan Presiden Nomor 95 Tahun 2018"}, {"d", "Peraturan Pemerintah Nomor 28 Tahun 2012"}},
               "a", "srikandi", 0.8),
        Single("AP2", "Naskah dinas elektronik ditandatangani dengan sertifikat elektronik yang diterbitkan oleh",
               {{"a", "Bank daerah"}, {"b", "Balai Besar Sertifikasi Elektronik (BSrE) BSSN"},
                {"c", "Dinas Komunikasi dan Informatika"}, {"d", "Penyedia surel"}},
               "b", "srikandi", 0.3),
        Single("AP3", "Jadwal Retensi Arsip (JRA) menentukan",
               {{"a", "Urutan penomoran surat"}, {"b", "Jangka waktu penyimpanan dan nasib akhir arsip"},
                {"c", "Format kop surat"}, {"d", "Siapa yang boleh membaca arsip"}},
               "b", "kearsipan", 0.4),
        Single("AP4", "Arsip aktif disimpan di",
               {{"a", "Unit pengolah (central file)"}, {"b", "Depot arsip daerah"}, {"c", "Rumah pegawai"},
                {"d", "Gudang umum"}},
               "a", "kearsipan", 0.1),
        YesNoItem("AP5", "Surat masuk yang didisposisikan melalui SRIKANDI tetap harus dicetak sebagai arsip utama.",
                  false, "srikandi", 0.0),
        Single("AP6", "Kode klasifikasi arsip digunakan untuk",
               {{"a", "Menentukan harga kertas"}, {"b", "Pemberkasan dan penemuan kembali arsip"},
                {"c", "Menghitung jumlah pegawai"}, {"d", "Mengatur jam kerja"}},
               "b", "kearsipan", -0.3),
        Single("AP7", "Arsip vital adalah arsip yang",
               {{"a", "Berusia lebih dari 10 tahun"},
                {"b", "Keberadaannya menjadi persyaratan dasar kelangsungan operasional pencipta arsip"},
                {"c", "Disimpan di brankas pimpinan"}, {"d", "Berisi data keuangan saja"}},
               "b", "kearsipan", 0.6),
        YesNoItem("AP8", "Satu akun SRIKANDI boleh dipakai bersama oleh beberapa pegawai dalam satu bidang.", false,
                  "keamanan-informasi", -1.0),
        Single("AP9", "Disposisi elektronik yang benar memuat",
               {{"a", "Paraf saja"}, {"b", "Tujuan disposisi, isi arahan dan batas waktu"},
                {"c", "Nomor telepon pimpinan"}, {"d", "Tanda tangan basah"}},
               "b", "srikandi", 0.2),
        Multiple("AP10", "Unsur kepala naskah surat dinas (pilih semua yang benar)",
                 {{"lambang-daerah", "Lambang daerah"},
                  {"nama-instansi", "Nama instansi"},
                  {"alamat", "Alamat instansi"},
                  {"nomor-rekening", "Nomor rekening bendahara"}},
                 {"lambang-daerah", "nama-instansi", "alamat"}, "tata-naskah", 0.9),
    };
    p.actions = {
        {"Mengirim seluruh naskah dinas keluar bidang melalui SRIKANDI", "srikandi",
         "100 % surat keluar bidang tercatat di SRIKANDI", 30, "Laporan naskah keluar SRIKANDI bulanan"},
        {"Memberkaskan arsip aktif bidang sesuai kode klasifikasi", "kearsipan", "Daftar arsip aktif bidang lengkap",
         60, "Daftar arsip aktif yang ditandatangani kepala bidang"},
    };
    p.applied_competencies = {"digital", "teknis"};
    p.suggestions = {"Jaringan internet di laboratorium sering putus.", "Perlu pendampingan setelah pelatihan.",
                     "Praktik membuat disposisi sangat jelas.", "Komputer laboratorium perlu diperbarui.",
                     "Prosedur dan alur kerja naskah dinas kini lebih jelas."};
    out.push_back(std::move(p));
  }
  return out;
}

struct CohortRow {
  const char* program;
  int number;
  absl::CivilDay start;
  std::vector<std::pair<std::string, int>> units;
  const char* venue;  // nullptr: the programme's
};

// The 2026 calendar: working days, clear of the national holidays and
// cuti bersama (SKB 3 Menteri 1497/2025); a unit's cohorts of one
// programme are at least four months apart.
std::vector<CohortRow> CohortRows() {
  using D = absl::CivilDay;
  const char* kRsud = "Aula RSUD Hamba Muara Bulian";
  return {
      {"pelayanan-publik-2026", 1, D(2026, 1, 20), {{"disdukcapil", 22}, {"camat-muara-bulian", 8}}, nullptr},
      {"pelayanan-publik-2026", 2, D(2026, 2, 10), {{"rsud-hamba", 30}}, kRsud},
      {"pelayanan-publik-2026", 3, D(2026, 4, 14),
       {{"dpmptsp", 16}, {"camat-muara-tembesi", 8}, {"camat-pemayung", 6}}, nullptr},
      {"pelayanan-publik-2026", 4, D(2026, 7, 14), {{"rsud-hamba", 20}, {"disdukcapil", 10}}, kRsud},
      {"pelayanan-publik-2026", 5, D(2026, 8, 10),
       {{"dpmptsp", 12}, {"camat-muara-bulian", 8}, {"camat-muara-tembesi", 5}, {"camat-pemayung", 5}}, nullptr},
      {"pelayanan-publik-2026", 6, D(2026, 11, 10), {{"rsud-hamba", 20}, {"disdukcapil", 10}}, kRsud},
      {"manajemen-waktu-2026", 1, D(2026, 2, 24), {{"dinsos", 14}, {"dlh", 10}, {"camat-bajubang", 6}}, nullptr},
      {"manajemen-waktu-2026", 2, D(2026, 5, 19), {{"camat-maro-sebo-ilir", 12}, {"camat-maro-sebo-ulu", 12}},
       nullptr},
      {"manajemen-waktu-2026", 3, D(2026, 9, 15), {{"dinsos", 12}, {"dlh", 10}, {"camat-bajubang", 6}}, nullptr},
      {"manajemen-waktu-2026", 4, D(2026, 11, 24), {{"camat-maro-sebo-ilir", 9}, {"camat-maro-sebo-ulu", 9}},
       nullptr},
      {"administrasi-perkantoran-2026", 1, D(2026, 3, 3), {{"bapenda", 14}, {"bkpsdm", 10}, {"dispusip", 6}},
       nullptr},
      {"administrasi-perkantoran-2026", 2, D(2026, 6, 2), {{"disnakertrans", 12}, {"bapenda", 10}, {"bkpsdm", 8}},
       nullptr},
      {"administrasi-perkantoran-2026", 3, D(2026, 8, 19),
       {{"bapenda", 12}, {"disnakertrans", 10}, {"dispusip", 8}}, nullptr},
      {"administrasi-perkantoran-2026", 4, D(2026, 11, 17),
       {{"bkpsdm", 10}, {"bapenda", 10}, {"disnakertrans", 6}}, nullptr},
  };
}

// How far a cohort's effect has arrived `days` after its last day: nothing
// during the training, all of it three weeks later.
double Ramp(int64_t days) { return days <= 0 ? 0 : std::min(1.0, static_cast<double>(days) / 21.0); }

}  // namespace

const UnitPlan* Plan::Unit(absl::string_view id) const {
  for (const auto& u : units) {
    if (u.id == id) return &u;
  }
  return nullptr;
}
const PersonPlan* Plan::Person(absl::string_view nip) const {
  for (const auto& p : people) {
    if (p.nip == nip) return &p;
  }
  return nullptr;
}
const ProgramPlan* Plan::Program(absl::string_view id) const {
  for (const auto& p : programs) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

void Plan::Index() {
  // A unit's n-th cohort of a programme has 1 / 2^(n-1) of the first one's
  // effect: the staff who most need it are sent first.
  for (const CohortPlan& c : cohorts) {
    const ProgramPlan* p = Program(c.program_id);
    for (const auto& [unit, seats] : c.units) {
      int before = 0;
      for (const CohortPlan& o : cohorts) {
        if (o.program_id != c.program_id || o.end >= c.end) continue;
        for (const auto& ou : o.units) before += ou.first == unit;
      }
      const double scale = std::pow(0.5, before);
      Event e{c.end, p->complaint_drop * scale, {}};
      for (int i = 0; i < 9; ++i) e.element_shift[i] = p->element_shift[i] * scale;
      events_[unit].push_back(e);
    }
  }
}

double Plan::TrainingFactor(absl::string_view unit, absl::CivilDay day) const {
  double f = 1;
  auto it = events_.find(std::string(unit));
  if (it == events_.end()) return f;
  for (const Event& e : it->second) f *= 1 - e.complaint_drop * Ramp(day - e.end);
  return f;
}

bool Plan::TrainedBefore(absl::string_view unit, absl::CivilDay day) const {
  auto it = events_.find(std::string(unit));
  if (it == events_.end()) return false;
  for (const Event& e : it->second) {
    if (e.end < day && e.complaint_drop > 0) return true;
  }
  return false;
}

double Plan::ExpectedComplaints(absl::string_view unit, absl::CivilDay day) const {
  const UnitPlan* u = Unit(unit);
  if (u == nullptr || absl::CivilMonth(day) < u->complaints_since || day < kDataStart) return 0;
  double rate = static_cast<double>(u->monthly_volume) / 30.4375 * u->complaints_per_1000 / 1000;
  // After Idul Fitri (31 March 2025, 20 March 2026) people move, come home
  // and renew documents: four busier weeks, most at the civil registry.
  for (absl::CivilDay lebaran : {absl::CivilDay(2025, 3, 31), absl::CivilDay(2026, 3, 20)}) {
    const int64_t d = day - lebaran;
    if (d >= 2 && d < 30) rate *= u->id == "disdukcapil" ? 1.5 : 1.25;
  }
  // The new school year (July): admissions and their documents.
  if (day.month() == 7 && (u->id == "disdik" || u->id == "disdukcapil")) rate *= 1.2;
  // SP4N-LAPOR! becomes better known: about 5 % more reports a year.
  rate *= 1 + 0.004 * static_cast<double>(absl::CivilMonth(day) - absl::CivilMonth(2025, 1));
  return rate * TrainingFactor(unit, day);
}

double Plan::ElementMean(absl::string_view unit, int element, absl::CivilDay day) const {
  const UnitPlan* u = Unit(unit);
  if (u == nullptr) return 3;
  // The element profile of regencies' SKM results: biaya (mostly free
  // services) high; sarana, waktu and penanganan pengaduan low.
  static const double kOffset[9] = {0.10, 0.0, -0.20, 0.30, 0.05, 0.0, 0.10, -0.25, -0.15};
  double m = u->element_mean + kOffset[element];
  auto it = events_.find(u->id);
  if (it != events_.end()) {
    for (const Event& e : it->second) m += e.element_shift[element] * Ramp(day - e.end);
  }
  return m;
}

const Plan& Batanghari() {
  static const Plan* plan = [] {
    auto* p = new Plan;
    const std::vector<UnitRow> rows = Units();
    for (const auto& r : rows) p->units.push_back(r.unit);
    BuildRoster(rows, &p->people);
    p->programs = Programs();

    std::vector<std::string> observers;
    for (const auto& person : p->people) {
      if (person.observer) observers.push_back(person.nip);
    }
    // Who may be a participant of a programme: never a head of unit (no
    // supervisor recorded) nor an observer; Manajemen Waktu is for those
    // who organise others' work too (levels 1-3), the others for levels 2
    // and 3.  Nobody attends a programme twice.
    std::map<std::string, std::set<std::string>> used;  // programme -> NIPs
    std::map<std::string, int> cohorts_of_programme;
    for (const CohortRow& row : CohortRows()) {
      const ProgramPlan* program = p->Program(row.program);
      CohortPlan c;
      c.program_id = row.program;
      c.number = row.number;
      c.cohort_id = absl::StrFormat("angkatan-%02d", row.number);
      c.display_name = absl::StrCat("Angkatan ", Roman(row.number), " — ", program->title);
      c.start = row.start;
      c.end = row.start + (program->days - 1);
      c.venue = row.venue ? row.venue : program->venue;
      const int k = cohorts_of_programme[row.program]++;
      const auto& ins = program->instructors;
      c.instructors = {ins[k % ins.size()], ins[(k + 1) % ins.size()]};
      c.observers = {observers[k % observers.size()], observers[(k + 1) % observers.size()]};
      c.units = row.units;
      int seats = 0;
      for (const auto& [unit, n] : row.units) seats += n;
      const bool managerial = absl::string_view(row.program) == "manajemen-waktu-2026";
      auto take = [&](const std::string& unit, int n) {
        // The unit's eligible staff in a stable shuffled order.
        std::vector<std::pair<uint64_t, std::string>> pool;
        for (const auto& person : p->people) {
          if (person.unit != unit || person.observer || person.supervisor_nip.empty()) continue;
          if (person.level < (managerial ? 1 : 2)) continue;
          if (used[row.program].count(person.nip)) continue;
          pool.emplace_back(Hash(absl::StrCat(row.program, "|", person.nip)), person.nip);
        }
        std::sort(pool.begin(), pool.end());
        for (int i = 0; i < n && i < static_cast<int>(pool.size()); ++i) {
          used[row.program].insert(pool[i].second);
          c.applicants.push_back(pool[i].second);
        }
      };
      for (const auto& [unit, n] : row.units) take(unit, n);
      // A full cohort has two more applicants from its first unit, who are
      // wait-listed.
      if (seats >= c.capacity) take(row.units[0].first, 2);
      // Applications arrive in no particular order of unit.
      std::sort(c.applicants.begin(), c.applicants.end(), [&](const std::string& a, const std::string& b) {
        return Hash(c.cohort_id + a) < Hash(c.cohort_id + b);
      });
      c.withdrawn = c.applicants.size() > 3 ? c.applicants[3] : "";
      for (size_t i = 0; i < c.applicants.size(); ++i) {
        if (i % 11 == 5 && c.applicants[i] != c.withdrawn) c.absent_last_day.insert(c.applicants[i]);
      }
      p->cohorts.push_back(std::move(c));
    }
    p->Index();
    return p;
  }();
  return *plan;
}

}  // namespace pelita::demo
