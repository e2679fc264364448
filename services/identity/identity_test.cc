// IdentityLogic with a fixed roster, an injected clock and a real Redis.
#include "services/identity/identity.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"

namespace pelita::identity {
namespace {

constexpr char kNip[] = "198503302010012001";
constexpr char kOtherNip[] = "199001012015031002";

class FixedRoster : public Roster {
 public:
  absl::Status CheckEmployee(const std::string& tenant, const std::string& nip) override {
    return known.contains(tenant + "/" + nip) ? absl::OkStatus() : absl::NotFoundError("no such employee");
  }
  absl::StatusOr<bool> Supervises(const std::string& tenant, const std::string& nip) override {
    if (roster_down) return absl::UnavailableError("roster down");
    return supervisors.contains(tenant + "/" + nip);
  }
  absl::flat_hash_set<std::string> known = {std::string("1504/") + kNip};
  absl::flat_hash_set<std::string> supervisors;
  bool roster_down = false;
};

// The claims of a token, after checking its ES256 signature against the JWKS.
nlohmann::json VerifiedClaims(const std::string& token, const v1::Jwks& jwks) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return nullptr;
  std::string header, payload, sig;
  absl::WebSafeBase64Unescape(parts[0], &header);
  absl::WebSafeBase64Unescape(parts[1], &payload);
  absl::WebSafeBase64Unescape(parts[2], &sig);
  const std::string kid = nlohmann::json::parse(header)["kid"];
  for (const auto& k : jwks.keys()) {
    if (k.kid() != kid) continue;
    auto pub = jose::Es256PublicKey::FromCoordinates(k.x(), k.y());
    if (pub.ok() && pub->Verify(parts[0] + "." + parts[1], sig)) {
      auto claims = nlohmann::json::parse(payload);
      claims["kid"] = kid;
      return claims;
    }
  }
  return nullptr;
}

class IdentityLogicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<IdentityStore>(redis_.get());
    IdentityOptions o;
    o.password_cost = PasswordCost::Minimum();
    o.clock = [this] { return now_; };
    logic_ = std::make_unique<IdentityLogic>(store_.get(), &roster_, o);
  }

  v1::Account Create(const std::string& id, const std::string& role, const Caller& by = {"1504", "admin", "adm"}) {
    v1::CreateAccountRequest req;
    req.set_parent("tenants/1504");
    req.set_account_id(id);
    req.mutable_account()->set_role(role);
    auto a = logic_->CreateAccount(by, req);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.value_or(v1::Account());
  }
  std::string Code(const std::string& id, int64_t ttl = 0) {
    v1::IssueActivationCodeRequest req;
    req.set_name("tenants/1504/accounts/" + id);
    req.set_ttl_seconds(ttl);
    auto c = logic_->IssueActivationCode(kOrganiser, req);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->code() : "";
  }
  absl::Status Activate(const std::string& id, const std::string& code, const std::string& password) {
    v1::ActivateRequest req;
    req.set_tenant_code("1504");
    req.set_username(id);
    req.set_code(code);
    req.set_password(password);
    return logic_->Activate(kPublic, req).status();
  }
  absl::StatusOr<v1::TokenResponse> SignIn(const std::string& id, const std::string& password) {
    return SignIn(id, password, kPublic);
  }
  absl::StatusOr<v1::TokenResponse> SignIn(const std::string& id, const std::string& password,
                                           const Caller& from) {
    v1::SignInRequest req;
    req.set_tenant_code("1504");
    req.set_username(id);
    req.set_password(password);
    return logic_->SignIn(from, req);
  }
  absl::StatusOr<v1::TokenResponse> Refresh(const std::string& token) {
    v1::RefreshRequest req;
    req.set_refresh_token(token);
    return logic_->Refresh(kPublic, req);
  }
  v1::Jwks Jwks() { return logic_->GetJwks(kPublic, {}).value_or(v1::Jwks()); }
  std::vector<std::string> AuditTypes() {
    v1::ListAuditEventsRequest req;
    req.set_parent("tenants/1504");
    auto r = logic_->ListAuditEvents({"1504", "admin", "adm"}, req);
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& e : r->events()) out.push_back(e.type());
    }
    return out;
  }

  const Caller kOrganiser{"1504", "organiser", "org@x.id"};
  const Caller kPublic{"", "", "10.0.0.7"};  // the gateway: no role, the source address
  absl::Time now_ = absl::Now();
  FixedRoster roster_;
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<IdentityStore> store_;
  std::unique_ptr<IdentityLogic> logic_;
};

