#include "services/performance/performance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lib/csv/csv_reader.h"
#include "lib/csv/import_report.h"
#include "lib/ids/nip.h"
#include "lib/ids/slug.h"
#include "lib/log/log.h"
#include "lib/role/reach.h"
#include "lib/role/role.h"
#include "lib/stats/stats.h"
#include "lib/status/status.h"
#include "lib/tenancy/resource_name.h"
#include "services/performance/csv_rows.h"

namespace pelita::performance {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

absl::Status Violations(const std::vector<Violation>& v) {
  Pairs pairs;
  for (const auto& x : v) pairs.emplace_back(x.field, x.problem);
  return InvalidFields(pairs);
}

absl::Status CheckStaff(const Caller& caller) {
  if (IsStaff(caller)) return absl::OkStatus();
  return WithReason(absl::PermissionDeniedError("only organisers and admins record performance data"),
                    "NOT_STAFF");
}

absl::Status CheckParent(const Caller& caller, const std::string& parent) {
  return ParseTenantResource(caller, "parent", parent, "tenants/*").status();
}

// The months of a window: `period` (YYYY, YYYY-Qn, YYYY-MM) or start..end.
absl::StatusOr<std::pair<absl::CivilMonth, absl::CivilMonth>> Window(const std::string& period,
                                                                      const std::string& start,
                                                                      const std::string& end, int max_months) {
  absl::CivilMonth a, b;
  if (!period.empty()) {
    if (!start.empty() || !end.empty()) {
      return InvalidField("period", "give either period or start_period/end_period, not both");
    }
    int y = 0, q = 0;
    if (period.size() == 4 && absl::SimpleAtoi(period, &y) && y >= 2000 && y <= 2100) {
      a = absl::CivilMonth(y, 1);
      b = absl::CivilMonth(y, 12);
    } else if (period.size() == 7 && period[4] == '-' && (period[5] == 'Q' || period[5] == 'q') &&
               absl::SimpleAtoi(period.substr(0, 4), &y) && absl::SimpleAtoi(period.substr(6, 1), &q) && q >= 1 &&
               q <= 4 && y >= 2000 && y <= 2100) {
      a = absl::CivilMonth(y, 3 * q - 2);
      b = absl::CivilMonth(y, 3 * q);
    } else if (auto m = ParseMonth(period); m.ok()) {
      a = b = *m;
    } else {
      return InvalidField("period", absl::StrCat("\"", period, "\" is not YYYY, YYYY-Qn or YYYY-MM"));
    }
  } else {
    auto s = ParseMonth(start);
    if (!s.ok()) return InvalidField("start_period", s.status().message());
    auto e = ParseMonth(end);
    if (!e.ok()) return InvalidField("end_period", e.status().message());
    a = *s;
    b = *e;
    if (b < a) return InvalidField("end_period", "is before start_period");
  }
  if (b - a + 1 > max_months) {
    return InvalidField(period.empty() ? "end_period" : "period",
                        absl::StrCat("a window of at most ", max_months, " months"));
  }
  return std::make_pair(a, b);
}

// "<type>|<MM>" -> type and month number.
bool SplitMonthField(const std::string& field, std::string* type, int* month) {
  const size_t bar = field.rfind('|');
  if (bar == std::string::npos) return false;
  *type = field.substr(0, bar);
  return absl::SimpleAtoi(field.substr(bar + 1), month) && *month >= 1 && *month <= 12;
}

std::string MonthName(const std::string& tenant, const std::string& unit, const std::string& type,
                      absl::CivilMonth m) {
  return absl::StrCat("tenants/", tenant, "/units/", unit, "/serviceTypes/", type, "/months/", FormatMonth(m));
}

// Counts each written record of an import as the store decided it.
void CountOutcomes(const std::vector<v1::RecordOutcome>& outcomes, csv::ImportReport* report) {
  for (auto o : outcomes) {
    if (o == v1::ACCEPTED) {
      report->Accepted();
    } else if (o == v1::UNCHANGED) {
      report->Unchanged();
    } else {
      report->Replaced();
    }
  }
}

// Rejects a record of an import with its stable code.
void RejectRow(csv::ImportReport* report, const csv::Row& row, int column, const std::string& field,
               const std::string& id, const std::string& code, absl::string_view reason) {
  report->Reject(row.number, row.line, column, field, id, code, reason);
}

// Reads a streamed CSV: detects the delimiter from the first line, hands
// the header and then each non-blank record to the callbacks, stops at a
// break or a cut upload as the import contract says.
absl::Status ReadCsv(const ChunkSource& next, csv::ImportReport* report, bool* decimal_comma,
                     const std::function<absl::Status(const std::vector<std::string>&)>& on_header,
                     const std::function<absl::Status(csv::Row&)>& on_row) {
  std::string pending;
  bool truncated = false, more = true, header = false;
  std::string chunk;
  // Enough of the file to see its first line.
  while (more && pending.find('\n') == std::string::npos && pending.size() < (1u << 20)) {
    more = next(&chunk, &truncated);
    if (more) pending += chunk;
    if (truncated) break;
  }
  const size_t eol = pending.find('\n');
  csv::ReaderOptions options;
  options.delimiter = DetectDelimiter(absl::string_view(pending).substr(0, eol));
  *decimal_comma = options.delimiter == ';';
  absl::Status row_status;
  csv::Reader reader(options, [&](csv::Row& row) -> absl::Status {
    if (!header) {
      if (!row.error.empty()) {
        return InvalidField("csv_chunk",
                            absl::StrCat("record 1 (line 1), column ", row.column, " of the header: ", row.error));
      }
      PELITA_RETURN_IF_ERROR(on_header(row.fields));
      header = true;
      return absl::OkStatus();
    }
    bool blank = row.error.empty();
    for (const auto& f : row.fields) blank &= absl::StripAsciiWhitespace(f).empty();
    if (blank) return absl::OkStatus();
    return on_row(row);
  });
  PELITA_RETURN_IF_ERROR(reader.Feed(pending));
  while (more && !truncated && !reader.broken() && next(&chunk, &truncated)) {
    PELITA_RETURN_IF_ERROR(reader.Feed(chunk));
  }
  if (truncated) {
    reader.Truncate();
  } else {
    PELITA_RETURN_IF_ERROR(reader.Finish());
  }
  if (reader.broken()) {
    report->Stop(*reader.broken());
  } else if (!header) {
    return InvalidField("csv_chunk", "the file is empty (no header row)");
  }
  return absl::OkStatus();
}

const absl::flat_hash_map<std::string, std::string>& MonthAliases() {
  static const auto* m = [] {
    auto* a = new absl::flat_hash_map<std::string, std::string>{
        {"unit", "unit"},
        {"unit_kerja", "unit"},
        {"opd", "unit"},
        {"layanan", "layanan"},
        {"jenis_layanan", "layanan"},
        {"service_type", "layanan"},
        {"bulan", "bulan"},
        {"month", "bulan"},
        {"diterima", "diterima"},
        {"received", "diterima"},
        {"selesai", "selesai"},
        {"completed", "selesai"},
        {"selesai_tepat_waktu", "selesai_tepat_waktu"},
        {"tepat_waktu", "selesai_tepat_waktu"},
        {"completed_on_time", "selesai_tepat_waktu"},
        {"dikembalikan", "dikembalikan"},
        {"returned", "dikembalikan"},
        {"ditolak", "ditolak"},
        {"rejected", "ditolak"},
        {"pegawai", "pegawai"},
        {"staff", "pegawai"},
        {"waktu_total_jam", "waktu_total_jam"},
        {"total_hours", "waktu_total_jam"},
    };
    for (const char* b : kBandColumns) (*a)[b] = b;
    return a;
  }();
  return *m;
}

// The CSV column of a field path of CheckServiceMonth.
std::string ColumnOfField(const std::string& field) {
  static const auto* m = new absl::flat_hash_map<std::string, std::string>{
      {"name", "bulan"},
      {"received", "diterima"},
      {"completed", "selesai"},
      {"completed_on_time", "selesai_tepat_waktu"},
      {"returned", "dikembalikan"},
      {"rejected", "ditolak"},
      {"staff", "pegawai"},
      {"processing_time.total_hours", "waktu_total_jam"},
      {"processing_time.band_counts", kBandColumns[0]},
  };
  auto it = m->find(field);
  if (it != m->end()) return it->second;
  // processing_time.band_counts[i]
  int i = 0;
  const std::string prefix = "processing_time.band_counts[";
  if (field.rfind(prefix, 0) == 0 && absl::SimpleAtoi(field.substr(prefix.size(), field.size() - prefix.size() - 1), &i) &&
      i >= 0 && i < kBands) {
    return kBandColumns[i];
  }
  return field;
}

const absl::flat_hash_map<std::string, std::string>& SkpAliases() {
  static const auto* m = new absl::flat_hash_map<std::string, std::string>{
      {"nip", "nip"},
      {"nipbaru", "nip"},
      {"nip_baru", "nip"},
      {"tahun", "tahun"},
      {"periode", "periode"},
      {"bulan_mulai", "bulan_mulai"},
      {"bulan_selesai", "bulan_selesai"},
      {"hasil_kinerja", "hasil_kinerja"},
      {"hasilkinerja", "hasil_kinerja"},
      {"perilaku_kerja", "perilaku_kerja"},
      {"perilakukerja", "perilaku_kerja"},
      {"kuadran_kinerja", "kuadran_kinerja"},
      {"kuadrankinerja", "kuadran_kinerja"},
      {"predikat", "kuadran_kinerja"},
      {"nip_penilai", "nip_penilai"},
      {"nipnrppenilai", "nip_penilai"},
  };
  return *m;
}

}  // namespace

