#include "services/report/text.h"

#include "gtest/gtest.h"

namespace pelita::report {
namespace {

TEST(TextTest, NumbersAreWrittenTheIndonesianWay) {
  EXPECT_EQ(FormatNumber(1234.5, 1), "1.234,5");
  EXPECT_EQ(FormatNumber(-1234567.891, 2), "-1.234.567,89");
  EXPECT_EQ(FormatNumber(0.5, 0), "1");
  EXPECT_EQ(FormatNumber(-0.04, 1), "0,0");
  EXPECT_EQ(FormatInteger(1500000), "1.500.000");
  EXPECT_EQ(FormatInteger(-12), "-12");
  EXPECT_EQ(FormatScore(48.511904761904766), "48,5");
  EXPECT_EQ(FormatPercent(0.4567), "45,7%");
  EXPECT_EQ(FormatRupiah(1500000), "Rp 1.500.000");
  EXPECT_EQ(FormatRupiah(-1500.4), "-Rp 1.500");
}

TEST(TextTest, RoundingIsHalfAwayFromZeroWithoutBinaryNoise) {
  EXPECT_EQ(FormatNumber(2.25, 1), "2,3");
  EXPECT_EQ(FormatNumber(-2.25, 1), "-2,3");
  EXPECT_EQ(FormatNumber(1.005, 2), "1,01");  // stored as 1.00499999...
  EXPECT_DOUBLE_EQ(RoundHalfAwayFromZero(0.125, 2), 0.13);
}

TEST(TextTest, DatesAreWrittenInFull) {
  EXPECT_EQ(FormatDate(absl::CivilDay(2026, 12, 12)), "12 Desember 2026");
  EXPECT_EQ(FormatMonth(absl::CivilMonth(2026, 1)), "Januari 2026");
  EXPECT_EQ(FormatIsoDay("2026-03-02"), "2 Maret 2026");
  EXPECT_EQ(FormatIsoDay("2026-13-02"), "");
  EXPECT_EQ(FormatDayRange("2026-08-28", "2026-09-26"), "28 Agustus 2026 – 26 September 2026");
  EXPECT_EQ(FormatDayRange("2026-08-28", "kelak"), "28 Agustus 2026 – kelak");
  const absl::TimeZone wib = absl::FixedTimeZone(7 * 3600);
  EXPECT_EQ(FormatDateTime(absl::FromCivil(absl::CivilSecond(2026, 12, 3, 14, 5, 9), wib), wib),
            "3 Desember 2026 14.05");
}

// The interval phrases of the formulas in the methods annex.
TEST(TextTest, IntervalsAreNamedInIndonesian) {
  EXPECT_EQ(WithInterval("berkas dikembalikan / berkas selesai", Interval95::kWilson),
            "berkas dikembalikan / berkas selesai; interval Wilson 95%");
  EXPECT_EQ(WithInterval("pengaduan / transaksi × 1.000", Interval95::kPoisson),
            "pengaduan / transaksi × 1.000; interval normal (Poisson) 95%");
  EXPECT_EQ(IntervalText(Interval95::kStudentT), "interval t 95%");
  EXPECT_EQ(IntervalText(Interval95::kNormal), "interval normal 95%");
}

TEST(TextTest, EveryReasonCodeHasItsOwnSentence) {
  const std::string unknown = ReasonText(scoring::v1::REASON_CODE_UNSPECIFIED);
  for (int c = 1; c <= scoring::v1::ReasonCode_MAX; ++c) {
    if (!scoring::v1::ReasonCode_IsValid(c)) continue;
    EXPECT_NE(ReasonText(static_cast<scoring::v1::ReasonCode>(c)), unknown) << "reason code " << c;
  }
}

}  // namespace
}  // namespace pelita::report
