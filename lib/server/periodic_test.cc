#include "lib/server/periodic.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace pelita {
namespace {

TEST(PeriodicThreadTest, RunsAtOnceThenRepeatsUntilStopped) {
  std::atomic<int> rounds{0};
  absl::Notification third;
  PeriodicThread loop;
  loop.Start(absl::Milliseconds(1), [&] {
    if (++rounds == 3) third.Notify();
  });
  ASSERT_TRUE(third.WaitForNotificationWithTimeout(absl::Seconds(30)));
  loop.Stop();
  const int at_stop = rounds.load();
  EXPECT_GE(at_stop, 3);
  EXPECT_TRUE(loop.stopping());
  // Stopped for good: neither the old loop nor a new Start runs again.
  loop.Start(absl::Milliseconds(1), [&] { ++rounds; });
  loop.Stop();
  EXPECT_EQ(rounds.load(), at_stop);
}

TEST(PeriodicThreadTest, StopWakesALongWaitAtOnce) {
  absl::Notification first;
  PeriodicThread loop;
  loop.Start(absl::Hours(24), [&] {
    if (!first.HasBeenNotified()) first.Notify();
  });
  ASSERT_TRUE(first.WaitForNotificationWithTimeout(absl::Seconds(30)));
  const absl::Time start = absl::Now();
  loop.Stop();  // would hang for a day if the wait were not woken
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
}

}  // namespace
}  // namespace pelita
