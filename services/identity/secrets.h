#ifndef PELITA_SERVICES_IDENTITY_SECRETS_H_
#define PELITA_SERVICES_IDENTITY_SECRETS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::identity {

// The cost of Argon2id (libsodium's crypto_pwhash_str).  Production uses
// libsodium's "interactive" limits (2 passes, 64 MiB: about 0.1 s on one
// core, OWASP's minimum for Argon2id); tests use the library's minimum so
// that a test suite on two cores stays fast.
struct PasswordCost {
  unsigned long long ops;
  size_t mem_bytes;
  static PasswordCost Interactive();
  static PasswordCost Minimum();
};

// The PHC string ("$argon2id$v=19$m=...") of `password` with a fresh salt.
absl::StatusOr<std::string> HashPassword(absl::string_view password, const PasswordCost& cost);
// Whether `password` matches the stored PHC string (constant time inside
// libsodium).  A malformed hash matches nothing.
bool CheckPassword(absl::string_view stored, absl::string_view password);

// `bytes` random bytes from libsodium's CSPRNG as base64url text: codes,
// refresh tokens, client secrets, key ids.
std::string RandomToken(int bytes);
// Hex SHA-256.  Enough for high-entropy secrets (refresh tokens, activation
// codes, client secrets: 128+ random bits), which need no slow hash.
std::string Sha256Hex(absl::string_view data);
// Constant-time equality of two equal-length strings (sodium_memcmp).
bool ConstantTimeEqual(absl::string_view a, absl::string_view b);

}  // namespace pelita::identity

#endif  // PELITA_SERVICES_IDENTITY_SECRETS_H_
