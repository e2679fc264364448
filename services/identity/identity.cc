#include "services/identity/identity.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/ids/slug.h"
#include "lib/log/log.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/store/field_mask.h"
#include "lib/store/paging.h"
#include "lib/tenancy/resource_name.h"
#include "lib/tenancy/tenant_code.h"
#include "lib/time/time.h"
#include "services/identity/domain.h"

namespace pelita::identity {
namespace {

// A retired key stays published this much longer than the tokens it signed
// live: clock skew between identity and the gateways.
constexpr absl::Duration kKeyGrace = absl::Minutes(1);

absl::Status BadCredentials() {
  return WithReason(absl::UnauthenticatedError("wrong username or password"), "SIGN_IN_FAILED");
}

std::string AccountName(const std::string& tenant, const std::string& id) {
  return absl::StrCat("tenants/", tenant, "/accounts/", id);
}

// "1504.<random>": the tenant travels in the token so that its record is
// found under the tenant's keys.
struct RefreshParts {
  std::string tenant;
  std::string hash;
};
absl::StatusOr<RefreshParts> ParseRefresh(absl::string_view token) {
  const size_t dot = token.find('.');
  if (dot == absl::string_view::npos || !ValidateTenant(token.substr(0, dot)).ok() || token.size() > 200) {
    return WithReason(absl::UnauthenticatedError("unknown refresh token"), "REFRESH_UNKNOWN");
  }
  return RefreshParts{std::string(token.substr(0, dot)), Sha256Hex(token)};
}

// What a person types as their username: surrounding spaces dropped, an
// e-mail address in lower case (accounts are stored so).
std::string NormalizedUsername(absl::string_view typed) {
  std::string out(absl::StripAsciiWhitespace(typed));
  if (out.find('@') != std::string::npos) absl::AsciiStrToLower(&out);
  return out;
}

bool ReachChanged(const v1::Account& a, const v1::Account& b) {
  return a.role() != b.role() || a.unit() != b.unit() || a.province() != b.province() ||
         std::vector<std::string>(a.cohorts().begin(), a.cohorts().end()) !=
             std::vector<std::string>(b.cohorts().begin(), b.cohorts().end());
}

std::string Reach(const v1::Account& a) {
  std::string out = a.role();
  if (!a.unit().empty()) absl::StrAppend(&out, " unit=", a.unit());
  if (!a.province().empty()) absl::StrAppend(&out, " province=", a.province());
  if (!a.cohorts().empty()) absl::StrAppend(&out, " cohorts=", absl::StrJoin(a.cohorts(), ","));
  return out;
}

}  // namespace

IdentityLogic::IdentityLogic(IdentityStore* store, Roster* roster, IdentityOptions options)
    : store_(store), roster_(roster), options_(std::move(options)) {
  auto dummy = HashPassword(RandomToken(16), options_.password_cost);
  if (dummy.ok()) dummy_hash_ = *dummy;
}

absl::Status IdentityLogic::WithHashSlot(const std::function<void()>& fn) {
  {
    absl::MutexLock lock(&hash_mu_);
    if (!hash_mu_.AwaitWithTimeout(absl::Condition(this, &IdentityLogic::HashSlotFree), options_.hash_wait)) {
      return absl::UnavailableError("too many sign-ins at once; retry");
    }
    ++hashes_running_;
  }
  fn();
  absl::MutexLock lock(&hash_mu_);
  --hashes_running_;
  return absl::OkStatus();
}

std::string IdentityLogic::SourceOf(const Caller& caller) { return caller.role.empty() ? caller.subject : ""; }

void IdentityLogic::AuditEvent(const std::string& tenant, const std::string& type, const std::string& account,
                               const std::string& actor, const std::string& source, const std::string& detail) {
  v1::AuditEvent e;
  e.set_type(type);
  e.set_account(account);
  e.set_actor(actor);
  e.set_source(source);
  e.set_detail(detail);
  *e.mutable_time() = ToTimestamp(options_.clock());
  if (absl::Status s = store_->Audit(tenant, e); !s.ok()) {
    // The request itself stands; the lost entry is logged (never the secret).
    LogError("audit event not stored", {{"tenant", tenant}, {"type", type}, {"account", account},
                                        {"error", std::string(s.message())}});
  }
}

absl::Status IdentityLogic::CheckAdministers(const Caller& caller, const v1::Account& target) {
  if (!IsStaff(caller)) {
    return WithReason(absl::PermissionDeniedError("only organisers and admins manage accounts"), "STAFF_ONLY");
  }
  auto role = ParseRole(caller.role);
  if (target.role() == "admin" && role.ok() && *role == Role::kOrganiser) {
    return WithReason(absl::PermissionDeniedError("only an admin manages admin accounts"), "ADMIN_ONLY");
  }
  return absl::OkStatus();
}

// --- accounts --------------------------------------------------------------------

absl::StatusOr<v1::Account> IdentityLogic::CreateAccount(const Caller& caller,
                                                         const v1::CreateAccountRequest& request) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "parent", request.parent(), "tenants/*"));
  const std::string& tenant = parts[0];
  PELITA_ASSIGN_OR_RETURN(IdKind kind, ParseAccountId("account_id", request.account_id()));
  v1::Account account = request.account();
  account.clear_activated();
  account.clear_create_time();
  account.clear_update_time();
  account.set_name(AccountName(tenant, request.account_id()));
  PELITA_RETURN_IF_ERROR(ValidateAccount("account", tenant, kind, account));
  PELITA_RETURN_IF_ERROR(CheckAdministers(caller, account));
  if (kind == IdKind::kNip) {
    absl::Status s = roster_->CheckEmployee(tenant, request.account_id());
    if (s.code() == absl::StatusCode::kNotFound) {
      return WithReason(absl::FailedPreconditionError(absl::StrCat(
                            "NIP ", request.account_id(), " is not in the roster of tenant ", tenant)),
                        "NOT_IN_ROSTER");
    }
    PELITA_RETURN_IF_ERROR(s);
  }
  *account.mutable_create_time() = ToTimestamp(options_.clock());
  *account.mutable_update_time() = account.create_time();
  PELITA_RETURN_IF_ERROR(store_->CreateAccount(tenant, request.account_id(), account));
  AuditEvent(tenant, "ACCOUNT_CREATED", account.name(), caller.subject, "", Reach(account));
  return account;
}

