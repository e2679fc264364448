#include "lib/tenancy/tenancy.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

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

std::string Metadata(const grpc::ServerContext& context, absl::string_view key) {
  const auto& md = context.client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
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

absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context) {
  Caller caller;
  caller.tenant = Metadata(context, kTenantMetadata);
  if (caller.tenant.empty()) {
    return absl::UnauthenticatedError(absl::StrCat("missing ", kTenantMetadata, " metadata"));
  }
  if (absl::Status s = ValidateTenant(caller.tenant); !s.ok()) {
    return absl::UnauthenticatedError(s.message());
  }
  caller.role = Metadata(context, kRoleMetadata);
  caller.subject = Metadata(context, kSubjectMetadata);
  return caller;
}

void AttachCaller(grpc::ClientContext& context, const Caller& caller) {
  context.AddMetadata(kTenantMetadata, caller.tenant);
  if (!caller.role.empty()) context.AddMetadata(kRoleMetadata, caller.role);
  if (!caller.subject.empty()) context.AddMetadata(kSubjectMetadata, caller.subject);
}

absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view field,
                                                           absl::string_view name,
                                                           absl::string_view pattern) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(field, ": '", name.substr(0, 200),
                                                   "' is not of the form ", pattern));
  };
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": must not be empty"));
  if (parts.size() != want.size()) return bad();
  std::vector<std::string> values;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (want[i] == "*") {
      if (parts[i].empty()) return bad();
      values.emplace_back(parts[i]);
    } else if (parts[i] != want[i]) {
      return bad();
    }
  }
  return values;
}

absl::StatusOr<std::vector<std::string>> ParseTenantResource(const Caller& caller,
                                                             absl::string_view field,
                                                             absl::string_view name,
                                                             absl::string_view pattern) {
  auto values = ParseResourceName(field, name, pattern);
  if (!values.ok()) return values.status();
  if (values->empty() || (*values)[0] != caller.tenant) {
    return absl::PermissionDeniedError(
        absl::StrCat(field, ": resource is outside the caller's tenant ", caller.tenant));
  }
  return values;
}

}  // namespace pelita
