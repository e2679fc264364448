#ifndef PELITA_GATEWAY_RATE_LIMIT_H_
#define PELITA_GATEWAY_RATE_LIMIT_H_

#include <deque>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"

namespace pelita::gateway {

struct RateLimitOptions {
  // Sustained requests per second per tenant, and the bucket size.
  double rate = 100;
  int burst = 200;
  // Tokens taken from Redis at once and spent locally (within `lease_ttl`);
  // 1 = every request asks Redis.  A lease bounds the overshoot across
  // gateway replicas to lease × replicas while sparing a round trip.
  int lease = 1;
  absl::Duration lease_ttl = absl::Seconds(1);
};

// A per-tenant token bucket kept in Redis (key `gateway:{tenant}:ratelimit`,
// a hash of tokens and last refill time, refilled by a Lua script using the
// Redis clock so that every gateway replica shares one bucket).  When Redis
// does not answer, requests pass (availability first) and a warning is logged.
//
// With a lease above 1, a tenant's next lease is fetched by a background
// thread once half of the current one is spent, so that requests of a
// steadily busy tenant do not wait for Redis on the HTTP I/O threads; only a
// request finding no local token waits for a refill in flight or, without
// one, asks Redis itself.  Tokens taken from Redis are never dropped.  The
// overshoot bound grows to 1.5 × lease × replicas.
class RateLimiter {
 public:
  RateLimiter(redis::Client* redis, RateLimitOptions options);
  ~RateLimiter();

  struct Decision {
    bool allowed = true;
    absl::Duration retry_after;
  };
  Decision Take(const std::string& tenant, const std::string& request_id);

 private:
  struct Lease {
    int tokens = 0;
    absl::Time expires;
    bool refilling = false;  // queued for or being refilled in the background
  };
  // Asks Redis for up to `wanted` tokens: {granted, retry_after}, or nullopt
  // when Redis did not answer.
  std::optional<std::pair<int64_t, absl::Duration>> Ask(const std::string& tenant, int wanted,
                                                        const std::string& request_id);
  // Adds `tokens` fetched from Redis at `now` to a tenant's lease.
  void AddTokens(Lease& l, int64_t tokens, absl::Time now) const;
  void RefillLoop();

  redis::Client* redis_;
  RateLimitOptions options_;
  redis::Script script_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Lease> leases_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> refill_queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread refiller_;
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_RATE_LIMIT_H_
