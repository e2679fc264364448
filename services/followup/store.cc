#include "services/followup/store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lib/status/status.h"

namespace pelita::followup {
namespace {

// KEYS: plan, cplans, stats:c, stats:u.  ARGV: expected old bytes ('' =
// absent), new bytes, nip, then counter field/delta pairs.
redis::Script kPutPlan(R"lua(
local old = redis.call('GET', KEYS[1]) or ''
if old ~= ARGV[1] then return redis.error_reply('ABORTED the plan changed concurrently') end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[3])
for i = 4, #ARGV, 2 do
  local d = tonumber(ARGV[i + 1])
  if d ~= 0 then
    redis.call('HINCRBY', KEYS[3], ARGV[i], d)
    redis.call('HINCRBY', KEYS[4], ARGV[i], d)
  end
end
return 1
)lua");

// KEYS: task, all:t, all:c, all:u, open:t, open:c, open:u, ptasks, stats:c,
// stats:u, outbox.  ARGV: id, bytes, due ms, reminder ms.
// Returns 1 when created, 0 when it existed.
redis::Script kCreateTask(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
for i = 2, 8 do redis.call('ZADD', KEYS[i], ARGV[3], ARGV[1]) end
redis.call('HINCRBY', KEYS[9], 'tasks', 1)
redis.call('HINCRBY', KEYS[10], 'tasks', 1)
redis.call('ZADD', KEYS[11], ARGV[4], ARGV[1] .. '|remind')
redis.call('ZADD', KEYS[11], ARGV[3], ARGV[1] .. '|overdue')
return 1
)lua");

// KEYS: task, open:t, open:c, open:u, stats:c, stats:u, seen.
// ARGV: id, old bytes, new bytes, response name, late (0/1).
// Returns 1 when closed now, 0 when the response was already seen.
redis::Script kCloseTask(R"lua(
if redis.call('HEXISTS', KEYS[7], ARGV[4]) == 1 then return 0 end
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[2] then
  return redis.error_reply('ABORTED the task changed concurrently')
end
redis.call('SET', KEYS[1], ARGV[3])
for i = 2, 4 do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('HINCRBY', KEYS[5], 'done', 1)
redis.call('HINCRBY', KEYS[6], 'done', 1)
if ARGV[5] == '1' then
  redis.call('HINCRBY', KEYS[5], 'late', 1)
  redis.call('HINCRBY', KEYS[6], 'late', 1)
end
redis.call('HSET', KEYS[7], ARGV[4], ARGV[1])
return 1
)lua");

// KEYS: outbox, sent, lease.  ARGV: id, now ms, lease end ms, owner.
// Returns 1 when claimed, 0 when sent already or leased by someone else.
redis::Script kClaim(R"lua(
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
local l = redis.call('HGET', KEYS[3], ARGV[1])
if l then
  local until_ms = tonumber(string.match(l, '^(%d+)'))
  if until_ms and until_ms > tonumber(ARGV[2]) then return 0 end
end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3] .. ' ' .. ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
)lua");

// KEYS: outbox, sent, lease.  ARGV: id, record ("sent <ms>" / "cancelled <ms>").
redis::Script kFinish(R"lua(
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
)lua");

// KEYS: outbox, lease, attempts.  ARGV: id, retry at ms.
redis::Script kFail(R"lua(
local n = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return n
)lua");

template <typename T>
absl::StatusOr<std::optional<FollowUpStore::Stored<T>>> Parse(const redis::Reply& r, const char* what) {
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  if (r.is_nil()) return std::optional<FollowUpStore::Stored<T>>();
  FollowUpStore::Stored<T> out;
  if (!out.value.ParseFromString(r.str)) return absl::DataLossError(absl::StrCat("corrupt ", what));
  out.bytes = r.str;
  return std::optional<FollowUpStore::Stored<T>>(std::move(out));
}

}  // namespace

absl::StatusOr<std::optional<FollowUpStore::Stored<v1::ActionPlan>>> FollowUpStore::GetPlan(
    const std::string& tenant, const std::string& ck, const std::string& nip) {
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"GET", Keys(tenant).Key("plan", ck, nip)}));
  return Parse<v1::ActionPlan>(r, "action plan");
}

absl::Status FollowUpStore::PutPlan(const std::string& tenant, const std::string& ck, const std::string& nip,
                                    const std::string& unit_id, const std::string& expected,
                                    const v1::ActionPlan& plan,
                                    const std::vector<std::pair<std::string, int64_t>>& delta) {
  const KeyBuilder k = Keys(tenant);
  std::vector<std::string> args = {expected, plan.SerializeAsString(), nip};
  for (const auto& [field, d] : delta) {
    args.push_back(field);
    args.push_back(absl::StrCat(d));
  }
  return redis_
      ->Eval(kPutPlan,
             {k.Key("plan", ck, nip), k.Key("cplans", ck), k.Key("stats", "c", ck), k.Key("stats", "u", unit_id)},
             args)
      .status();
}