PerformanceLogic::PerformanceLogic(redis::Client* redis, Roster* roster, Clock clock)
    : redis_(redis), roster_(roster), clock_(std::move(clock)), store_(redis) {}

absl::StatusOr<absl::CivilMonth> PerformanceLogic::CurrentMonth(const std::string& tenant) {
  PELITA_ASSIGN_OR_RETURN(absl::TimeZone zone, zones_(tenant));
  return absl::CivilMonth(TodayIn(zone, clock_()));
}

absl::StatusOr<std::vector<UnitInfo>> PerformanceLogic::Units(const std::string& tenant, bool refresh) {
  const absl::Time now = clock_();
  {
    absl::MutexLock lock(&mu_);
    auto it = unit_cache_.find(tenant);
    if (!refresh && it != unit_cache_.end() && now - it->second.fetched < absl::Minutes(1)) return it->second.units;
  }
  PELITA_ASSIGN_OR_RETURN(std::vector<UnitInfo> units, roster_->ListUnits(tenant));
  absl::MutexLock lock(&mu_);
  unit_cache_[tenant] = {now, units};
  return units;
}

absl::StatusOr<UnitInfo> PerformanceLogic::ResolveUnit(const std::string& tenant, const std::string& text) {
  std::string id = text;
  const std::string prefix = absl::StrCat("tenants/", tenant, "/units/");
  if (id.rfind(prefix, 0) == 0) id = id.substr(prefix.size());
  for (bool refresh : {false, true}) {
    PELITA_ASSIGN_OR_RETURN(std::vector<UnitInfo> units, Units(tenant, refresh));
    for (const auto& u : units) {
      if (u.id == id || absl::EqualsIgnoreCase(u.display_name, text)) return u;
    }
  }
  return absl::NotFoundError(absl::StrCat("no unit \"", text, "\" in the roster of tenant ", tenant));
}

absl::StatusOr<absl::flat_hash_map<std::string, v1::ServiceType>> PerformanceLogic::TypesOf(
    const std::string& tenant) {
  absl::flat_hash_map<std::string, v1::ServiceType> out;
  store::ResourceTable table = store_.ServiceTypes(tenant);
  std::string token;
  do {
    PELITA_ASSIGN_OR_RETURN(auto page, table.List(1000, token));
    for (auto& [id, bytes] : page.items) {
      v1::ServiceType t;
      if (!t.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("service type ", id, " is corrupt"));
      out.emplace(id, std::move(t));
    }
    token = page.next_page_token;
  } while (!token.empty());
  return out;
}

// Service types.

absl::StatusOr<v1::ServiceType> PerformanceLogic::CreateServiceType(const Caller& caller,
                                                                   const v1::CreateServiceTypeRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "parent", r.parent(), "tenants/*/units/*"));
  PELITA_RETURN_IF_ERROR(CheckStaff(caller));
  PELITA_RETURN_IF_ERROR(ValidateSlug("service_type_id", r.service_type_id()));
  std::vector<Violation> v;
  const std::string display = std::string(absl::StripAsciiWhitespace(r.service_type().display_name()));
  if (display.empty() || display.size() > 200) {
    v.push_back({"service_type.display_name", "required, at most 200 bytes", "INVALID_NAME"});
  }
  const double hours = r.service_type().standard_hours();
  if (!std::isfinite(hours) || hours < 0 || hours > 24 * 366) {
    v.push_back({"service_type.standard_hours", "must be 0 (not set) or a time of up to a year in hours",
                 "NEGATIVE_TIME"});
  }
  if (!v.empty()) return Violations(v);
  auto unit = ResolveUnit(caller.tenant, parts[1]);
  if (!unit.ok() || unit->id != parts[1]) {
    return InvalidField("parent", absl::StrCat("no unit \"", parts[1], "\" in the roster"));
  }
  v1::ServiceType t;
  t.set_name(absl::StrCat(r.parent(), "/serviceTypes/", r.service_type_id()));
  t.set_display_name(display);
  t.set_standard_hours(hours);
  *t.mutable_create_time() = ToTimestamp(clock_());
  *t.mutable_update_time() = t.create_time();
  const std::string bytes = t.SerializeAsString();
  PELITA_RETURN_IF_ERROR(store_.ServiceTypes(caller.tenant)
                             .Insert(absl::StrCat(parts[1], "/", r.service_type_id()), bytes,
                                     {{store::IndexOp::Kind::kHashSet, store_.UnitTypesKey(caller.tenant, parts[1]),
                                       r.service_type_id(), bytes}}));
  return t;
}

