#ifndef PELITA_SERVICES_IDENTITY_IDENTITY_H_
#define PELITA_SERVICES_IDENTITY_IDENTITY_H_

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "google/protobuf/empty.pb.h"
#include "lib/jose/es256.h"
#include "lib/tenancy/caller.h"
#include "pelita/identity/v1/identity.pb.h"
#include "lib/notify/senders.h"
#include "lib/time/time.h"
#include "services/identity/roster.h"
#include "services/identity/secrets.h"
#include "services/identity/store.h"

namespace pelita::identity {

struct IdentityOptions {
  PasswordCost password_cost = PasswordCost::Interactive();
  // Access tokens: short, so that a role change or a disabling reaches every
  // session within this time without the gateway asking identity per call.
  absl::Duration access_ttl = absl::Minutes(15);
  // Refresh tokens (a sign-in lasts at most this long without activity).
  absl::Duration refresh_ttl = absl::Hours(24 * 7);
  absl::Duration default_code_ttl = absl::Hours(72);
  absl::Duration max_code_ttl = absl::Hours(24 * 30);
  // Per account: this many failures are free, then 1 s doubling to the cap.
  int account_free_failures = 3;
  absl::Duration account_cap = absl::Minutes(15);
  // Per source address (over every account and tenant): a little more
  // lenient, as one office may sit behind one address.
  int address_free_failures = 20;
  absl::Duration address_cap = absl::Minutes(15);
  // An address's failures are forgotten this long after its last one (an
  // account's after a day): an office behind one address is not locked
  // out for a day by its typos.
  absl::Duration address_window = absl::Hours(1);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // Activation codes asked to be delivered go through this sender (null:
  // delivery is refused as FAILED_PRECONDITION), with a link to
  // `<activation_url>?kode=<code>` (the web application's page).
  notify::Sender* sender = nullptr;
  std::string activation_url = "http://127.0.0.1:8080/aktivasi";
  // Each tenant's time zone (the registry's), for the expiry in messages.
  TenantZones zones = WibForEveryTenant();
  // Argon2id takes 64 MiB per hash at the interactive cost: at most this
  // many run at once (the pod's memory limit allows for them); a sign-in
  // that cannot start one within `hash_wait` is UNAVAILABLE (retry).
  int max_concurrent_hashes = 2;
  absl::Duration hash_wait = absl::Seconds(2);
};

// The identity logic (no gRPC).  Callers come from metadata: the gateway
// forwards the public sign-in methods with no role and the client's source
// address as the subject (SourceOf); account administration needs an
// organiser or admin of the tenant (admin accounts: an admin); signing keys
// and service accounts the platform admin; the audit log an admin.
class IdentityLogic {
 public:
  IdentityLogic(IdentityStore* store, Roster* roster, IdentityOptions options = {});

  absl::StatusOr<v1::Account> CreateAccount(const Caller& caller, const v1::CreateAccountRequest& request);
  absl::StatusOr<v1::Account> GetAccount(const Caller& caller, const v1::GetAccountRequest& request);
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(const Caller& caller,
                                                        const v1::ListAccountsRequest& request);
  absl::StatusOr<v1::Account> UpdateAccount(const Caller& caller, const v1::UpdateAccountRequest& request);
  absl::StatusOr<v1::ActivationCode> IssueActivationCode(const Caller& caller,
                                                         const v1::IssueActivationCodeRequest& request);

  absl::StatusOr<google::protobuf::Empty> ChangePassword(const Caller& caller,
                                                         const v1::ChangePasswordRequest& request);
  absl::StatusOr<google::protobuf::Empty> Activate(const Caller& caller, const v1::ActivateRequest& request);
  absl::StatusOr<v1::TokenResponse> SignIn(const Caller& caller, const v1::SignInRequest& request);
  absl::StatusOr<v1::TokenResponse> Refresh(const Caller& caller, const v1::RefreshRequest& request);
  absl::StatusOr<google::protobuf::Empty> SignOut(const Caller& caller, const v1::SignOutRequest& request);
  absl::StatusOr<v1::TokenResponse> Token(const Caller& caller, const v1::TokenRequest& request);

  absl::StatusOr<v1::Jwks> GetJwks(const Caller& caller, const v1::GetJwksRequest& request);
  absl::StatusOr<v1::SigningKey> RotateSigningKey(const Caller& caller, const v1::RotateSigningKeyRequest& request);

  absl::StatusOr<v1::ServiceAccount> CreateServiceAccount(const Caller& caller,
                                                          const v1::CreateServiceAccountRequest& request);
  absl::StatusOr<v1::ServiceAccount> RotateServiceAccountSecret(
      const Caller& caller, const v1::RotateServiceAccountSecretRequest& request);

  absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(const Caller& caller,
                                                              const v1::ListAuditEventsRequest& request);

  // The source address of a public call: the subject the gateway sets when
  // it forwards a request without a token ("" otherwise).
  static std::string SourceOf(const Caller& caller);

 private:
  struct SigningKey {
    std::string kid;
    std::shared_ptr<const jose::Es256PrivateKey> key;
  };
  absl::StatusOr<SigningKey> CurrentKey();
  absl::StatusOr<std::shared_ptr<const jose::Es256PrivateKey>> ParsedKey(const std::string& kid,
                                                                         const std::string& pem);
  absl::StatusOr<std::string> AccessToken(const std::string& tenant, const std::string& subject,
                                          const v1::Account* account, const std::string& role);
  absl::StatusOr<v1::TokenResponse> IssueTokens(const std::string& tenant, const std::string& id,
                                                const v1::Account& account, const std::string& family);
  // The role a token carries: an ASN account of a participant or a
  // supervisor is a supervisor exactly while the roster names them someone's
  // supervisor_nip, else a participant (issue 15: supervisors are derived
  // from the roster).  With the roster unreachable: participant.
  std::string RoleNow(const std::string& tenant, const std::string& id, const v1::Account& account);
  // Sends an activation code to its person (IdentityOptions::sender).
  absl::Status DeliverCode(const std::string& tenant, const std::string& id, const v1::Account& account,
                           const std::string& code, absl::Time expiry);
  // RESOURCE_EXHAUSTED with reason SIGN_IN_THROTTLED and the seconds to wait
  // when `who` in `scope` may not try yet.
  absl::Status CheckThrottle(const std::string& scope, const std::string& who);
  absl::Status Fail(const std::string& scope, const std::string& who, int free, absl::Duration cap,
                    absl::Duration window = absl::Hours(24));
  void AuditEvent(const std::string& tenant, const std::string& type, const std::string& account,
                  const std::string& actor, const std::string& source, const std::string& detail);
  absl::Status CheckAdministers(const Caller& caller, const v1::Account& target);

  // Runs `fn` (a password hash or check) once a hashing slot is free.
  absl::Status WithHashSlot(const std::function<void()>& fn);
  bool HashSlotFree() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(hash_mu_) {
    return hashes_running_ < options_.max_concurrent_hashes;
  }

  IdentityStore* store_;
  Roster* roster_;
  absl::Mutex hash_mu_;
  int hashes_running_ ABSL_GUARDED_BY(hash_mu_) = 0;
  IdentityOptions options_;
  std::string dummy_hash_;  // checked when an account does not exist (same time)
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const jose::Es256PrivateKey>> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pelita::identity

#endif  // PELITA_SERVICES_IDENTITY_IDENTITY_H_
