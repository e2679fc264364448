// Unit tests of the complaint domain: IKM (PermenPANRB 14/2017), working-day
// calendar, histograms, rate comparison, merging of status updates, windows
// and the two import formats.  No network.

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "services/complaint/calendar.h"
#include "services/complaint/domain.h"
#include "services/complaint/importers.h"
#include "services/complaint/stats_math.h"

namespace pelita::complaint {
namespace {

absl::Time Wib(int y, int m, int d, int hh = 0, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), *LoadIndonesianTimeZone(kWib));
}

// ---- IKM ----

SkmTotals Uniform(int64_t n, int64_t per_element_sum) {
  SkmTotals t;
  t.respondents = n;
  t.sum.fill(per_element_sum);
  t.answered.fill(n);
  return t;
}

TEST(IkmTest, HandComputedExample) {
  // Four respondents answered every element.  Element sums and NRR:
  // U1 13 (3.25) U2 12 (3.00) U3 14 (3.50) U4 11 (2.75) U5 15 (3.75)
  // U6 13 (3.25) U7 12 (3.00) U8 14 (3.50) U9 10 (2.50); Σ NRR = 28.5,
  // IKM = 28.5 / 9 = 3.16667, converted 79.1667 -> B (Baik).
  SkmTotals t;
  t.respondents = 4;
  t.sum = {13, 12, 14, 11, 15, 13, 12, 14, 10};
  t.answered.fill(4);
  const IkmResult r = ComputeIkm(t, 0);
  EXPECT_DOUBLE_EQ(r.nrr[0], 3.25);
  EXPECT_DOUBLE_EQ(r.nrr[8], 2.5);
  EXPECT_NEAR(r.ikm, 3.166667, 1e-6);
  EXPECT_NEAR(r.converted, 79.166667, 1e-6);
  EXPECT_EQ(r.category, "B");
  EXPECT_EQ(r.label, "Baik");
}

TEST(IkmTest, NrrDividesByRespondentsWhoAnsweredTheElement) {
  SkmTotals t = Uniform(4, 16);  // all 4s
  t.sum[8] = 5;                  // U9 answered by 2 people: 2 + 3
  t.answered[8] = 2;
  const IkmResult r = ComputeIkm(t, 0);
  EXPECT_DOUBLE_EQ(r.nrr[8], 2.5);
  // (8 x 4 + 2.5) / 9 x 25 = 95.8333
  EXPECT_NEAR(r.converted, 95.833333, 1e-5);
  EXPECT_EQ(r.category, "A");
}

// With 2,500 respondents and every element summing to x, converted = x / 100
// exactly, so each boundary can be hit on both sides.
TEST(IkmTest, CategoryBoundaries) {
  struct Case { int64_t sum; double converted; const char* category; };
  const Case cases[] = {{6499, 64.99, "D"}, {6500, 65.00, "C"}, {7660, 76.60, "C"},
                        {7661, 76.61, "B"}, {8830, 88.30, "B"}, {8831, 88.31, "A"},
                        {2500, 25.00, "D"}, {10000, 100.00, "A"}};
  for (const Case& c : cases) {
    const IkmResult r = ComputeIkm(Uniform(2500, c.sum), 0);
    EXPECT_NEAR(r.converted, c.converted, 1e-9) << c.sum;
    EXPECT_EQ(r.category, c.category) << c.converted;
  }
  EXPECT_EQ(IkmCategory(64.99), "D");
  EXPECT_EQ(IkmCategory(65.00), "C");
  EXPECT_EQ(IkmCategory(76.60), "C");
  EXPECT_EQ(IkmCategory(76.61), "B");
  EXPECT_EQ(IkmCategory(88.30), "B");
  EXPECT_EQ(IkmCategory(88.31), "A");
  EXPECT_EQ(IkmCategoryLabel("A"), "Sangat Baik");
  EXPECT_EQ(IkmCategoryLabel("C"), "Kurang Baik");
  EXPECT_EQ(IkmCategoryLabel("D"), "Tidak Baik");
}

