#include "services/complaint/stats_math.h"

#include <algorithm>
#include <cmath>

#include <boost/multiprecision/cpp_int.hpp>

#include "lib/stats/stats.h"

namespace pelita::complaint {

int DurationHistogram::BinOf(int64_t minutes) {
  if (minutes < 1) return 0;
  int b = 1 + static_cast<int>(std::floor(std::log2(static_cast<double>(minutes)) * kBinsPerDoubling));
  return std::min(b, kMaxBin);
}
double DurationHistogram::BinLow(int bin) {
  return bin == 0 ? 0 : std::exp2(static_cast<double>(bin - 1) / kBinsPerDoubling);
}
double DurationHistogram::BinHigh(int bin) {
  return std::exp2(static_cast<double>(bin) / kBinsPerDoubling);
}

void DurationHistogram::Add(int64_t minutes) {
  AddBin(BinOf(minutes), 1);
  sum_ += std::max<int64_t>(0, minutes);
}

void DurationHistogram::Merge(const DurationHistogram& o) {
  for (const auto& [b, c] : o.bins_) bins_[b] += c;
  count_ += o.count_;
  sum_ += o.sum_;
}

double DurationHistogram::Quantile(double q) const {
  if (count_ <= 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const double target = q * count_;
  double seen = 0;
  for (const auto& [b, c] : bins_) {
    if (c <= 0) continue;
    if (seen + c >= target) {
      const double f = c ? (target - seen) / c : 0;
      const double lo = BinLow(b), hi = BinHigh(b);
      if (b == 0) return lo + f * (hi - lo);
      return lo * std::pow(hi / lo, f);
    }
    seen += c;
  }
  return BinHigh(bins_.rbegin()->first);
}

void SkmTotals::Merge(const SkmTotals& o) {
  respondents += o.respondents;
  for (int i = 0; i < 9; ++i) {
    sum[i] += o.sum[i];
    answered[i] += o.answered[i];
  }
  score_sum += o.score_sum;
  score_sumsq += o.score_sumsq;
}

std::string IkmCategoryOfCents(int64_t cents) {
  if (cents <= 6499) return "D";
  if (cents <= 7660) return "C";
  if (cents <= 8830) return "B";
  return "A";
}

std::string IkmCategory(double converted) { return IkmCategoryOfCents(std::llround(converted * 100)); }

int64_t IkmConvertedCents(const std::array<int64_t, 9>& sum, const std::array<int64_t, 9>& answered) {
  using boost::multiprecision::cpp_int;
  // Σ sum_i / answered_i = num / den, den = lcm of the counts.
  cpp_int den = 1;
  for (int64_t a : answered) den = boost::multiprecision::lcm(den, cpp_int(a));
  cpp_int num = 0;
  for (int i = 0; i < 9; ++i) num += cpp_int(sum[i]) * (den / answered[i]);
  // floor(2500 num / (9 den) + 1/2) = floor((5000 num + 9 den) / (18 den)),
  // half up (the value is never negative).
  const cpp_int cents = (5000 * num + 9 * den) / (18 * den);
  return cents.convert_to<int64_t>();
}

std::string IkmCategoryLabel(const std::string& c) {
  if (c == "A") return "Sangat Baik";
  if (c == "B") return "Baik";
  if (c == "C") return "Kurang Baik";
  return "Tidak Baik";
}

IkmResult ComputeIkm(const SkmTotals& t, int64_t population, int64_t min_answers) {
  IkmResult r;
  r.respondents = t.respondents;
  double total = 0;
  for (int i = 0; i < 9; ++i) {
    if (t.answered[i] < std::max<int64_t>(1, min_answers) && r.incomplete_element < 0) r.incomplete_element = i;
    r.nrr[i] = t.answered[i] > 0 ? static_cast<double>(t.sum[i]) / t.answered[i] : 0;
    total += r.nrr[i];
  }
  r.ikm = total / 9;
  r.converted = r.ikm * 25;
  if (r.incomplete_element < 0) {
    r.converted_cents = IkmConvertedCents(t.sum, t.answered);
    r.category = IkmCategoryOfCents(r.converted_cents);
    r.label = IkmCategoryLabel(r.category);
  }
  const int64_t n = t.respondents;
  r.recommended_sample_size = stats::KrejcieMorgan(population);
  if (n <= 0) return r;
  // Every service user answered (or more answers than the estimate of the
  // population): no sampling error.
  if (population > 0 && n >= population) return r;
  const int64_t N = population;
  if (auto m = stats::MarginOfErrorProportion(0.5, n, N); m.ok()) r.margin_of_error_pct = 100 * *m;
  if (n >= 2) {
    const double mean = t.score_sum / n;
    const double var = std::max(0.0, (t.score_sumsq - n * mean * mean) / (n - 1));
    if (auto se = stats::StandardErrorOfMean(std::sqrt(var), n, N); se.ok()) r.standard_error = *se;
    if (auto m = stats::MarginOfErrorMean(std::sqrt(var), n, N); m.ok()) r.ikm_margin = *m;
  }
  return r;
}

RateComparison CompareRates(int64_t a, double ea, int64_t b, double eb, double per) {
  RateComparison r;
  if (ea <= 0 || eb <= 0) return r;
  r.rate_before = a / ea * per;
  r.rate_after = b / eb * per;
  if (auto d = stats::RateDifference(b, eb, a, ea); d.ok()) {
    r.difference = d->estimate * per;
    r.difference_low = d->lower * per;
    r.difference_high = d->upper * per;
  }
  double ca = static_cast<double>(a), cb = static_cast<double>(b);
  if (a == 0 || b == 0) {
    ca += 0.5;
    cb += 0.5;
    r.continuity_corrected = true;
  }
  if (auto rr = stats::RateRatio(cb, eb, ca, ea); rr.ok()) {
    r.ratio = rr->estimate;
    r.ratio_low = rr->lower;
    r.ratio_high = rr->upper;
  }
  return r;
}

}  // namespace pelita::complaint
