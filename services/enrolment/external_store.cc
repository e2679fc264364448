#include "services/enrolment/external_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"
#include "services/enrolment/external.h"

namespace pelita::enrolment {

// CountExternal (external.h) in Lua, over extsum: records in key order; a
// non-empty certificate of a completed enrolment or one already seen is not
// counted.  Lua compares strings bytewise here (Redis runs scripts in the C
// locale), as std::string does.  The years are written in order so that the
// script's effects are the same on every replica.
const char kExternalRecomputeFn[] = R"lua(
local function ext_trim(s) return (string.match(s, '^%s*(.-)%s*$')) end
local function ext_recompute(nip, empc, extsum, extyears, enr_prefix, jp_prefix)
  local certs = {}
  for _, ck in ipairs(redis.call('HKEYS', empc)) do
    local v = redis.call('HMGET', enr_prefix .. ck .. ':' .. nip, 'state', 'certificate')
    if v[1] == 'COMPLETED' and v[2] then
      local c = ext_trim(v[2])
      if c ~= '' then certs[c] = true end
    end
  end
  local flat = redis.call('HGETALL', extsum)
  local keys, sums = {}, {}
  for i = 1, #flat, 2 do
    keys[#keys + 1] = flat[i]
    sums[flat[i]] = flat[i + 1]
  end
  table.sort(keys)
  local seen, per_year, years = {}, {}, {}
  for _, k in ipairs(keys) do
    local y, jp, _, cert = string.match(sums[k], '^(%d+)|(%d+)|(%d+)|(.*)$')
    if y and not (cert ~= '' and (certs[cert] or seen[cert])) then
      if cert ~= '' then seen[cert] = true end
      if not per_year[y] then
        per_year[y] = 0
        years[#years + 1] = y
      end
      per_year[y] = per_year[y] + tonumber(jp)
    end
  end
  for _, y in ipairs(redis.call('SMEMBERS', extyears)) do
    redis.call('HDEL', jp_prefix .. y, nip)
  end
  redis.call('DEL', extyears)
  table.sort(years)
  for _, y in ipairs(years) do
    redis.call('HSET', jp_prefix .. y, nip, per_year[y])
    redis.call('SADD', extyears, y)
  end
end
)lua";

namespace {

// KEYS: emp (the roster hash), ext, extsum, empc, extyears
// ARGV: nip, "<source>.", now_ms, enr prefix, extjp prefix, then per record
//       key, ExternalTraining bytes, "<year>|<jp>", normalized certificate
// Returns {added, changed, removed, {key, update_ms, ...}}.
redis::Script kReplace(absl::StrCat(kExternalRecomputeFn, R"lua(
local nip, prefix, now = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HEXISTS', KEYS[1], nip) == 0 then
  return redis.error_reply('NOT_FOUND employee ' .. nip .. ' not found')
end
local added, changed, removed = 0, 0, 0
local wanted, times = {}, {}
for i = 6, #ARGV, 4 do
  local k, body, yj, cert = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  wanted[k] = true
  local old = redis.call('HGET', KEYS[2], k)
  local ms = now
  if old == body then
    local sum = redis.call('HGET', KEYS[3], k) or ''
    ms = string.match(sum, '^%d+|%d+|(%d+)|') or now
  else
    if old then changed = changed + 1 else added = added + 1 end
    redis.call('HSET', KEYS[2], k, body)
    redis.call('HSET', KEYS[3], k, yj .. '|' .. now .. '|' .. cert)
  end
  times[#times + 1] = k
  times[#times + 1] = ms
end
for _, k in ipairs(redis.call('HKEYS', KEYS[2])) do
  if string.sub(k, 1, #prefix) == prefix and not wanted[k] then
    redis.call('HDEL', KEYS[2], k)
    redis.call('HDEL', KEYS[3], k)
    removed = removed + 1
  end
end
if added + changed + removed > 0 then
  ext_recompute(nip, KEYS[4], KEYS[3], KEYS[5], ARGV[4], ARGV[5])
end
return {added, changed, removed, times}
)lua"));

// KEYS: ext, extsum, extyears.  ARGV: nip, extjp prefix.
redis::Script kForget(R"lua(
for _, y in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  redis.call('HDEL', ARGV[2] .. y, ARGV[1])
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
)lua");

google::protobuf::Timestamp MsTimestamp(int64_t ms) {
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(ms);
}

}  // namespace

ExternalTrainingStore::ExternalTrainingStore(redis::Client* redis, const std::string& tenant)
    : redis_(redis), keys_("enrolment", tenant) {}

absl::StatusOr<ExternalTrainingStore::ReplaceResult> ExternalTrainingStore::Replace(
    const std::string& employees_hash, const std::string& nip, const std::string& source,
    const std::vector<v1::ExternalTraining>& trainings, absl::Time now) {
  std::vector<std::string> argv = {nip, absl::StrCat(source, "."), absl::StrCat(absl::ToUnixMillis(now)),
                                   EnrolmentPrefix(), YearPrefix()};
  argv.reserve(argv.size() + 4 * trainings.size());
  for (const v1::ExternalTraining& t : trainings) {
    v1::ExternalTraining body = t;
    body.clear_update_time();
    argv.push_back(ExternalKey(t.source(), t.source_id()));
    argv.push_back(body.SerializeAsString());
    argv.push_back(absl::StrCat(t.end_date().year(), "|", t.jp()));
    argv.push_back(NormalizeCertificate(t.certificate_number()));
  }
  auto r = redis_->Eval(kReplace,
                        {employees_hash, keys_.Key("ext", nip), SummaryKey(nip), keys_.Key("empc", nip),
                         YearsKey(nip)},
                        argv);
  if (!r.ok()) return r.status();
  if (r->elements.size() != 4) return absl::InternalError("the replace script answered oddly");
  ReplaceResult out;
  out.added = static_cast<int>(r->elements[0].integer);
  out.changed = static_cast<int>(r->elements[1].integer);
  out.removed = static_cast<int>(r->elements[2].integer);
  const auto& times = r->elements[3].elements;
  for (size_t i = 0; i < trainings.size(); ++i) {
    v1::ExternalTraining t = trainings[i];
    int64_t ms = 0;
    if (2 * i + 1 < times.size()) (void)absl::SimpleAtoi(times[2 * i + 1].str, &ms);
    *t.mutable_update_time() = MsTimestamp(ms);
    out.trainings.push_back(std::move(t));
  }
  return out;
}

absl::Status ExternalTrainingStore::Forget(const std::string& nip) {
  auto r = redis_->Eval(kForget, {keys_.Key("ext", nip), SummaryKey(nip), YearsKey(nip)}, {nip, YearPrefix()});
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::StatusOr<std::vector<v1::ExternalTraining>> ExternalTrainingStore::List(const std::string& nip) {
  auto r = redis_->Pipeline({{"HGETALL", keys_.Key("ext", nip)}, {"HGETALL", SummaryKey(nip)}});
  if (!r.ok()) return r.status();
  for (const auto& reply : *r) {
    if (reply.is_error()) return redis::ReplyStatus(reply);
  }
  absl::flat_hash_map<std::string, int64_t> times;
  const auto& sums = (*r)[1].elements;
  for (size_t i = 0; i + 1 < sums.size(); i += 2) {
    const std::vector<absl::string_view> parts = absl::StrSplit(sums[i + 1].str, absl::MaxSplits('|', 3));
    int64_t ms = 0;
    if (parts.size() == 4 && absl::SimpleAtoi(parts[2], &ms)) times[sums[i].str] = ms;
  }
  std::vector<v1::ExternalTraining> out;
  const auto& bodies = (*r)[0].elements;
  for (size_t i = 0; i + 1 < bodies.size(); i += 2) {
    v1::ExternalTraining t;
    if (!t.ParseFromString(bodies[i + 1].str)) {
      return absl::DataLossError(absl::StrCat("corrupt external training ", bodies[i].str, " of ", nip));
    }
    *t.mutable_update_time() = MsTimestamp(times[bodies[i].str]);
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<absl::flat_hash_set<std::string>> ExternalTrainingStore::CompletedCertificates(
    const std::string& nip) {
  auto cohorts = redis_->Run({"HKEYS", keys_.Key("empc", nip)});
  if (!cohorts.ok()) return cohorts.status();
  if (cohorts->is_error()) return redis::ReplyStatus(*cohorts);
  absl::flat_hash_set<std::string> out;
  if (cohorts->elements.empty()) return out;
  std::vector<redis::Command> reads;
  for (const auto& ck : cohorts->elements) {
    reads.push_back({"HMGET", keys_.Key("enr", ck.str, nip), "state", "certificate"});
  }
  auto r = redis_->Pipeline(reads);
  if (!r.ok()) return r.status();
  for (const auto& reply : *r) {
    if (reply.is_error()) return redis::ReplyStatus(reply);
    if (reply.elements.size() != 2 || !reply.elements[0].is_string() || !reply.elements[1].is_string()) continue;
    if (reply.elements[0].str != "COMPLETED") continue;
    std::string cert = NormalizeCertificate(reply.elements[1].str);
    if (!cert.empty()) out.insert(std::move(cert));
  }
  return out;
}

}  // namespace pelita::enrolment