// Splits of the element sums that all give the same exact converted value
// v = 25 x Σ (sum_i / answered_i) / 9: for answer counts of 625 on eight
// elements and 8 on one (in three positions), 8 Σ sum_625 + 625 sum_8 =
// 5000 Σ NRR.  Random splits of Σ sum_625 over the eight elements.
std::vector<SkmTotals> Splits(int64_t times5000, std::mt19937& rng, int per_structure) {
  std::vector<SkmTotals> out;
  for (int small : {8, 0, 4}) {
    for (int64_t s8 = 8; s8 <= 32; ++s8) {
      const int64_t rest = times5000 - 625 * s8;
      if (rest % 8 != 0) continue;
      const int64_t big = rest / 8;
      if (big < 8 * 625 || big > 8 * 2500) continue;
      for (int k = 0; k < per_structure; ++k) {
        SkmTotals t;
        t.respondents = 625;
        std::vector<int64_t> parts(8, 625);
        int64_t left = big - 8 * 625;
        while (left > 0) {
          const int i = static_cast<int>(rng() % 8);
          const int64_t add = std::min<int64_t>({left, 2500 - parts[i], 1 + static_cast<int64_t>(rng() % 300)});
          parts[i] += add;
          left -= add;
        }
        for (int e = 0, j = 0; e < 9; ++e) {
          if (e == small) {
            t.sum[e] = s8;
            t.answered[e] = 8;
          } else {
            t.sum[e] = parts[j++];
            t.answered[e] = 625;
          }
        }
        out.push_back(t);
      }
    }
  }
  return out;
}

// PermenPANRB 14/2017's two decimals, rounded half up exactly from the
// integer sums: every boundary, both sides and the half between, with many
// splits of the element sums.  The binary double llround(converted x 100)
// got some of the halves wrong (checked below), the exact rounding none.
TEST(IkmTest, EveryCategoryBoundaryWithManySplits) {
  struct Case { int64_t thousandths; int64_t cents; const char* category; };
  const Case cases[] = {{64990, 6499, "D"}, {64995, 6500, "C"}, {65000, 6500, "C"},
                        {76600, 7660, "C"}, {76605, 7661, "B"}, {76610, 7661, "B"},
                        {88300, 8830, "B"}, {88305, 8831, "A"}, {88310, 8831, "A"}};
  std::mt19937 rng(14);
  int double_wrong = 0, checked = 0;
  for (const Case& c : cases) {
    // 5000 x Σ NRR = 5000 x 9 v / 25 = 9 x thousandths / 5.
    ASSERT_EQ((9 * c.thousandths) % 5, 0);
    const auto splits = Splits(9 * c.thousandths / 5, rng, 40);
    ASSERT_GE(splits.size(), 40u) << c.thousandths;
    for (const SkmTotals& t : splits) {
      const IkmResult r = ComputeIkm(t, 0, 5);
      ASSERT_EQ(r.incomplete_element, -1);
      EXPECT_EQ(r.converted_cents, c.cents) << c.thousandths;
      EXPECT_EQ(r.category, c.category) << c.thousandths;
      EXPECT_NEAR(r.converted, c.thousandths / 1000.0, 1e-9);
      double_wrong += std::llround(r.converted * 100) != c.cents;
      ++checked;
    }
  }
  EXPECT_GT(double_wrong, 0) << "the splits no longer exercise binary rounding (" << checked << " checked)";
}

TEST(IkmTest, AnElementWithFewAnswersLeavesNoCategory) {
  SkmTotals t = Uniform(8, 24);
  t.sum[3] = 0;
  t.answered[3] = 0;  // nobody answered U4
  IkmResult r = ComputeIkm(t, 0, 5);
  EXPECT_EQ(r.incomplete_element, 3);
  EXPECT_TRUE(r.category.empty());
  t.sum[3] = 12;
  t.answered[3] = 4;  // four answers, fewer than 5
  r = ComputeIkm(t, 0, 5);
  EXPECT_EQ(r.incomplete_element, 3);
  t.sum[3] = 15;
  t.answered[3] = 5;
  r = ComputeIkm(t, 0, 5);
  EXPECT_EQ(r.incomplete_element, -1);
  EXPECT_EQ(r.category, "C");  // (8 x 3 + 3) / 9 x 25 = 75.00
  EXPECT_EQ(r.converted_cents, 7500);
}

