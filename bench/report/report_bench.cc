// Times the report service's rendering, with no network in the way:
//   build/bench/report/report_bench [--reports=21] [--certificates=1000]
// prints the median of --reports renderings of a cohort's Laporan Evaluasi
// (PDF and XLSX) with its size, the time and size of one PDF of
// --certificates certificates, and the process's peak RSS after each step
// (getrusage).  Results and their reproduce command: docs/BENCHMARKS.md.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "services/report/certificate.h"
#include "services/report/evaluation_report.h"
#include "services/report/sample_evaluation.h"

ABSL_FLAG(int, reports, 21, "Renderings of the evaluation report (the median is printed)");
ABSL_FLAG(int, certificates, 1000, "Certificates in the batch PDF");

namespace {

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace pelita::report;
  const auto evaluation = testing::SampleEvaluation();
  ReportContext c;
  c.tenant_name = "Kabupaten Batang Hari";
  c.cohort_title = "Angkatan I";
  c.period = "2 Maret 2026 – 6 Maret 2026";
  c.generated = absl::Now();
  c.zone = absl::FixedTimeZone(7 * 3600);

  std::vector<double> pdf_ms, xlsx_ms;
  size_t pdf_bytes = 0, xlsx_bytes = 0;
  for (int i = 0; i < absl::GetFlag(FLAGS_reports); ++i) {
    absl::Time t0 = absl::Now();
    auto pdf = RenderEvaluationPdf(evaluation, c);
    pdf_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    if (!pdf.ok()) return std::fprintf(stderr, "%s\n", pdf.status().ToString().c_str()), 1;
    pdf_bytes = pdf->size();
    t0 = absl::Now();
    auto xlsx = RenderEvaluationXlsx(evaluation, c, "/tmp");
    xlsx_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    if (!xlsx.ok()) return std::fprintf(stderr, "%s\n", xlsx.status().ToString().c_str()), 1;
    xlsx_bytes = xlsx->size();
  }
  std::printf("evaluation report PDF: median %.1f ms over %zu, %zu bytes\n", Median(pdf_ms), pdf_ms.size(),
              pdf_bytes);
  std::printf("evaluation report XLSX: median %.1f ms over %zu, %zu bytes\n", Median(xlsx_ms), xlsx_ms.size(),
              xlsx_bytes);
  std::printf("peak RSS after the reports: %ld KiB\n", PeakRssKb());

  std::vector<CertificateData> certs;
  const int n = absl::GetFlag(FLAGS_certificates);
  for (int i = 0; i < n; ++i) {
    CertificateData d;
    d.tenant_name = "Kabupaten Batang Hari";
    d.holder_name = absl::StrCat("Pegawai Negeri Sipil Nomor ", i + 1, ", S.Sos.");
    d.nip = absl::StrFormat("1985031520100110%02d", i % 100);
    d.program_title = "Administrasi Perkantoran Modern";
    d.cohort_title = "Angkatan I";
    d.jp = 32;
    d.has_dates = true;
    d.start = absl::CivilDay(2026, 3, 2);
    d.end = absl::CivilDay(2026, 3, 6);
    d.completed = absl::CivilDay(2026, 3, 10);
    d.certificate_number = absl::StrFormat("BKPSDM-BH/2026/%04d", i + 1);
    d.signatory_title = "Kepala BKPSDM Kabupaten Batang Hari";
    d.signatory_name = "Drs. H. Ahmad Fauzi, M.Si.";
    d.verify_link = VerificationLink("https://pelita.batanghari.go.id/verifikasi",
                                     absl::StrCat("tenants/1504/programs/adm-2026/cohorts/angkatan-1/enrolments/",
                                                  d.nip),
                                     d.certificate_number);
    certs.push_back(std::move(d));
  }
  const absl::Time t0 = absl::Now();
  auto batch = RenderCertificates(certs, "Sertifikat");
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
  if (!batch.ok()) return std::fprintf(stderr, "%s\n", batch.status().ToString().c_str()), 1;
  std::printf("%d certificates in one PDF: %.0f ms (%.2f ms each), %zu bytes\n", n, ms, ms / std::max(1, n),
              batch->size());
  std::printf("peak RSS after the certificates: %ld KiB\n", PeakRssKb());
  return 0;
}
