#include "services/scoring/rollup.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "services/scoring/composite.h"
#include "services/scoring/disclosure.h"
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
  costed_participant_jp += o.costed_participant_jp;
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
    c.costed_participant_jp = static_cast<double>(in.enrolled) * in.cost.jp;
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
        // Supervisor assessments only, as the cohort's applied share:
        // a self-report is not evidence of application.
        if (!r.respondent_nip().empty() && r.respondent_nip() == r.subject_nip()) continue;
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

namespace {

// A measure of the roll-up: which respondents it counts, per contribution.
enum class Measure { kReaction, kPairs, kApplied };
int64_t CountOf(const Contribution& c, Measure m) {
  switch (m) {
    case Measure::kReaction: return c.reaction_respondents;
    case Measure::kPairs: return c.pairs;
    case Measure::kApplied: return c.applied_answered;
  }
  return 0;
}
const char* WhatOf(Measure m) {
  switch (m) {
    case Measure::kReaction: return "reaction respondents";
    case Measure::kPairs: return "pairs";
    case Measure::kApplied: return "follow-up answers";
  }
  return "";
}

// Whether a row's figure of one measure is shown, and why not.
struct Shown {
  bool published = false;
  v1::ReasonCode code = v1::REASON_CODE_UNSPECIFIED;
  int64_t n = 0;
};

std::string SuppressedWhy(const Shown& s, int min_n, Measure m) {
  if (s.code == v1::COMPLEMENTARY_SUPPRESSION) {
    return absl::StrCat("withheld: ", s.n, " ", WhatOf(m),
                        ", but with the other figures published it would let the answers of fewer than ", min_n,
                        " respondents be derived by difference (complementary suppression, UU 27/2022)");
  }
  return TooFew(s.n, min_n, WhatOf(m));
}

struct Row {
  std::string key, title;
  std::set<std::string> cohorts;
  Contribution pooled;             // every member (participants, cost)
  Contribution l1, l2, l3;         // the members each measure pools
  WeightedMean complaint_did, ikm_did, l4;
  Shown shown[3];
};

v1::RollUpRow Render(const Row& g, GroupBy group_by, const v1::ScoringSettings& settings) {
  const int min_n = settings.min_n();
  const bool by_unit = group_by == v1::RollUpEvaluationsRequest::UNIT;
  const bool by_instructor = group_by == v1::RollUpEvaluationsRequest::INSTRUCTOR;
  const Contribution& p = g.pooled;
  v1::RollUpRow row;
  row.set_group(g.key);
  row.set_title(g.title);
  row.set_cohorts(static_cast<int32_t>(g.cohorts.size()));
  row.set_participants(p.participants);
  const std::string members = by_instructor ? " (the instructor's cohorts with a shown figure)" : "";
  // L1.
  {
    const std::string formula = absl::StrCat(
        "mean over dimensions of the pooled dimension score, (answer - min) / (max - min) x 100", members);
    const Shown& s = g.shown[0];
    const int64_t n = g.l1.reaction_respondents;
    Inputs in = {{"respondents", static_cast<double>(n)}};
    double sum = 0;
    int dims = 0;
    for (const auto& [d, m] : g.l1.reaction) {
      if (m.n == 0) continue;
      in.push_back({d, m.sum / m.n});
      sum += m.sum / m.n;
      ++dims;
    }
    if (!s.published) {
      std::string why = SuppressedWhy(s, min_n, Measure::kReaction);
      if (by_unit && s.n == 0) {
        absl::StrAppend(&why, "; anonymous reaction answers cannot be attributed to units");
        row.mutable_reaction()->CopyFrom(Withheld(0, v1::NOT_ATTRIBUTABLE, why, formula));
      } else {
        *row.mutable_reaction() = Withheld(s.n, s.code, why, formula);
      }
    } else if (dims == 0) {
      *row.mutable_reaction() = Withheld(n, v1::DATA_ABSENT, "no dimension answers", formula);
    } else {
      *row.mutable_reaction() = Value(sum / dims, n, formula, in);
    }
  }
  // L2.
  {
    const double pairs = static_cast<double>(p.pairs);
    *row.mutable_pairs() = Value(pairs, p.pairs, "pre/post pairs", {{"pairs", pairs}});
    const std::string formula = absl::StrCat(
        "(mean_post - mean_pre) / (1 - mean_pre), scores as fractions of the test maximum (Hake)", members);
    const Shown& s = g.shown[1];
    const double n = static_cast<double>(g.l2.pairs);
    if (!s.published) {
      *row.mutable_normalised_gain() = Withheld(s.n, s.code, SuppressedWhy(s, min_n, Measure::kPairs), formula);
    } else {
      const double pre = g.l2.sum_pre / n, post = g.l2.sum_post / n;
      if (auto g2 = stats::NormalisedGain(pre, post, 1.0); g2.ok()) {
        *row.mutable_normalised_gain() =
            Value(*g2, g.l2.pairs, formula, {{"pairs", n}, {"mean_pre_fraction", pre}, {"mean_post_fraction", post}});
      } else {
        *row.mutable_normalised_gain() =
            Withheld(g.l2.pairs, v1::STATISTIC_UNDEFINED, std::string(g2.status().message()), formula);
      }
    }
  }
  // L3.
  {
    const Shown& s = g.shown[2];
    const int64_t a = g.l3.applied_answered;
    const std::string formula = absl::StrCat("applied_yes / answered; Wilson 95% interval", members);
    if (!s.published) {
      *row.mutable_applied_share() = Withheld(s.n, s.n == 0 ? v1::DATA_ABSENT : s.code,
                                              s.n == 0 ? "no follow-up answers" : SuppressedWhy(s, min_n, Measure::kApplied),
                                              formula);
    } else {
      auto w = stats::WilsonInterval(g.l3.applied_yes, a);
      v1::Figure f = Value(w->estimate, a, formula,
                           {{"applied_yes", static_cast<double>(g.l3.applied_yes)}, {"answered", static_cast<double>(a)}});
      SetInterval(f, w->lower, w->upper);
      *row.mutable_applied_share() = f;
    }
  }
  // L4: not personal data (complaints, anonymous SKM): no suppression.
  {
    const std::string unit_why = "not rolled up per unit: L4 is estimated per cohort over all its participants' units";
    auto l4 = [&](const WeightedMean& m, const std::string& what) {
      const std::string formula = absl::StrCat("participant-weighted mean of the cohorts' ", what);
      if (by_unit) return Withheld(0, v1::NOT_BY_UNIT, unit_why, formula);
      if (auto v = m.Get()) {
        return Value(*v, m.n, formula, {{"cohorts_with_estimate", static_cast<double>(m.n)}, {"participants", m.weight}});
      }
      return Withheld(0, v1::DATA_ABSENT, "no cohort of the group has an estimate", formula);
    };
    *row.mutable_complaint_rate_did() = l4(g.complaint_did, "complaint-rate DiD");
    *row.mutable_ikm_did() = l4(g.ikm_did, "IKM DiD");
  }
  // Cost.
  if (p.costed_participants > 0) {
    *row.mutable_cost_per_participant() =
        Value(p.cost / p.costed_participants, p.costed_participants, "cost / participants with a recorded cost",
              {{"cost", p.cost}, {"participants", static_cast<double>(p.costed_participants)}});
  } else {
    *row.mutable_cost_per_participant() = Withheld(0, v1::NO_COST, "no cost recorded", "cost / participants");
  }
  // Composite: the one function, over this row's shown level figures.
  const auto& w = settings.weights();
  const LevelScore l4 = by_unit ? PooledL4Level(0, 0, 0, w.l4(), v1::NOT_BY_UNIT, "L4 is not rolled up per unit")
                                : PooledL4Level(g.l4.sum, g.l4.weight, g.l4.n, w.l4(), v1::DATA_ABSENT,
                                                "no cohort of the group has an L4 score");
  *row.mutable_composite() = Compose({L1Level(row.reaction(), w.l1()), L2Level(row.normalised_gain(), w.l2()),
                                      L3Level(row.applied_share(), w.l3()), l4})
                                 .score();
  ScrubWithheld(&row);
  return row;
}

}  // namespace

