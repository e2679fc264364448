#include "lib/stats/stats.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pelita::stats {
namespace {

absl::Status CheckLevel(double level) {
  if (!(level > 0 && level < 1)) {
    return absl::InvalidArgumentError(absl::StrCat("confidence level ", level, " not in (0, 1)"));
  }
  return absl::OkStatus();
}

double Z(double level) { return NormalQuantile(0.5 + level / 2); }

}  // namespace

Moments Moments::Of(const std::vector<double>& xs) {
  Moments m;
  for (double x : xs) m.Add(x);
  return m;
}

absl::StatusOr<double> Mean(const Moments& m) {
  if (m.n < 1) return absl::FailedPreconditionError("no observations");
  return m.sum / static_cast<double>(m.n);
}

absl::StatusOr<double> SampleVariance(const Moments& m) {
  if (m.n < 2) {
    return absl::FailedPreconditionError(
        absl::StrCat("variance needs at least 2 observations, have ", m.n));
  }
  const double n = static_cast<double>(m.n);
  const double ss = m.sum_sq - m.sum * m.sum / n;
  return std::max(0.0, ss / (n - 1));
}

absl::StatusOr<double> StandardDeviation(const Moments& m) {
  auto v = SampleVariance(m);
  if (!v.ok()) return v.status();
  return std::sqrt(*v);
}

absl::StatusOr<double> StandardError(const Moments& m) {
  auto v = SampleVariance(m);
  if (!v.ok()) return v.status();
  return std::sqrt(*v / static_cast<double>(m.n));
}

absl::StatusOr<Summary> Summarize(const Moments& m) {
  auto v = SampleVariance(m);
  if (!v.ok()) return v.status();
  Summary s;
  s.n = m.n;
  s.mean = m.sum / static_cast<double>(m.n);
  s.variance = *v;
  s.sd = std::sqrt(*v);
  s.se = std::sqrt(*v / static_cast<double>(m.n));
  return s;
}

double StudentTQuantile(double p, double df) {
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}
double StudentTCdf(double t, double df) {
  return boost::math::cdf(boost::math::students_t_distribution<double>(df), t);
}
double NormalQuantile(double p) { return boost::math::quantile(boost::math::normal(), p); }
double NormalCdf(double z) { return boost::math::cdf(boost::math::normal(), z); }

absl::StatusOr<Interval> MeanInterval(const Moments& m, double level) {
  if (auto st = CheckLevel(level); !st.ok()) return st;
  auto s = Summarize(m);
  if (!s.ok()) return s.status();
  const double q = StudentTQuantile(0.5 + level / 2, static_cast<double>(m.n - 1));
  return Interval{s->mean, s->mean - q * s->se, s->mean + q * s->se, s->se, level};
}

absl::StatusOr<PairedTTest> PairedT(const Moments& diffs, double level) {
  if (auto st = CheckLevel(level); !st.ok()) return st;
  auto s = Summarize(diffs);
  if (!s.ok()) return s.status();
  if (s->sd <= 0) {
    return absl::FailedPreconditionError(
        "the differences have no variance; t and d_z are undefined");
  }
  PairedTTest r;
  r.n = diffs.n;
  r.mean_diff = s->mean;
  r.sd_diff = s->sd;
  r.df = static_cast<double>(diffs.n - 1);
  r.t = s->mean / s->se;
  boost::math::students_t_distribution<double> dist(r.df);
  r.p_two_sided = std::min(1.0, 2 * boost::math::cdf(boost::math::complement(dist, std::fabs(r.t))));
  r.cohens_dz = s->mean / s->sd;
  const double q = boost::math::quantile(dist, 0.5 + level / 2);
  r.mean_diff_interval = Interval{s->mean, s->mean - q * s->se, s->mean + q * s->se, s->se, level};
  return r;
}

absl::StatusOr<double> NormalisedGain(double pre, double post, double max_score) {
  if (!(max_score > pre)) {
    return absl::FailedPreconditionError(
        absl::StrCat("pre-test mean ", pre, " is at the maximum ", max_score,
                     "; normalised gain is undefined"));
  }
  return (post - pre) / (max_score - pre);
}

GainBand BandOf(double g) {
  if (g < 0.3) return GainBand::kLow;
  if (g < 0.7) return GainBand::kMedium;
  return GainBand::kHigh;
}

absl::string_view BandName(GainBand band) {
  switch (band) {
    case GainBand::kLow: return "low";
    case GainBand::kMedium: return "medium";
    case GainBand::kHigh: return "high";
  }
  return "low";
}

