#ifndef PELITA_SERVICES_PERFORMANCE_PERFORMANCE_H_
#define PELITA_SERVICES_PERFORMANCE_PERFORMANCE_H_

// PerformanceLogic: the performance service without gRPC.  Takes the caller
// and the request messages, returns the responses or an absl::Status.

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/tenancy/caller.h"
#include "lib/time/time.h"
#include "pelita/performance/v1/performance.pb.h"
#include "pelita/type/v1/import.pb.h"
#include "services/performance/domain.h"
#include "services/performance/roster.h"
#include "services/performance/store.h"

namespace pelita::performance {

// Pulls the next message of a streamed upload: its chunk, and whether the
// upload was cut there; false at the end.
using ChunkSource = std::function<bool(std::string* chunk, bool* truncated)>;

class PerformanceLogic {
 public:
  using Clock = std::function<absl::Time()>;
  PerformanceLogic(redis::Client* redis, Roster* roster, Clock clock = absl::Now);
  // Each tenant's zone (the registry, wired by main): its current month
  // bounds the months accepted.  WIB for every tenant until then.
  void SetTenantZones(TenantZones zones) { zones_ = std::move(zones); }

  absl::StatusOr<v1::ServiceType> CreateServiceType(const Caller& caller, const v1::CreateServiceTypeRequest& r);
  absl::StatusOr<v1::ServiceType> GetServiceType(const Caller& caller, const v1::GetServiceTypeRequest& r);
  absl::StatusOr<v1::ListServiceTypesResponse> ListServiceTypes(const Caller& caller,
                                                                const v1::ListServiceTypesRequest& r);
  absl::StatusOr<v1::ServiceType> UpdateServiceType(const Caller& caller, const v1::UpdateServiceTypeRequest& r);

  absl::StatusOr<v1::BatchRecordServiceMonthsResponse> BatchRecordServiceMonths(
      const Caller& caller, const v1::BatchRecordServiceMonthsRequest& r);
  absl::StatusOr<v1::ServiceMonth> GetServiceMonth(const Caller& caller, const v1::GetServiceMonthRequest& r);
  absl::StatusOr<v1::ListServiceMonthRevisionsResponse> ListServiceMonthRevisions(
      const Caller& caller, const v1::ListServiceMonthRevisionsRequest& r);
  // `parent` from the first message; the chunks read in constant memory
  // (rows written in batches of `batch_rows`).
  absl::StatusOr<type::v1::ImportResult> ImportServiceMonthsCsv(const Caller& caller, const std::string& parent,
                                                                const ChunkSource& next);

  absl::StatusOr<v1::UnitPerformance> GetUnitPerformance(const Caller& caller,
                                                         const v1::GetUnitPerformanceRequest& r);
  absl::StatusOr<v1::BatchGetPerformanceMonthsResponse> BatchGetPerformanceMonths(
      const Caller& caller, const v1::BatchGetPerformanceMonthsRequest& r);

  absl::StatusOr<v1::BatchRecordSkpResponse> BatchRecordSkp(const Caller& caller, const v1::BatchRecordSkpRequest& r);
  absl::StatusOr<v1::Skp> GetSkp(const Caller& caller, const v1::GetSkpRequest& r);
  absl::StatusOr<v1::ListSkpResponse> ListSkp(const Caller& caller, const v1::ListSkpRequest& r);
  // `fill_supervisor`: as BatchRecordSkpRequest's.
  absl::StatusOr<type::v1::ImportResult> ImportSkpCsv(const Caller& caller, const std::string& parent,
                                                      const ChunkSource& next, bool fill_supervisor = false);
  absl::StatusOr<v1::CohortSkpChange> GetCohortSkpChange(const Caller& caller,
                                                         const v1::GetCohortSkpChangeRequest& r);

  static constexpr int kMaxBatch = 1000;
  static constexpr int kMaxBatchUnits = 100;
  static constexpr int kMaxBatchMonths = 60;
  static constexpr int kMaxWindowMonths = 120;
  // Pairs below which a cohort's SKP change is withheld (SPEC min-n).
  static constexpr int kMinPairs = 5;
  void set_batch_rows(int n) { batch_rows_ = n; }
  PerformanceStore& store() { return store_; }

 private:
  // A month of a record to write: where, and its month.
  struct MonthRef {
    std::string unit;
    std::string type;
    absl::CivilMonth month;
  };
  absl::StatusOr<absl::CivilMonth> CurrentMonth(const std::string& tenant);
  // The tenant's units (cached for a minute; refreshed once on a miss).
  absl::StatusOr<std::vector<UnitInfo>> Units(const std::string& tenant, bool refresh);
  // A unit by slug, resource name or display name; NOT_FOUND otherwise.
  absl::StatusOr<UnitInfo> ResolveUnit(const std::string& tenant, const std::string& text);
  // Every service type of the tenant by "<unit>/<type>" (ListServiceTypes
  // of `units/-`; the other calls read the units they name).
  absl::StatusOr<absl::flat_hash_map<std::string, v1::ServiceType>> TypesOf(const std::string& tenant);
  // Writes checked months; fills outcomes and the stored months.
  absl::StatusOr<std::vector<v1::RecordOutcome>> WriteMonths(const std::string& tenant,
                                                             const std::vector<MonthRef>& refs,
                                                             std::vector<v1::ServiceMonth>& months,
                                                             const std::string& source);
  // Fills the roster's supervisors from the appraisers of `records` (see
  // BatchRecordSkpRequest.fill_supervisor); returns how many were filled.
  // The records are stored already: a roster that cannot be reached fills
  // none (logged), it does not fail the write.
  int FillSupervisors(const std::string& tenant, const std::vector<std::pair<std::string, SkpPeriod>>& keys,
                      const std::vector<v1::Skp>& records);
  absl::StatusOr<std::vector<v1::RecordOutcome>> WriteSkp(const std::string& tenant,
                                                          const std::vector<std::pair<std::string, SkpPeriod>>& keys,
                                                          std::vector<v1::Skp>& records, const std::string& source);

  redis::Client* redis_;
  Roster* roster_;
  Clock clock_;
  TenantZones zones_ = WibForEveryTenant();
  PerformanceStore store_;
  int batch_rows_ = 500;
  struct UnitCache {
    absl::Time fetched = absl::InfinitePast();
    std::vector<UnitInfo> units;
  };
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, UnitCache> unit_cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pelita::performance

#endif  // PELITA_SERVICES_PERFORMANCE_PERFORMANCE_H_
