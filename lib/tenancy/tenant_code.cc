#include "lib/tenancy/tenant_code.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pelita {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Province codes of Kemendagri (Permendagri 72/2019 and the 2022 Papua
// provinces).
bool KnownProvince(int code) {
  switch (code) {
    case 11: case 12: case 13: case 14: case 15: case 16: case 17: case 18: case 19:
    case 21:
    case 31: case 32: case 33: case 34: case 35: case 36:
    case 51: case 52: case 53:
    case 61: case 62: case 63: case 64: case 65:
    case 71: case 72: case 73: case 74: case 75: case 76:
    case 81: case 82:
    case 91: case 92: case 93: case 94: case 95: case 96:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::Status ValidateProvince(absl::string_view province) {
  int code = 0;
  if (province.size() != 2 || !AllDigits(province) || !absl::SimpleAtoi(province, &code) ||
      !KnownProvince(code)) {
    return absl::InvalidArgumentError(
        absl::StrCat("province '", province.substr(0, 16), "' is not a Kemendagri province code"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTenant(absl::string_view tenant) {
  if (tenant.size() != 4 || !AllDigits(tenant)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tenant '", tenant.substr(0, 16), "' must be a 4-digit Kemendagri regency/city code"));
  }
  if (!ValidateProvince(tenant.substr(0, 2)).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tenant '", tenant, "' has unknown province code ", tenant.substr(0, 2)));
  }
  int regency = 0;
  (void)absl::SimpleAtoi(tenant.substr(2), &regency);
  if (regency == 0 || regency == 70) {
    return absl::InvalidArgumentError(
        absl::StrCat("tenant '", tenant, "' has no regency/city number"));
  }
  return absl::OkStatus();
}

bool IsKotaCode(absl::string_view tenant) {
  int regency = 0;
  return tenant.size() == 4 && absl::SimpleAtoi(tenant.substr(2), &regency) && regency >= 71;
}

bool IsScopeCode(absl::string_view code) {
  return code == kNationalTenantCode || ValidateTenant(code).ok() || ValidateProvince(code).ok();
}

}  // namespace pelita
