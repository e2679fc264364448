#ifndef PELITA_SERVICES_PERFORMANCE_DOMAIN_H_
#define PELITA_SERVICES_PERFORMANCE_DOMAIN_H_

// The performance service's rules without storage or gRPC: names, the
// checks of a month's figures and of an SKP record, the processing-time
// bands and the figures computed from them, the CSV columns.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "pelita/performance/v1/performance.pb.h"

namespace pelita::performance {

namespace v1 = ::pelita::performance::v1;

// The processing-time bands (ProcessingTime in the proto): upper bounds in
// hours of the first eleven, the twelfth is open.
inline constexpr int kBands = 12;
inline constexpr std::array<double, kBands - 1> kBandUpperHours = {1, 2, 4, 8, 24, 48, 72, 120, 168, 336, 720};
// Their CSV columns, in order.
extern const std::array<const char*, kBands> kBandColumns;
// The band of a document processed in `hours` (>= 0): the first whose upper
// bound is at least `hours`.
int BandOf(double hours);

// A problem with one field of a record: the field's path (`months[2].completed`,
// or a CSV column's name), what is wrong, and a stable code
// (ImportRowError.code; services/performance/README.md lists them).
struct Violation {
  std::string field;
  std::string problem;
  std::string code;
};

// `YYYY-MM` -> the month; anything else (`2026-3`, `2026-13`) fails.
absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text);
std::string FormatMonth(absl::CivilMonth m);

// The figures of a month, checked against `current` (the tenant's current
// month: a later month is in the future).  Appends one violation per bad
// field, each path prefixed by `prefix` ("months[3]." or "").
void CheckServiceMonth(const v1::ServiceMonth& m, absl::CivilMonth month, absl::CivilMonth current,
                       const std::string& prefix, std::vector<Violation>* out);

// The figures of a month without what storage adds (name, revision, time,
// source), serialized deterministically: two records with the same figures
// give the same bytes (UNCHANGED).
std::string FiguresBytes(const v1::ServiceMonth& m);

// Sums of months, from which every figure of PerformanceFigures follows.
struct Totals {
  int64_t received = 0;
  int64_t completed = 0;
  int64_t completed_on_time = 0;
  int64_t returned = 0;
  int64_t rejected = 0;
  std::array<int64_t, kBands> bands{};
  // Σ total_hours and Σ band counts of the months that gave a total.
  double hours = 0;
  int64_t hours_count = 0;
  // Σ staff and Σ completed of the months that gave their staff.
  int64_t staff = 0;
  int64_t completed_with_staff = 0;
  int months_with_data = 0;
  // Months counted with on-time figures (`completed_on_time` is part of
  // every record; a record's completed are all "known" for the rate).
  void Add(const v1::ServiceMonth& m);
};
v1::PerformanceFigures FiguresOf(const Totals& t);

// The p-quantile (0 < p < 1) of the documents counted in `bands`:
// interpolated linearly within its band (the first band from 0 hours); in
// the open band it is its lower bound, 720, and `at_least` is set.  0 when
// the bands are empty.
double BandQuantile(const std::array<int64_t, kBands>& bands, double p, bool* at_least);

// A Proportion with its 95 % Wilson interval (n 0: all zeros).
v1::Proportion ProportionOf(int64_t numerator, int64_t n);

// SKP periods: `YYYY` (a year) or `YYYY-MM_YYYY-MM` (first and last month,
// within one year).
struct SkpPeriod {
  int year = 0;
  absl::CivilMonth start;
  absl::CivilMonth end;
  std::string id;
};
absl::StatusOr<SkpPeriod> ParseSkpPeriod(absl::string_view text);

// Text of SIASN or a person -> enum: case, spaces, `-` and `_` do not
// matter ("SANGAT BAIK", "Sangat Baik", "sangat_baik"; "DIATAS EKSPEKTASI",
// "Di Atas Ekspektasi").  UNSPECIFIED for anything else.
v1::Predicate PredicateFromText(absl::string_view text);
v1::Rating RatingFromText(absl::string_view text);
// The predicate's rank, 5 for SANGAT_BAIK down to 1 for SANGAT_KURANG (a
// rise is a positive step); 0 for UNSPECIFIED.
int PredicateRank(v1::Predicate p);

// Checks an SKP record (the name already parsed): a known predicate (the
// ratings may be unspecified), an appraiser NIP of 18 digits when given.
void CheckSkp(const v1::Skp& s, const std::string& prefix, std::vector<Violation>* out);
std::string SkpBytes(const v1::Skp& s);

}  // namespace pelita::performance

#endif  // PELITA_SERVICES_PERFORMANCE_DOMAIN_H_
