#include "services/integration/secrets.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pelita::integration {
namespace {

bool PlainCode(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string ReadValue(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  std::string v = s.str();
  if (absl::EndsWith(v, "\n")) v.pop_back();
  if (absl::EndsWith(v, "\r")) v.pop_back();
  return v;
}

}  // namespace

siasn::Credentials SecretsDir::Read(const std::string& tenant) const {
  siasn::Credentials c;
  if (!PlainCode(tenant)) return c;
  const std::string base = absl::StrCat(dir_, "/", tenant, "/");
  c.consumer_key = ReadValue(base + "consumer_key");
  c.consumer_secret = ReadValue(base + "consumer_secret");
  c.sso_client_id = ReadValue(base + "sso_client_id");
  c.username = ReadValue(base + "username");
  c.password = ReadValue(base + "password");
  return c;
}

bool CredentialsPresent(const siasn::Credentials& c) {
  return !c.consumer_key.empty() && !c.consumer_secret.empty() && !c.sso_client_id.empty() &&
         !c.username.empty() && !c.password.empty();
}

}  // namespace pelita::integration
