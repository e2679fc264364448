#include "services/scoring/evaluator.h"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "lib/status/status.h"
#include "services/scoring/composite.h"
#include "services/scoring/figures.h"

namespace pelita::scoring {
namespace {

// 0-100 conversion of a mean on [min, max].
double To100(double x, double lo, double hi) { return (x - lo) / (hi - lo) * 100; }

constexpr double kZ = 1.959963984540054;  // 97.5 % normal quantile

v1::Figure ScaleScore(const ScaleAggregate& a, int64_t respondents, int min_n) {
  const std::string formula = "(sum/n - min) / (max - min) * 100; 95% t interval over answers";
  if (respondents < min_n) {
    return Withheld(respondents, v1::BELOW_MIN_N, TooFew(respondents, min_n, "respondents"), formula);
  }
  if (!(a.max_value > a.min_value)) return Withheld(respondents, v1::STATISTIC_UNDEFINED, "scale has no range", formula);
  auto mean = stats::Mean(a.moments);
  if (!mean.ok()) return Withheld(respondents, v1::DATA_ABSENT, "no answers", formula);
  const Inputs in = {{"n", static_cast<double>(a.moments.n)},
                     {"sum", a.moments.sum},
                     {"sum_squares", a.moments.sum_sq},
                     {"min", a.min_value},
                     {"max", a.max_value},
                     {"respondents", static_cast<double>(respondents)}};
  v1::Figure f = Value(To100(*mean, a.min_value, a.max_value), respondents, formula, in);
  if (auto ci = stats::MeanInterval(a.moments); ci.ok()) {
    SetInterval(f, To100(ci->lower, a.min_value, a.max_value), To100(ci->upper, a.min_value, a.max_value));
  }
  return f;
}

// responses / enrolled with a Wilson interval (capped at 1 for the interval).
v1::Figure ResponseRate(int64_t n, int64_t enrolled, const std::string& what) {
  const std::string formula = absl::StrCat(what, " / enrolled");
  if (enrolled <= 0) return Withheld(n, v1::NO_PARTICIPANTS, "no enrolled participants", formula);
  v1::Figure f = Value(static_cast<double>(n) / enrolled, n, formula,
                       {{what, static_cast<double>(n)}, {"enrolled", static_cast<double>(enrolled)}});
  if (auto w = stats::WilsonInterval(std::min(n, enrolled), enrolled); w.ok()) SetInterval(f, w->lower, w->upper);
  return f;
}

v1::Reaction ComputeReaction(const ReactionInputs& r, int64_t enrolled, int min_n) {
  v1::Reaction out;
  const int64_t n = r.responses;
  *out.mutable_response_rate() = ResponseRate(n, enrolled, "responses");
  double sum = 0;
  int used = 0;
  for (const char* dim : {"materi", "instruktur", "fasilitas", "penyelenggaraan"}) {
    auto it = r.dimensions.find(dim);
    if (it == r.dimensions.end()) continue;
    v1::DimensionScore* d = out.add_dimensions();
    d->set_dimension(dim);
    *d->mutable_score() = ScaleScore(it->second, n, min_n);
    if (!d->score().withheld()) {
      sum += d->score().value();
      ++used;
    }
  }
  const std::string oformula = "mean of the dimension scores";
  if (used > 0) {
    Inputs in;
    for (const auto& d : out.dimensions()) {
      if (!d.score().withheld()) in.push_back({d.dimension(), d.score().value()});
    }
    *out.mutable_overall() = Value(sum / used, n, oformula, in);
  } else if (n < min_n) {
    *out.mutable_overall() = Withheld(n, v1::BELOW_MIN_N, TooFew(n, min_n, "respondents"), oformula);
  } else {
    *out.mutable_overall() = Withheld(n, v1::DATA_ABSENT, "no dimension score", oformula);
  }
  // Cronbach's alpha.
  {
    const int k = static_cast<int>(r.items.size());
    const std::string formula = "k/(k-1) * (1 - sum_item_variances / total_variance)";
    double sum_var = 0;
    bool ok = true;
    for (const auto& m : r.items) {
      auto v = stats::SampleVariance(m);
      if (!v.ok()) { ok = false; break; }
      sum_var += *v;
    }
    auto tv = stats::SampleVariance(r.totals);
    v1::Figure* a = out.mutable_cronbach_alpha();
    if (r.totals.n < min_n) {
      *a = Withheld(r.totals.n, v1::BELOW_MIN_N, TooFew(r.totals.n, min_n, "complete responses"), formula);
    } else if (k < 2) {
      *a = Withheld(r.totals.n, v1::TOO_FEW_ITEMS, "alpha needs at least 2 items answered in full", formula);
    } else if (!ok || !tv.ok()) {
      *a = Withheld(r.totals.n, v1::STATISTIC_UNDEFINED, "item variances undefined", formula);
    } else if (auto alpha = stats::CronbachAlpha(k, sum_var, *tv); alpha.ok()) {
      *a = Value(*alpha, r.totals.n, formula,
                 {{"k", static_cast<double>(k)}, {"n_complete", static_cast<double>(r.totals.n)},
                  {"sum_item_variances", sum_var}, {"total_variance", *tv}});
      if (*alpha < 0) {
        a->set_warning_code(v1::NEGATIVE_ALPHA);
        a->set_warning(
            "alpha below 0: the items do not measure one construct, or some items are reversed "
            "(negatively worded) and were not recoded; the dimension scores should not be read as one scale");
      }
    } else {
      *a = Withheld(r.totals.n, v1::STATISTIC_UNDEFINED, std::string(alpha.status().message()), formula);
    }
  }
  return out;
}

// The pairs' scores in ten bands of 0-100, under the same minimum n as the
// L2 means.  Counts that do not sum to the pairs (inputs from different
// reads) are withheld rather than drawn.
v1::ScoreDistribution ComputeDistribution(const LearningInputs& l, int min_n) {
  v1::ScoreDistribution d;
  d.set_n(l.pairs);
  auto withhold = [&](v1::ReasonCode code, const std::string& why) {
    d.set_withheld(true);
    d.set_reason_code(code);
    d.set_reason(why);
    return d;
  };
  if (l.pairs == 0) return withhold(v1::DATA_ABSENT, "no pre/post pairs");
  if (l.pairs < min_n) return withhold(v1::BELOW_MIN_N, TooFew(l.pairs, min_n, "pairs"));
  if (!l.bands_known) {
    return withhold(v1::DATA_ABSENT, "the survey service reported no score bands for the pairs");
  }
  int64_t pre = 0, post = 0;
  for (int k = 0; k < 10; ++k) {
    pre += l.pre_bands[k];
    post += l.post_bands[k];
  }
  if (pre != l.pairs || post != l.pairs) {
    return withhold(v1::STATISTIC_UNDEFINED,
                    absl::StrCat("the score bands count ", pre, " pre-test and ", post, " post-test scores for ",
                                 l.pairs, " pairs"));
  }
  for (int k = 0; k < 10; ++k) {
    v1::ScoreBand* b = d.add_bands();
    b->set_lower(10 * k);
    b->set_upper(10 * (k + 1));
    b->set_pre(l.pre_bands[k]);
    b->set_post(l.post_bands[k]);
  }
  return d;
}

v1::Learning ComputeLearning(const LearningInputs& l, int min_n) {
  v1::Learning out;
  const int64_t n = l.pairs;
  const double nn = static_cast<double>(n);
  const Inputs base = {{"pairs", nn}, {"sum_pre", l.sum_pre}, {"sum_post", l.sum_post},
                       {"sum_diff", l.sum_diff}, {"sum_diff_squares", l.sum_diff_sq},
                       {"max_score", l.max_score}};
  *out.mutable_pairs() = Value(nn, n, "pre/post pairs", {{"pairs", nn}});
  *out.mutable_distribution() = ComputeDistribution(l, min_n);
  const std::string gformula = "(mean_post - mean_pre) / (max_score - mean_pre) (Hake)";
  if (n < min_n) {
    const std::string why = TooFew(n, min_n, "pairs");
    for (v1::Figure* f : {out.mutable_mean_pre(), out.mutable_mean_post(), out.mutable_mean_gain(),
                          out.mutable_t(), out.mutable_df(), out.mutable_p_value(), out.mutable_cohens_dz()}) {
      *f = Withheld(n, v1::BELOW_MIN_N, why);
    }
    *out.mutable_normalised_gain() = Withheld(n, v1::BELOW_MIN_N, why, gformula);
    return out;
  }
  const double pre = l.sum_pre / nn, post = l.sum_post / nn, gain = l.sum_diff / nn;
  *out.mutable_mean_pre() = Value(pre, n, "sum_pre / pairs", {{"sum_pre", l.sum_pre}, {"pairs", nn}});
  if (auto ci = stats::MeanInterval(stats::Moments::FromSums(n, l.sum_pre, l.sum_pre_sq));
      ci.ok() && l.sum_pre_sq > 0) {
    SetInterval(*out.mutable_mean_pre(), ci->lower, ci->upper);
  }
  *out.mutable_mean_post() = Value(post, n, "sum_post / pairs", {{"sum_post", l.sum_post}, {"pairs", nn}});
  if (auto ci = stats::MeanInterval(stats::Moments::FromSums(n, l.sum_post, l.sum_post_sq));
      ci.ok() && l.sum_post_sq > 0) {
    SetInterval(*out.mutable_mean_post(), ci->lower, ci->upper);
  }
  *out.mutable_mean_gain() = Value(gain, n, "sum_diff / pairs", base);
  const Inputs gin = {{"mean_pre", pre}, {"mean_post", post}, {"max_score", l.max_score}};
  if (auto g = stats::NormalisedGain(pre, post, l.max_score); g.ok()) {
    *out.mutable_normalised_gain() = Value(*g, n, gformula, gin);
    out.set_gain_band(std::string(stats::BandName(stats::BandOf(*g))));
  } else {
    *out.mutable_normalised_gain() = Withheld(n, v1::STATISTIC_UNDEFINED, std::string(g.status().message()), gformula);
  }
  auto t = stats::PairedT(stats::Moments::FromSums(n, l.sum_diff, l.sum_diff_sq));
  if (t.ok()) {
    *out.mutable_t() = Value(t->t, n, "mean_diff / (sd_diff / sqrt(pairs))", base);
    SetInterval(*out.mutable_mean_gain(), t->mean_diff_interval.lower, t->mean_diff_interval.upper);
    *out.mutable_df() = Value(t->df, n, "pairs - 1", {{"pairs", nn}});
    *out.mutable_p_value() =
        Value(t->p_two_sided, n, "2 * P(T_df > |t|), Student t (Boost.Math)", {{"t", t->t}, {"df", t->df}});
    *out.mutable_cohens_dz() = Value(t->cohens_dz, n, "mean_diff / sd_diff",
                                     {{"mean_diff", t->mean_diff}, {"sd_diff", t->sd_diff}});
  } else {
    const std::string why(t.status().message());
    for (v1::Figure* f : {out.mutable_t(), out.mutable_df(), out.mutable_p_value(), out.mutable_cohens_dz()}) {
      *f = Withheld(n, v1::STATISTIC_UNDEFINED, why);
    }
  }
  return out;
}

// A share of people: answered / eligible with its Wilson interval.  The
// survey service counts only distinct people among the eligible, so it
// cannot exceed 1; inputs that say otherwise are withheld as inconsistent
// rather than shown (or quietly capped).
v1::Figure PeopleRate(int64_t answered, int64_t eligible, const std::string& formula, const Inputs& in) {
  if (eligible <= 0) return Withheld(answered, v1::NO_PARTICIPANTS, "no eligible participants", formula);
  if (answered > eligible) {
    return Withheld(answered, v1::STATISTIC_UNDEFINED,
                    "more participants answered than were eligible: the inputs are inconsistent", formula);
  }
  v1::Figure f = Value(static_cast<double>(answered) / eligible, answered, formula, in);
  if (auto w = stats::WilsonInterval(answered, eligible); w.ok()) SetInterval(f, w->lower, w->upper);
  return f;
}

v1::Behaviour ComputeBehaviour(const BehaviourInputs& b, int64_t enrolled, int min_n) {
  v1::Behaviour out;
  // Rates count people, never answers: distinct participants with a
  // follow-up over those eligible.
  {
    const std::string formula = "distinct participants with a follow-up / participants eligible";
    const Inputs rin = {{"participants_answered", static_cast<double>(b.answered_people)},
                        {"eligible", static_cast<double>(b.people_known ? b.eligible : enrolled)},
                        {"followups", static_cast<double>(b.followups)}};
    *out.mutable_response_rate() =
        b.people_known ? PeopleRate(b.answered_people, b.eligible, formula, rin)
                       : Withheld(b.followups, v1::DATA_ABSENT,
                                  "the number of distinct participants is not known (answers are not people)", formula);
  }
  for (const WaveInputs& w : b.waves) {
    v1::FollowUpWaveRate* r = out.add_waves();
    r->set_offset_days(w.offset_days);
    r->set_first_day(w.first_day);
    r->set_last_day(w.last_day);
    const Inputs sin = {{"self_reported", static_cast<double>(w.self_reported)},
                        {"eligible", static_cast<double>(w.eligible)}};
    const Inputs ain = {{"assessed", static_cast<double>(w.assessed)}, {"eligible", static_cast<double>(w.eligible)}};
    const std::string sf = absl::StrCat("participants with a self-report in days ", w.first_day, "..", w.last_day,
                                        " / participants eligible");
    const std::string af = absl::StrCat("participants assessed by their supervisor in days ", w.first_day, "..",
                                        w.last_day, " / participants eligible");
    if (!w.opened) {
      const std::string why = absl::StrCat("the ", w.offset_days, "-day window opens on ", w.first_day);
      *r->mutable_self_report_rate() = Withheld(w.self_reported, v1::WINDOW_NOT_OPEN, why, sf);
      *r->mutable_assessment_rate() = Withheld(w.assessed, v1::WINDOW_NOT_OPEN, why, af);
      continue;
    }
    *r->mutable_self_report_rate() = PeopleRate(w.self_reported, w.eligible, sf, sin);
    *r->mutable_assessment_rate() = PeopleRate(w.assessed, w.eligible, af, ain);
  }
  auto share = [&](int64_t yes, int64_t a, const std::string& who, v1::Figure* f, v1::Figure* scrap) {
    const Inputs ain = {{"applied_yes", static_cast<double>(yes)}, {"answered", static_cast<double>(a)}};
    if (a < min_n) {
      const std::string why = a == 0 ? "no " + who + " answered the applied-on-the-job question" : TooFew(a, min_n, who);
      const v1::ReasonCode code = a == 0 ? v1::DATA_ABSENT : v1::BELOW_MIN_N;
      *f = Withheld(a, code, why, "applied_yes / answered");
      if (scrap) *scrap = Withheld(a, code, why, "1 - applied share");
      return;
    }
    auto w = stats::WilsonInterval(yes, a);
    *f = Value(w->estimate, a, "applied_yes / answered; Wilson 95% interval", ain);
    SetInterval(*f, w->lower, w->upper);
    if (scrap) {
      *scrap = Value(1 - w->estimate, a, "1 - applied share", ain);
      SetInterval(*scrap, 1 - w->upper, 1 - w->lower);
    }
  };
  share(b.applied_yes, b.applied_answered, "follow-up answers", out.mutable_applied_share(),
        out.mutable_scrap_learning_rate());
  if (b.self_answered > 0) {
    share(b.self_yes, b.self_answered, "self-reports", out.mutable_self_reported_applied_share(), nullptr);
  }
  for (const auto& [competency, agg] : b.rubric) {
    v1::CompetencyScore* c = out.add_rubric();
    c->set_competency(competency);
    // Rubric answers are per participant rated; withhold below min n of them.
    *c->mutable_score() = ScaleScore(agg, agg.moments.n, min_n);
  }
  for (const CodedItem& ci : b.coded) {
    v1::CodedAnswers* c = out.add_coded_answers();
    c->set_instrument(ci.instrument);
    c->set_item(ci.item);
    c->set_n(ci.n);
    if (ci.n < min_n) {
      c->set_withheld(true);
      c->set_reason_code(v1::BELOW_MIN_N);
      c->set_reason(TooFew(ci.n, min_n, "answers"));
    } else {
      for (const auto& [code, count] : ci.counts) (*c->mutable_counts())[code] = count;
    }
  }
  for (const TextItem& t : b.texts) *out.add_text_answers() = SummariseText(t, min_n);
  return out;
}

// The complaint counts and exposure of a group of units in one window.
struct Pooled {
  double complaints = 0, transactions = 0;
};

// Respondent-weighted mean IKM of units in one window and its variance
// sum(w_i^2 se_i^2).
stats::Estimate PooledIkm(const std::vector<const UnitWindows*>& units, bool after, int64_t* respondents) {
  double w = 0;
  for (const UnitWindows* u : units) w += static_cast<double>((after ? u->after : u->before).ikm_respondents);
  *respondents = static_cast<int64_t>(w);
  double sum = 0, var = 0;
  for (const UnitWindows* u : units) {
    const Window& x = after ? u->after : u->before;
    const double wi = x.ikm_respondents / w;
    sum += wi * x.ikm;
    var += wi * wi * x.ikm_se * x.ikm_se;
  }
  return stats::Estimate{sum, var};
}

std::string NotCovered(const UnitWindows& u, bool complaints, const std::string& before_start) {
  const std::string& since = complaints ? u.complaints_since : u.skm_since;
  const char* what = complaints ? "complaint" : "SKM";
  if (since.empty()) return absl::StrCat("no ", what, " data recorded for the unit (and no data_since set)");
  return absl::StrCat(what, " data start ", since, ", after the before window's start ", before_start);
}

// The before/after lines (Results.series): per month, the trained and the
// comparison units pooled, each estimate's own units.  `treated_*` name the
// units of each estimate, `*_not_covered` how many trained units coverage
// left out (for the reason of an empty group).
void ComputeSeries(const ResultsInputs& r, const std::vector<const UnitWindows*>& tc,
                   const std::vector<const UnitWindows*>& cc, const std::vector<const UnitWindows*>& ti,
                   const std::vector<const UnitWindows*>& ci, int min_n, int min_controls, int treated_not_covered,
                   int treated_skm_not_covered, v1::Results* out) {
  if (!r.series_missing.empty()) {
    out->set_series_missing(r.series_missing);
    out->set_series_missing_code(r.series_missing_code);
    return;
  }
  absl::CivilDay bs, be, as, ae;
  if (!absl::ParseCivilTime(r.before_start, &bs) || !absl::ParseCivilTime(r.before_end, &be) ||
      !absl::ParseCivilTime(r.after_start, &as) || !absl::ParseCivilTime(r.after_end, &ae)) {
    return;
  }
  // The months of each unit, by unit and period.
  std::map<std::pair<std::string, std::string>, const UnitMonthTotals*> by;
  for (const auto& m : r.months) by[{m.unit, m.period}] = &m;
  auto names = [](const std::vector<const UnitWindows*>& us) {
    std::vector<std::string> out;
    for (const auto* u : us) out.push_back(u->unit);
    return out;
  };
  // Why a group has no line at all (the estimate's own causes).
  auto empty_treated = [&](bool ikm) -> std::pair<v1::ReasonCode, std::string> {
    if (r.treated.empty()) return {v1::UNITS_UNKNOWN, "the participants' units are unknown"};
    if (ikm) {
      if (treated_skm_not_covered == static_cast<int>(r.treated.size())) {
        return {v1::WINDOW_NOT_COVERED, "the trained units' SKM data do not cover both windows"};
      }
      return {v1::TOO_FEW_SKM_RESPONDENTS,
              absl::StrCat("no trained unit has an IKM from at least ", min_n, " SKM respondents in both windows")};
    }
    if (treated_not_covered > 0) {
      return {v1::WINDOW_NOT_COVERED, "the trained units' complaint data do not cover both windows"};
    }
    return {v1::VOLUME_UNKNOWN, "service volume unknown for every trained unit"};
  };
  auto too_few_controls = [&](size_t usable) -> std::pair<v1::ReasonCode, std::string> {
    return {v1::TOO_FEW_CONTROL_UNITS, absl::StrCat(usable, " comparison unit", usable == 1 ? "" : "s",
                                                    " usable, fewer than the minimum ", min_controls)};
  };
  const std::string rformula = "sum(complaints) / sum(transactions) * 1000 over the group's units";
  const std::string iformula =
      "sum_i(sum of U_i / answers of U_i) / 9 * 25 over the group's units, rounded half up exactly";
  auto rate = [&](const std::vector<std::string>& units, const std::string& period, bool usable,
                  const std::pair<v1::ReasonCode, std::string>& why_not) {
    if (!usable) return Withheld(0, why_not.first, why_not.second, rformula);
    double c = 0, e = 0;
    for (const auto& u : units) {
      auto it = by.find({u, period});
      if (it == by.end()) continue;
      c += it->second->complaints;
      e += it->second->transactions;
    }
    if (!(e > 0)) {
      return Withheld(static_cast<int64_t>(c), v1::VOLUME_UNKNOWN, "no transactions recorded for the month", rformula);
    }
    return Value(c / e * 1000, static_cast<int64_t>(c), rformula,
                 {{"complaints", c}, {"transactions", e}, {"units", static_cast<double>(units.size())}});
  };
  auto ikm = [&](const std::vector<std::string>& units, const std::string& period, bool usable,
                 const std::pair<v1::ReasonCode, std::string>& why_not) {
    if (!usable) return Withheld(0, why_not.first, why_not.second, iformula);
    std::array<int64_t, 9> sums{}, answered{};
    int64_t n = 0;
    std::string thin;  // a unit's month below the minimum, inside the pool
    for (const auto& u : units) {
      auto it = by.find({u, period});
      if (it == by.end() || it->second->skm_respondents == 0) continue;
      const UnitMonthTotals& m = *it->second;
      n += m.skm_respondents;
      bool unit_thin = m.skm_respondents < min_n;
      for (int i = 0; i < 9; ++i) {
        sums[i] += m.element_sums[i];
        answered[i] += m.element_answered[i];
        unit_thin = unit_thin || m.element_answered[i] < min_n;
      }
      if (unit_thin && thin.empty()) thin = u;
    }
    if (n == 0) return Withheld(0, v1::DATA_ABSENT, "no SKM responses in the month", iformula);
    if (n < min_n) return Withheld(n, v1::BELOW_MIN_N, TooFew(n, min_n, "SKM respondents"), iformula);
    for (int i = 0; i < 9; ++i) {
      if (answered[i] < min_n) {
        return Withheld(n, v1::TOO_FEW_SKM_RESPONDENTS,
                        absl::StrCat("element U", i + 1, " answered by ", answered[i], ", fewer than ", min_n),
                        iformula);
      }
    }
    if (!thin.empty()) {
      return Withheld(n, v1::COMPLEMENTARY_SUPPRESSION,
                      absl::StrCat(thin, " has fewer than ", min_n,
                                   " SKM respondents (or answers to an element) in the month: shown pooled, they "
                                   "would follow from the other units' published IKM"),
                      iformula);
    }
    return Value(static_cast<double>(PooledIkmCents(sums, answered)) / 100, n, iformula,
                 {{"respondents", static_cast<double>(n)}, {"units", static_cast<double>(units.size())}});
  };
  const std::vector<std::string> t_rate = names(tc), c_rate = names(cc), t_ikm = names(ti), c_ikm = names(ci);
  const bool t_rate_ok = !tc.empty(), c_rate_ok = static_cast<int>(cc.size()) >= min_controls;
  const bool t_ikm_ok = !ti.empty(), c_ikm_ok = static_cast<int>(ci.size()) >= min_controls;
  for (absl::CivilMonth m{bs}; m <= absl::CivilMonth(ae); ++m) {
    v1::ResultsMonth* p = out->add_series();
    const std::string period = absl::FormatCivilTime(m);
    p->set_period(period);
    const absl::CivilDay first(m), last = absl::CivilDay(m + 1) - 1;
    p->set_in_before(first <= be && last >= bs);
    p->set_in_after(first <= ae && last >= as);
    *p->mutable_treated_complaint_rate() = rate(t_rate, period, t_rate_ok, empty_treated(false));
    *p->mutable_control_complaint_rate() = rate(c_rate, period, c_rate_ok, too_few_controls(cc.size()));
    *p->mutable_treated_ikm() = ikm(t_ikm, period, t_ikm_ok, empty_treated(true));
    *p->mutable_control_ikm() = ikm(c_ikm, period, c_ikm_ok, too_few_controls(ci.size()));
  }
}

v1::Results ComputeResults(const ResultsInputs& r, int min_n) {
  v1::Results out;
  out.set_window_days(r.window_days);
  out.set_before_start(r.before_start);
  out.set_before_end(r.before_end);
  out.set_after_start(r.after_start);
  out.set_after_end(r.after_end);
  out.set_min_control_units(r.min_control_units);
  const std::string rformula = "complaints / transactions * 1000; 95% normal (Poisson) interval";
  auto rate_fig = [&](const Window& w) {
    if (!(w.transactions > 0)) {
      return Withheld(static_cast<int64_t>(w.complaints), v1::VOLUME_UNKNOWN,
                      "no service volume recorded for the unit", rformula);
    }
    v1::Figure f = Value(w.complaints / w.transactions * 1000, static_cast<int64_t>(w.complaints), rformula,
                         {{"complaints", w.complaints}, {"transactions", w.transactions}});
    const double se = std::sqrt(w.complaints) / w.transactions * 1000;
    SetInterval(f, std::max(0.0, f.value() - kZ * se), f.value() + kZ * se);
    return f;
  };
  const std::string ikm_formula =
      "sum NRR_i / 9 * 25 (PermenPANRB 14/2017); 95% interval ikm +- t(0.975, n - 1) x standard error";
  auto ikm_fig = [&](const Window& w) {
    if (!w.has_ikm && w.ikm_respondents == 0) {
      return Withheld(0, v1::DATA_ABSENT, "no SKM responses in the window", ikm_formula);
    }
    if (w.ikm_respondents < min_n || !w.has_ikm) {
      return Withheld(w.ikm_respondents, w.ikm_respondents < min_n ? v1::BELOW_MIN_N : v1::TOO_FEW_SKM_RESPONDENTS,
                      w.ikm_respondents < min_n ? TooFew(w.ikm_respondents, min_n, "SKM respondents")
                                                : "the complaint service withholds this IKM (an element has too few answers)",
                      ikm_formula);
    }
    v1::Figure f = Value(w.ikm, w.ikm_respondents, ikm_formula,
                         {{"respondents", static_cast<double>(w.ikm_respondents)}, {"standard_error", w.ikm_se}});
    if (w.ikm_respondents >= 2) {
      const double q = stats::StudentTQuantile(0.975, static_cast<double>(w.ikm_respondents - 1));
      SetInterval(f, w.ikm - q * w.ikm_se, w.ikm + q * w.ikm_se);
    }
    return f;
  };
  auto ikm_usable = [&](const UnitWindows& u) {
    return u.before.has_ikm && u.after.has_ikm && u.before.ikm_respondents >= min_n &&
           u.after.ikm_respondents >= min_n;
  };

  // Which units enter each estimate, and why the others do not.
  std::vector<const UnitWindows*> tc, cc, ti, ci;  // complaints / IKM, treated / control
  int treated_not_covered = 0, treated_no_volume = 0, treated_skm_not_covered = 0;
  std::string first_treated_gap, first_treated_skm_gap;
  for (const auto& u : r.treated) {
    v1::UnitChange* c = out.add_treated_units();
    c->set_unit(u.unit);
    *c->mutable_complaint_rate_before() = rate_fig(u.before);
    *c->mutable_complaint_rate_after() = rate_fig(u.after);
    *c->mutable_ikm_before() = ikm_fig(u.before);
    *c->mutable_ikm_after() = ikm_fig(u.after);
    if (!u.complaints_covered) {
      ++treated_not_covered;
      c->set_complaints_excluded(NotCovered(u, true, r.before_start));
      c->set_complaints_excluded_code(v1::WINDOW_NOT_COVERED);
      if (first_treated_gap.empty()) first_treated_gap = absl::StrCat(u.unit, ": ", c->complaints_excluded());
    } else if (!(u.before.transactions > 0 && u.after.transactions > 0)) {
      ++treated_no_volume;
      c->set_complaints_excluded("no monthly service volume recorded for the unit");
      c->set_complaints_excluded_code(v1::VOLUME_UNKNOWN);
    } else {
      tc.push_back(&u);
    }
    if (!u.skm_covered) {
      ++treated_skm_not_covered;
      c->set_ikm_excluded(NotCovered(u, false, r.before_start));
      c->set_ikm_excluded_code(v1::WINDOW_NOT_COVERED);
      if (first_treated_skm_gap.empty()) first_treated_skm_gap = absl::StrCat(u.unit, ": ", c->ikm_excluded());
    } else if (!ikm_usable(u)) {
      c->set_ikm_excluded(absl::StrCat("no IKM from at least ", min_n, " SKM respondents in both windows"));
      c->set_ikm_excluded_code(v1::TOO_FEW_SKM_RESPONDENTS);
    } else {
      ti.push_back(&u);
    }
  }
  int controls_not_covered = 0, controls_skm_not_covered = 0;
  for (const auto& u : r.control) {
    v1::ControlUnit* c = out.add_control_units();
    c->set_unit(u.unit);
    if (!u.complaints_covered) {
      ++controls_not_covered;
      c->set_complaints_excluded(NotCovered(u, true, r.before_start));
      c->set_complaints_excluded_code(v1::WINDOW_NOT_COVERED);
    } else if (!(u.before.transactions > 0 && u.after.transactions > 0)) {
      c->set_complaints_excluded("no monthly service volume recorded for the unit");
      c->set_complaints_excluded_code(v1::VOLUME_UNKNOWN);
    } else {
      c->set_complaints_used(true);
      cc.push_back(&u);
    }
    if (!u.skm_covered) {
      ++controls_skm_not_covered;
      c->set_ikm_excluded(NotCovered(u, false, r.before_start));
      c->set_ikm_excluded_code(v1::WINDOW_NOT_COVERED);
    } else if (!ikm_usable(u)) {
      c->set_ikm_excluded(absl::StrCat("no IKM from at least ", min_n, " SKM respondents in both windows"));
      c->set_ikm_excluded_code(v1::TOO_FEW_SKM_RESPONDENTS);
    } else {
      c->set_ikm_used(true);
      ci.push_back(&u);
    }
  }
  out.set_control_unit_count(static_cast<int64_t>(cc.size()));
  const int min_controls = std::max(1, r.min_control_units);
  auto too_few_controls = [&](size_t usable, int not_covered, const char* data) {
    std::string why = absl::StrCat(usable, " comparison unit", usable == 1 ? "" : "s", " with ", data,
                                   " covering both windows, fewer than the minimum ", min_controls);
    if (r.control.empty()) {
      why = absl::StrCat("no comparison units: every unit of the tenant had trained staff in the windows "
                         "(the minimum is ", min_controls, ")");
    } else if (not_covered > 0) {
      absl::StrAppend(&why, " (", not_covered, " of ", r.control.size(),
                      " units without trained staff have data starting after ", r.before_start, ")");
    }
    return why;
  };

  ComputeSeries(r, tc, cc, ti, ci, min_n, min_controls, treated_not_covered, treated_skm_not_covered, &out);

  // Complaint rate.
  Pooled tb, ta, cb, ca;
  for (const UnitWindows* u : tc) {
    tb.complaints += u->before.complaints; tb.transactions += u->before.transactions;
    ta.complaints += u->after.complaints; ta.transactions += u->after.transactions;
  }
  for (const UnitWindows* u : cc) {
    cb.complaints += u->before.complaints; cb.transactions += u->before.transactions;
    ca.complaints += u->after.complaints; ca.transactions += u->after.transactions;
  }
  const std::string dformula =
      "(treated_after - treated_before) - (control_after - control_before), rates per 1,000 "
      "transactions; se = sqrt(sum of Poisson variances c/E^2) x 1000; 95% normal interval";
  const int64_t treated_n = static_cast<int64_t>(tb.complaints + ta.complaints);
  bool complaint_did = false;
  if (r.treated.empty()) {
    *out.mutable_complaint_rate_did() = Withheld(0, v1::UNITS_UNKNOWN, "the participants' units are unknown", dformula);
  } else if (tc.empty()) {
    *out.mutable_complaint_rate_did() =
        treated_not_covered > 0
            ? Withheld(0, v1::WINDOW_NOT_COVERED,
                       absl::StrCat("the trained units' complaint data do not cover both windows (",
                                    first_treated_gap, ")"),
                       dformula)
            : Withheld(0, v1::VOLUME_UNKNOWN, "service volume unknown for every trained unit", dformula);
  } else if (static_cast<int>(cc.size()) < min_controls) {
    *out.mutable_complaint_rate_did() = Withheld(
        treated_n, v1::TOO_FEW_CONTROL_UNITS, too_few_controls(cc.size(), controls_not_covered, "complaint data"),
        dformula);
  } else if (tb.complaints + ta.complaints < kMinComplaintsForDid) {
    *out.mutable_complaint_rate_did() = Withheld(
        treated_n, v1::TOO_FEW_COMPLAINTS,
        absl::StrCat("too thin: ", treated_n, " complaints in the trained units' windows, fewer than ",
                     kMinComplaintsForDid),
        dformula);
  } else {
    auto scale = [](stats::Estimate e) { return stats::Estimate{e.value * 1000, e.variance * 1e6}; };
    const stats::Interval did = stats::DiffInDiff(
        scale(stats::PoissonRate(tb.complaints, tb.transactions)), scale(stats::PoissonRate(ta.complaints, ta.transactions)),
        scale(stats::PoissonRate(cb.complaints, cb.transactions)), scale(stats::PoissonRate(ca.complaints, ca.transactions)));
    v1::Figure f = Value(did.estimate, treated_n, dformula,
                         {{"treated_before_complaints", tb.complaints}, {"treated_before_transactions", tb.transactions},
                          {"treated_after_complaints", ta.complaints}, {"treated_after_transactions", ta.transactions},
                          {"control_before_complaints", cb.complaints}, {"control_before_transactions", cb.transactions},
                          {"control_after_complaints", ca.complaints}, {"control_after_transactions", ca.transactions},
                          {"treated_units", static_cast<double>(tc.size())},
                          {"control_units", static_cast<double>(cc.size())}});
    SetInterval(f, did.lower, did.upper);
    const bool inconclusive = MarkIfInconclusive(f, "the complaint-rate DiD");
    *out.mutable_complaint_rate_did() = f;
    complaint_did = true;
    const std::string aformula = "-complaint_rate_did * treated_after_transactions / 1000";
    if (inconclusive) {
      *out.mutable_complaints_avoided() = Withheld(treated_n, v1::EFFECT_NOT_SHOWN, f.reason(), aformula);
    } else if (did.estimate > 0) {
      *out.mutable_complaints_avoided() = Withheld(
          treated_n, v1::NO_COMPLAINTS_AVOIDED,
          absl::StrFormat("complaints rose by %.2f per 1,000 transactions more in the trained units: none avoided",
                          did.estimate),
          aformula);
    } else {
      const double avoided = -did.estimate * ta.transactions / 1000;
      v1::Figure av = Value(avoided, treated_n, aformula,
                            {{"complaint_rate_did", did.estimate}, {"treated_after_transactions", ta.transactions}});
      SetInterval(av, -did.upper * ta.transactions / 1000, -did.lower * ta.transactions / 1000);
      *out.mutable_complaints_avoided() = av;
    }
  }
  if (!out.has_complaints_avoided()) *out.mutable_complaints_avoided() = WithheldLike(treated_n, out.complaint_rate_did());

  // IKM.
  const std::string iformula =
      "(treated_after - treated_before) - (control_after - control_before) of respondent-weighted "
      "IKM (25-100), units with IKM in both windows; var = sum of the four sum(w_i^2 se_i^2); "
      "95% normal interval +- 1.959964 se";
  bool ikm_did = false;
  if (r.treated.empty()) {
    *out.mutable_ikm_did() = Withheld(0, v1::UNITS_UNKNOWN, "the participants' units are unknown", iformula);
  } else if (ti.empty() && treated_skm_not_covered == static_cast<int>(r.treated.size())) {
    *out.mutable_ikm_did() = Withheld(
        0, v1::WINDOW_NOT_COVERED,
        absl::StrCat("the trained units' SKM data do not cover both windows (", first_treated_skm_gap, ")"), iformula);
  } else if (r.control.empty()) {
    *out.mutable_ikm_did() = Withheld(0, v1::TOO_FEW_CONTROL_UNITS, too_few_controls(0, 0, ""), iformula);
  } else if (ti.empty()) {
    *out.mutable_ikm_did() = Withheld(
        0, v1::TOO_FEW_SKM_RESPONDENTS,
        absl::StrCat("too thin: no trained unit has an IKM from at least ", min_n, " SKM respondents in both windows"),
        iformula);
  } else if (static_cast<int>(ci.size()) < min_controls) {
    *out.mutable_ikm_did() = Withheld(
        0, v1::TOO_FEW_CONTROL_UNITS,
        too_few_controls(ci.size(), controls_skm_not_covered,
                         absl::StrCat("SKM data and an IKM from at least ", min_n, " respondents").c_str()),
        iformula);
  } else {
    int64_t ntb = 0, nta = 0, ncb = 0, nca = 0;
    const stats::Estimate itb = PooledIkm(ti, false, &ntb), ita = PooledIkm(ti, true, &nta);
    const stats::Estimate icb = PooledIkm(ci, false, &ncb), ica = PooledIkm(ci, true, &nca);
    const stats::Interval did = stats::DiffInDiff(itb, ita, icb, ica);
    v1::Figure f = Value(did.estimate, std::min({ntb, nta, ncb, nca}), iformula,
                         {{"treated_before", itb.value}, {"treated_after", ita.value},
                          {"control_before", icb.value}, {"control_after", ica.value},
                          {"treated_before_respondents", static_cast<double>(ntb)},
                          {"treated_after_respondents", static_cast<double>(nta)},
                          {"control_before_respondents", static_cast<double>(ncb)},
                          {"control_after_respondents", static_cast<double>(nca)},
                          {"treated_units", static_cast<double>(ti.size())},
                          {"control_units", static_cast<double>(ci.size())},
                          {"standard_error", std::sqrt(itb.variance + ita.variance + icb.variance + ica.variance)}});
    SetInterval(f, did.lower, did.upper);
    MarkIfInconclusive(f, "the IKM DiD");
    *out.mutable_ikm_did() = f;
    ikm_did = true;
  }

  // Plain-language conclusion.
  std::string c;
  if (!complaint_did && !ikm_did) {
    c = absl::StrCat("The data are too thin to conclude anything about results: complaint rate: ",
                     out.complaint_rate_did().reason(), "; IKM: ", out.ikm_did().reason(), ".");
  } else {
    if (complaint_did) {
      const auto& f = out.complaint_rate_did();
      if (f.ci_high() < 0) {
        c = absl::StrFormat("Complaints fell by %.2f per 1,000 transactions more in the trained units than in the others (95%% CI %.2f to %.2f).",
                            -f.value(), -f.ci_high(), -f.ci_low());
      } else if (f.ci_low() > 0) {
        c = absl::StrFormat("Complaints rose by %.2f per 1,000 transactions more in the trained units than in the others (95%% CI %.2f to %.2f).",
                            f.value(), f.ci_low(), f.ci_high());
      } else {
        c = absl::StrFormat("No change in the complaint rate can be attributed to the training: the 95%% interval (%.2f to %.2f per 1,000) includes zero.",
                            f.ci_low(), f.ci_high());
      }
    } else {
      c = absl::StrCat("Complaint rate: ", out.complaint_rate_did().reason(), ".");
    }
    if (ikm_did) {
      const auto& f = out.ikm_did();
      if (!f.inconclusive()) {
        absl::StrAppend(&c, absl::StrFormat(" IKM changed by %+.2f points relative to the other units (95%% CI %.2f to %.2f).",
                                            f.value(), f.ci_low(), f.ci_high()));
      } else {
        absl::StrAppend(&c, absl::StrFormat(" No IKM change can be attributed (95%% CI %.2f to %.2f includes zero).",
                                            f.ci_low(), f.ci_high()));
      }
    } else {
      absl::StrAppend(&c, " IKM: ", out.ikm_did().reason(), ".");
    }
  }
  if (r.work) {
    *out.mutable_work() = ComputeWork(*r.work);
    const v1::WorkResults& w = out.work();
    auto sentence = [&](const v1::Figure& f, const char* what, const char* unit) {
      if (f.withheld()) return absl::StrCat(" ", what, ": ", f.reason(), ".");
      if (f.inconclusive()) {
        return absl::StrFormat(" No change in %s can be attributed (95%% CI %.2f to %.2f %s includes zero).", what,
                               f.ci_low(), f.ci_high(), unit);
      }
      return absl::StrFormat(" %s changed by %+.2f %s relative to the comparison units (95%% CI %.2f to %.2f).", what,
                             f.value(), unit, f.ci_low(), f.ci_high());
    };
    absl::StrAppend(&c, sentence(w.error_rate_did(), "The error rate", "points"),
                    sentence(w.on_time_rate_did(), "The on-time rate", "points"),
                    sentence(w.processing_hours_did(), "The processing time", "hours"));
  }
  out.set_conclusion(c);
  return out;
}

v1::Cost ComputeCost(const CohortInputs& in, const v1::Evaluation& ev) {
  v1::Cost out;
  const CostInputs& c = in.cost;
  const double total = c.total_cost;
  const double p = static_cast<double>(in.enrolled);
  if (total > 0) {
    *out.mutable_total() = Value(total, in.enrolled, c.cost_basis, {{"total_cost", total}});
  } else {
    *out.mutable_total() = Withheld(in.enrolled, v1::NO_COST, "no cost recorded for the programme");
  }
  if (p > 0 && total > 0) {
    *out.mutable_per_participant() = Value(total / p, in.enrolled, "total_cost / participants",
                                           {{"total_cost", total}, {"participants", p}});
  } else {
    *out.mutable_per_participant() = total > 0 ? Withheld(in.enrolled, v1::NO_PARTICIPANTS, "no participants")
                                               : WithheldLike(in.enrolled, out.total());
  }
  if (in.completed > 0 && total > 0) {
    *out.mutable_per_completed() = Value(total / in.completed, in.completed, "total_cost / completed",
                                         {{"total_cost", total}, {"completed", static_cast<double>(in.completed)}});
  } else {
    *out.mutable_per_completed() = total > 0 ? Withheld(in.completed, v1::NO_PARTICIPANTS, "no completed participants")
                                             : WithheldLike(in.completed, out.total());
  }
  if (p > 0 && c.jp > 0 && total > 0) {
    *out.mutable_per_jp() = Value(total / (p * c.jp), in.enrolled, "total_cost / (participants x JP)",
                                  {{"total_cost", total}, {"participants", p}, {"jp", static_cast<double>(c.jp)}});
  } else if (total > 0) {
    *out.mutable_per_jp() = Withheld(in.enrolled, p > 0 ? v1::DATA_ABSENT : v1::NO_PARTICIPANTS,
                                     p > 0 ? "no JP recorded for the programme" : "no participants");
  } else {
    *out.mutable_per_jp() = WithheldLike(in.enrolled, out.total());
  }
  if (c.benefit && total > 0) {
    const double b = *c.benefit;
    *out.mutable_roi_pct() = Value((b - total) / total * 100, in.enrolled,
                                   "(benefit - cost) / cost x 100 (Phillips); benefit: " + c.benefit_basis,
                                   {{"benefit", b}, {"cost", total}});
    *out.mutable_bcr() = Value(b / total, in.enrolled, "benefit / cost (Phillips)", {{"benefit", b}, {"cost", total}});
  } else if (total > 0) {
    *out.mutable_roi_pct() = Withheld(in.enrolled, v1::NO_BENEFIT_ESTIMATE, "no benefit estimate recorded for the programme");
    *out.mutable_bcr() = out.roi_pct();
  } else {
    *out.mutable_roi_pct() = WithheldLike(in.enrolled, out.total());
    *out.mutable_bcr() = out.roi_pct();
  }
  // The real cause comes first: no cost, then why the gain is missing.
  const auto& g = ev.learning().normalised_gain();
  const std::string gpformula = "cost_per_participant / (100 x g)";
  if (out.per_participant().withheld()) {
    *out.mutable_per_gain_point() = WithheldLike(g.n(), out.per_participant(), gpformula);
  } else if (g.withheld()) {
    *out.mutable_per_gain_point() = WithheldLike(g.n(), g, gpformula);
  } else if (g.value() <= 0) {
    *out.mutable_per_gain_point() = Withheld(g.n(), v1::NO_POSITIVE_GAIN,
                                             "the normalised gain is not positive: no gain to divide by", gpformula);
  } else {
    *out.mutable_per_gain_point() =
        Value(out.per_participant().value() / (100 * g.value()), g.n(), gpformula,
              {{"cost_per_participant", out.per_participant().value()}, {"g", g.value()}});
  }
  const auto& av = ev.results().complaints_avoided();
  const std::string caformula = "total_cost / complaints_avoided";
  if (total <= 0) {
    *out.mutable_per_complaint_avoided() = WithheldLike(av.n(), out.total(), caformula);
  } else if (av.withheld()) {
    *out.mutable_per_complaint_avoided() = WithheldLike(av.n(), av, caformula);
  } else if (av.value() <= 0) {
    *out.mutable_per_complaint_avoided() = Withheld(av.n(), v1::NO_COMPLAINTS_AVOIDED, "no complaint avoided", caformula);
  } else {
    *out.mutable_per_complaint_avoided() = Value(total / av.value(), av.n(), caformula,
                                                 {{"total_cost", total}, {"complaints_avoided", av.value()}});
  }
  // Hours saved, as an option beside the organiser's estimate.
  if (ev.results().has_work()) {
    const v1::Figure& hs = ev.results().work().hours_saved();
    const double year = 365.0 / std::max(1, c.window_days);
    const std::string hformula = absl::StrCat(
        "hours_saved x hourly_cost x 365 / window_days. Assumptions: the processing-time DiD is the training's "
        "effect; the hours saved in the ",
        c.window_days,
        "-day after window continue for a year; an hour of processing is an hour of staff time at the tenant's "
        "hourly cost; no other cost or benefit");
    if (c.hourly_cost <= 0) {
      *out.mutable_hours_saved_benefit() =
          Withheld(hs.n(), v1::NO_BENEFIT_ESTIMATE, "no hourly cost of staff time set in the scoring settings", hformula);
    } else if (hs.withheld()) {
      *out.mutable_hours_saved_benefit() = WithheldLike(hs.n(), hs, hformula);
    } else {
      const double rp = static_cast<double>(c.hourly_cost) * year;
      v1::Figure b = Value(hs.value() * rp, hs.n(), hformula,
                           {{"hours_saved", hs.value()}, {"hourly_cost", static_cast<double>(c.hourly_cost)},
                            {"window_days", static_cast<double>(c.window_days)}});
      SetInterval(b, hs.ci_low() * rp, hs.ci_high() * rp);
      *out.mutable_hours_saved_benefit() = b;
    }
    const v1::Figure& b = out.hours_saved_benefit();
    if (total <= 0) {
      *out.mutable_roi_pct_from_hours() = WithheldLike(b.n(), out.total());
      *out.mutable_bcr_from_hours() = out.roi_pct_from_hours();
    } else if (b.withheld()) {
      *out.mutable_roi_pct_from_hours() = WithheldLike(b.n(), b);
      *out.mutable_bcr_from_hours() = out.roi_pct_from_hours();
    } else {
      *out.mutable_roi_pct_from_hours() =
          Value((b.value() - total) / total * 100, b.n(), "(hours_saved_benefit - cost) / cost x 100 (Phillips)",
                {{"benefit", b.value()}, {"cost", total}});
      SetInterval(*out.mutable_roi_pct_from_hours(), (b.ci_low() - total) / total * 100,
                  (b.ci_high() - total) / total * 100);
      *out.mutable_bcr_from_hours() = Value(b.value() / total, b.n(), "hours_saved_benefit / cost (Phillips)",
                                            {{"benefit", b.value()}, {"cost", total}});
      SetInterval(*out.mutable_bcr_from_hours(), b.ci_low() / total, b.ci_high() / total);
    }
  }
  return out;
}

// Every figure of a level without data, withheld with the reason.
void Absent(v1::Reaction* r, const std::string& why) {
  for (v1::Figure* f : {r->mutable_response_rate(), r->mutable_cronbach_alpha(), r->mutable_overall()}) {
    *f = Withheld(0, v1::DATA_ABSENT, why);
  }
}
void Absent(v1::Learning* l, const std::string& why) {
  for (v1::Figure* f : {l->mutable_pairs(), l->mutable_mean_pre(), l->mutable_mean_post(), l->mutable_mean_gain(),
                        l->mutable_normalised_gain(), l->mutable_t(), l->mutable_df(), l->mutable_p_value(),
                        l->mutable_cohens_dz()}) {
    *f = Withheld(0, v1::DATA_ABSENT, why);
  }
  v1::ScoreDistribution* d = l->mutable_distribution();
  d->set_withheld(true);
  d->set_reason_code(v1::DATA_ABSENT);
  d->set_reason(why);
}
void Absent(v1::Behaviour* b, const std::string& why) {
  for (v1::Figure* f : {b->mutable_response_rate(), b->mutable_applied_share(), b->mutable_scrap_learning_rate()}) {
    *f = Withheld(0, v1::DATA_ABSENT, why);
  }
}

}  // namespace

v1::ScoringSettings EffectiveSettings(const v1::ScoringSettings& stored) {
  v1::ScoringSettings s = stored;
  const auto& w = s.weights();
  if (!s.has_weights() || w.l1() + w.l2() + w.l3() + w.l4() <= 0) {
    s.mutable_weights()->set_l1(kDefaultWeightL1);
    s.mutable_weights()->set_l2(kDefaultWeightL2);
    s.mutable_weights()->set_l3(kDefaultWeightL3);
    s.mutable_weights()->set_l4(kDefaultWeightL4);
  }
  if (s.min_n() <= 0) s.set_min_n(kDefaultMinN);
  if (s.window_days() <= 0) s.set_window_days(kDefaultWindowDays);
  return s;
}

absl::Status ValidateSettings(const v1::ScoringSettings& s) {
  const auto& w = s.weights();
  for (auto [name, v] : std::vector<std::pair<const char*, double>>{
           {"l1", w.l1()}, {"l2", w.l2()}, {"l3", w.l3()}, {"l4", w.l4()}}) {
    if (v < 0 || !std::isfinite(v)) {
      return InvalidField(absl::StrCat("settings.weights.", name), "must be a finite number >= 0");
    }
  }
  if (s.min_n() < 0) return InvalidField("settings.min_n", "must be >= 0 (0 = default 5)");
  if (s.min_n() > 0 && s.min_n() < 3) {
    return InvalidField("settings.min_n", "must be at least 3 so that no answer can be traced to a person");
  }
  if (s.window_days() < 0 || s.window_days() > 730) {
    return InvalidField("settings.window_days", "must be in [0, 730] (0 = default 90)");
  }
  for (const auto& [program, b] : s.benefit_estimates()) {
    if (b.amount() < 0) {
      return InvalidField(absl::StrCat("settings.benefit_estimates[", program, "].amount"), "must be >= 0");
    }
  }
  if (s.hourly_cost() < 0 || s.hourly_cost() > 100'000'000) {
    return InvalidField("settings.hourly_cost", "must be rupiah per hour in [0, 100000000] (0 = not set)");
  }
  return absl::OkStatus();
}

int64_t PooledIkmCents(const std::array<int64_t, 9>& sums, const std::array<int64_t, 9>& answered) {
  using boost::multiprecision::cpp_int;
  // sum_i sums_i / answered_i = num / den, den = lcm of the counts; then
  // floor(2500 num / (9 den) + 1/2) = floor((5000 num + 9 den) / (18 den)).
  cpp_int den = 1;
  for (int64_t a : answered) den = boost::multiprecision::lcm(den, cpp_int(a));
  cpp_int num = 0;
  for (int i = 0; i < 9; ++i) num += cpp_int(sums[i]) * (den / answered[i]);
  const cpp_int cents = (5000 * num + 9 * den) / (18 * den);
  return cents.convert_to<int64_t>();
}

v1::Evaluation Evaluate(const CohortInputs& in, const v1::ScoringSettings& settings) {
  const int min_n = settings.min_n();
  v1::Evaluation ev;
  ev.set_name(in.cohort + "/evaluation");
  ev.set_cohort(in.cohort);
  ev.set_program(in.program);
  ev.set_program_title(in.program_title);
  ev.set_year(in.year);
  ev.set_enrolled(in.enrolled);
  ev.set_completed(in.completed);
  ev.set_min_n(min_n);
  for (const auto& i : in.instructors) ev.add_instructors(i);
  // A level without data is shown as absent with the reason, never as 0.
  if (in.reaction) {
    *ev.mutable_reaction() = ComputeReaction(*in.reaction, in.enrolled, min_n);
  } else {
    Absent(ev.mutable_reaction(), "no reaction survey answered for the cohort");
  }
  if (in.learning) {
    *ev.mutable_learning() = ComputeLearning(*in.learning, min_n);
  } else {
    Absent(ev.mutable_learning(), "no pre/post tests for the cohort");
  }
  if (in.behaviour) {
    *ev.mutable_behaviour() = ComputeBehaviour(*in.behaviour, in.enrolled, min_n);
  } else {
    Absent(ev.mutable_behaviour(), "no follow-up for the cohort");
  }
  if (in.skp) *ev.mutable_behaviour()->mutable_skp_change() = ComputeSkpChange(*in.skp, min_n);
  if (in.results) {
    *ev.mutable_results() = ComputeResults(*in.results, min_n);
  } else {
    v1::Results* r = ev.mutable_results();
    r->set_window_days(settings.window_days());
    const std::string why = in.results_missing.empty() ? "results not available"
                                                       : "results not available: " + in.results_missing;
    const v1::ReasonCode code = in.results_missing.empty() ? v1::RESULTS_UNAVAILABLE : in.results_missing_code;
    *r->mutable_complaint_rate_did() = Withheld(0, code, why);
    *r->mutable_ikm_did() = Withheld(0, code, why);
    *r->mutable_complaints_avoided() = Withheld(0, code, why);
    r->set_conclusion("Nothing can be concluded about results (L4) yet: " +
                      (in.results_missing.empty() ? std::string("no data") : in.results_missing) + ".");
  }
  *ev.mutable_cost() = ComputeCost(in, ev);
  const auto& w = settings.weights();
  *ev.mutable_composite() = Compose({L1Level(ev.reaction().overall(), w.l1()),
                                     L2Level(ev.learning().normalised_gain(), w.l2()),
                                     L3Level(ev.behaviour().applied_share(), w.l3()),
                                     L4Level(ev.results(), w.l4())});
  ScrubWithheld(&ev);
  return ev;
}

}  // namespace pelita::scoring