TEST(IkmTest, MarginOfErrorWithFinitePopulationCorrection) {
  SkmTotals t = Uniform(100, 300);
  // 1.96 x sqrt(0.25 / 100) x sqrt((1000 - 100) / 999) = 9.3016 points.
  EXPECT_NEAR(ComputeIkm(t, 1000).margin_of_error_pct, 9.30158, 1e-4);
  // Without a known population: no correction, 9.7998.
  EXPECT_NEAR(ComputeIkm(t, 0).margin_of_error_pct, 9.79982, 1e-4);
  // The whole population answered: no sampling error.
  EXPECT_EQ(ComputeIkm(t, 100).margin_of_error_pct, 0);
  // Spread of respondent scores: 50 at 100 and 50 at 50 -> sd 25.126;
  // t(0.975, 99) = 1.98422 x 25.126 / 10 = 4.9855 without correction.
  SkmTotals s = Uniform(100, 300);
  s.score_sum = 50 * 100 + 50 * 50;
  s.score_sumsq = 50 * 10000 + 50 * 2500;
  EXPECT_NEAR(ComputeIkm(s, 0).ikm_margin, 4.98553, 1e-4);
  EXPECT_EQ(ComputeIkm(s, 0).recommended_sample_size, 384);
  EXPECT_EQ(ComputeIkm(s, 1000).recommended_sample_size, 278);  // Krejcie & Morgan table
}

// ---- Rates ----

TEST(RatesTest, BeforeAfterKnownExample) {
  // 40 complaints over 10,000 transactions before, 20 over 10,000 after.
  // RR = 0.5, 95 % CI exp(ln 0.5 ± 1.96 sqrt(1/40 + 1/20)) = [0.2923, 0.8552];
  // difference -2.0 per 1,000 ± 1.96 sqrt(40 + 20) / 10 = [-3.5182, -0.4818].
  const RateComparison c = CompareRates(40, 10000, 20, 10000, 1000);
  EXPECT_DOUBLE_EQ(c.rate_before, 4.0);
  EXPECT_DOUBLE_EQ(c.rate_after, 2.0);
  EXPECT_DOUBLE_EQ(c.ratio, 0.5);
  EXPECT_NEAR(c.ratio_low, 0.292320, 1e-5);
  EXPECT_NEAR(c.ratio_high, 0.855226, 1e-5);
  EXPECT_DOUBLE_EQ(c.difference, -2.0);
  EXPECT_NEAR(c.difference_low, -3.518182, 1e-5);
  EXPECT_NEAR(c.difference_high, -0.481818, 1e-5);
  EXPECT_FALSE(c.continuity_corrected);
}

TEST(RatesTest, ZeroCountIsCorrected) {
  const RateComparison c = CompareRates(10, 1000, 0, 1000, 1000);
  EXPECT_TRUE(c.continuity_corrected);
  EXPECT_NEAR(c.ratio, 0.5 / 10.5, 1e-12);
  EXPECT_GT(c.ratio_high, c.ratio);
  EXPECT_LT(c.ratio_low, c.ratio);
}

// ---- Histogram ----

TEST(HistogramTest, QuantilesWithinBinErrorAndMergeable) {
  DurationHistogram a, b;
  for (int i = 1; i <= 1000; ++i) (i % 2 ? a : b).Add(i * 10);
  DurationHistogram all = a;
  all.Merge(b);
  EXPECT_EQ(all.count(), 1000);
  EXPECT_DOUBLE_EQ(all.Mean(), 5005);
  EXPECT_NEAR(all.Quantile(0.5), 5000, 5000 * 0.09);
  EXPECT_NEAR(all.Quantile(0.9), 9000, 9000 * 0.09);
  EXPECT_EQ(DurationHistogram::BinOf(0), 0);
  EXPECT_EQ(DurationHistogram::BinOf(1), 1);
  EXPECT_EQ(DurationHistogram::BinOf(2), 9);
}

