#include "services/identity/store.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"
#include "lib/tenancy/key_builder.h"

namespace pelita::identity {
namespace {

KeyBuilder Keys(const std::string& tenant) { return KeyBuilder("identity", tenant); }
const KeyBuilder& Platform() {
  static const auto* k = new KeyBuilder(KeyBuilder::Platform("identity"));
  return *k;
}
KeyBuilder Scope(const std::string& scope) { return scope.empty() ? Platform() : Keys(scope); }

store::ResourceTable Accounts(redis::Client* redis, const std::string& tenant) {
  return store::ResourceTable(redis, "account", Keys(tenant).Key("accounts"), Keys(tenant).Key("account_index"));
}
store::ResourceTable ServiceAccounts(redis::Client* redis) {
  return store::ResourceTable(redis, "service account", Platform().Key("service_accounts"),
                              Platform().Key("service_account_index"));
}

// One command whose error reply becomes a status.
absl::StatusOr<redis::Reply> Run(redis::Client* redis, const redis::Command& command) {
  auto reply = redis->Run(command);
  if (!reply.ok()) return reply.status();
  if (auto s = redis::ReplyStatus(*reply); !s.ok()) return s;
  return reply;
}

int64_t Unix(absl::Time t) { return absl::ToUnixSeconds(t); }
std::string UnixText(absl::Time t) { return absl::StrCat(Unix(t)); }

// KEYS: activation, passwords.  ARGV: id, code hash, now, password hash.
redis::Script g_use_code(R"(
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return redis.error_reply('UNAUTHENTICATED no activation code is open for this account') end
local sp = string.find(v, ' ')
local hash, expiry = string.sub(v, 1, sp - 1), tonumber(string.sub(v, sp + 1))
if hash ~= ARGV[2] then return redis.error_reply('UNAUTHENTICATED wrong activation code') end
redis.call('HDEL', KEYS[1], ARGV[1])
if expiry <= tonumber(ARGV[3]) then return redis.error_reply('FAILED_PRECONDITION the activation code has expired') end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 1
)");

// KEYS: throttle.  ARGV: until, window seconds.
redis::Script g_fail(R"(
local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSET', KEYS[1], 'until', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n
)");

// KEYS: old refresh, new refresh, revoked, families.  ARGV: family, account,
// expiry, ttl seconds.
redis::Script g_rotate(R"(
if redis.call('HGET', KEYS[3], ARGV[1]) then
  return redis.error_reply('UNAUTHENTICATED the refresh token was revoked')
end
local used = redis.call('HGET', KEYS[1], 'used')
if not used then return redis.error_reply('UNAUTHENTICATED unknown refresh token') end
if redis.call('HGET', KEYS[1], 'family') ~= ARGV[1] then
  return redis.error_reply('UNAUTHENTICATED unknown refresh token')
end
if used == '1' then
  redis.call('HSET', KEYS[3], ARGV[1], '1')
  return 0
end
redis.call('HSET', KEYS[1], 'used', '1')
redis.call('HSET', KEYS[2], 'account', ARGV[2], 'family', ARGV[1], 'expire', ARGV[3], 'used', '0')
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[1])
return 1
)");

// KEYS: families, revoked.
redis::Script g_revoke_all(R"(
local fams = redis.call('SMEMBERS', KEYS[1])
for _, f in ipairs(fams) do redis.call('HSET', KEYS[2], f, '1') end
redis.call('DEL', KEYS[1])
return #fams
)");

// KEYS: keys, retire, current.  ARGV: only_if_none, kid, record, previous_retire.
redis::Script g_add_key(R"(
local cur = redis.call('GET', KEYS[3])
if cur and ARGV[1] == '1' then return cur end
if cur then redis.call('HSET', KEYS[2], cur, ARGV[4]) end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SET', KEYS[3], ARGV[2])
return ARGV[2]
)");

// KEYS: accounts, index, secrets.  ARGV: id, bytes, secret hash.
redis::Script g_create_sa(R"(
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return redis.error_reply('ALREADY_EXISTS serviceAccounts/' .. ARGV[1] .. ' already exists')
end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 1
)");

}  // namespace

IdentityStore::IdentityStore(redis::Client* redis) : redis_(redis) {}

// --- accounts -------------------------------------------------------------------

absl::Status IdentityStore::CreateAccount(const std::string& tenant, const std::string& id,
                                          const v1::Account& account) {
  absl::Status s = Accounts(redis_, tenant).Insert(id, account.SerializeAsString());
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat(account.name(), " already exists"));
  }
  return s;
}

