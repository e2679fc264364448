#include "gateway/auth.h"

#include <openssl/hmac.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

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

AuthOptions Keys(const std::string& hs256, const std::string& rs256_pem) {
  AuthOptions o;
  o.hs256_key = hs256;
  o.rs256_public_pem = rs256_pem;
  return o;
}

std::unique_ptr<Verifier> Hs256(AuthOptions o = Keys(kKey, "")) {
  auto v = Verifier::Create(o);
  EXPECT_TRUE(v.ok());
  return *std::move(v);
}

// An HS256 token over any payload text (claims of the wrong JSON type,
// which IssueToken cannot make).
std::string Signed(const std::string& payload) {
  std::string input = absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"HS256","typ":"JWT"})"), ".",
                                   absl::WebSafeBase64Escape(payload));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kKey, static_cast<int>(strlen(kKey)), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &len);
  return absl::StrCat(input, ".", absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<char*>(mac), len)));
}

TEST(AuthTest, ClaimsMustHaveTheirJsonTypes) {
  auto v = Hs256();
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  auto payload = [&](const std::string& extra) {
    return absl::StrCat(R"({"sub":"dev","tenant":"1504","role":"organiser")", extra, "}");
  };
  EXPECT_TRUE(v->Verify(Signed(payload(absl::StrCat(",\"exp\":", now + 60, ",\"iat\":", now, ",\"nbf\":", now))))
                  .ok());
  for (const std::string& extra : std::vector<std::string>{
           absl::StrCat(",\"exp\":", now + 60, ",\"nbf\":\"", now + 9999, "\""),
           absl::StrCat(",\"exp\":", now + 60, ",\"nbf\":", now + 9999, ".5"),
           absl::StrCat(",\"exp\":", now + 60, ",\"nbf\":true"),
           absl::StrCat(",\"exp\":", now + 60, ",\"iat\":\"", now, "\""),
           absl::StrCat(",\"exp\":", now + 60, ",\"iat\":", now + 9999),
           absl::StrCat(",\"exp\":\"", now + 60, "\""),
           absl::StrCat(",\"exp\":", now + 60, ".0"),
           std::string(",\"exp\":1e12"),
           std::string(",\"exp\":9223372036854775807"),
           std::string(",\"exp\":18446744073709551615"),
           std::string(",\"exp\":-1"),
           absl::StrCat(",\"exp\":", now + 25 * 3600),
           absl::StrCat(",\"exp\":", now + 60, ",\"nbf\":", now + 3600)}) {
    auto c = v->Verify(Signed(payload(extra)));
    EXPECT_EQ(c.status().code(), absl::StatusCode::kUnauthenticated) << extra;
  }
  // Strings of the wrong type, and subjects that cannot travel as metadata.
  for (const std::string& p : std::vector<std::string>{absl::StrCat(R"({"sub":7,"tenant":"1504","role":"organiser","exp":)", now + 60, "}"),
                              absl::StrCat(R"({"sub":"dev","tenant":1504,"role":"organiser","exp":)", now + 60, "}"),
                              absl::StrCat(R"({"sub":"a b","tenant":"1504","role":"organiser","exp":)", now + 60, "}"),
                              absl::StrCat(R"({"sub":"caf\u00e9","tenant":"1504","role":"organiser","exp":)", now + 60, "}"),
                              absl::StrCat(R"({"sub":"dev","tenant":"1504","role":["admin"],"exp":)", now + 60, "}"),
                              std::string("[1,2]")}) {
    EXPECT_FALSE(v->Verify(Signed(p)).ok()) << p;
  }
}

TEST(AuthTest, LifetimeIsBounded) {
  AuthOptions o = Keys(kKey, "");
  o.max_lifetime = absl::Hours(2);
  auto v = Hs256(o);
  EXPECT_TRUE(v->Verify(*IssueToken(Organiser(absl::Minutes(119)), "HS256", kKey)).ok());
  EXPECT_FALSE(v->Verify(*IssueToken(Organiser(absl::Minutes(125)), "HS256", kKey)).ok());
  EXPECT_FALSE(Hs256()->Verify(*IssueToken(Organiser(absl::Hours(25)), "HS256", kKey)).ok());
}

