#include "services/report/evaluation_report.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/report/pdf.h"
#include "services/report/text.h"
#include "services/report/xlsx.h"

namespace pelita::report {
namespace {

using scoring::v1::Evaluation;
using scoring::v1::Figure;

const char* DimensionTitle(const std::string& d) {
  if (d == "materi") return "Materi";
  if (d == "instruktur") return "Instruktur";
  if (d == "fasilitas") return "Fasilitas";
  if (d == "penyelenggaraan") return "Penyelenggaraan";
  return nullptr;
}

std::string DimensionLabel(const std::string& d) {
  const char* t = DimensionTitle(d);
  return t != nullptr ? t : d;
}

std::string UnitLabel(const std::string& unit, const absl::flat_hash_map<std::string, std::string>& titles) {
  auto it = titles.find(unit);
  if (it != titles.end() && !it->second.empty()) return it->second;
  const size_t slash = unit.rfind('/');
  return slash == std::string::npos ? unit : unit.substr(slash + 1);
}

std::string LevelTitle(const std::string& level) {
  if (level == "l1") return "L1 Reaksi";
  if (level == "l2") return "L2 Pembelajaran";
  if (level == "l3") return "L3 Perilaku";
  if (level == "l4") return "L4 Hasil";
  return level;
}

bool Shown(const Figure& f) { return !f.withheld(); }

std::string Reason(const Figure& f) { return ReasonText(f.reason_code()); }

// "71,3 (n = 24)" or "tidak ditampilkan (reason)".
std::string Said(const Figure& f, FigureKind kind) {
  if (!Shown(f)) return absl::StrCat("tidak ditampilkan (", Reason(f), ")");
  std::string s = FigureValueText(f, kind);
  if (f.has_interval()) {
    absl::StrAppend(&s, ", IK 95% ", FigureValueText([&] {
                      Figure x;
                      x.set_value(f.ci_low());
                      return x;
                    }(), kind),
                    " s.d. ", FigureValueText([&] {
                      Figure x;
                      x.set_value(f.ci_high());
                      return x;
                    }(), kind));
  }
  absl::StrAppend(&s, "; n = ", FormatInteger(f.n()));
  return s;
}

std::string Value(double v, FigureKind kind) {
  Figure f;
  f.set_value(v);
  return FigureValueText(f, kind);
}

}  // namespace

std::string FigureValueText(const Figure& f, FigureKind kind) {
  if (f.withheld()) return "";
  const double v = f.value();
  switch (kind) {
    case FigureKind::kScore: return FormatScore(v);
    case FigureKind::kPercent: return FormatPercent(v);
    case FigureKind::kRupiah: return FormatRupiah(v);
    case FigureKind::kSigned: return absl::StrCat(v > 0 ? "+" : "", FormatNumber(v, 2));
    case FigureKind::kP: return v < 0.001 ? "< 0,001" : FormatNumber(v, 3);
    case FigureKind::kCount: return FormatInteger(static_cast<int64_t>(std::llround(v)));
    case FigureKind::kNumber: return FormatNumber(v, 2);
  }
  return FormatNumber(v, 2);
}

std::string ExcelNumberFormat(FigureKind kind) {
  switch (kind) {
    case FigureKind::kScore: return "0.0";
    case FigureKind::kPercent: return "0.0%";
    case FigureKind::kRupiah: return "\"Rp\" #,##0";
    case FigureKind::kSigned: return "+0.00;-0.00;0.00";
    case FigureKind::kP: return "0.000";
    case FigureKind::kCount: return "#,##0";
    case FigureKind::kNumber: return "0.00";
  }
  return "0.00";
}

XlsxWorkbook::Cell FigureNumberCell(double value, FigureKind kind) {
  return XlsxWorkbook::Number{value, ExcelNumberFormat(kind)};
}

std::string FigureNoteText(const Figure& f, FigureKind kind) {
  if (f.withheld()) return Reason(f);
  std::string s;
  if (f.has_interval()) s = absl::StrCat(Value(f.ci_low(), kind), " – ", Value(f.ci_high(), kind));
  if (f.inconclusive()) {
    absl::StrAppend(&s, s.empty() ? "" : ". ", "Belum menunjukkan efek (interval 95% mencakup nol).");
  }
  if (!f.warning().empty()) {
    absl::StrAppend(&s, s.empty() ? "" : ". ",
                    f.warning_code() == scoring::v1::NEGATIVE_ALPHA
                        ? "Perhatian: alfa negatif, butir-butir tidak mengukur satu hal yang sama."
                        : "Perhatian.");
  }
  return s;
}

namespace {

// The formulas of scoring's figures (services/scoring/evaluator.cc, work.cc,
// composite.cc, rollup.cc), said in Indonesian for the methods annex and the
// workbooks' Rumus column: the same methods, in the reader's words.
constexpr char kScaleScore[] = "(rata-rata jawaban − min) / (maks − min) × 100";
constexpr char kDid[] = "(peserta sesudah − peserta sebelum) − (pembanding sesudah − pembanding sebelum)";
constexpr char kApplied[] = "jawaban “ya, diterapkan” / jawaban atas pertanyaan penerapan";
constexpr char kComposite[] = "Σ (bobot × skor level) / Σ bobot, atas level yang memiliki skor";

// A 0-100 score of scale answers (the L1 dimensions, the L3 rubric).
std::string ScaleScoreFormula() {
  return absl::StrCat(WithInterval(kScaleScore, Interval95::kStudentT), " atas jawaban");
}

// A rupiah amount that scoring writes as a whole number in a formula.
std::string RupiahOf(const std::string& digits) {
  double v = 0;
  return absl::SimpleAtod(digits, &v) ? FormatRupiah(v) : digits;
}

// A count that scoring writes as a whole number in a formula.
std::string CountOf(const std::string& digits) {
  int64_t v = 0;
  return absl::SimpleAtoi(digits, &v) ? FormatInteger(v) : digits;
}

// The total cost's basis, which scoring writes from the programme's record
// (services/scoring/collector.cc) as "cost_per_participant C x participants
// k" or "programme budget B x participants k / programme participants P".
std::string CostBasisFormula(const std::string& basis) {
  static const std::regex kPerParticipant("cost_per_participant (\\d+) x participants (\\d+)");
  static const std::regex kBudget("programme budget (\\d+) x participants (\\d+) / programme participants (\\d+)");
  std::smatch m;
  if (std::regex_match(basis, m, kPerParticipant)) {
    return absl::StrCat("biaya per peserta ", RupiahOf(m[1]), " × ", CountOf(m[2]), " peserta");
  }
  if (std::regex_match(basis, m, kBudget)) {
    return absl::StrCat("anggaran program ", RupiahOf(m[1]), " × ", CountOf(m[2]), " peserta angkatan / ",
                        CountOf(m[3]), " peserta program");
  }
  return "biaya yang dicatat untuk program";
}

// The ROI, whose benefit scoring takes from the organiser's estimate: "...;
// benefit: <the organiser's basis> (programme estimate A x participants k /
// P)".  The organiser's own words are printed as they are.
std::string RoiFormula(const std::string& formula) {
  static const std::regex kBenefit(
      ".*; benefit: (.*) \\(programme estimate (\\d+) x participants (\\d+) / (\\d+)\\)");
  std::string benefit = "perkiraan manfaat dari penyelenggara";
  std::smatch m;
  if (std::regex_match(formula, m, kBenefit)) {
    benefit = absl::StrCat(m[1].str(), m[1].length() > 0 ? " " : "", "(perkiraan program ", RupiahOf(m[2]), " × ",
                           CountOf(m[3]), " peserta angkatan / ", CountOf(m[4]), " peserta program)");
  }
  return absl::StrCat("(manfaat − biaya) / biaya × 100 (Phillips); manfaat: ", benefit);
}

// The benefit of the hours saved, with the assumptions scoring states; the
// window's days are the evaluation's own.
std::string HoursSavedBenefitFormula(int window_days) {
  const std::string days = FormatInteger(window_days);
  return absl::StrCat(
      "jam kerja yang dihemat × biaya per jam × 365 / ", days,
      " hari masa sesudah. Asumsi: selisih-dalam-selisih waktu proses adalah efek pelatihan; jam kerja yang dihemat "
      "dalam masa sesudah ",
      days,
      " hari berlanjut selama setahun; satu jam proses adalah satu jam kerja pegawai dengan biaya per jam yang "
      "ditetapkan pemerintah daerah; tidak ada biaya atau manfaat lain");
}

// The L4 component of the composite, chosen as scoring chooses it
// (services/scoring/composite.cc, L4Level): from the complaint-rate
// estimate when it is shown and the trained units had complaints before,
// else from the IKM estimate when it is shown with its interval; 50 when the
// estimate's interval includes zero.  Otherwise scoring gives no formula.
std::string L4ComponentFormula(const scoring::v1::Results& r) {
  const Figure& d = r.complaint_rate_did();
  const auto c = d.inputs().find("treated_before_complaints");
  const auto t = d.inputs().find("treated_before_transactions");
  const bool before = c != d.inputs().end() && t != d.inputs().end() && t->second > 0 && c->second > 0;
  if (!d.withheld() && before) {
    return d.inconclusive() ? "50: belum menunjukkan efek (interval 95% selisih-dalam-selisih pengaduan mencakup nol)"
                            : "50 − 50 × selisih-dalam-selisih pengaduan / pengaduan per 1.000 transaksi unit peserta "
                              "sebelum, dibatasi 0–100";
  }
  const Figure& i = r.ikm_did();
  if (!i.withheld() && i.has_interval()) {
    return i.inconclusive() ? "50: belum menunjukkan efek (interval 95% selisih-dalam-selisih IKM mencakup nol)"
                            : "50 + 5 × selisih-dalam-selisih IKM, dibatasi 0–100";
  }
  return "";
}

// A level's component of the composite, as scoring scales it.
std::string ComponentFormula(const std::string& level, const scoring::v1::Results& r) {
  if (level == "l1") return "skor reaksi (rata-rata skor dimensi)";
  if (level == "l2") return "100 × kenaikan ternormalisasi g, dibatasi 0–100";
  if (level == "l3") return "100 × bagian yang diterapkan";
  if (level == "l4") return L4ComponentFormula(r);
  return "";
}

// A line, its Indonesian formula kept only where scoring gives one.
FigureLine Line(std::string section, std::string label, const Figure& f, FigureKind kind, std::string formula) {
  return {std::move(section), std::move(label), f, kind, f.formula().empty() ? "" : std::move(formula)};
}

}  // namespace

std::vector<FigureLine> EvaluationFigures(const Evaluation& e,
                                          const absl::flat_hash_map<std::string, std::string>& unit_titles) {
  std::vector<FigureLine> out;
  auto add = [&](const char* section, std::string label, const Figure& f, FigureKind kind, std::string formula) {
    out.push_back(Line(section, std::move(label), f, kind, std::move(formula)));
  };
  const auto& r = e.reaction();
  add("L1", "Tingkat respons survei reaksi", r.response_rate(), FigureKind::kPercent, "responden / peserta terdaftar");
  for (const auto& d : r.dimensions()) {
    add("L1", absl::StrCat("Skor dimensi ", DimensionLabel(d.dimension())), d.score(), FigureKind::kScore,
        ScaleScoreFormula());
  }
  add("L1", "Skor reaksi keseluruhan", r.overall(), FigureKind::kScore, "rata-rata skor dimensi");
  add("L1", "Alfa Cronbach", r.cronbach_alpha(), FigureKind::kNumber,
      "k/(k − 1) × (1 − Σ ragam butir / ragam total), k = jumlah butir");
  const auto& l = e.learning();
  add("L2", "Pasangan pra-tes dan pasca-tes", l.pairs(), FigureKind::kCount, "pasangan pra-tes dan pasca-tes");
  add("L2", "Rata-rata pra-tes", l.mean_pre(), FigureKind::kScore, "jumlah nilai pra-tes / pasangan");
  add("L2", "Rata-rata pasca-tes", l.mean_post(), FigureKind::kScore, "jumlah nilai pasca-tes / pasangan");
  add("L2", "Rata-rata kenaikan", l.mean_gain(), FigureKind::kSigned,
      "jumlah selisih (pasca-tes − pra-tes) / pasangan");
  add("L2", "Kenaikan ternormalisasi (Hake)", l.normalised_gain(), FigureKind::kNumber,
      "(rata-rata pasca-tes − rata-rata pra-tes) / (nilai maksimum − rata-rata pra-tes) (Hake)");
  add("L2", "Statistik t (berpasangan)", l.t(), FigureKind::kNumber,
      "rata-rata selisih / (simpangan baku selisih / √pasangan)");
  add("L2", "Nilai p", l.p_value(), FigureKind::kP,
      "2 × P(T > |t|), distribusi t Student dengan derajat bebas pasangan − 1");
  add("L2", "Ukuran efek (Cohen dz)", l.cohens_dz(), FigureKind::kNumber, "rata-rata selisih / simpangan baku selisih");
  const auto& b = e.behaviour();
  add("L3", "Tingkat respons tindak lanjut", b.response_rate(), FigureKind::kPercent,
      "peserta dengan sedikitnya satu tindak lanjut (dihitung per orang) / peserta yang wajib");
  add("L3", "Diterapkan di tempat kerja (penilaian atasan)", b.applied_share(), FigureKind::kPercent,
      WithInterval(kApplied, Interval95::kWilson));
  add("L3", "Pembelajaran yang tidak terpakai", b.scrap_learning_rate(), FigureKind::kPercent,
      "1 − bagian yang diterapkan");
  add("L3", "Diterapkan menurut peserta sendiri", b.self_reported_applied_share(), FigureKind::kPercent,
      WithInterval("laporan diri “ya, diterapkan” / laporan diri yang menjawab pertanyaan penerapan",
                   Interval95::kWilson));
  for (const auto& w : b.waves()) {
    const std::string days = FormatDayRange(w.first_day(), w.last_day());
    add("L3", absl::StrCat("Hari ke-", w.offset_days(), ": laporan diri"), w.self_report_rate(), FigureKind::kPercent,
        absl::StrCat("peserta dengan laporan diri pada ", days, " / peserta yang wajib"));
    add("L3", absl::StrCat("Hari ke-", w.offset_days(), ": penilaian atasan"), w.assessment_rate(),
        FigureKind::kPercent, absl::StrCat("peserta yang dinilai atasannya pada ", days, " / peserta yang wajib"));
  }
  for (const auto& c : b.rubric()) {
    add("L3", absl::StrCat("Rubrik: ", c.competency()), c.score(), FigureKind::kScore, ScaleScoreFormula());
  }
  if (b.has_skp_change()) {
    const auto& k = b.skp_change();
    auto share = [](const char* what) {
      return WithInterval(
          absl::StrCat("peserta yang predikat SKP-nya ", what, " / peserta dengan SKP sebelum dan sesudah"),
          Interval95::kWilson);
    };
    add("L3", "Predikat SKP naik (sesudah dibanding sebelum)", k.rose_share(), FigureKind::kPercent, share("naik"));
    add("L3", "Predikat SKP tetap", k.stayed_share(), FigureKind::kPercent, share("tetap"));
    add("L3", "Predikat SKP turun", k.fell_share(), FigureKind::kPercent, share("turun"));
    add("L3", "Rata-rata perubahan predikat SKP (langkah)", k.mean_step(), FigureKind::kSigned,
        "rata-rata (sesudah − sebelum) pada skala Sangat Kurang 1 … Sangat Baik 5");
    add("L3", "Uji tanda SKP (nilai p)", k.sign_test_p(), FigureKind::kP,
        "uji tanda eksak dua sisi, predikat naik dibanding turun");
    add("L3", "Uji peringkat bertanda Wilcoxon SKP (nilai p)", k.wilcoxon_p(), FigureKind::kP,
        "uji peringkat bertanda Wilcoxon dua sisi, pendekatan normal dengan koreksi untuk nilai yang sama");
  }
  const auto& res = e.results();
  const std::string unit_rate = WithInterval("pengaduan / transaksi × 1.000", Interval95::kPoisson);
  const std::string unit_ikm =
      "Σ NRR unsur / 9 × 25 (PermenPANRB 14/2017); interval 95%: IKM ± t(0,975; n − 1) × galat baku";
  for (const auto& u : res.treated_units()) {
    const std::string name = UnitLabel(u.unit(), unit_titles);
    add("L4", absl::StrCat(name, ": pengaduan per 1.000 transaksi, sebelum"), u.complaint_rate_before(),
        FigureKind::kNumber, unit_rate);
    add("L4", absl::StrCat(name, ": pengaduan per 1.000 transaksi, sesudah"), u.complaint_rate_after(),
        FigureKind::kNumber, unit_rate);
    add("L4", absl::StrCat(name, ": IKM sebelum"), u.ikm_before(), FigureKind::kScore, unit_ikm);
    add("L4", absl::StrCat(name, ": IKM sesudah"), u.ikm_after(), FigureKind::kScore, unit_ikm);
  }
  add("L4", "Selisih-dalam-selisih pengaduan per 1.000 transaksi", res.complaint_rate_did(), FigureKind::kSigned,
      WithInterval(absl::StrCat(kDid,
                                ", pengaduan per 1.000 transaksi; galat baku = √(Σ ragam Poisson pengaduan / "
                                "transaksi²) × 1.000"),
                   Interval95::kNormal));
  add("L4", "Selisih-dalam-selisih IKM", res.ikm_did(), FigureKind::kSigned,
      absl::StrCat(kDid,
                   " atas IKM (25–100) berbobot responden, unit yang memiliki IKM di kedua masa; ragam = jumlah "
                   "ragam keempat rata-rata, masing-masing Σ (bobot unit² × galat baku unit²); ",
                   IntervalText(Interval95::kNormal), ": ± 1,959964 × galat baku"));
  add("L4", "Pengaduan yang terhindarkan", res.complaints_avoided(), FigureKind::kNumber,
      "−(selisih-dalam-selisih pengaduan) × transaksi unit peserta di masa sesudah / 1.000");
  if (res.has_work()) {
    const auto& w = res.work();
    const std::string error_rate = WithInterval("berkas dikembalikan / berkas selesai", Interval95::kWilson);
    const std::string on_time = WithInterval("berkas selesai tepat waktu / berkas selesai", Interval95::kWilson);
    const std::string hours =
        absl::StrCat(WithInterval("jumlah jam / berkas yang tercatat waktunya", Interval95::kNormal),
                     ", ragam dari titik tengah pita waktu (pita terbuka 1.080 jam)");
    const std::string rate_did = WithInterval(
        absl::StrCat(kDid, ", poin persentase; ragam binomial p(1 − p)/n dari berkas yang digabung"),
        Interval95::kNormal);
    add("L4", "Tingkat kesalahan pengolahan, unit peserta sebelum", w.treated_error_rate_before(), FigureKind::kPercent,
        error_rate);
    add("L4", "Tingkat kesalahan pengolahan, unit peserta sesudah", w.treated_error_rate_after(), FigureKind::kPercent,
        error_rate);
    add("L4", "Tingkat kesalahan pengolahan, unit pembanding sebelum", w.control_error_rate_before(),
        FigureKind::kPercent, error_rate);
    add("L4", "Tingkat kesalahan pengolahan, unit pembanding sesudah", w.control_error_rate_after(),
        FigureKind::kPercent, error_rate);
    add("L4", "Selisih-dalam-selisih tingkat kesalahan (poin persentase)", w.error_rate_did(), FigureKind::kSigned,
        rate_did);
    add("L4", "Ketepatan waktu layanan, unit peserta sebelum", w.treated_on_time_rate_before(), FigureKind::kPercent,
        on_time);
    add("L4", "Ketepatan waktu layanan, unit peserta sesudah", w.treated_on_time_rate_after(), FigureKind::kPercent,
        on_time);
    add("L4", "Selisih-dalam-selisih ketepatan waktu (poin persentase)", w.on_time_rate_did(), FigureKind::kSigned,
        rate_did);
    add("L4", "Waktu proses rata-rata (jam), unit peserta sebelum", w.treated_hours_before(), FigureKind::kNumber,
        hours);
    add("L4", "Waktu proses rata-rata (jam), unit peserta sesudah", w.treated_hours_after(), FigureKind::kNumber,
        hours);
    add("L4", "Selisih-dalam-selisih waktu proses (jam)", w.processing_hours_did(), FigureKind::kSigned,
        WithInterval(absl::StrCat(kDid, " atas waktu proses rata-rata (jam); ragam dari titik tengah pita waktu"),
                     Interval95::kNormal));
    add("L4", "Jam kerja yang dihemat di masa sesudah", w.hours_saved(), FigureKind::kNumber,
        "−(selisih-dalam-selisih waktu proses) × berkas yang tercatat waktunya di unit peserta pada masa sesudah");
  }
  const auto& c = e.cost();
  add("Biaya", "Biaya total", c.total(), FigureKind::kRupiah, CostBasisFormula(c.total().formula()));
  add("Biaya", "Biaya per peserta", c.per_participant(), FigureKind::kRupiah, "biaya total / peserta");
  add("Biaya", "Biaya per lulusan", c.per_completed(), FigureKind::kRupiah, "biaya total / lulusan");
  add("Biaya", "Biaya per JP", c.per_jp(), FigureKind::kRupiah, "biaya total / (peserta × JP)");
  add("Biaya", "ROI (%)", c.roi_pct(), FigureKind::kNumber, RoiFormula(c.roi_pct().formula()));
  add("Biaya", "Rasio manfaat-biaya (BCR)", c.bcr(), FigureKind::kNumber, "manfaat / biaya (Phillips)");
  add("Biaya", "Biaya per poin kenaikan", c.per_gain_point(), FigureKind::kRupiah,
      "biaya per peserta / (100 × kenaikan ternormalisasi g)");
  add("Biaya", "Biaya per pengaduan terhindarkan", c.per_complaint_avoided(), FigureKind::kRupiah,
      "biaya total / pengaduan yang terhindarkan");
  if (c.has_hours_saved_benefit()) {
    add("Biaya", "Manfaat dari jam kerja yang dihemat (setahun, pilihan)", c.hours_saved_benefit(),
        FigureKind::kRupiah, HoursSavedBenefitFormula(res.window_days()));
    add("Biaya", "ROI dari jam kerja yang dihemat (%)", c.roi_pct_from_hours(), FigureKind::kNumber,
        "(manfaat jam kerja yang dihemat − biaya) / biaya × 100 (Phillips)");
    add("Biaya", "BCR dari jam kerja yang dihemat", c.bcr_from_hours(), FigureKind::kNumber,
        "manfaat jam kerja yang dihemat / biaya (Phillips)");
  }
  for (const auto& comp : e.composite().components()) {
    add("Komposit", absl::StrCat("Komponen ", LevelTitle(comp.level()), " (bobot ", FormatNumber(comp.weight(), 2),
                                 ")"),
        comp.score(), FigureKind::kScore, ComponentFormula(comp.level(), res));
  }
  add("Komposit", "Skor gabungan", e.composite().score(), FigureKind::kScore, kComposite);
  return out;
}

std::vector<std::string> SummarySentences(const Evaluation& e) {
  std::vector<std::string> s;
  s.push_back(absl::StrCat("Angkatan ini diikuti ", FormatInteger(e.enrolled()), " peserta; ",
                           FormatInteger(e.completed()), " di antaranya menyelesaikan pelatihan."));
  std::vector<std::string> worked, not_worked, unknown;
  const Figure& l1 = e.reaction().overall();
  if (Shown(l1)) {
    s.push_back(absl::StrCat("Reaksi peserta (Level 1): skor keseluruhan ", FormatScore(l1.value()),
                             " dari 100 (", Said(l1, FigureKind::kScore), ")."));
    (l1.value() >= 70 ? worked : not_worked).push_back("reaksi peserta");
  } else {
    s.push_back(absl::StrCat("Reaksi peserta (Level 1) tidak ditampilkan: ", Reason(l1)));
    unknown.push_back("reaksi peserta");
  }
  const auto& l = e.learning();
  if (Shown(l.mean_pre()) && Shown(l.mean_post())) {
    std::string t = absl::StrCat("Pembelajaran (Level 2): nilai rata-rata ",
                                 l.mean_post().value() >= l.mean_pre().value() ? "naik" : "turun", " dari ",
                                 FormatScore(l.mean_pre().value()), " menjadi ", FormatScore(l.mean_post().value()),
                                 " (", FormatInteger(l.pairs().n()), " pasangan pra-tes dan pasca-tes)");
    if (Shown(l.normalised_gain())) {
      absl::StrAppend(&t, "; kenaikan ternormalisasi ", FormatNumber(l.normalised_gain().value(), 2));
    }
    if (Shown(l.p_value())) absl::StrAppend(&t, ", nilai p ", FigureValueText(l.p_value(), FigureKind::kP));
    s.push_back(absl::StrCat(t, "."));
    const bool up = Shown(l.normalised_gain()) ? l.normalised_gain().value() >= 0.3
                                               : l.mean_post().value() > l.mean_pre().value();
    (up ? worked : not_worked).push_back("pembelajaran");
  } else {
    s.push_back(absl::StrCat("Pembelajaran (Level 2) tidak ditampilkan: ", Reason(l.mean_post())));
    unknown.push_back("pembelajaran");
  }
  const Figure& applied = e.behaviour().applied_share();
  if (Shown(applied)) {
    s.push_back(absl::StrCat("Perilaku (Level 3): ", FormatPercent(applied.value()),
                             " penilaian atasan menyatakan peserta menerapkan hasil pelatihan di tempat kerja (",
                             Said(applied, FigureKind::kPercent), ")."));
    (applied.value() >= 0.5 ? worked : not_worked).push_back("penerapan di tempat kerja");
  } else {
    s.push_back(absl::StrCat("Perilaku (Level 3) tidak ditampilkan: ", Reason(applied)));
    unknown.push_back("penerapan di tempat kerja");
  }
  const auto& k = e.behaviour().skp_change();
  if (e.behaviour().has_skp_change()) {
    if (Shown(k.rose_share())) {
      std::string t = absl::StrCat("Predikat kinerja (SKP) peserta naik pada ", FormatPercent(k.rose_share().value()),
                                   ", tetap pada ", FormatPercent(k.stayed_share().value()), " dan turun pada ",
                                   FormatPercent(k.fell_share().value()), " dari ", FormatInteger(k.rose_share().n()),
                                   " peserta yang memiliki SKP sebelum dan sesudah pelatihan");
      if (Shown(k.sign_test_p())) {
        absl::StrAppend(&t, " (uji tanda p = ", FigureValueText(k.sign_test_p(), FigureKind::kP), ")");
      }
      s.push_back(absl::StrCat(t, "."));
    } else {
      s.push_back(absl::StrCat("Perubahan predikat SKP tidak ditampilkan: ", Reason(k.rose_share())));
    }
  }
  const auto& r = e.results();
  if (r.has_work()) {
    const auto& w = r.work();
    // "Tingkat kesalahan ... turun dari 6,1% menjadi 3,4% (selisih-dalam-
    // selisih -2,1 poin, IK 95% -3,0 s.d. -1,2) dibanding unit pembanding."
    auto change = [&](const char* what, const Figure& before, const Figure& after, const Figure& did, bool percent,
                      bool better_when_negative, const char* unit) {
      if (!Shown(did) || !Shown(before) || !Shown(after)) {
        s.push_back(absl::StrCat(what, " tidak ditampilkan: ", Reason(Shown(did) ? (Shown(before) ? after : before) : did)));
        unknown.push_back(absl::StrCat("hasil (", absl::AsciiStrToLower(what), ")"));
        return;
      }
      auto v = [&](double x) { return percent ? FormatPercent(x) : absl::StrCat(FormatNumber(x, 1), " jam"); };
      std::string t = absl::StrCat(what, " di unit peserta ", after.value() < before.value() ? "turun" : "naik",
                                   " dari ", v(before.value()), " menjadi ", v(after.value()),
                                   " (selisih-dalam-selisih ", Value(did.value(), FigureKind::kSigned), " ", unit);
      if (did.has_interval()) {
        absl::StrAppend(&t, ", IK 95% ", Value(did.ci_low(), FigureKind::kSigned), " s.d. ",
                        Value(did.ci_high(), FigureKind::kSigned));
      }
      absl::StrAppend(&t, ") dibanding unit pembanding");
      if (did.inconclusive()) {
        absl::StrAppend(&t, "; interval mencakup nol, sehingga belum menunjukkan efek.");
        unknown.push_back(absl::StrCat("hasil (", absl::AsciiStrToLower(what), ")"));
      } else {
        const bool good = better_when_negative ? did.value() < 0 : did.value() > 0;
        absl::StrAppend(&t, ".");
        (good ? worked : not_worked).push_back(absl::StrCat("hasil (", absl::AsciiStrToLower(what), ")"));
      }
      s.push_back(t);
    };
    change("Tingkat kesalahan pengolahan dokumen", w.treated_error_rate_before(), w.treated_error_rate_after(),
           w.error_rate_did(), true, true, "poin");
    change("Ketepatan waktu layanan", w.treated_on_time_rate_before(), w.treated_on_time_rate_after(),
           w.on_time_rate_did(), true, false, "poin");
    change("Waktu proses rata-rata", w.treated_hours_before(), w.treated_hours_after(), w.processing_hours_did(),
           false, true, "jam");
  }
  for (const auto& [f, what, better_when_negative] :
       {std::tuple<const Figure*, const char*, bool>{&r.complaint_rate_did(), "pengaduan per 1.000 transaksi", true},
        {&r.ikm_did(), "IKM", false}}) {
    if (!Shown(*f)) {
      s.push_back(absl::StrCat("Hasil (Level 4) untuk ", what, " tidak ditampilkan: ", Reason(*f)));
      continue;
    }
    std::string t = absl::StrCat("Hasil (Level 4): selisih-dalam-selisih ", what, " ",
                                 FigureValueText(*f, FigureKind::kSigned));
    if (f->has_interval()) {
      absl::StrAppend(&t, " (IK 95% ", Value(f->ci_low(), FigureKind::kSigned), " s.d. ",
                      Value(f->ci_high(), FigureKind::kSigned), ")");
    }
    absl::StrAppend(&t, " dibanding unit pembanding");
    if (f->inconclusive()) {
      absl::StrAppend(&t, "; interval mencakup nol, sehingga belum menunjukkan efek.");
      unknown.push_back(absl::StrCat("hasil (", what, ")"));
    } else {
      const bool good = better_when_negative ? f->value() < 0 : f->value() > 0;
      absl::StrAppend(&t, good ? "; perubahan ini menguntungkan unit peserta." : "; unit peserta tidak membaik.");
      (good ? worked : not_worked).push_back(absl::StrCat("hasil (", what, ")"));
    }
    s.push_back(t);
  }
  const auto& c = e.cost();
  if (Shown(c.total())) {
    std::string t = absl::StrCat("Biaya pelatihan ", FormatRupiah(c.total().value()));
    if (Shown(c.per_participant())) absl::StrAppend(&t, " (", FormatRupiah(c.per_participant().value()), " per peserta)");
    if (Shown(c.roi_pct())) {
      absl::StrAppend(&t, "; ROI ", FormatNumber(c.roi_pct().value(), 1), "%");
      if (Shown(c.bcr())) absl::StrAppend(&t, ", rasio manfaat-biaya ", FormatNumber(c.bcr().value(), 2));
    } else {
      absl::StrAppend(&t, "; ROI tidak ditampilkan: ", Reason(c.roi_pct()));
    }
    s.push_back(absl::StrCat(t, t.back() == '.' ? "" : "."));
  } else {
    s.push_back(absl::StrCat("Biaya tidak ditampilkan: ", Reason(c.total())));
  }
  const Figure& comp = e.composite().score();
  s.push_back(Shown(comp) ? absl::StrCat("Skor gabungan ", FormatScore(comp.value()), " dari 100.")
                          : absl::StrCat("Skor gabungan tidak ditampilkan: ", Reason(comp)));
  if (!worked.empty()) s.push_back(absl::StrCat("Yang berhasil: ", absl::StrJoin(worked, ", "), "."));
  if (!not_worked.empty()) s.push_back(absl::StrCat("Yang belum berhasil: ", absl::StrJoin(not_worked, ", "), "."));
  if (!unknown.empty()) s.push_back(absl::StrCat("Belum dapat dinilai: ", absl::StrJoin(unknown, ", "), "."));
  return s;
}

namespace {

const std::vector<PdfDocument::Column>& FigureColumns() {
  static const auto* cols = new std::vector<PdfDocument::Column>{
      {"Angka", 0.40, false}, {"Nilai", 0.14, true}, {"n", 0.08, true}, {"IK 95% / keterangan", 0.38, false}};
  return *cols;
}

void FigureTable(PdfDocument& pdf, const std::vector<FigureLine>& lines, absl::string_view section) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : lines) {
    if (l.section != section) continue;
    rows.push_back({l.label, l.figure.withheld() ? "Tidak ditampilkan" : FigureValueText(l.figure, l.kind),
                    FormatInteger(l.figure.n()), FigureNoteText(l.figure, l.kind)});
  }
  pdf.Table(FigureColumns(), rows);
}

