#include "services/scoring/composite.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/scoring/evaluator.h"
#include "services/scoring/figures.h"

namespace pelita::scoring {
namespace {

LevelScore FromFigure(const char* level, const v1::Figure& f, double weight, const std::string& formula) {
  LevelScore s;
  s.level = level;
  s.weight = weight;
  s.formula = formula;
  s.n = f.n();
  if (f.withheld()) {
    s.code = f.reason_code();
    s.why = f.reason();
  }
  return s;
}

}  // namespace

LevelScore L1Level(const v1::Figure& reaction, double weight) {
  LevelScore s = FromFigure("l1", reaction, weight, "reaction score (mean of the dimension scores)");
  if (!reaction.withheld()) s.score = reaction.value();
  return s;
}

LevelScore L2Level(const v1::Figure& g, double weight) {
  LevelScore s = FromFigure("l2", g, weight, "clamp(100 x g, 0, 100)");
  if (!g.withheld()) s.score = std::clamp(100 * g.value(), 0.0, 100.0);
  return s;
}

LevelScore L3Level(const v1::Figure& applied, double weight) {
  LevelScore s = FromFigure("l3", applied, weight, "100 x applied share");
  if (!applied.withheld()) s.score = 100 * applied.value();
  return s;
}

LevelScore L4Level(const v1::Results& r, double weight) {
  LevelScore s;
  s.level = "l4";
  s.weight = weight;
  const v1::Figure& d = r.complaint_rate_did();
  double before = 0;
  auto it = d.inputs().find("treated_before_complaints");
  auto jt = d.inputs().find("treated_before_transactions");
  if (it != d.inputs().end() && jt != d.inputs().end() && jt->second > 0) before = it->second / jt->second * 1000;
  const v1::Figure& i = r.ikm_did();
  if (!d.withheld() && before > 0) {
    s.n = d.n();
    if (d.inconclusive()) {
      s.score = kNoEffectL4Score;
      s.formula = "50: no effect shown (the complaint-rate DiD's 95% interval includes 0)";
    } else {
      s.score = std::clamp(50 - 50 * d.value() / before, 0.0, 100.0);
      s.formula = "clamp(50 - 50 x complaint_rate_did / treated_before_rate, 0, 100)";
    }
  } else if (!i.withheld() && i.has_interval()) {
    s.n = i.n();
    if (i.inconclusive()) {
      s.score = kNoEffectL4Score;
      s.formula = "50: no effect shown (the IKM DiD's 95% interval includes 0)";
    } else {
      s.score = std::clamp(50 + 5 * i.value(), 0.0, 100.0);
      s.formula = "clamp(50 + 5 x ikm_did, 0, 100)";
    }
  } else if (!d.withheld()) {
    // A complaint estimate without complaints before cannot be scaled.
    s.code = v1::STATISTIC_UNDEFINED;
    s.why = "no complaints in the trained units before the cohort to scale the estimate by";
    if (i.withheld()) absl::StrAppend(&s.why, "; IKM: ", i.reason());
  } else {
    s.code = d.reason_code();
    s.why = d.reason();
    if (s.code == v1::REASON_CODE_UNSPECIFIED) {
      s.code = v1::DATA_ABSENT;
      s.why = "no results data";
    }
  }
  return s;
}

LevelScore PooledL4Level(double weighted_sum, double weight_sum, int64_t cohorts, double weight,
                         v1::ReasonCode code, const std::string& why) {
  LevelScore s;
  s.level = "l4";
  s.weight = weight;
  s.n = cohorts;
  s.formula = "participant-weighted mean of the cohorts' L4 scores";
  if (weight_sum > 0) {
    s.score = weighted_sum / weight_sum;
  } else {
    s.code = code;
    s.why = why;
  }
  return s;
}

v1::Composite Compose(const std::vector<LevelScore>& levels) {
  v1::Composite out;
  double wsum = 0, sum = 0;
  Inputs in;
  int64_t n = 0;
  for (const LevelScore& l : levels) {
    v1::CompositeComponent* comp = out.add_components();
    comp->set_level(l.level);
    comp->set_weight(l.weight);
    const bool used = l.score.has_value() && l.weight > 0;
    comp->set_used(used);
    if (l.score) {
      *comp->mutable_score() = Value(*l.score, l.n, l.formula);
    } else {
      *comp->mutable_score() = Withheld(l.n, l.code == v1::REASON_CODE_UNSPECIFIED ? v1::DATA_ABSENT : l.code,
                                        l.why.empty() ? "not available" : l.why, l.formula);
    }
    if (!used) continue;
    wsum += l.weight;
    sum += l.weight * *l.score;
    in.push_back({absl::StrCat(l.level, "_score"), *l.score});
    in.push_back({absl::StrCat(l.level, "_weight"), l.weight});
    n = std::max(n, l.n);
  }
  const std::string formula = "sum(weight_i x score_i) / sum(weight_i) over the levels with a score";
  if (wsum > 0) {
    *out.mutable_score() = Value(sum / wsum, n, formula, in);
  } else {
    *out.mutable_score() = Withheld(0, v1::NO_LEVEL_SCORE, "no level has a score", formula);
  }
  return out;
}

}  // namespace pelita::scoring
