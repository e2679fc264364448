#include "services/integration/clients.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"

namespace pelita::integration {

absl::StatusOr<Connection> StoreConnections::Get(const std::string& tenant) {
  Connection c;
  PELITA_ASSIGN_OR_RETURN(c.settings, store_->GetConnection(tenant));
  c.credentials = secrets_->Read(tenant);
  c.settings.set_credentials_present(CredentialsPresent(c.credentials));
  return c;
}

std::vector<std::string> StoreConnections::EnabledTenants() {
  std::vector<std::string> out;
  auto tenants = store_->EnabledTenants();
  if (!tenants.ok()) return out;
  for (const auto& t : *tenants) {
    auto c = store_->GetConnection(t);
    if (c.ok() && c->enabled()) out.push_back(t);
  }
  return out;
}

absl::StatusOr<std::shared_ptr<siasn::SiasnClient>> TenantClients::For(const std::string& tenant) {
  PELITA_ASSIGN_OR_RETURN(Connection c, connections_->Get(tenant));
  if (!c.settings.enabled()) {
    return WithReason(absl::FailedPreconditionError("the SIASN connection is switched off"), "CONNECTION_OFF");
  }
  if (!CredentialsPresent(c.credentials)) {
    return WithReason(absl::FailedPreconditionError("the tenant's SIASN credentials are not mounted"),
                      "CREDENTIALS_MISSING");
  }
  // The fingerprint holds the secrets; it lives only in this process's
  // memory, as the client that holds them does.
  const std::string fingerprint =
      absl::StrCat(c.settings.apim_url(), "\n", c.settings.sso_url(), "\n", c.settings.sso_realm(), "\n",
                   c.credentials.consumer_key, "\n", c.credentials.consumer_secret, "\n",
                   c.credentials.sso_client_id, "\n", c.credentials.username, "\n", c.credentials.password);
  absl::MutexLock l(&mu_);
  Entry& e = clients_[tenant];
  if (e.client == nullptr || e.fingerprint != fingerprint) {
    siasn::ClientOptions o;
    o.apim_url = c.settings.apim_url();
    o.sso_url = c.settings.sso_url();
    o.sso_realm = c.settings.sso_realm().empty() ? "public-siasn" : c.settings.sso_realm();
    o.credentials = c.credentials;
    o.timeout = timeout_;
    o.clock = clock_;
    e.client = std::make_shared<siasn::SiasnClient>(o);
    e.fingerprint = fingerprint;
    ++built_;
  }
  return e.client;
}

int TenantClients::built() const {
  absl::MutexLock l(&mu_);
  return built_;
}

}  // namespace pelita::integration
