#include "services/integration/integration.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/store/field_mask.h"
#include "lib/store/paging.h"
#include "lib/tenancy/resource_name.h"
#include "lib/time/time.h"
#include "services/integration/secrets.h"

namespace pelita::integration {
namespace {

using Violations = std::vector<std::pair<std::string, std::string>>;

absl::Status CheckStaff(const Caller& caller) {
  if (IsStaff(caller)) return absl::OkStatus();
  return WithReason(absl::PermissionDeniedError("only organisers and admins see or change the SIASN integration"),
                    "NOT_STAFF");
}

// The province and the national integrator read how a regency's integration
// is doing (the gateway's table lets them read only); they change nothing.
absl::Status CheckReader(const Caller& caller) {
  if (IsStaff(caller) || IsRole(caller, Role::kProvince) || IsRole(caller, Role::kNationalIntegrator)) {
    return absl::OkStatus();
  }
  return CheckStaff(caller);
}

// The parts of a name (its tenant checked against the caller's) for a
// read, and for a write (staff only).
absl::StatusOr<std::vector<std::string>> Name(const Caller& caller, const char* field, const std::string& name,
                                              const char* pattern) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, field, name, pattern));
  PELITA_RETURN_IF_ERROR(CheckReader(caller));
  return parts;
}
absl::StatusOr<std::vector<std::string>> WriteName(const Caller& caller, const char* field, const std::string& name,
                                                   const char* pattern) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, field, name, pattern));
  PELITA_RETURN_IF_ERROR(CheckStaff(caller));
  return parts;
}

absl::Status CheckPaging(int page_size, const std::string& page_token) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  if (!page_token.empty() && !store::DecodePageToken(page_token).ok()) {
    return InvalidField("page_token", "not a token this service issued");
  }
  return absl::OkStatus();
}

void CheckUrl(const char* field, const std::string& url, Violations* v) {
  if (url.empty()) return;
  if (url.size() > 300) {
    v->emplace_back(field, "at most 300 characters");
  } else if (!(absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://")) ||
             url.find_first_of(" \t\r\n") != std::string::npos || url.size() <= 8) {
    v->emplace_back(field, "must be an http(s) URL such as https://apimws.bkn.go.id:8243");
  }
}

bool PlainId(const std::string& s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool Digits(const std::string& s) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

const std::vector<std::string>& WritableConnectionPaths() {
  static const std::vector<std::string> paths = {
      "enabled",        "apim_url",     "sso_url",        "sso_realm",           "instansi_id",
      "certificate_document_type",      "jenis_diklat_id", "rate_limit_per_second", "max_attempts",
      "sync_interval_hours"};
  return paths;
}

absl::Status NoPushes() {
  return absl::UnimplementedError("the push outbox is not running in this integration service yet");
}

}  // namespace

IntegrationLogic::IntegrationLogic(IntegrationStore* store, ConnectionSource* connections, Roster* roster,
                                   SyncStarter* sync, PushQueue* pushes, std::function<absl::Time()> clock)
    : store_(store), connections_(connections), roster_(roster), sync_(sync), pushes_(pushes),
      clock_(std::move(clock)) {}

absl::StatusOr<v1::SiasnConnection> IntegrationLogic::GetSiasnConnection(const Caller& caller,
                                                                         const v1::GetSiasnConnectionRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, Name(caller, "name", r.name(), "tenants/*/siasnConnection"));
  PELITA_ASSIGN_OR_RETURN(Connection c, connections_->Get(parts[0]));
  return c.settings;
}