absl::StatusOr<double> CronbachAlpha(int k, double sum_item_variances, double total_variance) {
  if (k < 2) return absl::FailedPreconditionError("alpha needs at least 2 items");
  if (!(total_variance > 0)) {
    return absl::FailedPreconditionError("the totals have no variance; alpha is undefined");
  }
  const double kk = static_cast<double>(k);
  return kk / (kk - 1) * (1 - sum_item_variances / total_variance);
}

absl::StatusOr<double> CronbachAlpha(const std::vector<Moments>& items, const Moments& totals) {
  double sum_var = 0;
  for (const Moments& m : items) {
    auto v = SampleVariance(m);
    if (!v.ok()) return v.status();
    sum_var += *v;
  }
  auto tv = SampleVariance(totals);
  if (!tv.ok()) return tv.status();
  return CronbachAlpha(static_cast<int>(items.size()), sum_var, *tv);
}

absl::StatusOr<Interval> RateRatio(double events1, double exposure1, double events0,
                                   double exposure0, double level) {
  if (auto st = CheckLevel(level); !st.ok()) return st;
  if (!(exposure1 > 0) || !(exposure0 > 0)) {
    return absl::FailedPreconditionError("rate ratio needs a positive exposure in both groups");
  }
  if (!(events1 > 0) || !(events0 > 0)) {
    return absl::FailedPreconditionError("rate ratio needs at least one event in each group");
  }
  const double rr = (events1 / exposure1) / (events0 / exposure0);
  const double se = std::sqrt(1 / events1 + 1 / events0);
  const double z = Z(level);
  return Interval{rr, rr * std::exp(-z * se), rr * std::exp(z * se), se, level};
}

absl::StatusOr<Interval> RateDifference(double events1, double exposure1, double events0,
                                        double exposure0, double level) {
  if (auto st = CheckLevel(level); !st.ok()) return st;
  if (!(exposure1 > 0) || !(exposure0 > 0)) {
    return absl::FailedPreconditionError(
        "rate difference needs a positive exposure in both groups");
  }
  const double d = events1 / exposure1 - events0 / exposure0;
  const double se =
      std::sqrt(events1 / (exposure1 * exposure1) + events0 / (exposure0 * exposure0));
  const double z = Z(level);
  return Interval{d, d - z * se, d + z * se, se, level};
}

Estimate PoissonRate(double events, double exposure) {
  if (!(exposure > 0)) return Estimate{0, 0};
  return Estimate{events / exposure, events / (exposure * exposure)};
}

absl::StatusOr<Estimate> MeanEstimate(const Moments& m) {
  auto s = Summarize(m);
  if (!s.ok()) return s.status();
  return Estimate{s->mean, s->se * s->se};
}

Interval DiffInDiff(const Estimate& tb, const Estimate& ta, const Estimate& cb,
                    const Estimate& ca, double level) {
  const double did = (ta.value - tb.value) - (ca.value - cb.value);
  const double se = std::sqrt(tb.variance + ta.variance + cb.variance + ca.variance);
  const double z = Z(level);
  return Interval{did, did - z * se, did + z * se, se, level};
}

absl::StatusOr<Interval> WilsonInterval(int64_t successes, int64_t n, double level) {
  if (auto st = CheckLevel(level); !st.ok()) return st;
  if (n < 1) return absl::FailedPreconditionError("proportion needs at least 1 observation");
  if (successes < 0 || successes > n) {
    return absl::InvalidArgumentError(absl::StrCat("successes ", successes, " not in [0, ", n, "]"));
  }
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z = Z(level);
  const double z2 = z * z;
  const double denom = 1 + z2 / nn;
  const double centre = (p + z2 / (2 * nn)) / denom;
  const double half = z / denom * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return Interval{p, std::max(0.0, centre - half), std::min(1.0, centre + half),
                  std::sqrt(p * (1 - p) / nn), level};
}

namespace {
absl::StatusOr<double> Fpc(int64_t n, int64_t population) {
  if (population <= 0) return 1.0;
  if (n > population) {
    return absl::InvalidArgumentError(
        absl::StrCat("sample ", n, " larger than population ", population));
  }
  if (population == 1) return 0.0;
  return std::sqrt(static_cast<double>(population - n) / static_cast<double>(population - 1));
}
}  // namespace

