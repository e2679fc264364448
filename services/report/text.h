#ifndef PELITA_SERVICES_REPORT_TEXT_H_
#define PELITA_SERVICES_REPORT_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "pelita/scoring/v1/scoring.pb.h"

// Numbers, dates and reasons as a reader of an Indonesian document expects
// them (the same rules as the web application's web/src/format.ts):
// `1.234,5`, `Rp 1.500.000`, `45,7%`, `12 Desember 2026`.
namespace pelita::report {

// Rounds as a person does: half away from zero (2,25 -> 2,3), after
// removing binary noise (1.005 is stored as 1.00499...).
double RoundHalfAwayFromZero(double v, int digits);

// `digits` decimals exactly, `.` between thousands, `,` before decimals.
std::string FormatNumber(double v, int digits);
std::string FormatInteger(int64_t v);
// A 0-100 score: one decimal.
std::string FormatScore(double v);
// A share 0..1 as a percentage with one decimal: `45,7%`.
std::string FormatPercent(double share);
// Whole rupiah: `Rp 1.500.000`, `-Rp 1.500`.
std::string FormatRupiah(double amount);
// `12 Desember 2026`.
std::string FormatDate(absl::CivilDay day);
// `Desember 2026`.
std::string FormatMonth(absl::CivilMonth month);
// A time in the zone as `12 Desember 2026 14.05` (the Indonesian clock
// writes a dot between hours and minutes).
std::string FormatDateTime(absl::Time t, absl::TimeZone zone);
// A YYYY-MM-DD day as FormatDate; empty when it does not parse.
std::string FormatIsoDay(absl::string_view day);
// Two YYYY-MM-DD days as `28 Agustus 2026 – 26 September 2026`; a day that
// does not parse is printed as it is.
std::string FormatDayRange(absl::string_view first, absl::string_view last);

// The 95 % intervals that scoring's formulas name, for the formulas the
// report prints in Indonesian.
enum class Interval95 { kStudentT, kWilson, kNormal, kPoisson };
// `interval t 95%`, `interval Wilson 95%`, `interval normal 95%` or
// `interval normal (Poisson) 95%`.
std::string IntervalText(Interval95 interval);
// A formula followed by its interval: `berkas dikembalikan / berkas
// selesai; interval Wilson 95%`.
std::string WithInterval(absl::string_view formula, Interval95 interval);

// Why a figure is withheld, in plain Indonesian (the web application's
// figureReasons), from scoring's reason code.
std::string ReasonText(scoring::v1::ReasonCode code);

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_TEXT_H_