TEST(AuthTest, TenantClaimsPerRole) {
  const std::vector<std::string> jambi = {"1501", "1504", "1571"};
  for (const char* t : {"15", "1504", "1571"}) EXPECT_TRUE(ValidTenantClaim("province", t, jambi)) << t;
  for (const char* t : {"*", "", "ANY", "15xx", "1599", "99", "1", "150", "15 ", "{15}", "3171"}) {
    EXPECT_FALSE(ValidTenantClaim("province", t, jambi)) << t;
    EXPECT_FALSE(ValidTenantClaim("national_integrator", t, jambi)) << t;
  }
  EXPECT_TRUE(ValidTenantClaim("national_integrator", kNationalTenant, jambi));
  EXPECT_FALSE(ValidTenantClaim("national_integrator", "15", jambi));
  EXPECT_TRUE(ValidTenantClaim("organiser", "1599", {}));  // the format of a regency code
  EXPECT_FALSE(ValidTenantClaim("organiser", "15", jambi));
  EXPECT_FALSE(ValidTenantClaim("admin", "9999", jambi));
  // Through the verifier.
  AuthOptions o = Keys(kKey, "");
  o.known_tenants = jambi;
  auto v = Hs256(o);
  auto token = [](const std::string& role, const std::string& tenant) {
    return *IssueToken({"dev", tenant, role, absl::ToUnixSeconds(absl::Now() + absl::Hours(1))}, "HS256", kKey);
  };
  EXPECT_TRUE(v->Verify(token("province", "1504")).ok());
  EXPECT_FALSE(v->Verify(token("province", "1599")).ok());
  EXPECT_FALSE(v->Verify(token("province", "*")).ok());
  EXPECT_TRUE(v->Verify(token("national_integrator", "00")).ok());
  EXPECT_FALSE(v->Verify(token("national_integrator", "ANY")).ok());
}

TEST(AuthTest, ProvinceTokensNameTheRegenciesTheRegistryKnowsNow) {
  // pelita-gateway sets tenant_known to the tenant registry's Check: a
  // regency created there is accepted at once, and it replaces the list.
  std::set<std::string> registry = {"1504"};
  AuthOptions o = Keys(kKey, "");
  o.known_tenants = {"1601"};
  o.tenant_known = [&registry](const std::string& t) { return registry.count(t) > 0; };
  auto v = Hs256(o);
  auto token = [](const std::string& tenant) {
    return *IssueToken({"dev", tenant, "province", absl::ToUnixSeconds(absl::Now() + absl::Hours(1))}, "HS256",
                       kKey);
  };
  EXPECT_TRUE(v->Verify(token("1504")).ok());
  EXPECT_TRUE(v->Verify(token("16")).ok());
  EXPECT_FALSE(v->Verify(token("1601")).ok());
  EXPECT_FALSE(v->Verify(token("16xx")).ok());
  registry.insert("1601");
  EXPECT_TRUE(v->Verify(token("1601")).ok());
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
  if (none.ok()) {
    EXPECT_FALSE(v->Verify(*none).ok());
  }

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
  EXPECT_FALSE(Verifier::Create(Keys("short", "")).ok());
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
  auto v = Verifier::Create(Keys("", pub_));
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

// --- ES256 against the identity service's JWKS -------------------------------

struct FakeJwks {
  std::string Json() const {
    std::string keys;
    for (const auto& [kid, key] : published) {
      absl::StrAppend(&keys, keys.empty() ? "" : ",", R"({"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":")",
                      kid, R"(","x":")", key.Public().x, R"(","y":")", key.Public().y, "\"}");
    }
    return absl::StrCat(R"({"keys":[)", keys, "]}");
  }
  std::vector<std::pair<std::string, jose::Es256PrivateKey>> published;
  int fetches = 0;
};

