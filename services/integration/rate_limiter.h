#ifndef PELITA_SERVICES_INTEGRATION_RATE_LIMITER_H_
#define PELITA_SERVICES_INTEGRATION_RATE_LIMITER_H_

// A token bucket per tenant (RateLimiter): `per_second` tokens a second, at
// most one second's worth (and at least one) saved up.  A caller takes a
// token at once, going into debt when the bucket is empty, and then sleeps
// until its token is due, so waiting callers are served in the order they
// came and the lock is never held while sleeping.  A caller whose token
// would come after its deadline takes none and gets false.

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/integration/interfaces.h"

namespace pelita::integration {

class TokenBucketLimiter : public RateLimiter {
 public:
  // Empty functions: absl::Now and absl::SleepFor.
  explicit TokenBucketLimiter(std::function<absl::Time()> clock = nullptr,
                              std::function<void(absl::Duration)> sleep = nullptr);

  bool Acquire(const std::string& tenant, double per_second, absl::Time deadline) override;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time last = absl::InfinitePast();
  };
  absl::Time Now() const { return clock_ ? clock_() : absl::Now(); }

  std::function<absl::Time()> clock_;
  std::function<void(absl::Duration)> sleep_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_RATE_LIMITER_H_
