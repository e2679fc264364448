// The composite score: one function for a cohort's report, every roll-up
// row, the ranking and the province benchmark (scoring.proto, Composite).
// Each level's score is taken from the level figure shown beside it, so a
// withheld or suppressed level never enters and a composite adds nothing
// to what its figures show.
#ifndef PELITA_SERVICES_SCORING_COMPOSITE_H_
#define PELITA_SERVICES_SCORING_COMPOSITE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pelita/scoring/v1/scoring.pb.h"

namespace pelita::scoring {


// One level's 0-100 score, or why it has none.
struct LevelScore {
  std::string level;  // l1, l2, l3, l4
  double weight = 0;
  std::optional<double> score;
  std::string formula;
  int64_t n = 0;
  v1::ReasonCode code = v1::REASON_CODE_UNSPECIFIED;
  std::string why;
};

// L1: the reaction score (0-100) as shown.
LevelScore L1Level(const v1::Figure& reaction, double weight);
// L2: clamp(100 g, 0, 100).
LevelScore L2Level(const v1::Figure& normalised_gain, double weight);
// L3: 100 x the applied share.
LevelScore L3Level(const v1::Figure& applied_share, double weight);
// L4 of a cohort: clamp(50 - 50 x complaint_rate_did / treated rate before,
// 0, 100) from a shown complaint estimate with treated complaints before;
// else clamp(50 + 5 x ikm_did, 0, 100) from a shown IKM estimate; an
// estimate whose interval includes zero scores kNoEffectL4Score.  Without
// an estimate: no score, with the complaint estimate's reason.
LevelScore L4Level(const v1::Results& results, double weight);
// L4 of a group: the participant-weighted mean of its cohorts' L4 scores
// (`weighted_sum` / `weight_sum` over `cohorts` cohorts with one).
LevelScore PooledL4Level(double weighted_sum, double weight_sum, int64_t cohorts, double weight,
                         v1::ReasonCode code, const std::string& why);

// sum(w_i x s_i) / sum(w_i) over the levels with a score and w_i > 0.
v1::Composite Compose(const std::vector<LevelScore>& levels);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_COMPOSITE_H_