absl::StatusOr<v1::ServiceType> PerformanceLogic::GetServiceType(const Caller& caller,
                                                                const v1::GetServiceTypeRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts,
                          ParseTenantResource(caller, "name", r.name(), "tenants/*/units/*/serviceTypes/*"));
  if (!ReachesUnit(caller, absl::StrCat("tenants/", parts[0], "/units/", parts[1]))) {
    return WithReason(absl::PermissionDeniedError("not your unit"), "NOT_YOUR_UNIT");
  }
  return store_.ServiceTypes(caller.tenant).Get<v1::ServiceType>(absl::StrCat(parts[1], "/", parts[2]));
}

absl::StatusOr<v1::ListServiceTypesResponse> PerformanceLogic::ListServiceTypes(
    const Caller& caller, const v1::ListServiceTypesRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "parent", r.parent(), "tenants/*/units/*"));
  absl::flat_hash_map<std::string, v1::ServiceType> types;
  if (parts[1] == "-") {
    PELITA_ASSIGN_OR_RETURN(types, TypesOf(caller.tenant));
  } else {
    PELITA_ASSIGN_OR_RETURN(types, store_.UnitTypes(caller.tenant, {parts[1]}));
  }
  std::map<std::string, v1::ServiceType> sorted;
  for (auto& [id, t] : types) {
    const std::string unit = id.substr(0, id.find('/'));
    if (parts[1] != "-" && unit != parts[1]) continue;
    if (!ReachesUnit(caller, absl::StrCat("tenants/", parts[0], "/units/", unit))) continue;
    sorted.emplace(id, std::move(t));
  }
  v1::ListServiceTypesResponse out;
  for (auto& [id, t] : sorted) *out.add_service_types() = std::move(t);
  return out;
}

absl::StatusOr<v1::ServiceType> PerformanceLogic::UpdateServiceType(const Caller& caller,
                                                                   const v1::UpdateServiceTypeRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "service_type.name", r.service_type().name(),
                                                          "tenants/*/units/*/serviceTypes/*"));
  PELITA_RETURN_IF_ERROR(CheckStaff(caller));
  std::vector<std::string> paths(r.update_mask().paths().begin(), r.update_mask().paths().end());
  if (paths.size() == 1 && paths[0] == "*") {
    paths = {"display_name", "standard_hours"};
  } else if (paths.empty()) {
    // AIP-134: no mask = the fields set.
    if (!r.service_type().display_name().empty()) paths.push_back("display_name");
    if (r.service_type().standard_hours() != 0) paths.push_back("standard_hours");
  }
  std::vector<Violation> v;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (paths[i] == "display_name") {
      const auto d = absl::StripAsciiWhitespace(r.service_type().display_name());
      if (d.empty() || d.size() > 200) v.push_back({"service_type.display_name", "required, at most 200 bytes", ""});
    } else if (paths[i] == "standard_hours") {
      const double h = r.service_type().standard_hours();
      if (!std::isfinite(h) || h < 0 || h > 24 * 366) {
        v.push_back({"service_type.standard_hours", "must be 0 (not set) or up to a year in hours", ""});
      }
    } else {
      v.push_back({absl::StrCat("update_mask.paths[", i, "]"),
                   absl::StrCat("\"", paths[i], "\" cannot be updated (display_name, standard_hours)"), ""});
    }
  }
  if (!v.empty()) return Violations(v);
  const absl::Time now = clock_();
  return store_.ServiceTypes(caller.tenant)
      .Update<v1::ServiceType>(absl::StrCat(parts[1], "/", parts[2]), [&](v1::ServiceType& t) {
        for (const auto& p : paths) {
          if (p == "display_name") t.set_display_name(std::string(absl::StripAsciiWhitespace(r.service_type().display_name())));
          if (p == "standard_hours") t.set_standard_hours(r.service_type().standard_hours());
        }
        *t.mutable_update_time() = ToTimestamp(now);
        return absl::OkStatus();
      },
      [&](const v1::ServiceType&, const v1::ServiceType& updated) {
        return std::vector<store::IndexOp>{{store::IndexOp::Kind::kHashSet,
                                            store_.UnitTypesKey(caller.tenant, parts[1]), parts[2],
                                            updated.SerializeAsString()}};
      });
}

// Service months.

absl::StatusOr<std::vector<v1::RecordOutcome>> PerformanceLogic::WriteMonths(const std::string& tenant,
                                                                             const std::vector<MonthRef>& refs,
                                                                             std::vector<v1::ServiceMonth>& months,
                                                                             const std::string& source) {
  std::vector<RecordSlot> slots;
  slots.reserve(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    slots.push_back(MonthSlot(tenant, refs[i].unit, refs[i].type, refs[i].month));
    months[i].set_name(MonthName(tenant, refs[i].unit, refs[i].type, refs[i].month));
  }
  return store_.Put<v1::ServiceMonth>(slots, months, &FiguresBytes, source, clock_());
}

