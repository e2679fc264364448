#include "services/survey/store.h"

#include <openssl/rand.h>

#include <atomic>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lib/events/publish.h"
#include "lib/redis/eval_pipeline.h"
#include "lib/status/status.h"

namespace pelita::survey {
namespace {

std::atomic<int64_t> g_stream_maxlen{0};

// KEYS: 1 resp, 2 respfp, 3 stream, 4 agg, 5 instrn, 6 cinstr, 7 who, 8 pair,
//       9 cresp, 10 one (slots), 11 aggr (the follow-up role's aggregates),
//       12 fw (the wave's subjects), 13 tokused, 14 replaced, 15 tokiss.
//       Keys a write does not use are passed as the agg key and never
//       touched.
// ARGV: 1 id, 2 fingerprint, 3 bytes, 4 instrument id, 5 who member,
//       6 pair role, 7 pair nip, 8 pair score, 9 unused, 10 slot,
//       11 mode (replace / refuse / ''), 12 the standing id this write
//       replaces, 13 token hash, 14 wave member, 15 '1' to update aggr,
//       16 response name prefix, 17 the NIP to record as issued a token
//       (anonymous responses entered with the NIP), 18-20 the
//       pelita.survey.v1.ResponseAccepted event (events::PublishArgs),
//       21-23 the same event naming the replaced response (published
//       instead when this write replaces the standing one; '' otherwise),
//       24 number of aggregate field/delta pairs, then the aggregate pairs
//       and the replaced response's field/delta pairs, negated by the caller
//       (Lua would turn 0 into -0, which HINCRBY refuses).
// Returns {0, stored, replaced by} for a repeat of the same content; {1}
// for a new response; {3, old id} when it replaced the standing response
// old id; {2, standing id, standing bytes} (nothing written) when the slot
// holds another response and ARGV[12] does not name it; {4, standing id}
// (nothing written) when the slot is taken and the kind refuses a second
// answer; {5} (nothing written) when the NIP of ARGV[17] has a token (or an
// answer) already; {6} (nothing written) when the token (an eligibility
// token or a personal link) was used.  ALREADY_EXISTS (nothing written)
// for the same id with other content.
redis::Script g_write(absl::StrCat(events::kPublishLua, R"lua(
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  if old == ARGV[2] then
    return {0, redis.call('HGET', KEYS[1], ARGV[1]), redis.call('HGET', KEYS[14], ARGV[1]) or ''}
  end
  return redis.error_reply('ALREADY_EXISTS response ' .. ARGV[1] .. ' was already accepted with other content')
end
if ARGV[13] ~= '' and redis.call('SISMEMBER', KEYS[13], ARGV[13]) == 1 then return {6} end
if ARGV[17] ~= '' and redis.call('SISMEMBER', KEYS[15], ARGV[17]) == 1 then return {5} end
local standing = false
if ARGV[10] ~= '' then
  standing = redis.call('HGET', KEYS[10], ARGV[10])
  if standing then
    if ARGV[11] ~= 'replace' then return {4, standing} end
    if standing ~= ARGV[12] then return {2, standing, redis.call('HGET', KEYS[1], standing) or ''} end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
-- Exactly one event per accepted response, in the script that stores it.
if standing then pelita_publish(KEYS[3], 21) else pelita_publish(KEYS[3], 18) end
local ni = tonumber(ARGV[24])
local first = 25
local role_agg = ARGV[15] == '1'
for i = first, first + 2 * ni - 1, 2 do
  redis.call('HINCRBY', KEYS[4], ARGV[i], ARGV[i + 1])
  if role_agg then redis.call('HINCRBY', KEYS[11], ARGV[i], ARGV[i + 1]) end
end
if standing then
  -- The standing response stops counting: its increments come off every
  -- aggregate in the same script that adds the new one's.
  for i = first + 2 * ni, #ARGV, 2 do
    redis.call('HINCRBY', KEYS[4], ARGV[i], ARGV[i + 1])
    if role_agg then redis.call('HINCRBY', KEYS[11], ARGV[i], ARGV[i + 1]) end
  end
  redis.call('LREM', KEYS[9], 1, standing)
  redis.call('HSET', KEYS[14], standing, ARGV[1])
else
  redis.call('HINCRBY', KEYS[5], ARGV[4], 1)
end
if KEYS[6] ~= KEYS[4] then redis.call('SADD', KEYS[6], ARGV[4]) end
if KEYS[9] ~= KEYS[4] then redis.call('RPUSH', KEYS[9], ARGV[1]) end
if ARGV[5] ~= '' then redis.call('SADD', KEYS[7], ARGV[5]) end
if ARGV[14] ~= '' then redis.call('SADD', KEYS[12], ARGV[14]) end
if ARGV[10] ~= '' then redis.call('HSET', KEYS[10], ARGV[10], ARGV[1]) end
if ARGV[13] ~= '' then redis.call('SADD', KEYS[13], ARGV[13]) end
if ARGV[17] ~= '' then redis.call('SADD', KEYS[15], ARGV[17]) end
local role = ARGV[6]
if role ~= '' then
  local nip, score = ARGV[7], tonumber(ARGV[8])
  local other = (role == 'pre') and 'post' or 'pre'
  local prev = redis.call('HGET', KEYS[8], role .. ':' .. nip)
  redis.call('HSET', KEYS[8], role .. ':' .. nip, score)
  if not prev then redis.call('HINCRBY', KEYS[8], role .. '_count', 1) end
  local o = redis.call('HGET', KEYS[8], other .. ':' .. nip)
  if o then
    o = tonumber(o)
    local function apply(s, sign)
      local pre, post = s, o
      if role == 'post' then pre, post = o, s end
      local d = post - pre
      redis.call('HINCRBY', KEYS[8], 'spre', sign * pre)
      redis.call('HINCRBY', KEYS[8], 'spost', sign * post)
      redis.call('HINCRBY', KEYS[8], 'sd', sign * d)
      redis.call('HINCRBY', KEYS[8], 'sdd', sign * d * d)
      redis.call('HINCRBY', KEYS[8], 'sprepre', sign * pre * pre)
      redis.call('HINCRBY', KEYS[8], 'spostpost', sign * post * post)
    end
    if prev then apply(tonumber(prev), -1) else redis.call('HINCRBY', KEYS[8], 'n', 1) end
    apply(score, 1)
  end
end
if standing then return {3, standing} end
return {1}
)lua"));

// KEYS: 1 cresp list, 2 resp hash.  ARGV: 1 first index, 2 last index.
// Returns {list length, stored response or false for each listed id}.
redis::Script g_page(R"lua(
local ids = redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])
local out = {redis.call('LLEN', KEYS[1])}
if #ids > 0 then
  local stored = redis.call('HMGET', KEYS[2], unpack(ids))
  for i = 1, #stored do out[#out + 1] = stored[i] end
end
return out
)lua");

// KEYS: 1 answertasks:<nip>.  ARGV: 1 field, 2 value, 3 its expiry (Unix
// seconds), 4 now, 5 the most fields kept, 6 the grace period (seconds).
// Values start with their expiry and a '|'.  Returns 1.
redis::Script g_record_task(R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local now, cap, grace = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
if redis.call('HLEN', KEYS[1]) > cap then
  local all = redis.call('HGETALL', KEYS[1])
  local live = {}
  for i = 1, #all, 2 do
    local exp = tonumber(string.match(all[i + 1], '^(%d+)|')) or 0
    if exp + grace < now then
      redis.call('HDEL', KEYS[1], all[i])
    else
      live[#live + 1] = {exp, all[i]}
    end
  end
  if #live > cap then
    table.sort(live, function(a, b) return a[1] < b[1] end)
    for i = 1, #live - cap do redis.call('HDEL', KEYS[1], live[i][2]) end
  end
end
local keep = tonumber(ARGV[3]) + grace - now
if keep < 1 then keep = 1 end
local ttl = redis.call('TTL', KEYS[1])
if ttl < keep then redis.call('EXPIRE', KEYS[1], keep) end
return 1
)lua");

}  // namespace

absl::Status SurveyStore::RecordAnswerTasks(const std::vector<TaskRecord>& tasks, int64_t now, int cap,
                                            absl::Duration grace) {
  if (tasks.empty()) return absl::OkStatus();
  std::vector<redis::EvalCall> calls;
  calls.reserve(tasks.size());
  for (const TaskRecord& t : tasks) {
    calls.push_back({&g_record_task,
                     {AnswerTasksKey(t.nip)},
                     {t.field, t.value, absl::StrCat(t.expire), absl::StrCat(now), absl::StrCat(cap),
                      absl::StrCat(absl::ToInt64Seconds(grace))}});
  }
  PELITA_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis::EvalPipeline(*redis_, calls));
  for (const redis::Reply& r : replies) {
    if (r.is_error()) return redis::ReplyStatus(r);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<bool>> SurveyStore::Probes(const std::vector<Probe>& probes) {
  std::vector<bool> out(probes.size());
  if (probes.empty()) return out;
  std::vector<redis::Command> cmds;
  cmds.reserve(probes.size());
  for (const Probe& p : probes) cmds.push_back({p.hash ? "HEXISTS" : "SISMEMBER", p.key, p.member});
  PELITA_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis_->Pipeline(cmds));
  for (size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].is_error()) return redis::ReplyStatus(replies[i]);
    out[i] = replies[i].integer == 1;
  }
  return out;
}

