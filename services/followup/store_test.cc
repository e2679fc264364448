// FollowUpStore against a real redis-server: the keys keep the names the
// follow-up code used inside the enrolment service (existing data keeps
// working), plans written as pelita.enrolment.v1 messages read as
// pelita.followup.v1, and the scripts keep indexes and counters in step.

#include "services/followup/store.h"

#include "gtest/gtest.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"

namespace pelita::followup {
namespace {

class FollowUpStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    server_ = std::move(*r);
    redis_ = std::make_unique<redis::Client>(server_->options());
    store_ = std::make_unique<FollowUpStore>(redis_.get());
  }
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<FollowUpStore> store_;
};

TEST_F(FollowUpStoreTest, KeysAreThoseOfTheDataAlreadyStored) {
  v1::ActionPlan plan;
  plan.set_name("tenants/1504/programs/p/cohorts/c/enrolments/196608011988031001/actionPlan");
  ASSERT_TRUE(store_->PutPlan("1504", "p/c", "196608011988031001", "dukcapil", "", plan,
                              {{"plans_draft", 1}}).ok());
  // The literal names (not built with KeyBuilder here, on purpose).
  auto get = redis_->Run({"EXISTS", "followup:{1504}:plan:p/c:196608011988031001", "followup:{1504}:cplans:p/c",
                          "followup:{1504}:stats:c:p/c", "followup:{1504}:stats:u:dukcapil"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->integer, 4);
}

TEST_F(FollowUpStoreTest, BytesWrittenWithTheOldEnrolmentDateReadAsGoogleTypeDate) {
  // A plan as the enrolment service stored it: Action.due_date was
  // pelita.enrolment.v1.Date (year 1, month 2, day 3).  Field 5 of Action,
  // field 3 of ActionPlan.  That message is gone from enrolment.proto, so
  // its bytes are written out by hand: 2026-12-31 as three varint fields.
  const std::string date_bytes = {0x08, static_cast<char>(0xea), 0x0f,  // year 2026
                                  0x10, 0x0c,                           // month 12
                                  0x18, 0x1f};                          // day 31
  v1::ActionPlan expected;
  expected.set_name("tenants/1504/programs/p/cohorts/c/enrolments/1/actionPlan");
  expected.set_state(v1::ActionPlan::APPROVED);
  v1::Action* a = expected.add_actions();
  a->set_id("a1");
  a->set_change("Standar pelayanan");
  std::string action_bytes = a->SerializeAsString();
  action_bytes += static_cast<char>((5 << 3) | 2);
  action_bytes += static_cast<char>(date_bytes.size());
  action_bytes += date_bytes;
  v1::ActionPlan without = expected;
  without.clear_actions();
  std::string plan_bytes = without.SerializeAsString();
  plan_bytes += static_cast<char>((3 << 3) | 2);
  plan_bytes += static_cast<char>(action_bytes.size());
  plan_bytes += action_bytes;
  ASSERT_TRUE(redis_->Run({"SET", "followup:{1504}:plan:p/c:1", plan_bytes}).ok());

  auto got = store_->GetPlan("1504", "p/c", "1");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  const v1::ActionPlan& p = (*got)->value;
  ASSERT_EQ(p.actions_size(), 1);
  EXPECT_EQ(p.actions(0).change(), "Standar pelayanan");
  EXPECT_EQ(p.actions(0).due_date().year(), 2026);
  EXPECT_EQ(p.actions(0).due_date().month(), 12);
  EXPECT_EQ(p.actions(0).due_date().day(), 31);
  EXPECT_EQ(p.state(), v1::ActionPlan::APPROVED);
}

TEST_F(FollowUpStoreTest, PutPlanIsCompareAndSet) {
  v1::ActionPlan plan;
  plan.set_name("x");
  ASSERT_TRUE(store_->PutPlan("1504", "p/c", "1", "u", "", plan, {{"plans_draft", 1}}).ok());
  // A writer that read "absent" loses: ABORTED, counters unchanged.
  EXPECT_EQ(store_->PutPlan("1504", "p/c", "1", "u", "", plan, {{"plans_draft", 1}}).code(),
            absl::StatusCode::kAborted);
  auto stored = store_->GetPlan("1504", "p/c", "1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  plan.set_state(v1::ActionPlan::SUBMITTED);
  EXPECT_TRUE(store_->PutPlan("1504", "p/c", "1", "u", (*stored)->bytes, plan,
                              {{"plans_draft", -1}, {"plans_submitted", 1}}).ok());
  auto s = store_->Summary("1504", "c:p/c", "p/c", 0, 10);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->counters["plans_draft"], 0);
  EXPECT_EQ(s->counters["plans_submitted"], 1);
  ASSERT_EQ(s->plans.size(), 1u);
  EXPECT_EQ(s->plans[0].first, "1");
}

TEST_F(FollowUpStoreTest, TasksAreCreatedOnceAndClosedOncePerResponse) {
  v1::FollowUpTask t;
  t.set_name("tenants/1504/followUpTasks/p.c.1.30.self");
  t.set_state(v1::FollowUpTask::OPEN);
  FollowUpStore::NewTask n{"p.c.1.30.self", "p/c", "u", "1", 2000, 1000};
  EXPECT_EQ(*store_->CreateTask("1504", n, t), true);
  EXPECT_EQ(*store_->CreateTask("1504", n, t), false);
  auto open = store_->TaskIds("1504", true, "c:p/c", 0, false, true, 0, 10);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 1u);
  auto due = store_->DueNotifications("1504", 1500, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(*due, std::vector<std::string>{"p.c.1.30.self|remind"});

  auto tasks = store_->ParticipantTasks("1504", "p/c", "1");
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  v1::FollowUpTask done = t;
  done.set_state(v1::FollowUpTask::DONE);
  EXPECT_EQ(*store_->CloseTask("1504", "p.c.1.30.self", "p/c", "u", (*tasks)[0].second.bytes, done,
                               "tenants/1504/responses/r1", true),
            true);
  // The same response again: nothing more.
  EXPECT_EQ(*store_->CloseTask("1504", "p.c.1.30.self", "p/c", "u", done.SerializeAsString(), done,
                               "tenants/1504/responses/r1", true),
            false);
  EXPECT_TRUE(*store_->SeenResponse("1504", "tenants/1504/responses/r1"));
  auto s = store_->Summary("1504", "u:u", "", 5000, 10);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->counters["tasks"], 1);
  EXPECT_EQ(s->counters["done"], 1);
  EXPECT_EQ(s->counters["late"], 1);
  EXPECT_EQ(s->overdue, 0);
}

