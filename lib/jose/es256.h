#ifndef PELITA_LIB_JOSE_ES256_H_
#define PELITA_LIB_JOSE_ES256_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace pelita::jose {

// base64url without padding (RFC 7515 §2).
std::string Base64Url(absl::string_view bytes);

// The public half of an EC P-256 key as a JWK's `x` and `y` (RFC 7518
// §6.2.1, base64url of the 32-byte big-endian coordinates).
struct PublicCoordinates {
  std::string x;
  std::string y;
};

// An EC P-256 key pair for ES256 (RFC 7518 §3.4), held by OpenSSL.
class Es256PrivateKey {
 public:
  // A fresh key from OpenSSL's generator.
  static absl::StatusOr<Es256PrivateKey> Generate();
  // A PKCS#8 PEM private key as ToPem() writes it.
  static absl::StatusOr<Es256PrivateKey> FromPem(absl::string_view pem);

  std::string ToPem() const;
  PublicCoordinates Public() const;
  // The JWS signature of `signing_input`: R || S, 64 bytes (RFC 7518 §3.4),
  // not OpenSSL's DER.
  absl::StatusOr<std::string> Sign(absl::string_view signing_input) const;
  // A compact JWS: base64url(header).base64url(payload).base64url(signature)
  // with header {"alg":"ES256","typ":"JWT","kid":kid}.
  absl::StatusOr<std::string> SignJwt(absl::string_view kid, absl::string_view payload_json) const;

 private:
  explicit Es256PrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// The public key of a JWK (kty EC, crv P-256, x, y).
class Es256PublicKey {
 public:
  // INVALID_ARGUMENT unless x and y are 32-byte base64url values of a point
  // on the curve.
  static absl::StatusOr<Es256PublicKey> FromCoordinates(absl::string_view x, absl::string_view y);
  // Whether `signature` (R || S, 64 bytes) signs `signing_input`.
  bool Verify(absl::string_view signing_input, absl::string_view signature) const;

 private:
  explicit Es256PublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace pelita::jose

#endif  // PELITA_LIB_JOSE_ES256_H_
