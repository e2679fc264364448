#ifndef PELITA_SERVICES_PERFORMANCE_CSV_ROWS_H_
#define PELITA_SERVICES_PERFORMANCE_CSV_ROWS_H_

// The CSV files of the performance service (CSV.md in the proto folder):
// the header's columns by name (aliases allowed), comma or semicolon
// separated (Excel with Indonesian settings writes `;` and decimal commas),
// and the fields of a row as numbers.

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::performance {

// The delimiter of a file from its first line: `;` when it has more
// semicolons than commas, `,` otherwise.
char DetectDelimiter(absl::string_view first_line);

// The columns of a header: each known name (lower case, aliases mapped to
// the canonical name) to its index.
class CsvColumns {
 public:
  // `aliases` maps every accepted spelling to its canonical name;
  // `required` lists canonical names that must be present.
  static absl::StatusOr<CsvColumns> FromHeader(const std::vector<std::string>& header,
                                               const absl::flat_hash_map<std::string, std::string>& aliases,
                                               const std::vector<std::string>& required);
  // The index of a canonical column, or -1.
  int Index(absl::string_view name) const;
  // The header's own name of column `index` (for errors).
  const std::string& NameAt(int index) const { return header_[index]; }
  // The trimmed field of a canonical column ("" when absent or short).
  std::string Field(const std::vector<std::string>& row, absl::string_view name) const;

 private:
  absl::flat_hash_map<std::string, int> index_;
  std::vector<std::string> header_;
};

// A count: digits, optionally grouped by `.` (1.234) when `decimal_comma`,
// or by `,` otherwise; "" gives `empty`.  A minus sign gives a negative
// number (the checks reject it with its own code).
std::optional<int64_t> ParseCount(absl::string_view text, bool decimal_comma, int64_t empty = 0);
// A decimal with `,` as the decimal separator when `decimal_comma`.
std::optional<double> ParseDecimal(absl::string_view text, bool decimal_comma, double empty = 0);

}  // namespace pelita::performance

#endif  // PELITA_SERVICES_PERFORMANCE_CSV_ROWS_H_
