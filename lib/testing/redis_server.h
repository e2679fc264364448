#ifndef PELITA_LIB_TESTING_REDIS_SERVER_H_
#define PELITA_LIB_TESTING_REDIS_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/redis/redis.h"
#include "lib/testing/subprocess.h"

namespace pelita::testing {

// A private redis-server for one test: a free loopback port, a fresh temp
// folder, AOF on (by default fsync on every write, so that even a SIGKILL
// loses nothing acknowledged).  Stop and Restart keep the port and the data folder, so a
// restart test sees the same data; the destructor stops it and removes the
// folder.
class RedisServer {
 public:
  // When the AOF is flushed to disk: on every write (the default: even a
  // SIGKILL loses nothing acknowledged), or once a second as
  // scripts/run.sh and the Kubernetes manifests run it (for tests that load
  // much data and kill nothing).
  enum class Fsync { kAlways, kEverySecond };
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(Fsync fsync = Fsync::kAlways);
  ~RedisServer();

  int port() const { return port_; }
  std::string address() const;
  redis::Options options() const;
  const std::string& dir() const { return dir_; }

  // SIGTERM: Redis flushes the AOF and exits.
  absl::Status Stop();
  // SIGKILL: no chance to flush.
  absl::Status Kill();
  // Starts again on the same port and folder and waits until it answers.
  absl::Status Restart();
  // Starts again on the same port and folder with `extra_args` added to the
  // command line (e.g. {"--key-load-delay", "500"} to make loading slow) and
  // returns as soon as the port accepts connections: Redis may still be
  // loading its data and answer LOADING.  WaitServing waits for the end.
  absl::Status RestartWith(const std::vector<std::string>& extra_args);
  absl::Status WaitServing(absl::Duration timeout);

 private:
  RedisServer() = default;
  absl::Status Launch(const std::vector<std::string>& extra_args = {}, bool wait_serving = true);

  std::string dir_;
  int port_ = 0;
  Fsync fsync_ = Fsync::kAlways;
  Subprocess process_;
};

}  // namespace pelita::testing

#endif  // PELITA_LIB_TESTING_REDIS_SERVER_H_
