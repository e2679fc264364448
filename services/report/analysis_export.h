#ifndef PELITA_SERVICES_REPORT_ANALYSIS_EXPORT_H_
#define PELITA_SERVICES_REPORT_ANALYSIS_EXPORT_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pelita/scoring/v1/scoring.pb.h"
#include "services/report/evaluation_report.h"

// The organiser's analysis pages as Excel workbooks (issue 17): the
// roll-up of /rekap, the ranking of /peringkat and the province's
// comparison of its regencies, each from scoring's answer as it is.  Every
// workbook opens with a sheet "Keterangan" and then has one row per row of
// the answer; every figure takes three columns: its value (a number, empty
// when withheld), its n, and a note (the interval, or the withheld reason
// in Indonesian, FigureNoteText).  Text cells are neutralised by
// XlsxWorkbook.
namespace pelita::report {

// What the sheet "Keterangan" says besides the figures.
struct AnalysisContext {
  // "Kabupaten/kota" and "Kabupaten Batang Hari", or "Provinsi" and its code.
  std::string place_label;
  std::string place;
  int year = 0;
  // The grouping in Indonesian ("Program"); empty where there is none.
  std::string grouping;
  absl::Time generated;
  absl::TimeZone zone;
  // The tenant's minimum n; 0 when every regency has its own (the province).
  int min_n = 0;
  // Which page of the web application shows the same figures ("Rekap
  // evaluasi").
  std::string page;
};

// A figure column: its header (the web page's column name) and how its
// note formats the interval.
struct FigureColumn {
  std::string label;
  FigureKind kind;
};

// The figure columns of each table, in the web page's order and with its
// names (web/src/i18n/id.ts, `analysis` and `province`).
const std::vector<FigureColumn>& RollUpColumns();
// A roll-up row's figures in RollUpColumns()' order; null where the row
// does not carry one.
std::vector<const scoring::v1::Figure*> RollUpRowFigures(const scoring::v1::RollUpRow& r);
const std::vector<FigureColumn>& RankingColumns();
const std::vector<FigureColumn>& InstructorColumns();
const std::vector<FigureColumn>& BenchmarkColumns();

// A group's name as the web page shows it: its title, else its last path
// segment with dashes as spaces and a capital first letter.
std::string GroupTitle(const std::string& group, const std::string& title);
// The grouping's Indonesian name ("Program", "Widyaiswara", "Unit kerja",
// "Tahun").
std::string GroupingTitle(scoring::v1::RollUpEvaluationsRequest::GroupBy g);

// Sheets: Keterangan, Rekap (one row per roll-up row: the group's name and
// id, cohorts, participants, then every figure of RollUpColumns()).
absl::StatusOr<std::string> RenderRollUpXlsx(const scoring::v1::RollUpEvaluationsResponse& rolled,
                                             const AnalysisContext& c, const std::string& tmp_dir);
// Sheets: Keterangan, Skor gabungan (by_composite), Efektivitas biaya
// (by_cost_effectiveness), Widyaiswara (instructors; only the header when
// scoring gives the caller none).
absl::StatusOr<std::string> RenderRankingXlsx(const scoring::v1::RankProgramsResponse& ranking,
                                              const AnalysisContext& c, const std::string& tmp_dir);
// Sheets: Keterangan, Perbandingan (one row per regency of the answer,
// named by `tenant_names`: code -> "Kabupaten Batang Hari"), Sebaran
// provinsi (the quartiles over the other regencies, when scoring gives
// them).
absl::StatusOr<std::string> RenderBenchmarkXlsx(const scoring::v1::ProvinceBenchmark& benchmark,
                                                const absl::flat_hash_map<std::string, std::string>& tenant_names,
                                                const AnalysisContext& c, const std::string& tmp_dir);

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_ANALYSIS_EXPORT_H_
