#include "gateway/auth.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
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

std::string Grant(jwt_t* j, const char* name) {
  const char* v = jwt_get_grant(j, name);
  return v == nullptr ? "" : v;
}

}  // namespace

bool IsKnownRole(absl::string_view role) {
  for (const char* r : kRoles) {
    if (role == r) return true;
  }
  return false;
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

  Claims c;
  c.subject = Grant(jwt.get(), "sub");
  c.tenant = Grant(jwt.get(), "tenant");
  c.role = Grant(jwt.get(), "role");
  errno = 0;
  c.expiry = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0 || c.expiry == 0) return Unauthenticated("no exp");
  if (c.expiry <= absl::ToUnixSeconds(absl::Now())) return Unauthenticated("expired");
  errno = 0;
  long nbf = jwt_get_grant_int(jwt.get(), "nbf");
  if (errno == 0 && nbf > absl::ToUnixSeconds(absl::Now()) + 30) return Unauthenticated("not yet valid");
  if (!IsKnownRole(c.role)) return Unauthenticated("unknown role");
  if (c.subject.empty()) return Unauthenticated("no sub");
  if (c.role == "province") {
    if (!ValidateProvince(ProvinceOf(c.tenant)).ok()) return Unauthenticated("bad province");
  } else if (c.role != "national_integrator") {
    if (!ValidateTenant(c.tenant).ok()) return Unauthenticated("bad tenant");
  }
  return c;
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
