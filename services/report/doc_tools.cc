#include "services/report/doc_tools.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pelita::report::testing {
namespace {

// A scratch file holding `bytes`, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& bytes, const char* suffix) {
    const char* dir = std::getenv("TMPDIR");
    path_ = absl::StrCat(dir != nullptr && *dir ? dir : "/tmp", "/pelita-doc-XXXXXX", suffix);
    int fd = mkstemps(path_.data(), static_cast<int>(std::string(suffix).size()));
    if (fd >= 0) {
      ok_ = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
      close(fd);
    }
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }
  bool ok() const { return ok_; }

 private:
  std::string path_;
  bool ok_ = false;
};

absl::StatusOr<std::string> Run(const std::string& command) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return absl::InternalError(absl::StrCat("cannot run ", command));
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    return absl::InternalError(absl::StrCat(command, " failed (", rc, "): ", out.substr(0, 400)));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> PdfText(const std::string& pdf) {
  TempFile f(pdf, ".pdf");
  if (!f.ok()) return absl::InternalError("cannot write the PDF");
  return Run(absl::StrCat("pdftotext -layout -enc UTF-8 '", f.path(), "' - 2>&1"));
}

absl::StatusOr<std::string> PdfRawText(const std::string& pdf) {
  TempFile f(pdf, ".pdf");
  if (!f.ok()) return absl::InternalError("cannot write the PDF");
  return Run(absl::StrCat("pdftotext -raw -enc UTF-8 '", f.path(), "' - 2>&1"));
}

std::string Squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    if ((c == ' ' || c == '\n') && !out.empty() && out.back() == ' ') continue;
    out.push_back(c == '\n' ? ' ' : c);
  }
  return out;
}

absl::StatusOr<int> PdfPages(const std::string& pdf) {
  TempFile f(pdf, ".pdf");
  if (!f.ok()) return absl::InternalError("cannot write the PDF");
  auto info = Run(absl::StrCat("pdfinfo '", f.path(), "' 2>&1"));
  if (!info.ok()) return info.status();
  for (absl::string_view line : absl::StrSplit(*info, '\n')) {
    if (absl::ConsumePrefix(&line, "Pages:")) {
      int n = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &n)) return n;
    }
  }
  return absl::InternalError(absl::StrCat("pdfinfo names no page count: ", info->substr(0, 400)));
}

absl::StatusOr<int> RenderPages(const std::string& pdf, const std::string& png_path) {
  TempFile f(pdf, ".pdf");
  if (!f.ok()) return absl::InternalError("cannot write the PDF");
  char dir_template[] = "/tmp/pelita-ppm-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return absl::InternalError("cannot make a directory");
  // -r 50: enough to render every element; stderr is kept, so a page that
  // poppler cannot render fails the call.
  auto out = Run(absl::StrCat("pdftoppm -r 50 -png '", f.path(), "' '", dir, "/p' 2>&1 && ls '", dir, "'"));
  std::string first;
  int pages = 0;
  if (out.ok()) {
    std::vector<std::string> names = absl::StrSplit(*out, '\n', absl::SkipEmpty());
    for (const auto& n : names) {
      if (absl::EndsWith(n, ".png")) {
        ++pages;
        if (first.empty() || n < first) first = n;
      }
    }
    if (!first.empty() && !png_path.empty()) {
      std::ifstream in(absl::StrCat(dir, "/", first), std::ios::binary);
      std::ofstream o(png_path, std::ios::binary);
      o << in.rdbuf();
    }
  }
  (void)Run(absl::StrCat("rm -rf '", dir, "'"));
  if (!out.ok()) return out.status();
  if (!absl::StrContains(*out, ".png") || out->find("Error") != std::string::npos) {
    return absl::InternalError(absl::StrCat("pdftoppm: ", out->substr(0, 400)));
  }
  return pages;
}

namespace {

// Runs `cell` (a Python expression of `c`, an openpyxl cell) over every cell
// of every sheet.
absl::StatusOr<std::vector<std::pair<std::string, Sheet>>> XlsxMap(const std::string& xlsx, const std::string& cell) {
  TempFile f(xlsx, ".xlsx");
  if (!f.ok()) return absl::InternalError("cannot write the workbook");
  const std::string script = absl::StrCat(
      "import json,sys,openpyxl\n"
      "wb=openpyxl.load_workbook(sys.argv[1])\n"
      "out=[]\n"
      "for ws in wb.worksheets:\n"
      "  rows=[[", cell, " for c in r] for r in ws.iter_rows()]\n"
      "  out.append([ws.title,rows])\n"
      "print(json.dumps(out))\n");
  TempFile py(script, ".py");
  auto out = Run(absl::StrCat("/usr/bin/python3 '", py.path(), "' '", f.path(), "' 2>&1"));
  if (!out.ok()) return out.status();
  std::vector<std::pair<std::string, Sheet>> sheets;
  try {
    for (const auto& s : nlohmann::json::parse(*out)) {
      sheets.emplace_back(s[0].get<std::string>(), s[1].get<Sheet>());
    }
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("openpyxl output: ", e.what(), ": ", out->substr(0, 300)));
  }
  return sheets;
}

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, Sheet>>> XlsxCells(const std::string& xlsx) {
  return XlsxMap(xlsx,
                 "'' if c.value is None else (repr(c.value) if isinstance(c.value,(int,float)) else str(c.value))");
}

absl::StatusOr<std::vector<std::pair<std::string, Sheet>>> XlsxNumberFormats(const std::string& xlsx) {
  return XlsxMap(xlsx, "(c.number_format if isinstance(c.value,(int,float)) else '')");
}

}  // namespace pelita::report::testing
