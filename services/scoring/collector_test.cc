#include "services/scoring/collector.h"

#include "gtest/gtest.h"
#include "services/scoring/fake_sources.h"

namespace pelita::scoring {
namespace {

namespace sv1 = ::pelita::survey::v1;
namespace ev1 = ::pelita::enrolment::v1;

const char kProgram[] = "tenants/1504/programs/pelayanan-prima";
const char kCohort[] = "tenants/1504/programs/pelayanan-prima/cohorts/angkatan-1";

sv1::CohortAggregates Aggregates() {
  sv1::CohortAggregates a;
  a.set_cohort(kCohort);
  {
    auto* r = a.add_instruments();
    r->set_kind(sv1::REACTION);
    r->set_response_count(8);
    auto* d = r->add_dimensions();
    d->set_dimension(sv1::MATERI);
    d->set_n(16); d->set_sum(64); d->set_sum_squares(270); d->set_min_value(1); d->set_max_value(5);
    auto* rel = r->mutable_reliability();
    rel->set_k(2); rel->set_n(8);
    rel->add_item_sums(32); rel->add_item_sums(32);
    rel->add_item_sum_squares(135); rel->add_item_sum_squares(135);
    rel->set_total_sum(64); rel->set_total_sum_squares(540);
  }
  {
    auto* p = a.add_instruments();
    p->set_kind(sv1::POSTTEST);
    auto* pa = p->mutable_paired();
    pa->set_n(6); pa->set_sum_pre(300); pa->set_sum_post(420); pa->set_sum_diff(120);
    pa->set_sum_diff_squares(2600); pa->set_max_score(100);
  }
  {
    auto* f = a.add_instruments();
    f->set_kind(sv1::FOLLOWUP);
    f->set_instrument("tenants/1504/instruments/tindak-lanjut-atasan");
    f->set_response_count(7);
    auto* yn = f->add_items();
    yn->set_item("DITERAPKAN"); yn->set_type(sv1::YES_NO); yn->set_n(7);
    (*yn->mutable_choice_counts())["ya"] = 5;
    (*yn->mutable_choice_counts())["tidak"] = 2;
    auto* lk = f->add_items();
    lk->set_item("R1"); lk->set_type(sv1::LIKERT); lk->set_competency("teknis");
    lk->set_n(7); lk->set_sum(21); lk->set_sum_squares(67); lk->set_min_value(1); lk->set_max_value(4);
    auto* mc = f->add_items();
    mc->set_item("KOMPETENSI"); mc->set_type(sv1::MULTIPLE_CHOICE); mc->set_n(7);
  }
  {
    auto* o = a.add_instruments();
    o->set_kind(sv1::OBSERVATION);
    o->set_instrument("tenants/1504/instruments/observasi-kinerja");
    auto* lk = o->add_items();
    lk->set_item("O1"); lk->set_type(sv1::LIKERT); lk->set_competency("teknis");
    lk->set_n(5); lk->set_sum(15); lk->set_sum_squares(47); lk->set_min_value(1); lk->set_max_value(4);
    auto* sc = o->add_items();
    sc->set_item("FREKUENSI"); sc->set_type(sv1::SINGLE_CHOICE); sc->set_n(5);
    (*sc->mutable_choice_counts())["sering"] = 3;
    (*sc->mutable_choice_counts())["selalu"] = 2;
  }
  return a;
}

TEST(CollectorTest, MapsSurveyAggregatesToLevels) {
  CohortInputs in;
  ApplySurveyAggregates(Aggregates(), &in);
  ASSERT_TRUE(in.reaction.has_value());
  EXPECT_EQ(in.reaction->responses, 8);
  EXPECT_EQ(in.reaction->dimensions.at("materi").moments.n, 16);
  EXPECT_EQ(in.reaction->dimensions.at("materi").max_value, 5);
  ASSERT_EQ(in.reaction->items.size(), 2u);
  EXPECT_EQ(in.reaction->totals.sum_sq, 540);
  ASSERT_TRUE(in.learning.has_value());
  EXPECT_EQ(in.learning->pairs, 6);
  EXPECT_EQ(in.learning->sum_diff_sq, 2600);
  ASSERT_TRUE(in.behaviour.has_value());
  EXPECT_EQ(in.behaviour->followups, 7);
  EXPECT_EQ(in.behaviour->applied_yes, 5);
  EXPECT_EQ(in.behaviour->applied_answered, 7);
  // Follow-up and observation rubric items of one competency are merged.
  EXPECT_EQ(in.behaviour->rubric.at("teknis").moments.n, 12);
  EXPECT_EQ(in.behaviour->rubric.at("teknis").moments.sum, 36);
  ASSERT_EQ(in.behaviour->coded.size(), 1u);
  EXPECT_EQ(in.behaviour->coded[0].item, "FREKUENSI");
  EXPECT_EQ(in.behaviour->coded[0].counts.at("sering"), 3);
}

ev1::Enrolment Enr(const std::string& nip, ev1::Enrolment::State s, const std::string& unit) {
  ev1::Enrolment e;
  e.set_name(absl::StrCat(kCohort, "/enrolments/", nip));
  e.set_state(s);
  e.set_unit(unit);
  return e;
}

void SetDate(google::type::Date* d, int y, int m, int day) { d->set_year(y); d->set_month(m); d->set_day(day); }

struct World {
  FakeEnrolment enrolment;
  FakeSurvey survey;
  FakeComplaint complaint;
  World() {
    ev1::Program p;
    p.set_name(kProgram);
    p.set_title("Pelayanan Prima");
    p.set_year(2026);
    p.set_jp(30);
    p.set_cost_per_participant(2'000'000);
    enrolment.programs.push_back(p);
    ev1::Cohort c;
    c.set_name(kCohort);
    SetDate(c.mutable_start_date(), 2026, 3, 2);
    SetDate(c.mutable_end_date(), 2026, 3, 6);
    c.add_instructors("budi");
    c.set_enrolled_count(4);
    enrolment.cohorts[kProgram].push_back(c);
    // Another programme's cohort overlapping the windows trains dinsos staff.
    ev1::Program q;
    q.set_name("tenants/1504/programs/other");
    q.set_year(2026);
    enrolment.programs.push_back(q);
    ev1::Cohort oc;
    oc.set_name("tenants/1504/programs/other/cohorts/x");
    SetDate(oc.mutable_start_date(), 2026, 4, 10);
    SetDate(oc.mutable_end_date(), 2026, 4, 12);
    enrolment.cohorts[q.name()].push_back(oc);
    ev1::Enrolment oe;
    oe.set_state(ev1::Enrolment::COMPLETED);
    oe.set_unit("tenants/1504/units/dinsos");
    enrolment.enrolments[oc.name()].push_back(oe);
    enrolment.enrolments[kCohort] = {
        Enr("1", ev1::Enrolment::COMPLETED, "tenants/1504/units/disdukcapil"),
        Enr("2", ev1::Enrolment::COMPLETED, "tenants/1504/units/disdukcapil"),
        Enr("3", ev1::Enrolment::ATTENDED, "tenants/1504/units/dpmptsp"),
        Enr("4", ev1::Enrolment::WITHDRAWN, "tenants/1504/units/bappeda"),
        Enr("5", ev1::Enrolment::WAITLISTED, "tenants/1504/units/bappeda"),
    };
    for (const char* u : {"disdukcapil", "dpmptsp", "bappeda", "dinsos", "dinkes"}) {
      ev1::Unit unit;
      unit.set_name(absl::StrCat("tenants/1504/units/", u));
      enrolment.units.push_back(unit);
    }
    complaint.pivot = absl::CivilDay(2026, 3, 1);
  }
};

absl::Time At(int y, int m, int d) { return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()); }

TEST(CollectorTest, CollectsParticipantsCostUnitsAndWindows) {
  World w;
  w.survey.Set(kCohort, Aggregates());
  Collector collector(&w.enrolment, &w.survey, &w.complaint, [] { return At(2026, 11, 29); });
  v1::ScoringSettings s = EffectiveSettings(v1::ScoringSettings());
  (*s.mutable_benefit_estimates())[kProgram].set_amount(12'000'000);
  (*s.mutable_benefit_estimates())[kProgram].set_basis("waktu layanan berkurang");
  auto in = collector.Collect("1504", kCohort, s);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->enrolled, 3);  // withdrawn and wait-listed do not count
  EXPECT_EQ(in->completed, 2);
  EXPECT_EQ(in->cost.total_cost, 6'000'000);
  EXPECT_EQ(in->cost.jp, 30);
  // Benefit shared by participants: 12m x 3 / max(4 enrolled_count, 3).
  ASSERT_TRUE(in->cost.benefit.has_value());
  EXPECT_NEAR(*in->cost.benefit, 9'000'000, 1e-6);
  EXPECT_EQ(in->instructors, std::vector<std::string>{"budi"});
  ASSERT_TRUE(in->results.has_value()) << in->results_missing;
  ASSERT_EQ(in->results->treated.size(), 2u);
  EXPECT_EQ(in->results->treated[0].unit, "tenants/1504/units/disdukcapil");
  // Controls: units without trained staff in the windows (bappeda's staff
  // withdrew; dinsos was trained by another overlapping cohort).
  ASSERT_EQ(in->results->control.size(), 2u);
  EXPECT_EQ(in->results->control[0].unit, "tenants/1504/units/bappeda");
  EXPECT_EQ(in->results->control[1].unit, "tenants/1504/units/dinkes");
  // Windows: 90 days before the start, 90 days after the end.
  const auto& first = w.complaint.asked[0];
  EXPECT_EQ(std::get<1>(first), absl::CivilDay(2026, 3, 2) - 90);
  EXPECT_EQ(std::get<2>(first), absl::CivilDay(2026, 3, 1));
  const auto& second = w.complaint.asked[1];
  EXPECT_EQ(std::get<1>(second), absl::CivilDay(2026, 3, 7));
  EXPECT_EQ(std::get<2>(second), absl::CivilDay(2026, 3, 6) + 90);
  EXPECT_EQ(in->learning->pairs, 6);
  // The monthly lines: ONE call for the trained and comparison units
  // together, from the before window's month to the after window's.
  ASSERT_EQ(w.complaint.month_calls.size(), 1u);
  const auto& [units, from, to] = w.complaint.month_calls[0];
  EXPECT_EQ(units, (std::vector<std::string>{"tenants/1504/units/disdukcapil", "tenants/1504/units/dpmptsp",
                                             "tenants/1504/units/bappeda", "tenants/1504/units/dinkes"}));
  EXPECT_EQ(from, absl::CivilMonth(2025, 12));  // 2026-03-02 - 90 days = 2025-12-02
  EXPECT_EQ(to, absl::CivilMonth(2026, 6));     // 2026-03-06 + 90 days = 2026-06-04
  EXPECT_EQ(in->results->months.size(), 4u * 7u);
  EXPECT_TRUE(in->results->series_missing.empty());