TEST_F(IdentityLogicTest, AsnAccountsMustBeInTheRoster) {
  Create(kNip, "participant");
  v1::CreateAccountRequest req;
  req.set_parent("tenants/1504");
  req.set_account_id(kOtherNip);
  req.mutable_account()->set_role("participant");
  auto s = logic_->CreateAccount({"1504", "admin", "adm"}, req);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s.status()), "NOT_IN_ROSTER");
  // Only staff create accounts; organisers no admin accounts; no other tenant.
  req.set_account_id("a@x.id");
  req.mutable_account()->set_role("admin");
  EXPECT_EQ(ErrorReason(logic_->CreateAccount(kOrganiser, req).status()), "ADMIN_ONLY");
  EXPECT_EQ(logic_->CreateAccount({"1504", "participant", kNip}, req).status().code(),
            absl::StatusCode::kPermissionDenied);
  req.set_parent("tenants/1571");
  EXPECT_EQ(logic_->CreateAccount({"1504", "admin", "adm"}, req).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->ListAccounts("1504", 10, "")->accounts.size(), 1u);
}

TEST_F(IdentityLogicTest, ActivationCodeIsSingleUseAndExpires) {
  Create("sari@x.id", "organiser");
  const std::string code = Code("sari@x.id");
  EXPECT_EQ(ErrorReason(Activate("sari@x.id", "wrong-code", "a long password")), "CODE_INVALID");
  ASSERT_TRUE(Activate("sari@x.id", code, "a long password").ok());
  EXPECT_TRUE(store_->GetAccount("1504", "sari@x.id")->activated());
  // Used once: never again, and the password stays.
  EXPECT_EQ(ErrorReason(Activate("sari@x.id", code, "another password")), "CODE_INVALID");
  EXPECT_TRUE(SignIn("sari@x.id", "a long password").ok());
  // As people type it: capitals and spaces around an e-mail address.
  EXPECT_TRUE(SignIn(" Sari@X.id ", "a long password").ok());

  // Expiry, by the clock.
  const std::string late = Code("sari@x.id", 3600);
  now_ += absl::Seconds(3600);
  EXPECT_EQ(ErrorReason(Activate("sari@x.id", late, "another password")), "CODE_EXPIRED");
  EXPECT_TRUE(SignIn("sari@x.id", "a long password").ok());
  // The code is stored only hashed.
  auto all = redis_->Run({"HGETALL", "identity:{1504}:activation"});
  for (const auto& e : all->elements) EXPECT_EQ(e.str.find(late), std::string::npos);
}

TEST_F(IdentityLogicTest, PasswordResetByTheOrganiserRevokesSessions) {
  Create(kNip, "participant");
  ASSERT_TRUE(Activate(kNip, Code(kNip), "first password").ok());
  auto tokens = SignIn(kNip, "first password");
  ASSERT_TRUE(tokens.ok());
  ASSERT_TRUE(Activate(kNip, Code(kNip), "second password").ok());
  EXPECT_EQ(ErrorReason(Refresh(tokens->refresh_token()).status()), "REFRESH_REVOKED");
  EXPECT_FALSE(SignIn(kNip, "first password").ok());
  EXPECT_TRUE(SignIn(kNip, "second password").ok());
  // No password in the store in clear.
  EXPECT_EQ(store_->PasswordHash("1504", kNip)->rfind("$argon2id$", 0), 0u);
}

TEST_F(IdentityLogicTest, PasswordChangeByTheAccountItselfRevokesSessions) {
  Create(kNip, "participant");
  ASSERT_TRUE(Activate(kNip, Code(kNip), "first password").ok());
  auto tokens = SignIn(kNip, "first password");
  v1::ChangePasswordRequest req;
  req.set_name(std::string("tenants/1504/accounts/") + kNip);
  req.set_current_password("first password");
  req.set_new_password("second password");
  // Not someone else's.
  EXPECT_EQ(ErrorReason(logic_->ChangePassword({"1504", "participant", kOtherNip}, req).status()),
            "NOT_YOUR_ACCOUNT");
  const Caller self{"1504", "participant", kNip};
  req.set_current_password("wrong");
  EXPECT_EQ(ErrorReason(logic_->ChangePassword(self, req).status()), "WRONG_PASSWORD");
  req.set_current_password("first password");
  req.set_new_password("short");
  EXPECT_EQ(logic_->ChangePassword(self, req).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(SignIn(kNip, "first password").ok());  // nothing changed
  req.set_new_password("second password");
  ASSERT_TRUE(logic_->ChangePassword(self, req).ok());
  EXPECT_EQ(ErrorReason(Refresh(tokens->refresh_token()).status()), "REFRESH_REVOKED");
  EXPECT_FALSE(SignIn(kNip, "first password").ok());
  EXPECT_TRUE(SignIn(kNip, "second password").ok());
  const auto types = AuditTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "PASSWORD_CHANGED"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "PASSWORD_CHANGE_FAILED"), 1);
}