std::string Es256Token(const jose::Es256PrivateKey& key, const std::string& kid, const std::string& claims) {
  return *key.SignJwt(kid, claims);
}

std::string ClaimsJson(const std::string& extra = "") {
  return absl::StrCat(R"({"sub":"guru@x.id","tenant":"1504","role":"instructor","exp":)",
                      absl::ToUnixSeconds(absl::Now() + absl::Minutes(15)), extra, "}");
}

TEST(Es256VerifierTest, RotatedKeyIsFetchedOnceWithoutRestartAndMadeUpKidsAreRateLimited) {
  FakeJwks jwks;
  jwks.published.emplace_back("k1", *jose::Es256PrivateKey::Generate());
  absl::Time now = absl::Now();
  AuthOptions o;
  o.hs256_key = kKey;  // the developer key stays beside it
  o.jwks_fetch = [&jwks]() -> absl::StatusOr<std::string> {
    ++jwks.fetches;
    return jwks.Json();
  };
  o.clock = [&now] { return now; };
  auto v = Verifier::Create(o);
  ASSERT_TRUE(v.ok());

  auto c = (*v)->Verify(Es256Token(jwks.published[0].second, "k1",
                                   ClaimsJson(R"(,"cohorts":["tenants/1504/programs/p/cohorts/c1"])")));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->role, "instructor");
  EXPECT_EQ(c->cohorts, std::vector<std::string>{"tenants/1504/programs/p/cohorts/c1"});
  EXPECT_EQ(jwks.fetches, 1);
  // The HS256 developer token still works.
  EXPECT_TRUE((*v)->Verify(*IssueToken(Organiser(), "HS256", kKey)).ok());

  // Rotation: k2 appears; the first token naming it, once the refetch
  // interval has passed, fetches the JWKS again: no restart needed.
  jwks.published.emplace_back("k2", *jose::Es256PrivateKey::Generate());
  const std::string new_token = Es256Token(jwks.published[1].second, "k2", ClaimsJson());
  now += absl::Seconds(5);
  EXPECT_TRUE((*v)->Verify(new_token).ok());
  EXPECT_EQ(jwks.fetches, 2);
  // Made-up kids within the interval cost no fetch.
  for (int i = 0; i < 20; ++i) {
    auto bad = (*v)->Verify(Es256Token(jwks.published[1].second, absl::StrCat("made-up", i), ClaimsJson()));
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(jwks.fetches, 2);
  now += absl::Seconds(5);
  EXPECT_FALSE((*v)->Verify(Es256Token(jwks.published[1].second, "made-up", ClaimsJson())).ok());
  EXPECT_FALSE((*v)->Verify(Es256Token(jwks.published[1].second, "made-up", ClaimsJson())).ok());
  EXPECT_EQ(jwks.fetches, 3);  // one fetch per interval, however many tokens
  // A token signed by a key that is not the one its kid names.
  EXPECT_FALSE((*v)->Verify(Es256Token(jwks.published[0].second, "k2", ClaimsJson(",\"x\":1"))).ok());
  // Reach claims of the wrong type.
  EXPECT_FALSE((*v)->Verify(Es256Token(jwks.published[1].second, "k2", ClaimsJson(R"(,"unit":7)"))).ok());
  EXPECT_FALSE((*v)->Verify(Es256Token(jwks.published[1].second, "k2", ClaimsJson(R"(,"cohorts":"c1")"))).ok());
  // An unknown role, signed validly, is still refused.
  EXPECT_FALSE((*v)->Verify(*jwks.published[1].second.SignJwt(
                               "k2", R"({"sub":"a","tenant":"1504","role":"root","exp":9999999999})"))
                   .ok());
}

TEST(Es256VerifierTest, Es256IsRefusedWithoutAJwks) {
  auto key = jose::Es256PrivateKey::Generate();
  auto v = Hs256();
  auto r = v->Verify(Es256Token(*key, "k1", ClaimsJson()));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace pelita::gateway
