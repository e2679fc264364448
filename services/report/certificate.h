#ifndef PELITA_SERVICES_REPORT_CERTIFICATE_H_
#define PELITA_SERVICES_REPORT_CERTIFICATE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

// The Sertifikat of a completed enrolment: one A4 landscape page with the
// holder, the programme, its JP and dates, the number, the signatory, and
// a QR code of the public verification link.
namespace pelita::report {

struct CertificateData {
  std::string tenant_name;   // "Kabupaten Batang Hari"
  std::string holder_name;
  std::string nip;
  std::string program_title;
  std::string cohort_title;
  int jp = 0;
  bool has_dates = false;
  absl::CivilDay start, end;
  absl::CivilDay completed;
  std::string certificate_number;
  std::string signatory_title;  // empty: "Kepala BKPSDM <tenant>"
  std::string signatory_name;
  std::string signatory_nip;
  // What the QR code holds (VerificationLink).
  std::string verify_link;
};

// The verification page's address for a certificate: `base` (the web
// application's /verifikasi page) with the enrolment and the number in the
// fragment, percent-encoded, so that they reach the page's script but no
// server log: `https://.../verifikasi#e=tenants%2F1504%2F...&n=BH-2026-0001`.
std::string VerificationLink(absl::string_view base, absl::string_view enrolment, absl::string_view number);

// Every certificate one page of one PDF, in the order given.
absl::StatusOr<std::string> RenderCertificates(const std::vector<CertificateData>& certificates,
                                               absl::string_view title);
// The same, handed to `sink` in pieces of at least `piece_bytes` while the
// pages are drawn (PdfDocument::Options::sink), so that a cohort's batch is
// never held whole; CANCELLED when `sink` returns false.
absl::Status StreamCertificates(const std::vector<CertificateData>& certificates, absl::string_view title,
                                size_t piece_bytes, std::function<bool(std::string piece)> sink);

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_CERTIFICATE_H_
