#include "services/scoring/ranking.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/stats/stats.h"
#include "lib/status/status.h"
#include "services/scoring/figures.h"

namespace pelita::scoring {
namespace {

v1::Figure MeanOver(double sum, int64_t n, const std::string& formula, const std::string& none) {
  if (n > 0) return Value(sum / n, n, formula);
  return Withheld(0, v1::DATA_ABSENT, none, formula);
}

}  // namespace

v1::RankProgramsResponse RankPrograms(const RollUpView& view,
                                      const std::vector<std::pair<std::string, std::string>>& programs,
                                      bool include_instructors) {
  using Req = v1::RollUpEvaluationsRequest;
  v1::RankProgramsResponse out;
  std::map<std::string, const v1::RollUpRow*> rows;
  if (auto it = view.rows.find(Req::PROGRAM); it != view.rows.end()) {
    for (const auto& r : it->second) rows[r.group()] = &r;
  }
  std::vector<v1::ProgramScore> scores;
  for (const auto& [program, title] : programs) {
    v1::ProgramScore s;
    s.set_program(program);
    s.set_title(title);
    auto it = rows.find(program);
    if (it == rows.end()) {
      const char* why = "no cohort of the programme in the year";
      *s.mutable_composite() = Withheld(0, v1::DATA_ABSENT, why);
      *s.mutable_normalised_gain() = Withheld(0, v1::DATA_ABSENT, why);
      *s.mutable_cost_per_participant() = Withheld(0, v1::DATA_ABSENT, why);
    } else {
      const v1::RollUpRow& row = *it->second;
      s.set_cohorts(row.cohorts());
      s.set_participants(row.participants());
      *s.mutable_composite() = row.composite();
      *s.mutable_normalised_gain() = row.normalised_gain();
      *s.mutable_cost_per_participant() = row.cost_per_participant();
    }
    const std::string ceformula = "composite / (cost_per_participant / 1,000,000)";
    if (s.composite().withheld()) {
      *s.mutable_cost_effectiveness() = WithheldLike(s.composite().n(), s.composite(), ceformula);
    } else if (s.cost_per_participant().withheld() || s.cost_per_participant().value() <= 0) {
      *s.mutable_cost_effectiveness() = Withheld(s.composite().n(), v1::NO_COST, "no cost per participant", ceformula);
    } else {
      *s.mutable_cost_effectiveness() =
          Value(s.composite().value() / (s.cost_per_participant().value() / 1e6), s.composite().n(), ceformula,
                {{"composite", s.composite().value()}, {"cost_per_participant", s.cost_per_participant().value()}});
    }
    scores.push_back(std::move(s));
  }
  auto rank = [&](auto key, auto setter) {
    std::vector<v1::ProgramScore*> order;
    for (auto& s : scores) order.push_back(&s);
    std::stable_sort(order.begin(), order.end(), [&](v1::ProgramScore* a, v1::ProgramScore* b) {
      const v1::Figure &fa = key(*a), &fb = key(*b);
      if (fa.withheld() != fb.withheld()) return !fa.withheld();
      if (!fa.withheld() && fa.value() != fb.value()) return fa.value() > fb.value();
      return a->program() < b->program();
    });
    int r = 0;
    for (auto* s : order) (s->*setter)(key(*s).withheld() ? 0 : ++r);
    return order;
  };
  auto by_c = rank([](const v1::ProgramScore& s) -> const v1::Figure& { return s.composite(); },
                   &v1::ProgramScore::set_rank_by_composite);
  auto by_ce = rank([](const v1::ProgramScore& s) -> const v1::Figure& { return s.cost_effectiveness(); },
                    &v1::ProgramScore::set_rank_by_cost_effectiveness);
  for (auto* s : by_c) *out.add_by_composite() = *s;
  for (auto* s : by_ce) *out.add_by_cost_effectiveness() = *s;
  if (include_instructors) {
    std::vector<v1::InstructorScore> is;
    if (auto it = view.rows.find(Req::INSTRUCTOR); it != view.rows.end()) {
      for (const auto& row : it->second) {
        v1::InstructorScore s;
        s.set_instructor(row.group());
        s.set_cohorts(row.cohorts());
        auto f = view.instruktur.find(row.group());
        if (f != view.instruktur.end()) *s.mutable_reaction_instruktur() = f->second;
        *s.mutable_normalised_gain() = row.normalised_gain();
        is.push_back(std::move(s));
      }
    }
    std::stable_sort(is.begin(), is.end(), [](const auto& a, const auto& b) {
      const auto &fa = a.reaction_instruktur(), &fb = b.reaction_instruktur();
      if (fa.withheld() != fb.withheld()) return !fa.withheld();
      if (!fa.withheld() && fa.value() != fb.value()) return fa.value() > fb.value();
      return a.instructor() < b.instructor();
    });
    for (auto& s : is) *out.add_instructors() = std::move(s);
  }
  ScrubWithheld(&out);
  return out;
}

v1::TenantIndicators TenantSummary(const std::string& tenant, int programs, const RollUpView& view) {
  using Req = v1::RollUpEvaluationsRequest;
  v1::TenantIndicators t;
  t.set_tenant(tenant);
  t.set_programs(programs);
  auto it = view.rows.find(Req::YEAR);
  if (it == view.rows.end() || it->second.empty()) {
    const char* why = "no cohort in the year";
    for (v1::Figure* f : {t.mutable_reaction(), t.mutable_normalised_gain(), t.mutable_applied_share(),
                          t.mutable_composite(), t.mutable_cost_per_jp()}) {
      *f = Withheld(0, v1::DATA_ABSENT, why);
    }
    return t;
  }
  const v1::RollUpRow& row = it->second.front();
  t.set_cohorts(row.cohorts());
  t.set_participants(row.participants());
  *t.mutable_reaction() = row.reaction();
  *t.mutable_normalised_gain() = row.normalised_gain();
  *t.mutable_applied_share() = row.applied_share();
  *t.mutable_composite() = row.composite();
  *t.mutable_cost_per_jp() = view.cost_per_jp;
  return t;
}

v1::ProvinceBenchmark Benchmark(const std::string& province, int year, const std::string& focus,
                                std::vector<v1::TenantIndicators> tenants, std::vector<std::string> missing,
                                bool named) {
  v1::ProvinceBenchmark out;
  out.set_name(province);
  out.set_year(year);
  out.set_focus_tenant(focus);
  std::sort(tenants.begin(), tenants.end(), [](const auto& a, const auto& b) { return a.tenant() < b.tenant(); });
  using Get = const v1::Figure& (v1::TenantIndicators::*)() const;
  const std::vector<std::pair<Get, v1::IndicatorDistribution* (v1::ProvinceDistribution::*)()>> indicators = {
      {&v1::TenantIndicators::reaction, &v1::ProvinceDistribution::mutable_reaction},
      {&v1::TenantIndicators::normalised_gain, &v1::ProvinceDistribution::mutable_normalised_gain},
      {&v1::TenantIndicators::applied_share, &v1::ProvinceDistribution::mutable_applied_share},
      {&v1::TenantIndicators::composite, &v1::ProvinceDistribution::mutable_composite},
      {&v1::TenantIndicators::cost_per_jp, &v1::ProvinceDistribution::mutable_cost_per_jp}};
  // The others: every tenant but the focus one; a tenant without an
  // indicator (withheld) adds nothing to it, never a zero.
  std::vector<const v1::TenantIndicators*> others;
  for (const auto& t : tenants) {
    if (named || t.tenant() == focus) *out.add_tenants() = t;
    if (t.tenant() != focus) others.push_back(&t);
  }
  for (const auto& [get, dist] : indicators) {
    std::vector<double> values;
    for (const auto* t : others) {
      const v1::Figure& f = (t->*get)();
      if (!f.withheld()) values.push_back(f.value());
    }
    v1::IndicatorDistribution* d = (out.mutable_distribution()->*dist)();
    d->set_tenants(static_cast<int32_t>(values.size()));
    const std::string formula = "quantile type 7 over the other regencies with the indicator";
    for (auto [p, f] : {std::pair{0.25, d->mutable_q1()}, std::pair{0.5, d->mutable_median()},
                        std::pair{0.75, d->mutable_q3()}}) {
      if (static_cast<int>(values.size()) < kMinRegenciesForDistribution) {
        *f = Withheld(static_cast<int64_t>(values.size()), v1::TOO_FEW_REGENCIES,
                      absl::StrCat(values.size(), " other regencies with the indicator, fewer than ",
                                   kMinRegenciesForDistribution, ": a distribution would show a regency's figure"),
                      formula);
      } else {
        *f = Value(*stats::Quantile(values, p), static_cast<int64_t>(values.size()), formula);
      }
    }
  }
  if (named && !focus.empty()) {
    v1::TenantIndicators rest;
    rest.set_tenant("rest");
    for (const auto* t : others) {
      rest.set_programs(rest.programs() + t->programs());
      rest.set_cohorts(rest.cohorts() + t->cohorts());
      rest.set_participants(rest.participants() + t->participants());
    }
    const std::vector<std::pair<Get, v1::Figure* (v1::TenantIndicators::*)()>> fields = {
        {&v1::TenantIndicators::reaction, &v1::TenantIndicators::mutable_reaction},
        {&v1::TenantIndicators::normalised_gain, &v1::TenantIndicators::mutable_normalised_gain},
        {&v1::TenantIndicators::applied_share, &v1::TenantIndicators::mutable_applied_share},
        {&v1::TenantIndicators::composite, &v1::TenantIndicators::mutable_composite},
        {&v1::TenantIndicators::cost_per_jp, &v1::TenantIndicators::mutable_cost_per_jp}};
    for (const auto& [get, set] : fields) {
      double sum = 0;
      int64_t n = 0;
      for (const auto* t : others) {
        const v1::Figure& f = (t->*get)();
        if (f.withheld()) continue;
        sum += f.value();
        ++n;
      }
      *(rest.*set)() = MeanOver(sum, n, "mean over the tenants other than the focus tenant with the indicator (n = tenants)",
                                "no other tenant of the province has this indicator");
    }
    *out.mutable_rest() = rest;
  }
  std::sort(missing.begin(), missing.end());
  for (auto& m : missing) out.add_missing_tenants(m);
  ScrubWithheld(&out);
  return out;
}

absl::StatusOr<v1::BudgetAdvice> AdviseBudget(int64_t budget, const std::vector<BudgetOption>& options) {
  if (budget < 0) return InvalidField("budget", "must be >= 0");
  struct Opt { const BudgetOption* o; int64_t cost; double value; };
  std::vector<Opt> opts;
  for (size_t i = 0; i < options.size(); ++i) {
    const auto& o = options[i];
    const std::string f = absl::StrCat("candidates[", i, "]");
    if (o.cost_per_participant <= 0) return InvalidField(f + ".cost_per_participant", "must be > 0");
    if (o.cohort_size <= 0) return InvalidField(f + ".cohort_size", "must be > 0");
    if (o.max_cohorts < 0 || o.max_cohorts > 1000) return InvalidField(f + ".max_cohorts", "must be in [0, 1000]");
    opts.push_back({&o, o.cost_per_participant * o.cohort_size, o.cohort_size * o.effect_per_participant});
  }
  // Unit of the DP: gcd of cohort costs, coarsened to <= 200,000 cells.
  int64_t unit = 0;
  for (const auto& o : opts) unit = std::gcd(unit, o.cost);
  if (unit == 0) unit = 1;
  if (budget / unit > 200000) unit = (budget + 199999) / 200000;
  const int64_t cells = budget / unit;
  // Bounded knapsack by binary splitting of each option's count.
  struct Piece { size_t opt; int count; int64_t w; double v; };
  std::vector<Piece> pieces;
  for (size_t i = 0; i < opts.size(); ++i) {
    if (opts[i].value <= 0) continue;
    int left = std::max(1, opts[i].o->max_cohorts == 0 ? 1 : opts[i].o->max_cohorts);
    const int64_t w = (opts[i].cost + unit - 1) / unit;
    for (int k = 1; left > 0; k *= 2) {
      const int c = std::min(k, left);
      pieces.push_back({i, c, w * c, opts[i].value * c});
      left -= c;
    }
  }
  std::vector<double> best(cells + 1, 0);
  std::vector<std::vector<bool>> take(pieces.size(), std::vector<bool>(cells + 1, false));
  for (size_t p = 0; p < pieces.size(); ++p) {
    for (int64_t c = cells; c >= pieces[p].w; --c) {
      const double v = best[c - pieces[p].w] + pieces[p].v;
      if (v > best[c] + 1e-9) {
        best[c] = v;
        take[p][c] = true;
      }
    }
  }
  std::vector<int> count(opts.size(), 0);
  for (int64_t c = cells, p = static_cast<int64_t>(pieces.size()) - 1; p >= 0; --p) {
    if (take[p][c]) {
      count[pieces[p].opt] += pieces[p].count;
      c -= pieces[p].w;
    }
  }
  v1::BudgetAdvice out;
  out.set_budget(budget);
  int64_t allocated = 0;
  double total = 0;
  for (size_t i = 0; i < opts.size(); ++i) {
    const auto& o = *opts[i].o;
    v1::BudgetLine line;
    line.set_program(o.program);
    line.set_effect_per_participant(o.effect_per_participant);
    line.set_effect_source(o.effect_source);
    line.set_effect_source_code(o.effect_source_code);
    line.set_effect_cohorts(o.effect_cohorts);
    line.set_effect_pairs(o.effect_pairs);
    line.set_improvement_per_million(opts[i].value / (static_cast<double>(opts[i].cost) / 1e6));
    if (count[i] > 0) {
      line.set_cohorts(count[i]);
      line.set_participants(static_cast<int64_t>(count[i]) * o.cohort_size);
      line.set_cost(opts[i].cost * count[i]);
      line.set_expected_improvement(opts[i].value * count[i]);
      line.set_reason_code("FUNDED");
      line.set_reason(absl::StrFormat("%d of %d cohort(s) funded: %.1f gain points per Rp 1 million",
                                      count[i], std::max(1, o.max_cohorts), line.improvement_per_million()));
      allocated += line.cost();
      total += line.expected_improvement();
      *out.add_funded() = line;
    } else {
      line.set_cost(opts[i].cost);
      line.set_expected_improvement(opts[i].value);
      if (opts[i].value <= 0) {
        line.set_reason_code("NO_EXPECTED_IMPROVEMENT");
        line.set_reason("no expected improvement (measured effect is zero, negative or unknown)");
      } else if (opts[i].cost > budget) {
        line.set_reason_code("COHORT_OVER_BUDGET");
        line.set_reason("one cohort costs more than the whole budget");
      } else {
        line.set_reason_code("BETTER_COMBINATION");
        line.set_reason("a better combination uses the budget: the funded cohorts give more improvement in total");
      }
      *out.add_not_funded() = line;
    }
  }
  out.set_allocated(allocated);
  out.set_expected_improvement(total);
  // Greedy by improvement per rupiah, for comparison.
  std::vector<size_t> order(opts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return opts[a].value / opts[a].cost > opts[b].value / opts[b].cost;
  });
  int64_t left = budget;
  double greedy = 0;
  for (size_t i : order) {
    if (opts[i].value <= 0) continue;
    for (int k = 0; k < std::max(1, opts[i].o->max_cohorts) && opts[i].cost <= left; ++k) {
      left -= opts[i].cost;
      greedy += opts[i].value;
    }
  }
  out.set_greedy_improvement(greedy);
  out.add_explanation(absl::StrFormat(
      "Expected improvement of a cohort = cohort size x effect per participant (normalised-gain points, 100 x g); "
      "cost of a cohort = cohort size x cost per participant."));
  out.add_explanation(absl::StrFormat(
      "The allocation maximises the total expected improvement (%.1f points) within Rp %d; it spends Rp %d and leaves Rp %d.",
      total, budget, allocated, budget - allocated));
  if (greedy + 1e-9 < total) {
    out.add_explanation(absl::StrFormat(
        "Funding the best improvement per rupiah first would give only %.1f points: the optimum combines cohorts to use the budget better.",
        greedy));
  } else {
    out.add_explanation("Funding the best improvement per rupiah first gives the same result here.");
  }
  if (unit > 1) {
    out.add_explanation(absl::StrFormat("Costs were counted in steps of Rp %d (rounded up).", unit));
  }
  return out;
}

}  // namespace pelita::scoring
