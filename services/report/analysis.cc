// The analysis pages as Excel workbooks (issue 17): ReportLogic's
// ExportRollUp, ExportRanking and ExportProvinceBenchmark.  Each checks the
// request as scoring would (so a bad year or grouping is the same
// INVALID_ARGUMENT, with its field, before anything is read), reads
// scoring's answer as the caller (scoring applies its reach, its minimum n
// and complementary suppression) and renders it (analysis_export.h).
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/resource_name.h"
#include "lib/tenancy/tenant_code.h"
#include "lib/time/time.h"
#include "services/report/analysis_export.h"
#include "services/report/report.h"

namespace pelita::report {
namespace {

constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// What a regency's workbook says around its figures: the regency, the
// year, when it was made (in the regency's zone) and which page shows the
// same figures.
AnalysisContext RegencyContext(const tenant::v1::Tenant& t, const std::string& code, int year, absl::Time now,
                               absl::TimeZone zone, const char* page) {
  AnalysisContext c;
  c.place_label = "Kabupaten/kota";
  c.place = t.display_name().empty() ? code : t.display_name();
  c.year = year;
  c.generated = now;
  c.zone = zone;
  c.page = page;
  return c;
}

absl::Status CheckYear(int year) {
  if (year < 2000 || year > 2100) return InvalidField("year", "must be a year such as 2026");
  return absl::OkStatus();
}

// The readers of scoring's pooled figures (gateway/policy.cc): the
// regency's staff, heads of agencies, instructors, the province and
// national bodies, and internal callers.  Participants and supervisors
// read no analysis; the gateway refuses them first, and so does the
// service when it is called without the gateway.
absl::Status CheckAnalysisReader(const Caller& caller) {
  for (const char* role : {"", "admin", "organiser", "agency_head", "instructor", "province", "national_integrator"}) {
    if (caller.role == role) return absl::OkStatus();
  }
  return WithReason(absl::PermissionDeniedError(absl::StrCat("role ", caller.role, " may not read the analyses")),
                    "ROLE_NOT_ALLOWED");
}

type::v1::HttpBody Workbook(std::string data, std::string filename) {
  type::v1::HttpBody out;
  out.set_data(std::move(data));
  out.set_content_type(kXlsx);
  out.set_filename(std::move(filename));
  return out;
}

}  // namespace

absl::StatusOr<type::v1::HttpBody> ReportLogic::ExportRollUp(const Caller& caller, const v1::ExportRollUpRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseTenantResource(caller, "parent", r.parent(), "tenants/*"));
  PELITA_RETURN_IF_ERROR(CheckYear(r.year()));
  using Req = scoring::v1::RollUpEvaluationsRequest;
  if (r.group_by() != Req::PROGRAM && r.group_by() != Req::INSTRUCTOR && r.group_by() != Req::UNIT &&
      r.group_by() != Req::YEAR) {
    return InvalidField("group_by", "must be PROGRAM, INSTRUCTOR, UNIT or YEAR");
  }
  PELITA_RETURN_IF_ERROR(CheckAnalysisReader(caller));
  Req req;
  req.set_parent(r.parent());
  req.set_year(r.year());
  req.set_group_by(r.group_by());
  PELITA_ASSIGN_OR_RETURN(scoring::v1::RollUpEvaluationsResponse rolled, sources_->RollUpEvaluations(caller, req));
  PELITA_ASSIGN_OR_RETURN(tenant::v1::Tenant t, sources_->GetTenant(ids[0]));
  AnalysisContext c = RegencyContext(t, ids[0], r.year(), options_.now(), ZoneOf(t), "Rekap evaluasi");
  c.grouping = GroupingTitle(r.group_by());
  c.min_n = rolled.min_n();
  // The answer names its grouping; the request's is the one asked for.
  rolled.set_group_by(r.group_by());
  PELITA_ASSIGN_OR_RETURN(std::string data, RenderRollUpXlsx(rolled, c, options_.tmp_dir));
  return Workbook(std::move(data), absl::StrCat("rekap-", r.year(), "-",
                                                absl::AsciiStrToLower(Req::GroupBy_Name(r.group_by())), ".xlsx"));
}

