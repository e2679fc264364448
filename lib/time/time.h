#ifndef PELITA_LIB_TIME_TIME_H_
#define PELITA_LIB_TIME_TIME_H_

#include <functional>
#include <string>

#include <google/protobuf/timestamp.pb.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/type/date.pb.h"
#include "pelita/tenant/v1/tenant.pb.h"

namespace pelita {

// Indonesia's three time zones (Keppres 41/1987), by IANA name:
inline constexpr char kWib[] = "Asia/Jakarta";    // WIB, UTC+7
inline constexpr char kWita[] = "Asia/Makassar";  // WITA, UTC+8
inline constexpr char kWit[] = "Asia/Jayapura";   // WIT, UTC+9

// INVALID_ARGUMENT naming `field` unless `iana` is one of the three.
absl::Status ValidateIndonesianTimeZone(absl::string_view iana,
                                        absl::string_view field = "time_zone");
// "WIB", "WITA" or "WIT" for the three names; "" for any other.
absl::string_view ZoneAbbreviation(absl::string_view iana);
// The zone Keppres 41/1987 gives a province (by its 2-digit code): WIB for
// Sumatra, Java, West and Central Kalimantan; WITA for Bali, Nusa Tenggara,
// South, East and North Kalimantan and Sulawesi; WIT for Maluku and Papua.
// "" for an unknown code.
absl::string_view ProvinceTimeZone(absl::string_view province);

// Loads one of the three zones from the system's tzdata (Debian's tzdata
// package; also in every runtime image).  No fixed-offset fallback: a
// missing tzdata is a broken installation and is reported
// (FAILED_PRECONDITION), not papered over.
absl::StatusOr<absl::TimeZone> LoadIndonesianTimeZone(absl::string_view iana);
// The zone of a tenant from its registry record.
absl::StatusOr<absl::TimeZone> TenantTimeZone(const tenant::v1::Tenant& tenant);

// How a service learns a tenant's zone: main wires the registry
// (`RegistryClient::TimeZoneOf`); until then, and in tests, every tenant is
// in WIB.  A tenant the registry does not know is an error the caller passes on.
using TenantZones = std::function<absl::StatusOr<absl::TimeZone>(const std::string& tenant)>;
// WIB (Asia/Jakarta) from tzdata for every tenant: Batanghari's and every
// Jambi regency's zone (Keppres 41/1987), the default before the registry.
TenantZones WibForEveryTenant();

// The civil day of `now` in `zone`: "today" for the tenant.
absl::CivilDay TodayIn(const absl::TimeZone& zone, absl::Time now = absl::Now());
// The first instant of `day` in `zone`.
absl::Time StartOfDay(absl::CivilDay day, const absl::TimeZone& zone);

// absl::Time <-> google.protobuf.Timestamp (nanosecond exact; times outside
// the Timestamp range 0001-9999 are clamped to it).
google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);

// absl::CivilDay <-> google.type.Date (AIP-142).  FromDate accepts only a
// full date (year 1-9999, a real month and day); anything else is
// INVALID_ARGUMENT naming `field`.
google::type::Date ToDate(absl::CivilDay day);
absl::StatusOr<absl::CivilDay> FromDate(const google::type::Date& date,
                                        absl::string_view field = "date");

}  // namespace pelita

#endif  // PELITA_LIB_TIME_TIME_H_
