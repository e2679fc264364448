#ifndef PELITA_SERVICES_ENROLMENT_EXTERNAL_STORE_H_
#define PELITA_SERVICES_ENROLMENT_EXTERNAL_STORE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/enrolment/v1/enrolment.pb.h"

namespace pelita::enrolment {

// The external trainings of one tenant's employees (training done outside
// Pelita, read from SIASN), in the enrolment service's own keys under the
// tenant's hash tag (`enrolment:{1504}:...`, beside those of store.h):
//   ext:<nip>       HASH <source>.<source_id> -> ExternalTraining (name
//                   set, update_time not: the bytes compare equal for an
//                   unchanged record)
//   extsum:<nip>    HASH <source>.<source_id> ->
//                   "<end year>|<jp>|<update ms>|<normalized certificate>"
//                   (what the scripts count with, and the update time)
//   extjp:<year>    HASH NIP -> external JP counted in that year
//                   (CountExternal's rule, kept by the scripts)
//   extyears:<nip>  SET of the years in which extjp holds the NIP
// The counting also reads the employee's cohorts (empc:<nip>) and their
// enrolments' state and certificate (enr:<p>/<c>:<nip>).
class ExternalTrainingStore {
 public:
  ExternalTrainingStore(redis::Client* redis, const std::string& tenant);

  struct ReplaceResult {
    int added = 0, changed = 0, removed = 0;
    // The records of the source as now stored, update_time filled.
    std::vector<v1::ExternalTraining> trainings;
  };
  // Replaces the employee's records of `source` with `trainings` (already
  // validated, names set) in one script: records of other sources are left
  // alone, an unchanged record keeps its update time, and the per-year
  // aggregate is recomputed when anything changed.  NOT_FOUND when `nip` is
  // not in `employees_hash` (the roster's ResourceTable) when it runs.
  absl::StatusOr<ReplaceResult> Replace(const std::string& employees_hash, const std::string& nip,
                                        const std::string& source,
                                        const std::vector<v1::ExternalTraining>& trainings, absl::Time now);

  // Removes every record of the employee and the JP counted from them, in
  // one script (an employee deleted from the roster; idempotent).
  absl::Status Forget(const std::string& nip);

  // Every record of the employee, all sources, in no particular order.
  absl::StatusOr<std::vector<v1::ExternalTraining>> List(const std::string& nip);

  // The normalized certificate numbers of the employee's completed
  // enrolments (two round trips: the cohorts, then their enrolments).
  absl::StatusOr<absl::flat_hash_set<std::string>> CompletedCertificates(const std::string& nip);

  std::string YearKey(int year) const { return keys_.Key("extjp", year); }
  // What kComplete passes to ext_recompute (kExternalRecomputeFn).
  std::string SummaryKey(const std::string& nip) const { return keys_.Key("extsum", nip); }
  std::string YearsKey(const std::string& nip) const { return keys_.Key("extyears", nip); }
  std::string EnrolmentPrefix() const { return keys_.Key("enr", ""); }
  std::string YearPrefix() const { return keys_.Key("extjp", ""); }

 private:
  redis::Client* redis_;
  KeyBuilder keys_;
};

// The Lua function `ext_recompute(nip, empc, extsum, extyears, enr_prefix,
// jp_prefix)`: recomputes every extjp:<year> entry of one employee from
// extsum by CountExternal's rule (external.h).  For the scripts that change
// what counts: the replace script, and completion (a completed enrolment's
// certificate makes a SIASN record Pelita's own).
extern const char kExternalRecomputeFn[];

}  // namespace pelita::enrolment

#endif  // PELITA_SERVICES_ENROLMENT_EXTERNAL_STORE_H_
