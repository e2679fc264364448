// ReportLogic with in-memory sources: every document rendered and read
// back with Debian's tools (pdftotext, pdfinfo, pdftoppm, openpyxl).  The
// same documents from the real services with the demo data are checked in
// tests/demo (DemoTest.DocumentsCarryTheApisFigures).
#include "services/report/report.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "lib/status/status.h"
#include "services/report/analysis_export.h"
#include "services/report/certificate.h"
#include "services/report/doc_tools.h"
#include "services/report/evaluation_report.h"
#include "services/report/sample_evaluation.h"
#include "services/report/text.h"
#include "services/report/xlsx.h"

namespace pelita::report {
namespace {

namespace ev1 = ::pelita::enrolment::v1;
namespace sv1 = ::pelita::scoring::v1;

constexpr char kCohort[] = "tenants/1504/programs/adm-2026/cohorts/angkatan-1";
constexpr char kNip[] = "198503152010011001";

class FakeSources : public ReportSources {
 public:
  FakeSources() {
    tenant_.set_name("tenants/1504");
    tenant_.set_display_name("Kabupaten Batang Hari");
    tenant_.set_time_zone("Asia/Jakarta");
    tenant_.mutable_settings()->mutable_certificate_signatory()->set_title("Kepala BKPSDM Kabupaten Batang Hari");
    tenant_.mutable_settings()->mutable_certificate_signatory()->set_full_name("Drs. H. Ahmad Fauzi, M.Si.");
    cohort_.set_name(kCohort);
    cohort_.set_display_name("Angkatan I");
    cohort_.mutable_start_date()->set_year(2026);
    cohort_.mutable_start_date()->set_month(3);
    cohort_.mutable_start_date()->set_day(2);
    cohort_.mutable_end_date()->set_year(2026);
    cohort_.mutable_end_date()->set_month(3);
    cohort_.mutable_end_date()->set_day(6);
    program_.set_name("tenants/1504/programs/adm-2026");
    program_.set_title("Administrasi Perkantoran Modern");
    program_.set_jp(32);
    program_.set_year(2026);
    AddPerson(kNip, "Siti Rahmawati, S.Kom.", ev1::Enrolment::COMPLETED, "BKPSDM-BH/2026/0001");
    AddPerson("199001012015032002", "Budi Santoso", ev1::Enrolment::COMPLETED, "BKPSDM-BH/2026/0002");
    AddPerson("198807072012121003", "Dewi Lestari", ev1::Enrolment::COMPLETED, "BKPSDM-BH/2026/0003");
    AddPerson("199212122019031004", "Rudi Hartono", ev1::Enrolment::ENROLLED, "");
    evaluation_ = testing::SampleEvaluation();
    instrument_.set_name("tenants/1504/instruments/observasi");
    for (const char* code : {"O1", "CATATAN"}) instrument_.add_items()->set_code(code);
    for (int i = 0; i < 2500; ++i) {
      pelita::survey::v1::Response r;
      r.set_name(absl::StrCat("tenants/1504/responses/r", i));
      r.set_instrument_version(1);
      r.set_unit("tenants/1504/units/dinkes");
      r.set_respondent_nip("198001012005011001");
      r.set_subject_nip(absl::StrFormat("1990010120150110%02d", i % 100));
      r.mutable_submit_time()->set_seconds(1773100000 + i);
      auto* a = r.add_answers();
      a->set_item("O1");
      a->set_number(1 + i % 4);
      auto* t = r.add_answers();
      t->set_item("CATATAN");
      t->set_text(i == 0 ? "=HYPERLINK(\"http://x\")" : "Antrean tertib");
      if (i == 1) r.set_replaced_by("tenants/1504/responses/r2");  // replaced: not a row
      responses_.push_back(r);
    }
    satisfaction_.set_unit("tenants/1504/units/disdukcapil");
    satisfaction_.mutable_start_date()->set_year(2026);
    satisfaction_.mutable_start_date()->set_month(1);
    satisfaction_.mutable_start_date()->set_day(1);
    satisfaction_.mutable_end_date()->set_year(2026);
    satisfaction_.mutable_end_date()->set_month(6);
    satisfaction_.mutable_end_date()->set_day(30);
    satisfaction_.set_respondents(412);
    satisfaction_.set_population(36000);
    satisfaction_.set_recommended_sample_size(380);
    satisfaction_.set_margin_of_error_pct(4.8);
    const double nrr[] = {3.21, 3.05, 2.88, 3.62, 3.14, 3.33, 3.41, 2.97, 3.08};
    double sum = 0;
    for (int i = 0; i < 9; ++i) {
      auto* e = satisfaction_.add_elements();
      e->set_element(absl::StrCat("U", i + 1));
      e->set_respondents(412 - i);
      e->set_nrr(nrr[i]);
      sum += nrr[i];
    }
    satisfaction_.set_ikm(sum / 9);
    satisfaction_.set_ikm_converted(sum / 9 * 25);
    satisfaction_.set_ikm_converted_rounded(80.97);
    satisfaction_.set_ikm_margin(1.1);
    satisfaction_.set_category("B");
    satisfaction_.set_category_label("Baik");
  }

  void AddPerson(const std::string& nip, const std::string& name, ev1::Enrolment::State state,
                 const std::string& number) {
    ev1::Enrolment e;
    e.set_name(absl::StrCat(kCohort, "/enrolments/", nip));
    e.set_employee(absl::StrCat("tenants/1504/employees/", nip));
    e.set_state(state);
    e.set_certificate_number(number);
    e.mutable_complete_time()->set_seconds(1773100000);  // 10 March 2026
    enrolments_[e.name()] = e;
    ev1::Employee p;
    p.set_name(e.employee());
    p.set_nip(nip);
    p.set_full_name(name);
    employees_[p.name()] = p;
  }

  absl::StatusOr<sv1::Evaluation> GetEvaluation(const Caller& caller, const std::string& name) override {
    evaluation_callers.push_back(caller);
    if (name != absl::StrCat(kCohort, "/evaluation")) return absl::NotFoundError("no such cohort");
    return evaluation_;
  }
  absl::StatusOr<ev1::Cohort> GetCohort(const Caller&, const std::string& name) override {
    if (name != kCohort) return absl::NotFoundError("no such cohort");
    return cohort_;
  }
  absl::StatusOr<ev1::Program> GetProgram(const Caller&, const std::string& name) override {
    if (name != program_.name()) return absl::NotFoundError("no such programme");
    return program_;
  }
  absl::StatusOr<ev1::Enrolment> GetEnrolment(const Caller&, const std::string& name) override {
    auto it = enrolments_.find(name);
    if (it == enrolments_.end()) return absl::NotFoundError("no such enrolment");
    return it->second;
  }
  absl::StatusOr<ev1::Employee> GetEmployee(const Caller&, const std::string& name) override {
    auto it = employees_.find(name);
    if (it == employees_.end()) return absl::NotFoundError("no such employee");
    return it->second;
  }
  absl::StatusOr<std::vector<ev1::Cohort>> ListCohorts(const Caller&, const std::string& program) override {
    if (program != program_.name()) return absl::NotFoundError("no such programme");
    return std::vector<ev1::Cohort>{cohort_};
  }
  absl::StatusOr<sv1::RollUpEvaluationsResponse> RollUpEvaluations(const Caller& caller,
                                                                   const sv1::RollUpEvaluationsRequest& r) override {
    evaluation_callers.push_back(caller);
    rollup_requests.push_back(r);
    if (rollup_answer.has_value()) return *rollup_answer;
    sv1::RollUpEvaluationsResponse out;
    out.set_year(r.year());
    out.set_min_n(5);
    auto* row = out.add_rows();
    row->set_group(program_.name());
    row->set_cohorts(1);
    row->set_participants(24);
    *row->mutable_reaction() = evaluation_.reaction().overall();
    *row->mutable_normalised_gain() = evaluation_.learning().normalised_gain();
    *row->mutable_applied_share() = evaluation_.behaviour().applied_share();
    *row->mutable_complaint_rate_did() = evaluation_.results().complaint_rate_did();
    *row->mutable_ikm_did() = evaluation_.results().ikm_did();
    *row->mutable_cost_per_participant() = evaluation_.cost().per_participant();
    *row->mutable_composite() = evaluation_.composite().score();
    return out;
  }
  absl::StatusOr<std::vector<ev1::Enrolment>> ListEnrolments(const Caller&, const std::string& cohort) override {
    if (cohort != kCohort) return absl::NotFoundError("no such cohort");
    std::vector<ev1::Enrolment> out;
    for (const auto& [k, v] : enrolments_) out.push_back(v);
    return out;
  }
  absl::StatusOr<pelita::complaint::v1::Satisfaction> GetSatisfaction(
      const Caller& caller, const pelita::complaint::v1::GetSatisfactionRequest& r) override {
    satisfaction_callers.push_back(caller);
    if (r.name() != "tenants/1504/units/disdukcapil/satisfaction") return absl::NotFoundError("no such unit");
    return satisfaction_;
  }
  absl::StatusOr<pelita::survey::v1::Instrument> GetInstrument(const Caller&, const std::string& name) override {
    if (name == "tenants/1504/instruments/skm-permenpanrb-14-2017") {
      pelita::survey::v1::Instrument skm;
      skm.set_name(name);
      auto choice = [&](const char* code, const char* text, std::vector<std::pair<const char*, const char*>> cs) {
        auto* item = skm.add_items();
        item->set_code(code);
        item->set_text(text);
        item->set_type(pelita::survey::v1::SINGLE_CHOICE);
        for (const auto& [c, t] : cs) {
          auto* ch = item->add_choices();
          ch->set_code(c);
          ch->set_text(t);
        }
      };
      skm.add_items()->set_code("U1");
      choice("JK", "Jenis kelamin", {{"laki-laki", "Laki-laki"}, {"perempuan", "Perempuan"}});
      choice("USIA", "Usia", {{"di-bawah-25", "Di bawah 25 tahun"}, {"25-34", "25–34 tahun"}});
      return skm;
    }
    if (name != instrument_.name()) return absl::NotFoundError("no such instrument");
    return instrument_;
  }
  // `responses_` in pages of the request's size, as the survey service pages.
  absl::StatusOr<pelita::survey::v1::ListCohortResponsesResponse> ListCohortResponses(
      const Caller&, const pelita::survey::v1::ListCohortResponsesRequest& r) override {
    ++pages_read;
    size_t start = r.page_token().empty() ? 0 : std::stoul(r.page_token());
    pelita::survey::v1::ListCohortResponsesResponse out;
    for (size_t i = start; i < responses_.size() && i < start + static_cast<size_t>(r.page_size()); ++i) {
      *out.add_responses() = responses_[i];
    }
    if (start + r.page_size() < responses_.size()) out.set_next_page_token(absl::StrCat(start + r.page_size()));
    return out;
  }
  // Two months of the form's answers: the profile's counts.
  absl::StatusOr<pelita::survey::v1::SkmAggregates> GetSkmAggregates(
      const Caller& caller, const pelita::survey::v1::GetSkmAggregatesRequest& r) override {
    skm_requests.push_back(r);
    if (!skm_available) return absl::UnavailableError("survey is down");
    pelita::survey::v1::SkmAggregates out;
    out.set_unit("tenants/1504/units/disdukcapil");
    for (int m = 0; m < 2; ++m) {
      auto* p = out.add_periods();
      p->set_period(absl::StrCat("2026-0", m + 1));
      p->set_response_count(100);
      auto* jk = p->add_profile();
      jk->set_item("JK");
      jk->set_n(90);
      (*jk->mutable_choice_counts())["laki-laki"] = 40 + m;
      (*jk->mutable_choice_counts())["perempuan"] = 50 - m;
      auto* usia = p->add_profile();
      usia->set_item("USIA");
      usia->set_n(2);
      (*usia->mutable_choice_counts())["25-34"] = 2;
    }
    return out;
  }
  absl::StatusOr<ev1::Unit> GetUnit(const Caller&, const std::string& name) override {
    ev1::Unit u;
    u.set_name(name);
    u.set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
    return u;
  }
  absl::StatusOr<std::vector<ev1::Unit>> ListUnits(const Caller&) override {
    ev1::Unit u;
    u.set_name("tenants/1504/units/disdukcapil");
    u.set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
    ev1::Unit d;
    d.set_name("tenants/1504/units/dinkes");
    d.set_display_name("Dinas Kesehatan");
    return std::vector<ev1::Unit>{u, d};
  }
  absl::StatusOr<tenant::v1::Tenant> GetTenant(const std::string& code) override {
    if (auto it = other_tenants.find(code); it != other_tenants.end()) {
      tenant::v1::Tenant t;
      t.set_name(absl::StrCat("tenants/", code));
      t.set_display_name(it->second);
      return t;
    }
    if (code != "1504") return absl::NotFoundError("unknown tenant");
    return tenant_;
  }
  // The analysis pages' answers (set by the tests), recording who asked.
  absl::StatusOr<sv1::RankProgramsResponse> RankPrograms(const Caller& caller,
                                                         const sv1::RankProgramsRequest& r) override {
    evaluation_callers.push_back(caller);
    ranking_requests.push_back(r);
    return ranking_answer;
  }
  absl::StatusOr<sv1::ProvinceBenchmark> GetProvinceBenchmark(const Caller& caller,
                                                              const sv1::GetProvinceBenchmarkRequest& r) override {
    evaluation_callers.push_back(caller);
    benchmark_requests.push_back(r);
    if (!benchmark_status.ok()) return benchmark_status;
    return benchmark_answer;
  }
  absl::StatusOr<sv1::ScoringSettings> GetScoringSettings(const Caller&, const std::string& name) override {
    if (name != "tenants/1504/scoringSettings") return absl::NotFoundError("no such settings");
    sv1::ScoringSettings s;
    s.set_name(name);
    s.set_min_n(7);
    return s;
  }

