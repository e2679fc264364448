#ifndef PELITA_SERVICES_IDENTITY_STORE_H_
#define PELITA_SERVICES_IDENTITY_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "lib/store/resource_table.h"
#include "pelita/identity/v1/identity.pb.h"

namespace pelita::identity {

// The identity service's keys.  Per tenant (KeyBuilder("identity", t), all
// in the tenant's Cluster slot):
//   identity:{t}:accounts            hash   id -> pelita.identity.v1.Account
//   identity:{t}:account_index       zset   ids (paging)
//   identity:{t}:passwords           hash   id -> Argon2id PHC string
//   identity:{t}:activation          hash   id -> "<sha256 of code> <expiry unix s>"
//   identity:{t}:throttle:{id}       hash   failures, until (unix s); expires a day after the last failure
//                                            (a source address's: an hour)
//   identity:{t}:refresh:{sha256}    hash   account, family, expire, used; expires with the token
//   identity:{t}:families:{id}       set    the refresh families of an account
//   identity:{t}:revoked             hash   family -> 1 (revoked families)
//   identity:{t}:audit               stream the audit log (append-only, MAXLEN ~ 1,000,000)
// Platform-wide (KeyBuilder::Platform("identity")):
//   identity:{platform}:signing_keys  hash   kid -> "<created unix s> <PKCS#8 PEM>"
//   identity:{platform}:key_retire    hash   kid -> unix s after which it is no longer published
//   identity:{platform}:current_kid   string the kid that signs
//   identity:{platform}:service_accounts        hash id -> ServiceAccount (no secret)
//   identity:{platform}:service_account_index   zset
//   identity:{platform}:service_secrets         hash id -> sha256 of the client secret
//   identity:{platform}:throttle:{address or client}  hash failures, until
// Nothing here ever holds a password, code or secret in clear.
class IdentityStore {
 public:
  explicit IdentityStore(redis::Client* redis);

  // --- accounts -------------------------------------------------------------
  // ALREADY_EXISTS when the id is taken.
  absl::Status CreateAccount(const std::string& tenant, const std::string& id, const v1::Account& account);
  absl::StatusOr<v1::Account> GetAccount(const std::string& tenant, const std::string& id) const;
  // CAS update (lib/store): `mutate` may refuse, then nothing is written.
  absl::StatusOr<v1::Account> UpdateAccount(const std::string& tenant, const std::string& id,
                                            const std::function<absl::Status(v1::Account&)>& mutate);
  struct AccountPage {
    std::vector<v1::Account> accounts;
    std::string next_page_token;
  };
  absl::StatusOr<AccountPage> ListAccounts(const std::string& tenant, int page_size,
                                           const std::string& page_token) const;

  // --- passwords and activation codes -----------------------------------------
  // "" when no password is set.
  absl::StatusOr<std::string> PasswordHash(const std::string& tenant, const std::string& id) const;
  absl::Status SetPassword(const std::string& tenant, const std::string& id, const std::string& password_hash);
  // Replaces any previous code.
  absl::Status SetActivationCode(const std::string& tenant, const std::string& id, const std::string& code_hash,
                                 absl::Time expiry);
  // Atomically: the account's code must be `code_hash` and not expired at
  // `now`; then the code is deleted and `password_hash` stored.
  // UNAUTHENTICATED (no code, wrong code) or with reason CODE_EXPIRED.
  absl::Status UseActivationCode(const std::string& tenant, const std::string& id, const std::string& code_hash,
                                 absl::Time now, const std::string& password_hash);

  // --- throttling -------------------------------------------------------------
  struct Throttle {
    int failures = 0;
    absl::Time until = absl::InfinitePast();
  };
  // `scope` is a tenant, or "" for the platform (addresses, service accounts).
  absl::StatusOr<Throttle> GetThrottle(const std::string& scope, const std::string& who) const;
  // One more failure; the next attempt is refused before `until`.  The
  // count is forgotten `window` after the last failure.
  absl::Status RecordFailure(const std::string& scope, const std::string& who, absl::Time until,
                             absl::Duration window = absl::Hours(24));
  absl::Status ClearThrottle(const std::string& scope, const std::string& who);

  // --- refresh tokens ---------------------------------------------------------
  struct RefreshRecord {
    std::string account;
    std::string family;
    absl::Time expiry;
    bool used = false;
    bool revoked = false;  // its family was revoked
  };
  absl::Status AddRefresh(const std::string& tenant, const std::string& token_hash, const RefreshRecord& record);
  // NOT_FOUND when unknown (or expired out of Redis).
  absl::StatusOr<RefreshRecord> GetRefresh(const std::string& tenant, const std::string& token_hash) const;
  // Atomically: if the old token is unused and its family not revoked, marks
  // it used and stores the new one (same family): OK.  If it was used
  // already, revokes the family: FAILED_PRECONDITION with reason
  // REFRESH_REUSED.  A revoked family: UNAUTHENTICATED.
  absl::Status RotateRefresh(const std::string& tenant, const std::string& old_hash, const std::string& family,
                             const std::string& new_hash, const RefreshRecord& next);
  absl::Status RevokeFamily(const std::string& tenant, const std::string& family);
  // Revokes every family of the account (password set, disabled).
  absl::Status RevokeAllFamilies(const std::string& tenant, const std::string& account);

  // --- audit log --------------------------------------------------------------
  absl::Status Audit(const std::string& tenant, const v1::AuditEvent& event);
  // Newest first; `before` is an exclusive stream id ("" = from the newest).
  absl::StatusOr<std::vector<v1::AuditEvent>> ListAudit(const std::string& tenant, const std::string& before,
                                                       int count) const;

  // --- signing keys -----------------------------------------------------------
  struct SigningKeyRecord {
    std::string kid;
    std::string pem;
    absl::Time created;
    absl::Time retire = absl::InfiniteFuture();  // infinite: the current key
  };
  // Makes `record` the current key; the previous current key is published
  // until `previous_retire`.  With `only_if_none`, does nothing when a
  // current key exists (the first start of several replicas at once).
  // Returns the current kid afterwards.
  absl::StatusOr<std::string> AddSigningKey(const SigningKeyRecord& record, absl::Time previous_retire,
                                            bool only_if_none);
  // The current kid ("" when none).
  absl::StatusOr<std::string> CurrentKid() const;
  // Every stored key; keys retired before `now` are deleted on the way.
  absl::StatusOr<std::vector<SigningKeyRecord>> SigningKeys(absl::Time now);

  // --- service accounts -------------------------------------------------------
  absl::Status CreateServiceAccount(const std::string& id, const v1::ServiceAccount& account,
                                    const std::string& secret_hash);
  absl::StatusOr<v1::ServiceAccount> GetServiceAccount(const std::string& id) const;
  absl::Status SetServiceSecret(const std::string& id, const std::string& secret_hash);
  absl::StatusOr<std::string> ServiceSecretHash(const std::string& id) const;

 private:
  redis::Client* redis_;
};

}  // namespace pelita::identity

#endif  // PELITA_SERVICES_IDENTITY_STORE_H_
