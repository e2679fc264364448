#ifndef PELITA_TESTS_FAULT_PLATFORM_H_
#define PELITA_TESTS_FAULT_PLATFORM_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"

namespace pelita::fault {

// The platform as it runs in production, on loopback for one test: a
// private redis-server (AOF fsynced on every write), the service binaries
// (enrolment, survey, complaint, performance) and optionally the gateway, each a child
// process on a free port.  A service can be killed (SIGKILL) and started
// again on the same port, as Kubernetes restarts a pod.  The destructor
// stops everything and removes the folder.
class Platform {
 public:
  struct Options {
    bool gateway = false;
    std::vector<std::string> survey_flags;
    std::vector<std::string> gateway_flags;
    // Also the report service and the integration service (its SIASN
    // secrets in dir()/siasn, pushes polled every 20 ms, leases of
    // `push_lease_seconds`).
    bool integration = false;
    int push_lease_seconds = 3;
  };
  static absl::StatusOr<std::unique_ptr<Platform>> Start(const Options& options);
  ~Platform();

  testing::RedisServer& redis() { return *redis_; }
  const std::string& dir() const { return dir_; }
  // host:port of "enrolment", "survey", "complaint", "performance" (and
  // "report", "integration" when started).
  std::string address(const std::string& service) const;
  int gateway_port() const { return gateway_port_; }

  // SIGKILL: no drain, no goodbye.
  absl::Status Kill(const std::string& service);
  // Starts the service again on its port and waits until it serves.
  absl::Status Restart(const std::string& service);
  // Waits until grpc.health.v1 says SERVING (every service reports
  // NOT_SERVING while Redis cannot serve).
  absl::Status WaitServing(const std::string& service, absl::Duration timeout);
  // Whether the service's health check answers SERVING now.
  bool Serving(const std::string& service);

  // Leaves the folder (every process's log) in place, for a failed test.
  void KeepLogs() { keep_logs_ = true; }

  // A gateway token (HS256, the platform's key).
  std::string Token(const std::string& tenant, const std::string& role, const std::string& subject);

 private:
  struct Process {
    std::vector<std::string> argv;
    int port = 0;
    int starts = 0;
    std::unique_ptr<testing::Subprocess> process = std::make_unique<testing::Subprocess>();
  };
  Platform() = default;
  absl::Status Launch(const std::string& name);
  // Launches `names` together (they listen on port 0), learns each one's
  // port from its log and waits until all of them serve.
  absl::Status LaunchAndServe(const std::vector<std::string>& names);

  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::map<std::string, Process> services_;
  testing::Subprocess gateway_;
  int gateway_port_ = 0;
  std::string key_file_;
  bool keep_logs_ = false;
};

}  // namespace pelita::fault

#endif  // PELITA_TESTS_FAULT_PLATFORM_H_
