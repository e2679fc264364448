#include "services/tenant/domain.h"

#include <algorithm>

#include <google/protobuf/util/field_mask_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/store/field_mask.h"
#include "lib/tenancy/resource_name.h"
#include "lib/tenancy/tenant_code.h"
#include "lib/time/time.h"

namespace pelita::tenant {
namespace {

using v1::Tenant;

// UTF-8 code points, or -1 when `s` is not valid UTF-8.
int Utf8Length(absl::string_view s) {
  int n = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return -1;
    }
    i += len;
    ++n;
  }
  return n;
}

Tenant::Kind KindOf(absl::string_view code) { return IsKotaCode(code) ? Tenant::KOTA : Tenant::KABUPATEN; }

absl::Status CheckDisplayName(const Tenant& t) {
  const int len = Utf8Length(t.display_name());
  if (t.display_name().empty()) return InvalidField("tenant.display_name", "must not be empty");
  if (len < 0) return InvalidField("tenant.display_name", "is not valid UTF-8");
  if (len > kMaxDisplayNameChars) {
    return InvalidField("tenant.display_name", absl::StrCat("has ", len, " characters; at most ",
                                                            kMaxDisplayNameChars));
  }
  return absl::OkStatus();
}

absl::Status CheckSettings(const v1::TenantSettings& s) {
  // Below 5 respondents an aggregate may be traced to a person (UU 27/2022
  // on personal data; SPEC §2 default 5): a tenant may be stricter, never laxer.
  if (s.min_n() < kDefaultMinN || s.min_n() > 1000) {
    return InvalidField("tenant.settings.min_n", absl::StrCat("is ", s.min_n(), "; must be 5 to 1000"));
  }
  if (s.min_control_units() < 1 || s.min_control_units() > 100) {
    return InvalidField("tenant.settings.min_control_units",
                        absl::StrCat("is ", s.min_control_units(), "; must be 1 to 100"));
  }
  const v1::Signatory& sig = s.certificate_signatory();
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"title", &sig.title()},
                                     {"full_name", &sig.full_name()}}) {
    const int chars = Utf8Length(*value);
    if (chars < 0 || chars > 120) {
      return InvalidField(absl::StrCat("tenant.settings.certificate_signatory.", field),
                          chars < 0 ? "is not valid UTF-8" : "has more than 120 characters");
    }
  }
  if (!sig.nip().empty() && (sig.nip().size() != 18 ||
                             sig.nip().find_first_not_of("0123456789") != std::string::npos)) {
    return InvalidField("tenant.settings.certificate_signatory.nip", "must be 18 digits");
  }
  return absl::OkStatus();
}

absl::Status CheckZone(absl::string_view code, const Tenant& t) {
  PELITA_RETURN_IF_ERROR(ValidateIndonesianTimeZone(t.time_zone(), "tenant.time_zone"));
  const absl::string_view want = ProvinceTimeZone(ProvinceOf(code));
  if (t.time_zone() != want) {
    return InvalidField("tenant.time_zone",
                        absl::StrCat(t.time_zone(), " is not the zone of province ", ProvinceOf(code),
                                     " (", want, ", ", ZoneAbbreviation(want), "; Keppres 41/1987)"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string TenantName(absl::string_view code) { return absl::StrCat("tenants/", code); }

absl::StatusOr<std::string> ParseTenantName(absl::string_view field, absl::string_view name) {
  auto parts = ParseResourceName(field, name, "tenants/*");
  if (!parts.ok()) return parts.status();
  if (absl::Status s = ValidateTenant((*parts)[0]); !s.ok()) return InvalidField(field, s.message());
  return (*parts)[0];
}

absl::Status PrepareNew(absl::string_view code, Tenant* t) {
  if (absl::Status s = ValidateTenant(code); !s.ok()) return InvalidField("tenant_id", s.message());
  const std::string province(ProvinceOf(code));
  if (t->province_code().empty()) t->set_province_code(province);
  if (t->province_code() != province) {
    return InvalidField("tenant.province_code", absl::StrCat("is ", t->province_code(), " but tenant ", code,
                                                             " belongs to province ", province));
  }
  if (t->kind() == Tenant::KIND_UNSPECIFIED) t->set_kind(KindOf(code));
  if (t->kind() != KindOf(code)) {
    return InvalidField("tenant.kind", absl::StrCat("is ", Tenant::Kind_Name(t->kind()), " but ", code, " is a ",
                                                    Tenant::Kind_Name(KindOf(code)),
                                                    " code (01-69 kabupaten, 71-99 kota)"));
  }
  if (t->time_zone().empty()) t->set_time_zone(std::string(ProvinceTimeZone(province)));
  v1::TenantSettings* s = t->mutable_settings();
  if (s->min_n() == 0) s->set_min_n(kDefaultMinN);
  if (s->min_control_units() == 0) s->set_min_control_units(kDefaultMinControlUnits);
  t->set_name(TenantName(code));
  return ValidateRecord(*t);
}

absl::Status ValidateRecord(const Tenant& t) {
  PELITA_ASSIGN_OR_RETURN(std::string code, ParseTenantName("tenant.name", t.name()));
  if (t.province_code() != ProvinceOf(code)) {
    return InvalidField("tenant.province_code", "does not match the tenant code");
  }
  if (t.kind() != KindOf(code)) return InvalidField("tenant.kind", "does not match the tenant code");
  PELITA_RETURN_IF_ERROR(CheckDisplayName(t));
  PELITA_RETURN_IF_ERROR(CheckZone(code, t));
  return CheckSettings(t.settings());
}

const std::vector<std::string>& UpdatablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "display_name", "time_zone", "settings", "settings.min_n", "settings.min_control_units",
      "settings.certificate_signatory"};
  return *paths;
}

absl::Status ApplyUpdate(const Tenant& patch, const google::protobuf::FieldMask& mask, Tenant* record) {
  if (mask.paths_size() == 0) {
    return InvalidField("update_mask", "must name the fields to change (display_name, time_zone, settings...)");
  }
  for (const std::string& path : mask.paths()) {
    const auto& ok = UpdatablePaths();
    if (std::find(ok.begin(), ok.end(), path) == ok.end()) {
      return InvalidField("update_mask", absl::StrCat("'", path.substr(0, 60),
                                                      "' cannot be changed (name, province_code and kind "
                                                      "follow from the code; times are output only)"));
    }
  }
  PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(patch, mask, {}, record));
  return ValidateRecord(*record);
}

const std::vector<Seed>& JambiSeeds() {
  static const auto* seeds = new std::vector<Seed>{
      {"1501", "Kabupaten Kerinci"},
      {"1502", "Kabupaten Merangin"},
      {"1503", "Kabupaten Sarolangun"},
      {"1504", "Kabupaten Batang Hari"},
      {"1505", "Kabupaten Muaro Jambi"},
      {"1506", "Kabupaten Tanjung Jabung Timur"},
      {"1507", "Kabupaten Tanjung Jabung Barat"},
      {"1508", "Kabupaten Tebo"},
      {"1509", "Kabupaten Bungo"},
      {"1571", "Kota Jambi"},
      {"1572", "Kota Sungai Penuh"},
  };
  return *seeds;
}

}  // namespace pelita::tenant
