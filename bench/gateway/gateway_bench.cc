// gateway_bench: GetUnit through the gateway (HTTP/JSON, JWT, rate limit,
// transcoding, gRPC) against the same RPC called directly over gRPC, in one
// run, on one machine: a private redis-server, the enrolment service and the
// gateway in this process (as in the tests).
//
//   build/bench/gateway/gateway_bench [--requests 20000] [--clients 4]
//       [--seconds 5] [--lease 1] [--gateway_threads 2]
//       [--service_binary build/services/enrolment/pelita-enrolment]
//
// Latency: one closed-loop client, the paths interleaved in rounds of 1000
// requests so that all see the same machine state; p50/p99.  Besides direct
// gRPC and REST via the gateway: GET /healthz (the HTTP hop alone) and a
// blocking forwarder with no gateway logic (the floor for any HTTP-to-gRPC
// proxy here).
// Throughput: --clients closed-loop clients per path for --seconds each.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gateway/gateway.h"
#include "gateway/http_client.h"
#include "lib/log/log.h"
#include "lib/server/server.h"
#include "lib/tenancy/tenancy.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"

ABSL_FLAG(int, requests, 20000, "latency samples per path");
ABSL_FLAG(int, clients, 4, "concurrent clients per path for throughput");
ABSL_FLAG(int, seconds, 5, "throughput run per path");
ABSL_FLAG(int, gateway_threads, 2, "gateway HTTP I/O threads");
ABSL_FLAG(int, lease, 1, "rate-limit tokens taken from Redis at once (1 = one EVALSHA per request)");
ABSL_FLAG(std::string, service_binary, "",
          "run this pelita-enrolment binary as its own process (as deployed) instead of the "
          "service in the bench's process");

namespace {

using pelita::enrolment::v1::EnrolmentService;
using pelita::enrolment::v1::GetUnitRequest;
using pelita::enrolment::v1::Unit;

constexpr char kKey[] = "bench-hs256-key-0123456789abcdef0123456789";

// The floor for any HTTP-to-gRPC proxy on this machine: one blocking thread
// that reads an HTTP request with Beast, makes the gRPC call with the
// generated sync stub and writes the response's bytes back, with no
// authentication, routing, JSON, metrics or rate limit.  The gateway cannot
// be faster than this; the bench reports it so that the gateway's own cost
// can be told apart from the cost of the extra hop.
class ForwarderFloor {
 public:
  explicit ForwarderFloor(std::shared_ptr<grpc::Channel> channel)
      : stub_(EnrolmentService::NewStub(channel)),
        acceptor_(ioc_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~ForwarderFloor() {
    stop_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }

 private:
  void Serve() {
    namespace http = boost::beast::http;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket socket(ioc_);
    acceptor_.accept(socket, ec);
    if (ec) return;
    socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);
    boost::beast::flat_buffer buffer;
    while (!stop_) {
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      GetUnitRequest get;
      get.set_name("tenants/1504/units/dinkes");
      grpc::ClientContext ctx;
      pelita::AttachCaller(ctx, {"1504", "organiser", "bench"});
      Unit unit;
      grpc::Status st = stub_->GetUnit(&ctx, get, &unit);
      http::response<http::string_body> res(st.ok() ? http::status::ok : http::status::bad_gateway, 11);
      res.body() = unit.SerializeAsString();
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec) return;
    }
  }

  std::unique_ptr<EnrolmentService::Stub> stub_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

double Pct(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  pelita::SetInfoLogging(false);
  auto redis = pelita::testing::RedisServer::Start();
  if (!redis.ok()) {
    std::fprintf(stderr, "redis: %s\n", std::string(redis.status().message()).c_str());
    return 1;
  }
  pelita::redis::Client client((*redis)->options());
  pelita::enrolment::EnrolmentLogic logic(&client);
  pelita::enrolment::EnrolmentGrpcService service(&logic);
  auto started = pelita::StartLocalServer("enrolment", {&service}, &client);
  if (!started.ok()) return 1;
  pelita::Server& server = **started;
  // Both paths call the same service: in this process, or the real binary in
  // its own process on a port of its own.
  std::string service_address = server.address();
  pelita::testing::Subprocess service_process;
  if (const std::string bin = absl::GetFlag(FLAGS_service_binary); !bin.empty()) {
    auto sport = pelita::testing::FreePort();
    if (!sport.ok()) return 1;
    service_address = absl::StrCat("127.0.0.1:", *sport);
    const std::string log = absl::StrCat((*redis)->dir(), "/enrolment.log");
    if (!service_process
             .Start({bin, "--listen", service_address, "--redis",
                     absl::StrCat("127.0.0.1:", (*redis)->options().port)},
                    log)
             .ok()) {
      return 1;
    }
    auto probe = grpc::CreateChannel(service_address, grpc::InsecureChannelCredentials());
    if (!probe->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(20))) {
      std::fprintf(stderr, "%s did not start; see %s\n", bin.c_str(), log.c_str());
      return 1;
    }
  }