TEST_F(FollowUpStoreTest, ManyTasksAndPlansInOneReadEachInOrder) {
  for (const char* id : {"p.c.1.30.self", "p.c.2.30.self"}) {
    v1::FollowUpTask t;
    t.set_name(std::string("tenants/1504/followUpTasks/") + id);
    FollowUpStore::NewTask n{id, "p/c", "u", id[4] == '1' ? "1" : "2", 2000, 1000};
    ASSERT_TRUE(store_->CreateTask("1504", n, t).ok());
  }
  auto tasks = store_->GetTasks("1504", {"p.c.2.30.self", "missing", "p.c.1.30.self"});
  ASSERT_TRUE(tasks.ok()) << tasks.status();
  ASSERT_EQ(tasks->size(), 3u);
  ASSERT_TRUE((*tasks)[0].has_value());
  EXPECT_EQ((*tasks)[0]->value.name(), "tenants/1504/followUpTasks/p.c.2.30.self");
  EXPECT_FALSE((*tasks)[1].has_value());
  ASSERT_TRUE((*tasks)[2].has_value());
  EXPECT_EQ((*tasks)[2]->value.name(), "tenants/1504/followUpTasks/p.c.1.30.self");
  EXPECT_TRUE(store_->GetTasks("1504", {})->empty());

  v1::ActionPlan plan;
  plan.set_supervisor("tenants/1504/employees/196608011988031001");
  ASSERT_TRUE(store_->PutPlan("1504", "p/c", "2", "u", "", plan, {{"plans_draft", 1}}).ok());
  auto plans = store_->GetPlans("1504", {{"p/c", "1"}, {"p/c", "2"}});
  ASSERT_TRUE(plans.ok()) << plans.status();
  ASSERT_EQ(plans->size(), 2u);
  EXPECT_FALSE((*plans)[0].has_value());
  ASSERT_TRUE((*plans)[1].has_value());
  EXPECT_EQ((*plans)[1]->value.supervisor(), plan.supervisor());
}

TEST_F(FollowUpStoreTest, NotificationLeaseFinishAndFailure) {
  v1::FollowUpTask t;
  FollowUpStore::NewTask n{"p.c.1.30.self", "p/c", "u", "1", 2000, 1000};
  ASSERT_TRUE(store_->CreateTask("1504", n, t).ok());
  const std::string id = "p.c.1.30.self|remind";
  EXPECT_TRUE(*store_->ClaimNotification("1504", id, 1000, 61000, "a"));
  // Leased: another process cannot claim it before the lease ends.
  EXPECT_FALSE(*store_->ClaimNotification("1504", id, 2000, 62000, "b"));
  EXPECT_EQ(*store_->FailNotification("1504", id, 5000), 1);
  EXPECT_EQ(*store_->NotificationAttempts("1504", id), 1);
  EXPECT_TRUE(*store_->ClaimNotification("1504", id, 5000, 65000, "b"));
  ASSERT_TRUE(store_->FinishNotification("1504", id, "sent 5000").ok());
  EXPECT_EQ(*store_->NotificationRecord("1504", id), "sent 5000");
  EXPECT_FALSE(*store_->ClaimNotification("1504", id, 100000, 160000, "c"));
}

}  // namespace
}  // namespace pelita::followup
