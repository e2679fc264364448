#include "lib/tenancy/resource_name.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"

namespace pelita {

absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view field,
                                                           absl::string_view name,
                                                           absl::string_view pattern) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  // InvalidField: the field path travels as a google.rpc.BadRequest field
  // violation, so the problem text does not repeat it.
  auto bad = [&] {
    return InvalidField(field, absl::StrCat("'", name.substr(0, 200), "' is not of the form ", pattern));
  };
  if (name.empty()) return InvalidField(field, "must not be empty");
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
    return WithReason(absl::PermissionDeniedError(
                          absl::StrCat(field, ": resource is outside the caller's tenant ", caller.tenant)),
                      "OTHER_TENANT", {{"field", std::string(field)}});
  }
  return values;
}

std::string SingletonParent(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? absl::string_view() : name.substr(0, slash));
}

}  // namespace pelita
