#include "services/report/report.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/tenancy/resource_name.h"
#include "lib/time/time.h"
#include "services/report/evaluation_report.h"
#include "services/report/ikm_report.h"
#include "services/report/text.h"

namespace pelita::report {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

constexpr char kPdf[] = "application/pdf";
constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
// The survey service's SKM questionnaire (its choice questions are the
// respondents' profile).
constexpr char kSkmForm[] = "skm-permenpanrb-14-2017";

Caller Internal(const std::string& tenant) { return Caller{tenant, "", ""}; }

absl::CivilDay DayOf(const google::type::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }
bool HasDay(const google::type::Date& d) { return d.year() > 0 && d.month() > 0 && d.day() > 0; }

// A file name from resource ids: `laporan-evaluasi-<program>-<cohort>.pdf`.
std::string FileName(absl::string_view kind, const std::vector<std::string>& ids, absl::string_view ext) {
  std::string out(kind);
  for (const auto& id : ids) absl::StrAppend(&out, "-", id);
  return absl::StrCat(out, ".", ext);
}

std::string CohortTitle(const ev1::Cohort& c, absl::string_view id) {
  return c.display_name().empty() ? std::string(id) : c.display_name();
}

// Participants and supervisors reach only their own certificate; the
// other roles that may call (organisers, admins) reach every one.
absl::Status CheckCertificateReach(const Caller& caller, absl::string_view nip) {
  if ((caller.role == "participant" || caller.role == "supervisor") && caller.subject != nip) {
    return WithReason(absl::PermissionDeniedError("a certificate is read by its holder"), "OUTSIDE_REACH");
  }
  if (!caller.role.empty() && caller.role != "participant" && caller.role != "supervisor" &&
      caller.role != "organiser" && caller.role != "admin") {
    return WithReason(absl::PermissionDeniedError(absl::StrCat("role ", caller.role, " may not read certificates")),
                      "ROLE_NOT_ALLOWED");
  }
  return absl::OkStatus();
}

}  // namespace

absl::TimeZone ReportLogic::ZoneOf(const tenant::v1::Tenant& t) {
  auto z = LoadIndonesianTimeZone(t.time_zone().empty() ? kWib : t.time_zone());
  return z.ok() ? *z : absl::FixedTimeZone(7 * 3600);
}

ReportLogic::ReportLogic(ReportSources* sources, Options options)
    : sources_(sources), options_(std::move(options)) {}

absl::StatusOr<ReportLogic::CohortInfo> ReportLogic::LoadCohort(const std::string& tenant,
                                                                const std::string& cohort_name) {
  CohortInfo info;
  PELITA_ASSIGN_OR_RETURN(info.tenant, sources_->GetTenant(tenant));
  info.zone = ZoneOf(info.tenant);
  PELITA_ASSIGN_OR_RETURN(info.cohort, sources_->GetCohort(Internal(tenant), cohort_name));
  PELITA_ASSIGN_OR_RETURN(info.program,
                          sources_->GetProgram(Internal(tenant), cohort_name.substr(0, cohort_name.find("/cohorts/"))));
  return info;
}

absl::StatusOr<CertificateData> ReportLogic::Certificate(const CohortInfo& info, const ev1::Enrolment& e) {
  if (e.state() != ev1::Enrolment::COMPLETED) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(e.name(), " is not completed")), "NOT_COMPLETED");
  }
  const std::string tenant = info.tenant.name().substr(info.tenant.name().find('/') + 1);
  PELITA_ASSIGN_OR_RETURN(ev1::Employee person, sources_->GetEmployee(Internal(tenant), e.employee()));
  CertificateData d;
  d.tenant_name = info.tenant.display_name();
  d.holder_name = person.full_name();
  d.nip = person.nip();
  d.program_title = info.program.title();
  d.cohort_title = info.cohort.display_name();
  d.jp = info.program.jp();
  d.has_dates = HasDay(info.cohort.start_date()) && HasDay(info.cohort.end_date());
  if (d.has_dates) {
    d.start = DayOf(info.cohort.start_date());
    d.end = DayOf(info.cohort.end_date());
  }
  const absl::Time done = e.has_complete_time()
                              ? absl::FromUnixSeconds(e.complete_time().seconds())
                              : options_.now();
  d.completed = absl::ToCivilDay(done, info.zone);
  d.certificate_number = e.certificate_number();
  const auto& sig = info.tenant.settings().certificate_signatory();
  d.signatory_title = sig.title();
  d.signatory_name = sig.full_name();
  d.signatory_nip = sig.nip();
  d.verify_link = VerificationLink(options_.verify_url, e.name(), e.certificate_number());
  return d;
}