absl::StatusOr<v1::Account> IdentityStore::GetAccount(const std::string& tenant, const std::string& id) const {
  auto a = Accounts(redis_, tenant).Get<v1::Account>(id);
  if (a.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("tenants/", tenant, "/accounts/", id, " does not exist"));
  }
  return a;
}

absl::StatusOr<v1::Account> IdentityStore::UpdateAccount(const std::string& tenant, const std::string& id,
                                                         const std::function<absl::Status(v1::Account&)>& mutate) {
  auto table = Accounts(redis_, tenant);
  auto a = table.Update<v1::Account>(id, mutate);
  if (a.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("tenants/", tenant, "/accounts/", id, " does not exist"));
  }
  return a;
}

absl::StatusOr<IdentityStore::AccountPage> IdentityStore::ListAccounts(const std::string& tenant, int page_size,
                                                                       const std::string& page_token) const {
  auto page = Accounts(redis_, tenant).List(page_size, page_token);
  if (!page.ok()) return page.status();
  AccountPage out;
  out.next_page_token = page->next_page_token;
  for (const auto& [id, bytes] : page->items) {
    v1::Account a;
    if (!a.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("account ", id, " is corrupt"));
    out.accounts.push_back(std::move(a));
  }
  return out;
}

// --- passwords and codes ------------------------------------------------------------

absl::StatusOr<std::string> IdentityStore::PasswordHash(const std::string& tenant, const std::string& id) const {
  auto r = Run(redis_, {"HGET", Keys(tenant).Key("passwords"), id});
  if (!r.ok()) return r.status();
  return r->is_string() ? r->str : std::string();
}

absl::Status IdentityStore::SetPassword(const std::string& tenant, const std::string& id,
                                        const std::string& password_hash) {
  return Run(redis_, {"HSET", Keys(tenant).Key("passwords"), id, password_hash}).status();
}

absl::Status IdentityStore::SetActivationCode(const std::string& tenant, const std::string& id,
                                              const std::string& code_hash, absl::Time expiry) {
  return Run(redis_, {"HSET", Keys(tenant).Key("activation"), id, absl::StrCat(code_hash, " ", Unix(expiry))})
      .status();
}

absl::Status IdentityStore::UseActivationCode(const std::string& tenant, const std::string& id,
                                              const std::string& code_hash, absl::Time now,
                                              const std::string& password_hash) {
  absl::Status s = redis_
                       ->Eval(g_use_code, {Keys(tenant).Key("activation"), Keys(tenant).Key("passwords")},
                              {id, code_hash, UnixText(now), password_hash})
                       .status();
  if (s.code() == absl::StatusCode::kFailedPrecondition) return WithReason(s, "CODE_EXPIRED");
  return s;
}

// --- throttling -------------------------------------------------------------------

absl::StatusOr<IdentityStore::Throttle> IdentityStore::GetThrottle(const std::string& scope,
                                                                   const std::string& who) const {
  auto r = Run(redis_, {"HMGET", Scope(scope).Key("throttle", who), "failures", "until"});
  if (!r.ok()) return r.status();
  Throttle t;
  if (r->elements.size() == 2 && r->elements[0].is_string()) {
    int64_t until = 0;
    (void)absl::SimpleAtoi(r->elements[0].str, &t.failures);
    if (r->elements[1].is_string() && absl::SimpleAtoi(r->elements[1].str, &until)) {
      t.until = absl::FromUnixSeconds(until);
    }
  }
  return t;
}

absl::Status IdentityStore::RecordFailure(const std::string& scope, const std::string& who, absl::Time until,
                                          absl::Duration window) {
  const int64_t seconds = std::max<int64_t>(1, absl::ToInt64Seconds(window));
  return redis_->Eval(g_fail, {Scope(scope).Key("throttle", who)}, {UnixText(until), absl::StrCat(seconds)})
      .status();
}

absl::Status IdentityStore::ClearThrottle(const std::string& scope, const std::string& who) {
  return Run(redis_, {"DEL", Scope(scope).Key("throttle", who)}).status();
}

// --- refresh tokens -------------------------------------------------------------------

