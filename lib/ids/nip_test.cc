#include "lib/ids/nip.h"

#include "gtest/gtest.h"

namespace pelita {
namespace {

const absl::CivilDay kToday(2026, 11, 29);

TEST(NipTest, ParsesTheSpecExample) {
  auto nip = ParseNip("196608011988031001", kToday);
  ASSERT_TRUE(nip.ok()) << nip.status();
  EXPECT_EQ(nip->birth_date, absl::CivilDay(1966, 8, 1));
  EXPECT_EQ(nip->service_start, absl::CivilMonth(1988, 3));
  EXPECT_EQ(nip->gender, Nip::Gender::kMale);
  EXPECT_EQ(nip->sequence, 1);
}

TEST(NipTest, ParsesFemaleAndLeapDay) {
  auto nip = ParseNip("198402292010012003", kToday);
  ASSERT_TRUE(nip.ok()) << nip.status();
  EXPECT_EQ(nip->gender, Nip::Gender::kFemale);
  EXPECT_EQ(nip->birth_date, absl::CivilDay(1984, 2, 29));
}

struct BadCase {
  const char* nip;
  const char* expected_fragment;
};

class NipRejectTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(NipRejectTest, RejectsWithReason) {
  auto nip = ParseNip(GetParam().nip, kToday);
  ASSERT_FALSE(nip.ok());
  EXPECT_EQ(nip.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(nip.status().message().find(GetParam().expected_fragment), absl::string_view::npos)
      << nip.status();
}

INSTANTIATE_TEST_SUITE_P(
    Bad, NipRejectTest,
    ::testing::Values(BadCase{"19660801198803100", "18 digits"},
                      BadCase{"1966080119880310011", "18 digits"},
                      BadCase{"19660801198803100X", "digits only"},
                      BadCase{"196602301988031001", "not a real date"},  // Feb 30
                      BadCase{"198502291988031001", "not a real date"},  // 1985 not leap
                      BadCase{"196613011988031001", "not a real date"},  // month 13
                      BadCase{"196608001988031001", "not a real date"},  // day 0
                      BadCase{"196608011988131001", "not a real month"},
                      BadCase{"196608011988001001", "not a real month"},
                      BadCase{"196608011980031001", "before the age of 18"},
                      BadCase{"196608011988033001", "gender"},
                      BadCase{"196608011988030001", "gender"},
                      BadCase{"196608011988031000", "sequence"},
                      BadCase{"199001012030011001", "future"},
                      BadCase{"180001011988031001", "not plausible"}));

TEST(NipTest, MakeNipRoundTrips) {
  std::string s = MakeNip(absl::CivilDay(1990, 12, 31), absl::CivilMonth(2015, 3),
                          Nip::Gender::kFemale, 42);
  EXPECT_EQ(s, "199012312015032042");
  auto nip = ParseNip(s, kToday);
  ASSERT_TRUE(nip.ok()) << nip.status();
  EXPECT_EQ(nip->sequence, 42);
}

}  // namespace
}  // namespace pelita
