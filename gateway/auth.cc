#include "gateway/auth.h"

#include <jwt.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "lib/ids/slug.h"
#include "lib/role/role.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::gateway {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid token: ", why));
}

}  // namespace

bool IsKnownRole(absl::string_view role) {
  // "" parses as the internal role, which no token carries.
  auto parsed = ParseRole(role);
  return parsed.ok() && *parsed != Role::kInternal;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::unique_ptr<Verifier>> Verifier::Create(AuthOptions options) {
  if (options.hs256_key.empty() && options.rs256_public_pem.empty() && !options.jwks_fetch) {
    return absl::InvalidArgumentError("no JWT key configured (HS256 key, RS256 public key or a JWKS)");
  }
  if (!options.hs256_key.empty() && options.hs256_key.size() < 32) {
    return absl::InvalidArgumentError("HS256 key must have at least 32 bytes");
  }
  return std::unique_ptr<Verifier>(new Verifier(std::move(options)));
}

absl::StatusOr<Claims> Verifier::Verify(absl::string_view token) const {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  std::string key(token);
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.expiry > now) return it->second;
      cache_.erase(it);
      return Unauthenticated("expired");
    }
  }
  auto claims = VerifyUncached(token);
  if (!claims.ok()) return claims;
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= 10000) cache_.clear();  // bounded memory
  cache_.emplace(std::move(key), *claims);
  return claims;
}

absl::StatusOr<Claims> Verifier::VerifyUncached(absl::string_view token) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Unauthenticated("malformed");
  std::string header_json;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_json)) return Unauthenticated("malformed");
  auto header = nlohmann::json::parse(header_json, nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("alg") ||
      !header["alg"].is_string()) {
    return Unauthenticated("malformed header");
  }
  const std::string alg = header["alg"].get<std::string>();
  if (alg == "ES256" && options_.jwks_fetch) {
    // identity's tokens: the key named by `kid` in its JWKS.
    auto kid = header.find("kid");
    if (kid == header.end() || !kid->is_string()) return Unauthenticated("ES256 token without a kid");
    if (parts[2].empty()) return Unauthenticated("no signature");
    if (auto s = VerifyEs256(kid->get<std::string>(), token.substr(0, parts[0].size() + 1 + parts[1].size()),
                             parts[2]);
        !s.ok()) {
      return s;
    }
    std::string payload_json;
    if (!absl::WebSafeBase64Unescape(parts[1], &payload_json)) return Unauthenticated("malformed payload");
    const nlohmann::json payload = nlohmann::json::parse(payload_json, nullptr, false);
    if (!payload.is_object()) return Unauthenticated("claims are not a JSON object");
    return CheckClaims(payload);
  }
  // The key is chosen by the configured algorithm, never by the token alone:
  // no `none`, no HS256 signed with the RS256 public key.
  const std::string* key = nullptr;
  jwt_alg_t want;
  if (alg == "HS256" && !options_.hs256_key.empty()) {
    key = &options_.hs256_key;
    want = JWT_ALG_HS256;
  } else if (alg == "RS256" && !options_.rs256_public_pem.empty()) {
    key = &options_.rs256_public_pem;
    want = JWT_ALG_RS256;
  } else {
    return Unauthenticated(absl::StrCat("algorithm not accepted: ", alg));
  }
  if (parts[2].empty()) return Unauthenticated("no signature");
  jwt_t* raw = nullptr;
  std::string text(token);
  int rc = jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key->data()),
                      static_cast<int>(key->size()));
  JwtPtr jwt(raw);
  if (rc != 0 || jwt == nullptr) return Unauthenticated("bad signature");
  if (jwt_get_alg(jwt.get()) != want) return Unauthenticated("algorithm mismatch");

  // The claims are read from the verified payload with their JSON types:
  // libjwt's integer getter reads a string or a float as "absent", which
  // would let `"nbf": "2099-01-01"` pass unchecked.
  char* grants = jwt_get_grants_json(jwt.get(), nullptr);
  if (grants == nullptr) return Unauthenticated("no claims");
  const nlohmann::json payload = nlohmann::json::parse(grants, nullptr, false);
  free(grants);
  if (!payload.is_object()) return Unauthenticated("claims are not a JSON object");
  return CheckClaims(payload);
}

