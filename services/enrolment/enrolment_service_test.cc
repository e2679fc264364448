// Integration tests of the enrolment service over real gRPC against a real
// redis-server started by the test.

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "absl/strings/str_format.h"
#include "lib/ids/nip.h"
#include "lib/server/server.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "lib/time/time.h"
#include "services/enrolment/domain.h"
#include "services/enrolment/grpc_service.h"

namespace pelita::enrolment {
namespace {

using grpc::StatusCode;

class EnrolmentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    StartService();
  }

  void StartService() {
    client_ = std::make_unique<redis::Client>(redis_->options());
    logic_ = std::make_unique<EnrolmentLogic>(client_.get(), [this] { return now_.load(); });
    service_ = std::make_unique<EnrolmentGrpcService>(logic_.get());
    ServerOptions options;
    options.name = "enrolment";
    options.health_services = {v1::EnrolmentService::service_full_name()};
    options.health_interval = absl::Milliseconds(20);
    options.log_calls = false;
    server_ = std::make_unique<Server>(options, std::vector<grpc::Service*>{service_.get()},
                                       client_.get());
    ASSERT_TRUE(server_->Start().ok());
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::EnrolmentService::NewStub(channel_);
  }

  void StopService() {
    server_->Shutdown(absl::Seconds(2));
    server_.reset();
    service_.reset();
    logic_.reset();
    client_.reset();
  }

  // Calls `method` as a caller of `tenant`.
  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (v1::EnrolmentService::Stub::*method)(grpc::ClientContext*,
                                                                       const Req&, Resp*),
                    const Req& req, Resp* resp, const std::string& tenant = "1504") {
    grpc::ClientContext ctx;
    if (!tenant.empty()) AttachTenant(ctx, tenant);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (stub_.get()->*method)(&ctx, req, resp);
  }

  grpc::Status AddUnit(const std::string& id, const std::string& tenant = "1504") {
    v1::CreateUnitRequest r;
    r.set_parent("tenants/" + tenant);
    r.set_unit_id(id);
    r.mutable_unit()->set_display_name("Unit " + id);
    r.mutable_unit()->set_monthly_service_volume(1000);
    v1::Unit u;
    return Call(&v1::EnrolmentService::Stub::CreateUnit, r, &u, tenant);
  }

  std::string NipOf(int i) {
    return MakeNip(absl::CivilDay(1980 + i % 15, 1 + i % 12, 1 + i % 28), absl::CivilMonth(2015, 3),
                   i % 2 ? pelita::Nip::Gender::kMale : pelita::Nip::Gender::kFemale, 1 + i % 900);
  }

  grpc::Status AddEmployee(const std::string& nip, const std::string& unit = "dukcapil") {
    v1::CreateEmployeeRequest r;
    r.set_parent("tenants/1504");
    r.mutable_employee()->set_nip(nip);
    r.mutable_employee()->set_full_name("Pegawai " + nip.substr(0, 6));
    r.mutable_employee()->set_unit("tenants/1504/units/" + unit);
    r.mutable_employee()->set_grade("III/a");
    r.mutable_employee()->set_employment_type(v1::PNS);
    v1::Employee e;
    return Call(&v1::EnrolmentService::Stub::CreateEmployee, r, &e);
  }

  grpc::Status AddProgram(const std::string& id, int jp) {
    v1::CreateProgramRequest r;
    r.set_parent("tenants/1504");
    r.set_program_id(id);
    r.mutable_program()->set_title("Program " + id);
    r.mutable_program()->set_competency_type(v1::TEKNIS);
    r.mutable_program()->set_jp(jp);
    r.mutable_program()->set_year(2026);
    r.mutable_program()->set_cost_per_participant(2'000'000);
    v1::Program p;
    return Call(&v1::EnrolmentService::Stub::CreateProgram, r, &p);
  }

  grpc::Status AddCohort(const std::string& program, const std::string& id, absl::CivilDay start,
                         absl::CivilDay end, int capacity) {
    v1::CreateCohortRequest r;
    r.set_parent("tenants/1504/programs/" + program);
    r.set_cohort_id(id);
    *r.mutable_cohort()->mutable_start_date() = FromCivilDay(start);
    *r.mutable_cohort()->mutable_end_date() = FromCivilDay(end);
    r.mutable_cohort()->set_capacity(capacity);
    r.mutable_cohort()->add_instructors("Dr. Nurlela");
    v1::Cohort c;
    return Call(&v1::EnrolmentService::Stub::CreateCohort, r, &c);
  }

  std::string CohortName(const std::string& p, const std::string& c) {
    return "tenants/1504/programs/" + p + "/cohorts/" + c;
  }

  grpc::Status Enrol(const std::string& cohort, const std::string& nip, v1::Enrolment* out) {
    v1::CreateEnrolmentRequest r;
    r.set_parent(cohort);
    r.mutable_enrolment()->set_employee("tenants/1504/employees/" + nip);
    return Call(&v1::EnrolmentService::Stub::CreateEnrolment, r, out);
  }

  v1::Enrolment::State StateOf(const std::string& cohort, const std::string& nip) {
    v1::GetEnrolmentRequest r;
    r.set_name(cohort + "/enrolments/" + nip);
    v1::Enrolment e;
    EXPECT_TRUE(Call(&v1::EnrolmentService::Stub::GetEnrolment, r, &e).ok());
    return e.state();
  }

  int UnitCount(const std::string& tenant = "1504") {
    const int n = TryUnitCount(tenant);
    EXPECT_GE(n, 0) << "ListUnits failed";
    return n;
  }
  // -1 when the call fails (e.g. while a restarted Redis is still loading).
  int TryUnitCount(const std::string& tenant = "1504") {
    v1::ListUnitsRequest r;
    r.set_parent("tenants/" + tenant);
    r.set_page_size(1000);
    v1::ListUnitsResponse resp;
    if (!Call(&v1::EnrolmentService::Stub::ListUnits, r, &resp, tenant).ok()) return -1;
    return resp.units_size();
  }

  int EmployeeCount() {
    v1::ListEmployeesRequest r;
    r.set_parent("tenants/1504");
    r.set_page_size(1000);
    v1::ListEmployeesResponse resp;
    EXPECT_TRUE(Call(&v1::EnrolmentService::Stub::ListEmployees, r, &resp).ok());
    return resp.employees_size();
  }

  std::atomic<absl::Time> now_{absl::FromCivil(absl::CivilSecond(2026, 11, 29, 9, 0, 0),
                                               *LoadIndonesianTimeZone(kWib))};
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<EnrolmentLogic> logic_;
  std::unique_ptr<EnrolmentGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EnrolmentService::Stub> stub_;
};

