#ifndef PELITA_SERVICES_INTEGRATION_CLIENTS_H_
#define PELITA_SERVICES_INTEGRATION_CLIENTS_H_

// The connections (settings from the store, credentials from the mounted
// secrets) and one SIASN client per tenant built from them.

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/integration/interfaces.h"
#include "services/integration/secrets.h"
#include "services/integration/store.h"

namespace pelita::integration {

// ConnectionSource over the store and the secrets folder.
class StoreConnections : public ConnectionSource {
 public:
  StoreConnections(IntegrationStore* store, const SecretsDir* secrets) : store_(store), secrets_(secrets) {}
  absl::StatusOr<Connection> Get(const std::string& tenant) override;
  // The platform set, each tenant checked against its own connection.
  std::vector<std::string> EnabledTenants() override;

 private:
  IntegrationStore* store_;
  const SecretsDir* secrets_;
};

// SiasnClients: a client per tenant, kept (with its tokens) while the
// connection's endpoints and credentials stay the same, built again when
// they change (a rotated secret, a new URL).  `timeout` bounds each HTTP
// exchange with SIASN; `clock` is handed to the clients (tests).
class TenantClients : public SiasnClients {
 public:
  explicit TenantClients(ConnectionSource* connections, absl::Duration timeout = absl::Seconds(30),
                         std::function<absl::Time()> clock = nullptr)
      : connections_(connections), timeout_(timeout), clock_(std::move(clock)) {}
  absl::StatusOr<std::shared_ptr<siasn::SiasnClient>> For(const std::string& tenant) override;
  // How many clients were built (tests: a rotated secret builds one more).
  int built() const;

 private:
  struct Entry {
    std::string fingerprint;
    std::shared_ptr<siasn::SiasnClient> client;
  };
  ConnectionSource* connections_;
  absl::Duration timeout_;
  std::function<absl::Time()> clock_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> clients_ ABSL_GUARDED_BY(mu_);
  int built_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_CLIENTS_H_
