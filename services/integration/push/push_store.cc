#include "services/integration/push/push_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"
#include "lib/store/cas.h"
#include "lib/store/paging.h"
#include "lib/time/time.h"

namespace pelita::integration {
namespace {

// KEYS: rec, due, all, state:PENDING.  ARGV: id, bytes, now ms, list member.
// Returns {1, bytes} when created, {0, stored bytes} when it existed.
redis::Script kEnqueue(R"lua(
local cur = redis.call('GET', KEYS[1])
if cur then return {0, cur} end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[4])
redis.call('ZADD', KEYS[4], 0, ARGV[4])
return {1, ARGV[2]}
)lua");

// KEYS: due, lease.  ARGV: now ms, lease end ms, owner, batch.
// Claims due pushes whose lease (if any) is over and returns their ids; the
// records are read after (MGET), so the script touches only its KEYS.
redis::Script kClaim(R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, id in ipairs(ids) do
  local l = redis.call('HGET', KEYS[2], id)
  local free = true
  if l then
    local until_ms = tonumber(string.match(l, '^(%d+)'))
    if until_ms and until_ms > tonumber(ARGV[1]) then free = false end
  end
  if free then
    redis.call('HSET', KEYS[2], id, ARGV[2] .. ' ' .. ARGV[3])
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    table.insert(out, id)
  end
end
return out
)lua");

// KEYS: due, lease.  ARGV: id, owner, new lease end ms.
// The lease is renewed only while it still names `owner` (a claim by
// another worker rewrote it); the due time follows when the push is due.
redis::Script kRenew(R"lua(
local l = redis.call('HGET', KEYS[2], ARGV[1]) or ''
local owner = string.match(l, '^%d+ (.*)$')
if owner ~= ARGV[2] then
  return redis.error_reply('FAILED_PRECONDITION LEASE_LOST push ' .. ARGV[1] .. ' is claimed by another worker')
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3] .. ' ' .. ARGV[2])
redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1])
return 1
)lua");

// KEYS: rec, due, lease, all, state:1..4.  ARGV: id, expected bytes, new
// bytes, list member, new state (1..4), due ('' = remove, 'keep', or ms),
// owner ('' = no check), clear lease ('1'/'0').
redis::Script kWrite(R"lua(
local cur = redis.call('GET', KEYS[1])
if not cur then return redis.error_reply('NOT_FOUND push ' .. ARGV[1]) end
if cur ~= ARGV[2] then return redis.error_reply('ABORTED the push changed concurrently') end
if ARGV[7] ~= '' then
  local l = redis.call('HGET', KEYS[3], ARGV[1]) or ''
  local owner = string.match(l, '^%d+ (.*)$')
  if owner ~= ARGV[7] then
    return redis.error_reply('FAILED_PRECONDITION LEASE_LOST push ' .. ARGV[1] .. ' is claimed by another worker')
  end
end
redis.call('SET', KEYS[1], ARGV[3])
for i = 5, 8 do redis.call('ZREM', KEYS[i], ARGV[4]) end
redis.call('ZADD', KEYS[4 + tonumber(ARGV[5])], 0, ARGV[4])
if ARGV[6] == '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
elseif ARGV[6] ~= 'keep' then
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
end
if ARGV[8] == '1' then redis.call('HDEL', KEYS[3], ARGV[1]) end
return 1
)lua");

constexpr int64_t kInvertBase = 9999999999999;  // 13 digits of ms: until the year 2286.

std::string ListMember(const Push& p) {
  const int64_t ms = absl::ToUnixMillis(FromTimestamp(p.create_time()));
  const std::string id = p.name().substr(p.name().rfind('/') + 1);
  return absl::StrFormat("%013d|%s", kInvertBase - ms, id);
}

absl::StatusOr<Push> ParsePush(const std::string& bytes) {
  Push p;
  if (!p.ParseFromString(bytes)) return absl::DataLossError("corrupt push record");
  return p;
}

}  // namespace

absl::StatusOr<std::string> PushIdOf(const std::string& tenant, const std::string& enrolment) {
  std::vector<std::string> p = absl::StrSplit(enrolment, '/');
  if (p.size() != 8 || p[0] != "tenants" || p[2] != "programs" || p[4] != "cohorts" || p[6] != "enrolments") {
    return InvalidField("enrolment", absl::StrCat("not an enrolment name: ", enrolment));
  }
  if (p[1] != tenant) return InvalidField("enrolment", absl::StrCat(enrolment, " is not of tenant ", tenant));
  for (int i : {3, 5, 7}) {
    if (p[i].empty() || p[i].find('.') != std::string::npos || p[i].find('|') != std::string::npos) {
      return InvalidField("enrolment", absl::StrCat("bad id in ", enrolment));
    }
  }
  return absl::StrCat(p[3], ".", p[5], ".", p[7]);
}

