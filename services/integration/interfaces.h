#ifndef PELITA_SERVICES_INTEGRATION_INTERFACES_H_
#define PELITA_SERVICES_INTEGRATION_INTERFACES_H_

// The seams between the parts of the integration service: the roster sync
// (sync.h), the push outbox (outbox.h) and the connection store
// (store.h) meet only here, so that each is testable with fakes and the
// real ones are wired in main.cc.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/siasn/siasn_client.h"
#include "pelita/integration/v1/integration.pb.h"

namespace pelita::integration {

// A tenant's connection as the workers need it: the settings (from Redis)
// and the credentials (from the tenant's mounted Kubernetes secret; empty
// strings when it is not mounted).  Credentials are never stored in Redis,
// never logged, never put in an error message.
struct Connection {
  integration::v1::SiasnConnection settings;
  siasn::Credentials credentials;
};

class ConnectionSource {
 public:
  virtual ~ConnectionSource() = default;
  // The tenant's connection; a tenant that never updated it has the
  // defaults (switched off).
  virtual absl::StatusOr<Connection> Get(const std::string& tenant) = 0;
  // The tenants whose connection is switched on (cheap: a cached copy
  // refreshed now and then is fine).
  virtual std::vector<std::string> EnabledTenants() = 0;
};

// One SIASN client per tenant, built from its connection and kept (with its
// tokens) until the connection's settings or credentials change.
class SiasnClients {
 public:
  virtual ~SiasnClients() = default;
  // FAILED_PRECONDITION when the tenant's connection is off or has no
  // credentials.
  virtual absl::StatusOr<std::shared_ptr<siasn::SiasnClient>> For(const std::string& tenant) = 0;
};

// The per-tenant limit of calls to SIASN, shared by the sync and the
// outbox of one process (rate_limiter.h).
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Blocks until the tenant may make one more call at `per_second` calls a
  // second, or until `deadline`; false when the deadline came first.
  virtual bool Acquire(const std::string& tenant, double per_second, absl::Time deadline) = 0;
};

// Where sync and push failures are recorded (ListFailures, the status and
// the failure counters of /metrics).  `failure.name` and `time` are
// assigned by the sink.
class FailureSink {
 public:
  virtual ~FailureSink() = default;
  virtual absl::Status Record(const std::string& tenant, integration::v1::Failure failure) = 0;
};

// The push outbox as the API sees it (push/outbox.h implements it): the
// grpc service lists, reads and retries pushes and counts them for the
// status through this.
struct PushCounts {
  int pending = 0;
  int saved = 0;
  int done = 0;
  int dead = 0;
};
class PushQueue {
 public:
  virtual ~PushQueue() = default;
  // `parent` = `tenants/{t}`; state UNSPECIFIED = every state.  Newest first.
  virtual absl::StatusOr<integration::v1::ListPushesResponse> List(const integration::v1::ListPushesRequest& request) = 0;
  virtual absl::StatusOr<integration::v1::Push> Get(const std::string& name) = 0;
  // DEAD (or PENDING with attempts) -> PENDING now, attempts from zero;
  // DONE is FAILED_PRECONDITION; an unknown push NOT_FOUND.
  virtual absl::StatusOr<integration::v1::Push> Retry(const std::string& name) = 0;
  virtual absl::StatusOr<PushCounts> Counts(const std::string& tenant) = 0;
};

// Starts a roster sync of a tenant (sync.h): the new run, or the one
// already running; FAILED_PRECONDITION CONNECTION_OFF when the connection
// is switched off.  `trigger` is "manual" or "schedule".
class SyncStarter {
 public:
  virtual ~SyncStarter() = default;
  virtual absl::StatusOr<integration::v1::SyncRun> Start(const std::string& tenant, const std::string& trigger) = 0;
};

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_INTERFACES_H_
