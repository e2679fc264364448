#include "tests/fault/platform.h"

#include <signal.h>

#include <fstream>

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/http_client.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/tenant/seed.h"

namespace pelita::fault {

absl::StatusOr<std::unique_ptr<Platform>> Platform::Start(const Options& options) {
  std::unique_ptr<Platform> p(new Platform);
  auto dir = testing::MakeTempDir("pelita-fault");
  if (!dir.ok()) return dir.status();
  p->dir_ = *dir;
  auto redis = testing::RedisServer::Start();
  if (!redis.ok()) return redis.status();
  p->redis_ = std::move(*redis);
  const std::string bin = testing::BinDir();
  // Every service listens on port 0 and says in its log which port it got:
  // a port picked by the test and bound later could be taken in between by
  // another test running at the same time.  So the services start in the
  // order of their dependencies, each told the addresses it needs.
  auto common = [&](const std::string& name) {
    return std::vector<std::string>{absl::StrCat(bin, "/services/", name, "/pelita-", name),
                                    "--listen", "127.0.0.1:0", "--redis", p->redis_->address(),
                                    "--drain_seconds", "1", "--health_interval_ms", "100"};
  };
  // The tenant registry first, seeded with Jambi: the others serve its tenants.
  p->services_["tenant"].argv = common("tenant");
  if (absl::Status s = p->LaunchAndServe({"tenant"}); !s.ok()) return s;
  if (auto seeded = tenant::SeedJambiTenants(p->address("tenant")); !seeded.ok()) return seeded.status();
  auto with_registry = [&](const std::string& name) {
    auto argv = common(name);
    argv.insert(argv.end(), {"--registry", p->address("tenant")});
    return argv;
  };
  p->services_["enrolment"].argv = with_registry("enrolment");
  if (absl::Status s = p->LaunchAndServe({"enrolment"}); !s.ok()) return s;
  p->services_["survey"].argv = with_registry("survey");
  for (const auto& a : std::vector<std::string>{"--enrolment", p->address("enrolment"), "--log_calls=false"}) {
    p->services_["survey"].argv.push_back(a);
  }
  for (const auto& f : options.survey_flags) p->services_["survey"].argv.push_back(f);
  p->services_["performance"].argv = with_registry("performance");
  for (const auto& a : std::vector<std::string>{"--enrolment", p->address("enrolment"), "--log_calls=false"}) {
    p->services_["performance"].argv.push_back(a);
  }
  if (absl::Status s = p->LaunchAndServe({"survey", "performance"}); !s.ok()) return s;
  p->services_["complaint"].argv = with_registry("complaint");
  for (const auto& a : std::vector<std::string>{"--enrolment", p->address("enrolment"), "--survey",
                                                p->address("survey")}) {
    p->services_["complaint"].argv.push_back(a);
  }
  if (absl::Status s = p->LaunchAndServe({"complaint"}); !s.ok()) return s;
  if (options.integration) {
    // The report service renders the certificates the pushes upload; it
    // reads no scoring figures for them (an address nothing listens on).
    p->services_["report"].argv = with_registry("report");
    for (const auto& a : std::vector<std::string>{"--enrolment", p->address("enrolment"), "--survey", p->address("survey"),
                                                  "--complaint", p->address("complaint"), "--scoring", "127.0.0.1:9",
                                                  "--tmp_dir", p->dir_, "--log_calls=false"}) {
      p->services_["report"].argv.push_back(a);
    }
    if (absl::Status s = p->LaunchAndServe({"report"}); !s.ok()) return s;
    p->services_["integration"].argv = with_registry("integration");
    for (const auto& a : std::vector<std::string>{
             "--enrolment", p->address("enrolment"), "--performance", p->address("performance"), "--report",
             p->address("report"), "--siasn_secrets_dir", p->dir_ + "/siasn", "--push_poll_ms", "20",
             "--push_lease_seconds", absl::StrCat(options.push_lease_seconds), "--siasn_timeout_seconds", "2",
             "--log_calls=false"}) {
      p->services_["integration"].argv.push_back(a);
    }
    if (absl::Status s = p->LaunchAndServe({"integration"}); !s.ok()) return s;
  }
  if (!options.gateway) return p;

  p->key_file_ = p->dir_ + "/jwt.key";
  std::ofstream(p->key_file_) << "fault-test-secret-of-enough-length-0123456789";
  auto port = testing::FreePort();
  if (!port.ok()) return port.status();
  p->gateway_port_ = *port;
  std::vector<std::string> argv = {
      bin + "/gateway/pelita-gateway", "--http_listen", absl::StrCat("127.0.0.1:", p->gateway_port_),
      "--backends",
      absl::StrCat("enrolment=", p->address("enrolment"), ",survey=", p->address("survey"),
                   ",complaint=", p->address("complaint")),
      "--jwt_hs256_key_file", p->key_file_, "--redis", p->redis_->address(), "--rate_limit=false",
      "--log_requests=false"};
  for (const auto& f : options.gateway_flags) argv.push_back(f);
  if (absl::Status s = p->gateway_.Start(argv, p->dir_ + "/gateway.log"); !s.ok()) return s;
  gateway::HttpClient probe(p->gateway_port_);
  if (!testing::WaitFor([&] { return probe.Request("GET", "/readyz").status == 200; }, absl::Seconds(30),
                        absl::Milliseconds(50))) {
    return absl::UnavailableError(absl::StrCat("the gateway never got ready; see ", p->dir_));
  }
  return p;
}

Platform::~Platform() {
  if (gateway_.running()) (void)gateway_.Stop(SIGKILL);
  for (auto& [name, s] : services_) {
    if (s.process->running()) (void)s.process->Stop(SIGKILL);
  }
  redis_.reset();
  if (!keep_logs_) testing::RemoveTree(dir_);
}

std::string Platform::address(const std::string& service) const {
  return absl::StrCat("127.0.0.1:", services_.at(service).port);
}

absl::Status Platform::Launch(const std::string& name) {
  Process& p = services_.at(name);
  p.process = std::make_unique<testing::Subprocess>();
  return p.process->Start(p.argv, absl::StrCat(dir_, "/", name, "-", ++p.starts, ".log"));
}

absl::Status Platform::LaunchAndServe(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (absl::Status s = Launch(name); !s.ok()) return s;
  }
  for (const std::string& name : names) {
    Process& p = services_.at(name);
    const std::string log = absl::StrCat(dir_, "/", name, "-", p.starts, ".log");
    int port = 0;
    const bool listening = testing::WaitFor(
        [&] {
          std::ifstream in(log);
          for (std::string line; std::getline(in, line);) {
            if (!absl::StrContains(line, "\"msg\":\"listening\"")) continue;
            const size_t at = line.find("\"address\":\"127.0.0.1:");
            if (at == std::string::npos) continue;
            const size_t from = at + std::string("\"address\":\"127.0.0.1:").size();
            if (absl::SimpleAtoi(line.substr(from, line.find('"', from) - from), &port) && port > 0) return true;
          }
          return p.process->Exited();
        },
        absl::Seconds(30), absl::Milliseconds(10));
    if (!listening || port == 0) {
      return absl::UnavailableError(absl::StrCat(name, " did not say where it listens; see ", log));
    }
    // A restart comes back on the same port.
    p.port = port;
    for (size_t i = 0; i + 1 < p.argv.size(); ++i) {
      if (p.argv[i] == "--listen") p.argv[i + 1] = address(name);
    }
  }
  for (const std::string& name : names) {
    if (absl::Status s = WaitServing(name, absl::Seconds(30)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Platform::Kill(const std::string& service) {
  auto r = services_.at(service).process->Stop(SIGKILL);
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::Status Platform::Restart(const std::string& service) {
  if (services_.at(service).process->running()) {
    if (absl::Status s = Kill(service); !s.ok()) return s;
  }
  // The port was just released by a killed process; another may grab it in
  // between, in which case the service fails to start and says so in its log.
  if (absl::Status s = Launch(service); !s.ok()) return s;
  return WaitServing(service, absl::Seconds(30));
}

bool Platform::Serving(const std::string& service) {
  auto channel = grpc::CreateChannel(address(service), grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(500)));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  return stub->Check(&ctx, req, &resp).ok() &&
         resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

absl::Status Platform::WaitServing(const std::string& service, absl::Duration timeout) {
  if (testing::WaitFor([&] { return Serving(service); }, timeout, absl::Milliseconds(20))) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(service, " did not serve within ", absl::FormatDuration(timeout),
                                             "; see ", dir_));
}

std::string Platform::Token(const std::string& tenant, const std::string& role,
                            const std::string& subject) {
  const std::string out = absl::StrCat(dir_, "/token-", tenant, "-", role, "-", subject);
  testing::Subprocess p;
  if (!p.Start({testing::BinDir() + "/gateway/pelita-gateway-token", "--key_file", key_file_, "--tenant",
                tenant, "--role", role, "--subject", subject},
               out)
           .ok()) {
    return "";
  }
  (void)p.Stop(0, absl::Seconds(10));
  std::ifstream in(out);
  std::string token;
  std::getline(in, token);
  return token;
}

}  // namespace pelita::fault
