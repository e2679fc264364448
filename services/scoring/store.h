// The scoring service's own Redis keys (KeyBuilder("scoring", tenant)):
//   scoring:{t}:settings                    ScoringSettings (serialized)
//   scoring:{t}:evaluation:{p}:{c}          cached Evaluation, with the cohort
//                                           version and settings stamp it was
//                                           computed under; expires (TTL)
//   scoring:{t}:version:{p}:{c}             INCR on new survey data
// A cached report is used only while both its version and its settings
// stamp are current, so an invalidation that races a computation wins.
#ifndef PELITA_SERVICES_SCORING_STORE_H_
#define PELITA_SERVICES_SCORING_STORE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "pelita/scoring/v1/scoring.pb.h"

namespace pelita::scoring {


class ScoringStore {
 public:
  // `format` joins the settings stamp: a report cached by a build with
  // other rules (or other service options, e.g. the minimum of control
  // units) is never served.
  ScoringStore(redis::Client* redis, absl::Duration cache_ttl, std::string format = kCacheFormat)
      : redis_(redis), ttl_(cache_ttl), format_(std::move(format)) {}
  // Bumped whenever what a report may show changes.
  static constexpr const char* kCacheFormat = "r4";

  // What one round trip reads before computing a report.
  struct Snapshot {
    v1::ScoringSettings settings;  // as stored (empty when never set)
    std::optional<v1::Evaluation> cached;  // only if version and settings match
    int64_t version = 0;
    std::string stamp;  // settings stamp
  };
  // `cohort` = tenants/{t}/programs/{p}/cohorts/{c} (already checked).
  absl::StatusOr<Snapshot> Read(const std::string& tenant, const std::string& cohort);
  absl::Status PutCached(const std::string& tenant, const std::string& cohort, const Snapshot& under,
                         const v1::Evaluation& report);
  // Marks the cohort's cached report stale.
  absl::Status Invalidate(const std::string& tenant, const std::string& cohort);

  absl::StatusOr<v1::ScoringSettings> GetSettings(const std::string& tenant);
  absl::Status PutSettings(const std::string& tenant, const v1::ScoringSettings& settings);

  std::string CacheKey(const std::string& tenant, const std::string& cohort) const;
  std::string VersionKey(const std::string& tenant, const std::string& cohort) const;

 private:
  redis::Client* redis_;
  absl::Duration ttl_;
  std::string format_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_STORE_H_
