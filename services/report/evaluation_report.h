#ifndef PELITA_SERVICES_REPORT_EVALUATION_REPORT_H_
#define PELITA_SERVICES_REPORT_EVALUATION_REPORT_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pelita/scoring/v1/scoring.pb.h"
#include "services/report/xlsx.h"

// The Laporan Evaluasi Pelatihan of one cohort, from scoring's Evaluation:
// the rows of figures (shared by the PDF and the workbook, so both say the
// same), the summary in sentences, and the two renderings.
namespace pelita::report {

// What a figure measures, for its formatting.
enum class FigureKind { kScore, kPercent, kRupiah, kNumber, kSigned, kP, kCount };

// One line of the report: a figure with its section, label and formula.
// The formula is the report's own Indonesian wording of the method that
// scoring's `figure.formula()` states in English (which stays as it is in
// the API); it is empty when scoring gives the figure no formula.
struct FigureLine {
  std::string section;  // "L1", "L2", "L3", "L4", "Biaya", "Komposit"
  std::string label;    // in Indonesian
  scoring::v1::Figure figure;
  FigureKind kind;
  std::string formula;  // in Indonesian
};

// The figure's value as printed ("71,3", "45,7%", "Rp 1.500.000"), empty
// when withheld.
std::string FigureValueText(const scoring::v1::Figure& f, FigureKind kind);
// The Excel number format that shows a value of `kind` as FigureValueText
// prints it ("0.0" for scores, "0.0%" for shares, "Rp" #,##0 for rupiah), and
// a workbook cell of `value` with it.
std::string ExcelNumberFormat(FigureKind kind);
XlsxWorkbook::Cell FigureNumberCell(double value, FigureKind kind);
// "a – b" for a shown figure with an interval (with the inconclusive note),
// the reason in Indonesian for a withheld one, else empty.
std::string FigureNoteText(const scoring::v1::Figure& f, FigureKind kind);

// Every figure of the evaluation, in report order, each with its formula
// in Indonesian.  `unit_titles` names units (`tenants/t/units/u` -> title);
// units without a title print their id.
std::vector<FigureLine> EvaluationFigures(const scoring::v1::Evaluation& e,
                                          const absl::flat_hash_map<std::string, std::string>& unit_titles);

// The one-page summary: sentences on what worked, what did not and what it
// cost (a figure that is withheld is said to be so, with its reason).
std::vector<std::string> SummarySentences(const scoring::v1::Evaluation& e);

// What the documents print around the figures.
struct ReportContext {
  std::string tenant_name;    // "Kabupaten Batang Hari"
  std::string cohort_title;   // "Angkatan I"
  std::string period;         // "2 Maret 2026 – 6 Maret 2026"
  absl::Time generated;
  absl::TimeZone zone;
  absl::flat_hash_map<std::string, std::string> unit_titles;
};

// The programme-year report: the programme's roll-up row and each cohort's
// evaluation (in the order given).
struct ProgramReportContext {
  std::string tenant_name;
  std::string program_title;
  int year = 0;
  int min_n = 0;
  absl::Time generated;
  absl::TimeZone zone;
  std::vector<std::string> cohort_titles;  // parallel to the evaluations
};
// The programme's own figures (its roll-up row), in the order printed.
std::vector<FigureLine> ProgramFigures(const scoring::v1::RollUpRow& row);
absl::StatusOr<std::string> RenderProgramPdf(const scoring::v1::RollUpRow* row,
                                             const std::vector<scoring::v1::Evaluation>& cohorts,
                                             const ProgramReportContext& c);
// Sheets: Ringkasan (sentences), Program (the programme's figures as the
// cohort workbook's Angka), Angkatan (one row a cohort: people and the
// main figures with their n), Angka angkatan (every figure of every
// cohort).
absl::StatusOr<std::string> RenderProgramXlsx(const scoring::v1::RollUpRow* row,
                                              const std::vector<scoring::v1::Evaluation>& cohorts,
                                              const ProgramReportContext& c, const std::string& tmp_dir);

absl::StatusOr<std::string> RenderEvaluationPdf(const scoring::v1::Evaluation& e, const ReportContext& c);
// Sheets: Ringkasan (the summary), Angka (every figure: section, label,
// value, n, interval, withheld, reason, its formula in Indonesian), Unit L4
// (the treated and control units).
absl::StatusOr<std::string> RenderEvaluationXlsx(const scoring::v1::Evaluation& e, const ReportContext& c,
                                                 const std::string& tmp_dir);

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_EVALUATION_REPORT_H_
