// pelita-report: the documents to take away (issue 17) — the Laporan
// Evaluasi Pelatihan as PDF and XLSX, certificates with a verifiable QR
// code.  Wiring only; see report.h.

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/log/log.h"
#include "lib/server/channel.h"
#include "lib/server/flags.h"
#include "lib/server/server.h"
#include "services/report/grpc_service.h"
#include "services/report/grpc_sources.h"
#include "services/report/report.h"
#include "services/tenant/client/registry_client.h"
#include "services/tenant/client/registry_flags.h"

ABSL_FLAG(std::string, enrolment, pelita::EnvOr("PELITA_ENROLMENT", std::string("127.0.0.1:50051")),
          "Enrolment service address host:port (env PELITA_ENROLMENT)");
ABSL_FLAG(std::string, scoring, pelita::EnvOr("PELITA_SCORING", std::string("127.0.0.1:50054")),
          "Scoring service address host:port (env PELITA_SCORING)");
ABSL_FLAG(std::string, complaint, pelita::EnvOr("PELITA_COMPLAINT", std::string("127.0.0.1:50053")),
          "Complaint service address host:port, for the units' IKM (env PELITA_COMPLAINT)");
ABSL_FLAG(std::string, survey, pelita::EnvOr("PELITA_SURVEY", std::string("127.0.0.1:50052")),
          "Survey service address host:port, for response exports (env PELITA_SURVEY)");
ABSL_FLAG(std::string, verify_url,
          pelita::EnvOr("PELITA_VERIFY_URL", std::string("http://127.0.0.1:8080/verifikasi")),
          "The web application's certificate verification page, linked from every certificate's QR code "
          "(env PELITA_VERIFY_URL)");
ABSL_FLAG(std::string, tmp_dir, pelita::EnvOr("PELITA_REPORT_TMP", std::string("/tmp")),
          "Where workbooks are assembled (env PELITA_REPORT_TMP)");
ABSL_FLAG(bool, log_calls, true, "Log one line per call");

int main(int argc, char** argv) {
  pelita::BlockTerminationSignals();
  absl::ParseCommandLine(argc, argv);
  auto redis_options = pelita::RedisOptionsFromFlags();
  if (!redis_options.ok()) return 2;
  pelita::redis::Client redis(*redis_options);

  std::unique_ptr<pelita::tenant::RegistryClient> registry = pelita::tenant::StartRegistryFromFlags(&redis);
  pelita::report::GrpcReportSources sources(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)),
                                            pelita::ServiceChannel(absl::GetFlag(FLAGS_scoring)),
                                            pelita::ServiceChannel(absl::GetFlag(FLAGS_complaint)),
                                            pelita::ServiceChannel(absl::GetFlag(FLAGS_survey)), registry.get());
  pelita::report::ReportLogic::Options logic_options;
  logic_options.verify_url = absl::GetFlag(FLAGS_verify_url);
  logic_options.tmp_dir = absl::GetFlag(FLAGS_tmp_dir);
  pelita::report::ReportLogic logic(&sources, logic_options);
  pelita::report::ReportGrpcService service(&logic);

  pelita::ServerOptions options = pelita::ServerOptionsFromFlags(
      "report", "0.0.0.0:50058", {pelita::report::v1::ReportService::service_full_name()});
  options.log_calls = absl::GetFlag(FLAGS_log_calls);
  pelita::Server server(options, {&service}, &redis);
  const int rc = pelita::RunServerFromFlags(server);
  registry->Stop();
  return rc;
}
