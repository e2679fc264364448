#include "services/report/sample_evaluation.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pelita::report::testing {
namespace {

namespace sv1 = ::pelita::scoring::v1;
constexpr char kCohort[] = "tenants/1504/programs/adm-2026/cohorts/angkatan-1";

// A shown figure with the formula scoring gives it.
sv1::Figure Shown(const std::string& formula, double v, int64_t n, double lo = 0, double hi = 0) {
  sv1::Figure f;
  f.set_value(v);
  f.set_n(n);
  if (lo != hi) {
    f.set_has_interval(true);
    f.set_ci_low(lo);
    f.set_ci_high(hi);
  }
  f.set_formula(formula);
  return f;
}

// A withheld figure; scoring gives some a formula and others none.
sv1::Figure Withheld(sv1::ReasonCode code, int64_t n = 3, const std::string& formula = "") {
  sv1::Figure f;
  f.set_withheld(true);
  f.set_n(n);
  f.set_reason_code(code);
  f.set_reason("english text the report must not print");
  f.set_formula(formula);
  return f;
}

// Scoring's formulas (services/scoring/evaluator.cc, work.cc, composite.cc),
// in its English.
constexpr char kScale[] = "(sum/n - min) / (max - min) * 100; 95% t interval over answers";
constexpr char kUnitRate[] = "complaints / transactions * 1000; 95% normal (Poisson) interval";
constexpr char kUnitIkm[] =
    "sum NRR_i / 9 * 25 (PermenPANRB 14/2017); 95% interval ikm +- t(0.975, n - 1) x standard error";
constexpr char kMonthRate[] = "sum(complaints) / sum(transactions) * 1000 over the group's units";
constexpr char kMonthIkm[] =
    "sum_i(sum of U_i / answers of U_i) / 9 * 25 over the group's units, rounded half up exactly";
constexpr char kErrorRate[] = "returned / completed; 95% Wilson interval";
constexpr char kOnTime[] = "completed on time / completed; 95% Wilson interval";
constexpr char kHours[] =
    "sum of hours / documents timed; 95% normal interval, variance from the band midpoints (open band 1080 h)";
constexpr char kRateDid[] =
    "(treated_after - treated_before) - (control_after - control_before), percentage points; "
    "binomial variances p(1 - p)/n of the pooled documents; 95% normal interval";
constexpr char kSkpShare[] = "participants / pairs; 95% Wilson interval";

}  // namespace

