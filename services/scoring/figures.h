// Small builders of report figures shared by the cohort report
// (evaluator.cc), the roll-ups (rollup.cc) and the input collector.
#ifndef PELITA_SERVICES_SCORING_FIGURES_H_
#define PELITA_SERVICES_SCORING_FIGURES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/message.h"
#include "pelita/scoring/v1/scoring.pb.h"
#include "pelita/survey/v1/survey.pb.h"

namespace pelita::scoring {


// The named inputs of a figure's formula, in the order given.
using Inputs = std::vector<std::pair<std::string, double>>;

// A shown figure: its value, n, formula and inputs.
v1::Figure Value(double value, int64_t n, const std::string& formula, const Inputs& inputs = {});

// A figure not shown, with the reason and its code.  It carries n and the
// formula only: no value, no interval and no inputs, so that nothing from
// which the value follows is published (SPEC §5).
v1::Figure Withheld(int64_t n, v1::ReasonCode code, const std::string& reason, const std::string& formula = "");

// The figure `f` withheld for the same reason as `cause` (its code and
// text), e.g. the cost per gain point when the gain itself is withheld.
v1::Figure WithheldLike(int64_t n, const v1::Figure& cause, const std::string& formula = "");

// Sets the figure's 95 % confidence interval.
void SetInterval(v1::Figure& f, double lo, double hi);

// Marks a shown estimate whose interval includes zero as inconclusive,
// with the reason; returns whether it was.
bool MarkIfInconclusive(v1::Figure& f, const std::string& what);

// The reason of a figure withheld below the tenant's minimum n.
std::string TooFew(int64_t n, int min_n, const std::string& what);

// Clears the value, interval and inputs of every withheld Figure anywhere
// in `message` (recursively, repeated and map fields included): the last
// step before a report, a roll-up, a ranking or a benchmark leaves the
// service or enters its cache, so that no path publishes what a withheld
// figure withholds.
void ScrubWithheld(google::protobuf::Message* message);

// materi, instruktur, fasilitas, penyelenggaraan; "" for no dimension.
std::string DimensionName(::pelita::survey::v1::Dimension d);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_FIGURES_H_