absl::StatusOr<v1::Account> IdentityLogic::GetAccount(const Caller& caller, const v1::GetAccountRequest& request) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", request.name(), "tenants/*/accounts/*"));
  if (!IsStaff(caller) && caller.subject != parts[1]) {
    return WithReason(absl::PermissionDeniedError("only your own account"), "NOT_YOUR_ACCOUNT");
  }
  return store_->GetAccount(parts[0], parts[1]);
}

absl::StatusOr<v1::ListAccountsResponse> IdentityLogic::ListAccounts(const Caller& caller,
                                                                     const v1::ListAccountsRequest& request) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "parent", request.parent(), "tenants/*"));
  if (!IsStaff(caller)) {
    return WithReason(absl::PermissionDeniedError("only organisers and admins list accounts"), "STAFF_ONLY");
  }
  PELITA_ASSIGN_OR_RETURN(int size, store::EffectivePageSize(request.page_size()));
  PELITA_ASSIGN_OR_RETURN(auto page, store_->ListAccounts(parts[0], size, request.page_token()));
  v1::ListAccountsResponse out;
  for (auto& a : page.accounts) *out.add_accounts() = std::move(a);
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::Account> IdentityLogic::UpdateAccount(const Caller& caller,
                                                         const v1::UpdateAccountRequest& request) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "account.name", request.account().name(),
                                                          "tenants/*/accounts/*"));
  const std::string &tenant = parts[0], &id = parts[1];
  PELITA_ASSIGN_OR_RETURN(IdKind kind, ParseAccountId("account.name", id));
  if (request.update_mask().paths().empty()) return InvalidField("update_mask", "name the fields to change");
  static const char* const kMutable[] = {"display_name", "role", "unit", "cohorts", "province", "disabled"};
  for (const std::string& p : request.update_mask().paths()) {
    bool ok = false;
    for (const char* m : kMutable) ok |= p == m;
    if (!ok) {
      return InvalidField("update_mask", absl::StrCat(p, " cannot be changed (display_name, role, unit, cohorts, "
                                                         "province, disabled)"));
    }
  }
  if (!IsStaff(caller)) {
    return WithReason(absl::PermissionDeniedError("only organisers and admins manage accounts"), "STAFF_ONLY");
  }
  v1::Account before;
  auto mutate = [&](v1::Account& a) -> absl::Status {
        before = a;
        PELITA_RETURN_IF_ERROR(CheckAdministers(caller, a));
        for (const std::string& p : request.update_mask().paths()) {
          if (p == "display_name") a.set_display_name(request.account().display_name());
          if (p == "role") a.set_role(request.account().role());
          if (p == "unit") a.set_unit(request.account().unit());
          if (p == "cohorts") *a.mutable_cohorts() = request.account().cohorts();
          if (p == "province") a.set_province(request.account().province());
          if (p == "disabled") a.set_disabled(request.account().disabled());
        }
        PELITA_RETURN_IF_ERROR(ValidateAccount("account", tenant, kind, a));
        PELITA_RETURN_IF_ERROR(CheckAdministers(caller, a));
        *a.mutable_update_time() = ToTimestamp(options_.clock());
        return absl::OkStatus();
  };
  PELITA_ASSIGN_OR_RETURN(v1::Account after, store_->UpdateAccount(tenant, id, mutate));
  if (ReachChanged(before, after)) {
    AuditEvent(tenant, "ROLE_CHANGED", after.name(), caller.subject, "",
               absl::StrCat(Reach(before), " -> ", Reach(after)));
  }
  if (before.disabled() != after.disabled()) {
    AuditEvent(tenant, after.disabled() ? "DISABLED" : "ENABLED", after.name(), caller.subject, "", "");
  }
  // A disabled account or a changed reach signs in again: no refresh token
  // keeps the old grant alive.
  if (after.disabled() || ReachChanged(before, after)) PELITA_RETURN_IF_ERROR(store_->RevokeAllFamilies(tenant, id));
  return after;
}

absl::StatusOr<v1::ActivationCode> IdentityLogic::IssueActivationCode(
    const Caller& caller, const v1::IssueActivationCodeRequest& request) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", request.name(), "tenants/*/accounts/*"));
  if (request.ttl_seconds() < 0 || absl::Seconds(request.ttl_seconds()) > options_.max_code_ttl) {
    return InvalidField("ttl_seconds", absl::StrCat("0 to ", absl::ToInt64Seconds(options_.max_code_ttl)));
  }
  PELITA_ASSIGN_OR_RETURN(v1::Account account, store_->GetAccount(parts[0], parts[1]));
  PELITA_RETURN_IF_ERROR(CheckAdministers(caller, account));
  const absl::Duration ttl =
      request.ttl_seconds() == 0 ? options_.default_code_ttl : absl::Seconds(request.ttl_seconds());
  const absl::Time expiry = options_.clock() + ttl;
  const std::string code = RandomToken(15);  // 120 bits, 20 characters
  PELITA_RETURN_IF_ERROR(store_->SetActivationCode(parts[0], parts[1], Sha256Hex(code), expiry));
  AuditEvent(parts[0], "CODE_ISSUED", account.name(), caller.subject, "", absl::FormatTime(expiry));
  v1::ActivationCode out;
  out.set_account(account.name());
  out.set_code(code);
  *out.mutable_expire_time() = ToTimestamp(expiry);
  if (request.deliver()) {
    absl::Status sent = DeliverCode(parts[0], parts[1], account, code, expiry);
    if (sent.ok()) {
      // The person has it; the organiser never sees it.
      out.clear_code();
      out.set_delivered(true);
      AuditEvent(parts[0], "CODE_SENT", account.name(), caller.subject, "", "");
    } else {
      out.set_delivery_error(std::string(sent.message()));
      LogWarning("activation code not delivered", {{"account", account.name()}, {"error", sent.ToString()}});
    }
  }
  return out;
}

absl::Status IdentityLogic::DeliverCode(const std::string& tenant, const std::string& id, const v1::Account& account,
                                        const std::string& code, absl::Time expiry) {
  if (options_.sender == nullptr) return absl::FailedPreconditionError("no message sender is configured");
  PELITA_ASSIGN_OR_RETURN(IdKind kind, ParseAccountId("name", id));
  notify::Notification n;
  // One id per code: a receiver may drop a repeat of the same message.
  n.id = absl::StrCat(tenant, "|", id, "|code|", Sha256Hex(code).substr(0, 16));
  n.tenant = tenant;
  n.task = account.name();
  n.kind = "activation";
  if (kind == IdKind::kNip) {
    n.recipient_nip = id;
  } else {
    n.recipient_email = id;
  }
  n.recipient_name = account.display_name();
  // The page needs the regency and the account as well; both are the
  // person's own.  Codes and NIPs are URL-safe; e-mail addresses are
  // percent-encoded where they need it.
  std::string account_param;
  for (char ch : id) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_') {
      account_param.push_back(ch);
    } else {
      absl::StrAppend(&account_param, "%", absl::Hex(static_cast<unsigned char>(ch), absl::kZeroPad2));
    }
  }
  const std::string link =
      absl::StrCat(options_.activation_url, "?kode=", code, "&akun=", account_param, "&wilayah=", tenant);
  // The expiry in the regency's own zone (WIB, WITA or WIT), in Indonesian
  // wording: "5-12-2026 pukul 14.30 WIB".
  PELITA_ASSIGN_OR_RETURN(absl::TimeZone zone, options_.zones(tenant));
  const std::string until = absl::StrCat(absl::FormatTime("%e-%m-%Y pukul %H.%M", expiry, zone), " ",
                                         ZoneAbbreviation(zone.name()));
  n.subject = "Aktivasi akun Pelita";
  n.text = absl::StrCat("Yth. ", account.display_name().empty() ? id : account.display_name(),
                        ",\n\nAkun Pelita Anda siap diaktifkan. Buka tautan berikut dan buat kata sandi Anda:\n", link,
                        "\n\nAtau masukkan kode aktivasi ", code, " di halaman aktivasi. Kode berlaku sampai ",
                        until, " dan hanya dapat dipakai sekali.\n\nJangan berikan kode ini kepada siapa pun, "
                        "termasuk petugas BKPSDM.");
  return options_.sender->Send(n);
}

// --- throttling ------------------------------------------------------------------------

absl::Status IdentityLogic::CheckThrottle(const std::string& scope, const std::string& who) {
  PELITA_ASSIGN_OR_RETURN(auto t, store_->GetThrottle(scope, who));
  const absl::Time now = options_.clock();
  if (t.until <= now) return absl::OkStatus();
  const int64_t wait = std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(t.until - now, absl::Seconds(1))));
  return WithRetryDelay(
      WithReason(absl::ResourceExhaustedError(absl::StrCat("too many failed attempts: try again in ", wait, " s")),
                 "SIGN_IN_THROTTLED", {{"retry_after_seconds", absl::StrCat(wait)}}),
      absl::Seconds(wait));
}

absl::Status IdentityLogic::Fail(const std::string& scope, const std::string& who, int free, absl::Duration cap,
                                 absl::Duration window) {
  PELITA_ASSIGN_OR_RETURN(auto t, store_->GetThrottle(scope, who));
  return store_->RecordFailure(scope, who, options_.clock() + ThrottleDelay(t.failures + 1, free, cap), window);
}

// --- tokens ----------------------------------------------------------------------------

absl::StatusOr<std::shared_ptr<const jose::Es256PrivateKey>> IdentityLogic::ParsedKey(const std::string& kid,
                                                                                      const std::string& pem) {
  {
    absl::MutexLock lock(&mu_);
    if (auto it = keys_.find(kid); it != keys_.end()) return it->second;
  }
  PELITA_ASSIGN_OR_RETURN(auto key, jose::Es256PrivateKey::FromPem(pem));
  auto shared = std::make_shared<const jose::Es256PrivateKey>(std::move(key));
  absl::MutexLock lock(&mu_);
  keys_[kid] = shared;
  return shared;
}

absl::StatusOr<IdentityLogic::SigningKey> IdentityLogic::CurrentKey() {
  PELITA_ASSIGN_OR_RETURN(std::string kid, store_->CurrentKid());
  if (kid.empty()) {
    // The first start: one key, whichever replica stores it first.
    PELITA_ASSIGN_OR_RETURN(auto fresh, jose::Es256PrivateKey::Generate());
    IdentityStore::SigningKeyRecord r{RandomToken(12), fresh.ToPem(), options_.clock()};
    PELITA_ASSIGN_OR_RETURN(kid, store_->AddSigningKey(r, options_.clock(), /*only_if_none=*/true));
  }
  PELITA_ASSIGN_OR_RETURN(auto keys, store_->SigningKeys(options_.clock()));
  for (const auto& k : keys) {
    if (k.kid != kid) continue;
    PELITA_ASSIGN_OR_RETURN(auto parsed, ParsedKey(k.kid, k.pem));
    return SigningKey{kid, parsed};
  }
  return absl::InternalError(absl::StrCat("signing key ", kid, " is missing"));
}