TEST_F(IdentityLogicTest, TokensCarryTheRoleAndReachSignedByAPublishedKey) {
  v1::CreateAccountRequest req;
  req.set_parent("tenants/1504");
  req.set_account_id("guru@x.id");
  req.mutable_account()->set_role("instructor");
  req.mutable_account()->add_cohorts("tenants/1504/programs/p/cohorts/c1");
  ASSERT_TRUE(logic_->CreateAccount({"1504", "admin", "adm"}, req).ok());
  ASSERT_TRUE(Activate("guru@x.id", Code("guru@x.id"), "teach me please").ok());
  auto tokens = SignIn("guru@x.id", "teach me please");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(tokens->expires_in(), 900);
  auto claims = VerifiedClaims(tokens->access_token(), Jwks());
  ASSERT_FALSE(claims.is_null());
  EXPECT_EQ(claims["sub"], "guru@x.id");
  EXPECT_EQ(claims["tenant"], "1504");
  EXPECT_EQ(claims["role"], "instructor");
  EXPECT_EQ(claims["cohorts"], nlohmann::json::array({"tenants/1504/programs/p/cohorts/c1"}));
  EXPECT_EQ(claims["exp"].template get<int64_t>() - claims["iat"].template get<int64_t>(), 900);

  // A province account's token names its province.
  req.set_account_id("prov@x.id");
  req.mutable_account()->set_role("province");
  req.mutable_account()->clear_cohorts();
  req.mutable_account()->set_province("15");
  ASSERT_TRUE(logic_->CreateAccount({"1504", "admin", "adm"}, req).ok());
  ASSERT_TRUE(Activate("prov@x.id", Code("prov@x.id"), "province pass").ok());
  auto p = VerifiedClaims(SignIn("prov@x.id", "province pass")->access_token(), Jwks());
  EXPECT_EQ(p["tenant"], "15");
  EXPECT_EQ(p["province"], "15");
}

// Records what it is asked to send; fails while `down`.
class RecordingSender : public notify::Sender {
 public:
  absl::Status Send(const notify::Notification& n) override {
    if (down) return absl::UnavailableError("gateway down");
    sent.push_back(n);
    return absl::OkStatus();
  }
  std::vector<notify::Notification> sent;
  bool down = false;
};

