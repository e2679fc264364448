#include "services/survey/answer_links.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::survey {
namespace {

constexpr size_t kMacBytes = 16;
constexpr size_t kNonceBytes = 16;
constexpr size_t kMaxLinkBytes = 2048;
constexpr char kSep = '\x1f';

std::string Mac(absl::string_view secret, absl::string_view payload) {
  const std::string msg = absl::StrCat("pelita-answer-link", std::string(1, kSep), payload);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), kMacBytes);
}

absl::Status NotValid() {
  return WithReason(absl::PermissionDeniedError("token: not an answer link Pelita issued (altered, cut short, or "
                                                "for another regency)"),
                    "LINK_NOT_VALID");
}

}  // namespace

std::string EncodeAnswerLink(const AnswerLinkClaims& c, absl::string_view secret) {
  const std::string sep(1, kSep);
  const std::string payload =
      absl::StrJoin({std::string("1"), c.tenant, c.instrument, c.cohort, c.respondent, c.subject,
                     absl::StrCat(static_cast<int>(c.role)), c.eligibility, absl::StrCat(absl::ToUnixSeconds(c.expire)),
                     absl::BytesToHexString(c.nonce)},
                    sep);
  return absl::StrCat(absl::WebSafeBase64Escape(payload), ".", absl::WebSafeBase64Escape(Mac(secret, payload)));
}

absl::StatusOr<AnswerLinkClaims> DecodeAnswerLink(
    absl::string_view token, const std::function<absl::StatusOr<std::string>(const std::string&)>& secret_of) {
  if (token.empty() || token.size() > kMaxLinkBytes) return NotValid();
  const size_t dot = token.find('.');
  if (dot == absl::string_view::npos) return NotValid();
  std::string payload, mac;
  if (!absl::WebSafeBase64Unescape(token.substr(0, dot), &payload) ||
      !absl::WebSafeBase64Unescape(token.substr(dot + 1), &mac) || mac.size() != kMacBytes) {
    return NotValid();
  }
  std::vector<std::string> f = absl::StrSplit(payload, kSep);
  if (f.size() != 10 || f[0] != "1") return NotValid();
  AnswerLinkClaims c;
  c.tenant = f[1];
  // A tenant code is checked before any secret is looked up: a forged link
  // names no key that Redis is asked for.
  if (!ValidateTenant(c.tenant).ok()) return NotValid();
  auto secret = secret_of(c.tenant);
  if (!secret.ok()) {
    if (secret.status().code() == absl::StatusCode::kNotFound) return NotValid();
    return secret.status();
  }
  const std::string want = Mac(*secret, payload);
  if (CRYPTO_memcmp(want.data(), mac.data(), kMacBytes) != 0) return NotValid();
  // Signed by Pelita: the fields are as it wrote them.
  c.instrument = f[2];
  c.cohort = f[3];
  c.respondent = f[4];
  c.subject = f[5];
  int role = 0;
  int64_t expire = 0;
  if (!absl::SimpleAtoi(f[6], &role) || !v1::FollowUpRole_IsValid(role) || !absl::SimpleAtoi(f[8], &expire) ||
      f[9].size() != 2 * kNonceBytes ||
      f[9].find_first_not_of("0123456789abcdef") != std::string::npos) {
    return NotValid();
  }
  c.nonce = absl::HexStringToBytes(f[9]);
  c.role = static_cast<v1::FollowUpRole>(role);
  c.eligibility = f[7];
  c.expire = absl::FromUnixSeconds(expire);
  return c;
}

std::string AnswerLinkUsedHash(absl::string_view nonce) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  const std::string msg = absl::StrCat("pelita-answer-link-used", std::string(1, kSep), nonce);
  SHA256(reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), 16));
}

}  // namespace pelita::survey
