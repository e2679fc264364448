#include "services/followup/domain.h"

#include "gtest/gtest.h"
#include "lib/time/time.h"

namespace pelita::followup {
namespace {

absl::TimeZone Zone(const char* iana) { return *LoadIndonesianTimeZone(iana); }

TEST(FollowUpDomain, DueAndReminderTimesFollowTheTenantsZone) {
  const absl::CivilDay due(2026, 12, 6);
  // WIB (UTC+7): overdue from 00:00 WIB of the next day = 17:00 UTC.
  EXPECT_EQ(DueTime(due, Zone("Asia/Jakarta")), absl::FromCivil(absl::CivilSecond(2026, 12, 6, 17, 0, 0), absl::UTCTimeZone()));
  // WIT (UTC+9), Papua: two hours earlier in absolute time.
  EXPECT_EQ(DueTime(due, Zone("Asia/Jayapura")), absl::FromCivil(absl::CivilSecond(2026, 12, 6, 15, 0, 0), absl::UTCTimeZone()));
  // Reminder: 08:00 local, three days before.
  EXPECT_EQ(ReminderTime(due, Zone("Asia/Makassar")),
            absl::FromCivil(absl::CivilSecond(2026, 12, 3, 0, 0, 0), absl::UTCTimeZone()));
}

TEST(FollowUpDomain, ValidateActionsNamesTheField) {
  v1::ActionPlan p;
  EXPECT_NE(ValidateActions(p, absl::CivilDay(2026, 11, 6)).message().find("action_plan.actions"), std::string::npos);
  v1::Action* a = p.add_actions();
  a->set_change("x");
  a->set_competency("y");
  a->set_indicator("z");
  *a->mutable_due_date() = ToDate(absl::CivilDay(2026, 11, 6));
  absl::Status s = ValidateActions(p, absl::CivilDay(2026, 11, 6));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("action_plan.actions[0].due_date"), std::string::npos) << s;
  *a->mutable_due_date() = ToDate(absl::CivilDay(2026, 11, 7));
  EXPECT_TRUE(ValidateActions(p, absl::CivilDay(2026, 11, 6)).ok());
}

TEST(FollowUpDomain, CountersCountActionsOnlyOfApprovedPlans) {
  v1::ActionPlan p;
  p.set_state(v1::ActionPlan::SUBMITTED);
  p.add_actions()->set_status(v1::Action::APPLIED);
  auto before = PlanCounters(&p);
  EXPECT_EQ(before.count("actions"), 0u);
  p.set_state(v1::ActionPlan::APPROVED);
  auto after = PlanCounters(&p);
  auto d = CounterDelta(before, after);
  std::map<std::string, int64_t> m(d.begin(), d.end());
  EXPECT_EQ(m["plans_submitted"], -1);
  EXPECT_EQ(m["plans_approved"], 1);
  EXPECT_EQ(m["actions"], 1);
  EXPECT_EQ(m["actions_applied"], 1);
}

v1::FollowUpTask TaskOf(int days, v1::FollowUpTask::Role role, absl::CivilDay first, absl::CivilDay last,
                        bool with_window = true) {
  v1::FollowUpTask t;
  t.set_offset_days(days);
  t.set_role(role);
  if (with_window) {
    *t.mutable_window_first_day() = ToDate(first);
    *t.mutable_window_last_day() = ToDate(last);
  }
  return t;
}

TEST(FollowUpDomain, AnAnswerClosesOnlyTheTaskOfItsWave) {
  const absl::CivilDay end(2026, 11, 6);
  std::vector<v1::FollowUpTask> tasks = {
      TaskOf(30, v1::FollowUpTask::SELF_REPORT, end + 15, end + 44),
      TaskOf(30, v1::FollowUpTask::SUPERVISOR_ASSESSMENT, end + 15, end + 44),
      TaskOf(60, v1::FollowUpTask::SUPERVISOR_ASSESSMENT, end + 45, end + 74)};
  EXPECT_EQ(ChooseTask(tasks, v1::FollowUpTask::SUPERVISOR_ASSESSMENT, 0, end + 19, {}), 1);
  EXPECT_EQ(ChooseTask(tasks, v1::FollowUpTask::SUPERVISOR_ASSESSMENT, 0, end + 50, {}), 2);
  EXPECT_EQ(ChooseTask(tasks, v1::FollowUpTask::SUPERVISOR_ASSESSMENT, 0, end + 10, {}), -1);
  // The stamped wave decides over the submit day.
  EXPECT_EQ(ChooseTask(tasks, v1::FollowUpTask::SUPERVISOR_ASSESSMENT, 60, end + 19, {}), 2);
  // A task without recorded window dates uses the cohort's window.
  std::vector<v1::FollowUpTask> legacy = {TaskOf(30, v1::FollowUpTask::SELF_REPORT, end, end, false)};
  EXPECT_EQ(ChooseTask(legacy, v1::FollowUpTask::SELF_REPORT, 0, end + 20, {{30, end + 15, end + 44}}), 0);
  EXPECT_EQ(ChooseTask(legacy, v1::FollowUpTask::SELF_REPORT, 0, end + 20, {}), -1);
}

TEST(FollowUpDomain, ResponseRoleAndPlanRoles) {
  EXPECT_EQ(ResponseRole("followup", "1", "1", survey::v1::FOLLOW_UP_ROLE_UNSPECIFIED), v1::FollowUpTask::SELF_REPORT);
  EXPECT_EQ(ResponseRole("followup", "2", "1", survey::v1::FOLLOW_UP_ROLE_UNSPECIFIED),
            v1::FollowUpTask::SUPERVISOR_ASSESSMENT);
  EXPECT_EQ(ResponseRole("followup", "2", "1", survey::v1::SELF_REPORT), v1::FollowUpTask::SELF_REPORT);
  v1::ActionPlan plan;
  plan.set_supervisor("tenants/1504/employees/2");
  EXPECT_TRUE(IsSupervisorOf(Caller{"1504", "supervisor", "2"}, plan));
  EXPECT_FALSE(IsSupervisorOf(Caller{"1504", "supervisor", "3"}, plan));
  EXPECT_FALSE(IsSupervisorOf(Caller{"1504", "participant", "2"}, plan));
  EXPECT_TRUE(IsParticipant(Caller{"1504", "participant", "1"}, "1"));
  EXPECT_FALSE(IsParticipant(Caller{"1504", "", "1"}, "1"));
  EXPECT_EQ(TaskId("p", "c", "1", 30, v1::FollowUpTask::SUPERVISOR_ASSESSMENT), "p.c.1.30.supervisor");
}

}  // namespace
}  // namespace pelita::followup
