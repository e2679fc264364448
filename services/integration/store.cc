#include "services/integration/store.h"

#include <algorithm>
#include <random>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status/status.h"
#include "lib/tenancy/key_builder.h"
#include "lib/time/time.h"

namespace pelita::integration {
namespace {

KeyBuilder Keys(const std::string& tenant) { return KeyBuilder("integration", tenant); }

constexpr char kConnectionId[] = "siasn";
// Run ids: this minus the start time in milliseconds, 13 digits, so that
// ids sort newest first until the year 2286.
constexpr int64_t kRunIdBase = 9999999999999;

// KEYS[1] running, KEYS[2] runs hash, KEYS[3] run ids; ARGV[1] now (ms),
// ARGV[2] the new id, ARGV[3] its bytes, ARGV[4] the lease's expiry (ms).
// {0, running id} when a live run holds the lease; {1, ""} when started;
// {1, old id} when started by taking over a run whose lease had expired.
redis::Script kBeginRun(R"lua(
local cur = redis.call('GET', KEYS[1])
local old = ''
if cur then
  local sep = string.find(cur, '|', 1, true)
  local id = string.sub(cur, 1, sep - 1)
  local expiry = tonumber(string.sub(cur, sep + 1))
  if expiry > tonumber(ARGV[1]) then return {0, id} end
  old = id
end
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. ARGV[4])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[2])
return {1, old}
)lua");

// KEYS[1] running, KEYS[2] runs hash; ARGV[1] id, ARGV[2] bytes, ARGV[3]
// "1" final / "0" progress, ARGV[4] the renewed expiry (ms).  0 when the
// run does not hold the lease (nothing written).
redis::Script kSaveRun(R"lua(
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local sep = string.find(cur, '|', 1, true)
if string.sub(cur, 1, sep - 1) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[4])
end
return 1
)lua");

// KEYS[1] seq, KEYS[2] changes hash, KEYS[3] all change ids, KEYS[4] the
// employee's change ids; ARGV the changes' bytes, oldest first.
redis::Script kAppendChanges(R"lua(
for i = 1, #ARGV do
  local seq = redis.call('INCR', KEYS[1])
  local id = string.format('%015d', 999999999999999 - seq)
  redis.call('HSET', KEYS[2], id, ARGV[i])
  redis.call('ZADD', KEYS[3], 0, id)
  redis.call('ZADD', KEYS[4], 0, id)
end
return #ARGV
)lua");

// KEYS[1] failures hash, KEYS[2] all ids, KEYS[3] sync ids, KEYS[4] push
// ids, KEYS[5] counts, KEYS[6] totals; ARGV[1] id, ARGV[2] bytes, ARGV[3]
// kind, ARGV[4] "<kind>/<code>", ARGV[5] the cap.  Drops the oldest beyond
// the cap (the highest ids).
redis::Script kRecordFailure(R"lua(
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if ARGV[3] == 'push' then
  redis.call('ZADD', KEYS[4], 0, ARGV[1])
else
  redis.call('ZADD', KEYS[3], 0, ARGV[1])
end
redis.call('HINCRBY', KEYS[5], ARGV[4], 1)
redis.call('HINCRBY', KEYS[6], 'failed', 1)
local cap = tonumber(ARGV[5])
if redis.call('ZCARD', KEYS[2]) > cap then
  local old = redis.call('ZRANGE', KEYS[2], cap, -1)
  for _, id in ipairs(old) do
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
  end
end
return 1
)lua");

std::string RandomSuffix() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return absl::StrFormat("%04x", static_cast<unsigned>(rng() & 0xffff));
}

std::string EncodeState(const EmployeeState& s) {
  nlohmann::json j = {{"missing", s.missing},   {"full_name", s.full_name}, {"unit", s.unit},
                      {"position", s.position}, {"grade", s.grade},         {"unor_id", s.unor_id},
                      {"seen", s.seen == absl::InfinitePast() ? int64_t{0} : absl::ToUnixMillis(s.seen)}};
  return j.dump();
}

