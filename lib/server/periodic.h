#ifndef PELITA_LIB_SERVER_PERIODIC_H_
#define PELITA_LIB_SERVER_PERIODIC_H_

#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace pelita {

// A background loop: `round` runs at once and then every `interval` on a
// thread of its own until Stop (the outboxes' polls, the sync schedule).
// Stop wakes a waiting loop at once and waits for a round in progress; a
// stopped PeriodicThread is not started again.  The destructor stops it.
class PeriodicThread {
 public:
  PeriodicThread() = default;
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // A second Start while running does nothing.
  void Start(absl::Duration interval, std::function<void()> round);
  void Stop();
  bool stopping() const { return stop_.HasBeenNotified(); }

 private:
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace pelita

#endif  // PELITA_LIB_SERVER_PERIODIC_H_
