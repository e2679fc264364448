#ifndef PELITA_SERVICES_INTEGRATION_SECRETS_H_
#define PELITA_SERVICES_INTEGRATION_SECRETS_H_

// A tenant's SIASN credentials, from its Kubernetes Secret mounted as files:
//   <dir>/<tenant>/consumer_key
//   <dir>/<tenant>/consumer_secret
//   <dir>/<tenant>/sso_client_id
//   <dir>/<tenant>/username
//   <dir>/<tenant>/password
// (one trailing newline, or CR LF, trimmed; nothing else changed).  The
// files are read on every call: Kubernetes replaces a mounted secret in
// place (a symlink swap), so a rotated password is used by the next client
// built, and five small reads cost nothing next to a call to SIASN.  The
// values are never stored in Redis, logged or put in an error message.

#include <string>

#include "lib/siasn/siasn_client.h"

namespace pelita::integration {

class SecretsDir {
 public:
  explicit SecretsDir(std::string dir) : dir_(std::move(dir)) {}

  // The tenant's credentials; a file that is absent or unreadable reads as
  // "" (so credentials_present is false).  A tenant that is not a plain
  // code ([A-Za-z0-9_-]) reads as none (it never becomes a path).
  siasn::Credentials Read(const std::string& tenant) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// All five present and non-empty.
bool CredentialsPresent(const siasn::Credentials& c);

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_SECRETS_H_
