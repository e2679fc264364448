#include "services/performance/domain.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "lib/ids/slug.h"
#include "lib/stats/stats.h"

namespace pelita::performance {

const std::array<const char*, kBands> kBandColumns = {
    "waktu_1j", "waktu_2j", "waktu_4j", "waktu_8j", "waktu_1h",  "waktu_2h",
    "waktu_3h", "waktu_5h", "waktu_7h", "waktu_14h", "waktu_30h", "waktu_lebih_30h"};

int BandOf(double hours) {
  for (int i = 0; i < kBands - 1; ++i) {
    if (hours <= kBandUpperHours[i]) return i;
  }
  return kBands - 1;
}

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text) {
  int y = 0, m = 0;
  if (text.size() != 7 || text[4] != '-' || !absl::SimpleAtoi(text.substr(0, 4), &y) ||
      !absl::SimpleAtoi(text.substr(5, 2), &m) || !absl::ascii_isdigit(text[0]) ||
      !absl::ascii_isdigit(text[5]) || y < 2000 || y > 2100 || m < 1 || m > 12) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a month YYYY-MM"));
  }
  return absl::CivilMonth(y, m);
}

std::string FormatMonth(absl::CivilMonth m) { return absl::StrFormat("%04d-%02d", m.year(), m.month()); }

