#ifndef PELITA_SERVICES_COMPLAINT_STORE_H_
#define PELITA_SERVICES_COMPLAINT_STORE_H_

// Redis keys of the complaint service for tenant t (all share the {t} tag):
//   complaint:{t}:complaints            HASH id -> ComplaintRecord bytes
//   complaint:{t}:complaint_ids         ZSET ids (score 0), for paging
//   complaint:{t}:units                 SET unit ids with data
//   complaint:{t}:cb:<unit>:<bucket>    HASH "<category>|<metric>" -> count;
//                                       bucket y2026 / m202603 / d20260315;
//                                       "*|recv", "*|closed": all categories
//   complaint:{t}:sb:<unit>:<bucket>    HASH SKM totals: n, s1..s9, c1..c9,
//                                       rs, rq (Σ and Σ² of respondent scores)
//   complaint:{t}:skm_seen              SET names of recorded SKM responses
//   complaint:{t}:calendar              HASH YYYY-MM-DD -> "h|desc" / "c|desc"
//   complaint:{t}:calendar_init         STRING set once the defaults are in
//   complaint:{t}:coverage              HASH "c:<unit>" -> YYYYMM first month
//                                       with a complaint received, "s:<unit>"
//                                       -> YYYYMM first month with an SKM
//                                       response (both only move earlier),
//                                       "d:<unit>" -> YYYY-MM-DD data_since
// A complaint write is one Lua script: compare-and-set of the record plus
// the HINCRBYs of its bucket diff, so counters and records never disagree.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/redis/redis.h"
#include "lib/store/resource_table.h"
#include "lib/tenancy/tenancy.h"
#include "services/complaint/calendar.h"
#include "services/complaint/domain.h"
#include "services/complaint/stats_math.h"

namespace pelita::complaint {

using BucketFields = std::map<std::string, std::string>;

// Since when a unit's data exist (first day of the first month recorded) and
// the data_since an organiser set.
struct UnitCoverage {
  std::optional<absl::CivilDay> complaints_since;
  std::optional<absl::CivilDay> satisfaction_since;
  std::optional<absl::CivilDay> data_since;
};

class ComplaintStore {
 public:
  explicit ComplaintStore(redis::Client* redis) : redis_(redis) {}

  struct Outcome {
    absl::Status status;
    bool changed = false;
    // The update created the complaint (it was not stored before).
    bool created = false;
    v1::Complaint complaint;
  };
  // Merges every update into its complaint (several updates of one id are
  // merged in order) and writes each changed complaint with its bucket diff:
  // one read and one pipelined write per round, retried for ids written
  // concurrently.  One outcome per update.
  std::vector<Outcome> Apply(const std::string& tenant, const std::vector<ComplaintUpdate>& updates,
                             const WorkingCalendar& calendar);

  absl::StatusOr<v1::ComplaintRecord> Get(const std::string& tenant, const std::string& id);
  absl::StatusOr<store::ResourceTable::Page> List(const std::string& tenant, int page_size,
                                                  const std::string& page_token);

  // Unit ids with complaint or SKM data.
  absl::StatusOr<std::vector<std::string>> Units(const std::string& tenant);
  // HGETALL of `kind` ("cb" or "sb") buckets for every unit x label, in one
  // pipeline; result[i * labels.size() + j] is unit i, label j.
  absl::StatusOr<std::vector<BucketFields>> ReadBuckets(const std::string& tenant,
                                                        const std::string& kind,
                                                        const std::vector<std::string>& units,
                                                        const std::vector<std::string>& labels);

  // HMGET of `fields` of the same buckets; missing fields are 0.
  absl::StatusOr<std::vector<std::vector<int64_t>>> ReadBucketFields(
      const std::string& tenant, const std::string& kind, const std::vector<std::string>& units,
      const std::vector<std::string>& labels, const std::vector<std::string>& fields);

  // One unit's month as the buckets hold it: complaints received (all
  // categories) and the SKM totals.
  struct MonthTotals {
    int64_t received = 0;
    SkmTotals skm;
  };
  // The month buckets (`m<YYYYMM>`) of every unit x month, complaints and
  // SKM, in ONE pipeline (one round trip however many units and months);
  // result[i * months.size() + j] is unit i, month j.
  absl::StatusOr<std::vector<MonthTotals>> ReadMonths(const std::string& tenant,
                                                      const std::vector<std::string>& units,
                                                      const std::vector<absl::CivilMonth>& months);

  // Records an SKM response once per name; false when already recorded.
  // `scores` are U1..U9 (0 = not answered).
  absl::StatusOr<bool> RecordSkm(const std::string& tenant, const std::string& name,
                                 const std::string& unit, absl::CivilDay day,
                                 const std::vector<int>& scores);

  // Every unit with recorded coverage or data_since.  Units whose data
  // predate the coverage records get their first month found from the
  // buckets (years up to `current_year` + 1) and recorded.
  absl::StatusOr<std::map<std::string, UnitCoverage>> Coverage(const std::string& tenant, int current_year);
  // Sets (or with nullopt clears) a unit's data_since.
  absl::Status SetDataSince(const std::string& tenant, const std::string& unit,
                            std::optional<absl::CivilDay> day);

  // The tenant's calendar (the national defaults on first use).
  absl::StatusOr<WorkingCalendar> LoadCalendar(const std::string& tenant);
  // Replaces the tenant's holidays with `holidays`, atomically (MULTI/EXEC),
  // and returns the calendar as stored.
  absl::StatusOr<WorkingCalendar> ReplaceCalendar(const std::string& tenant,
                                                  const std::vector<HolidayEntry>& holidays);

 private:
  KeyBuilder Keys(const std::string& tenant) const { return KeyBuilder("complaint", tenant); }
  store::ResourceTable Table(const std::string& tenant) const;
  absl::Status EnsureCalendar(const std::string& tenant);

  redis::Client* redis_;
};

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_STORE_H_
