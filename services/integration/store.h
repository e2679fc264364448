#ifndef PELITA_SERVICES_INTEGRATION_STORE_H_
#define PELITA_SERVICES_INTEGRATION_STORE_H_

// Redis keys of the integration service for tenant t (all share the {t} tag):
//   integration:{t}:connection        HASH "siasn" -> SiasnConnection (absent:
//   integration:{t}:connection_ids    ZSET          the defaults, switched off)
//   integration:{t}:unor              HASH unor_id -> UnorMapping
//   integration:{t}:unor_ids          ZSET the unor ids (ResourceTable)
//   integration:{t}:runs              HASH run id -> SyncRun
//   integration:{t}:run_ids           ZSET the run ids (score 0; ids sort newest first)
//   integration:{t}:running           STRING "<run id>|<lease expiry, unix ms>"
//   integration:{t}:seq               STRING the counter behind change and failure ids
//   integration:{t}:changes           HASH change id -> EmployeeChange
//   integration:{t}:change_ids        ZSET every change id (newest first)
//   integration:{t}:change_ids:<nip>  ZSET one employee's change ids
//   integration:{t}:employee_state    HASH nip -> JSON of EmployeeState
//   integration:{t}:failures          HASH failure id -> Failure
//   integration:{t}:failure_ids       ZSET every failure id (newest first, capped)
//   integration:{t}:failure_ids:<kind> ZSET the ids of one kind ("sync", "push")
//   integration:{t}:failure_counts    HASH "<kind>/<code>" -> count (never capped)
//   integration:{t}:totals            HASH records_read, records_changed, pushed, failed
// and one platform key, integration:{platform}:enabled (SET of the tenants
// whose connection is switched on; written after the connection, read by the
// schedule, which checks each tenant's connection again).
//
// Ids that sort newest first: run ids are the inverted start time in
// milliseconds plus a random suffix; change and failure ids are the inverted
// value of the tenant's counter, so a page token (the last id) stays valid
// while new entries arrive.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "lib/store/resource_table.h"
#include "pelita/integration/v1/integration.pb.h"
#include "services/integration/interfaces.h"

namespace pelita::integration {

// The connection of a tenant that never wrote one.
v1::SiasnConnection DefaultConnection(const std::string& tenant);

// What SIASN said last about one employee, and whether it knows them.
struct EmployeeState {
  bool missing = false;
  std::string full_name, unit, position, grade, unor_id;
  absl::Time seen = absl::InfinitePast();
};

// The running totals shown in the status.
struct Totals {
  int64_t records_read = 0;
  int64_t records_changed = 0;
  int64_t pushed = 0;
  int64_t failed = 0;
};

class IntegrationStore : public FailureSink {
 public:
  // `clock` stamps failures (absl::Now when empty); `failure_cap` is how many
  // failures a tenant keeps (the oldest dropped; the counters keep counting).
  explicit IntegrationStore(redis::Client* redis, std::function<absl::Time()> clock = nullptr,
                            int failure_cap = 10000);

  // The tenant's connection, the defaults when never written.
  absl::StatusOr<v1::SiasnConnection> GetConnection(const std::string& tenant);
  // Read-modify-write of the connection (CAS; `mutate` may fail, then nothing
  // is written).  Keeps the platform set of enabled tenants in step.
  absl::StatusOr<v1::SiasnConnection> UpdateConnection(
      const std::string& tenant, const std::function<absl::Status(v1::SiasnConnection&)>& mutate);
  // The tenants whose connection was last written switched on.
  absl::StatusOr<std::vector<std::string>> EnabledTenants();

  // The unor mappings: ids are SIASN's unorId.
  store::ResourceTable UnorMappings(const std::string& tenant);
  // unorId -> unit name (`tenants/{t}/units/{u}`), the whole table at once.
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> UnorTable(const std::string& tenant);

  // Sync runs.  BeginRun stores `run` (its name set, RUNNING) unless another
  // run of the tenant holds a live lease: then `started` is false and `run`
  // the running one.  A run whose lease expired (its process died) is taken
  // over: it is marked FAILED and its id returned in `taken_over`.
  struct BeginResult {
    v1::SyncRun run;
    bool started = false;
    std::string taken_over;
  };
  absl::StatusOr<BeginResult> BeginRun(const std::string& tenant, v1::SyncRun run, absl::Time now,
                                       absl::Duration lease);
  // Writes the run's progress and renews its lease (until now + lease), or,
  // with `final`, writes it and releases the lease.  False (nothing written)
  // when the run no longer holds the lease: it was taken over.
  absl::StatusOr<bool> SaveRun(const std::string& tenant, const v1::SyncRun& run, bool final, absl::Time now,
                               absl::Duration lease);
  // GetRun, ListRuns and LatestRun show a RUNNING run that no longer holds
  // a live lease (its process stopped) as FAILED, as the next start will
  // store it.
  absl::StatusOr<v1::SyncRun> GetRun(const std::string& tenant, const std::string& id);
  absl::StatusOr<v1::ListSyncRunsResponse> ListRuns(const std::string& tenant, int page_size,
                                                    const std::string& page_token);
  absl::StatusOr<std::optional<v1::SyncRun>> LatestRun(const std::string& tenant);

  // Appends changes (all of one employee, `nip`) in one script.
  absl::Status AppendChanges(const std::string& tenant, const std::string& nip,
                             const std::vector<v1::EmployeeChange>& changes);
  // Newest first; only `nip`'s when it is not empty.
  absl::StatusOr<v1::ListEmployeeChangesResponse> ListChanges(const std::string& tenant, const std::string& nip,
                                                              int page_size, const std::string& page_token);

  absl::StatusOr<std::optional<EmployeeState>> GetEmployeeState(const std::string& tenant, const std::string& nip);
  absl::Status PutEmployeeState(const std::string& tenant, const std::string& nip, const EmployeeState& state);

  // FailureSink: assigns name and time, keeps the newest `failure_cap`,
  // counts by kind and code and in the totals.
  absl::Status Record(const std::string& tenant, v1::Failure failure) override;
  // Newest first; only `kind`'s when it is not empty.
  absl::StatusOr<v1::ListFailuresResponse> ListFailures(const std::string& tenant, const std::string& kind,
                                                        int page_size, const std::string& page_token);
  // "<kind>/<code>" -> how many were recorded (trimmed ones included).
  absl::StatusOr<std::map<std::string, int64_t>> FailureCounts(const std::string& tenant);

  absl::Status AddTotals(const std::string& tenant, const Totals& delta);
  absl::StatusOr<Totals> GetTotals(const std::string& tenant);

  redis::Client* redis() { return redis_; }

 private:
  store::ResourceTable Connections(const std::string& tenant);
  store::ResourceTable Runs(const std::string& tenant);
  absl::Status ShowStale(const std::string& tenant, std::vector<v1::SyncRun*> runs, absl::Time now);
  absl::Time Now() const { return clock_ ? clock_() : absl::Now(); }

  redis::Client* redis_;
  std::function<absl::Time()> clock_;
  int failure_cap_;
};

// The last segment of a resource name ("tenants/1/syncRuns/x" -> "x").
std::string LastSegmentOf(const std::string& name);

}  // namespace pelita::integration

#endif  // PELITA_SERVICES_INTEGRATION_STORE_H_
