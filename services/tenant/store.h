#ifndef PELITA_SERVICES_TENANT_STORE_H_
#define PELITA_SERVICES_TENANT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/redis/redis.h"
#include "lib/store/resource_table.h"
#include "pelita/tenant/v1/tenant.pb.h"

namespace pelita::tenant {

// The registry's keys.  The registry belongs to the platform, not to a
// tenant, so its keys carry the fixed hash tag {platform}
// (KeyBuilder::Platform("tenant")): all of them share one Redis Cluster
// slot, so a write and its event are one script on a Cluster too.
//   tenant:{platform}:tenants   hash   code -> pelita.tenant.v1.Tenant (binary)
//   tenant:{platform}:index     zset   codes (score 0, lexicographic: paging)
//   tenant:{platform}:events    stream TenantCreated / TenantUpdated (lib/events)
class TenantStore {
 public:
  explicit TenantStore(redis::Client* redis);

  static std::string EventStreamKey();

  // Stores a new tenant and publishes TenantCreated in the same script.
  // ALREADY_EXISTS when the code is taken (nothing written, nothing published).
  absl::Status Create(const std::string& code, const v1::Tenant& tenant);
  // NOT_FOUND when absent; DATA_LOSS when the stored bytes do not parse.
  absl::StatusOr<v1::Tenant> Get(const std::string& code) const;
  // Replaces the tenant if it is still `expected` (the bytes read) and
  // publishes TenantUpdated in the same script; ABORTED when it changed in
  // between (the caller retries: lib/store RetryCas).
  absl::Status Replace(const std::string& code, const std::string& expected, const v1::Tenant& updated,
                       const google::protobuf::FieldMask& mask);
  absl::StatusOr<std::string> GetRaw(const std::string& code) const;

  struct Page {
    std::vector<v1::Tenant> tenants;
    std::string next_page_token;
  };
  absl::StatusOr<Page> List(int page_size, const std::string& page_token) const;

 private:
  redis::Client* redis_;
  store::ResourceTable table_;
};

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_STORE_H_
