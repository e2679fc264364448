#include "services/performance/csv_rows.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pelita::performance {

char DetectDelimiter(absl::string_view first_line) {
  const auto semicolons = std::count(first_line.begin(), first_line.end(), ';');
  const auto commas = std::count(first_line.begin(), first_line.end(), ',');
  return semicolons > commas ? ';' : ',';
}

absl::StatusOr<CsvColumns> CsvColumns::FromHeader(const std::vector<std::string>& header,
                                                  const absl::flat_hash_map<std::string, std::string>& aliases,
                                                  const std::vector<std::string>& required) {
  CsvColumns c;
  c.header_ = header;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header[i]));
    auto it = aliases.find(name);
    if (it == aliases.end()) continue;  // other columns are ignored
    if (c.index_.contains(it->second)) {
      return absl::InvalidArgumentError(absl::StrCat("column \"", it->second, "\" appears twice in the header"));
    }
    c.index_[it->second] = static_cast<int>(i);
  }
  std::vector<std::string> missing;
  for (const auto& r : required) {
    if (!c.index_.contains(r)) missing.push_back(r);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the header lacks the column", missing.size() > 1 ? "s " : " ", absl::StrJoin(missing, ", ")));
  }
  return c;
}

int CsvColumns::Index(absl::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

std::string CsvColumns::Field(const std::vector<std::string>& row, absl::string_view name) const {
  const int i = Index(name);
  if (i < 0 || i >= static_cast<int>(row.size())) return "";
  return std::string(absl::StripAsciiWhitespace(row[i]));
}

std::optional<int64_t> ParseCount(absl::string_view text, bool decimal_comma, int64_t empty) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return empty;
  const char group = decimal_comma ? '.' : ',';
  std::string digits;
  bool negative = false;
  size_t start = 0;
  if (text[0] == '-') {
    negative = true;
    start = 1;
  }
  // Digit groups of three after the first (1.234.567), or no grouping.
  int since_group = -1;
  for (size_t i = start; i < text.size(); ++i) {
    const char ch = text[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(ch))) {
      digits.push_back(ch);
      if (since_group >= 0) ++since_group;
    } else if (ch == group && !digits.empty() && (since_group < 0 || since_group == 3)) {
      if (since_group < 0 && digits.size() > 3) return std::nullopt;
      since_group = 0;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || (since_group >= 0 && since_group != 3)) return std::nullopt;
  int64_t v = 0;
  if (!absl::SimpleAtoi(digits, &v)) return std::nullopt;
  return negative ? -v : v;
}

std::optional<double> ParseDecimal(absl::string_view text, bool decimal_comma, double empty) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return empty;
  std::string s(text);
  if (decimal_comma) std::replace(s.begin(), s.end(), ',', '.');
  for (char ch : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-') return std::nullopt;
  }
  double v = 0;
  if (!absl::SimpleAtod(s, &v) || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace pelita::performance
