// Follows the survey service's stream `survey:{<tenant>}:responses` (STREAM.md
// of the survey proto) in consumer group `scoring` and invalidates the cached
// report of the cohort each new response belongs to.
//
// Entries that another consumer of the group read but never acknowledged
// (a replica that died mid-batch) are taken over with XAUTOCLAIM once they
// have been idle longer than `claim_idle`, so no invalidation is lost when
// a replica goes away for good.
#ifndef PELITA_SERVICES_SCORING_FOLLOWER_H_
#define PELITA_SERVICES_SCORING_FOLLOWER_H_

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "services/scoring/store.h"

namespace pelita::scoring {

class SurveyStreamFollower {
 public:
  SurveyStreamFollower(redis::Client* redis, ScoringStore* store, std::vector<std::string> tenants,
                       std::string consumer, absl::Duration block = absl::Seconds(1),
                       absl::Duration claim_idle = absl::Minutes(1));
  ~SurveyStreamFollower();
  // Creates the groups (at the stream's end, MKSTREAM) and starts one thread
  // per tenant.  An error (Redis down) is returned but the threads still
  // start and create the group once Redis answers.
  absl::Status Start();
  void Stop();
  // Entries handled so far (for tests and logs).
  int64_t handled() const { return handled_.load(); }
  // Handles one batch of a tenant's stream now (ids ">" after pending "0").
  absl::StatusOr<int> PollOnce(const std::string& tenant, bool pending);
  // Claims and handles every entry of the group idle longer than
  // `claim_idle` (XAUTOCLAIM, Redis >= 6.2), whichever consumer held it.
  absl::StatusOr<int> ReclaimOnce(const std::string& tenant);

 private:
  void Loop(std::string tenant);
  // Invalidates the cohorts of `entries` (stream entries [id, fields]) and
  // acknowledges them; the number handled.
  absl::StatusOr<int> Handle(const std::string& tenant, const std::vector<redis::Reply>& entries);

  redis::Client* redis_;
  ScoringStore* store_;
  std::vector<std::string> tenants_;
  std::string consumer_;
  absl::Duration block_;
  absl::Duration claim_idle_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> handled_{0};
  std::vector<std::thread> threads_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_FOLLOWER_H_
