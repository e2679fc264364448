#include "services/followup/domain.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/time/time.h"

namespace pelita::followup {
namespace {

constexpr int kMaxActions = 5;

const char* StateField(v1::ActionPlan::State s) {
  switch (s) {
    case v1::ActionPlan::DRAFT: return "plans_draft";
    case v1::ActionPlan::SUBMITTED: return "plans_submitted";
    case v1::ActionPlan::APPROVED: return "plans_approved";
    case v1::ActionPlan::RETURNED: return "plans_returned";
    default: return "plans_unspecified";
  }
}

const char* StatusField(v1::Action::Status s) {
  switch (s) {
    case v1::Action::NOT_STARTED: return "actions_not_started";
    case v1::Action::IN_PROGRESS: return "actions_in_progress";
    case v1::Action::APPLIED: return "actions_applied";
    case v1::Action::ABANDONED: return "actions_abandoned";
    default: return "actions_unspecified";
  }
}

}  // namespace

absl::Time DueTime(absl::CivilDay day, const absl::TimeZone& zone) { return StartOfDay(day + 1, zone); }

absl::Time ReminderTime(absl::CivilDay day, const absl::TimeZone& zone) {
  return absl::FromCivil(absl::CivilHour(day - 3) + 8, zone);
}

absl::Status ValidateActions(const v1::ActionPlan& plan, absl::CivilDay cohort_end) {
  if (plan.actions_size() < 1 || plan.actions_size() > kMaxActions) {
    return InvalidField("action_plan.actions",
                        absl::StrCat("must hold 1 to ", kMaxActions, " actions, not ", plan.actions_size()));
  }
  for (int i = 0; i < plan.actions_size(); ++i) {
    const v1::Action& a = plan.actions(i);
    const std::string f = absl::StrCat("action_plan.actions[", i, "]");
    if (a.change().empty()) return InvalidField(f + ".change", "must not be empty");
    if (a.competency().empty()) return InvalidField(f + ".competency", "must not be empty");
    if (a.indicator().empty()) return InvalidField(f + ".indicator", "must not be empty");
    absl::StatusOr<absl::CivilDay> due = FromDate(a.due_date(), f + ".due_date");
    if (!due.ok()) return due.status();
    if (*due <= cohort_end) return InvalidField(f + ".due_date", "must be after the cohort's last day");
  }
  return absl::OkStatus();
}

std::map<std::string, int64_t> PlanCounters(const v1::ActionPlan* plan) {
  std::map<std::string, int64_t> out;
  if (plan == nullptr) return out;
  out[StateField(plan->state())] += 1;
  if (plan->state() == v1::ActionPlan::APPROVED) {
    for (const auto& a : plan->actions()) {
      out["actions"] += 1;
      out[StatusField(a.status())] += 1;
    }
  }
  return out;
}

std::vector<std::pair<std::string, int64_t>> CounterDelta(const std::map<std::string, int64_t>& before,
                                                          const std::map<std::string, int64_t>& after) {
  std::map<std::string, int64_t> delta = after;
  for (const auto& [field, n] : before) delta[field] -= n;
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& [field, d] : delta) {
    if (d != 0) out.emplace_back(field, d);
  }
  return out;
}

std::string TaskId(const std::string& program, const std::string& cohort, const std::string& nip, int days,
                   v1::FollowUpTask::Role role) {
  return absl::StrCat(program, ".", cohort, ".", nip, ".", days, ".",
                      role == v1::FollowUpTask::SELF_REPORT ? "self" : "supervisor");
}

bool IsFollowUpKind(const std::string& kind) {
  return kind == "followup" || kind == "self_report" || kind == "followup_self";
}

v1::FollowUpTask::Role ResponseRole(const std::string& kind, const std::string& respondent,
                                    const std::string& subject, survey::v1::FollowUpRole stamped) {
  if (stamped == survey::v1::SELF_REPORT) return v1::FollowUpTask::SELF_REPORT;
  if (stamped == survey::v1::SUPERVISOR_ASSESSMENT) return v1::FollowUpTask::SUPERVISOR_ASSESSMENT;
  return (kind != "followup" || respondent.empty() || respondent == subject)
             ? v1::FollowUpTask::SELF_REPORT
             : v1::FollowUpTask::SUPERVISOR_ASSESSMENT;
}

int ChooseTask(const std::vector<v1::FollowUpTask>& tasks, v1::FollowUpTask::Role role, int wave,
               absl::CivilDay submit_day, const std::vector<Window>& cohort_windows) {
  for (size_t i = 0; i < tasks.size(); ++i) {
    const v1::FollowUpTask& t = tasks[i];
    if (t.role() != role) continue;
    if (wave > 0) {
      if (t.offset_days() == wave) return static_cast<int>(i);
      continue;
    }
    absl::StatusOr<absl::CivilDay> first = FromDate(t.window_first_day());
    absl::StatusOr<absl::CivilDay> last = FromDate(t.window_last_day());
    if (!t.has_window_first_day() || !first.ok() || !last.ok()) {
      // Created before windows were recorded: the cohort's window of its offset.
      first = absl::NotFoundError("no window");
      for (const Window& w : cohort_windows) {
        if (w.offset_days == t.offset_days()) {
          first = w.first_day;
          last = w.last_day;
        }
      }
    }
    if (first.ok() && last.ok() && *first <= submit_day && submit_day <= *last) return static_cast<int>(i);
  }
  return -1;
}

bool IsParticipant(const Caller& caller, const std::string& nip) {
  // A supervisor is an ASN with staff (derived from the roster at sign-in):
  // their own trainings and plans are theirs as any participant's.
  return (IsRole(caller, Role::kParticipant) || IsRole(caller, Role::kSupervisor)) && !caller.subject.empty() &&
         caller.subject == nip;
}

bool IsSupervisorOf(const Caller& caller, const v1::ActionPlan& plan) {
  return IsRole(caller, Role::kSupervisor) && !caller.subject.empty() &&
         plan.supervisor() == absl::StrCat("tenants/", caller.tenant, "/employees/", caller.subject);
}

std::string DayText(const google::type::Date& d) {
  static const char* kMonths[] = {"Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
                                  "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};
  const int m = (d.month() >= 1 && d.month() <= 12) ? d.month() - 1 : 0;
  return absl::StrFormat("%d %s %d", d.day(), kMonths[m], d.year());
}

}  // namespace pelita::followup
