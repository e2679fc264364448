#ifndef PELITA_LIB_TENANCY_TENANCY_H_
#define PELITA_LIB_TENANCY_TENANCY_H_

#include <string>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace pelita {

// A tenant is a regency or city named by its Kemendagri/BPS code: two digits
// of province and two of regency (`1504` is Kabupaten Batang Hari in Jambi,
// `15`).  Kabupaten are numbered 01-69, kota 71-99.
absl::Status ValidateTenant(absl::string_view tenant);
// A province code: two digits of a province that exists (11 Aceh ... 96).
absl::Status ValidateProvince(absl::string_view province);
// The province a tenant belongs to: "1504" -> "15".
inline absl::string_view ProvinceOf(absl::string_view tenant) { return tenant.substr(0, 2); }

// Call metadata that carries the caller's identity from the gateway, which
// sets it from a verified token, to the services (and between services).
inline constexpr char kTenantMetadata[] = "x-pelita-tenant";
inline constexpr char kRoleMetadata[] = "x-pelita-role";
inline constexpr char kSubjectMetadata[] = "x-pelita-subject";

struct Caller {
  std::string tenant;
  std::string role;     // may be empty for service-to-service calls
  std::string subject;  // may be empty
};

// Reads the caller from the metadata of a call.  A missing or invalid tenant
// is UNAUTHENTICATED: a service never trusts a tenant named in a request body.
absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context);

// Sets the caller's metadata on an outgoing call.
void AttachCaller(grpc::ClientContext& context, const Caller& caller);
inline void AttachTenant(grpc::ClientContext& context, absl::string_view tenant) {
  AttachCaller(context, Caller{std::string(tenant), "", ""});
}

// Splits a resource name such as `tenants/1504/units/dinkes` into its
// segments and checks its shape against `pattern` (`tenants/*/units/*`): the
// literal segments must match and every `*` must be non-empty.  Returns the
// values of the `*` segments in order.  `field` names the request field.
absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view field,
                                                           absl::string_view name,
                                                           absl::string_view pattern);

// ParseResourceName, plus: the first `*` (the tenant) must equal the caller's
// tenant, otherwise PERMISSION_DENIED.
absl::StatusOr<std::vector<std::string>> ParseTenantResource(const Caller& caller,
                                                             absl::string_view field,
                                                             absl::string_view name,
                                                             absl::string_view pattern);

// Builds the Redis keys of one service for one tenant.  The tenant is wrapped
// in a Redis Cluster hash tag, so every key of a tenant hashes to one slot and
// multi-key scripts and transactions work the same on one Redis or a Cluster:
//   KeyBuilder("enrolment", "1504").Key("unit", "dinkes")
//     == "enrolment:{1504}:unit:dinkes"
class KeyBuilder {
 public:
  KeyBuilder(absl::string_view service, absl::string_view tenant)
      : prefix_(absl::StrCat(service, ":{", tenant, "}")) {}

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

#endif  // PELITA_LIB_TENANCY_TENANCY_H_