PdfDocument::Bar BarOf(std::string label, const Figure& f, FigureKind kind, double scale, int series = 0) {
  PdfDocument::Bar b;
  b.label = std::move(label);
  b.series = series;
  b.shown = !f.withheld();
  if (b.shown) {
    b.value = f.value() * scale;
    b.value_text = FigureValueText(f, kind);
    b.has_interval = f.has_interval();
    b.low = f.ci_low() * scale;
    b.high = f.ci_high() * scale;
  } else {
    b.value_text = absl::StrCat("Tidak ditampilkan: ", Reason(f));
  }
  return b;
}

// The pairs' pre/post scores per band of ten points, as paired columns with
// their n; withheld, the reason instead.
void LearningDistribution(PdfDocument& pdf, const scoring::v1::ScoreDistribution& d) {
  const std::string caption = "Sebaran nilai pra-tes dan pasca-tes peserta berpasangan";
  if (d.withheld() || d.bands_size() == 0) {
    pdf.Note(absl::StrCat(caption, " tidak ditampilkan (n = ", FormatInteger(d.n()), " pasangan). ",
                          ReasonText(d.reason_code())));
    return;
  }
  std::vector<std::string> bands;
  PdfDocument::ColumnSeries pre{"Pra-tes", {}}, post{"Pasca-tes", {}};
  double max = 0;
  for (const auto& b : d.bands()) {
    bands.push_back(absl::StrCat(b.lower(), "–", b.upper()));
    pre.values.push_back(static_cast<double>(b.pre()));
    post.values.push_back(static_cast<double>(b.post()));
    max = std::max({max, static_cast<double>(b.pre()), static_cast<double>(b.post())});
  }
  // The post-test in the primary colour, as in the chart of the means.
  pdf.ColumnChart(absl::StrCat(caption, " (n = ", FormatInteger(d.n()), " pasangan)"), bands, {post, pre},
                  std::max(1.0, std::ceil(max * 1.15)), "Jumlah peserta", "Rentang nilai (skala 0–100)");
  // The counts themselves, for a reader who cannot see the chart.
  std::vector<std::vector<std::string>> rows;
  for (const auto& b : d.bands()) {
    rows.push_back({absl::StrCat(b.lower(), "–", b.upper()), FormatInteger(b.pre()), FormatInteger(b.post())});
  }
  pdf.Table({{"Rentang nilai", 0.4, false}, {"Pra-tes (peserta)", 0.3, true}, {"Pasca-tes (peserta)", 0.3, true}},
            rows);
}

