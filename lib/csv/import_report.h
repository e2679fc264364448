#ifndef PELITA_LIB_CSV_IMPORT_REPORT_H_
#define PELITA_LIB_CSV_IMPORT_REPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "lib/csv/csv_reader.h"
#include "pelita/type/v1/import.pb.h"

namespace pelita::csv {

// The answer of an import as the contract of pelita/type/v1/import.proto
// defines it, counted as records are decided: every record read is counted
// once, as accepted, unchanged, replaced or rejected; a break of the reader
// (or a cut upload) makes the state STOPPED with where and why.
class ImportReport {
 public:
  // At most this many rejected records are listed (all are counted).
  static constexpr int kMaxListed = 1000;

  void set_id_column(absl::string_view column) { result_.set_id_column(std::string(column)); }

  void Accepted() {
    result_.set_accepted_count(result_.accepted_count() + 1);
    CountRead();
  }
  void Unchanged() {
    result_.set_unchanged_count(result_.unchanged_count() + 1);
    CountRead();
  }
  void Replaced() {
    result_.set_replaced_count(result_.replaced_count() + 1);
    CountRead();
  }
  // A record that stored nothing.  `column` from 1 (0: the whole record),
  // `field` its header name, `code` the reason's stable UPPER_SNAKE code
  // (ImportRowError.code; each importing service's README lists its codes).
  void Reject(int64_t row, int64_t line, int column, absl::string_view field, absl::string_view id,
              absl::string_view code, absl::string_view reason);
  // Reading stopped: at `b.record`, nothing of it or after it was stored.
  void Stop(const Break& b);
  bool stopped() const { return result_.state() == type::v1::STOPPED; }

  // The answer: COMPLETE unless stopped; rejected records in file order.
  type::v1::ImportResult Finish();

 private:
  void CountRead() { result_.set_records_read(result_.records_read() + 1); }
  type::v1::ImportResult result_;
};

type::v1::ImportStopReason ToProto(BreakReason reason);

}  // namespace pelita::csv

#endif  // PELITA_LIB_CSV_IMPORT_REPORT_H_
