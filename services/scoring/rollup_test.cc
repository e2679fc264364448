#include "services/scoring/rollup.h"

#include <cmath>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pelita::scoring {
namespace {

namespace sv1 = ::pelita::survey::v1;
namespace ev1 = ::pelita::enrolment::v1;
using Req = v1::RollUpEvaluationsRequest;

constexpr char kReaction[] = "tenants/1504/instruments/reaksi";
constexpr char kPre[] = "tenants/1504/instruments/pre";
constexpr char kPost[] = "tenants/1504/instruments/post";
constexpr char kFollowup[] = "tenants/1504/instruments/tindak-lanjut";
constexpr double kMaxScore = 20;

// Raw data of one participant, from which both the inputs and the expected
// values are derived.
struct Person {
  std::string nip, unit;
  int materi = 0, instruktur = 0;  // reaction answers on 1..5
  int pre = 0, post = 0;           // test scores (post re-taken once for some)
  int first_post = -1;             // an earlier post-test that the later one replaces
  int applied = -1;                // -1 no follow-up, 0 tidak, 1 ya
};

std::vector<Person> People(int seed, int n, const std::vector<std::string>& units) {
  std::mt19937 rng(seed);
  std::vector<Person> out;
  for (int i = 0; i < n; ++i) {
    Person p;
    p.nip = absl::StrCat("19800101200501", seed, 100 + i);
    p.unit = units[i % units.size()];
    p.materi = 1 + rng() % 5;
    p.instruktur = 1 + rng() % 5;
    p.pre = rng() % 15;
    p.post = p.pre + rng() % (static_cast<int>(kMaxScore) + 1 - p.pre);
    if (i % 4 == 0) p.first_post = rng() % 21;
    p.applied = i % 5 == 4 ? -1 : static_cast<int>(rng() % 3 != 0);
    out.push_back(p);
  }
  return out;
}

// What the survey and enrolment services would return for the cohort.
ParticipantResponses Collected(const std::string& cohort, const std::vector<Person>& people) {
  ParticipantResponses d;
  sv1::InstrumentAggregates* r = d.aggregates.add_instruments();
  r->set_instrument(kReaction);
  r->set_kind(sv1::REACTION);
  r->set_respondent_count(static_cast<int64_t>(people.size()));
  for (auto [code, dim] : {std::pair{"M1", sv1::MATERI}, std::pair{"I1", sv1::INSTRUKTUR}}) {
    sv1::ItemAggregate* it = r->add_items();
    it->set_item(code);
    it->set_dimension(dim);
    it->set_min_value(1);
    it->set_max_value(5);
  }
  sv1::InstrumentAggregates* post = d.aggregates.add_instruments();
  post->set_instrument(kPost);
  post->set_kind(sv1::POSTTEST);
  post->mutable_paired()->set_pretest(kPre);
  post->mutable_paired()->set_posttest(kPost);
  post->mutable_paired()->set_max_score(static_cast<int64_t>(kMaxScore));
  sv1::InstrumentAggregates* fu = d.aggregates.add_instruments();
  fu->set_instrument(kFollowup);
  fu->set_kind(sv1::FOLLOWUP);
  for (const Person& p : people) {
    ev1::Enrolment e;
    e.set_name(absl::StrCat(cohort, "/enrolments/", p.nip));
    e.set_employee("tenants/1504/employees/" + p.nip);
    e.set_unit(p.unit);
    e.set_state(ev1::Enrolment::COMPLETED);
    d.enrolments.push_back(e);
    sv1::Response rr;
    rr.set_respondent_nip(p.nip);
    auto* a = rr.add_answers();
    a->set_item("M1");
    a->set_number(p.materi);
    a = rr.add_answers();
    a->set_item("I1");
    a->set_number(p.instruktur);
    d.responses[kReaction].push_back(rr);
    sv1::Response pre;
    pre.set_respondent_nip(p.nip);
    pre.set_total_score(p.pre);
    d.responses[kPre].push_back(pre);
    if (p.applied >= 0) {
      sv1::Response f;
      f.set_respondent_nip("197001011995031001");  // the supervisor
      f.set_subject_nip(p.nip);
      f.add_answers()->set_item("DITERAPKAN");
      f.mutable_answers(0)->set_yes(p.applied == 1);
      d.responses[kFollowup].push_back(f);
    }
  }
  // Earlier post-tests first, the re-takes after them (acceptance order).
  for (const Person& p : people) {
    if (p.first_post < 0) continue;
    sv1::Response s;
    s.set_respondent_nip(p.nip);
    s.set_total_score(p.first_post);
    d.responses[kPost].push_back(s);
  }
  for (const Person& p : people) {
    sv1::Response s;
    s.set_respondent_nip(p.nip);
    s.set_total_score(p.post);
    d.responses[kPost].push_back(s);
  }
  // A withdrawn participant's answers are not attributed.
  ev1::Enrolment w;
  w.set_employee("tenants/1504/employees/199001012015031009");
  w.set_unit("tenants/1504/units/a");
  w.set_state(ev1::Enrolment::WITHDRAWN);
  d.enrolments.push_back(w);
  sv1::Response wr;
  wr.set_respondent_nip("199001012015031009");
  wr.add_answers()->set_item("M1");
  wr.mutable_answers(0)->set_number(5);
  d.responses[kReaction].push_back(wr);
  return d;
}

v1::ScoringSettings Settings() {
  v1::ScoringSettings s;
  return EffectiveSettings(s);
}

TEST(RollUpTest, UnitRowsEqualRecomputationFromParticipants) {
  const std::vector<std::string> units = {"tenants/1504/units/a", "tenants/1504/units/b", "tenants/1504/units/c"};
  // Unit c has only two participants in each cohort (4 in total: withheld).
  auto ppl1 = People(1, 14, {units[0], units[1], units[0], units[1], units[0], units[1], units[2]});
  auto ppl2 = People(2, 9, {units[0], units[1], units[0], units[2]});
  const double cost1 = 2'000'000, cost2 = 3'500'000;
  std::vector<RollUpCohort> cohorts(2);
  cohorts[0].cohort = "tenants/1504/programs/p/cohorts/c1";
  cohorts[1].cohort = "tenants/1504/programs/q/cohorts/c2";
  cohorts[0].by_unit = UnitContributions(Collected(cohorts[0].cohort, ppl1), cost1);
  cohorts[1].by_unit = UnitContributions(Collected(cohorts[1].cohort, ppl2), cost2);
  std::map<std::string, std::string> titles = {{units[0], "Dinas A"}, {units[1], "Dinas B"}};
  auto out = RollUp(cohorts, Req::UNIT, titles, Settings());
  ASSERT_EQ(out.rows_size(), 3);

  for (const auto& row : out.rows()) {
    // Independently: loop over the raw people of this unit.
    double materi = 0, instruktur = 0, pre = 0, post = 0, cost = 0;
    int n = 0, yes = 0, answered = 0;
    for (const auto* ppl : {&ppl1, &ppl2}) {
      for (const Person& p : *ppl) {
        if (p.unit != row.group()) continue;
        ++n;
        materi += (p.materi - 1) / 4.0 * 100;
        instruktur += (p.instruktur - 1) / 4.0 * 100;
        pre += p.pre / kMaxScore;
        post += p.post / kMaxScore;  // the re-take replaces the first post-test
        cost += ppl == &ppl1 ? cost1 : cost2;
        if (p.applied >= 0) {
          ++answered;
          yes += p.applied;
        }
      }
    }
    SCOPED_TRACE(row.group());
    EXPECT_EQ(row.participants(), n);
    EXPECT_EQ(row.title(), titles.count(row.group()) ? titles[row.group()] : "");
    EXPECT_EQ(row.pairs().value(), n);
    EXPECT_NEAR(row.cost_per_participant().value(), cost / n, 1e-6);
    EXPECT_TRUE(row.complaint_rate_did().withheld());
    if (n < 5) {
      EXPECT_TRUE(row.reaction().withheld());
      EXPECT_TRUE(row.normalised_gain().withheld());
      EXPECT_TRUE(row.composite().withheld());
      EXPECT_NE(row.reaction().reason().find("fewer than the minimum 5"), std::string::npos);
      continue;
    }
    ASSERT_FALSE(row.reaction().withheld()) << row.reaction().reason();
    EXPECT_NEAR(row.reaction().value(), (materi / n + instruktur / n) / 2, 1e-9);
    EXPECT_EQ(row.reaction().n(), n);
    const double g = (post / n - pre / n) / (1 - pre / n);
    ASSERT_FALSE(row.normalised_gain().withheld());
    EXPECT_NEAR(row.normalised_gain().value(), g, 1e-9);
    double l3 = 0;
    bool has_l3 = answered >= 5;
    EXPECT_EQ(row.applied_share().withheld(), !has_l3);
    if (has_l3) {
      l3 = 100.0 * yes / answered;
      EXPECT_NEAR(row.applied_share().value(), yes / static_cast<double>(answered), 1e-12);
    }
    // Composite over L1-L3 with the default weights (no L4 per unit).
    const double l1 = (materi / n + instruktur / n) / 2, l2 = std::clamp(100 * g, 0.0, 100.0);
    const double expected = has_l3 ? (0.15 * l1 + 0.35 * l2 + 0.30 * l3) / 0.80 : (0.15 * l1 + 0.35 * l2) / 0.50;
    EXPECT_NEAR(row.composite().value(), expected, 1e-9);
  }
}

TEST(RollUpTest, ProgramInstructorAndYearPoolSumsNotFigures) {
  // Three cohorts of 4 respondents each: every cohort alone is below the
  // minimum of 5, the programme of two cohorts is not.
  struct Raw {
    std::vector<int> reaction;  // materi answers on 1..4
    std::vector<std::pair<int, int>> pairs;  // pre, post out of max
    double max;
    int yes, answered;
    double total_cost;
  };
  const std::vector<Raw> raw = {{{1, 3, 4, 4}, {{2, 8}, {5, 9}, {1, 10}, {0, 4}}, 10, 2, 4, 4'000'000},
                                {{2, 2, 3, 4}, {{10, 30}, {20, 35}, {0, 40}, {25, 25}}, 40, 3, 4, 10'000'000},
                                {{4, 4, 4, 1}, {{3, 6}, {4, 7}, {5, 9}, {1, 2}}, 10, 1, 3, 0}};
  const std::vector<std::string> programs = {"tenants/1504/programs/p", "tenants/1504/programs/p",
                                             "tenants/1504/programs/q"};
  const std::vector<std::vector<std::string>> instructors = {{"Bu Sari"}, {"Bu Sari", "Pak Anto"}, {"Pak Anto"}};
  std::vector<RollUpCohort> cohorts;
  for (size_t i = 0; i < raw.size(); ++i) {
    CohortInputs in;
    in.cohort = absl::StrCat(programs[i], "/cohorts/c", i);
    in.program = programs[i];
    in.year = 2026;
    in.enrolled = 4;
    in.completed = 4;
    in.instructors = instructors[i];
    in.reaction.emplace();
    in.reaction->responses = 4;
    ScaleAggregate& m = in.reaction->dimensions["materi"];
    m.min_value = 1;
    m.max_value = 4;
    for (int x : raw[i].reaction) m.moments.Add(x);
    in.learning.emplace();
    in.learning->max_score = raw[i].max;
    for (auto [a, b] : raw[i].pairs) {
      ++in.learning->pairs;
      in.learning->sum_pre += a;
      in.learning->sum_post += b;
      in.learning->sum_diff += b - a;
      in.learning->sum_diff_sq += (b - a) * (b - a);
    }
    in.behaviour.emplace();
    in.behaviour->applied_yes = raw[i].yes;
    in.behaviour->applied_answered = raw[i].answered;
    in.cost.total_cost = raw[i].total_cost;
    const v1::Evaluation ev = Evaluate(in, Settings());
    EXPECT_TRUE(ev.reaction().overall().withheld());  // each cohort alone is too small
    RollUpCohort c;
    c.cohort = in.cohort;
    c.program = in.program;
    c.year = 2026;
    c.instructors = instructors[i];
    c.whole = WholeCohort(in, ev);
    cohorts.push_back(c);
  }
  auto expect_group = [&](const v1::RollUpRow& row, const std::vector<size_t>& members) {
    SCOPED_TRACE(row.group());
    double sum_react = 0, pre = 0, post = 0, cost = 0;
    int n_react = 0, pairs = 0, yes = 0, answered = 0, costed = 0;
    for (size_t i : members) {
      for (int x : raw[i].reaction) sum_react += (x - 1) / 3.0 * 100;
      n_react += 4;
      for (auto [a, b] : raw[i].pairs) {
        pre += a / raw[i].max;
        post += b / raw[i].max;
        ++pairs;
      }
      yes += raw[i].yes;
      answered += raw[i].answered;
      if (raw[i].total_cost > 0) {
        cost += raw[i].total_cost;
        costed += 4;
      }
    }
    EXPECT_EQ(row.cohorts(), static_cast<int>(members.size()));
    EXPECT_EQ(row.participants(), 4 * static_cast<int>(members.size()));
    ASSERT_FALSE(row.reaction().withheld());
    EXPECT_NEAR(row.reaction().value(), sum_react / n_react, 1e-9);
    EXPECT_NEAR(row.normalised_gain().value(), (post / pairs - pre / pairs) / (1 - pre / pairs), 1e-9);
    EXPECT_EQ(row.normalised_gain().n(), pairs);
    EXPECT_EQ(row.applied_share().withheld(), answered < 5);
    if (answered >= 5) {
      EXPECT_NEAR(row.applied_share().value(), static_cast<double>(yes) / answered, 1e-12);
    }
    if (costed > 0) {
      EXPECT_NEAR(row.cost_per_participant().value(), cost / costed, 1e-6);
    }
    EXPECT_EQ(row.cost_per_participant().withheld(), costed == 0);
  };
  auto by_program = RollUp(cohorts, Req::PROGRAM, {}, Settings());
  ASSERT_EQ(by_program.rows_size(), 2);
  EXPECT_EQ(by_program.rows(0).group(), "tenants/1504/programs/p");
  expect_group(by_program.rows(0), {0, 1});
  // Programme q has one cohort of 4: withheld.
  EXPECT_TRUE(by_program.rows(1).reaction().withheld());
  EXPECT_TRUE(by_program.rows(1).normalised_gain().withheld());

  // Instructor rows cross programmes: they pool only cohorts shown alone,
  // and no cohort here is.
  auto by_instructor = RollUp(cohorts, Req::INSTRUCTOR, {}, Settings());
  ASSERT_EQ(by_instructor.rows_size(), 2);
  EXPECT_EQ(by_instructor.rows(0).group(), "Bu Sari");
  EXPECT_EQ(by_instructor.rows(0).participants(), 8);
  for (const auto& row : by_instructor.rows()) {
    EXPECT_TRUE(row.reaction().withheld());
    EXPECT_EQ(row.reaction().reason_code(), v1::BELOW_MIN_N);
    EXPECT_TRUE(row.normalised_gain().withheld());
  }

  // The year pools all three cohorts (12 respondents), but with programme
  // p shown it would give cohort c2's 4 respondents by difference: it is
  // suppressed, with nothing from which its value follows.
  auto by_year = RollUp(cohorts, Req::YEAR, {}, Settings());
  ASSERT_EQ(by_year.rows_size(), 1);
  EXPECT_EQ(by_year.rows(0).group(), "2026");
  for (const v1::Figure* f : {&by_year.rows(0).reaction(), &by_year.rows(0).normalised_gain(),
                              &by_year.rows(0).applied_share()}) {
    EXPECT_TRUE(f->withheld());
    EXPECT_EQ(f->reason_code(), v1::COMPLEMENTARY_SUPPRESSION);
    EXPECT_EQ(f->value(), 0);
    EXPECT_TRUE(f->inputs().empty());
  }
  EXPECT_EQ(by_year.rows(0).reaction().n(), 12);
  EXPECT_TRUE(by_year.rows(0).composite().withheld());
  // No cohort has L4 data: withheld with the reason.
  EXPECT_TRUE(by_year.rows(0).complaint_rate_did().withheld());
  EXPECT_EQ(by_year.rows(0).complaint_rate_did().reason(), "no cohort of the group has an estimate");

  // With a third small cohort in programme q (4 + 4 respondents), q is
  // shown and so is the year: what the year adds to p and q is nothing.
  {
    std::vector<RollUpCohort> more = cohorts;
    RollUpCohort extra = cohorts[2];
    extra.cohort = "tenants/1504/programs/q/cohorts/c9";
    more.push_back(extra);
    auto year = RollUp(more, Req::YEAR, {}, Settings());
    EXPECT_FALSE(year.rows(0).reaction().withheld()) << year.rows(0).reaction().reason();
    auto prog = RollUp(more, Req::PROGRAM, {}, Settings());
    EXPECT_FALSE(prog.rows(1).reaction().withheld()) << prog.rows(1).reaction().reason();
  }
}

TEST(RollUpTest, InstrumentsForUnitsSkipsAnonymousReaction) {
  sv1::CohortAggregates a;
  auto* anon = a.add_instruments();
  anon->set_instrument("tenants/1504/instruments/anonim");
  anon->set_kind(sv1::REACTION);
  anon->set_response_count(30);  // no respondent_count: anonymous
  auto* post = a.add_instruments();
  post->set_instrument(kPost);
  post->set_kind(sv1::POSTTEST);
  post->mutable_paired()->set_pretest(kPre);
  auto* fu = a.add_instruments();
  fu->set_instrument(kFollowup);
  fu->set_kind(sv1::FOLLOWUP);
  EXPECT_EQ(InstrumentsForUnits(a), (std::vector<std::string>{kPost, kPre, kFollowup}));
}

}  // namespace
}  // namespace pelita::scoring
