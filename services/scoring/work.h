#ifndef PELITA_SERVICES_SCORING_WORK_H_
#define PELITA_SERVICES_SCORING_WORK_H_

// L4 from the work itself and L3 from appraisals (issue 18): the
// difference-in-differences of processing errors, on-time service and
// processing time between trained and comparison units, from the
// performance service's monthly indicators, and a cohort's SKP change.
// Plain functions of their inputs: no network.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "pelita/scoring/v1/scoring.pb.h"

namespace pelita::scoring {

// The performance service's processing-time bands (upper bounds in hours;
// the twelfth is open), as pelita.performance.v1.ProcessingTime says.
inline constexpr int kWorkBands = 12;
inline constexpr std::array<double, kWorkBands - 1> kWorkBandUpperHours = {1, 2, 4, 8, 24, 48, 72, 120, 168, 336, 720};

// One unit's month of indicators, every service type summed.
struct WorkMonth {
  std::string unit;
  std::string period;  // YYYY-MM
  bool has_data = false;
  int64_t completed = 0;
  int64_t on_time = 0;
  int64_t returned = 0;
  std::array<int64_t, kWorkBands> bands{};
  bool has_bands = false;
  double total_hours = 0;
};

struct WorkInputs {
  // The months wholly inside each window (YYYY-MM, inclusive); a window
  // without a whole month has first > last (empty).
  std::string before_first, before_last, after_first, after_last;
  std::vector<std::string> treated;  // unit names
  std::vector<std::string> control;
  std::vector<WorkMonth> months;     // any order
  int min_control_units = 3;
  // Set when the indicators could not be read (the figures are then
  // withheld with RESULTS_UNAVAILABLE and this reason).
  std::string missing;
};

v1::WorkResults ComputeWork(const WorkInputs& in);

// The cohort's SKP change as the performance service computed it.
struct SkpChangeInputs {
  int64_t participants = 0;
  int64_t pairs = 0;
  int64_t rose = 0, stayed = 0, fell = 0;
  double sign_test_p = 1, wilcoxon_p = 1, mean_step = 0;
  bool withheld = false;   // by the performance service (fewer than its 5 pairs)
  std::string method;
  std::string missing;     // could not be read
};

// Shown when `pairs` reaches `min_n` and the performance service did not
// withhold them.
v1::SkpChange ComputeSkpChange(const SkpChangeInputs& in, int min_n);

// The months wholly inside [first_day, last_day]: the first month starting
// on or after `first_day` to the last month ending on or before
// `last_day`, as YYYY-MM (first > last when no month fits).
void WholeMonths(absl::CivilDay first_day, absl::CivilDay last_day, std::string* first_month,
                 std::string* last_month);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_WORK_H_
