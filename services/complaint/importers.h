#ifndef PELITA_SERVICES_COMPLAINT_IMPORTERS_H_
#define PELITA_SERVICES_COMPLAINT_IMPORTERS_H_

// Parsing of the two import formats into ComplaintUpdates (no storage): the
// SP4N-LAPOR!-style CSV export (columns in protos/pelita/complaint/v1/CSV.md)
// and Open311 GeoReport v2 service requests (JSON array).  A row that cannot
// be used yields an error whose message is the reason reported for the row.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/csv/csv_reader.h"
#include "services/complaint/domain.h"

namespace pelita::complaint {

class CsvComplaintParser {
 public:
  // The header row; fails when a required column is missing.
  absl::Status SetHeader(const std::vector<std::string>& names);
  // Times without an offset are in `zone` (the tenant's).
  explicit CsvComplaintParser(absl::TimeZone zone) : zone_(zone) {}
  // A data row.  `unit` of the result is the raw unit column (slug, resource
  // name or display name), resolved by the caller.  When the row is
  // rejected and `column` is given, it is set to the column (from 0) the
  // reason is about, or -1 for the row as a whole.
  absl::StatusOr<ComplaintUpdate> Parse(const csv::Row& row, int* column = nullptr) const;
  // The tracking id of a row, if it has one.
  std::string IdOf(const csv::Row& row) const;
  // The column (from 0) of the unit (kode_instansi), and a column's name.
  int unit_column() const { return static_cast<int>(cols_.unit); }
  std::string NameOf(int column) const { return column < 0 || !header_ ? "" : header_->NameOf(column); }

 private:
  absl::TimeZone zone_;
  std::optional<csv::Header> header_;
  struct Columns {
    size_t id, unit, status;
    std::optional<size_t> channel, classification, category, title, status_time;
    std::optional<size_t> received, verified, forwarded, follow_up, completed;
  } cols_{};
};

struct JsonRow {
  int64_t row = 0;  // index in the array, from 1
  std::string id;
  absl::StatusOr<ComplaintUpdate> update = absl::UnknownError("unset");
};

// The whole request body must be a JSON array (else INVALID_ARGUMENT); each
// element is parsed on its own.  Status "open" is a received step at
// requested_datetime (with a follow-up step at updated_datetime when that is
// later); "closed" adds completion at updated_datetime.  service_name (or
// service_code) is the category and agency_responsible the unit.
// Times without an offset are in `zone` (the tenant's).
absl::StatusOr<std::vector<JsonRow>> ParseOpen311(const std::string& json,
                                                  const std::string& channel,
                                                  const absl::TimeZone& zone);

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_IMPORTERS_H_
