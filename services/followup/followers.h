#ifndef PELITA_SERVICES_FOLLOWUP_FOLLOWERS_H_
#define PELITA_SERVICES_FOLLOWUP_FOLLOWERS_H_

#include <memory>

#include "lib/events/follower.h"
#include "lib/redis/redis.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "pelita/survey/v1/events.pb.h"
#include "services/followup/followup.h"

namespace pelita::followup {

// The follow-up service's two followers, handlers on lib/events (group
// `followup`, the group the follow-up code used inside the enrolment
// service, so a deployed group goes on where it stood):
//   - `enrolment:{t}:events`: On<EnrolmentCompleted> creates the tasks;
//     today's string-map entries through DecodeLegacyEnrolmentEntry;
//   - `survey:{t}:responses`: On<ResponseAccepted> of a follow-up instrument
//     closes the task of its wave; old entries through DecodeLegacySurveyEntry.
// Every tenant of `tenants` (the registry) is followed; a permanent error
// (a malformed event) is dead-lettered to `followup:{t}:deadletter`.
std::unique_ptr<events::Follower> MakeEnrolmentFollower(redis::Client* redis, events::TenantSource* tenants,
                                                        FollowUpLogic* logic, events::FollowerOptions options = {});
std::unique_ptr<events::Follower> MakeSurveyFollower(redis::Client* redis, events::TenantSource* tenants,
                                                     FollowUpLogic* logic, events::FollowerOptions options = {});

// The handlers, for tests.
absl::Status HandleCompleted(FollowUpLogic* logic, const events::EventContext& context,
                             const enrolment::v1::EnrolmentCompleted& event);
absl::Status HandleResponse(FollowUpLogic* logic, const events::EventContext& context,
                            const survey::v1::ResponseAccepted& event);

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_FOLLOWERS_H_
