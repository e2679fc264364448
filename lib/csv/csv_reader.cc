#include "lib/csv/csv_reader.h"

#include <csv.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pelita::csv {

Reader::Reader(ReaderOptions options, RowFn on_row)
    : options_(options), on_row_(std::move(on_row)), parser_(std::make_unique<csv_parser>()) {
  // Not strict: a stray quote inside an unquoted field is kept as text and
  // the row is judged by its fields; an unterminated quote at the end of the
  // file is an error (see Finish).
  csv_init(parser_.get(), CSV_APPEND_NULL);
  csv_set_delim(parser_.get(), static_cast<unsigned char>(options_.delimiter));
  // libcsv grows its field buffer by this many bytes at a time (128 by
  // default): a field of megabytes took tens of thousands of reallocs, each
  // a full copy where realloc cannot grow in place (a 3 MiB field ran for
  // minutes under the sanitizers).  64 KiB steps keep that to a few dozen.
  csv_set_blk_size(parser_.get(), 64 * 1024);
  row_.number = 1;
}

Reader::~Reader() { csv_free(parser_.get()); }

void Reader::OnField(void* s, size_t len, void* self_ptr) {
  auto* self = static_cast<Reader*>(self_ptr);
  Row& row = self->row_;
  if (!row.error.empty()) return;
  if (row.fields.size() >= self->options_.max_fields) {
    row.error = absl::StrCat("more than ", self->options_.max_fields, " fields");
    return;
  }
  absl::string_view field(static_cast<const char*>(s), len);
  if (len > self->options_.max_field_bytes) {
    row.error = absl::StrCat("field ", row.fields.size() + 1, " is longer than ",
                             self->options_.max_field_bytes, " bytes");
    return;
  }
  if (!IsValidUtf8(field)) {
    row.error = absl::StrCat("field ", row.fields.size() + 1, " is not valid UTF-8");
    return;
  }
  row.fields.emplace_back(field);
}

void Reader::OnRowEnd(int c, void* self_ptr) {
  auto* self = static_cast<Reader*>(self_ptr);
  if (self->status_.ok()) self->status_ = self->on_row_(self->row_);
  self->row_.fields.clear();
  self->row_.error.clear();
  ++self->row_.number;
}

absl::Status Reader::Parse(absl::string_view data) {
  size_t n = csv_parse(parser_.get(), data.data(), data.size(), OnField, OnRowEnd, this);
  if (!status_.ok()) return status_;
  if (n != data.size()) {
    return absl::InvalidArgumentError(absl::StrCat("CSV record ", row_.number, ": ",
                                                   csv_strerror(csv_error(parser_.get()))));
  }
  // libcsv buffers a field until it ends; a field that never ends (an
  // unbalanced quote) must not take all memory.
  if (parser_->entry_pos > kHardFieldLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CSV record ", row_.number, ": a field runs past ", kHardFieldLimit >> 20,
        " MiB (an unbalanced quote?); the rest of the file cannot be read"));
  }
  return absl::OkStatus();
}

absl::Status Reader::Feed(absl::string_view chunk) {
  if (!status_.ok()) return status_;
  if (started_) return status_ = Parse(chunk);
  // Hold back the first bytes until we know whether they are a byte-order mark.
  static constexpr absl::string_view kBom = "\xEF\xBB\xBF";
  pending_.append(chunk.data(), chunk.size());
  if (pending_.size() < kBom.size() && kBom.substr(0, pending_.size()) == pending_) {
    return absl::OkStatus();
  }
  started_ = true;
  absl::string_view data = pending_;
  if (data.substr(0, kBom.size()) == kBom) data.remove_prefix(kBom.size());
  status_ = Parse(data);
  pending_.clear();
  pending_.shrink_to_fit();
  return status_;
}

absl::Status Reader::Finish() {
  if (!started_) {
    started_ = true;
    if (!pending_.empty() && pending_ != absl::string_view("\xEF\xBB\xBF").substr(0, pending_.size())) {
      status_ = Parse(pending_);
    }
  }
  if (!status_.ok()) return status_;
  // libcsv's state 2 is "inside a field"; inside a quoted one at the end of
  // input means the closing quote is missing.
  constexpr int kFieldBegun = 2;
  if (parser_->pstate == kFieldBegun && parser_->quoted) {
    return status_ = absl::InvalidArgumentError(
               absl::StrCat("CSV record ", row_.number, ": unterminated quoted field at end of file"));
  }
  csv_fini(parser_.get(), OnField, OnRowEnd, this);
  return status_;
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

bool IsValidUtf8(absl::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace pelita::csv