// `Des 2025`: a month short enough for a chart's axis.
std::string ShortMonth(const std::string& period) {
  static const char* const kShort[] = {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
                                       "Jul", "Agu", "Sep", "Okt", "Nov", "Des"};
  absl::CivilMonth m;
  if (!absl::ParseCivilTime(period, &m)) return period;
  return absl::StrCat(kShort[m.month() - 1], " ", m.year());
}

// L4's before/after lines: the complaint rate and the IKM per month, the
// trained units against the comparison units, the windows shaded; then the
// months as a table with n, and every gap with its reason.
void ResultsLines(PdfDocument& pdf, const scoring::v1::Results& r) {
  if (r.series_size() == 0) {
    if (r.series_missing_code() != scoring::v1::REASON_CODE_UNSPECIFIED) {
      pdf.Note(absl::StrCat("Grafik bulanan pengaduan dan IKM tidak ditampilkan. ",
                            ReasonText(r.series_missing_code())));
    }
    return;
  }
  std::vector<std::string> months;
  std::vector<PdfDocument::Span> spans;
  PdfDocument::Span before{0, 0, "Masa sebelum"}, after{0, 0, "Masa sesudah"};
  bool has_before = false, has_after = false;
  for (int i = 0; i < r.series_size(); ++i) {
    const auto& m = r.series(i);
    months.push_back(ShortMonth(m.period()));
    if (m.in_before()) {
      if (!has_before) before.first = i;
      before.last = i;
      has_before = true;
    }
    if (m.in_after()) {
      if (!has_after) after.first = i;
      after.last = i;
      has_after = true;
    }
  }
  if (has_before) spans.push_back(before);
  if (has_after) spans.push_back(after);
  auto line = [&](const std::string& name, auto get) {
    PdfDocument::LineSeries s{name, {}};
    for (const auto& m : r.series()) {
      const Figure& f = get(m);
      s.values.push_back(f.withheld() ? std::nullopt : std::optional<double>(f.value()));
    }
    return s;
  };
  using scoring::v1::ResultsMonth;
  const auto trained_rate = line("Unit peserta", [](const ResultsMonth& m) -> const Figure& {
    return m.treated_complaint_rate();
  });
  const auto control_rate = line("Unit pembanding", [](const ResultsMonth& m) -> const Figure& {
    return m.control_complaint_rate();
  });
  const auto trained_ikm = line("Unit peserta", [](const ResultsMonth& m) -> const Figure& { return m.treated_ikm(); });
  const auto control_ikm = line("Unit pembanding", [](const ResultsMonth& m) -> const Figure& { return m.control_ikm(); });
  double max_rate = 0, min_ikm = 100, max_ikm = 25;
  int gaps = 0;
  for (const auto* s : {&trained_rate, &control_rate}) {
    for (const auto& v : s->values) {
      if (v) max_rate = std::max(max_rate, *v);
      gaps += !v;
    }
  }
  for (const auto* s : {&trained_ikm, &control_ikm}) {
    for (const auto& v : s->values) {
      if (v) {
        min_ikm = std::min(min_ikm, *v);
        max_ikm = std::max(max_ikm, *v);
      }
      gaps += !v;
    }
  }
  if (min_ikm > max_ikm) min_ikm = 25;
  pdf.Subheading("Pengaduan dan IKM per bulan, unit peserta dan unit pembanding");
  pdf.LineChart("Pengaduan per 1.000 transaksi per bulan", months, {trained_rate, control_rate}, spans, 0,
                std::max(1.0, std::ceil(max_rate * 1.1)), "Pengaduan per 1.000 transaksi", "Bulan");
  pdf.LineChart("Indeks Kepuasan Masyarakat (IKM, skala 25–100) per bulan", months, {trained_ikm, control_ikm},
                spans, std::max(25.0, std::floor(min_ikm / 5) * 5 - 5), std::min(100.0, std::ceil(max_ikm / 5) * 5 + 5),
                "IKM (25–100)", "Bulan");
  if (gaps > 0) {
    pdf.Note(absl::StrCat("Titik yang kosong tidak berarti nol: bulan itu tidak memiliki data yang cukup (",
                          FormatInteger(gaps), " titik; alasannya pada tabel di bawah)."));
  }
  // The months with their n; each gap's reason in words below the table.
  std::vector<std::string> gap_notes;
  auto cell = [&](const Figure& f, int digits, const std::string& period, const char* what) {
    if (f.withheld()) {
      gap_notes.push_back(absl::StrCat(ShortMonth(period), ", ", what, ": ", ReasonText(f.reason_code())));
      return std::string("— (kosong)");
    }
    return absl::StrCat(FormatNumber(f.value(), digits), " (n = ", FormatInteger(f.n()), ")");
  };
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : r.series()) {
    const std::string mark = m.in_before() && m.in_after() ? "keduanya"
                             : m.in_before()              ? "sebelum"
                             : m.in_after()               ? "sesudah"
                                                          : "";
    rows.push_back({ShortMonth(m.period()), mark,
                    cell(m.treated_complaint_rate(), 2, m.period(), "pengaduan unit peserta"),
                    cell(m.control_complaint_rate(), 2, m.period(), "pengaduan unit pembanding"),
                    cell(m.treated_ikm(), 2, m.period(), "IKM unit peserta"),
                    cell(m.control_ikm(), 2, m.period(), "IKM unit pembanding")});
  }
  pdf.Table({{"Bulan", 0.12, false},
             {"Masa", 0.12, false},
             {"Pengaduan/1.000, peserta", 0.19, false},
             {"Pengaduan/1.000, pembanding", 0.19, false},
             {"IKM, peserta", 0.19, false},
             {"IKM, pembanding", 0.19, false}},
            rows);
  for (const auto& n : gap_notes) pdf.Note(absl::StrCat("Kosong — ", n));
  pdf.Note("n pengaduan = jumlah pengaduan yang diterima; n IKM = jumlah responden SKM. Unit yang dipakai sama "
           "dengan perkiraan selisih-dalam-selisih di atas.");
}

}  // namespace

