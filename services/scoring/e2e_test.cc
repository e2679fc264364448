// End to end: a demo cohort built through the real enrolment, survey and
// complaint services (in-process servers on port 0, one real redis-server),
// read by the scoring service over gRPC; the report's statistics are
// checked against values computed here from the raw data.
#include <cmath>
#include <map>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

#include "services/scoring/e2e_fixture.h"

namespace pelita::scoring {
namespace {

constexpr char kProgram[] = "tenants/1504/programs/pelayanan-prima";
constexpr char kCohort[] = "tenants/1504/programs/pelayanan-prima/cohorts/angkatan-1";
constexpr int kN = 10;
constexpr int64_t kVolume = 3000;  // transactions per month, every unit

double Mean(const std::vector<double>& xs) {
  double s = 0;
  for (double x : xs) s += x;
  return s / xs.size();
}
double Var(const std::vector<double>& xs) {
  const double m = Mean(xs);
  double s = 0;
  for (double x : xs) s += (x - m) * (x - m);
  return s / (xs.size() - 1);
}

// Points of the test questions, and which to answer right for a score.
const std::vector<int> kPoints = {1, 2, 4, 8, 16, 32, 37};
std::vector<bool> RightAnswers(int score) {
  std::vector<bool> right(kPoints.size(), false);
  if (score > 63) {
    right[6] = true;
    score -= 37;
  }
  for (int q = 0; q < 6; ++q) right[q] = (score >> q) & 1;
  return right;
}

TEST_F(ScoringEndToEndTest, DemoCohortReportMatchesRawData) {
  ASSERT_TRUE(HaveComplaintClient());
  // --- Enrolment: five units, ten participants from two of them.
  const std::vector<std::string> units = {"disdukcapil", "dpmptsp", "dinsos", "dinkes", "bappeda"};
  for (const auto& u : units) {
    ev1::CreateUnitRequest req;
    req.set_parent("tenants/1504");
    req.set_unit_id(u);
    req.mutable_unit()->set_display_name("Unit " + u);
    req.mutable_unit()->set_monthly_service_volume(kVolume);
    ev1::Unit out;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateUnit, req, &out));
  }
  for (int i = kN; i >= 0; --i) {  // kN is everyone's supervisor, in the roster first
    ev1::CreateEmployeeRequest req;
    req.set_parent("tenants/1504");
    req.mutable_employee()->set_nip(NipOf(i));
    req.mutable_employee()->set_full_name("Pegawai " + std::to_string(i));
    req.mutable_employee()->set_unit(absl::StrCat("tenants/1504/units/", i % 2 ? "dpmptsp" : "disdukcapil"));
    req.mutable_employee()->set_employment_type(ev1::PNS);
    if (i < kN) req.mutable_employee()->set_supervisor_nip(NipOf(kN));
    ev1::Employee out;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateEmployee, req, &out));
  }
  {
    ev1::CreateProgramRequest req;
    req.set_parent("tenants/1504");
    req.set_program_id("pelayanan-prima");
    req.mutable_program()->set_title("Pelayanan Prima");
    req.mutable_program()->set_competency_type(ev1::TEKNIS);
    req.mutable_program()->set_jp(30);
    req.mutable_program()->set_year(2026);
    req.mutable_program()->set_cost_per_participant(2'500'000);
    ev1::Program out;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateProgram, req, &out));
    ev1::CreateCohortRequest c;
    c.set_parent(kProgram);
    c.set_cohort_id("angkatan-1");
    *c.mutable_cohort()->mutable_start_date() = enrolment::FromCivilDay(absl::CivilDay(2026, 3, 2));
    *c.mutable_cohort()->mutable_end_date() = enrolment::FromCivilDay(absl::CivilDay(2026, 3, 6));
    c.mutable_cohort()->set_capacity(30);
    c.mutable_cohort()->add_instructors("Drs. Budi Santoso");
    ev1::Cohort cohort;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateCohort, c, &cohort));
  }
  for (int i = 0; i < kN; ++i) {
    ev1::CreateEnrolmentRequest req;
    req.set_parent(kCohort);
    req.mutable_enrolment()->set_employee("tenants/1504/employees/" + NipOf(i));
    ev1::Enrolment out;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateEnrolment, req, &out));
    if (i < 8) {
      ev1::CompleteEnrolmentRequest done;
      done.set_name(absl::StrCat(kCohort, "/enrolments/", NipOf(i)));
      ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CompleteEnrolment, done, &out));
    }
  }

  // --- Survey: reaction (12 Likert items, 3 per dimension), pre/post tests,
  // supervisor follow-ups.
  {
    sv1::InstallDefaultInstrumentsRequest req;
    req.set_parent("tenants/1504");
    sv1::InstallDefaultInstrumentsResponse out;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::InstallDefaultInstruments, req, &out));
    for (const char* id : {"pre-pp", "post-pp"}) {
      sv1::CreateInstrumentRequest ci;
      ci.set_parent("tenants/1504");
      ci.set_instrument_id(id);
      sv1::Instrument& in = *ci.mutable_instrument();
      in.set_title(id);
      in.set_kind(std::string(id) == "pre-pp" ? sv1::PRETEST : sv1::POSTTEST);
      if (in.kind() == sv1::POSTTEST) in.set_pretest("tenants/1504/instruments/pre-pp");
      // Seven keyed yes/no questions worth 1, 2, 4, 8, 16, 32 and 37 points:
      // any score 0-100 is some set of right answers.
      for (size_t q = 0; q < kPoints.size(); ++q) {
        sv1::Item* item = in.add_items();
        item->set_code(absl::StrCat("Q", q + 1));
        item->set_text(absl::StrCat("Soal ", q + 1));
        item->set_type(sv1::YES_NO);
        item->set_required(true);
        item->mutable_key()->add_correct_choices("ya");
        item->mutable_key()->set_points(kPoints[q]);
      }
      sv1::Instrument created;
      ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::CreateInstrument, ci, &created));
    }
  }
  const char* codes[] = {"M1", "M2", "M3", "I1", "I2", "I3", "F1", "F2", "F3", "P1", "P2", "P3"};
  const char* dims[] = {"materi", "instruktur", "fasilitas", "penyelenggaraan"};
  std::map<std::string, std::vector<double>> dim_answers;
  std::vector<std::vector<double>> items(12);
  std::vector<double> totals;
  const std::vector<double> pre = {45, 52, 38, 60, 55, 41, 48, 63, 50, 44};
  const std::vector<double> post = {70, 68, 59, 81, 77, 52, 73, 80, 66, 71};
  auto create = [&](sv1::CreateResponseRequest req) {
    req.set_parent("tenants/1504");
    sv1::Response out;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::CreateResponse, req, &out));
  };
  for (int i = 0; i < kN; ++i) {
    sv1::CreateResponseRequest req;
    req.set_response_id(absl::StrCat("reaksi-", i));
    sv1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/reaksi-peserta");
    r.set_cohort(kCohort);
    r.set_respondent_nip(NipOf(i));
    double total = 0;
    for (int j = 0; j < 12; ++j) {
      const int v = 2 + (i * 7 + j * 3 + (i * j) % 4) % 4;  // 2..5, correlated within a person
      sv1::Answer* a = r.add_answers();
      a->set_item(codes[j]);
      a->set_number(v);
      dim_answers[dims[j / 3]].push_back(v);
      items[j].push_back(v);
      total += v;
    }
    totals.push_back(total);
    create(req);
    for (int t = 0; t < 2; ++t) {
      sv1::CreateResponseRequest tr;
      tr.set_response_id(absl::StrCat(t ? "post-" : "pre-", i));
      sv1::Response& x = *tr.mutable_response();
      x.set_instrument(t ? "tenants/1504/instruments/post-pp" : "tenants/1504/instruments/pre-pp");
      x.set_cohort(kCohort);
      x.set_respondent_nip(NipOf(i));
      const std::vector<bool> right = RightAnswers(static_cast<int>(t ? post[i] : pre[i]));
      for (size_t q = 0; q < kPoints.size(); ++q) {
        sv1::Answer* a = x.add_answers();
        a->set_item(absl::StrCat("Q", q + 1));
        a->set_yes(right[q]);
      }
      create(tr);
    }
  }
  const int applied[] = {1, 1, 0, 1, 1, 1, 0, 1};  // 8 follow-ups, 6 applied
  std::vector<double> r1;
  for (int i = 0; i < 8; ++i) {
    sv1::CreateResponseRequest req;
    req.set_response_id(absl::StrCat("tl-", i));
    sv1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/tindak-lanjut-atasan");
    r.set_cohort(kCohort);
    r.set_respondent_nip(NipOf(kN));
    r.set_subject_nip(NipOf(i));
    *r.mutable_submit_time() = Noon(absl::CivilDay(2026, 3, 25));  // the 30-day wave: days 15-44
    sv1::Answer* a = r.add_answers();
    a->set_item("DITERAPKAN");
    a->set_yes(applied[i] == 1);
    const int v = 2 + i % 3;
    r1.push_back(v);
    for (const char* code : {"R1", "R2", "R3", "R4"}) {
      sv1::Answer* b = r.add_answers();
      b->set_item(code);
      b->set_number(v);
    }
    create(req);
  }

  // --- Complaints: 90-day windows before the start (2025-12-02..2026-03-01)
  // and after the end (2026-03-07..2026-06-04).
  const std::map<std::string, std::pair<int, int>> counts = {
      {"disdukcapil", {30, 12}}, {"dpmptsp", {24, 10}}, {"dinsos", {20, 19}}, {"dinkes", {18, 18}},
      {"bappeda", {10, 11}}};
  int id = 0;
  for (const auto& [unit, c] : counts) {
    for (int k = 0; k < c.first + c.second; ++k) {
      cv1::RecordComplaintUpdateRequest req;
      req.set_parent("tenants/1504");
      req.set_complaint_id(absl::StrCat("LAPOR-", ++id));
      req.set_unit("tenants/1504/units/" + unit);
      req.set_classification(cv1::PENGADUAN);
      req.set_category("pelayanan");
      req.set_title("Keluhan layanan");
      req.set_status(cv1::RECEIVED);
      const absl::CivilDay day = k < c.first ? absl::CivilDay(2025, 12, 2) + (k * 89) / std::max(1, c.first - 1)
                                             : absl::CivilDay(2026, 3, 7) + ((k - c.first) * 89) / std::max(1, c.second - 1);
      *req.mutable_time() = Noon(day);
      cv1::Complaint out;
      ASSERT_RPC(Call(complaint_stub_.get(), &cv1::ComplaintService::Stub::RecordComplaintUpdate, req, &out));
    }
  }

  // --- SKM (PermenPANRB 14/2017): six respondents per unit in each window
  // (SKM surveys since December 2025, so both windows are covered),
  // recorded with the complaint service; the trained units improve more.
  std::map<std::string, std::pair<double, double>> ikm;  // unit -> IKM before, after (25-100)
  // The standard error of each unit window's IKM, recomputed here: sd of
  // the respondents' converted scores / sqrt(6), finite population
  // corrected with N = 3000 x 90 / 30.4375 service users.
  std::map<std::string, std::pair<double, double>> ikm_se;
  const double population = std::llround(kVolume * 90 / 30.4375);
  for (size_t u = 0; u < units.size(); ++u) {
    const bool treated = units[u] == "disdukcapil" || units[u] == "dpmptsp";
    for (int w = 0; w < 2; ++w) {
      double sum = 0;  // Σ over respondents and elements
      std::vector<double> scores;
      for (int k = 0; k < 6; ++k) {
        cv1::RecordSatisfactionResponseRequest sr;
        sr.set_parent("tenants/1504");
        cv1::SatisfactionResponse& x = *sr.mutable_response();
        x.set_name(absl::StrCat("tenants/1504/responses/skm-", units[u], "-", w, "-", k));
        x.set_unit("tenants/1504/units/" + units[u]);
        *x.mutable_time() = Noon(w == 0 ? absl::CivilDay(2025, 12, 10) + k : absl::CivilDay(2026, 4, 10) + k);
        double own = 0;
        for (int e = 0; e < 9; ++e) {
          // 2..3 before; after, trained units mostly 3..4, others unchanged.
          int v = 2 + (k + e + static_cast<int>(u)) % 2;
          if (w == 1 && treated) v = std::min(4, v + ((k + e) % 3 != 0 ? 1 : 0));
          x.add_scores(v);
          sum += v;
          own += v;
        }
        scores.push_back(own / 9 * 25);
        cv1::RecordSatisfactionResponseResponse out;
        ASSERT_RPC(Call(complaint_stub_.get(), &cv1::ComplaintService::Stub::RecordSatisfactionResponse, sr, &out));
      }
      // IKM = Σ NRR / 9 x 25 with NRR = element sum / 6 respondents.
      const double value = sum / 6 / 9 * 25;
      const double se = std::sqrt(Var(scores) / 6) * std::sqrt((population - 6) / (population - 1));
      (w == 0 ? ikm[units[u]].first : ikm[units[u]].second) = value;
      (w == 0 ? ikm_se[units[u]].first : ikm_se[units[u]].second) = se;
    }
  }

  // --- Observations with free-text notes about five participants.
  const std::vector<std::string> notes = {
      "Antrean di loket lebih tertib setelah pelatihan", "Petugas menjelaskan persyaratan dengan jelas",
      "Antrean berkurang, arsip tertata", "Loket buka tepat waktu; antrean pendek",
      "Petugas ramah dan arsip rapi"};
  for (int i = 0; i < 5; ++i) {
    sv1::CreateResponseRequest req;
    req.set_response_id(absl::StrCat("obs-", i));
    sv1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/observasi-kinerja");
    r.set_cohort(kCohort);
    r.set_subject_nip(NipOf(i));
    *r.mutable_submit_time() = Noon(absl::CivilDay(2026, 4, 1) + i);
    for (const char* code : {"O1", "O2", "O3", "O4"}) {
      sv1::Answer* a = r.add_answers();
      a->set_item(code);
      a->set_number(3);
    }
    r1.push_back(3);  // O1 is a "teknis" rubric item too: it pools with the follow-up's R1
    sv1::Answer* f = r.add_answers();
    f->set_item("FREKUENSI");
    f->set_choice("sering");
    sv1::Answer* a = r.add_answers();
    a->set_item("CATATAN");
    a->set_text(notes[i]);
    create(req);
  }

  // --- The report, over gRPC.
  v1::GetEvaluationRequest req;
  req.set_name(absl::StrCat(kCohort, "/evaluation"));
  v1::Evaluation ev;
  ASSERT_RPC(Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetEvaluation, req, &ev));
  EXPECT_EQ(ev.enrolled(), kN);
  EXPECT_EQ(ev.completed(), 8);

  // L1: per dimension (mean - 1) / 4 x 100 on the 1-5 scale.
  ASSERT_EQ(ev.reaction().dimensions_size(), 4);
  for (const auto& d : ev.reaction().dimensions()) {
    const auto& xs = dim_answers[d.dimension()];
    EXPECT_NEAR(d.score().value(), (Mean(xs) - 1) / 4 * 100, 1e-9) << d.dimension();
    EXPECT_EQ(d.score().inputs().at("n"), 30);
  }
  EXPECT_NEAR(ev.reaction().response_rate().value(), 1.0, 1e-12);
  double sum_var = 0;
  for (const auto& col : items) sum_var += Var(col);
  EXPECT_NEAR(ev.reaction().cronbach_alpha().value(), 12.0 / 11 * (1 - sum_var / Var(totals)), 1e-9);

  // L2.
  std::vector<double> d;
  for (int i = 0; i < kN; ++i) d.push_back(post[i] - pre[i]);
  const double t = Mean(d) / std::sqrt(Var(d) / kN);
  boost::math::students_t dist(kN - 1);
  const double p = 2 * boost::math::cdf(boost::math::complement(dist, std::fabs(t)));
  EXPECT_EQ(ev.learning().pairs().value(), kN);
  EXPECT_NEAR(ev.learning().mean_pre().value(), Mean(pre), 1e-9);
  EXPECT_NEAR(ev.learning().mean_post().value(), Mean(post), 1e-9);
  const double g = (Mean(post) - Mean(pre)) / (100 - Mean(pre));
  EXPECT_NEAR(ev.learning().normalised_gain().value(), g, 1e-9);
  EXPECT_EQ(ev.learning().gain_band(), "medium");
  EXPECT_NEAR(ev.learning().t().value(), t, 1e-9);
  EXPECT_NEAR(ev.learning().p_value().value(), p, 1e-12);
  EXPECT_NEAR(ev.learning().cohens_dz().value(), Mean(d) / std::sqrt(Var(d)), 1e-9);

  // L3.
  EXPECT_NEAR(ev.behaviour().applied_share().value(), 6.0 / 8, 1e-12);
  EXPECT_NEAR(ev.behaviour().scrap_learning_rate().value(), 2.0 / 8, 1e-12);
  EXPECT_NEAR(ev.behaviour().response_rate().value(), 8.0 / kN, 1e-12);
  bool saw_teknis = false;
  for (const auto& c : ev.behaviour().rubric()) {
    if (c.competency() != "teknis") continue;
    saw_teknis = true;
    EXPECT_NEAR(c.score().value(), (Mean(r1) - 1) / 3 * 100, 1e-9);
  }
  EXPECT_TRUE(saw_teknis);

  // L4: pooled Poisson rates per 1,000 transactions, 90-day windows.
  const double E = kVolume * 90 / 30.4375;  // transactions of one unit in a window
  const double tb = 54 / (2 * E) * 1000, ta = 22 / (2 * E) * 1000;
  const double cb = 48 / (3 * E) * 1000, ca = 48 / (3 * E) * 1000;
  const double did = (ta - tb) - (ca - cb);
  const double se = std::sqrt(54 / std::pow(2 * E, 2) + 22 / std::pow(2 * E, 2) + 48 / std::pow(3 * E, 2) +
                              48 / std::pow(3 * E, 2)) * 1000;
  ASSERT_FALSE(ev.results().complaint_rate_did().withheld()) << ev.results().complaint_rate_did().reason();
  EXPECT_EQ(ev.results().treated_units_size(), 2);
  EXPECT_EQ(ev.results().control_unit_count(), 3);
  EXPECT_NEAR(ev.results().complaint_rate_did().value(), did, 1e-6);
  EXPECT_NEAR(ev.results().complaint_rate_did().ci_high(), did + 1.959964 * se, 1e-4);
  EXPECT_LT(ev.results().complaint_rate_did().ci_high(), 0);
  EXPECT_NE(ev.results().conclusion().find("Complaints fell"), std::string::npos) << ev.results().conclusion();
  // IKM: respondent-weighted (here equal: 6 each) means of the units' IKM.
  const double itb = (ikm["disdukcapil"].first + ikm["dpmptsp"].first) / 2;
  const double ita = (ikm["disdukcapil"].second + ikm["dpmptsp"].second) / 2;
  const double icb = (ikm["dinsos"].first + ikm["dinkes"].first + ikm["bappeda"].first) / 3;
  const double ica = (ikm["dinsos"].second + ikm["dinkes"].second + ikm["bappeda"].second) / 3;
  const auto& ikm_did = ev.results().ikm_did();
  ASSERT_FALSE(ikm_did.withheld()) << ikm_did.reason();
  EXPECT_NEAR(ikm_did.value(), (ita - itb) - (ica - icb), 1e-9);
  EXPECT_GT(ikm_did.value(), 0);
  EXPECT_NEAR(ikm_did.inputs().at("treated_before"), itb, 1e-9);
  EXPECT_NEAR(ikm_did.inputs().at("control_after"), ica, 1e-9);
  EXPECT_EQ(ikm_did.inputs().at("treated_after_respondents"), 12);
  EXPECT_EQ(ikm_did.inputs().at("control_before_respondents"), 18);
  ASSERT_TRUE(ikm_did.has_interval());
  // One method for the interval: each group-window's variance is
  // Σ w_i² se_i² (equal weights here), the DiD's is their sum, and the 95 %
  // interval is ± 1.959964 se (not a t margin divided by z, ~3 % wider).
  auto group_var = [&](const std::vector<std::string>& us, bool after) {
    double v = 0;
    for (const auto& u : us) {
      const double se = after ? ikm_se[u].second : ikm_se[u].first;
      v += se * se / (us.size() * us.size());
    }
    return v;
  };
  const std::vector<std::string> treated_units = {"disdukcapil", "dpmptsp"},
                                 control_units = {"dinsos", "dinkes", "bappeda"};
  const double did_se = std::sqrt(group_var(treated_units, false) + group_var(treated_units, true) +
                                  group_var(control_units, false) + group_var(control_units, true));
  EXPECT_NEAR(ikm_did.ci_low(), ikm_did.value() - 1.959963984540054 * did_se, 1e-9);
  EXPECT_NEAR(ikm_did.ci_high(), ikm_did.value() + 1.959963984540054 * did_se, 1e-9);
  // And each unit's IKM carries the complaint service's t interval.
  const auto& t0 = ev.results().treated_units(0);
  const std::string u0 = t0.unit().substr(t0.unit().rfind('/') + 1);
  EXPECT_NEAR(t0.ikm_before().ci_high() - t0.ikm_before().value(), 2.570581835636314 * ikm_se[u0].first, 1e-9);
  EXPECT_NE(ev.results().conclusion().find("IKM"), std::string::npos) << ev.results().conclusion();
  for (const auto& u : ev.results().treated_units()) {
    const std::string id = u.unit().substr(u.unit().rfind('/') + 1);
    EXPECT_NEAR(u.ikm_before().value(), ikm[id].first, 1e-9) << id;
    EXPECT_NEAR(u.ikm_after().value(), ikm[id].second, 1e-9) << id;
  }

  // Free text of the observations: 5 answers (= min n), terms counted here
  // by answers containing them, and the 3 most recent notes for organisers.
  ASSERT_EQ(ev.behaviour().text_answers_size(), 1);
  const auto& text = ev.behaviour().text_answers(0);
  EXPECT_EQ(text.item(), "CATATAN");
  EXPECT_EQ(text.kind(), "observation");
  EXPECT_EQ(text.n(), 5);
  ASSERT_FALSE(text.withheld()) << text.reason();
  int antrean = 0;
  for (const auto& note : notes) antrean += note.find("ntrean") != std::string::npos;
  ASSERT_GE(text.top_terms_size(), 1);
  EXPECT_EQ(text.top_terms(0).term(), "antrean");
  EXPECT_EQ(text.top_terms(0).answers(), antrean);
  ASSERT_EQ(text.excerpts_size(), 3);
  EXPECT_EQ(text.excerpts(0), notes[4]);
  EXPECT_EQ(text.excerpts(2), notes[2]);

  // Cost.
  EXPECT_NEAR(ev.cost().total().value(), 2'500'000.0 * kN, 1e-6);
  EXPECT_NEAR(ev.cost().per_completed().value(), 2'500'000.0 * kN / 8, 1e-6);
  EXPECT_NEAR(ev.cost().per_jp().value(), 2'500'000.0 / 30, 1e-6);
  EXPECT_NEAR(ev.cost().per_gain_point().value(), 2'500'000.0 / (100 * g), 1e-6);
  // Composite with the default weights.
  const double l1 = ev.reaction().overall().value();
  const double l4 = std::clamp(50 - 50 * did / tb, 0.0, 100.0);
  EXPECT_NEAR(ev.composite().score().value(), 0.15 * l1 + 0.35 * 100 * g + 0.30 * 75 + 0.20 * l4, 1e-6);

  // Roll-up per unit through the real services: the participants' pairs
  // from the survey service's listing, attributed by their enrolment unit.
  {
    v1::RollUpEvaluationsRequest ru;
    ru.set_parent("tenants/1504");
    ru.set_year(2026);
    ru.set_group_by(v1::RollUpEvaluationsRequest::UNIT);
    v1::RollUpEvaluationsResponse out;
    ASSERT_RPC(Call(scoring_stub_.get(), &v1::ScoringService::Stub::RollUpEvaluations, ru, &out));
    ASSERT_EQ(out.rows_size(), 2);
    for (const auto& row : out.rows()) {
      const bool odd = row.group() == "tenants/1504/units/dpmptsp";
      double spre = 0, spost = 0;
      int k = 0, answered = 0;
      for (int i = 0; i < kN; ++i) {
        if ((i % 2 == 1) != odd) continue;
        spre += pre[i] / 100;
        spost += post[i] / 100;
        ++k;
        if (i < 8) ++answered;
      }
      SCOPED_TRACE(row.group());
      EXPECT_EQ(row.title(), odd ? "Unit dpmptsp" : "Unit disdukcapil");
      EXPECT_EQ(row.participants(), k);
      EXPECT_EQ(row.pairs().value(), k);
      EXPECT_NEAR(row.normalised_gain().value(), (spost / k - spre / k) / (1 - spre / k), 1e-9);
      // The default reaction survey is anonymous: not attributable to units.
      EXPECT_TRUE(row.reaction().withheld());
      EXPECT_NE(row.reaction().reason().find("anonymous"), std::string::npos) << row.reaction().reason();
      EXPECT_EQ(row.applied_share().n(), answered);
      EXPECT_TRUE(row.applied_share().withheld());  // 4 follow-ups per unit
      EXPECT_NEAR(row.cost_per_participant().value(), 2'500'000, 1e-6);
    }
  }

  // An instructor of another cohort is refused; the cohort's own is not.
  {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"1504", "instructor", "Dra. Sri Wahyuni"});
    v1::Evaluation denied;
    EXPECT_EQ(scoring_stub_->GetEvaluation(&ctx, req, &denied).error_code(), grpc::StatusCode::PERMISSION_DENIED);
    grpc::ClientContext ctx2;
    AttachCaller(ctx2, Caller{"1504", "instructor", "Drs. Budi Santoso"});
    v1::Evaluation own;
    ASSERT_TRUE(scoring_stub_->GetEvaluation(&ctx2, req, &own).ok());
    EXPECT_EQ(own.behaviour().text_answers(0).excerpts_size(), 0);  // excerpts are for organisers
    EXPECT_EQ(own.behaviour().text_answers(0).n(), 5);
  }

  // A second read is served from the cache.
  v1::Evaluation again;
  ASSERT_RPC(Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetEvaluation, req, &again));
  EXPECT_TRUE(again.cached());
  EXPECT_EQ(again.composite().score().value(), ev.composite().score().value());
}

