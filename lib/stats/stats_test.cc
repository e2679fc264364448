#include "lib/stats/stats.h"

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace pelita::stats {
namespace {

// Two-pass reference computations from raw data, independent of the
// sum-based formulas under test.
double RawMean(const std::vector<double>& xs) {
  double s = 0;
  for (double x : xs) s += x;
  return s / xs.size();
}
double RawVar(const std::vector<double>& xs) {
  const double m = RawMean(xs);
  double ss = 0;
  for (double x : xs) ss += (x - m) * (x - m);
  return ss / (xs.size() - 1);
}

TEST(MomentsTest, MeanVarianceSdSeMatchTwoPass) {
  const std::vector<double> xs = {3, 4, 4, 5, 2, 4, 3, 5, 4, 1};
  const Moments m = Moments::Of(xs);
  auto s = Summarize(m);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->n, 10);
  EXPECT_NEAR(s->mean, RawMean(xs), 1e-12);
  EXPECT_NEAR(s->variance, RawVar(xs), 1e-12);
  EXPECT_NEAR(s->sd, std::sqrt(RawVar(xs)), 1e-12);
  EXPECT_NEAR(s->se, std::sqrt(RawVar(xs) / 10), 1e-12);
  EXPECT_NEAR(*Mean(m), 3.5, 1e-12);
}

TEST(MomentsTest, MergeEqualsOneStream) {
  Moments a = Moments::Of({1, 2, 3});
  a.Merge(Moments::Of({4, 5}));
  const Moments b = Moments::Of({1, 2, 3, 4, 5});
  EXPECT_EQ(a.n, b.n);
  EXPECT_DOUBLE_EQ(a.sum, b.sum);
  EXPECT_DOUBLE_EQ(a.sum_sq, b.sum_sq);
}

TEST(MomentsTest, TooFewObservationsSayWhy) {
  EXPECT_FALSE(Mean(Moments{}).ok());
  auto v = SampleVariance(Moments::Of({7}));
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("at least 2"), std::string::npos);
  EXPECT_FALSE(MeanInterval(Moments::Of({7})).ok());
}

TEST(DistributionsTest, TextbookQuantiles) {
  EXPECT_NEAR(StudentTQuantile(0.975, 10), 2.228, 5e-4);
  EXPECT_NEAR(StudentTQuantile(0.975, 5), 2.571, 5e-4);
  EXPECT_NEAR(StudentTQuantile(0.995, 20), 2.845, 5e-4);
  EXPECT_NEAR(StudentTQuantile(0.95, 1), 6.314, 5e-4);
  EXPECT_NEAR(NormalQuantile(0.975), 1.95996, 1e-5);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(StudentTCdf(2.228139, 10), 0.975, 1e-6);
  EXPECT_NEAR(NormalCdf(1.959964), 0.975, 1e-6);
}

TEST(MeanIntervalTest, MatchesHandComputedTInterval) {
  const std::vector<double> xs = {12, 15, 11, 14, 13, 16, 10, 14, 15, 12, 13};
  auto ci = MeanInterval(Moments::Of(xs));
  ASSERT_TRUE(ci.ok());
  const double se = std::sqrt(RawVar(xs) / xs.size());
  EXPECT_NEAR(ci->estimate, RawMean(xs), 1e-12);
  EXPECT_NEAR(ci->lower, RawMean(xs) - 2.228139 * se, 1e-5);  // df 10
  EXPECT_NEAR(ci->upper, RawMean(xs) + 2.228139 * se, 1e-5);
}