sv1::Evaluation SampleEvaluation() {
  sv1::Evaluation e;
  e.set_name(absl::StrCat(kCohort, "/evaluation"));
  e.set_cohort(kCohort);
  e.set_program("tenants/1504/programs/adm-2026");
  e.set_program_title("Administrasi Perkantoran Modern");
  e.set_year(2026);
  e.set_enrolled(24);
  e.set_completed(22);
  e.set_min_n(5);
  auto* r = e.mutable_reaction();
  *r->mutable_response_rate() = Shown("responses / enrolled", 0.875, 24, 0.69, 0.96);
  for (auto [d, v] : {std::pair<const char*, double>{"materi", 82.4}, {"instruktur", 88.15}, {"fasilitas", 64.7}}) {
    auto* dim = r->add_dimensions();
    dim->set_dimension(d);
    *dim->mutable_score() = Shown(kScale, v, 21, v - 4, v + 4);
  }
  auto* pen = r->add_dimensions();
  pen->set_dimension("penyelenggaraan");
  *pen->mutable_score() = Withheld(sv1::COMPLEMENTARY_SUPPRESSION, 21, kScale);
  *r->mutable_overall() = Shown("mean of the dimension scores", 78.43, 21, 75.1, 81.8);
  *r->mutable_cronbach_alpha() = Shown("k/(k-1) * (1 - sum_item_variances / total_variance)", 0.81, 21);
  auto* l = e.mutable_learning();
  *l->mutable_pairs() = Shown("pre/post pairs", 20, 20);
  *l->mutable_mean_pre() = Shown("sum_pre / pairs", 52.5, 20, 47.0, 58.0);
  *l->mutable_mean_post() = Shown("sum_post / pairs", 76.25, 20, 71.0, 81.5);
  *l->mutable_mean_gain() = Shown("sum_diff / pairs", 23.75, 20, 17.5, 30.0);
  *l->mutable_normalised_gain() = Shown("(mean_post - mean_pre) / (max_score - mean_pre) (Hake)", 0.5, 20);
  l->set_gain_band("medium");
  *l->mutable_t() = Shown("mean_diff / (sd_diff / sqrt(pairs))", 7.9, 20);
  *l->mutable_df() = Shown("pairs - 1", 19, 20);
  *l->mutable_p_value() = Shown("2 * P(T_df > |t|), Student t (Boost.Math)", 0.0000002, 20);
  *l->mutable_cohens_dz() = Shown("mean_diff / sd_diff", 1.77, 20);
  // The 20 pairs per band of ten points: pre-tests around 50, post-tests
  // around 75.
  auto* dist = l->mutable_distribution();
  dist->set_n(20);
  const int pre[10] = {0, 0, 1, 3, 6, 5, 3, 2, 0, 0};
  const int post[10] = {0, 0, 0, 0, 1, 2, 4, 6, 5, 2};
  for (int k = 0; k < 10; ++k) {
    auto* band = dist->add_bands();
    band->set_lower(10 * k);
    band->set_upper(10 * k + 10);
    band->set_pre(pre[k]);
    band->set_post(post[k]);
  }
  auto* b = e.mutable_behaviour();
  *b->mutable_response_rate() =
      Withheld(sv1::BELOW_MIN_N, 4, "distinct participants with a follow-up / participants eligible");
  *b->mutable_applied_share() = Withheld(sv1::BELOW_MIN_N, 4, "applied_yes / answered");
  *b->mutable_scrap_learning_rate() = Withheld(sv1::BELOW_MIN_N, 4, "1 - applied share");
  *b->mutable_self_reported_applied_share() = Withheld(sv1::WINDOW_NOT_OPEN, 0);
  // Two follow-up waves: the 30-day one has closed, the 180-day one has
  // not opened yet.
  auto* w30 = b->add_waves();
  w30->set_offset_days(30);
  w30->set_first_day("2026-03-22");
  w30->set_last_day("2026-04-20");
  *w30->mutable_self_report_rate() =
      Shown("participants with a self-report in days 2026-03-22..2026-04-20 / participants eligible", 0.75, 18, 0.55,
            0.88);
  *w30->mutable_assessment_rate() =
      Shown("participants assessed by their supervisor in days 2026-03-22..2026-04-20 / participants eligible",
            0.7083, 17, 0.51, 0.85);
  auto* w180 = b->add_waves();
  w180->set_offset_days(180);
  w180->set_first_day("2026-08-28");
  w180->set_last_day("2026-09-26");
  *w180->mutable_self_report_rate() =
      Withheld(sv1::WINDOW_NOT_OPEN, 0,
               "participants with a self-report in days 2026-08-28..2026-09-26 / participants eligible");
  *w180->mutable_assessment_rate() =
      Withheld(sv1::WINDOW_NOT_OPEN, 0,
               "participants assessed by their supervisor in days 2026-08-28..2026-09-26 / participants eligible");
  auto* res = e.mutable_results();
  res->set_window_days(180);
  res->set_before_start("2025-09-01");
  res->set_before_end("2026-02-28");
  res->set_after_start("2026-03-07");
  res->set_after_end("2026-09-02");
  res->set_min_control_units(2);
  auto* u = res->add_treated_units();
  u->set_unit("tenants/1504/units/disdukcapil");
  *u->mutable_complaint_rate_before() = Shown(kUnitRate, 6.1, 3200, 5.3, 6.9);
  *u->mutable_complaint_rate_after() = Shown(kUnitRate, 3.4, 3300, 2.8, 4.0);
  *u->mutable_ikm_before() = Shown(kUnitIkm, 74.2, 120, 72.9, 75.5);
  *u->mutable_ikm_after() = Shown(kUnitIkm, 79.9, 130, 78.7, 81.1);
  auto* cu = res->add_control_units();
  cu->set_unit("tenants/1504/units/dinkes");
  cu->set_complaints_used(false);
  cu->set_complaints_excluded_code(sv1::WINDOW_NOT_COVERED);
  cu->set_ikm_used(true);
  // The monthly lines, September 2025 to September 2026: the trained
  // units' rate falls after the cohort; a control IKM month is thin, a
  // trained IKM month has no SKM response.
  for (int i = 0; i < 13; ++i) {
    const int year = i < 4 ? 2025 : 2026, month = i < 4 ? 9 + i : i - 3;
    auto* m = res->add_series();
    m->set_period(absl::StrFormat("%04d-%02d", year, month));
    m->set_in_before(i <= 5);
    m->set_in_after(i >= 6);
    *m->mutable_treated_complaint_rate() = Shown(kMonthRate, i <= 5 ? 6.0 + 0.1 * i : 3.5 - 0.05 * (i - 6), 500 + i);
    *m->mutable_control_complaint_rate() = Shown(kMonthRate, 5.0 + 0.02 * i, 800 + i);
    if (i == 8) {
      *m->mutable_treated_ikm() = Withheld(sv1::DATA_ABSENT, 0, kMonthIkm);
    } else {
      *m->mutable_treated_ikm() = Shown(kMonthIkm, i <= 5 ? 74.25 : 79.5, 20 + i);
    }
    if (i == 10) {
      *m->mutable_control_ikm() = Withheld(sv1::BELOW_MIN_N, 3, kMonthIkm);
    } else {
      *m->mutable_control_ikm() = Shown(kMonthIkm, 75.5, 30 + i);
    }
  }
  sv1::Figure did = Shown(
      "(treated_after - treated_before) - (control_after - control_before), rates per 1,000 transactions; "
      "se = sqrt(sum of Poisson variances c/E^2) x 1000; 95% normal interval",
      -2.1, 4, -3.0, -1.2);
  (*did.mutable_inputs())["treated_before_complaints"] = 19.5;
  (*did.mutable_inputs())["treated_before_transactions"] = 3200;
  *res->mutable_complaint_rate_did() = did;
  sv1::Figure ikm = Shown(
      "(treated_after - treated_before) - (control_after - control_before) of respondent-weighted IKM (25-100), "
      "units with IKM in both windows; var = sum of the four sum(w_i^2 se_i^2); 95% normal interval +- 1.959964 se",
      1.2, 4, -0.8, 3.2);
  ikm.set_inconclusive(true);
  *res->mutable_ikm_did() = ikm;
  *res->mutable_complaints_avoided() =
      Shown("-complaint_rate_did * treated_after_transactions / 1000", 69.3, 4, 39.6, 99.0);
  // The work itself (issue 18): fewer processing errors, more on time,
  // faster, against two comparison units; an SKP change of the participants.
  auto* w = res->mutable_work();
  w->set_before_first_month("2025-12");
  w->set_before_last_month("2026-02");
  w->set_after_first_month("2026-04");
  w->set_after_last_month("2026-05");
  w->set_treated_unit_count(1);
  w->set_control_unit_count(2);
  *w->mutable_treated_error_rate_before() = Shown(kErrorRate, 0.061, 3000, 0.053, 0.070);
  *w->mutable_treated_error_rate_after() = Shown(kErrorRate, 0.034, 2100, 0.027, 0.043);
  *w->mutable_control_error_rate_before() = Shown(kErrorRate, 0.055, 5000, 0.049, 0.062);
  *w->mutable_control_error_rate_after() = Shown(kErrorRate, 0.049, 3400, 0.042, 0.057);
  *w->mutable_error_rate_did() = Shown(kRateDid, -2.1, 5100, -3.0, -1.2);
  *w->mutable_treated_on_time_rate_before() = Shown(kOnTime, 0.78, 3000, 0.76, 0.79);
  *w->mutable_treated_on_time_rate_after() = Shown(kOnTime, 0.9, 2100, 0.89, 0.91);
  *w->mutable_on_time_rate_did() = Shown(kRateDid, 10.5, 5100, 8.1, 12.9);
  *w->mutable_treated_hours_before() = Shown(kHours, 38.5, 3000, 37.9, 39.1);
  *w->mutable_treated_hours_after() = Shown(kHours, 24.0, 2100, 23.4, 24.6);
  sv1::Figure hours = Shown(
      "(treated_after - treated_before) - (control_after - control_before) of the mean processing hours; "
      "variances from the band midpoints; 95% normal interval",
      -1.5, 5100, -3.9, 0.9);
  hours.set_inconclusive(true);
  *w->mutable_processing_hours_did() = hours;
  *w->mutable_hours_saved() =
      Withheld(sv1::EFFECT_NOT_SHOWN, 2100, "-processing_hours_did x documents timed in the trained units' after window");
  auto* k = e.mutable_behaviour()->mutable_skp_change();
  k->set_participants(24);
  *k->mutable_rose_share() = Shown(kSkpShare, 0.45, 20, 0.26, 0.66);
  *k->mutable_stayed_share() = Shown(kSkpShare, 0.5, 20, 0.30, 0.70);
  *k->mutable_fell_share() = Shown(kSkpShare, 0.05, 20, 0.01, 0.24);
  *k->mutable_mean_step() = Shown("mean of (after - before) on Sangat Kurang 1 .. Sangat Baik 5", 0.4, 20);
  *k->mutable_sign_test_p() = Shown("exact two-sided sign test of rises against falls", 0.0215, 20);
  *k->mutable_wilcoxon_p() =
      Shown("Wilcoxon signed-rank test, normal approximation with tie correction, two-sided", 0.012, 20);
  auto* c = e.mutable_cost();
  *c->mutable_total() = Shown("cost_per_participant 4000000 x participants 24", 96000000, 24);
  *c->mutable_per_participant() = Shown("total_cost / participants", 4000000, 24);
  *c->mutable_per_completed() = Shown("total_cost / completed", 4363636.36, 22);
  *c->mutable_per_jp() = Shown("total_cost / (participants x JP)", 125000, 24);
  *c->mutable_roi_pct() = Withheld(sv1::NO_BENEFIT_ESTIMATE, 24);
  *c->mutable_bcr() = Withheld(sv1::NO_BENEFIT_ESTIMATE, 24);
  *c->mutable_per_gain_point() = Shown("cost_per_participant / (100 x g)", 80000, 20);
  *c->mutable_per_complaint_avoided() = Shown("total_cost / complaints_avoided", 1385281.39, 4);
  // The hours saved are withheld (the processing-time estimate is
  // inconclusive), and with them their benefit, ROI and BCR.
  *c->mutable_hours_saved_benefit() = Withheld(
      sv1::EFFECT_NOT_SHOWN, 2100,
      "hours_saved x hourly_cost x 365 / window_days. Assumptions: the processing-time DiD is the training's "
      "effect; the hours saved in the 180-day after window continue for a year; an hour of processing is an hour "
      "of staff time at the tenant's hourly cost; no other cost or benefit");
  *c->mutable_roi_pct_from_hours() = Withheld(sv1::EFFECT_NOT_SHOWN, 2100);
  *c->mutable_bcr_from_hours() = Withheld(sv1::EFFECT_NOT_SHOWN, 2100);
  auto* comp = e.mutable_composite();
  *comp->mutable_score() =
      Shown("sum(weight_i x score_i) / sum(weight_i) over the levels with a score", 61.0, 21);
  auto component = [&](const char* level, double weight, const sv1::Figure& score) {
    auto* x = comp->add_components();
    x->set_level(level);
    x->set_weight(weight);
    x->set_used(!score.withheld());
    *x->mutable_score() = score;
  };
  component("l1", 0.15, Shown("reaction score (mean of the dimension scores)", 78.43, 21));
  component("l2", 0.35, Shown("clamp(100 x g, 0, 100)", 50, 20));
  component("l3", 0.30, Withheld(sv1::BELOW_MIN_N, 4, "100 x applied share"));
  component("l4", 0.20, Shown("clamp(50 - 50 x complaint_rate_did / treated_before_rate, 0, 100)", 67.2, 4));
  return e;
}

