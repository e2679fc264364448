#include "lib/tenancy/tenancy.h"

#include "gtest/gtest.h"
#include "lib/status/status.h"

namespace pelita {
namespace {

TEST(TenancyTest, ValidatesJambiTenants) {
  for (const char* t : {"1501", "1504", "1509", "1571", "1572", "3171", "9601"}) {
    EXPECT_TRUE(ValidateTenant(t).ok()) << t;
  }
  for (const char* t : {"", "15", "150", "15044", "15a4", "1500", "1570", "9904", "0004", "{15}"}) {
    EXPECT_EQ(ValidateTenant(t).code(), absl::StatusCode::kInvalidArgument) << t;
  }
  EXPECT_EQ(ProvinceOf("1504"), "15");
  EXPECT_TRUE(ValidateProvince("15").ok());
  EXPECT_FALSE(ValidateProvince("99").ok());
}

TEST(TenancyTest, KeyBuilderWrapsTenantInHashTag) {
  KeyBuilder keys("enrolment", "1504");
  EXPECT_EQ(keys.Key("unit", "dinkes"), "enrolment:{1504}:unit:dinkes");
  EXPECT_EQ(keys.Key("jp", 2026), "enrolment:{1504}:jp:2026");
  EXPECT_EQ(keys.prefix(), "enrolment:{1504}");
  // Different tenants never share a key.
  EXPECT_NE(KeyBuilder("enrolment", "1505").Key("unit", "dinkes"), keys.Key("unit", "dinkes"));
}

TEST(TenancyTest, ParsesResourceNames) {
  auto v = ParseResourceName("name", "tenants/1504/programs/p1/cohorts/c1",
                             "tenants/*/programs/*/cohorts/*");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, (std::vector<std::string>{"1504", "p1", "c1"}));
  for (const char* bad : {"", "tenants/1504/programs/p1", "tenants/1504/programs//cohorts/c1",
                          "tenant/1504/programs/p1/cohorts/c1",
                          "tenants/1504/programs/p1/cohorts/c1/x"}) {
    auto r = ParseResourceName("name", bad, "tenants/*/programs/*/cohorts/*");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().message().substr(0, 4), "name");
  }
}

TEST(TenancyTest, MalformedNamesAreFieldViolations) {
  auto bad = ParseResourceName("unit.name", "tenants/1504/unit/a", "tenants/*/units/*");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  using Violations = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(FieldViolationsOf(bad.status()),
            (Violations{{"unit.name", "'tenants/1504/unit/a' is not of the form tenants/*/units/*"}}));
  EXPECT_EQ(FieldViolationsOf(ParseResourceName("parent", "", "tenants/*").status()),
            (Violations{{"parent", "must not be empty"}}));
}

TEST(TenancyTest, SingletonNamesNameTheirParent) {
  // AIP-156: the singleton's name is checked like any other, and its parent
  // is what the service reads.
  const std::string name = "tenants/1504/units/dinkes/satisfaction";
  auto v = ParseResourceName("name", name, "tenants/*/units/*/satisfaction");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, (std::vector<std::string>{"1504", "dinkes"}));
  EXPECT_EQ(SingletonParent(name), "tenants/1504/units/dinkes");
  EXPECT_EQ(SingletonParent("provinces/15/benchmarks"), "provinces/15");
  // The bare parent, the form these requests took before, is refused.
  auto bare = ParseResourceName("name", "tenants/1504/units/dinkes", "tenants/*/units/*/satisfaction");
  EXPECT_EQ(bare.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(bare.status()).size(), 1u);
}

TEST(TenancyTest, OtherTenantIsPermissionDenied) {
  Caller caller{"1504", "organiser", "x"};
  EXPECT_TRUE(ParseTenantResource(caller, "name", "tenants/1504/units/a", "tenants/*/units/*").ok());
  auto other = ParseTenantResource(caller, "name", "tenants/1505/units/a", "tenants/*/units/*");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(other.status()), "OTHER_TENANT");
}

}  // namespace
}  // namespace pelita