absl::StatusOr<v1::BatchRecordServiceMonthsResponse> PerformanceLogic::BatchRecordServiceMonths(
    const Caller& caller, const v1::BatchRecordServiceMonthsRequest& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  PELITA_RETURN_IF_ERROR(CheckStaff(caller));
  if (r.months_size() == 0 || r.months_size() > kMaxBatch) {
    return InvalidField("months", absl::StrCat("1 to ", kMaxBatch, " months per call (has ", r.months_size(), ")"));
  }
  PELITA_ASSIGN_OR_RETURN(absl::CivilMonth current, CurrentMonth(caller.tenant));
  // The service types of the units the call names, in one read.
  std::vector<std::string> named;
  {
    std::set<std::string> units;
    for (const auto& m : r.months()) {
      auto p = ParseResourceName("name", m.name(), "tenants/*/units/*/serviceTypes/*/months/*");
      if (p.ok()) units.insert((*p)[1]);
    }
    named.assign(units.begin(), units.end());
  }
  PELITA_ASSIGN_OR_RETURN(auto types, store_.UnitTypes(caller.tenant, named));
  std::vector<Violation> v;
  std::vector<MonthRef> refs;
  std::set<std::string> seen;
  for (int i = 0; i < r.months_size(); ++i) {
    const std::string prefix = absl::StrCat("months[", i, "].");
    auto parts = ParseTenantResource(caller, prefix + "name", r.months(i).name(),
                                     "tenants/*/units/*/serviceTypes/*/months/*");
    if (!parts.ok()) {
      if (parts.status().code() == absl::StatusCode::kPermissionDenied) return parts.status();
      v.push_back({prefix + "name", std::string(parts.status().message()), "INVALID_NAME"});
      continue;
    }
    auto month = ParseMonth((*parts)[3]);
    if (!month.ok()) {
      v.push_back({prefix + "name", std::string(month.status().message()), "INVALID_MONTH"});
      continue;
    }
    if (!types.contains(absl::StrCat((*parts)[1], "/", (*parts)[2]))) {
      // A unit the roster does not know has no service types either: say
      // which of the two is wrong.
      auto unit = ResolveUnit(caller.tenant, (*parts)[1]);
      if (!unit.ok() && !absl::IsNotFound(unit.status())) return unit.status();
      if (!unit.ok() || unit->id != (*parts)[1]) {
        v.push_back({prefix + "name", absl::StrCat("no unit \"", (*parts)[1], "\" in the roster"), "UNKNOWN_UNIT"});
      } else {
        v.push_back({prefix + "name",
                     absl::StrCat("unit \"", (*parts)[1], "\" has no service type \"", (*parts)[2],
                                  "\" (create it first)"),
                     "UNKNOWN_SERVICE_TYPE"});
      }
      continue;
    }
    if (!seen.insert(r.months(i).name()).second) {
      v.push_back({prefix + "name", "the same month twice in one call", "DUPLICATE"});
      continue;
    }
    CheckServiceMonth(r.months(i), *month, current, prefix, &v);
    refs.push_back({(*parts)[1], (*parts)[2], *month});
  }
  if (!v.empty()) return Violations(v);
  std::vector<v1::ServiceMonth> months(r.months().begin(), r.months().end());
  PELITA_ASSIGN_OR_RETURN(auto outcomes, WriteMonths(caller.tenant, refs, months, "api"));
  v1::BatchRecordServiceMonthsResponse out;
  for (size_t i = 0; i < months.size(); ++i) {
    out.add_outcomes(outcomes[i]);
    *out.add_months() = std::move(months[i]);
  }
  return out;
}

absl::StatusOr<v1::ServiceMonth> PerformanceLogic::GetServiceMonth(const Caller& caller,
                                                                  const v1::GetServiceMonthRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", r.name(),
                                                          "tenants/*/units/*/serviceTypes/*/months/*"));
  auto month = ParseMonth(parts[3]);
  if (!month.ok()) return InvalidField("name", month.status().message());
  if (!ReachesUnit(caller, absl::StrCat("tenants/", parts[0], "/units/", parts[1]))) {
    return WithReason(absl::PermissionDeniedError("not your unit"), "NOT_YOUR_UNIT");
  }
  auto raw = store_.GetCurrent(MonthSlot(caller.tenant, parts[1], parts[2], *month));
  if (absl::IsNotFound(raw.status())) return absl::NotFoundError(absl::StrCat(r.name(), " is not recorded"));
  if (!raw.ok()) return raw.status();
  v1::ServiceMonth m;
  if (!m.ParseFromString(*raw)) return absl::DataLossError(absl::StrCat(r.name(), " is corrupt"));
  return m;
}

absl::StatusOr<v1::ListServiceMonthRevisionsResponse> PerformanceLogic::ListServiceMonthRevisions(
    const Caller& caller, const v1::ListServiceMonthRevisionsRequest& r) {
  v1::GetServiceMonthRequest get;
  get.set_name(r.name());
  PELITA_ASSIGN_OR_RETURN(v1::ServiceMonth current, GetServiceMonth(caller, get));
  auto parts = ParseResourceName("name", r.name(), "tenants/*/units/*/serviceTypes/*/months/*");
  auto month = ParseMonth((*parts)[3]);
  PELITA_ASSIGN_OR_RETURN(auto earlier, store_.GetRevisions(MonthSlot(caller.tenant, (*parts)[1], (*parts)[2], *month),
                                                            current.revision()));
  v1::ListServiceMonthRevisionsResponse out;
  for (const auto& bytes : earlier) {
    if (!out.add_revisions()->ParseFromString(bytes)) return absl::DataLossError("a revision is corrupt");
  }
  *out.add_revisions() = std::move(current);
  return out;
}