  pelita::gateway::GatewayOptions go;
  go.backends = {{"enrolment", service_address}};
  go.auth.hs256_key = kKey;
  go.redis = &client;
  go.rate_limit.rate = 1e9;
  go.rate_limit.burst = 1000000000;
  go.rate_limit.lease = absl::GetFlag(FLAGS_lease);
  go.log_requests = false;
  go.threads = absl::GetFlag(FLAGS_gateway_threads);
  auto gw = pelita::gateway::Gateway::Create(go);
  if (!gw.ok() || !(*gw)->Start().ok()) return 1;
  const int port = (*gw)->port();
  const std::string token = *pelita::gateway::IssueToken(
      {"bench", "1504", "organiser", absl::ToUnixSeconds(absl::Now() + absl::Hours(1))}, "HS256", kKey);
  const pelita::gateway::HttpClient::Headers auth = {{"Authorization", "Bearer " + token}};

  pelita::gateway::HttpClient http(port);
  auto created = http.Request("POST", "/v1/tenants/1504/units?unitId=dinkes",
                              R"({"displayName":"Dinas Kesehatan","kind":"dinas","district":"Muara Bulian"})", auth);
  if (created.status != 200) {
    std::fprintf(stderr, "seed failed: %d %s\n", created.status, created.body.c_str());
    return 1;
  }
  auto channel = grpc::CreateChannel(service_address, grpc::InsecureChannelCredentials());
  auto stub = EnrolmentService::NewStub(channel);
  GetUnitRequest req;
  req.set_name("tenants/1504/units/dinkes");

  auto direct_once = [&](EnrolmentService::Stub* s) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pelita::AttachCaller(ctx, {"1504", "organiser", "bench"});
    Unit unit;
    return s->GetUnit(&ctx, req, &unit).ok();
  };
  auto rest_once = [&](pelita::gateway::HttpClient* c) {
    return c->Request("GET", "/v1/tenants/1504/units/dinkes", "", auth).status == 200;
  };

  ForwarderFloor floor_server(channel);
  pelita::gateway::HttpClient floor_http(floor_server.port());
  auto floor_once = [&] { return floor_http.Request("GET", "/v1/tenants/1504/units/dinkes").status == 200; };

  // Warm up every path.
  for (int i = 0; i < 2000; ++i) {
    direct_once(stub.get());
    rest_once(&http);
    floor_once();
  }
  // Latency, interleaved in rounds.
  const int n = absl::GetFlag(FLAGS_requests);
  std::vector<double> direct, rest, hop, floor;
  int failures = 0;
  for (int done = 0; done < n; done += 1000) {
    for (int i = 0; i < 1000; ++i) {
      absl::Time t = absl::Now();
      failures += !direct_once(stub.get());
      direct.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
    }
    for (int i = 0; i < 1000; ++i) {
      absl::Time t = absl::Now();
      failures += !rest_once(&http);
      rest.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
    }
    for (int i = 0; i < 1000; ++i) {
      absl::Time t = absl::Now();
      failures += http.Request("GET", "/healthz").status != 200;
      hop.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
    }
    for (int i = 0; i < 1000; ++i) {
      absl::Time t = absl::Now();
      failures += !floor_once();
      floor.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
    }
  }
  // Throughput.
  auto run = [&](bool via_gateway) {
    std::atomic<int64_t> count{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int c = 0; c < absl::GetFlag(FLAGS_clients); ++c) {
      threads.emplace_back([&] {
        pelita::gateway::HttpClient hc(port);
        auto s = EnrolmentService::NewStub(channel);
        while (!stop.load()) {
          bool ok = via_gateway ? rest_once(&hc) : direct_once(s.get());
          if (ok) ++count;
        }
      });
    }
    absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
    stop = true;
    for (auto& t : threads) t.join();
    return static_cast<double>(count.load()) / absl::GetFlag(FLAGS_seconds);
  };
  double direct_rps = run(false);
  double rest_rps = run(true);

  double d50 = Pct(direct, 0.5), d99 = Pct(direct, 0.99), r50 = Pct(rest, 0.5), r99 = Pct(rest, 0.99);
  std::printf("GetUnit, %d samples per path, 1 client; throughput with %d clients x %d s; lease %d; %d gateway threads\n",
              n, absl::GetFlag(FLAGS_clients), absl::GetFlag(FLAGS_seconds), absl::GetFlag(FLAGS_lease),
              absl::GetFlag(FLAGS_gateway_threads));
  std::printf("| path | p50 us | p99 us | req/s |\n|---|---|---|---|\n");
  std::printf("| direct gRPC | %.0f | %.0f | %.0f |\n", d50, d99, direct_rps);
  std::printf("| REST via gateway | %.0f | %.0f | %.0f |\n", r50, r99, rest_rps);
  std::printf("| HTTP only (/healthz, no backend) | %.0f | %.0f | |\n", Pct(hop, 0.5), Pct(hop, 0.99));
  const double f50 = Pct(floor, 0.5);
  std::printf("| floor: blocking HTTP->gRPC forwarder, no gateway logic | %.0f | %.0f | |\n", f50,
              Pct(floor, 0.99));
  std::printf("floor p50 ratio forwarder/direct = %.2f\n", f50 / d50);
  // SPEC §8: the gateway's own work per request is what it costs beyond the
  // logic-free forwarder (target <= 25 us at p50).
  std::printf("gateway's own work p50 = REST - floor = %.0f us (target <= 25)\n", r50 - f50);
  std::printf("p50 ratio gateway/direct = %.2f (target <= 1.25); p99 ratio %.2f; throughput ratio %.2f; failures %d\n",
              r50 / d50, r99 / d99, rest_rps / direct_rps, failures);
  (*gw)->Shutdown(absl::Seconds(1));
  server.Shutdown(absl::Seconds(1));
  return failures == 0 ? 0 : 1;
}