// ---- Calendar ----

TEST(CalendarTest, WeekendsAreNotWorkingDays) {
  const WorkingCalendar cal = WorkingCalendar::IndonesiaDefault();
  // Friday 16:00 -> Wednesday 16:00: Fri 8 h + Mon + Tue + Wed 16 h = 3.0.
  EXPECT_NEAR(cal.WorkingDaysBetween(Wib(2026, 3, 6, 16), Wib(2026, 3, 11, 16)), 3.0, 1e-9);
  // Saturday 10:00 -> Monday 10:00: only Monday's 10 hours.
  EXPECT_NEAR(cal.WorkingDaysBetween(Wib(2026, 3, 7, 10), Wib(2026, 3, 9, 10)), 10.0 / 24, 1e-9);
  // Within one Sunday: nothing.
  EXPECT_EQ(cal.WorkingDaysBetween(Wib(2026, 3, 8, 1), Wib(2026, 3, 8, 23)), 0);
  // Reversed: nothing.
  EXPECT_EQ(cal.WorkingDaysBetween(Wib(2026, 3, 9), Wib(2026, 3, 6)), 0);
  // Three whole weeks: 15 working days.
  EXPECT_NEAR(cal.WorkingDaysBetween(Wib(2026, 2, 2), Wib(2026, 2, 23)), 15.0 - 2, 1e-9)
      << "16 and 17 February 2026 are Imlek holidays";
}

TEST(CalendarTest, HolidaysAndCollectiveLeave) {
  const WorkingCalendar cal = WorkingCalendar::IndonesiaDefault();
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 3, 19)));  // Nyepi
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 3, 23)));  // cuti bersama Idul Fitri
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2025, 8, 17)));
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2025, 12, 26)));
  EXPECT_TRUE(cal.IsWorkingDay(absl::CivilDay(2026, 3, 25)));
  // Tuesday 17 March 09:00 -> Wednesday 25 March 09:00, 2026: 18 (cuti),
  // 19 (Nyepi), 20 (Idul Fitri), 23-24 (cuti) are off: 15 h + 9 h = 1.0 day
  // instead of 6.0 on a calendar without holidays.
  EXPECT_NEAR(cal.WorkingDaysBetween(Wib(2026, 3, 17, 9), Wib(2026, 3, 25, 9)), 1.0, 1e-9);
  EXPECT_NEAR(WorkingCalendar().WorkingDaysBetween(Wib(2026, 3, 17, 9), Wib(2026, 3, 25, 9)), 6.0,
              1e-9);
  WorkingCalendar edited = cal;
  edited.Remove(absl::CivilDay(2026, 3, 23));
  edited.Add({absl::CivilDay(2026, 3, 25), "Hari jadi kabupaten", false});
  EXPECT_NEAR(edited.WorkingDaysBetween(Wib(2026, 3, 17, 9), Wib(2026, 3, 26, 9)), 2.0, 1e-9);
}

// ---- Merging status updates ----

ComplaintUpdate Step(v1::Status s, absl::Time t, const std::string& unit = "dukcapil") {
  ComplaintUpdate u;
  u.id = "LAPOR-001";
  u.unit = unit;
  u.category = "Administrasi Kependudukan";
  u.steps.emplace_back(s, t);
  return u;
}

TEST(MergeTest, DuplicateUpdatesChangeNothing) {
  const WorkingCalendar cal = WorkingCalendar::IndonesiaDefault();
  v1::ComplaintRecord r;
  EXPECT_TRUE(MergeUpdate("1504", Step(v1::RECEIVED, Wib(2026, 3, 2, 9)), cal, &r));
  EXPECT_TRUE(MergeUpdate("1504", Step(v1::FORWARDED, Wib(2026, 3, 3, 9)), cal, &r));
  const std::string before = r.SerializeAsString();
  EXPECT_FALSE(MergeUpdate("1504", Step(v1::FORWARDED, Wib(2026, 3, 3, 9)), cal, &r));
  EXPECT_FALSE(MergeUpdate("1504", Step(v1::RECEIVED, Wib(2026, 3, 2, 9)), cal, &r));
  EXPECT_EQ(r.SerializeAsString(), before);
  EXPECT_EQ(r.complaint().status(), v1::FORWARDED);
  EXPECT_EQ(r.complaint().name(), "tenants/1504/complaints/LAPOR-001");
}