  sv1::Evaluation evaluation_;
  std::vector<Caller> evaluation_callers;
  std::optional<sv1::RollUpEvaluationsResponse> rollup_answer;
  std::vector<sv1::RollUpEvaluationsRequest> rollup_requests;
  sv1::RankProgramsResponse ranking_answer;
  std::vector<sv1::RankProgramsRequest> ranking_requests;
  sv1::ProvinceBenchmark benchmark_answer;
  absl::Status benchmark_status;
  std::vector<sv1::GetProvinceBenchmarkRequest> benchmark_requests;
  std::map<std::string, std::string> other_tenants;
  pelita::complaint::v1::Satisfaction satisfaction_;
  pelita::survey::v1::Instrument instrument_;
  std::vector<pelita::survey::v1::Response> responses_;
  int pages_read = 0;
  std::vector<Caller> satisfaction_callers;
  std::vector<pelita::survey::v1::GetSkmAggregatesRequest> skm_requests;
  bool skm_available = true;
  tenant::v1::Tenant tenant_;
  ev1::Cohort cohort_;
  ev1::Program program_;
  std::map<std::string, ev1::Enrolment> enrolments_;
  std::map<std::string, ev1::Employee> employees_;
};

std::string Artefact(const std::string& name) {
  const std::string dir = PELITA_REPORT_ARTEFACTS;
  mkdir(dir.c_str(), 0755);
  return absl::StrCat(dir, "/", name);
}

using testing::Squeeze;

// The text without its spaces and line breaks, to find a table cell's text
// in however many lines the cell wraps it.
std::string NoSpaces(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n') out.push_back(c);
  }
  return out;
}

// Scoring's English, which the report must not print: words of its
// formulas (services/scoring/*.cc) and of the sample's.
const std::vector<std::string>& ScoringsEnglish() {
  static const auto* words = new std::vector<std::string>{
      "interval over answers", "participants", "enrolled",     "weighted mean", "standard error",
      "cohorts'",              "eligible",     "treated",      "control_",      "transactions",
      "complaints",            "Assumptions",  "window_days",  "pairs",         "benefit",
      "applied",               "mean of",      "sum_",         "total_cost",    "Wilson 95% interval",
      "normal interval"};
  return *words;
}

class ReportTest : public ::testing::Test {
 protected:
  ReportTest() : logic_(&sources_, Options()) {}
  static ReportLogic::Options Options() {
    ReportLogic::Options o;
    o.verify_url = "https://pelita.batanghari.go.id/verifikasi";
    o.now = [] { return absl::FromUnixSeconds(1796274000); };  // 3 Dec 2026 05:00 UTC
    return o;
  }
  FakeSources sources_;
  ReportLogic logic_;
  const Caller organiser_{"1504", "organiser", "org-1"};
};

TEST_F(ReportTest, TheEvaluationPdfHasEveryHeadingAndTheApisFigures) {
  v1::GetEvaluationReportRequest req;
  req.set_name(absl::StrCat(kCohort, "/evaluation"));
  auto doc = logic_.GetEvaluationReport(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->content_type(), "application/pdf");
  EXPECT_EQ(doc->filename(), "laporan-evaluasi-adm-2026-angkatan-1.pdf");
  EXPECT_LT(doc->data().size(), 2u << 20);
  // The caller is forwarded to scoring, which applies its reach.
  ASSERT_EQ(sources_.evaluation_callers.size(), 1u);
  EXPECT_EQ(sources_.evaluation_callers[0].role, "organiser");

  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string t = Squeeze(*text);
  for (const char* heading :
       {"Laporan Evaluasi Pelatihan", "Administrasi Perkantoran Modern", "Kabupaten Batang Hari", "Ringkasan",
        "Level 1 — Reaksi peserta", "Level 2 — Pembelajaran", "Level 3 — Perilaku di tempat kerja",
        "Level 4 — Hasil bagi layanan publik", "Biaya dan ROI", "Skor gabungan", "Lampiran — Metode",
        "2 Maret 2026 – 6 Maret 2026", "3 Desember 2026 12.00", "Halaman 2"}) {
    EXPECT_TRUE(absl::StrContains(t, heading)) << heading;
  }
  // Every shown figure as the API gives it, formatted; every withheld one
  // with its reason in Indonesian, never scoring's English text.
  for (const FigureLine& l : EvaluationFigures(sources_.evaluation_, {})) {
    if (l.figure.withheld()) continue;
    EXPECT_TRUE(absl::StrContains(t, FigureValueText(l.figure, l.kind))) << l.label;
  }
  EXPECT_TRUE(absl::StrContains(t, "78,4")) << "the overall L1 score";
  EXPECT_TRUE(absl::StrContains(t, "Rp 96.000.000"));
  EXPECT_TRUE(absl::StrContains(t, "Dinas Kependudukan dan Pencatatan Sipil"));
  EXPECT_TRUE(absl::StrContains(t, Squeeze(ReasonText(sv1::BELOW_MIN_N))));
  EXPECT_TRUE(absl::StrContains(t, Squeeze(ReasonText(sv1::NO_BENEFIT_ESTIMATE))));
  EXPECT_TRUE(absl::StrContains(t, "Belum menunjukkan efek"));
  EXPECT_FALSE(absl::StrContains(t, "english text"));
  // The sentence a reader wants (issue 18), and the SKP change.
  // (The line may break inside "selisih-dalam-selisih".)
  EXPECT_TRUE(absl::StrContains(
      t, Squeeze("Tingkat kesalahan pengolahan dokumen di unit peserta turun dari 6,1% menjadi 3,4% (selisih-")))
      << t.substr(0, 3000);
  EXPECT_TRUE(absl::StrContains(t, Squeeze("-2,10 poin, IK 95% -3,00 s.d. -1,20) dibanding unit pembanding.")));
  EXPECT_TRUE(absl::StrContains(t, Squeeze("Waktu proses rata-rata di unit peserta turun dari 38,5 jam menjadi 24,0 jam")));
  EXPECT_TRUE(absl::StrContains(t, Squeeze("Predikat kinerja (SKP) peserta naik pada 45,0%")));
  EXPECT_TRUE(absl::StrContains(t, "Kinerja layanan: unit dalam perhitungan"));
  // The summary says what worked and what cannot yet be judged.
  EXPECT_TRUE(absl::StrContains(t, "Yang berhasil:"));
  EXPECT_TRUE(absl::StrContains(t, "Belum dapat dinilai:"));

  auto pages = testing::PdfPages(doc->data());
  ASSERT_TRUE(pages.ok()) << pages.status();
  EXPECT_GE(*pages, 4);
  std::ofstream(Artefact("laporan-evaluasi.pdf"), std::ios::binary) << doc->data();
  auto rendered = testing::RenderPages(doc->data(), Artefact("laporan-evaluasi-page1.png"));
  ASSERT_TRUE(rendered.ok()) << rendered.status();
  EXPECT_EQ(*rendered, *pages);
}

// --- The analysis pages as workbooks (analysis.cc) ---------------------

sv1::Figure ShownFigure(double value, int64_t n) {
  sv1::Figure f;
  f.set_value(value);
  f.set_n(n);
  return f;
}
sv1::Figure FigureWithInterval(sv1::Figure f, double low, double high) {
  f.set_has_interval(true);
  f.set_ci_low(low);
  f.set_ci_high(high);
  return f;
}
// Withheld as scoring withholds: n kept, no value, English `reason` that
// the workbook must not print.
sv1::Figure WithheldFigure(int64_t n, sv1::ReasonCode code) {
  sv1::Figure f;
  f.set_n(n);
  f.set_withheld(true);
  f.set_reason("english text");
  f.set_reason_code(code);
  return f;
}

// A figure's three cells from `col` as openpyxl reads them equal the
// message: the value as a number (empty when withheld), n, and the note
// (the interval, or the reason in Indonesian).  A figure the message does
// not carry is empty with a dash.
void ExpectFigureCells(const std::vector<std::string>& row, size_t col, const sv1::Figure* f, FigureKind kind,
                       const std::string& what) {
  ASSERT_GT(row.size(), col + 2) << what;
  if (f == nullptr) {
    EXPECT_EQ(row[col], "") << what;
    EXPECT_EQ(row[col + 1], "") << what;
    EXPECT_EQ(row[col + 2], "—") << what;
    return;
  }
  EXPECT_EQ(row[col + 1], absl::StrCat(f->n())) << what << ": n";
  if (f->withheld()) {
    EXPECT_EQ(row[col], "") << what << ": a withheld figure's cell is empty";
    EXPECT_EQ(row[col + 2], ReasonText(f->reason_code())) << what << ": its reason in Indonesian";
    return;
  }
  double v = 0;
  ASSERT_TRUE(absl::SimpleAtod(row[col], &v)) << what << ": " << row[col];
  EXPECT_DOUBLE_EQ(v, f->value()) << what;
  // A note that begins with a minus sign is neutralised like any text.
  EXPECT_EQ(row[col + 2], NeutraliseCell(FigureNoteText(*f, kind))) << what;
}

// The Keterangan sheet as label -> value.
std::map<std::string, std::string> About(const testing::Sheet& sheet) {
  std::map<std::string, std::string> out;
  for (size_t i = 1; i < sheet.size(); ++i) {
    if (sheet[i].size() >= 2) out[sheet[i][0]] = sheet[i][1];
  }
  return out;
}

std::string Everything(const std::vector<std::pair<std::string, testing::Sheet>>& sheets) {
  std::string all;
  for (const auto& [name, rows] : sheets) {
    for (const auto& r : rows) {
      for (const auto& c : r) absl::StrAppend(&all, c, "\t");
    }
  }
  return all;
}

sv1::RollUpEvaluationsResponse SampleRollUp() {
  sv1::RollUpEvaluationsResponse out;
  out.set_parent("tenants/1504");
  out.set_year(2026);
  out.set_group_by(sv1::RollUpEvaluationsRequest::PROGRAM);
  out.set_min_n(5);
  auto* a = out.add_rows();
  a->set_group("tenants/1504/programs/adm-2026");
  a->set_title("Administrasi Perkantoran Modern");
  a->set_cohorts(2);
  a->set_participants(48);
  *a->mutable_reaction() = FigureWithInterval(ShownFigure(78.4, 40), 75.1, 81.7);
  *a->mutable_pairs() = ShownFigure(36, 36);
  *a->mutable_normalised_gain() = ShownFigure(0.42, 36);
  *a->mutable_applied_share() = FigureWithInterval(ShownFigure(0.625, 24), 0.43, 0.78);
  sv1::Figure did = FigureWithInterval(ShownFigure(-1.2, 2), -2.5, 0.1);
  did.set_inconclusive(true);
  *a->mutable_complaint_rate_did() = did;
  *a->mutable_ikm_did() = WithheldFigure(2, sv1::COMPLEMENTARY_SUPPRESSION);
  *a->mutable_cost_per_participant() = ShownFigure(1500000, 48);
  *a->mutable_composite() = ShownFigure(66.5, 4);
  // A title that a spreadsheet would take for a formula, every figure
  // withheld, and no composite at all.
  auto* b = out.add_rows();
  b->set_group("tenants/1504/programs/formula-x");
  b->set_title("=HYPERLINK(\"http://x\",\"klik\")");
  b->set_cohorts(1);
  b->set_participants(3);
  *b->mutable_reaction() = WithheldFigure(3, sv1::BELOW_MIN_N);
  *b->mutable_normalised_gain() = WithheldFigure(2, sv1::BELOW_MIN_N);
  *b->mutable_applied_share() = WithheldFigure(0, sv1::DATA_ABSENT);
  *b->mutable_complaint_rate_did() = WithheldFigure(0, sv1::RESULTS_NOT_YET);
  *b->mutable_ikm_did() = WithheldFigure(0, sv1::RESULTS_NOT_YET);
  *b->mutable_cost_per_participant() = WithheldFigure(3, sv1::COMPLEMENTARY_SUPPRESSION);
  // Without a title: the page's name from the id.
  auto* c = out.add_rows();
  c->set_group("tenants/1504/programs/kepemimpinan-dasar");
  c->set_cohorts(1);
  c->set_participants(20);
  *c->mutable_reaction() = ShownFigure(70, 20);
  *c->mutable_composite() = ShownFigure(70, 1);
  return out;
}

TEST_F(ReportTest, TheRollUpWorkbookHoldsScoringsRowsAsTheCallerReadsThem) {
  sources_.rollup_answer = SampleRollUp();
  v1::ExportRollUpRequest req;
  req.set_parent("tenants/1504");
  req.set_year(2026);
  req.set_group_by(sv1::RollUpEvaluationsRequest::PROGRAM);
  const Caller instructor{"1504", "instructor", "widyaiswara-1"};
  auto doc = logic_.ExportRollUp(instructor, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->content_type(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(doc->filename(), "rekap-2026-program.xlsx");
  // Read as the caller (scoring narrows an instructor), the same query.
  ASSERT_EQ(sources_.rollup_requests.size(), 1u);
  EXPECT_EQ(sources_.rollup_requests[0].parent(), "tenants/1504");
  EXPECT_EQ(sources_.rollup_requests[0].year(), 2026);
  EXPECT_EQ(sources_.rollup_requests[0].group_by(), sv1::RollUpEvaluationsRequest::PROGRAM);
  ASSERT_EQ(sources_.evaluation_callers.size(), 1u);
  EXPECT_EQ(sources_.evaluation_callers[0].role, "instructor");
  EXPECT_EQ(sources_.evaluation_callers[0].subject, "widyaiswara-1");
  std::ofstream(Artefact("rekap-2026-program.xlsx"), std::ios::binary) << doc->data();

  auto sheets = testing::XlsxCells(doc->data());
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 2u);
  EXPECT_EQ((*sheets)[0].first, "Keterangan");
  EXPECT_EQ((*sheets)[1].first, "Rekap");
  const testing::Sheet& about = (*sheets)[0].second;
  EXPECT_EQ(about[0][0], "Rekap evaluasi pelatihan");
  auto a = About(about);
  EXPECT_EQ(a["Kabupaten/kota"], "Kabupaten Batang Hari");
  EXPECT_EQ(a["Tahun"], "2026");
  EXPECT_EQ(a["Digabung per"], "Program");
  EXPECT_EQ(a["Dibuat"], "3 Desember 2026 12.00");  // WIB
  EXPECT_EQ(a["Batas minimum responden"], "5");
  EXPECT_TRUE(absl::StrContains(a["Angka yang ditahan"], "dibiarkan kosong")) << a["Angka yang ditahan"];

  const testing::Sheet& rows = (*sheets)[1].second;
  const auto& rolled = *sources_.rollup_answer;
  ASSERT_EQ(rows.size(), static_cast<size_t>(rolled.rows_size()) + 1);
  // The page's column names.
  const std::vector<std::string> lead = {"Program", "Kode", "Angkatan", "Peserta"};
  for (size_t i = 0; i < lead.size(); ++i) EXPECT_EQ(rows[0][i], lead[i]);
  ASSERT_EQ(rows[0].size(), lead.size() + 3 * RollUpColumns().size());
  EXPECT_EQ(rows[0][4], "Reaksi (0–100)");
  EXPECT_EQ(rows[0][5], "Reaksi (0–100): n");
  EXPECT_EQ(rows[0][6], "Reaksi (0–100): keterangan");
  EXPECT_EQ(rows[0][22], "Skor gabungan");
  const std::vector<std::string> names = {"Administrasi Perkantoran Modern",
                                          "'=HYPERLINK(\"http://x\",\"klik\")",  // neutralised
                                          "Kepemimpinan dasar"};
  for (int i = 0; i < rolled.rows_size(); ++i) {
    const auto& r = rolled.rows(i);
    const auto& row = rows[i + 1];
    EXPECT_EQ(row[0], names[i]);
    EXPECT_EQ(row[1], r.group());
    EXPECT_EQ(row[2], absl::StrCat(r.cohorts()));
    EXPECT_EQ(row[3], absl::StrCat(r.participants()));
    const sv1::Figure* figures[] = {
        r.has_reaction() ? &r.reaction() : nullptr,
        r.has_normalised_gain() ? &r.normalised_gain() : nullptr,
        r.has_applied_share() ? &r.applied_share() : nullptr,
        r.has_complaint_rate_did() ? &r.complaint_rate_did() : nullptr,
        r.has_ikm_did() ? &r.ikm_did() : nullptr,
        r.has_cost_per_participant() ? &r.cost_per_participant() : nullptr,
        r.has_composite() ? &r.composite() : nullptr,
    };
    for (size_t k = 0; k < RollUpColumns().size(); ++k) {
      ExpectFigureCells(row, 4 + 3 * k, figures[k], RollUpColumns()[k].kind,
                        absl::StrCat(r.group(), " ", RollUpColumns()[k].label));
    }
  }
  // Spelled out once, not only through the functions under test.
  EXPECT_EQ(rows[1][6], "75,1 – 81,7");
  EXPECT_EQ(rows[1][12], "43,0% – 78,0%");
  EXPECT_EQ(rows[1][15], "'-2,50 – +0,10. Belum menunjukkan efek (interval 95% mencakup nol).");
  EXPECT_EQ(rows[2][4], "");
  EXPECT_EQ(rows[2][5], "3");
  EXPECT_EQ(rows[2][6], ReasonText(sv1::BELOW_MIN_N));
  EXPECT_TRUE(absl::StartsWith(rows[2][6], "Responden terlalu sedikit")) << rows[2][6];
  EXPECT_FALSE(absl::StrContains(Everything(*sheets), "english text"));

  // Another grouping names its column and its file.
  sources_.rollup_answer->set_group_by(sv1::RollUpEvaluationsRequest::UNIT);
  req.set_group_by(sv1::RollUpEvaluationsRequest::UNIT);
  auto units = logic_.ExportRollUp(organiser_, req);
  ASSERT_TRUE(units.ok()) << units.status();
  EXPECT_EQ(units->filename(), "rekap-2026-unit.xlsx");
  auto unit_sheets = testing::XlsxCells(units->data());
  ASSERT_TRUE(unit_sheets.ok()) << unit_sheets.status();
  EXPECT_EQ((*unit_sheets)[1].second[0][0], "Unit kerja");
  EXPECT_EQ(About((*unit_sheets)[0].second)["Digabung per"], "Unit kerja");
}

TEST_F(ReportTest, TheRankingWorkbookHasASheetPerList) {
  auto program = [](const char* id, const char* title, int rank_c, int rank_e, sv1::Figure composite,
                    sv1::Figure ce) {
    sv1::ProgramScore p;
    p.set_program(absl::StrCat("tenants/1504/programs/", id));
    p.set_title(title);
    p.set_cohorts(2);
    p.set_participants(40);
    *p.mutable_composite() = composite;
    *p.mutable_cost_effectiveness() = ce;
    *p.mutable_cost_per_participant() = ShownFigure(1250000, 40);
    *p.mutable_normalised_gain() = FigureWithInterval(ShownFigure(0.38, 30), 0.3, 0.46);
    p.set_rank_by_composite(rank_c);
    p.set_rank_by_cost_effectiveness(rank_e);
    return p;
  };
  auto& r = sources_.ranking_answer;
  *r.add_by_composite() = program("adm-2026", "Administrasi Perkantoran Modern", 1, 2, ShownFigure(72.5, 4),
                                  ShownFigure(58.0, 4));
  *r.add_by_composite() = program("pelayanan-prima", "+62 Pelayanan Prima", 2, 1, ShownFigure(64.0, 3),
                                  WithheldFigure(3, sv1::NO_COST));
  *r.add_by_cost_effectiveness() = r.by_composite(1);
  *r.add_by_cost_effectiveness() = r.by_composite(0);
  auto* ins = r.add_instructors();
  ins->set_instructor("Dr. Hendra Wijaya");
  ins->set_cohorts(2);
  *ins->mutable_reaction_instruktur() = WithheldFigure(4, sv1::BELOW_MIN_N);
  *ins->mutable_normalised_gain() = ShownFigure(0.35, 22);

  v1::ExportRankingRequest req;
  req.set_parent("tenants/1504");
  req.set_year(2026);
  auto doc = logic_.ExportRanking(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->filename(), "peringkat-program-2026.xlsx");
  ASSERT_EQ(sources_.ranking_requests.size(), 1u);
  EXPECT_EQ(sources_.ranking_requests[0].year(), 2026);
  EXPECT_EQ(sources_.evaluation_callers.at(0).role, "organiser");
  std::ofstream(Artefact("peringkat-program-2026.xlsx"), std::ios::binary) << doc->data();
  auto sheets = testing::XlsxCells(doc->data());
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 4u);
  EXPECT_EQ((*sheets)[0].first, "Keterangan");
  EXPECT_EQ((*sheets)[0].second[0][0], "Peringkat program");
  EXPECT_EQ(About((*sheets)[0].second)["Batas minimum responden"], "7") << "the tenant's scoring settings";
  EXPECT_EQ(About((*sheets)[0].second)["Tahun"], "2026");
  struct List {
    const char* sheet;
    const google::protobuf::RepeatedPtrField<sv1::ProgramScore>* rows;
    bool by_composite;
  };
  for (size_t s = 0; s < 2; ++s) {
    const List list = s == 0 ? List{"Skor gabungan", &r.by_composite(), true}
                             : List{"Efektivitas biaya", &r.by_cost_effectiveness(), false};
    EXPECT_EQ((*sheets)[s + 1].first, list.sheet);
    const testing::Sheet& rows = (*sheets)[s + 1].second;
    ASSERT_EQ(rows.size(), static_cast<size_t>(list.rows->size()) + 1) << list.sheet;
    const std::vector<std::string> lead = {"Peringkat", "Program", "Kode", "Angkatan", "Peserta", "Skor gabungan",
                                           "Skor gabungan: n", "Skor gabungan: keterangan", "Efektivitas biaya"};
    for (size_t i = 0; i < lead.size(); ++i) EXPECT_EQ(rows[0][i], lead[i]);
    for (int i = 0; i < list.rows->size(); ++i) {
      const auto& p = list.rows->Get(i);
      const auto& row = rows[i + 1];
      EXPECT_EQ(row[0], absl::StrCat(list.by_composite ? p.rank_by_composite() : p.rank_by_cost_effectiveness()));
      EXPECT_EQ(row[1], p.title()[0] == '+' ? "'" + p.title() : p.title());
      EXPECT_EQ(row[2], p.program());
      EXPECT_EQ(row[3], absl::StrCat(p.cohorts()));
      EXPECT_EQ(row[4], absl::StrCat(p.participants()));
      const sv1::Figure* figures[] = {&p.composite(), &p.cost_effectiveness(), &p.cost_per_participant(),
                                      &p.normalised_gain()};
      for (size_t k = 0; k < RankingColumns().size(); ++k) {
        ExpectFigureCells(row, 5 + 3 * k, figures[k], RankingColumns()[k].kind,
                          absl::StrCat(list.sheet, " ", p.program(), " ", RankingColumns()[k].label));
      }
    }
  }
  EXPECT_EQ((*sheets)[2].second[1][1], "'+62 Pelayanan Prima") << "neutralised, first by cost-effectiveness";
  EXPECT_EQ((*sheets)[2].second[1][8], "") << "its withheld cost-effectiveness";
  EXPECT_EQ((*sheets)[2].second[1][9], "3");
  EXPECT_EQ((*sheets)[2].second[1][10], ReasonText(sv1::NO_COST));
  EXPECT_EQ((*sheets)[3].first, "Widyaiswara");
  const testing::Sheet& instructors = (*sheets)[3].second;
  ASSERT_EQ(instructors.size(), 2u);
  EXPECT_EQ(instructors[0][2], "Dimensi instruktur (0–100)");
  EXPECT_EQ(instructors[1][0], "Dr. Hendra Wijaya");
  EXPECT_EQ(instructors[1][1], "2");
  ExpectFigureCells(instructors[1], 2, &ins->reaction_instruktur(), FigureKind::kScore, "instruktur");
  ExpectFigureCells(instructors[1], 5, &ins->normalised_gain(), FigureKind::kNumber, "gain");
  EXPECT_FALSE(absl::StrContains(Everything(*sheets), "english text"));
}

TEST_F(ReportTest, TheProvinceWorkbookComparesItsRegencies) {
  sources_.other_tenants = {{"1505", "Kabupaten Muaro Jambi"}, {"1506", "Kabupaten Bungo"}};
  auto& b = sources_.benchmark_answer;
  b.set_name("provinces/15/benchmarks");
  b.set_year(2026);
  auto regency = [](const char* code, sv1::Figure reaction, sv1::Figure cost) {
    sv1::TenantIndicators t;
    t.set_tenant(code);
    t.set_programs(3);
    t.set_cohorts(6);
    t.set_participants(150);
    *t.mutable_reaction() = reaction;
    *t.mutable_normalised_gain() = ShownFigure(0.41, 120);
    *t.mutable_applied_share() = FigureWithInterval(ShownFigure(0.58, 80), 0.47, 0.68);
    *t.mutable_composite() = ShownFigure(67.2, 6);
    *t.mutable_cost_per_jp() = cost;
    return t;
  };
  *b.add_tenants() = regency("1504", ShownFigure(77.9, 130), ShownFigure(46875, 150));
  *b.add_tenants() = regency("1505", WithheldFigure(4, sv1::COMPLEMENTARY_SUPPRESSION), WithheldFigure(0, sv1::NO_COST));
  b.add_missing_tenants("1506");
  auto* d = b.mutable_distribution();
  d->mutable_reaction()->set_tenants(3);
  *d->mutable_reaction()->mutable_q1() = ShownFigure(71.0, 3);
  *d->mutable_reaction()->mutable_median() = ShownFigure(74.5, 3);
  *d->mutable_reaction()->mutable_q3() = ShownFigure(78.25, 3);
  for (auto* q : {d->mutable_normalised_gain(), d->mutable_applied_share(), d->mutable_composite(),
                  d->mutable_cost_per_jp()}) {
    q->set_tenants(2);
    *q->mutable_q1() = WithheldFigure(2, sv1::TOO_FEW_REGENCIES);
    *q->mutable_median() = WithheldFigure(2, sv1::TOO_FEW_REGENCIES);
    *q->mutable_q3() = WithheldFigure(2, sv1::TOO_FEW_REGENCIES);
  }
  v1::ExportProvinceBenchmarkRequest req;
  req.set_name("provinces/15/benchmarks");
  req.set_year(2026);
  const Caller province{"15", "province", "jambi"};
  auto doc = logic_.ExportProvinceBenchmark(province, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->filename(), "perbandingan-kabupaten-kota-15-2026.xlsx");
  ASSERT_EQ(sources_.benchmark_requests.size(), 1u);
  EXPECT_EQ(sources_.benchmark_requests[0].name(), "provinces/15/benchmarks");
  EXPECT_EQ(sources_.benchmark_requests[0].year(), 2026);
  EXPECT_EQ(sources_.evaluation_callers.at(0).role, "province");
  EXPECT_EQ(sources_.evaluation_callers.at(0).tenant, "15");
  std::ofstream(Artefact("perbandingan-kabupaten-kota-15-2026.xlsx"), std::ios::binary) << doc->data();
  auto sheets = testing::XlsxCells(doc->data());
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 3u);
  EXPECT_EQ((*sheets)[0].second[0][0], "Perbandingan kabupaten/kota tahun 2026");
  auto a = About((*sheets)[0].second);
  EXPECT_EQ(a["Provinsi"], "kode wilayah 15");
  EXPECT_EQ(a["Dibuat"], "3 Desember 2026 12.00") << "Jambi is WIB";
  EXPECT_TRUE(absl::StrContains(a["Belum memakai Pelita"], "Kabupaten Bungo")) << a["Belum memakai Pelita"];
  EXPECT_EQ((*sheets)[1].first, "Perbandingan");
  const testing::Sheet& rows = (*sheets)[1].second;
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::string> lead = {"Kabupaten/kota", "Kode", "Program", "Angkatan", "Peserta",
                                         "Reaksi (0–100)", "Reaksi (0–100): n", "Reaksi (0–100): keterangan",
                                         "Kenaikan nilai (g)"};
  for (size_t i = 0; i < lead.size(); ++i) EXPECT_EQ(rows[0][i], lead[i]);
  const std::vector<std::string> names = {"Kabupaten Batang Hari", "Kabupaten Muaro Jambi"};
  for (int i = 0; i < b.tenants_size(); ++i) {
    const auto& t = b.tenants(i);
    const auto& row = rows[i + 1];
    EXPECT_EQ(row[0], names[i]);
    EXPECT_EQ(row[1], t.tenant());
    EXPECT_EQ(row[2], absl::StrCat(t.programs()));
    EXPECT_EQ(row[3], absl::StrCat(t.cohorts()));
    EXPECT_EQ(row[4], absl::StrCat(t.participants()));
    const sv1::Figure* figures[] = {&t.reaction(), &t.normalised_gain(), &t.applied_share(), &t.composite(),
                                    &t.cost_per_jp()};
    for (size_t k = 0; k < BenchmarkColumns().size(); ++k) {
      ExpectFigureCells(row, 5 + 3 * k, figures[k], BenchmarkColumns()[k].kind,
                        absl::StrCat(t.tenant(), " ", BenchmarkColumns()[k].label));
    }
  }
  const testing::Sheet& quartiles = (*sheets)[2].second;
  EXPECT_EQ((*sheets)[2].first, "Sebaran provinsi");
  ASSERT_EQ(quartiles.size(), 6u);
  EXPECT_EQ(quartiles[1][0], "Reaksi (0–100)");
  EXPECT_EQ(quartiles[1][1], "3");
  EXPECT_EQ(quartiles[1][2], "71");
  EXPECT_EQ(quartiles[1][3], "74.5");
  EXPECT_EQ(quartiles[1][4], "78.25");
  EXPECT_EQ(quartiles[2][2], "");
  EXPECT_EQ(quartiles[2][5], ReasonText(sv1::TOO_FEW_REGENCIES));
  EXPECT_FALSE(absl::StrContains(Everything(*sheets), "english text"));