absl::Status Verifier::VerifyEs256(const std::string& kid, absl::string_view signing_input,
                                   absl::string_view signature_b64) const {
  std::string signature;
  if (!absl::WebSafeBase64Unescape(signature_b64, &signature)) return Unauthenticated("malformed signature");
  std::shared_ptr<const jose::Es256PublicKey> key;
  {
    absl::MutexLock lock(&jwks_mu_);
    auto it = jwks_.find(kid);
    if (it == jwks_.end()) {
      const absl::Time now = options_.clock ? options_.clock() : absl::Now();
      if (now - last_fetch_ >= options_.jwks_refetch_interval) {
        // Fetched under the lock: one fetch at a time, and the others wait
        // for its result rather than fetching too.
        last_fetch_ = now;
        auto text = options_.jwks_fetch();
        if (!text.ok()) {
          return absl::UnavailableError(absl::StrCat("cannot fetch the JWKS: ", text.status().message()));
        }
        const nlohmann::json jwks = nlohmann::json::parse(*text, nullptr, false);
        if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
          return absl::UnavailableError("the JWKS is not a JSON object with keys");
        }
        absl::flat_hash_map<std::string, std::shared_ptr<const jose::Es256PublicKey>> fresh;
        for (const auto& k : jwks["keys"]) {
          if (!k.is_object() || k.value("kty", "") != "EC" || k.value("crv", "") != "P-256" ||
              !k.contains("kid") || !k["kid"].is_string()) {
            continue;
          }
          auto pub = jose::Es256PublicKey::FromCoordinates(k.value("x", ""), k.value("y", ""));
          if (pub.ok()) {
            fresh[k["kid"].get<std::string>()] = std::make_shared<const jose::Es256PublicKey>(*std::move(pub));
          }
        }
        // A key no longer published (retired) is no longer accepted.
        jwks_ = std::move(fresh);
        it = jwks_.find(kid);
      }
    }
    if (it == jwks_.end()) return Unauthenticated("unknown kid");
    key = it->second;
  }
  if (!key->Verify(signing_input, signature)) return Unauthenticated("bad signature");
  return absl::OkStatus();
}

