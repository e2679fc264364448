#include "gateway/token_form.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/path_template.h"
#include "gateway/utf8.h"

namespace pelita::gateway {
namespace {

// The parameters of the client-credentials grant (RFC 6749 §4.4.2, §2.3.1);
// others (scope) are refused rather than dropped without a word.
constexpr const char* kParameters[] = {"grant_type", "client_id", "client_secret"};

bool Known(absl::string_view key) {
  for (const char* k : kParameters) {
    if (key == k) return true;
  }
  return false;
}

}  // namespace

bool IsBasicAuthorization(absl::string_view authorization) {
  return authorization.size() > 6 && absl::StartsWithIgnoreCase(authorization, "basic ");
}

absl::StatusOr<std::string> TokenRequestJson(absl::string_view form, absl::string_view authorization) {
  nlohmann::json out = nlohmann::json::object();
  for (absl::string_view pair : absl::StrSplit(form, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    const std::string key = PercentDecode(kv.first, true);
    const std::string value = PercentDecode(kv.second, true);
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      return absl::InvalidArgumentError("a form parameter is not valid UTF-8");
    }
    if (!Known(key)) return absl::InvalidArgumentError(absl::StrCat(key, ": not a parameter of this grant"));
    if (out.contains(key)) return absl::InvalidArgumentError(absl::StrCat(key, ": sent more than once"));
    out[key] = value;
  }
  if (IsBasicAuthorization(authorization)) {
    std::string decoded;
    if (!absl::Base64Unescape(absl::StripAsciiWhitespace(authorization.substr(6)), &decoded)) {
      return absl::InvalidArgumentError("Authorization: Basic credentials are not base64");
    }
    const size_t colon = decoded.find(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError("Authorization: Basic credentials need client_id:client_secret");
    }
    const std::string id = PercentDecode(absl::string_view(decoded).substr(0, colon), true);
    const std::string secret = PercentDecode(absl::string_view(decoded).substr(colon + 1), true);
    if (!IsValidUtf8(id) || !IsValidUtf8(secret)) {
      return absl::InvalidArgumentError("Authorization: Basic credentials are not valid UTF-8");
    }
    if (out.contains("client_id") || out.contains("client_secret")) {
      return absl::InvalidArgumentError("client credentials given both in the body and as HTTP Basic");
    }
    out["client_id"] = id;
    out["client_secret"] = secret;
  }
  return out.dump();
}

}  // namespace pelita::gateway
