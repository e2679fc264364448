#include "services/followup/followup.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/log/log.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/store/cas.h"
#include "lib/store/field_mask.h"
#include "lib/store/paging.h"
#include "lib/tenancy/resource_name.h"
#include "lib/time/time.h"

namespace pelita::followup {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

constexpr char kEnrolmentPattern[] = "tenants/*/programs/*/cohorts/*/enrolments/*";
constexpr char kPlanPattern[] = "tenants/*/programs/*/cohorts/*/enrolments/*/actionPlan";
constexpr char kCohortPattern[] = "tenants/*/programs/*/cohorts/*";
constexpr char kUnitPattern[] = "tenants/*/units/*";
constexpr char kTaskPattern[] = "tenants/*/followUpTasks/*";
constexpr int kDefaultMaxListed = 100;
// Plans and tasks are changed by one participant, their supervisor and the
// followers: few writers, so a few attempts (lib/store's RetryCas).
const store::CasOptions kPlanCas{10, "the action plan"};
const store::CasOptions kTaskCas{10, "the follow-up tasks"};

std::string UnitId(const std::string& unit_name) {
  std::vector<std::string> parts = absl::StrSplit(unit_name, '/');
  return parts.size() == 4 ? parts[3] : "-";
}

int64_t Field(const std::map<std::string, int64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

// Outside the caller's reach (lib/role/reach): the reason every service
// gives for records of someone the caller does not cover.
absl::Status Denied(const std::string& what) {
  return WithReason(absl::PermissionDeniedError(absl::StrCat("the caller may not ", what)), "OUTSIDE_REACH");
}

}  // namespace

std::string FollowUpLogic::PlanRef::cohort_name() const {
  return absl::StrCat("tenants/", tenant, "/programs/", program, "/cohorts/", cohort);
}
std::string FollowUpLogic::PlanRef::enrolment() const {
  return absl::StrCat(cohort_name(), "/enrolments/", nip);
}

FollowUpLogic::FollowUpLogic(FollowUpStore* store, EnrolmentSource* enrolment, BehaviourSource* behaviour,
                             ZoneOf zone_of, Clock clock)
    : store_(store), enrolment_(enrolment), behaviour_(behaviour), zone_of_(std::move(zone_of)),
      clock_(std::move(clock)) {}

absl::StatusOr<FollowUpLogic::PlanRef> FollowUpLogic::ParsePlan(const Caller& c, const std::string& field,
                                                                const std::string& name) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, field, name, kPlanPattern));
  return PlanRef{v[0], v[1], v[2], v[3]};
}

