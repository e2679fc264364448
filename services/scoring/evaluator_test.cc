#include "services/scoring/evaluator.h"

#include <array>
#include <cmath>
#include <map>
#include <vector>

#include "absl/strings/match.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace pelita::scoring {
namespace {

// Reference computations from raw data (two-pass), independent of lib/stats.
double RawMean(const std::vector<double>& xs) {
  double s = 0;
  for (double x : xs) s += x;
  return s / xs.size();
}
double RawVar(const std::vector<double>& xs) {
  const double m = RawMean(xs);
  double ss = 0;
  for (double x : xs) ss += (x - m) * (x - m);
  return ss / (xs.size() - 1);
}

v1::ScoringSettings Defaults() { return EffectiveSettings(v1::ScoringSettings()); }

// Reaction answers of 8 respondents to 4 items (1-5), one per dimension.
const std::vector<std::vector<double>> kReaction = {
    {4, 5, 3, 4}, {5, 5, 4, 5}, {3, 4, 3, 3}, {4, 4, 2, 4},
    {5, 4, 4, 5}, {2, 3, 2, 3}, {4, 5, 3, 4}, {3, 3, 3, 4}};
const char* kDims[] = {"materi", "instruktur", "fasilitas", "penyelenggaraan"};

ReactionInputs ReactionFrom(const std::vector<std::vector<double>>& rows) {
  ReactionInputs r;
  r.responses = static_cast<int64_t>(rows.size());
  r.items.resize(4);
  for (const auto& row : rows) {
    double total = 0;
    for (int j = 0; j < 4; ++j) {
      ScaleAggregate& a = r.dimensions[kDims[j]];
      a.min_value = 1;
      a.max_value = 5;
      a.moments.Add(row[j]);
      r.items[j].Add(row[j]);
      total += row[j];
    }
    r.totals.Add(total);
  }
  return r;
}

CohortInputs BaseCohort() {
  CohortInputs in;
  in.cohort = "tenants/1504/programs/pelayanan-prima/cohorts/2026-1";
  in.program = "tenants/1504/programs/pelayanan-prima";
  in.program_title = "Pelayanan Prima";
  in.year = 2026;
  in.enrolled = 10;
  in.completed = 9;
  in.cost.total_cost = 25'000'000;
  in.cost.cost_basis = "cost per participant x participants";
  in.cost.jp = 30;
  return in;
}

TEST(EvaluatorTest, ReactionDimensionsAlphaAndResponseRateFromRawAnswers) {
  CohortInputs in = BaseCohort();
  in.reaction = ReactionFrom(kReaction);
  const v1::Evaluation ev = Evaluate(in, Defaults());
  ASSERT_EQ(ev.reaction().dimensions_size(), 4);
  for (int j = 0; j < 4; ++j) {
    std::vector<double> col;
    for (const auto& row : kReaction) col.push_back(row[j]);
    const auto& d = ev.reaction().dimensions(j);
    EXPECT_EQ(d.dimension(), kDims[j]);
    EXPECT_FALSE(d.score().withheld());
    EXPECT_EQ(d.score().n(), 8);
    EXPECT_NEAR(d.score().value(), (RawMean(col) - 1) / 4 * 100, 1e-9);
    // t(0.975, 7) = 2.365 (textbook table).
    const double half = 2.364624 * std::sqrt(RawVar(col) / 8) / 4 * 100;
    EXPECT_NEAR(d.score().ci_low(), d.score().value() - half, 1e-4);
    EXPECT_NEAR(d.score().ci_high(), d.score().value() + half, 1e-4);
    EXPECT_EQ(d.score().inputs().at("n"), 8);
  }
  EXPECT_NEAR(ev.reaction().response_rate().value(), 0.8, 1e-12);
  // Alpha from the raw matrix.
  std::vector<double> totals;
  double sum_var = 0;
  for (int j = 0; j < 4; ++j) {
    std::vector<double> col;
    for (const auto& row : kReaction) col.push_back(row[j]);
    sum_var += RawVar(col);
  }
  for (const auto& row : kReaction) totals.push_back(row[0] + row[1] + row[2] + row[3]);
  EXPECT_NEAR(ev.reaction().cronbach_alpha().value(), 4.0 / 3 * (1 - sum_var / RawVar(totals)), 1e-9);
}

// Pre/post scores of the Cushny-Peebles sleep data shifted to a 0-10 test:
// R's paired t.test gives t = 4.0621, df = 9, p = 0.002833.
TEST(EvaluatorTest, LearningPairedTestAndHakeGain) {
  const std::vector<double> g1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
  const std::vector<double> g2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
  LearningInputs l;
  l.max_score = 10;
  std::vector<double> pre, post, d;
  for (size_t i = 0; i < g1.size(); ++i) {
    const double a = g1[i] + 2, b = g2[i] + 2;  // all scores in [0, 10]
    pre.push_back(a);
    post.push_back(b);
    d.push_back(b - a);
    ++l.pairs;
    l.sum_pre += a; l.sum_post += b; l.sum_pre_sq += a * a; l.sum_post_sq += b * b;
    l.sum_diff += b - a; l.sum_diff_sq += (b - a) * (b - a);
  }
  CohortInputs in = BaseCohort();
  in.learning = l;
  const v1::Evaluation ev = Evaluate(in, Defaults());
  const v1::Learning& L = ev.learning();
  EXPECT_EQ(L.pairs().value(), 10);
  EXPECT_NEAR(L.mean_pre().value(), RawMean(pre), 1e-12);
  EXPECT_NEAR(L.mean_post().value(), RawMean(post), 1e-12);
  EXPECT_NEAR(L.mean_gain().value(), 1.58, 1e-12);
  const double g = (RawMean(post) - RawMean(pre)) / (10 - RawMean(pre));
  EXPECT_NEAR(L.normalised_gain().value(), g, 1e-12);
  EXPECT_EQ(L.gain_band(), g < 0.3 ? "low" : (g < 0.7 ? "medium" : "high"));
  EXPECT_NEAR(L.t().value(), 4.0621, 1e-4);
  EXPECT_EQ(L.df().value(), 9);
  EXPECT_NEAR(L.p_value().value(), 0.002833, 1e-6);
  EXPECT_NEAR(L.cohens_dz().value(), RawMean(d) / std::sqrt(RawVar(d)), 1e-12);
  EXPECT_NEAR(L.mean_gain().ci_low(), 0.7001142, 1e-6);
}

TEST(EvaluatorTest, MinimumNWithholdsWithReasonAndIsConfigurable) {
  CohortInputs in = BaseCohort();
  in.reaction = ReactionFrom({kReaction.begin(), kReaction.begin() + 4});
  LearningInputs l;
  l.pairs = 4; l.sum_pre = 200; l.sum_post = 280; l.sum_diff = 80; l.sum_diff_sq = 1700; l.max_score = 100;
  in.learning = l;
  v1::Evaluation ev = Evaluate(in, Defaults());
  for (const auto& d : ev.reaction().dimensions()) {
    EXPECT_TRUE(d.score().withheld());
    EXPECT_EQ(d.score().value(), 0);
    EXPECT_NE(d.score().reason().find("fewer than the minimum 5"), std::string::npos) << d.score().reason();
  }
  EXPECT_TRUE(ev.reaction().cronbach_alpha().withheld());
  EXPECT_TRUE(ev.learning().t().withheld());
  EXPECT_TRUE(ev.learning().normalised_gain().withheld());
  EXPECT_TRUE(ev.learning().gain_band().empty());
  EXPECT_EQ(ev.learning().pairs().value(), 4);  // the count itself is shown

  v1::ScoringSettings s;
  s.set_min_n(3);
  ev = Evaluate(in, EffectiveSettings(s));
  EXPECT_FALSE(ev.reaction().dimensions(0).score().withheld());
  EXPECT_FALSE(ev.learning().normalised_gain().withheld());
  EXPECT_NEAR(ev.learning().normalised_gain().value(), (70.0 - 50) / (100 - 50), 1e-12);
  EXPECT_EQ(ev.min_n(), 3);
}

TEST(EvaluatorTest, BehaviourAppliedShareScrapAndRubric) {
  BehaviourInputs b;
  b.followups = 8;
  b.people_known = true;
  b.eligible = 10;
  b.answered_people = 8;
  b.applied_yes = 6;
  b.applied_answered = 8;
  const std::vector<double> teknis = {3, 4, 2, 3, 4, 3, 3, 4};
  for (double x : teknis) b.rubric["teknis"].moments.Add(x);
  b.rubric["teknis"].min_value = 1;
  b.rubric["teknis"].max_value = 4;
  b.rubric["digital"].moments = stats::Moments::Of({2, 3});
  b.coded.push_back({"tenants/1504/instruments/observasi-kinerja", "FREKUENSI", {{"sering", 5}, {"selalu", 3}}, 8});
  b.coded.push_back({"tenants/1504/instruments/wawancara", "W1", {{"lebih-cepat", 2}}, 2});
  CohortInputs in = BaseCohort();
  in.behaviour = b;
  const v1::Evaluation ev = Evaluate(in, Defaults());
  const v1::Behaviour& B = ev.behaviour();
  EXPECT_NEAR(B.response_rate().value(), 0.8, 1e-12);
  EXPECT_NEAR(B.applied_share().value(), 0.75, 1e-12);
  EXPECT_NEAR(B.scrap_learning_rate().value(), 0.25, 1e-12);
  EXPECT_NEAR(B.scrap_learning_rate().ci_low(), 1 - B.applied_share().ci_high(), 1e-12);
  ASSERT_EQ(B.rubric_size(), 2);
  EXPECT_EQ(B.rubric(0).competency(), "digital");
  EXPECT_TRUE(B.rubric(0).score().withheld());
  EXPECT_NEAR(B.rubric(1).score().value(), (RawMean(teknis) - 1) / 3 * 100, 1e-9);
  ASSERT_EQ(B.coded_answers_size(), 2);
  EXPECT_EQ(B.coded_answers(0).counts().at("sering"), 5);
  EXPECT_TRUE(B.coded_answers(1).withheld());
  EXPECT_TRUE(B.coded_answers(1).counts().empty());
}

// Rates count people: per wave, self-reports and assessments apart; answers
// alone give no rate, a wave not yet open has none, and inputs claiming more
// people than are eligible are withheld rather than shown above 1.
TEST(EvaluatorTest, BehaviourRatesArePeopleByWaveAndNeverAboveOne) {
  BehaviourInputs b;
  b.followups = 12;  // answers, from 3 people
  CohortInputs in = BaseCohort();
  in.behaviour = b;
  v1::Evaluation ev = Evaluate(in, Defaults());
  EXPECT_TRUE(ev.behaviour().response_rate().withheld());
  EXPECT_TRUE(absl::StrContains(ev.behaviour().response_rate().reason(), "not known")) << ev.behaviour().response_rate().reason();

  b.people_known = true;
  b.eligible = 3;
  b.answered_people = 3;
  b.waves.push_back({30, "2026-03-21", "2026-04-19", true, 3, 3, 2});
  b.waves.push_back({60, "2026-04-20", "2026-05-19", false, 3, 0, 0});
  b.waves.push_back({90, "2026-05-20", "2026-06-19", true, 3, 4, 1});  // 4 of 3: inconsistent
  in.behaviour = b;
  ev = Evaluate(in, Defaults());
  const v1::Behaviour& B = ev.behaviour();
  EXPECT_NEAR(B.response_rate().value(), 1.0, 1e-12);
  EXPECT_LE(B.response_rate().ci_high(), 1.0);
  ASSERT_EQ(B.waves_size(), 3);
  EXPECT_NEAR(B.waves(0).self_report_rate().value(), 1.0, 1e-12);
  EXPECT_NEAR(B.waves(0).assessment_rate().value(), 2.0 / 3, 1e-12);
  EXPECT_LE(B.waves(0).assessment_rate().ci_low(), 2.0 / 3);
  EXPECT_GE(B.waves(0).assessment_rate().ci_high(), 2.0 / 3);
  EXPECT_TRUE(B.waves(1).self_report_rate().withheld());
  EXPECT_TRUE(absl::StrContains(B.waves(1).self_report_rate().reason(), "opens on 2026-04-20"));
  EXPECT_TRUE(B.waves(2).self_report_rate().withheld());
  EXPECT_TRUE(absl::StrContains(B.waves(2).self_report_rate().reason(), "inconsistent"));
  EXPECT_NEAR(B.waves(2).assessment_rate().value(), 1.0 / 3, 1e-12);
  for (const auto& w : B.waves()) {
    for (const auto* f : {&w.self_report_rate(), &w.assessment_rate()}) {
      if (!f->withheld()) EXPECT_LE(f->value(), 1.0);
    }
  }
}

UnitWindows Unit(const std::string& id, double before, double after, double transactions) {
  UnitWindows u;
  u.unit = "tenants/1504/units/" + id;
  u.before.complaints = before;
  u.before.transactions = transactions;
  u.after.complaints = after;
  u.after.transactions = transactions;
  return u;
}

// Two trained units of 5,000 transactions a window and two comparison
// units of 10,000 (the default minimum of comparison units), every unit's
// data covering both windows.
ResultsInputs Results(double tb, double ta, double cb, double ca) {
  ResultsInputs r;
  r.before_start = "2025-12-02";
  r.treated.push_back(Unit("disdukcapil", tb / 2, ta / 2, 5000));
  r.treated.push_back(Unit("dpmptsp", tb / 2, ta / 2, 5000));
  r.control.push_back(Unit("dinsos", cb / 2, ca / 2, 10000));
  r.control.push_back(Unit("dinkes", cb / 2, ca / 2, 10000));
  return r;
}

TEST(EvaluatorTest, ResultsDifferenceInDifferencesFromCounts) {
  CohortInputs in = BaseCohort();
  in.results = Results(60, 30, 80, 78);
  in.results->treated[0].before.has_ikm = true;
  const v1::Evaluation ev = Evaluate(in, Defaults());
  const v1::Results& R = ev.results();
  // Rates per 1,000: treated 6 -> 3, control 4 -> 3.9.
  const double did = (3.0 - 6.0) - (3.9 - 4.0);
  const double se = std::sqrt(60.0 / 1e8 + 30.0 / 1e8 + 80.0 / 4e8 + 78.0 / 4e8) * 1000;
  EXPECT_FALSE(R.complaint_rate_did().withheld());
  EXPECT_NEAR(R.complaint_rate_did().value(), did, 1e-9);
  EXPECT_NEAR(R.complaint_rate_did().ci_low(), did - 1.959964 * se, 1e-5);
  EXPECT_NEAR(R.complaint_rate_did().ci_high(), did + 1.959964 * se, 1e-5);
  EXPECT_EQ(R.complaint_rate_did().inputs().at("treated_before_complaints"), 60);
  EXPECT_NEAR(R.complaints_avoided().value(), -did * 10000 / 1000, 1e-9);
  EXPECT_NEAR(R.treated_units(0).complaint_rate_before().value(), 6.0, 1e-12);
  EXPECT_NE(R.conclusion().find("Complaints fell"), std::string::npos) << R.conclusion();
  // IKM had too few respondents.
  EXPECT_TRUE(R.ikm_did().withheld());
  EXPECT_TRUE(R.treated_units(0).ikm_before().withheld());
  // Cost per complaint avoided follows.
  EXPECT_NEAR(ev.cost().per_complaint_avoided().value(), 25'000'000 / (-did * 10), 1e-6);
}

TEST(EvaluatorTest, ResultsSayPlainlyWhenTooThin) {
  CohortInputs in = BaseCohort();
  in.results = Results(4, 2, 80, 78);
  v1::Evaluation ev = Evaluate(in, Defaults());
  EXPECT_TRUE(ev.results().complaint_rate_did().withheld());
  EXPECT_NE(ev.results().complaint_rate_did().reason().find("too thin"), std::string::npos);
  EXPECT_NE(ev.results().conclusion().find("too thin to conclude"), std::string::npos)
      << ev.results().conclusion();

  EXPECT_EQ(ev.results().complaint_rate_did().reason_code(), v1::TOO_FEW_COMPLAINTS);

  in.results = Results(60, 30, 80, 78);
  in.results->control.clear();
  ev = Evaluate(in, Defaults());
  EXPECT_EQ(ev.results().complaint_rate_did().reason_code(), v1::TOO_FEW_CONTROL_UNITS);
  EXPECT_NE(ev.results().complaint_rate_did().reason().find("no comparison units"), std::string::npos);
  // The IKM estimate names the same cause, not "too few respondents".
  EXPECT_EQ(ev.results().ikm_did().reason_code(), v1::TOO_FEW_CONTROL_UNITS);
}

TEST(EvaluatorTest, ResultsIkmDifferenceInDifferences) {
  CohortInputs in = BaseCohort();
  in.results = Results(60, 30, 80, 78);
  auto set = [](Window& w, double ikm, double se, int64_t n) {
    w.has_ikm = true; w.ikm = ikm; w.ikm_se = se; w.ikm_respondents = n;
  };
  set(in.results->treated[0].before, 70, 1.0, 30);
  set(in.results->treated[1].before, 74, 1.0, 10);
  set(in.results->treated[0].after, 80, 1.0, 30);
  set(in.results->treated[1].after, 82, 1.0, 10);
  set(in.results->control[0].before, 75, 0.5, 40);
  set(in.results->control[0].after, 76, 0.5, 40);
  set(in.results->control[1].before, 73, 0.5, 40);
  set(in.results->control[1].after, 74, 0.5, 40);
  const v1::Evaluation ev = Evaluate(in, Defaults());
  const double tb = (70 * 30 + 74 * 10) / 40.0, ta = (80 * 30 + 82 * 10) / 40.0;
  const double did = (ta - tb) - (75 - 74);
  const double var_t = (0.75 * 0.75 + 0.25 * 0.25) * 1.0;
  const double var_c = (0.5 * 0.5 + 0.5 * 0.5) * 0.25;
  const double se = std::sqrt(2 * var_t + 2 * var_c);
  EXPECT_NEAR(ev.results().ikm_did().value(), did, 1e-9);
  // One method: estimate +- z x se, se from the units' standard errors.
  EXPECT_NEAR(ev.results().ikm_did().ci_high() - ev.results().ikm_did().value(), 1.959963984540054 * se, 1e-9);
  EXPECT_NEAR(ev.results().ikm_did().value() - ev.results().ikm_did().ci_low(), 1.959963984540054 * se, 1e-9);
  EXPECT_NEAR(ev.results().ikm_did().inputs().at("standard_error"), se, 1e-12);
  EXPECT_NE(ev.results().conclusion().find("IKM changed"), std::string::npos);
  // A unit's IKM: ikm +- t(0.975, n - 1) x se, the complaint service's margin.
  const auto& u = ev.results().treated_units(1).ikm_before();
  EXPECT_NEAR(u.ci_high() - u.value(), 2.262157162740992 * 1.0, 1e-9);  // t(0.975, 9)
}

TEST(EvaluatorTest, CostRoiAndBcr) {
  CohortInputs in = BaseCohort();
  in.cost.benefit = 40'000'000;
  in.cost.benefit_basis = "hours saved x wage";
  v1::Evaluation ev = Evaluate(in, Defaults());
  EXPECT_NEAR(ev.cost().per_participant().value(), 2'500'000, 1e-6);
  EXPECT_NEAR(ev.cost().per_completed().value(), 25'000'000 / 9.0, 1e-6);
  EXPECT_NEAR(ev.cost().per_jp().value(), 25'000'000 / (10.0 * 30), 1e-6);
  EXPECT_NEAR(ev.cost().roi_pct().value(), 60.0, 1e-9);
  EXPECT_NEAR(ev.cost().bcr().value(), 1.6, 1e-12);
  EXPECT_EQ(ev.cost().roi_pct().inputs().at("benefit"), 40'000'000);
  in.cost.benefit.reset();
  ev = Evaluate(in, Defaults());
  EXPECT_TRUE(ev.cost().roi_pct().withheld());
  EXPECT_NE(ev.cost().bcr().reason().find("no benefit estimate"), std::string::npos);
}

CohortInputs FullCohort() {
  CohortInputs in = BaseCohort();
  in.reaction = ReactionFrom(kReaction);
  LearningInputs l;
  l.pairs = 10; l.sum_pre = 500; l.sum_post = 700; l.sum_diff = 200; l.sum_diff_sq = 4400; l.max_score = 100;
  in.learning = l;
  BehaviourInputs b;
  b.followups = 10; b.applied_yes = 7; b.applied_answered = 10;
  in.behaviour = b;
  in.results = Results(60, 30, 80, 78);
  return in;
}

TEST(EvaluatorTest, CompositeWithDefaultAndTenantWeights) {
  const CohortInputs in = FullCohort();
  v1::Evaluation ev = Evaluate(in, Defaults());
  const double l1 = ev.reaction().overall().value();
  const double l2 = 100 * 0.4;  // g = (70 - 50) / (100 - 50)
  const double l3 = 70;
  const double l4 = 50 - 50 * ((3.0 - 6.0) - (3.9 - 4.0)) / 6.0;
  ASSERT_TRUE(ev.composite().components(3).used());
  EXPECT_NEAR(ev.composite().components(3).score().value(), l4, 1e-9);
  EXPECT_NEAR(ev.composite().score().value(), 0.15 * l1 + 0.35 * l2 + 0.30 * l3 + 0.20 * l4, 1e-9);

  v1::ScoringSettings s;
  s.mutable_weights()->set_l1(1);
  s.mutable_weights()->set_l2(1);
  ev = Evaluate(in, EffectiveSettings(s));
  EXPECT_NEAR(ev.composite().score().value(), (l1 + l2) / 2, 1e-9);
  EXPECT_FALSE(ev.composite().components(2).used());

  // A level without data: the other weights are renormalised.
  CohortInputs partial = in;
  partial.behaviour.reset();
  partial.results.reset();
  ev = Evaluate(partial, Defaults());
  EXPECT_NEAR(ev.composite().score().value(), (0.15 * l1 + 0.35 * l2) / 0.5, 1e-9);
  EXPECT_EQ(ev.composite().components(2).score().reason(), "no follow-up for the cohort");
  EXPECT_EQ(ev.composite().components(2).score().reason_code(), v1::DATA_ABSENT);

  ev = Evaluate(BaseCohort(), Defaults());
  EXPECT_TRUE(ev.composite().score().withheld());
}

// Every Figure in a message, with its path (independent of ScrubWithheld).
void Figures(const google::protobuf::Message& m, const std::string& path,
             std::vector<std::pair<std::string, const v1::Figure*>>* out) {
  namespace pb = ::google::protobuf;
  if (const auto* f = dynamic_cast<const v1::Figure*>(&m)) {
    out->push_back({path, f});
    return;
  }
  const pb::Reflection* r = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const auto* field : fields) {
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, field); ++i) {
        Figures(r->GetRepeatedMessage(m, field, i), path + "." + field->name() + "[" + std::to_string(i) + "]", out);
      }
    } else {
      Figures(r->GetMessage(m, field), path + "." + field->name(), out);
    }
  }
}

