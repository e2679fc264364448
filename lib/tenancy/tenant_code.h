#ifndef PELITA_LIB_TENANCY_TENANT_CODE_H_
#define PELITA_LIB_TENANCY_TENANT_CODE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pelita {

// A tenant is a regency or city named by its Kemendagri/BPS code: two digits
// of province and two of regency (`1504` is Kabupaten Batang Hari in Jambi,
// `15`).  Kabupaten are numbered 01-69, kota 71-99 (Permendagri 72/2019 on
// the codes and data of administrative areas).
absl::Status ValidateTenant(absl::string_view tenant);
// A province code: two digits of a province that exists (11 Aceh ... 96).
absl::Status ValidateProvince(absl::string_view province);
// The tenant claim of a national role (national_integrator, platform_admin):
// BPS's code for Indonesia as a whole.
inline constexpr char kNationalTenantCode[] = "00";
// Whether `code` may name a caller's scope: a regency or city, a province
// (a province user), or the whole country (kNationalTenantCode).
bool IsScopeCode(absl::string_view code);
// The province a tenant belongs to: "1504" -> "15".
inline absl::string_view ProvinceOf(absl::string_view tenant) { return tenant.substr(0, 2); }
// Whether a valid tenant code names a kota (city: regency number 71-99)
// rather than a kabupaten (regency: 01-69).
bool IsKotaCode(absl::string_view tenant);

}  // namespace pelita

#endif  // PELITA_LIB_TENANCY_TENANT_CODE_H_
