#include "services/survey/names.h"

#include "absl/strings/numbers.h"
#include "lib/ids/slug.h"
#include "lib/status/status.h"
#include "lib/tenancy/resource_name.h"

namespace pelita::survey {

absl::StatusOr<CohortRef> ParseCohort(const Caller& c, const std::string& field,
                                      const std::string& name) {
  PELITA_ASSIGN_OR_RETURN(auto parts,
                          ParseTenantResource(c, field, name, "tenants/*/programs/*/cohorts/*"));
  return CohortRef{parts[0], parts[1], parts[2]};
}

// `tenants/{t}/instruments/{id}` or `...{id}@{version}` -> id, version.
absl::StatusOr<std::pair<std::string, int>> ParseInstrument(const Caller& c,
                                                            const std::string& field,
                                                            const std::string& name) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(c, field, name, "tenants/*/instruments/*"));
  std::string id = parts[1];
  int version = 0;
  if (size_t at = id.find('@'); at != std::string::npos) {
    if (!absl::SimpleAtoi(id.substr(at + 1), &version) || version < 1) {
      return InvalidField(field, "version after '@' must be a positive number");
    }
    id = id.substr(0, at);
  }
  PELITA_RETURN_IF_ERROR(ValidateSlug(field, id));
  return std::make_pair(id, version);
}

absl::StatusOr<std::string> ParseParent(const Caller& c, const std::string& field,
                                        const std::string& parent) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(c, field, parent, "tenants/*"));
  return parts[0];
}

}  // namespace pelita::survey
