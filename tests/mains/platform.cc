#include "tests/mains/platform.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/http_client.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace pelita::mains {
namespace {

bool Healthy(const std::string& addr) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  auto stub =
      grpc::health::v1::Health::NewStub(grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(), args));
  return testing::WaitFor(
      [&] {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
        grpc::health::v1::HealthCheckRequest req;
        grpc::health::v1::HealthCheckResponse resp;
        return stub->Check(&ctx, req, &resp).ok() && resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
      },
      absl::Seconds(30), absl::Milliseconds(50));
}

// Whether the process's log says it listens (a refused first connection
// would put a gRPC channel into its reconnect backoff).
bool LogSays(const std::string& log, absl::string_view text) {
  return testing::WaitFor(
      [&] {
        std::ifstream in(log);
        std::stringstream all;
        all << in.rdbuf();
        return absl::StrContains(all.str(), text);
      },
      absl::Seconds(30), absl::Milliseconds(20));
}

}  // namespace

Platform::~Platform() {
  if (gateway_ != nullptr && gateway_->running()) (void)gateway_->Stop(SIGTERM, absl::Seconds(10));
  for (auto it = std::rbegin(kServices); it != std::rend(kServices); ++it) {
    auto p = processes_.find(*it);
    if (p != processes_.end() && p->second->running()) (void)p->second->Stop(SIGTERM, absl::Seconds(10));
  }
  if (!dir_.empty()) testing::RemoveTree(dir_);
}

absl::Status Platform::Reserve(const std::string& name) {
  auto port = testing::FreePort();
  if (!port.ok()) return port.status();
  address_[name] = absl::StrCat("127.0.0.1:", *port);
  auto mport = testing::FreePort();
  if (!mport.ok()) return mport.status();
  metrics_port_[name] = *mport;
  return absl::OkStatus();
}

absl::Status Platform::Start(const std::string& name, std::vector<std::string> extra) {
  std::vector<std::string> argv = {absl::StrCat(testing::BinDir(), "/services/", name, "/pelita-", name),
                                   "--listen",        address_[name],
                                   "--redis",         redis_->address(),
                                   "--drain_seconds", "1",
                                   "--metrics_listen", absl::StrCat("127.0.0.1:", metrics_port_[name])};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto p = std::make_unique<testing::Subprocess>();
  const std::string log = absl::StrCat(dir_, "/", name, ".log");
  if (auto s = p->Start(argv, log); !s.ok()) return s;
  processes_[name] = std::move(p);
  if (!LogSays(log, "\"msg\":\"listening\"") || !Healthy(address_[name])) {
    return absl::UnavailableError(absl::StrCat(name, " never became SERVING; see ", log));
  }
  return absl::OkStatus();
}

absl::Status Platform::StartGateway() {
  auto port = testing::FreePort();
  if (!port.ok()) return port.status();
  gateway_port_ = *port;
  hs256_key_ = "mains-test-hs256-key-0123456789abcdef0123456789";
  const std::string key_file = absl::StrCat(dir_, "/hs256.key");
  std::ofstream(key_file) << hs256_key_;
  std::string backends;
  for (const char* name : kServices) absl::StrAppend(&backends, backends.empty() ? "" : ",", name, "=", address_[name]);
  std::vector<std::string> argv = {absl::StrCat(testing::BinDir(), "/gateway/pelita-gateway"),
                                   "--http_listen", absl::StrCat("127.0.0.1:", gateway_port_),
                                   "--backends", backends,
                                   "--jwt_hs256_key_file", key_file,
                                   "--registry", address_["tenant"],
                                   "--redis", redis_->address(),
                                   // Tests send thousands of requests in seconds.
                                   "--rate_limit_rps", "100000", "--rate_limit_burst", "100000",
                                   "--log_requests=false", "--drain_seconds", "1"};
  gateway_ = std::make_unique<testing::Subprocess>();
  const std::string log = absl::StrCat(dir_, "/gateway.log");
  if (auto s = gateway_->Start(argv, log); !s.ok()) return s;
  const bool ready = testing::WaitFor(
      [&] {
        gateway::HttpClient http(gateway_port_);
        return http.Request("GET", "/readyz").status == 200;
      },
      absl::Seconds(30), absl::Milliseconds(50));
  if (!ready) return absl::UnavailableError(absl::StrCat("the gateway never became ready; see ", log));
  return absl::OkStatus();
}

absl::Status Platform::StartAll(bool gateway) {
  auto d = testing::MakeTempDir("mains");
  if (!d.ok()) return d.status();
  dir_ = *d;
  auto r = testing::RedisServer::Start();
  if (!r.ok()) return r.status();
  redis_ = std::move(*r);
  for (const char* name : kServices) {
    if (auto s = Reserve(name); !s.ok()) return s;
  }
  const std::string registry = address_["tenant"];
  const std::vector<std::pair<std::string, std::vector<std::string>>> order = {
      {"tenant", {}},
      {"enrolment", {"--registry", registry}},
      {"survey", {"--registry", registry, "--enrolment", address_["enrolment"], "--followup", address_["followup"]}},
      {"complaint", {"--registry", registry, "--enrolment", address_["enrolment"], "--survey", address_["survey"]}},
      {"scoring",
       {"--registry", registry, "--enrolment", address_["enrolment"], "--survey", address_["survey"], "--complaint",
        address_["complaint"], "--performance", address_["performance"]}},
      {"followup",
       {"--registry", registry, "--enrolment", address_["enrolment"], "--scoring", address_["scoring"],
        "--notify_sender", "log"}},
      {"identity", {"--registry", registry, "--enrolment", address_["enrolment"]}},
      {"performance", {"--registry", registry, "--enrolment", address_["enrolment"]}},
      {"integration", {"--registry", registry, "--enrolment", address_["enrolment"], "--performance",
                       address_["performance"], "--siasn_secrets_dir", dir_ + "/siasn"}},
  };
  for (const auto& [name, flags] : order) {
    if (auto s = Start(name, flags); !s.ok()) return s;
  }
  return gateway ? StartGateway() : absl::OkStatus();
}

std::shared_ptr<grpc::Channel> Platform::Channel(const std::string& name) {
  return grpc::CreateChannel(address_[name], grpc::InsecureChannelCredentials());
}

}  // namespace pelita::mains
