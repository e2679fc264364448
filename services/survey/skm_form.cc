// The public SKM form of a unit (issue 15): SurveyLogic::GetSkmForm and
// SubmitSkmResponse.  The abuse limits are best effort and say so
// (README.md, "Public SKM form"): a source address may be a whole office
// behind one NAT, and a device token is only as lasting as the browser's
// cookie.

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "lib/ids/slug.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/tenancy/resource_name.h"
#include "services/survey/survey.h"

namespace pelita::survey {
namespace {

constexpr char kSkmInstrument[] = "skm-permenpanrb-14-2017";
constexpr size_t kMaxDeviceUnits = 50;
constexpr absl::Duration kUnitTitleTtl = absl::Minutes(5);
constexpr size_t kMaxUnitTitles = 10000;

std::string DeviceMac(absl::string_view secret, absl::string_view payload) {
  const std::string msg = absl::StrCat("pelita-skm-device\x1f", payload);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), 16);
}

// The units a device answered about on `day`, from its token; empty when
// the token is missing, altered, of another regency or of another day
// (a bad token is no reason to refuse a citizen's answer).
std::vector<std::string> DeviceUnits(absl::string_view token, absl::string_view secret, const std::string& tenant,
                                     const std::string& day) {
  const size_t dot = token.find('.');
  std::string payload, mac;
  if (token.size() > 4096 || dot == absl::string_view::npos ||
      !absl::WebSafeBase64Unescape(token.substr(0, dot), &payload) ||
      !absl::WebSafeBase64Unescape(token.substr(dot + 1), &mac) || mac.size() != 16) {
    return {};
  }
  const std::string want = DeviceMac(secret, payload);
  if (CRYPTO_memcmp(want.data(), mac.data(), 16) != 0) return {};
  std::vector<std::string> f = absl::StrSplit(payload, '\x1f');
  if (f.size() != 4 || f[0] != "skm1" || f[1] != tenant || f[2] != day || f[3].empty()) return {};
  return absl::StrSplit(f[3], ',');
}

std::string DeviceToken(absl::string_view secret, const std::string& tenant, const std::string& day,
                        const std::vector<std::string>& units) {
  const std::string payload = absl::StrCat("skm1\x1f", tenant, "\x1f", day, "\x1f", absl::StrJoin(units, ","));
  return absl::StrCat(absl::WebSafeBase64Escape(payload), ".", absl::WebSafeBase64Escape(DeviceMac(secret, payload)));
}

