#ifndef PELITA_LIB_REDIS_REDIS_H_
#define PELITA_LIB_REDIS_REDIS_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct redisContext;

namespace pelita::redis {

// An owned copy of one Redis reply (hiredis frees its own on return).
struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };
  Type type = Type::kNil;
  std::string str;  // for kString, kStatus and kError
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
  bool is_string() const { return type == Type::kString; }
  bool is_integer() const { return type == Type::kInteger; }
  bool is_array() const { return type == Type::kArray; }
};

// A command as its arguments: {"HSET", key, field, value}.  Arguments are
// binary safe.
using Command = std::vector<std::string>;

// Whether `reply` is an error by which Redis says it cannot serve now but
// will (LOADING after a restart, BUSY, TRYAGAIN, CLUSTERDOWN, MASTERDOWN,
// READONLY after a failover, NOREPLICAS, MISCONF): the command did not run,
// so sending it again later is safe.
bool IsTransientError(const Reply& reply);

// Turns an error reply into a status.  A transient error (IsTransientError)
// is UNAVAILABLE, so that every caller up to the HTTP client sees it as
// retryable.  Scripts of this project raise errors whose first word is a
// canonical code name ("NOT_FOUND unit dinkes"), which map to that code with
// the rest as message; any other error is INTERNAL.  A non-error reply is OK.
// This is the one place where Redis errors become status codes; lost
// connections are UNAVAILABLE (and timeouts DEADLINE_EXCEEDED) from the
// calls themselves.
absl::Status ReplyStatus(const Reply& reply);

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  absl::Duration connect_timeout = absl::Seconds(1);
  absl::Duration command_timeout = absl::Seconds(5);
  // Idle connections kept for reuse; more are opened under load and closed
  // when they come back to a full pool.
  int max_idle = 16;
  // Reconnect backoff: after a failed connect, further connects fail fast
  // until the backoff has passed; it doubles up to max_backoff.
  absl::Duration min_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(2);
  // Redis Cluster mode: host:port is a seed node; the client learns the slot
  // map (CLUSTER SLOTS), sends each command to the master of its key's slot,
  // follows MOVED (refreshing the map) and ASK redirections, and refreshes
  // the map after a node fails (a replica takes over).  Keys of one call
  // must share a slot; Pelita's keys carry the tenant as hash tag.
  bool cluster = false;
  // Durability against the loss of a master: after every call that writes,
  // WAIT until this many replicas have the write (within
  // replica_ack_timeout); if fewer confirm, the call fails UNAVAILABLE, so a
  // write is only acknowledged once it would survive a failover.  0 = off.
  int replica_acks = 0;
  absl::Duration replica_ack_timeout = absl::Seconds(1);
};

// The Redis Cluster slot of a key (CRC16 of the key or of its {hash tag},
// modulo 16384).
int KeySlot(absl::string_view key);

// Whether `command` only reads (so needs no replica acknowledgement).
bool IsReadOnly(const Command& command);

// The key that decides where `command` runs, or "" for keyless commands
// (PING, MULTI, SCRIPT LOAD, ...).
absl::string_view RoutingKey(const Command& command);

// Parses "host:port" (or "[v6]:port") into options with defaults otherwise.
// A "cluster://host:port" address sets cluster mode; a "?replica_acks=N"
// suffix sets replica_acks.
absl::StatusOr<Options> ParseAddress(absl::string_view address);