absl::StatusOr<EmployeeState> DecodeState(const std::string& bytes) {
  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return absl::DataLossError("an employee's sync state is corrupt");
  EmployeeState s;
  s.missing = j.value("missing", false);
  s.full_name = j.value("full_name", "");
  s.unit = j.value("unit", "");
  s.position = j.value("position", "");
  s.grade = j.value("grade", "");
  s.unor_id = j.value("unor_id", "");
  const int64_t seen = j.value("seen", int64_t{0});
  if (seen != 0) s.seen = absl::FromUnixMillis(seen);
  return s;
}

template <typename M>
absl::StatusOr<M> Parse(const std::string& bytes, absl::string_view what) {
  M m;
  if (!m.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat(what, " is corrupt"));
  return m;
}

absl::Status CheckReply(const absl::StatusOr<redis::Reply>& r) {
  if (!r.ok()) return r.status();
  return redis::ReplyStatus(*r);
}

}  // namespace

std::string LastSegmentOf(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

v1::SiasnConnection DefaultConnection(const std::string& tenant) {
  v1::SiasnConnection c;
  c.set_name(absl::StrCat("tenants/", tenant, "/siasnConnection"));
  c.set_enabled(false);
  c.set_sso_realm("public-siasn");
  c.set_jenis_diklat_id("3");
  c.set_rate_limit_per_second(5);
  c.set_max_attempts(8);
  c.set_sync_interval_hours(24);
  return c;
}

IntegrationStore::IntegrationStore(redis::Client* redis, std::function<absl::Time()> clock, int failure_cap)
    : redis_(redis), clock_(std::move(clock)), failure_cap_(failure_cap) {}

store::ResourceTable IntegrationStore::Connections(const std::string& tenant) {
  const KeyBuilder k = Keys(tenant);
  return store::ResourceTable(redis_, "SIASN connection", k.Key("connection"), k.Key("connection_ids"));
}

store::ResourceTable IntegrationStore::Runs(const std::string& tenant) {
  const KeyBuilder k = Keys(tenant);
  return store::ResourceTable(redis_, "sync run", k.Key("runs"), k.Key("run_ids"));
}

store::ResourceTable IntegrationStore::UnorMappings(const std::string& tenant) {
  const KeyBuilder k = Keys(tenant);
  return store::ResourceTable(redis_, "unor mapping", k.Key("unor"), k.Key("unor_ids"));
}

absl::StatusOr<v1::SiasnConnection> IntegrationStore::GetConnection(const std::string& tenant) {
  auto c = Connections(tenant).Get<v1::SiasnConnection>(kConnectionId);
  if (c.status().code() == absl::StatusCode::kNotFound) return DefaultConnection(tenant);
  return c;
}

absl::StatusOr<v1::SiasnConnection> IntegrationStore::UpdateConnection(
    const std::string& tenant, const std::function<absl::Status(v1::SiasnConnection&)>& mutate) {
  store::ResourceTable table = Connections(tenant);
  // The first write stores the defaults first, so that every write after
  // it is one compare-and-set of the stored connection.
  absl::Status s = table.Insert(kConnectionId, DefaultConnection(tenant).SerializeAsString());
  if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists) return s;
  auto updated = table.Update<v1::SiasnConnection>(kConnectionId, [&](v1::SiasnConnection& c) {
    PELITA_RETURN_IF_ERROR(mutate(c));
    *c.mutable_update_time() = ToTimestamp(Now());
    return absl::OkStatus();
  });
  if (!updated.ok()) return updated;
  // The platform set is kept after the tenant's write (another slot);
  // the schedule reads every tenant's connection again, so a set a step
  // behind only delays a schedule until the next write.
  auto r = redis_->Run({updated->enabled() ? "SADD" : "SREM", KeyBuilder::Platform("integration").Key("enabled"),
                        tenant});
  if (absl::Status rs = CheckReply(r); !rs.ok()) return rs;
  return updated;
}

