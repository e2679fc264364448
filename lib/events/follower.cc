#include "lib/events/follower.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "lib/events/publish.h"
#include "lib/log/log.h"
#include "lib/status/status.h"
#include "lib/status/transient.h"
#include "lib/tenancy/key_builder.h"

namespace pelita::events {
namespace {

// Copies the entry, its error and where it came from to the dead-letter
// stream and acknowledges it, atomically (both keys carry the tenant's hash
// tag).  KEYS: stream, dead-letter stream.  ARGV: group, id, maxlen, type,
// error, data, then the raw fields of an entry without event_type as pairs.
redis::Script g_dead_letter(R"(
local f = {'stream', KEYS[1], 'group', ARGV[1], 'id', ARGV[2], 'event_type', ARGV[4],
           'error', ARGV[5], 'event_data', ARGV[6]}
for i = 7, #ARGV - 1, 2 do
  f[#f + 1] = 'legacy.' .. ARGV[i]
  f[#f + 1] = ARGV[i + 1]
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(f))
return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
)");

absl::Time IdTime(absl::string_view id) {
  int64_t ms = 0;
  size_t dash = id.find('-');
  if (!absl::SimpleAtoi(id.substr(0, dash), &ms)) return absl::UnixEpoch();
  return absl::FromUnixMillis(ms);
}

bool IsNoGroup(const redis::Reply& r) { return r.is_error() && absl::StartsWith(r.str, "NOGROUP"); }

// The entries [id, fields] of an XREAD/XREADGROUP reply for one stream.
std::vector<redis::Reply> StreamEntries(redis::Reply& reply) {
  if (!reply.is_array() || reply.elements.empty()) return {};
  redis::Reply& stream = reply.elements[0];
  if (stream.elements.size() != 2) return {};
  return std::move(stream.elements[1].elements);
}

// A field of a flat [k, v, k, v] or a map-like reply.
const redis::Reply* MapField(const redis::Reply& map, absl::string_view name) {
  for (size_t i = 0; i + 1 < map.elements.size(); i += 2) {
    if (map.elements[i].str == name) return &map.elements[i + 1];
  }
  return nullptr;
}

}  // namespace

std::string ConsumerName() {
  if (const char* c = std::getenv("PELITA_CONSUMER"); c != nullptr && *c != '\0') return c;
  std::string host;
  if (const char* h = std::getenv("HOSTNAME"); h != nullptr && *h != '\0') {
    host = h;
  } else {
    char buf[256] = {0};
    host = gethostname(buf, sizeof(buf) - 1) == 0 && buf[0] != '\0' ? buf : "pelita";
  }
  return absl::StrCat(host, "-", getpid());
}

Follower::Follower(redis::Client* redis, TenantSource* tenants, std::string publisher,
                   std::function<std::string(const std::string&)> stream_key, FollowerOptions options)
    : redis_(redis),
      tenants_(tenants),
      publisher_(std::move(publisher)),
      stream_key_(std::move(stream_key)),
      options_([&] {
        if (options.group.empty()) options.group = options.service;
        if (options.consumer.empty()) options.consumer = ConsumerName();
        options.batch = std::max(1, options.batch);
        options.max_attempts = std::max(1, options.max_attempts);
        return std::move(options);
      }()),
      metrics_(publisher_, options_.group) {}

Follower::~Follower() { Stop(); }

void Follower::Start() {
  if (thread_.joinable()) return;
  LogInfo("follower started", {{"stream", publisher_}, {"group", options_.group},
                               {"consumer", options_.consumer}});
  thread_ = std::thread([this] { Loop(); });
}

void Follower::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void Follower::Loop() {
  while (!stop_.HasBeenNotified()) {
    auto n = PollOnce();
    if (!n.ok() || *n == 0) stop_.WaitForNotificationWithTimeout(options_.idle_poll);
  }
}

Follower::Stats Follower::stats() const {
  Stats s;
  s.handled = handled_.load();
  s.unknown = unknown_.load();
  s.dead_lettered = dead_lettered_.load();
  s.retried = retried_.load();
  s.claimed = claimed_.load();
  s.ack_errors = ack_errors_.load();
  return s;
}

absl::StatusOr<int> Follower::PollOnce() {
  const std::vector<std::string> tenants = tenants_->Tenants();
  int total = 0;
  absl::Status first_error;
  for (const std::string& tenant : tenants) {
    auto [it, fresh] = states_.try_emplace(tenant);
    TenantState& state = it->second;
    if (fresh) state.backoff = options_.min_backoff;
    if (absl::Now() < state.retry_at) continue;
    auto n = PollTenant(tenant, state);
    if (n.ok()) {
      total += *n;
      continue;
    }
    LogWarning("follower: stream read failed",
               {{"stream", stream_key_(tenant)}, {"group", options_.group}, {"error", n.status().ToString()}});
    state.retry_at = absl::Now() + state.backoff;
    state.backoff = std::min(state.backoff * 2, options_.max_backoff);
    state.pending_done = false;
    if (first_error.ok()) first_error = n.status();
  }
  // Tenants that left the source are no longer followed.
  if (states_.size() > tenants.size()) {
    absl::flat_hash_map<std::string, TenantState> kept;
    for (const std::string& t : tenants) {
      auto it = states_.find(t);
      if (it != states_.end()) kept.emplace(t, std::move(it->second));
    }
    states_ = std::move(kept);
  }
  if (!first_error.ok()) return first_error;
  return total;
}

absl::StatusOr<int> Follower::PollTenant(const std::string& tenant, TenantState& state) {
  const std::string key = stream_key_(tenant);
  if (options_.delivery == FollowerOptions::Delivery::kEveryProcess) {
    return PollEveryProcess(tenant, key, state);
  }
  return PollShared(tenant, key, state);
}

absl::Status Follower::EnsureGroup(const std::string& key, TenantState& state) {
  if (state.group_ready) return absl::OkStatus();
  PELITA_ASSIGN_OR_RETURN(redis::Reply r,
                          redis_->Run({"XGROUP", "CREATE", key, options_.group, "0", "MKSTREAM"}));
  if (r.is_error() && !absl::StartsWith(r.str, "BUSYGROUP")) return redis::ReplyStatus(r);
  state.group_ready = true;
  state.pending_done = false;
  return absl::OkStatus();
}

absl::StatusOr<int> Follower::PollShared(const std::string& tenant, const std::string& key,
                                         TenantState& state) {
  PELITA_RETURN_IF_ERROR(EnsureGroup(key, state));
  int handled = 0;
  bool stopped = false;
  const absl::Time now = absl::Now();
  if (now - state.last_claim >= std::max(options_.claim_idle / 2, options_.idle_poll)) {
    state.last_claim = now;
    PELITA_ASSIGN_OR_RETURN(int claimed, Claim(tenant, key, state, &stopped));
    handled += claimed;
  }
  // First this consumer's own pending entries ("0"), then new ones (">"),
  // at most 10 batches, so that one busy tenant does not starve the others.
  for (int reads = 0; !stopped && reads < 10; ++reads) {
    const char* from = state.pending_done ? ">" : "0";
    PELITA_ASSIGN_OR_RETURN(
        redis::Reply r, redis_->Run({"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT",
                                     absl::StrCat(options_.batch), "STREAMS", key, from}));
    if (IsNoGroup(r)) {
      // The stream (and with it the group) was deleted: start again.
      LogWarning("follower: group missing; creating it again",
                 {{"stream", key}, {"group", options_.group}});
      state.group_ready = false;
      PELITA_RETURN_IF_ERROR(EnsureGroup(key, state));
      continue;
    }
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
    std::vector<redis::Reply> entries = StreamEntries(r);
    if (entries.empty()) {
      if (state.pending_done) break;
      state.pending_done = true;
      continue;
    }
    PELITA_ASSIGN_OR_RETURN(int n, HandleEntries(tenant, key, entries, state, &stopped));
    handled += n;
    if (state.pending_done && static_cast<int>(entries.size()) < options_.batch) break;
  }
  if (stopped) {
    // An entry failed transiently: pause this tenant, then read our pending
    // entries again from the start, so that it comes first.
    state.pending_done = false;
    state.retry_at = absl::Now() + state.backoff;
    state.backoff = std::min(state.backoff * 2, options_.max_backoff);
  } else {
    state.backoff = options_.min_backoff;
  }
  if (absl::Now() - state.last_lag >= options_.lag_interval) {
    state.last_lag = absl::Now();
    auto lag = MeasureLag(tenant);
    if (lag.ok()) metrics_.SetLag(tenant, lag->entries, lag->oldest);
  }
  return handled;
}

absl::StatusOr<int> Follower::PollEveryProcess(const std::string& tenant, const std::string& key,
                                               TenantState& state) {
  if (state.last_id.empty()) {
    // Start at the end: this process sees what is published from now on
    // (a cache loads the current state some other way first).
    PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Run({"XREVRANGE", key, "+", "-", "COUNT", "1"}));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
    state.last_id = r.elements.empty() ? "0-0" : r.elements[0].elements[0].str;
    return 0;
  }
  int handled = 0;
  while (true) {
    PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Run({"XREAD", "COUNT", absl::StrCat(options_.batch),
                                                         "STREAMS", key, state.last_id}));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
    std::vector<redis::Reply> entries = StreamEntries(r);
    for (const redis::Reply& e : entries) {
      if (Handle(tenant, key, e) == Outcome::kRetry) {
        state.retry_at = absl::Now() + state.backoff;
        state.backoff = std::min(state.backoff * 2, options_.max_backoff);
        return handled;
      }
      state.last_id = e.elements[0].str;
      ++handled;
    }
    if (static_cast<int>(entries.size()) < options_.batch) break;
  }
  state.backoff = options_.min_backoff;
  return handled;
}

