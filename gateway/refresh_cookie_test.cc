#include "gateway/refresh_cookie.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "pelita/identity/v1/identity.pb.h"

namespace pelita::gateway {
namespace {

TEST(RefreshCookieTest, KnowsTheMethods) {
  EXPECT_TRUE(RefreshCookie::IssuesToken("/pelita.identity.v1.IdentityService/SignIn"));
  EXPECT_TRUE(RefreshCookie::IssuesToken("/pelita.identity.v1.IdentityService/Refresh"));
  EXPECT_FALSE(RefreshCookie::IssuesToken("/pelita.identity.v1.IdentityService/Token"));
  EXPECT_FALSE(RefreshCookie::IssuesToken("/pelita.identity.v1.IdentityService/SignInX"));
  EXPECT_FALSE(RefreshCookie::IssuesToken("/pelita.other.v1.IdentityService/SignIn"));
  EXPECT_TRUE(RefreshCookie::ConsumesToken("/pelita.identity.v1.IdentityService/SignOut"));
  EXPECT_FALSE(RefreshCookie::ConsumesToken("/pelita.identity.v1.IdentityService/SignIn"));
  EXPECT_TRUE(RefreshCookie::ClearsCookie("/pelita.identity.v1.IdentityService/SignOut"));
  EXPECT_FALSE(RefreshCookie::ClearsCookie("/pelita.identity.v1.IdentityService/Refresh"));
}

TEST(RefreshCookieTest, FindsTheCookie) {
  EXPECT_EQ(RefreshCookie::Find("a=1; pelita_refresh=abc_-1; b=2", "pelita_refresh"), "abc_-1");
  EXPECT_EQ(RefreshCookie::Find("pelita_refresh=\"q\"", "pelita_refresh"), "q");
  EXPECT_EQ(RefreshCookie::Find("xpelita_refresh=1; pelita_refreshx=2", "pelita_refresh"), "");
  EXPECT_EQ(RefreshCookie::Find("", "pelita_refresh"), "");
}

TEST(RefreshCookieTest, MovesTheTokenFromTheReplyToTheCookie) {
  identity::v1::TokenResponse reply;
  reply.set_access_token("eyJ.a.b");
  reply.set_refresh_token("fam1.c2VjcmV0_-");
  std::string bytes = reply.SerializeAsString();
  auto cookie = RefreshCookie::TakeFromReply(&bytes);
  ASSERT_TRUE(cookie.has_value());
  EXPECT_EQ(*cookie, "pelita_refresh=fam1.c2VjcmV0_-; Path=/v1/auth; HttpOnly; Secure; SameSite=Strict");
  identity::v1::TokenResponse after;
  ASSERT_TRUE(after.ParseFromString(bytes));
  EXPECT_EQ(after.refresh_token(), "");
  EXPECT_EQ(after.access_token(), "eyJ.a.b");

  // No token (a service account's reply): nothing to set.
  reply.clear_refresh_token();
  bytes = reply.SerializeAsString();
  EXPECT_FALSE(RefreshCookie::TakeFromReply(&bytes).has_value());
  // A token that cannot be a cookie value stays where it was.
  reply.set_refresh_token("a;b");
  bytes = reply.SerializeAsString();
  EXPECT_FALSE(RefreshCookie::TakeFromReply(&bytes).has_value());
  ASSERT_TRUE(after.ParseFromString(bytes));
  EXPECT_EQ(after.refresh_token(), "a;b");
  EXPECT_TRUE(absl::StrContains(RefreshCookie::Clear(), "Max-Age=0"));
}

TEST(RefreshCookieTest, FillsAnEmptyRequestOnly) {
  identity::v1::RefreshRequest empty;
  std::string bytes = empty.SerializeAsString();
  RefreshCookie::FillRequest("pelita_refresh=tok1", &bytes);
  identity::v1::RefreshRequest got;
  ASSERT_TRUE(got.ParseFromString(bytes));
  EXPECT_EQ(got.refresh_token(), "tok1");

  identity::v1::RefreshRequest named;
  named.set_refresh_token("from-body");
  bytes = named.SerializeAsString();
  RefreshCookie::FillRequest("pelita_refresh=tok1", &bytes);
  ASSERT_TRUE(got.ParseFromString(bytes));
  EXPECT_EQ(got.refresh_token(), "from-body");

  bytes = empty.SerializeAsString();
  RefreshCookie::FillRequest("other=1", &bytes);
  EXPECT_EQ(bytes, "");
}

}  // namespace
}  // namespace pelita::gateway
