#include "services/report/xlsx.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pelita::report {

std::string NeutraliseCell(absl::string_view text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                        text[0] == '\r')) {
    return absl::StrCat("'", text);
  }
  return std::string(text);
}

absl::StatusOr<std::unique_ptr<XlsxWorkbook>> XlsxWorkbook::Create(const std::string& tmp_dir) {
  std::unique_ptr<XlsxWorkbook> w(new XlsxWorkbook);
  w->tmp_dir_ = tmp_dir.empty() ? "/tmp" : tmp_dir;
  // A unique name, created (and closed) here so that no other process can
  // take it; libxlsxwriter writes the file again at the end.
  std::string tmpl = absl::StrCat(w->tmp_dir_, "/pelita-report-XXXXXX.xlsx");
  int fd = mkstemps(tmpl.data(), 5);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot create a temporary file in ", w->tmp_dir_));
  close(fd);
  w->path_ = tmpl;
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = w->tmp_dir_.data();
  w->workbook_ = workbook_new_opt(w->path_.c_str(), &options);
  if (w->workbook_ == nullptr) return absl::InternalError("cannot start a workbook");
  w->bold_ = workbook_add_format(w->workbook_);
  format_set_bold(w->bold_);
  return w;
}

XlsxWorkbook::~XlsxWorkbook() {
  if (workbook_ != nullptr) workbook_close(workbook_);  // an unfinished workbook: still freed
  if (!path_.empty()) unlink(path_.c_str());
}

absl::Status XlsxWorkbook::AddSheet(absl::string_view name, const std::vector<std::string>& header,
                                    const std::vector<double>& widths) {
  std::string n(name.substr(0, 31));
  sheet_ = workbook_add_worksheet(workbook_, n.c_str());
  if (sheet_ == nullptr) return absl::InternalError(absl::StrCat("cannot add the sheet ", n));
  for (size_t i = 0; i < widths.size(); ++i) {
    worksheet_set_column(sheet_, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i), widths[i], nullptr);
  }
  row_ = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(i), NeutraliseCell(header[i]).c_str(), bold_);
  }
  if (!header.empty()) {
    worksheet_freeze_panes(sheet_, 1, 0);
    row_ = 1;
  }
  return absl::OkStatus();
}

absl::Status XlsxWorkbook::AddRow(const std::vector<Cell>& cells) {
  if (sheet_ == nullptr) return absl::FailedPreconditionError("no sheet");
  for (size_t i = 0; i < cells.size(); ++i) {
    const auto col = static_cast<lxw_col_t>(i);
    lxw_error e = LXW_NO_ERROR;
    if (const double* d = std::get_if<double>(&cells[i])) {
      e = worksheet_write_number(sheet_, row_, col, *d, nullptr);
    } else if (const Number* n = std::get_if<Number>(&cells[i])) {
      lxw_format*& format = number_formats_[n->format];
      if (format == nullptr) {
        format = workbook_add_format(workbook_);
        format_set_num_format(format, n->format.c_str());
      }
      e = worksheet_write_number(sheet_, row_, col, n->value, format);
    } else if (const std::string* s = std::get_if<std::string>(&cells[i])) {
      e = worksheet_write_string(sheet_, row_, col, NeutraliseCell(*s).c_str(), nullptr);
    }
    if (e != LXW_NO_ERROR) return absl::InternalError(absl::StrCat("xlsx: ", lxw_strerror(e)));
  }
  ++row_;
  return absl::OkStatus();
}

absl::Status XlsxWorkbook::FinishInPieces(size_t piece_bytes,
                                          const std::function<bool(std::string piece)>& piece) {
  lxw_error e = workbook_close(workbook_);
  workbook_ = nullptr;
  if (e != LXW_NO_ERROR) return absl::InternalError(absl::StrCat("xlsx: ", lxw_strerror(e)));
  std::ifstream in(path_, std::ios::binary);
  if (!in) return absl::InternalError("cannot read the workbook back");
  absl::Status result = absl::OkStatus();
  std::string buffer(piece_bytes, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (!piece(buffer.substr(0, static_cast<size_t>(n)))) {
      result = absl::CancelledError("the receiver went away");
      break;
    }
  }
  unlink(path_.c_str());
  path_.clear();
  return result;
}

absl::StatusOr<std::string> XlsxWorkbook::Finish() {
  lxw_error e = workbook_close(workbook_);
  workbook_ = nullptr;
  if (e != LXW_NO_ERROR) return absl::InternalError(absl::StrCat("xlsx: ", lxw_strerror(e)));
  std::ifstream in(path_, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  unlink(path_.c_str());
  path_.clear();
  if (!in) return absl::InternalError("cannot read the workbook back");
  return bytes.str();
}

}  // namespace pelita::report
