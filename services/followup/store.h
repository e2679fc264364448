#ifndef PELITA_SERVICES_FOLLOWUP_STORE_H_
#define PELITA_SERVICES_FOLLOWUP_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/key_builder.h"
#include "pelita/followup/v1/followup.pb.h"

namespace pelita::followup {

// The follow-up service's Redis keys and scripts, all under
// KeyBuilder("followup", t) — `followup:{t}:…`, the tenant's hash tag, so
// every script runs on a Redis Cluster too.  The names are those the
// follow-up code used inside the enrolment service, so existing data keeps
// working as it is (no migration):
//   plan:<p>/<c>:<nip>      STRING ActionPlan bytes
//   cplans:<p>/<c>          ZSET (lex) NIPs with a plan in the cohort
//   stats:c:<p>/<c>         HASH counters of the cohort / unit (tasks, done,
//   stats:u:<u>             late, plans_<state>, actions, actions_<status>)
//   task:<id>               STRING FollowUpTask bytes
//   all:t, all:c:<p>/<c>, all:u:<u>     ZSET task ids by due time (ms)
//   open:t, open:c:<p>/<c>, open:u:<u>  ZSET the open ones, by due time
//   ptasks:<p>/<c>:<nip>    ZSET a participant's tasks by due time
//   seen                    HASH response name -> task it closed
//   outbox                  ZSET `<task>|remind` / `<task>|overdue` by send time
//   sent, lease, attempts   HASH per notification: record / lease / failures
//   deadletter              STREAM stream entries that failed for good (lib/events)
// Stored messages are pelita.followup.v1 protos; those written while the
// messages lived in pelita.enrolment.v1 have the same wire format.
class FollowUpStore {
 public:
  explicit FollowUpStore(redis::Client* redis) : redis_(redis) {}

  static KeyBuilder Keys(const std::string& tenant) { return KeyBuilder("followup", tenant); }

  // A stored value with the bytes it was read from (for compare-and-set).
  template <typename T>
  struct Stored {
    T value;
    std::string bytes;
  };

  // The plan of `nip` in cohort `ck` ("<p>/<c>"); nullopt when none.
  absl::StatusOr<std::optional<Stored<v1::ActionPlan>>> GetPlan(const std::string& tenant,
                                                                const std::string& ck,
                                                                const std::string& nip);
  // Writes `plan` if the stored bytes are still `expected` ("" = absent),
  // and applies `delta` to the cohort's and unit's counters in the same
  // script.  ABORTED when the plan changed meanwhile.
  absl::Status PutPlan(const std::string& tenant, const std::string& ck, const std::string& nip,
                       const std::string& unit_id, const std::string& expected, const v1::ActionPlan& plan,
                       const std::vector<std::pair<std::string, int64_t>>& delta);

  // Creates a task (in every index, counted, with its two notifications)
  // unless it exists.  Returns whether it was created.
  struct NewTask {
    std::string id, ck, unit_id, nip;
    int64_t due_ms = 0, remind_ms = 0;
  };
  absl::StatusOr<bool> CreateTask(const std::string& tenant, const NewTask& key, const v1::FollowUpTask& task);

  absl::StatusOr<std::optional<Stored<v1::FollowUpTask>>> GetTask(const std::string& tenant,
                                                                  const std::string& id);
  // Many tasks in one round trip (MGET), in the order of `ids`; a missing
  // one is nullopt.
  absl::StatusOr<std::vector<std::optional<Stored<v1::FollowUpTask>>>> GetTasks(const std::string& tenant,
                                                                                const std::vector<std::string>& ids);
  // Many plans in one round trip: (cohort key, NIP) each; missing: nullopt.
  absl::StatusOr<std::vector<std::optional<Stored<v1::ActionPlan>>>> GetPlans(
      const std::string& tenant, const std::vector<std::pair<std::string, std::string>>& ck_nips);
  // A participant's tasks in a cohort, by due time (ids beside them).
  absl::StatusOr<std::vector<std::pair<std::string, Stored<v1::FollowUpTask>>>> ParticipantTasks(
      const std::string& tenant, const std::string& ck, const std::string& nip);
  // Whether the response already closed a task.
  absl::StatusOr<bool> SeenResponse(const std::string& tenant, const std::string& response);
  // Closes task `id` (stored bytes still `expected`) for `response`: out of
  // the open indexes, counted done (and late), the response recorded as
  // seen.  Returns false when the response was seen already; ABORTED when
  // the task changed meanwhile.
  absl::StatusOr<bool> CloseTask(const std::string& tenant, const std::string& id, const std::string& ck,
                                 const std::string& unit_id, const std::string& expected,
                                 const v1::FollowUpTask& task, const std::string& response, bool late);

  // Task ids of a scope ("t", "c:<p>/<c>", "u:<u>"), all or only the open
  // ones, with due time <= max_ms (max_exclusive: <), from `offset`, at most
  // `limit`.
  absl::StatusOr<std::vector<std::string>> TaskIds(const std::string& tenant, bool open,
                                                   const std::string& scope, int64_t max_ms, bool max_exclusive,
                                                   bool unbounded, int64_t offset, int64_t limit);

  // What a summary reads in one pipeline: the counters, the number and the
  // first `max_listed` ids of open tasks due by `now_ms`, and (cohort
  // summaries, `ck` not empty) the first `max_listed` NIPs with a plan and
  // their plans.
  struct SummaryData {
    std::map<std::string, int64_t> counters;
    int64_t overdue = 0;
    std::vector<std::string> overdue_ids;
    std::vector<std::pair<std::string, v1::ActionPlan>> plans;  // nip, plan
  };
  absl::StatusOr<SummaryData> Summary(const std::string& tenant, const std::string& scope,
                                      const std::string& ck, int64_t now_ms, int max_listed);

  // The notification outbox (outbox.h).
  absl::StatusOr<std::vector<std::string>> DueNotifications(const std::string& tenant, int64_t now_ms,
                                                            int batch);
  // Claims `id` until `lease_end_ms` for `owner`: false when it was sent
  // already (then it leaves the outbox) or is leased by another.
  absl::StatusOr<bool> ClaimNotification(const std::string& tenant, const std::string& id, int64_t now_ms,
                                         int64_t lease_end_ms, const std::string& owner);
  // Records it (`sent <ms>` / `cancelled <ms>`) and removes it, atomically.
  absl::Status FinishNotification(const std::string& tenant, const std::string& id, const std::string& record);
  // Counts a failure and schedules a retry at `retry_ms`; returns failures so far.
  absl::StatusOr<int64_t> FailNotification(const std::string& tenant, const std::string& id, int64_t retry_ms);
  absl::StatusOr<int64_t> NotificationAttempts(const std::string& tenant, const std::string& id);
  // The record of a finished notification ("" when none).
  absl::StatusOr<std::string> NotificationRecord(const std::string& tenant, const std::string& id);

 private:
  redis::Client* redis_;
};

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_STORE_H_
