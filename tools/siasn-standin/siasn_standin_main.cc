// pelita-siasn-standin: the SIASN stand-in of lib/siasn/standin.h as a
// program, for tests that drive the whole platform (the browser test's SIASN
// journey) and for trying the integration page by hand.  It is no SIASN: it
// serves the paths and fields Pelita uses from a JSON fixture, checks both
// tokens, and stores what kursus/save and upload-dok-rw send, in memory.
//
//   pelita-siasn-standin --fixture employees.json
// prints "siasn-standin listening on http://127.0.0.1:PORT" and the
// credentials it accepts, then serves until SIGTERM or SIGINT.
//
// The fixture: {"employees": {"<nip>": {"dataUtama": {...}, "rwKursus": [...],
// "rwDiklat": [...], "rwSkp22": [...]}}}, each part as SIASN sends it.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "lib/siasn/standin.h"

ABSL_FLAG(std::string, fixture, "", "JSON file of the employees to serve (see the file's header)");
ABSL_FLAG(std::string, consumer_key, "standin-key", "API gateway consumer key accepted");
ABSL_FLAG(std::string, consumer_secret, "standin-secret", "API gateway consumer secret accepted");
ABSL_FLAG(std::string, sso_client_id, "pelita", "SSO client id accepted");
ABSL_FLAG(std::string, username, "bkpsdm1504", "SSO user accepted");
ABSL_FLAG(std::string, password, "standin-password", "SSO password accepted");

int main(int argc, char** argv) {
  // Wait for the stop signals with sigwait, so block them before any thread.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  absl::ParseCommandLine(argc, argv);

  pelita::siasn::StandinOptions options;
  options.consumer_key = absl::GetFlag(FLAGS_consumer_key);
  options.consumer_secret = absl::GetFlag(FLAGS_consumer_secret);
  options.sso_client_id = absl::GetFlag(FLAGS_sso_client_id);
  options.username = absl::GetFlag(FLAGS_username);
  options.password = absl::GetFlag(FLAGS_password);
  pelita::siasn::SiasnStandin standin(options);

  int employees = 0;
  if (const std::string path = absl::GetFlag(FLAGS_fixture); !path.empty()) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json fixture = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!in || fixture.is_discarded() || !fixture.is_object() || !fixture.contains("employees") ||
        !fixture["employees"].is_object()) {
      std::cerr << "siasn-standin: " << path << " is not a fixture ({\"employees\": {...}})\n";
      return 2;
    }
    for (const auto& [nip, e] : fixture["employees"].items()) {
      if (!e.is_object()) continue;
      if (e.contains("dataUtama")) standin.PutDataUtama(nip, e["dataUtama"]);
      standin.PutRwKursus(nip, e.value("rwKursus", nlohmann::json::array()));
      standin.PutRwDiklat(nip, e.value("rwDiklat", nlohmann::json::array()));
      standin.PutRwSkp22(nip, e.value("rwSkp22", nlohmann::json::array()));
      ++employees;
    }
  }
  if (absl::Status s = standin.Start(); !s.ok()) {
    std::cerr << "siasn-standin: " << s << "\n";
    return 1;
  }
  std::cout << "siasn-standin listening on " << standin.url() << " (" << employees << " employees; consumer "
            << options.consumer_key << ", SSO client " << options.sso_client_id << ", user " << options.username
            << ")" << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  standin.Stop();
  return 0;
}
