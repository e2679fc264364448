#include "lib/redis/eval_pipeline.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"

namespace pelita::redis {

absl::StatusOr<std::vector<Reply>> EvalPipeline(Client& client, const std::vector<EvalCall>& calls) {
  std::vector<Reply> out(calls.size());
  std::vector<size_t> pending(calls.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  for (int round = 0; round < 3 && !pending.empty(); ++round) {
    std::vector<Command> batch;
    batch.reserve(pending.size());
    for (size_t i : pending) {
      auto cmd = client.EvalCommand(*calls[i].script, calls[i].keys, calls[i].args);
      if (!cmd.ok()) return cmd.status();
      batch.push_back(std::move(*cmd));
    }
    auto replies = client.Pipeline(batch);
    if (!replies.ok()) return replies.status();
    std::vector<size_t> again;
    absl::flat_hash_set<Script*> reload;
    for (size_t k = 0; k < pending.size(); ++k) {
      Reply& r = (*replies)[k];
      if (r.is_error() && absl::StartsWith(r.str, "NOSCRIPT")) {
        out[pending[k]] = r;
        again.push_back(pending[k]);
        reload.insert(calls[pending[k]].script);
        continue;
      }
      out[pending[k]] = std::move(r);
    }
    for (Script* s : reload) {
      if (absl::Status st = client.Load(*s); !st.ok()) return st;
    }
    pending = std::move(again);
  }
  // Still NOSCRIPT after three rounds: those replies stay NOSCRIPT errors.
  return out;
}

}  // namespace pelita::redis
