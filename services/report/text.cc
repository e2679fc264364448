#include "services/report/text.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pelita::report {
namespace {

constexpr const char* kMonths[] = {"Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
                                   "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};

// Groups the digits of a non-negative integer string by thousands with dots.
std::string Group(const std::string& digits) {
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back('.');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

double RoundHalfAwayFromZero(double v, int digits) {
  if (!std::isfinite(v)) return v;
  const double f = std::pow(10.0, digits);
  // 12 significant digits first: 1.005 * 100 = 100.49999999999999 -> 100.5.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", std::fabs(v) * f);
  double scaled = 0;
  if (!absl::SimpleAtod(buf, &scaled)) scaled = std::fabs(v) * f;
  const double r = std::floor(scaled + 0.5) / f;
  return v < 0 && r != 0 ? -r : r;
}

std::string FormatNumber(double v, int digits) {
  if (!std::isfinite(v)) return "–";
  const double r = RoundHalfAwayFromZero(v, digits);
  std::string s = absl::StrFormat("%.*f", digits, std::fabs(r));
  std::string whole = s.substr(0, s.find('.'));
  std::string out = absl::StrCat(r < 0 ? "-" : "", Group(whole));
  if (digits > 0) absl::StrAppend(&out, ",", s.substr(s.find('.') + 1));
  return out;
}

std::string FormatInteger(int64_t v) {
  std::string digits = absl::StrCat(v < 0 ? -v : v);
  return absl::StrCat(v < 0 ? "-" : "", Group(digits));
}

std::string FormatScore(double v) { return FormatNumber(v, 1); }

std::string FormatPercent(double share) { return absl::StrCat(FormatNumber(share * 100, 1), "%"); }

std::string FormatRupiah(double amount) {
  const double r = RoundHalfAwayFromZero(amount, 0);
  return absl::StrCat(r < 0 ? "-" : "", "Rp ", FormatNumber(std::fabs(r), 0));
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrCat(day.day(), " ", kMonths[day.month() - 1], " ", day.year());
}

std::string FormatMonth(absl::CivilMonth month) {
  return absl::StrCat(kMonths[month.month() - 1], " ", month.year());
}

std::string FormatDateTime(absl::Time t, absl::TimeZone zone) {
  const absl::CivilSecond s = absl::ToCivilSecond(t, zone);
  return absl::StrCat(FormatDate(absl::CivilDay(s)), " ", absl::StrFormat("%02d.%02d", s.hour(), s.minute()));
}

std::string FormatIsoDay(absl::string_view day) {
  absl::CivilDay d;
  if (!absl::ParseCivilTime(day, &d)) return "";
  return FormatDate(d);
}

std::string FormatDayRange(absl::string_view first, absl::string_view last) {
  auto day = [](absl::string_view d) {
    std::string s = FormatIsoDay(d);
    return s.empty() ? std::string(d) : s;
  };
  return absl::StrCat(day(first), " – ", day(last));
}

std::string IntervalText(Interval95 interval) {
  switch (interval) {
    case Interval95::kStudentT: return "interval t 95%";
    case Interval95::kWilson: return "interval Wilson 95%";
    case Interval95::kNormal: return "interval normal 95%";
    case Interval95::kPoisson: return "interval normal (Poisson) 95%";
  }
  return "interval 95%";
}

std::string WithInterval(absl::string_view formula, Interval95 interval) {
  return absl::StrCat(formula, "; ", IntervalText(interval));
}

std::string ReasonText(scoring::v1::ReasonCode code) {
  using scoring::v1::ReasonCode;
  switch (code) {
    case scoring::v1::BELOW_MIN_N:
      return "Responden terlalu sedikit: angka tidak ditampilkan agar jawaban tidak dapat dikenali.";
    case scoring::v1::COMPLEMENTARY_SUPPRESSION:
      return "Disembunyikan agar angka lain yang disembunyikan tidak dapat dihitung dari selisihnya.";
    case scoring::v1::DATA_ABSENT: return "Belum ada data untuk angka ini.";
    case scoring::v1::NOT_ATTRIBUTABLE: return "Jawaban anonim tidak dapat dikaitkan dengan unit kerja.";
    case scoring::v1::NO_PARTICIPANTS: return "Belum ada peserta.";
    case scoring::v1::NO_COST: return "Biaya belum dicatat.";
    case scoring::v1::NO_BENEFIT_ESTIMATE: return "Perkiraan manfaat dalam rupiah belum dicatat.";
    case scoring::v1::STATISTIC_UNDEFINED: return "Angka ini tidak dapat dihitung dari data yang ada.";
    case scoring::v1::NO_POSITIVE_GAIN:
      return "Tidak ada kenaikan nilai, sehingga biaya per poin kenaikan tidak dapat dihitung.";
    case scoring::v1::RESULTS_NOT_YET: return "Masa pengamatan sesudah pelatihan belum selesai.";
    case scoring::v1::RESULTS_UNAVAILABLE: return "Data sumber sedang tidak dapat dibaca.";
    case scoring::v1::NO_COHORT_DATES: return "Tanggal angkatan belum dicatat.";
    case scoring::v1::UNITS_UNKNOWN: return "Unit kerja peserta belum diketahui.";
    case scoring::v1::WINDOW_NOT_COVERED:
      return "Data unit kerja tidak mencakup masa sebelum dan sesudah pelatihan.";
    case scoring::v1::TOO_FEW_CONTROL_UNITS: return "Unit pembanding terlalu sedikit untuk perkiraan.";
    case scoring::v1::VOLUME_UNKNOWN: return "Volume layanan bulanan unit kerja belum diketahui.";
    case scoring::v1::TOO_FEW_COMPLAINTS: return "Pengaduan terlalu sedikit untuk perkiraan.";
    case scoring::v1::TOO_FEW_SKM_RESPONDENTS: return "Responden survei kepuasan masyarakat terlalu sedikit.";
    case scoring::v1::EFFECT_NOT_SHOWN: return "Belum menunjukkan efek: interval 95% mencakup nol.";
    case scoring::v1::NO_COMPLAINTS_AVOIDED: return "Pengaduan justru naik: tidak ada pengaduan yang terhindarkan.";
    case scoring::v1::NOT_BY_UNIT: return "Hasil dihitung per angkatan, bukan per unit kerja.";
    case scoring::v1::NO_LEVEL_SCORE: return "Belum ada level yang memiliki skor.";
    case scoring::v1::TOO_FEW_REGENCIES: return "Kabupaten/kota pembanding terlalu sedikit.";
    case scoring::v1::TOO_FEW_ITEMS: return "Jawaban lengkap atau butir pertanyaan terlalu sedikit.";
    case scoring::v1::WINDOW_NOT_OPEN: return "Masa tindak lanjut ini belum dimulai.";
    default: return "Angka ini tidak ditampilkan.";
  }
}

}  // namespace pelita::report
