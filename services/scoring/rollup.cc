#include "services/scoring/rollup.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "services/scoring/figures.h"

namespace pelita::scoring {
namespace {

namespace sv1 = ::pelita::survey::v1;
namespace ev1 = ::pelita::enrolment::v1;
using GroupBy = v1::RollUpEvaluationsRequest::GroupBy;

// n, Σy, Σy² of y = (x - lo) / (hi - lo) x 100 from n, Σx, Σx² (exact: the
// conversion is linear).
stats::Moments Converted(const stats::Moments& m, double lo, double hi) {
  const double k = 100 / (hi - lo);
  return stats::Moments::FromSums(m.n, k * (m.sum - m.n * lo),
                                  k * k * (m.sum_sq - 2 * lo * m.sum + m.n * lo * lo));
}

bool Participant(const ev1::Enrolment& e) {
  return e.state() == ev1::Enrolment::ENROLLED || e.state() == ev1::Enrolment::ATTENDED ||
         e.state() == ev1::Enrolment::COMPLETED;
}

std::string NipOf(const std::string& employee) { return employee.substr(employee.rfind('/') + 1); }

// The weighted mean of optional values (weight = participants).
struct WeightedMean {
  double sum = 0, weight = 0;
  int64_t n = 0;
  void Add(const std::optional<double>& v, int64_t w) {
    if (!v || w <= 0) return;
    sum += *v * w;
    weight += w;
    ++n;
  }
  std::optional<double> Get() const {
    if (weight <= 0) return std::nullopt;
    return sum / weight;
  }
};

}  // namespace

void Contribution::Merge(const Contribution& o) {
  participants += o.participants;
  cost += o.cost;
  costed_participants += o.costed_participants;
  for (const auto& [d, m] : o.reaction) reaction[d].Merge(m);
  reaction_respondents += o.reaction_respondents;
  pairs += o.pairs;
  sum_pre += o.sum_pre;
  sum_post += o.sum_post;
  applied_yes += o.applied_yes;
  applied_answered += o.applied_answered;
}

Contribution WholeCohort(const CohortInputs& in, const v1::Evaluation& ev) {
  Contribution c;
  c.participants = in.enrolled;
  const auto& total = ev.cost().total();
  if (ev.has_cost() && !total.withheld() && total.value() > 0 && in.enrolled > 0) {
    c.cost = total.value();
    c.costed_participants = in.enrolled;
  }
  if (in.reaction) {
    for (const auto& [dim, agg] : in.reaction->dimensions) {
      if (!(agg.max_value > agg.min_value) || agg.moments.n == 0) continue;
      c.reaction[dim].Merge(Converted(agg.moments, agg.min_value, agg.max_value));
    }
    c.reaction_respondents = in.reaction->responses;
  }
  if (in.learning && in.learning->max_score > 0) {
    c.pairs = in.learning->pairs;
    c.sum_pre = in.learning->sum_pre / in.learning->max_score;
    c.sum_post = in.learning->sum_post / in.learning->max_score;
  }
  if (in.behaviour) {
    c.applied_yes = in.behaviour->applied_yes;
    c.applied_answered = in.behaviour->applied_answered;
  }
  if (ev.has_results()) {
    if (!ev.results().complaint_rate_did().withheld()) c.complaint_rate_did = ev.results().complaint_rate_did().value();
    if (!ev.results().ikm_did().withheld()) c.ikm_did = ev.results().ikm_did().value();
  }
  for (const auto& comp : ev.composite().components()) {
    if (comp.level() == "l4" && comp.has_score() && !comp.score().withheld()) {
      c.l4_score = comp.score().value();
    }
  }
  return c;
}

std::vector<std::string> InstrumentsForUnits(const sv1::CohortAggregates& aggregates) {
  std::set<std::string> out;
  for (const auto& ia : aggregates.instruments()) {
    switch (ia.kind()) {
      case sv1::REACTION:
        // Only identified instruments record who answered.
        if (ia.respondent_count() > 0) out.insert(ia.instrument());
        break;
      case sv1::POSTTEST:
        out.insert(ia.instrument());
        if (!ia.paired().pretest().empty()) out.insert(ia.paired().pretest());
        break;
      case sv1::FOLLOWUP:
        out.insert(ia.instrument());
        break;
      default:
        break;
    }
  }
  return {out.begin(), out.end()};
}

std::map<std::string, Contribution> UnitContributions(const ParticipantResponses& data,
                                                      double cost_per_participant) {
  std::map<std::string, std::string> unit_of;  // NIP -> unit
  std::map<std::string, Contribution> out;
  for (const auto& e : data.enrolments) {
    if (!Participant(e) || e.unit().empty()) continue;
    unit_of[NipOf(e.employee())] = e.unit();
    Contribution& c = out[e.unit()];
    ++c.participants;
    if (cost_per_participant > 0) {
      c.cost += cost_per_participant;
      ++c.costed_participants;
    }
  }
  auto unit = [&](const std::string& nip) -> Contribution* {
    auto it = unit_of.find(nip);
    return it == unit_of.end() ? nullptr : &out[it->second];
  };
  auto responses = [&](const std::string& instrument) -> const std::vector<sv1::Response>& {
    static const auto* none = new std::vector<sv1::Response>();
    auto it = data.responses.find(instrument);
    return it == data.responses.end() ? *none : it->second;
  };
  for (const auto& ia : data.aggregates.instruments()) {
    if (ia.kind() == sv1::REACTION && ia.respondent_count() > 0) {
      struct Scale { std::string dimension; double lo, hi; };
      std::map<std::string, Scale> items;
      for (const auto& item : ia.items()) {
        const std::string d = DimensionName(item.dimension());
        if (!d.empty() && item.max_value() > item.min_value()) {
          items[item.item()] = {d, static_cast<double>(item.min_value()), static_cast<double>(item.max_value())};
        }
      }
      for (const auto& r : responses(ia.instrument())) {
        Contribution* c = unit(r.respondent_nip());
        if (c == nullptr) continue;
        ++c->reaction_respondents;
        for (const auto& a : r.answers()) {
          auto it = items.find(a.item());
          if (it == items.end() || a.value_case() != sv1::Answer::kNumber) continue;
          const Scale& s = it->second;
          c->reaction[s.dimension].Add((a.number() - s.lo) / (s.hi - s.lo) * 100);
        }
      }
    } else if (ia.kind() == sv1::POSTTEST && ia.paired().max_score() > 0) {
      // The latest test of each participant counts, as in the survey
      // service's pairing.
      std::map<std::string, double> pre, post;
      for (const auto& r : responses(ia.paired().pretest())) pre[r.respondent_nip()] = r.total_score();
      for (const auto& r : responses(ia.instrument())) post[r.respondent_nip()] = r.total_score();
      const double max = static_cast<double>(ia.paired().max_score());
      for (const auto& [nip, after] : post) {
        auto it = pre.find(nip);
        Contribution* c = unit(nip);
        if (it == pre.end() || c == nullptr) continue;
        ++c->pairs;
        c->sum_pre += it->second / max;
        c->sum_post += after / max;
      }
    } else if (ia.kind() == sv1::FOLLOWUP) {
      for (const auto& r : responses(ia.instrument())) {
        Contribution* c = unit(r.subject_nip());
        if (c == nullptr) continue;
        for (const auto& a : r.answers()) {
          if (a.value_case() != sv1::Answer::kYes) continue;
          ++c->applied_answered;
          if (a.yes()) ++c->applied_yes;
        }
      }
    }
  }
  return out;
}

v1::RollUpEvaluationsResponse RollUp(const std::vector<RollUpCohort>& cohorts, GroupBy group_by,
                                     const std::map<std::string, std::string>& titles,
                                     const v1::ScoringSettings& settings) {
  const int min_n = settings.min_n();
  struct Group {
    std::string title;
    std::set<std::string> cohorts;
    Contribution pooled;
    WeightedMean complaint_did, ikm_did, l4;
  };
  std::map<std::string, Group> groups;
  auto add = [&](const std::string& key, const std::string& title, const RollUpCohort& c,
                 const Contribution& part) {
    Group& g = groups[key];
    if (g.title.empty()) g.title = title;
    g.cohorts.insert(c.cohort);
    g.pooled.Merge(part);
    g.complaint_did.Add(part.complaint_rate_did, part.participants);
    g.ikm_did.Add(part.ikm_did, part.participants);
    g.l4.Add(part.l4_score, part.participants);
  };
  for (const RollUpCohort& c : cohorts) {
    switch (group_by) {
      case v1::RollUpEvaluationsRequest::PROGRAM:
        add(c.program, c.program_title, c, c.whole);
        break;
      case v1::RollUpEvaluationsRequest::INSTRUCTOR:
        for (const auto& i : std::set<std::string>(c.instructors.begin(), c.instructors.end())) {
          add(i, "", c, c.whole);
        }
        break;
      case v1::RollUpEvaluationsRequest::YEAR:
        add(absl::StrCat(c.year), "", c, c.whole);
        break;
      case v1::RollUpEvaluationsRequest::UNIT:
        for (const auto& [u, part] : c.by_unit) {
          auto t = titles.find(u);
          add(u, t == titles.end() ? "" : t->second, c, part);
        }
        break;
      default:
        break;
    }
  }
  v1::RollUpEvaluationsResponse out;
  out.set_group_by(group_by);
  out.set_min_n(min_n);
  const bool by_unit = group_by == v1::RollUpEvaluationsRequest::UNIT;
  for (const auto& [key, g] : groups) {
    const Contribution& p = g.pooled;
    v1::RollUpRow* row = out.add_rows();
    row->set_group(key);
    row->set_title(g.title);
    row->set_cohorts(static_cast<int32_t>(g.cohorts.size()));
    row->set_participants(p.participants);
    // L1.
    {
      const std::string formula = "mean over dimensions of the pooled dimension score, (answer - min) / (max - min) x 100";
      const int64_t n = p.reaction_respondents;
      std::vector<std::pair<std::string, double>> in = {{"respondents", static_cast<double>(n)}};
      double sum = 0;
      int dims = 0;
      for (const auto& [d, m] : p.reaction) {
        if (m.n == 0) continue;
        in.push_back({d, m.sum / m.n});
        sum += m.sum / m.n;
        ++dims;
      }
      if (n < min_n) {
        std::string why = TooFew(n, min_n, "reaction respondents");
        if (by_unit && n == 0) absl::StrAppend(&why, "; anonymous reaction answers cannot be attributed to units");
        *row->mutable_reaction() = Withheld(n, why, formula, {{"respondents", static_cast<double>(n)}});
      } else if (dims == 0) {
        *row->mutable_reaction() = Withheld(n, "no dimension answers", formula, in);
      } else {
        *row->mutable_reaction() = Value(sum / dims, n, formula, in);
      }
    }
    // L2.
    {
      const double n = static_cast<double>(p.pairs);
      *row->mutable_pairs() = Value(n, p.pairs, "pre/post pairs", {{"pairs", n}});
      const std::string formula =
          "(mean_post - mean_pre) / (1 - mean_pre), scores as fractions of the test maximum (Hake)";
      if (p.pairs < min_n) {
        *row->mutable_normalised_gain() = Withheld(p.pairs, TooFew(p.pairs, min_n, "pairs"), formula);
      } else {
        const double pre = p.sum_pre / n, post = p.sum_post / n;
        const std::vector<std::pair<std::string, double>> in = {
            {"pairs", n}, {"mean_pre_fraction", pre}, {"mean_post_fraction", post}};
        if (auto g2 = stats::NormalisedGain(pre, post, 1.0); g2.ok()) {
          *row->mutable_normalised_gain() = Value(*g2, p.pairs, formula, in);
        } else {
          *row->mutable_normalised_gain() = Withheld(p.pairs, std::string(g2.status().message()), formula, in);
        }
      }
    }
    // L3.
    {
      const int64_t a = p.applied_answered;
      const std::vector<std::pair<std::string, double>> in = {
          {"applied_yes", static_cast<double>(p.applied_yes)}, {"answered", static_cast<double>(a)}};
      const std::string formula = "applied_yes / answered; Wilson 95% interval";
      if (a < min_n) {
        *row->mutable_applied_share() = Withheld(a, TooFew(a, min_n, "follow-up answers"), formula, in);
      } else {
        auto w = stats::WilsonInterval(p.applied_yes, a);
        v1::Figure f = Value(w->estimate, a, formula, in);
        f.set_has_interval(true);
        f.set_ci_low(w->lower);
        f.set_ci_high(w->upper);
        *row->mutable_applied_share() = f;
      }
    }
    // L4.
    {
      const std::string unit_why =
          "not rolled up per unit: L4 is estimated per cohort over all its participants' units";
      auto l4 = [&](const WeightedMean& m, const std::string& what) {
        const std::string formula = absl::StrCat("participant-weighted mean of the cohorts' ", what);
        if (by_unit) return Withheld(0, unit_why, formula);
        if (auto v = m.Get()) {
          return Value(*v, m.n, formula, {{"cohorts_with_estimate", static_cast<double>(m.n)},
                                          {"participants", m.weight}});
        }
        return Withheld(0, "no cohort of the group has an estimate", formula);
      };
      *row->mutable_complaint_rate_did() = l4(g.complaint_did, "complaint-rate DiD");
      *row->mutable_ikm_did() = l4(g.ikm_did, "IKM DiD");
    }
    // Cost.
    if (p.costed_participants > 0) {
      *row->mutable_cost_per_participant() =
          Value(p.cost / p.costed_participants, p.costed_participants, "cost / participants with a recorded cost",
                {{"cost", p.cost}, {"participants", static_cast<double>(p.costed_participants)}});
    } else {
      *row->mutable_cost_per_participant() = Withheld(0, "no cost recorded", "cost / participants");
    }
    // Composite.
    {
      const auto& w = settings.weights();
      std::vector<std::tuple<std::string, double, std::optional<double>>> levels = {
          {"l1", w.l1(), row->reaction().withheld() ? std::nullopt : std::optional<double>(row->reaction().value())},
          {"l2", w.l2(),
           row->normalised_gain().withheld()
               ? std::nullopt
               : std::optional<double>(std::clamp(100 * row->normalised_gain().value(), 0.0, 100.0))},
          {"l3", w.l3(),
           row->applied_share().withheld() ? std::nullopt
                                           : std::optional<double>(100 * row->applied_share().value())},
          {"l4", w.l4(), by_unit ? std::nullopt : g.l4.Get()}};
      double sum = 0, wsum = 0;
      std::vector<std::pair<std::string, double>> in;
      for (const auto& [level, weight, score] : levels) {
        if (!score || weight <= 0) continue;
        sum += weight * *score;
        wsum += weight;
        in.push_back({level + "_score", *score});
        in.push_back({level + "_weight", weight});
      }
      const std::string formula = "sum(weight_i x score_i) / sum(weight_i) over the levels with a score";
      if (wsum > 0) {
        *row->mutable_composite() = Value(sum / wsum, p.participants, formula, in);
      } else {
        *row->mutable_composite() = Withheld(p.participants, "no level has a score", formula);
      }
    }
  }
  return out;
}

}  // namespace pelita::scoring