absl::StatusOr<double> MarginOfErrorMean(double sd, int64_t n, int64_t population, double level) {
  if (auto st = CheckLevel(level); !st.ok()) return st;
  if (n < 2) return absl::FailedPreconditionError("margin of error needs at least 2 observations");
  auto f = Fpc(n, population);
  if (!f.ok()) return f.status();
  const double q = StudentTQuantile(0.5 + level / 2, static_cast<double>(n - 1));
  return q * sd / std::sqrt(static_cast<double>(n)) * *f;
}

absl::StatusOr<double> MarginOfErrorProportion(double p, int64_t n, int64_t population,
                                               double level) {
  if (auto st = CheckLevel(level); !st.ok()) return st;
  if (n < 1) return absl::FailedPreconditionError("margin of error needs at least 1 observation");
  if (p < 0 || p > 1) return absl::InvalidArgumentError("proportion not in [0, 1]");
  auto f = Fpc(n, population);
  if (!f.ok()) return f.status();
  return Z(level) * std::sqrt(p * (1 - p) / static_cast<double>(n)) * *f;
}

absl::StatusOr<double> StandardErrorOfMean(double sd, int64_t n, int64_t population) {
  if (n < 1) return absl::FailedPreconditionError("a standard error needs at least 1 observation");
  auto f = Fpc(n, population);
  if (!f.ok()) return f.status();
  return sd / std::sqrt(static_cast<double>(n)) * *f;
}

absl::StatusOr<double> Quantile(std::vector<double> values, double p) {
  if (values.empty()) return absl::FailedPreconditionError("a quantile needs at least 1 value");
  if (!(p >= 0 && p <= 1)) return absl::InvalidArgumentError("quantile probability not in [0, 1]");
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= values.size()) return values.back();
  return values[lo] + (h - static_cast<double>(lo)) * (values[lo + 1] - values[lo]);
}

int64_t KrejcieMorgan(int64_t population) {
  const double chi2 = 3.841, P = 0.5, d = 0.05;
  if (population <= 0) return std::llround(chi2 * P * (1 - P) / (d * d));
  const double N = static_cast<double>(population);
  const double s = chi2 * N * P * (1 - P) / (d * d * (N - 1) + chi2 * P * (1 - P));
  return std::llround(s);  // the published table rounds to the nearest
}

double SignTestTwoSided(int64_t positive, int64_t negative) {
  const int64_t n = positive + negative;
  if (n <= 0) return 1.0;
  const int64_t k = std::min(positive, negative);
  double tail = 0;
  if (n <= 1000) {
    // C(n, i) / 2^n by the recurrence from 2^-n (above the smallest normal
    // double for n <= 1000): exact to rounding.
    double term = std::ldexp(1.0, static_cast<int>(-n));
    for (int64_t i = 0; i <= k; ++i) {
      if (i > 0) term *= static_cast<double>(n - i + 1) / static_cast<double>(i);
      tail += term;
    }
  } else {
    // A province's cohorts together: the terms in logs.
    for (int64_t i = 0; i <= k; ++i) {
      const double log_term = std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(i) + 1) -
                              std::lgamma(static_cast<double>(n - i) + 1) - static_cast<double>(n) * std::log(2.0);
      tail += std::exp(log_term);
    }
  }
  return std::min(1.0, 2 * tail);
}

SignedRankTest WilcoxonSignedRank(const std::vector<double>& differences) {
  std::vector<double> d;
  for (double x : differences) {
    if (x != 0) d.push_back(x);
  }
  SignedRankTest out;
  out.n = static_cast<int64_t>(d.size());
  if (d.empty()) return out;
  std::sort(d.begin(), d.end(), [](double a, double b) { return std::fabs(a) < std::fabs(b); });
  double tie_term = 0;
  for (size_t i = 0; i < d.size();) {
    size_t j = i;
    while (j < d.size() && std::fabs(d[j]) == std::fabs(d[i])) ++j;
    // Ranks i+1 .. j share their mean.
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (d[k] > 0) out.w_plus += rank;
    }
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  const double n = static_cast<double>(d.size());
  const double mean = n * (n + 1) / 4;
  const double variance = n * (n + 1) * (2 * n + 1) / 24 - tie_term / 48;
  out.z = variance > 0 ? (out.w_plus - mean) / std::sqrt(variance) : 0;
  out.p_two_sided = std::min(1.0, 2 * (1 - NormalCdf(std::fabs(out.z))));
  return out;
}

}  // namespace pelita::stats