// The L2 distribution: the pairs' scores in ten bands of 0-100, from the
// real survey service's pair records, against bands counted here from the
// raw scores.  The pre-test is out of 50 and the post-test out of 100, so
// each is scaled by its own maximum; a participant with only a pre-test is
// not a pair; a cohort of 4 pairs gets no bands at all.
TEST_F(ScoringEndToEndTest, ScoreDistributionCountsThePairsPerBand) {
  CreateUnit("1504", "dukcapil", 1000);
  const std::string program = "tenants/1504/programs/dist";
  CreateProgram("1504", "dist", 0);
  CreateCohort(program, "a1", absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 6), {});
  CreateCohort(program, "a2", absl::CivilDay(2026, 4, 6), absl::CivilDay(2026, 4, 10), {});
  const std::string big = program + "/cohorts/a1", small = program + "/cohorts/a2";
  // Yes/no questions worth 1, 2, 4, ... points: any score up to the
  // maximum is some set of right answers.
  auto instrument = [&](const std::string& id, sv1::InstrumentKind kind, const std::vector<int>& points) {
    sv1::CreateInstrumentRequest ci;
    ci.set_parent("tenants/1504");
    ci.set_instrument_id(id);
    sv1::Instrument& in = *ci.mutable_instrument();
    in.set_title(id);
    in.set_kind(kind);
    if (kind == sv1::POSTTEST) in.set_pretest("tenants/1504/instruments/pre-d");
    for (size_t q = 0; q < points.size(); ++q) {
      sv1::Item* item = in.add_items();
      item->set_code(absl::StrCat("Q", q + 1));
      item->set_text(absl::StrCat("Soal ", q + 1));
      item->set_type(sv1::YES_NO);
      item->set_required(true);
      item->mutable_key()->add_correct_choices("ya");
      item->mutable_key()->set_points(points[q]);
    }
    sv1::Instrument created;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::CreateInstrument, ci, &created));
  };
  const std::vector<int> pre_points = {1, 2, 4, 8, 16, 19};          // maximum 50
  const std::vector<int> post_points = {1, 2, 4, 8, 16, 32, 37};     // maximum 100
  instrument("pre-d", sv1::PRETEST, pre_points);
  instrument("post-d", sv1::POSTTEST, post_points);
  auto answer = [&](const std::string& cohort, const std::string& id, bool post, int nip, int score) {
    const std::vector<int>& points = post ? post_points : pre_points;
    // Greedy from the largest question: exact for these point sets.
    std::vector<bool> right(points.size(), false);
    int rest = score;
    for (int q = static_cast<int>(points.size()) - 1; q >= 0; --q) {
      if (points[q] <= rest) {
        right[q] = true;
        rest -= points[q];
      }
    }
    ASSERT_EQ(rest, 0) << score;
    sv1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    sv1::Response& r = *req.mutable_response();
    r.set_instrument(post ? "tenants/1504/instruments/post-d" : "tenants/1504/instruments/pre-d");
    r.set_cohort(cohort);
    r.set_respondent_nip(NipOf(nip));
    for (size_t q = 0; q < points.size(); ++q) {
      sv1::Answer* a = r.add_answers();
      a->set_item(absl::StrCat("Q", q + 1));
      a->set_yes(right[q]);
    }
    sv1::Response out;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::CreateResponse, req, &out));
  };
  // Boundaries on purpose: 0, exactly 10 % (5 of 50), 49 of 50 (98 %),
  // 50 of 50 (100 %, the closed last band), 100 of 100, 9 of 100.
  const std::vector<int> pre = {0, 5, 4, 49, 50, 23, 31, 12, 40};     // of 50
  const std::vector<int> post = {9, 10, 55, 100, 99, 70, 61, 30, 90};  // of 100
  const int n = static_cast<int>(pre.size());
  for (int i = 0; i < n; ++i) {
    CreateEmployee("1504", NipOf(200 + i), "dukcapil");
    Enrol(big, NipOf(200 + i));
  }
  CreateEmployee("1504", NipOf(299), "dukcapil");
  Enrol(big, NipOf(299));
  for (int i = 0; i < n; ++i) {
    answer(big, absl::StrCat("pre-", i), false, 200 + i, pre[i]);
    answer(big, absl::StrCat("post-", i), true, 200 + i, post[i]);
  }
  answer(big, "pre-only", false, 299, 45);  // no post-test: not a pair
  // The independent count: band k holds 10k <= 100 x score / max < 10(k + 1),
  // 100 in band 9.
  auto band = [](double pct) { return pct >= 100 ? 9 : static_cast<int>(std::floor(pct / 10)); };
  std::vector<int64_t> want_pre(10, 0), want_post(10, 0);
  for (int i = 0; i < n; ++i) {
    ++want_pre[band(100.0 * pre[i] / 50)];
    ++want_post[band(100.0 * post[i] / 100)];
  }
  const v1::Evaluation ev = Evaluation(big, Organiser(), true);
  EXPECT_EQ(ev.learning().pairs().value(), n);
  const v1::ScoreDistribution& d = ev.learning().distribution();
  EXPECT_FALSE(d.withheld()) << d.reason();
  EXPECT_EQ(d.n(), n);
  ASSERT_EQ(d.bands_size(), 10);
  for (int k = 0; k < 10; ++k) {
    EXPECT_EQ(d.bands(k).lower(), 10 * k);
    EXPECT_EQ(d.bands(k).upper(), 10 * k + 10);
    EXPECT_EQ(d.bands(k).pre(), want_pre[k]) << "band " << k;
    EXPECT_EQ(d.bands(k).post(), want_post[k]) << "band " << k;
  }
  // Four pairs: withheld like the means, with no band.
  for (int i = 0; i < 4; ++i) {
    CreateEmployee("1504", NipOf(300 + i), "dukcapil");
    Enrol(small, NipOf(300 + i));
    answer(small, absl::StrCat("s-pre-", i), false, 300 + i, 10 + i);
    answer(small, absl::StrCat("s-post-", i), true, 300 + i, 50 + i);
  }
  const v1::Evaluation few = Evaluation(small, Organiser(), true);
  EXPECT_EQ(few.learning().pairs().value(), 4);
  EXPECT_TRUE(few.learning().mean_pre().withheld());
  EXPECT_TRUE(few.learning().distribution().withheld());
  EXPECT_EQ(few.learning().distribution().reason_code(), v1::BELOW_MIN_N);
  EXPECT_EQ(few.learning().distribution().n(), 4);
  EXPECT_EQ(few.learning().distribution().bands_size(), 0);
}

}  // namespace
}  // namespace pelita::scoring
