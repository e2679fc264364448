#include "lib/jose/es256.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace pelita::jose {
namespace {

constexpr int kCoordinateBytes = 32;

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* key) { return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free); }

std::string Coordinate(const EVP_PKEY* key, const char* param) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &bn) != 1) return "";
  std::string out(kCoordinateBytes, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), kCoordinateBytes);
  BN_free(bn);
  return out;
}

}  // namespace

std::string Base64Url(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);  // unpadded
  return out;
}

absl::StatusOr<Es256PrivateKey> Es256PrivateKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) return absl::InternalError("EC P-256 key generation failed");
  return Es256PrivateKey(Own(key));
}

absl::StatusOr<Es256PrivateKey> Es256PrivateKey::FromPem(absl::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                BIO_free);
  if (!bio) return absl::InternalError("BIO_new_mem_buf failed");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return absl::DataLossError("not a PEM private key");
  auto owned = Own(key);
  if (!EVP_PKEY_is_a(key, "EC") || Coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X).empty()) {
    return absl::DataLossError("not an EC P-256 key");
  }
  return Es256PrivateKey(owned);
}

std::string Es256PrivateKey::ToPem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

PublicCoordinates Es256PrivateKey::Public() const {
  return {Base64Url(Coordinate(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X)),
          Base64Url(Coordinate(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y))};
}

absl::StatusOr<std::string> Es256PrivateKey::Sign(absl::string_view signing_input) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return absl::InternalError("ES256 signing failed");
  }
  std::string der(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
    return absl::InternalError("ES256 signing failed");
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  if (sig == nullptr) return absl::InternalError("ES256 signature not DER");
  std::string raw(2 * kCoordinateBytes, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), kCoordinateBytes);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + kCoordinateBytes,
               kCoordinateBytes);
  ECDSA_SIG_free(sig);
  return raw;
}

absl::StatusOr<std::string> Es256PrivateKey::SignJwt(absl::string_view kid, absl::string_view payload_json) const {
  // The kid is base64url text chosen by identity; no JSON escaping needed,
  // but refuse anything else rather than build broken JSON.
  for (char c : kid) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return absl::InvalidArgumentError("kid must be base64url text");
    }
  }
  std::string input = absl::StrCat(Base64Url(absl::StrCat(R"({"alg":"ES256","typ":"JWT","kid":")", kid, "\"}")),
                                   ".", Base64Url(payload_json));
  auto sig = Sign(input);
  if (!sig.ok()) return sig.status();
  return absl::StrCat(input, ".", Base64Url(*sig));
}

absl::StatusOr<Es256PublicKey> Es256PublicKey::FromCoordinates(absl::string_view x, absl::string_view y) {
  std::string xb, yb;
  if (!absl::WebSafeBase64Unescape(x, &xb) || !absl::WebSafeBase64Unescape(y, &yb) ||
      xb.size() != kCoordinateBytes || yb.size() != kCoordinateBytes) {
    return absl::InvalidArgumentError("x and y must be 32-byte base64url values");
  }
  std::string point = absl::StrCat(std::string(1, '\x04'), xb, yb);  // uncompressed (SEC 1 §2.3.3)
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld.get());
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr),
                                                                   EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  const bool ok = params != nullptr && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok || key == nullptr) return absl::InvalidArgumentError("not a point on P-256");
  auto owned = Own(key);
  // fromdata does not check that the point is on the curve; do.
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> check(EVP_PKEY_CTX_new(key, nullptr),
                                                                     EVP_PKEY_CTX_free);
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return absl::InvalidArgumentError("not a point on P-256");
  return Es256PublicKey(owned);
}

bool Es256PublicKey::Verify(absl::string_view signing_input, absl::string_view signature) const {
  if (signature.size() != 2 * kCoordinateBytes) return false;
  const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(raw, kCoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(raw + kCoordinateBytes, kCoordinateBytes, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (der_len <= 0) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
                  EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_len),
                                   reinterpret_cast<const unsigned char*>(signing_input.data()),
                                   signing_input.size()) == 1;
  OPENSSL_free(der);
  return ok;
}

}  // namespace pelita::jose