absl::StatusOr<ev1::Enrolment> FollowUpLogic::CompletedEnrolment(const PlanRef& ref) {
  PELITA_ASSIGN_OR_RETURN(ev1::Enrolment e, enrolment_->GetEnrolment(ref.tenant, ref.enrolment()));
  if (e.state() != ev1::Enrolment::COMPLETED) {
    return absl::FailedPreconditionError(
        absl::StrCat(ref.enrolment(), " is not completed; only a completed enrolment has an action plan"));
  }
  return e;
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::MutatePlan(
    const PlanRef& ref, bool create, const std::function<absl::Status(v1::ActionPlan& plan, bool existed)>& change) {
  return store::RetryCas(
      [&]() -> absl::StatusOr<v1::ActionPlan> {
        PELITA_ASSIGN_OR_RETURN(auto stored, store_->GetPlan(ref.tenant, ref.ck(), ref.nip));
        const bool existed = stored.has_value();
        if (!existed && !create) return absl::NotFoundError(absl::StrCat(ref.name(), " does not exist"));
        v1::ActionPlan plan = existed ? stored->value : v1::ActionPlan();
        PELITA_RETURN_IF_ERROR(change(plan, existed));
        const absl::Time now = clock_();
        *plan.mutable_update_time() = ToTimestamp(now);
        if (!existed) *plan.mutable_create_time() = ToTimestamp(now);
        auto before = PlanCounters(existed ? &stored->value : nullptr);
        auto after = PlanCounters(&plan);
        PELITA_RETURN_IF_ERROR(store_->PutPlan(ref.tenant, ref.ck(), ref.nip, UnitId(plan.unit()),
                                               existed ? stored->bytes : "", plan, CounterDelta(before, after)));
        return plan;
      },
      kPlanCas);
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::GetActionPlan(const Caller& c, const v1::GetActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  const bool own = IsParticipant(c, ref.nip);
  if (IsRole(c, Role::kParticipant) && !own) return Denied("read this plan");
  PELITA_ASSIGN_OR_RETURN(auto stored, store_->GetPlan(ref.tenant, ref.ck(), ref.nip));
  if (!stored.has_value()) {
    // Whether a plan exists is told only to those who may read it: a
    // supervisor learns it of their own staff (the roster's supervisor_nip).
    if (IsRole(c, Role::kSupervisor) && !own) {
      auto e = enrolment_->GetEmployee(ref.tenant, absl::StrCat("tenants/", ref.tenant, "/employees/", ref.nip));
      if (!e.ok() && !absl::IsNotFound(e.status())) return e.status();
      if (!e.ok() || e->supervisor_nip() != c.subject) return Denied("read the plan of someone not on their staff");
    }
    return absl::NotFoundError(absl::StrCat(ref.name(), " does not exist"));
  }
  if (IsRole(c, Role::kSupervisor) && !own && !IsSupervisorOf(c, stored->value)) {
    return Denied("read a plan that does not name them as supervisor");
  }
  return stored->value;
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::UpdateActionPlan(const Caller& c,
                                                               const v1::UpdateActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "action_plan.name", r.action_plan().name()));
  if (!IsStaff(c) && !IsParticipant(c, ref.nip)) return Denied("edit another participant's plan");
  PELITA_ASSIGN_OR_RETURN(ev1::Enrolment enrolment, CompletedEnrolment(ref));

  // The request with its actions as they are stored (ids a1.., NOT_STARTED):
  // what the mask copies onto the plan.
  v1::ActionPlan patch;
  patch.set_supervisor(r.action_plan().supervisor());
  for (int i = 0; i < r.action_plan().actions_size(); ++i) {
    const v1::Action& from = r.action_plan().actions(i);
    v1::Action* a = patch.add_actions();
    a->set_id(absl::StrCat("a", i + 1));
    a->set_change(from.change());
    a->set_competency(from.competency());
    a->set_indicator(from.indicator());
    *a->mutable_due_date() = from.due_date();
    a->set_status(v1::Action::NOT_STARTED);
  }
  // AIP-134: the fields the mask names (the fields set in the request when
  // it names none) are copied; supervisor and actions are the only ones a
  // caller sets.  The plan as it would be is checked before anything is
  // written.
  static const std::vector<std::string> kOutputOnly = {"name",        "state",       "review_comment",
                                                       "unit",        "create_time", "update_time",
                                                       "submit_time", "approve_time"};
  v1::ActionPlan in;
  PELITA_ASSIGN_OR_RETURN(auto current, store_->GetPlan(ref.tenant, ref.ck(), ref.nip));
  if (current.has_value()) in = current->value;
  PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(patch, r.update_mask(), kOutputOnly, &in));

  // The cohort's last day bounds the due dates.
  PELITA_ASSIGN_OR_RETURN(ev1::Cohort cohort, enrolment_->GetCohort(ref.tenant, ref.cohort_name()));
  PELITA_ASSIGN_OR_RETURN(absl::CivilDay end, FromDate(cohort.end_date(), "cohort.end_date"));
  PELITA_RETURN_IF_ERROR(ValidateActions(in, end));

  // The supervisor: an employee of this tenant, not the participant.
  if (in.supervisor().empty()) return InvalidField("action_plan.supervisor", "must be set");
  PELITA_ASSIGN_OR_RETURN(auto sv, ParseResourceName("action_plan.supervisor", in.supervisor(),
                                                     "tenants/*/employees/*"));
  if (sv[0] != ref.tenant) return InvalidField("action_plan.supervisor", "must be an employee of the same tenant");
  if (sv[1] == ref.nip) return InvalidField("action_plan.supervisor", "must not be the participant");
  auto supervisor = enrolment_->GetEmployee(ref.tenant, in.supervisor());
  if (absl::IsNotFound(supervisor.status())) {
    return InvalidField("action_plan.supervisor", absl::StrCat("no employee ", sv[1], " in tenant ", ref.tenant));
  }
  if (!supervisor.ok()) return supervisor.status();

  return MutatePlan(ref, true, [&](v1::ActionPlan& plan, bool existed) -> absl::Status {
    if (existed && plan.state() != v1::ActionPlan::DRAFT && plan.state() != v1::ActionPlan::RETURNED) {
      return absl::FailedPreconditionError(absl::StrCat(ref.name(), " is ", v1::ActionPlan::State_Name(plan.state()),
                                                        "; only a draft or returned plan can be edited"));
    }
    plan.set_name(ref.name());
    plan.set_unit(enrolment.unit());
    if (!existed) plan.set_state(v1::ActionPlan::DRAFT);
    // The same mask on the plan as it is now (a concurrent edit of the
    // field the mask leaves out is kept).
    return store::ApplyFieldMask(patch, r.update_mask(), kOutputOnly, &plan);
  });
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::SubmitActionPlan(const Caller& c,
                                                               const v1::SubmitActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  if (!IsStaff(c) && !IsParticipant(c, ref.nip)) return Denied("submit another participant's plan");
  return MutatePlan(ref, false, [&](v1::ActionPlan& plan, bool) -> absl::Status {
    if (plan.state() == v1::ActionPlan::SUBMITTED) return absl::OkStatus();  // repeat
    if (plan.state() != v1::ActionPlan::DRAFT && plan.state() != v1::ActionPlan::RETURNED) {
      return absl::FailedPreconditionError(
          absl::StrCat(ref.name(), " is ", v1::ActionPlan::State_Name(plan.state())));
    }
    plan.set_state(v1::ActionPlan::SUBMITTED);
    *plan.mutable_submit_time() = ToTimestamp(clock_());
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::ApproveActionPlan(const Caller& c,
                                                                const v1::ApproveActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  return MutatePlan(ref, false, [&](v1::ActionPlan& plan, bool) -> absl::Status {
    if (!IsStaff(c) && !IsSupervisorOf(c, plan)) return Denied("approve: only the plan's supervisor");
    if (plan.state() == v1::ActionPlan::APPROVED) return absl::OkStatus();  // repeat
    if (plan.state() != v1::ActionPlan::SUBMITTED) {
      return absl::FailedPreconditionError(
          absl::StrCat(ref.name(), " is ", v1::ActionPlan::State_Name(plan.state()), "; submit it first"));
    }
    plan.set_state(v1::ActionPlan::APPROVED);
    if (!r.comment().empty()) plan.set_review_comment(r.comment());
    *plan.mutable_approve_time() = ToTimestamp(clock_());
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::ReturnActionPlan(const Caller& c,
                                                               const v1::ReturnActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  if (r.comment().empty()) return InvalidField("comment", "say what to change");
  return MutatePlan(ref, false, [&](v1::ActionPlan& plan, bool) -> absl::Status {
    if (!IsStaff(c) && !IsSupervisorOf(c, plan)) return Denied("return: only the plan's supervisor");
    if (plan.state() != v1::ActionPlan::SUBMITTED) {
      return absl::FailedPreconditionError(absl::StrCat(ref.name(), " is ", v1::ActionPlan::State_Name(plan.state()),
                                                        "; only a submitted plan can be returned"));
    }
    plan.set_state(v1::ActionPlan::RETURNED);
    plan.set_review_comment(r.comment());
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::UpdateActionStatus(const Caller& c,
                                                                 const v1::UpdateActionStatusRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  if (r.status() == v1::Action::STATUS_UNSPECIFIED || !v1::Action::Status_IsValid(r.status())) {
    return InvalidField("status", "must be NOT_STARTED, IN_PROGRESS, APPLIED or ABANDONED");
  }
  if (r.status() == v1::Action::APPLIED && r.evidence().empty()) {
    return InvalidField("evidence", "an applied action needs evidence (text or a link)");
  }
  if (r.status() == v1::Action::ABANDONED && r.reason().empty()) {
    return InvalidField("reason", "an abandoned action needs a reason");
  }
  return MutatePlan(ref, false, [&](v1::ActionPlan& plan, bool) -> absl::Status {
    if (!IsStaff(c) && !IsParticipant(c, ref.nip) && !IsSupervisorOf(c, plan)) {
      return Denied("update the actions of this plan");
    }
    if (plan.state() != v1::ActionPlan::APPROVED) {
      return absl::FailedPreconditionError(absl::StrCat(ref.name(), " is not approved; actions are tracked once it is"));
    }
    for (auto& a : *plan.mutable_actions()) {
      if (a.id() != r.action_id()) continue;
      a.set_status(r.status());
      a.set_evidence(r.status() == v1::Action::APPLIED ? r.evidence() : "");
      a.set_reason(r.status() == v1::Action::ABANDONED ? r.reason() : "");
      *a.mutable_status_time() = ToTimestamp(clock_());
      return absl::OkStatus();
    }
    return InvalidField("action_id", absl::StrCat("no action ", r.action_id(), " in the plan"));
  });
}

// ---------------------------------------------------------------- tasks

absl::StatusOr<int> FollowUpLogic::OnCompleted(const std::string& tenant, const Completion& in) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseResourceName("enrolment", in.enrolment, kEnrolmentPattern));
  if (v[0] != tenant) return absl::InvalidArgumentError("event of another tenant");
  const std::string program = v[1], cohort = v[2], nip = v[3];
  const std::string ck = program + "/" + cohort;
  const std::string cohort_name = absl::StrCat("tenants/", tenant, "/programs/", program, "/cohorts/", cohort);
  // The waves and their windows are the cohort's (the enrolment service
  // computes them from the programme's follow_up_offsets_days).
  std::vector<std::pair<int, std::pair<google::type::Date, google::type::Date>>> waves;
  auto c = enrolment_->GetCohort(tenant, cohort_name);
  if (!c.ok() && !absl::IsNotFound(c.status())) return c.status();
  if (c.ok()) {
    for (const auto& w : c->follow_up_windows()) {
      if (w.offset_days() <= 0) continue;
      PELITA_ASSIGN_OR_RETURN(absl::CivilDay first, FromDate(w.first_day(), "first_day"));
      PELITA_ASSIGN_OR_RETURN(absl::CivilDay last, FromDate(w.last_day(), "last_day"));
      waves.push_back({w.offset_days(), {ToDate(first), ToDate(last)}});
    }
  }
  if (waves.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(cohort_name, " has no follow-up windows"));
  }
  const absl::TimeZone zone = zone_of_(tenant);
  const std::string unit = UnitId(in.unit);
  int created = 0;
  for (const auto& [days, window] : waves) {
    const absl::CivilDay due = in.cohort_end + days;
    for (auto role : {v1::FollowUpTask::SELF_REPORT, v1::FollowUpTask::SUPERVISOR_ASSESSMENT}) {
      const std::string id = TaskId(program, cohort, nip, days, role);
      v1::FollowUpTask t;
      t.set_name(absl::StrCat("tenants/", tenant, "/followUpTasks/", id));
      t.set_enrolment(in.enrolment);
      t.set_cohort(cohort_name);
      t.set_participant_nip(nip);
      t.set_unit(in.unit);
      t.set_role(role);
      t.set_offset_days(days);
      *t.mutable_due_date() = ToDate(due);
      *t.mutable_due_time() = ToTimestamp(DueTime(due, zone));
      *t.mutable_window_first_day() = window.first;
      *t.mutable_window_last_day() = window.second;
      t.set_state(v1::FollowUpTask::OPEN);
      *t.mutable_create_time() = ToTimestamp(clock_());
      FollowUpStore::NewTask n{id, ck, unit, nip, absl::ToUnixMillis(DueTime(due, zone)),
                               absl::ToUnixMillis(ReminderTime(due, zone))};
      PELITA_ASSIGN_OR_RETURN(bool fresh, store_->CreateTask(tenant, n, t));
      created += fresh ? 1 : 0;
    }
  }
  return created;
}

absl::StatusOr<bool> FollowUpLogic::OnSurveyResponse(const std::string& tenant, const SurveyResponse& in) {
  if (!IsFollowUpKind(in.instrument_kind)) return false;
  auto v = ParseResourceName("cohort", in.cohort, kCohortPattern);
  if (!v.ok() || (*v)[0] != tenant || in.subject_nip.empty()) return false;
  const std::string ck = (*v)[1] + "/" + (*v)[2];
  const v1::FollowUpTask::Role role = ResponseRole(in.instrument_kind, in.respondent_nip, in.subject_nip, in.role);
  const absl::CivilDay submit_day = absl::ToCivilDay(in.submit_time, zone_of_(tenant));
  std::vector<Window> cohort_windows;
  bool windows_loaded = false;
  return store::RetryCas(
      [&]() -> absl::StatusOr<bool> {
        PELITA_ASSIGN_OR_RETURN(bool seen, store_->SeenResponse(tenant, in.name));
        if (seen) return false;
        PELITA_ASSIGN_OR_RETURN(auto stored, store_->ParticipantTasks(tenant, ck, in.subject_nip));
        if (stored.empty()) return false;
        std::vector<v1::FollowUpTask> tasks;
        bool legacy = false;
        for (const auto& [id, t] : stored) {
          tasks.push_back(t.value);
          legacy = legacy || !t.value.has_window_first_day();
        }
        if (legacy && in.wave == 0 && !windows_loaded) {
          // Tasks written before windows were recorded: the cohort's windows.
          PELITA_ASSIGN_OR_RETURN(ev1::Cohort cohort, enrolment_->GetCohort(tenant, in.cohort));
          for (const auto& w : cohort.follow_up_windows()) {
            auto first = FromDate(w.first_day(), "first_day");
            auto last = FromDate(w.last_day(), "last_day");
            if (first.ok() && last.ok()) cohort_windows.push_back({w.offset_days(), *first, *last});
          }
          windows_loaded = true;
        }
        const int chosen = ChooseTask(tasks, role, in.wave, submit_day, cohort_windows);
        // No task of this wave and role, or it is answered already (a
        // replacement within the wave): nothing more to close.
        if (chosen < 0 || tasks[chosen].state() != v1::FollowUpTask::OPEN) return false;
        v1::FollowUpTask t = tasks[chosen];
        const bool late = in.submit_time >= FromTimestamp(t.due_time());
        t.set_state(v1::FollowUpTask::DONE);
        t.set_response(in.name);
        t.set_respondent_nip(in.respondent_nip);
        *t.mutable_complete_time() = ToTimestamp(in.submit_time);
        t.set_late(late);
        return store_->CloseTask(tenant, stored[chosen].first, ck, UnitId(t.unit()), stored[chosen].second.bytes, t,
                                 in.name, late);
      },
      kTaskCas);
}

absl::Status FollowUpLogic::FillDerived(const std::string& tenant, std::vector<v1::FollowUpTask>& tasks) {
  // The supervisor: the one the participant's plan names (all plans in one
  // round trip), else the one the roster records (one call per person).
  std::vector<std::pair<std::string, std::string>> keys;
  keys.reserve(tasks.size());
  for (v1::FollowUpTask& t : tasks) {
    t.set_overdue(t.state() == v1::FollowUpTask::OPEN && clock_() >= FromTimestamp(t.due_time()));
    PELITA_ASSIGN_OR_RETURN(auto v, ParseResourceName("cohort", t.cohort(), kCohortPattern));
    keys.emplace_back(v[1] + "/" + v[2], t.participant_nip());
  }
  PELITA_ASSIGN_OR_RETURN(auto plans, store_->GetPlans(tenant, keys));
  absl::flat_hash_map<std::string, std::string> roster;  // NIP -> supervisor NIP, as asked
  for (size_t i = 0; i < tasks.size(); ++i) {
    v1::FollowUpTask& t = tasks[i];
    if (i < plans.size() && plans[i].has_value()) {
      std::vector<std::string> parts = absl::StrSplit(plans[i]->value.supervisor(), '/');
      if (parts.size() == 4) t.set_supervisor_nip(parts[3]);
    }
    if (!t.supervisor_nip().empty()) continue;
    auto known = roster.find(t.participant_nip());
    if (known == roster.end()) {
      auto e = enrolment_->GetEmployee(tenant, absl::StrCat("tenants/", tenant, "/employees/", t.participant_nip()));
      if (!e.ok() && !absl::IsNotFound(e.status())) return e.status();
      known = roster.emplace(t.participant_nip(), e.ok() ? e->supervisor_nip() : "").first;
    }
    t.set_supervisor_nip(known->second);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::FollowUpTask>> FollowUpLogic::LoadTasks(const std::string& tenant,
                                                                      const std::vector<std::string>& ids) {
  PELITA_ASSIGN_OR_RETURN(auto stored, store_->GetTasks(tenant, ids));
  std::vector<v1::FollowUpTask> out;
  for (auto& s : stored) {
    if (s.has_value()) out.push_back(std::move(s->value));
  }
  PELITA_RETURN_IF_ERROR(FillDerived(tenant, out));
  return out;
}

absl::StatusOr<v1::FollowUpTask> FollowUpLogic::LoadTask(const std::string& tenant, const std::string& id) {
  PELITA_ASSIGN_OR_RETURN(std::vector<v1::FollowUpTask> one, LoadTasks(tenant, {id}));
  if (one.empty()) {
    return absl::NotFoundError(absl::StrCat("tenants/", tenant, "/followUpTasks/", id, " does not exist"));
  }
  return std::move(one.front());
}

absl::StatusOr<v1::FollowUpTask> FollowUpLogic::GetFollowUpTask(const Caller& c,
                                                                const v1::GetFollowUpTaskRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "name", r.name(), kTaskPattern));
  PELITA_ASSIGN_OR_RETURN(v1::FollowUpTask task, LoadTask(v[0], v[1]));
  // Participants and supervisors read the tasks that are theirs to answer
  // or about them: the participant's own, and those whose assessor is the
  // caller (the plan's supervisor, else the roster's supervisor_nip).
  if ((c.role == "participant" || c.role == "supervisor") && task.participant_nip() != c.subject &&
      task.supervisor_nip() != c.subject) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          r.name(), " is about someone who is neither the caller nor one of their staff")),
                      "NOT_YOUR_STAFF");
  }
  return task;
}

absl::StatusOr<v1::ListFollowUpTasksResponse> FollowUpLogic::ListFollowUpTasks(
    const Caller& c, const v1::ListFollowUpTasksRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto pv, ParseTenantResource(c, "parent", r.parent(), "tenants/*"));
  const std::string tenant = pv[0];
  PELITA_ASSIGN_OR_RETURN(int page_size, store::EffectivePageSize(r.page_size()));
  std::string scope = "t";
  std::string unit_filter;
  if (!r.cohort().empty()) {
    PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "cohort", r.cohort(), kCohortPattern));
    scope = absl::StrCat("c:", v[1], "/", v[2]);
  }
  if (!r.unit().empty()) {
    PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "unit", r.unit(), kUnitPattern));
    if (scope == "t") {
      scope = absl::StrCat("u:", v[1]);
    } else {
      unit_filter = r.unit();
    }
  }
  bool open = false, exclusive = false, unbounded = true;
  int64_t max_ms = 0;
  if (r.overdue()) {
    open = true;
    unbounded = false;
    max_ms = absl::ToUnixMillis(clock_());
  } else if (r.has_due_before()) {
    open = true;
    unbounded = false;
    exclusive = true;
    max_ms = absl::ToUnixMillis(FromTimestamp(r.due_before()));
  }
  int64_t offset = 0;
  if (!r.page_token().empty()) {
    PELITA_ASSIGN_OR_RETURN(std::string decoded, store::DecodePageToken(r.page_token()));
    if (!absl::SimpleAtoi(decoded, &offset) || offset < 0) {
      return InvalidField("page_token", "is not a token this service issued");
    }
  }
  PELITA_ASSIGN_OR_RETURN(auto ids,
                          store_->TaskIds(tenant, open, scope, max_ms, exclusive, unbounded, offset, page_size + 1));
  v1::ListFollowUpTasksResponse out;
  const size_t n = std::min<size_t>(ids.size(), page_size);
  PELITA_ASSIGN_OR_RETURN(std::vector<v1::FollowUpTask> tasks,
                          LoadTasks(tenant, std::vector<std::string>(ids.begin(), ids.begin() + n)));
  for (v1::FollowUpTask& t : tasks) {
    if (!unit_filter.empty() && t.unit() != unit_filter) continue;
    *out.add_tasks() = std::move(t);
  }
  if (ids.size() > n) out.set_next_page_token(store::EncodePageToken(absl::StrCat(offset + n)));
  return out;
}

