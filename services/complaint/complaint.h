#ifndef PELITA_SERVICES_COMPLAINT_COMPLAINT_H_
#define PELITA_SERVICES_COMPLAINT_COMPLAINT_H_

// ComplaintLogic: the complaint service without gRPC.  Takes the caller and
// the request messages, returns the responses or an absl::Status.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/csv/import_report.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "lib/time/time.h"
#include "services/complaint/importers.h"
#include "services/complaint/store.h"

namespace pelita::complaint {

struct UnitInfo {
  std::string id;  // slug
  std::string display_name;
  int64_t monthly_service_volume = 0;
};

// Where units and their service volume come from (the enrolment service in
// production, a fixed list in tests).
class UnitDirectory {
 public:
  virtual ~UnitDirectory() = default;
  virtual absl::StatusOr<std::vector<UnitInfo>> ListUnits(const std::string& tenant) = 0;
};

// A fixed directory for tests and benchmarks.
class StaticUnitDirectory : public UnitDirectory {
 public:
  void Set(const std::string& tenant, std::vector<UnitInfo> units);
  absl::StatusOr<std::vector<UnitInfo>> ListUnits(const std::string& tenant) override;

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::vector<UnitInfo>> units_ ABSL_GUARDED_BY(mu_);
};

// Pulls the next message of a streamed upload: its chunk, and whether the
// upload was cut there (upload_truncated: the input ends, the file does not);
// false at the end.
using ChunkSource = std::function<bool(std::string* chunk, bool* truncated)>;

class ComplaintLogic {
 public:
  using Clock = std::function<absl::Time()>;
  ComplaintLogic(redis::Client* redis, UnitDirectory* units, Clock clock = absl::Now);
  // Where each tenant's zone comes from (the registry, wired by main); WIB
  // for every tenant until then.  Working days, buckets and times written
  // without an offset are the tenant's.
  void SetTenantZones(TenantZones zones) { zones_ = std::move(zones); }

  absl::StatusOr<v1::Complaint> RecordComplaintUpdate(const Caller& caller,
                                             const v1::RecordComplaintUpdateRequest& request);
  absl::StatusOr<v1::Complaint> GetComplaint(const Caller& caller, const v1::GetComplaintRequest& r);
  absl::StatusOr<v1::ListComplaintsResponse> ListComplaints(const Caller& caller,
                                                            const v1::ListComplaintsRequest& r);
  // `parent` from the first message; chunks streamed in constant memory
  // (rows are written in batches of `batch_rows`).  The answer follows the
  // import contract of pelita/type/v1/import.proto.
  absl::StatusOr<type::v1::ImportResult> ImportCsv(const Caller& caller, const std::string& parent,
                                                   const ChunkSource& next);
  absl::StatusOr<type::v1::ImportResult> ImportOpen311(const Caller& caller,
                                                       const v1::ImportOpen311Request& r);

  absl::StatusOr<v1::ComplaintStatistics> GetComplaintStatistics(const Caller& caller,
                                                        const v1::GetComplaintStatisticsRequest& r);
  // Complaints, transactions and SKM sums per unit per month, in one Redis
  // round trip (at most kMaxBatchUnits units and kMaxBatchMonths months).
  absl::StatusOr<v1::BatchGetUnitMonthsResponse> BatchGetUnitMonths(const Caller& caller,
                                                                   const v1::BatchGetUnitMonthsRequest& r);
  static constexpr int kMaxBatchUnits = 100;
  static constexpr int kMaxBatchMonths = 60;
  absl::StatusOr<v1::ComplaintRateComparison> CompareComplaintRates(
      const Caller& caller, const v1::CompareComplaintRatesRequest& r);

  absl::StatusOr<v1::RecordSatisfactionResponseResponse> RecordSatisfactionResponse(
      const Caller& caller, const v1::RecordSatisfactionResponseRequest& r);
  // For the stream follower: the tenant is the stream's.
  absl::StatusOr<bool> RecordSatisfactionForTenant(const std::string& tenant,
                                                   const v1::SatisfactionResponse& r);
  absl::StatusOr<v1::Satisfaction> GetSatisfaction(const Caller& caller,
                                                   const v1::GetSatisfactionRequest& r);

  // Since when a unit's complaint and SKM data exist (recorded first
  // months, or an organiser's data_since).
  absl::StatusOr<v1::DataCoverage> GetDataCoverage(const Caller& caller, const v1::GetDataCoverageRequest& r);
  absl::StatusOr<v1::ListDataCoverageResponse> ListDataCoverage(const Caller& caller,
                                                                const v1::ListDataCoverageRequest& r);
  // Organisers, admins and internal callers only; sets or clears data_since.
  absl::StatusOr<v1::DataCoverage> UpdateDataCoverage(const Caller& caller,
                                                      const v1::UpdateDataCoverageRequest& r);

  absl::StatusOr<v1::WorkingCalendar> GetWorkingCalendar(const Caller& caller,
                                                  const v1::GetWorkingCalendarRequest& r);
  absl::StatusOr<v1::WorkingCalendar> UpdateWorkingCalendar(const Caller& caller,
                                                     const v1::UpdateWorkingCalendarRequest& r);

  ComplaintStore& store() { return store_; }
  void set_batch_rows(int n) { batch_rows_ = n; }

  // Minimum respondents before an IKM is shown (UU 27/2022; SPEC §2).
  static constexpr int kMinRespondents = 5;

 private:
  // The tenant's calendar in the tenant's zone.
  absl::StatusOr<WorkingCalendar> CalendarOf(const std::string& tenant);
  // The current year in the tenant's zone.
  absl::StatusOr<int> ThisYear(const std::string& tenant);
  struct UnitCache {
    absl::Time fetched = absl::InfinitePast();
    std::vector<UnitInfo> units;
  };
  // Resolves a unit slug, resource name or display name of `tenant`.
  absl::StatusOr<UnitInfo> ResolveUnit(const std::string& tenant, const std::string& text);
  absl::StatusOr<std::vector<UnitInfo>> TenantUnits(const std::string& tenant, bool refresh);

  // A parsed row of an import: its record number, line and update.
  struct ImportRow {
    int64_t row = 0;
    int64_t line = 0;
    ComplaintUpdate update;
  };
  // Writes parsed rows (unit resolved here) and adds to the report; fails
  // when storage or the unit directory is unavailable (nothing known about
  // the batch: the import is interrupted and may be re-run).
  absl::Status WriteRows(const std::string& tenant, std::vector<ImportRow>& rows,
                         const WorkingCalendar& calendar, const CsvComplaintParser* parser,
                         csv::ImportReport* report);

  struct Totals;
  absl::StatusOr<v1::ComplaintStatistics> Statistics(const std::string& tenant,
                                                     const std::string& unit,
                                                     const std::string& category,
                                                     const Window& w);

  redis::Client* redis_;
  UnitDirectory* units_;
  Clock clock_;
  TenantZones zones_ = WibForEveryTenant();
  ComplaintStore store_;
  int batch_rows_ = 500;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, UnitCache> unit_cache_ ABSL_GUARDED_BY(mu_);
};

// Days per month on average (365.25 / 12): a window of d days carries
// volume x d / 30.4375 transactions.
inline constexpr double kDaysPerMonth = 30.4375;

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_COMPLAINT_H_