TEST(MergeTest, AnyOrderEndsInTheSameState) {
  const WorkingCalendar cal = WorkingCalendar::IndonesiaDefault();
  std::vector<ComplaintUpdate> steps = {
      Step(v1::RECEIVED, Wib(2026, 3, 2, 9)), Step(v1::VERIFIED, Wib(2026, 3, 2, 15)),
      Step(v1::FORWARDED, Wib(2026, 3, 4, 9)), Step(v1::IN_FOLLOW_UP, Wib(2026, 3, 6, 9)),
      Step(v1::COMPLETED, Wib(2026, 3, 12, 9))};
  std::vector<int> order = {0, 1, 2, 3, 4};
  std::string expected;
  int permutations = 0;
  do {
    v1::ComplaintRecord r;
    for (int i : order) MergeUpdate("1504", steps[i], cal, &r);
    if (expected.empty()) expected = r.SerializeAsString();
    EXPECT_EQ(r.SerializeAsString(), expected);
    EXPECT_EQ(r.complaint().status(), v1::COMPLETED);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);
  v1::ComplaintRecord r;
  ASSERT_TRUE(r.ParseFromString(expected));
  ASSERT_EQ(r.complaint().history_size(), 5);
  EXPECT_EQ(r.complaint().history(0).status(), v1::RECEIVED);
  EXPECT_NEAR(r.forward_working_days(), 2.0, 1e-9);
  EXPECT_NEAR(r.complete_working_days(), 8.0, 1e-9);
}

TEST(MergeTest, StatusNeverMovesBackwards) {
  const WorkingCalendar cal = WorkingCalendar::IndonesiaDefault();
  v1::ComplaintRecord r;
  MergeUpdate("1504", Step(v1::RECEIVED, Wib(2026, 3, 2, 9)), cal, &r);
  MergeUpdate("1504", Step(v1::COMPLETED, Wib(2026, 3, 5, 9)), cal, &r);
  // A late message that the complaint was in follow-up, dated afterwards.
  MergeUpdate("1504", Step(v1::IN_FOLLOW_UP, Wib(2026, 3, 6, 9)), cal, &r);
  EXPECT_EQ(r.complaint().status(), v1::COMPLETED);
  // An earlier time for a known step replaces the later one.
  MergeUpdate("1504", Step(v1::COMPLETED, Wib(2026, 3, 4, 9)), cal, &r);
  EXPECT_NEAR(r.complete_working_days(), 2.0, 1e-9);
}

TEST(MergeTest, ContributionsDiffAddsOnlyWhatChanged) {
  const WorkingCalendar cal = WorkingCalendar::IndonesiaDefault();
  v1::ComplaintRecord a;
  MergeUpdate("1504", Step(v1::RECEIVED, Wib(2026, 3, 2, 9)), cal, &a);
  v1::ComplaintRecord b = a;
  // Forwarded 4 working days later (Friday): breaches the 3-day deadline.
  MergeUpdate("1504", Step(v1::FORWARDED, Wib(2026, 3, 6, 9)), cal, &b);
  const auto diff = Diff(&a, b, *LoadIndonesianTimeZone(kWib));
  int fwd = 0, br = 0, recv = 0;
  for (const auto& c : diff) {
    if (c.metric == "fwd") fwd += c.delta;
    if (c.metric == "fwd_br") br += c.delta;
    if (c.metric == "recv") recv += c.delta;
    EXPECT_EQ(c.day, absl::CivilDay(2026, 3, 6));
  }
  EXPECT_EQ(fwd, 1);
  EXPECT_EQ(br, 1);
  EXPECT_EQ(recv, 0);
  // Moving the complaint to another unit moves every count.
  v1::ComplaintRecord c = b;
  MergeUpdate("1504", Step(v1::FORWARDED, Wib(2026, 3, 6, 9), "dpmptsp"), cal, &c);
  int moved = 0;
  for (const auto& d : Diff(&b, c, *LoadIndonesianTimeZone(kWib))) {
    if (d.metric == "recv") moved += d.unit == "dpmptsp" ? d.delta : -d.delta;
  }
  EXPECT_EQ(moved, 4);  // its category and "*"
}