absl::StatusOr<type::v1::ImportResult> PerformanceLogic::ImportServiceMonthsCsv(const Caller& caller,
                                                                               const std::string& parent,
                                                                               const ChunkSource& next) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, parent));
  PELITA_RETURN_IF_ERROR(CheckStaff(caller));
  PELITA_ASSIGN_OR_RETURN(absl::CivilMonth current, CurrentMonth(caller.tenant));
  // Each unit's service types, read when the file first names the unit.
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, v1::ServiceType>> unit_types;
  absl::flat_hash_map<std::string, absl::StatusOr<UnitInfo>> resolved;
  csv::ImportReport report;
  report.set_id_column("unit/layanan/bulan");
    CsvColumns cols;
  bool decimal_comma = false;
  std::vector<MonthRef> refs;
  std::vector<v1::ServiceMonth> batch;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    PELITA_ASSIGN_OR_RETURN(auto outcomes, WriteMonths(caller.tenant, refs, batch, "csv"));
    CountOutcomes(outcomes, &report);
    refs.clear();
    batch.clear();
    return absl::OkStatus();
  };
  auto on_header = [&](const std::vector<std::string>& header) -> absl::Status {
    auto c = CsvColumns::FromHeader(header, MonthAliases(), {"unit", "layanan", "bulan", "diterima", "selesai"});
    if (!c.ok()) return InvalidField("csv_chunk", absl::StrCat("record 1 (line 1): ", c.status().message()));
    cols = std::move(*c);
    return absl::OkStatus();
  };
  auto on_row = [&](csv::Row& row) -> absl::Status {
    const std::string unit_text = cols.Field(row.fields, "unit");
    const std::string type_text = cols.Field(row.fields, "layanan");
    const std::string month_text = cols.Field(row.fields, "bulan");
    const std::string id = absl::StrCat(unit_text, "/", type_text, "/", month_text);
    auto reject = [&](absl::string_view column, const std::string& code, absl::string_view reason) {
      const int index = cols.Index(column);
      RejectRow(&report, row, index + 1, index >= 0 ? cols.NameAt(index) : std::string(column), id, code, reason);
      return absl::OkStatus();
    };
    if (!row.error.empty()) {
      RejectRow(&report, row, row.column, "", id, row.code.empty() ? "MALFORMED_ROW" : row.code, row.error);
      return absl::OkStatus();
    }
    if (unit_text.empty()) return reject("unit", "MISSING_VALUE", "the unit is empty");
    // Each name of a unit is resolved once per import: a file naming an
    // unknown unit on every row asks the roster once, not once a row.
    auto known_unit = resolved.find(unit_text);
    if (known_unit == resolved.end()) {
      known_unit = resolved.emplace(unit_text, ResolveUnit(caller.tenant, unit_text)).first;
    }
    const absl::StatusOr<UnitInfo>& unit = known_unit->second;
    if (absl::IsNotFound(unit.status())) {
      return reject("unit", "UNKNOWN_UNIT", absl::StrCat("no unit \"", unit_text, "\" in the roster"));
    }
    if (!unit.ok()) return unit.status();
    // The service type by id or display name, within the unit.
    auto known = unit_types.find(unit->id);
    if (known == unit_types.end()) {
      PELITA_ASSIGN_OR_RETURN(auto read, store_.UnitTypes(caller.tenant, {unit->id}));
      known = unit_types.emplace(unit->id, std::move(read)).first;
    }
    std::string type;
    for (const auto& [key, t] : known->second) {
      const std::string tid = key.substr(unit->id.size() + 1);
      if (tid == type_text) {
        type = tid;
        break;
      }
      if (absl::EqualsIgnoreCase(t.display_name(), type_text)) type = tid;
    }
    if (type.empty()) {
      return reject("layanan", "UNKNOWN_SERVICE_TYPE",
                    absl::StrCat("unit \"", unit->id, "\" has no service type \"", type_text, "\""));
    }
    auto month = ParseMonth(month_text);
    if (!month.ok()) return reject("bulan", "INVALID_MONTH", month.status().message());
    v1::ServiceMonth m;
    struct Count {
      const char* column;
      void (v1::ServiceMonth::*set)(int64_t);
    };
    const Count counts[] = {{"diterima", &v1::ServiceMonth::set_received},
                            {"selesai", &v1::ServiceMonth::set_completed},
                            {"selesai_tepat_waktu", &v1::ServiceMonth::set_completed_on_time},
                            {"dikembalikan", &v1::ServiceMonth::set_returned},
                            {"ditolak", &v1::ServiceMonth::set_rejected},
                            {"pegawai", &v1::ServiceMonth::set_staff}};
    for (const auto& c : counts) {
      const std::string text = cols.Field(row.fields, c.column);
      auto n = ParseCount(text, decimal_comma);
      if (!n) return reject(c.column, "INVALID_NUMBER", absl::StrCat("\"", text, "\" is not a whole number"));
      (m.*c.set)(*n);
    }
    bool any_band = false;
    for (const char* b : kBandColumns) any_band |= cols.Index(b) >= 0;
    if (any_band) {
      for (const char* b : kBandColumns) {
        const std::string text = cols.Field(row.fields, b);
        auto n = ParseCount(text, decimal_comma);
        if (!n) return reject(b, "INVALID_NUMBER", absl::StrCat("\"", text, "\" is not a whole number"));
        m.mutable_processing_time()->add_band_counts(*n);
      }
    }
    const std::string total = cols.Field(row.fields, "waktu_total_jam");
    auto hours = ParseDecimal(total, decimal_comma);
    if (!hours) return reject("waktu_total_jam", "INVALID_NUMBER", absl::StrCat("\"", total, "\" is not a number"));
    m.mutable_processing_time()->set_total_hours(*hours);
    bool timed = false;
    for (int64_t c : m.processing_time().band_counts()) timed |= c != 0;
    if (!timed && *hours == 0) m.mutable_processing_time()->clear_band_counts();
    std::vector<Violation> v;
    CheckServiceMonth(m, *month, current, "", &v);
    if (!v.empty()) return reject(ColumnOfField(v[0].field), v[0].code, v[0].problem);
    refs.push_back({unit->id, type, *month});
    batch.push_back(std::move(m));
    if (static_cast<int>(batch.size()) >= batch_rows_) return flush();
    return absl::OkStatus();
  };
  PELITA_RETURN_IF_ERROR(ReadCsv(next, &report, &decimal_comma, on_header, on_row));
  PELITA_RETURN_IF_ERROR(flush());
  return report.Finish();
}

// Figures.

absl::StatusOr<v1::UnitPerformance> PerformanceLogic::GetUnitPerformance(const Caller& caller,
                                                                        const v1::GetUnitPerformanceRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", r.name(), "tenants/*/units/*/performance"));
  const std::string unit_name = absl::StrCat("tenants/", parts[0], "/units/", parts[1]);
  if (!ReachesUnit(caller, unit_name)) {
    return WithReason(absl::PermissionDeniedError("not your unit"), "NOT_YOUR_UNIT");
  }
  PELITA_ASSIGN_OR_RETURN(auto window, Window(r.period(), r.start_period(), r.end_period(), kMaxWindowMonths));
  auto unit = ResolveUnit(caller.tenant, parts[1]);
  if (absl::IsNotFound(unit.status()) || (unit.ok() && unit->id != parts[1])) {
    return absl::NotFoundError(absl::StrCat("no unit ", unit_name, " in the roster"));
  }
  if (!unit.ok()) return unit.status();
  PELITA_ASSIGN_OR_RETURN(auto types, store_.UnitTypes(caller.tenant, {parts[1]}));
  if (!r.service_type().empty() && !types.contains(absl::StrCat(parts[1], "/", r.service_type()))) {
    return InvalidField("service_type", absl::StrCat("unit \"", parts[1], "\" has no service type \"",
                                                     r.service_type(), "\""));
  }
  std::vector<std::pair<std::string, int>> years;
  for (int64_t y = window.first.year(); y <= window.second.year(); ++y) years.emplace_back(parts[1], static_cast<int>(y));
  PELITA_ASSIGN_OR_RETURN(auto fields, store_.ReadUnitYears(caller.tenant, years));
  Totals total;
  std::map<std::string, Totals> by_type;
  // A unit-month counts once in the total however many service types it has.
  std::set<absl::CivilMonth> months_seen;
  for (size_t i = 0; i < years.size(); ++i) {
    for (const auto& [field, bytes] : fields[i]) {
      std::string type;
      int month = 0;
      if (!SplitMonthField(field, &type, &month)) continue;
      const absl::CivilMonth m(years[i].second, month);
      if (m < window.first || m > window.second) continue;
      if (!r.service_type().empty() && type != r.service_type()) continue;
      v1::ServiceMonth sm;
      if (!sm.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("month ", field, " is corrupt"));
      total.Add(sm);
      by_type[type].Add(sm);
      months_seen.insert(m);
    }
  }
  total.months_with_data = static_cast<int>(months_seen.size());
  v1::UnitPerformance out;
  out.set_unit(unit_name);
  out.set_start_period(FormatMonth(window.first));
  out.set_end_period(FormatMonth(window.second));
  out.set_months(static_cast<int>(window.second - window.first + 1));
  *out.mutable_total() = FiguresOf(total);
  for (const auto& [type, t] : by_type) {
    auto* s = out.add_by_service_type();
    s->set_service_type(absl::StrCat(unit_name, "/serviceTypes/", type));
    auto it = types.find(absl::StrCat(parts[1], "/", type));
    if (it != types.end()) s->set_display_name(it->second.display_name());
    *s->mutable_figures() = FiguresOf(t);
  }
  return out;
}

