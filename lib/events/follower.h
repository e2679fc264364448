#ifndef PELITA_LIB_EVENTS_FOLLOWER_H_
#define PELITA_LIB_EVENTS_FOLLOWER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "lib/metrics/metrics.h"
#include "lib/redis/redis.h"

namespace pelita::events {

// The tenants whose streams a follower reads.  The registry client
// (lib/registry) is the real one: it lists the registry's tenants and
// learns of new ones at run time.  Called once per polling round, so it
// must be cheap (a cached copy).
class TenantSource {
 public:
  virtual ~TenantSource() = default;
  virtual std::vector<std::string> Tenants() = 0;
};

// A fixed set, for tests and tools; Set() changes it at run time.
class FixedTenants : public TenantSource {
 public:
  explicit FixedTenants(std::vector<std::string> tenants) : tenants_(std::move(tenants)) {}
  std::vector<std::string> Tenants() override {
    absl::MutexLock lock(&mu_);
    return tenants_;
  }
  void Set(std::vector<std::string> tenants) {
    absl::MutexLock lock(&mu_);
    tenants_ = std::move(tenants);
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> tenants_ ABSL_GUARDED_BY(mu_);
};

// What a handler learns about the entry besides the event.
struct EventContext {
  std::string tenant;
  std::string stream;  // the stream key
  std::string id;      // the entry id, "<ms>-<seq>"
  std::string type;    // the event's full type name
  absl::Time published;  // from the entry id
};

// The fields of a stream entry, in order.
using Fields = std::vector<std::pair<std::string, std::string>>;

// Turns an entry of the format used before typed events (string field maps,
// of enrolment and survey before EnrolmentCompleted and ResponseAccepted)
// into the typed event it stands for, so that old entries keep working while
// the streams roll over.  Returns nullptr for an entry that is no event of
// interest (acked and counted as unknown); an error is handled like a
// handler's error.  See lib/events/legacy.h for the two of today's streams.
using LegacyDecoder = std::function<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(
    const EventContext& context, const Fields& fields)>;

// The consumer name of this process in every consumer group: $PELITA_CONSUMER
// when set, else "<host>-<pid>" where the host is $HOSTNAME (the pod name in
// Kubernetes) or gethostname().  Unique per pod and per process, so that
// replicas never share a name (two consumers with one name would read each
// other's pending entries as their own); a restarted pod gets a new name
// and its predecessor's pending entries are taken over after claim_idle.
std::string ConsumerName();

struct FollowerOptions {
  // The following service ("scoring"): the default group name, and the
  // owner of the dead-letter stream KeyBuilder(service, tenant).Key("deadletter").
  std::string service;
  // The consumer group; default `service`.
  std::string group;
  // Default ConsumerName().
  std::string consumer;

  enum class Delivery {
    // A consumer group: every event is handled once by one replica of the
    // following service (work: update an aggregate, create a task).
    kShared,
    // No group: every process sees every event published after it started
    // (caches: the registry client).  Failures are logged and skipped; there
    // is no dead-letter stream and no takeover.
    kEveryProcess,
  };
  Delivery delivery = Delivery::kShared;