absl::StatusOr<int> Follower::Claim(const std::string& tenant, const std::string& key,
                                    TenantState& state, bool* stopped) {
  int handled = 0;
  std::string cursor = "0-0";
  for (int round = 0; round < 100; ++round) {
    PELITA_ASSIGN_OR_RETURN(
        redis::Reply r,
        redis_->Run({"XAUTOCLAIM", key, options_.group, options_.consumer,
                     absl::StrCat(absl::ToInt64Milliseconds(options_.claim_idle)), cursor, "COUNT",
                     absl::StrCat(options_.batch)}));
    if (IsNoGroup(r)) {
      state.group_ready = false;
      return handled;
    }
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
    if (!r.is_array() || r.elements.size() < 2) break;
    std::vector<redis::Reply>& entries = r.elements[1].elements;
    if (!entries.empty()) {
      claimed_ += static_cast<int64_t>(entries.size());
      LogInfo("follower: took over entries of another consumer",
              {{"stream", key}, {"group", options_.group}, {"entries", absl::StrCat(entries.size())}});
      PELITA_ASSIGN_OR_RETURN(int n, HandleEntries(tenant, key, entries, state, stopped));
      handled += n;
      // What is left is pending on this consumer now: it is read as ours
      // after the backoff.
      if (*stopped) break;
    }
    cursor = r.elements[0].str;
    if (cursor == "0-0") break;
  }
  ExpireConsumers(key);
  return handled;
}