absl::StatusOr<std::string> RenderEvaluationPdf(const Evaluation& e, const ReportContext& c) {
  PdfDocument::Options o;
  o.title = absl::StrCat("Laporan Evaluasi Pelatihan — ", e.program_title(), " ", c.cohort_title);
  o.footer = absl::StrCat("Laporan Evaluasi Pelatihan · ", c.tenant_name, " · dibuat ",
                          FormatDateTime(c.generated, c.zone), " oleh Pelita");
  PdfDocument pdf(o);
  const std::vector<FigureLine> lines = EvaluationFigures(e, c.unit_titles);

  // The cover.
  pdf.Space(120);
  pdf.Note(absl::StrCat("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia ", c.tenant_name));
  pdf.Title("Laporan Evaluasi Pelatihan");
  pdf.Heading(e.program_title().empty() ? e.program() : e.program_title());
  pdf.Paragraph(absl::StrCat(c.cohort_title, " · Tahun ", e.year()));
  pdf.Paragraph(absl::StrCat("Pelaksanaan: ", c.period.empty() ? "tanggal belum dicatat" : c.period));
  pdf.Paragraph(c.tenant_name);
  pdf.Space(24);
  pdf.Note(absl::StrCat("Dibuat ", FormatDateTime(c.generated, c.zone),
                        ". Setiap angka disertai jumlah pengamatan (n); angka yang tidak ditampilkan disertai "
                        "alasannya. Ambang minimum responden: ",
                        e.min_n(), "."));
  pdf.NewPage();

  pdf.Heading("Ringkasan");
  for (const auto& sentence : SummarySentences(e)) pdf.Paragraph(sentence);
  pdf.NewPage();

  pdf.Heading("Level 1 — Reaksi peserta");
  std::vector<PdfDocument::Bar> dims;
  for (const auto& d : e.reaction().dimensions()) {
    dims.push_back(BarOf(DimensionLabel(d.dimension()), d.score(), FigureKind::kScore, 1));
  }
  if (!dims.empty()) pdf.BarChart("Skor reaksi per dimensi (0–100, dengan IK 95%)", dims, 100);
  FigureTable(pdf, lines, "L1");

  pdf.Heading("Level 2 — Pembelajaran");
  pdf.BarChart("Rata-rata pra-tes dan pasca-tes (0–100, dengan IK 95%)",
               {BarOf("Pra-tes", e.learning().mean_pre(), FigureKind::kScore, 1, 1),
                BarOf("Pasca-tes", e.learning().mean_post(), FigureKind::kScore, 1, 0)},
               100);
  FigureTable(pdf, lines, "L2");
  LearningDistribution(pdf, e.learning().distribution());
  if (!e.learning().gain_band().empty()) {
    const std::string& band = e.learning().gain_band();
    pdf.Note(absl::StrCat("Kategori kenaikan ternormalisasi: ",
                          band == "high" ? "tinggi" : band == "medium" ? "sedang" : band == "low" ? "rendah" : band,
                          " (rendah < 0,3 ≤ sedang < 0,7 ≤ tinggi)."));
  }

  pdf.Heading("Level 3 — Perilaku di tempat kerja");
  std::vector<PdfDocument::Bar> waves;
  for (const auto& w : e.behaviour().waves()) {
    waves.push_back(BarOf(absl::StrCat("Hari ke-", w.offset_days(), " (penilaian atasan)"), w.assessment_rate(),
                          FigureKind::kPercent, 100));
  }
  if (!waves.empty()) pdf.BarChart("Tingkat penilaian atasan per gelombang (%)", waves, 100);
  FigureTable(pdf, lines, "L3");
  for (const auto& t : e.behaviour().text_answers()) {
    if (t.withheld()) {
      pdf.Note(absl::StrCat("Jawaban terbuka (", t.item(), "): tidak ditampilkan — ", ReasonText(t.reason_code())));
      continue;
    }
    std::vector<std::string> terms;
    for (const auto& term : t.top_terms()) {
      terms.push_back(absl::StrCat(term.term(), " (", FormatInteger(term.answers()), ")"));
    }
    pdf.Note(absl::StrCat("Jawaban terbuka (", t.item(), ", n = ", FormatInteger(t.n()), "): kata yang sering muncul ",
                          terms.empty() ? "—" : absl::StrJoin(terms, ", "), "."));
  }

  pdf.Heading("Level 4 — Hasil bagi layanan publik");
  const auto& r = e.results();
  if (!r.before_start().empty()) {
    pdf.Paragraph(absl::StrCat("Masa sebelum: ", FormatIsoDay(r.before_start()), " – ", FormatIsoDay(r.before_end()),
                               ". Masa sesudah: ", FormatIsoDay(r.after_start()), " – ", FormatIsoDay(r.after_end()),
                               ". Unit pembanding minimum: ", r.min_control_units(), "."));
  }
  std::vector<PdfDocument::Bar> before_after;
  double max_rate = 0;
  for (const auto& u : r.treated_units()) {
    for (const Figure* f : {&u.complaint_rate_before(), &u.complaint_rate_after()}) {
      if (!f->withheld()) max_rate = std::max(max_rate, f->has_interval() ? f->ci_high() : f->value());
    }
  }
  for (const auto& u : r.treated_units()) {
    const std::string name = UnitLabel(u.unit(), c.unit_titles);
    before_after.push_back(BarOf(absl::StrCat(name, " — sebelum"), u.complaint_rate_before(), FigureKind::kNumber, 1, 1));
    before_after.push_back(BarOf(absl::StrCat(name, " — sesudah"), u.complaint_rate_after(), FigureKind::kNumber, 1, 0));
  }
  if (!before_after.empty()) {
    pdf.BarChart("Pengaduan per 1.000 transaksi di unit peserta, sebelum dan sesudah pelatihan", before_after,
                 std::max(1.0, std::ceil(max_rate)));
  }
  FigureTable(pdf, lines, "L4");
  ResultsLines(pdf, r);
  std::vector<std::vector<std::string>> controls;
  for (const auto& cu : r.control_units()) {
    controls.push_back({UnitLabel(cu.unit(), c.unit_titles),
                        cu.complaints_used() ? "dipakai" : ReasonText(cu.complaints_excluded_code()),
                        cu.ikm_used() ? "dipakai" : ReasonText(cu.ikm_excluded_code())});
  }
  if (!controls.empty()) {
    pdf.Subheading("Unit pembanding");
    pdf.Table({{"Unit", 0.30, false}, {"Pengaduan", 0.35, false}, {"IKM", 0.35, false}}, controls);
  }
  if (r.has_work()) {
    const auto& w = r.work();
    pdf.Subheading("Kinerja layanan: unit dalam perhitungan");
    pdf.Paragraph(absl::StrCat("Bulan sebelum: ", w.before_first_month(), " s.d. ", w.before_last_month(),
                               "; bulan sesudah: ", w.after_first_month(), " s.d. ", w.after_last_month(),
                               ". Unit peserta dipakai: ", w.treated_unit_count(),
                               "; unit pembanding dipakai: ", w.control_unit_count(), "."));
    std::vector<std::vector<std::string>> units;
    for (const auto& u : w.units()) {
      units.push_back({UnitLabel(u.unit(), c.unit_titles), u.treated() ? "peserta" : "pembanding",
                       u.used() ? "dipakai" : ReasonText(u.excluded_code())});
    }
    if (!units.empty()) pdf.Table({{"Unit", 0.40, false}, {"Kelompok", 0.20, false}, {"Data", 0.40, false}}, units);
  }

  pdf.Heading("Biaya dan ROI");
  FigureTable(pdf, lines, "Biaya");
  pdf.Heading("Skor gabungan");
  FigureTable(pdf, lines, "Komposit");

  pdf.NewPage();
  pdf.Heading("Lampiran — Metode");
  pdf.Paragraph(absl::StrCat(
      "Angka dengan responden kurang dari ", e.min_n(),
      " tidak ditampilkan (UU 27/2022 tentang Pelindungan Data Pribadi), dan angka yang dapat dihitung dari selisih "
      "angka lain juga disembunyikan. Interval kepercayaan 95%: t untuk rata-rata, Wilson untuk proporsi, normal "
      "untuk selisih-dalam-selisih. Efek dinyatakan hanya bila interval 95% tidak mencakup nol."));
  pdf.Paragraph(
      "Level 1: rata-rata jawaban skala diubah ke 0–100, (rata-rata − min) / (maks − min) × 100. Level 2: kenaikan "
      "ternormalisasi Hake, (pasca − pra) / (maks − pra), dengan uji t berpasangan. Level 3: bagian penilaian atasan "
      "yang menyatakan diterapkan; laporan diri peserta dilaporkan terpisah. Level 4: selisih-dalam-selisih antara "
      "unit peserta dan unit pembanding yang datanya mencakup kedua masa. ROI (Phillips): (manfaat − biaya) / biaya "
      "× 100.");
  if (e.results().has_work() || e.behaviour().has_skp_change()) {
    pdf.Paragraph(
        "Kinerja layanan (Level 4): indikator bulanan unit dari layanan kinerja Pelita, hanya bulan yang seluruhnya "
        "berada di dalam masa sebelum dan sesudah; unit masuk bila datanya ada untuk setiap bulan itu. Tingkat "
        "kesalahan = berkas dikembalikan atau diperbaiki ÷ berkas selesai; ketepatan waktu = selesai dalam standar "
        "pelayanan ÷ selesai; waktu proses rata-rata dari jumlah jam, ragamnya dari titik tengah pita waktu. "
        "Selisih-dalam-selisih dengan ragam binomial berkas yang digabung; berkas dalam satu unit dianggap saling "
        "bebas, sehingga interval bisa terlalu sempit bila unit berbeda-beda. SKP (Level 3): predikat sebelum "
        "(periode terakhir yang berakhir sebelum hari pertama pelatihan) dan sesudah (periode pertama yang mulai "
        "sesudah hari terakhir), sebagaimana dikirim SIASN atau penyelenggara, tidak dihitung ulang; uji tanda "
        "eksak dua sisi dan uji peringkat bertanda Wilcoxon.");
  }
  std::vector<std::vector<std::string>> formulas;
  for (const auto& l : lines) {
    if (!l.formula.empty()) formulas.push_back({absl::StrCat(l.section, " · ", l.label), l.formula});
  }
  if (!formulas.empty()) pdf.Table({{"Angka", 0.45, false}, {"Rumus", 0.55, false}}, formulas);
  return pdf.Finish();
}

