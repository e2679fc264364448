// Complementary suppression of pooled figures against differencing
// (SPEC §5: below min n nothing is shown from which the value follows).
//
// One caller's view of one measure (reaction respondents, pre/post pairs,
// follow-up answers) is a table of cells: the respondents of a cohort
// attributed to a unit (or to no unit: anonymous answers, participants
// without a unit).  Published sums over cells:
//   - every cohort's report, when the cohort has at least min n (fixed:
//     never suppressed here);
//   - group rows over cohorts (programmes inside the year: a laminar family,
//     each group pooling every cohort it contains);
//   - unit rows over the unit's cells of every cohort.
// (Instructor rows pool only cohorts whose own figure is shown, so they are
// sums of published cohort reports and add nothing to what can be derived.)
//
// Assume every published row reveals its exact sum.  A differencing attack
// is a linear combination of published rows; it discloses the data of a
// set of respondents when the combination is a nonzero vector over cells
// whose support holds fewer than min n respondents.  With the rows above,
// a combination assigns a free value ("label") to every published cohort
// and unit and to each group's small cohorts together, and 0 to everything
// unpublished; a cell's coefficient is the difference of its two ends'
// labels.  The smallest disclosed set is therefore a minimum cut of the
// graph whose nodes are those labels (unpublished rows merged into one
// ground node) and whose edges are the cells weighted by respondents
// (Stoer & Wagner 1997).  Solve() suppresses rows until every cut holds at
// least min n respondents, which is exactly "no combination of published
// figures isolates fewer than min n respondents".
#ifndef PELITA_SERVICES_SCORING_DISCLOSURE_H_
#define PELITA_SERVICES_SCORING_DISCLOSURE_H_

#include <cstdint>
#include <vector>

#include "pelita/scoring/v1/scoring.pb.h"

namespace pelita::scoring {


class SuppressionProblem {
 public:
  explicit SuppressionProblem(int min_n) : min_n_(min_n) {}

  // A group row (programme, year) inside `parent` (-1: none).  Groups must
  // be added before their children.
  int AddGroup(int parent = -1);
  // A cohort with `total` respondents for the measure (its report's n),
  // inside `group` and that group's ancestors (-1: in no group).
  int AddCohort(int64_t total, int group = -1);
  // A unit row.
  int AddUnit();
  // `n` respondents of `cohort` attributed to `unit`.  Respondents of a
  // cohort not attributed to any unit need not be added: they are the
  // cohort's total minus its cells.
  void AddCell(int cohort, int unit, int64_t n);

  // Primary suppression (a row with fewer than min n respondents), then
  // complementary suppression until no combination of published rows
  // isolates fewer than min n respondents.  Deterministic: the same
  // problem always gives the same decisions.
  void Solve();

  struct Decision {
    bool published = false;
    // BELOW_MIN_N or COMPLEMENTARY_SUPPRESSION when not published.
    v1::ReasonCode code = v1::REASON_CODE_UNSPECIFIED;
    int64_t n = 0;
  };
  Decision cohort(int c) const;
  Decision group(int g) const { return groups_[g].decision; }
  Decision unit(int u) const { return units_[u].decision; }

  // The smallest number of respondents any combination of the rows
  // published after Solve() isolates (0 when none isolates any): at least
  // min n.  For tests.
  int64_t SmallestDisclosedSet() const;

 private:
  struct Group {
    int parent = -1;
    int64_t n = 0;
    Decision decision;
  };
  struct Cohort {
    int group = -1;
    int64_t total = 0;
  };
  struct Unit {
    int64_t n = 0;
    Decision decision;
  };
  struct Cell {
    int cohort, unit;
    int64_t n;
  };
  struct Cut {
    int64_t weight = -1;    // -1: no edge anywhere
    std::vector<int> side;  // pooled rows' nodes on the side without ground
  };
  // The minimum cut over every connected part of the current graph.
  Cut MinimumCut() const;
  // Node of each row under the current decisions (0 = ground).
  int CohortNode(int c) const;

  int min_n_;
  std::vector<Group> groups_;
  std::vector<Cohort> cohorts_;
  std::vector<Unit> units_;
  std::vector<Cell> cells_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_DISCLOSURE_H_