// A Lua script run by EVALSHA; the client loads it on first use and again
// when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
class Script {
 public:
  explicit Script(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

 private:
  friend class Client;
  std::string source_;
  absl::Mutex mu_;
  std::string sha_ ABSL_GUARDED_BY(mu_);
};

// A Redis client over hiredis with a connection pool; safe to share across
// threads.  Every call takes a connection from the pool, runs, and returns it.
// A connection that failed with an I/O error is dropped, together with every
// idle connection opened before the failure (they most likely point at a
// Redis that went away), and the next call reconnects with backoff.
// Transport failures and timeouts are UNAVAILABLE / DEADLINE_EXCEEDED; error
// replies come back as replies (see ReplyStatus) so that a pipeline can carry
// a mix, except transient ones (IsTransientError: LOADING, BUSY, READONLY,
// ...), which fail the whole call with UNAVAILABLE, so that no caller can
// take "LOADING ..." for data.  For a pipeline that is what a lost
// connection means too: the commands before the refused one may have run.
// Calls are never retried here: the caller decides what is safe.
class Client {
 public:
  explicit Client(Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One command.  `timeout` overrides the command timeout (for blocking
  // reads such as XREADGROUP BLOCK).
  absl::StatusOr<Reply> Run(const Command& command,
                            absl::Duration timeout = absl::ZeroDuration());

  // Pipelining: sends all commands in one write and then reads all replies,
  // one per command, in order.
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<Command>& commands);

  // MULTI, the commands, EXEC in one pipeline: the replies of the commands,
  // applied atomically.  A command that Redis refused while queueing makes
  // the whole transaction fail with nothing applied.
  absl::StatusOr<std::vector<Reply>> Transaction(const std::vector<Command>& commands);

  // Runs a script by EVALSHA, loading it when needed.  An error reply raised
  // by the script becomes the returned status (see ReplyStatus).
  absl::StatusOr<Reply> Eval(Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);

  // The EVALSHA command for `script`, to put into a pipeline; loads the
  // script first if this client has not yet.  A pipeline run right after a
  // Redis restart may see NOSCRIPT: call Load again and resend.
  absl::StatusOr<Command> EvalCommand(Script& script, const std::vector<std::string>& keys,
                                      const std::vector<std::string>& args);
  // Loads the script (on every master, in cluster mode).
  absl::Status Load(Script& script);

  // PING (in cluster mode: every master of the slot map must answer).
  absl::Status Ping();

  // The connection pool, summed over every node (for metrics).
  struct PoolStats {
    int64_t idle = 0;              // connections waiting in the pool now
    int64_t opened = 0;            // connections opened since start
    int64_t connect_failures = 0;  // connects that failed
    int64_t broken = 0;            // connections dropped after an I/O error
  };
  PoolStats pool_stats();

  const Options& options() const { return options_; }

 private:
  class Node;
  // Sends `commands` to `node` and reads the replies; with replica_acks,
  // a batch that writes is followed by WAIT.
  absl::StatusOr<std::vector<Reply>> Exchange(Node& node, const std::vector<Command>& commands,
                                              absl::Duration timeout);
  absl::StatusOr<std::vector<Reply>> ExchangeRaw(Node& node, const std::vector<Command>& commands,
                                                 absl::Duration timeout);
  // Cluster mode: the node serving `slot` (-1: any node).
  absl::StatusOr<Node*> NodeFor(int slot);
  Node* NodeAt(const std::string& host, int port);
  absl::Status RefreshSlots();
  // Runs a group of commands that must go to one node (a single command, or
  // MULTI..EXEC) with cluster redirections handled.
  absl::StatusOr<std::vector<Reply>> RunGroup(const std::vector<Command>& commands,
                                              absl::Duration timeout);
  std::vector<Node*> Masters();
  // Pipeline without the transient-error check.
  absl::StatusOr<std::vector<Reply>> PipelineReplies(const std::vector<Command>& commands);

  const Options options_;
  std::unique_ptr<Node> single_;  // the only node, outside cluster mode
  absl::Mutex cluster_mu_;
  std::vector<std::unique_ptr<Node>> nodes_ ABSL_GUARDED_BY(cluster_mu_);
  std::vector<Node*> slots_ ABSL_GUARDED_BY(cluster_mu_);  // 16384 entries or empty
  bool slots_stale_ ABSL_GUARDED_BY(cluster_mu_) = true;
};

}  // namespace pelita::redis

#endif  // PELITA_LIB_REDIS_REDIS_H_
