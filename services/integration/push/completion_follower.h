#ifndef PELITA_SERVICES_INTEGRATION_PUSH_COMPLETION_FOLLOWER_H_
#define PELITA_SERVICES_INTEGRATION_PUSH_COMPLETION_FOLLOWER_H_

#include <memory>

#include "lib/events/follower.h"
#include "lib/redis/redis.h"
#include "services/integration/push/outbox.h"

namespace pelita::integration {

// Follows the enrolment stream of every tenant (consumer group
// "integration") and enqueues a push for each EnrolmentCompleted.  Enqueue
// is idempotent, so a redelivered event makes no second push; an event
// whose enrolment name is malformed is a permanent error (dead-lettered by
// the follower).  Every tenant's completions are recorded, connection on or
// off: switching on pushes them.
std::unique_ptr<events::Follower> MakeCompletionFollower(redis::Client* redis, events::TenantSource* tenants,
                                                         Outbox* outbox, events::FollowerOptions options = {});

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_PUSH_COMPLETION_FOLLOWER_H_
