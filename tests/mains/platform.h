#ifndef PELITA_TESTS_MAINS_PLATFORM_H_
#define PELITA_TESTS_MAINS_PLATFORM_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"

namespace pelita::mains {

// The services' binaries as scripts/run.sh and Kubernetes start them (the
// tenant registry, enrolment, survey, complaint, scoring, follow-up,
// identity, performance and integration, each with --registry and --metrics_listen), as processes on one
// private redis-server and free loopback ports; optionally the gateway
// binary in front of them (with identity's JWKS and a development HS256
// key).  Started once for a test suite; the destructor stops everything
// (SIGTERM, services in reverse order) and removes the folder.
class Platform {
 public:
  static constexpr const char* kServices[] = {"tenant",  "enrolment", "survey",   "complaint",  "scoring",
                                              "followup", "identity", "performance", "integration"};

  ~Platform();
  absl::Status StartAll(bool gateway = false);

  std::shared_ptr<grpc::Channel> Channel(const std::string& name);
  const std::string& address(const std::string& name) { return address_[name]; }
  int metrics_port(const std::string& name) { return metrics_port_[name]; }
  int gateway_port() const { return gateway_port_; }
  // The gateway's development HS256 key (tokens of any role, for seeding).
  const std::string& hs256_key() const { return hs256_key_; }
  const std::string& dir() const { return dir_; }

 private:
  absl::Status Reserve(const std::string& name);
  absl::Status Start(const std::string& name, std::vector<std::string> extra);
  absl::Status StartGateway();

  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::map<std::string, std::unique_ptr<testing::Subprocess>> processes_;
  std::map<std::string, std::string> address_;
  std::map<std::string, int> metrics_port_;
  std::unique_ptr<testing::Subprocess> gateway_;
  int gateway_port_ = 0;
  std::string hs256_key_;
};

}  // namespace pelita::mains

#endif  // PELITA_TESTS_MAINS_PLATFORM_H_
