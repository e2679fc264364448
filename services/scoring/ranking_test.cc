#include "services/scoring/ranking.h"

#include <functional>

#include "gtest/gtest.h"

namespace pelita::scoring {
namespace {

v1::Evaluation Cohort(int64_t enrolled, double composite, double cost_pp, double g,
                      std::vector<std::string> instructors = {}, double instr_l1 = -1) {
  v1::Evaluation e;
  e.set_enrolled(enrolled);
  e.mutable_composite()->mutable_score()->set_value(composite);
  e.mutable_cost()->mutable_per_participant()->set_value(cost_pp);
  e.mutable_cost()->mutable_per_jp()->set_value(cost_pp / 20);
  e.mutable_learning()->mutable_normalised_gain()->set_value(g);
  e.mutable_reaction()->mutable_overall()->set_value(80);
  e.mutable_behaviour()->mutable_applied_share()->set_value(0.6);
  for (auto& i : instructors) e.add_instructors(i);
  if (instr_l1 >= 0) {
    auto* d = e.mutable_reaction()->add_dimensions();
    d->set_dimension("instruktur");
    d->mutable_score()->set_value(instr_l1);
  }
  return e;
}

TEST(RankingTest, ByCompositeAndByCostEffectiveness) {
  std::vector<ProgramEvaluations> ps = {
      {"tenants/1504/programs/a", "A", {Cohort(10, 80, 4'000'000, 0.5, {"budi"}, 90), Cohort(30, 60, 4'000'000, 0.3, {"sari"}, 70)}},
      {"tenants/1504/programs/b", "B", {Cohort(20, 70, 1'000'000, 0.4, {"budi"}, 80)}},
      {"tenants/1504/programs/c", "C", {}},
  };
  const v1::RankProgramsResponse r = RankPrograms(ps, true);
  ASSERT_EQ(r.by_composite_size(), 3);
  // A: (10*80 + 30*60) / 40 = 65; B: 70.
  EXPECT_EQ(r.by_composite(0).program(), "tenants/1504/programs/b");
  EXPECT_NEAR(r.by_composite(1).composite().value(), 65, 1e-12);
  EXPECT_EQ(r.by_composite(1).rank_by_composite(), 2);
  EXPECT_TRUE(r.by_composite(2).composite().withheld());
  EXPECT_EQ(r.by_composite(2).rank_by_composite(), 0);
  // Cost-effectiveness: B 70 / 1 = 70; A 65 / 4 = 16.25.
  EXPECT_EQ(r.by_cost_effectiveness(0).program(), "tenants/1504/programs/b");
  EXPECT_NEAR(r.by_cost_effectiveness(0).cost_effectiveness().value(), 70, 1e-9);
  EXPECT_NEAR(r.by_cost_effectiveness(1).cost_effectiveness().value(), 16.25, 1e-9);
  ASSERT_EQ(r.instructors_size(), 2);
  EXPECT_EQ(r.instructors(0).instructor(), "budi");
  EXPECT_NEAR(r.instructors(0).reaction_instruktur().value(), 85, 1e-12);
  EXPECT_EQ(r.instructors(0).cohorts(), 2);
  EXPECT_EQ(RankPrograms(ps, false).instructors_size(), 0);
}

TEST(BenchmarkTest, FocusTenantAgainstTheRest) {
  std::vector<v1::TenantIndicators> ts = {
      TenantSummary("1504", {{"p", "P", {Cohort(10, 80, 2'000'000, 0.5)}}}),
      TenantSummary("1501", {{"p", "P", {Cohort(10, 60, 2'000'000, 0.3), Cohort(30, 40, 2'000'000, 0.1)}}}),
      TenantSummary("1571", {{"p", "P", {Cohort(20, 70, 3'000'000, 0.4)}}}),
  };
  EXPECT_NEAR(ts[1].composite().value(), (600 + 1200) / 40.0, 1e-12);
  const v1::ProvinceBenchmark b = Benchmark("provinces/15", 2026, "1504", ts, {"1502"});
  ASSERT_EQ(b.tenants_size(), 3);
  EXPECT_EQ(b.tenants(0).tenant(), "1501");
  EXPECT_NEAR(b.rest().composite().value(), (45 + 70) / 2.0, 1e-12);
  EXPECT_EQ(b.rest().composite().n(), 2);
  EXPECT_EQ(b.rest().cohorts(), 3);
  EXPECT_EQ(b.missing_tenants(0), "1502");
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
    }
  }
  EXPECT_TRUE(saw_d);
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