RollUpView BuildView(const std::vector<RollUpCohort>& cohorts, const std::map<std::string, std::string>& titles,
                     const v1::ScoringSettings& settings) {
  const int min_n = settings.min_n();
  using Req = v1::RollUpEvaluationsRequest;
  const Measure measures[3] = {Measure::kReaction, Measure::kPairs, Measure::kApplied};
  auto published_alone = [&](const Contribution& c, Measure m) { return CountOf(c, m) >= min_n; };

  // Rows of every grouping.
  std::map<std::string, Row> programs, instructors, units;
  Row year;
  year.key = cohorts.empty() ? "" : absl::StrCat(cohorts.front().year);
  auto add = [&](Row& g, const std::string& key, const std::string& title, const RollUpCohort& c,
                 const Contribution& part, bool instructor_row) {
    g.key = key;
    if (g.title.empty()) g.title = title;
    g.cohorts.insert(c.cohort);
    g.pooled.Merge(part);
    Contribution* per[3] = {&g.l1, &g.l2, &g.l3};
    for (int m = 0; m < 3; ++m) {
      if (!instructor_row || published_alone(c.whole, measures[m])) per[m]->Merge(part);
    }
    g.complaint_did.Add(part.complaint_rate_did, part.participants);
    g.ikm_did.Add(part.ikm_did, part.participants);
    g.l4.Add(part.l4_score, part.participants);
  };
  for (const RollUpCohort& c : cohorts) {
    add(programs[c.program], c.program, c.program_title, c, c.whole, false);
    for (const auto& i : std::set<std::string>(c.instructors.begin(), c.instructors.end())) {
      add(instructors[i], i, "", c, c.whole, true);
    }
    add(year, year.key, "", c, c.whole, false);
    for (const auto& [u, part] : c.by_unit) {
      if (u.empty()) continue;
      auto t = titles.find(u);
      add(units[u], u, t == titles.end() ? "" : t->second, c, part, false);
    }
  }

  // Suppression per measure over the cohorts' reports and every row.
  for (int mi = 0; mi < 3; ++mi) {
    const Measure m = measures[mi];
    SuppressionProblem problem(min_n);
    const int year_group = problem.AddGroup();
    std::map<std::string, int> group_of, unit_of;
    for (const auto& [key, row] : programs) group_of[key] = problem.AddGroup(year_group);
    for (const auto& [key, row] : units) unit_of[key] = problem.AddUnit();
    for (const RollUpCohort& c : cohorts) {
      const int k = problem.AddCohort(CountOf(c.whole, m), group_of[c.program]);
      for (const auto& [u, part] : c.by_unit) {
        if (!u.empty()) problem.AddCell(k, unit_of[u], CountOf(part, m));
      }
    }
    problem.Solve();
    auto take = [&](Row& row, const SuppressionProblem::Decision& d) {
      row.shown[mi] = Shown{d.published, d.code, d.n};
    };
    take(year, problem.group(year_group));
    for (auto& [key, row] : programs) take(row, problem.group(group_of[key]));
    for (auto& [key, row] : units) take(row, problem.unit(unit_of[key]));
    // Instructor rows pool only cohorts shown alone: sums of published
    // reports, which add nothing to what can be derived.
    for (auto& [key, row] : instructors) {
      Contribution* per[3] = {&row.l1, &row.l2, &row.l3};
      const int64_t n = CountOf(*per[mi], m);
      row.shown[mi] = Shown{n >= min_n && n > 0, n > 0 ? v1::REASON_CODE_UNSPECIFIED : v1::BELOW_MIN_N, n};
      if (n == 0) {
        // Say how many the instructor's cohorts have, none shown alone.
        row.shown[mi].n = CountOf(row.pooled, m);
      }
    }
  }

  RollUpView view;
  view.min_n = min_n;
  auto render = [&](std::map<std::string, Row>& rows, Req::GroupBy by) {
    auto& out = view.rows[by];
    for (auto& [key, row] : rows) out.push_back(Render(row, by, settings));
  };
  render(programs, Req::PROGRAM);
  render(instructors, Req::INSTRUCTOR);
  render(units, Req::UNIT);
  if (!cohorts.empty()) view.rows[Req::YEAR].push_back(Render(year, Req::YEAR, settings));
  // The year's cost per JP (not personal data).
  if (year.pooled.costed_participant_jp > 0) {
    view.cost_per_jp = Value(year.pooled.cost / year.pooled.costed_participant_jp, year.pooled.costed_participants,
                             "cost / (participants x JP) over the cohorts with a recorded cost",
                             {{"cost", year.pooled.cost}, {"participant_jp", year.pooled.costed_participant_jp}});
  } else {
    view.cost_per_jp = Withheld(0, v1::NO_COST, "no cost or JP recorded", "cost / (participants x JP)");
  }
  // The instruktur dimension per instructor, over the same cohorts as the
  // instructor row's reaction.
  for (const auto& [key, row] : instructors) {
    const std::string formula = "pooled instruktur dimension score of the instructor's cohorts with a shown reaction";
    auto it = row.l1.reaction.find("instruktur");
    if (!row.shown[0].published) {
      view.instruktur[key] = Withheld(row.shown[0].n, row.shown[0].code,
                                      SuppressedWhy(row.shown[0], min_n, Measure::kReaction), formula);
    } else if (it == row.l1.reaction.end() || it->second.n == 0) {
      view.instruktur[key] = Withheld(row.l1.reaction_respondents, v1::DATA_ABSENT, "no instruktur items answered", formula);
    } else {
      view.instruktur[key] = Value(it->second.sum / it->second.n, row.l1.reaction_respondents, formula,
                                   {{"answers", static_cast<double>(it->second.n)}, {"sum", it->second.sum}});
    }
  }
  return view;
}

v1::RollUpEvaluationsResponse RollUp(const RollUpView& view, GroupBy group_by) {
  v1::RollUpEvaluationsResponse out;
  out.set_group_by(group_by);
  out.set_min_n(view.min_n);
  auto it = view.rows.find(group_by);
  if (it != view.rows.end()) {
    for (const auto& row : it->second) *out.add_rows() = row;
  }
  return out;
}

v1::RollUpEvaluationsResponse RollUp(const std::vector<RollUpCohort>& cohorts, GroupBy group_by,
                                     const std::map<std::string, std::string>& titles,
                                     const v1::ScoringSettings& settings) {
  return RollUp(BuildView(cohorts, titles, settings), group_by);
}

}  // namespace pelita::scoring
