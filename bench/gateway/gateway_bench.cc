// gateway_bench: GetUnit through the gateway (HTTP/JSON, JWT, rate limit,
// transcoding, gRPC) against the same RPC called directly over gRPC, in one
// run, on one machine: a private redis-server, the enrolment service and the
// gateway in this process (as in the tests).
//
//   build-gateway/bench/gateway/gateway_bench [--requests 20000] [--clients 4]
//       [--seconds 5] [--lease 1] [--gateway_threads 2]
//
// Latency: one closed-loop client, the two paths interleaved in rounds of
// 1000 requests so that both see the same machine state; p50/p99.
// Throughput: --clients closed-loop clients per path for --seconds each.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

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
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"

ABSL_FLAG(int, requests, 20000, "latency samples per path");
ABSL_FLAG(int, clients, 4, "concurrent clients per path for throughput");
ABSL_FLAG(int, seconds, 5, "throughput run per path");
ABSL_FLAG(int, gateway_threads, 2, "gateway HTTP I/O threads");
ABSL_FLAG(int, lease, 1, "rate-limit tokens taken from Redis at once (1 = one EVALSHA per request)");

namespace {

using pelita::enrolment::v1::EnrolmentService;
using pelita::enrolment::v1::GetUnitRequest;
using pelita::enrolment::v1::Unit;

constexpr char kKey[] = "bench-hs256-key-0123456789abcdef0123456789";

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
  pelita::ServerOptions so;
  so.name = "enrolment";
  so.log_calls = false;
  pelita::Server server(so, {&service}, &client);
  if (!server.Start().ok()) return 1;

  pelita::gateway::GatewayOptions go;
  go.backends = {{"enrolment", server.address()}};
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
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
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

  // Warm up both paths.
  for (int i = 0; i < 2000; ++i) {
    direct_once(stub.get());
    rest_once(&http);
  }
  // Latency, interleaved in rounds.
  const int n = absl::GetFlag(FLAGS_requests);
  std::vector<double> direct, rest, hop;
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
  std::printf("p50 ratio gateway/direct = %.2f (target <= 1.25); p99 ratio %.2f; throughput ratio %.2f; failures %d\n",
              r50 / d50, r99 / d99, rest_rps / direct_rps, failures);
  (*gw)->Shutdown(absl::Seconds(1));
  server.Shutdown(absl::Seconds(1));
  return failures == 0 ? 0 : 1;
}
