#ifndef PELITA_LIB_TENANCY_CALL_METADATA_H_
#define PELITA_LIB_TENANCY_CALL_METADATA_H_

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/tenancy/caller.h"

namespace pelita {

// Reads the caller from the metadata of a call.  A missing or invalid tenant
// is UNAUTHENTICATED: a service never trusts a tenant named in a request body.
absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context);

// For platform-level services (the tenant registry), whose callers need not
// belong to a tenant: a platform admin, or another service.  The tenant may
// be absent (then empty); when present it must be valid (else
// UNAUTHENTICATED), as must be any role and subject metadata.
absl::StatusOr<Caller> PlatformCallerFromContext(const grpc::ServerContext& context);

// Sets the caller's metadata on an outgoing call.
void AttachCaller(grpc::ClientContext& context, const Caller& caller);
inline void AttachTenant(grpc::ClientContext& context, absl::string_view tenant) {
  AttachCaller(context, Caller{std::string(tenant), "", ""});
}

}  // namespace pelita

#endif  // PELITA_LIB_TENANCY_CALL_METADATA_H_