absl::Status IdentityStore::AddRefresh(const std::string& tenant, const std::string& token_hash,
                                       const RefreshRecord& r) {
  const std::string key = Keys(tenant).Key("refresh", token_hash);
  const int64_t ttl = std::max<int64_t>(1, Unix(r.expiry) - absl::ToUnixSeconds(absl::Now()));
  auto replies = redis_->Transaction({
      {"HSET", key, "account", r.account, "family", r.family, "expire", UnixText(r.expiry), "used", "0"},
      {"EXPIRE", key, absl::StrCat(ttl)},
      {"SADD", Keys(tenant).Key("families", r.account), r.family},
  });
  if (!replies.ok()) return replies.status();
  for (const auto& reply : *replies) PELITA_RETURN_IF_ERROR(redis::ReplyStatus(reply));
  return absl::OkStatus();
}

absl::StatusOr<IdentityStore::RefreshRecord> IdentityStore::GetRefresh(const std::string& tenant,
                                                                       const std::string& token_hash) const {
  auto r = Run(redis_, {"HMGET", Keys(tenant).Key("refresh", token_hash), "account", "family", "expire", "used"});
  if (!r.ok()) return r.status();
  if (r->elements.size() != 4 || !r->elements[0].is_string() || !r->elements[1].is_string()) {
    return absl::NotFoundError("unknown refresh token");
  }
  RefreshRecord out;
  out.account = r->elements[0].str;
  out.family = r->elements[1].str;
  int64_t expiry = 0;
  (void)absl::SimpleAtoi(r->elements[2].str, &expiry);
  out.expiry = absl::FromUnixSeconds(expiry);
  out.used = r->elements[3].str == "1";
  auto revoked = Run(redis_, {"HEXISTS", Keys(tenant).Key("revoked"), out.family});
  if (!revoked.ok()) return revoked.status();
  out.revoked = revoked->integer == 1;
  return out;
}

absl::Status IdentityStore::RotateRefresh(const std::string& tenant, const std::string& old_hash,
                                          const std::string& family, const std::string& new_hash,
                                          const RefreshRecord& next) {
  const int64_t ttl = std::max<int64_t>(1, Unix(next.expiry) - absl::ToUnixSeconds(absl::Now()));
  auto r = redis_->Eval(g_rotate,
                        {Keys(tenant).Key("refresh", old_hash), Keys(tenant).Key("refresh", new_hash),
                         Keys(tenant).Key("revoked"), Keys(tenant).Key("families", next.account)},
                        {family, next.account, UnixText(next.expiry), absl::StrCat(ttl)});
  if (!r.ok()) return r.status();
  if (r->integer == 0) {
    return WithReason(absl::UnauthenticatedError(
                          "this refresh token was used before: every session of its sign-in is revoked"),
                      "REFRESH_REUSED");
  }
  return absl::OkStatus();
}

absl::Status IdentityStore::RevokeFamily(const std::string& tenant, const std::string& family) {
  return Run(redis_, {"HSET", Keys(tenant).Key("revoked"), family, "1"}).status();
}

absl::Status IdentityStore::RevokeAllFamilies(const std::string& tenant, const std::string& account) {
  return redis_->Eval(g_revoke_all, {Keys(tenant).Key("families", account), Keys(tenant).Key("revoked")}, {})
      .status();
}

// --- audit ------------------------------------------------------------------------------

absl::Status IdentityStore::Audit(const std::string& tenant, const v1::AuditEvent& e) {
  return Run(redis_, {"XADD", Keys(tenant).Key("audit"), "MAXLEN", "~", "1000000", "*", "type", e.type(),
                      "account", e.account(), "actor", e.actor(), "source", e.source(), "detail", e.detail(),
                      "time", absl::StrCat(e.time().seconds())})
      .status();
}

absl::StatusOr<std::vector<v1::AuditEvent>> IdentityStore::ListAudit(const std::string& tenant,
                                                                    const std::string& before, int count) const {
  auto r = Run(redis_, {"XREVRANGE", Keys(tenant).Key("audit"), before.empty() ? "+" : absl::StrCat("(", before),
                        "-", "COUNT", absl::StrCat(count)});
  if (!r.ok()) return r.status();
  std::vector<v1::AuditEvent> out;
  for (const auto& entry : r->elements) {
    if (entry.elements.size() != 2) continue;
    v1::AuditEvent e;
    e.set_id(entry.elements[0].str);
    const auto& f = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
      const std::string& k = f[i].str;
      const std::string& v = f[i + 1].str;
      if (k == "type") e.set_type(v);
      if (k == "account") e.set_account(v);
      if (k == "actor") e.set_actor(v);
      if (k == "source") e.set_source(v);
      if (k == "detail") e.set_detail(v);
      int64_t secs = 0;
      if (k == "time" && absl::SimpleAtoi(v, &secs)) e.mutable_time()->set_seconds(secs);
    }
    out.push_back(std::move(e));
  }
  return out;
}