absl::StatusOr<v1::SiasnConnection> IntegrationLogic::UpdateSiasnConnection(
    const Caller& caller, const v1::UpdateSiasnConnectionRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, WriteName(caller, "connection.name", r.connection().name(), "tenants/*/siasnConnection"));
  const std::string tenant = parts[0];
  google::protobuf::FieldMask mask = r.update_mask();
  if (mask.paths_size() == 0) {
    for (const auto& p : WritableConnectionPaths()) mask.add_paths(p);
  }
  // Read before the write: whether the secret is mounted (it is never
  // stored; the answer carries what the files say now).
  PELITA_ASSIGN_OR_RETURN(Connection current, connections_->Get(tenant));
  const bool present = current.settings.credentials_present();
  auto updated = store_->UpdateConnection(tenant, [&](v1::SiasnConnection& c) {
    const bool was_enabled = c.enabled();
    v1::SiasnConnection next = c;
    PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(r.connection(), mask, {"name", "credentials_present", "update_time"},
                                                 &next, "update_mask"));
    if (next.sso_realm().empty()) next.set_sso_realm("public-siasn");
    if (next.jenis_diklat_id().empty()) next.set_jenis_diklat_id("3");
    Violations v;
    CheckUrl("connection.apim_url", next.apim_url(), &v);
    CheckUrl("connection.sso_url", next.sso_url(), &v);
    if (!PlainId(next.sso_realm(), 100)) v.emplace_back("connection.sso_realm", "letters, digits, '.', '_', '-'");
    if (next.instansi_id().size() > 100) v.emplace_back("connection.instansi_id", "at most 100 characters");
    if (next.certificate_document_type().size() > 100) {
      v.emplace_back("connection.certificate_document_type", "at most 100 characters");
    }
    if (!Digits(next.jenis_diklat_id())) v.emplace_back("connection.jenis_diklat_id", "SIASN's code: digits");
    if (!(next.rate_limit_per_second() >= 0.1 && next.rate_limit_per_second() <= 100)) {
      v.emplace_back("connection.rate_limit_per_second", "0.1 to 100 calls a second");
    }
    if (next.max_attempts() < 1 || next.max_attempts() > 50) v.emplace_back("connection.max_attempts", "1 to 50");
    if (next.sync_interval_hours() < 0 || next.sync_interval_hours() > 720) {
      v.emplace_back("connection.sync_interval_hours", "0 (on demand only) to 720 hours");
    }
    if (next.enabled()) {
      if (next.apim_url().empty()) v.emplace_back("connection.apim_url", "required to switch the connection on");
      if (next.sso_url().empty()) v.emplace_back("connection.sso_url", "required to switch the connection on");
    }
    if (!v.empty()) return InvalidFields(v);
    if (next.enabled() && !was_enabled && !present) {
      return WithReason(absl::FailedPreconditionError(absl::StrCat(
                            "the tenant's SIASN credentials are not mounted (the Kubernetes secret with "
                            "consumer_key, consumer_secret, sso_client_id, username and password for tenant ",
                            tenant, ")")),
                        "CREDENTIALS_MISSING");
    }
    next.set_name(absl::StrCat("tenants/", tenant, "/siasnConnection"));
    next.clear_credentials_present();
    c = std::move(next);
    return absl::OkStatus();
  });
  if (!updated.ok()) return updated.status();
  updated->set_credentials_present(present);
  return *updated;
}

absl::Status IntegrationLogic::CheckUnit(const std::string& tenant, const Caller& caller, const std::string& field,
                                         const std::string& unit) {
  auto parts = ParseTenantResource(caller, field, unit, "tenants/*/units/*");
  if (!parts.ok()) return parts.status();
  absl::Status s = roster_->CheckUnit(tenant, unit);
  if (s.code() == absl::StatusCode::kNotFound) return InvalidField(field, absl::StrCat("no unit ", unit));
  return s;
}

absl::StatusOr<v1::UnorMapping> IntegrationLogic::CreateUnorMapping(const Caller& caller,
                                                                    const v1::CreateUnorMappingRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, WriteName(caller, "parent", r.parent(), "tenants/*"));
  const std::string tenant = parts[0];
  Violations v;
  const v1::UnorMapping& in = r.mapping();
  if (!PlainId(in.unor_id(), 100)) {
    v.emplace_back("mapping.unor_id", "SIASN's unorId: 1 to 100 letters, digits, '.', '_', '-'");
  }
  if (in.unit().empty()) v.emplace_back("mapping.unit", "required");
  if (in.unor_nama().size() > 200) v.emplace_back("mapping.unor_nama", "at most 200 characters");
  if (!v.empty()) return InvalidFields(v);
  PELITA_RETURN_IF_ERROR(CheckUnit(tenant, caller, "mapping.unit", in.unit()));
  v1::UnorMapping m;
  m.set_name(absl::StrCat("tenants/", tenant, "/unorMappings/", in.unor_id()));
  m.set_unor_id(in.unor_id());
  m.set_unit(in.unit());
  m.set_unor_nama(in.unor_nama());
  *m.mutable_update_time() = ToTimestamp(Now());
  PELITA_RETURN_IF_ERROR(store_->UnorMappings(tenant).Insert(in.unor_id(), m.SerializeAsString()));
  return m;
}

