#include "services/complaint/store.h"

#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lib/redis/eval_pipeline.h"
#include "lib/status/status.h"
#include "lib/store/cas.h"

namespace pelita::complaint {
namespace {

// KEYS: record hash, id index, unit set, coverage hash, bucket keys...
// ARGV: id, mode (insert|replace), expected, bytes, unit, coverage field
// ("c:<unit>" or ""), month YYYYMM of the received day, n, then n triples
// (bucket key number from 1, field, delta).  The coverage field keeps the
// earliest month a complaint was received in.
redis::Script kWriteComplaint(R"lua(
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == 'insert' then
  if cur then return redis.error_reply('ABORTED complaint ' .. ARGV[1] .. ' exists') end
else
  if (not cur) or cur ~= ARGV[3] then
    return redis.error_reply('ABORTED complaint ' .. ARGV[1] .. ' changed')
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if ARGV[5] ~= '' then redis.call('SADD', KEYS[3], ARGV[5]) end
if ARGV[6] ~= '' then
  local first = redis.call('HGET', KEYS[4], ARGV[6])
  if (not first) or tonumber(first) > tonumber(ARGV[7]) then redis.call('HSET', KEYS[4], ARGV[6], ARGV[7]) end
end
local n = tonumber(ARGV[8])
for i = 0, n - 1 do
  local k = KEYS[4 + tonumber(ARGV[9 + 3 * i])]
  local f = ARGV[10 + 3 * i]
  if redis.call('HINCRBY', k, f, ARGV[11 + 3 * i]) == 0 then redis.call('HDEL', k, f) end
end
return 1
)lua");

// KEYS: seen set, unit set, 3 bucket keys, coverage hash.  ARGV: name, unit,
// rs, rq, s1..s9, month YYYYMM.
redis::Script kRecordSkm(R"lua(
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[2])
local first = redis.call('HGET', KEYS[6], 's:' .. ARGV[2])
if (not first) or tonumber(first) > tonumber(ARGV[14]) then
  redis.call('HSET', KEYS[6], 's:' .. ARGV[2], ARGV[14])
end
for k = 3, 5 do
  redis.call('HINCRBY', KEYS[k], 'n', 1)
  for i = 1, 9 do
    local s = tonumber(ARGV[4 + i])
    if s > 0 then
      redis.call('HINCRBY', KEYS[k], 's' .. i, s)
      redis.call('HINCRBY', KEYS[k], 'c' .. i, 1)
    end
  end
  redis.call('HINCRBYFLOAT', KEYS[k], 'rs', ARGV[3])
  redis.call('HINCRBYFLOAT', KEYS[k], 'rq', ARGV[4])
end
return 1
)lua");

// KEYS: calendar, init flag.  ARGV: field, value pairs of the defaults.
redis::Script kInitCalendar(R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[2], '1')
return 1
)lua");

std::string DayField(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string MonthField(absl::CivilDay d) { return absl::StrFormat("%04d%02d", d.year(), d.month()); }

// "202603" -> 2026-03-01.
bool ParseMonthField(const std::string& s, absl::CivilDay* out) {
  int64_t v = 0;
  if (s.size() != 6 || !absl::SimpleAtoi(s, &v)) return false;
  const int y = static_cast<int>(v / 100), m = static_cast<int>(v % 100);
  if (y < kEpochYear || m < 1 || m > 12) return false;
  *out = absl::CivilDay(y, m, 1);
  return true;
}

}  // namespace

store::ResourceTable ComplaintStore::Table(const std::string& tenant) const {
  const KeyBuilder k = Keys(tenant);
  return store::ResourceTable(redis_, "complaint", k.Key("complaints"), k.Key("complaint_ids"));
}

