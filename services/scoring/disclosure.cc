#include "services/scoring/disclosure.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace pelita::scoring {
namespace {

// Stoer & Wagner's minimum cut of a connected weighted graph (dense,
// symmetric, k >= 2): the cut's weight and the vertices of one side.
std::pair<int64_t, std::vector<int>> StoerWagner(std::vector<std::vector<int64_t>> w) {
  const int k = static_cast<int>(w.size());
  std::vector<std::vector<int>> members(k);
  for (int i = 0; i < k; ++i) members[i] = {i};
  std::vector<bool> merged(k, false);
  int64_t best = std::numeric_limits<int64_t>::max();
  std::vector<int> best_side;
  for (int phase = 0; phase < k - 1; ++phase) {
    std::vector<int64_t> key(k, 0);
    std::vector<bool> added(k, false);
    int prev = -1, last = -1;
    for (int step = 0; step < k - phase; ++step) {
      int sel = -1;
      for (int v = 0; v < k; ++v) {
        if (merged[v] || added[v]) continue;
        if (sel < 0 || key[v] > key[sel]) sel = v;
      }
      added[sel] = true;
      prev = last;
      last = sel;
      for (int v = 0; v < k; ++v) {
        if (!merged[v] && !added[v]) key[v] += w[sel][v];
      }
    }
    // The cut of the phase separates `last` from everything else.
    if (key[last] < best) {
      best = key[last];
      best_side = members[last];
    }
    for (int v = 0; v < k; ++v) {
      w[prev][v] += w[last][v];
      w[v][prev] = w[prev][v];
    }
    w[prev][prev] = 0;
    members[prev].insert(members[prev].end(), members[last].begin(), members[last].end());
    merged[last] = true;
  }
  return {best, best_side};
}

}  // namespace

int SuppressionProblem::AddGroup(int parent) {
  Group g;
  g.parent = parent;
  groups_.push_back(g);
  return static_cast<int>(groups_.size()) - 1;
}

int SuppressionProblem::AddCohort(int64_t total, int group) {
  cohorts_.push_back(Cohort{group, std::max<int64_t>(0, total)});
  return static_cast<int>(cohorts_.size()) - 1;
}

int SuppressionProblem::AddUnit() {
  units_.push_back(Unit{});
  return static_cast<int>(units_.size()) - 1;
}

void SuppressionProblem::AddCell(int cohort, int unit, int64_t n) {
  if (n > 0) cells_.push_back(Cell{cohort, unit, n});
}

SuppressionProblem::Decision SuppressionProblem::cohort(int c) const {
  Decision d;
  d.n = cohorts_[c].total;
  d.published = cohorts_[c].total >= min_n_;
  if (!d.published) d.code = v1::BELOW_MIN_N;
  return d;
}

int SuppressionProblem::CohortNode(int c) const {
  if (cohorts_[c].total >= min_n_) return 1 + c;
  // A small cohort takes the label of the deepest published group holding
  // it (shared with that group's other small cohorts), else ground.
  const int first_group = 1 + static_cast<int>(cohorts_.size() + units_.size());
  for (int g = cohorts_[c].group; g >= 0; g = groups_[g].parent) {
    if (groups_[g].decision.published) return first_group + g;
  }
  return 0;
}

