// ComputeWork and ComputeSkpChange on inputs written out by hand.

#include "services/scoring/work.h"

#include <cmath>

#include "gtest/gtest.h"

namespace pelita::scoring {
namespace {

WorkMonth M(const std::string& unit, const std::string& period, int64_t completed, int64_t returned,
            int64_t on_time = 0, int band = -1, double hours = 0) {
  WorkMonth m;
  m.unit = unit;
  m.period = period;
  m.has_data = true;
  m.completed = completed;
  m.returned = returned;
  m.on_time = on_time;
  if (band >= 0) {
    m.has_bands = true;
    m.bands[band] = completed;
    m.total_hours = hours * static_cast<double>(completed);
  }
  return m;
}

WorkInputs Base() {
  WorkInputs in;
  in.before_first = in.before_last = "2026-02";
  in.after_first = in.after_last = "2026-05";
  in.treated = {"t"};
  in.control = {"c1", "c2"};
  in.min_control_units = 2;
  return in;
}

TEST(WholeMonthsTest, OnlyMonthsInsideTheWindow) {
  std::string a, b;
  WholeMonths(absl::CivilDay(2026, 1, 6), absl::CivilDay(2026, 4, 5), &a, &b);
  EXPECT_EQ(a, "2026-02");
  EXPECT_EQ(b, "2026-03");
  WholeMonths(absl::CivilDay(2026, 2, 1), absl::CivilDay(2026, 2, 28), &a, &b);
  EXPECT_EQ(a, "2026-02");
  EXPECT_EQ(b, "2026-02");
  WholeMonths(absl::CivilDay(2026, 2, 2), absl::CivilDay(2026, 3, 30), &a, &b);  // no whole month
  EXPECT_GT(a, b);
}

TEST(ComputeWorkTest, PooledRatesAndTheirDid) {
  WorkInputs in = Base();
  in.months = {M("t", "2026-02", 400, 40), M("t", "2026-05", 500, 10), M("c1", "2026-02", 300, 15),
               M("c1", "2026-05", 300, 15),  M("c2", "2026-02", 100, 5), M("c2", "2026-05", 100, 5)};
  const v1::WorkResults w = ComputeWork(in);
  EXPECT_EQ(w.treated_unit_count(), 1);
  EXPECT_EQ(w.control_unit_count(), 2);
  // (2 - 10) - (5 - 5) points.
  EXPECT_NEAR(w.error_rate_did().value(), -8.0, 1e-9);
  const double var = (0.1 * 0.9 / 400 + 0.02 * 0.98 / 500 + 2 * 0.05 * 0.95 / 400) * 1e4;
  EXPECT_NEAR(w.error_rate_did().ci_high(), -8.0 + 1.959963984540054 * std::sqrt(var), 1e-9);
  // No processing times at all: said so, not a zero.
  EXPECT_TRUE(w.processing_hours_did().withheld());
  EXPECT_EQ(w.processing_hours_did().reason_code(), v1::DATA_ABSENT);
  EXPECT_TRUE(w.hours_saved().withheld());
}

TEST(ComputeWorkTest, AnIntervalAcrossZeroIsInconclusive) {
  WorkInputs in = Base();
  in.months = {M("t", "2026-02", 50, 3, 0, 5, 36), M("t", "2026-05", 50, 2, 0, 5, 35), M("c1", "2026-02", 50, 3),
               M("c1", "2026-05", 50, 3),          M("c2", "2026-02", 50, 3),          M("c2", "2026-05", 50, 3)};
  const v1::WorkResults w = ComputeWork(in);
  EXPECT_TRUE(w.error_rate_did().inconclusive());
  EXPECT_EQ(w.error_rate_did().reason_code(), v1::EFFECT_NOT_SHOWN);
  // The controls have no times: no processing-time DiD.
  EXPECT_TRUE(w.processing_hours_did().withheld());
}

TEST(ComputeWorkTest, WithheldForTheRightReason) {
  WorkInputs in = Base();
  in.missing = "connection refused";
  EXPECT_EQ(ComputeWork(in).error_rate_did().reason_code(), v1::RESULTS_UNAVAILABLE);
  in = Base();
  in.treated.clear();
  EXPECT_EQ(ComputeWork(in).error_rate_did().reason_code(), v1::UNITS_UNKNOWN);
  in = Base();  // no months at all
  EXPECT_EQ(ComputeWork(in).error_rate_did().reason_code(), v1::WINDOW_NOT_COVERED);
  in = Base();
  in.months = {M("t", "2026-02", 10, 1), M("t", "2026-05", 10, 1), M("c1", "2026-02", 10, 1),
               M("c1", "2026-05", 10, 1)};  // c2 has no months
  const v1::WorkResults w = ComputeWork(in);
  EXPECT_EQ(w.error_rate_did().reason_code(), v1::TOO_FEW_CONTROL_UNITS);
  EXPECT_FALSE(w.error_rate_did().has_interval());
  ASSERT_EQ(w.units_size(), 3);
  EXPECT_FALSE(w.units(2).used());
  EXPECT_EQ(w.units(2).excluded(), "no service indicators for 2026-02");
}

TEST(ComputeWorkTest, HoursSavedFromAFallInProcessingTime) {
  WorkInputs in = Base();
  in.months = {M("t", "2026-02", 1000, 0, 0, 5, 36),  M("t", "2026-05", 1000, 0, 0, 4, 16),
               M("c1", "2026-02", 1000, 0, 0, 5, 36), M("c1", "2026-05", 1000, 0, 0, 5, 36),
               M("c2", "2026-02", 1000, 0, 0, 5, 36), M("c2", "2026-05", 1000, 0, 0, 5, 36)};
  const v1::WorkResults w = ComputeWork(in);
  ASSERT_FALSE(w.processing_hours_did().withheld()) << w.processing_hours_did().reason();
  EXPECT_NEAR(w.processing_hours_did().value(), -20, 1e-9);
  // Every document in one band: the midpoints' variance is zero.
  EXPECT_NEAR(w.processing_hours_did().ci_low(), -20, 1e-9);
  EXPECT_NEAR(w.hours_saved().value(), 20 * 1000, 1e-6);
  // Returned is zero everywhere: a DiD of 0 with a zero interval is shown.
  EXPECT_NEAR(w.error_rate_did().value(), 0, 1e-12);
}

TEST(ComputeSkpChangeTest, SharesAboveMinNOnly) {
  SkpChangeInputs in;
  in.participants = 10;
  in.pairs = 8;
  in.rose = 5;
  in.stayed = 2;
  in.fell = 1;
  in.sign_test_p = 0.21875;
  in.mean_step = 0.5;
  v1::SkpChange s = ComputeSkpChange(in, 5);
  EXPECT_NEAR(s.rose_share().value(), 5.0 / 8, 1e-12);
  EXPECT_TRUE(s.rose_share().has_interval());
  EXPECT_NEAR(s.sign_test_p().value(), 0.21875, 1e-12);
  s = ComputeSkpChange(in, 10);  // the tenant asks for 10 pairs
  EXPECT_TRUE(s.rose_share().withheld());
  EXPECT_EQ(s.rose_share().reason_code(), v1::BELOW_MIN_N);
  EXPECT_EQ(s.rose_share().n(), 8);
  in.missing = "unavailable";
  EXPECT_EQ(ComputeSkpChange(in, 5).mean_step().reason_code(), v1::RESULTS_UNAVAILABLE);
}

}  // namespace
}  // namespace pelita::scoring