// ---- Windows ----

TEST(WindowTest, PeriodsAndCovers) {
  auto y = ParsePeriod("2026");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(CoverWindow(*y), std::vector<std::string>{"y2026"});
  auto q = ParsePeriod("2026-Q1");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(CoverWindow(*q), (std::vector<std::string>{"m202601", "m202602", "m202603"}));
  auto m = ParsePeriod("2026-02");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->end, absl::CivilDay(2026, 2, 28));
  auto d = ParsePeriod("2026-03-15");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(CoverWindow(*d), std::vector<std::string>{"d20260315"});
  const auto cover = CoverWindow({absl::CivilDay(2026, 1, 15), absl::CivilDay(2026, 3, 10)});
  EXPECT_EQ(cover.size(), 17u + 1 + 10);
  EXPECT_EQ(CoverWindow({absl::CivilDay(2000, 1, 1), absl::CivilDay(2026, 3, 10)}).size(),
            26u + 2 + 10);
  EXPECT_FALSE(ParsePeriod("2026-13").ok());
  EXPECT_FALSE(ParsePeriod("2026-Q5").ok());
  EXPECT_FALSE(ParsePeriod("26").ok());
  EXPECT_FALSE(ParsePeriod("2026-02-30").ok());
}

TEST(TimeTest, Formats) {
  EXPECT_EQ(*ParseTime("2026-03-15T09:30:00+07:00", *LoadIndonesianTimeZone(kWib)), Wib(2026, 3, 15, 9, 30));
  EXPECT_EQ(*ParseTime("2026-03-15T02:30:00Z", *LoadIndonesianTimeZone(kWib)), Wib(2026, 3, 15, 9, 30));
  EXPECT_EQ(*ParseTime("2026-03-15 09:30:00", *LoadIndonesianTimeZone(kWib)), Wib(2026, 3, 15, 9, 30));
  EXPECT_EQ(*ParseTime("2026-03-15", *LoadIndonesianTimeZone(kWib)), Wib(2026, 3, 15));
  EXPECT_FALSE(ParseTime("15 Maret 2026", *LoadIndonesianTimeZone(kWib)).ok());
}

// ---- Importers ----

csv::Row MakeRow(int64_t n, std::vector<std::string> fields) {
  csv::Row r;
  r.number = n;
  r.fields = std::move(fields);
  return r;
}

