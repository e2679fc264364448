#include "services/enrolment/followup/followup.h"

#include <algorithm>
#include <map>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"
#include "lib/store/paging.h"
#include "services/enrolment/domain.h"

namespace pelita::enrolment::followup {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kEnrolmentPattern[] = "tenants/*/programs/*/cohorts/*/enrolments/*";
constexpr char kPlanPattern[] = "tenants/*/programs/*/cohorts/*/enrolments/*/actionPlan";
constexpr char kCohortPattern[] = "tenants/*/programs/*/cohorts/*";
constexpr char kUnitPattern[] = "tenants/*/units/*";
constexpr char kTaskPattern[] = "tenants/*/followUpTasks/*";
constexpr int kMaxActions = 5;
constexpr int kDefaultMaxListed = 100;

google::protobuf::Timestamp Ts(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}
absl::Time FromTs(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

KeyBuilder Keys(const std::string& tenant) { return KeyBuilder("followup", tenant); }

std::string UnitId(const std::string& unit_name) {
  std::vector<std::string> parts = absl::StrSplit(unit_name, '/');
  return parts.size() == 4 ? parts[3] : "-";
}

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

// The counters a plan contributes: one to its state; its actions only once
// approved (the L3 rates are over approved plans).
std::map<std::string, int64_t> Counters(const v1::ActionPlan* plan) {
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

int64_t Field(const std::map<std::string, int64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

absl::StatusOr<std::string> TenantOf(const Caller& c, const std::string& parent) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "parent", parent, "tenants/*"));
  return v[0];
}

// Who may do what, beyond the gateway's role table: BKPSDM staff (admin,
// organiser) and service-to-service calls (no role) do everything; a
// participant acts on their own plan; a supervisor reviews the plans that
// name them; other roles (agency head, province, ...) read.
bool Staff(const Caller& c) {
  return c.role.empty() || c.role == "admin" || c.role == "organiser";
}
bool IsSupervisorOf(const Caller& c, const v1::ActionPlan& plan) {
  return c.role == "supervisor" && !c.subject.empty() &&
         plan.supervisor() == absl::StrCat("tenants/", c.tenant, "/employees/", c.subject);
}
bool IsParticipant(const Caller& c, const std::string& nip) {
  return c.role == "participant" && c.subject == nip;
}
absl::Status Denied(const std::string& what) {
  return absl::PermissionDeniedError(absl::StrCat("the caller may not ", what));
}

}  // namespace

const absl::TimeZone& Wib() {
  static const absl::TimeZone* tz = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Jakarta", z)) *z = absl::FixedTimeZone(7 * 3600);
    return z;
  }();
  return *tz;
}

absl::Time DueTime(absl::CivilDay day) { return absl::FromCivil(day + 1, Wib()); }
absl::Time ReminderTime(absl::CivilDay day) {
  return absl::FromCivil(absl::CivilHour(day - 3) + 8, Wib());
}

absl::Status ValidateActions(const v1::ActionPlan& plan, absl::CivilDay cohort_end) {
  if (plan.actions_size() < 1 || plan.actions_size() > kMaxActions) {
    return InvalidField("action_plan.actions",
                        absl::StrCat("must hold 1 to ", kMaxActions, " actions, not ",
                                     plan.actions_size()));
  }
  for (int i = 0; i < plan.actions_size(); ++i) {
    const v1::Action& a = plan.actions(i);
    const std::string f = absl::StrCat("action_plan.actions[", i, "]");
    if (a.change().empty()) return InvalidField(f + ".change", "must not be empty");
    if (a.competency().empty()) return InvalidField(f + ".competency", "must not be empty");
    if (a.indicator().empty()) return InvalidField(f + ".indicator", "must not be empty");
    PELITA_ASSIGN_OR_RETURN(absl::CivilDay due, ToCivilDay(a.due_date(), f + ".due_date"));
    if (due <= cohort_end) {
      return InvalidField(f + ".due_date", "must be after the cohort's last day");
    }
  }
  return absl::OkStatus();
}

std::string FollowUpLogic::PlanRef::enrolment() const {
  return absl::StrCat("tenants/", tenant, "/programs/", program, "/cohorts/", cohort,
                      "/enrolments/", nip);
}

