#ifndef PELITA_LIB_CSV_CSV_READER_H_
#define PELITA_LIB_CSV_CSV_READER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct csv_parser;

namespace pelita::csv {

// One record of a CSV file.  `number` counts records from 1 (the header is
// record 1).  When the record broke a limit or was not valid UTF-8, `error`
// says how and `fields` may be incomplete; the reader goes on with the next
// record, so that an import can report the row and continue.
struct Row {
  int64_t number = 0;
  std::vector<std::string> fields;
  std::string error;
};

struct ReaderOptions {
  char delimiter = ',';
  // A longer field is cut off and its row reported as an error.
  size_t max_field_bytes = 64 * 1024;
  size_t max_fields = 2000;
};

// A streaming CSV reader (RFC 4180 quoting, CRLF or LF, a UTF-8 byte-order
// mark at the start is skipped).  Feed it the file in pieces of any size; it
// calls `on_row` for every complete record, so memory stays bounded by one
// record whatever the file size.  If `on_row` returns an error, reading stops
// and Feed/Finish return it.
class Reader {
 public:
  using RowFn = std::function<absl::Status(Row& row)>;
  Reader(ReaderOptions options, RowFn on_row);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  absl::Status Feed(absl::string_view chunk);
  // Flushes the last record (a file need not end with a newline).
  absl::Status Finish();

 private:
  // Beyond this a field that never ends stops the reader.
  static constexpr size_t kHardFieldLimit = 64u << 20;

  absl::Status Parse(absl::string_view data);
  static void OnField(void* s, size_t len, void* self);
  static void OnRowEnd(int c, void* self);

  ReaderOptions options_;
  RowFn on_row_;
  std::unique_ptr<csv_parser> parser_;
  Row row_;
  absl::Status status_;
  bool started_ = false;
  std::string pending_;
};

// Column positions by header name, for files whose columns come in any order.
class Header {
 public:
  explicit Header(const std::vector<std::string>& names);
  // The column of `name` (exact match after trimming), if present.
  std::optional<size_t> Find(absl::string_view name) const;
  size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, size_t> index_;
};

// Whether `s` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(absl::string_view s);

}  // namespace pelita::csv

#endif  // PELITA_LIB_CSV_CSV_READER_H_
