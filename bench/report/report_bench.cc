// Times the report service's rendering, with no network in the way:
//   build/bench/report/report_bench [--reports=21] [--certificates=1000] [--stream_certificates]
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
#include "services/report/report.h"
#include "services/report/sample_evaluation.h"

ABSL_FLAG(int, reports, 21, "Renderings of the evaluation report (the median is printed)");
ABSL_FLAG(int, certificates, 1000, "Certificates in the batch PDF");
ABSL_FLAG(bool, stream_certificates, false,
          "Render the batch as the service streams it (1 MiB pieces, dropped) instead of into one string");
ABSL_FLAG(int, export_responses, 0,
          "Instead of the above: export this many responses (12 items each) as a workbook and print the time, "
          "the size and the peak RSS");

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

// Responses made up page by page, as the survey service would page them:
// the export's memory is the process's, nothing is held here.
class GeneratedResponses : public pelita::report::ReportSources {
 public:
  explicit GeneratedResponses(int n) : n_(n) {
    instrument_.set_name("tenants/1504/instruments/reaksi-peserta");
    for (int i = 0; i < 11; ++i) instrument_.add_items()->set_code(absl::StrCat("Q", i + 1));
    instrument_.add_items()->set_code("SARAN");
  }
  absl::StatusOr<pelita::survey::v1::Instrument> GetInstrument(const pelita::Caller&, const std::string&) override {
    return instrument_;
  }
  absl::StatusOr<pelita::survey::v1::ListCohortResponsesResponse> ListCohortResponses(
      const pelita::Caller&, const pelita::survey::v1::ListCohortResponsesRequest& r) override {
    const int start = r.page_token().empty() ? 0 : std::stoi(r.page_token());
    pelita::survey::v1::ListCohortResponsesResponse out;
    for (int i = start; i < n_ && i < start + r.page_size(); ++i) {
      auto* resp = out.add_responses();
      resp->set_instrument_version(1);
      resp->set_unit("tenants/1504/units/dinkes");
      resp->mutable_submit_time()->set_seconds(1773100000 + i);
      for (int q = 0; q < 11; ++q) {
        auto* a = resp->add_answers();
        a->set_item(absl::StrCat("Q", q + 1));
        a->set_number(1 + (i + q) % 4);
      }
      auto* t = resp->add_answers();
      t->set_item("SARAN");
      t->set_text(absl::StrCat("Pelayanan loket ", i % 97, " perlu antrean yang lebih tertib"));
    }
    if (start + r.page_size() < n_) out.set_next_page_token(absl::StrCat(start + r.page_size()));
    return out;
  }
  // Not used by the export (which reads the instrument, the pages and the
  // tenant, below).
  absl::StatusOr<pelita::scoring::v1::Evaluation> GetEvaluation(const pelita::Caller&, const std::string&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::enrolment::v1::Cohort> GetCohort(const pelita::Caller&, const std::string&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::enrolment::v1::Program> GetProgram(const pelita::Caller&, const std::string&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::enrolment::v1::Enrolment> GetEnrolment(const pelita::Caller&, const std::string&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::enrolment::v1::Employee> GetEmployee(const pelita::Caller&, const std::string&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<pelita::enrolment::v1::Enrolment>> ListEnrolments(const pelita::Caller&,
                                                                               const std::string&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<pelita::enrolment::v1::Cohort>> ListCohorts(const pelita::Caller&,
                                                                         const std::string&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::scoring::v1::RollUpEvaluationsResponse> RollUpEvaluations(
      const pelita::Caller&, const pelita::scoring::v1::RollUpEvaluationsRequest&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::complaint::v1::Satisfaction> GetSatisfaction(
      const pelita::Caller&, const pelita::complaint::v1::GetSatisfactionRequest&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::survey::v1::SkmAggregates> GetSkmAggregates(
      const pelita::Caller&, const pelita::survey::v1::GetSkmAggregatesRequest&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::enrolment::v1::Unit> GetUnit(const pelita::Caller&, const std::string&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<pelita::enrolment::v1::Unit>> ListUnits(const pelita::Caller&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<pelita::tenant::v1::Tenant> GetTenant(const std::string& code) override {
    pelita::tenant::v1::Tenant t;
    t.set_name("tenants/" + code);
    t.set_time_zone("Asia/Jakarta");
    return t;
  }

 private:
  int n_;
  pelita::survey::v1::Instrument instrument_;
};

int Export(int n) {
  GeneratedResponses sources(n);
  pelita::report::ReportLogic logic(&sources, pelita::report::ReportLogic::Options());
  pelita::report::v1::ExportResponsesRequest req;
  req.set_parent("tenants/1504/programs/p/cohorts/c");
  req.set_instrument("tenants/1504/instruments/reaksi-peserta");
  size_t bytes = 0, pieces = 0;
  const long before = PeakRssKb();
  const absl::Time t0 = absl::Now();
  absl::Status s = logic.ExportResponses(pelita::Caller{"1504", "organiser", "bench"}, req,
                                         [&](const pelita::type::v1::HttpBody& b) {
                                           bytes += b.data().size();
                                           ++pieces;
                                           return true;
                                         });
  if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  std::printf("export of %d responses: %.0f ms, %zu bytes in %zu pieces; peak RSS %ld KiB (%ld KiB before)\n", n,
              absl::ToDoubleMilliseconds(absl::Now() - t0), bytes, pieces, PeakRssKb(), before);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_export_responses) > 0) return Export(absl::GetFlag(FLAGS_export_responses));
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
  size_t bytes = 0;
  int pieces = 0;
  if (absl::GetFlag(FLAGS_stream_certificates)) {
    // As the service sends them: 1 MiB pieces handed over while the pages
    // are drawn (and here dropped), never the whole file.
    absl::Status s = StreamCertificates(certs, "Sertifikat", 1 << 20, [&](std::string piece) {
      bytes += piece.size();
      ++pieces;
      return true;
    });
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  } else {
    auto batch = RenderCertificates(certs, "Sertifikat");
    if (!batch.ok()) return std::fprintf(stderr, "%s\n", batch.status().ToString().c_str()), 1;
    bytes = batch->size();
    pieces = 1;
  }
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
  std::printf("%d certificates in one PDF%s: %.0f ms (%.2f ms each), %zu bytes in %d piece(s)\n", n,
              absl::GetFlag(FLAGS_stream_certificates) ? " (streamed)" : "", ms, ms / std::max(1, n), bytes, pieces);
  std::printf("peak RSS after the certificates: %ld KiB\n", PeakRssKb());
  return 0;
}
