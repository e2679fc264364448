#include "lib/csv/csv_reader.h"

#include <csv.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lib/utf8/utf8.h"

namespace pelita::csv {
namespace {

// libcsv's parser states (csv.h does not name them).
constexpr int kRowNotBegun = 0;
constexpr int kFieldBegun = 2;

int64_t Newlines(const void* data, size_t len) {
  const char* p = static_cast<const char*>(data);
  return std::count(p, p + len, '\n');
}

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

absl::string_view BreakReasonName(BreakReason reason) {
  switch (reason) {
    case BreakReason::kUnterminatedQuote:
      return "UNTERMINATED_QUOTE";
    case BreakReason::kMalformedQuote:
      return "MALFORMED_QUOTE";
    case BreakReason::kInvalidEncoding:
      return "INVALID_ENCODING";
    case BreakReason::kFieldTooLong:
      return "FIELD_TOO_LONG";
    case BreakReason::kTruncated:
      return "UPLOAD_TOO_LARGE";
  }
  return "UNKNOWN";
}

Reader::Reader(ReaderOptions options, RowFn on_row)
    : options_(options), on_row_(std::move(on_row)), parser_(std::make_unique<csv_parser>()) {
  // Strict: a quote is allowed only around a whole field (doubled inside).
  // libcsv's lenient mode reads `"abc"def` as an open quoted field and would
  // swallow the records after it into one field without a word.
  csv_init(parser_.get(), CSV_STRICT | CSV_APPEND_NULL);
  csv_set_delim(parser_.get(), static_cast<unsigned char>(options_.delimiter));
  // libcsv grows its field buffer by this many bytes at a time (128 by
  // default): a field of megabytes took tens of thousands of reallocs, each
  // a full copy where realloc cannot grow in place (a 3 MiB field ran for
  // minutes under the sanitizers).  64 KiB steps keep that to a few dozen.
  csv_set_blk_size(parser_.get(), 64 * 1024);
  row_.number = 1;
}

Reader::~Reader() { csv_free(parser_.get()); }

bool Reader::InRecord() const { return parser_->pstate != kRowNotBegun || !row_.fields.empty(); }

int64_t Reader::RecordStartLine() const {
  return line_ - row_newlines_ - Newlines(parser_->entry_buf, parser_->entry_pos);
}

void Reader::SetBreak(BreakReason reason, int column, absl::string_view what) {
  if (broken_) return;
  Break b;
  b.reason = reason;
  b.record = row_.number;
  b.line = InRecord() ? RecordStartLine() : line_;
  b.column = column;
  b.message = absl::StrCat("record ", b.record, " (line ", b.line, ")",
                           column > 0 ? absl::StrCat(", column ", column) : "", ": ", what);
  broken_ = std::move(b);
}

void Reader::OnField(void* s, size_t len, void* self_ptr) {
  auto* self = static_cast<Reader*>(self_ptr);
  if (self->broken_ || !self->status_.ok()) return;
  Row& row = self->row_;
  self->row_newlines_ += Newlines(s, len);
  const int column = static_cast<int>(row.fields.size()) + 1;
  absl::string_view field(static_cast<const char*>(s), len);
  // Encoding first: a file that is not UTF-8 is not read on, whatever else
  // is wrong with this record.
  if (!IsValidUtf8(field)) {
    // Inside a callback libcsv has not yet cleared the field it hands over,
    // so the record's first line is counted from the fields alone.
    const int64_t start = self->line_ - self->row_newlines_;
    Break b{BreakReason::kInvalidEncoding, row.number, start, column,
            absl::StrCat("record ", row.number, " (line ", start, "), column ", column,
                         ": bytes that are not UTF-8; save the file as CSV UTF-8")};
    self->broken_ = std::move(b);
    return;
  }
  if (!row.error.empty()) return;
  if (row.fields.size() >= self->options_.max_fields) {
    row.error = absl::StrCat("more than ", self->options_.max_fields, " fields");
    row.code = "TOO_MANY_FIELDS";
    row.column = column;
    return;
  }
  if (len > self->options_.max_field_bytes) {
    row.error = absl::StrCat("longer than ", self->options_.max_field_bytes, " bytes");
    row.code = "FIELD_TOO_LONG";
    row.column = column;
    return;
  }
  row.fields.emplace_back(field);
}

void Reader::OnRowEnd(int, void* self_ptr) {
  auto* self = static_cast<Reader*>(self_ptr);
  if (self->broken_ || !self->status_.ok()) return;
  self->row_.line = self->line_ - self->row_newlines_;
  self->status_ = self->on_row_(self->row_);
  self->row_.fields.clear();
  self->row_.error.clear();
  self->row_.code.clear();
  self->row_.column = 0;
  self->row_newlines_ = 0;
  ++self->row_.number;
}

absl::Status Reader::ParseSegment(absl::string_view segment) {
  size_t n = csv_parse(parser_.get(), segment.data(), segment.size(), OnField, OnRowEnd, this);
  if (!status_.ok() || broken_) return status_;
  const int column = static_cast<int>(row_.fields.size()) + 1;
  if (n != segment.size()) {
    if (csv_error(parser_.get()) == CSV_EPARSE && parser_->quoted &&
        Newlines(parser_->entry_buf, parser_->entry_pos) > 0) {
      // The bad quote is lines after the field opened: most likely that
      // field's closing quote is missing and this quote opened the next one.
      SetBreak(BreakReason::kUnterminatedQuote, column,
               absl::StrCat("a quoted field opens here and does not close (at line ", line_,
                            " a quote is followed by text); its closing quote is missing"));
    } else if (csv_error(parser_.get()) == CSV_EPARSE) {
      SetBreak(BreakReason::kMalformedQuote, column,
               "a quote inside an unquoted field or text after a closing quote (RFC 4180: "
               "put the whole field in quotes and double the quotes inside it)");
    } else {
      SetBreak(BreakReason::kFieldTooLong, column, csv_strerror(csv_error(parser_.get())));
    }
    return status_;
  }
  if (segment.back() == '\n') ++line_;
  // libcsv buffers a field until it ends; one that does not end within the
  // limit must not take all memory (an unbalanced quote reads the rest of
  // the file as one field).
  if (parser_->entry_pos > options_.max_open_field_bytes) {
    if (parser_->quoted) {
      SetBreak(BreakReason::kUnterminatedQuote, column,
               absl::StrCat("a quoted field runs past ", options_.max_open_field_bytes,
                            " bytes; its closing quote is missing"));
    } else {
      SetBreak(BreakReason::kFieldTooLong, column,
               absl::StrCat("a field runs past ", options_.max_open_field_bytes,
                            " bytes without a delimiter or line end"));
    }
  }
  return status_;
}

absl::Status Reader::Parse(absl::string_view data) {
  // One line at a time, so that the line number is known while libcsv calls
  // back (it reports no positions itself).
  while (!data.empty() && status_.ok() && !broken_) {
    const size_t nl = data.find('\n');
    const size_t n = nl == absl::string_view::npos ? data.size() : nl + 1;
    if (absl::Status s = ParseSegment(data.substr(0, n)); !s.ok()) return s;
    data.remove_prefix(n);
  }
  return status_;
}

absl::Status Reader::Feed(absl::string_view chunk) {
  if (!status_.ok() || broken_ || finished_) return status_;
  if (started_) return Parse(chunk);
  // Hold back the first bytes until we know whether they are a byte-order mark.
  pending_.append(chunk.data(), chunk.size());
  if (pending_.size() < kBom.size() && kBom.substr(0, pending_.size()) == pending_) {
    return absl::OkStatus();
  }
  started_ = true;
  std::string data = std::move(pending_);
  pending_.clear();
  absl::string_view view = data;
  if (view.substr(0, kBom.size()) == kBom) view.remove_prefix(kBom.size());
  if (view.substr(0, 2) == "\xFF\xFE" || view.substr(0, 2) == "\xFE\xFF") {
    SetBreak(BreakReason::kInvalidEncoding, 0, "the file is UTF-16; save it as CSV UTF-8");
    return status_;
  }
  return Parse(view);
}

absl::Status Reader::Finish() {
  if (!status_.ok() || broken_ || finished_) return status_;
  if (!started_) {
    started_ = true;
    if (!pending_.empty() && pending_ != kBom.substr(0, pending_.size())) {
      if (absl::Status s = Parse(pending_); !s.ok() || broken_) return s;
    }
  }
  finished_ = true;
  // Inside a quoted field at the end of input: the closing quote is missing.
  if (parser_->pstate == kFieldBegun && parser_->quoted) {
    SetBreak(BreakReason::kUnterminatedQuote, static_cast<int>(row_.fields.size()) + 1,
             "a quoted field opens here and never closes; the rest of the file was read "
             "as part of it");
    return status_;
  }
  csv_fini(parser_.get(), OnField, OnRowEnd, this);
  return status_;
}

void Reader::Truncate() {
  if (!status_.ok() || broken_ || finished_) return;
  finished_ = true;
  SetBreak(BreakReason::kTruncated, 0,
           InRecord() ? "the upload was cut off inside this record, which is therefore not read"
                      : "the upload was cut off before this record");
}

Header::Header(const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    names_.emplace_back(absl::StripAsciiWhitespace(names[i]));
    index_.emplace(names_.back(), i);  // the first of duplicate names wins
  }
}

std::optional<size_t> Header::Find(absl::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

bool IsValidUtf8(absl::string_view s) { return ::pelita::IsValidUtf8(s); }

}  // namespace pelita::csv
