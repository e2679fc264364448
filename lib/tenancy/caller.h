#ifndef PELITA_LIB_TENANCY_CALLER_H_
#define PELITA_LIB_TENANCY_CALLER_H_

#include <string>
#include <vector>

namespace pelita {

// Call metadata that carries the caller's identity from the gateway, which
// sets it from a verified token, to the services (and between services).
// The names are plain constants so that code which only needs them (a
// policy table, a log line) does not pull in gRPC; reading and attaching
// them is in call_metadata.h.
inline constexpr char kTenantMetadata[] = "x-pelita-tenant";
inline constexpr char kRoleMetadata[] = "x-pelita-role";
inline constexpr char kSubjectMetadata[] = "x-pelita-subject";
// The reach of the caller's role, from the token (docs/ROLES.md): an agency
// head's unit (`tenants/{t}/units/{u}`), and an instructor's cohorts
// (`tenants/{t}/programs/{p}/cohorts/{c}`, comma-separated).
inline constexpr char kUnitMetadata[] = "x-pelita-unit";
inline constexpr char kCohortsMetadata[] = "x-pelita-cohorts";

struct Caller {
  std::string tenant;
  std::string role;     // may be empty for service-to-service calls
  std::string subject;  // may be empty
  // The role's reach when the token carries it (empty otherwise).
  std::string unit = {};
  std::vector<std::string> cohorts = {};
};

}  // namespace pelita

#endif  // PELITA_LIB_TENANCY_CALLER_H_
