#include "lib/role/reach.h"

#include "gtest/gtest.h"
#include "lib/role/role.h"

namespace pelita {
namespace {

const char kUnit[] = "tenants/1504/units/disdukcapil";
const char kOtherUnit[] = "tenants/1504/units/dinkes";
const PersonFacts kStaffOfS{"197001012000031001", kUnit, "196901012000031009"};

TEST(ReachTest, PersonByRole) {
  EXPECT_TRUE(ReachesPerson({"1504", "organiser", "x"}, kStaffOfS));
  EXPECT_TRUE(ReachesPerson({"1504", "", ""}, kStaffOfS));  // internal
  EXPECT_TRUE(ReachesPerson({"15", "province", "p"}, kStaffOfS));
  EXPECT_TRUE(ReachesPerson({"1504", "participant", "197001012000031001"}, kStaffOfS));
  EXPECT_FALSE(ReachesPerson({"1504", "participant", "197001012000031002"}, kStaffOfS));
  EXPECT_TRUE(ReachesPerson({"1504", "supervisor", "196901012000031009"}, kStaffOfS));
  EXPECT_FALSE(ReachesPerson({"1504", "supervisor", "196901012000031008"}, kStaffOfS));
  EXPECT_TRUE(ReachesPerson({"1504", "agency_head", "h", kUnit}, kStaffOfS));
  EXPECT_FALSE(ReachesPerson({"1504", "agency_head", "h", kOtherUnit}, kStaffOfS));
  EXPECT_FALSE(ReachesPerson({"1504", "agency_head", "h"}, kStaffOfS));  // no unit claim
  EXPECT_FALSE(ReachesPerson({"1504", "instructor", "i"}, kStaffOfS));
  EXPECT_FALSE(ReachesPerson({"1504", "hacker", "197001012000031001"}, kStaffOfS));
  // An empty subject is nobody's self and nobody's supervisor.
  EXPECT_FALSE(ReachesPerson({"1504", "supervisor", ""}, PersonFacts{"", kUnit, ""}));
}

TEST(ReachTest, PersonalDetailsOnlyForStaffAndSelf) {
  EXPECT_TRUE(SeesPersonalDetails({"1504", "admin", "a"}, "197001012000031001"));
  EXPECT_TRUE(SeesPersonalDetails({"1504", "supervisor", "197001012000031001"}, "197001012000031001"));
  EXPECT_FALSE(SeesPersonalDetails({"1504", "supervisor", "196901012000031009"}, "197001012000031001"));
  EXPECT_FALSE(SeesPersonalDetails({"15", "province", "p"}, "197001012000031001"));
}

TEST(ReachTest, Cohorts) {
  const std::string c = "tenants/1504/programs/p/cohorts/a";
  Caller by_claim{"1504", "instructor", "i@x", "", {c}};
  EXPECT_TRUE(ReachesCohort(by_claim, c, {}));
  EXPECT_FALSE(ReachesCohort(by_claim, "tenants/1504/programs/p/cohorts/b", {}));
  EXPECT_TRUE(ReachesCohort({"1504", "instructor", "i@x"}, c, {"i@x"}));
  EXPECT_FALSE(ReachesCohort({"1504", "instructor", ""}, c, {""}));
  EXPECT_TRUE(ReachesCohort({"1504", "organiser", "o"}, c, {}));
}

TEST(ReachTest, Units) {
  EXPECT_TRUE(ReachesUnit({"1504", "agency_head", "h", kUnit}, kUnit));
  EXPECT_FALSE(ReachesUnit({"1504", "agency_head", "h", kUnit}, kOtherUnit));
  EXPECT_TRUE(ReachesUnit({"1504", "organiser", "o"}, kOtherUnit));
  EXPECT_TRUE(IsRole({"1504", "agency_head", "h"}, Role::kAgencyHead));
  EXPECT_FALSE(IsRole({"1504", "agency_head", "h"}, Role::kOrganiser));
  EXPECT_FALSE(IsRole({"1504", "hacker", "h"}, Role::kAgencyHead));
}

}  // namespace
}  // namespace pelita
