#include "lib/redis/redis.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <utility>

#include "absl/strings/match.h"
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

absl::Status ReplyStatus(const Reply& reply) {
  if (!reply.is_error()) return absl::OkStatus();
  absl::string_view s = reply.str;
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

struct Client::Conn {
  redisContext* ctx = nullptr;
  uint64_t generation = 0;
  ~Conn() {
    if (ctx) redisFree(ctx);
  }
};

Client::Client(Options options) : options_(std::move(options)), backoff_(options_.min_backoff) {}

Client::~Client() = default;

absl::StatusOr<std::unique_ptr<Client::Conn>> Client::Acquire() {
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    while (!idle_.empty()) {
      std::unique_ptr<Conn> conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->generation == generation_) return conn;
    }
    if (absl::Now() < next_connect_) {
      return absl::UnavailableError(absl::StrCat("redis ", options_.host, ":", options_.port,
                                                 " unreachable; retrying after backoff"));
    }
    generation = generation_;
  }
  auto conn = std::make_unique<Conn>();
  conn->generation = generation;
  timeval tv = AsTimeval(options_.connect_timeout);
  conn->ctx = redisConnectWithTimeout(options_.host.c_str(), options_.port, tv);
  if (conn->ctx == nullptr || conn->ctx->err) {
    absl::Status status = IoError(conn->ctx, absl::StrCat("connect ", options_.host, ":",
                                                          options_.port));
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
  return conn;
}

void Client::Release(std::unique_ptr<Conn> conn, bool healthy) {
  absl::MutexLock lock(&mu_);
  if (!healthy) {
    // The server probably went away: every connection opened before now is
    // suspect, so none of them is handed out again.
    if (conn->generation == generation_) ++generation_;
    return;
  }
  if (conn->generation == generation_ && static_cast<int>(idle_.size()) < options_.max_idle) {
    idle_.push_back(std::move(conn));
  }
}

absl::StatusOr<std::vector<Reply>> Client::Exchange(const std::vector<Command>& commands,
                                                    absl::Duration timeout) {
  auto conn_or = Acquire();
  if (!conn_or.ok()) return conn_or.status();
  std::unique_ptr<Conn> conn = std::move(*conn_or);
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
      Release(std::move(conn), false);
      return s;
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) {
      absl::Status s = IoError(c, "read");
      Release(std::move(conn), false);
      return s;
    }
    replies.push_back(Copy(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  Release(std::move(conn), true);
  return replies;
}

absl::StatusOr<Reply> Client::Run(const Command& command, absl::Duration timeout) {
  auto replies = Exchange({command}, timeout);
  if (!replies.ok()) return replies.status();
  return std::move((*replies)[0]);
}

absl::StatusOr<std::vector<Reply>> Client::Pipeline(const std::vector<Command>& commands) {
  if (commands.empty()) return std::vector<Reply>{};
  return Exchange(commands, absl::ZeroDuration());
}

absl::StatusOr<std::vector<Reply>> Client::Transaction(const std::vector<Command>& commands) {
  std::vector<Command> all;
  all.reserve(commands.size() + 2);
  all.push_back({"MULTI"});
  all.insert(all.end(), commands.begin(), commands.end());
  all.push_back({"EXEC"});
  auto replies = Exchange(all, absl::ZeroDuration());
  if (!replies.ok()) return replies.status();
  Reply& exec = replies->back();
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
  auto reply = Run({"SCRIPT", "LOAD", script.source_});
  if (!reply.ok()) return reply.status();
  if (!reply->is_string()) {
    return reply->is_error() ? ReplyStatus(*reply)
                             : absl::InternalError("SCRIPT LOAD returned no sha");
  }
  absl::MutexLock lock(&script.mu_);
  script.sha_ = reply->str;
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

absl::Status Client::Ping() {
  auto reply = Run({"PING"});
  if (!reply.ok()) return reply.status();
  if (reply->type != Reply::Type::kStatus || reply->str != "PONG") {
    // LOADING (AOF replay) and other errors mean Redis cannot serve yet.
    return absl::UnavailableError(absl::StrCat("redis PING answered ", reply->str));
  }
  return absl::OkStatus();
}

}  // namespace pelita::redis
