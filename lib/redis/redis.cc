#include "lib/redis/redis.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace pelita::redis {
namespace {

Reply Copy(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Copy(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

timeval AsTimeval(absl::Duration d) { return absl::ToTimeval(d); }

absl::Status IoError(redisContext* c, absl::string_view what) {
  std::string msg = absl::StrCat("redis ", what, ": ", c ? c->errstr : "no context");
  // hiredis reports a read timeout as an I/O error with EAGAIN's message.
  if (c && c->err == REDIS_ERR_IO &&
      (absl::StrContains(c->errstr, "temporarily unavailable") ||
       absl::StrContains(c->errstr, "timed out"))) {
    return absl::DeadlineExceededError(msg);
  }
  return absl::UnavailableError(msg);
}

}  // namespace

bool IsTransientError(const Reply& reply) {
  if (!reply.is_error()) return false;
  // The first word of an error reply is its kind.  Each of these means that
  // Redis did not run the command and will again once it is back in shape:
  //   LOADING      the data set is being loaded after a restart (AOF/RDB);
  //   BUSY         a script or function is running past busy-reply-threshold;
  //   TRYAGAIN     a multi-key command during resharding (cluster);
  //   CLUSTERDOWN  the cluster cannot serve the slot (failover in progress);
  //   MASTERDOWN   a replica lost its master and serves no stale data;
  //   READONLY     a write reached a replica (a failover moved the master);
  //   NOREPLICAS   fewer replicas than min-replicas-to-write are connected;
  //   MISCONF      the last background save failed, writes are refused
  //                until one succeeds (for example once disk is freed).
  // BUSYGROUP (a consumer group that exists) and BUSYKEY are not among them:
  // only the exact word counts.
  static constexpr absl::string_view kTransient[] = {
      "LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "NOREPLICAS", "MISCONF"};
  absl::string_view s = reply.str;
  absl::string_view word = s.substr(0, s.find(' '));
  for (absl::string_view t : kTransient) {
    if (word == t) return true;
  }
  return false;
}

absl::Status ReplyStatus(const Reply& reply) {
  if (!reply.is_error()) return absl::OkStatus();
  absl::string_view s = reply.str;
  if (IsTransientError(reply)) return absl::UnavailableError(absl::StrCat("redis: ", s));
  struct Mapping {
    absl::string_view name;
    absl::StatusCode code;
  };
  static constexpr Mapping kCodes[] = {
      {"INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument},
      {"NOT_FOUND", absl::StatusCode::kNotFound},
      {"ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
      {"FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition},
      {"ABORTED", absl::StatusCode::kAborted},
      {"OUT_OF_RANGE", absl::StatusCode::kOutOfRange},
      {"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
      {"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied},
      {"UNAUTHENTICATED", absl::StatusCode::kUnauthenticated},
  };
  for (const Mapping& m : kCodes) {
    if (absl::StartsWith(s, m.name) && s.size() > m.name.size() && s[m.name.size()] == ' ') {
      absl::string_view msg = s.substr(m.name.size() + 1);
      // Redis may append " script: <sha>, on @user_script:..." to script errors.
      if (size_t pos = msg.find(" script: "); pos != absl::string_view::npos) {
        msg = msg.substr(0, pos);
      }
      return absl::Status(m.code, msg);
    }
  }
  return absl::InternalError(absl::StrCat("redis: ", s));
}

absl::StatusOr<Options> ParseAddress(absl::string_view address) {
  Options options;
  options.cluster = absl::ConsumePrefix(&address, "cluster://");
  if (size_t q = address.find('?'); q != absl::string_view::npos) {
    absl::string_view query = address.substr(q + 1);
    address = address.substr(0, q);
    if (!absl::ConsumePrefix(&query, "replica_acks=") ||
        !absl::SimpleAtoi(query, &options.replica_acks) || options.replica_acks < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis address: unknown option '", query, "' (want replica_acks=N)"));
    }
  }
  size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("redis address '", address, "' has no port"));
  }
  absl::string_view host = address.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  if (host.empty() || !absl::SimpleAtoi(address.substr(colon + 1), &options.port) ||
      options.port <= 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("redis address '", address, "' is not host:port"));
  }
  options.host = std::string(host);
  return options;
}

int KeySlot(absl::string_view key) {
  // Only the part between the first '{' and the next '}' is hashed, when it
  // is not empty (Redis Cluster specification, "hash tags").
  size_t open = key.find('{');
  if (open != absl::string_view::npos) {
    size_t close = key.find('}', open + 1);
    if (close != absl::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  // CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0.
  uint16_t crc = 0;
  for (unsigned char c : key) {
    crc ^= static_cast<uint16_t>(c) << 8;
    for (int i = 0; i < 8; ++i) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc % 16384;
}

bool IsReadOnly(const Command& command) {
  if (command.empty()) return true;
  static const auto* kReads = new absl::flat_hash_set<std::string>{
      "GET", "MGET", "STRLEN", "EXISTS", "TYPE", "TTL", "PTTL", "HGET", "HMGET", "HGETALL",
      "HLEN", "HEXISTS", "HKEYS", "HVALS", "HSCAN", "SMEMBERS", "SISMEMBER", "SCARD", "SSCAN",
      "SRANDMEMBER", "ZRANGE", "ZRANGEBYLEX", "ZRANGEBYSCORE", "ZREVRANGE", "ZREVRANGEBYSCORE",
      "ZCARD", "ZCOUNT", "ZRANK", "ZREVRANK", "ZSCORE", "ZSCAN", "LLEN", "LRANGE", "LINDEX",
      "XRANGE", "XREVRANGE", "XLEN", "XINFO", "XPENDING", "XREAD", "PING", "INFO", "CLUSTER",
      "SCRIPT", "WAIT", "ASKING", "EVALSHA_RO", "EVAL_RO", "SCAN", "DBSIZE", "ECHO", "TIME", "CLIENT"};
  return kReads->contains(absl::AsciiStrToUpper(command[0]));
}

absl::string_view RoutingKey(const Command& command) {
  if (command.size() < 2) return "";
  std::string name = absl::AsciiStrToUpper(command[0]);
  if (name == "EVAL" || name == "EVALSHA" || name == "EVALSHA_RO" || name == "EVAL_RO" ||
      name == "FCALL") {
    int numkeys = 0;
    if (command.size() > 3 && absl::SimpleAtoi(command[2], &numkeys) && numkeys > 0) {
      return command[3];
    }
    return "";
  }
  if (name == "XREAD" || name == "XREADGROUP") {
    for (size_t i = 1; i + 1 < command.size(); ++i) {
      if (absl::AsciiStrToUpper(command[i]) == "STREAMS") return command[i + 1];
    }
    return "";
  }
  if (name == "SCRIPT" || name == "CLUSTER" || name == "INFO" || name == "DEBUG" ||
      name == "CLIENT" || name == "CONFIG" || name == "PING" || name == "FLUSHALL" ||
      name == "FLUSHDB" || name == "DBSIZE" || name == "MULTI" || name == "EXEC" ||
      name == "ASKING") {
    return "";
  }
  return command[1];
}

namespace {

// Whether the server closed an idle connection.  Redis sends nothing
// unasked on a connection without subscriptions, so an idle one that is
// readable has met its end of file (or an error); poll's answer costs no
// round trip.
bool PeerClosed(const redisContext* c) {
  pollfd p{};
  p.fd = c->fd;
  p.events = POLLIN;
  return poll(&p, 1, 0) != 0;
}

}  // namespace

// A pool of connections to one Redis node.
class Client::Node {
 public:
  Node(const Options& options, std::string host, int port)
      : options_(options), host_(std::move(host)), port_(port), backoff_(options.min_backoff) {}

  struct Conn {
    redisContext* ctx = nullptr;
    uint64_t generation = 0;
    ~Conn() {
      if (ctx) redisFree(ctx);
    }
  };

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  std::string address() const { return absl::StrCat(host_, ":", port_); }

  absl::StatusOr<std::unique_ptr<Conn>> Acquire() {
    uint64_t generation;
    {
      absl::MutexLock lock(&mu_);
      while (!idle_.empty()) {
        std::unique_ptr<Conn> conn = std::move(idle_.back());
        idle_.pop_back();
        if (conn->generation != generation_) continue;
        if (!PeerClosed(conn->ctx)) return conn;
        // The server closed it while it lay idle (a restart): nothing has
        // been sent on it, so a fresh connection serves this call instead
        // of failing it; the others opened before are suspect too.
        broken_.fetch_add(1, std::memory_order_relaxed);
        ++generation_;
      }
      if (absl::Now() < next_connect_) {
        return absl::UnavailableError(
            absl::StrCat("redis ", address(), " unreachable; retrying after backoff"));
      }
      generation = generation_;
    }
    auto conn = std::make_unique<Conn>();
    conn->generation = generation;
    timeval tv = AsTimeval(options_.connect_timeout);
    conn->ctx = redisConnectWithTimeout(host_.c_str(), port_, tv);
    if (conn->ctx == nullptr || conn->ctx->err) {
      connect_failures_.fetch_add(1, std::memory_order_relaxed);
      absl::Status status = IoError(conn->ctx, absl::StrCat("connect ", address()));
      absl::MutexLock lock(&mu_);
      next_connect_ = absl::Now() + backoff_;
      backoff_ = std::min(backoff_ * 2, options_.max_backoff);
      return absl::UnavailableError(status.message());
    }
    {
      absl::MutexLock lock(&mu_);
      backoff_ = options_.min_backoff;
      next_connect_ = absl::InfinitePast();
    }
    redisEnableKeepAlive(conn->ctx);
    opened_.fetch_add(1, std::memory_order_relaxed);
    return conn;
  }

  void Release(std::unique_ptr<Conn> conn, bool healthy) {
    absl::MutexLock lock(&mu_);
    if (!healthy) {
      broken_.fetch_add(1, std::memory_order_relaxed);
      // The server probably went away: every connection opened before now
      // is suspect, so none of them is handed out again.
      if (conn->generation == generation_) ++generation_;
      return;
    }
    if (conn->generation == generation_ && static_cast<int>(idle_.size()) < options_.max_idle) {
      idle_.push_back(std::move(conn));
    }
  }

  void AddStats(PoolStats& stats) {
    {
      absl::MutexLock lock(&mu_);
      stats.idle += static_cast<int64_t>(idle_.size());
    }
    stats.opened += opened_.load(std::memory_order_relaxed);
    stats.connect_failures += connect_failures_.load(std::memory_order_relaxed);
    stats.broken += broken_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<int64_t> opened_{0};
  std::atomic<int64_t> connect_failures_{0};
  std::atomic<int64_t> broken_{0};
  const Options& options_;
  const std::string host_;
  const int port_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time next_connect_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_);
};

Client::Client(Options options) : options_(std::move(options)) {
  if (!options_.cluster) {
    single_ = std::make_unique<Node>(options_, options_.host, options_.port);
  } else {
    absl::MutexLock lock(&cluster_mu_);
    nodes_.push_back(std::make_unique<Node>(options_, options_.host, options_.port));
  }
}

Client::~Client() = default;

absl::StatusOr<std::vector<Reply>> Client::Exchange(Node& node, const std::vector<Command>& commands,
                                                    absl::Duration timeout) {
  if (options_.replica_acks > 0 &&
      std::any_of(commands.begin(), commands.end(), [](const Command& c) { return !IsReadOnly(c); })) {
    // WAIT on the same connection covers every write sent before it.
    std::vector<Command> with_wait = commands;
    with_wait.push_back({"WAIT", absl::StrCat(options_.replica_acks),
                         absl::StrCat(absl::ToInt64Milliseconds(options_.replica_ack_timeout))});
    auto replies = ExchangeRaw(node, with_wait, timeout);
    if (!replies.ok()) return replies;
    const Reply wait = std::move(replies->back());
    replies->pop_back();
    if (!wait.is_integer() || wait.integer < options_.replica_acks) {
      return absl::UnavailableError(absl::StrCat(
          "redis: a write reached ", wait.integer, " of ", options_.replica_acks,
          " replicas in time; it is not acknowledged (it may or may not survive a failover)"));
    }
    return replies;
  }
  return ExchangeRaw(node, commands, timeout);
}

absl::StatusOr<std::vector<Reply>> Client::ExchangeRaw(Node& node,
                                                       const std::vector<Command>& commands,
                                                       absl::Duration timeout) {
  auto conn_or = node.Acquire();
  if (!conn_or.ok()) return conn_or.status();
  std::unique_ptr<Node::Conn> conn = std::move(*conn_or);
  redisContext* c = conn->ctx;
  timeval tv = AsTimeval(timeout > absl::ZeroDuration() ? timeout : options_.command_timeout);
  redisSetTimeout(c, tv);

  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  for (const Command& cmd : commands) {
    argv.clear();
    argvlen.clear();
    for (const std::string& arg : cmd) {
      argv.push_back(arg.data());
      argvlen.push_back(arg.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(cmd.size()), argv.data(), argvlen.data()) !=
        REDIS_OK) {
      absl::Status s = IoError(c, "append");
      node.Release(std::move(conn), false);
      return s;
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) {
      absl::Status s = IoError(c, "read");
      node.Release(std::move(conn), false);
      return s;
    }
    replies.push_back(Copy(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  node.Release(std::move(conn), true);
  return replies;
}

Client::Node* Client::NodeAt(const std::string& host, int port) {
  for (auto& n : nodes_) {
    if (n->host() == host && n->port() == port) return n.get();
  }
  nodes_.push_back(std::make_unique<Node>(options_, host, port));
  return nodes_.back().get();
}

absl::Status Client::RefreshSlots() {
  std::vector<Node*> candidates;
  {
    absl::MutexLock lock(&cluster_mu_);
    for (auto& n : nodes_) candidates.push_back(n.get());
  }
  absl::Status last = absl::UnavailableError("redis cluster: no node known");
  for (Node* node : candidates) {
    auto replies = Exchange(*node, {{"CLUSTER", "SLOTS"}}, absl::ZeroDuration());
    if (!replies.ok()) {
      last = replies.status();
      continue;
    }
    const Reply& r = (*replies)[0];
    if (!r.is_array() || r.elements.empty()) {
      last = absl::UnavailableError(absl::StrCat("redis cluster: CLUSTER SLOTS from ",
                                                 node->address(), " gave no slots ", r.str));
      continue;
    }
    absl::MutexLock lock(&cluster_mu_);
    std::vector<Node*> slots(16384, nullptr);
    for (const Reply& range : r.elements) {
      if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) continue;
      const Reply& master = range.elements[2];
      std::string host = master.elements[0].str.empty() ? node->host() : master.elements[0].str;
      Node* owner = NodeAt(host, static_cast<int>(master.elements[1].integer));
      for (long long slot = range.elements[0].integer;
           slot <= range.elements[1].integer && slot < 16384; ++slot) {
        slots[slot] = owner;
      }
    }
    slots_ = std::move(slots);
    slots_stale_ = false;
    return absl::OkStatus();
  }
  return last;
}

absl::StatusOr<Client::Node*> Client::NodeFor(int slot) {
  if (!options_.cluster) return single_.get();
  bool stale;
  {
    absl::MutexLock lock(&cluster_mu_);
    stale = slots_stale_;
  }
  if (stale) {
    if (absl::Status s = RefreshSlots(); !s.ok()) return s;
  }
  absl::MutexLock lock(&cluster_mu_);
  if (slot < 0) {
    for (Node* n : slots_) {
      if (n != nullptr) return n;
    }
    return nodes_.front().get();
  }
  Node* n = slots_.empty() ? nullptr : slots_[slot];
  if (n == nullptr) {
    slots_stale_ = true;
    return absl::UnavailableError(absl::StrCat("redis cluster: slot ", slot, " is not served"));
  }
  return n;
}

std::vector<Client::Node*> Client::Masters() {
  std::vector<Node*> out;
  if (!options_.cluster) return {single_.get()};
  (void)NodeFor(-1);
  absl::MutexLock lock(&cluster_mu_);
  for (Node* n : slots_) {
    if (n != nullptr && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

absl::StatusOr<std::vector<Reply>> Client::RunGroup(const std::vector<Command>& commands,
                                                    absl::Duration timeout) {
  if (!options_.cluster) return Exchange(*single_, commands, timeout);
  int slot = -1;
  for (const Command& c : commands) {
    absl::string_view key = RoutingKey(c);
    if (!key.empty()) {
      slot = KeySlot(key);
      break;
    }
  }
  absl::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto node = NodeFor(slot);
    if (!node.ok()) {
      last = node.status();
      continue;
    }
    auto replies = Exchange(**node, commands, timeout);
    if (!replies.ok()) {
      // The node may have failed over: learn the map again next time.  The
      // command may or may not have run, so it is not resent here.
      absl::MutexLock lock(&cluster_mu_);
      slots_stale_ = true;
      return replies.status();
    }
    // A redirection means the node did not run the command: safe to resend.
    const Reply* redirect = nullptr;
    for (const Reply& r : *replies) {
      if (r.is_error() && (absl::StartsWith(r.str, "MOVED ") || absl::StartsWith(r.str, "ASK ") ||
                           absl::StartsWith(r.str, "TRYAGAIN") ||
                           absl::StartsWith(r.str, "CLUSTERDOWN"))) {
        redirect = &r;
        break;
      }
      if (r.is_error() && absl::StartsWith(r.str, "EXECABORT")) continue;
    }
    if (redirect == nullptr) return replies;
    last = absl::UnavailableError(absl::StrCat("redis cluster: ", redirect->str));
    if (absl::StartsWith(redirect->str, "ASK ")) {
      // ASK <slot> <host:port>: this one command goes to the importing node
      // after ASKING; the slot map itself is unchanged.
      std::vector<std::string> parts = absl::StrSplit(redirect->str, ' ');
      size_t colon = parts.size() == 3 ? parts[2].rfind(':') : std::string::npos;
      int port = 0;
      if (colon == std::string::npos || !absl::SimpleAtoi(parts[2].substr(colon + 1), &port)) {
        return last;
      }
      Node* target;
      {
        absl::MutexLock lock(&cluster_mu_);
        target = NodeAt(parts[2].substr(0, colon), port);
      }
      std::vector<Command> asking = {{"ASKING"}};
      asking.insert(asking.end(), commands.begin(), commands.end());
      auto r = Exchange(*target, asking, timeout);
      if (!r.ok()) return r.status();
      r->erase(r->begin());
      return r;
    }
    {
      absl::MutexLock lock(&cluster_mu_);
      slots_stale_ = true;
    }
  }
  return last;
}

namespace {

// The first transient error among `replies` as UNAVAILABLE, else OK.
absl::Status TransientStatus(const std::vector<Reply>& replies) {
  for (const Reply& r : replies) {
    if (IsTransientError(r)) return ReplyStatus(r);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Reply> Client::Run(const Command& command, absl::Duration timeout) {
  auto replies = RunGroup({command}, timeout);
  if (!replies.ok()) return replies.status();
  if (absl::Status s = TransientStatus(*replies); !s.ok()) return s;
  return std::move((*replies)[0]);
}

absl::StatusOr<std::vector<Reply>> Client::Pipeline(const std::vector<Command>& commands) {
  auto replies = PipelineReplies(commands);
  if (!replies.ok()) return replies;
  if (absl::Status s = TransientStatus(*replies); !s.ok()) return s;
  return replies;
}

absl::StatusOr<std::vector<Reply>> Client::PipelineReplies(const std::vector<Command>& commands) {
  if (commands.empty()) return std::vector<Reply>{};
  if (!options_.cluster) return Exchange(*single_, commands, absl::ZeroDuration());
  // Cluster: one pipeline per node, in order within each node; a command that
  // was redirected is resent on its own.
  std::vector<Reply> out(commands.size());
  std::vector<std::pair<Node*, std::vector<size_t>>> groups;
  for (size_t i = 0; i < commands.size(); ++i) {
    absl::string_view key = RoutingKey(commands[i]);
    auto node = NodeFor(key.empty() ? -1 : KeySlot(key));
    if (!node.ok()) return node.status();
    auto it = std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == *node; });
    if (it == groups.end()) {
      groups.push_back({*node, {}});
      it = groups.end() - 1;
    }
    it->second.push_back(i);
  }
  for (auto& [node, indexes] : groups) {
    std::vector<Command> batch;
    batch.reserve(indexes.size());
    for (size_t i : indexes) batch.push_back(commands[i]);
    auto replies = Exchange(*node, batch, absl::ZeroDuration());
    if (!replies.ok()) {
      absl::MutexLock lock(&cluster_mu_);
      slots_stale_ = true;
      return replies.status();
    }
    for (size_t k = 0; k < indexes.size(); ++k) {
      Reply& r = (*replies)[k];
      if (r.is_error() && (absl::StartsWith(r.str, "MOVED ") || absl::StartsWith(r.str, "ASK "))) {
        auto again = RunGroup({commands[indexes[k]]}, absl::ZeroDuration());
        if (!again.ok()) return again.status();
        out[indexes[k]] = std::move((*again)[0]);
      } else {
        out[indexes[k]] = std::move(r);
      }
    }
  }
  return out;
}

absl::StatusOr<std::vector<Reply>> Client::Transaction(const std::vector<Command>& commands) {
  std::vector<Command> all;
  all.reserve(commands.size() + 2);
  all.push_back({"MULTI"});
  all.insert(all.end(), commands.begin(), commands.end());
  all.push_back({"EXEC"});
  auto replies = RunGroup(all, absl::ZeroDuration());
  if (!replies.ok()) return replies.status();
  Reply& exec = replies->back();
  // A transient refusal of MULTI, of a queued command or of EXEC (LOADING,
  // READONLY, ...) means nothing was applied and the whole call may be
  // resent: UNAVAILABLE, whatever EXEC then answered.
  for (const Reply& r : *replies) {
    if (IsTransientError(r)) return ReplyStatus(r);
  }
  if (exec.is_error()) {
    // EXECABORT: find the command that Redis refused while queueing.
    for (size_t i = 1; i + 1 < replies->size(); ++i) {
      if ((*replies)[i].is_error()) {
        return absl::InternalError(
            absl::StrCat("redis transaction aborted at command ", i, ": ", (*replies)[i].str));
      }
    }
    return ReplyStatus(exec);
  }
  if (!exec.is_array()) return absl::AbortedError("redis transaction was not executed");
  return std::move(exec.elements);
}

absl::Status Client::Load(Script& script) {
  std::string sha;
  for (Node* node : Masters()) {
    auto replies = Exchange(*node, {{"SCRIPT", "LOAD", script.source_}}, absl::ZeroDuration());
    if (!replies.ok()) return replies.status();
    const Reply& reply = (*replies)[0];
    if (!reply.is_string()) {
      return reply.is_error() ? ReplyStatus(reply)
                              : absl::InternalError("SCRIPT LOAD returned no sha");
    }
    sha = reply.str;
  }
  if (sha.empty()) return absl::UnavailableError("redis: no node to load a script on");
  absl::MutexLock lock(&script.mu_);
  script.sha_ = sha;
  return absl::OkStatus();
}

absl::StatusOr<Command> Client::EvalCommand(Script& script, const std::vector<std::string>& keys,
                                            const std::vector<std::string>& args) {
  std::string sha;
  {
    absl::MutexLock lock(&script.mu_);
    sha = script.sha_;
  }
  if (sha.empty()) {
    if (absl::Status s = Load(script); !s.ok()) return s;
    absl::MutexLock lock(&script.mu_);
    sha = script.sha_;
  }
  Command cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.push_back("EVALSHA");
  cmd.push_back(std::move(sha));
  cmd.push_back(absl::StrCat(keys.size()));
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

absl::StatusOr<Reply> Client::Eval(Script& script, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto cmd = EvalCommand(script, keys, args);
    if (!cmd.ok()) return cmd.status();
    auto reply = Run(*cmd);
    if (!reply.ok()) return reply.status();
    if (reply->is_error() && absl::StartsWith(reply->str, "NOSCRIPT")) {
      // Redis lost its script cache (restart, SCRIPT FLUSH): load and retry.
      // NOSCRIPT means nothing ran, so the retry cannot apply anything twice.
      if (absl::Status s = Load(script); !s.ok()) return s;
      continue;
    }
    if (reply->is_error()) return ReplyStatus(*reply);
    return reply;
  }
  return absl::UnavailableError("redis kept answering NOSCRIPT");
}

Client::PoolStats Client::pool_stats() {
  PoolStats stats;
  if (!options_.cluster) {
    single_->AddStats(stats);
    return stats;
  }
  absl::MutexLock lock(&cluster_mu_);
  for (auto& n : nodes_) n->AddStats(stats);
  return stats;
}

absl::Status Client::Ping() {
  if (options_.cluster) {
    // Learn the map afresh, so that a failed-over master is noticed.
    absl::MutexLock lock(&cluster_mu_);
    slots_stale_ = true;
  }
  std::vector<Node*> masters = Masters();
  if (masters.empty()) return absl::UnavailableError("redis cluster: no reachable node");
  for (Node* node : masters) {
    auto replies = Exchange(*node, {{"PING"}}, absl::ZeroDuration());
    if (!replies.ok()) return replies.status();
    const Reply& reply = (*replies)[0];
    if (reply.type != Reply::Type::kStatus || reply.str != "PONG") {
      // LOADING (AOF replay) and other errors mean Redis cannot serve yet.
      return absl::UnavailableError(absl::StrCat("redis PING answered ", reply.str));
    }
  }
  return absl::OkStatus();
}

}  // namespace pelita::redis
