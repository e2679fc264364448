// The evaluation report of one cohort from plain inputs (sums and counts the
// other services keep), per SPEC §2: Kirkpatrick L1-L4 and Phillips' ROI.
// No gRPC and no I/O: the inputs come from sources.h, the output is the
// pelita.scoring.v1.Evaluation message used as a data type.
#ifndef PELITA_SERVICES_SCORING_EVALUATOR_H_
#define PELITA_SERVICES_SCORING_EVALUATOR_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/stats/stats.h"
#include "pelita/scoring/v1/scoring.pb.h"
#include "services/scoring/work.h"
#include "services/scoring/text_summary.h"

namespace pelita::scoring {


// Defaults documented in scoring.proto and README: composite weights
// l1 0.15, l2 0.35, l3 0.30, l4 0.20 (behaviour and learning matter more than
// satisfaction), minimum n 5 (UU 27/2022), L4 window 90 days.
inline constexpr double kDefaultWeightL1 = 0.15;
inline constexpr double kDefaultWeightL2 = 0.35;
inline constexpr double kDefaultWeightL3 = 0.30;
inline constexpr double kDefaultWeightL4 = 0.20;
inline constexpr int kDefaultMinN = 5;
inline constexpr int kDefaultWindowDays = 90;
// Fewer complaints than this in the trained units' two windows together make
// the L4 complaint estimate too thin to conclude anything.
inline constexpr double kMinComplaintsForDid = 10;
// Comparison units an L4 estimate needs at least (a service option until the
// tenant registry takes it over).
inline constexpr int kDefaultMinControlUnits = 2;
// The L4 level score of an estimate whose interval includes zero: the score
// of "no change" on the L4 scale, so an effect not shown earns no credit.
inline constexpr double kNoEffectL4Score = 50;

// Settings with every default filled in.
v1::ScoringSettings EffectiveSettings(const v1::ScoringSettings& stored);
absl::Status ValidateSettings(const v1::ScoringSettings& settings);

// n, Σx, Σx² of answers on a scale [min, max].
struct ScaleAggregate {
  stats::Moments moments;
  double min_value = 1;
  double max_value = 4;
};

struct ReactionInputs {
  int64_t responses = 0;  // respondents of the reaction instrument
  std::map<std::string, ScaleAggregate> dimensions;  // materi, instruktur, ...
  // Cronbach's alpha over complete responses.
  std::vector<stats::Moments> items;
  stats::Moments totals;
};

struct LearningInputs {
  int64_t pairs = 0;
  double sum_pre = 0, sum_post = 0;
  double sum_pre_sq = 0, sum_post_sq = 0;
  double sum_diff = 0, sum_diff_sq = 0;
  double max_score = 100;
  // The pairs' pre/post scores in the ten bands of the 0-100 scale
  // (survey's PairedAggregates band counts); `bands_known` false when the
  // survey service sent none (the distribution is then DATA_ABSENT).
  bool bands_known = false;
  std::array<int64_t, 10> pre_bands{}, post_bands{};
};

struct CodedItem {
  std::string instrument;
  std::string item;
  std::map<std::string, int64_t> counts;
  int64_t n = 0;
};

// One follow-up wave: distinct eligible participants with a self-report /
// a supervisor assessment in its window.
struct WaveInputs {
  int offset_days = 0;
  std::string first_day, last_day;  // YYYY-MM-DD
  bool opened = true;               // the window has begun
  int64_t eligible = 0;
  int64_t self_reported = 0;
  int64_t assessed = 0;
};

struct BehaviourInputs {
  int64_t followups = 0;       // follow-up responses
  // People: participants eligible for follow-up (enrolled now) and those
  // among them with at least one follow-up, from the survey service's
  // distinct counts.  `people_known` false (inputs without them): the rate
  // falls back to responses over `CohortInputs::enrolled`, capped by it.
  bool people_known = false;
  int64_t eligible = 0;
  int64_t answered_people = 0;
  std::vector<WaveInputs> waves;
  // "ya" to the applied-on-the-job question in supervisor assessments (all
  // follow-ups when roles are not known), and in self-reports.
  int64_t applied_yes = 0;
  int64_t applied_answered = 0;
  int64_t self_yes = 0;
  int64_t self_answered = 0;
  // Per competency: supervisor assessments and observations.
  std::map<std::string, ScaleAggregate> rubric;
  std::vector<CodedItem> coded;
  // Free-text answers of observation and interview items.
  std::vector<TextItem> texts;
};

// One unit's window: complaints over transactions, and IKM (25-100) with
// its standard error and respondents, when measured.
struct Window {
  double complaints = 0;
  double transactions = 0;
  bool has_ikm = false;
  double ikm = 0;
  // Standard error of `ikm` (not a margin: the complaint service's
  // ikm_standard_error).
  double ikm_se = 0;
  int64_t ikm_respondents = 0;
};
struct UnitWindows {
  std::string unit;
  Window before, after;
  // Whether the unit's complaint / SKM data cover both windows (the
  // complaint service's DataCoverage starts no later than the before
  // window), and when not, since when they exist ("" = no data at all).
  bool complaints_covered = true;
  bool skm_covered = true;
  std::string complaints_since, skm_since;
};
// One unit's calendar month (the complaint service's UnitMonth).
struct UnitMonthTotals {
  std::string unit;
  std::string period;  // YYYY-MM
  double complaints = 0;
  double transactions = 0;
  int64_t skm_respondents = 0;
  std::array<int64_t, 9> element_sums{};
  std::array<int64_t, 9> element_answered{};
};

// The converted IKM (25-100) in hundredths, rounded half up exactly from
// integer sums: 25/9 x sum_i(sum_i / answered_i) x 100, in rational
// arithmetic (Boost.Multiprecision), as the complaint service rounds a
// unit's IKM.  Every answered_i must be positive.
int64_t PooledIkmCents(const std::array<int64_t, 9>& sums, const std::array<int64_t, 9>& answered);

struct ResultsInputs {
  int window_days = kDefaultWindowDays;
  // The windows, YYYY-MM-DD inclusive.
  std::string before_start, before_end, after_start, after_end;
  int min_control_units = kDefaultMinControlUnits;
  std::vector<UnitWindows> treated;  // the participants' units
  std::vector<UnitWindows> control;  // the tenant's units without trained staff
  // Every unit's months from the before window's month to the after
  // window's (the complaint service's BatchGetUnitMonths), for the series;
  // `series_missing` set (with its code) when they could not be read.
  std::vector<UnitMonthTotals> months;
  std::string series_missing;
  v1::ReasonCode series_missing_code = v1::RESULTS_UNAVAILABLE;
  // The units' service indicators (the performance service), when asked.
  std::optional<WorkInputs> work;
};

struct CostInputs {
  double total_cost = 0;       // rupiah spent on the cohort
  std::string cost_basis;      // how total_cost was derived
  int32_t jp = 0;
  std::optional<double> benefit;  // rupiah attributed to the cohort
  std::string benefit_basis;
  // The tenant's rupiah per hour of staff time (0 = not set) and the L4
  // window, for the benefit of processing hours saved.
  int64_t hourly_cost = 0;
  int window_days = kDefaultWindowDays;
};

struct CohortInputs {
  std::string cohort;  // tenants/{t}/programs/{p}/cohorts/{c}
  std::string program;
  std::string program_title;
  int32_t year = 0;
  std::vector<std::string> instructors;
  int64_t enrolled = 0;   // participants (enrolled, attended or completed)
  int64_t completed = 0;
  std::optional<ReactionInputs> reaction;
  std::optional<LearningInputs> learning;
  std::optional<BehaviourInputs> behaviour;
  std::optional<ResultsInputs> results;
  // The participants' SKP change (the performance service), when asked.
  std::optional<SkpChangeInputs> skp;
  // Why results could not be read (e.g. the after window is not over yet).
  std::string results_missing;
  v1::ReasonCode results_missing_code = v1::RESULTS_UNAVAILABLE;
  CostInputs cost;
};

// Computes the report.  `settings` must be effective (defaults filled in).
v1::Evaluation Evaluate(const CohortInputs& in, const v1::ScoringSettings& settings);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_EVALUATOR_H_