void SurveyStore::SetStreamMaxLen(int64_t n) { g_stream_maxlen.store(n); }

SurveyStore::SurveyStore(redis::Client* redis, const std::string& tenant)
    : redis_(redis), tenant_(tenant), keys_("survey", tenant),
      instruments_(redis, "instrument", keys_.Key("instr"), keys_.Key("instr", "idx")) {}

absl::StatusOr<std::string> SurveyStore::GetVersion(const std::string& id, int version) {
  auto r = redis_->Run({"HGET", VersionsKey(), absl::StrCat(id, "@", version)});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return absl::NotFoundError(absl::StrCat("instrument ", id, " has no version ", version));
  return r->str;
}

absl::StatusOr<int64_t> SurveyStore::ResponseCount(const std::string& id) {
  auto r = redis_->Run({"HGET", CountsKey(), id});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return 0;
  int64_t n = 0;
  (void)absl::SimpleAtoi(r->str, &n);
  return n;
}

absl::StatusOr<std::vector<SurveyStore::WriteResult>> SurveyStore::WriteBatch(
    const std::vector<Write>& writes) {
  std::vector<WriteResult> results(writes.size());
  if (writes.empty()) return results;
  const int64_t maxlen = g_stream_maxlen.load();
  std::vector<redis::EvalCall> calls;
  calls.reserve(writes.size());
  const std::string prefix = absl::StrCat("tenants/", tenant_, "/responses/");
  for (const Write& w : writes) {
    auto or_agg = [&](const std::string& k) { return k.empty() ? w.agg_key : k; };
    std::vector<std::string> keys = {
        keys_.Key("resp"), keys_.Key("respfp"), StreamKey(), w.agg_key, CountsKey(),
        or_agg(w.cohort_instruments_key), or_agg(w.who_key), or_agg(w.pair_key),
        or_agg(w.cohort_responses_key), or_agg(w.slots_key), or_agg(w.role_agg_key),
        or_agg(w.wave_key), or_agg(w.tokens_used_key), ReplacedKey(), or_agg(w.issued_key)};
    const char* mode = w.mode == SlotMode::kReplace ? "replace" : w.mode == SlotMode::kRefuse ? "refuse" : "";
    std::vector<std::string> args;
    args.reserve(24 + 2 * w.increments.size() + 2 * w.replaced_increments.size());
    args = {w.id, w.fingerprint, w.bytes, w.instrument_id, w.who_member, w.pair_role,
            w.pair_nip, absl::StrCat(w.pair_score), "", w.slots_key.empty() ? "" : w.slot,
            mode, w.replaces, w.token_hash, w.wave_key.empty() ? "" : w.who_member,
            w.role_agg_key.empty() ? "0" : "1", prefix, w.issued_key.empty() ? "" : w.issue_nip};
    events::AppendPublishArgs(w.event, &args, maxlen);
    if (w.replaces.empty()) {
      args.insert(args.end(), {"", "", ""});
    } else {
      v1::ResponseAccepted replacing = w.event;
      replacing.set_replaces(absl::StrCat(prefix, w.replaces));
      events::AppendPublishArgs(replacing, &args, maxlen);
    }
    args.push_back(absl::StrCat(w.increments.size()));
    for (const auto& [f, d] : w.increments) {
      args.push_back(f);
      args.push_back(absl::StrCat(d));
    }
    for (const auto& [f, d] : w.replaced_increments) {
      args.push_back(f);
      args.push_back(absl::StrCat(-d));
    }
    calls.push_back({&g_write, std::move(keys), std::move(args)});
  }
  // One round trip; scripts Redis lost (a restart) are reloaded and resent
  // by EvalPipeline, only those.
  PELITA_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis::EvalPipeline(*redis_, calls));
  {
    for (size_t k = 0; k < writes.size(); ++k) {
      const redis::Reply& r = replies[k];
      WriteResult& out = results[k];
      if (r.is_error()) {
        out.status = redis::ReplyStatus(r);
        continue;
      }
      if (!r.is_array() || r.elements.empty()) {
        out.status = absl::InternalError("unexpected reply from the write script");
        continue;
      }
      auto str = [&](size_t i) { return r.elements.size() > i ? r.elements[i].str : std::string(); };
      switch (r.elements[0].integer) {
        case 0:
          out.outcome = Outcome::kDuplicate;
          out.duplicate = true;
          out.stored = str(1);
          out.replaced_by = str(2);
          break;
        case 2:
          out.outcome = Outcome::kStanding;
          out.replaced_id = str(1);
          out.stored = str(2);
          break;
        case 3:
          out.outcome = Outcome::kReplaced;
          out.replaced = true;
          out.replaced_id = str(1);
          out.stored = writes[k].bytes;
          break;
        case 4:
          out.outcome = Outcome::kRefused;
          out.replaced_id = str(1);
          break;
        case 5:
          out.outcome = Outcome::kIssued;
          break;
        case 6:
          out.outcome = Outcome::kTokenUsed;
          break;
        default:
          out.outcome = Outcome::kCreated;
          out.stored = writes[k].bytes;
      }
    }
  }
  return results;
}

