#include "services/report/certificate.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/report/pdf.h"
#include "services/report/qr.h"
#include "services/report/text.h"

namespace pelita::report {
namespace {

std::string PercentEncode(absl::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

absl::Status DrawCertificate(PdfDocument& pdf, const CertificateData& d) {
  const double w = pdf.page_width(), h = pdf.page_height();
  pdf.Frame(24, 2.5);
  pdf.Frame(30, 0.6);
  const double x = 70, tw = w - 140;
  double y = 62;
  y += pdf.TextAt(x, y, tw, absl::StrCat("PEMERINTAH ", absl::AsciiStrToUpper(d.tenant_name)), 12, true, 1) + 2;
  y += pdf.TextAt(x, y, tw, "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", 10, false, 1) + 22;
  y += pdf.TextAt(x, y, tw, "SERTIFIKAT", 34, true, 1, true) + 2;
  y += pdf.TextAt(x, y, tw, absl::StrCat("Nomor: ", d.certificate_number), 11, false, 1) + 22;
  y += pdf.TextAt(x, y, tw, "diberikan kepada", 11, false, 1) + 6;
  y += pdf.TextAt(x, y, tw, d.holder_name, 24, true, 1, true) + 2;
  y += pdf.TextAt(x, y, tw, absl::StrCat("NIP ", d.nip), 11, false, 1) + 16;
  std::string what = absl::StrCat("yang telah menyelesaikan pelatihan\n", d.program_title);
  y += pdf.TextAt(x, y, tw, what, 13, false, 1) + 6;
  std::string when = absl::StrCat(d.cohort_title.empty() ? "" : absl::StrCat(d.cohort_title, ", "),
                                  d.jp > 0 ? absl::StrCat(d.jp, " jam pelajaran (JP)") : "");
  if (d.has_dates) {
    absl::StrAppend(&when, when.empty() ? "" : ", ", FormatDate(d.start), " – ", FormatDate(d.end));
  }
  if (!when.empty()) pdf.TextAt(x, y, tw, when, 11, false, 1);

  // The signature block (right) and the QR code (left), at the bottom.
  const double sx = w - 70 - 260, sy = h - 190;
  pdf.TextAt(sx, sy, 260, absl::StrCat(d.tenant_name.empty() ? "" : d.tenant_name, ", ", FormatDate(d.completed)),
             10, false, 1);
  pdf.TextAt(sx, sy + 16, 260,
             d.signatory_title.empty() ? absl::StrCat("Kepala BKPSDM ", d.tenant_name) : d.signatory_title, 10, false,
             1);
  pdf.Rule(sx + 30, sy + 92, 200, 0.6);
  if (!d.signatory_name.empty()) pdf.TextAt(sx, sy + 96, 260, d.signatory_name, 10, true, 1);
  if (!d.signatory_nip.empty()) pdf.TextAt(sx, sy + 110, 260, absl::StrCat("NIP ", d.signatory_nip), 9, false, 1);

  auto qr = EncodeQr(d.verify_link);
  if (!qr.ok()) return qr.status();
  const double side = 96, qx = 70, qy = h - 190;
  pdf.Matrix(qx, qy, side, qr->size, qr->modules);
  pdf.TextAt(qx + side + 10, qy + 20, 200,
             "Pindai kode ini untuk memeriksa keaslian sertifikat di halaman verifikasi Pelita.", 8, false, 0);
  return absl::OkStatus();
}

}  // namespace

std::string VerificationLink(absl::string_view base, absl::string_view enrolment, absl::string_view number) {
  return absl::StrCat(base, "#e=", PercentEncode(enrolment), "&n=", PercentEncode(number));
}

namespace {

absl::StatusOr<std::string> Render(const std::vector<CertificateData>& certificates, absl::string_view title,
                                   size_t piece_bytes, std::function<bool(std::string)> sink) {
  PdfDocument::Options o;
  o.landscape = true;
  o.page_numbers = false;
  o.title = std::string(title);
  o.sink = std::move(sink);
  o.piece_bytes = piece_bytes;
  PdfDocument pdf(o);
  for (size_t i = 0; i < certificates.size(); ++i) {
    if (i > 0) pdf.NewPage();
    if (auto s = DrawCertificate(pdf, certificates[i]); !s.ok()) return s;
  }
  return pdf.Finish();
}

}  // namespace

absl::StatusOr<std::string> RenderCertificates(const std::vector<CertificateData>& certificates,
                                               absl::string_view title) {
  return Render(certificates, title, 0, nullptr);
}

absl::Status StreamCertificates(const std::vector<CertificateData>& certificates, absl::string_view title,
                                size_t piece_bytes, std::function<bool(std::string piece)> sink) {
  return Render(certificates, title, piece_bytes, std::move(sink)).status();
}

}  // namespace pelita::report