absl::StatusOr<std::string> IdentityLogic::AccessToken(const std::string& tenant, const std::string& subject,
                                                       const v1::Account* account, const std::string& role) {
  PELITA_ASSIGN_OR_RETURN(SigningKey key, CurrentKey());
  const int64_t now = absl::ToUnixSeconds(options_.clock());
  nlohmann::json claims = {{"sub", subject},
                           {"tenant", tenant},
                           {"role", role},
                           {"iat", now},
                           {"exp", now + absl::ToInt64Seconds(options_.access_ttl)},
                           {"jti", RandomToken(9)}};
  if (account != nullptr) {
    if (!account->unit().empty()) claims["unit"] = account->unit();
    if (!account->province().empty()) claims["province"] = account->province();
    if (!account->cohorts().empty()) {
      claims["cohorts"] = std::vector<std::string>(account->cohorts().begin(), account->cohorts().end());
    }
  }
  return key.key->SignJwt(key.kid, claims.dump());
}

std::string IdentityLogic::RoleNow(const std::string& tenant, const std::string& id, const v1::Account& account) {
  const std::string participant(RoleName(Role::kParticipant));
  const std::string supervisor(RoleName(Role::kSupervisor));
  if (account.role() != participant && account.role() != supervisor) return account.role();
  absl::StatusOr<bool> supervises = roster_->Supervises(tenant, id);
  if (!supervises.ok()) {
    LogWarning("roster unreachable: signing in as participant", {{"account", id}, {"error", supervises.status().ToString()}});
    return participant;
  }
  return *supervises ? supervisor : participant;
}

