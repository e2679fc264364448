#include "gateway/auth.h"

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "lib/testing/subprocess.h"

namespace pelita::gateway {
namespace {

constexpr char kKey[] = "0123456789abcdef0123456789abcdef-dev";

Claims Organiser(absl::Duration ttl = absl::Hours(1)) {
  return Claims{"198001012005011001", "1504", "organiser", absl::ToUnixSeconds(absl::Now() + ttl)};
}

std::unique_ptr<Verifier> Hs256() {
  auto v = Verifier::Create(AuthOptions{kKey, ""});
  EXPECT_TRUE(v.ok());
  return *std::move(v);
}

TEST(AuthTest, Hs256RoundTrip) {
  auto token = IssueToken(Organiser(), "HS256", kKey);
  ASSERT_TRUE(token.ok()) << token.status();
  auto claims = Hs256()->Verify(*token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->tenant, "1504");
  EXPECT_EQ(claims->role, "organiser");
  EXPECT_EQ(claims->subject, "198001012005011001");
}

TEST(AuthTest, RefusesExpiredForgedNoneAndUnknownRole) {
  auto v = Hs256();
  auto expired = IssueToken(Organiser(-absl::Minutes(1)), "HS256", kKey);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(v->Verify(*expired).status().code(), absl::StatusCode::kUnauthenticated);

  auto forged = IssueToken(Organiser(), "HS256", "another-key-another-key-another-key");
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(v->Verify(*forged).status().code(), absl::StatusCode::kUnauthenticated);

  // A valid token whose payload was swapped for another tenant's.
  auto good = IssueToken(Organiser(), "HS256", kKey);
  auto other = Organiser();
  other.tenant = "1505";
  auto other_token = IssueToken(other, "HS256", "another-key-another-key-another-key");
  std::vector<std::string> g = absl::StrSplit(*good, '.'), o = absl::StrSplit(*other_token, '.');
  EXPECT_FALSE(v->Verify(absl::StrCat(g[0], ".", o[1], ".", g[2])).ok());

  // alg none, with and without a signature part.
  std::string header = absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})");
  EXPECT_EQ(v->Verify(absl::StrCat(header, ".", g[1], ".")).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(v->Verify(absl::StrCat(header, ".", g[1], ".", g[2])).ok());
  auto none = IssueToken(Organiser(), "none", "");
  if (none.ok()) EXPECT_FALSE(v->Verify(*none).ok());

  auto bad_role = Organiser();
  bad_role.role = "root";
  auto t = IssueToken(bad_role, "HS256", kKey);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(v->Verify(*t).ok());

  auto bad_tenant = Organiser();
  bad_tenant.tenant = "9999";
  t = IssueToken(bad_tenant, "HS256", kKey);
  EXPECT_FALSE(v->Verify(*t).ok());

  EXPECT_FALSE(v->Verify("garbage").ok());
  EXPECT_FALSE(v->Verify("a.b.c").ok());
}

TEST(AuthTest, ShortKeysAreRefused) {
  EXPECT_FALSE(Verifier::Create(AuthOptions{"short", ""}).ok());
  EXPECT_FALSE(Verifier::Create(AuthOptions{}).ok());
}

class Rs256Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::MakeTempDir("gw-rsa");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    std::string cmd = absl::StrCat(
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ", dir_,
        "/key.pem 2>/dev/null && openssl pkey -in ", dir_, "/key.pem -pubout -out ", dir_,
        "/pub.pem 2>/dev/null");
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    priv_ = *ReadFile(dir_ + "/key.pem");
    pub_ = *ReadFile(dir_ + "/pub.pem");
  }
  void TearDown() override { testing::RemoveTree(dir_); }
  std::string dir_, priv_, pub_;
};

TEST_F(Rs256Test, VerifiesWithPublicKeyAndRefusesAlgorithmConfusion) {
  auto v = Verifier::Create(AuthOptions{"", pub_});
  ASSERT_TRUE(v.ok());
  auto token = IssueToken(Organiser(), "RS256", priv_);
  ASSERT_TRUE(token.ok()) << token.status();
  auto claims = (*v)->Verify(*token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->role, "organiser");
  // HS256 "signed" with the public key as secret must not pass.
  auto confused = IssueToken(Organiser(), "HS256", pub_);
  ASSERT_TRUE(confused.ok());
  EXPECT_EQ((*v)->Verify(*confused).status().code(), absl::StatusCode::kUnauthenticated);
  // An HS256 token when only RS256 is configured.
  auto hs = IssueToken(Organiser(), "HS256", kKey);
  EXPECT_FALSE((*v)->Verify(*hs).ok());
}

}  // namespace
}  // namespace pelita::gateway