// Activation codes go to the person through the reminders' sender: the
// organiser never sees a delivered code; a failed delivery shows it.
TEST_F(IdentityLogicTest, ActivationCodesAreDeliveredToThePerson) {
  RecordingSender sender;
  IdentityOptions o;
  o.password_cost = PasswordCost::Minimum();
  o.clock = [this] { return now_; };
  o.sender = &sender;
  o.activation_url = "https://pelita.batanghari.go.id/aktivasi";
  logic_ = std::make_unique<IdentityLogic>(store_.get(), &roster_, o);
  Create(kNip, "participant");
  v1::IssueActivationCodeRequest req;
  req.set_name(std::string("tenants/1504/accounts/") + kNip);
  req.set_deliver(true);
  auto issued = logic_->IssueActivationCode(kOrganiser, req);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_TRUE(issued->delivered());
  EXPECT_EQ(issued->code(), "");  // the organiser does not see it
  ASSERT_EQ(sender.sent.size(), 1u);
  const notify::Notification& n = sender.sent[0];
  EXPECT_EQ(n.recipient_nip, kNip);
  EXPECT_EQ(n.kind, "activation");
  EXPECT_EQ(n.subject, "Aktivasi akun Pelita");
  const size_t at = n.text.find("?kode=");
  ASSERT_NE(at, std::string::npos) << n.text;
  EXPECT_TRUE(absl::StrContains(n.text, "https://pelita.batanghari.go.id/aktivasi?kode=")) << n.text;
  EXPECT_TRUE(absl::StrContains(n.text, "WIB")) << n.text;
  const std::string code = n.text.substr(at + 6, n.text.find('&', at) - at - 6);
  EXPECT_TRUE(absl::StrContains(n.text, absl::StrCat("&akun=", kNip, "&wilayah=1504"))) << n.text;
  ASSERT_EQ(code.size(), 20u) << n.text;
  // The code in the message activates the account.
  EXPECT_TRUE(Activate(kNip, code, "a good password").ok());
  EXPECT_TRUE(SignIn(kNip, "a good password").ok());

  // A sender that fails: the code is shown to hand over, with the reason.
  sender.down = true;
  issued = logic_->IssueActivationCode(kOrganiser, req);
  ASSERT_TRUE(issued.ok());
  EXPECT_FALSE(issued->delivered());
  EXPECT_EQ(issued->code().size(), 20u);
  EXPECT_TRUE(absl::StrContains(issued->delivery_error(), "gateway down"));
  // Staff accounts get it at their e-mail address.
  sender.down = false;
  Create("guru@x.id", "organiser");
  req.set_name("tenants/1504/accounts/guru@x.id");
  ASSERT_TRUE(logic_->IssueActivationCode({"1504", "admin", "adm"}, req).ok());
  ASSERT_EQ(sender.sent.size(), 2u);
  EXPECT_EQ(sender.sent[1].recipient_email, "guru@x.id");
  EXPECT_TRUE(absl::StrContains(sender.sent[1].text, "&akun=guru%40x.id&")) << sender.sent[1].text;
  EXPECT_EQ(sender.sent[1].recipient_nip, "");
  EXPECT_NE(sender.sent[1].id, sender.sent[0].id);
}

TEST_F(IdentityLogicTest, DeliveryWithoutASenderShowsTheCode) {
  Create(kNip, "participant");
  v1::IssueActivationCodeRequest req;
  req.set_name(std::string("tenants/1504/accounts/") + kNip);
  req.set_deliver(true);
  auto issued = logic_->IssueActivationCode(kOrganiser, req);
  ASSERT_TRUE(issued.ok());
  EXPECT_FALSE(issued->delivered());
  EXPECT_FALSE(issued->code().empty());
  EXPECT_FALSE(issued->delivery_error().empty());
}

// Supervisors are derived from the roster at every sign-in and refresh: the
// same ASN account is a supervisor while someone's supervisor_nip is theirs.
TEST_F(IdentityLogicTest, SupervisorRoleFollowsTheRoster) {
  Create(kNip, "participant");
  ASSERT_TRUE(Activate(kNip, Code(kNip), "my own password").ok());
  auto role_of = [&](const v1::TokenResponse& t) {
    return VerifiedClaims(t.access_token(), Jwks())["role"].get<std::string>();
  };
  auto tokens = SignIn(kNip, "my own password");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(role_of(*tokens), "participant");

  roster_.supervisors.insert(std::string("1504/") + kNip);
  auto refreshed = Refresh(tokens->refresh_token());
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_EQ(role_of(*refreshed), "supervisor");
  auto again = SignIn(kNip, "my own password");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(role_of(*again), "supervisor");

  // No staff any more (or the roster cannot say): a participant again.
  roster_.supervisors.clear();
  EXPECT_EQ(role_of(*SignIn(kNip, "my own password")), "participant");
  roster_.supervisors.insert(std::string("1504/") + kNip);
  roster_.roster_down = true;
  EXPECT_EQ(role_of(*SignIn(kNip, "my own password")), "participant");
  // Other roles are what the account says.
  Create("org2@x.id", "organiser");
  ASSERT_TRUE(Activate("org2@x.id", Code("org2@x.id"), "organiser pass").ok());
  EXPECT_EQ(role_of(*SignIn("org2@x.id", "organiser pass")), "organiser");
}

