// pelita-cli: a small command-line client for the Pelita services.
//
//   pelita-cli list
//   pelita-cli health ADDRESS [SERVICE]
//   pelita-cli wait-healthy ADDRESS SECONDS
//   pelita-cli call ADDRESS METHOD JSON [--tenant 1504] [--role admin] [--subject me]
//
// METHOD is "package.Service/Method", e.g.
//   pelita-cli call 127.0.0.1:50051 pelita.enrolment.v1.EnrolmentService/ListUnits \
//       '{"parent":"tenants/1504"}' --tenant 1504
// Every service also serves gRPC server reflection for tools that use it.

#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "tools/cli/dynamic_call.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage:\n"
               "  pelita-cli list\n"
               "  pelita-cli health ADDRESS [SERVICE]\n"
               "  pelita-cli wait-healthy ADDRESS SECONDS\n"
               "  pelita-cli call ADDRESS METHOD JSON [--tenant T] [--role R] [--subject S]\n");
  return 2;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage();
  const std::string& cmd = args[0];
  if (cmd == "list") {
    for (const auto& m : pelita::cli::ListMethods()) std::cout << m << "\n";
    return 0;
  }
  if (cmd == "health" && args.size() >= 2) {
    auto s = pelita::cli::HealthStatus(Channel(args[1]), args.size() > 2 ? args[2] : "",
                                       absl::Seconds(5));
    if (!s.ok()) {
      std::cerr << s.status() << "\n";
      return 1;
    }
    std::cout << *s << "\n";
    return *s == "SERVING" ? 0 : 1;
  }
  if (cmd == "wait-healthy" && args.size() == 3) {
    int seconds = 0;
    if (!absl::SimpleAtoi(args[2], &seconds)) return Usage();
    auto channel = Channel(args[1]);
    const absl::Time deadline = absl::Now() + absl::Seconds(seconds);
    while (absl::Now() < deadline) {
      auto s = pelita::cli::HealthStatus(channel, "", absl::Seconds(1));
      if (s.ok() && *s == "SERVING") return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::cerr << args[1] << " is not SERVING after " << seconds << "s\n";
    return 1;
  }
  if (cmd == "call" && args.size() >= 4) {
    pelita::Caller caller{"", "", ""};
    for (size_t i = 4; i + 1 < args.size(); i += 2) {
      if (args[i] == "--tenant") caller.tenant = args[i + 1];
      else if (args[i] == "--role") caller.role = args[i + 1];
      else if (args[i] == "--subject") caller.subject = args[i + 1];
      else return Usage();
    }
    auto out = pelita::cli::CallJson(Channel(args[1]), args[2], args[3], caller, absl::Seconds(30));
    if (!out.ok()) {
      std::cerr << out.status() << "\n";
      return 1;
    }
    std::cout << *out << "\n";
    return 0;
  }
  return Usage();
}
