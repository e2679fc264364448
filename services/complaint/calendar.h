#ifndef PELITA_SERVICES_COMPLAINT_CALENDAR_H_
#define PELITA_SERVICES_COMPLAINT_CALENDAR_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace pelita::complaint {

struct HolidayEntry {
  absl::CivilDay day;
  std::string description;
  bool collective_leave = false;  // cuti bersama
};

// The national holidays and collective-leave days (cuti bersama) of 2025 and
// 2026 as set by the joint decree of the Ministers of Religious Affairs,
// Manpower and Administrative Reform (SKB 3 Menteri):
//   2025: SKB No. 1017/2024, 2/2024, 2/2024 (and its revision adding
//         18 August 2025 as cuti bersama);
//   2026: SKB No. 1497/2025, 2/2025, 5/2025.
// Dates of the lunar holidays follow the decree; a tenant admin can correct
// any day through UpdateWorkingCalendar.
const std::vector<HolidayEntry>& IndonesianHolidays2025And2026();

// A tenant's working days: Monday to Friday except its holidays.
class WorkingCalendar {
 public:
  WorkingCalendar() = default;
  explicit WorkingCalendar(std::vector<HolidayEntry> holidays);
  static WorkingCalendar IndonesiaDefault();

  // The tenant's zone (from the registry, lib/time): days begin and end in
  // it.  WIB, loaded from tzdata, until set.
  void set_zone(absl::TimeZone zone) { zone_ = zone; }
  const absl::TimeZone& zone() const { return zone_; }

  void Add(const HolidayEntry& h);
  void Remove(absl::CivilDay day);
  bool IsWorkingDay(absl::CivilDay day) const;
  std::vector<HolidayEntry> holidays() const;

  // The time between `from` and `to` that falls on working days (whole days
  // of 24 h in the tenant's zone), in days.  0 when `to` <= `from`.  A complaint received
  // on Friday 16:00 and forwarded on Wednesday 16:00 took 3.0 working days.
  double WorkingDaysBetween(absl::Time from, absl::Time to) const;

 private:
  std::map<absl::CivilDay, HolidayEntry> holidays_;
  absl::TimeZone zone_ = DefaultZone();
  static absl::TimeZone DefaultZone();
};

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_CALENDAR_H_