void Follower::ExpireConsumers(const std::string& key) {
  auto r = redis_->Run({"XINFO", "CONSUMERS", key, options_.group});
  if (!r.ok() || !r->is_array()) return;
  for (const redis::Reply& c : r->elements) {
    const redis::Reply* name = MapField(c, "name");
    const redis::Reply* pending = MapField(c, "pending");
    const redis::Reply* idle = MapField(c, "idle");
    if (name == nullptr || pending == nullptr || idle == nullptr) continue;
    if (name->str == options_.consumer || pending->integer != 0 ||
        idle->integer < absl::ToInt64Milliseconds(options_.consumer_expiry)) {
      continue;
    }
    (void)redis_->Run({"XGROUP", "DELCONSUMER", key, options_.group, name->str});
  }
}

absl::StatusOr<int> Follower::HandleEntries(const std::string& tenant, const std::string& key,
                                            const std::vector<redis::Reply>& entries,
                                            TenantState& state, bool* stopped) {
  int handled = 0;
  redis::Command ack = {"XACK", key, options_.group};
  for (const redis::Reply& e : entries) {
    if (e.elements.empty()) continue;
    const Outcome outcome = Handle(tenant, key, e);
    if (outcome == Outcome::kRetry) {
      *stopped = true;
      break;
    }
    if (outcome == Outcome::kAck) ack.push_back(e.elements[0].str);
    ++handled;
  }
  if (ack.size() > 3) {
    auto r = redis_->Run(ack);
    absl::Status s = r.ok() ? redis::ReplyStatus(*r) : r.status();
    if (s.ok() && !r->is_integer()) s = absl::InternalError(absl::StrCat("XACK answered ", r->str));
    if (!s.ok()) {
      // The entries stay pending and are handled again (at least once).
      ++ack_errors_;
      return absl::Status(s.code(), absl::StrCat("XACK ", key, ": ", s.message()));
    }
  }
  return handled;
}

