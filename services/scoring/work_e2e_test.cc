// L3's SKP change and L4's work figures (issue 18) through the real
// enrolment, performance and scoring services: indicators and SKP records
// recorded by API, the evaluation read back and its figures recomputed here
// from what was sent.

#include <cmath>

#include "services/scoring/e2e_fixture.h"

namespace pelita::scoring {
namespace {

namespace pv1 = ::pelita::performance::v1;

class WorkEndToEndTest : public ScoringEndToEndTest {
 protected:
  void Type(const std::string& unit) {
    pv1::CreateServiceTypeRequest r;
    r.set_parent("tenants/1504/units/" + unit);
    r.set_service_type_id("berkas");
    r.mutable_service_type()->set_display_name("Berkas");
    pv1::ServiceType t;
    ASSERT_RPC(Call(performance_stub_.get(), &pv1::PerformanceService::Stub::CreateServiceType, r, &t));
  }
  // A month of 1000 completed documents: `returned` returned, `on_time` on
  // time, every one timed in `band` at `hours` each.
  static pv1::ServiceMonth Month(const std::string& unit, const std::string& month, int64_t returned,
                                 int64_t on_time, int band, double hours) {
    pv1::ServiceMonth m;
    m.set_name(absl::StrCat("tenants/1504/units/", unit, "/serviceTypes/berkas/months/", month));
    m.set_received(1100);
    m.set_completed(1000);
    m.set_returned(returned);
    m.set_completed_on_time(on_time);
    m.mutable_processing_time()->mutable_band_counts()->Resize(12, 0);
    m.mutable_processing_time()->set_band_counts(band, 1000);
    m.mutable_processing_time()->set_total_hours(1000 * hours);
    return m;
  }
};

TEST_F(WorkEndToEndTest, TheEvaluationShowsTheWorkAndSkpFiguresWithTheirInputs) {
  for (const char* u : {"t1", "c1", "c2", "c3"}) {
    CreateUnit("1504", u, 1000);
    Type(u);
  }
  CreateProgram("1504", "ap", 1'000'000);
  const std::string cohort = "tenants/1504/programs/ap/cohorts/a1";
  // Before window 2026-01-06 .. 2026-04-05 (whole months February and
  // March), after window 2026-04-11 .. 2026-07-09 (May and June).
  CreateCohort("tenants/1504/programs/ap", "a1", absl::CivilDay(2026, 4, 6), absl::CivilDay(2026, 4, 10), {});
  std::vector<std::string> nips;
  for (int i = 0; i < 6; ++i) {
    nips.push_back(NipOf(100 + i));
    CreateEmployee("1504", nips.back(), "t1");
    Enrol(cohort, nips.back());
  }
  pv1::BatchRecordServiceMonthsRequest months;
  months.set_parent("tenants/1504");
  for (const char* m : {"2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"}) {
    const bool after = std::string(m) >= "2026-05";
    // Trained: 6 % returned before, 3 % after; 80 % then 90 % on time;
    // 36 h (band 24-48) then 16 h (band 8-24).
    *months.add_months() = after ? Month("t1", m, 30, 900, 4, 16) : Month("t1", m, 60, 800, 5, 36);
    for (const char* c : {"c1", "c2", "c3"}) *months.add_months() = Month(c, m, 50, 850, 5, 36);
  }
  pv1::BatchRecordServiceMonthsResponse recorded;
  ASSERT_RPC(Call(performance_stub_.get(), &pv1::PerformanceService::Stub::BatchRecordServiceMonths, months, &recorded));
  // SKP: five rose from Baik to Sangat Baik, one stayed.
  pv1::BatchRecordSkpRequest skp;
  skp.set_parent("tenants/1504");
  for (size_t i = 0; i < nips.size(); ++i) {
    auto* before = skp.add_records();
    before->set_name(absl::StrCat("tenants/1504/employees/", nips[i], "/skp/2025"));
    before->set_kuadran_kinerja(pv1::BAIK);
    auto* after = skp.add_records();
    after->set_name(absl::StrCat("tenants/1504/employees/", nips[i], "/skp/2026-07_2026-12"));
    after->set_kuadran_kinerja(i < 5 ? pv1::SANGAT_BAIK : pv1::BAIK);
  }
  pv1::BatchRecordSkpResponse skp_out;
  ASSERT_RPC(Call(performance_stub_.get(), &pv1::PerformanceService::Stub::BatchRecordSkp, skp, &skp_out));
  // An hourly cost of staff time, for the hours-saved benefit.
  v1::UpdateScoringSettingsRequest settings;
  settings.mutable_settings()->set_name("tenants/1504/scoringSettings");
  settings.mutable_settings()->set_hourly_cost(50'000);
  settings.mutable_update_mask()->add_paths("hourly_cost");
  v1::ScoringSettings stored;
  ASSERT_RPC(Call(scoring_stub_.get(), &v1::ScoringService::Stub::UpdateScoringSettings, settings, &stored));

  const v1::Evaluation ev = Evaluation(cohort);
  const v1::WorkResults& w = ev.results().work();
  EXPECT_EQ(w.before_first_month(), "2026-02");
  EXPECT_EQ(w.before_last_month(), "2026-03");
  EXPECT_EQ(w.after_first_month(), "2026-05");
  EXPECT_EQ(w.after_last_month(), "2026-06");
  EXPECT_EQ(w.treated_unit_count(), 1);
  EXPECT_EQ(w.control_unit_count(), 3);
  // Recomputed: treated 2000 documents each window, controls 6000.
  EXPECT_NEAR(w.treated_error_rate_before().value(), 0.06, 1e-12);
  EXPECT_NEAR(w.treated_error_rate_after().value(), 0.03, 1e-12);
  EXPECT_NEAR(w.control_error_rate_after().value(), 0.05, 1e-12);
  const v1::Figure& e = w.error_rate_did();
  ASSERT_FALSE(e.withheld()) << e.reason();
  EXPECT_NEAR(e.value(), -3.0, 1e-9);
  const double se = std::sqrt((0.06 * 0.94 / 2000 + 0.03 * 0.97 / 2000 + 2 * 0.05 * 0.95 / 6000) * 1e4);
  EXPECT_NEAR(e.ci_low(), -3.0 - 1.959963984540054 * se, 1e-6);
  EXPECT_NEAR(e.ci_high(), -3.0 + 1.959963984540054 * se, 1e-6);
  EXPECT_FALSE(e.inconclusive());
  EXPECT_NEAR(e.inputs().at("treated_before"), 6.0, 1e-9);
  EXPECT_NEAR(e.inputs().at("control_units"), 3, 0);
  EXPECT_NEAR(w.on_time_rate_did().value(), 10.0, 1e-9);
  EXPECT_NEAR(w.processing_hours_did().value(), -20.0, 1e-9);
  // Hours saved in the after window: 20 h x 2000 documents; the benefit a
  // year of it at Rp 50.000 an hour.
  ASSERT_FALSE(w.hours_saved().withheld()) << w.hours_saved().reason();
  EXPECT_NEAR(w.hours_saved().value(), 40000, 1e-6);
  const v1::Figure& b = ev.cost().hours_saved_benefit();
  ASSERT_FALSE(b.withheld()) << b.reason();
  EXPECT_NEAR(b.value(), 40000.0 * 50000 * 365 / 90, 1);
  EXPECT_NE(b.formula().find("Assumptions"), std::string::npos);
  EXPECT_FALSE(ev.cost().roi_pct_from_hours().withheld());
  EXPECT_NE(ev.results().conclusion().find("The error rate changed by -3.00 points"), std::string::npos)
      << ev.results().conclusion();

  const v1::SkpChange& s = ev.behaviour().skp_change();
  EXPECT_EQ(s.participants(), 6);
  ASSERT_FALSE(s.rose_share().withheld()) << s.rose_share().reason();
  EXPECT_EQ(s.rose_share().n(), 6);
  EXPECT_NEAR(s.rose_share().value(), 5.0 / 6, 1e-12);
  EXPECT_NEAR(s.stayed_share().value(), 1.0 / 6, 1e-12);
  EXPECT_NEAR(s.sign_test_p().value(), 2.0 / 32, 1e-12);  // 5 against 0
  EXPECT_NEAR(s.mean_step().value(), 5.0 / 6, 1e-12);
  EXPECT_FALSE(s.method().empty());
}

TEST_F(WorkEndToEndTest, AUnitWithoutEveryMonthIsLeftOutAndTooFewControlsWithhold) {
  for (const char* u : {"t1", "c1", "c2"}) {
    CreateUnit("1504", u, 1000);
    Type(u);
  }
  CreateProgram("1504", "ap", 1'000'000);
  const std::string cohort = "tenants/1504/programs/ap/cohorts/a1";
  CreateCohort("tenants/1504/programs/ap", "a1", absl::CivilDay(2026, 4, 6), absl::CivilDay(2026, 4, 10), {});
  CreateEmployee("1504", NipOf(7), "t1");
  Enrol(cohort, NipOf(7));
  pv1::BatchRecordServiceMonthsRequest months;
  months.set_parent("tenants/1504");
  for (const char* m : {"2026-02", "2026-03", "2026-05", "2026-06"}) {
    *months.add_months() = Month("t1", m, 60, 800, 5, 36);
    *months.add_months() = Month("c1", m, 50, 850, 5, 36);
    if (std::string(m) != "2026-05") *months.add_months() = Month("c2", m, 50, 850, 5, 36);  // a gap
  }
  pv1::BatchRecordServiceMonthsResponse recorded;
  ASSERT_RPC(Call(performance_stub_.get(), &pv1::PerformanceService::Stub::BatchRecordServiceMonths, months, &recorded));
  const v1::Evaluation ev = Evaluation(cohort);
  const v1::WorkResults& w = ev.results().work();
  EXPECT_EQ(w.control_unit_count(), 1);
  bool c2_out = false;
  for (const auto& u : w.units()) {
    if (u.unit() == "tenants/1504/units/c2") {
      c2_out = !u.used() && u.excluded_code() == v1::WINDOW_NOT_COVERED &&
               u.excluded().find("2026-05") != std::string::npos;
    }
  }
  EXPECT_TRUE(c2_out);
  // The scoring service's minimum is 2 comparison units (ScoringOptions).
  EXPECT_TRUE(w.error_rate_did().withheld());
  EXPECT_EQ(w.error_rate_did().reason_code(), v1::TOO_FEW_CONTROL_UNITS);
  EXPECT_FALSE(w.error_rate_did().has_interval());
  // No SKP recorded: no pairs, said so.
  EXPECT_TRUE(ev.behaviour().skp_change().rose_share().withheld());
  EXPECT_EQ(ev.behaviour().skp_change().rose_share().reason_code(), v1::DATA_ABSENT);
}

}  // namespace
}  // namespace pelita::scoring
