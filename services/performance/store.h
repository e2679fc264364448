#ifndef PELITA_SERVICES_PERFORMANCE_STORE_H_
#define PELITA_SERVICES_PERFORMANCE_STORE_H_

// Redis keys of the performance service for tenant t (all share the {t} tag):
//   performance:{t}:service_types        HASH "<unit>/<type>" -> ServiceType
//   performance:{t}:service_type_ids     ZSET the same ids (score 0)
//   performance:{t}:unit_types:<unit>    HASH "<type>" -> ServiceType, the same
//                                        records by unit (written with them)
//   performance:{t}:m:<unit>:<year>      HASH "<type>|<MM>" -> ServiceMonth,
//                                        the current revision
//   performance:{t}:r:<unit>:<year>      HASH "<type>|<MM>|<revision>" ->
//                                        ServiceMonth, the earlier revisions
//   performance:{t}:skp:<nip>            HASH "<period>" -> Skp (current)
//   performance:{t}:skpr:<nip>           HASH "<period>|<revision>" -> Skp
// A unit's year is one hash, so the figures of a unit-year are one HGETALL
// whatever else is stored, and a window of months over several years one
// pipeline.  A write is one script per record: compare-and-set of the
// current revision, which it moves to the revisions hash.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "lib/store/resource_table.h"
#include "pelita/performance/v1/performance.pb.h"

namespace pelita::performance {

namespace v1 = ::pelita::performance::v1;

// Where one versioned record lives: its current hash and field, and the
// hash of its earlier revisions.
struct RecordSlot {
  std::string key;
  std::string revisions_key;
  std::string field;
};

RecordSlot MonthSlot(const std::string& tenant, const std::string& unit, const std::string& type,
                     absl::CivilMonth month);
RecordSlot SkpSlot(const std::string& tenant, const std::string& nip, const std::string& period);

class PerformanceStore {
 public:
  explicit PerformanceStore(redis::Client* redis) : redis_(redis) {}

  store::ResourceTable ServiceTypes(const std::string& tenant);
  // The key of a unit's service types, kept by the table's writes (IndexOp).
  std::string UnitTypesKey(const std::string& tenant, const std::string& unit);
  // The service types of the units, by "<unit>/<type>", in one pipeline.
  absl::StatusOr<absl::flat_hash_map<std::string, v1::ServiceType>> UnitTypes(const std::string& tenant,
                                                                             const std::vector<std::string>& units);

  // Writes each record (with its name set) unless its figures are already
  // current: outcome ACCEPTED (revision 1), UNCHANGED, or REPLACED (the
  // next revision; the earlier kept).  `figures` gives the bytes compared.
  // Every record is decided: the stored record is returned in place.
  // A record written concurrently by another caller is read again and
  // decided again.  Fails (nothing known about the writes: they are
  // idempotent, the caller may retry) when Redis is unavailable.
  template <typename M>
  absl::StatusOr<std::vector<v1::RecordOutcome>> Put(const std::vector<RecordSlot>& slots,
                                                     std::vector<M>& records,
                                                     std::string (*figures)(const M&),
                                                     const std::string& source, absl::Time now);

  // The current months of a unit's years: result[i] the fields of years[i].
  absl::StatusOr<std::vector<std::vector<std::pair<std::string, std::string>>>> ReadUnitYears(
      const std::string& tenant, const std::vector<std::pair<std::string, int>>& unit_years);

  absl::StatusOr<std::string> GetCurrent(const RecordSlot& slot);
  // The earlier revisions 1 .. before-1 of a record, in order (missing ones
  // skipped).
  absl::StatusOr<std::vector<std::string>> GetRevisions(const RecordSlot& slot, int before);

  // Every current SKP record of the NIPs: result[i] holds (period, bytes)
  // of nips[i], in one pipeline.
  absl::StatusOr<std::vector<std::vector<std::pair<std::string, std::string>>>> ReadSkp(
      const std::string& tenant, const std::vector<std::string>& nips);

  redis::Client* redis() { return redis_; }

 private:
  redis::Client* redis_;
};

}  // namespace pelita::performance

#endif  // PELITA_SERVICES_PERFORMANCE_STORE_H_