TEST_F(EnrolmentServiceTest, UnitCrudAndPagination) {
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(AddUnit(absl::StrFormat("unit-%02d", i)).ok());
  EXPECT_EQ(AddUnit("unit-00").error_code(), StatusCode::ALREADY_EXISTS);

  std::vector<std::string> names;
  v1::ListUnitsRequest list;
  list.set_parent("tenants/1504");
  list.set_page_size(10);
  int pages = 0;
  do {
    v1::ListUnitsResponse resp;
    ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListUnits, list, &resp).ok());
    for (const auto& u : resp.units()) names.push_back(u.name());
    list.set_page_token(resp.next_page_token());
    ++pages;
  } while (!list.page_token().empty());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(names.size(), 25u);
  EXPECT_EQ(names[0], "tenants/1504/units/unit-00");
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 25u);

  v1::UpdateUnitRequest update;
  update.mutable_unit()->set_name("tenants/1504/units/unit-03");
  update.mutable_unit()->set_monthly_service_volume(4200);
  update.mutable_unit()->set_display_name("ignored: not in the mask");
  update.mutable_update_mask()->add_paths("monthly_service_volume");
  v1::Unit updated;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::UpdateUnit, update, &updated).ok());
  EXPECT_EQ(updated.monthly_service_volume(), 4200);
  EXPECT_EQ(updated.display_name(), "Unit unit-03");

  update.mutable_update_mask()->set_paths(0, "no_such_field");
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::UpdateUnit, update, &updated).error_code(),
            StatusCode::INVALID_ARGUMENT);

  v1::DeleteUnitRequest del;
  del.set_name("tenants/1504/units/unit-03");
  google::protobuf::Empty empty;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::DeleteUnit, del, &empty).ok());
  v1::GetUnitRequest get;
  get.set_name("tenants/1504/units/unit-03");
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::GetUnit, get, &updated).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_EQ(UnitCount(), 24);
}

TEST_F(EnrolmentServiceTest, BadInputIsRejectedNamingTheFieldAndWritesNothing) {
  v1::CreateUnitRequest unit;
  unit.set_parent("tenants/1504");
  unit.set_unit_id("dukcapil");
  v1::Unit u;
  grpc::Status s = Call(&v1::EnrolmentService::Stub::CreateUnit, unit, &u);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("unit.display_name"), std::string::npos) << s.error_message();
  unit.mutable_unit()->set_display_name("Dukcapil");
  unit.set_unit_id("Not A Slug");
  s = Call(&v1::EnrolmentService::Stub::CreateUnit, unit, &u);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("unit_id"), std::string::npos);
  EXPECT_EQ(UnitCount(), 0);

  ASSERT_TRUE(AddUnit("dukcapil").ok());
  s = AddEmployee("196602301988031001");  // 30 February
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("employee.nip"), std::string::npos) << s.error_message();
  EXPECT_EQ(EmployeeCount(), 0);

  ASSERT_TRUE(AddProgram("pelayanan", 32).ok());
  s = AddCohort("pelayanan", "a1", absl::CivilDay(2026, 3, 12), absl::CivilDay(2026, 3, 10), 30);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("cohort.end_date"), std::string::npos);
  v1::ListCohortsRequest lc;
  lc.set_parent("tenants/1504/programs/pelayanan");
  v1::ListCohortsResponse cohorts;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListCohorts, lc, &cohorts).ok());
  EXPECT_EQ(cohorts.cohorts_size(), 0);

  v1::GetUnitRequest get;
  get.set_name("tenants/1504/dukcapil");
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::GetUnit, get, &u).error_code(),
            StatusCode::INVALID_ARGUMENT);
  v1::ListUnitsRequest list;
  list.set_parent("tenants/1504");
  list.set_page_size(-1);
  v1::ListUnitsResponse lr;
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::ListUnits, list, &lr).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(EnrolmentServiceTest, UnknownReferencesAreNotFound) {
  EXPECT_EQ(AddEmployee(NipOf(1), "no-such-unit").error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(AddCohort("no-such-program", "c", absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 2), 5)
                .error_code(),
            StatusCode::NOT_FOUND);
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddProgram("p", 10).ok());
  ASSERT_TRUE(AddCohort("p", "c", absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 2), 5).ok());
  v1::Enrolment e;
  EXPECT_EQ(Enrol(CohortName("p", "c"), NipOf(2), &e).error_code(), StatusCode::NOT_FOUND);
  ASSERT_TRUE(AddEmployee(NipOf(2)).ok());
  EXPECT_EQ(Enrol(CohortName("p", "nope"), NipOf(2), &e).error_code(), StatusCode::NOT_FOUND);
}

