#include "services/integration/rate_limiter.h"

#include <algorithm>

namespace pelita::integration {

TokenBucketLimiter::TokenBucketLimiter(std::function<absl::Time()> clock, std::function<void(absl::Duration)> sleep)
    : clock_(std::move(clock)), sleep_(std::move(sleep)) {}

bool TokenBucketLimiter::Acquire(const std::string& tenant, double per_second, absl::Time deadline) {
  if (!(per_second > 0)) return false;
  const double capacity = std::max(1.0, per_second);
  absl::Duration wait;
  {
    absl::MutexLock l(&mu_);
    const absl::Time now = Now();
    Bucket& b = buckets_[tenant];
    if (b.last == absl::InfinitePast()) {
      b.tokens = capacity;
    } else if (now > b.last) {
      b.tokens = std::min(capacity, b.tokens + absl::ToDoubleSeconds(now - b.last) * per_second);
    }
    b.last = std::max(b.last, now);
    b.tokens -= 1;
    wait = b.tokens >= 0 ? absl::ZeroDuration() : absl::Seconds(-b.tokens / per_second);
    if (now + wait > deadline) {
      b.tokens += 1;  // Not taken.
      return false;
    }
  }
  if (wait > absl::ZeroDuration()) {
    if (sleep_) {
      sleep_(wait);
    } else {
      absl::SleepFor(wait);
    }
  }
  return true;
}

}  // namespace pelita::integration
