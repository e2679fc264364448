#ifndef PELITA_SERVICES_INTEGRATION_PUSH_OUTBOX_H_
#define PELITA_SERVICES_INTEGRATION_PUSH_OUTBOX_H_

// The SIASN push outbox (issue 19): every completed enrolment becomes a
// kursus/save and its certificate an upload-dok-rw, exactly once in effect.
//
// PollOnce, for every tenant whose connection is on, claims the due pushes
// one by one (PushStore::Claim, a lease; at most `batch` a round) and works
// each:
//   a) no SIASN record id yet: look for the certificate number in rw-kursus
//      (FindKursusByCertificate).  Found -> MarkSaved(found_existing).  Not
//      found -> data-utama for the pnsOrangId, kursus/save, MarkSaved with
//      the returned id.  A lookup that fails never leads to a save.
//   b) the certificate PDF from the report service -> upload-dok-rw ->
//      MarkDone.
// Every SIASN call first takes a token of the tenant's rate limit.  A
// failure is recorded in the FailureSink and the push retried with backoff
// (UNAVAILABLE, UNAUTHENTICATED, an answer that does not parse) or
// dead-lettered at once (SIASN refused: INVALID_ARGUMENT, NOT_FOUND,
// PERMISSION_DENIED, FAILED_PRECONDITION).  See README.md.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/server/periodic.h"
#include "lib/redis/redis.h"
#include "services/integration/interfaces.h"
#include "services/integration/push/push_sources.h"
#include "services/integration/push/push_store.h"

namespace pelita::integration {

class Outbox : public PushQueue {
 public:
  struct Options {
    // Longer than any push takes (four SIASN calls of at most the client's
    // timeout each, plus rate-limit waits): a lease that runs out while its
    // owner still works lets a second worker in.  It is renewed just before
    // kursus/save, so the save itself always has a whole lease.
    absl::Duration lease = absl::Minutes(5);
    int batch = 50;
    absl::Duration base_backoff = absl::Seconds(30);
    absl::Duration max_backoff = absl::Hours(1);
    PushStore::Jitter jitter = PushStore::Jitter::kFull;
    uint64_t seed = 0;
    // How long a push waits for the rate limit before it is given back.
    absl::Duration rate_wait = absl::Seconds(30);
    // This worker's name in leases; unique per process.
    std::string owner = "integration-push";
    // kursus/save's institusiPenyelenggara for a tenant; by default
    // "BKPSDM" and the tenant's SIASN instansi id (README.md).
    std::function<std::string(const std::string& tenant, const v1::SiasnConnection& settings)> institusi;
    std::function<absl::Time()> clock;  // absl::Now when empty.
    // Told of every push that ended this round, with "done" or "dead" (the
    // service counts them in its totals and on /metrics).
    std::function<void(const std::string& tenant, const char* result)> on_ended;
  };

  Outbox(redis::Client* redis, ConnectionSource* connections, SiasnClients* clients, RateLimiter* limiter,
         FailureSink* failures, PushSources* sources, Options options);
  ~Outbox() override;

  // The follower's entry: records the completion (idempotent).
  absl::StatusOr<bool> Enqueue(const std::string& tenant, const std::string& enrolment, const std::string& nip);

  struct Result {
    int done = 0;    // uploaded (DONE) this round
    int failed = 0;  // failed attempts, retried later
    int dead = 0;    // dead-lettered this round
    int released = 0;  // given back untouched (rate limit)
  };
  // One round over every enabled tenant.  The first tenant error, if any
  // (the other tenants were still served).
  absl::StatusOr<Result> PollOnce();
  // PollOnce every `interval` on a thread of its own, until Stop.
  void Start(absl::Duration interval);
  void Stop();

  // PushQueue.
  absl::StatusOr<v1::ListPushesResponse> List(const v1::ListPushesRequest& request) override;
  absl::StatusOr<v1::Push> Get(const std::string& name) override;
  absl::StatusOr<v1::Push> Retry(const std::string& name) override;
  absl::StatusOr<PushCounts> Counts(const std::string& tenant) override;

  PushStore* store() { return &store_; }

 private:
  enum class Outcome { kDone, kFailed, kDead, kReleased };
  absl::StatusOr<Result> PollTenant(const std::string& tenant);
  absl::StatusOr<Outcome> Work(const std::string& tenant, const Connection& connection, siasn::SiasnClient* client,
                               v1::Push push);
  // Records the failure and reschedules or dead-letters the push.
  absl::StatusOr<Outcome> Failed(const std::string& tenant, const Connection& connection, const v1::Push& push,
                                 const absl::Status& error, const char* step, bool from_siasn);
  bool Acquire(const std::string& tenant, const Connection& connection);

  ConnectionSource* connections_;
  SiasnClients* clients_;
  RateLimiter* limiter_;
  FailureSink* failures_;
  PushSources* sources_;
  Options options_;
  PushStore store_;
  PeriodicThread loop_;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_PUSH_OUTBOX_H_