std::string PushName(const std::string& tenant, const std::string& id) {
  return absl::StrCat("tenants/", tenant, "/pushes/", id);
}

PushStore::PushStore(redis::Client* redis, Options options)
    : redis_(redis), options_(std::move(options)) {
  rng_.seed(options_.seed != 0 ? options_.seed : std::random_device{}());
}

absl::StatusOr<std::pair<Push, bool>> PushStore::Enqueue(const std::string& tenant, const std::string& enrolment,
                                                         const std::string& nip) {
  PELITA_ASSIGN_OR_RETURN(std::string id, PushIdOf(tenant, enrolment));
  const std::string enrolment_nip = id.substr(id.rfind('.') + 1);
  if (!nip.empty() && nip != enrolment_nip) {
    return InvalidField("nip", absl::StrCat("nip ", nip, " is not the enrolment's (", enrolment_nip, ")"));
  }
  const absl::Time now = Now();
  Push p;
  p.set_name(PushName(tenant, id));
  p.set_enrolment(enrolment);
  p.set_nip(enrolment_nip);
  p.set_state(Push::PENDING);
  *p.mutable_next_attempt_time() = ToTimestamp(now);
  *p.mutable_create_time() = ToTimestamp(now);
  *p.mutable_update_time() = ToTimestamp(now);
  const KeyBuilder k = Keys(tenant);
  PELITA_ASSIGN_OR_RETURN(
      redis::Reply r,
      redis_->Eval(kEnqueue,
                   {k.Key("push", "rec", id), k.Key("push", "due"), k.Key("push", "all"),
                    k.Key("push", "state", static_cast<int>(Push::PENDING))},
                   {id, p.SerializeAsString(), absl::StrCat(absl::ToUnixMillis(now)), ListMember(p)}));
  if (!r.is_array() || r.elements.size() != 2) return absl::InternalError("enqueue: unexpected reply");
  PELITA_ASSIGN_OR_RETURN(Push stored, ParsePush(r.elements[1].str));
  return std::make_pair(std::move(stored), r.elements[0].integer == 1);
}

absl::StatusOr<std::vector<Push>> PushStore::Claim(const std::string& tenant, int batch, absl::Duration lease,
                                                   const std::string& owner) {
  const absl::Time now = Now();
  const KeyBuilder k = Keys(tenant);
  PELITA_ASSIGN_OR_RETURN(
      redis::Reply r,
      redis_->Eval(kClaim, {k.Key("push", "due"), k.Key("push", "lease")},
                   {absl::StrCat(absl::ToUnixMillis(now)), absl::StrCat(absl::ToUnixMillis(now + lease)), owner,
                    absl::StrCat(std::max(batch, 1))}));
  std::vector<Push> out;
  if (r.elements.empty()) return out;
  redis::Command mget = {"MGET"};
  for (const auto& e : r.elements) mget.push_back(k.Key("push", "rec", e.str));
  PELITA_ASSIGN_OR_RETURN(redis::Reply recs, redis_->Run(mget));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(recs));
  for (const auto& e : recs.elements) {
    // Every id in the due index has its record (they are written by one
    // script); a missing one would only be skipped, its lease running out.
    if (e.is_nil()) continue;
    PELITA_ASSIGN_OR_RETURN(Push p, ParsePush(e.str));
    out.push_back(std::move(p));
  }
  return out;
}

absl::Status PushStore::Renew(const std::string& tenant, const std::string& id, absl::Duration lease,
                             const std::string& owner) {
  const KeyBuilder k = Keys(tenant);
  return redis_
      ->Eval(kRenew, {k.Key("push", "due"), k.Key("push", "lease")},
             {id, owner, absl::StrCat(absl::ToUnixMillis(Now() + lease))})
      .status();
}