  // The months cannot be read: the estimates stand, the lines say why.
  World broken;
  broken.survey.Set(kCohort, Aggregates());
  broken.complaint.months_status = absl::UnavailableError("complaint service down");
  Collector again(&broken.enrolment, &broken.survey, &broken.complaint, [] { return At(2026, 11, 29); });
  auto partial = again.Collect("1504", kCohort, s);
  ASSERT_TRUE(partial.ok()) << partial.status();
  ASSERT_TRUE(partial->results.has_value());
  EXPECT_EQ(partial->results->series_missing, "complaint service down");
  EXPECT_EQ(partial->results->series_missing_code, v1::RESULTS_UNAVAILABLE);
  EXPECT_TRUE(partial->results->months.empty());
}

TEST(CollectorTest, ResultsMissingWhileTheAfterWindowRuns) {
  World w;
  Collector collector(&w.enrolment, &w.survey, &w.complaint, [] { return At(2026, 4, 1); });
  auto in = collector.Collect("1504", kCohort, EffectiveSettings(v1::ScoringSettings()));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_FALSE(in->results.has_value());
  EXPECT_NE(in->results_missing.find("after window ends on 2026-06-04"), std::string::npos) << in->results_missing;
  const v1::Evaluation ev = Evaluate(*in, EffectiveSettings(v1::ScoringSettings()));
  EXPECT_TRUE(ev.results().complaint_rate_did().withheld());
  EXPECT_NE(ev.results().conclusion().find("Nothing can be concluded"), std::string::npos);
  EXPECT_TRUE(w.complaint.asked.empty());
}

TEST(CollectorTest, UnknownCohortIsNotFound) {
  World w;
  Collector collector(&w.enrolment, &w.survey, &w.complaint);
  auto in = collector.Collect("1504", "tenants/1504/programs/pelayanan-prima/cohorts/nope",
                              EffectiveSettings(v1::ScoringSettings()));
  EXPECT_EQ(in.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pelita::scoring