absl::StatusOr<std::vector<std::string>> IntegrationStore::EnabledTenants() {
  auto r = redis_->Run({"SMEMBERS", KeyBuilder::Platform("integration").Key("enabled")});
  PELITA_RETURN_IF_ERROR(CheckReply(r));
  std::vector<std::string> out;
  for (const auto& e : r->elements) out.push_back(e.str);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<absl::flat_hash_map<std::string, std::string>> IntegrationStore::UnorTable(const std::string& tenant) {
  auto r = redis_->Run({"HGETALL", Keys(tenant).Key("unor")});
  PELITA_RETURN_IF_ERROR(CheckReply(r));
  absl::flat_hash_map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    PELITA_ASSIGN_OR_RETURN(auto m, Parse<v1::UnorMapping>(r->elements[i + 1].str, "an unor mapping"));
    out[r->elements[i].str] = m.unit();
  }
  return out;
}

absl::StatusOr<IntegrationStore::BeginResult> IntegrationStore::BeginRun(const std::string& tenant, v1::SyncRun run,
                                                                        absl::Time now, absl::Duration lease) {
  const KeyBuilder k = Keys(tenant);
  const std::string id = absl::StrCat(absl::StrFormat("%013d", kRunIdBase - absl::ToUnixMillis(now)), RandomSuffix());
  run.set_name(absl::StrCat("tenants/", tenant, "/syncRuns/", id));
  run.set_state(v1::SyncRun::RUNNING);
  *run.mutable_start_time() = ToTimestamp(now);
  auto r = redis_->Eval(kBeginRun, {k.Key("running"), k.Key("runs"), k.Key("run_ids")},
                        {absl::StrCat(absl::ToUnixMillis(now)), id, run.SerializeAsString(),
                         absl::StrCat(absl::ToUnixMillis(now + lease))});
  if (!r.ok()) return r.status();
  if (r->elements.size() != 2) return absl::InternalError("unexpected reply from the sync run script");
  BeginResult out;
  out.started = r->elements[0].integer == 1;
  if (!out.started) {
    // Live (the script just said so): no stale check.
    PELITA_ASSIGN_OR_RETURN(out.run, Runs(tenant).Get<v1::SyncRun>(r->elements[1].str));
    return out;
  }
  out.run = std::move(run);
  out.taken_over = r->elements[1].str;
  if (!out.taken_over.empty()) {
    // Its process stopped renewing the lease: it is no longer running.
    auto marked = Runs(tenant).Update<v1::SyncRun>(out.taken_over, [&](v1::SyncRun& old) {
      if (old.state() != v1::SyncRun::RUNNING) return absl::OkStatus();
      old.set_state(v1::SyncRun::FAILED);
      old.set_error("the process running it stopped (its lease expired); a later run took over");
      *old.mutable_end_time() = ToTimestamp(now);
      return absl::OkStatus();
    });
    if (!marked.ok() && marked.status().code() != absl::StatusCode::kNotFound) return marked.status();
  }
  return out;
}