absl::StatusOr<v1::TokenResponse> IdentityLogic::IssueTokens(const std::string& tenant, const std::string& id,
                                                             const v1::Account& account, const std::string& family) {
  // A province account's token names its province: it reads the regencies
  // of the province (the gateway's tenant rules).
  const std::string claim_tenant = account.role() == "province" ? account.province() : tenant;
  PELITA_ASSIGN_OR_RETURN(std::string access, AccessToken(claim_tenant, id, &account, RoleNow(tenant, id, account)));
  v1::TokenResponse out;
  out.set_access_token(access);
  out.set_token_type("Bearer");
  out.set_expires_in(absl::ToInt64Seconds(options_.access_ttl));
  out.set_refresh_token(absl::StrCat(tenant, ".", RandomToken(32)));
  IdentityStore::RefreshRecord r{id, family, options_.clock() + options_.refresh_ttl};
  if (family.empty()) {
    r.family = RandomToken(12);
    PELITA_RETURN_IF_ERROR(store_->AddRefresh(tenant, Sha256Hex(out.refresh_token()), r));
  }
  return out;
}

// --- sign-in ---------------------------------------------------------------------------

absl::StatusOr<v1::TokenResponse> IdentityLogic::SignIn(const Caller& caller, const v1::SignInRequest& request) {
  if (!ValidateTenant(request.tenant_code()).ok()) return InvalidField("tenant_code", "a 4-digit regency code");
  const std::string id = NormalizedUsername(request.username());
  PELITA_RETURN_IF_ERROR(ParseAccountId("username", id).status());
  if (request.password().empty()) return InvalidField("password", "required");
  const std::string& tenant = request.tenant_code();
  const std::string name = AccountName(tenant, id);
  const std::string source = SourceOf(caller);
  for (const auto& [scope, who] : {std::pair<std::string, std::string>{tenant, id}, {"", absl::StrCat("addr:", source)}}) {
    if (who == "addr:") continue;
    if (absl::Status s = CheckThrottle(scope, who); !s.ok()) {
      if (s.code() == absl::StatusCode::kResourceExhausted) AuditEvent(tenant, "SIGN_IN_THROTTLED", name, id, source, "");
      return s;
    }
  }
  auto account = store_->GetAccount(tenant, id);
  if (!account.ok() && account.status().code() != absl::StatusCode::kNotFound) return account.status();
  std::string stored;
  if (account.ok()) {
    PELITA_ASSIGN_OR_RETURN(stored, store_->PasswordHash(tenant, id));
  }
  // The same work whether or not the account exists: no enumeration by time.
  bool match = false;
  PELITA_RETURN_IF_ERROR(WithHashSlot([&] {
    match = CheckPassword(stored.empty() ? dummy_hash_ : stored, request.password()) && !stored.empty();
  }));
  if (!match) {
    PELITA_RETURN_IF_ERROR(Fail(tenant, id, options_.account_free_failures, options_.account_cap));
    if (!source.empty()) {
      PELITA_RETURN_IF_ERROR(
          Fail("", absl::StrCat("addr:", source), options_.address_free_failures, options_.address_cap,
               options_.address_window));
    }
    AuditEvent(tenant, "SIGN_IN_FAILED", name, id, source, account.ok() ? "wrong password" : "no such account");
    return BadCredentials();
  }
  if (account->disabled()) {
    AuditEvent(tenant, "SIGN_IN_FAILED", name, id, source, "account disabled");
    return WithReason(absl::UnauthenticatedError("this account is disabled"), "ACCOUNT_DISABLED");
  }
  PELITA_RETURN_IF_ERROR(store_->ClearThrottle(tenant, id));
  PELITA_ASSIGN_OR_RETURN(auto tokens, IssueTokens(tenant, id, *account, ""));
  AuditEvent(tenant, "SIGN_IN", name, id, source, account->role());
  return tokens;
}