std::vector<FigureLine> ProgramFigures(const scoring::v1::RollUpRow& row) {
  // The roll-up's own formulas (services/scoring/rollup.cc): the cohorts'
  // answers and pairs pooled, L4 as the cohorts' estimates weighted by their
  // participants.
  return {Line("L1", "Reaksi peserta (Level 1)", row.reaction(), FigureKind::kScore,
               absl::StrCat("rata-rata atas dimensi dari skor dimensi gabungan, ", kScaleScore)),
          Line("L2", "Kenaikan ternormalisasi (Level 2)", row.normalised_gain(), FigureKind::kNumber,
               "(rata-rata pasca-tes − rata-rata pra-tes) / (1 − rata-rata pra-tes), nilai sebagai bagian dari nilai "
               "maksimum tes (Hake)"),
          Line("L3", "Diterapkan di tempat kerja (Level 3)", row.applied_share(), FigureKind::kPercent,
               WithInterval(kApplied, Interval95::kWilson)),
          Line("L4", "Selisih-dalam-selisih pengaduan per 1.000 transaksi (Level 4)", row.complaint_rate_did(),
               FigureKind::kSigned,
               "rata-rata selisih-dalam-selisih pengaduan per 1.000 transaksi dari angkatan-angkatan, berbobot jumlah "
               "peserta"),
          Line("L4", "Selisih-dalam-selisih IKM (Level 4)", row.ikm_did(), FigureKind::kSigned,
               "rata-rata selisih-dalam-selisih IKM dari angkatan-angkatan, berbobot jumlah peserta"),
          Line("Biaya", "Biaya per peserta", row.cost_per_participant(), FigureKind::kRupiah,
               "biaya / peserta yang biayanya tercatat"),
          Line("Komposit", "Skor gabungan", row.composite(), FigureKind::kScore, kComposite)};
}