// A public caller's tenant: a valid code that the registry knows (the
// metadata carries none).  NOT_FOUND otherwise: the public learns nothing
// more than that there is no such form.
absl::Status KnownTenant(const std::string& tenant, absl::string_view name) {
  if (!CheckKnownTenant(tenant).ok()) {
    return absl::NotFoundError(absl::StrCat(name, ": Pelita has no such regency"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> SurveyLogic::UnitTitle(const std::string& tenant, const std::string& unit) {
  const std::string key = absl::StrCat(tenant, "|", unit);
  const absl::Time now = clock_();
  {
    absl::MutexLock l(&mu_);
    auto it = unit_titles_.find(key);
    if (it != unit_titles_.end() && now - it->second.second < kUnitTitleTtl) return it->second.first;
  }
  PELITA_ASSIGN_OR_RETURN(std::string title, roster_->UnitTitle(tenant, unit));
  absl::MutexLock l(&mu_);
  if (unit_titles_.size() >= kMaxUnitTitles) unit_titles_.clear();
  unit_titles_[key] = {title, now};
  return title;
}

absl::StatusOr<v1::SkmForm> SurveyLogic::GetSkmForm(const Caller&, const v1::GetSkmFormRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                          ParseResourceName("name", r.name(), "tenants/*/units/*/skmForm"));
  const std::string& tenant = parts[0];
  PELITA_RETURN_IF_ERROR(KnownTenant(tenant, "name"));
  PELITA_RETURN_IF_ERROR(ValidateSlug("name", parts[1]));
  const std::string unit = absl::StrCat("tenants/", tenant, "/units/", parts[1]);
  v1::SkmForm out;
  out.set_unit(unit);
  PELITA_ASSIGN_OR_RETURN(*out.mutable_unit_title(), UnitTitle(tenant, unit));
  v1::GetInstrumentRequest get;
  get.set_name(absl::StrCat("tenants/", tenant, "/instruments/", kSkmInstrument));
  auto instrument = GetInstrument(Caller{tenant, "participant", ""}, get);
  if (!instrument.ok()) {
    if (instrument.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("the regency has not installed its SKM questionnaire (", kSkmInstrument,
                                              "; InstallDefaultInstruments)"));
    }
    return instrument.status();
  }
  *out.mutable_instrument() = *std::move(instrument);
  out.mutable_instrument()->clear_response_count();
  return out;
}

absl::StatusOr<v1::SkmReceipt> SurveyLogic::SubmitSkmResponse(const Caller& c, const v1::SubmitSkmResponseRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> parts, ParseResourceName("unit", r.unit(), "tenants/*/units/*"));
  const std::string& tenant = parts[0];
  PELITA_RETURN_IF_ERROR(KnownTenant(tenant, "unit"));
  PELITA_RETURN_IF_ERROR(ValidateSlug("unit", parts[1]));
  PELITA_ASSIGN_OR_RETURN(std::string id, NormalizeResponseId("response_id", r.response_id()));
  PELITA_RETURN_IF_ERROR(UnitTitle(tenant, r.unit()).status());
  PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
  const absl::Time now = clock_();
  const std::string day = absl::FormatCivilTime(absl::ToCivilDay(now, zone));
  PELITA_ASSIGN_OR_RETURN(std::string secret, TenantSecret(tenant));
  std::vector<std::string> units = DeviceUnits(r.device_token(), secret, tenant, day);
  const std::string& unit_id = parts[1];
  SurveyStore store(redis_, tenant);
  // Per source address and unit, per clock hour.
  const std::string address = c.subject.empty() ? "-" : c.subject.substr(0, 64);
  const int64_t hour = absl::ToUnixSeconds(now) / 3600;
  const std::string rate_key = store.SkmRateKey(unit_id, hour, address);
  // A resent answer (same id, the reply was lost) is not a second answer:
  // neither limit applies to it, and the write returns the stored one.
  PELITA_ASSIGN_OR_RETURN(const SurveyStore::SkmCheck check, store.CheckSkm(id, rate_key));
  const bool resent = check.resent;
  if (!resent && std::find(units.begin(), units.end(), unit_id) != units.end()) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "this device has already answered the survey of ", r.unit(), " today; thank you")),
                      "SKM_ALREADY_TODAY");
  }
  if (!resent) {
    if (check.count >= kSkmPerAddressHour) {
      const absl::Duration wait = absl::FromUnixSeconds((hour + 1) * 3600) - now;
      return WithRetryDelay(WithReason(absl::ResourceExhaustedError(absl::StrCat(
                                           "too many answers from this address about ", r.unit(),
                                           " this hour; try again later")),
                                       "SKM_RATE_LIMITED"),
                            wait);
    }
  }
  v1::CreateResponseRequest req;
  req.set_parent(absl::StrCat("tenants/", tenant));
  req.set_response_id(id);
  v1::Response& in = *req.mutable_response();
  in.set_instrument(absl::StrCat("tenants/", tenant, "/instruments/", kSkmInstrument));
  in.set_unit(r.unit());
  *in.mutable_answers() = r.answers();
  // The service itself enters what the citizen gave: only the unit and the
  // answers, nothing of the person (not even the address, which only the
  // hourly counter sees).
  PELITA_ASSIGN_OR_RETURN(v1::Response stored, CreateOne(Caller{tenant, "", ""}, req, nullptr));
  if (!resent) PELITA_RETURN_IF_ERROR(store.Bump(rate_key, absl::Hours(2)));
  if (std::find(units.begin(), units.end(), unit_id) == units.end()) {
    if (units.size() >= kMaxDeviceUnits) units.erase(units.begin());
    units.push_back(unit_id);
  }
  v1::SkmReceipt out;
  *out.mutable_response() = std::move(stored);
  out.set_device_token(DeviceToken(secret, tenant, day, units));
  return out;
}

}  // namespace pelita::survey