absl::StatusOr<type::v1::HttpBody> ReportLogic::ExportRanking(const Caller& caller, const v1::ExportRankingRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseTenantResource(caller, "parent", r.parent(), "tenants/*"));
  PELITA_RETURN_IF_ERROR(CheckYear(r.year()));
  PELITA_RETURN_IF_ERROR(CheckAnalysisReader(caller));
  scoring::v1::RankProgramsRequest req;
  req.set_parent(r.parent());
  req.set_year(r.year());
  PELITA_ASSIGN_OR_RETURN(scoring::v1::RankProgramsResponse ranking, sources_->RankPrograms(caller, req));
  PELITA_ASSIGN_OR_RETURN(tenant::v1::Tenant t, sources_->GetTenant(ids[0]));
  AnalysisContext c = RegencyContext(t, ids[0], r.year(), options_.now(), ZoneOf(t), "Peringkat program");
  // The ranking carries no minimum n; the tenant's settings do (as the
  // caller, like the ranking).  Without them the sheet says the rule.
  if (auto settings = sources_->GetScoringSettings(caller, absl::StrCat(r.parent(), "/scoringSettings"));
      settings.ok()) {
    c.min_n = settings->min_n();
  }
  PELITA_ASSIGN_OR_RETURN(std::string data, RenderRankingXlsx(ranking, c, options_.tmp_dir));
  return Workbook(std::move(data), absl::StrCat("peringkat-program-", r.year(), ".xlsx"));
}

absl::StatusOr<type::v1::HttpBody> ReportLogic::ExportProvinceBenchmark(const Caller& caller,
                                                                       const v1::ExportProvinceBenchmarkRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseResourceName("name", r.name(), "provinces/*/benchmarks"));
  const std::string& province = ids[0];
  if (!ValidateProvince(province).ok()) return InvalidField("name", "must name a province: provinces/15/benchmarks");
  // As scoring: the caller's own province (a regency's roles, the
  // province), or any for the national bodies.
  const bool national = caller.tenant == kNationalTenantCode && caller.role == "national_integrator";
  if (!national && caller.tenant != province &&
      std::string(ProvinceOf(caller.tenant)) != province) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat("caller ", caller.tenant, " is not in province ", province)),
        "OTHER_PROVINCE");
  }
  PELITA_RETURN_IF_ERROR(CheckYear(r.year()));
  PELITA_RETURN_IF_ERROR(CheckAnalysisReader(caller));
  scoring::v1::GetProvinceBenchmarkRequest req;
  req.set_name(r.name());
  req.set_year(r.year());
  req.set_focus_tenant(r.focus_tenant());
  PELITA_ASSIGN_OR_RETURN(scoring::v1::ProvinceBenchmark benchmark, sources_->GetProvinceBenchmark(caller, req));
  // The regencies by name from the registry (its records are public to
  // these readers); a code the registry does not know prints as the code.
  absl::flat_hash_map<std::string, std::string> names;
  auto name = [&](std::string tenant) {
    tenant = tenant.substr(tenant.rfind('/') == std::string::npos ? 0 : tenant.rfind('/') + 1);
    if (names.contains(tenant)) return;
    auto t = sources_->GetTenant(tenant);
    names[tenant] = t.ok() ? t->display_name() : "";
  };
  for (const auto& t : benchmark.tenants()) name(t.tenant());
  for (const auto& t : benchmark.missing_tenants()) name(t);
  if (!benchmark.focus_tenant().empty()) name(benchmark.focus_tenant());
  AnalysisContext c;
  c.place_label = "Provinsi";
  c.place = absl::StrCat("kode wilayah ", province);
  c.year = r.year();
  c.generated = options_.now();
  auto zone = LoadIndonesianTimeZone(ProvinceTimeZone(province).empty() ? kWib : ProvinceTimeZone(province));
  c.zone = zone.ok() ? *zone : absl::FixedTimeZone(7 * 3600);
  c.page = "Perbandingan kabupaten/kota";
  PELITA_ASSIGN_OR_RETURN(std::string data, RenderBenchmarkXlsx(benchmark, names, c, options_.tmp_dir));
  return Workbook(std::move(data), absl::StrCat("perbandingan-kabupaten-kota-", province, "-", r.year(), ".xlsx"));
}

}  // namespace pelita::report
