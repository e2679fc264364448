#include "services/scoring/ranking.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status/status.h"

namespace pelita::scoring {
namespace {

v1::Figure Mean(double sum, double weight, int64_t n, const std::string& formula) {
  v1::Figure f;
  f.set_n(n);
  f.set_formula(formula);
  if (weight > 0) {
    f.set_value(sum / weight);
  } else {
    f.set_withheld(true);
    f.set_reason("no cohort with this figure");
  }
  return f;
}

// Weighted accumulation of a figure over cohorts.
struct Acc {
  double sum = 0, weight = 0;
  int64_t n = 0;
  void Add(const v1::Figure& f, double w) {
    if (f.withheld() || w <= 0) return;
    sum += f.value() * w;
    weight += w;
    n += 1;
  }
};

}  // namespace

v1::RankProgramsResponse RankPrograms(const std::vector<ProgramEvaluations>& programs,
                                      bool include_instructors) {
  v1::RankProgramsResponse out;
  std::vector<v1::ProgramScore> scores;
  struct Instr { Acc l1, g; int cohorts = 0; };
  std::map<std::string, Instr> instructors;
  for (const auto& p : programs) {
    v1::ProgramScore s;
    s.set_program(p.program);
    s.set_title(p.title);
    s.set_cohorts(static_cast<int32_t>(p.cohorts.size()));
    Acc comp, gain, cpp;
    int64_t participants = 0;
    for (const auto& e : p.cohorts) {
      participants += e.enrolled();
      const double w = static_cast<double>(std::max<int64_t>(e.enrolled(), 1));
      comp.Add(e.composite().score(), w);
      gain.Add(e.learning().normalised_gain(), w);
      cpp.Add(e.cost().per_participant(), w);
      for (const auto& i : e.instructors()) {
        Instr& in = instructors[i];
        ++in.cohorts;
        for (const auto& d : e.reaction().dimensions()) {
          if (d.dimension() == "instruktur") in.l1.Add(d.score(), 1);
        }
        in.g.Add(e.learning().normalised_gain(), 1);
      }
    }
    s.set_participants(participants);
    *s.mutable_composite() = Mean(comp.sum, comp.weight, comp.n,
                                  "participant-weighted mean of the cohorts' composite scores");
    *s.mutable_normalised_gain() = Mean(gain.sum, gain.weight, gain.n,
                                        "participant-weighted mean of the cohorts' normalised gains");
    *s.mutable_cost_per_participant() = Mean(cpp.sum, cpp.weight, cpp.n,
                                             "participant-weighted mean cost per participant");
    v1::Figure ce;
    ce.set_formula("composite / (cost_per_participant / 1,000,000)");
    ce.set_n(comp.n);
    if (!s.composite().withheld() && !s.cost_per_participant().withheld() &&
        s.cost_per_participant().value() > 0) {
      ce.set_value(s.composite().value() / (s.cost_per_participant().value() / 1e6));
      (*ce.mutable_inputs())["composite"] = s.composite().value();
      (*ce.mutable_inputs())["cost_per_participant"] = s.cost_per_participant().value();
    } else {
      ce.set_withheld(true);
      ce.set_reason(s.composite().withheld() ? "no composite score" : "no cost per participant");
    }
    *s.mutable_cost_effectiveness() = ce;
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
    for (const auto& [name, in] : instructors) {
      v1::InstructorScore s;
      s.set_instructor(name);
      s.set_cohorts(in.cohorts);
      *s.mutable_reaction_instruktur() = Mean(in.l1.sum, in.l1.weight, in.l1.n, "mean L1 instruktur score of the cohorts");
      *s.mutable_normalised_gain() = Mean(in.g.sum, in.g.weight, in.g.n, "mean normalised gain of the cohorts");
      is.push_back(std::move(s));
    }
    std::stable_sort(is.begin(), is.end(), [](const auto& a, const auto& b) {
      const auto &fa = a.reaction_instruktur(), &fb = b.reaction_instruktur();
      if (fa.withheld() != fb.withheld()) return !fa.withheld();
      if (!fa.withheld() && fa.value() != fb.value()) return fa.value() > fb.value();
      return a.instructor() < b.instructor();
    });
    for (auto& s : is) *out.add_instructors() = std::move(s);
  }
  return out;
}

v1::TenantIndicators TenantSummary(const std::string& tenant,
                                   const std::vector<ProgramEvaluations>& programs) {
  v1::TenantIndicators t;
  t.set_tenant(tenant);
  t.set_programs(static_cast<int32_t>(programs.size()));
  Acc l1, g, applied, comp, cpj;
  int cohorts = 0;
  int64_t participants = 0;
  for (const auto& p : programs) {
    for (const auto& e : p.cohorts) {
      ++cohorts;
      participants += e.enrolled();
      const double w = static_cast<double>(std::max<int64_t>(e.enrolled(), 1));
      l1.Add(e.reaction().overall(), w);
      g.Add(e.learning().normalised_gain(), w);
      applied.Add(e.behaviour().applied_share(), w);
      comp.Add(e.composite().score(), w);
      cpj.Add(e.cost().per_jp(), w);
    }
  }
  t.set_cohorts(cohorts);
  t.set_participants(participants);
  const char* f = "participant-weighted mean over the cohorts";
  *t.mutable_reaction() = Mean(l1.sum, l1.weight, l1.n, f);
  *t.mutable_normalised_gain() = Mean(g.sum, g.weight, g.n, f);
  *t.mutable_applied_share() = Mean(applied.sum, applied.weight, applied.n, f);
  *t.mutable_composite() = Mean(comp.sum, comp.weight, comp.n, f);
  *t.mutable_cost_per_jp() = Mean(cpj.sum, cpj.weight, cpj.n, f);
  return t;
}

v1::ProvinceBenchmark Benchmark(const std::string& province, int year, const std::string& focus,
                                std::vector<v1::TenantIndicators> tenants,
                                std::vector<std::string> missing) {
  v1::ProvinceBenchmark out;
  out.set_name(province);
  out.set_year(year);
  out.set_focus_tenant(focus);
  std::sort(tenants.begin(), tenants.end(),
            [](const auto& a, const auto& b) { return a.tenant() < b.tenant(); });
  Acc l1, g, applied, comp, cpj;
  v1::TenantIndicators rest;
  rest.set_tenant("rest");
  for (const auto& t : tenants) {
    *out.add_tenants() = t;
    if (t.tenant() == focus) continue;
    rest.set_programs(rest.programs() + t.programs());
    rest.set_cohorts(rest.cohorts() + t.cohorts());
    rest.set_participants(rest.participants() + t.participants());
    l1.Add(t.reaction(), 1);
    g.Add(t.normalised_gain(), 1);
    applied.Add(t.applied_share(), 1);
    comp.Add(t.composite(), 1);
    cpj.Add(t.cost_per_jp(), 1);
  }
  const char* f = "mean over the other tenants with the indicator (n = tenants)";
  *rest.mutable_reaction() = Mean(l1.sum, l1.weight, l1.n, f);
  *rest.mutable_normalised_gain() = Mean(g.sum, g.weight, g.n, f);
  *rest.mutable_applied_share() = Mean(applied.sum, applied.weight, applied.n, f);
  *rest.mutable_composite() = Mean(comp.sum, comp.weight, comp.n, f);
  *rest.mutable_cost_per_jp() = Mean(cpj.sum, cpj.weight, cpj.n, f);
  *out.mutable_rest() = rest;
  std::sort(missing.begin(), missing.end());
  for (auto& m : missing) out.add_missing_tenants(m);
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
    line.set_improvement_per_million(opts[i].value / (static_cast<double>(opts[i].cost) / 1e6));
    if (count[i] > 0) {
      line.set_cohorts(count[i]);
      line.set_participants(static_cast<int64_t>(count[i]) * o.cohort_size);
      line.set_cost(opts[i].cost * count[i]);
      line.set_expected_improvement(opts[i].value * count[i]);
      line.set_reason(absl::StrFormat("%d of %d cohort(s) funded: %.1f gain points per Rp 1 million",
                                      count[i], std::max(1, o.max_cohorts), line.improvement_per_million()));
      allocated += line.cost();
      total += line.expected_improvement();
      *out.add_funded() = line;
    } else {
      line.set_cost(opts[i].cost);
      line.set_expected_improvement(opts[i].value);
      if (opts[i].value <= 0) {
        line.set_reason("no expected improvement (measured effect is zero, negative or unknown)");
      } else if (opts[i].cost > budget) {
        line.set_reason("one cohort costs more than the whole budget");
      } else {
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