TEST(EvaluatorTest, WithheldFiguresCarryNothingFromWhichTheValueFollows) {
  // A 4-respondent cohort: its hidden score must not be one division away.
  CohortInputs in = FullCohort();
  in.reaction = ReactionFrom({kReaction.begin(), kReaction.begin() + 4});
  in.learning->pairs = 4;
  in.behaviour->applied_answered = 4;
  in.behaviour->applied_yes = 3;
  const v1::Evaluation ev = Evaluate(in, Defaults());
  std::vector<std::pair<std::string, const v1::Figure*>> all;
  Figures(ev, "evaluation", &all);
  int withheld = 0;
  for (const auto& [path, f] : all) {
    if (!f->withheld()) continue;
    ++withheld;
    SCOPED_TRACE(path);
    EXPECT_EQ(f->value(), 0);
    EXPECT_TRUE(f->inputs().empty());
    EXPECT_FALSE(f->has_interval());
    EXPECT_EQ(f->ci_low(), 0);
    EXPECT_EQ(f->ci_high(), 0);
    EXPECT_FALSE(f->reason().empty());
    EXPECT_NE(f->reason_code(), v1::REASON_CODE_UNSPECIFIED);
  }
  EXPECT_GE(withheld, 15);
  EXPECT_EQ(ev.reaction().dimensions(0).score().reason_code(), v1::BELOW_MIN_N);
  EXPECT_EQ(ev.reaction().dimensions(0).score().n(), 4);  // the count stays: it is not the answers
  // Nothing else tells the hidden values either: L1-L3 do not enter the
  // composite, and the cost per gain point names the real cause.
  EXPECT_FALSE(ev.composite().components(0).used());
  EXPECT_FALSE(ev.composite().components(1).used());
  EXPECT_FALSE(ev.composite().components(2).used());
  EXPECT_EQ(ev.cost().per_gain_point().reason_code(), v1::BELOW_MIN_N);
  EXPECT_EQ(ev.cost().per_gain_point().reason().find("no positive"), std::string::npos);
}