TEST_F(EnrolmentServiceTest, WaitListIsPromotedWhenASeatFrees) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddProgram("p", 10).ok());
  const std::string cohort = CohortName("p", "c");
  ASSERT_TRUE(AddCohort("p", "c", absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 2), 2).ok());
  std::vector<v1::Enrolment> e(4);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(AddEmployee(NipOf(i)).ok());
    ASSERT_TRUE(Enrol(cohort, NipOf(i), &e[i]).ok());
  }
  EXPECT_EQ(e[0].state(), v1::Enrolment::ENROLLED);
  EXPECT_EQ(e[1].state(), v1::Enrolment::ENROLLED);
  EXPECT_EQ(e[2].state(), v1::Enrolment::WAITLISTED);
  EXPECT_EQ(e[2].waitlist_position(), 1);
  EXPECT_EQ(e[3].waitlist_position(), 2);

  v1::WithdrawEnrolmentRequest w;
  w.set_name(cohort + "/enrolments/" + NipOf(0));
  v1::Enrolment withdrawn;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::WithdrawEnrolment, w, &withdrawn).ok());
  EXPECT_EQ(withdrawn.state(), v1::Enrolment::WITHDRAWN);
  EXPECT_EQ(StateOf(cohort, NipOf(2)), v1::Enrolment::ENROLLED);   // first in line
  EXPECT_EQ(StateOf(cohort, NipOf(3)), v1::Enrolment::WAITLISTED);  // still waiting
  // Withdrawing twice changes nothing.
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::WithdrawEnrolment, w, &withdrawn).ok());
  EXPECT_EQ(StateOf(cohort, NipOf(3)), v1::Enrolment::WAITLISTED);

  // A larger capacity promotes the rest.
  v1::UpdateCohortRequest up;
  up.mutable_cohort()->set_name(cohort);
  up.mutable_cohort()->set_capacity(3);
  up.mutable_update_mask()->add_paths("capacity");
  v1::Cohort c;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::UpdateCohort, up, &c).ok());
  EXPECT_EQ(c.enrolled_count(), 3);
  EXPECT_EQ(c.waitlisted_count(), 0);
  EXPECT_EQ(StateOf(cohort, NipOf(3)), v1::Enrolment::ENROLLED);
}

TEST_F(EnrolmentServiceTest, ConcurrentEnrolmentsNeverExceedCapacity) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddProgram("p", 10).ok());
  const std::string cohort = CohortName("p", "c");
  ASSERT_TRUE(AddCohort("p", "c", absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 2), 10).ok());
  constexpr int kPeople = 60;
  for (int i = 0; i < kPeople; ++i) ASSERT_TRUE(AddEmployee(NipOf(i)).ok());
  std::atomic<int> enrolled{0}, waitlisted{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kPeople; i += 6) {
        v1::Enrolment e;
        grpc::Status s = Enrol(cohort, NipOf(i), &e);
        if (!s.ok()) {
          ++failed;
        } else if (e.state() == v1::Enrolment::ENROLLED) {
          ++enrolled;
        } else if (e.state() == v1::Enrolment::WAITLISTED) {
          ++waitlisted;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(enrolled.load(), 10);
  EXPECT_EQ(waitlisted.load(), kPeople - 10);
  v1::GetCohortRequest g;
  g.set_name(cohort);
  v1::Cohort c;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::GetCohort, g, &c).ok());
  EXPECT_EQ(c.enrolled_count(), 10);
  EXPECT_EQ(c.waitlisted_count(), kPeople - 10);
}

TEST_F(EnrolmentServiceTest, NoDoubleOrOverlappingEnrolment) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddProgram("p", 10).ok());
  ASSERT_TRUE(AddProgram("q", 10).ok());
  ASSERT_TRUE(AddCohort("p", "march", absl::CivilDay(2026, 3, 9), absl::CivilDay(2026, 3, 11), 30).ok());
  ASSERT_TRUE(AddCohort("q", "march", absl::CivilDay(2026, 3, 11), absl::CivilDay(2026, 3, 13), 30).ok());
  ASSERT_TRUE(AddCohort("q", "april", absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 3), 30).ok());
  ASSERT_TRUE(AddEmployee(NipOf(7)).ok());
  v1::Enrolment e;
  ASSERT_TRUE(Enrol(CohortName("p", "march"), NipOf(7), &e).ok());
  EXPECT_EQ(Enrol(CohortName("p", "march"), NipOf(7), &e).error_code(), StatusCode::ALREADY_EXISTS);
  grpc::Status s = Enrol(CohortName("q", "march"), NipOf(7), &e);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("overlap"), std::string::npos);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "OVERLAPPING_COHORT");
  EXPECT_TRUE(Enrol(CohortName("q", "april"), NipOf(7), &e).ok());
  // After withdrawing from March, the overlapping cohort is open to them.
  v1::WithdrawEnrolmentRequest w;
  w.set_name(CohortName("p", "march") + "/enrolments/" + NipOf(7));
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::WithdrawEnrolment, w, &e).ok());
  EXPECT_TRUE(Enrol(CohortName("q", "march"), NipOf(7), &e).ok());
}

