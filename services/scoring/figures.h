// Small builders of report figures shared by the cohort report
// (evaluator.cc), the roll-ups (rollup.cc) and the input collector.
#ifndef PELITA_SERVICES_SCORING_FIGURES_H_
#define PELITA_SERVICES_SCORING_FIGURES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pelita/scoring/v1/scoring.pb.h"
#include "pelita/survey/v1/survey.pb.h"

namespace pelita::scoring {


// The named inputs of a figure's formula, in the order given.
using Inputs = std::vector<std::pair<std::string, double>>;

// A shown figure: its value, n, formula and inputs.
v1::Figure Value(double value, int64_t n, const std::string& formula, const Inputs& inputs = {});

// A figure not shown, with the reason (value 0).
v1::Figure Withheld(int64_t n, const std::string& reason, const std::string& formula = "",
                    const Inputs& inputs = {});

// Sets the figure's 95 % confidence interval.
void SetInterval(v1::Figure& f, double lo, double hi);

// The reason of a figure withheld below the tenant's minimum n.
std::string TooFew(int64_t n, int min_n, const std::string& what);

// materi, instruktur, fasilitas, penyelenggaraan; "" for no dimension.
std::string DimensionName(::pelita::survey::v1::Dimension d);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_FIGURES_H_
