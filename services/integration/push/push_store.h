#ifndef PELITA_SERVICES_INTEGRATION_PUSH_PUSH_STORE_H_
#define PELITA_SERVICES_INTEGRATION_PUSH_PUSH_STORE_H_

// The push outbox's records in Redis: one Push per completed enrolment, a
// due index and leases.  Keys (KeyBuilder("integration", tenant), so every
// key of a tenant shares its hash tag and the scripts are atomic on a
// Cluster too):
//   push:rec:{id}     the Push (serialized proto), id = {program}.{cohort}.{nip}
//   push:due          sorted set id -> next attempt (Unix ms); PENDING and
//                     SAVED pushes only
//   push:lease        hash id -> "<lease end ms> <owner>"
//   push:all          sorted set (scores 0) of "<13-digit inverted create ms>|<id>",
//                     so that ZRANGEBYLEX lists newest first with a stable
//                     page token
//   push:state:{n}    the same members per state (n = Push.State number)
// Every write is one script that compares the record's bytes with the ones
// read (compare-and-set; lib/store/cas.h retries a lost race) and moves the
// indexes with it, so a record and its indexes never disagree.

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/key_builder.h"
#include "pelita/integration/v1/integration.pb.h"
#include "services/integration/interfaces.h"

namespace pelita::integration {

using v1::Push;

// The push id of an enrolment name
// (`tenants/{t}/programs/{p}/cohorts/{c}/enrolments/{nip}` ->
// `{p}.{c}.{nip}`); INVALID_ARGUMENT when the name is not one of `tenant`'s
// enrolments.
absl::StatusOr<std::string> PushIdOf(const std::string& tenant, const std::string& enrolment);
std::string PushName(const std::string& tenant, const std::string& id);

class PushStore {
 public:
  enum class Jitter {
    // uniform in [0, min(max, base * 2^attempts)] (AWS's "full jitter").
    kFull,
    // uniform in [base, min(max, 3 * previous delay)] ("decorrelated").
    kDecorrelated,
  };
  struct Options {
    absl::Duration base_backoff = absl::Seconds(30);
    absl::Duration max_backoff = absl::Hours(1);
    Jitter jitter = Jitter::kFull;
    // Seed of the jitter (0 = from std::random_device); tests fix it.
    uint64_t seed = 0;
    std::function<absl::Time()> clock;  // absl::Now when empty.
  };

  PushStore(redis::Client* redis, Options options);

  // Creates the push of `enrolment` PENDING and due now, unless it exists
  // (an event delivered twice makes one push).  Returns the push and
  // whether it was created now.
  absl::StatusOr<std::pair<Push, bool>> Enqueue(const std::string& tenant, const std::string& enrolment,
                                                const std::string& nip);

  // Claims up to `batch` due pushes in one script: each gets a lease held by
  // `owner` until now + `lease`, and its due time moves to the lease's end,
  // so a process that dies mid-push leaves it to be claimed again then.
  // A push leased by someone else (lease not yet over) is skipped.
  absl::StatusOr<std::vector<Push>> Claim(const std::string& tenant, int batch, absl::Duration lease,
                                          const std::string& owner);

  // Extends `owner`'s lease on a claimed push to now + `lease` (and its due
  // time with it), just before a step that must not run twice at once: the
  // outbox renews before kursus/save, so that a push whose earlier steps
  // were slow cannot be claimed by a second worker while its save is on the
  // wire.  FAILED_PRECONDITION LEASE_LOST, changing nothing, when another
  // worker has claimed it since (the caller then stops without saving).
  absl::Status Renew(const std::string& tenant, const std::string& id, absl::Duration lease,
                     const std::string& owner);

  // The following take `owner` (the claimant; "" = no lease check, for
  // tools and tests): a write by a process whose lease was taken over is
  // FAILED_PRECONDITION LEASE_LOST and changes nothing.
  //
  // kursus/save happened (or was found in rw-kursus): SAVED with the record
  // id, stored at once so that no later attempt saves again.
  absl::StatusOr<Push> MarkSaved(const std::string& tenant, const std::string& id,
                                 const std::string& siasn_record_id, bool found_existing,
                                 const std::string& owner, const std::string& certificate_number = "");
  // The certificate is uploaded: DONE, out of the due index, lease released.
  absl::StatusOr<Push> MarkDone(const std::string& tenant, const std::string& id, const std::string& owner);
  // A failed attempt: attempts + 1, last_error; DEAD when not retryable or
  // when attempts reach max_attempts, else due again after the backoff
  // (never before `retry_after`).  The lease is released.
  absl::StatusOr<Push> Fail(const std::string& tenant, const std::string& id, const std::string& error,
                            bool retryable, std::optional<absl::Duration> retry_after, int max_attempts,
                            const std::string& owner);
  // Gives a claimed push back untouched (due now, not counted as an
  // attempt): the outbox could not start on it (rate limit wait too long).
  absl::StatusOr<Push> Release(const std::string& tenant, const std::string& id, const std::string& owner);
  // RetryPush: DEAD or PENDING -> PENDING (SAVED when the record id is
  // known) due now, attempts 0.  DONE is FAILED_PRECONDITION.
  absl::StatusOr<Push> Retry(const std::string& tenant, const std::string& id);

  // NOT_FOUND when absent.
  absl::StatusOr<Push> Get(const std::string& tenant, const std::string& id);
  // Newest first; state UNSPECIFIED = all.  page_size as AIP-158
  // (lib/store/paging.h); a bad token is INVALID_ARGUMENT.
  absl::StatusOr<v1::ListPushesResponse> List(const std::string& tenant, Push::State state, int page_size,
                                              const std::string& page_token);
  absl::StatusOr<PushCounts> Counts(const std::string& tenant);

  // The delay after the `attempts`-th failure (attempts counted before this
  // one) given the previous delay (for decorrelated jitter).  Public for tests.
  absl::Duration Backoff(int attempts, absl::Duration previous);

  absl::Time Now() const { return options_.clock ? options_.clock() : absl::Now(); }

 private:
  struct Stored {
    Push push;
    std::string bytes;
  };
  KeyBuilder Keys(const std::string& tenant) const { return KeyBuilder("integration", tenant); }
  absl::StatusOr<Stored> Read(const std::string& tenant, const std::string& id);
  // Read, `change` (which may refuse with a status), write if unchanged;
  // lost races are retried.  `due_ms`: "" removes from the due index,
  // "keep" leaves it, a number sets it.
  absl::StatusOr<Push> Update(const std::string& tenant, const std::string& id, const std::string& owner,
                              bool clear_lease,
                              const std::function<absl::StatusOr<std::string>(Push&)>& change);

  redis::Client* redis_;
  Options options_;
  absl::Mutex mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_PUSH_PUSH_STORE_H_