TEST(CsvTest, GoodAndBadRows) {
  CsvComplaintParser p(*LoadIndonesianTimeZone(kWib));
  ASSERT_TRUE(p.SetHeader({"nomor_tiket", "sumber", "kode_instansi", "klasifikasi", "kategori",
                           "judul", "status", "waktu_diterima", "waktu_diteruskan",
                           "waktu_selesai", "waktu_status"})
                  .ok());
  auto good = p.Parse(MakeRow(2, {"LAPOR-1", "web", "dukcapil", "pengaduan", "KTP-el", "Antrian",
                                  "selesai", "2026-03-02 09:00", "2026-03-03 09:00",
                                  "2026-03-09 09:00", ""}));
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->steps.size(), 3u);
  EXPECT_EQ(good->classification, v1::PENGADUAN);

  struct Bad { std::vector<std::string> fields; const char* reason; };
  const Bad bad[] = {
      {{"LAPOR-2", "web", "dukcapil", "pengaduan", "x", "", "ditutup", "2026-03-02", "", "", ""},
       "unknown status"},
      {{"LAPOR-3", "web", "dukcapil", "pengaduan", "x", "", "diterima", "2026-03-02", "",
        "2026-03-09", ""},
       "waktu_selesai is set but status is only RECEIVED"},
      {{"LAPOR-4", "web", "dukcapil", "pengaduan", "x", "", "diteruskan", "2026-03-05",
        "2026-03-02", "", ""},
       "waktu_diteruskan is before waktu_diterima"},
      {{"LAPOR-5", "web", "dukcapil", "pengaduan", "x", "", "diarsipkan", "2026-03-05", "", "", ""},
       "needs its time"},
      {{"LAPOR-6", "web", "dukcapil", "pengaduan", "x", "", "diterima", "kemarin", "", "", ""},
       "waktu_diterima: bad time"},
      {{"LAPOR-7", "web", "dukcapil", "keluhan", "x", "", "diterima", "2026-03-05", "", "", ""},
       "klasifikasi"},
      {{"", "web", "dukcapil", "pengaduan", "x", "", "diterima", "2026-03-05", "", "", ""},
       "nomor_tiket is empty"},
      {{"LAPOR 9", "web", "dukcapil", "pengaduan", "x", "", "diterima", "2026-03-05", "", "", ""},
       "only letters"},
      {{"LAPOR-10", "web"}, "has 2 fields"},
  };
  int64_t n = 3;
  for (const Bad& b : bad) {
    auto r = p.Parse(MakeRow(n++, b.fields));
    ASSERT_FALSE(r.ok()) << b.reason;
    EXPECT_NE(r.status().message().find(b.reason), std::string::npos) << r.status().message();
  }
  CsvComplaintParser missing(*LoadIndonesianTimeZone(kWib));
  EXPECT_FALSE(missing.SetHeader({"nomor_tiket", "status"}).ok());
}

TEST(Open311Test, GoodAndBadRequests) {
  auto rows = ParseOpen311(R"([
    {"service_request_id": "638344", "status": "closed", "service_name": "Jalan Rusak",
     "agency_responsible": "dpupr", "requested_datetime": "2026-03-02T09:00:00+07:00",
     "updated_datetime": "2026-03-10T09:00:00+07:00"},
    {"service_request_id": 638345, "status": "open", "service_code": "PJU",
     "agency_responsible": "dpupr", "requested_datetime": "2026-03-03T09:00:00+07:00"},
    {"status": "open", "agency_responsible": "dpupr", "requested_datetime": "2026-03-03"},
    {"service_request_id": "638347", "status": "pending", "agency_responsible": "dpupr",
     "requested_datetime": "2026-03-03"},
    {"service_request_id": "638348", "status": "closed", "agency_responsible": "dpupr",
     "requested_datetime": "2026-03-03"},
    "not an object"
  ])", "", *LoadIndonesianTimeZone(kWib));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 6u);
  ASSERT_TRUE((*rows)[0].update.ok());
  EXPECT_EQ((*rows)[0].update->steps.back().first, v1::COMPLETED);
  EXPECT_EQ((*rows)[0].update->category, "Jalan Rusak");
  ASSERT_TRUE((*rows)[1].update.ok());
  EXPECT_EQ((*rows)[1].update->id, "638345");
  EXPECT_EQ((*rows)[1].update->category, "PJU");
  EXPECT_NE((*rows)[2].update.status().message().find("service_request_id"), std::string::npos);
  EXPECT_NE((*rows)[3].update.status().message().find("open or closed"), std::string::npos);
  EXPECT_NE((*rows)[4].update.status().message().find("updated_datetime"), std::string::npos);
  EXPECT_EQ((*rows)[5].row, 6);
  EXPECT_FALSE((*rows)[5].update.ok());
  EXPECT_FALSE(ParseOpen311("{\"a\": 1}", "", *LoadIndonesianTimeZone(kWib)).ok());
  EXPECT_FALSE(ParseOpen311("[{", "", *LoadIndonesianTimeZone(kWib)).ok());
}

}  // namespace
}  // namespace pelita::complaint