// --- signing keys ----------------------------------------------------------------------------

absl::StatusOr<std::string> IdentityStore::AddSigningKey(const SigningKeyRecord& record, absl::Time previous_retire,
                                                         bool only_if_none) {
  auto r = redis_->Eval(g_add_key,
                        {Platform().Key("signing_keys"), Platform().Key("key_retire"), Platform().Key("current_kid")},
                        {only_if_none ? "1" : "0", record.kid, absl::StrCat(Unix(record.created), " ", record.pem),
                         UnixText(previous_retire)});
  if (!r.ok()) return r.status();
  return r->str;
}

absl::StatusOr<std::string> IdentityStore::CurrentKid() const {
  auto r = Run(redis_, {"GET", Platform().Key("current_kid")});
  if (!r.ok()) return r.status();
  return r->is_string() ? r->str : std::string();
}

absl::StatusOr<std::vector<IdentityStore::SigningKeyRecord>> IdentityStore::SigningKeys(absl::Time now) {
  auto replies = redis_->Pipeline({{"HGETALL", Platform().Key("signing_keys")},
                                   {"HGETALL", Platform().Key("key_retire")},
                                   {"GET", Platform().Key("current_kid")}});
  if (!replies.ok()) return replies.status();
  for (const auto& reply : *replies) PELITA_RETURN_IF_ERROR(redis::ReplyStatus(reply));
  absl::flat_hash_map<std::string, absl::Time> retire;
  const auto& rr = (*replies)[1].elements;
  for (size_t i = 0; i + 1 < rr.size(); i += 2) {
    int64_t t = 0;
    if (absl::SimpleAtoi(rr[i + 1].str, &t)) retire[rr[i].str] = absl::FromUnixSeconds(t);
  }
  const std::string current = (*replies)[2].is_string() ? (*replies)[2].str : "";
  std::vector<SigningKeyRecord> out;
  const auto& kr = (*replies)[0].elements;
  for (size_t i = 0; i + 1 < kr.size(); i += 2) {
    SigningKeyRecord k;
    k.kid = kr[i].str;
    std::pair<std::string, std::string> parts = absl::StrSplit(kr[i + 1].str, absl::MaxSplits(' ', 1));
    int64_t created = 0;
    (void)absl::SimpleAtoi(parts.first, &created);
    k.created = absl::FromUnixSeconds(created);
    k.pem = parts.second;
    if (auto it = retire.find(k.kid); it != retire.end() && k.kid != current) {
      k.retire = it->second;
      if (k.retire <= now) {
        // Every token it signed has expired: forget it.
        PELITA_RETURN_IF_ERROR(
            Run(redis_, {"HDEL", Platform().Key("signing_keys"), k.kid}).status());
        PELITA_RETURN_IF_ERROR(Run(redis_, {"HDEL", Platform().Key("key_retire"), k.kid}).status());
        continue;
      }
    }
    out.push_back(std::move(k));
  }
  return out;
}

// --- service accounts -------------------------------------------------------------------------

absl::Status IdentityStore::CreateServiceAccount(const std::string& id, const v1::ServiceAccount& account,
                                                 const std::string& secret_hash) {
  return redis_
      ->Eval(g_create_sa,
             {Platform().Key("service_accounts"), Platform().Key("service_account_index"),
              Platform().Key("service_secrets")},
             {id, account.SerializeAsString(), secret_hash})
      .status();
}

absl::StatusOr<v1::ServiceAccount> IdentityStore::GetServiceAccount(const std::string& id) const {
  auto a = ServiceAccounts(redis_).Get<v1::ServiceAccount>(id);
  if (a.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("serviceAccounts/", id, " does not exist"));
  }
  return a;
}

absl::Status IdentityStore::SetServiceSecret(const std::string& id, const std::string& secret_hash) {
  return Run(redis_, {"HSET", Platform().Key("service_secrets"), id, secret_hash}).status();
}

absl::StatusOr<std::string> IdentityStore::ServiceSecretHash(const std::string& id) const {
  auto r = Run(redis_, {"HGET", Platform().Key("service_secrets"), id});
  if (!r.ok()) return r.status();
  return r->is_string() ? r->str : std::string();
}

}  // namespace pelita::identity
