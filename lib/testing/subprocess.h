#ifndef PELITA_LIB_TESTING_SUBPROCESS_H_
#define PELITA_LIB_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pelita::testing {

// A child process for tests: started with an argument vector, its output sent
// to a log file, stopped by signal.  The destructor kills it.
class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  absl::Status Start(const std::vector<std::string>& argv, const std::string& log_path,
                     const std::vector<std::string>& extra_env = {});
  // Sends `sig` and waits for the process to exit; returns its exit status
  // as waitpid reports it.
  absl::StatusOr<int> Stop(int sig, absl::Duration timeout = absl::Seconds(30));
  bool running() const { return pid_ > 0; }
  // Whether the process has exited on its own (reaps it if so).
  bool Exited();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Polls `condition` until it returns true or `timeout` passes.  This waits on
// a condition with a deadline; it is not a sleep used as synchronisation.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout,
             absl::Duration poll = absl::Milliseconds(10));

// A free TCP port on 127.0.0.1 (bound and released; callers retry on a race).
absl::StatusOr<int> FreePort();

// Whether a TCP port on 127.0.0.1 can be bound now.
bool PortIsFree(int port);

// A fresh directory under $TMPDIR; RemoveTree deletes it again.
absl::StatusOr<std::string> MakeTempDir(const std::string& prefix);
void RemoveTree(const std::string& path);

// Where the build put its binaries (PELITA_BIN_DIR, set by ctest).
std::string BinDir();

}  // namespace pelita::testing

#endif  // PELITA_LIB_TESTING_SUBPROCESS_H_