  // What scoring refuses the caller, the workbook refuses too.
  sources_.benchmark_status =
      WithReason(absl::PermissionDeniedError("instructors read their own roll-ups"), "INSTRUCTOR_NO_BENCHMARK");
  auto refused = logic_.ExportProvinceBenchmark(Caller{"1504", "instructor", "widyaiswara-1"}, req);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(refused.status()), "INSTRUCTOR_NO_BENCHMARK");
}

TEST_F(ReportTest, TheAnalysisWorkbooksRefuseBadRequestsBeforeReadingScoring) {
  auto field_of = [](const absl::Status& s) {
    auto v = FieldViolationsOf(s);
    return v.empty() ? std::string("(none)") : v[0].first;
  };
  v1::ExportRollUpRequest roll;
  roll.set_parent("tenants/1504");
  roll.set_group_by(sv1::RollUpEvaluationsRequest::PROGRAM);
  for (int year : {0, 1999, 2101, 99999, -2026}) {
    roll.set_year(year);
    auto bad = logic_.ExportRollUp(organiser_, roll);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << year;
    EXPECT_EQ(field_of(bad.status()), "year") << year;
  }
  roll.set_year(2026);
  roll.set_group_by(sv1::RollUpEvaluationsRequest::GROUP_BY_UNSPECIFIED);
  EXPECT_EQ(field_of(logic_.ExportRollUp(organiser_, roll).status()), "group_by");
  roll.set_group_by(static_cast<sv1::RollUpEvaluationsRequest::GroupBy>(42));
  EXPECT_EQ(field_of(logic_.ExportRollUp(organiser_, roll).status()), "group_by");
  roll.set_group_by(sv1::RollUpEvaluationsRequest::PROGRAM);
  roll.set_parent("tenants/1505");
  auto other = logic_.ExportRollUp(organiser_, roll);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(other.status()), "OTHER_TENANT");
  roll.set_parent("programs/adm-2026");
  auto malformed = logic_.ExportRollUp(organiser_, roll);
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(field_of(malformed.status()), "parent");

  v1::ExportRankingRequest rank;
  rank.set_parent("tenants/1504");
  rank.set_year(3000);
  EXPECT_EQ(field_of(logic_.ExportRanking(organiser_, rank).status()), "year");
  rank.set_year(2026);
  rank.set_parent("tenants/1505");
  EXPECT_EQ(logic_.ExportRanking(organiser_, rank).status().code(), absl::StatusCode::kPermissionDenied);

  v1::ExportProvinceBenchmarkRequest bench;
  bench.set_year(2026);
  for (const char* name : {"provinces/99/benchmarks", "provinces/15", "tenants/1504/benchmarks"}) {
    bench.set_name(name);
    auto bad = logic_.ExportProvinceBenchmark(organiser_, bench);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(field_of(bad.status()), "name") << name;
  }
  bench.set_name("provinces/16/benchmarks");
  auto elsewhere = logic_.ExportProvinceBenchmark(organiser_, bench);
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(elsewhere.status()), "OTHER_PROVINCE");
  bench.set_name("provinces/15/benchmarks");
  bench.set_year(0);
  EXPECT_EQ(field_of(logic_.ExportProvinceBenchmark(organiser_, bench).status()), "year");
  bench.set_year(2026);

  // Participants and supervisors read no analysis, with or without the
  // gateway.
  roll.set_parent("tenants/1504");
  rank.set_parent("tenants/1504");
  for (const char* role : {"participant", "supervisor"}) {
    const Caller person{"1504", role, kNip};
    for (const absl::Status& s : {logic_.ExportRollUp(person, roll).status(), logic_.ExportRanking(person, rank).status(),
                                  logic_.ExportProvinceBenchmark(person, bench).status()}) {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << role;
      EXPECT_EQ(ErrorReason(s), "ROLE_NOT_ALLOWED") << role;
    }
  }
  // Nothing was read from scoring for any of them.
  EXPECT_TRUE(sources_.rollup_requests.empty());
  EXPECT_TRUE(sources_.ranking_requests.empty());
  EXPECT_TRUE(sources_.benchmark_requests.empty());
}