absl::StatusOr<google::protobuf::Empty> IdentityLogic::Activate(const Caller& caller,
                                                                const v1::ActivateRequest& request) {
  if (!ValidateTenant(request.tenant_code()).ok()) return InvalidField("tenant_code", "a 4-digit regency code");
  const std::string id = NormalizedUsername(request.username());
  PELITA_RETURN_IF_ERROR(ParseAccountId("username", id).status());
  if (request.code().empty() || request.code().size() > 64) return InvalidField("code", "the activation code");
  PELITA_RETURN_IF_ERROR(ValidatePassword("password", request.password()));
  const std::string& tenant = request.tenant_code();
  const std::string name = AccountName(tenant, id);
  const std::string source = SourceOf(caller);
  PELITA_RETURN_IF_ERROR(CheckThrottle(tenant, id));
  auto account = store_->GetAccount(tenant, id);
  if (!account.ok()) {
    if (account.status().code() != absl::StatusCode::kNotFound) return account.status();
    return WithReason(absl::UnauthenticatedError("wrong activation code"), "CODE_INVALID");
  }
  if (account->disabled()) return WithReason(absl::UnauthenticatedError("this account is disabled"), "ACCOUNT_DISABLED");
  absl::StatusOr<std::string> hashed;
  PELITA_RETURN_IF_ERROR(WithHashSlot([&] { hashed = HashPassword(request.password(), options_.password_cost); }));
  PELITA_ASSIGN_OR_RETURN(std::string hash, std::move(hashed));
  absl::Status used = store_->UseActivationCode(tenant, id, Sha256Hex(request.code()), options_.clock(), hash);
  if (!used.ok()) {
    if (used.code() == absl::StatusCode::kUnauthenticated) {
      PELITA_RETURN_IF_ERROR(Fail(tenant, id, options_.account_free_failures, options_.account_cap));
      AuditEvent(tenant, "ACTIVATION_FAILED", name, id, source, "wrong or used code");
      return WithReason(absl::UnauthenticatedError("wrong activation code, or it was used already"), "CODE_INVALID");
    }
    if (used.code() == absl::StatusCode::kFailedPrecondition) {
      AuditEvent(tenant, "ACTIVATION_FAILED", name, id, source, "code expired");
      return WithReason(absl::UnauthenticatedError("the activation code has expired: ask your organiser for a new one"),
                        "CODE_EXPIRED");
    }
    return used;
  }
  // A new password ends every session signed in with the old one.
  PELITA_RETURN_IF_ERROR(store_->RevokeAllFamilies(tenant, id));
  PELITA_RETURN_IF_ERROR(store_->ClearThrottle(tenant, id));
  PELITA_RETURN_IF_ERROR(store_
                             ->UpdateAccount(tenant, id,
                                             [](v1::Account& a) {
                                               a.set_activated(true);
                                               return absl::OkStatus();
                                             })
                             .status());
  AuditEvent(tenant, "ACTIVATED", name, id, source, "");
  return google::protobuf::Empty();
}