absl::StatusOr<std::string> RenderProgramPdf(const scoring::v1::RollUpRow* row,
                                             const std::vector<Evaluation>& cohorts, const ProgramReportContext& c) {
  PdfDocument::Options o;
  o.title = absl::StrCat("Laporan Evaluasi Program — ", c.program_title, " ", c.year);
  o.footer = absl::StrCat("Laporan Evaluasi Program · ", c.tenant_name, " · dibuat ", FormatDateTime(c.generated, c.zone),
                          " oleh Pelita");
  PdfDocument pdf(o);
  pdf.Space(120);
  pdf.Note(absl::StrCat("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia ", c.tenant_name));
  pdf.Title("Laporan Evaluasi Program Pelatihan");
  pdf.Heading(c.program_title);
  pdf.Paragraph(absl::StrCat("Tahun ", c.year, " · ", FormatInteger(static_cast<int64_t>(cohorts.size())), " angkatan"));
  pdf.Paragraph(c.tenant_name);
  pdf.Space(24);
  pdf.Note(absl::StrCat("Dibuat ", FormatDateTime(c.generated, c.zone),
                        ". Setiap angka disertai jumlah pengamatan (n); angka yang tidak ditampilkan disertai "
                        "alasannya. Ambang minimum responden: ",
                        c.min_n, "."));
  pdf.NewPage();

  pdf.Heading("Ringkasan program");
  if (row == nullptr) {
    pdf.Paragraph("Program ini belum memiliki angkatan yang dapat dirangkum.");
  } else {
    pdf.Paragraph(absl::StrCat("Program ini terdiri atas ", FormatInteger(row->cohorts()), " angkatan dengan ",
                               FormatInteger(row->participants()), " peserta."));
    const std::vector<FigureLine> said = ProgramFigures(*row);
    for (const auto& l : said) pdf.Paragraph(absl::StrCat(l.label, ": ", Said(l.figure, l.kind), "."));
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : said) {
      rows.push_back({l.label, l.figure.withheld() ? "Tidak ditampilkan" : FigureValueText(l.figure, l.kind),
                      FormatInteger(l.figure.n()), FigureNoteText(l.figure, l.kind)});
    }
    pdf.Table(FigureColumns(), rows);
  }

  pdf.Heading("Angkatan");
  std::vector<std::vector<std::string>> table;
  auto cell = [](const Figure& f, FigureKind k) {
    return f.withheld() ? std::string("—") : absl::StrCat(FigureValueText(f, k), " (n ", FormatInteger(f.n()), ")");
  };
  for (size_t i = 0; i < cohorts.size(); ++i) {
    const Evaluation& e = cohorts[i];
    table.push_back({i < c.cohort_titles.size() ? c.cohort_titles[i] : e.cohort(),
                     absl::StrCat(FormatInteger(e.enrolled()), " / ", FormatInteger(e.completed())),
                     cell(e.reaction().overall(), FigureKind::kScore),
                     cell(e.learning().normalised_gain(), FigureKind::kNumber),
                     cell(e.behaviour().applied_share(), FigureKind::kPercent),
                     cell(e.results().complaint_rate_did(), FigureKind::kSigned),
                     cell(e.composite().score(), FigureKind::kScore)});
  }
  pdf.Table({{"Angkatan", 0.22, false},
             {"Peserta / lulus", 0.12, true},
             {"L1 reaksi", 0.12, true},
             {"L2 gain", 0.12, true},
             {"L3 diterapkan", 0.14, true},
             {"L4 pengaduan (DiD)", 0.14, true},
             {"Skor gabungan", 0.14, true}},
            table);
  pdf.Note("—: tidak ditampilkan; alasannya ada di laporan evaluasi angkatan tersebut (responden terlalu sedikit, "
           "masa pengamatan belum selesai, atau data belum ada).");
  std::vector<std::string> reasons;
  for (size_t i = 0; i < cohorts.size(); ++i) {
    const Figure& f = cohorts[i].composite().score();
    if (f.withheld()) {
      reasons.push_back(absl::StrCat(i < c.cohort_titles.size() ? c.cohort_titles[i] : cohorts[i].cohort(), ": ",
                                     Reason(f)));
    }
  }
  if (!reasons.empty()) {
    pdf.Subheading("Skor gabungan yang tidak ditampilkan");
    for (const auto& r : reasons) pdf.Note(r);
  }
  pdf.NewPage();
  pdf.Heading("Lampiran — Metode");
  pdf.Paragraph(absl::StrCat(
      "Ringkasan program menggabungkan semua angkatannya: L1 rata-rata skor dimensi gabungan (n = responden), L2 gain "
      "ternormalisasi gabungan atas pasangan pra/pasca-tes, L3 bagian penilaian atasan yang menyatakan diterapkan "
      "(interval Wilson), L4 rata-rata selisih-dalam-selisih angkatan berbobot peserta (n = angkatan yang dapat "
      "diperkirakan). Angka dengan responden kurang dari ",
      c.min_n, " tidak ditampilkan."));
  // The programme's own figures with their formulas, as in a cohort's annex.
  if (row != nullptr) {
    std::vector<std::vector<std::string>> formulas;
    for (const FigureLine& l : ProgramFigures(*row)) {
      if (!l.formula.empty()) formulas.push_back({absl::StrCat(l.section, " · ", l.label), l.formula});
    }
    if (!formulas.empty()) pdf.Table({{"Angka", 0.45, false}, {"Rumus", 0.55, false}}, formulas);
  }
  return pdf.Finish();
}

