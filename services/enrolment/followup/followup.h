#ifndef PELITA_SERVICES_ENROLMENT_FOLLOWUP_FOLLOWUP_H_
#define PELITA_SERVICES_ENROLMENT_FOLLOWUP_FOLLOWUP_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/enrolment/v1/followup.pb.h"
#include "pelita/survey/v1/survey.pb.h"
#include "services/enrolment/enrolment.h"

namespace pelita::enrolment::followup {

namespace v1 = ::pelita::enrolment::v1;

// Asia/Jakarta (WIB, UTC+7, no DST).
const absl::TimeZone& Wib();
// A task due on `day` is overdue from the first instant of the next day (WIB).
absl::Time DueTime(absl::CivilDay day);
// Reminders: 3 days before the due day at 08:00 WIB, and once overdue.
absl::Time ReminderTime(absl::CivilDay day);

// Validates an action plan against the cohort's last day (no storage): 1-5
// actions, each with change, competency, indicator and a due date after
// `cohort_end`.  INVALID_ARGUMENT naming the field.
absl::Status ValidateActions(const v1::ActionPlan& plan, absl::CivilDay cohort_end);

// An `enrolment.completed` event (protos/pelita/enrolment/v1/EVENTS.md).
struct Completion {
  std::string enrolment;  // tenants/{t}/programs/{p}/cohorts/{c}/enrolments/{nip}
  std::string nip;
  std::string unit;       // tenants/{t}/units/{u}
  absl::CivilDay cohort_end;
};

// A follow-up survey response as the survey service announces it
// (protos/pelita/survey/v1/survey.proto, `survey:{t}:responses`).
struct SurveyResponse {
  std::string name;  // tenants/{t}/responses/{id}
  std::string instrument_kind;
  std::string cohort;
  std::string respondent_nip;
  std::string subject_nip;
  absl::Time submit_time;
  // The wave the survey service stamped (days after the cohort; 0 when the
  // response predates waves: the window containing submit_time decides).
  int wave = 0;
  // The role the survey service derived (unspecified: from the NIPs).
  pelita::survey::v1::FollowUpRole role = pelita::survey::v1::FOLLOW_UP_ROLE_UNSPECIFIED;
};

// The follow-up workflow of one process, free of gRPC: action plans, tasks,
// views, and the handlers the stream followers call.  Reads employees,
// cohorts, programmes and enrolments through EnrolmentLogic (in-process), and
// owns the `followup:{t}:...` keys:
//   plan:<p>/<c>:<nip>      STRING ActionPlan bytes
//   cplans:<p>/<c>          ZSET (lex) NIPs with a plan in the cohort
//   stats:c:<p>/<c>         HASH counters of the cohort (tasks, done, late,
//   stats:u:<u>             plans_<STATE>, actions, actions_<STATUS>) / unit
//   task:<id>               STRING FollowUpTask bytes
//   all:t, all:c:<p>/<c>,   ZSET task ids by due time (ms): every task of the
//   all:u:<u>               tenant / cohort / unit
//   open:t, open:c:.., open:u:..  ZSET the open ones, by due time
//   ptasks:<p>/<c>:<nip>    ZSET a participant's tasks by due time
//   seen                    HASH response name -> task it closed
//   outbox, sent, lease, attempts: the notification outbox (outbox.h)
class FollowUpLogic {
 public:
  using Clock = std::function<absl::Time()>;
  FollowUpLogic(redis::Client* redis, EnrolmentLogic* enrolment, Clock clock = absl::Now);

  absl::StatusOr<v1::ActionPlan> GetActionPlan(const Caller& c, const v1::GetActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> UpdateActionPlan(const Caller& c,
                                                  const v1::UpdateActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> SubmitActionPlan(const Caller& c,
                                                  const v1::SubmitActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> ApproveActionPlan(const Caller& c,
                                                   const v1::ApproveActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> ReturnActionPlan(const Caller& c,
                                                  const v1::ReturnActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> UpdateActionStatus(const Caller& c,
                                                    const v1::UpdateActionStatusRequest& r);
  absl::StatusOr<v1::FollowUpTask> GetFollowUpTask(const Caller& c,
                                                   const v1::GetFollowUpTaskRequest& r);
  absl::StatusOr<v1::ListFollowUpTasksResponse> ListFollowUpTasks(
      const Caller& c, const v1::ListFollowUpTasksRequest& r);
  absl::StatusOr<v1::FollowUpSummary> GetCohortFollowUpSummary(
      const Caller& c, const v1::GetCohortFollowUpSummaryRequest& r);
  absl::StatusOr<v1::FollowUpSummary> GetUnitFollowUpSummary(
      const Caller& c, const v1::GetUnitFollowUpSummaryRequest& r);

  // Creates the tasks of a completed enrolment at its programme's
  // follow-up offsets (two per offset: self-report and supervisor), with
  // their reminders in the outbox.  Idempotent: returns how many were new.
  absl::StatusOr<int> OnCompleted(const std::string& tenant, const Completion& completion);
  // Closes the task that `response` answers: a FOLLOWUP response whose
  // respondent is the subject closes a SELF_REPORT task, any other
  // respondent (the survey service admits only the subject's supervisor) a
  // SUPERVISOR_ASSESSMENT task of that subject in that cohort — the task of
  // the response's wave (its window contains the submit day), never another
  // wave's.  Responses after the due day but inside the window count and are
  // marked late.  Idempotent by the response name.  Returns whether a task
  // was closed.
  absl::StatusOr<bool> OnSurveyResponse(const std::string& tenant, const SurveyResponse& response);

  // A task as stored plus the derived fields (overdue, supervisor).
  absl::StatusOr<v1::FollowUpTask> LoadTask(const std::string& tenant, const std::string& id);
  // The plan, NOT_FOUND when none.
  absl::StatusOr<v1::ActionPlan> LoadPlan(const std::string& tenant, const std::string& ck,
                                          const std::string& nip);

  EnrolmentLogic* enrolment() { return enrolment_; }
  absl::Time Now() const { return clock_(); }

 private:
  struct PlanRef {
    std::string tenant, program, cohort, nip;
    std::string ck() const { return program + "/" + cohort; }
    std::string enrolment() const;
    std::string name() const { return enrolment() + "/actionPlan"; }
  };
  absl::StatusOr<PlanRef> ParsePlan(const Caller& c, const std::string& field,
                                    const std::string& name);
  // Loads the enrolment and checks it is COMPLETED.
  absl::StatusOr<v1::Enrolment> CompletedEnrolment(const PlanRef& ref);
  // Applies `change` to the stored plan (absent: `NOT_FOUND` unless
  // `create`) with optimistic concurrency, keeping the counters in step.
  absl::StatusOr<v1::ActionPlan> MutatePlan(
      const PlanRef& ref, bool create,
      const std::function<absl::Status(v1::ActionPlan& plan, bool existed)>& change);
  absl::Status FillDerived(const std::string& tenant, v1::FollowUpTask& task);
  absl::StatusOr<v1::FollowUpSummary> Summary(const std::string& tenant, const std::string& scope,
                                              const std::string& stats_key,
                                              const std::string& open_key,
                                              const std::string& cplans_key, int max_listed);

  redis::Client* redis_;
  EnrolmentLogic* enrolment_;
  Clock clock_;
};

}  // namespace pelita::enrolment::followup

#endif  // PELITA_SERVICES_ENROLMENT_FOLLOWUP_FOLLOWUP_H_
