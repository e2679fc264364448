#ifndef PELITA_LIB_STORE_CAS_H_
#define PELITA_LIB_STORE_CAS_H_

#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace pelita::store {

// How an optimistic (compare-and-set) write retries after losing a race.
struct CasOptions {
  // 64 attempts: enough for dozens of writers on one record (a cohort's
  // seats, a plan under review) with the backoff below; a loser past that
  // gets ABORTED, which callers pass on as "retry".
  int max_attempts = 64;
  // Names the record in the final ABORTED message ("unit dinkes").
  std::string what = "record";
};

// Sleeps before attempt `attempt` (>= 1): a randomised pause that doubles
// from ~50 µs up to 20 ms, so that contenders spread out instead of
// colliding again.
void CasBackOff(int attempt);

// The one CAS retry loop: runs `attempt()` (read, change, write-if-unchanged)
// until it returns anything but ABORTED, which is how a lost race reports
// itself (lib/store's Replace, a script's `ABORTED` reply).  Works for
// functions returning absl::Status or absl::StatusOr<T>.  Any other error
// ends the loop at once; after max_attempts lost races the result is
// ABORTED "<what> is being changed concurrently; retry".
template <typename Fn>
auto RetryCas(Fn&& attempt, const CasOptions& options = {}) -> decltype(attempt()) {
  for (int i = 0; i < options.max_attempts; ++i) {
    if (i > 0) CasBackOff(i);
    auto result = attempt();
    absl::Status status;
    if constexpr (std::is_same_v<std::decay_t<decltype(result)>, absl::Status>) {
      status = result;
    } else {
      status = result.status();
    }
    if (status.code() != absl::StatusCode::kAborted) return result;
  }
  return absl::AbortedError(absl::StrCat(options.what, " is being changed concurrently; retry"));
}

}  // namespace pelita::store

#endif  // PELITA_LIB_STORE_CAS_H_