Follower::Outcome Follower::Handle(const std::string& tenant, const std::string& key,
                                   const redis::Reply& entry) {
  EventContext context;
  context.tenant = tenant;
  context.stream = key;
  context.id = entry.elements[0].str;
  context.published = IdTime(context.id);
  if (entry.elements.size() < 2 || !entry.elements[1].is_array()) {
    return Outcome::kAck;  // trimmed away while pending: nothing to handle
  }
  Fields fields;
  const auto& kv = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < kv.size(); i += 2) fields.emplace_back(kv[i].str, kv[i + 1].str);
  std::string data;
  bool typed = false;
  for (const auto& [k, v] : fields) {
    if (k == kTypeField) {
      context.type = v;
      typed = true;
    } else if (k == kDataField) {
      data = v;
    }
  }

  absl::Status status;
  auto handler = handlers_.end();
  if (!typed && legacy_) {
    auto decoded = legacy_(context, fields);
    if (!decoded.ok()) {
      context.type = "(legacy)";
      status = decoded.status();
    } else if (*decoded != nullptr) {
      context.type = std::string((*decoded)->GetDescriptor()->full_name());
      data = (*decoded)->SerializeAsString();
      typed = true;
    }
  }
  if (status.ok()) {
    if (typed) handler = handlers_.find(context.type);
    if (handler == handlers_.end()) {
      ++unknown_;
      metrics_.CountHandled(context.type.empty() ? "(untyped)" : context.type, "unknown");
      return Outcome::kAck;
    }
    status = handler->second(context, data);
  }
  const std::string attempt_key = absl::StrCat(key, "/", context.id);
  if (status.ok()) {
    ++handled_;
    attempts_.erase(attempt_key);
    metrics_.CountHandled(context.type, "ok");
    return Outcome::kAck;
  }
  if (IsTransient(status)) {
    const int attempts = ++attempts_[attempt_key];
    if (attempts < options_.max_attempts) {
      ++retried_;
      metrics_.CountHandled(context.type, "retry");
      LogWarning("follower: handler failed; retrying later",
                 {{"stream", key}, {"id", context.id}, {"type", context.type},
                  {"attempt", absl::StrCat(attempts)}, {"error", status.ToString()}});
      return Outcome::kRetry;
    }
    status = absl::Status(status.code(), absl::StrCat("gave up after ", attempts, " attempts: ",
                                                      status.message()));
  }
  attempts_.erase(attempt_key);
  if (options_.delivery == FollowerOptions::Delivery::kEveryProcess) {
    ++dead_lettered_;
    metrics_.CountHandled(context.type, "skipped");
    LogWarning("follower: event skipped", {{"stream", key}, {"id", context.id}, {"type", context.type},
                                           {"error", status.ToString()}});
    return Outcome::kAck;
  }
  absl::Status dl = DeadLetter(tenant, key, context.id, context.type, status, data, typed ? Fields{} : fields);
  if (!dl.ok()) {
    ++ack_errors_;
    LogError("follower: dead-lettering failed; the entry stays pending",
             {{"stream", key}, {"id", context.id}, {"error", dl.ToString()}});
    return Outcome::kRetry;
  }
  ++dead_lettered_;
  metrics_.CountHandled(context.type, "dead_letter");
  LogWarning("follower: event dead-lettered",
             {{"stream", key}, {"id", context.id}, {"type", context.type}, {"group", options_.group},
              {"dead_letter", KeyBuilder(options_.service, tenant).Key("deadletter")},
              {"error", status.ToString()}});
  return Outcome::kDeadLettered;
}

