#include "gateway/rate_limit.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lib/log/log.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::gateway {
namespace {

// KEYS[1] bucket hash; ARGV rate (tokens/s), burst, wanted.
// Returns {granted, retry_after_ms}.
constexpr char kTokenBucket[] = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
end
local granted = 0
if tokens >= 1 then
  granted = math.min(wanted, math.floor(tokens))
  tokens = tokens - granted
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
local retry = 0
if granted == 0 then
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
return {granted, retry}
)lua";

// The longest a request waits for a tenant's refill in flight before it
// asks Redis itself.
constexpr absl::Duration kRefillWait = absl::Seconds(1);

}  // namespace

RateLimiter::RateLimiter(redis::Client* redis, RateLimitOptions options)
    : redis_(redis), options_(options), script_(kTokenBucket) {
  if (options_.lease > 1) refiller_ = std::thread([this] { RefillLoop(); });
}

RateLimiter::~RateLimiter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (refiller_.joinable()) refiller_.join();
}

std::optional<std::pair<int64_t, absl::Duration>> RateLimiter::Ask(const std::string& tenant, int wanted,
                                                                   const std::string& request_id) {
  auto reply = redis_->Eval(script_, {KeyBuilder("gateway", tenant).Key("ratelimit")},
                            {absl::StrCat(options_.rate), absl::StrCat(options_.burst), absl::StrCat(wanted)});
  if (!reply.ok() || !reply->is_array() || reply->elements.size() != 2) {
    LogWarning("rate limiter unavailable; request allowed",
               {{"request_id", request_id},
                {"error", reply.ok() ? "bad reply" : std::string(reply.status().message())}});
    return std::nullopt;
  }
  return std::make_pair(static_cast<int64_t>(reply->elements[0].integer),
                        absl::Milliseconds(std::max<long long>(1, reply->elements[1].integer)));
}

RateLimiter::Decision RateLimiter::Take(const std::string& tenant, const std::string& request_id) {
  const absl::Time now = absl::Now();
  if (options_.lease > 1) {
    absl::MutexLock lock(&mu_);
    // A refill in flight carries this tenant's next tokens: wait for it
    // rather than ask Redis, whose bucket the refill may just have emptied
    // (the request would be refused while its tokens are on the way).  The
    // wait costs no more than the round trip the request would make itself.
    auto refilled = [this, &tenant]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      auto it = leases_.find(tenant);
      return it == leases_.end() || it->second.tokens > 0 || !it->second.refilling;
    };
    mu_.AwaitWithTimeout(absl::Condition(&refilled), kRefillWait);
    Lease& l = leases_[tenant];
    if (l.tokens > 0 && l.expires > now) {
      --l.tokens;
      if (l.tokens <= options_.lease / 2 && !l.refilling) {
        l.refilling = true;
        refill_queue_.push_back(tenant);
      }
      return {};
    }
  }
  auto asked = Ask(tenant, std::max(1, options_.lease), request_id);
  if (!asked) return {};
  auto [granted, retry_after] = *asked;
  if (granted <= 0) return {false, retry_after};
  if (granted > 1) {
    absl::MutexLock lock(&mu_);
    // Added, not assigned: a background refill may have landed meanwhile.
    AddTokens(leases_[tenant], granted - 1, now);
  }
  return {};
}

void RateLimiter::AddTokens(Lease& l, int64_t tokens, absl::Time now) const {
  // Tokens taken from the shared bucket are never thrown away: what is left
  // of a current lease stays usable until the new one expires.
  l.tokens = (l.expires > now ? std::max(0, l.tokens) : 0) + static_cast<int>(tokens);
  l.expires = now + options_.lease_ttl;
}

void RateLimiter::RefillLoop() {
  auto work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !refill_queue_.empty(); };
  for (;;) {
    std::string tenant;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&work));
      if (stopping_) return;
      tenant = std::move(refill_queue_.front());
      refill_queue_.pop_front();
    }
    auto asked = Ask(tenant, options_.lease, "lease-refill");
    const absl::Time now = absl::Now();
    absl::MutexLock lock(&mu_);
    Lease& l = leases_[tenant];
    l.refilling = false;
    if (!asked || asked->first <= 0) continue;  // a request finding no token asks again
    AddTokens(l, asked->first, now);
  }
}

}  // namespace pelita::gateway