// ---------------------------------------------------------------- views

absl::StatusOr<v1::FollowUpSummary> FollowUpLogic::Summary(const std::string& tenant, const std::string& name,
                                                           const std::string& scope, const std::string& ck,
                                                           int max_listed) {
  if (max_listed < 0) return InvalidField("max_listed", "must not be negative");
  if (max_listed == 0) max_listed = kDefaultMaxListed;
  PELITA_ASSIGN_OR_RETURN(auto d, store_->Summary(tenant, scope, ck, absl::ToUnixMillis(clock_()), max_listed));
  const auto& st = d.counters;
  v1::FollowUpSummary s;
  s.set_scope(name);
  s.set_task_count(Field(st, "tasks"));
  s.set_done_count(Field(st, "done"));
  s.set_late_count(Field(st, "late"));
  s.set_overdue_count(d.overdue);
  s.set_completion_rate(s.task_count() ? double(s.done_count()) / s.task_count() : 0);
  PELITA_ASSIGN_OR_RETURN(std::vector<v1::FollowUpTask> overdue, LoadTasks(tenant, d.overdue_ids));
  for (v1::FollowUpTask& t : overdue) *s.add_overdue_tasks() = std::move(t);
  s.set_plans_draft(Field(st, "plans_draft"));
  s.set_plans_submitted(Field(st, "plans_submitted"));
  s.set_plans_approved(Field(st, "plans_approved"));
  s.set_plans_returned(Field(st, "plans_returned"));
  s.set_action_count(Field(st, "actions"));
  s.set_actions_not_started(Field(st, "actions_not_started"));
  s.set_actions_in_progress(Field(st, "actions_in_progress"));
  s.set_actions_applied(Field(st, "actions_applied"));
  s.set_actions_abandoned(Field(st, "actions_abandoned"));
  for (const auto& [nip, p] : d.plans) {
    v1::PlanStatus* ps = s.add_plans();
    ps->set_action_plan(p.name());
    ps->set_participant_nip(nip);
    ps->set_state(p.state());
    ps->set_action_count(p.actions_size());
    int applied = 0;
    for (const auto& a : p.actions()) applied += a.status() == v1::Action::APPLIED;
    ps->set_applied_count(applied);
  }
  return s;
}

