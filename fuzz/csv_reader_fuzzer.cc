// libFuzzer target: the streaming CSV reader (lib/csv) and its UTF-8 check.
//
// Input: two option bytes (delimiter; field limits), then the file.  The file
// is read twice, once whole and once in pieces whose sizes come from the
// data, and the rows must be identical (the reader promises the same result
// whatever the piece sizes); every row keeps the limits and every accepted
// field is valid UTF-8 by an independent reference check (the well-formed
// byte sequences of Unicode 15, table 3-7).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "lib/csv/csv_reader.h"

namespace {

// Table 3-7 of the Unicode standard, written from the table rather than from
// the reader's decoder so that the two can disagree.
bool ReferenceUtf8(absl::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  auto in = [&](size_t k, unsigned lo, unsigned hi) { return k < n && p[k] >= lo && p[k] <= hi; };
  while (i < n) {
    unsigned c = p[i];
    if (c <= 0x7F) { i += 1; continue; }
    if (c >= 0xC2 && c <= 0xDF && in(i + 1, 0x80, 0xBF)) { i += 2; continue; }
    if (c == 0xE0 && in(i + 1, 0xA0, 0xBF) && in(i + 2, 0x80, 0xBF)) { i += 3; continue; }
    if (((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) && in(i + 1, 0x80, 0xBF) && in(i + 2, 0x80, 0xBF)) {
      i += 3; continue;
    }
    if (c == 0xED && in(i + 1, 0x80, 0x9F) && in(i + 2, 0x80, 0xBF)) { i += 3; continue; }
    if (c == 0xF0 && in(i + 1, 0x90, 0xBF) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF)) { i += 4; continue; }
    if (c >= 0xF1 && c <= 0xF3 && in(i + 1, 0x80, 0xBF) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF)) {
      i += 4; continue;
    }
    if (c == 0xF4 && in(i + 1, 0x80, 0x8F) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF)) { i += 4; continue; }
    return false;
  }
  return true;
}

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "csv_reader_fuzzer: %s\n", what);
  std::abort();
}

struct Result {
  std::vector<pelita::csv::Row> rows;
  std::string status;
};

Result Read(const pelita::csv::ReaderOptions& options, absl::string_view file, absl::string_view cuts) {
  Result r;
  int stop_at = cuts.empty() ? -1 : static_cast<unsigned char>(cuts[0]) % 64;
  pelita::csv::Reader reader(options, [&](pelita::csv::Row& row) {
    r.rows.push_back(row);
    // Now and then the callback refuses a row: reading must stop there.
    if (static_cast<int>(r.rows.size()) == stop_at) return absl::InvalidArgumentError("stop");
    return absl::OkStatus();
  });
  absl::Status s;
  size_t pos = 0, k = 0;
  while (pos < file.size() && s.ok()) {
    size_t n = file.size() - pos;
    if (!cuts.empty()) n = std::min<size_t>(n, 1 + static_cast<unsigned char>(cuts[k++ % cuts.size()]) % 17);
    s = reader.Feed(file.substr(pos, n));
    pos += n;
  }
  if (s.ok()) s = reader.Finish();
  r.status = s.ToString();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  pelita::csv::ReaderOptions options;
  options.delimiter = (data[0] & 1) ? ';' : ',';
  options.max_field_bytes = 1 + (data[1] & 0x3F);
  options.max_fields = 1 + ((data[1] >> 6) * 5);
  absl::string_view file(reinterpret_cast<const char*>(data) + 2, size - 2);

  if (pelita::csv::IsValidUtf8(file) != ReferenceUtf8(file)) Fail("IsValidUtf8 disagrees with table 3-7");

  // Whole, and in pieces of 1..17 bytes chosen from the file's own bytes; the
  // same stop row for both.
  Result whole = Read(options, file, "");
  std::string cuts(file.substr(0, 32));
  if (cuts.empty()) cuts = "a";
  Result pieces = Read(options, file, cuts);

  int64_t expected = 1;  // the header is record 1
  for (const auto& row : whole.rows) {
    if (row.number != expected++) Fail("row numbers not consecutive");
    if (row.fields.size() > options.max_fields) Fail("more fields than max_fields");
    for (const auto& f : row.fields) {
      if (f.size() > options.max_field_bytes) Fail("field longer than max_field_bytes");
      if (row.error.empty() && !ReferenceUtf8(f)) Fail("accepted a field that is not UTF-8");
    }
  }
  // Reading in pieces gives the same rows as reading whole, up to where the
  // callback stopped the second run.
  size_t n = std::min(whole.rows.size(), pieces.rows.size());
  for (size_t i = 0; i < n; ++i) {
    const auto& a = whole.rows[i];
    const auto& b = pieces.rows[i];
    if (a.number != b.number || a.fields != b.fields || a.error != b.error) Fail("pieces read differently");
  }
  int stop_at = static_cast<unsigned char>(cuts[0]) % 64;
  if (stop_at == 0 || static_cast<int>(whole.rows.size()) < stop_at) {
    if (whole.rows.size() != pieces.rows.size()) Fail("pieces gave a different number of rows");
    if (whole.status != pieces.status) Fail("pieces gave a different status");
  } else if (static_cast<int>(pieces.rows.size()) != stop_at) {
    Fail("reading went on after the callback refused a row");
  }
  return 0;
}
