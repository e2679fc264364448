#include "services/enrolment/domain.h"

#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lib/ids/nip.h"
#include "lib/status/status.h"
#include "lib/time/time.h"

namespace pelita::enrolment {

absl::StatusOr<absl::CivilDay> ToCivilDay(const google::type::Date& date, const std::string& field) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    return InvalidField(field, "is required");
  }
  absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1900 || date.year() > 2200 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return InvalidField(field, absl::StrFormat("%04d-%02d-%02d is not a real date", date.year(),
                                               date.month(), date.day()));
  }
  return day;
}

google::type::Date FromCivilDay(absl::CivilDay day) { return ToDate(day); }

int DayNumber(absl::CivilDay day) {
  return static_cast<int>(day.year()) * 10000 + day.month() * 100 + day.day();
}

absl::StatusOr<absl::CivilDay> ParseDay(const std::string& text, const std::string& field) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  google::type::Date d;
  int y = 0, m = 0, dd = 0;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &dd)) {
    return InvalidField(field, absl::StrCat("'", text.substr(0, 40), "' is not YYYY-MM-DD"));
  }
  d.set_year(y);
  d.set_month(m);
  d.set_day(dd);
  return ToCivilDay(d, field);
}

absl::Status ValidateUnit(const v1::Unit& unit, const std::string& field) {
  if (absl::StripAsciiWhitespace(unit.display_name()).empty()) {
    return InvalidField(field + ".display_name", "must not be empty");
  }
  if (unit.display_name().size() > 200) {
    return InvalidField(field + ".display_name", "is longer than 200 characters");
  }
  if (unit.monthly_service_volume() < 0) {
    return InvalidField(field + ".monthly_service_volume", "must not be negative");
  }
  return absl::OkStatus();
}

bool ValidGrade(const std::string& grade) {
  static const std::regex kPns("^(I|II|III|IV)/[a-e]$");
  static const std::regex kPppk("^(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII|XIII|XIV|XV|XVI|XVII)$");
  return std::regex_match(grade, kPns) || std::regex_match(grade, kPppk);
}

absl::Status ValidateEmployee(v1::Employee& employee, const std::string& field,
                              absl::CivilDay today) {
  auto nip = ParseNip(employee.nip(), today);
  if (!nip.ok()) return WithReason(InvalidField(field + ".nip", nip.status().message()), "INVALID_NIP");
  if (absl::StripAsciiWhitespace(employee.full_name()).empty()) {
    return WithReason(InvalidField(field + ".full_name", "must not be empty"), "MISSING_NAME");
  }
  if (employee.full_name().size() > 200) {
    return WithReason(InvalidField(field + ".full_name", "is longer than 200 characters"), "NAME_TOO_LONG");
  }
  if (employee.unit().empty()) return WithReason(InvalidField(field + ".unit", "is required"), "MISSING_UNIT");
  if (!employee.grade().empty() && !ValidGrade(employee.grade())) {
    return WithReason(InvalidField(field + ".grade",
                                   absl::StrCat("'", employee.grade().substr(0, 20),
                                                "' is not a golongan such as III/a or a PPPK grade I-XVII")),
                      "INVALID_GRADE");
  }
  if (employee.employment_type() == v1::EMPLOYMENT_TYPE_UNSPECIFIED) {
    return WithReason(InvalidField(field + ".employment_type", "must be PNS or PPPK"), "INVALID_EMPLOYMENT_TYPE");
  }
  if (!employee.supervisor_nip().empty()) {
    const std::string f = field + ".supervisor_nip";
    if (employee.supervisor_nip().size() > 64) {
      return WithReason(InvalidField(f, "is not a NIP (18 digits)"), "INVALID_SUPERVISOR_NIP");
    }
    auto sup = ParseNip(employee.supervisor_nip(), today);
    if (!sup.ok()) return WithReason(InvalidField(f, sup.status().message()), "INVALID_SUPERVISOR_NIP");
    if (employee.supervisor_nip() == employee.nip()) {
      return WithReason(InvalidField(f, "an employee cannot be their own supervisor"), "OWN_SUPERVISOR");
    }
  }
  *employee.mutable_birth_date() = FromCivilDay(nip->birth_date);
  employee.set_gender(std::string(nip->gender_name()));
  return absl::OkStatus();
}

