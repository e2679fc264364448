#include "lib/role/reach.h"

#include <algorithm>

#include "lib/role/role.h"

namespace pelita {
namespace {

// The role of a caller; an unknown name is none of them (and no staff).
bool Parsed(const Caller& caller, Role* out) {
  auto r = ParseRole(caller.role);
  if (!r.ok()) return false;
  *out = *r;
  return true;
}

}  // namespace

bool ReachesPerson(const Caller& caller, const PersonFacts& person) {
  Role r;
  if (!Parsed(caller, &r)) return false;
  if (IsStaff(r) || r == Role::kProvince || r == Role::kNationalIntegrator) return true;
  const bool self = !caller.subject.empty() && person.nip == caller.subject;
  switch (r) {
    case Role::kSupervisor:
      return self || (!caller.subject.empty() && person.supervisor_nip == caller.subject);
    case Role::kAgencyHead:
      return self || (!caller.unit.empty() && person.unit == caller.unit);
    default:
      return self;
  }
}

bool SeesPersonalDetails(const Caller& caller, absl::string_view nip) {
  Role r;
  if (!Parsed(caller, &r)) return false;
  return IsStaff(r) || (!caller.subject.empty() && nip == caller.subject);
}

bool ReachesCohort(const Caller& caller, absl::string_view cohort, const std::vector<std::string>& instructors) {
  Role r;
  if (!Parsed(caller, &r)) return false;
  if (r != Role::kInstructor) return true;
  if (std::find(caller.cohorts.begin(), caller.cohorts.end(), cohort) != caller.cohorts.end()) return true;
  return !caller.subject.empty() &&
         std::find(instructors.begin(), instructors.end(), caller.subject) != instructors.end();
}

bool ReachesUnit(const Caller& caller, absl::string_view unit) {
  Role r;
  if (!Parsed(caller, &r)) return false;
  if (r != Role::kAgencyHead) return true;
  return !caller.unit.empty() && unit == caller.unit;
}

}  // namespace pelita