TEST_F(EnrolmentServiceTest, AttendanceCompletionAndLearningHours) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddUnit("dinkes").ok());
  ASSERT_TRUE(AddProgram("adm", 12).ok());
  ASSERT_TRUE(AddProgram("waktu", 8).ok());
  ASSERT_TRUE(AddCohort("adm", "c1", absl::CivilDay(2026, 2, 9), absl::CivilDay(2026, 2, 11), 30).ok());
  ASSERT_TRUE(AddCohort("waktu", "c1", absl::CivilDay(2026, 5, 4), absl::CivilDay(2026, 5, 5), 30).ok());
  ASSERT_TRUE(AddCohort("waktu", "c2", absl::CivilDay(2027, 1, 4), absl::CivilDay(2027, 1, 5), 30).ok());
  const std::string a = NipOf(1), b = NipOf(2);
  ASSERT_TRUE(AddEmployee(a, "dukcapil").ok());
  ASSERT_TRUE(AddEmployee(b, "dukcapil").ok());
  ASSERT_TRUE(AddEmployee(NipOf(3), "dinkes").ok());
  v1::Enrolment e;
  for (const auto& c : {CohortName("adm", "c1"), CohortName("waktu", "c1")}) {
    ASSERT_TRUE(Enrol(c, a, &e).ok());
    ASSERT_TRUE(Enrol(c, b, &e).ok());
  }
  ASSERT_TRUE(Enrol(CohortName("waktu", "c2"), a, &e).ok());

  v1::RecordAttendanceRequest att;
  att.set_name(CohortName("adm", "c1") + "/enrolments/" + a);
  att.set_day("2026-02-10");
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::RecordAttendance, att, &e).ok());
  EXPECT_EQ(e.state(), v1::Enrolment::ATTENDED);
  EXPECT_EQ(e.attended_days_size(), 1);
  att.set_day("2026-02-12");
  grpc::Status s = Call(&v1::EnrolmentService::Stub::RecordAttendance, att, &e);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("day"), std::string::npos);

  auto complete = [&](const std::string& cohort, const std::string& nip) {
    v1::CompleteEnrolmentRequest r;
    r.set_name(cohort + "/enrolments/" + nip);
    return Call(&v1::EnrolmentService::Stub::CompleteEnrolment, r, &e);
  };
  ASSERT_TRUE(complete(CohortName("adm", "c1"), a).ok());
  EXPECT_EQ(e.state(), v1::Enrolment::COMPLETED);
  EXPECT_FALSE(e.certificate_number().empty());
  ASSERT_TRUE(complete(CohortName("adm", "c1"), a).ok());  // twice: no double count
  ASSERT_TRUE(complete(CohortName("waktu", "c1"), a).ok());
  ASSERT_TRUE(complete(CohortName("adm", "c1"), b).ok());
  // A cohort that has not started cannot be completed.
  s = complete(CohortName("waktu", "c2"), a);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "COHORT_NOT_STARTED");
  // A withdrawn enrolment earns nothing.
  v1::WithdrawEnrolmentRequest w;
  w.set_name(CohortName("waktu", "c1") + "/enrolments/" + b);
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::WithdrawEnrolment, w, &e).ok());
  s = complete(CohortName("waktu", "c1"), b);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "NOT_ENROLLED");
  // A completed enrolment is not withdrawn.
  w.set_name(CohortName("adm", "c1") + "/enrolments/" + a);
  s = Call(&v1::EnrolmentService::Stub::WithdrawEnrolment, w, &e);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "ALREADY_COMPLETED");

  // What still has children is not deleted, and each refusal says why in a
  // stable reason.
  google::protobuf::Empty empty;
  v1::DeleteUnitRequest del_unit;
  del_unit.set_name("tenants/1504/units/dukcapil");
  s = Call(&v1::EnrolmentService::Stub::DeleteUnit, del_unit, &empty);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "UNIT_HAS_EMPLOYEES");
  v1::DeleteEmployeeRequest del_employee;
  del_employee.set_name("tenants/1504/employees/" + a);
  s = Call(&v1::EnrolmentService::Stub::DeleteEmployee, del_employee, &empty);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "EMPLOYEE_IN_COHORTS");
  v1::DeleteProgramRequest del_program;
  del_program.set_name("tenants/1504/programs/adm");
  s = Call(&v1::EnrolmentService::Stub::DeleteProgram, del_program, &empty);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "PROGRAM_HAS_COHORTS");
  v1::DeleteCohortRequest del_cohort;
  del_cohort.set_name(CohortName("adm", "c1"));
  s = Call(&v1::EnrolmentService::Stub::DeleteCohort, del_cohort, &empty);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "COHORT_HAS_ENROLMENTS");
  v1::UpdateCohortRequest move;
  move.mutable_cohort()->set_name(CohortName("adm", "c1"));
  move.mutable_cohort()->mutable_end_date()->set_year(2026);
  move.mutable_cohort()->mutable_end_date()->set_month(2);
  move.mutable_cohort()->mutable_end_date()->set_day(20);
  move.mutable_update_mask()->add_paths("end_date");
  v1::Cohort moved;
  s = Call(&v1::EnrolmentService::Stub::UpdateCohort, move, &moved);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "COHORT_DATES_LOCKED");

  // Each completion is announced once on the tenant's event stream.
  auto events = client_->Run({"XRANGE", "enrolment:{1504}:events", "-", "+"});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->elements.size(), 3u);
  const auto& fields = events->elements[0].elements[1].elements;
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].str, "event_type");
  EXPECT_EQ(fields[1].str, "pelita.enrolment.v1.EnrolmentCompleted");
  EXPECT_EQ(fields[2].str, "event_data");
  v1::EnrolmentCompleted completed;
  ASSERT_TRUE(completed.ParseFromString(fields[3].str));
  EXPECT_EQ(completed.enrolment(), CohortName("adm", "c1") + "/enrolments/" + a);
  EXPECT_EQ(completed.nip(), a);
  EXPECT_EQ(completed.cohort_end().year(), 2026);  // cohort_end 2026-02-11
  EXPECT_EQ(completed.cohort_end().month(), 2);
  EXPECT_EQ(completed.cohort_end().day(), 11);

  v1::GetLearningHoursRequest lh;
  lh.set_name(absl::StrCat("tenants/1504/employees/" + a, "/learningHours"));
  lh.set_year(2026);
  v1::LearningHours hours;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::GetLearningHours, lh, &hours).ok());
  EXPECT_EQ(hours.jp(), 20);
  EXPECT_TRUE(hours.compliant());
  EXPECT_EQ(hours.completed_enrolments_size(), 2);
  lh.set_name("tenants/1504/employees/" + b + "/learningHours");
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::GetLearningHours, lh, &hours).ok());
  EXPECT_EQ(hours.jp(), 12);
  EXPECT_FALSE(hours.compliant());

  v1::ListUnitComplianceRequest uc;
  uc.set_parent("tenants/1504");
  uc.set_year(2026);
  v1::ListUnitComplianceResponse units;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListUnitCompliance, uc, &units).ok());
  ASSERT_EQ(units.units_size(), 2);
  const auto& dinkes = units.units(0);  // ordered by unit id
  const auto& dukcapil = units.units(1);
  EXPECT_EQ(dinkes.unit(), "tenants/1504/units/dinkes");
  EXPECT_EQ(dinkes.employee_count(), 1);
  EXPECT_EQ(dinkes.compliant_count(), 0);
  EXPECT_EQ(dukcapil.employee_count(), 2);
  EXPECT_EQ(dukcapil.compliant_count(), 1);
  EXPECT_DOUBLE_EQ(dukcapil.compliant_share(), 0.5);
  EXPECT_DOUBLE_EQ(dukcapil.mean_jp(), 16.0);

  // Each person's trainings, newest first; a withdrawn enrolment is not one.
  v1::ListEmployeeTrainingsRequest tr;
  tr.set_parent("tenants/1504/employees/" + a);
  v1::ListEmployeeTrainingsResponse trainings;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListEmployeeTrainings, tr, &trainings).ok());
  ASSERT_EQ(trainings.trainings_size(), 3);
  EXPECT_EQ(trainings.trainings(0).cohort(), CohortName("waktu", "c2"));
  EXPECT_EQ(trainings.trainings(0).enrolment().state(), v1::Enrolment::ENROLLED);
  EXPECT_EQ(trainings.trainings(0).start_date().year(), 2027);
  EXPECT_EQ(trainings.trainings(1).cohort(), CohortName("waktu", "c1"));
  EXPECT_EQ(trainings.trainings(2).cohort(), CohortName("adm", "c1"));
  EXPECT_EQ(trainings.trainings(2).program(), "tenants/1504/programs/adm");
  EXPECT_EQ(trainings.trainings(2).jp(), 12);
  EXPECT_FALSE(trainings.trainings(2).program_title().empty());
  EXPECT_EQ(trainings.trainings(2).enrolment().state(), v1::Enrolment::COMPLETED);
  EXPECT_EQ(trainings.trainings(2).enrolment().name(), CohortName("adm", "c1") + "/enrolments/" + a);
  EXPECT_FALSE(trainings.trainings(2).enrolment().certificate_number().empty());
  tr.set_parent("tenants/1504/employees/" + b);
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListEmployeeTrainings, tr, &trainings).ok());
  ASSERT_EQ(trainings.trainings_size(), 1);
  EXPECT_EQ(trainings.trainings(0).cohort(), CohortName("adm", "c1"));
  tr.set_parent("tenants/1504/employees/" + NipOf(3));
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListEmployeeTrainings, tr, &trainings).ok());
  EXPECT_EQ(trainings.trainings_size(), 0);
  tr.set_parent("tenants/1504/employees/" + NipOf(9));
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::ListEmployeeTrainings, tr, &trainings).error_code(),
            StatusCode::NOT_FOUND);
  tr.set_parent("tenants/1504/units/dukcapil");
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::ListEmployeeTrainings, tr, &trainings).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(EnrolmentServiceTest, TenantsAreIsolated) {
  ASSERT_TRUE(AddUnit("dukcapil", "1504").ok());
  EXPECT_EQ(UnitCount("1505"), 0);
  ASSERT_TRUE(AddUnit("dukcapil", "1505").ok());  // same id, other tenant
  EXPECT_EQ(UnitCount("1504"), 1);

  v1::GetUnitRequest get;
  get.set_name("tenants/1504/units/dukcapil");
  v1::Unit u;
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::GetUnit, get, &u, "1505").error_code(),
            StatusCode::PERMISSION_DENIED);
  // A tenant named only in the body is not trusted: no metadata, no call.
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::GetUnit, get, &u, "").error_code(),
            StatusCode::UNAUTHENTICATED);
  v1::CreateUnitRequest create;
  create.set_parent("tenants/1504");
  create.set_unit_id("dinkes");
  create.mutable_unit()->set_display_name("Dinas Kesehatan");
  EXPECT_EQ(Call(&v1::EnrolmentService::Stub::CreateUnit, create, &u, "1505").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(UnitCount("1504"), 1);
}