// Student (1908) / Cushny & Peebles sleep data: extra hours of sleep with
// drug 2 minus drug 1 for 10 patients.  R: t.test(extra ~ group, paired)
// gives t = 4.0621, df = 9, p = 0.002833, CI 0.7001142 .. 2.4598858.
TEST(PairedTTest, StudentSleepData) {
  const std::vector<double> d = {1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4};
  auto r = PairedT(Moments::Of(d));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->n, 10);
  EXPECT_NEAR(r->mean_diff, 1.58, 1e-12);
  EXPECT_NEAR(r->t, 4.0621, 1e-4);
  EXPECT_DOUBLE_EQ(r->df, 9);
  EXPECT_NEAR(r->p_two_sided, 0.002833, 1e-6);
  EXPECT_NEAR(r->mean_diff_interval.lower, 0.7001142, 1e-6);
  EXPECT_NEAR(r->mean_diff_interval.upper, 2.4598858, 1e-6);
  EXPECT_NEAR(r->cohens_dz, RawMean(d) / std::sqrt(RawVar(d)), 1e-12);
}

TEST(PairedTTest, FromPrePostRawScores) {
  const std::vector<double> pre = {55, 60, 48, 70, 65, 52, 58};
  const std::vector<double> post = {68, 72, 50, 81, 70, 66, 59};
  std::vector<double> d;
  Moments m;
  for (size_t i = 0; i < pre.size(); ++i) {
    d.push_back(post[i] - pre[i]);
    m.Add(post[i] - pre[i]);
  }
  auto r = PairedT(m);
  ASSERT_TRUE(r.ok());
  const double t = RawMean(d) / std::sqrt(RawVar(d) / d.size());
  EXPECT_NEAR(r->t, t, 1e-9);
  EXPECT_NEAR(r->p_two_sided, 2 * (1 - StudentTCdf(t, 6)), 1e-9);
  EXPECT_GT(r->t, 0);
}

