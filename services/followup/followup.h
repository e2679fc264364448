#ifndef PELITA_SERVICES_FOLLOWUP_FOLLOWUP_H_
#define PELITA_SERVICES_FOLLOWUP_FOLLOWUP_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/tenancy/caller.h"
#include "pelita/followup/v1/followup.pb.h"
#include "pelita/survey/v1/survey.pb.h"
#include "services/followup/domain.h"
#include "services/followup/sources.h"
#include "services/followup/store.h"

namespace pelita::followup {

// A completed enrolment (pelita.enrolment.v1.EnrolmentCompleted).
struct Completion {
  std::string enrolment;  // tenants/{t}/programs/{p}/cohorts/{c}/enrolments/{nip}
  std::string nip;
  std::string unit;       // tenants/{t}/units/{u}
  absl::CivilDay cohort_end;
};

// A follow-up survey response (pelita.survey.v1.ResponseAccepted).
struct SurveyResponse {
  std::string name;  // tenants/{t}/responses/{id}
  std::string instrument_kind;
  std::string cohort;
  std::string respondent_nip;
  std::string subject_nip;
  absl::Time submit_time;
  // The wave the survey service stamped (0 for responses from before waves:
  // the window containing submit_time decides).
  int wave = 0;
  survey::v1::FollowUpRole role = survey::v1::FOLLOW_UP_ROLE_UNSPECIFIED;
};

// The follow-up workflow, free of gRPC: action plans, tasks, views, and the
// handlers the stream followers call.  Reads the enrolment service through
// EnrolmentSource and the scoring service's L3 through BehaviourSource;
// owns the keys of FollowUpStore.
class FollowUpLogic {
 public:
  using Clock = std::function<absl::Time()>;
  // The tenant's time zone (from the registry; WIB when unknown).
  using ZoneOf = std::function<absl::TimeZone(const std::string& tenant)>;
  FollowUpLogic(FollowUpStore* store, EnrolmentSource* enrolment, BehaviourSource* behaviour, ZoneOf zone_of,
                Clock clock = absl::Now);

  absl::StatusOr<v1::ActionPlan> GetActionPlan(const Caller& c, const v1::GetActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> UpdateActionPlan(const Caller& c, const v1::UpdateActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> SubmitActionPlan(const Caller& c, const v1::SubmitActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> ApproveActionPlan(const Caller& c, const v1::ApproveActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> ReturnActionPlan(const Caller& c, const v1::ReturnActionPlanRequest& r);
  absl::StatusOr<v1::ActionPlan> UpdateActionStatus(const Caller& c, const v1::UpdateActionStatusRequest& r);
  absl::StatusOr<v1::FollowUpTask> GetFollowUpTask(const Caller& c, const v1::GetFollowUpTaskRequest& r);
  absl::StatusOr<v1::ListFollowUpTasksResponse> ListFollowUpTasks(const Caller& c,
                                                                  const v1::ListFollowUpTasksRequest& r);
  // With the cohort's L3 from the scoring service (`behaviour`).
  absl::StatusOr<v1::FollowUpSummary> GetCohortFollowUpSummary(const Caller& c,
                                                               const v1::GetCohortFollowUpSummaryRequest& r);
  absl::StatusOr<v1::FollowUpSummary> GetUnitFollowUpSummary(const Caller& c,
                                                             const v1::GetUnitFollowUpSummaryRequest& r);

  // Creates the tasks of a completed enrolment at its programme's follow-up
  // offsets (a self-report and a supervisor assessment each), with their
  // reminders in the outbox.  Idempotent: returns how many were new.
  absl::StatusOr<int> OnCompleted(const std::string& tenant, const Completion& completion);
  // Closes the task `response` answers (domain.h ChooseTask): of its role
  // and wave, never another wave's; late when after the due day.
  // Idempotent by the response name.  Returns whether a task was closed.
  absl::StatusOr<bool> OnSurveyResponse(const std::string& tenant, const SurveyResponse& response);

  // A task as stored plus the derived fields (overdue, supervisor_nip).
  absl::StatusOr<v1::FollowUpTask> LoadTask(const std::string& tenant, const std::string& id);

  EnrolmentSource* enrolment() { return enrolment_; }
  FollowUpStore* store() { return store_; }
  absl::TimeZone ZoneFor(const std::string& tenant) const { return zone_of_(tenant); }
  absl::Time Now() const { return clock_(); }

 private:
  struct PlanRef {
    std::string tenant, program, cohort, nip;
    std::string ck() const { return program + "/" + cohort; }
    std::string cohort_name() const;
    std::string enrolment() const;
    std::string name() const { return enrolment() + "/actionPlan"; }
  };
  absl::StatusOr<PlanRef> ParsePlan(const Caller& c, const std::string& field, const std::string& name);
  absl::StatusOr<enrolment::v1::Enrolment> CompletedEnrolment(const PlanRef& ref);
  // Applies `change` to the stored plan (absent: NOT_FOUND unless `create`)
  // with compare-and-set (RetryCas), keeping the counters in step.
  absl::StatusOr<v1::ActionPlan> MutatePlan(
      const PlanRef& ref, bool create,
      const std::function<absl::Status(v1::ActionPlan& plan, bool existed)>& change);
  // The derived fields of tasks as stored: overdue, and the supervisor (the
  // plans in one round trip, the roster only for tasks without a plan).
  absl::Status FillDerived(const std::string& tenant, std::vector<v1::FollowUpTask>& tasks);
  // Tasks by id with their derived fields, in the order given; ids that do
  // not exist (any more) are left out.
  absl::StatusOr<std::vector<v1::FollowUpTask>> LoadTasks(const std::string& tenant,
                                                          const std::vector<std::string>& ids);
  absl::StatusOr<v1::FollowUpSummary> Summary(const std::string& tenant, const std::string& name,
                                              const std::string& scope, const std::string& ck, int max_listed);

  FollowUpStore* store_;
  EnrolmentSource* enrolment_;
  BehaviourSource* behaviour_;
  ZoneOf zone_of_;
  Clock clock_;
};

}  // namespace pelita::followup

#endif  // PELITA_SERVICES_FOLLOWUP_FOLLOWUP_H_
