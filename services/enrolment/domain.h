#ifndef PELITA_SERVICES_ENROLMENT_DOMAIN_H_
#define PELITA_SERVICES_ENROLMENT_DOMAIN_H_

// Rules of the enrolment domain that need no storage: validation of units,
// employees, programmes and cohorts, dates, and the learning-hours rule.
// Every error is INVALID_ARGUMENT naming the request field.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "pelita/enrolment/v1/enrolment.pb.h"

namespace pelita::enrolment {


// PP 11/2017 as amended by PP 17/2020: every PNS has the right to at least 20
// JP (jam pelajaran of 45 minutes, Peraturan LAN) of competency development a
// year.
inline constexpr int kRequiredJpPerYear = 20;

// A proto Date as a civil day; INVALID_ARGUMENT naming `field` when it is not
// a real calendar date.
absl::StatusOr<absl::CivilDay> ToCivilDay(const google::type::Date& date, const std::string& field);
google::type::Date FromCivilDay(absl::CivilDay day);
// YYYYMMDD as an integer, which orders like the dates (used in Redis scripts).
int DayNumber(absl::CivilDay day);
// Parses "YYYY-MM-DD".
absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text, const std::string& field);

absl::Status ValidateUnit(const v1::Unit& unit, const std::string& field);
// Fills the fields derived from the NIP (birth date, gender) as a side effect.
// `supervisor_nip`, when set, must be a valid NIP other than the employee's
// own (that it names an employee of the tenant is checked against the store).
absl::Status ValidateEmployee(v1::Employee& employee, const std::string& field,
                              absl::CivilDay today);
// Fills default follow-up offsets (30, 60, 90 days) when none are given.
absl::Status ValidateProgram(v1::Program& program, const std::string& field);
// Also checks the named observers: valid NIPs, distinct, at most
// kMaxObservers.
absl::Status ValidateCohort(const v1::Cohort& cohort, const std::string& field);
inline constexpr int kMaxObservers = 50;

// The follow-up waves of a cohort that ends on `cohort_end`, for the
// programme's increasing `offsets` (days after the last day): wave i's window
// runs from day di - floor((di - di-1) / 2) (d0 = 0) to the day before the
// next wave's first day, the last one to day dn + floor((dn - dn-1) / 2).
// 30/60/90 give days 15-44, 45-74 and 75-105.  See FollowUpWindow in
// enrolment.proto.
std::vector<v1::FollowUpWindow> FollowUpWindows(absl::CivilDay cohort_end,
                                                const std::vector<int>& offsets);

// "III/a" (PNS golongan/ruang I-IV, a-e) or a PPPK grade I-XVII.
bool ValidGrade(const std::string& grade);

// The year whose learning hours a completed cohort counts for: the year in
// which it ends.
inline int LearningYear(absl::CivilDay cohort_end) { return static_cast<int>(cohort_end.year()); }

// Maps CSV text such as "PNS"/"pppk" to the enum; unknown is UNSPECIFIED.
v1::EmploymentType ParseEmploymentType(const std::string& text);

}  // namespace pelita::enrolment

#endif  // PELITA_SERVICES_ENROLMENT_DOMAIN_H_
