#ifndef PELITA_SERVICES_COMPLAINT_STATS_MATH_H_
#define PELITA_SERVICES_COMPLAINT_STATS_MATH_H_

// The statistics the complaint service needs: a mergeable histogram of
// durations, the IKM of PermenPANRB 14/2017 with its margins, and the ratio
// and difference of two Poisson rates (intervals, margins and Krejcie &
// Morgan from lib/stats).

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace pelita::complaint {

// 97.5 % quantile of the standard normal distribution.
inline constexpr double kZ975 = 1.959963984540054;

// Durations in minutes in fixed log-spaced bins (8 per doubling, from 1
// minute), so that two histograms merge by adding counts and a quantile is
// within 4.5 % of the true value.  Bin 0 holds [0, 1) minute.
class DurationHistogram {
 public:
  static constexpr int kBinsPerDoubling = 8;
  static constexpr int kMaxBin = 8 * 26;  // about 127 years
  static int BinOf(int64_t minutes);
  static double BinLow(int bin);
  static double BinHigh(int bin);

  void Add(int64_t minutes);
  void AddBin(int bin, int64_t count) { bins_[bin] += count; count_ += count; }
  void AddSum(int64_t minutes) { sum_ += minutes; }
  void Merge(const DurationHistogram& other);

  int64_t count() const { return count_; }
  double Mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0; }
  // q in [0, 1]; geometric interpolation inside the bin.
  double Quantile(double q) const;

 private:
  std::map<int, int64_t> bins_;
  int64_t count_ = 0;
  int64_t sum_ = 0;
};

// Totals of SKM responses (nine elements U1..U9, 1-4): everything an IKM,
// its spread and its margin need, and mergeable by addition.
struct SkmTotals {
  int64_t respondents = 0;
  std::array<int64_t, 9> sum{};
  std::array<int64_t, 9> answered{};
  // Of each respondent's converted score (mean of answered elements x 25).
  double score_sum = 0;
  double score_sumsq = 0;
  void Merge(const SkmTotals& o);
};

struct IkmResult {
  int64_t respondents = 0;
  std::array<double, 9> nrr{};
  double ikm = 0;            // Σ NRR / 9, 1..4
  double converted = 0;      // ikm x 25, 25..100 (a binary double: display only)
  // The converted value in hundredths, rounded half up exactly from the
  // integer sums (IkmConvertedCents); the category is taken from it.
  int64_t converted_cents = 0;
  std::string category;      // A..D
  std::string label;
  double margin_of_error_pct = 0;
  double ikm_margin = 0;
  // Standard error of `converted`: sd of the respondents' converted scores
  // / sqrt(n), finite population corrected (0 with fewer than 2).
  double standard_error = 0;
  // Krejcie & Morgan for the population (384 when unknown).
  int64_t recommended_sample_size = 0;
  // The first element (0-8) answered by fewer than `min_answers`
  // respondents, -1 when every element has enough: the IKM is then not
  // defined (it needs all nine NRR) and must be withheld.
  int incomplete_element = -1;
};

// The category of a converted value in hundredths (already rounded):
// 25.00-64.99 D Tidak Baik, 65.00-76.60 C Kurang Baik, 76.61-88.30 B Baik,
// 88.31-100.00 A Sangat Baik (PermenPANRB 14/2017, Lampiran).
std::string IkmCategoryOfCents(int64_t cents);
// The same for a value that is exactly representable at two decimals
// (e.g. from a table); computed values go through IkmConvertedCents.
std::string IkmCategory(double converted);
std::string IkmCategoryLabel(const std::string& category);

// 100 x 25 x Σ (sum_i / answered_i) / 9 rounded half up to an integer, in
// exact rational arithmetic on the integer sums and counts (no binary
// floating point: 76.605 is 76.61 however the element sums split).  Every
// answered_i must be > 0.
int64_t IkmConvertedCents(const std::array<int64_t, 9>& sum, const std::array<int64_t, 9>& answered);

// NRR_i = sum_i / answered_i; IKM = Σ NRR_i / 9; converted = IKM x 25.
// `population` (service users in the period; 0 = unknown, no correction)
// gives the finite population correction sqrt((N - n) / (N - 1)) of the
// margins and the standard error: a proportion at p = 0.5 with z (the
// Krejcie & Morgan assumption), and the mean respondent score (x 25) with
// Student t, n - 1 df (ikm_margin = t x standard_error).  An element with
// fewer than `min_answers` answers sets `incomplete_element` (NRR 0 for an
// unanswered one, never used as a score) and leaves the category empty.
IkmResult ComputeIkm(const SkmTotals& t, int64_t population, int64_t min_answers = 1);

struct RateComparison {
  double rate_before = 0, rate_after = 0;  // per `per` units of exposure
  double difference = 0, difference_low = 0, difference_high = 0;
  double ratio = 0, ratio_low = 0, ratio_high = 0;
  bool continuity_corrected = false;
};

// Counts a (before) and b (after) over exposures ea and eb.  Ratio (b/eb) /
// (a/ea) with the log-method interval exp(ln RR ± z sqrt(1/a + 1/b)); the
// difference with the Wald interval ± z sqrt(a/ea² + b/eb²), both scaled by
// `per`.  A zero count: 0.5 added to both counts for the ratio.
RateComparison CompareRates(int64_t a, double ea, int64_t b, double eb, double per);

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_STATS_MATH_H_
