#ifndef PELITA_SERVICES_TENANT_LOCAL_REGISTRY_H_
#define PELITA_SERVICES_TENANT_LOCAL_REGISTRY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/redis/redis.h"
#include "lib/server/server.h"
#include "services/tenant/grpc_service.h"
#include "services/tenant/store.h"
#include "services/tenant/tenant.h"

namespace pelita::tenant {

// The real tenant registry in process on a free loopback port, for tests
// that run services (in process or as processes, with --registry
// address()): tenants are registry records, so every service under test
// needs one.  Start() seeds the Jambi tenants unless told not to.
class LocalRegistry {
 public:
  static absl::StatusOr<std::unique_ptr<LocalRegistry>> Start(redis::Client* redis, bool seed_jambi = true);
  ~LocalRegistry();

  std::string address() const { return server_->address(); }

 private:
  explicit LocalRegistry(redis::Client* redis);

  TenantStore store_;
  TenantLogic logic_;
  TenantGrpcService service_;
  std::unique_ptr<Server> server_;
};

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_LOCAL_REGISTRY_H_
