#ifndef PELITA_LIB_TENANCY_RESOURCE_NAME_H_
#define PELITA_LIB_TENANCY_RESOURCE_NAME_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/tenancy/caller.h"

namespace pelita {

// Splits a resource name such as `tenants/1504/units/dinkes` into its
// segments and checks its shape against `pattern` (`tenants/*/units/*`): the
// literal segments must match and every `*` must be non-empty.  Returns the
// values of the `*` segments in order.  `field` names the request field
// (AIP-122 resource names).
absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view field,
                                                           absl::string_view name,
                                                           absl::string_view pattern);

// ParseResourceName, plus: the first `*` (the tenant) must equal the caller's
// tenant, otherwise PERMISSION_DENIED with the ErrorInfo reason OTHER_TENANT.
absl::StatusOr<std::vector<std::string>> ParseTenantResource(const Caller& caller,
                                                             absl::string_view field,
                                                             absl::string_view name,
                                                             absl::string_view pattern);

// The parent of a singleton sub-resource (AIP-156): `tenants/1504/units/dinkes/satisfaction`
// -> `tenants/1504/units/dinkes`.  Everything before the last `/`; call it on a
// name already checked with ParseResourceName or ParseTenantResource.
std::string SingletonParent(absl::string_view name);

}  // namespace pelita

#endif  // PELITA_LIB_TENANCY_RESOURCE_NAME_H_