absl::StatusOr<google::protobuf::Empty> IdentityLogic::ChangePassword(const Caller& caller,
                                                                      const v1::ChangePasswordRequest& request) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", request.name(), "tenants/*/accounts/*"));
  const std::string &tenant = parts[0], &id = parts[1];
  if (caller.subject != id) {
    return WithReason(absl::PermissionDeniedError("only your own password"), "NOT_YOUR_ACCOUNT");
  }
  if (request.current_password().empty()) return InvalidField("current_password", "required");
  PELITA_RETURN_IF_ERROR(ValidatePassword("new_password", request.new_password()));
  PELITA_RETURN_IF_ERROR(CheckThrottle(tenant, id));
  PELITA_ASSIGN_OR_RETURN(std::string stored, store_->PasswordHash(tenant, id));
  bool match = false;
  absl::StatusOr<std::string> hashed;
  PELITA_RETURN_IF_ERROR(WithHashSlot([&] {
    match = !stored.empty() && CheckPassword(stored, request.current_password());
    if (match) hashed = HashPassword(request.new_password(), options_.password_cost);
  }));
  if (!match) {
    PELITA_RETURN_IF_ERROR(Fail(tenant, id, options_.account_free_failures, options_.account_cap));
    AuditEvent(tenant, "PASSWORD_CHANGE_FAILED", request.name(), id, "", "wrong current password");
    return WithReason(absl::UnauthenticatedError("the current password is wrong"), "WRONG_PASSWORD");
  }
  PELITA_ASSIGN_OR_RETURN(std::string hash, std::move(hashed));
  PELITA_RETURN_IF_ERROR(store_->SetPassword(tenant, id, hash));
  PELITA_RETURN_IF_ERROR(store_->RevokeAllFamilies(tenant, id));
  AuditEvent(tenant, "PASSWORD_CHANGED", request.name(), id, "", "");
  return google::protobuf::Empty();
}

absl::StatusOr<v1::TokenResponse> IdentityLogic::Refresh(const Caller& caller, const v1::RefreshRequest& request) {
  if (request.refresh_token().empty()) return InvalidField("refresh_token", "required");
  PELITA_ASSIGN_OR_RETURN(RefreshParts p, ParseRefresh(request.refresh_token()));
  auto record = store_->GetRefresh(p.tenant, p.hash);
  if (record.status().code() == absl::StatusCode::kNotFound) {
    return WithReason(absl::UnauthenticatedError("unknown refresh token"), "REFRESH_UNKNOWN");
  }
  PELITA_RETURN_IF_ERROR(record.status());
  const std::string name = AccountName(p.tenant, record->account);
  if (record->revoked) return WithReason(absl::UnauthenticatedError("the refresh token was revoked"), "REFRESH_REVOKED");
  if (record->expiry <= options_.clock()) {
    return WithReason(absl::UnauthenticatedError("the refresh token has expired"), "REFRESH_EXPIRED");
  }
  PELITA_ASSIGN_OR_RETURN(v1::Account account, store_->GetAccount(p.tenant, record->account));
  if (account.disabled()) {
    PELITA_RETURN_IF_ERROR(store_->RevokeAllFamilies(p.tenant, record->account));
    return WithReason(absl::UnauthenticatedError("this account is disabled"), "ACCOUNT_DISABLED");
  }
  PELITA_ASSIGN_OR_RETURN(auto tokens, IssueTokens(p.tenant, record->account, account, record->family));
  IdentityStore::RefreshRecord next{record->account, record->family, options_.clock() + options_.refresh_ttl};
  absl::Status s = store_->RotateRefresh(p.tenant, p.hash, record->family, Sha256Hex(tokens.refresh_token()), next);
  if (ErrorReason(s) == "REFRESH_REUSED") {
    AuditEvent(p.tenant, "REFRESH_REUSED", name, record->account, SourceOf(caller), "family revoked");
  }
  PELITA_RETURN_IF_ERROR(s);
  return tokens;
}

absl::StatusOr<google::protobuf::Empty> IdentityLogic::SignOut(const Caller& caller,
                                                               const v1::SignOutRequest& request) {
  if (request.refresh_token().empty()) return InvalidField("refresh_token", "required");
  // Like RFC 7009 §2.2: an unknown token is no error (it is signed out).
  auto p = ParseRefresh(request.refresh_token());
  if (!p.ok()) return google::protobuf::Empty();
  auto record = store_->GetRefresh(p->tenant, p->hash);
  if (record.status().code() == absl::StatusCode::kNotFound) return google::protobuf::Empty();
  PELITA_RETURN_IF_ERROR(record.status());
  PELITA_RETURN_IF_ERROR(store_->RevokeFamily(p->tenant, record->family));
  AuditEvent(p->tenant, "SIGNED_OUT", AccountName(p->tenant, record->account), record->account, SourceOf(caller), "");
  return google::protobuf::Empty();
}

absl::StatusOr<v1::TokenResponse> IdentityLogic::Token(const Caller& caller, const v1::TokenRequest& request) {
  if (request.grant_type() != "client_credentials") {
    return InvalidField("grant_type", "unsupported_grant_type: only client_credentials (RFC 6749 §4.4)");
  }
  PELITA_RETURN_IF_ERROR(ValidateSlug("client_id", request.client_id()));
  if (request.client_secret().empty()) return InvalidField("client_secret", "required");
  const std::string who = absl::StrCat("client:", request.client_id());
  const std::string source = SourceOf(caller);
  PELITA_RETURN_IF_ERROR(CheckThrottle("", who));
  if (!source.empty()) PELITA_RETURN_IF_ERROR(CheckThrottle("", absl::StrCat("addr:", source)));
  PELITA_ASSIGN_OR_RETURN(std::string stored, store_->ServiceSecretHash(request.client_id()));
  if (stored.empty() || !ConstantTimeEqual(stored, Sha256Hex(request.client_secret()))) {
    PELITA_RETURN_IF_ERROR(Fail("", who, options_.account_free_failures, options_.account_cap));
    if (!source.empty()) {
      PELITA_RETURN_IF_ERROR(
          Fail("", absl::StrCat("addr:", source), options_.address_free_failures, options_.address_cap,
               options_.address_window));
    }
    LogWarning("client credentials refused", {{"client_id", request.client_id()}, {"source", source}});
    return WithReason(absl::UnauthenticatedError("invalid_client"), "INVALID_CLIENT");
  }
  PELITA_ASSIGN_OR_RETURN(v1::ServiceAccount sa, store_->GetServiceAccount(request.client_id()));
  PELITA_RETURN_IF_ERROR(store_->ClearThrottle("", who));
  PELITA_ASSIGN_OR_RETURN(std::string access, AccessToken(kNationalTenantCode /* a service account: the whole platform */, request.client_id(), nullptr, sa.role()));
  LogInfo("client credentials granted", {{"client_id", request.client_id()}, {"source", source}});
  v1::TokenResponse out;
  out.set_access_token(access);
  out.set_token_type("Bearer");
  out.set_expires_in(absl::ToInt64Seconds(options_.access_ttl));
  return out;
}

