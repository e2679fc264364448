#include "services/enrolment/followup/outbox.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lib/log/log.h"
#include "lib/status/status.h"
#include "services/enrolment/domain.h"

namespace pelita::enrolment::followup {
namespace {

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

std::string DayText(const google::type::Date& d) {
  static const char* kMonths[] = {"Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
                                  "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};
  const int m = (d.month() >= 1 && d.month() <= 12) ? d.month() - 1 : 0;
  return absl::StrFormat("%d %s %d", d.day(), kMonths[m], d.year());
}

}  // namespace

Outbox::Outbox(redis::Client* redis, FollowUpLogic* logic, Sender* sender,
               std::vector<std::string> tenants, Options options)
    : redis_(redis), logic_(logic), sender_(sender), tenants_(std::move(tenants)),
      options_(std::move(options)) {}

absl::StatusOr<Outbox::Result> Outbox::PollOnce() {
  Result total;
  absl::Status first_error;
  for (const auto& t : tenants_) {
    auto r = PollTenant(t);
    if (!r.ok()) {
      LogWarning("follow-up outbox poll failed", {{"tenant", t}, {"error", r.status().ToString()}});
      if (first_error.ok()) first_error = r.status();
      continue;
    }
    total.sent += r->sent;
    total.failed += r->failed;
    total.dropped += r->dropped;
  }
  if (!first_error.ok()) return first_error;
  return total;
}

absl::StatusOr<Notification> Outbox::Compose(const std::string& tenant, const std::string& id) {
  std::vector<std::string> parts = absl::StrSplit(id, '|');
  if (parts.size() != 2) return absl::InvalidArgumentError(absl::StrCat("bad notification ", id));
  PELITA_ASSIGN_OR_RETURN(v1::FollowUpTask task, logic_->LoadTask(tenant, parts[0]));
  Notification n;
  n.id = id;
  n.tenant = tenant;
  n.task = task.name();
  n.kind = parts[1];
  const Caller caller{tenant, "", ""};
  auto name_of = [&](const std::string& nip) -> std::string {
    v1::GetEmployeeRequest ge;
    ge.set_name(absl::StrCat("tenants/", tenant, "/employees/", nip));
    auto e = logic_->enrolment()->GetEmployee(caller, ge);
    return e.ok() && !e->full_name().empty() ? e->full_name() : absl::StrCat("NIP ", nip);
  };
  std::string program_title;
  {
    std::vector<std::string> cp = absl::StrSplit(task.cohort(), '/');
    v1::GetProgramRequest gp;
    gp.set_name(absl::StrCat("tenants/", tenant, "/programs/", cp.size() > 3 ? cp[3] : ""));
    auto p = logic_->enrolment()->GetProgram(caller, gp);
    program_title = p.ok() && !p->title().empty() ? p->title() : gp.name();
  }
  const std::string participant = name_of(task.participant_nip());
  const std::string due = DayText(task.due_date());
  const bool overdue = n.kind == "overdue";
  if (task.role() == v1::FollowUpTask::SELF_REPORT) {
    n.recipient_nip = task.participant_nip();
    n.recipient_name = participant;
    n.subject = overdue ? "Laporan tindak lanjut pelatihan terlambat"
                        : "Pengingat laporan tindak lanjut pelatihan";
    n.text = overdue
                 ? absl::StrCat("Laporan mandiri tindak lanjut ", task.offset_days(),
                                " hari pelatihan \"", program_title, "\" telah melewati batas waktu ",
                                due, ". Mohon segera isi survei tindak lanjut; laporan yang "
                                "terlambat tetap diterima.")
                 : absl::StrCat("Laporan mandiri tindak lanjut ", task.offset_days(),
                                " hari pelatihan \"", program_title, "\" jatuh tempo pada ", due,
                                ". Mohon isi survei tindak lanjut sebelum tanggal tersebut.");
  } else if (!task.supervisor_nip().empty()) {
    n.recipient_nip = task.supervisor_nip();
    n.recipient_name = name_of(task.supervisor_nip());
    n.subject = overdue ? "Penilaian atasan atas hasil pelatihan terlambat"
                        : "Pengingat penilaian atasan atas hasil pelatihan";
    n.text = absl::StrCat(
        "Penilaian atasan langsung atas penerapan hasil pelatihan \"", program_title, "\" oleh ",
        participant, " (NIP ", task.participant_nip(), "), ", task.offset_days(),
        " hari setelah pelatihan, ",
        overdue ? absl::StrCat("telah melewati batas waktu ", due,
                               ". Mohon segera isi survei tindak lanjut.")
                : absl::StrCat("jatuh tempo pada ", due, ". Mohon isi survei tindak lanjut."));
  } else {
    // No approved supervisor yet: the participant is asked to name one.
    n.recipient_nip = task.participant_nip();
    n.recipient_name = participant;
    n.subject = "Rencana tindak lanjut belum lengkap";
    n.text = absl::StrCat("Penilaian atasan atas pelatihan \"", program_title, "\" ",
                          overdue ? "telah melewati batas waktu " : "jatuh tempo pada ", due,
                          ", tetapi Rencana Tindak Lanjut (RTL) Anda belum menyebut atasan "
                          "langsung. Mohon lengkapi RTL Anda.");
  }
  return n;
}

absl::StatusOr<Outbox::Result> Outbox::PollTenant(const std::string& tenant) {
  const KeyBuilder k("followup", tenant);
  const std::string outbox = k.Key("outbox"), sent = k.Key("sent"), lease = k.Key("lease"),
                    attempts = k.Key("attempts");
  const absl::Time now = logic_->Now();
  const std::string now_ms = absl::StrCat(absl::ToUnixMillis(now));
  PELITA_ASSIGN_OR_RETURN(auto due, redis_->Run({"ZRANGEBYSCORE", outbox, "-inf", now_ms, "LIMIT",
                                                 "0", absl::StrCat(options_.batch)}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(due));
  Result result;
  for (const auto& e : due.elements) {
    const std::string& id = e.str;
    const std::string lease_end = absl::StrCat(absl::ToUnixMillis(now + options_.lease));
    PELITA_ASSIGN_OR_RETURN(auto claimed,
                            redis_->Eval(kClaim, {outbox, sent, lease}, {id, now_ms, lease_end, options_.owner}));
    if (claimed.integer != 1) continue;

    auto n = Compose(tenant, id);
    std::vector<std::string> parts = absl::StrSplit(id, '|');
    bool drop = absl::IsNotFound(n.status());
    if (n.ok()) {
      auto task = logic_->LoadTask(tenant, parts[0]);
      PELITA_RETURN_IF_ERROR(task.status());
      const absl::Time due_time = absl::FromUnixNanos(
          google::protobuf::util::TimeUtil::TimestampToNanoseconds(task->due_time()));
      drop = task->state() != v1::FollowUpTask::OPEN || (n->kind == "remind" && now >= due_time);
    } else if (!drop) {
      return n.status();
    }
    if (drop) {
      PELITA_RETURN_IF_ERROR(redis_->Eval(kFinish, {outbox, sent, lease},
                                          {id, absl::StrCat("cancelled ", now_ms)}).status());
      ++result.dropped;
      continue;
    }
    absl::Status s = sender_->Send(*n);
    if (s.ok()) {
      PELITA_RETURN_IF_ERROR(
          redis_->Eval(kFinish, {outbox, sent, lease}, {id, absl::StrCat("sent ", now_ms)}).status());
      ++result.sent;
      continue;
    }
    PELITA_ASSIGN_OR_RETURN(auto tries, redis_->Run({"HGET", attempts, id}));
    int64_t n_tries = 0;
    if (tries.is_string()) (void)absl::SimpleAtoi(tries.str, &n_tries);
    absl::Duration backoff = options_.min_backoff;
    for (int64_t i = 0; i < n_tries && backoff < options_.max_backoff; ++i) backoff *= 2;
    backoff = std::min(backoff, options_.max_backoff);
    PELITA_RETURN_IF_ERROR(
        redis_->Eval(kFail, {outbox, lease, attempts},
                     {id, absl::StrCat(absl::ToUnixMillis(now + backoff))}).status());
    LogWarning("follow-up notification failed; will retry",
               {{"tenant", tenant}, {"id", id}, {"error", s.ToString()},
                {"retry_in_s", absl::StrCat(absl::ToInt64Seconds(backoff))}});
    ++result.failed;
  }
  return result;
}

}  // namespace pelita::enrolment::followup