absl::StatusOr<v1::BatchGetPerformanceMonthsResponse> PerformanceLogic::BatchGetPerformanceMonths(
    const Caller& caller, const v1::BatchGetPerformanceMonthsRequest& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  if (r.units_size() == 0 || r.units_size() > kMaxBatchUnits) {
    return InvalidField("units", absl::StrCat("1 to ", kMaxBatchUnits, " units (has ", r.units_size(), ")"));
  }
  std::vector<Violation> v;
  std::vector<std::string> units;
  std::set<std::string> seen;
  for (int i = 0; i < r.units_size(); ++i) {
    const std::string field = absl::StrCat("units[", i, "]");
    auto parts = ParseTenantResource(caller, field, r.units(i), "tenants/*/units/*");
    if (!parts.ok()) {
      if (parts.status().code() == absl::StatusCode::kPermissionDenied) return parts.status();
      v.push_back({field, std::string(parts.status().message()), ""});
      continue;
    }
    if (!seen.insert((*parts)[1]).second) {
      v.push_back({field, "named twice", ""});
      continue;
    }
    if (!ReachesUnit(caller, r.units(i))) {
      return WithReason(absl::PermissionDeniedError(absl::StrCat(r.units(i), " is not your unit")), "NOT_YOUR_UNIT");
    }
    units.push_back((*parts)[1]);
  }
  if (!v.empty()) return Violations(v);
  PELITA_ASSIGN_OR_RETURN(auto window, Window("", r.start_period(), r.end_period(), kMaxBatchMonths));
  std::vector<std::pair<std::string, int>> years;
  for (const auto& u : units) {
    for (int64_t y = window.first.year(); y <= window.second.year(); ++y) years.emplace_back(u, static_cast<int>(y));
  }
  PELITA_ASSIGN_OR_RETURN(auto fields, store_.ReadUnitYears(caller.tenant, years));
  const int n_months = static_cast<int>(window.second - window.first + 1);
  std::vector<v1::PerformanceMonth> out_months(units.size() * n_months);
  for (size_t u = 0; u < units.size(); ++u) {
    for (int k = 0; k < n_months; ++k) {
      auto& pm = out_months[u * n_months + k];
      pm.set_unit(absl::StrCat("tenants/", caller.tenant, "/units/", units[u]));
      pm.set_period(FormatMonth(window.first + k));
    }
  }
  const size_t years_per_unit = static_cast<size_t>(window.second.year() - window.first.year() + 1);
  for (size_t i = 0; i < years.size(); ++i) {
    const size_t u = i / years_per_unit;
    for (const auto& [field, bytes] : fields[i]) {
      std::string type;
      int month = 0;
      if (!SplitMonthField(field, &type, &month)) continue;
      const absl::CivilMonth m(years[i].second, month);
      if (m < window.first || m > window.second) continue;
      v1::ServiceMonth sm;
      if (!sm.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("month ", field, " is corrupt"));
      auto& pm = out_months[u * n_months + (m - window.first)];
      pm.set_has_data(true);
      pm.set_received(pm.received() + sm.received());
      pm.set_completed(pm.completed() + sm.completed());
      pm.set_completed_on_time(pm.completed_on_time() + sm.completed_on_time());
      pm.set_returned(pm.returned() + sm.returned());
      pm.set_rejected(pm.rejected() + sm.rejected());
      pm.set_staff(pm.staff() + sm.staff());
      if (sm.processing_time().band_counts_size() == kBands) {
        auto* pt = pm.mutable_processing_time();
        if (pt->band_counts_size() == 0) pt->mutable_band_counts()->Resize(kBands, 0);
        for (int b = 0; b < kBands; ++b) pt->set_band_counts(b, pt->band_counts(b) + sm.processing_time().band_counts(b));
        pt->set_total_hours(pt->total_hours() + sm.processing_time().total_hours());
      }
    }
  }
  v1::BatchGetPerformanceMonthsResponse out;
  for (auto& pm : out_months) *out.add_months() = std::move(pm);
  return out;
}

// SKP.

absl::StatusOr<std::vector<v1::RecordOutcome>> PerformanceLogic::WriteSkp(
    const std::string& tenant, const std::vector<std::pair<std::string, SkpPeriod>>& keys,
    std::vector<v1::Skp>& records, const std::string& source) {
  std::vector<RecordSlot> slots;
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& [nip, period] = keys[i];
    slots.push_back(SkpSlot(tenant, nip, period.id));
    v1::Skp& s = records[i];
    s.set_name(absl::StrCat("tenants/", tenant, "/employees/", nip, "/skp/", period.id));
    s.set_year(period.year);
    s.set_start_month(FormatMonth(period.start));
    s.set_end_month(FormatMonth(period.end));
  }
  return store_.Put<v1::Skp>(slots, records, &SkpBytes, source, clock_());
}

int PerformanceLogic::FillSupervisors(const std::string& tenant,
                                      const std::vector<std::pair<std::string, SkpPeriod>>& keys,
                                      const std::vector<v1::Skp>& records) {
  int filled = 0;
  std::set<std::string> done;
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string& nip = keys[i].first;
    if (records[i].nip_penilai().empty() || !done.insert(nip).second) continue;
    auto f = roster_->FillSupervisor(tenant, nip, records[i].nip_penilai());
    if (f.ok()) {
      filled += *f ? 1 : 0;
    } else if (!absl::IsNotFound(f.status())) {
      LogWarning("performance: supervisor not filled from the appraiser",
                 {{"tenant", tenant}, {"nip", nip}, {"error", f.status().ToString()}});
    }
  }
  return filled;
}