TEST(PairedTTest, ZeroVarianceIsRefusedWithReason) {
  auto r = PairedT(Moments::Of({2, 2, 2}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no variance"), std::string::npos);
}

TEST(NormalisedGainTest, ValueAndBands) {
  EXPECT_NEAR(*NormalisedGain(40, 70, 100), 0.5, 1e-12);
  EXPECT_NEAR(*NormalisedGain(60, 50, 100), -0.25, 1e-12);
  EXPECT_FALSE(NormalisedGain(100, 100, 100).ok());
  EXPECT_EQ(BandOf(0.29), GainBand::kLow);
  EXPECT_EQ(BandOf(0.3), GainBand::kMedium);
  EXPECT_EQ(BandOf(0.69), GainBand::kMedium);
  EXPECT_EQ(BandOf(0.7), GainBand::kHigh);
  EXPECT_EQ(BandName(GainBand::kMedium), "medium");
}

TEST(CronbachAlphaTest, MatchesRawItemMatrix) {
  // 6 respondents x 4 items (Likert 1-5).
  const std::vector<std::vector<double>> rows = {
      {4, 5, 4, 4}, {3, 3, 2, 3}, {5, 5, 5, 4}, {2, 3, 2, 2}, {4, 4, 3, 4}, {3, 2, 3, 3}};
  const int k = 4;
  std::vector<Moments> items(k);
  Moments totals;
  std::vector<std::vector<double>> cols(k);
  std::vector<double> tot;
  for (const auto& r : rows) {
    double t = 0;
    for (int j = 0; j < k; ++j) {
      items[j].Add(r[j]);
      cols[j].push_back(r[j]);
      t += r[j];
    }
    totals.Add(t);
    tot.push_back(t);
  }
  double sum_var = 0;
  for (const auto& c : cols) sum_var += RawVar(c);
  const double expected = 4.0 / 3.0 * (1 - sum_var / RawVar(tot));
  auto a = CronbachAlpha(items, totals);
  ASSERT_TRUE(a.ok());
  EXPECT_NEAR(*a, expected, 1e-12);
  EXPECT_GT(*a, 0.8);
  EXPECT_NEAR(*CronbachAlpha(3, 3.0, 6.0), 0.75, 1e-12);
  EXPECT_FALSE(CronbachAlpha(1, 1, 1).ok());
  EXPECT_FALSE(CronbachAlpha(3, 1, 0).ok());
}

TEST(RateTest, RatioByLogMethodAndDifference) {
  const double z = 1.959964;
  auto rr = RateRatio(30, 1000, 15, 1000);
  ASSERT_TRUE(rr.ok());
  const double se = std::sqrt(1.0 / 30 + 1.0 / 15);
  EXPECT_NEAR(rr->estimate, 2.0, 1e-12);
  EXPECT_NEAR(rr->lower, 2.0 * std::exp(-z * se), 1e-5);
  EXPECT_NEAR(rr->upper, 2.0 * std::exp(z * se), 1e-5);
  EXPECT_FALSE(RateRatio(0, 1000, 15, 1000).ok());

  auto rd = RateDifference(30, 1000, 15, 500);
  ASSERT_TRUE(rd.ok());
  const double se_d = std::sqrt(30.0 / 1e6 + 15.0 / 250000);
  EXPECT_NEAR(rd->estimate, 0.0, 1e-12);
  EXPECT_NEAR(rd->upper, z * se_d, 1e-7);
}

TEST(DiffInDiffTest, MeansOfRawGroups) {
  const std::vector<double> tb = {70, 72, 68, 71, 69}, ta = {78, 80, 77, 79, 81};
  const std::vector<double> cb = {70, 71, 69, 70, 72}, ca = {72, 73, 70, 71, 74};
  auto est = [](const std::vector<double>& xs) { return *MeanEstimate(Moments::Of(xs)); };
  const Interval did = DiffInDiff(est(tb), est(ta), est(cb), est(ca));
  const double expected = (RawMean(ta) - RawMean(tb)) - (RawMean(ca) - RawMean(cb));
  const double se = std::sqrt(RawVar(tb) / 5 + RawVar(ta) / 5 + RawVar(cb) / 5 + RawVar(ca) / 5);
  EXPECT_NEAR(did.estimate, expected, 1e-12);
  EXPECT_NEAR(did.se, se, 1e-12);
  EXPECT_NEAR(did.lower, expected - 1.959964 * se, 1e-5);
  EXPECT_GT(did.lower, 0);
}

TEST(DiffInDiffTest, PoissonRates) {
  // Treated: 40 -> 20 complaints per 1000 services; control 30 -> 28.
  const Interval did = DiffInDiff(PoissonRate(40, 1000), PoissonRate(20, 1000),
                                  PoissonRate(30, 1000), PoissonRate(28, 1000));
  EXPECT_NEAR(did.estimate, (0.020 - 0.040) - (0.028 - 0.030), 1e-12);
  EXPECT_NEAR(did.se, std::sqrt((40.0 + 20 + 30 + 28) / 1e6), 1e-12);
}

// Newcombe (1998), Stat Med 17:857, table II: 81/263 -> Wilson 0.2553-0.3662;
// 0/10 -> 0-0.2775.
TEST(WilsonIntervalTest, NewcombeExamples) {
  auto a = WilsonInterval(81, 263);
  ASSERT_TRUE(a.ok());
  EXPECT_NEAR(a->lower, 0.2553, 1e-4);
  EXPECT_NEAR(a->upper, 0.3662, 1e-4);
  auto b = WilsonInterval(0, 10);
  ASSERT_TRUE(b.ok());
  EXPECT_NEAR(b->lower, 0.0, 1e-12);
  EXPECT_NEAR(b->upper, 0.2775, 1e-4);
  EXPECT_FALSE(WilsonInterval(11, 10).ok());
  EXPECT_FALSE(WilsonInterval(0, 0).ok());
}

TEST(MarginOfErrorTest, MeanAndProportionWithFpc) {
  EXPECT_NEAR(*MarginOfErrorMean(10, 100), 1.984217 * 1.0, 1e-5);
  EXPECT_NEAR(*MarginOfErrorMean(10, 100, 1000), 1.984217 * std::sqrt(900.0 / 999), 1e-5);
  EXPECT_NEAR(*MarginOfErrorProportion(0.5, 384), 1.959964 * std::sqrt(0.25 / 384), 1e-6);
  EXPECT_NEAR(*MarginOfErrorProportion(0.5, 384), 0.05, 1e-3);
  EXPECT_NEAR(*MarginOfErrorProportion(0.5, 50, 50), 0.0, 1e-12);
  EXPECT_FALSE(MarginOfErrorProportion(0.5, 60, 50).ok());
}

// Krejcie & Morgan (1970) table.
TEST(KrejcieMorganTest, TableValues) {
  EXPECT_EQ(KrejcieMorgan(10), 10);
  EXPECT_EQ(KrejcieMorgan(50), 44);
  EXPECT_EQ(KrejcieMorgan(100), 80);
  EXPECT_EQ(KrejcieMorgan(500), 217);
  EXPECT_EQ(KrejcieMorgan(1000), 278);
  EXPECT_EQ(KrejcieMorgan(10000), 370);
  EXPECT_EQ(KrejcieMorgan(100000), 383);
  EXPECT_EQ(KrejcieMorgan(0), 384);
}

// Sign test: binomial tails counted by hand.
TEST(SignTestTest, ExactBinomialTails) {
  // 9 against 1: P(X <= 1) = (1 + 10) / 1024, doubled.
  EXPECT_DOUBLE_EQ(SignTestTwoSided(9, 1), 22.0 / 1024);
  EXPECT_DOUBLE_EQ(SignTestTwoSided(1, 9), 22.0 / 1024);
  // 6 against 0: 2 / 64.
  EXPECT_DOUBLE_EQ(SignTestTwoSided(6, 0), 2.0 / 64);
  EXPECT_DOUBLE_EQ(SignTestTwoSided(5, 5), 1.0);
  EXPECT_DOUBLE_EQ(SignTestTwoSided(0, 0), 1.0);
  // Large n stays finite: 600 against 400 is far beyond chance, and the
  // two ways of summing the tail (n 1000 and 1001) agree.
  EXPECT_LT(SignTestTwoSided(600, 400), 1e-9);
  EXPECT_GT(SignTestTwoSided(600, 400), 0.0);
  EXPECT_NEAR(SignTestTwoSided(520, 480) / SignTestTwoSided(520, 481), 1.0, 0.1);
  EXPECT_NEAR(SignTestTwoSided(1200, 1201), 1.0, 1e-9);
}

// Wilcoxon signed-rank, ranks worked out by hand.
TEST(WilcoxonSignedRankTest, RanksTiesAndZeros) {
  // |d| 1 2 3 4 5 ranks 1..5; positives 1 2 4 5: W+ = 12, mean 7.5,
  // variance 5 * 6 * 11 / 24 = 13.75.
  SignedRankTest t = WilcoxonSignedRank({1, 2, -3, 4, 5});
  EXPECT_EQ(t.n, 5);
  EXPECT_DOUBLE_EQ(t.w_plus, 12);
  EXPECT_NEAR(t.z, 4.5 / std::sqrt(13.75), 1e-12);
  EXPECT_NEAR(t.p_two_sided, std::erfc(t.z / std::sqrt(2.0)), 1e-9);
  EXPECT_NEAR(t.p_two_sided, 0.2249, 1e-3);
  // A zero dropped; |d| 1 1 1 2 share ranks 2 2 2 and 4: W+ = 8, mean 5,
  // variance 4 * 5 * 9 / 24 - (27 - 3) / 48 = 7.
  t = WilcoxonSignedRank({1, 1, -1, 2, 0});
  EXPECT_EQ(t.n, 4);
  EXPECT_DOUBLE_EQ(t.w_plus, 8);
  EXPECT_NEAR(t.z, 3 / std::sqrt(7.0), 1e-12);
  // Nothing but zeros: no evidence either way.
  t = WilcoxonSignedRank({0, 0});
  EXPECT_EQ(t.n, 0);
  EXPECT_DOUBLE_EQ(t.p_two_sided, 1);
  // All the same sign and size: W+ = n(n+1)/2.
  t = WilcoxonSignedRank({1, 1, 1, 1, 1, 1});
  EXPECT_DOUBLE_EQ(t.w_plus, 21);
  EXPECT_LT(t.p_two_sided, 0.05);
}

}  // namespace
}  // namespace pelita::stats