TEST(EvaluatorTest, NegativeAlphaIsShownWithAWarning) {
  // Item 2 runs against items 1 and 3 (a reversed item not recoded).
  ReactionInputs r;
  r.responses = 6;
  r.items.resize(3);
  const std::vector<std::vector<double>> rows = {{1, 5, 2}, {2, 4, 1}, {3, 3, 3}, {4, 2, 4}, {5, 1, 4}, {4, 1, 5}};
  for (const auto& row : rows) {
    double total = 0;
    for (int j = 0; j < 3; ++j) {
      r.items[j].Add(row[j]);
      total += row[j];
    }
    r.totals.Add(total);
  }
  std::vector<std::vector<double>> cols(3);
  std::vector<double> totals;
  for (const auto& row : rows) {
    for (int j = 0; j < 3; ++j) cols[j].push_back(row[j]);
    totals.push_back(row[0] + row[1] + row[2]);
  }
  const double alpha = 1.5 * (1 - (RawVar(cols[0]) + RawVar(cols[1]) + RawVar(cols[2])) / RawVar(totals));
  ASSERT_LT(alpha, 0);
  CohortInputs in = BaseCohort();
  in.reaction = r;
  const v1::Evaluation ev = Evaluate(in, Defaults());
  const v1::Figure& a = ev.reaction().cronbach_alpha();
  EXPECT_FALSE(a.withheld());
  EXPECT_NEAR(a.value(), alpha, 1e-12);
  EXPECT_EQ(a.warning_code(), v1::NEGATIVE_ALPHA);
  EXPECT_NE(a.warning().find("reversed"), std::string::npos) << a.warning();
  EXPECT_NE(a.warning().find("one construct"), std::string::npos) << a.warning();
  // A positive alpha carries no warning.
  in.reaction = ReactionFrom(kReaction);
  EXPECT_EQ(Evaluate(in, Defaults()).reaction().cronbach_alpha().warning_code(), v1::WARNING_CODE_UNSPECIFIED);
}

