#ifndef PELITA_SERVICES_TENANT_DOMAIN_H_
#define PELITA_SERVICES_TENANT_DOMAIN_H_

#include <string>
#include <vector>

#include <google/protobuf/field_mask.pb.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pelita/tenant/v1/tenant.pb.h"

namespace pelita::tenant {

// Defaults of a new tenant's settings (SPEC §2, §5).
inline constexpr int kDefaultMinN = 5;
inline constexpr int kDefaultMinControlUnits = 2;
inline constexpr int kMaxDisplayNameChars = 100;

// "tenants/1504" <-> "1504".
std::string TenantName(absl::string_view code);
// INVALID_ARGUMENT naming `field` unless `name` is tenants/{valid code}.
absl::StatusOr<std::string> ParseTenantName(absl::string_view field, absl::string_view name);

// Completes and checks a tenant to be created under `code`:
// - the code is a Kemendagri regency/city code (lib/tenancy ValidateTenant);
// - province_code, when given, is the code's first two digits (else it is
//   set to them); kind, when given, agrees with the code (01-69 kabupaten,
//   71-99 kota; else it is set from it);
// - time_zone, when given, is the zone of the province (Keppres 41/1987;
//   else it is set to it);
// - display_name is non-empty valid UTF-8 of at most 100 characters;
// - settings: 0 means the default; min_n 5-1000, min_control_units 1-100.
// name is set, create/update times are left to the caller.  Errors are
// INVALID_ARGUMENT naming the field ("tenant.time_zone: ...").
absl::Status PrepareNew(absl::string_view code, pelita::tenant::v1::Tenant* tenant);

// Checks a complete stored record (after an update) by the same rules.
absl::Status ValidateRecord(const pelita::tenant::v1::Tenant& tenant);

// The fields UpdateTenant may change.
const std::vector<std::string>& UpdatablePaths();

// AIP-134: applies the fields of `patch` named by `mask` to `record`.  The
// mask must be non-empty and name only UpdatablePaths() (name,
// province_code, kind and the times are immutable: INVALID_ARGUMENT naming
// update_mask).  The result is validated; a zero setting stays an error
// here (an update says what it wants).
absl::Status ApplyUpdate(const pelita::tenant::v1::Tenant& patch, const google::protobuf::FieldMask& mask,
                         pelita::tenant::v1::Tenant* record);

// The regencies and cities of Jambi (SPEC §2), the platform's first
// province; scripts/run.sh creates them at start.
struct Seed {
  const char* code;
  const char* display_name;
};
const std::vector<Seed>& JambiSeeds();

}  // namespace pelita::tenant

#endif  // PELITA_SERVICES_TENANT_DOMAIN_H_
