// gateway_pieces_bench: the gateway's own CPU work for one REST call, piece
// by piece, in one thread without sockets or services: reading the request
// (ParseRequest), admission (token from the cache, route, roles, tenant,
// deadline), building the request message, and printing the response as
// JSON.  Thread CPU time, so that a busy machine changes it little (unlike
// the end-to-end latency of gateway_bench).
//
//   build/bench/gateway/gateway_pieces_bench [--rounds 15] [--iterations 20000]

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <variant>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/admission.h"
#include "gateway/http_request.h"
#include "gateway/json_printer.h"
#include "gateway/upload_framing.h"
#include "pelita/enrolment/v1/enrolment.pb.h"

ABSL_FLAG(int, rounds, 15, "rounds per piece (the median is reported)");
ABSL_FLAG(int, iterations, 20000, "calls per round");

namespace {

constexpr char kKey[] = "bench-hs256-key-0123456789abcdef0123456789";

double ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// Median over rounds of the CPU nanoseconds per call of `f`.
double Measure(const std::function<void()>& f) {
  std::vector<double> per_call;
  const int n = absl::GetFlag(FLAGS_iterations);
  for (int r = 0; r < absl::GetFlag(FLAGS_rounds); ++r) {
    double t = ThreadCpuNanos();
    for (int i = 0; i < n; ++i) f();
    per_call.push_back((ThreadCpuNanos() - t) / n);
  }
  std::sort(per_call.begin(), per_call.end());
  return per_call[per_call.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace pelita::gateway;
  auto routes = RouteTable::FromGeneratedPool();
  if (!routes.ok()) return 1;
  AuthOptions ao;
  ao.hs256_key = kKey;
  auto verifier = Verifier::Create(ao);
  if (!verifier.ok()) return 1;
  Admission admission(&*routes, verifier->get(), nullptr, AdmissionOptions{});
  const std::string token =
      *IssueToken({"bench", "1504", "organiser", absl::ToUnixSeconds(absl::Now() + absl::Hours(1))}, "HS256", kKey);
  const std::string request = absl::StrCat("GET /v1/tenants/1504/units/dinkes HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                           "Authorization: Bearer ", token, "\r\n\r\n");
  auto parsed = ParseRequest(request, 1 << 20);
  if (!std::holds_alternative<ParsedRequest>(parsed)) return 1;
  const RequestHead head = std::get<ParsedRequest>(parsed).head;
  auto admitted = admission.Admit(head, "rid");
  if (!std::holds_alternative<Admitted>(admitted)) return 1;
  const Admitted a = std::get<Admitted>(admitted);
  pelita::enrolment::v1::Unit unit;
  unit.set_name("tenants/1504/units/dinkes");
  unit.set_display_name("Dinas Kesehatan");
  unit.set_kind("dinas");
  unit.set_district("Muara Bulian");
  const std::string unit_bytes = unit.SerializeAsString();

  size_t sink = 0;
  const double read = Measure([&] { sink += std::get<ParsedRequest>(ParseRequest(request, 1 << 20)).consumed; });
  const double admit = Measure([&] { sink += std::get<Admitted>(admission.Admit(head, "rid")).tenant.size(); });
  const double encode =
      Measure([&] { sink += EncodeRequest(*a.route, "", head.query, a.bindings, a.tenant)->size(); });
  const double print = Measure([&] {
    std::unique_ptr<google::protobuf::Message> m = NewMessage(a.route->method->output_type());
    m->ParseFromString(unit_bytes);
    std::string json;
    (void)AppendMessageJson(*m, &json);
    sink += json.size();
  });
  std::printf("GET /v1/tenants/1504/units/dinkes, CPU time per call (median of %d rounds of %d)\n",
              absl::GetFlag(FLAGS_rounds), absl::GetFlag(FLAGS_iterations));
  std::printf("| piece | us |\n|---|---|\n");
  std::printf("| read the request (Beast parser, framing, UTF-8) | %.2f |\n", read / 1000);
  std::printf("| admission (cached token, route, roles, tenant, deadline) | %.2f |\n", admit / 1000);
  std::printf("| request message (path fields, tenant check, serialise) | %.2f |\n", encode / 1000);
  std::printf("| response: parse and print JSON | %.2f |\n", print / 1000);
  std::printf("| sum | %.2f |\n", (read + admit + encode + print) / 1000);
  return sink == 0 ? 1 : 0;
}
