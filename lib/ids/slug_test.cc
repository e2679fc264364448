#include "lib/ids/slug.h"

#include "gtest/gtest.h"
#include "lib/status/status.h"

namespace pelita {
namespace {

TEST(SlugTest, AcceptsLowerCaseSlugs) {
  EXPECT_TRUE(ValidateSlug("unit_id", "dukcapil").ok());
  EXPECT_TRUE(ValidateSlug("unit_id", "kantor-camat-bajubang").ok());
  EXPECT_TRUE(ValidateSlug("unit_id", "2026").ok());
}

TEST(SlugTest, RejectsNamingTheField) {
  for (const char* bad : {"", "Dukcapil", "a b", "-x", "x-", "a/b", "ü"}) {
    absl::Status s = ValidateSlug("unit_id", bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().substr(0, 7), "unit_id") << bad;
    // The field violation names it too (forms point at the field).
    ASSERT_EQ(FieldViolationsOf(s).size(), 1u) << bad;
    EXPECT_EQ(FieldViolationsOf(s)[0].first, "unit_id") << bad;
  }
  EXPECT_FALSE(ValidateSlug("unit_id", std::string(64, 'a')).ok());
}

}  // namespace
}  // namespace pelita