std::vector<ComplaintStore::Outcome> ComplaintStore::Apply(
    const std::string& tenant, const std::vector<ComplaintUpdate>& updates,
    const WorkingCalendar& calendar) {
  std::vector<Outcome> out(updates.size());
  const KeyBuilder keys = Keys(tenant);
  // Distinct ids in first-seen order, each with its updates.
  std::vector<std::string> ids;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_id;
  for (size_t i = 0; i < updates.size(); ++i) {
    auto [it, fresh] = by_id.try_emplace(updates[i].id);
    if (fresh) ids.push_back(updates[i].id);
    it->second.push_back(i);
  }
  // Read, merge, write-if-unchanged; the ids whose write lost a race (the
  // script's ABORTED) go round again, with the one CAS loop's backoff.
  store::CasOptions cas;
  cas.what = "complaint";
  (void)store::RetryCas([&]() -> absl::Status {
    redis::Command hmget = {"HMGET", keys.Key("complaints")};
    hmget.insert(hmget.end(), ids.begin(), ids.end());
    auto current = redis_->Run(hmget);
    if (!current.ok() || !current->is_array() || current->elements.size() != ids.size()) {
      const absl::Status s = current.ok() ? absl::InternalError("bad HMGET reply") : current.status();
      for (const auto& id : ids) for (size_t i : by_id[id]) out[i].status = s;
      ids.clear();
      return absl::OkStatus();
    }
    std::vector<redis::EvalCall> calls;
    std::vector<std::string> written;
    for (size_t k = 0; k < ids.size(); ++k) {
      const std::string& id = ids[k];
      const redis::Reply& raw = current->elements[k];
      v1::ComplaintRecord old_record, record;
      const bool exists = raw.is_string();
      if (exists && !old_record.ParseFromString(raw.str)) {
        for (size_t i : by_id[id]) out[i].status = absl::DataLossError("complaint " + id + " is corrupt");
        continue;
      }
      record = old_record;
      bool stored = exists;
      for (size_t i : by_id[id]) {
        out[i].changed = MergeUpdate(tenant, updates[i], calendar, &record);
        out[i].created = out[i].changed && !stored;
        stored |= out[i].changed;
      }
      bool any = false;
      for (size_t i : by_id[id]) any |= out[i].changed;
      if (!any) {
        for (size_t i : by_id[id]) out[i].complaint = record.complaint();
        continue;
      }
      const std::vector<Contribution> diff = Diff(exists ? &old_record : nullptr, record, calendar.zone());
      std::vector<std::string> ckeys = {keys.Key("complaints"), keys.Key("complaint_ids"),
                                        keys.Key("units"), keys.Key("coverage")};
      // The earliest received day this write adds (the coverage month).
      std::string since_field, since_month;
      for (const Contribution& c : diff) {
        if (c.metric != "recv" || c.category == "*" || c.delta <= 0) continue;
        const std::string m = MonthField(c.day);
        if (since_month.empty() || m < since_month) {
          since_month = m;
          since_field = "c:" + c.unit;
        }
      }
      std::vector<std::string> args = {id, exists ? "replace" : "insert", exists ? raw.str : "",
                                       record.SerializeAsString(),
                                       UnitIdOf(record.complaint().unit()), since_field, since_month, ""};
      absl::flat_hash_map<std::string, int> key_index;
      int n = 0;
      for (const Contribution& c : diff) {
        for (const std::string& label : BucketsOfDay(c.day)) {
          const std::string key = keys.Key("cb", c.unit, label);
          auto [it, fresh] = key_index.try_emplace(key, static_cast<int>(ckeys.size()) - 3);
          if (fresh) ckeys.push_back(key);
          args.push_back(std::to_string(it->second));
          args.push_back(absl::StrCat(c.category, "|", c.metric));
          args.push_back(std::to_string(c.delta));
          ++n;
        }
      }
      args[7] = std::to_string(n);
      calls.push_back({&kWriteComplaint, std::move(ckeys), std::move(args)});
      written.push_back(id);
      for (size_t i : by_id[id]) out[i].complaint = record.complaint();
    }
    std::vector<std::string> retry;
    if (!calls.empty()) {
      // One round trip; EvalPipeline reloads a script Redis lost.
      auto replies = redis::EvalPipeline(*redis_, calls);
      if (!replies.ok()) {
        for (const auto& id : written) for (size_t i : by_id[id]) out[i].status = replies.status();
        ids.clear();
        return absl::OkStatus();
      }
      for (size_t k = 0; k < written.size(); ++k) {
        const redis::Reply& r = (*replies)[k];
        const absl::Status s = redis::ReplyStatus(r);
        if (s.code() == absl::StatusCode::kAborted) {
          retry.push_back(written[k]);
          continue;
        }
        for (size_t i : by_id[written[k]]) out[i].status = s;
      }
    }
    ids = std::move(retry);
    return ids.empty() ? absl::OkStatus() : absl::AbortedError("lost a race");
  }, cas);
  for (const auto& id : ids) {
    for (size_t i : by_id[id]) {
      out[i].status = absl::AbortedError("complaint " + id + " is being changed concurrently; retry");
    }
  }
  return out;
}

