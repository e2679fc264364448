#include "services/complaint/calendar.h"

#include <algorithm>

#include "lib/time/time.h"

namespace pelita::complaint {

absl::TimeZone WorkingCalendar::DefaultZone() {
  // tzdata is part of every image (lib/time reports a missing one); UTC
  // only keeps a broken installation from crashing here.
  static const absl::TimeZone* tz = [] {
    auto zone = LoadIndonesianTimeZone(kWib);
    return new absl::TimeZone(zone.ok() ? *zone : absl::UTCTimeZone());
  }();
  return *tz;
}

const std::vector<HolidayEntry>& IndonesianHolidays2025And2026() {
  using D = absl::CivilDay;
  static const auto* list = new std::vector<HolidayEntry>{
      // 2025 — SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024.
      {D(2025, 1, 1), "Tahun Baru 2025 Masehi", false},
      {D(2025, 1, 27), "Isra Mikraj Nabi Muhammad SAW", false},
      {D(2025, 1, 28), "Cuti bersama Tahun Baru Imlek", true},
      {D(2025, 1, 29), "Tahun Baru Imlek 2576 Kongzili", false},
      {D(2025, 3, 28), "Cuti bersama Hari Suci Nyepi", true},
      {D(2025, 3, 29), "Hari Suci Nyepi Tahun Baru Saka 1947", false},
      {D(2025, 3, 31), "Idul Fitri 1446 H", false},
      {D(2025, 4, 1), "Idul Fitri 1446 H", false},
      {D(2025, 4, 2), "Cuti bersama Idul Fitri", true},
      {D(2025, 4, 3), "Cuti bersama Idul Fitri", true},
      {D(2025, 4, 4), "Cuti bersama Idul Fitri", true},
      {D(2025, 4, 7), "Cuti bersama Idul Fitri", true},
      {D(2025, 4, 18), "Wafat Yesus Kristus", false},
      {D(2025, 4, 20), "Kebangkitan Yesus Kristus (Paskah)", false},
      {D(2025, 5, 1), "Hari Buruh Internasional", false},
      {D(2025, 5, 12), "Hari Raya Waisak 2569 BE", false},
      {D(2025, 5, 13), "Cuti bersama Hari Raya Waisak", true},
      {D(2025, 5, 29), "Kenaikan Yesus Kristus", false},
      {D(2025, 5, 30), "Cuti bersama Kenaikan Yesus Kristus", true},
      {D(2025, 6, 1), "Hari Lahir Pancasila", false},
      {D(2025, 6, 6), "Idul Adha 1446 H", false},
      {D(2025, 6, 9), "Cuti bersama Idul Adha", true},
      {D(2025, 6, 27), "Tahun Baru Islam 1447 H", false},
      {D(2025, 8, 17), "Hari Kemerdekaan RI", false},
      {D(2025, 8, 18), "Cuti bersama Hari Kemerdekaan (revisi SKB 2025)", true},
      {D(2025, 9, 5), "Maulid Nabi Muhammad SAW", false},
      {D(2025, 12, 25), "Hari Raya Natal", false},
      {D(2025, 12, 26), "Cuti bersama Hari Raya Natal", true},
      // 2026 — SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025.
      {D(2026, 1, 1), "Tahun Baru 2026 Masehi", false},
      {D(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW", false},
      {D(2026, 2, 16), "Cuti bersama Tahun Baru Imlek", true},
      {D(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili", false},
      {D(2026, 3, 18), "Cuti bersama Hari Suci Nyepi", true},
      {D(2026, 3, 19), "Hari Suci Nyepi Tahun Baru Saka 1948", false},
      {D(2026, 3, 20), "Idul Fitri 1447 H", false},
      {D(2026, 3, 21), "Idul Fitri 1447 H", false},
      {D(2026, 3, 23), "Cuti bersama Idul Fitri", true},
      {D(2026, 3, 24), "Cuti bersama Idul Fitri", true},
      {D(2026, 4, 3), "Wafat Yesus Kristus", false},
      {D(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)", false},
      {D(2026, 5, 1), "Hari Buruh Internasional", false},
      {D(2026, 5, 14), "Kenaikan Yesus Kristus", false},
      {D(2026, 5, 15), "Cuti bersama Kenaikan Yesus Kristus", true},
      {D(2026, 5, 27), "Idul Adha 1447 H", false},
      {D(2026, 5, 28), "Cuti bersama Idul Adha", true},
      {D(2026, 5, 31), "Hari Raya Waisak 2570 BE", false},
      {D(2026, 6, 1), "Hari Lahir Pancasila", false},
      {D(2026, 6, 16), "Tahun Baru Islam 1448 H", false},
      {D(2026, 8, 17), "Hari Kemerdekaan RI", false},
      {D(2026, 8, 25), "Maulid Nabi Muhammad SAW", false},
      {D(2026, 12, 24), "Cuti bersama Hari Raya Natal", true},
      {D(2026, 12, 25), "Hari Raya Natal", false},
  };
  return *list;
}

WorkingCalendar::WorkingCalendar(std::vector<HolidayEntry> holidays) {
  for (auto& h : holidays) holidays_[h.day] = std::move(h);
}

WorkingCalendar WorkingCalendar::IndonesiaDefault() {
  return WorkingCalendar(IndonesianHolidays2025And2026());
}

void WorkingCalendar::Add(const HolidayEntry& h) { holidays_[h.day] = h; }
void WorkingCalendar::Remove(absl::CivilDay day) { holidays_.erase(day); }

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  const absl::Weekday w = absl::GetWeekday(day);
  if (w == absl::Weekday::saturday || w == absl::Weekday::sunday) return false;
  return holidays_.find(day) == holidays_.end();
}

std::vector<HolidayEntry> WorkingCalendar::holidays() const {
  std::vector<HolidayEntry> out;
  out.reserve(holidays_.size());
  for (const auto& [d, h] : holidays_) out.push_back(h);
  return out;
}

double WorkingCalendar::WorkingDaysBetween(absl::Time from, absl::Time to) const {
  if (to <= from) return 0;
  const absl::TimeZone& tz = zone_;
  const absl::CivilDay first = absl::ToCivilDay(from, tz);
  const absl::CivilDay last = absl::ToCivilDay(to, tz);
  if (first == last) {
    return IsWorkingDay(first) ? absl::FDivDuration(to - from, absl::Hours(24)) : 0;
  }
  double days = 0;
  if (IsWorkingDay(first)) {
    days += absl::FDivDuration(absl::FromCivil(first + 1, tz) - from, absl::Hours(24));
  }
  if (IsWorkingDay(last)) {
    days += absl::FDivDuration(to - absl::FromCivil(last, tz), absl::Hours(24));
  }
  // Whole days in between: weeks in bulk, then the rest; holidays on
  // weekdays subtracted (bounded by the size of the holiday table).
  absl::CivilDay d = first + 1;
  const long span = last - d;
  if (span > 0) {
    const long weeks = span / 7;
    days += weeks * 5;
    for (absl::CivilDay x = d + weeks * 7; x < last; ++x) {
      const absl::Weekday w = absl::GetWeekday(x);
      if (w != absl::Weekday::saturday && w != absl::Weekday::sunday) days += 1;
    }
    for (auto it = holidays_.lower_bound(d); it != holidays_.end() && it->first < last; ++it) {
      const absl::Weekday w = absl::GetWeekday(it->first);
      if (w != absl::Weekday::saturday && w != absl::Weekday::sunday) days -= 1;
    }
  }
  return days;
}

}  // namespace pelita::complaint
