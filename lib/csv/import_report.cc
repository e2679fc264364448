#include "lib/csv/import_report.h"

#include <algorithm>

namespace pelita::csv {

type::v1::ImportStopReason ToProto(BreakReason reason) {
  switch (reason) {
    case BreakReason::kUnterminatedQuote:
      return type::v1::UNTERMINATED_QUOTE;
    case BreakReason::kMalformedQuote:
      return type::v1::MALFORMED_QUOTE;
    case BreakReason::kInvalidEncoding:
      return type::v1::INVALID_ENCODING;
    case BreakReason::kFieldTooLong:
      return type::v1::FIELD_TOO_LONG;
    case BreakReason::kTruncated:
      return type::v1::UPLOAD_TOO_LARGE;
  }
  return type::v1::IMPORT_STOP_REASON_UNSPECIFIED;
}

void ImportReport::Reject(int64_t row, int64_t line, int column, absl::string_view field,
                          absl::string_view id, absl::string_view code, absl::string_view reason) {
  result_.set_rejected_count(result_.rejected_count() + 1);
  CountRead();
  if (result_.rejected_size() >= kMaxListed) return;
  type::v1::ImportRowError& e = *result_.add_rejected();
  e.set_row(row);
  e.set_line(line);
  e.set_column(column);
  e.set_field(std::string(field));
  e.set_id(std::string(id.substr(0, 100)));
  e.set_reason(std::string(reason));
  e.set_code(std::string(code));
}

void ImportReport::Stop(const Break& b) {
  result_.set_state(type::v1::STOPPED);
  type::v1::ImportStop& s = *result_.mutable_stop();
  s.set_reason(ToProto(b.reason));
  s.set_record(b.record);
  s.set_line(b.line);
  s.set_column(b.column);
  s.set_message(b.message);
}

type::v1::ImportResult ImportReport::Finish() {
  if (result_.state() != type::v1::STOPPED) result_.set_state(type::v1::COMPLETE);
  // Rows are decided in batches, so rejections can come out of file order.
  auto* rejected = result_.mutable_rejected();
  std::stable_sort(rejected->begin(), rejected->end(),
                   [](const type::v1::ImportRowError& a, const type::v1::ImportRowError& b) {
                     return a.row() < b.row();
                   });
  return result_;
}

}  // namespace pelita::csv
