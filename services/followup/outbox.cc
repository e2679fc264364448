#include "services/followup/outbox.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/log/log.h"
#include "lib/status/status.h"
#include "lib/time/time.h"

namespace pelita::followup {

Outbox::Outbox(FollowUpLogic* logic, Sender* sender, events::TenantSource* tenants, Options options)
    : logic_(logic), sender_(sender), tenants_(tenants), options_(std::move(options)) {}

Outbox::~Outbox() { Stop(); }

void Outbox::Start(absl::Duration interval) {
  // Errors are logged per tenant; the next round retries.
  loop_.Start(interval, [this] { (void)PollOnce(); });
}

void Outbox::Stop() { loop_.Stop(); }

absl::StatusOr<Outbox::Result> Outbox::PollOnce() {
  Result total;
  absl::Status first_error;
  for (const auto& t : tenants_->Tenants()) {
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
  auto name_of = [&](const std::string& nip) -> std::string {
    auto e = logic_->enrolment()->GetEmployee(tenant, absl::StrCat("tenants/", tenant, "/employees/", nip));
    return e.ok() && !e->full_name().empty() ? e->full_name() : absl::StrCat("NIP ", nip);
  };
  std::string program_title;
  {
    std::vector<std::string> cp = absl::StrSplit(task.cohort(), '/');
    const std::string program = absl::StrCat("tenants/", tenant, "/programs/", cp.size() > 3 ? cp[3] : "");
    auto p = logic_->enrolment()->GetProgram(tenant, program);
    program_title = p.ok() && !p->title().empty() ? p->title() : program;
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
  FollowUpStore* store = logic_->store();
  const absl::Time now = logic_->Now();
  const int64_t now_ms = absl::ToUnixMillis(now);
  PELITA_ASSIGN_OR_RETURN(auto due, store->DueNotifications(tenant, now_ms, options_.batch));
  Result result;
  for (const std::string& id : due) {
    const int64_t lease_end = absl::ToUnixMillis(now + options_.lease);
    PELITA_ASSIGN_OR_RETURN(bool claimed, store->ClaimNotification(tenant, id, now_ms, lease_end, options_.owner));
    if (!claimed) continue;

    auto n = Compose(tenant, id);
    std::vector<std::string> parts = absl::StrSplit(id, '|');
    bool drop = absl::IsNotFound(n.status());
    if (n.ok()) {
      PELITA_ASSIGN_OR_RETURN(v1::FollowUpTask task, logic_->LoadTask(tenant, parts[0]));
      drop = task.state() != v1::FollowUpTask::OPEN || (n->kind == "remind" && now >= FromTimestamp(task.due_time()));
    } else if (!drop) {
      return n.status();
    }
    if (drop) {
      PELITA_RETURN_IF_ERROR(store->FinishNotification(tenant, id, absl::StrCat("cancelled ", now_ms)));
      ++result.dropped;
      continue;
    }
    absl::Status s = sender_->Send(*n);
    if (s.ok()) {
      PELITA_RETURN_IF_ERROR(store->FinishNotification(tenant, id, absl::StrCat("sent ", now_ms)));
      ++result.sent;
      continue;
    }
    PELITA_ASSIGN_OR_RETURN(int64_t n_tries, store->NotificationAttempts(tenant, id));
    absl::Duration backoff = options_.min_backoff;
    for (int64_t i = 0; i < n_tries && backoff < options_.max_backoff; ++i) backoff *= 2;
    backoff = std::min(backoff, options_.max_backoff);
    PELITA_RETURN_IF_ERROR(store->FailNotification(tenant, id, absl::ToUnixMillis(now + backoff)).status());
    LogWarning("follow-up notification failed; will retry",
               {{"tenant", tenant}, {"id", id}, {"error", s.ToString()},
                {"retry_in_s", absl::StrCat(absl::ToInt64Seconds(backoff))}});
    ++result.failed;
  }
  return result;
}

}  // namespace pelita::followup