TEST_F(IdentityLogicTest, KeyRotationKeepsTheOldKeyUntilItsTokensExpire) {
  Create("sari@x.id", "organiser");
  ASSERT_TRUE(Activate("sari@x.id", Code("sari@x.id"), "a long password").ok());
  auto old_token = SignIn("sari@x.id", "a long password")->access_token();
  const std::string old_kid = VerifiedClaims(old_token, Jwks())["kid"];
  EXPECT_EQ(logic_->RotateSigningKey(kOrganiser, {}).status().code(), absl::StatusCode::kPermissionDenied);
  auto rotated = logic_->RotateSigningKey({"", "platform_admin", "ops"}, {});
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_NE(rotated->kid(), old_kid);
  auto new_token = SignIn("sari@x.id", "a long password")->access_token();
  EXPECT_EQ(VerifiedClaims(new_token, Jwks())["kid"], rotated->kid());
  EXPECT_FALSE(VerifiedClaims(old_token, Jwks()).is_null());  // still published
  EXPECT_EQ(Jwks().keys_size(), 2);
  now_ += absl::Minutes(17);  // the old key's tokens have all expired
  EXPECT_EQ(Jwks().keys_size(), 1);
  EXPECT_TRUE(VerifiedClaims(old_token, Jwks()).is_null());
}

TEST_F(IdentityLogicTest, WrongPasswordsAreThrottledWithGrowingDelays) {
  Create("sari@x.id", "organiser");
  ASSERT_TRUE(Activate("sari@x.id", Code("sari@x.id"), "a long password").ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ErrorReason(SignIn("sari@x.id", "guess").status()), "SIGN_IN_FAILED");
  EXPECT_EQ(ErrorReason(SignIn("sari@x.id", "guess").status()), "SIGN_IN_FAILED");  // 4th: 1 s delay from now
  auto refused = SignIn("sari@x.id", "a long password");  // even the right one, while throttled
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(refused.status()), "SIGN_IN_THROTTLED");
  now_ += absl::Seconds(1);
  EXPECT_FALSE(SignIn("sari@x.id", "guess").ok());  // 5th failure: 2 s
  now_ += absl::Seconds(1);
  EXPECT_EQ(SignIn("sari@x.id", "a long password").status().code(), absl::StatusCode::kResourceExhausted);
  now_ += absl::Seconds(1);
  EXPECT_TRUE(SignIn("sari@x.id", "a long password").ok());
  // Success clears the account's count.
  EXPECT_FALSE(SignIn("sari@x.id", "guess").ok());
  EXPECT_TRUE(SignIn("sari@x.id", "a long password").ok());
  const auto types = AuditTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "SIGN_IN_FAILED"), 6);
  EXPECT_EQ(std::count(types.begin(), types.end(), "SIGN_IN_THROTTLED"), 2);
  EXPECT_EQ(std::count(types.begin(), types.end(), "SIGN_IN"), 2);
}

TEST_F(IdentityLogicTest, OneSourceAddressIsThrottledAcrossAccounts) {
  for (int i = 0; i < 21; ++i) {
    EXPECT_FALSE(SignIn("nobody" + std::to_string(i) + "@x.id", "guess").ok());
  }
  EXPECT_EQ(ErrorReason(SignIn("someone@x.id", "guess").status()), "SIGN_IN_THROTTLED");
  // Another address is not.
  EXPECT_EQ(ErrorReason(SignIn("someone@x.id", "guess", {"", "", "10.0.0.8"}).status()), "SIGN_IN_FAILED");
}

TEST_F(IdentityLogicTest, RefreshRotatesReuseRevokesSignOutRevokes) {
  Create("sari@x.id", "organiser");
  ASSERT_TRUE(Activate("sari@x.id", Code("sari@x.id"), "a long password").ok());
  auto first = SignIn("sari@x.id", "a long password");
  auto second = Refresh(first->refresh_token());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->refresh_token(), first->refresh_token());
  auto third = Refresh(second->refresh_token());
  ASSERT_TRUE(third.ok());
  // The first one again: stolen; the whole family goes.
  EXPECT_EQ(ErrorReason(Refresh(first->refresh_token()).status()), "REFRESH_REUSED");
  EXPECT_EQ(ErrorReason(Refresh(third->refresh_token()).status()), "REFRESH_REVOKED");
  // Sign-out.
  auto other = SignIn("sari@x.id", "a long password");
  v1::SignOutRequest out;
  out.set_refresh_token(other->refresh_token());
  ASSERT_TRUE(logic_->SignOut(kPublic, out).ok());
  EXPECT_EQ(ErrorReason(Refresh(other->refresh_token()).status()), "REFRESH_REVOKED");
  EXPECT_EQ(ErrorReason(Refresh("1504.made-up").status()), "REFRESH_UNKNOWN");
  EXPECT_EQ(ErrorReason(Refresh("garbage").status()), "REFRESH_UNKNOWN");
  // Expiry.
  auto late = SignIn("sari@x.id", "a long password");
  now_ += absl::Hours(24 * 7);
  EXPECT_EQ(ErrorReason(Refresh(late->refresh_token()).status()), "REFRESH_EXPIRED");
  const auto types = AuditTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "REFRESH_REUSED"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "SIGNED_OUT"), 1);
}