absl::StatusOr<Claims> Verifier::CheckClaims(const nlohmann::json& payload) const {
  Claims c;
  auto string_claim = [&](const char* name, std::string* out) {
    auto it = payload.find(name);
    if (it == payload.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  // An integer claim: absent (false, *present = false), or a JSON integer.
  auto int_claim = [&](const char* name, int64_t* out, bool* present) {
    auto it = payload.find(name);
    *present = it != payload.end();
    if (!*present) return true;
    if (it->is_number_unsigned()) {
      if (it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return false;
      *out = static_cast<int64_t>(it->get<uint64_t>());
      return true;
    }
    if (!it->is_number_integer()) return false;  // strings, floats, booleans
    *out = it->get<int64_t>();
    return true;
  };
  if (!string_claim("sub", &c.subject)) return Unauthenticated("sub must be a string");
  if (!string_claim("role", &c.role)) return Unauthenticated("role must be a string");
  if (!string_claim("tenant", &c.tenant)) return Unauthenticated("tenant must be a string");
  // The reach claims are optional; present, they must have their types.
  for (auto [name, out] : {std::pair<const char*, std::string*>{"unit", &c.unit}, {"province", &c.province}}) {
    if (payload.contains(name) && !string_claim(name, out)) {
      return Unauthenticated(absl::StrCat(name, " must be a string"));
    }
  }
  if (auto it = payload.find("cohorts"); it != payload.end()) {
    if (!it->is_array()) return Unauthenticated("cohorts must be an array of strings");
    for (const auto& v : *it) {
      if (!v.is_string()) return Unauthenticated("cohorts must be an array of strings");
      c.cohorts.push_back(v.get<std::string>());
    }
  }
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  constexpr int64_t kSkew = 30;
  bool present = false;
  if (!int_claim("exp", &c.expiry, &present)) return Unauthenticated("exp must be an integer");
  if (!present) return Unauthenticated("no exp");
  if (c.expiry <= now) return Unauthenticated("expired");
  if (c.expiry - now > absl::ToInt64Seconds(options_.max_lifetime) + kSkew) {
    return Unauthenticated(absl::StrCat("exp is more than ", absl::FormatDuration(options_.max_lifetime),
                                        " away (the longest token lifetime accepted)"));
  }
  int64_t nbf = 0, iat = 0;
  if (!int_claim("nbf", &nbf, &present)) return Unauthenticated("nbf must be an integer");
  if (present && nbf > now + kSkew) return Unauthenticated("not yet valid");
  if (!int_claim("iat", &iat, &present)) return Unauthenticated("iat must be an integer");
  if (present && iat > now + kSkew) return Unauthenticated("issued in the future");
  if (!IsKnownRole(c.role)) return Unauthenticated("unknown role");
  if (c.subject.empty() || c.subject.size() > 128) return Unauthenticated("sub must have 1-128 characters");
  for (char ch : c.subject) {
    if (ch < 0x21 || ch > 0x7e) return Unauthenticated("sub must be printable ASCII");
  }
  if (options_.tenant_known ? !ValidTenantClaimWith(c.role, c.tenant, options_.tenant_known)
                            : !ValidTenantClaim(c.role, c.tenant, options_.known_tenants)) {
    return Unauthenticated(absl::StrCat("the tenant claim is not valid for role ", c.role));
  }
  // The reach travels to the services as metadata and narrows what they
  // return: it must name resources of the token's own tenant, exactly.
  if (!c.unit.empty() && !IsResourceOfTenant(c.unit, c.tenant, {"units"})) {
    return Unauthenticated("unit must be tenants/{tenant}/units/{unit} of the token's tenant");
  }
  if (c.cohorts.size() > kMaxReachCohorts) {
    return Unauthenticated(absl::StrCat("at most ", kMaxReachCohorts, " cohorts"));
  }
  for (const auto& cohort : c.cohorts) {
    if (!IsResourceOfTenant(cohort, c.tenant, {"programs", "cohorts"})) {
      return Unauthenticated("cohorts must be tenants/{tenant}/programs/{p}/cohorts/{c} of the token's tenant");
    }
  }
  return c;
}

bool IsResourceOfTenant(absl::string_view name, absl::string_view tenant,
                        std::initializer_list<absl::string_view> collections) {
  std::string pattern = "tenants/*";
  for (absl::string_view collection : collections) absl::StrAppend(&pattern, "/", collection, "/*");
  auto ids = ParseResourceName("name", name, pattern);
  if (!ids.ok() || (*ids)[0] != tenant) return false;
  // Every id a slug (AIP-122): no ',' or other byte that would break the
  // metadata the reach travels in.
  for (size_t i = 1; i < ids->size(); ++i) {
    if (!ValidateSlug("id", (*ids)[i]).ok()) return false;
  }
  return true;
}

bool ValidTenantClaim(absl::string_view role, absl::string_view tenant,
                      const std::vector<std::string>& known_tenants) {
  return ValidTenantClaimWith(role, tenant, [&known_tenants](const std::string& t) {
    for (const auto& k : known_tenants) {
      if (k == t) return true;
    }
    return false;
  });
}

bool ValidTenantClaimWith(absl::string_view role, absl::string_view tenant,
                          const std::function<bool(const std::string&)>& tenant_known) {
  if (role == "national_integrator" || role == "platform_admin") return tenant == kNationalTenant;
  if (role == "province") {
    if (ValidateProvince(tenant).ok()) return true;
    // Only a well-formed regency code is looked up.
    if (!ValidateTenant(tenant).ok()) return false;
    return tenant_known && tenant_known(std::string(tenant));
  }
  return ValidateTenant(tenant).ok();
}

absl::StatusOr<std::string> IssueToken(const Claims& claims, absl::string_view alg,
                                       absl::string_view key) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  jwt_add_grant(jwt.get(), "sub", claims.subject.c_str());
  jwt_add_grant(jwt.get(), "tenant", claims.tenant.c_str());
  jwt_add_grant(jwt.get(), "role", claims.role.c_str());
  jwt_add_grant_int(jwt.get(), "exp", claims.expiry);
  if (!claims.unit.empty()) jwt_add_grant(jwt.get(), "unit", claims.unit.c_str());
  if (!claims.cohorts.empty()) {
    const std::string grants = nlohmann::json{{"cohorts", claims.cohorts}}.dump();
    if (jwt_add_grants_json(jwt.get(), grants.c_str()) != 0) return absl::InternalError("jwt_add_grants_json failed");
  }
  jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(absl::Now()));
  jwt_alg_t a;
  if (alg == "HS256") {
    a = JWT_ALG_HS256;
  } else if (alg == "RS256") {
    a = JWT_ALG_RS256;
  } else if (alg == "none") {
    a = JWT_ALG_NONE;  // only for tests of the refusal
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unsupported alg ", alg));
  }
  std::string k(key);
  if (jwt_set_alg(jwt.get(), a, a == JWT_ALG_NONE ? nullptr : reinterpret_cast<const unsigned char*>(k.data()),
                  a == JWT_ALG_NONE ? 0 : static_cast<int>(k.size())) != 0) {
    return absl::InvalidArgumentError("bad key for algorithm");
  }
  char* out = jwt_encode_str(jwt.get());
  if (out == nullptr) return absl::InternalError("jwt_encode_str failed");
  std::string token(out);
  free(out);
  return token;
}

}  // namespace pelita::gateway