absl::StatusOr<v1::FollowUpSummary> FollowUpLogic::GetCohortFollowUpSummary(
    const Caller& c, const v1::GetCohortFollowUpSummaryRequest& r) {
  PELITA_ASSIGN_OR_RETURN(
      auto v, ParseTenantResource(c, "name", r.name(), absl::StrCat(kCohortPattern, "/followUpSummary")));
  const std::string cohort = SingletonParent(r.name());
  const std::string ck = v[1] + "/" + v[2];
  PELITA_ASSIGN_OR_RETURN(v1::FollowUpSummary s, Summary(v[0], cohort, "c:" + ck, ck, r.max_listed()));
  // L3 (applied share, scrap learning, the waves' rates) has one definition,
  // the scoring service's; shown here as it reports it, never recomputed.
  // A summary of the workflow is still useful while scoring is down: the
  // figure is then absent with the reason.
  if (behaviour_ != nullptr) {
    auto b = behaviour_->CohortBehaviour(v[0], cohort);
    if (b.ok()) {
      *s.mutable_behaviour() = std::move(*b);
    } else {
      s.set_behaviour_unavailable(std::string(b.status().message()));
      LogWarning("follow-up summary without L3", {{"cohort", cohort}, {"error", b.status().ToString()}});
    }
  } else {
    s.set_behaviour_unavailable("no scoring service configured");
  }
  return s;
}

absl::StatusOr<v1::FollowUpSummary> FollowUpLogic::GetUnitFollowUpSummary(
    const Caller& c, const v1::GetUnitFollowUpSummaryRequest& r) {
  PELITA_ASSIGN_OR_RETURN(
      auto v, ParseTenantResource(c, "name", r.name(), absl::StrCat(kUnitPattern, "/followUpSummary")));
  return Summary(v[0], SingletonParent(r.name()), "u:" + v[1], "", r.max_listed());
}

}  // namespace pelita::followup
