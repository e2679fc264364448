#include "lib/server/server.h"

#include <signal.h>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/server_interceptor.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lib/log/log.h"
#include "lib/metrics/metrics.h"
#include "lib/server/flags.h"
#include "lib/tenancy/tenancy.h"

namespace pelita {
namespace {

// Logs one line per finished call and counts it.
class CallLogInterceptor : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info, std::shared_ptr<CallStats> stats,
                     bool log)
      : method_(info->method() ? info->method() : ""), stats_(std::move(stats)), log_(log),
        start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      stats_->Begin();
      auto* md = methods->GetRecvInitialMetadata();
      if (md != nullptr) {
        auto it = md->find(kTenantMetadata);
        if (it != md->end()) tenant_.assign(it->second.data(), it->second.size());
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      stats_->Record(method_, status.error_code());
      metrics::RecordRpc(method_, static_cast<int>(status.error_code()), absl::Now() - start_);
      if (log_) {
        LogInfo("rpc", {{"method", method_},
                        {"tenant", tenant_},
                        {"code", absl::StrCat(static_cast<int>(status.error_code()))},
                        {"latency_ms", absl::StrCat(absl::ToDoubleMilliseconds(absl::Now() - start_))},
                        {"error", status.ok() ? "" : status.error_message().substr(0, 300)}});
      }
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::string tenant_;
  std::shared_ptr<CallStats> stats_;
  bool log_;
  absl::Time start_;
};

class CallLogFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallLogFactory(std::shared_ptr<CallStats> stats, bool log) : stats_(std::move(stats)), log_(log) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallLogInterceptor(info, stats_, log_);
  }

 private:
  std::shared_ptr<CallStats> stats_;
  bool log_;
};

}  // namespace

void CallStats::Record(const std::string& method, grpc::StatusCode code) {
  in_flight_.fetch_sub(1);
  absl::MutexLock lock(&mu_);
  ++counts_[{method, static_cast<int>(code)}];
}

int64_t CallStats::Count(const std::string& method, grpc::StatusCode code) const {
  absl::MutexLock lock(&mu_);
  auto it = counts_.find(std::make_pair(method, static_cast<int>(code)));
  return it == counts_.end() ? 0 : it->second;
}

int64_t CallStats::Total() const {
  absl::MutexLock lock(&mu_);
  int64_t total = 0;
  for (const auto& [key, n] : counts_) total += n;
  return total;
}

Server::Server(ServerOptions options, std::vector<grpc::Service*> services, redis::Client* redis)
    : options_(std::move(options)), services_(std::move(services)), redis_(redis),
      stats_(std::make_shared<CallStats>()) {}

Server::~Server() { Shutdown(absl::ZeroDuration()); }

int Server::metrics_port() const { return metrics_ ? metrics_->port() : 0; }

absl::Status Server::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen, grpc::InsecureServerCredentials(), &port_);
  // gRPC shares a port between processes by default (SO_REUSEPORT); a second
  // process given a port that is already taken must fail to start instead of
  // silently receiving half of the other one's connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  // Connections are recycled now and then (after in-flight calls finish), so
  // that clients spread their calls over replicas that were added later.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 5 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 60 * 1000);
  const std::string metrics_listen =
      options_.metrics_listen.empty() ? absl::GetFlag(FLAGS_metrics_listen) : options_.metrics_listen;
  if (!metrics_listen.empty()) {
    auto endpoint = metrics::Endpoint::Start(metrics_listen);
    if (!endpoint.ok()) return endpoint.status();
    metrics_ = std::move(*endpoint);
    LogInfo("metrics", {{"service", options_.name},
                        {"address", absl::StrCat(metrics_listen.substr(0, metrics_listen.rfind(':')), ":",
                                                 metrics_->port())}});
  }
  if (redis_ != nullptr) pool_metrics_ = std::make_unique<metrics::RedisPoolMetrics>(redis_, options_.name);
  for (grpc::Service* s : services_) builder.RegisterService(s);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<CallLogFactory>(stats_, options_.log_calls));
  builder.experimental().SetInterceptorCreators(std::move(creators));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(absl::StrCat(options_.name, ": cannot listen on ", options_.listen));
  }
  CheckHealthNow();
  health_thread_ = std::thread([this] { HealthLoop(); });
  LogInfo("listening", {{"service", options_.name}, {"address", address()}});
  return absl::OkStatus();
}

std::string Server::address() const {
  std::string host = options_.listen.substr(0, options_.listen.rfind(':'));
  if (host == "0.0.0.0" || host == "[::]" || host.empty()) host = "127.0.0.1";
  return absl::StrCat(host, ":", port_);
}

void Server::CheckHealthNow() {
  if (server_ == nullptr) return;
  bool ok = redis_ == nullptr || redis_->Ping().ok();
  if (pool_metrics_) pool_metrics_->Update();
  bool was = serving_.exchange(ok);
  if (was != ok) {
    LogInfo(ok ? "serving" : "not serving", {{"service", options_.name}});
  }
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(kLivenessService, true);
  health->SetServingStatus("", ok);
  for (const std::string& service : options_.health_services) health->SetServingStatus(service, ok);
}

void Server::HealthLoop() {
  while (!stop_health_.WaitForNotificationWithTimeout(options_.health_interval)) {
    CheckHealthNow();
  }
}

void Server::Shutdown(absl::Duration drain) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  stop_health_.Notify();
  if (health_thread_.joinable()) health_thread_.join();
  // Report NOT_SERVING first so that load balancers stop sending new calls.
  server_->GetHealthCheckService()->Shutdown();
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(drain));
  server_->Wait();
  LogInfo("stopped", {{"service", options_.name}});
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

absl::StatusOr<std::unique_ptr<Server>> StartLocalServer(const std::string& name,
                                                         std::vector<grpc::Service*> services,
                                                         redis::Client* redis) {
  ServerOptions options;
  options.name = name;
  options.log_calls = false;
  auto server = std::make_unique<Server>(options, std::move(services), redis);
  if (absl::Status s = server->Start(); !s.ok()) return s;
  return server;
}

int RunServer(Server& server, absl::Duration drain) {
  if (absl::Status s = server.Start(); !s.ok()) {
    LogError("cannot start", {{"error", std::string(s.message())}});
    return 1;
  }
  int sig = WaitForTerminationSignal();
  LogInfo("draining", {{"signal", absl::StrCat(sig)},
                       {"deadline_s", absl::StrCat(absl::ToDoubleSeconds(drain))}});
  server.Shutdown(drain);
  return 0;
}

}  // namespace pelita
