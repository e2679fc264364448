#include "lib/server/periodic.h"

#include <utility>

namespace pelita {

void PeriodicThread::Start(absl::Duration interval, std::function<void()> round) {
  if (thread_.joinable() || stop_.HasBeenNotified()) return;
  thread_ = std::thread([this, interval, round = std::move(round)] {
    do {
      round();
    } while (!stop_.WaitForNotificationWithTimeout(interval));
  });
}

void PeriodicThread::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace pelita
