#include "lib/role/role.h"

#include "gtest/gtest.h"

namespace pelita {
namespace {

TEST(RoleTest, NamesRoundTrip) {
  for (Role r : TokenRoles()) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok()) << RoleName(r);
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(*ParseRole(""), Role::kInternal);
  EXPECT_EQ(ParseRole("Organiser").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRole("root").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenRoles().size(), 9u);
}

TEST(RoleTest, StaffAreOrganisersAdminsAndInternalCalls) {
  EXPECT_TRUE(IsStaff(Caller{"1504", "", ""}));
  EXPECT_TRUE(IsStaff(Caller{"1504", "organiser", "x"}));
  EXPECT_TRUE(IsStaff(Caller{"1504", "admin", "x"}));
  for (const char* r : {"instructor", "participant", "supervisor", "agency_head", "province",
                        "national_integrator", "platform_admin", "ORGANISER", "admin "}) {
    EXPECT_FALSE(IsStaff(Caller{"1504", r, "x"})) << r;
  }
}

TEST(RoleTest, PlatformAdmin) {
  EXPECT_TRUE(IsPlatformAdmin(Caller{"", "platform_admin", "ops"}));
  EXPECT_FALSE(IsPlatformAdmin(Caller{"1504", "admin", "x"}));
  EXPECT_FALSE(IsPlatformAdmin(Caller{"", "", ""}));
}

}  // namespace
}  // namespace pelita