absl::StatusOr<bool> FollowUpStore::CreateTask(const std::string& tenant, const NewTask& n,
                                               const v1::FollowUpTask& task) {
  const KeyBuilder k = Keys(tenant);
  PELITA_ASSIGN_OR_RETURN(
      auto r, redis_->Eval(kCreateTask,
                           {k.Key("task", n.id), k.Key("all", "t"), k.Key("all", "c", n.ck),
                            k.Key("all", "u", n.unit_id), k.Key("open", "t"), k.Key("open", "c", n.ck),
                            k.Key("open", "u", n.unit_id), k.Key("ptasks", n.ck, n.nip),
                            k.Key("stats", "c", n.ck), k.Key("stats", "u", n.unit_id), k.Key("outbox")},
                           {n.id, task.SerializeAsString(), absl::StrCat(n.due_ms), absl::StrCat(n.remind_ms)}));
  return r.integer == 1;
}

absl::StatusOr<std::optional<FollowUpStore::Stored<v1::FollowUpTask>>> FollowUpStore::GetTask(
    const std::string& tenant, const std::string& id) {
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"GET", Keys(tenant).Key("task", id)}));
  return Parse<v1::FollowUpTask>(r, "task");
}

absl::StatusOr<std::vector<std::optional<FollowUpStore::Stored<v1::FollowUpTask>>>> FollowUpStore::GetTasks(
    const std::string& tenant, const std::vector<std::string>& ids) {
  std::vector<std::optional<Stored<v1::FollowUpTask>>> out;
  if (ids.empty()) return out;
  const KeyBuilder k = Keys(tenant);
  redis::Command mget = {"MGET"};
  for (const auto& id : ids) mget.push_back(k.Key("task", id));
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run(mget));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i >= r.elements.size()) {
      out.emplace_back();
      continue;
    }
    PELITA_ASSIGN_OR_RETURN(auto t, Parse<v1::FollowUpTask>(r.elements[i], "task"));
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<std::vector<std::optional<FollowUpStore::Stored<v1::ActionPlan>>>> FollowUpStore::GetPlans(
    const std::string& tenant, const std::vector<std::pair<std::string, std::string>>& ck_nips) {
  std::vector<std::optional<Stored<v1::ActionPlan>>> out;
  if (ck_nips.empty()) return out;
  const KeyBuilder k = Keys(tenant);
  redis::Command mget = {"MGET"};
  for (const auto& [ck, nip] : ck_nips) mget.push_back(k.Key("plan", ck, nip));
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run(mget));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  for (size_t i = 0; i < ck_nips.size(); ++i) {
    if (i >= r.elements.size()) {
      out.emplace_back();
      continue;
    }
    PELITA_ASSIGN_OR_RETURN(auto p, Parse<v1::ActionPlan>(r.elements[i], "action plan"));
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, FollowUpStore::Stored<v1::FollowUpTask>>>>
FollowUpStore::ParticipantTasks(const std::string& tenant, const std::string& ck, const std::string& nip) {
  const KeyBuilder k = Keys(tenant);
  std::vector<std::pair<std::string, Stored<v1::FollowUpTask>>> out;
  PELITA_ASSIGN_OR_RETURN(auto ids, redis_->Run({"ZRANGE", k.Key("ptasks", ck, nip), "0", "-1"}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(ids));
  if (ids.elements.empty()) return out;
  redis::Command mget = {"MGET"};
  for (const auto& e : ids.elements) mget.push_back(k.Key("task", e.str));
  PELITA_ASSIGN_OR_RETURN(auto tasks, redis_->Run(mget));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(tasks));
  for (size_t i = 0; i < tasks.elements.size() && i < ids.elements.size(); ++i) {
    PELITA_ASSIGN_OR_RETURN(auto t, Parse<v1::FollowUpTask>(tasks.elements[i], "task"));
    if (t.has_value()) out.emplace_back(ids.elements[i].str, std::move(*t));
  }
  return out;
}

absl::StatusOr<bool> FollowUpStore::SeenResponse(const std::string& tenant, const std::string& response) {
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"HEXISTS", Keys(tenant).Key("seen"), response}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  return r.integer == 1;
}

absl::StatusOr<bool> FollowUpStore::CloseTask(const std::string& tenant, const std::string& id,
                                              const std::string& ck, const std::string& unit_id,
                                              const std::string& expected, const v1::FollowUpTask& task,
                                              const std::string& response, bool late) {
  const KeyBuilder k = Keys(tenant);
  PELITA_ASSIGN_OR_RETURN(
      auto r, redis_->Eval(kCloseTask,
                           {k.Key("task", id), k.Key("open", "t"), k.Key("open", "c", ck), k.Key("open", "u", unit_id),
                            k.Key("stats", "c", ck), k.Key("stats", "u", unit_id), k.Key("seen")},
                           {id, expected, task.SerializeAsString(), response, late ? "1" : "0"}));
  return r.integer == 1;
}