absl::StatusOr<std::string> SurveyStore::ReplacedBy(const std::string& id) {
  auto r = redis_->Run({"HGET", ReplacedKey(), id});
  if (!r.ok()) return r.status();
  return r->is_nil() ? std::string() : r->str;
}

absl::StatusOr<std::string> SurveyStore::TokenSecret() {
  const std::string key = keys_.Key("tokensecret");
  unsigned char fresh[32];
  if (RAND_bytes(fresh, sizeof fresh) != 1) return absl::InternalError("no randomness for the token key");
  // SET NX then GET: concurrent first uses agree on whichever was stored.
  auto set = redis_->Run({"SET", key, std::string(reinterpret_cast<const char*>(fresh), sizeof fresh), "NX"});
  if (!set.ok()) return set.status();
  auto got = redis_->Run({"GET", key});
  if (!got.ok()) return got.status();
  if (got->is_nil() || got->str.size() != 32) return absl::DataLossError("the tenant's token key is corrupt");
  return got->str;
}

absl::StatusOr<std::string> SurveyStore::ExistingTokenSecret() {
  auto got = redis_->Run({"GET", keys_.Key("tokensecret")});
  if (!got.ok()) return got.status();
  if (got->is_nil()) return absl::NotFoundError("the tenant has no token key yet");
  if (got->str.size() != 32) return absl::DataLossError("the tenant's token key is corrupt");
  return got->str;
}

