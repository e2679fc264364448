#ifndef PELITA_LIB_TENANCY_CALL_METADATA_H_
#define PELITA_LIB_TENANCY_CALL_METADATA_H_

#include <functional>
#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/tenancy/caller.h"

namespace pelita {

// Reads the caller from the metadata of a call.  A missing or invalid tenant
// is UNAUTHENTICATED: a service never trusts a tenant named in a request body.
// A valid code is then given to the tenant check, if one is set
// (SetTenantCheck): a tenant the registry does not know is refused with the
// check's status (NOT_FOUND), so a service serves exactly the tenants of the
// registry.
absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context);

// Whether a tenant exists: the tenant registry (services/tenant/client
// RegistryClient::Check).  Tenants are records of the registry, not a
// start-up flag (SPEC §4): main() sets the check once, before the server
// starts, and a tenant created in the registry is served from then on.
// Without a check (tests, tools) every valid code is accepted.  Process-wide
// because every adapter of a process reads its callers through
// CallerFromContext; the check must be thread-safe and cheap (a cache).
using TenantCheck = std::function<absl::Status(const std::string& tenant)>;
void SetTenantCheck(TenantCheck check);
// A valid code that the tenant check (if set) accepts: for public calls,
// whose tenant comes from the request (a path, a signed link) rather than
// from the metadata.  INVALID_ARGUMENT for a malformed code, else the
// check's status.
absl::Status CheckKnownTenant(const std::string& tenant);

// For platform-level services (the tenant registry, identity), whose callers
// need not belong to a tenant: a platform admin, another service, a
// province or national user.  The tenant may be absent (then empty); when
// present it must be a regency, province or national code (IsScopeCode;
// else UNAUTHENTICATED).
absl::StatusOr<Caller> PlatformCallerFromContext(const grpc::ServerContext& context);

// For reads a whole province may make (the province benchmark): the tenant
// is required and is a regency code (then as CallerFromContext), a 2-digit
// province code (a province user's token) or the national code (a national
// user's); UNAUTHENTICATED else.
absl::StatusOr<Caller> RegionCallerFromContext(const grpc::ServerContext& context);

// Sets the caller's metadata on an outgoing call.
void AttachCaller(grpc::ClientContext& context, const Caller& caller);
inline void AttachTenant(grpc::ClientContext& context, absl::string_view tenant) {
  AttachCaller(context, Caller{std::string(tenant), "", ""});
}

}  // namespace pelita

#endif  // PELITA_LIB_TENANCY_CALL_METADATA_H_
