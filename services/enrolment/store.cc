#include "services/enrolment/store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lib/events/publish.h"
#include "lib/store/cas.h"
#include "lib/store/paging.h"
#include "lib/status/status.h"
#include "lib/time/time.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "services/enrolment/external_store.h"

namespace pelita::enrolment {
namespace {

// Each script below refuses with FAILED_PRECONDITION for one reason only;
// this gives that refusal its stable ErrorInfo reason (a client translates
// it), and passes every other status through.
absl::Status Refusal(const absl::Status& status, absl::string_view reason) {
  if (absl::IsFailedPrecondition(status)) return WithReason(status, reason);
  return status;
}

// Moves wait-listed employees into free seats, oldest first.  Expects KEYS
// cstate (1), seats (3), wait (4) and ARGV[3] = the prefix of enrolment
// hashes of this cohort (the promoted employee's hash is prefix .. nip; it
// shares the tenant's hash tag and so the slot).
constexpr char kPromoteFn[] = R"lua(
local function promote()
  local cap = tonumber(redis.call('HGET', KEYS[1], 'capacity'))
  local promoted = 0
  while redis.call('SCARD', KEYS[3]) < cap do
    local head = redis.call('ZRANGE', KEYS[4], 0, 0)
    if #head == 0 then break end
    redis.call('ZREM', KEYS[4], head[1])
    redis.call('SADD', KEYS[3], head[1])
    redis.call('HSET', ARGV[3] .. head[1], 'state', 'ENROLLED')
    promoted = promoted + 1
  end
  return promoted
end
)lua";

// KEYS: cstate, enr, seats, wait, members, empc, wseq
// ARGV: nip, ck, enr prefix, now_ms, unit
redis::Script kEnrol(absl::StrCat(kPromoteFn, R"lua(
local nip, ck = ARGV[1], ARGV[2]
local cap = tonumber(redis.call('HGET', KEYS[1], 'capacity'))
if not cap then return redis.error_reply('NOT_FOUND cohort ' .. ck .. ' not found') end
local st = redis.call('HGET', KEYS[2], 'state')
if st and st ~= 'WITHDRAWN' then
  return redis.error_reply('ALREADY_EXISTS employee ' .. nip .. ' is already ' .. st .. ' in cohort ' .. ck)
end
local s = tonumber(redis.call('HGET', KEYS[1], 'start'))
local e = tonumber(redis.call('HGET', KEYS[1], 'end'))
local others = redis.call('HGETALL', KEYS[6])
for i = 1, #others, 2 do
  if others[i] ~= ck then
    local a, b = string.match(others[i + 1], '(%d+):(%d+)')
    if tonumber(a) <= e and s <= tonumber(b) then
      return redis.error_reply('FAILED_PRECONDITION employee ' .. nip .. ' is already in cohort ' .. others[i] .. ' whose dates overlap')
    end
  end
end
local state = 'WAITLISTED'
if redis.call('SCARD', KEYS[3]) < cap and redis.call('ZCARD', KEYS[4]) == 0 then
  state = 'ENROLLED'
  redis.call('SADD', KEYS[3], nip)
else
  redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[7]), nip)
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'state', state, 'create_ms', ARGV[4], 'unit', ARGV[5])
redis.call('ZADD', KEYS[5], 0, nip)
redis.call('HSET', KEYS[6], ck, s .. ':' .. e)
return state
)lua"));