// Every figure withheld: what a cohort that has just started looks like.
sv1::Evaluation AllWithheldEvaluation() {
  sv1::Evaluation e;
  e.set_name(absl::StrCat(kCohort, "/evaluation"));
  e.set_cohort(kCohort);
  e.set_program_title("Administrasi Perkantoran Modern");
  e.set_year(2026);
  e.set_min_n(5);
  *e.mutable_reaction()->mutable_overall() = Withheld(sv1::DATA_ABSENT, 0);
  *e.mutable_reaction()->mutable_response_rate() = Withheld(sv1::NO_PARTICIPANTS, 0);
  *e.mutable_learning()->mutable_mean_pre() = Withheld(sv1::DATA_ABSENT, 0);
  *e.mutable_learning()->mutable_mean_post() = Withheld(sv1::DATA_ABSENT, 0);
  auto* dist = e.mutable_learning()->mutable_distribution();
  dist->set_n(4);
  dist->set_withheld(true);
  dist->set_reason_code(sv1::BELOW_MIN_N);
  dist->set_reason("english text the report must not print");
  *e.mutable_behaviour()->mutable_applied_share() = Withheld(sv1::WINDOW_NOT_OPEN, 0);
  *e.mutable_results()->mutable_complaint_rate_did() = Withheld(sv1::RESULTS_NOT_YET, 0);
  *e.mutable_results()->mutable_ikm_did() = Withheld(sv1::RESULTS_NOT_YET, 0);
  e.mutable_results()->set_series_missing("the after window has not ended");
  e.mutable_results()->set_series_missing_code(sv1::RESULTS_NOT_YET);
  *e.mutable_cost()->mutable_total() = Withheld(sv1::NO_COST, 0);
  *e.mutable_composite()->mutable_score() = Withheld(sv1::NO_LEVEL_SCORE, 0);
  return e;
}

}  // namespace pelita::report::testing
