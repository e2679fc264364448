#include "services/scoring/evaluator.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status/status.h"
#include "services/scoring/figures.h"

namespace pelita::scoring {
namespace {

// 0-100 conversion of a mean on [min, max].
double To100(double x, double lo, double hi) { return (x - lo) / (hi - lo) * 100; }

v1::Figure ScaleScore(const ScaleAggregate& a, int64_t respondents, int min_n) {
  const Inputs in = {{"n", static_cast<double>(a.moments.n)},
                     {"sum", a.moments.sum},
                     {"sum_squares", a.moments.sum_sq},
                     {"min", a.min_value},
                     {"max", a.max_value},
                     {"respondents", static_cast<double>(respondents)}};
  const std::string formula = "(sum/n - min) / (max - min) * 100; 95% t interval over answers";
  if (respondents < min_n) return Withheld(respondents, TooFew(respondents, min_n, "respondents"), formula, in);
  if (!(a.max_value > a.min_value)) return Withheld(respondents, "scale has no range", formula, in);
  auto mean = stats::Mean(a.moments);
  if (!mean.ok()) return Withheld(respondents, std::string(mean.status().message()), formula, in);
  v1::Figure f = Value(To100(*mean, a.min_value, a.max_value), respondents, formula, in);
  if (auto ci = stats::MeanInterval(a.moments); ci.ok()) {
    SetInterval(f, To100(ci->lower, a.min_value, a.max_value),
                To100(ci->upper, a.min_value, a.max_value));
  }
  return f;
}

v1::Reaction ComputeReaction(const ReactionInputs& r, int64_t enrolled, int min_n) {
  v1::Reaction out;
  const int64_t n = r.responses;
  {
    const Inputs in = {{"responses", static_cast<double>(n)},
                       {"enrolled", static_cast<double>(enrolled)}};
    if (enrolled <= 0) {
      *out.mutable_response_rate() = Withheld(n, "no enrolled participants", "responses / enrolled", in);
    } else {
      v1::Figure f = Value(static_cast<double>(n) / enrolled, n, "responses / enrolled", in);
      if (auto w = stats::WilsonInterval(std::min(n, enrolled), enrolled); w.ok()) {
        SetInterval(f, w->lower, w->upper);
      }
      *out.mutable_response_rate() = f;
    }
  }
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
  if (used > 0) {
    Inputs in;
    for (const auto& d : out.dimensions()) {
      if (!d.score().withheld()) in.push_back({d.dimension(), d.score().value()});
    }
    *out.mutable_overall() = Value(sum / used, n, "mean of the dimension scores", in);
  } else {
    *out.mutable_overall() = Withheld(
        n, n < min_n ? TooFew(n, min_n, "respondents") : "no dimension score", "mean of the dimension scores");
  }
  // Cronbach's alpha.
  {
    const int k = static_cast<int>(r.items.size());
    double sum_var = 0;
    bool ok = true;
    for (const auto& m : r.items) {
      auto v = stats::SampleVariance(m);
      if (!v.ok()) { ok = false; break; }
      sum_var += *v;
    }
    auto tv = stats::SampleVariance(r.totals);
    const Inputs in = {{"k", static_cast<double>(k)},
                       {"n_complete", static_cast<double>(r.totals.n)},
                       {"sum_item_variances", ok ? sum_var : 0},
                       {"total_variance", tv.ok() ? *tv : 0}};
    const std::string formula = "k/(k-1) * (1 - sum_item_variances / total_variance)";
    if (r.totals.n < min_n) {
      *out.mutable_cronbach_alpha() =
          Withheld(r.totals.n, TooFew(r.totals.n, min_n, "complete responses"), formula, in);
    } else if (!ok || !tv.ok()) {
      *out.mutable_cronbach_alpha() = Withheld(r.totals.n, "item variances undefined", formula, in);
    } else if (auto a = stats::CronbachAlpha(k, sum_var, *tv); a.ok()) {
      *out.mutable_cronbach_alpha() = Value(*a, r.totals.n, formula, in);
    } else {
      *out.mutable_cronbach_alpha() = Withheld(r.totals.n, std::string(a.status().message()), formula, in);
    }
  }
  return out;
}

v1::Learning ComputeLearning(const LearningInputs& l, int min_n) {
  v1::Learning out;
  const int64_t n = l.pairs;
  const double nn = static_cast<double>(n);
  const Inputs base = {{"pairs", nn}, {"sum_pre", l.sum_pre}, {"sum_post", l.sum_post},
                       {"sum_diff", l.sum_diff}, {"sum_diff_squares", l.sum_diff_sq},
                       {"max_score", l.max_score}};
  *out.mutable_pairs() = Value(nn, n, "pre/post pairs", {{"pairs", nn}});
  if (n < min_n) {
    const std::string why = TooFew(n, min_n, "pairs");
    for (v1::Figure* f : {out.mutable_mean_pre(), out.mutable_mean_post(), out.mutable_mean_gain(),
                          out.mutable_normalised_gain(), out.mutable_t(), out.mutable_df(),
                          out.mutable_p_value(), out.mutable_cohens_dz()}) {
      *f = Withheld(n, why);
    }
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
  const std::string gformula = "(mean_post - mean_pre) / (max_score - mean_pre) (Hake)";
  const Inputs gin = {{"mean_pre", pre}, {"mean_post", post}, {"max_score", l.max_score}};
  if (auto g = stats::NormalisedGain(pre, post, l.max_score); g.ok()) {
    *out.mutable_normalised_gain() = Value(*g, n, gformula, gin);
    out.set_gain_band(std::string(stats::BandName(stats::BandOf(*g))));
  } else {
    *out.mutable_normalised_gain() = Withheld(n, std::string(g.status().message()), gformula, gin);
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
      *f = Withheld(n, why, "", base);
    }
  }
  return out;
}

// A share of people: answered / eligible with its Wilson interval.  The
// survey service counts only distinct people among the eligible, so it
// cannot exceed 1; inputs that say otherwise are withheld as inconsistent
// rather than shown (or quietly capped).
v1::Figure PeopleRate(int64_t answered, int64_t eligible, const std::string& formula, const Inputs& in) {
  if (eligible <= 0) return Withheld(answered, "no eligible participants", formula, in);
  if (answered > eligible) {
    return Withheld(answered, "more participants answered than were eligible: the inputs are inconsistent",
                    formula, in);
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
                       : Withheld(b.followups, "the number of distinct participants is not known (answers are not people)",
                                  formula, rin);
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
      *r->mutable_self_report_rate() = Withheld(w.self_reported, why, sf, sin);
      *r->mutable_assessment_rate() = Withheld(w.assessed, why, af, ain);
      continue;
    }
    *r->mutable_self_report_rate() = PeopleRate(w.self_reported, w.eligible, sf, sin);
    *r->mutable_assessment_rate() = PeopleRate(w.assessed, w.eligible, af, ain);
  }
  auto share = [&](int64_t yes, int64_t a, const std::string& who, v1::Figure* f, v1::Figure* scrap) {
    const Inputs ain = {{"applied_yes", static_cast<double>(yes)}, {"answered", static_cast<double>(a)}};
    if (a < min_n) {
      *f = Withheld(a, TooFew(a, min_n, who), "applied_yes / answered", ain);
      if (scrap) *scrap = Withheld(a, TooFew(a, min_n, who), "1 - applied share", ain);
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
    } else {
      for (const auto& [code, count] : ci.counts) (*c->mutable_counts())[code] = count;
    }
  }
  for (const TextItem& t : b.texts) *out.add_text_answers() = SummariseText(t, min_n);
  return out;
}

struct Pooled {
  double complaints = 0, transactions = 0;
};

// Respondent-weighted mean IKM of units and its variance.
std::optional<stats::Estimate> PooledIkm(const std::vector<UnitWindows>& units, bool after, int min_n,
                                         int64_t* respondents) {
  double w = 0, sum = 0;
  for (const auto& u : units) {
    const Window& x = after ? u.after : u.before;
    if (x.has_ikm && x.ikm_respondents >= min_n) w += static_cast<double>(x.ikm_respondents);
  }
  *respondents = static_cast<int64_t>(w);
  if (w <= 0) return std::nullopt;
  double var = 0;
  for (const auto& u : units) {
    const Window& x = after ? u.after : u.before;
    if (!(x.has_ikm && x.ikm_respondents >= min_n)) continue;
    const double wi = x.ikm_respondents / w;
    sum += wi * x.ikm;
    var += wi * wi * x.ikm_se * x.ikm_se;
  }
  return stats::Estimate{sum, var};
}

v1::Results ComputeResults(const ResultsInputs& r, int min_n) {
  v1::Results out;
  out.set_window_days(r.window_days);
  out.set_control_unit_count(static_cast<int64_t>(r.control.size()));
  auto rate_fig = [](const Window& w) {
    const Inputs in = {{"complaints", w.complaints}, {"transactions", w.transactions}};
    if (!(w.transactions > 0)) return Withheld(0, "no service volume recorded for the unit", "complaints / transactions * 1000", in);
    v1::Figure f = Value(w.complaints / w.transactions * 1000, static_cast<int64_t>(w.complaints),
                         "complaints / transactions * 1000", in);
    const double se = std::sqrt(w.complaints) / w.transactions * 1000;
    SetInterval(f, std::max(0.0, f.value() - 1.959964 * se), f.value() + 1.959964 * se);
    return f;
  };
  auto ikm_fig = [min_n](const Window& w) {
    const Inputs in = {{"respondents", static_cast<double>(w.ikm_respondents)}, {"ikm_se", w.ikm_se}};
    if (!w.has_ikm) return Withheld(0, "no SKM responses in the window", "IKM x 25", in);
    if (w.ikm_respondents < min_n) return Withheld(w.ikm_respondents, TooFew(w.ikm_respondents, min_n, "SKM respondents"), "IKM x 25", in);
    v1::Figure f = Value(w.ikm, w.ikm_respondents, "sum NRR_i / 9 * 25 (PermenPANRB 14/2017)", in);
    SetInterval(f, w.ikm - 1.959964 * w.ikm_se, w.ikm + 1.959964 * w.ikm_se);
    return f;
  };
  Pooled tb, ta, cb, ca;
  for (const auto& u : r.treated) {
    v1::UnitChange* c = out.add_treated_units();
    c->set_unit(u.unit);
    *c->mutable_complaint_rate_before() = rate_fig(u.before);
    *c->mutable_complaint_rate_after() = rate_fig(u.after);
    *c->mutable_ikm_before() = ikm_fig(u.before);
    *c->mutable_ikm_after() = ikm_fig(u.after);
    tb.complaints += u.before.complaints; tb.transactions += u.before.transactions;
    ta.complaints += u.after.complaints; ta.transactions += u.after.transactions;
  }
  for (const auto& u : r.control) {
    cb.complaints += u.before.complaints; cb.transactions += u.before.transactions;
    ca.complaints += u.after.complaints; ca.transactions += u.after.transactions;
  }
  const Inputs din = {{"treated_before_complaints", tb.complaints}, {"treated_before_transactions", tb.transactions},
                      {"treated_after_complaints", ta.complaints}, {"treated_after_transactions", ta.transactions},
                      {"control_before_complaints", cb.complaints}, {"control_before_transactions", cb.transactions},
                      {"control_after_complaints", ca.complaints}, {"control_after_transactions", ca.transactions},
                      {"control_units", static_cast<double>(r.control.size())}};
  const std::string dformula =
      "(treated_after - treated_before) - (control_after - control_before), rates per 1,000 "
      "transactions; se = sqrt(sum of Poisson variances c/E^2) x 1000; 95% normal interval";
  std::vector<std::string> notes;
  const int64_t treated_n = static_cast<int64_t>(tb.complaints + ta.complaints);
  bool complaint_did = false;
  double did_value = 0, did_lo = 0, did_hi = 0;
  if (r.treated.empty()) {
    *out.mutable_complaint_rate_did() = Withheld(0, "the participants' units are unknown", dformula, din);
  } else if (r.control.empty()) {
    *out.mutable_complaint_rate_did() = Withheld(treated_n, "no control units (every unit had trained staff)", dformula, din);
  } else if (!(tb.transactions > 0 && ta.transactions > 0 && cb.transactions > 0 && ca.transactions > 0)) {
    *out.mutable_complaint_rate_did() = Withheld(treated_n, "service volume unknown for a group or window", dformula, din);
  } else if (tb.complaints + ta.complaints < kMinComplaintsForDid) {
    *out.mutable_complaint_rate_did() = Withheld(
        treated_n,
        absl::StrCat("too thin: ", treated_n, " complaints in the trained units' windows, fewer than ",
                     kMinComplaintsForDid),
        dformula, din);
  } else {
    auto scale = [](stats::Estimate e) { return stats::Estimate{e.value * 1000, e.variance * 1e6}; };
    const stats::Interval did = stats::DiffInDiff(
        scale(stats::PoissonRate(tb.complaints, tb.transactions)), scale(stats::PoissonRate(ta.complaints, ta.transactions)),
        scale(stats::PoissonRate(cb.complaints, cb.transactions)), scale(stats::PoissonRate(ca.complaints, ca.transactions)));
    v1::Figure f = Value(did.estimate, treated_n, dformula, din);
    SetInterval(f, did.lower, did.upper);
    *out.mutable_complaint_rate_did() = f;
    complaint_did = true;
    did_value = did.estimate; did_lo = did.lower; did_hi = did.upper;
    const double avoided = -did.estimate * ta.transactions / 1000;
    v1::Figure av = Value(avoided, treated_n, "-complaint_rate_did * treated_after_transactions / 1000",
                          {{"complaint_rate_did", did.estimate}, {"treated_after_transactions", ta.transactions}});
    SetInterval(av, -did.upper * ta.transactions / 1000, -did.lower * ta.transactions / 1000);
    *out.mutable_complaints_avoided() = av;
  }
  if (!out.has_complaints_avoided()) {
    *out.mutable_complaints_avoided() = Withheld(treated_n, "no complaint-rate estimate");
  }
  // IKM.
  int64_t ntb = 0, nta = 0, ncb = 0, nca = 0;
  auto itb = PooledIkm(r.treated, false, min_n, &ntb), ita = PooledIkm(r.treated, true, min_n, &nta);
  auto icb = PooledIkm(r.control, false, min_n, &ncb), ica = PooledIkm(r.control, true, min_n, &nca);
  const std::string iformula =
      "(treated_after - treated_before) - (control_after - control_before) of respondent-weighted "
      "IKM (25-100); 95% normal interval";
  bool ikm_did = false;
  if (itb && ita && icb && ica) {
    const stats::Interval did = stats::DiffInDiff(*itb, *ita, *icb, *ica);
    v1::Figure f = Value(did.estimate, std::min({ntb, nta, ncb, nca}), iformula,
                         {{"treated_before", itb->value}, {"treated_after", ita->value},
                          {"control_before", icb->value}, {"control_after", ica->value},
                          {"treated_before_respondents", static_cast<double>(ntb)},
                          {"treated_after_respondents", static_cast<double>(nta)},
                          {"control_before_respondents", static_cast<double>(ncb)},
                          {"control_after_respondents", static_cast<double>(nca)}});
    SetInterval(f, did.lower, did.upper);
    *out.mutable_ikm_did() = f;
    ikm_did = true;
  } else {
    *out.mutable_ikm_did() = Withheld(std::min({ntb, nta, ncb, nca}),
                                      absl::StrCat("too thin: a group or window has no IKM from at least ",
                                                   min_n, " SKM respondents"),
                                      iformula);
  }
  // Plain-language conclusion.
  std::string c;
  if (!complaint_did && !ikm_did) {
    c = absl::StrCat("The data are too thin to conclude anything about results: ",
                     out.complaint_rate_did().reason(), "; ", out.ikm_did().reason(), ".");
  } else {
    if (complaint_did) {
      if (did_hi < 0) {
        c = absl::StrFormat("Complaints fell by %.2f per 1,000 transactions more in the trained units than in the others (95%% CI %.2f to %.2f).",
                            -did_value, -did_hi, -did_lo);
      } else if (did_lo > 0) {
        c = absl::StrFormat("Complaints rose by %.2f per 1,000 transactions more in the trained units than in the others (95%% CI %.2f to %.2f).",
                            did_value, did_lo, did_hi);
      } else {
        c = absl::StrFormat("No change in the complaint rate can be attributed to the training: the 95%% interval (%.2f to %.2f per 1,000) includes zero.",
                            did_lo, did_hi);
      }
    } else {
      c = absl::StrCat("Complaint rate: ", out.complaint_rate_did().reason(), ".");
    }
    if (ikm_did) {
      const auto& f = out.ikm_did();
      if (f.ci_low() > 0 || f.ci_high() < 0) {
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
  out.set_conclusion(c);
  return out;
}

v1::Cost ComputeCost(const CohortInputs& in, const v1::Evaluation& ev) {
  v1::Cost out;
  const CostInputs& c = in.cost;
  const double total = c.total_cost;
  *out.mutable_total() = Value(total, in.enrolled, c.cost_basis, {{"total_cost", total}});
  const double p = static_cast<double>(in.enrolled);
  if (p > 0 && total > 0) {
    *out.mutable_per_participant() = Value(total / p, in.enrolled, "total_cost / participants",
                                           {{"total_cost", total}, {"participants", p}});
  } else {
    *out.mutable_per_participant() = Withheld(in.enrolled, total > 0 ? "no participants" : "no cost recorded");
  }
  if (in.completed > 0 && total > 0) {
    *out.mutable_per_completed() = Value(total / in.completed, in.completed, "total_cost / completed",
                                         {{"total_cost", total}, {"completed", static_cast<double>(in.completed)}});
  } else {
    *out.mutable_per_completed() = Withheld(in.completed, in.completed > 0 ? "no cost recorded" : "no completed participants");
  }
  if (p > 0 && c.jp > 0 && total > 0) {
    *out.mutable_per_jp() = Value(total / (p * c.jp), in.enrolled, "total_cost / (participants x JP)",
                                  {{"total_cost", total}, {"participants", p}, {"jp", static_cast<double>(c.jp)}});
  } else {
    *out.mutable_per_jp() = Withheld(in.enrolled, "no JP, participants or cost recorded");
  }
  if (c.benefit && total > 0) {
    const double b = *c.benefit;
    *out.mutable_roi_pct() = Value((b - total) / total * 100, in.enrolled,
                                   "(benefit - cost) / cost x 100 (Phillips); benefit: " + c.benefit_basis,
                                   {{"benefit", b}, {"cost", total}});
    *out.mutable_bcr() = Value(b / total, in.enrolled, "benefit / cost (Phillips)", {{"benefit", b}, {"cost", total}});
  } else {
    const std::string why = total > 0 ? "no benefit estimate recorded for the programme" : "no cost recorded";
    *out.mutable_roi_pct() = Withheld(in.enrolled, why);
    *out.mutable_bcr() = Withheld(in.enrolled, why);
  }
  const auto& g = ev.learning().normalised_gain();
  if (ev.has_learning() && !g.withheld() && g.value() > 0 && out.has_per_participant() &&
      !out.per_participant().withheld()) {
    *out.mutable_per_gain_point() =
        Value(out.per_participant().value() / (100 * g.value()), g.n(), "cost_per_participant / (100 x g)",
              {{"cost_per_participant", out.per_participant().value()}, {"g", g.value()}});
  } else {
    *out.mutable_per_gain_point() = Withheld(g.n(), "no positive normalised gain to divide by");
  }
  const auto& av = ev.results().complaints_avoided();
  if (ev.has_results() && !av.withheld() && av.value() > 0 && total > 0) {
    *out.mutable_per_complaint_avoided() =
        Value(total / av.value(), av.n(), "total_cost / complaints_avoided",
              {{"total_cost", total}, {"complaints_avoided", av.value()}});
  } else {
    *out.mutable_per_complaint_avoided() = Withheld(av.n(), "no complaints avoided by the estimate");
  }
  return out;
}

v1::Composite ComputeComposite(const v1::Evaluation& ev, const v1::ScoringSettings& s) {
  v1::Composite out;
  struct C { const char* level; double weight; std::optional<double> score; std::string formula; int64_t n; std::string why; };
  std::vector<C> cs;
  {
    const auto& f = ev.reaction().overall();
    C c{"l1", s.weights().l1(), std::nullopt, "mean L1 dimension score", f.n(), f.reason()};
    if (ev.has_reaction() && !f.withheld()) c.score = f.value();
    if (!ev.has_reaction()) c.why = "no reaction survey";
    cs.push_back(c);
  }
  {
    const auto& f = ev.learning().normalised_gain();
    C c{"l2", s.weights().l2(), std::nullopt, "clamp(100 x g, 0, 100)", f.n(), f.reason()};
    if (ev.has_learning() && !f.withheld()) c.score = std::clamp(100 * f.value(), 0.0, 100.0);
    if (!ev.has_learning()) c.why = "no pre/post tests";
    cs.push_back(c);
  }
  {
    const auto& f = ev.behaviour().applied_share();
    C c{"l3", s.weights().l3(), std::nullopt, "100 x applied share", f.n(), f.reason()};
    if (ev.has_behaviour() && !f.withheld()) c.score = 100 * f.value();
    if (!ev.has_behaviour()) c.why = "no follow-up";
    cs.push_back(c);
  }
  {
    const auto& r = ev.results();
    C c{"l4", s.weights().l4(), std::nullopt, "", 0, ""};
    const auto& d = r.complaint_rate_did();
    double before = 0;
    auto it = d.inputs().find("treated_before_complaints");
    auto jt = d.inputs().find("treated_before_transactions");
    if (it != d.inputs().end() && jt != d.inputs().end() && jt->second > 0) before = it->second / jt->second * 1000;
    if (ev.has_results() && !d.withheld() && before > 0) {
      c.score = std::clamp(50 - 50 * d.value() / before, 0.0, 100.0);
      c.formula = "clamp(50 - 50 x complaint_rate_did / treated_before_rate, 0, 100)";
      c.n = d.n();
    } else if (ev.has_results() && !r.ikm_did().withheld()) {
      c.score = std::clamp(50 + 5 * r.ikm_did().value(), 0.0, 100.0);
      c.formula = "clamp(50 + 5 x ikm_did, 0, 100)";
      c.n = r.ikm_did().n();
    } else {
      c.why = ev.has_results() ? "no complaint-rate or IKM estimate" : "no results data";
    }
    cs.push_back(c);
  }
  double wsum = 0, sum = 0;
  Inputs in;
  int64_t n = 0;
  for (const C& c : cs) {
    v1::CompositeComponent* comp = out.add_components();
    comp->set_level(c.level);
    comp->set_weight(c.weight);
    comp->set_used(c.score.has_value() && c.weight > 0);
    if (c.score) {
      *comp->mutable_score() = Value(*c.score, c.n, c.formula);
      wsum += c.weight;
      sum += c.weight * *c.score;
      in.push_back({absl::StrCat(c.level, "_score"), *c.score});
      in.push_back({absl::StrCat(c.level, "_weight"), c.weight});
      n = std::max(n, c.n);
    } else {
      *comp->mutable_score() = Withheld(c.n, c.why.empty() ? "not available" : c.why);
    }
  }
  const std::string formula = "sum(weight_i x score_i) / sum(weight_i) over the levels with a score";
  if (wsum > 0) {
    *out.mutable_score() = Value(sum / wsum, n, formula, in);
  } else {
    *out.mutable_score() = Withheld(0, "no level has a score", formula);
  }
  return out;
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
  return absl::OkStatus();
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
  if (in.reaction) *ev.mutable_reaction() = ComputeReaction(*in.reaction, in.enrolled, min_n);
  if (in.learning) *ev.mutable_learning() = ComputeLearning(*in.learning, min_n);
  if (in.behaviour) *ev.mutable_behaviour() = ComputeBehaviour(*in.behaviour, in.enrolled, min_n);
  if (in.results) {
    *ev.mutable_results() = ComputeResults(*in.results, min_n);
  } else if (!in.results_missing.empty()) {
    v1::Results* r = ev.mutable_results();
    r->set_window_days(settings.window_days());
    const std::string why = "results not available: " + in.results_missing;
    *r->mutable_complaint_rate_did() = Withheld(0, why);
    *r->mutable_ikm_did() = Withheld(0, why);
    *r->mutable_complaints_avoided() = Withheld(0, why);
    r->set_conclusion("Nothing can be concluded about results (L4) yet: " + in.results_missing + ".");
  }
  *ev.mutable_cost() = ComputeCost(in, ev);
  *ev.mutable_composite() = ComputeComposite(ev, settings);
  return ev;
}

}  // namespace pelita::scoring
