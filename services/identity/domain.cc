#include "services/identity/domain.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/csv/csv_reader.h"
#include "lib/ids/nip.h"
#include "lib/status/status.h"
#include "lib/tenancy/resource_name.h"
#include "lib/tenancy/tenant_code.h"

namespace pelita::identity {

absl::StatusOr<IdKind> ParseAccountId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return InvalidField(field, "required: a NIP or an e-mail address");
  if (absl::ascii_isdigit(static_cast<unsigned char>(id[0])) && id.find('@') == absl::string_view::npos) {
    if (auto nip = ParseNip(id); !nip.ok()) return InvalidField(field, nip.status().message());
    return IdKind::kNip;
  }
  if (id.size() > 128) return InvalidField(field, "an e-mail address has at most 128 characters");
  for (char c : id) {
    if (c < 0x21 || c > 0x7e || c == '/' || c == ':') return InvalidField(field, "not an e-mail address");
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
      return InvalidField(field, "an e-mail address is written in lower case");
    }
  }
  const size_t at = id.find('@');
  if (at == absl::string_view::npos || at == 0 || id.find('@', at + 1) != absl::string_view::npos) {
    return InvalidField(field, "not an e-mail address");
  }
  absl::string_view domain = id.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == absl::string_view::npos || dot == 0 || domain.back() == '.') {
    return InvalidField(field, "not an e-mail address");
  }
  return IdKind::kEmail;
}

bool IsAccountRole(Role role) {
  switch (role) {
    case Role::kAdmin:
    case Role::kOrganiser:
    case Role::kInstructor:
    case Role::kParticipant:
    case Role::kSupervisor:
    case Role::kAgencyHead:
    case Role::kProvince:
      return true;
    default:
      return false;
  }
}

absl::Status ValidateAccount(absl::string_view field, absl::string_view tenant, IdKind kind,
                             const v1::Account& a) {
  std::vector<std::pair<std::string, std::string>> bad;
  auto f = [&](absl::string_view name) { return absl::StrCat(field, ".", name); };
  auto role = ParseRole(a.role());
  if (!role.ok() || !IsAccountRole(*role)) {
    bad.push_back({f("role"), "one of organiser, admin, instructor, agency_head, participant, supervisor, province"});
  }
  if (a.display_name().size() > 200 || !csv::IsValidUtf8(a.display_name())) {
    bad.push_back({f("display_name"), "at most 200 bytes of UTF-8"});
  }
  const Role r = role.ok() ? *role : Role::kInternal;
  if ((r == Role::kParticipant || r == Role::kSupervisor) && kind != IdKind::kNip) {
    bad.push_back({f("name"), "a participant or supervisor signs in with their NIP"});
  }
  if (r == Role::kAgencyHead) {
    if (!ParseResourceName(f("unit"), a.unit(), absl::StrCat("tenants/", tenant, "/units/*")).ok()) {
      bad.push_back({f("unit"), absl::StrCat("an agency head needs a unit tenants/", tenant, "/units/{unit}")});
    }
  } else if (!a.unit().empty()) {
    bad.push_back({f("unit"), "only an agency head has a unit"});
  }
  if (r == Role::kInstructor) {
    if (a.cohorts().empty() || a.cohorts_size() > 100) {
      bad.push_back({f("cohorts"), "an instructor teaches 1 to 100 cohorts"});
    }
    for (int i = 0; i < a.cohorts_size(); ++i) {
      if (!ParseResourceName(f("cohorts"), a.cohorts(i), absl::StrCat("tenants/", tenant, "/programs/*/cohorts/*"))
               .ok()) {
        bad.push_back({absl::StrCat(f("cohorts"), "[", i, "]"),
                       absl::StrCat("a cohort tenants/", tenant, "/programs/{program}/cohorts/{cohort}")});
      }
    }
  } else if (!a.cohorts().empty()) {
    bad.push_back({f("cohorts"), "only an instructor has cohorts"});
  }
  if (r == Role::kProvince) {
    if (a.province() != ProvinceOf(tenant)) {
      bad.push_back({f("province"), absl::StrCat("a province account of tenant ", tenant, " has province ",
                                                 ProvinceOf(tenant))});
    }
  } else if (!a.province().empty()) {
    bad.push_back({f("province"), "only a province account has a province"});
  }
  return InvalidFields(bad);
}

absl::Status ValidatePassword(absl::string_view field, absl::string_view password) {
  if (password.size() < 10 || password.size() > 128) return InvalidField(field, "10 to 128 characters");
  if (!csv::IsValidUtf8(password)) return InvalidField(field, "must be valid UTF-8");
  return absl::OkStatus();
}

absl::Duration ThrottleDelay(int failures, int free, absl::Duration cap) {
  if (failures <= free) return absl::ZeroDuration();
  const int doublings = std::min(failures - free - 1, 30);
  return std::min(absl::Seconds(int64_t{1} << doublings), cap);
}

}  // namespace pelita::identity