absl::Status Follower::DeadLetter(const std::string& tenant, const std::string& key, const std::string& id,
                                  const std::string& type, const absl::Status& error,
                                  const std::string& data, const Fields& raw) {
  std::vector<std::string> argv = {options_.group, id, absl::StrCat(options_.dead_letter_maxlen), type,
                                   error.ToString(), data};
  for (const auto& [k, v] : raw) {
    argv.push_back(k);
    argv.push_back(v);
  }
  auto r = redis_->Eval(g_dead_letter, {key, KeyBuilder(options_.service, tenant).Key("deadletter")}, argv);
  return r.status();
}

absl::StatusOr<Follower::Lag> Follower::MeasureLag(const std::string& tenant) {
  const std::string key = stream_key_(tenant);
  Lag lag;
  const absl::Time now = absl::Now();
  std::string oldest_id;
  std::string after;  // entries after this id are not yet delivered
  if (options_.delivery == FollowerOptions::Delivery::kShared) {
    PELITA_ASSIGN_OR_RETURN(redis::Reply p, redis_->Run({"XPENDING", key, options_.group}));
    if (IsNoGroup(p)) return lag;
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(p));
    if (p.is_array() && p.elements.size() >= 2 && p.elements[0].integer > 0) {
      lag.entries = p.elements[0].integer;
      oldest_id = p.elements[1].str;
    }
    PELITA_ASSIGN_OR_RETURN(redis::Reply groups, redis_->Run({"XINFO", "GROUPS", key}));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(groups));
    for (const redis::Reply& g : groups.elements) {
      const redis::Reply* name = MapField(g, "name");
      if (name == nullptr || name->str != options_.group) continue;
      const redis::Reply* last = MapField(g, "last-delivered-id");
      if (last != nullptr) after = last->str;
    }
  } else {
    auto it = states_.find(tenant);
    after = it == states_.end() || it->second.last_id.empty() ? "" : it->second.last_id;
  }
  if (!after.empty()) {
    // Not yet delivered: counted up to a bound (a follower that far behind
    // is an alarm whatever the exact figure).
    PELITA_ASSIGN_OR_RETURN(redis::Reply rest,
                            redis_->Run({"XRANGE", key, absl::StrCat("(", after), "+", "COUNT", "10000"}));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(rest));
    lag.entries += static_cast<int64_t>(rest.elements.size());
    if (oldest_id.empty() && !rest.elements.empty()) oldest_id = rest.elements[0].elements[0].str;
  }
  lag.oldest = oldest_id.empty() ? absl::ZeroDuration() : std::max(absl::ZeroDuration(), now - IdTime(oldest_id));
  return lag;
}

}  // namespace pelita::events