absl::Status ValidateProgram(v1::Program& program, const std::string& field) {
  if (absl::StripAsciiWhitespace(program.title()).empty()) {
    return InvalidField(field + ".title", "must not be empty");
  }
  if (program.competency_type() == v1::COMPETENCY_TYPE_UNSPECIFIED) {
    return InvalidField(field + ".competency_type",
                        "must be TEKNIS, MANAJERIAL or SOSIAL_KULTURAL");
  }
  if (program.jp() <= 0 || program.jp() > 1000) {
    return InvalidField(field + ".jp", "must be between 1 and 1000");
  }
  if (program.budget() < 0) return InvalidField(field + ".budget", "must not be negative");
  if (program.cost_per_participant() < 0) {
    return InvalidField(field + ".cost_per_participant", "must not be negative");
  }
  if (program.year() < 2000 || program.year() > 2100) {
    return InvalidField(field + ".year", "must be a year between 2000 and 2100");
  }
  if (program.follow_up_offsets_days_size() == 0) {
    for (int d : {30, 60, 90}) program.add_follow_up_offsets_days(d);
  }
  int prev = 0;
  for (int d : program.follow_up_offsets_days()) {
    if (d <= prev || d > 730) {
      return InvalidField(field + ".follow_up_offsets_days",
                          "must be increasing and between 1 and 730 days");
    }
    prev = d;
  }
  return absl::OkStatus();
}

absl::Status ValidateCohort(const v1::Cohort& cohort, const std::string& field) {
  auto start = ToCivilDay(cohort.start_date(), field + ".start_date");
  if (!start.ok()) return start.status();
  auto end = ToCivilDay(cohort.end_date(), field + ".end_date");
  if (!end.ok()) return end.status();
  if (*end < *start) return InvalidField(field + ".end_date", "is before start_date");
  if (*end - *start > 366) return InvalidField(field + ".end_date", "is more than a year after start_date");
  if (cohort.capacity() <= 0 || cohort.capacity() > 10000) {
    return InvalidField(field + ".capacity", "must be between 1 and 10000");
  }
  for (const std::string& instructor : cohort.instructors()) {
    if (absl::StripAsciiWhitespace(instructor).empty()) {
      return InvalidField(field + ".instructors", "must not contain empty names");
    }
  }
  if (cohort.observers_size() > kMaxObservers) {
    return InvalidField(field + ".observers", absl::StrCat("at most ", kMaxObservers, " observers"));
  }
  for (int i = 0; i < cohort.observers_size(); ++i) {
    const std::string f = absl::StrCat(field, ".observers[", i, "]");
    const std::string& nip = cohort.observers(i);
    if (nip.size() > 64) return InvalidField(f, "is not a NIP (18 digits)");
    auto parsed = ParseNip(nip);
    if (!parsed.ok()) return InvalidField(f, parsed.status().message());
    for (int j = 0; j < i; ++j) {
      if (cohort.observers(j) == nip) return InvalidField(f, "is listed twice");
    }
  }
  return absl::OkStatus();
}

std::vector<v1::FollowUpWindow> FollowUpWindows(absl::CivilDay cohort_end,
                                                const std::vector<int>& offsets) {
  std::vector<v1::FollowUpWindow> out;
  // Each boundary sits halfway between two neighbouring offsets, so every
  // day after the first window opens belongs to exactly one wave.
  auto first = [&](size_t i) {
    const int prev = i == 0 ? 0 : offsets[i - 1];
    return offsets[i] - (offsets[i] - prev) / 2;
  };
  for (size_t i = 0; i < offsets.size(); ++i) {
    const int prev = i == 0 ? 0 : offsets[i - 1];
    const int last = i + 1 < offsets.size() ? first(i + 1) - 1 : offsets[i] + (offsets[i] - prev) / 2;
    v1::FollowUpWindow w;
    w.set_offset_days(offsets[i]);
    *w.mutable_first_day() = FromCivilDay(cohort_end + first(i));
    *w.mutable_last_day() = FromCivilDay(cohort_end + last);
    out.push_back(std::move(w));
  }
  return out;
}

v1::EmploymentType ParseEmploymentType(const std::string& text) {
  std::string t = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  if (t == "PNS") return v1::PNS;
  if (t == "PPPK") return v1::PPPK;
  return v1::EMPLOYMENT_TYPE_UNSPECIFIED;
}

}  // namespace pelita::enrolment
