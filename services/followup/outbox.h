#ifndef PELITA_SERVICES_FOLLOWUP_OUTBOX_H_
#define PELITA_SERVICES_FOLLOWUP_OUTBOX_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/server/periodic.h"
#include "lib/events/follower.h"
#include "services/followup/followup.h"
#include "lib/notify/senders.h"

namespace pelita::followup {

using notify::Notification;
using notify::Sender;

// The notification outbox.  Creating a task schedules two notifications in
// the tenant's `followup:{t}:outbox` sorted set (member `<task>|remind` at
// 08:00 tenant time three days before the due day, `<task>|overdue` when the
// due day has passed; score = when to send, in ms).  PollOnce sends what is
// due, for every tenant of the registry:
//   1. claim: a script sets a lease and pushes the entry's score to the
//      lease's end, so a process that dies mid-send leaves the entry to be
//      retried after the lease, never lost;
//   2. the task is read: done -> the notification is dropped (recorded
//      "cancelled"); a reminder whose due time already passed is dropped in
//      favour of the overdue notice;
//   3. send; on success one script records it as sent and removes it from
//      the outbox (a recorded notification is never sent again, whatever
//      restarts); on failure the entry is rescheduled with exponential backoff.
// The idempotency key of each notification travels with it (lib/notify/senders.h) for
// the one window left: a crash after delivery and before step 3.
class Outbox {
 public:
  struct Options {
    absl::Duration lease = absl::Minutes(2);
    absl::Duration min_backoff = absl::Seconds(30);
    absl::Duration max_backoff = absl::Hours(1);
    int batch = 100;
    std::string owner = "followup";
  };
  Outbox(FollowUpLogic* logic, Sender* sender, events::TenantSource* tenants, Options options);
  ~Outbox();

  struct Result {
    int sent = 0;
    int failed = 0;
    int dropped = 0;
  };
  // Sends every notification due at the logic's clock, for every tenant.
  absl::StatusOr<Result> PollOnce();
  // What would be sent for `id` (`<task>|<kind>`), for tests and previews.
  absl::StatusOr<Notification> Compose(const std::string& tenant, const std::string& id);

  // PollOnce every `interval` on a thread of its own, until Stop.
  void Start(absl::Duration interval);
  void Stop();

 private:
  absl::StatusOr<Result> PollTenant(const std::string& tenant);

  FollowUpLogic* logic_;
  Sender* sender_;
  events::TenantSource* tenants_;
  Options options_;
  PeriodicThread loop_;
};

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_OUTBOX_H_