absl::StatusOr<type::v1::HttpBody> ReportLogic::GetEvaluationReport(const Caller& caller,
                                                                   const v1::GetEvaluationReportRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                          ParseTenantResource(caller, "name", r.name(), "tenants/*/programs/*/cohorts/*/evaluation"));
  if (r.format() != v1::DOCUMENT_FORMAT_UNSPECIFIED && r.format() != v1::PDF && r.format() != v1::XLSX) {
    return InvalidField("format", "must be PDF or XLSX");
  }
  // The figures as the caller may read them: scoring applies its reach
  // (an instructor's own cohorts) and its minimum n.
  PELITA_ASSIGN_OR_RETURN(scoring::v1::Evaluation e, sources_->GetEvaluation(caller, r.name()));
  const std::string cohort_name = SingletonParent(r.name());
  PELITA_ASSIGN_OR_RETURN(CohortInfo info, LoadCohort(ids[0], cohort_name));
  ReportContext c;
  c.tenant_name = info.tenant.display_name();
  c.cohort_title = CohortTitle(info.cohort, ids[2]);
  if (HasDay(info.cohort.start_date()) && HasDay(info.cohort.end_date())) {
    c.period = absl::StrCat(FormatDate(DayOf(info.cohort.start_date())), " – ",
                            FormatDate(DayOf(info.cohort.end_date())));
  }
  c.generated = options_.now();
  c.zone = info.zone;
  if (auto units = sources_->ListUnits(Internal(ids[0])); units.ok()) {
    for (const auto& u : *units) c.unit_titles[u.name()] = u.display_name();
  }
  type::v1::HttpBody out;
  if (r.format() == v1::XLSX) {
    PELITA_ASSIGN_OR_RETURN(*out.mutable_data(), RenderEvaluationXlsx(e, c, options_.tmp_dir));
    out.set_content_type(kXlsx);
    out.set_filename(FileName("laporan-evaluasi", {ids[1], ids[2]}, "xlsx"));
  } else {
    PELITA_ASSIGN_OR_RETURN(*out.mutable_data(), RenderEvaluationPdf(e, c));
    out.set_content_type(kPdf);
    out.set_filename(FileName("laporan-evaluasi", {ids[1], ids[2]}, "pdf"));
  }
  return out;
}

absl::StatusOr<type::v1::HttpBody> ReportLogic::GetProgramReport(const Caller& caller,
                                                                const v1::GetProgramReportRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                          ParseTenantResource(caller, "name", r.name(), "tenants/*/programs/*"));
  if (r.format() != v1::DOCUMENT_FORMAT_UNSPECIFIED && r.format() != v1::PDF && r.format() != v1::XLSX) {
    return InvalidField("format", "must be PDF or XLSX");
  }
  PELITA_ASSIGN_OR_RETURN(tenant::v1::Tenant t, sources_->GetTenant(ids[0]));
  PELITA_ASSIGN_OR_RETURN(ev1::Program program, sources_->GetProgram(Internal(ids[0]), r.name()));
  // The figures as the caller may read them (scoring's reach and min n).
  scoring::v1::RollUpEvaluationsRequest roll;
  roll.set_parent(absl::StrCat("tenants/", ids[0]));
  roll.set_year(program.year());
  roll.set_group_by(scoring::v1::RollUpEvaluationsRequest::PROGRAM);
  PELITA_ASSIGN_OR_RETURN(scoring::v1::RollUpEvaluationsResponse rolled, sources_->RollUpEvaluations(caller, roll));
  const scoring::v1::RollUpRow* row = nullptr;
  for (const auto& x : rolled.rows()) {
    if (x.group() == r.name()) row = &x;
  }
  PELITA_ASSIGN_OR_RETURN(std::vector<ev1::Cohort> cohorts, sources_->ListCohorts(Internal(ids[0]), r.name()));
  std::sort(cohorts.begin(), cohorts.end(), [](const ev1::Cohort& a, const ev1::Cohort& b) {
    return std::make_tuple(a.start_date().year(), a.start_date().month(), a.start_date().day(), a.name()) <
           std::make_tuple(b.start_date().year(), b.start_date().month(), b.start_date().day(), b.name());
  });
  ProgramReportContext c;
  std::vector<scoring::v1::Evaluation> evaluations;
  for (const auto& cohort : cohorts) {
    PELITA_ASSIGN_OR_RETURN(scoring::v1::Evaluation e,
                            sources_->GetEvaluation(caller, absl::StrCat(cohort.name(), "/evaluation")));
    evaluations.push_back(std::move(e));
    c.cohort_titles.push_back(CohortTitle(cohort, cohort.name().substr(cohort.name().rfind('/') + 1)));
  }
  c.tenant_name = t.display_name();
  c.program_title = program.title();
  c.year = program.year();
  c.min_n = rolled.min_n();
  c.generated = options_.now();
  c.zone = ZoneOf(t);
  type::v1::HttpBody out;
  if (r.format() == v1::XLSX) {
    PELITA_ASSIGN_OR_RETURN(*out.mutable_data(), RenderProgramXlsx(row, evaluations, c, options_.tmp_dir));
    out.set_content_type(kXlsx);
    out.set_filename(FileName("laporan-program", {ids[1]}, "xlsx"));
  } else {
    PELITA_ASSIGN_OR_RETURN(*out.mutable_data(), RenderProgramPdf(row, evaluations, c));
    out.set_content_type(kPdf);
    out.set_filename(FileName("laporan-program", {ids[1]}, "pdf"));
  }
  return out;
}

