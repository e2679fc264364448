#ifndef PELITA_TESTS_FAULT_SEED_H_
#define PELITA_TESTS_FAULT_SEED_H_

#include <string>

#include "absl/status/status.h"
#include "tests/fault/platform.h"

namespace pelita::fault {

// Survey data for the ingest tests: tenant 1504's unit `dukcapil`, `people`
// employees enrolled in cohort kCohort, and `instruments` identified
// reaction instruments (`r-0`, `r-1`, ...; four Likert items M1, I1, F1, P1).
// One person, one answer per instrument and cohort (SPEC §5): response i is
// person i % people answering instrument i / people, so people × instruments
// responses are all distinct, and none replaces another.
inline constexpr char kCohort[] = "tenants/1504/programs/latsar/cohorts/2026-a";
absl::Status SeedSurvey(Platform& platform, int people, int instruments);

// The NIP of person i, and response i as a CreateResponseRequest in proto3
// JSON (id `f-<i>`); the same i always gives the same bytes.
std::string PersonNip(int i);
std::string ResponseId(int i);
std::string ResponseJson(int i, int people);

}  // namespace pelita::fault

#endif  // PELITA_TESTS_FAULT_SEED_H_