TEST_F(EnrolmentServiceTest, ImportsEmployeesFromCsvWithPerRowReport) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddUnit("dinkes").ok());
  const std::string csv =
      "nip,name,unit,position,grade,employment_type\r\n" +
      NipOf(1) + ",\"Siti Aminah, S.Sos\",dukcapil,Analis,III/b,PNS\r\n" +
      NipOf(2) + ",Budi Harahap,dinkes,Perawat,IX,PPPK\r\n" +
      "196602301988031001,Tanggal Salah,dukcapil,Analis,III/a,PNS\r\n" +  // 30 Feb
      NipOf(3) + ",Tanpa Unit,no-such-unit,Analis,III/a,PNS\r\n" +
      NipOf(4) + ",Kurang Kolom,dukcapil\r\n" +
      NipOf(6) + ",Dewi Lestari,dukcapil,Arsiparis,II/c,pns\r\n";
  auto import = [&](size_t chunk, const std::string& csv) {
    grpc::ClientContext ctx;
    AttachTenant(ctx, "1504");
    type::v1::ImportResult report;
    auto writer = stub_->ImportEmployees(&ctx, &report);
    for (size_t i = 0; i < csv.size(); i += chunk) {
      v1::ImportEmployeesRequest req;
      if (i == 0) req.set_parent("tenants/1504");
      req.set_csv_chunk(csv.substr(i, chunk));
      EXPECT_TRUE(writer->Write(req));
    }
    writer->WritesDone();
    EXPECT_TRUE(writer->Finish().ok());
    return report;
  };
  type::v1::ImportResult report = import(7, csv);
  EXPECT_EQ(report.state(), type::v1::COMPLETE);
  EXPECT_EQ(report.records_read(), 6);
  EXPECT_EQ(report.accepted_count(), 3);
  EXPECT_EQ(report.rejected_count(), 3);
  EXPECT_EQ(report.id_column(), "nip");
  ASSERT_EQ(report.rejected_size(), 3);
  EXPECT_EQ(report.rejected(0).row(), 4);
  EXPECT_EQ(report.rejected(0).line(), 4);
  EXPECT_EQ(report.rejected(0).column(), 1);
  EXPECT_EQ(report.rejected(0).field(), "nip");
  EXPECT_NE(report.rejected(0).reason().find("nip"), std::string::npos);
  EXPECT_EQ(report.rejected(1).row(), 5);
  EXPECT_EQ(report.rejected(1).column(), 3);
  EXPECT_EQ(report.rejected(1).field(), "unit");
  EXPECT_NE(report.rejected(1).reason().find("not found"), std::string::npos);
  EXPECT_EQ(report.rejected(2).column(), 0);
  EXPECT_NE(report.rejected(2).reason().find("fields"), std::string::npos);
  EXPECT_EQ(EmployeeCount(), 3);

  // Importing the same file again changes nothing: all unchanged.
  report = import(4096, csv);
  EXPECT_EQ(report.accepted_count(), 0);
  EXPECT_EQ(report.unchanged_count(), 3);
  EXPECT_EQ(report.rejected_count(), 3);
  EXPECT_EQ(EmployeeCount(), 3);

  v1::ListEmployeesRequest by_unit;
  by_unit.set_parent("tenants/1504");
  by_unit.set_unit("tenants/1504/units/dukcapil");
  by_unit.set_page_size(1);
  v1::ListEmployeesResponse page;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListEmployees, by_unit, &page).ok());
  ASSERT_EQ(page.employees_size(), 1);
  EXPECT_FALSE(page.next_page_token().empty());
  by_unit.set_page_token(page.next_page_token());
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListEmployees, by_unit, &page).ok());
  ASSERT_EQ(page.employees_size(), 1);
  EXPECT_TRUE(page.next_page_token().empty());
  EXPECT_EQ(page.employees(0).unit(), "tenants/1504/units/dukcapil");

  // A newer roster moves Budi to dukcapil: one replaced.
  std::string moved = csv;
  moved.replace(moved.find("Budi Harahap,dinkes"), 19, "Budi Harahap,dukcapil");
  report = import(4096, moved);
  EXPECT_EQ(report.replaced_count(), 1);
  EXPECT_EQ(report.unchanged_count(), 2);
  EXPECT_EQ(report.accepted_count(), 0);
  EXPECT_EQ(EmployeeCount(), 3);
  by_unit.clear_page_token();
  by_unit.set_page_size(10);
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListEmployees, by_unit, &page).ok());
  EXPECT_EQ(page.employees_size(), 3);
}