IkmProfile ReportLogic::ReadIkmProfile(const std::string& tenant, const std::string& unit,
                                       const complaint::v1::Satisfaction& s) {
  // The months of the window (the survey service counts by month; at most
  // its 60 a request, the last ones when the window is longer).
  absl::CivilMonth first(s.start_date().year(), s.start_date().month());
  const absl::CivilMonth last(s.end_date().year(), s.end_date().month());
  if (last - first >= 60) first = last - 59;
  IkmProfile out;
  survey::v1::GetSkmAggregatesRequest req;
  req.set_name(absl::StrCat(unit, "/skmAggregates"));
  req.set_start_period(absl::FormatCivilTime(first));
  req.set_end_period(absl::FormatCivilTime(last));
  // Read internally: the caller's reach to the unit was applied by
  // complaint's answer above.
  auto months = sources_->GetSkmAggregates(Internal(tenant), req);
  auto form = sources_->GetInstrument(Internal(tenant), absl::StrCat("tenants/", tenant, "/instruments/", kSkmForm));
  if (!months.ok() || !form.ok()) {
    out.unavailable = "data formulir SKM tidak dapat dibaca dari layanan survei saat laporan dibuat.";
    return out;
  }
  out = ProfileOf(*months, *form);
  out.months = first == last ? FormatMonth(first) : absl::StrCat(FormatMonth(first), " – ", FormatMonth(last));
  return out;
}

absl::StatusOr<type::v1::HttpBody> ReportLogic::GetIkmReport(const Caller& caller, const v1::GetIkmReportRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                          ParseTenantResource(caller, "name", r.name(), "tenants/*/units/*/satisfaction"));
  if (r.format() != v1::DOCUMENT_FORMAT_UNSPECIFIED && r.format() != v1::PDF && r.format() != v1::XLSX) {
    return InvalidField("format", "must be PDF or XLSX");
  }
  complaint::v1::GetSatisfactionRequest req;
  req.set_name(r.name());
  req.set_period(r.period());
  *req.mutable_start_date() = r.start_date();
  *req.mutable_end_date() = r.end_date();
  // As the caller: complaint holds a head of agency to their unit.
  PELITA_ASSIGN_OR_RETURN(complaint::v1::Satisfaction s, sources_->GetSatisfaction(caller, req));
  PELITA_ASSIGN_OR_RETURN(tenant::v1::Tenant t, sources_->GetTenant(ids[0]));
  IkmContext c;
  c.tenant_name = t.display_name();
  auto unit = sources_->GetUnit(Internal(ids[0]), SingletonParent(r.name()));
  c.unit_title = unit.ok() && !unit->display_name().empty() ? unit->display_name() : ids[1];
  c.generated = options_.now();
  c.zone = ZoneOf(t);
  c.profile = ReadIkmProfile(ids[0], SingletonParent(r.name()), s);
  type::v1::HttpBody out;
  auto day = [](const google::type::Date& d) { return absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day()); };
  const std::string stem = absl::StrCat("laporan-ikm-", ids[1], "-", day(s.start_date()), "-", day(s.end_date()));
  if (r.format() == v1::XLSX) {
    PELITA_ASSIGN_OR_RETURN(*out.mutable_data(), RenderIkmXlsx(s, c, options_.tmp_dir));
    out.set_content_type(kXlsx);
    out.set_filename(stem + ".xlsx");
  } else {
    PELITA_ASSIGN_OR_RETURN(*out.mutable_data(), RenderIkmPdf(s, c));
    out.set_content_type(kPdf);
    out.set_filename(stem + ".pdf");
  }
  return out;
}