TEST_F(ReportTest, AReportWhoseFiguresAreAllWithheldStillRendersSayingWhy) {
  sources_.evaluation_ = testing::AllWithheldEvaluation();
  v1::GetEvaluationReportRequest req;
  req.set_name(absl::StrCat(kCohort, "/evaluation"));
  auto doc = logic_.GetEvaluationReport(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string t = Squeeze(*text);
  for (auto code : {sv1::DATA_ABSENT, sv1::WINDOW_NOT_OPEN, sv1::RESULTS_NOT_YET, sv1::NO_COST,
                    sv1::NO_LEVEL_SCORE}) {
    EXPECT_TRUE(absl::StrContains(t, Squeeze(ReasonText(code)))) << code;
  }
  auto rendered = testing::RenderPages(doc->data(), "");
  EXPECT_TRUE(rendered.ok()) << rendered.status();
}

// L2's distribution: the paired columns' caption with n, their legend and
// axis title, and each band's counts as scoring gives them; withheld, the
// reason in Indonesian and no band.
TEST_F(ReportTest, TheLearningSectionChartsThePrePostDistributionWithItsN) {
  v1::GetEvaluationReportRequest req;
  req.set_name(absl::StrCat(kCohort, "/evaluation"));
  auto doc = logic_.GetEvaluationReport(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string t = Squeeze(*text);
  EXPECT_TRUE(absl::StrContains(t, "Sebaran nilai pra-tes dan pasca-tes peserta berpasangan (n = 20 pasangan)")) << t;
  EXPECT_TRUE(absl::StrContains(t, "Pasca-tes Pra-tes")) << "the legend";
  EXPECT_TRUE(absl::StrContains(t, "Rentang nilai (skala 0–100)"));
  EXPECT_TRUE(absl::StrContains(t, "Rentang nilai Pra-tes (peserta) Pasca-tes (peserta)"));
  const auto& d = sources_.evaluation_.learning().distribution();
  ASSERT_EQ(d.bands_size(), 10);
  for (const auto& b : d.bands()) {
    const std::string row = absl::StrCat(b.lower(), "–", b.upper(), " ", b.pre(), " ", b.post());
    EXPECT_TRUE(absl::StrContains(t, row)) << row;
  }
  auto rendered = testing::RenderPages(doc->data(), Artefact("laporan-evaluasi-l2.png"));
  ASSERT_TRUE(rendered.ok()) << rendered.status();

  sources_.evaluation_ = testing::AllWithheldEvaluation();
  auto withheld = logic_.GetEvaluationReport(organiser_, req);
  ASSERT_TRUE(withheld.ok()) << withheld.status();
  auto wtext = testing::PdfText(withheld->data());
  ASSERT_TRUE(wtext.ok()) << wtext.status();
  const std::string w = Squeeze(*wtext);
  EXPECT_TRUE(absl::StrContains(
      w, absl::StrCat("Sebaran nilai pra-tes dan pasca-tes peserta berpasangan tidak ditampilkan (n = 4 pasangan). ",
                      Squeeze(ReasonText(sv1::BELOW_MIN_N)))))
      << w;
  EXPECT_FALSE(absl::StrContains(w, "Rentang nilai"));
  EXPECT_FALSE(absl::StrContains(w, "english text"));
}

// L4's lines: both charts' captions, legends and Indonesian axis titles,
// the windows named, every month's values with n in id-ID, a gap's reason
// instead of a 0; the page renders.
TEST_F(ReportTest, TheResultsSectionDrawsMonthlyLinesOfTrainedAndControlUnits) {
  v1::GetEvaluationReportRequest req;
  req.set_name(absl::StrCat(kCohort, "/evaluation"));
  auto doc = logic_.GetEvaluationReport(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string t = Squeeze(*text);
  for (const char* s : {"Pengaduan dan IKM per bulan, unit peserta dan unit pembanding",
                        "Pengaduan per 1.000 transaksi per bulan",
                        "Indeks Kepuasan Masyarakat (IKM, skala 25–100) per bulan", "Unit peserta Unit pembanding",
                        "Masa sebelum", "Masa sesudah", "Bulan", "Titik yang kosong tidak berarti nol",
                        "Sep 2025 sebelum", "Sep 2026 sesudah"}) {
    EXPECT_TRUE(absl::StrContains(t, s)) << s;
  }
  for (const auto& m : sources_.evaluation_.results().series()) {
    for (const auto* f : {&m.treated_complaint_rate(), &m.control_complaint_rate(), &m.treated_ikm(),
                          &m.control_ikm()}) {
      if (f->withheld()) continue;
      const std::string cell = absl::StrCat(FormatNumber(f->value(), 2), " (n = ", FormatInteger(f->n()), ")");
      EXPECT_TRUE(absl::StrContains(t, cell)) << m.period() << " " << cell;
    }
  }
  EXPECT_TRUE(absl::StrContains(t, "6,40 (n = 504)")) << "January 2026's trained rate, id-ID";
  EXPECT_TRUE(absl::StrContains(t, "Mei 2026 sesudah 3,40 (n = 508) 5,16 (n = 808) — (kosong) 75,50 (n = 38)"));
  EXPECT_TRUE(absl::StrContains(
      t, absl::StrCat("Kosong — Mei 2026, IKM unit peserta: ", Squeeze(ReasonText(sv1::DATA_ABSENT)))));
  EXPECT_TRUE(absl::StrContains(
      t, absl::StrCat("Kosong — Jul 2026, IKM unit pembanding: ", Squeeze(ReasonText(sv1::BELOW_MIN_N)))));
  EXPECT_FALSE(absl::StrContains(t, "english text"));
  auto rendered = testing::RenderPages(doc->data(), Artefact("laporan-evaluasi-l4.png"));
  ASSERT_TRUE(rendered.ok()) << rendered.status();

  // Lines that cannot be drawn yet say why.
  sources_.evaluation_ = testing::AllWithheldEvaluation();
  auto none = logic_.GetEvaluationReport(organiser_, req);
  ASSERT_TRUE(none.ok()) << none.status();
  auto ntext = testing::PdfText(none->data());
  ASSERT_TRUE(ntext.ok());
  EXPECT_TRUE(absl::StrContains(Squeeze(*ntext), absl::StrCat("Grafik bulanan pengaduan dan IKM tidak ditampilkan. ",
                                                              Squeeze(ReasonText(sv1::RESULTS_NOT_YET)))));
}

TEST_F(ReportTest, TheWorkbookHoldsTheApisFiguresAsNumbers) {
  v1::GetEvaluationReportRequest req;
  req.set_name(absl::StrCat(kCohort, "/evaluation"));
  req.set_format(v1::XLSX);
  auto doc = logic_.GetEvaluationReport(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->content_type(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(doc->filename(), "laporan-evaluasi-adm-2026-angkatan-1.xlsx");
  auto sheets = testing::XlsxCells(doc->data());
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 3u);
  EXPECT_EQ((*sheets)[0].first, "Ringkasan");
  EXPECT_EQ((*sheets)[1].first, "Angka");
  const testing::Sheet& rows = (*sheets)[1].second;
  const std::vector<FigureLine> lines = EvaluationFigures(sources_.evaluation_, {});
  ASSERT_EQ(rows.size(), lines.size() + 1);
  ASSERT_EQ(rows[0].size(), 9u);
  EXPECT_EQ(rows[0][8], "Rumus");
  // Values keep their precision and show as the PDF prints them: a share
  // as a percentage, a score with one decimal, rupiah as whole rupiah.
  auto formats = testing::XlsxNumberFormats(doc->data());
  ASSERT_TRUE(formats.ok()) << formats.status();
  const testing::Sheet& shown = (*formats)[1].second;
  ASSERT_EQ(shown.size(), rows.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& row = rows[i + 1];
    const sv1::Figure& f = lines[i].figure;
    EXPECT_EQ(shown[i + 1][2], f.withheld() ? "" : ExcelNumberFormat(lines[i].kind)) << lines[i].label;
    if (f.has_interval() && !f.withheld()) EXPECT_EQ(shown[i + 1][4], ExcelNumberFormat(lines[i].kind));
    EXPECT_EQ(row[0], lines[i].section);
    EXPECT_EQ(row[3], absl::StrCat(f.n())) << lines[i].label;
    // The formula in Indonesian, none where scoring gives none.
    EXPECT_EQ(row[8], lines[i].formula) << lines[i].label;
    EXPECT_EQ(row[8].empty(), f.formula().empty()) << lines[i].label;
    for (const std::string& w : ScoringsEnglish()) EXPECT_FALSE(absl::StrContains(row[8], w)) << row[8];
    if (f.withheld()) {
      EXPECT_EQ(row[2], "") << lines[i].label;
      EXPECT_EQ(row[6], "tidak");
      EXPECT_EQ(row[7], ReasonText(f.reason_code()));
    } else {
      double v = 0;
      ASSERT_TRUE(absl::SimpleAtod(row[2], &v)) << row[2];
      EXPECT_DOUBLE_EQ(v, f.value()) << lines[i].label;
    }
  }
  auto rumus = [&](const std::string& label) {
    for (const auto& row : rows) {
      if (row[1] == label) return row[8];
    }
    return std::string("(no row)");
  };
  EXPECT_EQ(rumus("Skor dimensi Materi"),
            "(rata-rata jawaban − min) / (maks − min) × 100; interval t 95% atas jawaban");
  EXPECT_EQ(rumus("Tingkat respons survei reaksi"), "responden / peserta terdaftar");
  EXPECT_EQ(rumus("Hari ke-180: laporan diri"),
            "peserta dengan laporan diri pada 28 Agustus 2026 – 26 September 2026 / peserta yang wajib");
  EXPECT_EQ(rumus("Nilai p"), "2 × P(T > |t|), distribusi t Student dengan derajat bebas pasangan − 1");
  EXPECT_EQ(rumus("ROI (%)"), "");
}

// Every line whose figure has a formula from scoring has one in Indonesian,
// and a line without one has none, so that a figure added later without an
// Indonesian formula fails here; the dynamic parts (the cost's basis, the
// organiser's benefit estimate, the L4 component's estimate) are said from
// the evaluation.
TEST_F(ReportTest, EveryFigureWithAFormulaHasItInIndonesian) {
  const sv1::Evaluation e = testing::SampleEvaluation();
  const std::vector<FigureLine> lines = EvaluationFigures(e, {});
  int with = 0, without = 0;
  for (const FigureLine& l : lines) {
    EXPECT_EQ(l.formula.empty(), l.figure.formula().empty()) << l.section << " " << l.label;
    (l.formula.empty() ? without : with)++;
    for (const std::string& w : ScoringsEnglish()) {
      EXPECT_FALSE(absl::StrContains(l.formula, w)) << l.label << ": " << l.formula;
    }
  }
  EXPECT_GT(with, 50);
  EXPECT_GT(without, 3) << "ROI, BCR and the ROI and BCR of the hours saved have no formula in the sample";
  auto formula_of = [](const std::vector<FigureLine>& ls, const std::string& label) {
    for (const auto& l : ls) {
      if (l.label == label) return l.formula;
    }
    return std::string("(no line)");
  };
  EXPECT_EQ(formula_of(lines, "Biaya total"), "biaya per peserta Rp 4.000.000 × 24 peserta");
  EXPECT_EQ(formula_of(lines, "Komponen L4 Hasil (bobot 0,20)"),
            "50 − 50 × selisih-dalam-selisih pengaduan / pengaduan per 1.000 transaksi unit peserta sebelum, "
            "dibatasi 0–100");

  // A budget shared over the programme's cohorts, an organiser's benefit
  // estimate, the hours saved shown, L4 from an inconclusive IKM estimate.
  sv1::Evaluation other = e;
  other.mutable_cost()->mutable_total()->set_formula(
      "programme budget 250000000 x participants 24 / programme participants 120");
  sv1::Figure* roi = other.mutable_cost()->mutable_roi_pct();
  roi->set_withheld(false);
  roi->set_value(12.5);
  roi->set_formula(
      "(benefit - cost) / cost x 100 (Phillips); benefit: penghematan lembur (programme estimate 150000000 x "
      "participants 24 / 120)");
  sv1::Figure* benefit = other.mutable_cost()->mutable_hours_saved_benefit();
  benefit->set_withheld(false);
  benefit->set_value(27000000);
  other.mutable_cost()->mutable_roi_pct_from_hours()->set_formula(
      "(hours_saved_benefit - cost) / cost x 100 (Phillips)");
  other.mutable_results()->mutable_complaint_rate_did()->set_withheld(true);
  other.mutable_results()->set_window_days(90);
  const std::vector<FigureLine> others = EvaluationFigures(other, {});
  EXPECT_EQ(formula_of(others, "Biaya total"),
            "anggaran program Rp 250.000.000 × 24 peserta angkatan / 120 peserta program");
  EXPECT_EQ(formula_of(others, "ROI (%)"),
            "(manfaat − biaya) / biaya × 100 (Phillips); manfaat: penghematan lembur (perkiraan program Rp "
            "150.000.000 × 24 peserta angkatan / 120 peserta program)");
  EXPECT_EQ(formula_of(others, "ROI dari jam kerja yang dihemat (%)"),
            "(manfaat jam kerja yang dihemat − biaya) / biaya × 100 (Phillips)");
  EXPECT_TRUE(absl::StrContains(formula_of(others, "Manfaat dari jam kerja yang dihemat (setahun, pilihan)"),
                                "× 365 / 90 hari masa sesudah. Asumsi: selisih-dalam-selisih waktu proses adalah "
                                "efek pelatihan; jam kerja yang dihemat dalam masa sesudah 90 hari berlanjut"));
  EXPECT_EQ(formula_of(others, "Komponen L4 Hasil (bobot 0,20)"),
            "50: belum menunjukkan efek (interval 95% selisih-dalam-selisih IKM mencakup nol)");

  // The programme's roll-up row: its own formulas, the same rule.
  sv1::RollUpRow row;
  *row.mutable_reaction() = e.reaction().overall();
  *row.mutable_normalised_gain() = e.learning().normalised_gain();
  *row.mutable_applied_share() = e.behaviour().applied_share();
  *row.mutable_complaint_rate_did() = e.results().complaint_rate_did();
  *row.mutable_ikm_did() = e.results().ikm_did();
  *row.mutable_cost_per_participant() = e.cost().per_participant();
  *row.mutable_composite() = e.composite().score();
  row.mutable_ikm_did()->clear_formula();
  for (const FigureLine& l : ProgramFigures(row)) {
    EXPECT_EQ(l.formula.empty(), l.figure.formula().empty()) << l.label;
  }
  EXPECT_EQ(formula_of(ProgramFigures(row), "Selisih-dalam-selisih pengaduan per 1.000 transaksi (Level 4)"),
            "rata-rata selisih-dalam-selisih pengaduan per 1.000 transaksi dari angkatan-angkatan, berbobot jumlah "
            "peserta");
}

// The PDF's methods annex, read back with pdftotext: every formula in
// Indonesian beside its figure, none for a figure scoring gives none, and
// none of scoring's English anywhere in the document.
TEST_F(ReportTest, TheMethodsAnnexSaysEveryFormulaInIndonesian) {
  v1::GetEvaluationReportRequest req;
  req.set_name(absl::StrCat(kCohort, "/evaluation"));
  auto doc = logic_.GetEvaluationReport(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto raw = testing::PdfRawText(doc->data());
  ASSERT_TRUE(raw.ok()) << raw.status();
  const size_t at = raw->rfind("Lampiran — Metode");
  ASSERT_NE(at, std::string::npos);
  const std::string annex = NoSpaces(raw->substr(at));
  EXPECT_TRUE(absl::StrContains(annex, NoSpaces("Angka Rumus")));
  int printed = 0;
  for (const FigureLine& l : EvaluationFigures(sources_.evaluation_, {})) {
    if (l.formula.empty()) {
      EXPECT_FALSE(absl::StrContains(annex, NoSpaces(absl::StrCat(l.section, " · ", l.label, "\n")))) << l.label;
      continue;
    }
    ++printed;
    EXPECT_TRUE(absl::StrContains(annex, NoSpaces(l.formula))) << l.label << ": " << l.formula;
  }
  EXPECT_GT(printed, 50);
  for (const char* f : {
           "responden / peserta terdaftar",
           "(rata-rata jawaban − min) / (maks − min) × 100; interval t 95% atas jawaban",
           "k/(k − 1) × (1 − Σ ragam butir / ragam total)",
           "(rata-rata pasca-tes − rata-rata pra-tes) / (nilai maksimum − rata-rata pra-tes) (Hake)",
           "2 × P(T > |t|), distribusi t Student",
           "peserta dengan laporan diri pada 28 Agustus 2026 – 26 September 2026 / peserta yang wajib",
           "peserta yang dinilai atasannya pada 22 Maret 2026 – 20 April 2026 / peserta yang wajib",
           "pengaduan / transaksi × 1.000; interval normal (Poisson) 95%",
           "Σ NRR unsur / 9 × 25 (PermenPANRB 14/2017); interval 95%: IKM ± t(0,975; n − 1) × galat baku",
           "(peserta sesudah − peserta sebelum) − (pembanding sesudah − pembanding sebelum), pengaduan per 1.000 "
           "transaksi",
           "berkas dikembalikan / berkas selesai; interval Wilson 95%",
           "biaya per peserta Rp 4.000.000 × 24 peserta",
           "biaya total / (peserta × JP)",
           "jam kerja yang dihemat × biaya per jam × 365 / 180 hari masa sesudah. Asumsi:",
           "Σ (bobot × skor level) / Σ bobot, atas level yang memiliki skor",
       }) {
    EXPECT_TRUE(absl::StrContains(annex, NoSpaces(f))) << f;
  }
  // ROI and BCR are withheld without a formula: no row in the annex.
  EXPECT_FALSE(absl::StrContains(annex, NoSpaces("Biaya · ROI (%)")));
  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok()) << text.status();
  for (const std::string* t : {&*text, &*raw}) {
    for (const std::string& w : ScoringsEnglish()) EXPECT_FALSE(absl::StrContains(*t, w)) << w;
  }
}

TEST_F(ReportTest, UnknownCohortsAndOtherTenantsAreRefused) {
  v1::GetEvaluationReportRequest req;
  req.set_name("tenants/1504/programs/adm-2026/cohorts/none/evaluation");
  EXPECT_EQ(logic_.GetEvaluationReport(organiser_, req).status().code(), absl::StatusCode::kNotFound);
  req.set_name(absl::StrCat("tenants/1505/programs/adm-2026/cohorts/angkatan-1/evaluation"));
  EXPECT_EQ(logic_.GetEvaluationReport(organiser_, req).status().code(), absl::StatusCode::kPermissionDenied);
  req.set_name("tenants/1504/programs/adm-2026");
  auto bad = logic_.GetEvaluationReport(organiser_, req);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(bad.status()).at(0).first, "name");
}

TEST_F(ReportTest, TheIkmReportHasTheRegulationsLayoutAndTheApisFigures) {
  v1::GetIkmReportRequest req;
  req.set_name("tenants/1504/units/disdukcapil/satisfaction");
  req.mutable_start_date()->set_year(2026);
  req.mutable_start_date()->set_month(1);
  req.mutable_start_date()->set_day(1);
  req.mutable_end_date()->set_year(2026);
  req.mutable_end_date()->set_month(6);
  req.mutable_end_date()->set_day(30);
  const Caller head{"1504", "agency_head", "kepala", "tenants/1504/units/disdukcapil"};
  auto doc = logic_.GetIkmReport(head, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->filename(), "laporan-ikm-disdukcapil-20260101-20260630.pdf");
  // Read as the caller: complaint applies the head's unit.
  ASSERT_EQ(sources_.satisfaction_callers.size(), 1u);
  EXPECT_EQ(sources_.satisfaction_callers[0].role, "agency_head");
  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string t = Squeeze(*text);
  for (const std::string& s :
       {std::string("Laporan Hasil Survei Kepuasan Masyarakat"), std::string("Dinas Kependudukan dan Pencatatan Sipil"),
        std::string("1 Januari 2026 – 30 Juni 2026"), std::string("Nomor 14 Tahun 2017"), std::string("412"),
        std::string("Penanganan pengaduan, saran, dan masukan"), std::string("Sarana dan prasarana"),
        std::string("80,97"), std::string("Tabel konversi"), std::string("76,61 – 88,30")}) {
    EXPECT_TRUE(absl::StrContains(t, s)) << s;
  }
  for (const auto& e : sources_.satisfaction_.elements()) {
    EXPECT_TRUE(absl::StrContains(t, FormatNumber(e.nrr(), 3))) << e.element();
    EXPECT_TRUE(absl::StrContains(t, FormatNumber(e.nrr() / 9, 3))) << e.element();
  }
  EXPECT_TRUE(absl::StrContains(t, "mutu pelayanan B (Baik)"));
  // The respondents' profile, summed over the window's months: 81 men and
  // 99 women of 180 who answered (45,0 % and 55,0 %); age answered by too
  // few to break down.
  ASSERT_EQ(sources_.skm_requests.size(), 1u);
  EXPECT_EQ(sources_.skm_requests[0].name(), "tenants/1504/units/disdukcapil/skmAggregates");
  EXPECT_EQ(sources_.skm_requests[0].start_period(), "2026-01");
  EXPECT_EQ(sources_.skm_requests[0].end_period(), "2026-06");
  for (const std::string& s :
       {std::string("Profil responden"), std::string("Dari 200 responden formulir SKM Pelita pada Januari 2026 – Juni 2026"),
        std::string("Laki-laki 81 45,0%"), std::string("Perempuan 99 55,0%"), std::string("Menjawab 180 100%"),
        std::string("Usia: tidak dirinci (dijawab 4 responden, kurang dari 5)")}) {
    EXPECT_TRUE(absl::StrContains(t, s)) << s << "\n" << t;
  }
  auto pages = testing::RenderPages(doc->data(), Artefact("laporan-ikm-page1.png"));
  ASSERT_TRUE(pages.ok()) << pages.status();
  // The same as a workbook, read back with openpyxl: numbers as numbers.
  req.set_format(v1::XLSX);
  auto book = logic_.GetIkmReport(head, req);
  ASSERT_TRUE(book.ok()) << book.status();
  EXPECT_EQ(book->filename(), "laporan-ikm-disdukcapil-20260101-20260630.xlsx");
  auto sheets = testing::XlsxCells(book->data());
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 3u);
  EXPECT_EQ((*sheets)[0].first, "IKM");
  auto value_of = [&](const std::string& label) {
    for (const auto& row : (*sheets)[0].second) {
      if (row.size() > 1 && row[0] == label) return row[1];
    }
    return std::string("(missing)");
  };
  EXPECT_EQ(value_of("Jumlah responden"), "412");
  EXPECT_EQ(value_of("IKM unit pelayanan (× 25)"), "80.97");
  EXPECT_EQ(value_of("Mutu pelayanan"), "B");
  const testing::Sheet& elements = (*sheets)[1].second;
  ASSERT_EQ(elements.size(), 10u);
  for (int i = 0; i < 9; ++i) {
    double v = 0;
    ASSERT_TRUE(absl::SimpleAtod(elements[i + 1][3], &v)) << elements[i + 1][3];
    EXPECT_DOUBLE_EQ(v, sources_.satisfaction_.elements(i).nrr());
    EXPECT_EQ(elements[i + 1][2], absl::StrCat(sources_.satisfaction_.elements(i).respondents()));
  }
  // Shown as the PDF prints them: NRR with three decimals, the IKM with two,
  // the profile's shares as percentages; counts as they are.
  auto formats = testing::XlsxNumberFormats(book->data());
  ASSERT_TRUE(formats.ok()) << formats.status();
  EXPECT_EQ((*formats)[1].second[1][3], "0.000");
  EXPECT_EQ((*formats)[1].second[1][2], "General");
  for (size_t r = 0; r < (*sheets)[0].second.size(); ++r) {
    if ((*sheets)[0].second[r][0] == "IKM unit pelayanan (× 25)") EXPECT_EQ((*formats)[0].second[r][1], "0.00");
  }
  EXPECT_EQ((*formats)[2].second[1][3], "0.0%");
  const testing::Sheet& profile = (*sheets)[2].second;
  ASSERT_GE(profile.size(), 5u);
  EXPECT_EQ(profile[1][0], "Jenis kelamin");
  EXPECT_EQ(profile[1][1], "Laki-laki");
  EXPECT_EQ(profile[1][2], "81");
  EXPECT_EQ(profile[1][3], "0.45");
  EXPECT_EQ(profile[3][1], "Menjawab");
  EXPECT_EQ(profile[3][2], "180");
  EXPECT_EQ(profile[4][0], "Usia");
  EXPECT_TRUE(absl::StrContains(profile[4][1], "tidak dirinci")) << profile[4][1];
  req.set_format(v1::PDF);

  // The survey service down: the report says so and is still made.
  sources_.skm_available = false;
  doc = logic_.GetIkmReport(head, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(absl::StrContains(Squeeze(*text), "Profil responden tidak dapat disajikan"));
  sources_.skm_available = true;

  // Withheld: still a report, saying why, with no index.
  sources_.satisfaction_.clear_elements();
  sources_.satisfaction_.set_suppressed(true);
  sources_.satisfaction_.set_suppression(pelita::complaint::v1::TOO_FEW_RESPONDENTS);
  sources_.satisfaction_.set_respondents(3);
  doc = logic_.GetIkmReport(head, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(absl::StrContains(Squeeze(*text), "Indeks tidak ditampilkan: responden terlalu sedikit"));
  EXPECT_TRUE(absl::StrContains(Squeeze(*text), "Profil responden tidak ditampilkan: responden terlalu sedikit"));
  req.set_name("tenants/1504/units/nowhere/satisfaction");
  EXPECT_EQ(logic_.GetIkmReport(head, req).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ReportTest, TheProgrammeReportRollsUpItsCohortsWithTheirN) {
  v1::GetProgramReportRequest req;
  req.set_name("tenants/1504/programs/adm-2026");
  auto doc = logic_.GetProgramReport(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->filename(), "laporan-program-adm-2026.pdf");
  ASSERT_FALSE(sources_.evaluation_callers.empty());
  EXPECT_EQ(sources_.evaluation_callers[0].role, "organiser");  // read as the caller
  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string t = Squeeze(*text);
  for (const std::string& s : {std::string("Laporan Evaluasi Program Pelatihan"), std::string("Ringkasan program"),
                               std::string("Program ini terdiri atas 1 angkatan dengan 24 peserta."),
                               std::string("Angkatan I"), std::string("78,4 (n 21)"), std::string("Lampiran — Metode"),
                               std::string("Reaksi peserta (Level 1): 78,4"), std::string("Rp 4.000.000")}) {
    EXPECT_TRUE(absl::StrContains(t, s)) << s;
  }
  EXPECT_TRUE(absl::StrContains(t, Squeeze(ReasonText(sv1::BELOW_MIN_N))));  // L3 withheld, said why
  // The annex lists the programme's figures with their formulas in
  // Indonesian, as a cohort's does (raw order keeps each cell whole).
  auto raw = testing::PdfRawText(doc->data());
  ASSERT_TRUE(raw.ok()) << raw.status();
  sv1::RollUpEvaluationsRequest rr;
  auto rolled = sources_.RollUpEvaluations(organiser_, rr);
  ASSERT_TRUE(rolled.ok());
  int printed = 0;
  for (const FigureLine& l : ProgramFigures(rolled->rows(0))) {
    if (l.formula.empty()) continue;
    EXPECT_TRUE(absl::StrContains(Squeeze(*raw), Squeeze(l.formula))) << l.label << ": " << l.formula;
    ++printed;
  }
  EXPECT_GT(printed, 0);
  req.set_name("tenants/1504/programs/none");
  EXPECT_EQ(logic_.GetProgramReport(organiser_, req).status().code(), absl::StatusCode::kNotFound);
}

// The programme-year report as a workbook, read back with openpyxl: the
// programme's figures and each cohort's, as numbers with their n.
TEST_F(ReportTest, TheProgrammeWorkbookHoldsTheRollUpAndEveryCohortAsNumbers) {
  v1::GetProgramReportRequest req;
  req.set_name("tenants/1504/programs/adm-2026");
  req.set_format(v1::XLSX);
  auto doc = logic_.GetProgramReport(organiser_, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->content_type(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(doc->filename(), "laporan-program-adm-2026.xlsx");
  auto sheets = testing::XlsxCells(doc->data());
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  ASSERT_EQ(sheets->size(), 4u);
  EXPECT_EQ((*sheets)[0].first, "Ringkasan");
  EXPECT_EQ((*sheets)[1].first, "Program");
  EXPECT_EQ((*sheets)[2].first, "Angkatan");
  EXPECT_EQ((*sheets)[3].first, "Angka angkatan");
  auto number = [](const std::string& cell) {
    double v = 0;
    EXPECT_TRUE(absl::SimpleAtod(cell, &v)) << "'" << cell << "'";
    return v;
  };
  // Program: the roll-up row's seven figures.
  const testing::Sheet& program = (*sheets)[1].second;
  ASSERT_EQ(program.size(), 8u);
  EXPECT_EQ(program[1][1], "Reaksi peserta (Level 1)");
  EXPECT_DOUBLE_EQ(number(program[1][2]), sources_.evaluation_.reaction().overall().value());
  EXPECT_EQ(program[1][3], absl::StrCat(sources_.evaluation_.reaction().overall().n()));
  const sv1::Figure& applied = sources_.evaluation_.behaviour().applied_share();
  ASSERT_TRUE(applied.withheld());
  EXPECT_EQ(program[3][2], "");  // withheld: no value, and why
  EXPECT_EQ(program[3][6], "tidak");
  EXPECT_EQ(program[3][7], ReasonText(applied.reason_code()));
  // The programme's formulas in Indonesian.
  ASSERT_EQ(program[0].size(), 9u);
  EXPECT_EQ(program[0][8], "Rumus");
  sv1::RollUpRow row;
  *row.mutable_reaction() = sources_.evaluation_.reaction().overall();
  *row.mutable_normalised_gain() = sources_.evaluation_.learning().normalised_gain();
  *row.mutable_applied_share() = applied;
  *row.mutable_complaint_rate_did() = sources_.evaluation_.results().complaint_rate_did();
  *row.mutable_ikm_did() = sources_.evaluation_.results().ikm_did();
  *row.mutable_cost_per_participant() = sources_.evaluation_.cost().per_participant();
  *row.mutable_composite() = sources_.evaluation_.composite().score();
  const std::vector<FigureLine> said = ProgramFigures(row);
  for (size_t i = 0; i < said.size(); ++i) {
    EXPECT_EQ(program[i + 1][8], said[i].formula) << said[i].label;
    EXPECT_FALSE(program[i + 1][8].empty()) << said[i].label;
    for (const std::string& w : ScoringsEnglish()) EXPECT_FALSE(absl::StrContains(program[i + 1][8], w));
  }
  EXPECT_EQ(program[1][8],
            "rata-rata atas dimensi dari skor dimensi gabungan, (rata-rata jawaban − min) / (maks − min) × 100");
  EXPECT_EQ(program[3][8], "jawaban “ya, diterapkan” / jawaban atas pertanyaan penerapan; interval Wilson 95%");
  EXPECT_EQ(program[7][8], "Σ (bobot × skor level) / Σ bobot, atas level yang memiliki skor");
  // Angkatan: one row, its people and main figures beside their n.
  const testing::Sheet& cohorts = (*sheets)[2].second;
  ASSERT_EQ(cohorts.size(), 2u);
  EXPECT_EQ(cohorts[1][0], "Angkatan I");
  EXPECT_DOUBLE_EQ(number(cohorts[1][1]), sources_.evaluation_.enrolled());
  EXPECT_DOUBLE_EQ(number(cohorts[1][3]), sources_.evaluation_.reaction().overall().value());
  EXPECT_DOUBLE_EQ(number(cohorts[1][4]), sources_.evaluation_.reaction().overall().n());
  EXPECT_EQ(cohorts[1][7], "");  // L3 withheld
  // Angka angkatan: every figure of the cohort, as its own workbook lists them.
  const testing::Sheet& all = (*sheets)[3].second;
  const std::vector<FigureLine> lines = EvaluationFigures(sources_.evaluation_, {});
  ASSERT_EQ(all.size(), lines.size() + 1);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(all[i + 1][0], "Angkatan I");
    EXPECT_EQ(all[i + 1][2], lines[i].label);
    EXPECT_EQ(all[i + 1][4], absl::StrCat(lines[i].figure.n())) << lines[i].label;
    EXPECT_EQ(all[i + 1][9], lines[i].formula) << lines[i].label;
    for (const std::string& w : ScoringsEnglish()) EXPECT_FALSE(absl::StrContains(all[i + 1][9], w));
  }
  req.set_format(static_cast<v1::DocumentFormat>(7));
  auto bad = logic_.GetProgramReport(organiser_, req);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(bad.status()).at(0).first, "format");
}

TEST_F(ReportTest, ResponsesAreExportedDeIdentifiedInPiecesPageByPage) {
  ReportLogic::Options o = Options();
  o.piece_bytes = 4096;
  o.page_size = 1000;
  ReportLogic logic(&sources_, o);
  v1::ExportResponsesRequest req;
  req.set_parent(kCohort);
  req.set_instrument("tenants/1504/instruments/observasi");
  std::vector<type::v1::HttpBody> pieces;
  auto collect = [&](const type::v1::HttpBody& b) {
    pieces.push_back(b);
    return true;
  };
  ASSERT_TRUE(logic.ExportResponses(organiser_, req, collect).ok());
  EXPECT_EQ(sources_.pages_read, 3);  // 2,500 responses, 1,000 a page
  ASSERT_GT(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].filename(), "jawaban-observasi-adm-2026-angkatan-1.xlsx");
  std::string bytes;
  for (const auto& p : pieces) {
    EXPECT_LE(p.data().size(), 4096u);
    bytes += p.data();
  }
  auto sheets = testing::XlsxCells(bytes);
  ASSERT_TRUE(sheets.ok()) << sheets.status();
  const auto& rows = (*sheets)[0].second;
  ASSERT_EQ(rows.size(), 2500u);  // the header and 2,499 (one was replaced)
  EXPECT_EQ(rows[0][0], "No");
  EXPECT_EQ(rows[0][rows[0].size() - 1], "CATATAN");
  for (const auto& cell : rows[0]) EXPECT_FALSE(absl::StrContains(cell, "NIP")) << cell;
  EXPECT_EQ(rows[1][2], "2026-03-10");
  EXPECT_EQ(rows[1][3], "dinkes");
  EXPECT_EQ(rows[1][rows[1].size() - 1], "'=HYPERLINK(\"http://x\")");  // neutralised
  for (const auto& r : rows) {
    for (const auto& cell : r) EXPECT_FALSE(absl::StrContains(cell, "19800101")) << "a NIP in a de-identified export";
  }

  // Identified: the NIPs, for a named instrument; an anonymous one refuses.
  req.set_identified(true);
  pieces.clear();
  ASSERT_TRUE(logic.ExportResponses(organiser_, req, collect).ok());
  bytes.clear();
  for (const auto& p : pieces) bytes += p.data();
  sheets = testing::XlsxCells(bytes);
  ASSERT_TRUE(sheets.ok());
  EXPECT_EQ((*sheets)[0].second[0][4], "NIP responden");
  EXPECT_EQ((*sheets)[0].second[1][4], "198001012005011001");
  EXPECT_EQ(pieces[0].filename(), "jawaban-observasi-adm-2026-angkatan-1-teridentifikasi.xlsx");
  sources_.instrument_.set_anonymous(true);
  auto anon = logic.ExportResponses(organiser_, req, collect);
  EXPECT_EQ(anon.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(anon), "ANONYMOUS_INSTRUMENT");
  EXPECT_EQ(logic.ExportResponses(Caller{"1504", "instructor", "i"}, req, collect).code(),
            absl::StatusCode::kPermissionDenied);
  // A receiver that goes away stops the export.
  req.set_identified(false);
  EXPECT_EQ(logic.ExportResponses(organiser_, req, [](const type::v1::HttpBody&) { return false; }).code(),
            absl::StatusCode::kCancelled);
}

TEST_F(ReportTest, ACertificateNamesItsHolderAndCarriesItsVerificationLink) {
  v1::GetCertificateRequest req;
  req.set_name(absl::StrCat(kCohort, "/enrolments/", kNip));
  const Caller holder{"1504", "participant", kNip};
  auto doc = logic_.GetCertificate(holder, req);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->filename(), absl::StrCat("sertifikat-adm-2026-angkatan-1-", kNip, ".pdf"));
  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok()) << text.status();
  const std::string t = Squeeze(*text);
  for (const std::string& s :
       {std::string("SERTIFIKAT"), std::string("Siti Rahmawati, S.Kom."), absl::StrCat("NIP ", kNip),
        std::string("Administrasi Perkantoran Modern"), std::string("32 jam pelajaran (JP)"),
        std::string("Nomor: BKPSDM-BH/2026/0001"), std::string("2 Maret 2026 – 6 Maret 2026"),
        std::string("Kepala BKPSDM Kabupaten Batang Hari"), std::string("Drs. H. Ahmad Fauzi, M.Si."),
        std::string("10 Maret 2026")}) {
    EXPECT_TRUE(absl::StrContains(t, s)) << s;
  }
  std::ofstream(Artefact("sertifikat.pdf"), std::ios::binary) << doc->data();
  auto pages = testing::RenderPages(doc->data(), Artefact("sertifikat-page1.png"));
  ASSERT_TRUE(pages.ok()) << pages.status();
  EXPECT_EQ(*pages, 1);
  EXPECT_EQ(VerificationLink("https://x/verifikasi", req.name(), "BKPSDM-BH/2026/0001"),
            absl::StrCat("https://x/verifikasi#e=tenants%2F1504%2Fprograms%2Fadm-2026%2Fcohorts%2Fangkatan-1%2F"
                         "enrolments%2F",
                         kNip, "&n=BKPSDM-BH%2F2026%2F0001"));
}

TEST_F(ReportTest, CertificatesAreTheirHoldersAndOnlyOfCompletedEnrolments) {
  v1::GetCertificateRequest req;
  req.set_name(absl::StrCat(kCohort, "/enrolments/", kNip));
  auto other = logic_.GetCertificate(Caller{"1504", "participant", "199001012015032002"}, req);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(other.status()), "OUTSIDE_REACH");
  EXPECT_EQ(logic_.GetCertificate(Caller{"1504", "instructor", "i"}, req).status().code(),
            absl::StatusCode::kPermissionDenied);
  req.set_name(absl::StrCat(kCohort, "/enrolments/199212122019031004"));
  auto open = logic_.GetCertificate(organiser_, req);
  EXPECT_EQ(open.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(open.status()), "NOT_COMPLETED");
}

TEST_F(ReportTest, ACohortsCertificatesAreOnePagePerGraduateInNipOrder) {
  v1::GetCohortCertificatesRequest req;
  req.set_cohort(kCohort);
  // Streamed in pieces (the first with the type and name) that together
  // are one PDF.
  std::vector<type::v1::HttpBody> pieces;
  auto collect = [&](const type::v1::HttpBody& piece) {
    pieces.push_back(piece);
    return true;
  };
  absl::Status streamed = logic_.GetCohortCertificates(organiser_, req, collect);
  ASSERT_TRUE(streamed.ok()) << streamed;
  ASSERT_FALSE(pieces.empty());
  EXPECT_EQ(pieces[0].content_type(), "application/pdf");
  EXPECT_EQ(pieces[0].filename(), "sertifikat-adm-2026-angkatan-1.pdf");
  type::v1::HttpBody whole;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) EXPECT_TRUE(pieces[i].content_type().empty()) << i;
    whole.mutable_data()->append(pieces[i].data());
  }
  const auto* doc = &whole;
  auto pages = testing::PdfPages(doc->data());
  ASSERT_TRUE(pages.ok()) << pages.status();
  EXPECT_EQ(*pages, 3);  // three completed, one still enrolled
  auto text = testing::PdfText(doc->data());
  ASSERT_TRUE(text.ok());
  const size_t a = text->find("Siti Rahmawati"), b = text->find("Dewi Lestari"), c = text->find("Budi Santoso");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(a, b);  // 1985... < 1988... < 1990...
  EXPECT_LT(b, c);
  EXPECT_FALSE(absl::StrContains(*text, "Rudi Hartono"));
  pieces.clear();
  EXPECT_EQ(logic_.GetCohortCertificates(Caller{"1504", "participant", kNip}, req, collect).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(pieces.empty());  // refused before any piece
  // A receiver that goes away after the first piece stops the document.
  int taken = 0;
  absl::Status gone = logic_.GetCohortCertificates(organiser_, req, [&](const type::v1::HttpBody&) {
    ++taken;
    return false;
  });
  EXPECT_EQ(gone.code(), absl::StatusCode::kCancelled) << gone;
  EXPECT_EQ(taken, 1);
}

