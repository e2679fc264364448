#ifndef PELITA_SERVICES_REPORT_REPORT_H_
#define PELITA_SERVICES_REPORT_REPORT_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/tenancy/caller.h"
#include "pelita/report/v1/report.pb.h"
#include "pelita/type/v1/http_body.pb.h"
#include "services/report/certificate.h"
#include "services/report/ikm_report.h"
#include "services/report/sources.h"

// The report service's logic (issue 17), a plain class testable without a
// network: it checks the request and the caller, reads what the document
// needs from ReportSources and renders it.  It keeps no state.
namespace pelita::report {

class ReportLogic {
 public:
  struct Options {
    // The web application's certificate verification page; the QR code of
    // every certificate links to it (VerificationLink).
    std::string verify_url = "http://127.0.0.1:8080/verifikasi";
    // Where workbooks are assembled before they are sent (libxlsxwriter
    // writes files).
    std::string tmp_dir = "/tmp";
    // At most this many certificates in one batch PDF.
    int max_batch = 2000;
    // Pieces of a streamed workbook, and responses read per page.
    size_t piece_bytes = 1 << 20;
    int page_size = 1000;
    std::function<absl::Time()> now = [] { return absl::Now(); };
  };
  ReportLogic(ReportSources* sources, Options options);

  absl::StatusOr<type::v1::HttpBody> GetEvaluationReport(const Caller& caller,
                                                        const v1::GetEvaluationReportRequest& r);
  absl::StatusOr<type::v1::HttpBody> GetProgramReport(const Caller& caller, const v1::GetProgramReportRequest& r);
  absl::StatusOr<type::v1::HttpBody> GetIkmReport(const Caller& caller, const v1::GetIkmReportRequest& r);
  // The analysis pages as workbooks (analysis.cc): scoring's roll-up,
  // ranking and province benchmark, read as the caller.
  absl::StatusOr<type::v1::HttpBody> ExportRollUp(const Caller& caller, const v1::ExportRollUpRequest& r);
  absl::StatusOr<type::v1::HttpBody> ExportRanking(const Caller& caller, const v1::ExportRankingRequest& r);
  absl::StatusOr<type::v1::HttpBody> ExportProvinceBenchmark(const Caller& caller,
                                                            const v1::ExportProvinceBenchmarkRequest& r);
  absl::StatusOr<type::v1::HttpBody> GetCertificate(const Caller& caller, const v1::GetCertificateRequest& r);
  // Streams the cohort's certificates to `write` in pieces of about
  // Options::piece_bytes while they are drawn; the first piece carries the
  // content type and file name.  `write` returns false when the receiver is
  // gone (then CANCELLED).  Every check and read happens before the first
  // piece, so a refusal is an ordinary error.
  absl::Status GetCohortCertificates(const Caller& caller, const v1::GetCohortCertificatesRequest& r,
                                     const std::function<bool(const type::v1::HttpBody&)>& write);
  // Streams the workbook to `write` in pieces (export.cc); `write` returns
  // false when the receiver is gone (then CANCELLED).
  absl::Status ExportResponses(const Caller& caller, const v1::ExportResponsesRequest& r,
                               const std::function<bool(const type::v1::HttpBody&)>& write);
  // Public: the caller carries no tenant; the enrolment names it.
  absl::StatusOr<v1::CertificateVerification> VerifyCertificate(const v1::VerifyCertificateRequest& r);

 private:
  // What every certificate of a cohort shares.
  struct CohortInfo {
    tenant::v1::Tenant tenant;
    absl::TimeZone zone;
    enrolment::v1::Cohort cohort;
    enrolment::v1::Program program;
  };
  // The tenant's zone (WIB, WITA or WIT) for the dates a document prints;
  // WIB when the record names none it can load.
  static absl::TimeZone ZoneOf(const tenant::v1::Tenant& t);
  absl::StatusOr<CohortInfo> LoadCohort(const std::string& tenant, const std::string& cohort_name);
  absl::StatusOr<CertificateData> Certificate(const CohortInfo& info, const enrolment::v1::Enrolment& e);
  // The respondents' profile of a unit's IKM window (never fails: what
  // cannot be read is said in the report).
  IkmProfile ReadIkmProfile(const std::string& tenant, const std::string& unit, const complaint::v1::Satisfaction& s);

  ReportSources* sources_;
  Options options_;
};

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_REPORT_H_
