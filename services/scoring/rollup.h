// Roll-ups of cohort evaluations per programme, instructor, unit or year
// (RollUpEvaluations), and the rows the ranking and the province benchmark
// are read from.  Plain functions without I/O: the collector gathers the
// cohorts' aggregates and participant-level responses, these functions pool
// them.
//
// Pooling is over sums, never over already-rounded or withheld figures, so
// that a group of small cohorts can reach the minimum n that none of them
// reaches alone.  Every row of every grouping a caller can read is built
// at once (BuildView) and protected together against differencing
// (disclosure.h): a caller who reads one grouping can read the others too.
#ifndef PELITA_SERVICES_SCORING_ROLLUP_H_
#define PELITA_SERVICES_SCORING_ROLLUP_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/stats/stats.h"
#include "pelita/enrolment/v1/enrolment.pb.h"
#include "pelita/scoring/v1/scoring.pb.h"
#include "pelita/survey/v1/survey.pb.h"
#include "services/scoring/evaluator.h"

namespace pelita::scoring {

// What some participants of one cohort (the whole cohort, or those of one
// unit) contribute to a group.
struct Contribution {
  int64_t participants = 0;
  // Rupiah spent on these participants, and the participants it covers
  // (cohorts without a recorded cost add neither), and those participants
  // times the programme's JP.
  double cost = 0;
  int64_t costed_participants = 0;
  double costed_participant_jp = 0;
  // L1: answers per dimension converted to 0-100 (n, Σy, Σy²), and the
  // respondents they come from.
  std::map<std::string, stats::Moments> reaction;
  int64_t reaction_respondents = 0;
  // L2: pairs, Σ pre and Σ post as fractions of the test's maximum score.
  int64_t pairs = 0;
  double sum_pre = 0, sum_post = 0;
  // L3.
  int64_t applied_yes = 0, applied_answered = 0;
  // L4, whole cohorts only: the cohort's estimates, weighted by
  // participants when pooled.
  std::optional<double> complaint_rate_did, ikm_did, l4_score;

  void Merge(const Contribution& o);
};

// One cohort of the roll-up.
struct RollUpCohort {
  std::string cohort;  // tenants/{t}/programs/{p}/cohorts/{c}
  std::string program;
  std::string program_title;
  int32_t year = 0;
  std::vector<std::string> instructors;
  Contribution whole;
  // Unit name -> what the cohort's participants of that unit contribute.
  std::map<std::string, Contribution> by_unit;
};

// The whole cohort from its inputs (survey aggregates applied) and its
// evaluation report (cost, L4 estimates and L4 composite score).
Contribution WholeCohort(const CohortInputs& in, const v1::Evaluation& ev);

// Participant-level data of one cohort, each answer attributed to a NIP.
struct ParticipantResponses {
  // The cohort's aggregates (for item dimensions, scales, test pairing).
  survey::v1::CohortAggregates aggregates;
  // Responses by instrument name, in the order the survey service accepted
  // them (a later test by the same participant replaces an earlier one).
  std::map<std::string, std::vector<survey::v1::Response>> responses;
  // The cohort's enrolments (employee -> unit).
  std::vector<enrolment::v1::Enrolment> enrolments;
};

// The instruments whose responses UnitContributions reads: identified
// reaction instruments (anonymous ones cannot be attributed to anybody),
// pre- and post-tests of each pairing, and follow-ups.
std::vector<std::string> InstrumentsForUnits(const survey::v1::CohortAggregates& aggregates);

// Per unit of the participants (the unit on their enrolment): reaction
// answers of identified respondents, pre/post pairs (the latest test of each
// participant, as the survey service pairs them), follow-up yes/no answers
// about the participant (subject), participants and their share of the
// cohort's cost (`cost_per_participant`, 0 = unknown).
std::map<std::string, Contribution> UnitContributions(const ParticipantResponses& data,
                                                      double cost_per_participant);

// Every row of the four groupings over `cohorts` (one caller's view: all
// the tenant's cohorts of a year, or an instructor's own), with primary and
// complementary suppression applied per measure (reaction respondents,
// pre/post pairs, follow-up answers) across all of them and the cohorts'
// own reports.  Programme and year rows pool every cohort; instructor rows
// pool, per measure, only the cohorts whose own figure is shown (they cross
// programmes; pooling small cohorts there too could be differenced against
// the programme rows); unit rows pool the unit's participants.
struct RollUpView {
  using GroupBy = v1::RollUpEvaluationsRequest::GroupBy;
  int min_n = 0;
  // Rows of each grouping, ordered by group.
  std::map<GroupBy, std::vector<v1::RollUpRow>> rows;
  // The year row's pooled cost per JP (benchmark) and, per instructor, the
  // instruktur dimension over the instructor's cohorts with a shown
  // reaction (ranking).
  v1::Figure cost_per_jp;
  std::map<std::string, v1::Figure> instruktur;
};
RollUpView BuildView(const std::vector<RollUpCohort>& cohorts, const std::map<std::string, std::string>& titles,
                     const v1::ScoringSettings& settings);

// One grouping of the view as the RPC's response.
v1::RollUpEvaluationsResponse RollUp(const RollUpView& view, v1::RollUpEvaluationsRequest::GroupBy group_by);

// BuildView and RollUp in one (tests).
v1::RollUpEvaluationsResponse RollUp(const std::vector<RollUpCohort>& cohorts,
                                     v1::RollUpEvaluationsRequest::GroupBy group_by,
                                     const std::map<std::string, std::string>& titles,
                                     const v1::ScoringSettings& settings);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_ROLLUP_H_