TEST_F(EnrolmentServiceTest, TrainingsCarryTheirCohortsFollowUpWaves) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddEmployee(NipOf(1)).ok());
  // A programme with waves of its own (14 and 45 days), and one without.
  v1::CreateProgramRequest r;
  r.set_parent("tenants/1504");
  r.set_program_id("singkat");
  r.mutable_program()->set_title("Program singkat");
  r.mutable_program()->set_competency_type(v1::TEKNIS);
  r.mutable_program()->set_jp(8);
  r.mutable_program()->set_year(2026);
  r.mutable_program()->add_follow_up_offsets_days(14);
  r.mutable_program()->add_follow_up_offsets_days(45);
  v1::Program p;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::CreateProgram, r, &p).ok());
  ASSERT_TRUE(AddProgram("biasa", 8).ok());
  ASSERT_TRUE(AddCohort("singkat", "c1", absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 3), 5).ok());
  ASSERT_TRUE(AddCohort("biasa", "c1", absl::CivilDay(2026, 2, 2), absl::CivilDay(2026, 2, 3), 5).ok());
  v1::Enrolment e;
  ASSERT_TRUE(Enrol(CohortName("singkat", "c1"), NipOf(1), &e).ok());
  ASSERT_TRUE(Enrol(CohortName("biasa", "c1"), NipOf(1), &e).ok());

  v1::ListEmployeeTrainingsRequest tr;
  tr.set_parent("tenants/1504/employees/" + NipOf(1));
  v1::ListEmployeeTrainingsResponse trainings;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::ListEmployeeTrainings, tr, &trainings).ok());
  ASSERT_EQ(trainings.trainings_size(), 2);
  auto offsets = [](const v1::Training& t) {
    std::vector<int> out;
    for (const auto& w : t.follow_up_windows()) out.push_back(w.offset_days());
    return out;
  };
  EXPECT_EQ(trainings.trainings(0).cohort(), CohortName("singkat", "c1"));
  EXPECT_EQ(offsets(trainings.trainings(0)), (std::vector<int>{14, 45}));
  EXPECT_EQ(offsets(trainings.trainings(1)), (std::vector<int>{30, 60, 90}));
  // The same windows as the cohort's own.
  v1::GetCohortRequest g;
  g.set_name(CohortName("singkat", "c1"));
  v1::Cohort c;
  ASSERT_TRUE(Call(&v1::EnrolmentService::Stub::GetCohort, g, &c).ok());
  ASSERT_EQ(c.follow_up_windows_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(trainings.trainings(0).follow_up_windows(i).SerializeAsString(), c.follow_up_windows(i).SerializeAsString());
  }
}

