#ifndef PELITA_SERVICES_REPORT_XLSX_H_
#define PELITA_SERVICES_REPORT_XLSX_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct lxw_workbook lxw_workbook;
typedef struct lxw_worksheet lxw_worksheet;
typedef struct lxw_format lxw_format;

namespace pelita::report {

// A text cell as a spreadsheet should show it: text that begins with `=`,
// `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so
// no spreadsheet (nor a CSV saved from it) reads it as a formula (CSV/
// formula injection, OWASP).
std::string NeutraliseCell(absl::string_view text);

// An Excel workbook (libxlsxwriter, constant-memory mode: each row goes to
// a temporary file as it is written, so a sheet of 100,000 rows does not
// grow the process).  Sheets are written one after another, rows in order.
// Text cells are always neutralised; numbers are numbers.
class XlsxWorkbook {
 public:
  // A number shown with an Excel number format ("0.0", "0.0%", "#,##0"):
  // the value keeps its precision, the spreadsheet shows it as the report
  // prints it (in the reader's own decimal separator).
  struct Number {
    double value = 0;
    std::string format;
  };
  using Cell = std::variant<std::monostate, double, std::string, Number>;

  // The workbook's file lives in `tmp_dir` until Finish reads it back.
  static absl::StatusOr<std::unique_ptr<XlsxWorkbook>> Create(const std::string& tmp_dir);
  ~XlsxWorkbook();

  // A new sheet (31 characters at most, as Excel allows) with a bold
  // header row; `widths` are column widths in characters.
  absl::Status AddSheet(absl::string_view name, const std::vector<std::string>& header,
                        const std::vector<double>& widths = {});
  absl::Status AddRow(const std::vector<Cell>& cells);

  // Closes the workbook and returns its bytes; the temporary file is gone.
  absl::StatusOr<std::string> Finish();
  // Closes the workbook and hands its bytes to `piece` in pieces of at most
  // `piece_bytes`, read from the file one at a time (a workbook of 100,000
  // rows never sits in memory whole); stops with CANCELLED when `piece`
  // returns false.  The temporary file is gone afterwards.
  absl::Status FinishInPieces(size_t piece_bytes, const std::function<bool(std::string piece)>& piece);

 private:
  XlsxWorkbook() = default;
  std::string path_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* bold_ = nullptr;
  // One format per number format string, made when first used.
  std::map<std::string, lxw_format*> number_formats_;
  std::string tmp_dir_;
  uint32_t row_ = 0;
};

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_XLSX_H_