// --- keys --------------------------------------------------------------------------------

absl::StatusOr<v1::Jwks> IdentityLogic::GetJwks(const Caller&, const v1::GetJwksRequest&) {
  PELITA_RETURN_IF_ERROR(CurrentKey().status());  // there is always one to publish
  PELITA_ASSIGN_OR_RETURN(auto keys, store_->SigningKeys(options_.clock()));
  v1::Jwks out;
  for (const auto& k : keys) {
    PELITA_ASSIGN_OR_RETURN(auto parsed, ParsedKey(k.kid, k.pem));
    jose::PublicCoordinates c = parsed->Public();
    v1::JsonWebKey* j = out.add_keys();
    j->set_kty("EC");
    j->set_crv("P-256");
    j->set_x(c.x);
    j->set_y(c.y);
    j->set_kid(k.kid);
    j->set_use("sig");
    j->set_alg("ES256");
  }
  return out;
}

absl::StatusOr<v1::SigningKey> IdentityLogic::RotateSigningKey(const Caller& caller,
                                                               const v1::RotateSigningKeyRequest&) {
  if (!IsPlatformAdmin(caller) && ParseRole(caller.role).value_or(Role::kAdmin) != Role::kInternal) {
    return WithReason(absl::PermissionDeniedError("only the platform admin rotates signing keys"),
                      "PLATFORM_ADMIN_ONLY");
  }
  PELITA_ASSIGN_OR_RETURN(auto fresh, jose::Es256PrivateKey::Generate());
  const absl::Time now = options_.clock();
  IdentityStore::SigningKeyRecord r{RandomToken(12), fresh.ToPem(), now};
  PELITA_RETURN_IF_ERROR(store_->AddSigningKey(r, now + options_.access_ttl + kKeyGrace, false).status());
  LogInfo("signing key rotated", {{"kid", r.kid}, {"by", caller.subject}});
  v1::SigningKey out;
  out.set_kid(r.kid);
  *out.mutable_create_time() = ToTimestamp(now);
  return out;
}