namespace {

void Add(std::vector<Violation>* out, const std::string& prefix, absl::string_view field,
         std::string problem, absl::string_view code) {
  out->push_back({absl::StrCat(prefix, field), std::move(problem), std::string(code)});
}

std::string Deterministic(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

}  // namespace

void CheckServiceMonth(const v1::ServiceMonth& m, absl::CivilMonth month, absl::CivilMonth current,
                       const std::string& prefix, std::vector<Violation>* out) {
  if (month > current) {
    Add(out, prefix, "name", absl::StrCat("month ", FormatMonth(month), " is in the future (this month is ",
                                          FormatMonth(current), ")"),
        "FUTURE_MONTH");
  }
  const std::pair<const char*, int64_t> counts[] = {
      {"received", m.received()}, {"completed", m.completed()}, {"completed_on_time", m.completed_on_time()},
      {"returned", m.returned()}, {"rejected", m.rejected()},   {"staff", m.staff()}};
  bool negative = false;
  for (const auto& [field, value] : counts) {
    if (value < 0) {
      Add(out, prefix, field, absl::StrCat("must not be negative (is ", value, ")"), "NEGATIVE_COUNT");
      negative = true;
    }
  }
  if (!negative) {
    if (m.completed() > m.received()) {
      Add(out, prefix, "completed",
          absl::StrCat("completed (", m.completed(), ") is more than received (", m.received(), ")"),
          "COMPLETED_EXCEEDS_RECEIVED");
    } else if (m.completed() + m.rejected() > m.received()) {
      Add(out, prefix, "rejected",
          absl::StrCat("completed + rejected (", m.completed() + m.rejected(), ") is more than received (",
                       m.received(), ")"),
          "REJECTED_EXCEEDS_RECEIVED");
    }
    if (m.completed_on_time() > m.completed()) {
      Add(out, prefix, "completed_on_time",
          absl::StrCat("completed on time (", m.completed_on_time(), ") is more than completed (", m.completed(), ")"),
          "ON_TIME_EXCEEDS_COMPLETED");
    }
    if (m.returned() > m.completed()) {
      Add(out, prefix, "returned",
          absl::StrCat("returned (", m.returned(), ") is more than completed (", m.completed(), ")"),
          "RETURNED_EXCEEDS_COMPLETED");
    }
  }
  const auto& pt = m.processing_time();
  if (pt.band_counts_size() != 0 && pt.band_counts_size() != kBands) {
    Add(out, prefix, "processing_time.band_counts",
        absl::StrCat("needs ", kBands, " counts or none (has ", pt.band_counts_size(), ")"), "BAND_COUNT");
  } else {
    int64_t timed = 0;
    double low = 0, high = 0;
    bool open = false;
    for (int i = 0; i < pt.band_counts_size(); ++i) {
      const int64_t c = pt.band_counts(i);
      if (c < 0) {
        Add(out, prefix, absl::StrCat("processing_time.band_counts[", i, "]"),
            absl::StrCat("must not be negative (is ", c, ")"), "NEGATIVE_COUNT");
        negative = true;
        continue;
      }
      timed += c;
      low += static_cast<double>(c) * (i == 0 ? 0 : kBandUpperHours[i - 1]);
      if (i == kBands - 1) {
        open |= c > 0;
      } else {
        high += static_cast<double>(c) * kBandUpperHours[i];
      }
    }
    if (!negative && timed > m.completed()) {
      Add(out, prefix, "processing_time.band_counts",
          absl::StrCat("documents timed (", timed, ") are more than completed (", m.completed(), ")"),
          "TIMED_EXCEEDS_COMPLETED");
    }
    if (!std::isfinite(pt.total_hours()) || pt.total_hours() < 0) {
      Add(out, prefix, "processing_time.total_hours", "must be a time of zero or more hours", "NEGATIVE_TIME");
    } else if (pt.total_hours() > 0) {
      const double slack = 1e-6 * std::max(1.0, pt.total_hours());
      if (timed == 0) {
        Add(out, prefix, "processing_time.total_hours", "a total time needs the documents' band counts",
            "TIME_WITHOUT_BANDS");
      } else if (pt.total_hours() + slack < low || (!open && pt.total_hours() > high + slack)) {
        Add(out, prefix, "processing_time.total_hours",
            absl::StrFormat("%.2f hours cannot be the total of the band counts (between %.2f and %s)",
                            pt.total_hours(), low, open ? "more" : absl::StrFormat("%.2f", high)),
            "TIME_OUTSIDE_BANDS");
      }
    }
  }
  for (int i = 0; i < m.indicators_size(); ++i) {
    const auto& ind = m.indicators(i);
    if (!ValidateSlug("code", ind.code()).ok()) {
      Add(out, prefix, absl::StrCat("indicators[", i, "].code"), "must be a lower-case slug", "INVALID_INDICATOR");
    } else if (!std::isfinite(ind.value())) {
      Add(out, prefix, absl::StrCat("indicators[", i, "].value"), "must be a number", "INVALID_INDICATOR");
    } else if (ind.unit_of_measure().size() > 100) {
      Add(out, prefix, absl::StrCat("indicators[", i, "].unit_of_measure"), "at most 100 bytes",
          "INVALID_INDICATOR");
    }
    for (int j = 0; j < i; ++j) {
      if (m.indicators(j).code() == ind.code()) {
        Add(out, prefix, absl::StrCat("indicators[", i, "].code"), absl::StrCat("\"", ind.code(), "\" given twice"),
            "DUPLICATE_INDICATOR");
      }
    }
  }
}

std::string FiguresBytes(const v1::ServiceMonth& m) {
  v1::ServiceMonth f = m;
  f.clear_name();
  f.clear_revision();
  f.clear_update_time();
  f.clear_source();
  return Deterministic(f);
}

void Totals::Add(const v1::ServiceMonth& m) {
  received += m.received();
  completed += m.completed();
  completed_on_time += m.completed_on_time();
  returned += m.returned();
  rejected += m.rejected();
  int64_t timed = 0;
  for (int i = 0; i < m.processing_time().band_counts_size() && i < kBands; ++i) {
    bands[i] += m.processing_time().band_counts(i);
    timed += m.processing_time().band_counts(i);
  }
  if (m.processing_time().total_hours() > 0) {
    hours += m.processing_time().total_hours();
    hours_count += timed;
  }
  if (m.staff() > 0) {
    staff += m.staff();
    completed_with_staff += m.completed();
  }
  ++months_with_data;
}

double BandQuantile(const std::array<int64_t, kBands>& bands, double p, bool* at_least) {
  *at_least = false;
  int64_t n = 0;
  for (int64_t c : bands) n += c;
  if (n == 0) return 0;
  // The position of the quantile among n documents spread evenly within
  // their bands: the band where the cumulative count passes p·n.
  const double target = p * static_cast<double>(n);
  double before = 0;
  for (int i = 0; i < kBands; ++i) {
    const double c = static_cast<double>(bands[i]);
    if (c > 0 && before + c >= target) {
      const double lo = i == 0 ? 0 : kBandUpperHours[i - 1];
      if (i == kBands - 1) {
        *at_least = true;
        return lo;
      }
      const double hi = kBandUpperHours[i];
      return lo + (hi - lo) * (target - before) / c;
    }
    before += c;
  }
  return 0;  // not reached: the bands sum to n
}

v1::Proportion ProportionOf(int64_t numerator, int64_t n) {
  v1::Proportion p;
  p.set_numerator(numerator);
  p.set_n(n);
  if (n <= 0) return p;
  auto ci = stats::WilsonInterval(numerator, n);
  p.set_value(static_cast<double>(numerator) / static_cast<double>(n));
  if (ci.ok()) {
    p.set_ci_low(ci->lower);
    p.set_ci_high(ci->upper);
  }
  return p;
}

v1::PerformanceFigures FiguresOf(const Totals& t) {
  v1::PerformanceFigures f;
  f.set_received(t.received);
  f.set_completed(t.completed);
  f.set_completed_on_time(t.completed_on_time);
  f.set_returned(t.returned);
  f.set_rejected(t.rejected);
  *f.mutable_error_rate() = ProportionOf(t.returned, t.completed);
  *f.mutable_on_time_rate() = ProportionOf(t.completed_on_time, t.completed);
  auto* pt = f.mutable_processing_time();
  int64_t n = 0;
  for (int64_t c : t.bands) n += c;
  pt->set_count(n);
  bool at_least = false;
  pt->set_median_hours(BandQuantile(t.bands, 0.5, &at_least));
  pt->set_median_at_least(at_least);
  pt->set_p90_hours(BandQuantile(t.bands, 0.9, &at_least));
  pt->set_p90_at_least(at_least);
  if (t.hours_count > 0) pt->set_mean_hours(t.hours / static_cast<double>(t.hours_count));
  if (t.staff > 0) {
    f.set_output_per_staff(static_cast<double>(t.completed_with_staff) / static_cast<double>(t.staff));
  }
  f.set_months_with_data(t.months_with_data);
  return f;
}

absl::StatusOr<SkpPeriod> ParseSkpPeriod(absl::string_view text) {
  SkpPeriod p;
  p.id = std::string(text);
  int y = 0;
  if (text.size() == 4 && absl::SimpleAtoi(text, &y) && absl::ascii_isdigit(text[0]) && y >= 2000 && y <= 2100) {
    p.year = y;
    p.start = absl::CivilMonth(y, 1);
    p.end = absl::CivilMonth(y, 12);
    return p;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(text, '_');
  if (parts.size() == 2) {
    auto a = ParseMonth(parts[0]);
    auto b = ParseMonth(parts[1]);
    if (a.ok() && b.ok() && *a <= *b && a->year() == b->year()) {
      p.year = static_cast<int>(a->year());
      p.start = *a;
      p.end = *b;
      return p;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text, "\" is not an SKP period (YYYY, or YYYY-MM_YYYY-MM within one year)"));
}

namespace {
// Upper case without spaces, '-' or '_'.
std::string Squash(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '_' || c == '\t') continue;
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}
}  // namespace

v1::Predicate PredicateFromText(absl::string_view text) {
  const std::string s = Squash(text);
  if (s == "SANGATBAIK") return v1::SANGAT_BAIK;
  if (s == "BAIK") return v1::BAIK;
  if (s == "BUTUHPERBAIKAN") return v1::BUTUH_PERBAIKAN;
  if (s == "KURANG") return v1::KURANG;
  if (s == "SANGATKURANG") return v1::SANGAT_KURANG;
  return v1::PREDICATE_UNSPECIFIED;
}

v1::Rating RatingFromText(absl::string_view text) {
  const std::string s = Squash(text);
  if (s == "DIATASEKSPEKTASI") return v1::DI_ATAS_EKSPEKTASI;
  if (s == "SESUAIEKSPEKTASI") return v1::SESUAI_EKSPEKTASI;
  if (s == "DIBAWAHEKSPEKTASI") return v1::DI_BAWAH_EKSPEKTASI;
  return v1::RATING_UNSPECIFIED;
}

int PredicateRank(v1::Predicate p) {
  switch (p) {
    case v1::SANGAT_BAIK: return 5;
    case v1::BAIK: return 4;
    case v1::BUTUH_PERBAIKAN: return 3;
    case v1::KURANG: return 2;
    case v1::SANGAT_KURANG: return 1;
    default: return 0;
  }
}

void CheckSkp(const v1::Skp& s, const std::string& prefix, std::vector<Violation>* out) {
  if (!v1::Predicate_IsValid(s.kuadran_kinerja()) || s.kuadran_kinerja() == v1::PREDICATE_UNSPECIFIED) {
    Add(out, prefix, "kuadran_kinerja",
        "must be one of Sangat Baik, Baik, Butuh Perbaikan, Kurang, Sangat Kurang", "INVALID_PREDICATE");
  }
  if (!v1::Rating_IsValid(s.hasil_kinerja())) {
    Add(out, prefix, "hasil_kinerja", "not a rating", "INVALID_RATING");
  }
  if (!v1::Rating_IsValid(s.perilaku_kerja())) {
    Add(out, prefix, "perilaku_kerja", "not a rating", "INVALID_RATING");
  }
  if (!s.nip_penilai().empty()) {
    bool digits = s.nip_penilai().size() == 18;
    for (char c : s.nip_penilai()) digits &= absl::ascii_isdigit(static_cast<unsigned char>(c));
    if (!digits) Add(out, prefix, "nip_penilai", "must be an NIP of 18 digits", "INVALID_NIP");
  }
}

std::string SkpBytes(const v1::Skp& s) {
  v1::Skp f = s;
  f.clear_name();
  f.clear_revision();
  f.clear_update_time();
  f.clear_source();
  f.clear_year();
  f.clear_start_month();
  f.clear_end_month();
  return Deterministic(f);
}

}  // namespace pelita::performance
