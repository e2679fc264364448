#ifndef PELITA_LIB_REDIS_EVAL_PIPELINE_H_
#define PELITA_LIB_REDIS_EVAL_PIPELINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/redis/redis.h"

namespace pelita::redis {

// One script call of a pipeline.
struct EvalCall {
  Script* script;
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// Runs every call by EVALSHA in one pipeline (one round trip per node).
// Calls that Redis answers NOSCRIPT (its script cache was lost: a restart,
// SCRIPT FLUSH, a failover to a replica that never loaded the script) are
// loaded and resent, only those and at most twice (then their NOSCRIPT
// reply is returned): NOSCRIPT means the script
// did not run, so a resend cannot apply anything twice.  Returns one reply
// per call, in order; a script's error reply stays a reply (turn it into a
// status with ReplyStatus), so that one bad call does not hide the others.
// A transport error fails the whole call (some scripts may have run: the
// caller's writes must be idempotent, as every Pelita write is).
absl::StatusOr<std::vector<Reply>> EvalPipeline(Client& client, const std::vector<EvalCall>& calls);

}  // namespace pelita::redis

#endif  // PELITA_LIB_REDIS_EVAL_PIPELINE_H_
