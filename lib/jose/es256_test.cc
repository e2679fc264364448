#include "lib/jose/es256.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace pelita::jose {
namespace {

TEST(Es256Test, SignedTokenVerifiesWithThePublicCoordinatesOnly) {
  auto key = Es256PrivateKey::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  auto token = key->SignJwt("k1", R"({"sub":"a"})");
  ASSERT_TRUE(token.ok()) << token.status();
  std::vector<std::string> parts = absl::StrSplit(*token, '.');
  ASSERT_EQ(parts.size(), 3u);
  std::string header, sig;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[0], &header));
  EXPECT_EQ(header, R"({"alg":"ES256","typ":"JWT","kid":"k1"})");
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[2], &sig));
  EXPECT_EQ(sig.size(), 64u);  // R || S, not DER

  auto pub = Es256PublicKey::FromCoordinates(key->Public().x, key->Public().y);
  ASSERT_TRUE(pub.ok()) << pub.status();
  const std::string input = parts[0] + "." + parts[1];
  EXPECT_TRUE(pub->Verify(input, sig));
  EXPECT_FALSE(pub->Verify(input + "x", sig));
  sig[10] ^= 1;
  EXPECT_FALSE(pub->Verify(input, sig));

  auto other = Es256PrivateKey::Generate();
  auto other_pub = Es256PublicKey::FromCoordinates(other->Public().x, other->Public().y);
  ASSERT_TRUE(other_pub.ok());
  sig[10] ^= 1;
  EXPECT_FALSE(other_pub->Verify(input, sig));
}

TEST(Es256Test, PemRoundTripKeepsTheKey) {
  auto key = Es256PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  auto again = Es256PrivateKey::FromPem(key->ToPem());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->Public().x, key->Public().x);
  EXPECT_EQ(again->Public().y, key->Public().y);
  EXPECT_FALSE(Es256PrivateKey::FromPem("not a key").ok());
}

TEST(Es256Test, CoordinatesOffTheCurveAreRefused) {
  auto key = Es256PrivateKey::Generate();
  std::string y = key->Public().y;
  y[3] = y[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Es256PublicKey::FromCoordinates(key->Public().x, y).ok());
  EXPECT_FALSE(Es256PublicKey::FromCoordinates("abc", key->Public().y).ok());
}

}  // namespace
}  // namespace pelita::jose