// A batch in small pieces: pieces of at least the size asked for (the last
// smaller), sent while the pages are drawn — the first long before the
// file is complete — and together the whole PDF.
TEST(CertificateStreamTest, ABatchComesInPiecesThatMakeOnePdf) {
  std::vector<CertificateData> certs;
  for (int i = 0; i < 40; ++i) {
    CertificateData d;
    d.tenant_name = "Kabupaten Batang Hari";
    d.holder_name = absl::StrCat("Peserta ", i + 1);
    d.nip = absl::StrFormat("1985031520100110%02d", i);
    d.program_title = "Administrasi Perkantoran";
    d.cohort_title = "Angkatan I";
    d.jp = 32;
    d.certificate_number = absl::StrFormat("BH/2026/%04d", i + 1);
    d.verify_link = VerificationLink("https://pelita.example/verifikasi", "tenants/1504/programs/p/cohorts/c/enrolments/1",
                                     d.certificate_number);
    certs.push_back(std::move(d));
  }
  auto whole = RenderCertificates(certs, "Sertifikat");
  ASSERT_TRUE(whole.ok()) << whole.status();
  std::vector<std::string> pieces;
  constexpr size_t kPiece = 16 * 1024;
  ASSERT_TRUE(StreamCertificates(certs, "Sertifikat", kPiece, [&](std::string p) {
                pieces.push_back(std::move(p));
                return true;
              }).ok());
  ASSERT_GE(pieces.size(), 3u);
  std::string joined;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i + 1 < pieces.size()) EXPECT_GE(pieces[i].size(), kPiece) << i;
    joined += pieces[i];
  }
  // The pages went out as they were drawn: the first piece is a small part
  // of the file.
  EXPECT_LT(pieces[0].size(), joined.size() / 3);
  auto pages = testing::PdfPages(joined);
  ASSERT_TRUE(pages.ok()) << pages.status();
  EXPECT_EQ(*pages, 40);
  auto text = testing::PdfText(joined);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(absl::StrContains(*text, "Peserta 40"));
  // The same document as rendered whole, but for its creation date.
  EXPECT_NEAR(static_cast<double>(joined.size()), static_cast<double>(whole->size()), 64);
}