absl::StatusOr<v1::ComplaintRecord> ComplaintStore::Get(const std::string& tenant,
                                                        const std::string& id) {
  return Table(tenant).Get<v1::ComplaintRecord>(id);
}

absl::StatusOr<store::ResourceTable::Page> ComplaintStore::List(const std::string& tenant,
                                                                int page_size,
                                                                const std::string& page_token) {
  return Table(tenant).List(page_size, page_token);
}

absl::StatusOr<std::vector<std::string>> ComplaintStore::Units(const std::string& tenant) {
  PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Run({"SMEMBERS", Keys(tenant).Key("units")}));
  std::vector<std::string> out;
  for (const auto& e : r.elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::vector<BucketFields>> ComplaintStore::ReadBuckets(
    const std::string& tenant, const std::string& kind, const std::vector<std::string>& units,
    const std::vector<std::string>& labels) {
  const KeyBuilder keys = Keys(tenant);
  std::vector<redis::Command> commands;
  commands.reserve(units.size() * labels.size());
  for (const auto& u : units) {
    for (const auto& l : labels) commands.push_back({"HGETALL", keys.Key(kind, u, l)});
  }
  std::vector<BucketFields> out(commands.size());
  if (commands.empty()) return out;
  PELITA_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis_->Pipeline(commands));
  for (size_t i = 0; i < replies.size(); ++i) {
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(replies[i]));
    const auto& e = replies[i].elements;
    for (size_t j = 0; j + 1 < e.size(); j += 2) out[i][e[j].str] = e[j + 1].str;
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<int64_t>>> ComplaintStore::ReadBucketFields(
    const std::string& tenant, const std::string& kind, const std::vector<std::string>& units,
    const std::vector<std::string>& labels, const std::vector<std::string>& fields) {
  const KeyBuilder keys = Keys(tenant);
  std::vector<redis::Command> commands;
  commands.reserve(units.size() * labels.size());
  for (const auto& u : units) {
    for (const auto& l : labels) {
      redis::Command c = {"HMGET", keys.Key(kind, u, l)};
      c.insert(c.end(), fields.begin(), fields.end());
      commands.push_back(std::move(c));
    }
  }
  std::vector<std::vector<int64_t>> out(commands.size(), std::vector<int64_t>(fields.size(), 0));
  if (commands.empty()) return out;
  PELITA_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis_->Pipeline(commands));
  for (size_t i = 0; i < replies.size(); ++i) {
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(replies[i]));
    for (size_t j = 0; j < replies[i].elements.size() && j < fields.size(); ++j) {
      const auto& e = replies[i].elements[j];
      if (e.is_string()) (void)absl::SimpleAtoi(e.str, &out[i][j]);
    }
  }
  return out;
}