namespace {

// One figure as a workbook row: value, n and interval as numbers (empty
// when withheld), whether shown, the note and the formula in Indonesian.
std::vector<XlsxWorkbook::Cell> FigureCells(const FigureLine& l) {
  using Cell = XlsxWorkbook::Cell;
  const Figure& f = l.figure;
  return {Cell(l.section),
          Cell(l.label),
          f.withheld() ? Cell() : FigureNumberCell(f.value(), l.kind),
          Cell(static_cast<double>(f.n())),
          f.has_interval() && !f.withheld() ? FigureNumberCell(f.ci_low(), l.kind) : Cell(),
          f.has_interval() && !f.withheld() ? FigureNumberCell(f.ci_high(), l.kind) : Cell(),
          Cell(std::string(f.withheld() ? "tidak" : "ya")),
          Cell(FigureNoteText(f, l.kind)),
          Cell(l.formula)};
}

const std::vector<std::string> kFigureHeader = {"Bagian",      "Angka",       "Nilai",      "n",    "IK 95% bawah",
                                                "IK 95% atas", "Ditampilkan", "Keterangan", "Rumus"};
const std::vector<double> kFigureWidths = {10, 55, 14, 8, 14, 14, 12, 60, 50};

}  // namespace

absl::StatusOr<std::string> RenderProgramXlsx(const scoring::v1::RollUpRow* row,
                                              const std::vector<Evaluation>& cohorts, const ProgramReportContext& c,
                                              const std::string& tmp_dir) {
  auto book = XlsxWorkbook::Create(tmp_dir);
  if (!book.ok()) return book.status();
  XlsxWorkbook& w = **book;
  using Cell = XlsxWorkbook::Cell;
  if (auto s = w.AddSheet("Ringkasan", {"Laporan Evaluasi Program Pelatihan"}, {120}); !s.ok()) return s;
  std::vector<std::string> lines = {absl::StrCat(c.program_title, " — tahun ", c.year), c.tenant_name,
                                    absl::StrCat("Dibuat ", FormatDateTime(c.generated, c.zone)),
                                    absl::StrCat("Ambang minimum responden: ", c.min_n)};
  if (row == nullptr) {
    lines.push_back("Program ini belum memiliki angkatan yang dapat dirangkum.");
  } else {
    lines.push_back(absl::StrCat("Program ini terdiri atas ", FormatInteger(row->cohorts()), " angkatan dengan ",
                                 FormatInteger(row->participants()), " peserta."));
    for (const auto& l : ProgramFigures(*row)) lines.push_back(absl::StrCat(l.label, ": ", Said(l.figure, l.kind), "."));
  }
  for (const std::string& line : lines) {
    if (auto s = w.AddRow({Cell(line)}); !s.ok()) return s;
  }
  if (auto s = w.AddSheet("Program", kFigureHeader, kFigureWidths); !s.ok()) return s;
  if (row != nullptr) {
    for (const auto& l : ProgramFigures(*row)) {
      if (auto s = w.AddRow(FigureCells(l)); !s.ok()) return s;
    }
  }
  // One row a cohort: its people and the figures the PDF's table shows,
  // each value beside its n (empty when withheld).
  if (auto s = w.AddSheet("Angkatan",
                          {"Angkatan", "Peserta", "Lulus", "L1 reaksi", "n L1", "L2 gain", "n L2", "L3 diterapkan",
                           "n L3", "L4 pengaduan (DiD)", "n L4", "Skor gabungan", "n skor"},
                          {30, 10, 10, 12, 8, 12, 8, 14, 8, 18, 8, 14, 8});
      !s.ok()) {
    return s;
  }
  auto pair = [](const Figure& f, FigureKind kind, std::vector<Cell>* row) {
    row->push_back(f.withheld() ? Cell() : FigureNumberCell(f.value(), kind));
    row->push_back(Cell(static_cast<double>(f.n())));
  };
  for (size_t i = 0; i < cohorts.size(); ++i) {
    const Evaluation& e = cohorts[i];
    std::vector<Cell> r = {Cell(i < c.cohort_titles.size() ? c.cohort_titles[i] : e.cohort()),
                           Cell(static_cast<double>(e.enrolled())), Cell(static_cast<double>(e.completed()))};
    pair(e.reaction().overall(), FigureKind::kScore, &r);
    pair(e.learning().normalised_gain(), FigureKind::kNumber, &r);
    pair(e.behaviour().applied_share(), FigureKind::kPercent, &r);
    pair(e.results().complaint_rate_did(), FigureKind::kSigned, &r);
    pair(e.composite().score(), FigureKind::kScore, &r);
    if (auto s = w.AddRow(r); !s.ok()) return s;
  }
  // Every figure of every cohort, as the cohort's own workbook lists them.
  std::vector<std::string> header = kFigureHeader;
  header.insert(header.begin(), "Angkatan");
  std::vector<double> widths = kFigureWidths;
  widths.insert(widths.begin(), 30);
  if (auto s = w.AddSheet("Angka angkatan", header, widths); !s.ok()) return s;
  for (size_t i = 0; i < cohorts.size(); ++i) {
    const std::string title = i < c.cohort_titles.size() ? c.cohort_titles[i] : cohorts[i].cohort();
    for (const auto& l : EvaluationFigures(cohorts[i], {})) {
      std::vector<Cell> r = FigureCells(l);
      r.insert(r.begin(), Cell(title));
      if (auto s = w.AddRow(r); !s.ok()) return s;
    }
  }
  return w.Finish();
}