TEST_F(ReportTest, VerificationConfirmsARealCertificateAndRefusesAForgedNumber) {
  v1::VerifyCertificateRequest req;
  req.set_enrolment(absl::StrCat(kCohort, "/enrolments/", kNip));
  req.set_certificate_number("BKPSDM-BH/2026/0001");
  auto ok = logic_.VerifyCertificate(req);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->holder_name(), "Siti Rahmawati, S.Kom.");
  EXPECT_EQ(ok->program_title(), "Administrasi Perkantoran Modern");
  EXPECT_EQ(ok->tenant_name(), "Kabupaten Batang Hari");
  EXPECT_EQ(ok->complete_time().seconds(), 1773100000);
  // A forged number, another person's number, an enrolment not completed,
  // no such enrolment: the same refusal, nothing disclosed.
  for (const auto& [enrolment, number] : std::vector<std::pair<std::string, std::string>>{
           {req.enrolment(), "BKPSDM-BH/2026/0099"},
           {req.enrolment(), "BKPSDM-BH/2026/0002"},
           {absl::StrCat(kCohort, "/enrolments/199212122019031004"), ""},
           {absl::StrCat(kCohort, "/enrolments/199212122019031004"), "BKPSDM-BH/2026/0004"},
           {absl::StrCat(kCohort, "/enrolments/200001012020011001"), "BKPSDM-BH/2026/0001"}}) {
    v1::VerifyCertificateRequest bad;
    bad.set_enrolment(enrolment);
    bad.set_certificate_number(number);
    auto r = logic_.VerifyCertificate(bad);
    if (number.empty()) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << enrolment << " " << number;
    EXPECT_EQ(ErrorReason(r.status()), "CERTIFICATE_NOT_FOUND");
    EXPECT_FALSE(absl::StrContains(r.status().message(), "Rudi"));
  }
}

}  // namespace
}  // namespace pelita::report