TEST(EvaluatorTest, L4OnlyWhereBothWindowsAreCoveredAndControlsAreEnough) {
  // The cohort: complaints in trained units rose 94 -> 172, one
  // comparison unit went 0 -> 1, and the complaint data start in January
  // 2026, after the before window's start.
  CohortInputs in = FullCohort();
  ResultsInputs r;
  r.before_start = "2025-10-03";
  r.treated.push_back(Unit("disdukcapil", 94, 172, 30000));
  r.control.push_back(Unit("dinsos", 0, 1, 9000));
  for (auto* u : {&r.treated[0], &r.control[0]}) {
    u->complaints_covered = false;
    u->complaints_since = "2026-01-01";
  }
  in.results = r;
  v1::Evaluation ev = Evaluate(in, Defaults());
  const auto& d = ev.results().complaint_rate_did();
  EXPECT_TRUE(d.withheld());
  EXPECT_EQ(d.reason_code(), v1::WINDOW_NOT_COVERED);
  EXPECT_NE(d.reason().find("2026-01-01"), std::string::npos) << d.reason();
  EXPECT_EQ(ev.results().treated_units(0).complaints_excluded_code(), v1::WINDOW_NOT_COVERED);
  EXPECT_TRUE(ev.results().complaints_avoided().withheld());
  EXPECT_TRUE(ev.cost().per_complaint_avoided().withheld());
  EXPECT_EQ(ev.cost().per_complaint_avoided().reason_code(), v1::WINDOW_NOT_COVERED);
  EXPECT_FALSE(ev.composite().components(3).used());
  EXPECT_EQ(ev.composite().components(3).score().reason_code(), v1::WINDOW_NOT_COVERED);

  // Covered, but one comparison unit is fewer than the minimum of 2.
  in.results->treated[0].complaints_covered = true;
  in.results->control[0].complaints_covered = true;
  ev = Evaluate(in, Defaults());
  EXPECT_EQ(ev.results().complaint_rate_did().reason_code(), v1::TOO_FEW_CONTROL_UNITS);
  EXPECT_NE(ev.results().complaint_rate_did().reason().find("1 comparison unit"), std::string::npos)
      << ev.results().complaint_rate_did().reason();
  EXPECT_FALSE(ev.composite().components(3).used());
  EXPECT_EQ(ev.results().control_unit_count(), 1);
  // A minimum of 1 (the service option) lets it through.
  in.results->min_control_units = 1;
  ev = Evaluate(in, Defaults());
  EXPECT_FALSE(ev.results().complaint_rate_did().withheld());
  // Complaints rose significantly: none avoided, no cost per complaint avoided.
  EXPECT_GT(ev.results().complaint_rate_did().ci_low(), 0);
  EXPECT_EQ(ev.results().complaints_avoided().reason_code(), v1::NO_COMPLAINTS_AVOIDED);
  EXPECT_TRUE(ev.cost().per_complaint_avoided().withheld());
  EXPECT_LT(ev.composite().components(3).score().value(), 50);
}

