#include "gateway/refresh_cookie.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pelita/identity/v1/identity.pb.h"

namespace pelita::gateway {
namespace {

constexpr absl::string_view kService = "/pelita.identity.v1.IdentityService/";
constexpr char kAttributes[] = "; Path=/v1/auth; HttpOnly; Secure; SameSite=Strict";

bool IsMethod(absl::string_view grpc_path, absl::string_view method) {
  return grpc_path.size() == kService.size() + method.size() && absl::StartsWith(grpc_path, kService) &&
         absl::EndsWith(grpc_path, method);
}

}  // namespace

bool IsTokenCookieValue(absl::string_view v, size_t max_bytes) {
  if (v.empty() || v.size() > max_bytes) return false;
  for (char c : v) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != '~') {
      return false;
    }
  }
  return true;
}

bool RefreshCookie::IssuesToken(absl::string_view p) { return IsMethod(p, "SignIn") || IsMethod(p, "Refresh"); }
bool RefreshCookie::ConsumesToken(absl::string_view p) { return IsMethod(p, "Refresh") || IsMethod(p, "SignOut"); }
bool RefreshCookie::ClearsCookie(absl::string_view p) { return IsMethod(p, "SignOut"); }

std::string RefreshCookie::Find(absl::string_view header, absl::string_view name) {
  for (absl::string_view pair : absl::StrSplit(header, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    const size_t eq = pair.find('=');
    if (eq == absl::string_view::npos) continue;
    if (pair.substr(0, eq) != name) continue;
    absl::string_view value = pair.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return "";
}

void RefreshCookie::FillRequest(absl::string_view cookie_header, std::string* request) {
  const std::string token = Find(cookie_header, kName);
  if (token.empty()) return;
  // RefreshRequest and SignOutRequest are the same shape (refresh_token = 1).
  identity::v1::RefreshRequest r;
  if (!r.ParseFromString(*request) || !r.refresh_token().empty()) return;
  r.set_refresh_token(token);
  *request = r.SerializeAsString();
}

std::optional<std::string> RefreshCookie::TakeFromReply(std::string* reply) {
  identity::v1::TokenResponse r;
  if (!r.ParseFromString(*reply) || r.refresh_token().empty()) return std::nullopt;
  std::string token = r.refresh_token();
  if (!IsTokenCookieValue(token, 512)) return std::nullopt;
  r.clear_refresh_token();
  *reply = r.SerializeAsString();
  return absl::StrCat(kName, "=", token, kAttributes);
}

std::string RefreshCookie::Clear() { return absl::StrCat(kName, "=", kAttributes, "; Max-Age=0"); }

}  // namespace pelita::gateway
