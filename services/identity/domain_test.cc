#include "services/identity/domain.h"

#include "gtest/gtest.h"
#include "lib/status/status.h"
#include "services/identity/secrets.h"

namespace pelita::identity {
namespace {

constexpr char kNip[] = "198503302010012001";

TEST(AccountIdTest, NipOrLowerCaseEmail) {
  EXPECT_EQ(*ParseAccountId("id", kNip), IdKind::kNip);
  EXPECT_EQ(*ParseAccountId("id", "sari@batanghari.go.id"), IdKind::kEmail);
  for (const char* bad : {"", "19850330201001200", "Sari@batanghari.go.id", "sari", "@x.id", "a@b", "a@b.",
                          "a b@x.id", "a@@x.id", "tenants/1504@x.id"}) {
    auto s = ParseAccountId("account_id", bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldViolationsOf(s.status()).at(0).first, "account_id") << bad;
  }
}

v1::Account Acc(const char* role) {
  v1::Account a;
  a.set_role(role);
  return a;
}

TEST(ValidateAccountTest, EachRoleHasExactlyItsReach) {
  EXPECT_TRUE(ValidateAccount("account", "1504", IdKind::kEmail, Acc("organiser")).ok());
  EXPECT_TRUE(ValidateAccount("account", "1504", IdKind::kNip, Acc("participant")).ok());
  // A participant signs in by NIP.
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kEmail, Acc("participant")).ok());
  // Machine and platform roles are not accounts of a regency.
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kEmail, Acc("national_integrator")).ok());
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kEmail, Acc("platform_admin")).ok());
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kEmail, Acc("root")).ok());

  v1::Account head = Acc("agency_head");
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kNip, head).ok());
  head.set_unit("tenants/1571/units/dinkes");  // another tenant's unit
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kNip, head).ok());
  head.set_unit("tenants/1504/units/dinkes");
  EXPECT_TRUE(ValidateAccount("account", "1504", IdKind::kNip, head).ok());

  v1::Account teacher = Acc("instructor");
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kEmail, teacher).ok());
  teacher.add_cohorts("tenants/1504/programs/p/cohorts/c1");
  EXPECT_TRUE(ValidateAccount("account", "1504", IdKind::kEmail, teacher).ok());
  teacher.add_cohorts("tenants/1504/units/x");
  auto s = ValidateAccount("account", "1504", IdKind::kEmail, teacher);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(FieldViolationsOf(s).at(0).first, "account.cohorts[1]");

  v1::Account prov = Acc("province");
  prov.set_province("16");
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kEmail, prov).ok());
  prov.set_province("15");
  EXPECT_TRUE(ValidateAccount("account", "1504", IdKind::kEmail, prov).ok());

  // Reach that the role does not have is refused, not ignored.
  v1::Account org = Acc("organiser");
  org.set_unit("tenants/1504/units/dinkes");
  EXPECT_FALSE(ValidateAccount("account", "1504", IdKind::kEmail, org).ok());
}

TEST(ThrottleDelayTest, FreeThenDoublingToTheCap) {
  EXPECT_EQ(ThrottleDelay(3, 3, absl::Minutes(15)), absl::ZeroDuration());
  EXPECT_EQ(ThrottleDelay(4, 3, absl::Minutes(15)), absl::Seconds(1));
  EXPECT_EQ(ThrottleDelay(5, 3, absl::Minutes(15)), absl::Seconds(2));
  EXPECT_EQ(ThrottleDelay(8, 3, absl::Minutes(15)), absl::Seconds(16));
  EXPECT_EQ(ThrottleDelay(100, 3, absl::Minutes(15)), absl::Minutes(15));
}

TEST(SecretsTest, Argon2idHashesVerifyOnlyTheirPassword) {
  auto h = HashPassword("correct horse battery", PasswordCost::Minimum());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_TRUE(CheckPassword(*h, "correct horse battery"));
  EXPECT_FALSE(CheckPassword(*h, "correct horse batterY"));
  EXPECT_FALSE(CheckPassword("", "x"));
  EXPECT_FALSE(CheckPassword("garbage", "x"));
  // A fresh salt each time.
  EXPECT_NE(*h, *HashPassword("correct horse battery", PasswordCost::Minimum()));
  EXPECT_NE(RandomToken(16), RandomToken(16));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ValidatePassword("password", "0123456789").ok());
  EXPECT_FALSE(ValidatePassword("password", "012345678").ok());
}

}  // namespace
}  // namespace pelita::identity