absl::StatusOr<std::string> RenderEvaluationXlsx(const Evaluation& e, const ReportContext& c,
                                                 const std::string& tmp_dir) {
  auto book = XlsxWorkbook::Create(tmp_dir);
  if (!book.ok()) return book.status();
  XlsxWorkbook& w = **book;
  using Cell = XlsxWorkbook::Cell;
  if (auto s = w.AddSheet("Ringkasan", {"Laporan Evaluasi Pelatihan"}, {120}); !s.ok()) return s;
  for (const std::string& line :
       {absl::StrCat(e.program_title(), " — ", c.cohort_title), c.tenant_name, c.period,
        absl::StrCat("Dibuat ", FormatDateTime(c.generated, c.zone))}) {
    if (auto s = w.AddRow({Cell(line)}); !s.ok()) return s;
  }
  if (auto s = w.AddRow({}); !s.ok()) return s;
  for (const auto& sentence : SummarySentences(e)) {
    if (auto s = w.AddRow({Cell(sentence)}); !s.ok()) return s;
  }
  if (auto s = w.AddSheet("Angka", kFigureHeader, kFigureWidths); !s.ok()) return s;
  for (const auto& l : EvaluationFigures(e, c.unit_titles)) {
    if (auto s = w.AddRow(FigureCells(l)); !s.ok()) return s;
  }
  if (auto s = w.AddSheet("Unit L4", {"Unit", "Kelompok", "Pengaduan", "IKM"}, {40, 14, 60, 60}); !s.ok()) return s;
  for (const auto& u : e.results().treated_units()) {
    if (auto s = w.AddRow({Cell(UnitLabel(u.unit(), c.unit_titles)), Cell(std::string("peserta")),
                           Cell(u.complaints_excluded().empty() ? std::string("dipakai")
                                                                : ReasonText(u.complaints_excluded_code())),
                           Cell(u.ikm_excluded().empty() ? std::string("dipakai") : ReasonText(u.ikm_excluded_code()))});
        !s.ok()) {
      return s;
    }
  }
  for (const auto& cu : e.results().control_units()) {
    if (auto s = w.AddRow({Cell(UnitLabel(cu.unit(), c.unit_titles)), Cell(std::string("pembanding")),
                           Cell(cu.complaints_used() ? std::string("dipakai") : ReasonText(cu.complaints_excluded_code())),
                           Cell(cu.ikm_used() ? std::string("dipakai") : ReasonText(cu.ikm_excluded_code()))});
        !s.ok()) {
      return s;
    }
  }
  return w.Finish();
}

}  // namespace pelita::report