// The before/after lines against sums recomputed here: per month, the
// trained and the comparison units pooled (each estimate's own units), the
// window marks, gaps with their reasons and never a 0 for a month without
// data.
TEST(EvaluatorTest, MonthlySeriesPoolsEachEstimatesUnitsPerMonth) {
  CohortInputs in = FullCohort();
  ResultsInputs r;
  r.before_start = "2025-12-02";
  r.before_end = "2026-03-01";
  r.after_start = "2026-03-07";
  r.after_end = "2026-06-04";
  r.treated.push_back(Unit("disdukcapil", 40, 20, 30000));
  r.treated.push_back(Unit("dpmptsp", 10, 5, 0));  // no volume: out of the rate
  r.control.push_back(Unit("dinsos", 30, 31, 20000));
  r.control.push_back(Unit("dinkes", 25, 24, 20000));
  r.control.push_back(Unit("bappeda", 5, 5, 9000));
  r.control[2].complaints_covered = false;  // data start later: out of the rate
  r.control[2].complaints_since = "2026-01-01";
  // IKM usable in both windows for disdukcapil, dinsos and dinkes.
  for (auto* u : {&r.treated[0], &r.control[0], &r.control[1]}) {
    for (Window* w : {&u->before, &u->after}) {
      w->has_ikm = true;
      w->ikm = 80;
      w->ikm_se = 1;
      w->ikm_respondents = 40;
    }
  }
  // Months: deterministic counts; SKM answers per unit-month with a
  // varying number of respondents (some thin) and element sums.
  const std::vector<std::string> periods = {"2025-12", "2026-01", "2026-02", "2026-03",
                                            "2026-04", "2026-05", "2026-06"};
  const std::vector<std::string> units = {"disdukcapil", "dpmptsp", "dinsos", "dinkes", "bappeda"};
  std::map<std::pair<std::string, std::string>, UnitMonthTotals> raw;
  for (size_t u = 0; u < units.size(); ++u) {
    for (size_t m = 0; m < periods.size(); ++m) {
      if (units[u] == "dinkes" && periods[m] == "2026-02") continue;  // no data at all
      UnitMonthTotals t;
      t.unit = "tenants/1504/units/" + units[u];
      t.period = periods[m];
      t.complaints = static_cast<double>((u * 7 + m * 3) % 11);
      t.transactions = units[u] == "dpmptsp" ? 0 : 1000.0 * (u + 1);
      // dinsos in 2026-04 has 3 respondents: thin inside the control pool.
      t.skm_respondents = (units[u] == "dinsos" && periods[m] == "2026-04") ? 3 : static_cast<int64_t>(6 + (u + m) % 5);
      if (units[u] == "disdukcapil" && periods[m] == "2026-05") t.skm_respondents = 0;
      for (int e = 0; e < 9; ++e) {
        t.element_answered[e] = t.skm_respondents;
        t.element_sums[e] = t.skm_respondents * (2 + (e + u + m) % 3);
      }
      raw[{t.unit, t.period}] = t;
      r.months.push_back(t);
    }
  }
  in.results = r;
  const v1::Evaluation ev = Evaluate(in, Defaults());
  const auto& series = ev.results().series();
  ASSERT_EQ(series.size(), 7);
  auto rate = [&](const std::vector<std::string>& us, const std::string& p) {
    double c = 0, e = 0;
    for (const auto& u : us) {
      auto it = raw.find({"tenants/1504/units/" + u, p});
      if (it == raw.end()) continue;
      c += it->second.complaints;
      e += it->second.transactions;
    }
    return std::pair{c, e};
  };
  // The pooled IKM by plain doubles (the cents are checked exactly below).
  auto ikm = [&](const std::vector<std::string>& us, const std::string& p) {
    double total = 0;
    int64_t n = 0;
    std::array<double, 9> s{}, a{};
    for (const auto& u : us) {
      auto it = raw.find({"tenants/1504/units/" + u, p});
      if (it == raw.end()) continue;
      n += it->second.skm_respondents;
      for (int e = 0; e < 9; ++e) {
        s[e] += static_cast<double>(it->second.element_sums[e]);
        a[e] += static_cast<double>(it->second.element_answered[e]);
      }
    }
    for (int e = 0; e < 9; ++e) total += a[e] > 0 ? s[e] / a[e] : 0;
    return std::pair{total / 9 * 25, n};
  };
  for (int m = 0; m < 7; ++m) {
    const v1::ResultsMonth& p = series[m];
    EXPECT_EQ(p.period(), periods[m]);
    EXPECT_EQ(p.in_before(), m <= 3) << p.period();  // Dec-Mar overlap the before window
    EXPECT_EQ(p.in_after(), m >= 3) << p.period();   // Mar-Jun the after window
    // Complaint rate: treated = disdukcapil only (dpmptsp has no volume);
    // controls = dinsos and dinkes (bappeda not covered).
    auto [tc, te] = rate({"disdukcapil"}, periods[m]);
    ASSERT_FALSE(p.treated_complaint_rate().withheld()) << p.treated_complaint_rate().reason();
    EXPECT_NEAR(p.treated_complaint_rate().value(), tc / te * 1000, 1e-9);
    EXPECT_EQ(p.treated_complaint_rate().n(), static_cast<int64_t>(tc));
    auto [cc, ce] = rate({"dinsos", "dinkes"}, periods[m]);
    ASSERT_FALSE(p.control_complaint_rate().withheld());
    EXPECT_NEAR(p.control_complaint_rate().value(), cc / ce * 1000, 1e-9);
    // IKM: treated = disdukcapil; controls = dinsos + dinkes.
    auto [ti, tn] = ikm({"disdukcapil"}, periods[m]);
    if (periods[m] == "2026-05") {
      EXPECT_TRUE(p.treated_ikm().withheld());
      EXPECT_EQ(p.treated_ikm().reason_code(), v1::DATA_ABSENT);  // a gap, not a 0
      EXPECT_EQ(p.treated_ikm().value(), 0);
    } else {
      ASSERT_FALSE(p.treated_ikm().withheld()) << p.period() << ": " << p.treated_ikm().reason();
      EXPECT_NEAR(p.treated_ikm().value(), std::floor(ti * 100 + 0.5 + 1e-9) / 100, 1e-9) << p.period();
      EXPECT_EQ(p.treated_ikm().n(), tn);
    }
    auto [ci, cn] = ikm({"dinsos", "dinkes"}, periods[m]);
    if (periods[m] == "2026-04") {
      EXPECT_TRUE(p.control_ikm().withheld());
      EXPECT_EQ(p.control_ikm().reason_code(), v1::COMPLEMENTARY_SUPPRESSION);
    } else {
      ASSERT_FALSE(p.control_ikm().withheld()) << p.period() << ": " << p.control_ikm().reason();
      EXPECT_NEAR(p.control_ikm().value(), std::floor(ci * 100 + 0.5 + 1e-9) / 100, 1e-9) << p.period();
      EXPECT_EQ(p.control_ikm().n(), cn);
    }
  }
  // Exact rounding: U1..U9 each 12,999 over 5,000 answers give
  // 9 x 12999 / 5000 / 9 x 25 = 64.995 exactly, which rounds half up to
  // 65.00 (a binary double may land below), and one point less to 64.99.
  std::array<int64_t, 9> sums{}, answered{};
  for (int e = 0; e < 9; ++e) {
    answered[e] = 5000;
    sums[e] = 12999;
  }
  EXPECT_EQ(PooledIkmCents(sums, answered), 6500);
  sums[0] -= 1;
  EXPECT_EQ(PooledIkmCents(sums, answered), 6499);

  // Too few comparison units: the control lines are gaps with the DiD's cause.
  in.results->control.resize(1);
  const v1::Evaluation few = Evaluate(in, Defaults());
  ASSERT_EQ(few.results().series_size(), 7);
  EXPECT_EQ(few.results().series(0).control_complaint_rate().reason_code(), v1::TOO_FEW_CONTROL_UNITS);
  EXPECT_EQ(few.results().series(0).control_ikm().reason_code(), v1::TOO_FEW_CONTROL_UNITS);
  EXPECT_FALSE(few.results().series(0).treated_complaint_rate().withheld());
  // Unreadable months: no lines, the reason instead.
  in.results->months.clear();
  in.results->series_missing = "complaint service down";
  const v1::Evaluation gone = Evaluate(in, Defaults());
  EXPECT_EQ(gone.results().series_size(), 0);
  EXPECT_EQ(gone.results().series_missing_code(), v1::RESULTS_UNAVAILABLE);
}

