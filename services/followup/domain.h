#ifndef PELITA_SERVICES_FOLLOWUP_DOMAIN_H_
#define PELITA_SERVICES_FOLLOWUP_DOMAIN_H_

// The follow-up rules that need no storage and no network: due and reminder
// times, plan validation, the counters a plan contributes, task ids, which
// task a follow-up answer closes, and who may act on a plan.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lib/role/role.h"
#include "lib/tenancy/caller.h"
#include "pelita/followup/v1/followup.pb.h"
#include "pelita/survey/v1/survey.pb.h"

namespace pelita::followup {

// A task due on `day` is overdue from the first instant of the next day in
// the tenant's time zone (WIB, WITA or WIT, from its registry record).
absl::Time DueTime(absl::CivilDay day, const absl::TimeZone& zone);
// Reminders go out at 08:00 (tenant time) three days before the due day.
absl::Time ReminderTime(absl::CivilDay day, const absl::TimeZone& zone);

// Validates an action plan against the cohort's last day: 1-5 actions,
// each with change, competency, indicator and a due date after
// `cohort_end`.  INVALID_ARGUMENT naming the field.
absl::Status ValidateActions(const v1::ActionPlan& plan, absl::CivilDay cohort_end);

// The counters a plan contributes to its cohort's and unit's statistics:
// one to its state; its actions (by status) only once approved.  nullptr:
// none.
std::map<std::string, int64_t> PlanCounters(const v1::ActionPlan* plan);
// after - before, without the zero entries, in field order.
std::vector<std::pair<std::string, int64_t>> CounterDelta(const std::map<std::string, int64_t>& before,
                                                          const std::map<std::string, int64_t>& after);

// Deterministic task ids, `{p}.{c}.{nip}.{days}.{self|supervisor}`, so that a
// re-delivered completion creates nothing new.
std::string TaskId(const std::string& program, const std::string& cohort, const std::string& nip,
                   int days, v1::FollowUpTask::Role role);

// Instrument kinds whose responses close follow-up tasks.
bool IsFollowUpKind(const std::string& instrument_kind);

// The task role a follow-up response answers: the role the survey service
// derived when it stamped one, else a self-report when the respondent is the
// subject (or the instrument is a self-report), a supervisor assessment
// otherwise (the survey service admits only the subject's supervisor).
v1::FollowUpTask::Role ResponseRole(const std::string& instrument_kind, const std::string& respondent_nip,
                                    const std::string& subject_nip, survey::v1::FollowUpRole stamped);

// One wave's window of civil days (inclusive).
struct Window {
  int offset_days = 0;
  absl::CivilDay first_day, last_day;
};

// Which of a participant's `tasks` a follow-up answer closes: the task of
// `role` of the answer's wave — the wave the survey service stamped
// (`wave` > 0), else the one whose window contains `submit_day`.  A task
// without recorded window dates (created before windows were written) uses
// the window of its offset in `cohort_windows`.  Never another wave's task,
// whatever is still open.  Returns the index, or -1 when none.
int ChooseTask(const std::vector<v1::FollowUpTask>& tasks, v1::FollowUpTask::Role role, int wave,
               absl::CivilDay submit_day, const std::vector<Window>& cohort_windows);

// Per-record rules beyond the gateway's role table (SPEC §6): staff
// (IsStaff: organisers, admins, internal calls) do everything; a
// participant acts on their own plan; a supervisor on the plans that name
// them.
bool IsParticipant(const Caller& caller, const std::string& nip);
bool IsSupervisorOf(const Caller& caller, const v1::ActionPlan& plan);

// "6 November 2026", for notifications in Bahasa Indonesia.
std::string DayText(const google::type::Date& day);

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_DOMAIN_H_
