#include "services/identity/secrets.h"

#include <sodium.h>

#include <cstdlib>

#include "absl/strings/escaping.h"

namespace pelita::identity {
namespace {

// sodium_init is idempotent and thread-safe; call it before every use.
void Init() {
  if (sodium_init() < 0) std::abort();  // no CSPRNG: nothing here is safe
}

}  // namespace

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PasswordCost PasswordCost::Minimum() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

absl::StatusOr<std::string> HashPassword(absl::string_view password, const PasswordCost& cost) {
  Init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("password hashing ran out of memory");
  }
  return std::string(out);
}

bool CheckPassword(absl::string_view stored, absl::string_view password) {
  Init();
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
  std::string s(stored);  // NUL-terminated for libsodium
  return crypto_pwhash_str_verify(s.c_str(), password.data(), password.size()) == 0;
}

std::string RandomToken(int bytes) {
  Init();
  std::string raw(static_cast<size_t>(bytes), '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out;
  absl::WebSafeBase64Escape(raw, &out);
  return out;
}

std::string Sha256Hex(absl::string_view data) {
  Init();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

bool ConstantTimeEqual(absl::string_view a, absl::string_view b) {
  Init();
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace pelita::identity