absl::StatusOr<v1::BatchRecordSkpResponse> PerformanceLogic::BatchRecordSkp(const Caller& caller,
                                                                            const v1::BatchRecordSkpRequest& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  PELITA_RETURN_IF_ERROR(CheckStaff(caller));
  if (r.records_size() == 0 || r.records_size() > kMaxBatch) {
    return InvalidField("records", absl::StrCat("1 to ", kMaxBatch, " records per call (has ", r.records_size(), ")"));
  }
  PELITA_ASSIGN_OR_RETURN(absl::CivilMonth current, CurrentMonth(caller.tenant));
  std::vector<Violation> v;
  std::vector<std::pair<std::string, SkpPeriod>> keys;
  std::set<std::string> seen;
  for (int i = 0; i < r.records_size(); ++i) {
    const std::string prefix = absl::StrCat("records[", i, "].");
    auto parts = ParseTenantResource(caller, prefix + "name", r.records(i).name(), "tenants/*/employees/*/skp/*");
    if (!parts.ok()) {
      if (parts.status().code() == absl::StatusCode::kPermissionDenied) return parts.status();
      v.push_back({prefix + "name", std::string(parts.status().message()), "INVALID_NAME"});
      continue;
    }
    if (!ParseNip((*parts)[1]).ok()) {
      v.push_back({prefix + "name", absl::StrCat("\"", (*parts)[1], "\" is not an NIP"), "INVALID_NIP"});
      continue;
    }
    auto period = ParseSkpPeriod((*parts)[2]);
    if (!period.ok()) {
      v.push_back({prefix + "name", std::string(period.status().message()), "INVALID_PERIOD"});
      continue;
    }
    if (period->start > current) {
      v.push_back({prefix + "name", "the period starts in the future", "FUTURE_MONTH"});
      continue;
    }
    if (!seen.insert(r.records(i).name()).second) {
      v.push_back({prefix + "name", "the same record twice in one call", "DUPLICATE"});
      continue;
    }
    CheckSkp(r.records(i), prefix, &v);
    keys.emplace_back((*parts)[1], *period);
  }
  if (!v.empty()) return Violations(v);
  std::vector<v1::Skp> records(r.records().begin(), r.records().end());
  PELITA_ASSIGN_OR_RETURN(auto outcomes, WriteSkp(caller.tenant, keys, records, "api"));
  v1::BatchRecordSkpResponse out;
  if (r.fill_supervisor()) out.set_supervisors_filled(FillSupervisors(caller.tenant, keys, records));
  for (size_t i = 0; i < records.size(); ++i) {
    out.add_outcomes(outcomes[i]);
    *out.add_records() = std::move(records[i]);
  }
  return out;
}

namespace {
// Staff see every SKP record; a person their own.
absl::Status CheckSkpReader(const Caller& caller, const std::string& nip) {
  if (IsStaff(caller) || caller.subject == nip) return absl::OkStatus();
  return WithReason(absl::PermissionDeniedError("an SKP record is its holder's and the organisers' only"),
                    "NOT_YOUR_RECORD");
}
}  // namespace