absl::StatusOr<v1::UnorMapping> IntegrationLogic::GetUnorMapping(const Caller& caller,
                                                                 const v1::GetUnorMappingRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, Name(caller, "name", r.name(), "tenants/*/unorMappings/*"));
  return store_->UnorMappings(parts[0]).Get<v1::UnorMapping>(parts[1]);
}

absl::StatusOr<v1::ListUnorMappingsResponse> IntegrationLogic::ListUnorMappings(const Caller& caller,
                                                                                const v1::ListUnorMappingsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, Name(caller, "parent", r.parent(), "tenants/*"));
  PELITA_RETURN_IF_ERROR(CheckPaging(r.page_size(), r.page_token()));
  PELITA_ASSIGN_OR_RETURN(auto page, store_->UnorMappings(parts[0]).List(r.page_size(), r.page_token()));
  v1::ListUnorMappingsResponse out;
  for (const auto& [id, bytes] : page.items) {
    if (!out.add_mappings()->ParseFromString(bytes)) {
      return absl::DataLossError(absl::StrCat("unor mapping ", id, " is corrupt"));
    }
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::UnorMapping> IntegrationLogic::UpdateUnorMapping(const Caller& caller,
                                                                    const v1::UpdateUnorMappingRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, WriteName(caller, "mapping.name", r.mapping().name(), "tenants/*/unorMappings/*"));
  const std::string tenant = parts[0];
  google::protobuf::FieldMask mask = r.update_mask();
  if (mask.paths_size() == 0) {
    mask.add_paths("unit");
    mask.add_paths("unor_nama");
  }
  // Validate the patch before the write (the unit check asks another
  // service; it is not repeated inside the compare-and-set).
  v1::UnorMapping probe;
  PELITA_RETURN_IF_ERROR(
      store::ApplyFieldMask(r.mapping(), mask, {"name", "unor_id", "update_time"}, &probe, "update_mask"));
  for (const auto& p : mask.paths()) {
    if (p == "unit") PELITA_RETURN_IF_ERROR(CheckUnit(tenant, caller, "mapping.unit", r.mapping().unit()));
    if (p == "unor_nama" && r.mapping().unor_nama().size() > 200) {
      return InvalidField("mapping.unor_nama", "at most 200 characters");
    }
  }
  return store_->UnorMappings(tenant).Update<v1::UnorMapping>(parts[1], [&](v1::UnorMapping& m) {
    PELITA_RETURN_IF_ERROR(
        store::ApplyFieldMask(r.mapping(), mask, {"name", "unor_id", "update_time"}, &m, "update_mask"));
    *m.mutable_update_time() = ToTimestamp(Now());
    return absl::OkStatus();
  });
}

absl::StatusOr<google::protobuf::Empty> IntegrationLogic::DeleteUnorMapping(const Caller& caller,
                                                                            const v1::DeleteUnorMappingRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, WriteName(caller, "name", r.name(), "tenants/*/unorMappings/*"));
  store::ResourceTable table = store_->UnorMappings(parts[0]);
  PELITA_RETURN_IF_ERROR(store::RetryCas([&]() -> absl::Status {
    PELITA_ASSIGN_OR_RETURN(std::string raw, table.GetRaw(parts[1]));
    return table.Remove(parts[1], raw);
  }));
  return google::protobuf::Empty();
}

absl::StatusOr<v1::SyncRun> IntegrationLogic::StartSync(const Caller& caller, const v1::StartSyncRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, WriteName(caller, "parent", r.parent(), "tenants/*"));
  return sync_->Start(parts[0], "manual");
}

absl::StatusOr<v1::SyncRun> IntegrationLogic::GetSyncRun(const Caller& caller, const v1::GetSyncRunRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, Name(caller, "name", r.name(), "tenants/*/syncRuns/*"));
  return store_->GetRun(parts[0], parts[1]);
}

absl::StatusOr<v1::ListSyncRunsResponse> IntegrationLogic::ListSyncRuns(const Caller& caller,
                                                                        const v1::ListSyncRunsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, Name(caller, "parent", r.parent(), "tenants/*"));
  PELITA_RETURN_IF_ERROR(CheckPaging(r.page_size(), r.page_token()));
  return store_->ListRuns(parts[0], r.page_size(), r.page_token());
}

