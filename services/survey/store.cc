#include "services/survey/store.h"

#include <atomic>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pelita::survey {
namespace {

std::atomic<int64_t> g_stream_maxlen{0};

// KEYS: 1 resp, 2 respfp, 3 stream, 4 agg, 5 instrn, 6 cinstr, 7 who, 8 pair,
//       9 cresp (the cohort's response list of the instrument)
// ARGV: 1 id, 2 fingerprint, 3 bytes, 4 instrument id, 5 who member,
//       6 pair role, 7 pair nip, 8 pair score, 9 stream maxlen,
//       10 number of stream field/value pairs, then those pairs, then
//       field/delta pairs for the aggregate hash.
// Returns {0, stored bytes} for a repeat of the same content, {1} for a new
// response; ALREADY_EXISTS (nothing written) for the same id with other
// content.
redis::Script g_write(R"lua(
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  if old == ARGV[2] then return {0, redis.call('HGET', KEYS[1], ARGV[1])} end
  return redis.error_reply('ALREADY_EXISTS response ' .. ARGV[1] .. ' was already accepted with other content')
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local ns = tonumber(ARGV[10])
local x
if ARGV[9] ~= '0' then x = {'XADD', KEYS[3], 'MAXLEN', '~', ARGV[9], '*'}
else x = {'XADD', KEYS[3], '*'} end
for i = 11, 10 + 2 * ns do x[#x + 1] = ARGV[i] end
redis.call(unpack(x))
for i = 11 + 2 * ns, #ARGV, 2 do redis.call('HINCRBY', KEYS[4], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[5], ARGV[4], 1)
if KEYS[6] ~= KEYS[4] then redis.call('SADD', KEYS[6], ARGV[4]) end
if KEYS[9] ~= KEYS[4] then redis.call('RPUSH', KEYS[9], ARGV[1]) end
if ARGV[5] ~= '' then redis.call('SADD', KEYS[7], ARGV[5]) end
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
return {1}
)lua");

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

}  // namespace

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
  const std::string maxlen = absl::StrCat(g_stream_maxlen.load());
  std::vector<redis::Command> commands;
  commands.reserve(writes.size());
  for (const Write& w : writes) {
    std::vector<std::string> keys = {
        keys_.Key("resp"), keys_.Key("respfp"), StreamKey(), w.agg_key, CountsKey(),
        w.cohort_instruments_key.empty() ? w.agg_key : w.cohort_instruments_key,
        w.who_key.empty() ? w.agg_key : w.who_key,
        w.pair_key.empty() ? w.agg_key : w.pair_key,
        w.cohort_responses_key.empty() ? w.agg_key : w.cohort_responses_key};
    std::vector<std::string> args;
    args.reserve(10 + 2 * w.stream_fields.size() + 2 * w.increments.size());
    args = {w.id, w.fingerprint, w.bytes, w.instrument_id, w.who_member, w.pair_role,
            w.pair_nip, absl::StrCat(w.pair_score), maxlen,
            absl::StrCat(w.stream_fields.size())};
    for (const auto& [f, v] : w.stream_fields) {
      args.push_back(f);
      args.push_back(v);
    }
    for (const auto& [f, d] : w.increments) {
      args.push_back(f);
      args.push_back(absl::StrCat(d));
    }
    auto cmd = redis_->EvalCommand(g_write, keys, args);
    if (!cmd.ok()) return cmd.status();
    commands.push_back(std::move(*cmd));
  }
  std::vector<size_t> pending(writes.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  for (int attempt = 0; attempt < 3 && !pending.empty(); ++attempt) {
    std::vector<redis::Command> batch;
    batch.reserve(pending.size());
    for (size_t i : pending) batch.push_back(commands[i]);
    auto replies = redis_->Pipeline(batch);
    if (!replies.ok()) return replies.status();
    std::vector<size_t> again;
    for (size_t k = 0; k < pending.size(); ++k) {
      const redis::Reply& r = (*replies)[k];
      WriteResult& out = results[pending[k]];
      if (r.is_error() && absl::StartsWith(r.str, "NOSCRIPT")) {
        // Redis lost its scripts (restart): nothing ran; load and resend.
        again.push_back(pending[k]);
        continue;
      }
      if (r.is_error()) {
        out.status = redis::ReplyStatus(r);
        continue;
      }
      if (!r.is_array() || r.elements.empty()) {
        out.status = absl::InternalError("unexpected reply from the write script");
        continue;
      }
      if (r.elements[0].integer == 0) {
        out.duplicate = true;
        out.stored = r.elements.size() > 1 ? r.elements[1].str : "";
      } else {
        out.stored = writes[pending[k]].bytes;
      }
    }
    if (!again.empty()) {
      if (absl::Status s = redis_->Load(g_write); !s.ok()) return s;
    }
    pending = std::move(again);
  }
  for (size_t i : pending) results[i].status = absl::UnavailableError("redis kept answering NOSCRIPT");
  return results;
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
