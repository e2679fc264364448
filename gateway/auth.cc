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
  if (options.hs256_key.empty() && options.rs256_public_pem.empty()) {
    return absl::InvalidArgumentError("no JWT key configured (HS256 key or RS256 public key)");
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
  return c;
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
