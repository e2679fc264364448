#ifndef PELITA_SERVICES_COMPLAINT_SKM_FOLLOWER_H_
#define PELITA_SERVICES_COMPLAINT_SKM_FOLLOWER_H_

#include <string>

#include "absl/status/statusor.h"
#include "lib/events/follower.h"
#include "lib/redis/redis.h"
#include "pelita/survey/v1/events.pb.h"
#include "services/complaint/complaint.h"

namespace pelita::complaint {

// The complaint service's handler of the survey service's
// pelita.survey.v1.ResponseAccepted events on `survey:{t}:responses`
// (KeyBuilder("survey", t).Key("responses")), for every tenant of
// `tenants` (the tenant registry): each response of kind `skm` is recorded
// as a satisfaction response (PermenPANRB 14/2017), idempotently by the
// response name, so a redelivery changes nothing.  Every other kind is
// acknowledged untouched.  Group `complaint`; everything else a follower
// decides (position, consumer name, takeover, errors, lag) is lib/events'.
// Entries written before events were typed are read with
// events::DecodeLegacySurveyEntry.
class SkmFollower {
 public:
  SkmFollower(redis::Client* redis, ComplaintLogic* logic, events::TenantSource* tenants,
              events::FollowerOptions options = {});

  // The stream followed for `tenant`.
  static std::string StreamKey(const std::string& tenant);
  static constexpr char kGroup[] = "complaint";

  // The satisfaction response an SKM event stands for: U1..U9 from the
  // answers (0 = not answered; out-of-range scores are kept so that
  // validation refuses the response).
  static v1::SatisfactionResponse FromEvent(const survey::v1::ResponseAccepted& event);

  events::Follower& follower() { return follower_; }
  absl::StatusOr<int> PollOnce() { return follower_.PollOnce(); }
  void Start() { follower_.Start(); }
  void Stop() { follower_.Stop(); }

 private:
  events::Follower follower_;
};

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_SKM_FOLLOWER_H_
