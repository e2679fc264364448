#ifndef PELITA_LIB_TENANCY_CALLER_H_
#define PELITA_LIB_TENANCY_CALLER_H_

#include <string>

namespace pelita {

// Call metadata that carries the caller's identity from the gateway, which
// sets it from a verified token, to the services (and between services).
// The names are plain constants so that code which only needs them (a
// policy table, a log line) does not pull in gRPC; reading and attaching
// them is in call_metadata.h.
inline constexpr char kTenantMetadata[] = "x-pelita-tenant";
inline constexpr char kRoleMetadata[] = "x-pelita-role";
inline constexpr char kSubjectMetadata[] = "x-pelita-subject";

struct Caller {
  std::string tenant;
  std::string role;     // may be empty for service-to-service calls
  std::string subject;  // may be empty
};

}  // namespace pelita

#endif  // PELITA_LIB_TENANCY_CALLER_H_
