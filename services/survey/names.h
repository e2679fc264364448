#ifndef PELITA_SERVICES_SURVEY_NAMES_H_
#define PELITA_SERVICES_SURVEY_NAMES_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "lib/tenancy/caller.h"

namespace pelita::survey {

// A cohort's resource name, parsed; `ck()` is the part the survey's keys use.
struct CohortRef {
  std::string tenant, program, cohort;
  std::string ck() const { return program + "/" + cohort; }
};

// `tenants/{t}/programs/{p}/cohorts/{c}` of the caller's tenant, or
// INVALID_ARGUMENT naming `field` (PERMISSION_DENIED for another tenant).
absl::StatusOr<CohortRef> ParseCohort(const Caller& c, const std::string& field, const std::string& name);

// `tenants/{t}/instruments/{id}` or `...{id}@{version}` -> id, version (0
// when the name has none).
absl::StatusOr<std::pair<std::string, int>> ParseInstrument(const Caller& c, const std::string& field,
                                                            const std::string& name);

// `tenants/{t}` -> t.
absl::StatusOr<std::string> ParseParent(const Caller& c, const std::string& field, const std::string& parent);

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_NAMES_H_
