#include "services/scoring/ranking.h"

#include <functional>
#include <map>

#include "gtest/gtest.h"
#include "services/scoring/evaluator.h"
#include "services/scoring/rollup.h"

namespace pelita::scoring {
namespace {

v1::ScoringSettings Defaults() { return EffectiveSettings(v1::ScoringSettings()); }

// A cohort of `n` participants who all answered the reaction survey
// (materi answers `react` on 1..5), took both tests (pre/post out of 100)
// and, when `applied` >= 0, got that many "ya" of n follow-ups.
RollUpCohort Cohort(const std::string& program, const std::string& id, int n, int react, int pre, int post,
                    int applied, double cost_pp, std::vector<std::string> instructors = {}) {
  CohortInputs in;
  in.cohort = program + "/cohorts/" + id;
  in.program = program;
  in.year = 2026;
  in.enrolled = n;
  in.completed = n;
  in.instructors = instructors;
  in.reaction.emplace();
  in.reaction->responses = n;
  for (const char* d : {"materi", "instruktur"}) {
    ScaleAggregate& a = in.reaction->dimensions[d];
    a.min_value = 1;
    a.max_value = 5;
    for (int i = 0; i < n; ++i) a.moments.Add(react + (std::string(d) == "instruktur" ? (i % 2) : 0));
  }
  in.learning.emplace();
  in.learning->pairs = n;
  in.learning->sum_pre = n * pre;
  in.learning->sum_post = n * post;
  in.learning->sum_diff = n * (post - pre);
  in.learning->sum_diff_sq = n * (post - pre) * (post - pre) + n;  // some spread
  in.learning->max_score = 100;
  if (applied >= 0) {
    in.behaviour.emplace();
    in.behaviour->followups = n;
    in.behaviour->applied_yes = applied;
    in.behaviour->applied_answered = n;
  }
  in.cost.total_cost = cost_pp * n;
  in.cost.jp = 20;
  const v1::Evaluation ev = Evaluate(in, Defaults());
  RollUpCohort c;
  c.cohort = in.cohort;
  c.program = program;
  c.program_title = program.substr(program.rfind('/') + 1);
  c.year = 2026;
  c.instructors = instructors;
  c.whole = WholeCohort(in, ev);
  return c;
}

TEST(RankingTest, RanksTheRollUpRowsComposite) {
  const std::string a = "tenants/1504/programs/a", b = "tenants/1504/programs/b", c = "tenants/1504/programs/c";
  const std::vector<RollUpCohort> cohorts = {Cohort(a, "1", 10, 4, 50, 70, 6, 4'000'000, {"budi"}),
                                             Cohort(a, "2", 30, 3, 40, 55, 12, 4'000'000, {"sari"}),
                                             Cohort(b, "1", 20, 5, 60, 80, 15, 1'000'000, {"budi"})};
  const RollUpView view = BuildView(cohorts, {}, Defaults());
  const std::vector<std::pair<std::string, std::string>> programs = {{a, "A"}, {b, "B"}, {c, "C"}};
  const v1::RankProgramsResponse r = RankPrograms(view, programs, true);
  ASSERT_EQ(r.by_composite_size(), 3);
  const v1::RollUpEvaluationsResponse rows = RollUp(view, v1::RollUpEvaluationsRequest::PROGRAM);
  ASSERT_EQ(rows.rows_size(), 2);
  // One composite: each programme's is its roll-up row's, to the bit.
  for (const auto& s : r.by_composite()) {
    for (const auto& row : rows.rows()) {
      if (row.group() != s.program()) continue;
      EXPECT_EQ(s.composite().value(), row.composite().value()) << s.program();
      EXPECT_EQ(s.normalised_gain().value(), row.normalised_gain().value());
      EXPECT_EQ(s.cost_per_participant().value(), row.cost_per_participant().value());
    }
  }
  // B is the better programme; C has no cohort and ranks last with rank 0.
  EXPECT_EQ(r.by_composite(0).program(), b);
  EXPECT_EQ(r.by_composite(0).rank_by_composite(), 1);
  EXPECT_EQ(r.by_composite(2).program(), c);
  EXPECT_TRUE(r.by_composite(2).composite().withheld());
  EXPECT_EQ(r.by_composite(2).composite().reason_code(), v1::DATA_ABSENT);
  EXPECT_EQ(r.by_composite(2).rank_by_composite(), 0);
  // Cost-effectiveness: composite per Rp 1 million per participant.
  EXPECT_EQ(r.by_cost_effectiveness(0).program(), b);
  EXPECT_NEAR(r.by_cost_effectiveness(0).cost_effectiveness().value(), r.by_composite(0).composite().value() / 1.0,
              1e-9);
  // Pooled g of programme A over 40 pairs, on fractions of the maximum.
  const double pre = (10 * 50 + 30 * 40) / 40.0 / 100, post = (10 * 70 + 30 * 55) / 40.0 / 100;
  EXPECT_NEAR(r.by_composite(1).normalised_gain().value(), (post - pre) / (1 - pre), 1e-12);
  // Instructors by their pooled instruktur dimension: budi's cohorts a/1
  // (mean 4.5) and b/1 (5.5) -> (10 x 4.5 + 20 x 5.5) / 30 on 1..5.
  ASSERT_EQ(r.instructors_size(), 2);
  EXPECT_EQ(r.instructors(0).instructor(), "budi");
  EXPECT_NEAR(r.instructors(0).reaction_instruktur().value(), ((10 * 4.5 + 20 * 5.5) / 30 - 1) / 4 * 100, 1e-9);
  EXPECT_EQ(r.instructors(0).cohorts(), 2);
  EXPECT_EQ(RankPrograms(view, programs, false).instructors_size(), 0);
}

TEST(BenchmarkTest, RegencyRolesSeeTheirRowAndADistributionOfTheOthers) {
  auto tenant = [](const std::string& t, int react, int pre, int post, int applied) {
    const std::string p = "tenants/" + t + "/programs/p";
    std::vector<RollUpCohort> cs = {Cohort(p, "1", 10, react, pre, post, applied, 2'000'000),
                                    // A cohort without follow-ups adds nothing to L3, never a zero.
                                    Cohort(p, "2", 10, react, pre, post, -1, 2'000'000)};
    return TenantSummary(t, 1, BuildView(cs, {}, Defaults()));
  };
  std::vector<v1::TenantIndicators> ts = {tenant("1504", 4, 50, 70, 8), tenant("1501", 3, 40, 50, 5),
                                          tenant("1502", 4, 45, 65, 6), tenant("1571", 5, 60, 90, 9)};
  // Missing is not zero: 1504's applied share is 8 of the 10 answered.
  EXPECT_NEAR(ts[0].applied_share().value(), 0.8, 1e-12);
  EXPECT_EQ(ts[0].applied_share().n(), 10);
  EXPECT_NEAR(ts[0].cost_per_jp().value(), 2'000'000 / 20.0, 1e-9);

  const v1::ProvinceBenchmark named = Benchmark("provinces/15", 2026, "1504", ts, {"1503"}, true);
  ASSERT_EQ(named.tenants_size(), 4);
  EXPECT_EQ(named.tenants(0).tenant(), "1501");
  // The rest excludes the focus tenant.
  const double others[] = {0.5, 0.6, 0.9};
  EXPECT_NEAR(named.rest().applied_share().value(), (others[0] + others[1] + others[2]) / 3, 1e-12);
  EXPECT_EQ(named.rest().applied_share().n(), 3);
  EXPECT_EQ(named.missing_tenants(0), "1503");
  // Quartiles (type 7) of the three others: 0.55, 0.6, 0.75.
  EXPECT_NEAR(named.distribution().applied_share().q1().value(), 0.55, 1e-12);
  EXPECT_NEAR(named.distribution().applied_share().median().value(), 0.6, 1e-12);
  EXPECT_NEAR(named.distribution().applied_share().q3().value(), 0.75, 1e-12);

  const v1::ProvinceBenchmark own = Benchmark("provinces/15", 2026, "1504", ts, {"1503"}, false);
  ASSERT_EQ(own.tenants_size(), 1);
  EXPECT_EQ(own.tenants(0).tenant(), "1504");
  EXPECT_FALSE(own.has_rest());
  EXPECT_EQ(own.distribution().applied_share().tenants(), 3);
  EXPECT_NEAR(own.distribution().applied_share().median().value(), 0.6, 1e-12);

  // Two other regencies are too few: no distribution.
  ts.pop_back();
  const v1::ProvinceBenchmark few = Benchmark("provinces/15", 2026, "1504", ts, {}, false);
  EXPECT_TRUE(few.distribution().composite().median().withheld());
  EXPECT_EQ(few.distribution().composite().median().reason_code(), v1::TOO_FEW_REGENCIES);
  EXPECT_EQ(few.distribution().composite().median().value(), 0);
}

// Exhaustive search over every count combination, for comparison.
double BruteForce(int64_t budget, const std::vector<BudgetOption>& os) {
  double best = 0;
  std::function<void(size_t, int64_t, double)> go = [&](size_t i, int64_t left, double v) {
    if (i == os.size()) { best = std::max(best, v); return; }
    for (int k = 0; k <= std::max(1, os[i].max_cohorts); ++k) {
      const int64_t c = k * os[i].cost_per_participant * os[i].cohort_size;
      if (c > left) break;
      go(i + 1, left - c, v + k * os[i].cohort_size * std::max(0.0, os[i].effect_per_participant));
    }
  };
  go(0, budget, 0);
  return best;
}

TEST(BudgetTest, KnapsackIsOptimalAndExplainsWhy) {
  // Greedy by ratio takes A (ratio 12.5/Rp1m) first and then cannot fit B.
  const std::vector<BudgetOption> os = {
      {"tenants/1504/programs/a", 2'000'000, 10, 1, 25, "given"},   // cost 20m, value 250
      {"tenants/1504/programs/b", 3'000'000, 10, 2, 30, "given"},   // cost 30m, value 300
      {"tenants/1504/programs/c", 1'500'000, 10, 3, 5, "given"},    // cost 15m, value 50
      {"tenants/1504/programs/d", 9'000'000, 10, 1, 0, "no data"},  // no effect
  };
  auto a = AdviseBudget(60'000'000, os);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_NEAR(a->expected_improvement(), BruteForce(60'000'000, os), 1e-9);
  EXPECT_NEAR(a->expected_improvement(), 600, 1e-9);  // B x2
  EXPECT_LE(a->allocated(), 60'000'000);
  EXPECT_LT(a->greedy_improvement(), a->expected_improvement());
  ASSERT_EQ(a->funded_size(), 1);
  EXPECT_EQ(a->funded(0).cohorts(), 2);
  bool saw_d = false;
  for (const auto& l : a->not_funded()) {
    if (l.program() == "tenants/1504/programs/d") {
      saw_d = true;
      EXPECT_NE(l.reason().find("no expected improvement"), std::string::npos);
      EXPECT_EQ(l.reason_code(), "NO_EXPECTED_IMPROVEMENT");
    }
  }
  EXPECT_TRUE(saw_d);
  EXPECT_EQ(a->funded(0).reason_code(), "FUNDED");
  // 25m: A (20m) is funded; one cohort of B (30m) costs more than the
  // budget; C would fit alone but A gives more.
  auto small = AdviseBudget(25'000'000, os);
  ASSERT_TRUE(small.ok()) << small.status();
  ASSERT_EQ(small->funded_size(), 1);
  EXPECT_EQ(small->funded(0).program(), "tenants/1504/programs/a");
  std::map<std::string, std::string> codes;
  for (const auto& l : small->not_funded()) codes[l.program()] = l.reason_code();
  EXPECT_EQ(codes["tenants/1504/programs/b"], "COHORT_OVER_BUDGET");
  EXPECT_EQ(codes["tenants/1504/programs/c"], "BETTER_COMBINATION");
  EXPECT_EQ(codes["tenants/1504/programs/d"], "NO_EXPECTED_IMPROVEMENT");
  EXPECT_GE(a->explanation_size(), 3);

  for (int64_t budget : {0LL, 5'000'000LL, 25'000'000LL, 45'000'000LL, 100'000'000LL}) {
    auto b = AdviseBudget(budget, os);
    ASSERT_TRUE(b.ok());
    EXPECT_NEAR(b->expected_improvement(), BruteForce(budget, os), 1e-9) << budget;
  }
  EXPECT_FALSE(AdviseBudget(-1, os).ok());
  EXPECT_FALSE(AdviseBudget(10, {{"x", 0, 10, 1, 5, ""}}).ok());
}

}  // namespace
}  // namespace pelita::scoring