TEST(EvaluatorTest, AnEffectWhoseIntervalIncludesZeroEarnsNoCredit) {
  CohortInputs in = FullCohort();
  in.results = Results(60, 52, 80, 78);  // treated 6 -> 5.2, control 4 -> 3.9 per 1,000
  const v1::Evaluation ev = Evaluate(in, Defaults());
  const auto& d = ev.results().complaint_rate_did();
  ASSERT_FALSE(d.withheld()) << d.reason();
  ASSERT_LT(d.ci_low(), 0);
  ASSERT_GT(d.ci_high(), 0);
  EXPECT_TRUE(d.inconclusive());
  EXPECT_EQ(d.reason_code(), v1::EFFECT_NOT_SHOWN);
  EXPECT_LT(d.value(), 0);  // the point estimate says "fewer complaints"...
  // ... but nothing is claimed from it.
  EXPECT_TRUE(ev.results().complaints_avoided().withheld());
  EXPECT_EQ(ev.results().complaints_avoided().reason_code(), v1::EFFECT_NOT_SHOWN);
  EXPECT_TRUE(ev.cost().per_complaint_avoided().withheld());
  EXPECT_EQ(ev.cost().per_complaint_avoided().reason_code(), v1::EFFECT_NOT_SHOWN);
  ASSERT_TRUE(ev.composite().components(3).used());
  EXPECT_EQ(ev.composite().components(3).score().value(), 50);
  EXPECT_NE(ev.results().conclusion().find("includes zero"), std::string::npos) << ev.results().conclusion();
}

TEST(SettingsTest, DefaultsAndValidation) {
  const v1::ScoringSettings s = EffectiveSettings(v1::ScoringSettings());
  EXPECT_EQ(s.min_n(), 5);
  EXPECT_EQ(s.window_days(), 90);
  EXPECT_NEAR(s.weights().l1() + s.weights().l2() + s.weights().l3() + s.weights().l4(), 1.0, 1e-12);
  v1::ScoringSettings bad;
  bad.mutable_weights()->set_l2(-1);
  EXPECT_EQ(ValidateSettings(bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ValidateSettings(bad).message().find("settings.weights.l2"), std::string::npos);
  bad = v1::ScoringSettings();
  bad.set_min_n(2);
  EXPECT_FALSE(ValidateSettings(bad).ok());
  bad = v1::ScoringSettings();
  (*bad.mutable_benefit_estimates())["tenants/1504/programs/x"].set_amount(-5);
  EXPECT_FALSE(ValidateSettings(bad).ok());
  EXPECT_TRUE(ValidateSettings(v1::ScoringSettings()).ok());
}

}  // namespace
}  // namespace pelita::scoring