absl::StatusOr<PushStore::Stored> PushStore::Read(const std::string& tenant, const std::string& id) {
  PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Run({"GET", Keys(tenant).Key("push", "rec", id)}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  if (r.is_nil()) return absl::NotFoundError(absl::StrCat("push ", PushName(tenant, id), " not found"));
  PELITA_ASSIGN_OR_RETURN(Push p, ParsePush(r.str));
  return Stored{std::move(p), r.str};
}

absl::StatusOr<Push> PushStore::Update(const std::string& tenant, const std::string& id, const std::string& owner,
                                       bool clear_lease,
                                       const std::function<absl::StatusOr<std::string>(Push&)>& change) {
  const KeyBuilder k = Keys(tenant);
  store::CasOptions cas;
  cas.what = absl::StrCat("push ", id);
  return store::RetryCas(
      [&]() -> absl::StatusOr<Push> {
        PELITA_ASSIGN_OR_RETURN(Stored s, Read(tenant, id));
        Push p = s.push;
        PELITA_ASSIGN_OR_RETURN(std::string due, change(p));
        *p.mutable_update_time() = ToTimestamp(Now());
        std::vector<std::string> keys = {k.Key("push", "rec", id), k.Key("push", "due"), k.Key("push", "lease"),
                                         k.Key("push", "all")};
        for (int st = 1; st <= 4; ++st) keys.push_back(k.Key("push", "state", st));
        PELITA_RETURN_IF_ERROR(redis_
                                   ->Eval(kWrite, keys,
                                          {id, s.bytes, p.SerializeAsString(), ListMember(p),
                                           absl::StrCat(static_cast<int>(p.state())), due, owner,
                                           clear_lease ? "1" : "0"})
                                   .status());
        return p;
      },
      cas);
}

absl::StatusOr<Push> PushStore::MarkSaved(const std::string& tenant, const std::string& id,
                                          const std::string& siasn_record_id, bool found_existing,
                                          const std::string& owner, const std::string& certificate_number) {
  if (siasn_record_id.empty()) return absl::InvalidArgumentError("MarkSaved: empty SIASN record id");
  return Update(tenant, id, owner, /*clear_lease=*/false, [&](Push& p) -> absl::StatusOr<std::string> {
    if (p.state() == Push::DONE) return absl::FailedPreconditionError(absl::StrCat(p.name(), " is done"));
    p.set_state(Push::SAVED);
    p.set_siasn_record_id(siasn_record_id);
    p.set_found_existing(found_existing);
    if (!certificate_number.empty()) p.set_certificate_number(certificate_number);
    return std::string("keep");
  });
}

absl::StatusOr<Push> PushStore::MarkDone(const std::string& tenant, const std::string& id, const std::string& owner) {
  return Update(tenant, id, owner, /*clear_lease=*/true, [&](Push& p) -> absl::StatusOr<std::string> {
    if (p.siasn_record_id().empty()) {
      return absl::FailedPreconditionError(absl::StrCat(p.name(), " has no SIASN record yet"));
    }
    p.set_state(Push::DONE);
    p.clear_next_attempt_time();
    return std::string();
  });
}

absl::Duration PushStore::Backoff(int attempts, absl::Duration previous) {
  const absl::Duration base = options_.base_backoff;
  const absl::Duration cap = options_.max_backoff;
  absl::MutexLock l(&mu_);
  if (options_.jitter == Jitter::kDecorrelated) {
    const absl::Duration prev = std::max(previous, base);
    const absl::Duration hi = std::min(cap, prev * 3);
    if (hi <= base) return std::min(base, cap);
    std::uniform_int_distribution<int64_t> d(absl::ToInt64Milliseconds(base), absl::ToInt64Milliseconds(hi));
    return absl::Milliseconds(d(rng_));
  }
  absl::Duration ceiling = base;
  for (int i = 0; i < attempts && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  std::uniform_int_distribution<int64_t> d(0, absl::ToInt64Milliseconds(ceiling));
  return absl::Milliseconds(d(rng_));
}

absl::StatusOr<Push> PushStore::Fail(const std::string& tenant, const std::string& id, const std::string& error,
                                     bool retryable, std::optional<absl::Duration> retry_after, int max_attempts,
                                     const std::string& owner) {
  return Update(tenant, id, owner, /*clear_lease=*/true, [&](Push& p) -> absl::StatusOr<std::string> {
    if (p.state() == Push::DONE) return absl::FailedPreconditionError(absl::StrCat(p.name(), " is done"));
    const int before = p.attempts();
    const absl::Time now = Now();
    absl::Duration previous = FromTimestamp(p.next_attempt_time()) - FromTimestamp(p.update_time());
    p.set_attempts(before + 1);
    p.set_last_error(error.substr(0, 1000));
    if (!retryable || p.attempts() >= std::max(max_attempts, 1)) {
      p.set_state(Push::DEAD);
      p.clear_next_attempt_time();
      return std::string();
    }
    absl::Duration delay = Backoff(before, previous);
    if (retry_after.has_value()) delay = std::max(delay, *retry_after);
    const absl::Time next = now + delay;
    *p.mutable_next_attempt_time() = ToTimestamp(next);
    return absl::StrCat(absl::ToUnixMillis(next));
  });
}

absl::StatusOr<Push> PushStore::Release(const std::string& tenant, const std::string& id, const std::string& owner) {
  return Update(tenant, id, owner, /*clear_lease=*/true, [&](Push& p) -> absl::StatusOr<std::string> {
    if (p.state() == Push::DONE || p.state() == Push::DEAD) return std::string();
    *p.mutable_next_attempt_time() = ToTimestamp(Now());
    return absl::StrCat(absl::ToUnixMillis(Now()));
  });
}

absl::StatusOr<Push> PushStore::Retry(const std::string& tenant, const std::string& id) {
  return Update(tenant, id, "", /*clear_lease=*/false, [&](Push& p) -> absl::StatusOr<std::string> {
    if (p.state() == Push::DONE) {
      return WithReason(absl::FailedPreconditionError(absl::StrCat(p.name(), " is already done")), "PUSH_DONE");
    }
    p.set_state(p.siasn_record_id().empty() ? Push::PENDING : Push::SAVED);
    p.set_attempts(0);
    *p.mutable_next_attempt_time() = ToTimestamp(Now());
    return absl::StrCat(absl::ToUnixMillis(Now()));
  });
}

absl::StatusOr<Push> PushStore::Get(const std::string& tenant, const std::string& id) {
  PELITA_ASSIGN_OR_RETURN(Stored s, Read(tenant, id));
  return s.push;
}

absl::StatusOr<v1::ListPushesResponse> PushStore::List(const std::string& tenant, Push::State state,
                                                       int page_size, const std::string& page_token) {
  PELITA_ASSIGN_OR_RETURN(int size, store::EffectivePageSize(page_size));
  std::string start = "-";
  if (!page_token.empty()) {
    auto last = store::DecodePageToken(page_token);
    if (!last.ok()) return InvalidField("page_token", "not a token of this list");
    start = absl::StrCat("(", *last);
  }
  const KeyBuilder k = Keys(tenant);
  const std::string index = state == Push::STATE_UNSPECIFIED ? k.Key("push", "all")
                                                             : k.Key("push", "state", static_cast<int>(state));
  PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Run({"ZRANGEBYLEX", index, start, "+", "LIMIT", "0",
                                                       absl::StrCat(size + 1)}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  v1::ListPushesResponse out;
  const size_t n = std::min<size_t>(r.elements.size(), size);
  if (n == 0) return out;
  redis::Command mget = {"MGET"};
  for (size_t i = 0; i < n; ++i) {
    const std::string& m = r.elements[i].str;
    mget.push_back(k.Key("push", "rec", m.substr(m.find('|') + 1)));
  }
  PELITA_ASSIGN_OR_RETURN(redis::Reply recs, redis_->Run(mget));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(recs));
  for (const auto& e : recs.elements) {
    if (e.is_nil()) continue;
    PELITA_ASSIGN_OR_RETURN(Push p, ParsePush(e.str));
    *out.add_pushes() = std::move(p);
  }
  if (r.elements.size() > static_cast<size_t>(size)) {
    out.set_next_page_token(store::EncodePageToken(r.elements[n - 1].str));
  }
  return out;
}

absl::StatusOr<PushCounts> PushStore::Counts(const std::string& tenant) {
  const KeyBuilder k = Keys(tenant);
  std::vector<redis::Command> cmds;
  for (int st = 1; st <= 4; ++st) cmds.push_back({"ZCARD", k.Key("push", "state", st)});
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Pipeline(cmds));
  for (const auto& e : r) PELITA_RETURN_IF_ERROR(redis::ReplyStatus(e));
  PushCounts c;
  c.pending = static_cast<int>(r[0].integer);
  c.saved = static_cast<int>(r[1].integer);
  c.done = static_cast<int>(r[2].integer);
  c.dead = static_cast<int>(r[3].integer);
  return c;
}

}  // namespace pelita::integration