TEST_F(IdentityLogicTest, DisabledAccountsAreRefusedAndRoleChangesAudited) {
  Create(kNip, "participant");
  ASSERT_TRUE(Activate(kNip, Code(kNip), "first password").ok());
  auto tokens = SignIn(kNip, "first password");
  v1::UpdateAccountRequest up;
  up.mutable_account()->set_name(std::string("tenants/1504/accounts/") + kNip);
  up.mutable_account()->set_role("supervisor");
  up.mutable_update_mask()->add_paths("role");
  ASSERT_TRUE(logic_->UpdateAccount(kOrganiser, up).ok());
  EXPECT_EQ(ErrorReason(Refresh(tokens->refresh_token()).status()), "REFRESH_REVOKED");
  tokens = SignIn(kNip, "first password");
  up.mutable_account()->set_disabled(true);
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("disabled");
  ASSERT_TRUE(logic_->UpdateAccount(kOrganiser, up).ok());
  EXPECT_EQ(ErrorReason(SignIn(kNip, "first password").status()), "ACCOUNT_DISABLED");
  EXPECT_EQ(Refresh(tokens->refresh_token()).status().code(), absl::StatusCode::kUnauthenticated);
  // Bad changes change nothing.
  up.mutable_update_mask()->Clear();
  up.mutable_update_mask()->add_paths("role");
  up.mutable_account()->set_role("agency_head");  // without a unit
  EXPECT_EQ(logic_->UpdateAccount(kOrganiser, up).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetAccount("1504", kNip)->role(), "supervisor");
  const auto types = AuditTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "ROLE_CHANGED"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "DISABLED"), 1);
  // Only admins read the log.
  v1::ListAuditEventsRequest req;
  req.set_parent("tenants/1504");
  EXPECT_EQ(ErrorReason(logic_->ListAuditEvents(kOrganiser, req).status()), "ADMIN_ONLY");
}

TEST_F(IdentityLogicTest, ServiceAccountsUseClientCredentialsWithRotatableSecrets) {
  v1::CreateServiceAccountRequest req;
  req.set_service_account_id("siasn-bkn");
  req.mutable_service_account()->set_role("national_integrator");
  EXPECT_EQ(logic_->CreateServiceAccount({"1504", "admin", "adm"}, req).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto sa = logic_->CreateServiceAccount({"", "platform_admin", "ops"}, req);
  ASSERT_TRUE(sa.ok()) << sa.status();
  ASSERT_FALSE(sa->client_secret().empty());
  v1::TokenRequest token;
  token.set_grant_type("client_credentials");
  token.set_client_id("siasn-bkn");
  token.set_client_secret(sa->client_secret());
  auto granted = logic_->Token(kPublic, token);
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_TRUE(granted->refresh_token().empty());
  auto claims = VerifiedClaims(granted->access_token(), Jwks());
  EXPECT_EQ(claims["role"], "national_integrator");
  EXPECT_EQ(claims["tenant"], "00");
  EXPECT_EQ(claims["sub"], "siasn-bkn");

  v1::RotateServiceAccountSecretRequest rot;
  rot.set_name("serviceAccounts/siasn-bkn");
  auto rotated = logic_->RotateServiceAccountSecret({"", "platform_admin", "ops"}, rot);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(ErrorReason(logic_->Token(kPublic, token).status()), "INVALID_CLIENT");
  token.set_client_secret(rotated->client_secret());
  EXPECT_TRUE(logic_->Token(kPublic, token).ok());
  token.set_grant_type("password");
  EXPECT_EQ(logic_->Token(kPublic, token).status().code(), absl::StatusCode::kInvalidArgument);
  // The secret is stored only hashed.
  auto stored = redis_->Run({"HGET", "identity:{platform}:service_secrets", "siasn-bkn"});
  EXPECT_EQ(stored->str.size(), 64u);
  EXPECT_EQ(stored->str.find(rotated->client_secret()), std::string::npos);
}

}  // namespace
}  // namespace pelita::identity