  // Entries read per call.
  int batch = 100;
  // After a round that found nothing, wait this long (or until Stop).  The
  // follower polls without BLOCK so that one thread serves every tenant's
  // stream (a blocking read holds a connection per stream, and streams of
  // different tenants live in different Cluster slots, so one read cannot
  // cover them).
  absl::Duration idle_poll = absl::Milliseconds(100);
  // Entries delivered to another consumer and not acked for this long are
  // taken over (XAUTOCLAIM): that consumer is taken to be dead.  Longer than
  // any handler runs.
  absl::Duration claim_idle = absl::Minutes(1);
  // How often lag is measured per tenant.
  absl::Duration lag_interval = absl::Seconds(5);
  // A tenant whose stream failed (Redis down, a transient handler error)
  // is left alone for this long, doubling up to max_backoff.
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(30);
  // Transient failures of one entry before it is dead-lettered anyway, so
  // that an entry that keeps failing cannot block its tenant's stream for
  // ever (with the backoff, 20 attempts are about 5 minutes).
  int max_attempts = 20;
  // Dead-letter streams are capped like event streams.
  int64_t dead_letter_maxlen = 10000;
  // Consumers of the group with nothing pending and idle this long are
  // deleted (pods come and go; their names would pile up).
  absl::Duration consumer_expiry = absl::Hours(24);
};

// Follows one publisher's event stream of every tenant of a TenantSource,
// dispatching each entry to the typed handler of its event.  It makes, once
// for every consumer in Pelita, these decisions:
//
// - Group position: a group is created at the START of the stream ("0",
//   MKSTREAM), not at its end: events written before the follower first saw
//   the tenant (a new regency's first enrolments, written before discovery)
//   or before the follower was deployed are handled too.  Retention is
//   bounded by MAXLEN, so so is the first replay; handlers are idempotent.
// - Consumer name: ConsumerName(), one per process.
// - Own pending entries (delivered before a crash, not acked) are read
//   first ("0"), then new ones (">").
// - Takeover: entries idle longer than claim_idle in another consumer are
//   claimed with XAUTOCLAIM and handled here; consumers idle past
//   consumer_expiry with nothing pending are deleted.
// - Missing group or stream (NOGROUP: the stream was deleted or never
//   existed): the group is created again and following goes on.
// - Handler errors: IsTransient (lib/status/transient.h) ones leave the
//   entry pending and the tenant's stream pauses with backoff (order is
//   kept: nothing after it is handled first); after max_attempts, or at
//   once for a permanent error, the entry is DEAD-LETTERED: it is copied,
//   with the error, group and entry id, to the follower's dead-letter stream
//   KeyBuilder(service, tenant).Key("deadletter") and acknowledged in one
//   script (same hash tag, so atomic on a Cluster too), and logged; the
//   stream goes on.  Replaying a dead letter is an operator's decision.
// - XACK replies are checked: an error fails the round (the entries are
//   read again: at-least-once) and is counted.
// - An entry of a type no handler is registered for is acked and counted
//   (pelita_events_handled_total{outcome="unknown"}).  An entry without
//   event_type goes to the legacy decoder, if any.
// - Lag: per tenant, entries not yet handled by the group (pending plus not
//   yet delivered) and the age of the oldest of them, as metrics
//   (lib/metrics FollowerMetrics) and through Lag().
// - Tenants: TenantSource::Tenants() is asked every round, so a tenant
//   created in the registry is followed within a round, without a restart.
// - Stop() ends the loop after the handler in progress; nothing is lost
//   (what was not acked is read again next time).
class Follower {
 public:
  // `publisher` names the publishing service in logs and metrics
  // ("enrolment"); `stream_key(tenant)` gives its stream for a tenant
  // (events::StreamKey(publisher, tenant) for new streams).
  Follower(redis::Client* redis, TenantSource* tenants, std::string publisher,
           std::function<std::string(const std::string& tenant)> stream_key, FollowerOptions options);
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Registers the handler of event type E (a generated message class).
  // Call before Start.  An entry whose bytes do not parse as E is a
  // permanent DATA_LOSS error (dead-lettered).
  template <typename E>
  Follower& On(std::function<absl::Status(const EventContext&, const E&)> handler) {
    handlers_[std::string(E::descriptor()->full_name())] =
        [handler = std::move(handler)](const EventContext& context, const std::string& data) -> absl::Status {
      E event;
      if (!event.ParseFromString(data)) {
        return absl::DataLossError(absl::StrCat(context.type, " ", context.id, " does not parse"));
      }
      return handler(context, event);
    };
    return *this;
  }
  // Call before Start.
  Follower& SetLegacyDecoder(LegacyDecoder decoder) {
    legacy_ = std::move(decoder);
    return *this;
  }