FollowUpLogic::FollowUpLogic(redis::Client* redis, EnrolmentLogic* enrolment, Clock clock)
    : redis_(redis), enrolment_(enrolment), clock_(std::move(clock)) {}

absl::StatusOr<FollowUpLogic::PlanRef> FollowUpLogic::ParsePlan(const Caller& c,
                                                                const std::string& field,
                                                                const std::string& name) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, field, name, kPlanPattern));
  return PlanRef{v[0], v[1], v[2], v[3]};
}

absl::StatusOr<v1::Enrolment> FollowUpLogic::CompletedEnrolment(const PlanRef& ref) {
  v1::GetEnrolmentRequest get;
  get.set_name(ref.enrolment());
  PELITA_ASSIGN_OR_RETURN(v1::Enrolment e,
                          enrolment_->GetEnrolment(Caller{ref.tenant, "", ""}, get));
  if (e.state() != v1::Enrolment::COMPLETED) {
    return absl::FailedPreconditionError(
        absl::StrCat(ref.enrolment(), " is not completed; only a completed enrolment has an action plan"));
  }
  return e;
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::LoadPlan(const std::string& tenant,
                                                       const std::string& ck,
                                                       const std::string& nip) {
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"GET", Keys(tenant).Key("plan", ck, nip)}));
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  if (r.is_nil()) return absl::NotFoundError(absl::StrCat("no action plan for ", nip, " in ", ck));
  v1::ActionPlan plan;
  if (!plan.ParseFromString(r.str)) return absl::DataLossError("corrupt action plan");
  return plan;
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::MutatePlan(
    const PlanRef& ref, bool create,
    const std::function<absl::Status(v1::ActionPlan& plan, bool existed)>& change) {
  const KeyBuilder k = Keys(ref.tenant);
  for (int attempt = 0; attempt < 10; ++attempt) {
    PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"GET", k.Key("plan", ref.ck(), ref.nip)}));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
    const bool existed = !r.is_nil();
    if (!existed && !create) {
      return absl::NotFoundError(absl::StrCat(ref.name(), " does not exist"));
    }
    v1::ActionPlan old;
    if (existed && !old.ParseFromString(r.str)) return absl::DataLossError("corrupt action plan");
    v1::ActionPlan plan = old;
    PELITA_RETURN_IF_ERROR(change(plan, existed));
    const absl::Time now = clock_();
    *plan.mutable_update_time() = Ts(now);
    if (!existed) *plan.mutable_create_time() = Ts(now);
    auto before = Counters(existed ? &old : nullptr);
    auto after = Counters(&plan);
    std::vector<std::string> args = {existed ? r.str : "", plan.SerializeAsString(), ref.nip};
    std::map<std::string, int64_t> delta = after;
    for (const auto& [f, n] : before) delta[f] -= n;
    for (const auto& [f, d] : delta) {
      if (d == 0) continue;
      args.push_back(f);
      args.push_back(absl::StrCat(d));
    }
    auto w = redis_->Eval(kPutPlan,
                          {k.Key("plan", ref.ck(), ref.nip), k.Key("cplans", ref.ck()),
                           k.Key("stats", "c", ref.ck()), k.Key("stats", "u", UnitId(plan.unit()))},
                          args);
    if (w.ok()) return plan;
    if (w.status().code() != absl::StatusCode::kAborted) return w.status();
  }
  return absl::AbortedError("the action plan kept changing; try again");
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::GetActionPlan(const Caller& c,
                                                            const v1::GetActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  if (c.role == "participant" && !IsParticipant(c, ref.nip)) return Denied("read this plan");
  auto plan = LoadPlan(ref.tenant, ref.ck(), ref.nip);
  if (absl::IsNotFound(plan.status())) {
    return absl::NotFoundError(absl::StrCat(ref.name(), " does not exist"));
  }
  if (plan.ok() && c.role == "supervisor" && !IsSupervisorOf(c, *plan)) {
    return Denied("read a plan that does not name them as supervisor");
  }
  return plan;
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::UpdateActionPlan(
    const Caller& c, const v1::UpdateActionPlanRequest& r) {
  const v1::ActionPlan& in = r.action_plan();
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "action_plan.name", in.name()));
  if (!Staff(c) && !IsParticipant(c, ref.nip)) return Denied("edit another participant's plan");
  PELITA_ASSIGN_OR_RETURN(v1::Enrolment enrolment, CompletedEnrolment(ref));

  // The cohort's last day bounds the due dates.
  v1::GetCohortRequest gc;
  gc.set_name(absl::StrCat("tenants/", ref.tenant, "/programs/", ref.program, "/cohorts/",
                           ref.cohort));
  PELITA_ASSIGN_OR_RETURN(v1::Cohort cohort, enrolment_->GetCohort(Caller{ref.tenant, "", ""}, gc));
  PELITA_ASSIGN_OR_RETURN(absl::CivilDay end, ToCivilDay(cohort.end_date(), "cohort.end_date"));
  PELITA_RETURN_IF_ERROR(ValidateActions(in, end));

  // The supervisor: an employee of this tenant, not the participant.
  if (in.supervisor().empty()) return InvalidField("action_plan.supervisor", "must be set");
  auto sv = ParseResourceName("action_plan.supervisor", in.supervisor(), "tenants/*/employees/*");
  if (!sv.ok()) return sv.status();
  if ((*sv)[0] != ref.tenant) {
    return InvalidField("action_plan.supervisor", "must be an employee of the same tenant");
  }
  if ((*sv)[1] == ref.nip) {
    return InvalidField("action_plan.supervisor", "must not be the participant");
  }
  v1::GetEmployeeRequest ge;
  ge.set_name(in.supervisor());
  auto supervisor = enrolment_->GetEmployee(Caller{ref.tenant, "", ""}, ge);
  if (absl::IsNotFound(supervisor.status())) {
    return InvalidField("action_plan.supervisor",
                        absl::StrCat("no employee ", (*sv)[1], " in tenant ", ref.tenant));
  }
  if (!supervisor.ok()) return supervisor.status();

  return MutatePlan(ref, true, [&](v1::ActionPlan& plan, bool existed) -> absl::Status {
    if (existed && plan.state() != v1::ActionPlan::DRAFT &&
        plan.state() != v1::ActionPlan::RETURNED) {
      return absl::FailedPreconditionError(absl::StrCat(
          ref.name(), " is ", v1::ActionPlan::State_Name(plan.state()),
          "; only a draft or returned plan can be edited"));
    }
    plan.set_name(ref.name());
    plan.set_supervisor(in.supervisor());
    plan.set_unit(enrolment.unit());
    if (!existed) plan.set_state(v1::ActionPlan::DRAFT);
    plan.clear_actions();
    for (int i = 0; i < in.actions_size(); ++i) {
      v1::Action* a = plan.add_actions();
      a->set_id(absl::StrCat("a", i + 1));
      a->set_change(in.actions(i).change());
      a->set_competency(in.actions(i).competency());
      a->set_indicator(in.actions(i).indicator());
      *a->mutable_due_date() = in.actions(i).due_date();
      a->set_status(v1::Action::NOT_STARTED);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::SubmitActionPlan(
    const Caller& c, const v1::SubmitActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  if (!Staff(c) && !IsParticipant(c, ref.nip)) return Denied("submit another participant's plan");
  return MutatePlan(ref, false, [&](v1::ActionPlan& plan, bool) -> absl::Status {
    if (plan.state() == v1::ActionPlan::SUBMITTED) return absl::OkStatus();  // repeat
    if (plan.state() != v1::ActionPlan::DRAFT && plan.state() != v1::ActionPlan::RETURNED) {
      return absl::FailedPreconditionError(
          absl::StrCat(ref.name(), " is ", v1::ActionPlan::State_Name(plan.state())));
    }
    plan.set_state(v1::ActionPlan::SUBMITTED);
    *plan.mutable_submit_time() = Ts(clock_());
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::ApproveActionPlan(
    const Caller& c, const v1::ApproveActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  return MutatePlan(ref, false, [&](v1::ActionPlan& plan, bool) -> absl::Status {
    if (!Staff(c) && !IsSupervisorOf(c, plan)) return Denied("approve: only the plan's supervisor");
    if (plan.state() == v1::ActionPlan::APPROVED) return absl::OkStatus();  // repeat
    if (plan.state() != v1::ActionPlan::SUBMITTED) {
      return absl::FailedPreconditionError(absl::StrCat(
          ref.name(), " is ", v1::ActionPlan::State_Name(plan.state()), "; submit it first"));
    }
    plan.set_state(v1::ActionPlan::APPROVED);
    if (!r.comment().empty()) plan.set_review_comment(r.comment());
    *plan.mutable_approve_time() = Ts(clock_());
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::ReturnActionPlan(
    const Caller& c, const v1::ReturnActionPlanRequest& r) {
  PELITA_ASSIGN_OR_RETURN(PlanRef ref, ParsePlan(c, "name", r.name()));
  if (r.comment().empty()) return InvalidField("comment", "say what to change");
  return MutatePlan(ref, false, [&](v1::ActionPlan& plan, bool) -> absl::Status {
    if (!Staff(c) && !IsSupervisorOf(c, plan)) return Denied("return: only the plan's supervisor");
    if (plan.state() != v1::ActionPlan::SUBMITTED) {
      return absl::FailedPreconditionError(absl::StrCat(
          ref.name(), " is ", v1::ActionPlan::State_Name(plan.state()),
          "; only a submitted plan can be returned"));
    }
    plan.set_state(v1::ActionPlan::RETURNED);
    plan.set_review_comment(r.comment());
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ActionPlan> FollowUpLogic::UpdateActionStatus(
    const Caller& c, const v1::UpdateActionStatusRequest& r) {
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
    if (!Staff(c) && !IsParticipant(c, ref.nip) && !IsSupervisorOf(c, plan)) {
      return Denied("update the actions of this plan");
    }
    if (plan.state() != v1::ActionPlan::APPROVED) {
      return absl::FailedPreconditionError(
          absl::StrCat(ref.name(), " is not approved; actions are tracked once it is"));
    }
    for (auto& a : *plan.mutable_actions()) {
      if (a.id() != r.action_id()) continue;
      a.set_status(r.status());
      a.set_evidence(r.status() == v1::Action::APPLIED ? r.evidence() : "");
      a.set_reason(r.status() == v1::Action::ABANDONED ? r.reason() : "");
      *a.mutable_status_time() = Ts(clock_());
      return absl::OkStatus();
    }
    return InvalidField("action_id", absl::StrCat("no action ", r.action_id(), " in the plan"));
  });
}

// ---------------------------------------------------------------- tasks

absl::StatusOr<int> FollowUpLogic::OnCompleted(const std::string& tenant, const Completion& in) {
  auto v = ParseResourceName("enrolment", in.enrolment, kEnrolmentPattern);
  if (!v.ok()) return v.status();
  if ((*v)[0] != tenant) return absl::InvalidArgumentError("event of another tenant");
  const std::string program = (*v)[1], cohort = (*v)[2], nip = (*v)[3];
  const std::string ck = program + "/" + cohort;
  v1::GetProgramRequest gp;
  gp.set_name(absl::StrCat("tenants/", tenant, "/programs/", program));
  std::vector<int> offsets;
  auto prog = enrolment_->GetProgram(Caller{tenant, "", ""}, gp);
  if (prog.ok()) offsets.assign(prog->follow_up_offsets_days().begin(),
                                prog->follow_up_offsets_days().end());
  else if (!absl::IsNotFound(prog.status())) return prog.status();
  if (offsets.empty()) offsets = {30, 60, 90};

  const KeyBuilder k = Keys(tenant);
  const std::string unit = UnitId(in.unit);
  std::vector<int> valid;
  for (int days : offsets) {
    if (days > 0) valid.push_back(days);
  }
  const std::vector<v1::FollowUpWindow> windows = FollowUpWindows(in.cohort_end, valid);
  int created = 0;
  for (size_t w = 0; w < valid.size(); ++w) {
    const int days = valid[w];
    const absl::CivilDay due = in.cohort_end + days;
    for (auto role : {v1::FollowUpTask::SELF_REPORT, v1::FollowUpTask::SUPERVISOR_ASSESSMENT}) {
      const std::string id = absl::StrCat(program, ".", cohort, ".", nip, ".", days, ".",
                                          role == v1::FollowUpTask::SELF_REPORT ? "self" : "supervisor");
      v1::FollowUpTask t;
      t.set_name(absl::StrCat("tenants/", tenant, "/followUpTasks/", id));
      t.set_enrolment(in.enrolment);
      t.set_cohort(absl::StrCat("tenants/", tenant, "/programs/", program, "/cohorts/", cohort));
      t.set_participant_nip(nip);
      t.set_unit(in.unit);
      t.set_role(role);
      t.set_offset_days(days);
      *t.mutable_due_date() = FromCivilDay(due);
      *t.mutable_due_time() = Ts(DueTime(due));
      *t.mutable_window_first_day() = windows[w].first_day();
      *t.mutable_window_last_day() = windows[w].last_day();
      t.set_state(v1::FollowUpTask::OPEN);
      *t.mutable_create_time() = Ts(clock_());
      PELITA_ASSIGN_OR_RETURN(
          auto r, redis_->Eval(kCreateTask,
                               {k.Key("task", id), k.Key("all", "t"), k.Key("all", "c", ck),
                                k.Key("all", "u", unit), k.Key("open", "t"), k.Key("open", "c", ck),
                                k.Key("open", "u", unit), k.Key("ptasks", ck, nip),
                                k.Key("stats", "c", ck), k.Key("stats", "u", unit), k.Key("outbox")},
                               {id, t.SerializeAsString(),
                                absl::StrCat(absl::ToUnixMillis(DueTime(due))),
                                absl::StrCat(absl::ToUnixMillis(ReminderTime(due)))}));
      created += static_cast<int>(r.integer);
    }
  }
  return created;
}

absl::StatusOr<bool> FollowUpLogic::OnSurveyResponse(const std::string& tenant,
                                                     const SurveyResponse& in) {
  if (in.instrument_kind != "followup" && in.instrument_kind != "self_report" &&
      in.instrument_kind != "followup_self") {
    return false;
  }
  auto v = ParseResourceName("cohort", in.cohort, kCohortPattern);
  if (!v.ok() || (*v)[0] != tenant || in.subject_nip.empty()) return false;
  const std::string ck = (*v)[1] + "/" + (*v)[2];
  v1::FollowUpTask::Role role = (in.instrument_kind != "followup" || in.respondent_nip.empty() ||
                                 in.respondent_nip == in.subject_nip)
                                    ? v1::FollowUpTask::SELF_REPORT
                                    : v1::FollowUpTask::SUPERVISOR_ASSESSMENT;
  if (in.role == pelita::survey::v1::SELF_REPORT) role = v1::FollowUpTask::SELF_REPORT;
  if (in.role == pelita::survey::v1::SUPERVISOR_ASSESSMENT) role = v1::FollowUpTask::SUPERVISOR_ASSESSMENT;
  const absl::CivilDay submit_day = absl::ToCivilDay(in.submit_time, Wib());
  const KeyBuilder k = Keys(tenant);
  for (int attempt = 0; attempt < 10; ++attempt) {
    PELITA_ASSIGN_OR_RETURN(auto seen, redis_->Run({"HEXISTS", k.Key("seen"), in.name}));
    if (seen.integer == 1) return false;
    PELITA_ASSIGN_OR_RETURN(auto ids, redis_->Run({"ZRANGE", k.Key("ptasks", ck, in.subject_nip), "0", "-1"}));
    if (ids.elements.empty()) return false;
    redis::Command mget = {"MGET"};
    for (const auto& e : ids.elements) mget.push_back(k.Key("task", e.str));
    PELITA_ASSIGN_OR_RETURN(auto tasks, redis_->Run(mget));
    // The task of the response's wave: the one the survey service stamped,
    // else (responses from before waves) the one whose window contains the
    // submit day.  Never the earliest open one: an answer 19 days after the
    // cohort is the 30-day follow-up, whatever is still open.
    std::vector<v1::FollowUpTask> parsed(tasks.elements.size());
    std::vector<int> offsets;
    for (size_t i = 0; i < tasks.elements.size(); ++i) {
      if (tasks.elements[i].is_nil()) continue;
      if (!parsed[i].ParseFromString(tasks.elements[i].str)) return absl::DataLossError("corrupt task");
      if (parsed[i].role() == role) offsets.push_back(parsed[i].offset_days());
    }
    std::sort(offsets.begin(), offsets.end());
    int chosen = -1;
    for (size_t i = 0; i < parsed.size() && chosen < 0; ++i) {
      const v1::FollowUpTask& c = parsed[i];
      if (tasks.elements[i].is_nil() || c.role() != role) continue;
      if (in.wave > 0) {
        if (c.offset_days() == in.wave) chosen = static_cast<int>(i);
        continue;
      }
      v1::FollowUpWindow w;
      if (c.has_window_first_day()) {
        *w.mutable_first_day() = c.window_first_day();
        *w.mutable_last_day() = c.window_last_day();
      } else {
        // A task created before windows were recorded: its window follows
        // from its due day and the offsets of its siblings.
        auto due = ToCivilDay(c.due_date(), "due_date");
        if (!due.ok()) continue;
        for (const auto& x : FollowUpWindows(*due - c.offset_days(), offsets)) {
          if (x.offset_days() == c.offset_days()) w = x;
        }
      }
      auto first = ToCivilDay(w.first_day(), "first_day");
      auto last = ToCivilDay(w.last_day(), "last_day");
      if (first.ok() && last.ok() && *first <= submit_day && submit_day <= *last) chosen = static_cast<int>(i);
    }
    // No task of this wave and role, or it is answered already (a
    // replacement within the wave): nothing more to close.
    if (chosen < 0 || parsed[chosen].state() != v1::FollowUpTask::OPEN) return false;
    v1::FollowUpTask t = parsed[chosen];
    const std::string& id = ids.elements[chosen].str;
    const bool late = in.submit_time >= FromTs(t.due_time());
    t.set_state(v1::FollowUpTask::DONE);
    t.set_response(in.name);
    t.set_respondent_nip(in.respondent_nip);
    *t.mutable_complete_time() = Ts(in.submit_time);
    t.set_late(late);
    const std::string unit = UnitId(t.unit());
    auto r = redis_->Eval(kCloseTask,
                          {k.Key("task", id), k.Key("open", "t"), k.Key("open", "c", ck),
                           k.Key("open", "u", unit), k.Key("stats", "c", ck),
                           k.Key("stats", "u", unit), k.Key("seen")},
                          {id, tasks.elements[chosen].str, t.SerializeAsString(), in.name,
                           late ? "1" : "0"});
    if (r.ok()) return r->integer == 1;
    if (r.status().code() != absl::StatusCode::kAborted) return r.status();
  }
  return absl::AbortedError("the tasks kept changing");
}

absl::Status FollowUpLogic::FillDerived(const std::string& tenant, v1::FollowUpTask& t) {
  t.set_overdue(t.state() == v1::FollowUpTask::OPEN && clock_() >= FromTs(t.due_time()));
  auto v = ParseResourceName("cohort", t.cohort(), kCohortPattern);
  if (!v.ok()) return v.status();
  auto plan = LoadPlan(tenant, (*v)[1] + "/" + (*v)[2], t.participant_nip());
  if (plan.ok()) {
    std::vector<std::string> parts = absl::StrSplit(plan->supervisor(), '/');
    if (parts.size() == 4) t.set_supervisor_nip(parts[3]);
  } else if (!absl::IsNotFound(plan.status())) {
    return plan.status();
  }
  if (t.supervisor_nip().empty()) {
    // No plan naming one: the supervisor recorded in the roster.
    v1::GetEmployeeRequest get;
    get.set_name(absl::StrCat("tenants/", tenant, "/employees/", t.participant_nip()));
    auto e = enrolment_->GetEmployee(Caller{tenant, "", ""}, get);
    if (e.ok()) {
      t.set_supervisor_nip(e->supervisor_nip());
    } else if (!absl::IsNotFound(e.status())) {
      return e.status();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::FollowUpTask> FollowUpLogic::LoadTask(const std::string& tenant,
                                                         const std::string& id) {
  PELITA_ASSIGN_OR_RETURN(auto r, redis_->Run({"GET", Keys(tenant).Key("task", id)}));
  if (r.is_nil()) {
    return absl::NotFoundError(absl::StrCat("tenants/", tenant, "/followUpTasks/", id, " does not exist"));
  }
  v1::FollowUpTask t;
  if (!t.ParseFromString(r.str)) return absl::DataLossError("corrupt task");
  PELITA_RETURN_IF_ERROR(FillDerived(tenant, t));
  return t;
}

absl::StatusOr<v1::FollowUpTask> FollowUpLogic::GetFollowUpTask(
    const Caller& c, const v1::GetFollowUpTaskRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "name", r.name(), kTaskPattern));
  return LoadTask(v[0], v[1]);
}

absl::StatusOr<v1::ListFollowUpTasksResponse> FollowUpLogic::ListFollowUpTasks(
    const Caller& c, const v1::ListFollowUpTasksRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, TenantOf(c, r.parent()));
  PELITA_ASSIGN_OR_RETURN(int page_size, store::EffectivePageSize(r.page_size()));
  const KeyBuilder k = Keys(tenant);
  std::string scope = "t";
  std::string unit_filter;
  if (!r.cohort().empty()) {
    PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "cohort", r.cohort(), kCohortPattern));
    scope = absl::StrCat("c:", v[1], "/", v[2]);
  }
  if (!r.unit().empty()) {
    PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "unit", r.unit(), kUnitPattern));
    if (scope == "t") scope = absl::StrCat("u:", v[1]);
    else unit_filter = r.unit();
  }
  std::string key, max = "+inf";
  if (r.overdue()) {
    key = k.Key("open", scope);
    max = absl::StrCat(absl::ToUnixMillis(clock_()));
  } else if (r.has_due_before()) {
    key = k.Key("open", scope);
    max = absl::StrCat("(", absl::ToUnixMillis(FromTs(r.due_before())));
  } else {
    key = k.Key("all", scope);
  }
  int64_t offset = 0;
  if (!r.page_token().empty()) {
    PELITA_ASSIGN_OR_RETURN(std::string decoded, store::DecodePageToken(r.page_token()));
    if (!absl::SimpleAtoi(decoded, &offset) || offset < 0) {
      return InvalidField("page_token", "is not a token this service issued");
    }
  }
  PELITA_ASSIGN_OR_RETURN(
      auto ids, redis_->Run({"ZRANGEBYSCORE", key, "-inf", max, "LIMIT", absl::StrCat(offset),
                             absl::StrCat(page_size + 1)}));
  v1::ListFollowUpTasksResponse out;
  const size_t n = std::min<size_t>(ids.elements.size(), page_size);
  for (size_t i = 0; i < n; ++i) {
    auto t = LoadTask(tenant, ids.elements[i].str);
    if (absl::IsNotFound(t.status())) continue;
    if (!t.ok()) return t.status();
    if (!unit_filter.empty() && t->unit() != unit_filter) continue;
    *out.add_tasks() = std::move(*t);
  }
  if (ids.elements.size() > n) out.set_next_page_token(store::EncodePageToken(absl::StrCat(offset + n)));
  return out;
}

// ---------------------------------------------------------------- views

absl::StatusOr<v1::FollowUpSummary> FollowUpLogic::Summary(
    const std::string& tenant, const std::string& scope, const std::string& stats_key,
    const std::string& open_key, const std::string& cplans_key, int max_listed) {
  if (max_listed < 0) return InvalidField("max_listed", "must not be negative");
  if (max_listed == 0) max_listed = kDefaultMaxListed;
  const std::string now_ms = absl::StrCat(absl::ToUnixMillis(clock_()));
  std::vector<redis::Command> cmds = {
      {"HGETALL", stats_key},
      {"ZCOUNT", open_key, "-inf", now_ms},
      {"ZRANGEBYSCORE", open_key, "-inf", now_ms, "LIMIT", "0", absl::StrCat(max_listed)}};
  if (!cplans_key.empty()) cmds.push_back({"ZRANGE", cplans_key, "0", absl::StrCat(max_listed - 1)});
  PELITA_ASSIGN_OR_RETURN(auto replies, redis_->Pipeline(cmds));
  for (const auto& rep : replies) PELITA_RETURN_IF_ERROR(redis::ReplyStatus(rep));
  std::map<std::string, int64_t> st;
  for (size_t i = 0; i + 1 < replies[0].elements.size(); i += 2) {
    int64_t n = 0;
    (void)absl::SimpleAtoi(replies[0].elements[i + 1].str, &n);
    st[replies[0].elements[i].str] = n;
  }
  v1::FollowUpSummary s;
  s.set_scope(scope);
  s.set_task_count(Field(st, "tasks"));
  s.set_done_count(Field(st, "done"));
  s.set_late_count(Field(st, "late"));
  s.set_overdue_count(replies[1].integer);
  s.set_completion_rate(s.task_count() ? double(s.done_count()) / s.task_count() : 0);
  for (const auto& id : replies[2].elements) {
    auto t = LoadTask(tenant, id.str);
    if (absl::IsNotFound(t.status())) continue;
    if (!t.ok()) return t.status();
    *s.add_overdue_tasks() = std::move(*t);
  }
  s.set_plans_draft(Field(st, "plans_draft"));
  s.set_plans_submitted(Field(st, "plans_submitted"));
  s.set_plans_approved(Field(st, "plans_approved"));
  s.set_plans_returned(Field(st, "plans_returned"));
  s.set_action_count(Field(st, "actions"));
  s.set_actions_not_started(Field(st, "actions_not_started"));
  s.set_actions_in_progress(Field(st, "actions_in_progress"));
  s.set_actions_applied(Field(st, "actions_applied"));
  s.set_actions_abandoned(Field(st, "actions_abandoned"));
  if (s.action_count() > 0) {
    s.set_applied_rate(double(s.actions_applied()) / s.action_count());
    s.set_scrap_learning_rate(1.0 - s.applied_rate());
  }
  if (!cplans_key.empty() && !replies[3].elements.empty()) {
    // The cohort's plan keys share the prefix of cplans (`...:cplans:<ck>`).
    const std::string ck = cplans_key.substr(cplans_key.find(":cplans:") + 8);
    redis::Command mget = {"MGET"};
    for (const auto& nip : replies[3].elements) mget.push_back(Keys(tenant).Key("plan", ck, nip.str));
    PELITA_ASSIGN_OR_RETURN(auto plans, redis_->Run(mget));
    for (size_t i = 0; i < plans.elements.size(); ++i) {
      v1::ActionPlan p;
      if (plans.elements[i].is_nil() || !p.ParseFromString(plans.elements[i].str)) continue;
      v1::PlanStatus* ps = s.add_plans();
      ps->set_action_plan(p.name());
      ps->set_participant_nip(replies[3].elements[i].str);
      ps->set_state(p.state());
      ps->set_action_count(p.actions_size());
      int applied = 0;
      for (const auto& a : p.actions()) applied += a.status() == v1::Action::APPLIED;
      ps->set_applied_count(applied);
    }
  }
  return s;
}

absl::StatusOr<v1::FollowUpSummary> FollowUpLogic::GetCohortFollowUpSummary(
    const Caller& c, const v1::GetCohortFollowUpSummaryRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "cohort", r.cohort(), kCohortPattern));
  const std::string ck = v[1] + "/" + v[2];
  const KeyBuilder k = Keys(v[0]);
  return Summary(v[0], r.cohort(), k.Key("stats", "c", ck), k.Key("open", "c", ck),
                 k.Key("cplans", ck), r.max_listed());
}

absl::StatusOr<v1::FollowUpSummary> FollowUpLogic::GetUnitFollowUpSummary(
    const Caller& c, const v1::GetUnitFollowUpSummaryRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto v, ParseTenantResource(c, "unit", r.unit(), kUnitPattern));
  const KeyBuilder k = Keys(v[0]);
  return Summary(v[0], r.unit(), k.Key("stats", "u", v[1]), k.Key("open", "u", v[1]), "",
                 r.max_listed());
}

}  // namespace pelita::enrolment::followup
