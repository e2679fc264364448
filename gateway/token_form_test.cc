#include "gateway/token_form.h"

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace pelita::gateway {
namespace {

nlohmann::json Parse(absl::string_view form, absl::string_view authorization = "") {
  auto j = TokenRequestJson(form, authorization);
  EXPECT_TRUE(j.ok()) << j.status();
  return j.ok() ? nlohmann::json::parse(*j) : nlohmann::json();
}

TEST(TokenFormTest, ReadsTheFormOfRfc6749) {
  auto j = Parse("grant_type=client_credentials&client_id=bkn-siasn&client_secret=a%2Bb+c%3D");
  EXPECT_EQ(j["grant_type"], "client_credentials");
  EXPECT_EQ(j["client_id"], "bkn-siasn");
  EXPECT_EQ(j["client_secret"], "a+b c=");
}

TEST(TokenFormTest, TakesTheCredentialsFromHttpBasic) {
  const std::string basic = "Basic " + absl::Base64Escape("bkn-siasn:s%3Acret");
  auto j = Parse("grant_type=client_credentials", basic);
  EXPECT_EQ(j["client_id"], "bkn-siasn");
  EXPECT_EQ(j["client_secret"], "s:cret");
  EXPECT_TRUE(IsBasicAuthorization("basic abc"));
  EXPECT_FALSE(IsBasicAuthorization("Bearer abc"));
}

TEST(TokenFormTest, RefusesWhatIsNotAGrant) {
  for (const char* bad : {"grant_type=a&grant_type=b", "scope=all", "client_id=%FF", "=x"}) {
    EXPECT_EQ(TokenRequestJson(bad, "").status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  // Credentials both ways, or a Basic header that is not one.
  const std::string basic = "Basic " + absl::Base64Escape("a:b");
  EXPECT_FALSE(TokenRequestJson("client_id=a", basic).ok());
  EXPECT_FALSE(TokenRequestJson("", "Basic !!!").ok());
  EXPECT_FALSE(TokenRequestJson("", "Basic " + absl::Base64Escape("no-colon")).ok());
}

}  // namespace
}  // namespace pelita::gateway
