// pelita-gateway-token: issues a development token.
//
//   pelita-gateway-token --key_file var/gateway/dev-hs256.key
//     --tenant 1504 --role organiser --subject 198001012005011001 [--ttl 8h]
//
// Prints the JWT; use it as `Authorization: Bearer <token>`.

#include <iostream>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "gateway/auth.h"

ABSL_FLAG(std::string, key_file, "", "HS256 secret, or RS256 private key PEM with --alg RS256");
ABSL_FLAG(std::string, alg, "HS256", "HS256 or RS256");
ABSL_FLAG(std::string, tenant, "1504", "tenant code (a province role may give its 2-digit code)");
ABSL_FLAG(std::string, role, "organiser",
          "admin, organiser, instructor, participant, supervisor, agency_head, province, "
          "national_integrator");
ABSL_FLAG(std::string, subject, "dev", "sub: the user (a NIP for participants)");
ABSL_FLAG(std::string, unit, "", "an agency head's unit: tenants/{t}/units/{u}");
ABSL_FLAG(std::vector<std::string>, cohorts, {}, "an instructor's cohorts, comma-separated resource names");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(8), "validity");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (!pelita::gateway::IsKnownRole(absl::GetFlag(FLAGS_role))) {
    std::cerr << "unknown role " << absl::GetFlag(FLAGS_role) << "\n";
    return 2;
  }
  auto key = pelita::gateway::ReadFile(absl::GetFlag(FLAGS_key_file));
  if (!key.ok()) {
    std::cerr << key.status().message() << "\n";
    return 2;
  }
  std::string k = *key;
  if (absl::GetFlag(FLAGS_alg) == "HS256") {
    while (!k.empty() && (k.back() == '\n' || k.back() == '\r')) k.pop_back();
  }
  pelita::gateway::Claims c;
  c.tenant = absl::GetFlag(FLAGS_tenant);
  c.role = absl::GetFlag(FLAGS_role);
  c.subject = absl::GetFlag(FLAGS_subject);
  c.unit = absl::GetFlag(FLAGS_unit);
  c.cohorts = absl::GetFlag(FLAGS_cohorts);
  c.expiry = absl::ToUnixSeconds(absl::Now() + absl::GetFlag(FLAGS_ttl));
  auto token = pelita::gateway::IssueToken(c, absl::GetFlag(FLAGS_alg), k);
  if (!token.ok()) {
    std::cerr << token.status().message() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}
