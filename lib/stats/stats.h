// Statistics for evaluation reports, computed from sufficient statistics
// (n, Σx, Σx²) so that aggregates kept by other services can be used without
// the raw data.  Distributions come from Boost.Math.
//
// Every function that can be undefined for its input (too few observations,
// zero variance, zero exposure) returns an absl::StatusOr whose error says
// why, so that callers can show the reason instead of a number.
#ifndef PELITA_LIB_STATS_STATS_H_
#define PELITA_LIB_STATS_STATS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::stats {

// Running moments: n, Σx, Σx².
struct Moments {
  int64_t n = 0;
  double sum = 0;
  double sum_sq = 0;

  static Moments FromSums(int64_t n, double sum, double sum_sq) { return {n, sum, sum_sq}; }
  static Moments Of(const std::vector<double>& xs);
  void Add(double x) { ++n; sum += x; sum_sq += x * x; }
  void Merge(const Moments& o) { n += o.n; sum += o.sum; sum_sq += o.sum_sq; }
};

// Mean (n >= 1), sample variance with n − 1 (n >= 2; clamped at 0 against
// rounding), standard deviation and standard error of the mean.
absl::StatusOr<double> Mean(const Moments& m);
absl::StatusOr<double> SampleVariance(const Moments& m);
absl::StatusOr<double> StandardDeviation(const Moments& m);
absl::StatusOr<double> StandardError(const Moments& m);

struct Summary {
  int64_t n = 0;
  double mean = 0;
  double variance = 0;  // sample variance (n − 1)
  double sd = 0;
  double se = 0;
};
absl::StatusOr<Summary> Summarize(const Moments& m);  // needs n >= 2

// Distributions.  p in (0, 1); df > 0.
double StudentTQuantile(double p, double df);
double StudentTCdf(double t, double df);
double NormalQuantile(double p);
double NormalCdf(double z);

// A point estimate with a confidence interval.
struct Interval {
  double estimate = 0;
  double lower = 0;
  double upper = 0;
  double se = 0;       // standard error used (on the log scale for ratios)
  double level = 0.95;
};

// t-based CI of a mean (n >= 2).
absl::StatusOr<Interval> MeanInterval(const Moments& m, double level = 0.95);

// Paired t-test from the differences d = post − pre: t = mean(d) / (sd(d)/√n),
// df = n − 1, two-sided p from Student t, Cohen's d_z = mean(d) / sd(d).
struct PairedTTest {
  int64_t n = 0;
  double mean_diff = 0;
  double sd_diff = 0;
  double t = 0;
  double df = 0;
  double p_two_sided = 1;
  double cohens_dz = 0;
  Interval mean_diff_interval;
};
absl::StatusOr<PairedTTest> PairedT(const Moments& diffs, double level = 0.95);

// Hake's normalised gain g = (post − pre) / (max − pre); bands
// low < 0.3 <= medium < 0.7 <= high.
enum class GainBand { kLow, kMedium, kHigh };
absl::StatusOr<double> NormalisedGain(double pre, double post, double max_score);
GainBand BandOf(double g);
absl::string_view BandName(GainBand band);  // "low", "medium", "high"

// Cronbach's α = k/(k−1) · (1 − Σσᵢ² / σ²_total).
absl::StatusOr<double> CronbachAlpha(int k, double sum_item_variances, double total_variance);
// The same from the moments of each item and of the respondents' totals
// (respondents who answered every item).
absl::StatusOr<double> CronbachAlpha(const std::vector<Moments>& items, const Moments& totals);

// Poisson rates: events over exposure (e.g. complaints per 1,000 services).
// Rate ratio with a CI by the log method (se = √(1/a + 1/b)); rate
// difference with se = √(a/E₁² + b/E₀²).  Both need events in each group
// for the ratio, positive exposures for both.
absl::StatusOr<Interval> RateRatio(double events1, double exposure1, double events0,
                                   double exposure0, double level = 0.95);
absl::StatusOr<Interval> RateDifference(double events1, double exposure1, double events0,
                                        double exposure0, double level = 0.95);

// An estimate with its sampling variance, e.g. a mean (variance = se²) or a
// Poisson rate (variance = events / exposure²).
struct Estimate {
  double value = 0;
  double variance = 0;
};
Estimate PoissonRate(double events, double exposure);
absl::StatusOr<Estimate> MeanEstimate(const Moments& m);

// Difference in differences (treated_after − treated_before) −
// (control_after − control_before), the four estimates independent, with a
// normal CI from the sum of their variances.
Interval DiffInDiff(const Estimate& treated_before, const Estimate& treated_after,
                    const Estimate& control_before, const Estimate& control_after,
                    double level = 0.95);

// Wilson score interval of a proportion successes / n (n >= 1).
absl::StatusOr<Interval> WilsonInterval(int64_t successes, int64_t n, double level = 0.95);

// Margin of error (half-width of the CI) with the finite population
// correction √((N − n)/(N − 1)); population 0 means infinite.  The mean uses
// Student t with n − 1 df; the proportion uses z.
absl::StatusOr<double> MarginOfErrorMean(double sd, int64_t n, int64_t population = 0,
                                         double level = 0.95);
absl::StatusOr<double> MarginOfErrorProportion(double p, int64_t n, int64_t population = 0,
                                               double level = 0.95);
// The standard error of a mean, sd / √n, with the same finite population
// correction (n >= 1); MarginOfErrorMean is t(0.5 + level/2, n − 1) times it.
absl::StatusOr<double> StandardErrorOfMean(double sd, int64_t n, int64_t population = 0);

// Quantile of sorted values by linear interpolation between order
// statistics (Hyndman & Fan type 7, R's default): h = (n − 1) p,
// x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]).  Needs n >= 1 and p in [0, 1].
absl::StatusOr<double> Quantile(std::vector<double> values, double p);

// Exact two-sided sign test of `positive` against `negative` signs (ties
// left out beforehand): p = min(1, 2 P(X <= min(positive, negative))) for
// X ~ Binomial(positive + negative, 1/2).  1 when there are no signs.
double SignTestTwoSided(int64_t positive, int64_t negative);

// Wilcoxon signed-rank test of paired differences: zeros are dropped, the
// absolute differences ranked with ties given their mean rank, W+ the sum of
// the ranks of the positive ones.  p is two-sided from the normal
// approximation, z = (W+ - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24 - Σ(t³ - t)/48)
// (t the sizes of the tie groups), without continuity correction.  n (the
// non-zero differences) 0 gives W+ 0, z 0 and p 1; all differences tied
// at the same absolute value with a zero variance cannot happen for n >= 1
// (the variance is then n(n+1)(2n+1)/24 - (n³ - n)/48 > 0).
struct SignedRankTest {
  int64_t n = 0;
  double w_plus = 0;
  double z = 0;
  double p_two_sided = 1;
};
SignedRankTest WilcoxonSignedRank(const std::vector<double>& differences);

// Krejcie & Morgan (1970): s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), χ² = 3.841,
// P = 0.5, d = 0.05, rounded to the nearest as in the published table.
// population 0 (very large) gives 384.
int64_t KrejcieMorgan(int64_t population);

}  // namespace pelita::stats

#endif  // PELITA_LIB_STATS_STATS_H_
