#ifndef PELITA_GATEWAY_AUTH_H_
#define PELITA_GATEWAY_AUTH_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/jose/es256.h"
#include "lib/tenancy/tenant_code.h"

namespace pelita::gateway {

// The verified claims of a bearer token.
struct Claims {
  std::string subject;  // sub: a NIP or a user id
  std::string tenant;   // tenant: "1504"; a province role may carry "15"
  std::string role;     // a token role of lib/role (TokenRoles())
  int64_t expiry = 0;   // exp, seconds since the epoch
  // The reach of the role, when the token carries it (identity's tokens):
  // an agency head's unit (`tenants/{t}/units/{u}`), an instructor's
  // cohorts, a province user's province code.
  // (Default member initializers: aggregate initialisation that stops at
  // `expiry` stays warning-free.)
  std::string unit = {};
  std::vector<std::string> cohorts = {};
  std::string province = {};
};

// A role a token may carry (lib/role's TokenRoles(), platform_admin included).
bool IsKnownRole(absl::string_view role);

// The tenant claim of a national_integrator or platform_admin token: BPS's
// code for Indonesia as a whole.  It is the only value such a token may carry.
inline constexpr const char* kNationalTenant = ::pelita::kNationalTenantCode;

struct AuthOptions {
  // HS256 shared secret (development).  Empty: HS256 tokens are refused.
  std::string hs256_key;
  // RS256 public key, PEM (production).  Empty: RS256 tokens are refused.
  std::string rs256_public_pem;
  // A token whose `exp` is further away than this is refused, however
  // validly signed: a leaked token stays useful for at most this long.
  absl::Duration max_lifetime = absl::Hours(24);
  // The regencies and cities this deployment serves.  A province token
  // names its province ("15") or one of these in it ("1504"); a regency
  // code not listed here is refused for it.
  std::vector<std::string> known_tenants;
  // When set, decides instead of known_tenants whether a regency code is
  // one the platform serves: pelita-gateway asks the tenant registry
  // (RegistryClient::Check), so a regency created there is accepted in a
  // province token without restarting the gateway.
  std::function<bool(const std::string& tenant)> tenant_known;
  // ES256 tokens of the identity service: returns its JWKS (RFC 7517 JSON,
  // `{"keys":[{"kty":"EC","crv":"P-256","kid":...,"x":...,"y":...}]}`).
  // Unset: ES256 tokens are refused.  The keys are cached; a token with a
  // `kid` not in the cache makes the verifier fetch again, at most once per
  // `jwks_refetch_interval`, so that a rotated key is used without a
  // restart while a flood of made-up kids costs identity nothing.
  std::function<absl::StatusOr<std::string>()> jwks_fetch;
  absl::Duration jwks_refetch_interval = absl::Seconds(5);
  // The clock of the refetch interval (tests); absl::Now when unset.
  std::function<absl::Time()> clock;
};

// Verifies bearer JWTs: HS256 and RS256 with libjwt, ES256 against the
// identity service's JWKS (lib/jose).  The algorithm is taken from the token's
// header only to pick the configured key of that algorithm: `none`, an
// algorithm without a configured key and a bad signature are
// UNAUTHENTICATED.  So are claims that are not exactly what they must be:
// `sub`, `tenant` and `role` strings (`sub` 1-128 printable ASCII
// characters, as it travels in gRPC metadata); `exp` an integer in the
// future, at most `max_lifetime` away; `nbf` and `iat`, when present,
// integers not in the future (30 s of clock skew); a known role; and a
// tenant valid for the role (ValidTenantClaim).  Verified tokens are cached
// (by their full text) until they expire.
class Verifier {
 public:
  static absl::StatusOr<std::unique_ptr<Verifier>> Create(AuthOptions options);

  absl::StatusOr<Claims> Verify(absl::string_view token) const;

 private:
  explicit Verifier(AuthOptions options) : options_(std::move(options)) {}
  absl::StatusOr<Claims> VerifyUncached(absl::string_view token) const;
  // The signature of an ES256 token by the JWKS key named `kid`.
  absl::Status VerifyEs256(const std::string& kid, absl::string_view signing_input,
                           absl::string_view signature_b64) const;
  absl::StatusOr<Claims> CheckClaims(const nlohmann::json& payload) const;

  AuthOptions options_;
  mutable absl::Mutex jwks_mu_;
  mutable absl::flat_hash_map<std::string, std::shared_ptr<const jose::Es256PublicKey>> jwks_
      ABSL_GUARDED_BY(jwks_mu_);
  mutable absl::Time last_fetch_ ABSL_GUARDED_BY(jwks_mu_) = absl::InfinitePast();
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Claims> cache_ ABSL_GUARDED_BY(mu_);
};

// Whether `tenant` is a valid tenant claim for `role`: a regency/city code
// (lib/tenancy ValidateTenant) for the regency roles; for `province` a
// province code or a code of `known_tenants` in a province; for
// `national_integrator` exactly kNationalTenant.  The rate limiter keys its
// buckets by this claim, so only these values ever name a Redis key.
bool ValidTenantClaim(absl::string_view role, absl::string_view tenant,
                      const std::vector<std::string>& known_tenants);
// The same, with the known regencies given as a predicate.
bool ValidTenantClaimWith(absl::string_view role, absl::string_view tenant,
                          const std::function<bool(const std::string&)>& tenant_known);

// The most cohorts an instructor's token may name (they travel as one
// metadata value to the services).
inline constexpr size_t kMaxReachCohorts = 64;

// Whether `name` is `tenants/{tenant}/<c1>/{id}[/<c2>/{id}]` for the given
// collections, with every id a slug (lib/ids ValidateSlug).
bool IsResourceOfTenant(absl::string_view name, absl::string_view tenant,
                        std::initializer_list<absl::string_view> collections);

// Issues a token (the dev command, tests).  `alg` is "HS256" (key = secret)
// or "RS256" (key = private key PEM).
absl::StatusOr<std::string> IssueToken(const Claims& claims, absl::string_view alg,
                                       absl::string_view key);

// Reads a whole file (key files).
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_AUTH_H_