absl::StatusOr<std::vector<std::string>> FollowUpStore::TaskIds(const std::string& tenant, bool open,
                                                                const std::string& scope, int64_t max_ms,
                                                                bool max_exclusive, bool unbounded, int64_t offset,
                                                                int64_t limit) {
  const std::string key = Keys(tenant).Key(open ? "open" : "all", scope);
  const std::string max = unbounded ? "+inf" : absl::StrCat(max_exclusive ? "(" : "", max_ms);
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"ZRANGEBYSCORE", key, "-inf", max, "LIMIT", absl::StrCat(offset),
                                               absl::StrCat(limit)}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  std::vector<std::string> out;
  for (const auto& e : r.elements) out.push_back(e.str);
  return out;
}

absl::StatusOr<FollowUpStore::SummaryData> FollowUpStore::Summary(const std::string& tenant,
                                                                  const std::string& scope, const std::string& ck,
                                                                  int64_t now_ms, int max_listed) {
  const KeyBuilder k = Keys(tenant);
  const std::string now = absl::StrCat(now_ms);
  const std::string open = k.Key("open", scope);
  std::vector<redis::Command> cmds = {
      {"HGETALL", k.Key("stats", scope)},
      {"ZCOUNT", open, "-inf", now},
      {"ZRANGEBYSCORE", open, "-inf", now, "LIMIT", "0", absl::StrCat(max_listed)}};
  if (!ck.empty()) cmds.push_back({"ZRANGE", k.Key("cplans", ck), "0", absl::StrCat(max_listed - 1)});
  PELITA_ASSIGN_OR_RETURN(auto replies, redis_->Pipeline(cmds));
  for (const auto& rep : replies) PELITA_RETURN_IF_ERROR(redis::ReplyStatus(rep));
  SummaryData out;
  for (size_t i = 0; i + 1 < replies[0].elements.size(); i += 2) {
    int64_t n = 0;
    (void)absl::SimpleAtoi(replies[0].elements[i + 1].str, &n);
    out.counters[replies[0].elements[i].str] = n;
  }
  out.overdue = replies[1].integer;
  for (const auto& e : replies[2].elements) out.overdue_ids.push_back(e.str);
  if (!ck.empty() && !replies[3].elements.empty()) {
    redis::Command mget = {"MGET"};
    for (const auto& nip : replies[3].elements) mget.push_back(k.Key("plan", ck, nip.str));
    PELITA_ASSIGN_OR_RETURN(auto plans, redis_->Run(mget));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(plans));
    for (size_t i = 0; i < plans.elements.size(); ++i) {
      v1::ActionPlan p;
      if (plans.elements[i].is_nil() || !p.ParseFromString(plans.elements[i].str)) continue;
      out.plans.emplace_back(replies[3].elements[i].str, std::move(p));
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> FollowUpStore::DueNotifications(const std::string& tenant,
                                                                         int64_t now_ms, int batch) {
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"ZRANGEBYSCORE", Keys(tenant).Key("outbox"), "-inf",
                                               absl::StrCat(now_ms), "LIMIT", "0", absl::StrCat(batch)}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  std::vector<std::string> out;
  for (const auto& e : r.elements) out.push_back(e.str);
  return out;
}

absl::StatusOr<bool> FollowUpStore::ClaimNotification(const std::string& tenant, const std::string& id,
                                                      int64_t now_ms, int64_t lease_end_ms,
                                                      const std::string& owner) {
  const KeyBuilder k = Keys(tenant);
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Eval(kClaim, {k.Key("outbox"), k.Key("sent"), k.Key("lease")},
                                               {id, absl::StrCat(now_ms), absl::StrCat(lease_end_ms), owner}));
  return r.integer == 1;
}

absl::Status FollowUpStore::FinishNotification(const std::string& tenant, const std::string& id,
                                               const std::string& record) {
  const KeyBuilder k = Keys(tenant);
  return redis_->Eval(kFinish, {k.Key("outbox"), k.Key("sent"), k.Key("lease")}, {id, record}).status();
}

absl::StatusOr<int64_t> FollowUpStore::FailNotification(const std::string& tenant, const std::string& id,
                                                        int64_t retry_ms) {
  const KeyBuilder k = Keys(tenant);
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Eval(kFail, {k.Key("outbox"), k.Key("lease"), k.Key("attempts")},
                                               {id, absl::StrCat(retry_ms)}));
  return r.integer;
}

absl::StatusOr<int64_t> FollowUpStore::NotificationAttempts(const std::string& tenant, const std::string& id) {
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"HGET", Keys(tenant).Key("attempts"), id}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  int64_t n = 0;
  if (r.is_string()) (void)absl::SimpleAtoi(r.str, &n);
  return n;
}

absl::StatusOr<std::string> FollowUpStore::NotificationRecord(const std::string& tenant, const std::string& id) {
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"HGET", Keys(tenant).Key("sent"), id}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  return r.is_string() ? r.str : std::string();
}

}  // namespace pelita::followup