TEST_F(EnrolmentServiceTest, ImportNamesEachRejectedRowsReasonCode) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddEmployee(NipOf(50)).ok());  // a supervisor in the roster
  const std::string h = "nip,name,unit,grade,employment_type,supervisor_nip\n";
  // One row of each kind of rejection, with the code it must carry; the
  // first row is valid, so that the rejections are seen among accepted rows.
  const std::vector<std::pair<std::string, std::string>> rows = {
      {NipOf(1) + ",Siti,dukcapil,III/a,PNS," + NipOf(50), ""},
      {"196602301988031001,Tanggal Salah,dukcapil,III/a,PNS,", "INVALID_NIP"},
      {NipOf(2) + ",,dukcapil,III/a,PNS,", "MISSING_NAME"},
      {NipOf(3) + "," + std::string(201, 'a') + ",dukcapil,III/a,PNS,", "NAME_TOO_LONG"},
      {NipOf(4) + ",Tanpa Unit,,III/a,PNS,", "MISSING_UNIT"},
      {NipOf(5) + ",Unit Asing,no-such-unit,III/a,PNS,", "UNKNOWN_UNIT"},
      {NipOf(6) + ",Unit Rusak,tenants/1504/dukcapil,III/a,PNS,", "INVALID_UNIT"},
      {NipOf(7) + ",Golongan Salah,dukcapil,Z/z,PNS,", "INVALID_GRADE"},
      {NipOf(8) + ",Honorer,dukcapil,III/a,honorer,", "INVALID_EMPLOYMENT_TYPE"},
      {NipOf(9) + ",Atasan Salah,dukcapil,III/a,PNS,123", "INVALID_SUPERVISOR_NIP"},
      {NipOf(10) + ",Atasan Sendiri,dukcapil,III/a,PNS," + NipOf(10), "OWN_SUPERVISOR"},
      {NipOf(11) + ",Atasan Belum Ada,dukcapil,III/a,PNS," + NipOf(60), "UNKNOWN_SUPERVISOR"},
      {NipOf(12) + ",Kurang Kolom,dukcapil", "FIELD_COUNT"},
      {NipOf(13) + "," + std::string(70 * 1024, 'x') + ",dukcapil,III/a,PNS,", "FIELD_TOO_LONG"},
  };
  std::string csv = h;
  for (const auto& [row, code] : rows) csv += row + "\n";
  grpc::ClientContext ctx;
  AttachTenant(ctx, "1504");
  type::v1::ImportResult report;
  auto writer = stub_->ImportEmployees(&ctx, &report);
  v1::ImportEmployeesRequest req;
  req.set_parent("tenants/1504");
  req.set_csv_chunk(csv);
  ASSERT_TRUE(writer->Write(req));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(report.state(), type::v1::COMPLETE);
  EXPECT_EQ(report.accepted_count(), 1);
  ASSERT_EQ(report.rejected_size(), static_cast<int>(rows.size()) - 1);
  for (int i = 0; i < report.rejected_size(); ++i) {
    const auto& e = report.rejected(i);
    EXPECT_EQ(e.row(), i + 3);  // header = 1, the valid row = 2
    EXPECT_EQ(e.code(), rows[i + 1].second) << e.row() << ": " << e.reason();
    EXPECT_FALSE(e.reason().empty());
  }
}