absl::StatusOr<v1::Skp> PerformanceLogic::GetSkp(const Caller& caller, const v1::GetSkpRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", r.name(), "tenants/*/employees/*/skp/*"));
  PELITA_RETURN_IF_ERROR(CheckSkpReader(caller, parts[1]));
  auto raw = store_.GetCurrent(SkpSlot(caller.tenant, parts[1], parts[2]));
  if (absl::IsNotFound(raw.status())) return absl::NotFoundError(absl::StrCat(r.name(), " is not recorded"));
  if (!raw.ok()) return raw.status();
  v1::Skp s;
  if (!s.ParseFromString(*raw)) return absl::DataLossError(absl::StrCat(r.name(), " is corrupt"));
  return s;
}

absl::StatusOr<v1::ListSkpResponse> PerformanceLogic::ListSkp(const Caller& caller, const v1::ListSkpRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "parent", r.parent(), "tenants/*/employees/*"));
  PELITA_RETURN_IF_ERROR(CheckSkpReader(caller, parts[1]));
  PELITA_ASSIGN_OR_RETURN(auto rows, store_.ReadSkp(caller.tenant, {parts[1]}));
  std::vector<v1::Skp> records;
  for (const auto& [period, bytes] : rows[0]) {
    v1::Skp s;
    if (!s.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("SKP ", period, " is corrupt"));
    records.push_back(std::move(s));
  }
  std::sort(records.begin(), records.end(), [](const v1::Skp& a, const v1::Skp& b) {
    return std::tie(a.start_month(), a.end_month()) < std::tie(b.start_month(), b.end_month());
  });
  v1::ListSkpResponse out;
  for (auto& s : records) *out.add_records() = std::move(s);
  return out;
}

absl::StatusOr<type::v1::ImportResult> PerformanceLogic::ImportSkpCsv(const Caller& caller, const std::string& parent,
                                                                     const ChunkSource& next, bool fill_supervisor) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, parent));
  PELITA_RETURN_IF_ERROR(CheckStaff(caller));
  PELITA_ASSIGN_OR_RETURN(absl::CivilMonth current, CurrentMonth(caller.tenant));
  csv::ImportReport report;
  report.set_id_column("nip/periode");
    CsvColumns cols;
  bool decimal_comma = false;
  std::vector<std::pair<std::string, SkpPeriod>> keys;
  std::vector<v1::Skp> batch;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    PELITA_ASSIGN_OR_RETURN(auto outcomes, WriteSkp(caller.tenant, keys, batch, "csv"));
    if (fill_supervisor) FillSupervisors(caller.tenant, keys, batch);
    CountOutcomes(outcomes, &report);
    keys.clear();
    batch.clear();
    return absl::OkStatus();
  };
  auto on_header = [&](const std::vector<std::string>& header) -> absl::Status {
    auto c = CsvColumns::FromHeader(header, SkpAliases(), {"nip", "tahun", "kuadran_kinerja"});
    if (!c.ok()) return InvalidField("csv_chunk", absl::StrCat("record 1 (line 1): ", c.status().message()));
    cols = std::move(*c);
    return absl::OkStatus();
  };
  auto on_row = [&](csv::Row& row) -> absl::Status {
    const std::string nip = cols.Field(row.fields, "nip");
    const std::string year = cols.Field(row.fields, "tahun");
    std::string period_text = cols.Field(row.fields, "periode");
    const std::string id = absl::StrCat(nip, "/", period_text.empty() ? year : period_text);
    auto reject = [&](absl::string_view column, const std::string& code, absl::string_view reason) {
      const int index = cols.Index(column);
      RejectRow(&report, row, index + 1, index >= 0 ? cols.NameAt(index) : std::string(column), id, code, reason);
      return absl::OkStatus();
    };
    if (!row.error.empty()) {
      RejectRow(&report, row, row.column, "", id, row.code.empty() ? "MALFORMED_ROW" : row.code, row.error);
      return absl::OkStatus();
    }
    if (!ParseNip(nip).ok()) return reject("nip", "INVALID_NIP", absl::StrCat("\"", nip, "\" is not an NIP"));
    const std::string from = cols.Field(row.fields, "bulan_mulai");
    const std::string to = cols.Field(row.fields, "bulan_selesai");
    if (period_text.empty() && (!from.empty() || !to.empty())) {
      // SIASN's kinerja periodik: months as numbers (1-12) or YYYY-MM.
      auto month_of = [&](const std::string& t) -> std::string {
        int m = 0;
        if (absl::SimpleAtoi(t, &m) && m >= 1 && m <= 12) return absl::StrFormat("%s-%02d", year, m);
        return t;
      };
      period_text = absl::StrCat(month_of(from.empty() ? to : from), "_", month_of(to.empty() ? from : to));
    }
    if (period_text.empty()) period_text = year;
    auto period = ParseSkpPeriod(period_text);
    if (!period.ok()) {
      return reject(cols.Index("periode") >= 0 ? "periode" : "tahun", "INVALID_PERIOD", period.status().message());
    }
    if (absl::StrCat(period->year) != year) {
      return reject("tahun", "INVALID_PERIOD", absl::StrCat("the period ", period_text, " is not in year ", year));
    }
    if (period->start > current) return reject("tahun", "FUTURE_MONTH", "the period starts in the future");
    v1::Skp s;
    const std::string predicate = cols.Field(row.fields, "kuadran_kinerja");
    s.set_kuadran_kinerja(PredicateFromText(predicate));
    if (s.kuadran_kinerja() == v1::PREDICATE_UNSPECIFIED) {
      return reject("kuadran_kinerja", "INVALID_PREDICATE",
                    absl::StrCat("\"", predicate,
                                 "\" is not a predicate (Sangat Baik, Baik, Butuh Perbaikan, Kurang, Sangat Kurang)"));
    }
    for (const char* column : {"hasil_kinerja", "perilaku_kerja"}) {
      const std::string text = cols.Field(row.fields, column);
      const v1::Rating rating = RatingFromText(text);
      if (!text.empty() && rating == v1::RATING_UNSPECIFIED) {
        return reject(column, "INVALID_RATING",
                      absl::StrCat("\"", text, "\" is not a rating (Di Atas / Sesuai / Di Bawah Ekspektasi)"));
      }
      if (std::string(column) == "hasil_kinerja") s.set_hasil_kinerja(rating);
      else s.set_perilaku_kerja(rating);
    }
    s.set_nip_penilai(cols.Field(row.fields, "nip_penilai"));
    std::vector<Violation> v;
    CheckSkp(s, "", &v);
    if (!v.empty()) return reject(v[0].field, v[0].code, v[0].problem);
    keys.emplace_back(nip, *period);
    batch.push_back(std::move(s));
    if (static_cast<int>(batch.size()) >= batch_rows_) return flush();
    return absl::OkStatus();
  };
  PELITA_RETURN_IF_ERROR(ReadCsv(next, &report, &decimal_comma, on_header, on_row));
  PELITA_RETURN_IF_ERROR(flush());
  return report.Finish();
}

absl::StatusOr<v1::CohortSkpChange> PerformanceLogic::GetCohortSkpChange(const Caller& caller,
                                                                        const v1::GetCohortSkpChangeRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", r.name(),
                                                          "tenants/*/programs/*/cohorts/*/skpChange"));
  const std::string cohort = SingletonParent(r.name());
  PELITA_ASSIGN_OR_RETURN(CohortInfo info, roster_->GetCohort(caller.tenant, cohort));
  if (!ReachesCohort(caller, cohort, info.instructors)) {
    return WithReason(absl::PermissionDeniedError("not your cohort"), "NOT_YOUR_COHORT");
  }
  PELITA_ASSIGN_OR_RETURN(auto rows, store_.ReadSkp(caller.tenant, info.completed));
  v1::CohortSkpChange out;
  out.set_cohort(cohort);
  *out.mutable_cohort_start() = ToDate(info.start);
  *out.mutable_cohort_end() = ToDate(info.end);
  out.set_participants(static_cast<int>(info.completed.size()));
  std::vector<double> steps;
  int rose = 0, stayed = 0, fell = 0;
  for (const auto& records : rows) {
    // Before: the period that ends latest among those that end before the
    // cohort's first day (a period that holds the training is neither);
    // after: the earliest period that starts after its last day.
    const v1::Skp* before = nullptr;
    const v1::Skp* after = nullptr;
    std::vector<v1::Skp> parsed(records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      if (!parsed[i].ParseFromString(records[i].second)) return absl::DataLossError("an SKP record is corrupt");
    }
    for (const auto& s : parsed) {
      auto first = ParseMonth(s.start_month());
      auto last = ParseMonth(s.end_month());
      if (!first.ok() || !last.ok()) continue;
      const absl::CivilDay first_day(*first);
      const absl::CivilDay last_day = absl::CivilDay(*last + 1) - 1;
      if (last_day < info.start &&
          (before == nullptr || s.end_month() > before->end_month() ||
           (s.end_month() == before->end_month() && s.start_month() > before->start_month()))) {
        before = &s;
      }
      if (first_day > info.end &&
          (after == nullptr || s.start_month() < after->start_month() ||
           (s.start_month() == after->start_month() && s.end_month() < after->end_month()))) {
        after = &s;
      }
    }
    if (before == nullptr || after == nullptr) continue;
    const int step = PredicateRank(after->kuadran_kinerja()) - PredicateRank(before->kuadran_kinerja());
    steps.push_back(step);
    if (step > 0) ++rose;
    else if (step < 0) ++fell;
    else ++stayed;
  }
  out.set_pairs(static_cast<int>(steps.size()));
  out.set_method(
      "Pairs: each participant who completed the cohort with an SKP predicate in the latest period ending "
      "before the cohort's first day and in the earliest period starting after its last day. Predicates ranked "
      "Sangat Kurang 1 .. Sangat Baik 5 as delivered by SIASN or the organiser (never recomputed); a step is "
      "after minus before. Sign test: exact two-sided binomial test of rises against falls, ties left out. "
      "Wilcoxon signed-rank: zero steps dropped, mean ranks for ties, normal approximation with tie correction. "
      "Withheld below 5 pairs.");
  if (static_cast<int>(steps.size()) < kMinPairs) {
    out.set_withheld(true);
    out.set_withheld_reason(absl::StrCat("fewer than ", kMinPairs, " participants with an SKP before and after (",
                                         steps.size(), ")"));
    return out;
  }
  out.set_rose(rose);
  out.set_stayed(stayed);
  out.set_fell(fell);
  *out.mutable_rose_share() = ProportionOf(rose, static_cast<int64_t>(steps.size()));
  *out.mutable_fell_share() = ProportionOf(fell, static_cast<int64_t>(steps.size()));
  out.set_sign_test_p(stats::SignTestTwoSided(rose, fell));
  const stats::SignedRankTest w = stats::WilcoxonSignedRank(steps);
  out.set_wilcoxon_w_plus(w.w_plus);
  out.set_wilcoxon_p(w.p_two_sided);
  double sum = 0;
  for (double s : steps) sum += s;
  out.set_mean_step(sum / static_cast<double>(steps.size()));
  return out;
}

}  // namespace pelita::performance
