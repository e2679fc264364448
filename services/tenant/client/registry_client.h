#ifndef PELITA_SERVICES_TENANT_CLIENT_REGISTRY_CLIENT_H_
#define PELITA_SERVICES_TENANT_CLIENT_REGISTRY_CLIENT_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "lib/events/follower.h"
#include "lib/redis/redis.h"
#include "lib/time/time.h"
#include "pelita/tenant/v1/tenant.grpc.pb.h"

namespace pelita::tenant {

// What a service needs to know about tenants: which exist (the streams a
// follower reads: events::TenantSource) and each one's record (settings,
// time zone).  RegistryClient is the real one; FixedRegistry serves tests.
class TenantRegistry : public events::TenantSource {
 public:
  // Codes in order.
  std::vector<std::string> Tenants() override = 0;
  // NOT_FOUND for a tenant the registry does not know (a service then
  // refuses to serve it).
  virtual absl::StatusOr<v1::Tenant> Get(const std::string& code) = 0;
  // The tenant's time zone, loaded from tzdata (lib/time).
  absl::StatusOr<absl::TimeZone> TimeZoneOf(const std::string& code);
  // TimeZoneOf as the lib/time TenantZones a logic class takes
  // (SetTenantZones): what every main that has a registry hands its logic.
  // The registry must outlive the function.
  TenantZones Zones() {
    return [this](const std::string& code) { return TimeZoneOf(code); };
  }
};

// A fixed set of records.
class FixedRegistry : public TenantRegistry {
 public:
  explicit FixedRegistry(std::vector<v1::Tenant> tenants);
  std::vector<std::string> Tenants() override;
  absl::StatusOr<v1::Tenant> Get(const std::string& code) override;
  void Put(const v1::Tenant& tenant);

 private:
  absl::Mutex mu_;
  absl::btree_map<std::string, v1::Tenant> tenants_ ABSL_GUARDED_BY(mu_);
};

// The registry over gRPC, cached: Start() lists every tenant (ListTenants,
// all pages) and then keeps the cache current two ways: it follows the
// registry's event stream `tenant:{platform}:events` (every process sees
// every TenantCreated / TenantUpdated, within the follower's poll interval:
// a new regency is known at once), and lists again every `refresh` as a
// safety net (a missed event, a Redis that lost the stream).  Tenants()
// and Get() answer from the cache and never block on the network.
class RegistryClient : public TenantRegistry {
 public:
  struct Options {
    absl::Duration refresh = absl::Minutes(1);
    absl::Duration rpc_timeout = absl::Seconds(5);
    absl::Duration event_poll = absl::Milliseconds(200);
  };
  // `redis` may be null: then only the periodic list keeps the cache.
  RegistryClient(std::shared_ptr<grpc::Channel> channel, redis::Client* redis, Options options);
  RegistryClient(std::shared_ptr<grpc::Channel> channel, redis::Client* redis)
      : RegistryClient(std::move(channel), redis, Options()) {}
  ~RegistryClient() override;

  // Loads the cache and starts following.  An error (registry unreachable)
  // is returned, and the client keeps trying in the background.
  absl::Status Start();
  void Stop();
  // Lists every tenant now and replaces the cache.
  absl::Status Refresh();

  std::vector<std::string> Tenants() override;
  absl::StatusOr<v1::Tenant> Get(const std::string& code) override;

  // Whether `code` is a tenant of the registry, for the tenant check of
  // every call (lib/tenancy SetTenantCheck): from the cache, and on a miss
  // from the registry itself (GetTenant, then cached), so that a tenant
  // created a moment ago is served before its event arrives.  NOT_FOUND
  // when the registry does not know it; UNAVAILABLE when it cannot be asked.
  absl::Status Check(const std::string& code);

 private:
  void Upsert(const v1::Tenant& tenant);

  std::unique_ptr<v1::TenantService::Stub> stub_;
  Options options_;
  std::unique_ptr<events::FixedTenants> platform_;
  std::unique_ptr<events::Follower> follower_;
  absl::Mutex mu_;
  absl::btree_map<std::string, v1::Tenant> cache_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread refresher_;
};

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_CLIENT_REGISTRY_CLIENT_H_
