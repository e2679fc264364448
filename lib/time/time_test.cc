#include "lib/time/time.h"

#include "gtest/gtest.h"

namespace pelita {
namespace {

TEST(TimeTest, ThreeIndonesianZonesFromTzdata) {
  const absl::Time t = absl::FromUnixSeconds(1772409600);  // 2026-03-02T00:00:00Z
  struct Case {
    const char* iana;
    const char* abbr;
    int offset_hours;
  } cases[] = {{kWib, "WIB", 7}, {kWita, "WITA", 8}, {kWit, "WIT", 9}};
  for (const Case& c : cases) {
    auto zone = LoadIndonesianTimeZone(c.iana);
    ASSERT_TRUE(zone.ok()) << zone.status();
    EXPECT_EQ(zone->name(), c.iana);  // loaded from tzdata, not a fixed offset
    EXPECT_EQ(zone->At(t).offset, c.offset_hours * 3600) << c.iana;
    EXPECT_EQ(ZoneAbbreviation(c.iana), c.abbr);
  }
  EXPECT_EQ(LoadIndonesianTimeZone("Europe/Berlin").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateIndonesianTimeZone("UTC+7").code(), absl::StatusCode::kInvalidArgument);
}

TEST(TimeTest, ProvinceZones) {
  EXPECT_EQ(ProvinceTimeZone("15"), kWib);   // Jambi
  EXPECT_EQ(ProvinceTimeZone("62"), kWib);   // Kalimantan Tengah
  EXPECT_EQ(ProvinceTimeZone("63"), kWita);  // Kalimantan Selatan
  EXPECT_EQ(ProvinceTimeZone("51"), kWita);  // Bali
  EXPECT_EQ(ProvinceTimeZone("73"), kWita);  // Sulawesi Selatan
  EXPECT_EQ(ProvinceTimeZone("81"), kWit);   // Maluku
  EXPECT_EQ(ProvinceTimeZone("91"), kWit);   // Papua
  EXPECT_EQ(ProvinceTimeZone("99"), "");
}

TEST(TimeTest, TodayDependsOnTheTenantsZone) {
  // 2026-03-01T16:30:00Z is already 2 March in Jayapura (01:30 WIT) and in
  // Makassar (00:30 WITA), but still 1 March in Jakarta (23:30 WIB).
  const absl::Time t = absl::FromUnixSeconds(1772382600);
  EXPECT_EQ(TodayIn(*LoadIndonesianTimeZone(kWib), t), absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(TodayIn(*LoadIndonesianTimeZone(kWita), t), absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(TodayIn(*LoadIndonesianTimeZone(kWit), t), absl::CivilDay(2026, 3, 2));
  const absl::TimeZone wib = *LoadIndonesianTimeZone(kWib);
  EXPECT_EQ(StartOfDay(absl::CivilDay(2026, 3, 2), wib), absl::FromUnixSeconds(1772384400));
}

TEST(TimeTest, TenantRecordGivesItsZone) {
  tenant::v1::Tenant t;
  t.set_time_zone(kWita);
  auto zone = TenantTimeZone(t);
  ASSERT_TRUE(zone.ok());
  EXPECT_EQ(zone->name(), kWita);
  t.set_time_zone("");
  EXPECT_FALSE(TenantTimeZone(t).ok());
}

TEST(TimeTest, DefaultTenantZoneIsWibFromTzdata) {
  auto zone = WibForEveryTenant()("1504");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(zone->name(), kWib);
}

TEST(TimeTest, TimestampRoundTripIsExact) {
  const absl::Time t = absl::FromUnixNanos(1772409600123456789);
  const google::protobuf::Timestamp ts = ToTimestamp(t);
  EXPECT_EQ(ts.seconds(), 1772409600);
  EXPECT_EQ(ts.nanos(), 123456789);
  EXPECT_EQ(FromTimestamp(ts), t);
  // Before 1970: nanos stay non-negative, as Timestamp requires.
  const absl::Time old = absl::FromUnixNanos(-1500000000);
  EXPECT_EQ(ToTimestamp(old).seconds(), -2);
  EXPECT_EQ(ToTimestamp(old).nanos(), 500000000);
  EXPECT_EQ(FromTimestamp(ToTimestamp(old)), old);
  EXPECT_EQ(ToTimestamp(absl::InfiniteFuture()).seconds(), 253402300799);
}

TEST(TimeTest, DateRoundTripAndValidation) {
  const google::type::Date d = ToDate(absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(d.year(), 2026);
  EXPECT_EQ(d.month(), 2);
  EXPECT_EQ(d.day(), 28);
  EXPECT_EQ(*FromDate(d), absl::CivilDay(2026, 2, 28));
  google::type::Date bad;
  bad.set_year(2026);
  bad.set_month(2);
  bad.set_day(30);
  auto r = FromDate(bad, "cohort.end_date");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("cohort.end_date"), absl::string_view::npos);
  EXPECT_FALSE(FromDate(google::type::Date()).ok());  // 0000-00-00
}

}  // namespace
}  // namespace pelita
