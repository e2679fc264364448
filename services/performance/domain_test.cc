// The performance service's rules: checks of months and SKP records, the
// processing-time bands against the raw times they summarise, CSV fields.

#include "services/performance/domain.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "services/performance/csv_rows.h"

namespace pelita::performance {
namespace {

std::vector<std::string> Codes(const v1::ServiceMonth& m, absl::CivilMonth month = absl::CivilMonth(2026, 3),
                               absl::CivilMonth current = absl::CivilMonth(2026, 12)) {
  std::vector<Violation> v;
  CheckServiceMonth(m, month, current, "months[0].", &v);
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.code + "@" + x.field);
  return out;
}

v1::ServiceMonth Good() {
  v1::ServiceMonth m;
  m.set_received(100);
  m.set_completed(90);
  m.set_completed_on_time(80);
  m.set_returned(6);
  m.set_rejected(4);
  m.set_staff(5);
  return m;
}

TEST(CheckServiceMonthTest, AGoodMonthPasses) { EXPECT_TRUE(Codes(Good()).empty()); }

TEST(CheckServiceMonthTest, EachBadInputNamesItsField) {
  EXPECT_EQ(Codes(Good(), absl::CivilMonth(2027, 1)), std::vector<std::string>{"FUTURE_MONTH@months[0].name"});
  auto m = Good();
  m.set_returned(-1);
  EXPECT_EQ(Codes(m), std::vector<std::string>{"NEGATIVE_COUNT@months[0].returned"});
  m = Good();
  m.set_completed(101);
  m.set_completed_on_time(10);
  EXPECT_EQ(Codes(m), std::vector<std::string>{"COMPLETED_EXCEEDS_RECEIVED@months[0].completed"});
  m = Good();
  m.set_rejected(11);
  EXPECT_EQ(Codes(m), std::vector<std::string>{"REJECTED_EXCEEDS_RECEIVED@months[0].rejected"});
  m = Good();
  m.set_completed_on_time(91);
  EXPECT_EQ(Codes(m), std::vector<std::string>{"ON_TIME_EXCEEDS_COMPLETED@months[0].completed_on_time"});
  m = Good();
  m.set_returned(91);
  EXPECT_EQ(Codes(m), std::vector<std::string>{"RETURNED_EXCEEDS_COMPLETED@months[0].returned"});
  m = Good();
  m.mutable_processing_time()->set_total_hours(-2);
  EXPECT_EQ(Codes(m), std::vector<std::string>{"NEGATIVE_TIME@months[0].processing_time.total_hours"});
  m = Good();
  m.mutable_processing_time()->add_band_counts(3);
  EXPECT_EQ(Codes(m), std::vector<std::string>{"BAND_COUNT@months[0].processing_time.band_counts"});
  m = Good();
  m.mutable_processing_time()->mutable_band_counts()->Resize(kBands, 0);
  m.mutable_processing_time()->set_band_counts(4, 91);  // 91 timed of 90 completed
  EXPECT_EQ(Codes(m), std::vector<std::string>{"TIMED_EXCEEDS_COMPLETED@months[0].processing_time.band_counts"});
  m = Good();
  m.mutable_processing_time()->mutable_band_counts()->Resize(kBands, 0);
  m.mutable_processing_time()->set_band_counts(4, 10);  // 10 documents of 8-24 hours
  m.mutable_processing_time()->set_total_hours(10 * 30);
  EXPECT_EQ(Codes(m), std::vector<std::string>{"TIME_OUTSIDE_BANDS@months[0].processing_time.total_hours"});
  m.mutable_processing_time()->set_total_hours(10 * 20);
  EXPECT_TRUE(Codes(m).empty());
}

TEST(BandsTest, BandOfFollowsTheUpperBounds) {
  EXPECT_EQ(BandOf(0), 0);
  EXPECT_EQ(BandOf(1), 0);
  EXPECT_EQ(BandOf(1.01), 1);
  EXPECT_EQ(BandOf(24), 4);
  EXPECT_EQ(BandOf(720), 10);
  EXPECT_EQ(BandOf(721), 11);
}

TEST(BandsTest, QuantileInterpolatesWithinItsBand) {
  std::array<int64_t, kBands> b{};
  b[5] = 10;  // ten documents of 24-48 hours
  bool at_least = true;
  EXPECT_DOUBLE_EQ(BandQuantile(b, 0.5, &at_least), 36);
  EXPECT_FALSE(at_least);
  EXPECT_DOUBLE_EQ(BandQuantile(b, 0.9, &at_least), 24 + 24 * 0.9);
  b[11] = 90;  // most beyond 30 days: the p90 is "at least 720"
  EXPECT_DOUBLE_EQ(BandQuantile(b, 0.9, &at_least), 720);
  EXPECT_TRUE(at_least);
  std::array<int64_t, kBands> none{};
  EXPECT_EQ(BandQuantile(none, 0.5, &at_least), 0);
}

// Against the raw times: the quantile of the bands lies in the band of the
// raw quantile (the bands' resolution), for skewed random processing times.
TEST(BandsTest, QuantileAgreesWithRawTimesToTheBand) {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> hours(std::log(30.0), 1.0);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> raw(200 + trial * 37);
    std::array<int64_t, kBands> b{};
    for (double& h : raw) {
      h = std::min(hours(rng), 700.0);
      ++b[BandOf(h)];
    }
    std::sort(raw.begin(), raw.end());
    for (double p : {0.5, 0.9}) {
      const double truth = raw[static_cast<size_t>(std::ceil(p * raw.size())) - 1];
      bool at_least = false;
      const double q = BandQuantile(b, p, &at_least);
      EXPECT_EQ(BandOf(q), BandOf(truth)) << "p " << p << " truth " << truth << " bands " << q;
    }
  }
}

