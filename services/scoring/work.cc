#include "services/scoring/work.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "lib/stats/stats.h"
#include "services/scoring/figures.h"

namespace pelita::scoring {
namespace {

bool ParseMonth(const std::string& text, absl::CivilMonth* m) { return absl::ParseCivilTime(text, m); }

std::vector<std::string> MonthsOf(const std::string& first, const std::string& last) {
  std::vector<std::string> out;
  absl::CivilMonth a, b;
  if (!ParseMonth(first, &a) || !ParseMonth(last, &b)) return out;
  for (absl::CivilMonth m = a; m <= b; ++m) out.push_back(absl::FormatCivilTime(m));
  return out;
}

// Documents of a group in a window.
struct Pool {
  int64_t completed = 0, on_time = 0, returned = 0;
  std::array<int64_t, kWorkBands> bands{};
  int64_t timed = 0;          // Σ bands of months that gave a total
  double hours = 0;           // Σ total_hours of those months
  void Add(const WorkMonth& m) {
    completed += m.completed;
    on_time += m.on_time;
    returned += m.returned;
    if (m.has_bands && m.total_hours > 0) {
      int64_t n = 0;
      for (int i = 0; i < kWorkBands; ++i) {
        bands[i] += m.bands[i];
        n += m.bands[i];
      }
      timed += n;
      hours += m.total_hours;
    }
  }
};

double Midpoint(int band) {
  if (band == kWorkBands - 1) return 1.5 * kWorkBandUpperHours[kWorkBands - 2];
  const double lo = band == 0 ? 0 : kWorkBandUpperHours[band - 1];
  return (lo + kWorkBandUpperHours[band]) / 2;
}

// The variance of the mean hours: the band midpoints' variance over n.
double HoursVariance(const Pool& p) {
  if (p.timed < 2) return 0;
  double mean = 0;
  for (int i = 0; i < kWorkBands; ++i) mean += Midpoint(i) * static_cast<double>(p.bands[i]);
  mean /= static_cast<double>(p.timed);
  double ss = 0;
  for (int i = 0; i < kWorkBands; ++i) ss += static_cast<double>(p.bands[i]) * std::pow(Midpoint(i) - mean, 2);
  return ss / static_cast<double>(p.timed - 1) / static_cast<double>(p.timed);
}

const char kRateFormula[] = "returned / completed; 95% Wilson interval";
const char kOnTimeFormula[] = "completed on time / completed; 95% Wilson interval";
const char kHoursFormula[] =
    "sum of hours / documents timed; 95% normal interval, variance from the band midpoints (open band 1080 h)";

v1::Figure Rate(int64_t k, int64_t n, const char* formula) {
  if (n <= 0) return Withheld(0, v1::DATA_ABSENT, "no completed documents in the window", formula);
  v1::Figure f = Value(static_cast<double>(k) / static_cast<double>(n), n, formula,
                       {{"numerator", static_cast<double>(k)}, {"completed", static_cast<double>(n)}});
  auto ci = stats::WilsonInterval(k, n);
  if (ci.ok()) SetInterval(f, ci->lower, ci->upper);
  return f;
}

v1::Figure Hours(const Pool& p) {
  if (p.timed <= 0) return Withheld(0, v1::DATA_ABSENT, "no processing times in the window", kHoursFormula);
  const double mean = p.hours / static_cast<double>(p.timed);
  v1::Figure f = Value(mean, p.timed, kHoursFormula, {{"hours", p.hours}, {"documents", static_cast<double>(p.timed)}});
  const double se = std::sqrt(HoursVariance(p));
  SetInterval(f, std::max(0.0, mean - 1.959963984540054 * se), mean + 1.959963984540054 * se);
  return f;
}

stats::Estimate RateEstimate(int64_t k, int64_t n) {
  const double p = static_cast<double>(k) / static_cast<double>(n);
  return {p * 100, p * (1 - p) / static_cast<double>(n) * 1e4};
}

}  // namespace

void WholeMonths(absl::CivilDay first_day, absl::CivilDay last_day, std::string* first_month,
                 std::string* last_month) {
  absl::CivilMonth first(first_day);
  if (absl::CivilDay(first) < first_day) ++first;
  absl::CivilMonth last(last_day);
  if (absl::CivilDay(last + 1) - 1 > last_day) --last;
  *first_month = absl::FormatCivilTime(first);
  *last_month = absl::FormatCivilTime(last);
}

v1::WorkResults ComputeWork(const WorkInputs& in) {
  v1::WorkResults out;
  out.set_before_first_month(in.before_first);
  out.set_before_last_month(in.before_last);
  out.set_after_first_month(in.after_first);
  out.set_after_last_month(in.after_last);
  const std::vector<std::string> before = MonthsOf(in.before_first, in.before_last);
  const std::vector<std::string> after = MonthsOf(in.after_first, in.after_last);
  std::map<std::string, std::map<std::string, const WorkMonth*>> by_unit;
  for (const WorkMonth& m : in.months) by_unit[m.unit][m.period] = &m;

  // Which units enter, and the pools.
  Pool tb, ta, cb, ca;
  int64_t treated_used = 0, control_used = 0;
  std::string first_gap;
  auto consider = [&](const std::string& unit, bool treated) {
    v1::WorkUnit* u = out.add_units();
    u->set_unit(unit);
    u->set_treated(treated);
    if (!in.missing.empty()) {
      u->set_excluded(in.missing);
      u->set_excluded_code(v1::RESULTS_UNAVAILABLE);
      return;
    }
    std::string gap;
    if (before.empty() || after.empty()) gap = "a window holds no whole calendar month";
    const auto it = by_unit.find(unit);
    for (const auto* list : {&before, &after}) {
      for (const std::string& p : *list) {
        if (!gap.empty()) break;
        const WorkMonth* m = nullptr;
        if (it != by_unit.end()) {
          auto jt = it->second.find(p);
          if (jt != it->second.end()) m = jt->second;
        }
        if (m == nullptr || !m->has_data) gap = absl::StrCat("no service indicators for ", p);
      }
    }
    if (!gap.empty()) {
      u->set_excluded(gap);
      u->set_excluded_code(v1::WINDOW_NOT_COVERED);
      if (treated && first_gap.empty()) first_gap = absl::StrCat(unit, ": ", gap);
      return;
    }
    u->set_used(true);
    for (const std::string& p : before) (treated ? tb : cb).Add(*it->second.at(p));
    for (const std::string& p : after) (treated ? ta : ca).Add(*it->second.at(p));
    ++(treated ? treated_used : control_used);
  };
  for (const auto& u : in.treated) consider(u, true);
  for (const auto& u : in.control) consider(u, false);
  out.set_treated_unit_count(treated_used);
  out.set_control_unit_count(control_used);

  *out.mutable_treated_error_rate_before() = Rate(tb.returned, tb.completed, kRateFormula);
  *out.mutable_treated_error_rate_after() = Rate(ta.returned, ta.completed, kRateFormula);
  *out.mutable_control_error_rate_before() = Rate(cb.returned, cb.completed, kRateFormula);
  *out.mutable_control_error_rate_after() = Rate(ca.returned, ca.completed, kRateFormula);
  *out.mutable_treated_on_time_rate_before() = Rate(tb.on_time, tb.completed, kOnTimeFormula);
  *out.mutable_treated_on_time_rate_after() = Rate(ta.on_time, ta.completed, kOnTimeFormula);
  *out.mutable_control_on_time_rate_before() = Rate(cb.on_time, cb.completed, kOnTimeFormula);
  *out.mutable_control_on_time_rate_after() = Rate(ca.on_time, ca.completed, kOnTimeFormula);
  *out.mutable_treated_hours_before() = Hours(tb);
  *out.mutable_treated_hours_after() = Hours(ta);
  *out.mutable_control_hours_before() = Hours(cb);
  *out.mutable_control_hours_after() = Hours(ca);

  // Why no estimate can be made, for all three alike ("" = one can).
  v1::ReasonCode code = v1::REASON_CODE_UNSPECIFIED;
  std::string why;
  const int min_controls = std::max(1, in.min_control_units);
  if (!in.missing.empty()) {
    code = v1::RESULTS_UNAVAILABLE;
    why = absl::StrCat("the performance service could not be read: ", in.missing);
  } else if (in.treated.empty()) {
    code = v1::UNITS_UNKNOWN;
    why = "the participants' units are unknown";
  } else if (treated_used == 0) {
    code = v1::WINDOW_NOT_COVERED;
    why = absl::StrCat("the trained units' service indicators do not cover both windows (", first_gap, ")");
  } else if (control_used < min_controls) {
    code = v1::TOO_FEW_CONTROL_UNITS;
    why = absl::StrCat(control_used, " comparison unit", control_used == 1 ? "" : "s",
                       " with service indicators for every month of both windows, fewer than the minimum ",
                       min_controls);
  }
  const std::string dformula =
      "(treated_after - treated_before) - (control_after - control_before), percentage points; "
      "binomial variances p(1 - p)/n of the pooled documents; 95% normal interval";
  auto rate_did = [&](int64_t tbk, int64_t tak, int64_t cbk, int64_t cak, const char* what) {
    if (code != v1::REASON_CODE_UNSPECIFIED) return Withheld(tb.completed + ta.completed, code, why, dformula);
    if (tb.completed == 0 || ta.completed == 0 || cb.completed == 0 || ca.completed == 0) {
      return Withheld(tb.completed + ta.completed, v1::DATA_ABSENT, "a group has no completed documents in a window",
                      dformula);
    }
    const stats::Interval did = stats::DiffInDiff(RateEstimate(tbk, tb.completed), RateEstimate(tak, ta.completed),
                                                  RateEstimate(cbk, cb.completed), RateEstimate(cak, ca.completed));
    v1::Figure f = Value(did.estimate, tb.completed + ta.completed, dformula,
                         {{"treated_before", 100.0 * tbk / tb.completed}, {"treated_after", 100.0 * tak / ta.completed},
                          {"control_before", 100.0 * cbk / cb.completed}, {"control_after", 100.0 * cak / ca.completed},
                          {"treated_units", static_cast<double>(treated_used)},
                          {"control_units", static_cast<double>(control_used)}});
    SetInterval(f, did.lower, did.upper);
    MarkIfInconclusive(f, what);
    return f;
  };
  *out.mutable_error_rate_did() = rate_did(tb.returned, ta.returned, cb.returned, ca.returned, "the error-rate DiD");
  *out.mutable_on_time_rate_did() = rate_did(tb.on_time, ta.on_time, cb.on_time, ca.on_time, "the on-time-rate DiD");

  const std::string hformula =
      "(treated_after - treated_before) - (control_after - control_before) of the mean processing hours; "
      "variances from the band midpoints; 95% normal interval";
  if (code != v1::REASON_CODE_UNSPECIFIED) {
    *out.mutable_processing_hours_did() = Withheld(tb.timed + ta.timed, code, why, hformula);
  } else if (tb.timed < 2 || ta.timed < 2 || cb.timed < 2 || ca.timed < 2) {
    *out.mutable_processing_hours_did() =
        Withheld(tb.timed + ta.timed, v1::DATA_ABSENT, "a group has no processing times in a window", hformula);
  } else {
    auto est = [](const Pool& p) { return stats::Estimate{p.hours / static_cast<double>(p.timed), HoursVariance(p)}; };
    const stats::Interval did = stats::DiffInDiff(est(tb), est(ta), est(cb), est(ca));
    v1::Figure f = Value(did.estimate, tb.timed + ta.timed, hformula,
                         {{"treated_before", est(tb).value}, {"treated_after", est(ta).value},
                          {"control_before", est(cb).value}, {"control_after", est(ca).value},
                          {"treated_units", static_cast<double>(treated_used)},
                          {"control_units", static_cast<double>(control_used)}});
    SetInterval(f, did.lower, did.upper);
    MarkIfInconclusive(f, "the processing-time DiD");
    *out.mutable_processing_hours_did() = f;
  }
  const v1::Figure& h = out.processing_hours_did();
  const std::string sformula = "-processing_hours_did x documents timed in the trained units' after window";
  if (h.withheld() || h.inconclusive()) {
    *out.mutable_hours_saved() = WithheldLike(ta.timed, h, sformula);
  } else if (h.ci_high() >= 0) {
    *out.mutable_hours_saved() = Withheld(ta.timed, v1::EFFECT_NOT_SHOWN,
                                          "processing time did not fall in the trained units relative to the others",
                                          sformula);
  } else {
    const double n = static_cast<double>(ta.timed);
    v1::Figure f = Value(-h.value() * n, ta.timed, sformula, {{"processing_hours_did", h.value()}, {"documents", n}});
    SetInterval(f, -h.ci_high() * n, -h.ci_low() * n);
    *out.mutable_hours_saved() = f;
  }
  return out;
}

v1::SkpChange ComputeSkpChange(const SkpChangeInputs& in, int min_n) {
  v1::SkpChange out;
  out.set_participants(in.participants);
  out.set_method(in.method);
  std::string why;
  v1::ReasonCode code = v1::REASON_CODE_UNSPECIFIED;
  if (!in.missing.empty()) {
    code = v1::RESULTS_UNAVAILABLE;
    why = absl::StrCat("the performance service could not be read: ", in.missing);
  } else if (in.pairs == 0) {
    code = v1::DATA_ABSENT;
    why = "no participant has an SKP both before and after the cohort";
  } else if (in.withheld || in.pairs < min_n) {
    code = v1::BELOW_MIN_N;
    why = TooFew(in.pairs, std::max<int64_t>(min_n, 5), "participants with an SKP before and after");
  }
  const std::string share_formula = "participants / pairs; 95% Wilson interval";
  auto share = [&](int64_t k) {
    if (code != v1::REASON_CODE_UNSPECIFIED) return Withheld(in.pairs, code, why, share_formula);
    v1::Figure f = Value(static_cast<double>(k) / static_cast<double>(in.pairs), in.pairs, share_formula,
                         {{"participants", static_cast<double>(k)}, {"pairs", static_cast<double>(in.pairs)}});
    auto ci = stats::WilsonInterval(k, in.pairs);
    if (ci.ok()) SetInterval(f, ci->lower, ci->upper);
    return f;
  };
  *out.mutable_rose_share() = share(in.rose);
  *out.mutable_stayed_share() = share(in.stayed);
  *out.mutable_fell_share() = share(in.fell);
  auto plain = [&](double v, const char* formula) {
    if (code != v1::REASON_CODE_UNSPECIFIED) return Withheld(in.pairs, code, why, formula);
    return Value(v, in.pairs, formula);
  };
  *out.mutable_mean_step() = plain(in.mean_step, "mean of (after - before) on Sangat Kurang 1 .. Sangat Baik 5");
  *out.mutable_sign_test_p() = plain(in.sign_test_p, "exact two-sided sign test of rises against falls");
  *out.mutable_wilcoxon_p() =
      plain(in.wilcoxon_p, "Wilcoxon signed-rank test, normal approximation with tie correction, two-sided");
  return out;
}

}  // namespace pelita::scoring