TEST_F(EnrolmentServiceTest, HealthTurnsNotServingWhileRedisIsDown) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  auto status = [&] {
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest req;
    req.set_service("pelita.enrolment.v1.EnrolmentService");
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = health->Check(&ctx, req, &resp);
    return s.ok() ? resp.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
  };
  EXPECT_EQ(status(), grpc::health::v1::HealthCheckResponse::SERVING);
  ASSERT_TRUE(redis_->Stop().ok());
  EXPECT_TRUE(testing::WaitFor(
      [&] { return status() == grpc::health::v1::HealthCheckResponse::NOT_SERVING; },
      absl::Seconds(5)));
  EXPECT_EQ(AddUnit("x").error_code(), StatusCode::UNAVAILABLE);
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(testing::WaitFor(
      [&] { return status() == grpc::health::v1::HealthCheckResponse::SERVING; },
      absl::Seconds(5)));
  EXPECT_TRUE(testing::WaitFor([&] { return AddUnit("x").ok(); }, absl::Seconds(5)));
}

TEST_F(EnrolmentServiceTest, ShutdownDrainsACallInFlight) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  // Open a streaming import and send half of it: the call is in flight.
  grpc::ClientContext ctx;
  AttachTenant(ctx, "1504");
  type::v1::ImportResult report;
  auto writer = stub_->ImportEmployees(&ctx, &report);
  v1::ImportEmployeesRequest first;
  first.set_parent("tenants/1504");
  first.set_csv_chunk("nip,name,unit,employment_type\n" + NipOf(1) + ",Siti,dukcapil,PNS\n");
  ASSERT_TRUE(writer->Write(first));
  ASSERT_TRUE(testing::WaitFor([&] { return server_->stats().InFlight() == 1; }, absl::Seconds(5)));
  // Shut down with a generous drain deadline while the call is open.
  std::thread stopper([&] { server_->Shutdown(absl::Seconds(10)); });
  // New calls are refused once shutdown began...
  ASSERT_TRUE(testing::WaitFor([&] { return !AddUnit("late").ok(); }, absl::Seconds(5)));
  // ...but the call in flight may finish, and its data are kept.
  v1::ImportEmployeesRequest rest;
  rest.set_csv_chunk(NipOf(2) + ",Budi,dukcapil,PNS\n");
  EXPECT_TRUE(writer->Write(rest));
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  stopper.join();
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(report.accepted_count(), 2);
  EXPECT_EQ(client_->Run({"HLEN", "enrolment:{1504}:emp"})->integer, 2);
}

TEST_F(EnrolmentServiceTest, NothingAcknowledgedIsLostAcrossRestarts) {
  ASSERT_TRUE(AddUnit("dukcapil").ok());
  ASSERT_TRUE(AddProgram("p", 12).ok());
  ASSERT_TRUE(AddCohort("p", "c", absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 3, 2), 2).ok());
  v1::Enrolment e;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(AddEmployee(NipOf(i)).ok());
    ASSERT_TRUE(Enrol(CohortName("p", "c"), NipOf(i), &e).ok());
  }
  // A clean restart of both, then a crash of Redis (SIGKILL): with the AOF
  // fsynced on every write, every acknowledged write survives both.
  StopService();
  ASSERT_TRUE(redis_->Restart().ok());
  StartService();
  ASSERT_TRUE(AddEmployee(NipOf(9)).ok());
  ASSERT_TRUE(redis_->Kill().ok());
  ASSERT_TRUE(redis_->Restart().ok());
  // Until Redis has loaded its file, calls fail: wait for the answer, not
  // for the first call to succeed.
  ASSERT_TRUE(testing::WaitFor([&] { return TryUnitCount() == 1; }, absl::Seconds(5)));
  EXPECT_EQ(EmployeeCount(), 4);
  EXPECT_EQ(StateOf(CohortName("p", "c"), NipOf(0)), v1::Enrolment::ENROLLED);
  EXPECT_EQ(StateOf(CohortName("p", "c"), NipOf(2)), v1::Enrolment::WAITLISTED);
}

}  // namespace
}  // namespace pelita::enrolment