absl::StatusOr<type::v1::HttpBody> ReportLogic::GetCertificate(const Caller& caller,
                                                              const v1::GetCertificateRequest& r) {
  PELITA_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      ParseTenantResource(caller, "name", r.name(), "tenants/*/programs/*/cohorts/*/enrolments/*"));
  PELITA_RETURN_IF_ERROR(CheckCertificateReach(caller, ids[3]));
  PELITA_ASSIGN_OR_RETURN(ev1::Enrolment e, sources_->GetEnrolment(Internal(ids[0]), r.name()));
  PELITA_ASSIGN_OR_RETURN(CohortInfo info, LoadCohort(ids[0], r.name().substr(0, r.name().find("/enrolments/"))));
  PELITA_ASSIGN_OR_RETURN(CertificateData d, Certificate(info, e));
  type::v1::HttpBody out;
  PELITA_ASSIGN_OR_RETURN(*out.mutable_data(),
                          RenderCertificates({d}, absl::StrCat("Sertifikat ", d.certificate_number)));
  out.set_content_type(kPdf);
  out.set_filename(FileName("sertifikat", {ids[1], ids[2], ids[3]}, "pdf"));
  return out;
}

absl::Status ReportLogic::GetCohortCertificates(const Caller& caller, const v1::GetCohortCertificatesRequest& r,
                                               const std::function<bool(const type::v1::HttpBody&)>& write) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                          ParseTenantResource(caller, "cohort", r.cohort(), "tenants/*/programs/*/cohorts/*"));
  if (!caller.role.empty() && caller.role != "organiser" && caller.role != "admin") {
    return WithReason(absl::PermissionDeniedError("a cohort's certificates are printed by organisers"),
                      "ROLE_NOT_ALLOWED");
  }
  PELITA_ASSIGN_OR_RETURN(CohortInfo info, LoadCohort(ids[0], r.cohort()));
  PELITA_ASSIGN_OR_RETURN(std::vector<ev1::Enrolment> all, sources_->ListEnrolments(Internal(ids[0]), r.cohort()));
  std::vector<CertificateData> certs;
  for (const auto& e : all) {
    if (e.state() != ev1::Enrolment::COMPLETED) continue;
    if (static_cast<int>(certs.size()) >= options_.max_batch) {
      return InvalidField("cohort", absl::StrCat("has more than ", options_.max_batch, " completed enrolments"));
    }
    PELITA_ASSIGN_OR_RETURN(CertificateData d, Certificate(info, e));
    certs.push_back(std::move(d));
  }
  if (certs.empty()) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(r.cohort(), " has no completed enrolments")),
                      "NOT_COMPLETED");
  }
  std::sort(certs.begin(), certs.end(), [](const auto& a, const auto& b) { return a.nip < b.nip; });
  bool first = true;
  const std::string filename = FileName("sertifikat", {ids[1], ids[2]}, "pdf");
  return StreamCertificates(certs, absl::StrCat("Sertifikat ", info.program.title()), options_.piece_bytes,
                            [&](std::string piece) {
                              type::v1::HttpBody body;
                              if (first) {
                                body.set_content_type(kPdf);
                                body.set_filename(filename);
                                first = false;
                              }
                              *body.mutable_data() = std::move(piece);
                              return write(body);
                            });
}

absl::StatusOr<v1::CertificateVerification> ReportLogic::VerifyCertificate(const v1::VerifyCertificateRequest& r) {
  PELITA_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      ParseResourceName("enrolment", r.enrolment(), "tenants/*/programs/*/cohorts/*/enrolments/*"));
  if (r.certificate_number().empty() || r.certificate_number().size() > 100) {
    return InvalidField("certificate_number", "must be 1 to 100 characters");
  }
  PELITA_RETURN_IF_ERROR(CheckKnownTenant(ids[0]));
  // One answer for every way a certificate can be false (no such
  // enrolment, not completed, another number), so that the page discloses
  // nothing about records it does not confirm.
  auto not_found = [] {
    return WithReason(absl::NotFoundError("no such certificate"), "CERTIFICATE_NOT_FOUND");
  };
  auto e = sources_->GetEnrolment(Internal(ids[0]), r.enrolment());
  if (!e.ok()) return e.status().code() == absl::StatusCode::kNotFound ? not_found() : e.status();
  if (e->state() != ev1::Enrolment::COMPLETED || e->certificate_number() != r.certificate_number()) {
    return not_found();
  }
  PELITA_ASSIGN_OR_RETURN(CohortInfo info,
                          LoadCohort(ids[0], r.enrolment().substr(0, r.enrolment().find("/enrolments/"))));
  PELITA_ASSIGN_OR_RETURN(ev1::Employee person, sources_->GetEmployee(Internal(ids[0]), e->employee()));
  v1::CertificateVerification out;
  out.set_certificate_number(e->certificate_number());
  out.set_holder_name(person.full_name());
  out.set_program_title(info.program.title());
  out.set_tenant_name(info.tenant.display_name());
  *out.mutable_complete_time() = e->complete_time();
  return out;
}

}  // namespace pelita::report