absl::StatusOr<v1::ListEmployeeChangesResponse> IntegrationLogic::ListEmployeeChanges(
    const Caller& caller, const v1::ListEmployeeChangesRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, Name(caller, "parent", r.parent(), "tenants/*"));
  PELITA_RETURN_IF_ERROR(CheckPaging(r.page_size(), r.page_token()));
  std::string nip;
  if (!r.employee().empty()) {
    PELITA_ASSIGN_OR_RETURN(auto e, ParseTenantResource(caller, "employee", r.employee(), "tenants/*/employees/*"));
    nip = e[1];
  }
  return store_->ListChanges(parts[0], nip, r.page_size(), r.page_token());
}

absl::StatusOr<v1::ListPushesResponse> IntegrationLogic::ListPushes(const Caller& caller,
                                                                    const v1::ListPushesRequest& r) {
  PELITA_RETURN_IF_ERROR(Name(caller, "parent", r.parent(), "tenants/*").status());
  PELITA_RETURN_IF_ERROR(CheckPaging(r.page_size(), r.page_token()));
  if (!v1::Push::State_IsValid(r.state())) return InvalidField("state", "not a push state");
  if (pushes_ == nullptr) return NoPushes();
  return pushes_->List(r);
}

absl::StatusOr<v1::Push> IntegrationLogic::GetPush(const Caller& caller, const v1::GetPushRequest& r) {
  PELITA_RETURN_IF_ERROR(Name(caller, "name", r.name(), "tenants/*/pushes/*").status());
  if (pushes_ == nullptr) return NoPushes();
  return pushes_->Get(r.name());
}

absl::StatusOr<v1::Push> IntegrationLogic::RetryPush(const Caller& caller, const v1::RetryPushRequest& r) {
  PELITA_RETURN_IF_ERROR(WriteName(caller, "name", r.name(), "tenants/*/pushes/*").status());
  if (pushes_ == nullptr) return NoPushes();
  return pushes_->Retry(r.name());
}

absl::StatusOr<v1::ListFailuresResponse> IntegrationLogic::ListFailures(const Caller& caller,
                                                                        const v1::ListFailuresRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, Name(caller, "parent", r.parent(), "tenants/*"));
  PELITA_RETURN_IF_ERROR(CheckPaging(r.page_size(), r.page_token()));
  if (!r.kind().empty() && r.kind() != "sync" && r.kind() != "push") {
    return InvalidField("kind", "\"sync\", \"push\" or empty");
  }
  return store_->ListFailures(parts[0], r.kind(), r.page_size(), r.page_token());
}

absl::StatusOr<v1::IntegrationStatus> IntegrationLogic::GetIntegrationStatus(
    const Caller& caller, const v1::GetIntegrationStatusRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, Name(caller, "name", r.name(), "tenants/*/integrationStatus"));
  const std::string tenant = parts[0];
  PELITA_ASSIGN_OR_RETURN(Connection c, connections_->Get(tenant));
  v1::IntegrationStatus out;
  out.set_name(r.name());
  out.set_enabled(c.settings.enabled());
  out.set_credentials_present(c.settings.credentials_present());
  PELITA_ASSIGN_OR_RETURN(auto last, store_->LatestRun(tenant));
  if (last.has_value()) *out.mutable_last_sync() = *last;
  if (c.settings.enabled() && c.settings.sync_interval_hours() > 0) {
    // The schedule starts the next run this long after the last one began
    // (at once when there was none).
    const absl::Time next = last.has_value() ? FromTimestamp(last->start_time()) +
                                                   absl::Hours(c.settings.sync_interval_hours())
                                             : Now();
    *out.mutable_next_sync_time() = ToTimestamp(next);
  }
  PELITA_ASSIGN_OR_RETURN(Totals totals, store_->GetTotals(tenant));
  out.set_records_read(totals.records_read);
  out.set_records_changed(totals.records_changed);
  out.set_pushed(totals.pushed);
  out.set_failed(totals.failed);
  if (pushes_ != nullptr) {
    PELITA_ASSIGN_OR_RETURN(PushCounts counts, pushes_->Counts(tenant));
    out.set_pushes_pending(counts.pending);
    out.set_pushes_saved(counts.saved);
    out.set_pushes_dead(counts.dead);
  }
  PELITA_ASSIGN_OR_RETURN(auto failures, store_->ListFailures(tenant, "", 20, ""));
  *out.mutable_recent_failures() = std::move(*failures.mutable_failures());
  return out;
}

}  // namespace pelita::integration