absl::StatusOr<std::vector<ComplaintStore::MonthTotals>> ComplaintStore::ReadMonths(
    const std::string& tenant, const std::vector<std::string>& units, const std::vector<absl::CivilMonth>& months) {
  const KeyBuilder keys = Keys(tenant);
  // The SKM fields in the order read: n, s1..s9, c1..c9, rs, rq.
  static const std::vector<std::string>* const kSkmFields = [] {
    auto* f = new std::vector<std::string>{"n"};
    for (int i = 1; i <= 9; ++i) f->push_back(absl::StrCat("s", i));
    for (int i = 1; i <= 9; ++i) f->push_back(absl::StrCat("c", i));
    f->push_back("rs");
    f->push_back("rq");
    return f;
  }();
  std::vector<redis::Command> commands;
  commands.reserve(2 * units.size() * months.size());
  for (const auto& u : units) {
    for (const auto& m : months) {
      const std::string label = absl::StrFormat("m%04d%02d", m.year(), m.month());
      commands.push_back({"HMGET", keys.Key("cb", u, label), "*|recv"});
      redis::Command c = {"HMGET", keys.Key("sb", u, label)};
      c.insert(c.end(), kSkmFields->begin(), kSkmFields->end());
      commands.push_back(std::move(c));
    }
  }
  std::vector<MonthTotals> out(units.size() * months.size());
  if (commands.empty()) return out;
  PELITA_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis_->Pipeline(commands));
  auto int_at = [](const redis::Reply& r, size_t j) -> int64_t {
    int64_t v = 0;
    if (j < r.elements.size() && r.elements[j].is_string()) (void)absl::SimpleAtoi(r.elements[j].str, &v);
    return v;
  };
  auto double_at = [](const redis::Reply& r, size_t j) -> double {
    double v = 0;
    if (j < r.elements.size() && r.elements[j].is_string()) (void)absl::SimpleAtod(r.elements[j].str, &v);
    return v;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    const redis::Reply& c = replies[2 * i];
    const redis::Reply& k = replies[2 * i + 1];
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(c));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(k));
    out[i].received = int_at(c, 0);
    SkmTotals& t = out[i].skm;
    t.respondents = int_at(k, 0);
    for (int e = 0; e < 9; ++e) {
      t.sum[e] = int_at(k, 1 + e);
      t.answered[e] = int_at(k, 10 + e);
    }
    t.score_sum = double_at(k, 19);
    t.score_sumsq = double_at(k, 20);
  }
  return out;
}

absl::StatusOr<bool> ComplaintStore::RecordSkm(const std::string& tenant, const std::string& name,
                                               const std::string& unit, absl::CivilDay day,
                                               const std::vector<int>& scores) {
  const KeyBuilder keys = Keys(tenant);
  std::vector<std::string> k = {keys.Key("skm_seen"), keys.Key("units")};
  for (const auto& label : BucketsOfDay(day)) k.push_back(keys.Key("sb", unit, label));
  k.push_back(keys.Key("coverage"));
  int sum = 0, answered = 0;
  for (int s : scores) {
    if (s > 0) {
      sum += s;
      ++answered;
    }
  }
  const double score = answered ? 25.0 * sum / answered : 0;
  std::vector<std::string> args = {name, unit, absl::StrFormat("%.17g", score),
                                   absl::StrFormat("%.17g", score * score)};
  for (int i = 0; i < 9; ++i) args.push_back(std::to_string(i < static_cast<int>(scores.size()) ? scores[i] : 0));
  args.push_back(MonthField(day));
  PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Eval(kRecordSkm, k, args));
  return r.integer == 1;
}

absl::StatusOr<std::map<std::string, UnitCoverage>> ComplaintStore::Coverage(const std::string& tenant,
                                                                             int current_year) {
  const KeyBuilder keys = Keys(tenant);
  PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Run({"HGETALL", keys.Key("coverage")}));
  std::map<std::string, UnitCoverage> out;
  for (size_t j = 0; j + 1 < r.elements.size(); j += 2) {
    const std::string& f = r.elements[j].str;
    const std::string& v = r.elements[j + 1].str;
    if (f.size() < 3 || f[1] != ':') continue;
    UnitCoverage& c = out[f.substr(2)];
    absl::CivilDay d;
    if (f[0] == 'c' && ParseMonthField(v, &d)) c.complaints_since = d;
    if (f[0] == 's' && ParseMonthField(v, &d)) c.satisfaction_since = d;
    if (f[0] == 'd' && absl::ParseCivilTime(v, &d)) c.data_since = d;
  }
  // Units whose data were written before the coverage was recorded: find
  // the first month with data from the year and month buckets once, and
  // record it.
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> units, Units(tenant));
  for (const std::string& u : units) {
    UnitCoverage& c = out[u];
    for (const char* kind : {"cb", "sb"}) {
      const bool complaints = std::string(kind) == "cb";
      if (complaints ? c.complaints_since.has_value() : c.satisfaction_since.has_value()) continue;
      const std::string field = complaints ? "*|recv" : "n";
      std::vector<redis::Command> years;
      for (int y = kEpochYear; y <= current_year + 1; ++y) {
        years.push_back({"HGET", keys.Key(kind, u, absl::StrCat("y", y)), field});
      }
      PELITA_ASSIGN_OR_RETURN(std::vector<redis::Reply> yr, redis_->Pipeline(years));
      int first_year = 0;
      for (size_t i = 0; i < yr.size() && first_year == 0; ++i) {
        int64_t v = 0;
        if (yr[i].is_string() && absl::SimpleAtoi(yr[i].str, &v) && v > 0) first_year = kEpochYear + static_cast<int>(i);
      }
      if (first_year == 0) continue;
      std::vector<redis::Command> months;
      for (int m = 1; m <= 12; ++m) {
        months.push_back({"HGET", keys.Key(kind, u, absl::StrFormat("m%04d%02d", first_year, m)), field});
      }
      PELITA_ASSIGN_OR_RETURN(std::vector<redis::Reply> mr, redis_->Pipeline(months));
      for (int m = 1; m <= 12; ++m) {
        int64_t v = 0;
        if (mr[m - 1].is_string() && absl::SimpleAtoi(mr[m - 1].str, &v) && v > 0) {
          const absl::CivilDay since(first_year, m, 1);
          (complaints ? c.complaints_since : c.satisfaction_since) = since;
          // HSETNX: a write recording an earlier month in between wins.
          PELITA_RETURN_IF_ERROR(redis_->Run({"HSETNX", keys.Key("coverage"),
                                              absl::StrCat(complaints ? "c:" : "s:", u), MonthField(since)})
                                     .status());
          break;
        }
      }
    }
  }
  return out;
}

