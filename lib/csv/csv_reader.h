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
// record 1); `line` is the line of the file the record starts on (from 1; a
// quoted field may hold newlines, so a record can span lines).  When the
// record broke a per-record limit, `error` says how (and `code` as a stable
// ImportRowError code: TOO_MANY_FIELDS, FIELD_TOO_LONG), `column` names the
// column it is about (from 1; 0 = the record as a whole) and `fields` may be
// incomplete; the reader goes on with the next record, so that an import can
// reject the record and continue.
struct Row {
  int64_t number = 0;
  int64_t line = 0;
  std::vector<std::string> fields;
  std::string error;
  std::string code;
  int column = 0;
};

// Why a file cannot be read past some record.  Unlike a Row's error, a break
// ends the reading: nothing from the broken record on is delivered.
enum class BreakReason {
  // A quoted field never closed: by the end of the input, or within
  // ReaderOptions::max_open_field_bytes (the rest of the file would be read
  // as one field).
  kUnterminatedQuote,
  // A quote where RFC 4180 allows none: inside an unquoted field, or text
  // after the closing quote of a quoted field.
  kMalformedQuote,
  // Bytes that are not UTF-8 (a file saved as Latin-1, Windows-1252 or UTF-16).
  kInvalidEncoding,
  // An unquoted field longer than max_open_field_bytes (not a text file?).
  kFieldTooLong,
  // The input was cut short (Reader::Truncate): the record in progress is
  // partial and was not delivered.
  kTruncated,
};

struct Break {
  BreakReason reason;
  // The first record not delivered (header = 1) and the line it starts on.
  int64_t record = 0;
  int64_t line = 0;
  // The column where the break was found, from 1 (0: not within a field).
  int column = 0;
  // A sentence for people, naming the record, line and column.
  std::string message;
};

// The stable name of a reason ("UNTERMINATED_QUOTE", ...), as the import
// protos spell it.
absl::string_view BreakReasonName(BreakReason reason);

struct ReaderOptions {
  char delimiter = ',';
  // A longer field is cut off and its record reported as an error (the
  // reader continues).
  size_t max_field_bytes = 64 * 1024;
  size_t max_fields = 2000;
  // A field still open after this many bytes breaks the reading: it cannot
  // be a field of a well-formed file, and holding it would take memory
  // without bound.
  size_t max_open_field_bytes = 4u << 20;
};

// A streaming CSV reader over libcsv in strict RFC 4180 mode (quotes only
// around whole fields, doubled inside; CRLF or LF; a UTF-8 byte-order mark
// at the start is skipped; every field must be UTF-8).  Feed it the file in
// pieces of any size; it calls `on_row` for every complete record, so memory
// stays bounded by one record whatever the file size.
//
// Feed and Finish return the first error `on_row` returned (reading stops).
// When the file itself cannot be read further (a broken quote, bytes that
// are not UTF-8, see BreakReason) they return OK and `broken()` says where
// and why; every record before that one was delivered, none after.  Later
// calls do nothing.
class Reader {
 public:
  using RowFn = std::function<absl::Status(Row& row)>;
  Reader(ReaderOptions options, RowFn on_row);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  absl::Status Feed(absl::string_view chunk);
  // The input is complete: flushes the last record (a file need not end
  // with a newline), or breaks on a quote left open.
  absl::Status Finish();
  // The input stopped before its end (an upload cut at a size limit): the
  // record in progress, if any, is partial and is dropped, not delivered.
  // Breaks with kTruncated at that record (or at the next one, when the cut
  // fell between records).
  void Truncate();

  const std::optional<Break>& broken() const { return broken_; }

 private:
  absl::Status Parse(absl::string_view data);
  absl::Status ParseSegment(absl::string_view segment);
  void SetBreak(BreakReason reason, int column, absl::string_view what);
  // The line the record in progress starts on.
  int64_t RecordStartLine() const;
  bool InRecord() const;
  static void OnField(void* s, size_t len, void* self);
  static void OnRowEnd(int c, void* self);

  ReaderOptions options_;
  RowFn on_row_;
  std::unique_ptr<csv_parser> parser_;
  Row row_;
  // Newlines inside the fields of the record in progress, so that its first
  // line follows from the current one.
  int64_t row_newlines_ = 0;
  // 1 + the newlines consumed so far.
  int64_t line_ = 1;
  absl::Status status_;
  std::optional<Break> broken_;
  bool started_ = false;
  bool finished_ = false;
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
  // The name of column `index` (from 0), or "" past the last.
  std::string NameOf(size_t index) const { return index < names_.size() ? names_[index] : ""; }

 private:
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, size_t> index_;
};

// Whether `s` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF):
// lib/utf8's IsValidUtf8, the platform's one decoder.
bool IsValidUtf8(absl::string_view s);

}  // namespace pelita::csv

#endif  // PELITA_LIB_CSV_CSV_READER_H_