// KEYS: cstate, enr, seats, wait, empc.  ARGV: nip, ck, enr prefix, now_ms
redis::Script kWithdraw(absl::StrCat(kPromoteFn, R"lua(
local nip, ck = ARGV[1], ARGV[2]
local st = redis.call('HGET', KEYS[2], 'state')
if not st then return redis.error_reply('NOT_FOUND enrolment of ' .. nip .. ' in ' .. ck .. ' not found') end
if st == 'WITHDRAWN' then return st end
if st == 'COMPLETED' then
  return redis.error_reply('FAILED_PRECONDITION a completed enrolment cannot be withdrawn')
end
redis.call('HSET', KEYS[2], 'state', 'WITHDRAWN', 'withdraw_ms', ARGV[4])
redis.call('HDEL', KEYS[5], ck)
if redis.call('SREM', KEYS[3], nip) == 1 then
  promote()
else
  redis.call('ZREM', KEYS[4], nip)
end
return 'WITHDRAWN'
)lua"));

// KEYS: cstate, enr, seats, wait.  ARGV: -, -, enr prefix
redis::Script kPromote(absl::StrCat(kPromoteFn, "return promote()\n"));

// KEYS: cstate, enr.  ARGV: day number YYYYMMDD, day text
redis::Script kAttend(R"lua(
local st = redis.call('HGET', KEYS[2], 'state')
if not st then return redis.error_reply('NOT_FOUND enrolment not found') end
if st ~= 'ENROLLED' and st ~= 'ATTENDED' then
  return redis.error_reply('FAILED_PRECONDITION attendance needs an enrolled participant; state is ' .. st)
end
local d = tonumber(ARGV[1])
if d < tonumber(redis.call('HGET', KEYS[1], 'start')) or d > tonumber(redis.call('HGET', KEYS[1], 'end')) then
  return redis.error_reply('INVALID_ARGUMENT day: ' .. ARGV[2] .. ' is outside the cohort dates')
end
redis.call('HSET', KEYS[2], 'state', 'ATTENDED', 'att:' .. ARGV[2], '1')
return 'ATTENDED'
)lua");

// KEYS: cstate, enr, jp:<year>, jpsrc:<year>:<nip>, events, empc:<nip>,
//       extsum:<nip>, extyears:<nip>
// ARGV: nip, certificate, enrolment name, jp, now_ms, certificate prefix,
//       the unit, cohort start and end (YYYYMMDD) the event was built from,
//       then the event (events::PublishArgs: 3 values), then the enr and
//       extjp key prefixes (ARGV 13 and 14)
// Publishes pelita.enrolment.v1.EnrolmentCompleted (lib/events) once per
// enrolment, in the script that completes it.  The event is built by the
// caller from what it read; ABORTED when the unit or the cohort dates
// changed since (the caller reads again: RetryCas).  The new certificate
// may be that of an external training already stored (Pelita's own,
// pushed to SIASN and read back): the employee's counted external JP is
// recomputed in the same script (external_store.h).
redis::Script kComplete(absl::StrCat(events::kPublishLua, kExternalRecomputeFn, R"lua(
local st = redis.call('HGET', KEYS[2], 'state')
if not st then return redis.error_reply('NOT_FOUND enrolment not found') end
if st == 'COMPLETED' then return st end
if st ~= 'ENROLLED' and st ~= 'ATTENDED' then
  return redis.error_reply('FAILED_PRECONDITION only an enrolled participant can complete; state is ' .. st)
end
if (redis.call('HGET', KEYS[2], 'unit') or '') ~= ARGV[7] or
   redis.call('HGET', KEYS[1], 'start') ~= ARGV[8] or redis.call('HGET', KEYS[1], 'end') ~= ARGV[9] then
  return redis.error_reply('ABORTED the enrolment or its cohort changed meanwhile')
end
local cert = ARGV[2]
if cert == '' then
  cert = ARGV[6] .. string.format('%04d', redis.call('HINCRBY', KEYS[1], 'certseq', 1))
end
redis.call('HSET', KEYS[2], 'state', 'COMPLETED', 'complete_ms', ARGV[5], 'certificate', cert)
redis.call('HINCRBY', KEYS[3], ARGV[1], tonumber(ARGV[4]))
redis.call('SADD', KEYS[4], ARGV[3])
pelita_publish(KEYS[5], 10)
if redis.call('EXISTS', KEYS[7]) == 1 then
  ext_recompute(ARGV[1], KEYS[6], KEYS[7], KEYS[8], ARGV[13], ARGV[14])
end
return 'COMPLETED'
)lua"));

// KEYS: members, then per listed NIP nothing (hashes derive from ARGV[1]).
// ARGV: enr prefix, exclusive start NIP or '', limit, wait key
redis::Script kListEnrolments(R"lua(
local start = ARGV[2] == '' and '-' or ('(' .. ARGV[2])
local nips = redis.call('ZRANGEBYLEX', KEYS[1], start, '+', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, nip in ipairs(nips) do
  out[#out + 1] = nip
  out[#out + 1] = redis.call('HGETALL', ARGV[1] .. nip)
  out[#out + 1] = redis.call('ZRANK', KEYS[2], nip) or -1
end
return out
)lua");

// KEYS: jp:<year>, extjp:<year>, then unitemps:<u> for each unit.
// ARGV: required JP.  Returns per unit {employees, compliant, total_jp},
// where an employee's JP is Pelita's plus the external JP counted in the
// year (kept by the scripts that change it, external_store.h).
redis::Script kUnitHours(R"lua(
local required = tonumber(ARGV[1])
local out = {}
for i = 3, #KEYS do
  local nips = redis.call('SMEMBERS', KEYS[i])
  local compliant, total = 0, 0
  if #nips > 0 then
    local jps = redis.call('HMGET', KEYS[1], unpack(nips))
    local ext = redis.call('HMGET', KEYS[2], unpack(nips))
    for j, v in ipairs(jps) do
      local jp = (tonumber(v) or 0) + (tonumber(ext[j]) or 0)
      total = total + jp
      if jp >= required then compliant = compliant + 1 end
    end
  end
  out[#out + 1] = {#nips, compliant, total}
end
return out
)lua");

std::string Ms(absl::Time t) { return absl::StrCat(absl::ToUnixMillis(t)); }

google::protobuf::Timestamp MsToTimestamp(const std::string& ms) {
  int64_t v = 0;
  (void)absl::SimpleAtoi(ms, &v);
  google::protobuf::Timestamp ts;
  ts.set_seconds(v / 1000);
  ts.set_nanos(static_cast<int>((v % 1000) * 1000000));
  return ts;
}

v1::Enrolment FromHash(const std::vector<redis::Reply>& flat) {
  v1::Enrolment e;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) {
    const std::string& f = flat[i].str;
    const std::string& v = flat[i + 1].str;
    if (f == "state") {
      v1::Enrolment::State s;
      if (v1::Enrolment::State_Parse(v, &s)) e.set_state(s);
    } else if (f == "create_ms") {
      *e.mutable_create_time() = MsToTimestamp(v);
    } else if (f == "complete_ms") {
      *e.mutable_complete_time() = MsToTimestamp(v);
    } else if (f == "withdraw_ms") {
      *e.mutable_withdraw_time() = MsToTimestamp(v);
    } else if (f == "certificate") {
      e.set_certificate_number(v);
    } else if (f == "unit") {
      e.set_unit(v);
    } else if (f.rfind("att:", 0) == 0) {
      e.add_attended_days(f.substr(4));
    }
  }
  std::sort(e.mutable_attended_days()->begin(), e.mutable_attended_days()->end());
  return e;
}

absl::StatusOr<int64_t> Count(redis::Client* redis, const redis::Command& cmd) {
  auto r = redis->Run(cmd);
  if (!r.ok()) return r.status();
  if (r->is_error()) return redis::ReplyStatus(*r);
  return r->integer;
}

}  // namespace

EnrolmentStore::EnrolmentStore(redis::Client* redis, const std::string& tenant)
    : redis_(redis), tenant_(tenant), keys_("enrolment", tenant),
      units_(redis, "unit", keys_.Key("unit"), keys_.Key("unit", "idx")),
      employees_(redis, "employee", keys_.Key("emp"), keys_.Key("emp", "idx")),
      programs_(redis, "program", keys_.Key("prog"), keys_.Key("prog", "idx")) {}

store::ResourceTable EnrolmentStore::Cohorts(const std::string& program) const {
  return store::ResourceTable(redis_, "cohort", keys_.Key("cohort", program),
                              keys_.Key("cohort", program, "idx"));
}

absl::StatusOr<int64_t> EnrolmentStore::UnitEmployeeCount(const std::string& unit) {
  return Count(redis_, {"SCARD", UnitEmployeesKey(unit)});
}
absl::StatusOr<int64_t> EnrolmentStore::CohortMemberCount(const std::string& ck) {
  return Count(redis_, {"ZCARD", keys_.Key("members", ck)});
}
absl::StatusOr<int64_t> EnrolmentStore::EmployeeCohortCount(const std::string& nip) {
  return Count(redis_, {"HLEN", EmployeeCohortsKey(nip)});
}

absl::StatusOr<std::vector<std::string>> EnrolmentStore::EmployeeCohorts(const std::string& nip) {
  auto r = redis_->Run({"HKEYS", EmployeeCohortsKey(nip)});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  return out;
}

absl::StatusOr<std::pair<int, int>> EnrolmentStore::CohortCounts(const std::string& ck) {
  auto r = redis_->Pipeline({{"SCARD", keys_.Key("seats", ck)}, {"ZCARD", keys_.Key("wait", ck)}});
  if (!r.ok()) return r.status();
  return std::make_pair(static_cast<int>((*r)[0].integer), static_cast<int>((*r)[1].integer));
}

absl::Status EnrolmentStore::Enrol(const std::string& ck, const std::string& nip,
                                   const std::string& unit, absl::Time now) {
  auto r = redis_->Eval(kEnrol,
                        {CohortStateKey(ck), keys_.Key("enr", ck, nip), keys_.Key("seats", ck),
                         keys_.Key("wait", ck), keys_.Key("members", ck), EmployeeCohortsKey(nip),
                         keys_.Key("wseq")},
                        {nip, ck, keys_.Key("enr", ck, ""), Ms(now), unit});
  return r.ok() ? absl::OkStatus() : Refusal(r.status(), "OVERLAPPING_COHORT");
}

absl::Status EnrolmentStore::Withdraw(const std::string& ck, const std::string& nip,
                                      absl::Time now) {
  auto r = redis_->Eval(kWithdraw,
                        {CohortStateKey(ck), keys_.Key("enr", ck, nip), keys_.Key("seats", ck),
                         keys_.Key("wait", ck), EmployeeCohortsKey(nip)},
                        {nip, ck, keys_.Key("enr", ck, ""), Ms(now)});
  return r.ok() ? absl::OkStatus() : Refusal(r.status(), "ALREADY_COMPLETED");
}

absl::Status EnrolmentStore::Promote(const std::string& ck) {
  auto r = redis_->Eval(kPromote,
                        {CohortStateKey(ck), keys_.Key("enr", ck, "-"), keys_.Key("seats", ck),
                         keys_.Key("wait", ck)},
                        {"", "", keys_.Key("enr", ck, "")});
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::Status EnrolmentStore::RecordAttendance(const std::string& ck, const std::string& nip,
                                              int day_number, const std::string& day) {
  auto r = redis_->Eval(kAttend, {CohortStateKey(ck), keys_.Key("enr", ck, nip)},
                        {absl::StrCat(day_number), day});
  return r.ok() ? absl::OkStatus() : Refusal(r.status(), "NOT_ENROLLED");
}

absl::Status EnrolmentStore::Complete(const std::string& ck, const std::string& nip,
                                      const std::string& certificate,
                                      const std::string& enrolment_name, int jp, int year,
                                      const std::string& certificate_prefix, absl::Time now) {
  const std::string enr = keys_.Key("enr", ck, nip);
  const absl::Time at = absl::FromUnixMillis(absl::ToUnixMillis(now));
  return store::RetryCas(
      [&]() -> absl::Status {
        // What the event says: the unit at enrolment and the cohort dates.
        auto read = redis_->Pipeline({{"HGET", enr, "unit"}, {"HMGET", CohortStateKey(ck), "start", "end"}});
        if (!read.ok()) return read.status();
        for (const auto& r : *read) {
          if (r.is_error()) return redis::ReplyStatus(r);
        }
        const std::string unit = (*read)[0].is_nil() ? "" : (*read)[0].str;
        const auto& dates = (*read)[1].elements;
        if (dates.size() != 2 || dates[0].is_nil() || dates[1].is_nil()) {
          return absl::NotFoundError(absl::StrCat("cohort ", ck, " not found"));
        }
        int start = 0, end = 0;
        if (!absl::SimpleAtoi(dates[0].str, &start) || !absl::SimpleAtoi(dates[1].str, &end)) {
          return absl::DataLossError(absl::StrCat("cohort ", ck, " has corrupt dates"));
        }
        v1::EnrolmentCompleted event;
        event.set_enrolment(enrolment_name);
        event.set_nip(nip);
        event.set_unit(unit);
        *event.mutable_cohort_start() = ToDate(absl::CivilDay(start / 10000, start / 100 % 100, start % 100));
        *event.mutable_cohort_end() = ToDate(absl::CivilDay(end / 10000, end / 100 % 100, end % 100));
        *event.mutable_complete_time() = ToTimestamp(at);
        std::vector<std::string> argv = {nip, certificate, enrolment_name, absl::StrCat(jp), Ms(at),
                                         certificate_prefix, unit, dates[0].str, dates[1].str};
        events::AppendPublishArgs(event, &argv);
        const ExternalTrainingStore external(redis_, tenant_);
        argv.push_back(external.EnrolmentPrefix());
        argv.push_back(external.YearPrefix());
        auto r = redis_->Eval(kComplete,
                              {CohortStateKey(ck), enr, keys_.Key("jp", year), keys_.Key("jpsrc", year, nip),
                               EventsKey(), EmployeeCohortsKey(nip), external.SummaryKey(nip),
                               external.YearsKey(nip)},
                              argv);
        return r.ok() ? absl::OkStatus() : Refusal(r.status(), "NOT_ENROLLED");
      },
      store::CasOptions{16, absl::StrCat("enrolment of ", nip, " in cohort ", ck)});
}

absl::StatusOr<v1::Enrolment> EnrolmentStore::GetEnrolment(const std::string& ck,
                                                           const std::string& nip) {
  auto r = redis_->Pipeline({{"HGETALL", keys_.Key("enr", ck, nip)},
                             {"ZRANK", keys_.Key("wait", ck), nip}});
  if (!r.ok()) return r.status();
  if ((*r)[0].is_error()) return redis::ReplyStatus((*r)[0]);
  if ((*r)[0].elements.empty()) {
    return absl::NotFoundError(absl::StrCat("enrolment of ", nip, " in cohort ", ck, " not found"));
  }
  v1::Enrolment e = FromHash((*r)[0].elements);
  if ((*r)[1].is_integer()) e.set_waitlist_position(static_cast<int>((*r)[1].integer) + 1);
  return e;
}

absl::StatusOr<EnrolmentStore::EnrolmentPage> EnrolmentStore::ListEnrolments(
    const std::string& ck, int page_size, const std::string& page_token) {
  auto size = store::EffectivePageSize(page_size);
  if (!size.ok()) return size.status();
  std::string start;
  if (!page_token.empty()) {
    auto decoded = store::DecodePageToken(page_token);
    if (!decoded.ok()) return decoded.status();
    start = *decoded;
  }
  auto r = redis_->Eval(kListEnrolments, {keys_.Key("members", ck), keys_.Key("wait", ck)},
                        {keys_.Key("enr", ck, ""), start, absl::StrCat(*size + 1)});
  if (!r.ok()) return r.status();
  EnrolmentPage page;
  const auto& e = r->elements;
  size_t count = e.size() / 3;
  for (size_t i = 0; i < count && page.nips.size() < static_cast<size_t>(*size); ++i) {
    page.nips.push_back(e[3 * i].str);
    v1::Enrolment en = FromHash(e[3 * i + 1].elements);
    if (e[3 * i + 2].integer >= 0) en.set_waitlist_position(static_cast<int>(e[3 * i + 2].integer) + 1);
    page.enrolments.push_back(std::move(en));
  }
  if (count > static_cast<size_t>(*size)) page.next_page_token = store::EncodePageToken(page.nips.back());
  return page;
}

absl::StatusOr<EnrolmentStore::Hours> EnrolmentStore::LearningHours(const std::string& nip,
                                                                    int year) {
  auto r = redis_->Pipeline({{"HGET", keys_.Key("jp", year), nip},
                             {"SMEMBERS", keys_.Key("jpsrc", year, nip)}});
  if (!r.ok()) return r.status();
  Hours h;
  if ((*r)[0].is_string()) (void)absl::SimpleAtoi((*r)[0].str, &h.jp);
  for (const auto& m : (*r)[1].elements) h.sources.push_back(m.str);
  std::sort(h.sources.begin(), h.sources.end());
  return h;
}

absl::StatusOr<std::vector<EnrolmentStore::UnitHours>> EnrolmentStore::UnitLearningHours(
    const std::vector<std::string>& units, int year, int required) {
  std::vector<std::string> keys = {keys_.Key("jp", year), ExternalTrainingStore(redis_, tenant_).YearKey(year)};
  for (const auto& u : units) keys.push_back(UnitEmployeesKey(u));
  auto r = redis_->Eval(kUnitHours, keys, {absl::StrCat(required)});
  if (!r.ok()) return r.status();
  std::vector<UnitHours> out;
  for (const auto& row : r->elements) {
    UnitHours h;
    h.employees = static_cast<int>(row.elements[0].integer);
    h.compliant = static_cast<int>(row.elements[1].integer);
    h.total_jp = row.elements[2].integer;
    out.push_back(h);
  }
  return out;
}

}  // namespace pelita::enrolment