// --- service accounts ---------------------------------------------------------------------

absl::StatusOr<v1::ServiceAccount> IdentityLogic::CreateServiceAccount(
    const Caller& caller, const v1::CreateServiceAccountRequest& request) {
  if (!IsPlatformAdmin(caller) && ParseRole(caller.role).value_or(Role::kAdmin) != Role::kInternal) {
    return WithReason(absl::PermissionDeniedError("only the platform admin manages service accounts"),
                      "PLATFORM_ADMIN_ONLY");
  }
  PELITA_RETURN_IF_ERROR(ValidateSlug("service_account_id", request.service_account_id()));
  v1::ServiceAccount sa = request.service_account();
  if (sa.role() != "national_integrator") {
    return InvalidField("service_account.role", "national_integrator (the one machine role)");
  }
  if (sa.display_name().size() > 200) return InvalidField("service_account.display_name", "at most 200 bytes");
  sa.set_name(absl::StrCat("serviceAccounts/", request.service_account_id()));
  sa.clear_client_secret();
  *sa.mutable_create_time() = ToTimestamp(options_.clock());
  const std::string secret = RandomToken(32);
  PELITA_RETURN_IF_ERROR(store_->CreateServiceAccount(request.service_account_id(), sa, Sha256Hex(secret)));
  LogInfo("service account created", {{"name", sa.name()}, {"by", caller.subject}});
  sa.set_client_secret(secret);
  return sa;
}

absl::StatusOr<v1::ServiceAccount> IdentityLogic::RotateServiceAccountSecret(
    const Caller& caller, const v1::RotateServiceAccountSecretRequest& request) {
  if (!IsPlatformAdmin(caller) && ParseRole(caller.role).value_or(Role::kAdmin) != Role::kInternal) {
    return WithReason(absl::PermissionDeniedError("only the platform admin manages service accounts"),
                      "PLATFORM_ADMIN_ONLY");
  }
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseResourceName("name", request.name(), "serviceAccounts/*"));
  PELITA_ASSIGN_OR_RETURN(v1::ServiceAccount sa, store_->GetServiceAccount(parts[0]));
  const std::string secret = RandomToken(32);
  PELITA_RETURN_IF_ERROR(store_->SetServiceSecret(parts[0], Sha256Hex(secret)));
  LogInfo("service account secret rotated", {{"name", sa.name()}, {"by", caller.subject}});
  sa.set_client_secret(secret);
  return sa;
}

// --- audit --------------------------------------------------------------------------------

absl::StatusOr<v1::ListAuditEventsResponse> IdentityLogic::ListAuditEvents(
    const Caller& caller, const v1::ListAuditEventsRequest& request) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "parent", request.parent(), "tenants/*"));
  auto role = ParseRole(caller.role);
  if (!role.ok() || (*role != Role::kAdmin && *role != Role::kInternal)) {
    return WithReason(absl::PermissionDeniedError("only admins read the audit log"), "ADMIN_ONLY");
  }
  PELITA_ASSIGN_OR_RETURN(int size, store::EffectivePageSize(request.page_size()));
  std::string before;
  if (!request.page_token().empty()) {
    auto decoded = store::DecodePageToken(request.page_token());
    if (!decoded.ok()) return InvalidField("page_token", "not a page token of this list");
    before = *decoded;
  }
  PELITA_ASSIGN_OR_RETURN(auto events, store_->ListAudit(parts[0], before, size + 1));
  v1::ListAuditEventsResponse out;
  for (int i = 0; i < static_cast<int>(events.size()) && i < size; ++i) *out.add_events() = events[i];
  if (static_cast<int>(events.size()) > size) out.set_next_page_token(store::EncodePageToken(events[size - 1].id()));
  return out;
}

}  // namespace pelita::identity
