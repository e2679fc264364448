#ifndef PELITA_LIB_TENANCY_KEY_BUILDER_H_
#define PELITA_LIB_TENANCY_KEY_BUILDER_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pelita {

// The hash tag of keys that belong to the platform rather than to one tenant
// (the tenant registry).  It cannot collide with a tenant: tenant codes are
// four digits.  All platform keys share its one Redis Cluster slot, which is
// fine for the small, rarely written registry.
inline constexpr char kPlatformScope[] = "platform";

// Builds the Redis keys of one service for one tenant.  The tenant is wrapped
// in a Redis Cluster hash tag, so every key of a tenant hashes to one slot and
// multi-key scripts and transactions work the same on one Redis or a Cluster:
//   KeyBuilder("enrolment", "1504").Key("unit", "dinkes")
//     == "enrolment:{1504}:unit:dinkes"
// Header-only on Abseil strings: building a key pulls in no gRPC.
class KeyBuilder {
 public:
  KeyBuilder(absl::string_view service, absl::string_view tenant)
      : prefix_(absl::StrCat(service, ":{", tenant, "}")) {}

  // The keys of a platform-wide service: `tenant:{platform}:...`.
  static KeyBuilder Platform(absl::string_view service) { return KeyBuilder(service, kPlatformScope); }

  template <typename... Parts>
  std::string Key(const Parts&... parts) const {
    std::string out = prefix_;
    (absl::StrAppend(&out, ":", parts), ...);
    return out;
  }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

}  // namespace pelita

#endif  // PELITA_LIB_TENANCY_KEY_BUILDER_H_
