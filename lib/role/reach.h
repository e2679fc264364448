#ifndef PELITA_LIB_ROLE_REACH_H_
#define PELITA_LIB_ROLE_REACH_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "lib/tenancy/caller.h"

namespace pelita {

// The reach of each role in one record: the part of docs/ROLES.md that
// only the record tells (the gateway's policy table decides which RPCs a
// role may call at all, and which tenant).  Services call these on the
// records they are about to return and drop, or refuse, the others.
// Internal callers (no role) reach everything, like staff.

// What a rule about a person needs to know of them.
struct PersonFacts {
  absl::string_view nip;
  absl::string_view unit;            // tenants/{t}/units/{u}
  absl::string_view supervisor_nip;  // atasan langsung, may be empty
};

// Staff, province and national roles reach every person of the tenant;
// a participant reaches themselves; a supervisor themselves and their own
// staff (the people whose supervisor_nip is theirs); an agency head
// themselves and the people of their unit; an instructor only themselves
// (instructors see their cohorts' aggregates, not people by name).
bool ReachesPerson(const Caller& caller, const PersonFacts& person);

// Birth date and gender: staff and the person themselves only.
bool SeesPersonalDetails(const Caller& caller, absl::string_view nip);

// An instructor reaches the cohorts their token names and the cohorts
// whose instructor list names them; every other role the gateway lets
// call a cohort RPC reaches every cohort of its tenant.
bool ReachesCohort(const Caller& caller, absl::string_view cohort,
                   const std::vector<std::string>& instructors);

// An agency head reaches only their own unit's data; other roles every unit.
bool ReachesUnit(const Caller& caller, absl::string_view unit);

}  // namespace pelita

#endif  // PELITA_LIB_ROLE_REACH_H_
