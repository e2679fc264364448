#ifndef PELITA_SERVICES_ENROLMENT_FOLLOWUP_FOLLOWERS_H_
#define PELITA_SERVICES_ENROLMENT_FOLLOWUP_FOLLOWERS_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "services/enrolment/followup/followup.h"

namespace pelita::enrolment::followup {

// Follows one Redis Stream per tenant with a consumer group: first this
// consumer's own pending entries (delivered before a crash, not acked), then
// new ones, after taking over (XAUTOCLAIM) entries that another consumer
// left pending for longer than `min_idle`.  An entry is acked once its handler succeeded or failed for good
// (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, DATA_LOSS: logged);
// transient failures leave it pending for the next poll.  The group is
// created at the start of the stream (`0`), so events written before the
// first poll are not missed; handlers are idempotent.
class StreamFollower {
 public:
  using Fields = std::map<std::string, std::string>;
  using Handler = std::function<absl::Status(const std::string& tenant, const Fields& fields)>;
  // `stream_key(tenant)` names the stream.
  StreamFollower(redis::Client* redis, std::vector<std::string> tenants,
                 std::function<std::string(const std::string&)> stream_key, std::string group,
                 std::string consumer, Handler handler, int batch = 100,
                 absl::Duration min_idle = absl::Minutes(1));

  // Reads and handles what is there now, without blocking; returns the
  // number of entries handled (acked).
  absl::StatusOr<int> PollOnce();

 private:
  absl::StatusOr<int> PollTenant(const std::string& tenant);

  redis::Client* redis_;
  std::vector<std::string> tenants_;
  std::function<std::string(const std::string&)> stream_key_;
  std::string group_, consumer_;
  Handler handler_;
  int batch_;
  absl::Duration min_idle_;
};

// `enrolment:{t}:events` -> FollowUpLogic::OnCompleted (group `followup`).
StreamFollower MakeEnrolmentFollower(redis::Client* redis, FollowUpLogic* logic,
                                     std::vector<std::string> tenants, std::string consumer);
// `survey:{t}:responses` -> FollowUpLogic::OnSurveyResponse (group
// `followup`): the subject and respondent NIPs come from the serialized
// pelita.survey.v1.Response in `payload`; `time` is the submit time.
StreamFollower MakeSurveyFollower(redis::Client* redis, FollowUpLogic* logic,
                                  std::vector<std::string> tenants, std::string consumer);

}  // namespace pelita::enrolment::followup

#endif  // PELITA_SERVICES_ENROLMENT_FOLLOWUP_FOLLOWERS_H_
