#ifndef PELITA_SERVICES_REPORT_DOC_TOOLS_H_
#define PELITA_SERVICES_REPORT_DOC_TOOLS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

// For tests: documents read back with Debian's own tools, so that a test
// checks what a reader's software sees, not what the renderer meant.
namespace pelita::report::testing {

// The text of a PDF as `pdftotext -layout` extracts it.
absl::StatusOr<std::string> PdfText(const std::string& pdf);
// The text of a PDF in the order it is drawn (`pdftotext -raw`): each
// table cell's lines together, where -layout interleaves the lines of
// cells side by side.
absl::StatusOr<std::string> PdfRawText(const std::string& pdf);
// pdftotext lays text out in columns: the text with every run of spaces
// and line breaks as one space, to compare with.
std::string Squeeze(const std::string& text);
// The page count as `pdfinfo` reports it.
absl::StatusOr<int> PdfPages(const std::string& pdf);
// Renders every page with `pdftoppm` (fails if any page fails) and keeps
// the first as `png_path` (a test artefact); returns the number of pages
// rendered.
absl::StatusOr<int> RenderPages(const std::string& pdf, const std::string& png_path);
// The cells of a workbook as openpyxl reads them (Debian's /usr/bin/python3
// with python3-openpyxl): rows[sheet][row][col] as text ("" for empty,
// numbers with repr()).
using Sheet = std::vector<std::vector<std::string>>;
absl::StatusOr<std::vector<std::pair<std::string, Sheet>>> XlsxCells(const std::string& xlsx);
// The same shape with each number cell's number format ("General" when it
// has none) and "" for every other cell.
absl::StatusOr<std::vector<std::pair<std::string, Sheet>>> XlsxNumberFormats(const std::string& xlsx);

}  // namespace pelita::report::testing

#endif  // PELITA_SERVICES_REPORT_DOC_TOOLS_H_
