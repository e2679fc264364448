#ifndef PELITA_SERVICES_INTEGRATION_PUSH_FAKES_H_
#define PELITA_SERVICES_INTEGRATION_PUSH_FAKES_H_

// Fakes of the integration service's seams (interfaces.h) for the push
// tests: the real ones are built in services/integration by another part.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/integration/interfaces.h"

namespace pelita::integration {

class FakeConnections : public ConnectionSource {
 public:
  void Put(const std::string& tenant, Connection c) {
    absl::MutexLock l(&mu_);
    connections_[tenant] = std::move(c);
  }
  void SetEnabled(const std::string& tenant, bool enabled) {
    absl::MutexLock l(&mu_);
    connections_[tenant].settings.set_enabled(enabled);
  }
  absl::StatusOr<Connection> Get(const std::string& tenant) override {
    absl::MutexLock l(&mu_);
    auto it = connections_.find(tenant);
    if (it == connections_.end()) return Connection{};
    return it->second;
  }
  std::vector<std::string> EnabledTenants() override {
    absl::MutexLock l(&mu_);
    std::vector<std::string> out;
    for (const auto& [t, c] : connections_) {
      if (c.settings.enabled()) out.push_back(t);
    }
    return out;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, Connection> connections_ ABSL_GUARDED_BY(mu_);
};

class FakeClients : public SiasnClients {
 public:
  void Put(const std::string& tenant, std::shared_ptr<siasn::SiasnClient> c) {
    absl::MutexLock l(&mu_);
    clients_[tenant] = std::move(c);
  }
  absl::StatusOr<std::shared_ptr<siasn::SiasnClient>> For(const std::string& tenant) override {
    absl::MutexLock l(&mu_);
    auto it = clients_.find(tenant);
    if (it == clients_.end()) return absl::FailedPreconditionError(absl::StrCat("no client for ", tenant));
    return it->second;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<siasn::SiasnClient>> clients_ ABSL_GUARDED_BY(mu_);
};

// Grants every call (counting them and the rate asked for), or refuses all
// when told to.
class FakeLimiter : public RateLimiter {
 public:
  bool Acquire(const std::string& tenant, double per_second, absl::Time) override {
    absl::MutexLock l(&mu_);
    ++calls_[tenant];
    last_rate_ = per_second;
    return !refuse_;
  }
  int Calls(const std::string& tenant) {
    absl::MutexLock l(&mu_);
    return calls_[tenant];
  }
  double last_rate() {
    absl::MutexLock l(&mu_);
    return last_rate_;
  }
  void SetRefuse(bool refuse) {
    absl::MutexLock l(&mu_);
    refuse_ = refuse;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
  double last_rate_ ABSL_GUARDED_BY(mu_) = 0;
  bool refuse_ ABSL_GUARDED_BY(mu_) = false;
};

class FakeSink : public FailureSink {
 public:
  absl::Status Record(const std::string& tenant, v1::Failure failure) override {
    absl::MutexLock l(&mu_);
    failures_.emplace_back(tenant, std::move(failure));
    return absl::OkStatus();
  }
  std::vector<std::pair<std::string, v1::Failure>> All() {
    absl::MutexLock l(&mu_);
    return failures_;
  }
  // The failures of one push.
  std::vector<v1::Failure> Of(const std::string& push) {
    absl::MutexLock l(&mu_);
    std::vector<v1::Failure> out;
    for (const auto& [t, f] : failures_) {
      if (f.push() == push) out.push_back(f);
    }
    return out;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::pair<std::string, v1::Failure>> failures_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_PUSH_FAKES_H_