absl::StatusOr<SurveyStore::SkmCheck> SurveyStore::CheckSkm(const std::string& id, const std::string& rate_key) {
  PELITA_ASSIGN_OR_RETURN(auto replies, redis_->Pipeline({{"HEXISTS", keys_.Key("resp"), id}, {"GET", rate_key}}));
  for (const auto& r : replies) {
    if (r.is_error()) return redis::ReplyStatus(r);
  }
  SkmCheck out;
  out.resent = replies[0].integer == 1;
  if (!replies[1].is_nil()) (void)absl::SimpleAtoi(replies[1].str, &out.count);
  return out;
}

absl::Status SurveyStore::Bump(const std::string& key, absl::Duration ttl) {
  PELITA_ASSIGN_OR_RETURN(auto replies, redis_->Pipeline({{"INCR", key},
                                                          {"EXPIRE", key, absl::StrCat(absl::ToInt64Seconds(ttl))}}));
  for (const auto& r : replies) {
    if (r.is_error()) return redis::ReplyStatus(r);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> SurveyStore::IsMember(const std::string& key, const std::string& member) {
  auto r = redis_->Run({"SISMEMBER", key, member});
  if (!r.ok()) return r.status();
  if (r->is_error()) return redis::ReplyStatus(*r);
  return r->integer == 1;
}

absl::StatusOr<bool> SurveyStore::RecordIssued(const std::string& issued_key, const std::string& nip) {
  auto r = redis_->Run({"SADD", issued_key, nip});
  if (!r.ok()) return r.status();
  if (r->is_error()) return redis::ReplyStatus(*r);
  return r->integer == 1;
}

absl::StatusOr<std::string> SurveyStore::GetResponse(const std::string& id) {
  auto r = redis_->Run({"HGET", keys_.Key("resp"), id});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return absl::NotFoundError(absl::StrCat("response ", id, " not found"));
  return r->str;
}

absl::StatusOr<SurveyStore::ResponsePage> SurveyStore::CohortResponses(const std::string& list_key,
                                                                      int64_t offset, int64_t count) {
  ResponsePage page;
  if (count <= 0) return page;
  auto r = redis_->Eval(g_page, {list_key, keys_.Key("resp")},
                        {absl::StrCat(offset), absl::StrCat(offset + count - 1)});
  if (!r.ok()) return r.status();
  if (r->is_error()) return redis::ReplyStatus(*r);
  if (!r->is_array() || r->elements.empty()) return absl::InternalError("unexpected reply from the page script");
  page.total = r->elements[0].integer;
  for (size_t i = 1; i < r->elements.size(); ++i) {
    // A listed id without a stored response cannot happen (both are written
    // by one script); skip it rather than fail the page.
    if (r->elements[i].is_nil()) continue;
    page.stored.push_back(r->elements[i].str);
  }
  return page;
}

absl::StatusOr<std::vector<SurveyStore::Hash>> SurveyStore::ReadHashes(
    const std::vector<std::string>& keys) {
  std::vector<Hash> out(keys.size());
  if (keys.empty()) return out;
  std::vector<redis::Command> cmds;
  for (const auto& k : keys) cmds.push_back({"HGETALL", k});
  auto replies = redis_->Pipeline(cmds);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < keys.size(); ++i) {
    const redis::Reply& r = (*replies)[i];
    if (r.is_error()) return redis::ReplyStatus(r);
    for (size_t j = 0; j + 1 < r.elements.size(); j += 2) {
      out[i][r.elements[j].str] = r.elements[j + 1].str;
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> SurveyStore::Members(const std::string& set_key) {
  auto r = redis_->Run({"SMEMBERS", set_key});
  if (!r.ok()) return r.status();
  if (r->is_error()) return redis::ReplyStatus(*r);
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  return out;
}

absl::StatusOr<std::vector<std::vector<std::string>>> SurveyStore::ReadSets(
    const std::vector<std::string>& keys) {
  std::vector<std::vector<std::string>> out(keys.size());
  if (keys.empty()) return out;
  std::vector<redis::Command> cmds;
  for (const auto& k : keys) cmds.push_back({"SMEMBERS", k});
  auto replies = redis_->Pipeline(cmds);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < keys.size(); ++i) {
    const redis::Reply& r = (*replies)[i];
    if (r.is_error()) return redis::ReplyStatus(r);
    for (const auto& e : r.elements) out[i].push_back(e.str);
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> SurveyStore::SetSizes(const std::vector<std::string>& keys) {
  std::vector<int64_t> out(keys.size());
  if (keys.empty()) return out;
  std::vector<redis::Command> cmds;
  for (const auto& k : keys) cmds.push_back({"SCARD", k});
  auto replies = redis_->Pipeline(cmds);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < keys.size(); ++i) out[i] = (*replies)[i].integer;
  return out;
}

}  // namespace pelita::survey