  // Starts the polling thread.
  void Start();
  // Stops it and waits for it; idempotent.
  void Stop();

  // One round over every tenant without waiting (the loop's body; tests
  // call it directly instead of Start).  Returns the entries handled
  // (acked, dead-lettered or skipped as unknown); the first tenant's error
  // when any failed (the other tenants were still served).
  absl::StatusOr<int> PollOnce();

  struct Lag {
    int64_t entries = 0;       // not yet handled by the group
    absl::Duration oldest;     // age of the oldest of them (0 when none)
  };
  // Measures the group's lag on one tenant's stream now.  In the
  // kEveryProcess mode call it from the polling thread or while stopped.
  absl::StatusOr<Lag> MeasureLag(const std::string& tenant);

  struct Stats {
    int64_t handled = 0;        // handler returned OK
    int64_t unknown = 0;        // no handler / not an event: acked
    int64_t dead_lettered = 0;  // permanent failure (or too many attempts)
    int64_t retried = 0;        // transient failure, left pending
    int64_t claimed = 0;        // taken over from another consumer
    int64_t ack_errors = 0;     // XACK (or the dead-letter script) failed
  };
  Stats stats() const;
  const FollowerOptions& options() const { return options_; }
  const std::string& consumer() const { return options_.consumer; }

 private:
  using Handler = std::function<absl::Status(const EventContext&, const std::string& data)>;
  struct TenantState {
    bool group_ready = false;
    bool pending_done = false;
    std::string last_id;  // kEveryProcess: the last entry seen
    absl::Time last_claim = absl::InfinitePast();
    absl::Time last_lag = absl::InfinitePast();
    absl::Time retry_at = absl::InfinitePast();
    absl::Duration backoff;
  };
  // What became of one entry.
  enum class Outcome { kAck, kDeadLettered, kRetry };

  void Loop();
  absl::StatusOr<int> PollTenant(const std::string& tenant, TenantState& state);
  absl::StatusOr<int> PollShared(const std::string& tenant, const std::string& key, TenantState& state);
  absl::StatusOr<int> PollEveryProcess(const std::string& tenant, const std::string& key,
                                       TenantState& state);
  absl::Status EnsureGroup(const std::string& key, TenantState& state);
  absl::StatusOr<int> Claim(const std::string& tenant, const std::string& key, TenantState& state,
                            bool* stopped);
  void ExpireConsumers(const std::string& key);
  // Handles entries [id, fields] in order; stops at the first that must be
  // retried.  Acks what was handled.
  absl::StatusOr<int> HandleEntries(const std::string& tenant, const std::string& key,
                                    const std::vector<redis::Reply>& entries, TenantState& state,
                                    bool* stopped);
  Outcome Handle(const std::string& tenant, const std::string& key, const redis::Reply& entry);
  absl::Status DeadLetter(const std::string& tenant, const std::string& key, const std::string& id,
                          const std::string& type, const absl::Status& error, const std::string& data,
                          const Fields& raw);

  redis::Client* redis_;
  TenantSource* tenants_;
  const std::string publisher_;
  std::function<std::string(const std::string&)> stream_key_;
  FollowerOptions options_;
  absl::flat_hash_map<std::string, Handler> handlers_;
  LegacyDecoder legacy_;
  metrics::FollowerMetrics metrics_;

  // Only the polling thread (or a test calling PollOnce) touches these.
  absl::flat_hash_map<std::string, TenantState> states_;
  absl::flat_hash_map<std::string, int> attempts_;  // entry key -> transient failures

  std::atomic<int64_t> handled_{0}, unknown_{0}, dead_lettered_{0}, retried_{0}, claimed_{0},
      ack_errors_{0};
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace pelita::events

#endif  // PELITA_LIB_EVENTS_FOLLOWER_H_