absl::StatusOr<bool> IntegrationStore::SaveRun(const std::string& tenant, const v1::SyncRun& run, bool final,
                                               absl::Time now, absl::Duration lease) {
  const KeyBuilder k = Keys(tenant);
  auto r = redis_->Eval(kSaveRun, {k.Key("running"), k.Key("runs")},
                        {LastSegmentOf(run.name()), run.SerializeAsString(), final ? "1" : "0",
                         absl::StrCat(absl::ToUnixMillis(now + lease))});
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::Status IntegrationStore::ShowStale(const std::string& tenant, std::vector<v1::SyncRun*> runs, absl::Time now) {
  bool any_running = false;
  for (const v1::SyncRun* r : runs) any_running |= r->state() == v1::SyncRun::RUNNING;
  if (!any_running) return absl::OkStatus();
  auto cur = redis_->Run({"GET", Keys(tenant).Key("running")});
  PELITA_RETURN_IF_ERROR(CheckReply(cur));
  std::string holder;
  int64_t expiry = 0;
  if (cur->is_string()) {
    const size_t sep = cur->str.find('|');
    holder = cur->str.substr(0, sep);
    if (sep != std::string::npos) (void)absl::SimpleAtoi(cur->str.substr(sep + 1), &expiry);
  }
  for (v1::SyncRun* r : runs) {
    if (r->state() != v1::SyncRun::RUNNING) continue;
    if (LastSegmentOf(r->name()) == holder && expiry > absl::ToUnixMillis(now)) continue;
    // Nobody renews it: its process stopped.  Shown as it will be stored
    // by the next start, which takes it over.
    r->set_state(v1::SyncRun::FAILED);
    r->set_error("the process running it stopped (its lease expired)");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SyncRun> IntegrationStore::GetRun(const std::string& tenant, const std::string& id) {
  PELITA_ASSIGN_OR_RETURN(v1::SyncRun run, Runs(tenant).Get<v1::SyncRun>(id));
  PELITA_RETURN_IF_ERROR(ShowStale(tenant, {&run}, Now()));
  return run;
}

absl::StatusOr<v1::ListSyncRunsResponse> IntegrationStore::ListRuns(const std::string& tenant, int page_size,
                                                                    const std::string& page_token) {
  PELITA_ASSIGN_OR_RETURN(auto page, Runs(tenant).List(page_size, page_token));
  v1::ListSyncRunsResponse out;
  for (const auto& [id, bytes] : page.items) {
    PELITA_ASSIGN_OR_RETURN(*out.add_runs(), Parse<v1::SyncRun>(bytes, absl::StrCat("sync run ", id)));
  }
  out.set_next_page_token(page.next_page_token);
  std::vector<v1::SyncRun*> runs;
  for (auto& r : *out.mutable_runs()) runs.push_back(&r);
  PELITA_RETURN_IF_ERROR(ShowStale(tenant, runs, Now()));
  return out;
}

absl::StatusOr<std::optional<v1::SyncRun>> IntegrationStore::LatestRun(const std::string& tenant) {
  PELITA_ASSIGN_OR_RETURN(auto page, ListRuns(tenant, 1, ""));
  if (page.runs_size() == 0) return std::optional<v1::SyncRun>();
  return std::optional<v1::SyncRun>(page.runs(0));
}

absl::Status IntegrationStore::AppendChanges(const std::string& tenant, const std::string& nip,
                                             const std::vector<v1::EmployeeChange>& changes) {
  if (changes.empty()) return absl::OkStatus();
  const KeyBuilder k = Keys(tenant);
  std::vector<std::string> args;
  for (const auto& c : changes) args.push_back(c.SerializeAsString());
  auto r = redis_->Eval(kAppendChanges,
                        {k.Key("seq"), k.Key("changes"), k.Key("change_ids"), k.Key("change_ids", nip)}, args);
  return r.status();
}

absl::StatusOr<v1::ListEmployeeChangesResponse> IntegrationStore::ListChanges(const std::string& tenant,
                                                                              const std::string& nip,
                                                                              int page_size,
                                                                              const std::string& page_token) {
  const KeyBuilder k = Keys(tenant);
  store::ResourceTable table(redis_, "employee change", k.Key("changes"),
                             nip.empty() ? k.Key("change_ids") : k.Key("change_ids", nip));
  PELITA_ASSIGN_OR_RETURN(auto page, table.List(page_size, page_token));
  v1::ListEmployeeChangesResponse out;
  for (const auto& [id, bytes] : page.items) {
    PELITA_ASSIGN_OR_RETURN(*out.add_changes(), Parse<v1::EmployeeChange>(bytes, "an employee change"));
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<std::optional<EmployeeState>> IntegrationStore::GetEmployeeState(const std::string& tenant,
                                                                                const std::string& nip) {
  auto r = redis_->Run({"HGET", Keys(tenant).Key("employee_state"), nip});
  PELITA_RETURN_IF_ERROR(CheckReply(r));
  if (!r->is_string()) return std::optional<EmployeeState>();
  PELITA_ASSIGN_OR_RETURN(auto s, DecodeState(r->str));
  return std::optional<EmployeeState>(std::move(s));
}

absl::Status IntegrationStore::PutEmployeeState(const std::string& tenant, const std::string& nip,
                                                const EmployeeState& state) {
  return CheckReply(redis_->Run({"HSET", Keys(tenant).Key("employee_state"), nip, EncodeState(state)}));
}

absl::Status IntegrationStore::Record(const std::string& tenant, v1::Failure failure) {
  const KeyBuilder k = Keys(tenant);
  auto seq = redis_->Run({"INCR", k.Key("seq")});
  PELITA_RETURN_IF_ERROR(CheckReply(seq));
  const std::string id = absl::StrFormat("%015d", int64_t{999999999999999} - seq->integer);
  const std::string kind = failure.kind() == "push" ? "push" : "sync";
  failure.set_kind(kind);
  failure.set_name(absl::StrCat("tenants/", tenant, "/failures/", id));
  *failure.mutable_time() = ToTimestamp(Now());
  if (failure.raw_value().size() > 200) failure.mutable_raw_value()->resize(200);
  auto r = redis_->Eval(kRecordFailure,
                        {k.Key("failures"), k.Key("failure_ids"), k.Key("failure_ids", "sync"),
                         k.Key("failure_ids", "push"), k.Key("failure_counts"), k.Key("totals")},
                        {id, failure.SerializeAsString(), kind, absl::StrCat(kind, "/", failure.code()),
                         absl::StrCat(failure_cap_)});
  return r.status();
}

absl::StatusOr<v1::ListFailuresResponse> IntegrationStore::ListFailures(const std::string& tenant,
                                                                        const std::string& kind, int page_size,
                                                                        const std::string& page_token) {
  const KeyBuilder k = Keys(tenant);
  store::ResourceTable table(redis_, "failure", k.Key("failures"),
                             kind.empty() ? k.Key("failure_ids") : k.Key("failure_ids", kind));
  PELITA_ASSIGN_OR_RETURN(auto page, table.List(page_size, page_token));
  v1::ListFailuresResponse out;
  for (const auto& [id, bytes] : page.items) {
    if (bytes.empty()) continue;  // Trimmed between the index read and the hash read.
    PELITA_ASSIGN_OR_RETURN(*out.add_failures(), Parse<v1::Failure>(bytes, "a failure"));
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<std::map<std::string, int64_t>> IntegrationStore::FailureCounts(const std::string& tenant) {
  auto r = redis_->Run({"HGETALL", Keys(tenant).Key("failure_counts")});
  PELITA_RETURN_IF_ERROR(CheckReply(r));
  std::map<std::string, int64_t> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    int64_t n = 0;
    if (absl::SimpleAtoi(r->elements[i + 1].str, &n)) out[r->elements[i].str] = n;
  }
  return out;
}

absl::Status IntegrationStore::AddTotals(const std::string& tenant, const Totals& d) {
  const std::string key = Keys(tenant).Key("totals");
  std::vector<redis::Command> cmds;
  if (d.records_read) cmds.push_back({"HINCRBY", key, "records_read", absl::StrCat(d.records_read)});
  if (d.records_changed) cmds.push_back({"HINCRBY", key, "records_changed", absl::StrCat(d.records_changed)});
  if (d.pushed) cmds.push_back({"HINCRBY", key, "pushed", absl::StrCat(d.pushed)});
  if (d.failed) cmds.push_back({"HINCRBY", key, "failed", absl::StrCat(d.failed)});
  if (cmds.empty()) return absl::OkStatus();
  auto r = redis_->Pipeline(cmds);
  if (!r.ok()) return r.status();
  for (const auto& x : *r) PELITA_RETURN_IF_ERROR(redis::ReplyStatus(x));
  return absl::OkStatus();
}

absl::StatusOr<Totals> IntegrationStore::GetTotals(const std::string& tenant) {
  auto r = redis_->Run({"HMGET", Keys(tenant).Key("totals"), "records_read", "records_changed", "pushed", "failed"});
  PELITA_RETURN_IF_ERROR(CheckReply(r));
  Totals t;
  int64_t* fields[] = {&t.records_read, &t.records_changed, &t.pushed, &t.failed};
  for (size_t i = 0; i < 4 && i < r->elements.size(); ++i) {
    if (r->elements[i].is_string()) (void)absl::SimpleAtoi(r->elements[i].str, fields[i]);
  }
  return t;
}

}  // namespace pelita::integration
