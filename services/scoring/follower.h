// The scoring service's handler of the survey service's
// pelita.survey.v1.ResponseAccepted events on `survey:{t}:responses`: a new
// response of a cohort drops that cohort's cached evaluation report, so the
// next GetEvaluation computes it from the new data.  For every tenant of a
// TenantSource (the tenant registry: a tenant created at run time is
// followed without a restart), in consumer group `scoring`; position,
// consumer name, takeover of a dead replica's entries, errors and lag are
// lib/events' decisions.  Entries written before events were typed are read
// with events::DecodeLegacySurveyEntry.
#ifndef PELITA_SERVICES_SCORING_FOLLOWER_H_
#define PELITA_SERVICES_SCORING_FOLLOWER_H_

#include <string>

#include "absl/status/statusor.h"
#include "lib/events/follower.h"
#include "lib/redis/redis.h"
#include "services/scoring/store.h"

namespace pelita::scoring {

class SurveyStreamFollower {
 public:
  SurveyStreamFollower(redis::Client* redis, ScoringStore* store, events::TenantSource* tenants,
                       events::FollowerOptions options = {});

  static std::string StreamKey(const std::string& tenant);
  static constexpr char kGroup[] = "scoring";

  events::Follower& follower() { return follower_; }
  // Entries handled so far (events handled, for tests and logs).
  int64_t handled() const { return follower_.stats().handled; }
  absl::StatusOr<int> PollOnce() { return follower_.PollOnce(); }
  void Start() { follower_.Start(); }
  void Stop() { follower_.Stop(); }

 private:
  events::Follower follower_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_FOLLOWER_H_