absl::Status ComplaintStore::SetDataSince(const std::string& tenant, const std::string& unit,
                                          std::optional<absl::CivilDay> day) {
  const std::string key = Keys(tenant).Key("coverage");
  auto r = day ? redis_->Run({"HSET", key, "d:" + unit, DayField(*day)}) : redis_->Run({"HDEL", key, "d:" + unit});
  if (!r.ok()) return r.status();
  return redis::ReplyStatus(*r);
}

absl::Status ComplaintStore::EnsureCalendar(const std::string& tenant) {
  const KeyBuilder keys = Keys(tenant);
  std::vector<std::string> args;
  for (const auto& h : IndonesianHolidays2025And2026()) {
    args.push_back(DayField(h.day));
    args.push_back(absl::StrCat(h.collective_leave ? "c|" : "h|", h.description));
  }
  auto r = redis_->Eval(kInitCalendar, {keys.Key("calendar"), keys.Key("calendar_init")}, args);
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::StatusOr<WorkingCalendar> ComplaintStore::LoadCalendar(const std::string& tenant) {
  PELITA_RETURN_IF_ERROR(EnsureCalendar(tenant));
  PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Run({"HGETALL", Keys(tenant).Key("calendar")}));
  std::vector<HolidayEntry> list;
  for (size_t j = 0; j + 1 < r.elements.size(); j += 2) {
    absl::CivilDay d;
    if (!absl::ParseCivilTime(r.elements[j].str, &d)) continue;
    const std::string& v = r.elements[j + 1].str;
    list.push_back({d, v.size() > 2 ? v.substr(2) : "", absl::StartsWith(v, "c|")});
  }
  return WorkingCalendar(std::move(list));
}

absl::StatusOr<WorkingCalendar> ComplaintStore::ReplaceCalendar(const std::string& tenant,
                                                                const std::vector<HolidayEntry>& holidays) {
  // The defaults are seeded first (once, marked by `calendar_init`), so an
  // empty calendar stays empty rather than being seeded again.
  PELITA_RETURN_IF_ERROR(EnsureCalendar(tenant));
  const std::string key = Keys(tenant).Key("calendar");
  std::vector<redis::Command> commands = {{"DEL", key}};
  if (!holidays.empty()) {
    redis::Command hset = {"HSET", key};
    for (const auto& h : holidays) {
      hset.push_back(DayField(h.day));
      hset.push_back(absl::StrCat(h.collective_leave ? "c|" : "h|", h.description));
    }
    commands.push_back(std::move(hset));
  }
  PELITA_ASSIGN_OR_RETURN(auto replies, redis_->Transaction(commands));
  for (const auto& r : replies) PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  return LoadCalendar(tenant);
}

}  // namespace pelita::complaint
