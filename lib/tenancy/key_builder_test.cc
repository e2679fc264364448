#include "lib/tenancy/key_builder.h"

#include "gtest/gtest.h"
#include "lib/tenancy/tenant_code.h"

// This test links only pelita_keys and pelita_tenant_code; it would not
// compile if key_builder.h pulled in gRPC headers.
#if defined(GRPCPP_SERVER_CONTEXT_H) || defined(GRPCPP_CLIENT_CONTEXT_H) || defined(GRPCPP_GRPCPP_H)
#error "key_builder.h must not include gRPC"
#endif

namespace pelita {
namespace {

TEST(KeyBuilderTest, TenantIsTheHashTag) {
  EXPECT_EQ(KeyBuilder("enrolment", "1504").Key("unit", "dinkes"), "enrolment:{1504}:unit:dinkes");
  EXPECT_EQ(KeyBuilder("survey", "1571").Key("responses"), "survey:{1571}:responses");
}

TEST(KeyBuilderTest, PlatformKeysShareOneFixedTag) {
  EXPECT_EQ(KeyBuilder::Platform("tenant").Key("tenants"), "tenant:{platform}:tenants");
  // "platform" is not a tenant code, so platform keys never share a tenant's slot by name.
  EXPECT_FALSE(ValidateTenant(kPlatformScope).ok());
}

TEST(TenantCodeTest, KotaAndKabupaten) {
  EXPECT_TRUE(IsKotaCode("1571"));
  EXPECT_TRUE(IsKotaCode("1572"));
  EXPECT_FALSE(IsKotaCode("1504"));
  EXPECT_FALSE(IsKotaCode("1509"));
}

}  // namespace
}  // namespace pelita
