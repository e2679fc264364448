#include "lib/time/time.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace pelita {

absl::Status ValidateIndonesianTimeZone(absl::string_view iana, absl::string_view field) {
  if (ZoneAbbreviation(iana).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": '", iana.substr(0, 40), "' is not an Indonesian time zone (", kWib, ", ", kWita,
        " or ", kWit, ")"));
  }
  return absl::OkStatus();
}

absl::string_view ZoneAbbreviation(absl::string_view iana) {
  if (iana == kWib) return "WIB";
  if (iana == kWita) return "WITA";
  if (iana == kWit) return "WIT";
  return "";
}

absl::string_view ProvinceTimeZone(absl::string_view province) {
  static constexpr struct {
    const char* code;
    const char* zone;
  } kProvinces[] = {
      // Sumatra.
      {"11", kWib}, {"12", kWib}, {"13", kWib}, {"14", kWib}, {"15", kWib}, {"16", kWib},
      {"17", kWib}, {"18", kWib}, {"19", kWib}, {"21", kWib},
      // Java.
      {"31", kWib}, {"32", kWib}, {"33", kWib}, {"34", kWib}, {"35", kWib}, {"36", kWib},
      // Bali and Nusa Tenggara.
      {"51", kWita}, {"52", kWita}, {"53", kWita},
      // Kalimantan: West and Central WIB; South, East, North WITA.
      {"61", kWib}, {"62", kWib}, {"63", kWita}, {"64", kWita}, {"65", kWita},
      // Sulawesi.
      {"71", kWita}, {"72", kWita}, {"73", kWita}, {"74", kWita}, {"75", kWita}, {"76", kWita},
      // Maluku and Papua.
      {"81", kWit}, {"82", kWit},
      {"91", kWit}, {"92", kWit}, {"93", kWit}, {"94", kWit}, {"95", kWit}, {"96", kWit},
  };
  for (const auto& p : kProvinces) {
    if (province == p.code) return p.zone;
  }
  return "";
}

absl::StatusOr<absl::TimeZone> LoadIndonesianTimeZone(absl::string_view iana) {
  if (absl::Status s = ValidateIndonesianTimeZone(iana); !s.ok()) return s;
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(iana), &zone)) {
    return absl::FailedPreconditionError(
        absl::StrCat("time zone ", iana, " is not in the system's tzdata (install tzdata)"));
  }
  return zone;
}

absl::StatusOr<absl::TimeZone> TenantTimeZone(const tenant::v1::Tenant& tenant) {
  return LoadIndonesianTimeZone(tenant.time_zone());
}

TenantZones WibForEveryTenant() {
  return [](const std::string&) { return LoadIndonesianTimeZone(kWib); };
}

absl::CivilDay TodayIn(const absl::TimeZone& zone, absl::Time now) {
  return absl::ToCivilDay(now, zone);
}

absl::Time StartOfDay(absl::CivilDay day, const absl::TimeZone& zone) {
  return absl::FromCivil(day, zone);
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  // The Timestamp range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z.
  static const absl::Time kMin = absl::FromUnixSeconds(-62135596800);
  static const absl::Time kMax = absl::FromUnixSeconds(253402300799) + absl::Nanoseconds(999999999);
  t = std::clamp(t, kMin, kMax);
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return ts;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::type::Date ToDate(absl::CivilDay day) {
  google::type::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::StatusOr<absl::CivilDay> FromDate(const google::type::Date& date, absl::string_view field) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", date.year(), "-", date.month(), "-",
                                                   date.day(), " is not a calendar date"));
  }
  return day;
}

}  // namespace pelita