TEST(FiguresTest, RatesAndOutputFromTotals) {
  Totals t;
  auto a = Good();  // 90 completed, 6 returned, 80 on time, staff 5
  auto b = Good();
  b.set_staff(0);   // staff not known: left out of output per staff
  b.set_returned(3);
  t.Add(a);
  t.Add(b);
  const v1::PerformanceFigures f = FiguresOf(t);
  EXPECT_EQ(f.completed(), 180);
  EXPECT_EQ(f.error_rate().numerator(), 9);
  EXPECT_EQ(f.error_rate().n(), 180);
  EXPECT_DOUBLE_EQ(f.error_rate().value(), 9.0 / 180);
  // Wilson 95 %, computed here from its formula.
  const double z = 1.959963984540054, n = 180, p = 9.0 / 180;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  EXPECT_NEAR(f.error_rate().ci_low(), centre - half, 1e-9);
  EXPECT_NEAR(f.error_rate().ci_high(), centre + half, 1e-9);
  EXPECT_DOUBLE_EQ(f.on_time_rate().value(), 160.0 / 180);
  EXPECT_DOUBLE_EQ(f.output_per_staff(), 90.0 / 5);
  EXPECT_EQ(f.months_with_data(), 2);
}

TEST(FiguresBytesTest, SameFiguresSameBytesWhateverStorageAdded) {
  auto a = Good();
  auto b = Good();
  b.set_name("tenants/1504/units/u/serviceTypes/s/months/2026-03");
  b.set_revision(3);
  b.set_source("csv");
  EXPECT_EQ(FiguresBytes(a), FiguresBytes(b));
  b.set_returned(7);
  EXPECT_NE(FiguresBytes(a), FiguresBytes(b));
}

TEST(SkpTest, PeriodsAndTexts) {
  auto y = ParseSkpPeriod("2025");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->start, absl::CivilMonth(2025, 1));
  EXPECT_EQ(y->end, absl::CivilMonth(2025, 12));
  auto h = ParseSkpPeriod("2026-01_2026-06");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->end, absl::CivilMonth(2026, 6));
  EXPECT_FALSE(ParseSkpPeriod("2026-06_2026-01").ok());
  EXPECT_FALSE(ParseSkpPeriod("2025-11_2026-02").ok());
  EXPECT_FALSE(ParseSkpPeriod("25").ok());
  EXPECT_EQ(PredicateFromText("SANGAT BAIK"), v1::SANGAT_BAIK);
  EXPECT_EQ(PredicateFromText("Butuh Perbaikan"), v1::BUTUH_PERBAIKAN);
  EXPECT_EQ(PredicateFromText("sangat_kurang"), v1::SANGAT_KURANG);
  EXPECT_EQ(PredicateFromText("Luar Biasa"), v1::PREDICATE_UNSPECIFIED);
  EXPECT_EQ(RatingFromText("DIATAS EKSPEKTASI"), v1::DI_ATAS_EKSPEKTASI);
  EXPECT_EQ(RatingFromText("Di Bawah Ekspektasi"), v1::DI_BAWAH_EKSPEKTASI);
  EXPECT_GT(PredicateRank(v1::SANGAT_BAIK), PredicateRank(v1::BAIK));
  EXPECT_GT(PredicateRank(v1::KURANG), PredicateRank(v1::SANGAT_KURANG));
  v1::Skp s;
  std::vector<Violation> v;
  CheckSkp(s, "", &v);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].code, "INVALID_PREDICATE");
  s.set_kuadran_kinerja(v1::BAIK);
  s.set_nip_penilai("12345");
  v.clear();
  CheckSkp(s, "", &v);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "nip_penilai");
}

TEST(CsvFieldsTest, CountsDecimalsAndDelimiters) {
  EXPECT_EQ(DetectDelimiter("unit;layanan;bulan;diterima"), ';');
  EXPECT_EQ(DetectDelimiter("unit,layanan,bulan"), ',');
  EXPECT_EQ(ParseCount("1.234", true), 1234);
  EXPECT_EQ(ParseCount("1,234", false), 1234);
  EXPECT_EQ(ParseCount("1234", true), 1234);
  EXPECT_EQ(ParseCount("", true), 0);
  EXPECT_EQ(ParseCount("-3", true), -3);
  EXPECT_FALSE(ParseCount("12.34", true).has_value());
  EXPECT_FALSE(ParseCount("1,5", true).has_value());
  EXPECT_FALSE(ParseCount("abc", false).has_value());
  EXPECT_DOUBLE_EQ(*ParseDecimal("12,5", true), 12.5);
  EXPECT_DOUBLE_EQ(*ParseDecimal("12.5", false), 12.5);
  EXPECT_FALSE(ParseDecimal("12,5", false).has_value());
}

}  // namespace
}  // namespace pelita::performance