SuppressionProblem::Cut SuppressionProblem::MinimumCut() const {
  const int C = static_cast<int>(cohorts_.size()), U = static_cast<int>(units_.size());
  const int V = 1 + C + U + static_cast<int>(groups_.size());
  std::vector<std::vector<int64_t>> w(V, std::vector<int64_t>(V, 0));
  auto add = [&](int a, int b, int64_t n) {
    if (a == b || n <= 0) return;
    w[a][b] += n;
    w[b][a] += n;
  };
  std::vector<int64_t> attributed(C, 0);
  for (const Cell& cell : cells_) {
    attributed[cell.cohort] += cell.n;
    const int unit = units_[cell.unit].decision.published ? 1 + C + cell.unit : 0;
    add(CohortNode(cell.cohort), unit, cell.n);
  }
  for (int c = 0; c < C; ++c) add(CohortNode(c), 0, cohorts_[c].total - attributed[c]);

  Cut best;
  std::vector<int> component(V, -1);
  for (int s = 0; s < V; ++s) {
    if (component[s] >= 0) continue;
    std::vector<int> nodes = {s};
    component[s] = s;
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (int v = 0; v < V; ++v) {
        if (w[nodes[i]][v] > 0 && component[v] < 0) {
          component[v] = s;
          nodes.push_back(v);
        }
      }
    }
    if (nodes.size() < 2) continue;
    std::sort(nodes.begin(), nodes.end());
    std::vector<std::vector<int64_t>> sub(nodes.size(), std::vector<int64_t>(nodes.size()));
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (size_t j = 0; j < nodes.size(); ++j) sub[i][j] = w[nodes[i]][nodes[j]];
    }
    auto [weight, side_local] = StoerWagner(std::move(sub));
    if (best.weight >= 0 && weight >= best.weight) continue;
    std::vector<bool> in_side(nodes.size(), false);
    for (int i : side_local) in_side[i] = true;
    // The side without ground; without ground in the part, the side that
    // holds a pooled row (a side of cohorts alone cuts at least min n).
    auto pooled = [&](bool side) {
      std::vector<int> out;
      bool ground = false;
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (in_side[i] != side) continue;
        if (nodes[i] == 0) ground = true;
        if (nodes[i] > C) out.push_back(nodes[i]);
      }
      return std::make_pair(ground, out);
    };
    auto [g1, p1] = pooled(true);
    auto [g0, p0] = pooled(false);
    best.weight = weight;
    best.side = g1 ? p0 : (g0 ? p1 : (p1.empty() ? p0 : p1));
  }
  return best;
}

void SuppressionProblem::Solve() {
  for (auto& g : groups_) g.n = 0;
  for (const Cohort& c : cohorts_) {
    for (int g = c.group; g >= 0; g = groups_[g].parent) groups_[g].n += c.total;
  }
  for (auto& u : units_) u.n = 0;
  for (const Cell& cell : cells_) units_[cell.unit].n += cell.n;
  auto primary = [&](Decision& d, int64_t n) {
    d.n = n;
    d.published = n >= min_n_;
    d.code = d.published ? v1::REASON_CODE_UNSPECIFIED : v1::BELOW_MIN_N;
  };
  for (auto& g : groups_) primary(g.decision, g.n);
  for (auto& u : units_) primary(u.decision, u.n);
  std::vector<int> depth(groups_.size(), 0);
  for (size_t g = 0; g < groups_.size(); ++g) {
    for (int p = groups_[g].parent; p >= 0; p = groups_[p].parent) ++depth[g];
  }

  const int C = static_cast<int>(cohorts_.size()), U = static_cast<int>(units_.size());
  for (size_t guard = 0; guard <= units_.size() + groups_.size(); ++guard) {
    const Cut cut = MinimumCut();
    if (cut.weight < 0 || cut.weight >= min_n_) return;
    // Suppress the published pooled row of the disclosing side with the
    // fewest respondents: units before groups, inner groups before outer
    // ones, then by order of addition.
    int chosen = -1;
    std::tuple<int64_t, int, int, int> key_best;
    for (int node : cut.side) {
      const bool is_unit = node <= C + U;
      const int index = is_unit ? node - 1 - C : node - 1 - C - U;
      const int64_t n = is_unit ? units_[index].n : groups_[index].n;
      const auto key = std::make_tuple(n, is_unit ? 0 : 1, is_unit ? 0 : -depth[index], index);
      if (chosen < 0 || key < key_best) {
        chosen = node;
        key_best = key;
      }
    }
    if (chosen < 0) return;  // cannot happen: a side of cohorts alone cuts >= min n
    Decision& d = chosen <= C + U ? units_[chosen - 1 - C].decision : groups_[chosen - 1 - C - U].decision;
    d.published = false;
    d.code = v1::COMPLEMENTARY_SUPPRESSION;
  }
}

int64_t SuppressionProblem::SmallestDisclosedSet() const {
  const Cut cut = MinimumCut();
  return cut.weight < 0 ? 0 : cut.weight;
}

}  // namespace pelita::scoring
