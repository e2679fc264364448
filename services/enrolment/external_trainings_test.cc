// Training done outside Pelita (SIASN rw-kursus / rw-diklat) in the 20 JP
// figure: ReplaceExternalTrainings, ListExternalTrainings and what
// GetLearningHours and ListUnitCompliance make of them, over real gRPC
// against a real redis-server started by the test.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "lib/ids/nip.h"
#include "lib/server/server.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"
#include "lib/time/time.h"
#include "services/enrolment/domain.h"
#include "services/enrolment/grpc_service.h"

namespace pelita::enrolment {
namespace {

using grpc::StatusCode;
using Stub = v1::EnrolmentService::Stub;

class ExternalTrainingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());
    logic_ = std::make_unique<EnrolmentLogic>(client_.get(), [this] { return now_.load(); });
    service_ = std::make_unique<EnrolmentGrpcService>(logic_.get());
    ServerOptions options;
    options.name = "enrolment";
    options.health_services = {v1::EnrolmentService::service_full_name()};
    options.log_calls = false;
    server_ = std::make_unique<Server>(options, std::vector<grpc::Service*>{service_.get()}, client_.get());
    ASSERT_TRUE(server_->Start().ok());
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::EnrolmentService::NewStub(channel_);
    ASSERT_TRUE(Internal(&Stub::CreateUnit, UnitRequest("dukcapil"), &unit_).ok());
    ASSERT_TRUE(Internal(&Stub::CreateUnit, UnitRequest("dinkes"), &unit_).ok());
  }

  void TearDown() override { server_->Shutdown(absl::Seconds(2)); }

  // Calls `method` as `caller` (an internal call: no role).
  template <typename Req, typename Resp>
  grpc::Status CallAs(const Caller& caller, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                      const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, caller);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (stub_.get()->*method)(&ctx, req, resp);
  }
  template <typename Req, typename Resp>
  grpc::Status Internal(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                        Resp* resp) {
    return CallAs(Caller{"1504", "", ""}, method, req, resp);
  }

  static v1::CreateUnitRequest UnitRequest(const std::string& id) {
    v1::CreateUnitRequest r;
    r.set_parent("tenants/1504");
    r.set_unit_id(id);
    r.mutable_unit()->set_display_name("Unit " + id);
    return r;
  }

  static std::string NipOf(int i) {
    return MakeNip(absl::CivilDay(1980 + i, 1 + i, 1 + i), absl::CivilMonth(2015, 3),
                   i % 2 ? pelita::Nip::Gender::kMale : pelita::Nip::Gender::kFemale, 1 + i);
  }
  static std::string EmployeeName(const std::string& nip) { return "tenants/1504/employees/" + nip; }

  void AddEmployee(const std::string& nip, const std::string& unit = "dukcapil",
                   const std::string& supervisor = "") {
    v1::CreateEmployeeRequest r;
    r.set_parent("tenants/1504");
    r.mutable_employee()->set_nip(nip);
    r.mutable_employee()->set_full_name("Pegawai " + nip.substr(0, 6));
    r.mutable_employee()->set_unit("tenants/1504/units/" + unit);
    r.mutable_employee()->set_employment_type(v1::PNS);
    r.mutable_employee()->set_supervisor_nip(supervisor);
    v1::Employee e;
    grpc::Status s = Internal(&Stub::CreateEmployee, r, &e);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Completes `nip` in a `jp` programme whose only cohort ended on `end`,
  // with the given certificate number.
  void CompletePelita(const std::string& program, int jp, absl::CivilDay end, const std::string& nip,
                      const std::string& certificate) {
    v1::CreateProgramRequest p;
    p.set_parent("tenants/1504");
    p.set_program_id(program);
    p.mutable_program()->set_title("Program " + program);
    p.mutable_program()->set_competency_type(v1::TEKNIS);
    p.mutable_program()->set_jp(jp);
    p.mutable_program()->set_year(end.year());
    v1::Program program_out;
    grpc::Status s = Internal(&Stub::CreateProgram, p, &program_out);
    if (s.error_code() != StatusCode::ALREADY_EXISTS) {
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    const std::string cohort_id = "c" + nip.substr(14);
    v1::CreateCohortRequest c;
    c.set_parent("tenants/1504/programs/" + program);
    c.set_cohort_id(cohort_id);
    *c.mutable_cohort()->mutable_start_date() = FromCivilDay(end - 1);
    *c.mutable_cohort()->mutable_end_date() = FromCivilDay(end);
    c.mutable_cohort()->set_capacity(10);
    c.mutable_cohort()->add_instructors("Dr. Nurlela");
    v1::Cohort cohort;
    s = Internal(&Stub::CreateCohort, c, &cohort);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::CreateEnrolmentRequest e;
    e.set_parent(cohort.name());
    e.mutable_enrolment()->set_employee(EmployeeName(nip));
    v1::Enrolment enrolment;
    s = Internal(&Stub::CreateEnrolment, e, &enrolment);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::CompleteEnrolmentRequest done;
    done.set_name(enrolment.name());
    done.set_certificate_number(certificate);
    s = Internal(&Stub::CompleteEnrolment, done, &enrolment);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(enrolment.state(), v1::Enrolment::COMPLETED);
  }

  static v1::ExternalTraining Record(const std::string& source, const std::string& id, int jp,
                                     absl::CivilDay end, const std::string& certificate = "") {
    v1::ExternalTraining t;
    t.set_source(source);
    t.set_source_id(id);
    t.set_title("Pelatihan " + id);
    t.set_institution("BPSDM Provinsi Jambi");
    t.set_jp(jp);
    *t.mutable_start_date() = FromCivilDay(end - 2);
    *t.mutable_end_date() = FromCivilDay(end);
    t.set_certificate_number(certificate);
    return t;
  }

  grpc::Status Replace(const std::string& nip, const std::string& source,
                       const std::vector<v1::ExternalTraining>& records,
                       v1::ReplaceExternalTrainingsResponse* out) {
    v1::ReplaceExternalTrainingsRequest r;
    r.set_parent(EmployeeName(nip));
    r.set_source(source);
    for (const auto& t : records) *r.add_trainings() = t;
    return Internal(&Stub::ReplaceExternalTrainings, r, out);
  }

  std::vector<v1::ExternalTraining> List(const std::string& nip) {
    v1::ListExternalTrainingsRequest r;
    r.set_parent(EmployeeName(nip));
    v1::ListExternalTrainingsResponse out;
    grpc::Status s = Internal(&Stub::ListExternalTrainings, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {out.trainings().begin(), out.trainings().end()};
  }

  v1::LearningHours Hours(const std::string& nip, int year) {
    v1::GetLearningHoursRequest r;
    r.set_name(EmployeeName(nip) + "/learningHours");
    r.set_year(year);
    v1::LearningHours out;
    grpc::Status s = Internal(&Stub::GetLearningHours, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // The compliance row of `unit` in `year`.
  v1::UnitCompliance Compliance(const std::string& unit, int year) {
    v1::ListUnitComplianceRequest r;
    r.set_parent("tenants/1504");
    r.set_year(year);
    v1::ListUnitComplianceResponse out;
    grpc::Status s = Internal(&Stub::ListUnitCompliance, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const auto& u : out.units()) {
      if (u.unit() == "tenants/1504/units/" + unit) return u;
    }
    ADD_FAILURE() << "no row for " << unit;
    return {};
  }

  std::atomic<absl::Time> now_{absl::FromCivil(absl::CivilSecond(2026, 11, 29, 9, 0, 0),
                                               *LoadIndonesianTimeZone(kWib))};
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<EnrolmentLogic> logic_;
  std::unique_ptr<EnrolmentGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  v1::Unit unit_;
};

TEST_F(ExternalTrainingsTest, ReplaceIsIdempotentAndRemovesWhatTheSourceNoLongerHolds) {
  const std::string a = NipOf(1);
  AddEmployee(a);
  const absl::Time first = now_.load();
  v1::ReplaceExternalTrainingsResponse resp;
  const auto k1 = Record("siasn-kursus", "K-1", 8, absl::CivilDay(2026, 3, 10));
  const auto k2 = Record("siasn-kursus", "K-2", 4, absl::CivilDay(2026, 7, 1));
  ASSERT_TRUE(Replace(a, "siasn-kursus", {k1, k2}, &resp).ok());
  EXPECT_EQ(resp.added(), 2);
  EXPECT_EQ(resp.changed(), 0);
  EXPECT_EQ(resp.removed(), 0);
  ASSERT_EQ(resp.trainings_size(), 2);
  EXPECT_EQ(resp.trainings(0).name(), EmployeeName(a) + "/externalTrainings/siasn-kursus.K-1");
  EXPECT_EQ(FromTimestamp(resp.trainings(0).update_time()), first);
  const auto d1 = Record("siasn-diklat", "D-1", 10, absl::CivilDay(2026, 5, 2));
  ASSERT_TRUE(Replace(a, "siasn-diklat", {d1}, &resp).ok());
  EXPECT_EQ(resp.added(), 1);

  // The same set again, later: nothing changes, not even the update time.
  now_ = first + absl::Hours(24);
  auto stored = client_->Run({"HGETALL", "enrolment:{1504}:extsum:" + a});
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(Replace(a, "siasn-kursus", {k2, k1}, &resp).ok());
  EXPECT_EQ(resp.added(), 0);
  EXPECT_EQ(resp.changed(), 0);
  EXPECT_EQ(resp.removed(), 0);
  for (const auto& t : resp.trainings()) EXPECT_EQ(FromTimestamp(t.update_time()), first) << t.name();
  auto again = client_->Run({"HGETALL", "enrolment:{1504}:extsum:" + a});
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->elements.size(), stored->elements.size());
  for (size_t i = 0; i < again->elements.size(); ++i) EXPECT_EQ(again->elements[i].str, stored->elements[i].str);

  // Newest end date first, both sources.
  auto list = List(a);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].source_id(), "K-2");
  EXPECT_EQ(list[1].source_id(), "D-1");
  EXPECT_EQ(list[2].source_id(), "K-1");
  EXPECT_EQ(list[2].title(), "Pelatihan K-1");
  EXPECT_EQ(list[2].institution(), "BPSDM Provinsi Jambi");

  // K-1 changed, K-2 gone from SIASN: the diklat record is untouched.
  auto k1_changed = k1;
  k1_changed.set_jp(9);
  ASSERT_TRUE(Replace(a, "siasn-kursus", {k1_changed}, &resp).ok());
  EXPECT_EQ(resp.added(), 0);
  EXPECT_EQ(resp.changed(), 1);
  EXPECT_EQ(resp.removed(), 1);
  EXPECT_EQ(FromTimestamp(resp.trainings(0).update_time()), first + absl::Hours(24));
  list = List(a);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].source_id(), "D-1");
  EXPECT_EQ(FromTimestamp(list[0].update_time()), first);
  EXPECT_EQ(list[1].jp(), 9);
  EXPECT_EQ(Hours(a, 2026).external_jp(), 19);

  // An empty set removes the source's records.
  ASSERT_TRUE(Replace(a, "siasn-kursus", {}, &resp).ok());
  EXPECT_EQ(resp.removed(), 1);
  list = List(a);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].source(), "siasn-diklat");
  EXPECT_EQ(Hours(a, 2026).external_jp(), 10);
  EXPECT_EQ(Compliance("dukcapil", 2026).mean_jp(), 10.0);

  // Deleted from the roster: the records and their count go too.
  v1::DeleteEmployeeRequest del;
  del.set_name(EmployeeName(a));
  google::protobuf::Empty empty;
  ASSERT_TRUE(Internal(&Stub::DeleteEmployee, del, &empty).ok());
  for (const std::string& key : {"ext:" + a, "extsum:" + a, "extyears:" + a}) {
    EXPECT_EQ(client_->Run({"EXISTS", "enrolment:{1504}:" + key})->integer, 0) << key;
  }
  EXPECT_EQ(client_->Run({"HEXISTS", "enrolment:{1504}:extjp:2026", a})->integer, 0);
  AddEmployee(a);
  EXPECT_TRUE(List(a).empty());
}

TEST_F(ExternalTrainingsTest, BadInputNamesEveryFieldAndStoresNothing) {
  const std::string a = NipOf(1);
  AddEmployee(a);
  v1::ReplaceExternalTrainingsResponse resp;
  const auto kept = Record("siasn-kursus", "K-0", 5, absl::CivilDay(2026, 1, 5));
  ASSERT_TRUE(Replace(a, "siasn-kursus", {kept}, &resp).ok());

  std::string title_300, title_301;
  for (int i = 0; i < 300; ++i) title_300 += "é";  // 300 characters, 600 bytes
  title_301 = title_300 + "a";
  std::vector<v1::ExternalTraining> bad = {Record("siasn-kursus", "K-1", 4, absl::CivilDay(2026, 2, 1))};
  bad[0].set_title(title_300);  // allowed: characters are counted, not bytes
  bad.push_back(Record("siasn-kursus", "K-2", 1001, absl::CivilDay(2026, 2, 1)));
  bad.push_back(Record("siasn-diklat", "K-3", 2, absl::CivilDay(2026, 2, 1)));
  bad.push_back(Record("siasn-kursus", "K-1", 2, absl::CivilDay(2026, 2, 1)));
  bad.push_back(Record("siasn-kursus", "K-4", 2, absl::CivilDay(2026, 2, 1)));
  bad.back().clear_end_date();
  bad.push_back(Record("siasn-kursus", "K-5", 2, absl::CivilDay(2026, 2, 1)));
  *bad.back().mutable_start_date() = FromCivilDay(absl::CivilDay(2026, 2, 2));
  bad.push_back(Record("siasn-kursus", "K-6", 2, absl::CivilDay(2026, 2, 1)));
  bad.back().set_title(title_301);
  bad.push_back(Record("siasn-kursus", "K 7", 2, absl::CivilDay(2026, 2, 1)));
  bad.push_back(Record("siasn-kursus", "K-8", 2, absl::CivilDay(2026, 2, 1)));
  bad.back().mutable_end_date()->set_day(30);
  bad.back().mutable_end_date()->set_month(2);
  grpc::Status s = Replace(a, "siasn-kursus", bad, &resp);
  ASSERT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  for (const auto& [field, problem] : FieldViolationsOf(FromGrpcStatus(s))) fields.push_back(field);
  EXPECT_EQ(fields, (std::vector<std::string>{"trainings[1].jp", "trainings[2].source", "trainings[3].source_id",
                                              "trainings[4].end_date", "trainings[5].start_date",
                                              "trainings[6].title", "trainings[7].source_id",
                                              "trainings[8].end_date"}));

  // A bad source, too many records, an unknown employee.
  s = Replace(a, "SIASN_kursus", {}, &resp);
  ASSERT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(FieldViolationsOf(FromGrpcStatus(s)).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(FromGrpcStatus(s))[0].first, "source");
  std::vector<v1::ExternalTraining> many;
  for (int i = 0; i < 1001; ++i) {
    many.push_back(Record("siasn-kursus", absl::StrCat("L-", i), 1, absl::CivilDay(2026, 2, 1)));
  }
  s = Replace(a, "siasn-kursus", many, &resp);
  ASSERT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolationsOf(FromGrpcStatus(s))[0].first, "trainings");
  many.pop_back();
  EXPECT_EQ(Replace(NipOf(2), "siasn-kursus", many, &resp).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(client_->Run({"EXISTS", "enrolment:{1504}:ext:" + NipOf(2)})->integer, 0);

  // Nothing of it was stored.
  auto list = List(a);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].source_id(), "K-0");
  EXPECT_EQ(Hours(a, 2026).external_jp(), 5);

  // 1000 records are allowed.
  ASSERT_TRUE(Replace(a, "siasn-kursus", many, &resp).ok());
  EXPECT_EQ(resp.added(), 1000);
  EXPECT_EQ(resp.removed(), 1);
  EXPECT_EQ(Hours(a, 2026).external_jp(), 1000);
}

TEST_F(ExternalTrainingsTest, LearningHoursCountPushedAndCrossSourceDuplicatesOnce) {
  const std::string a = NipOf(1);
  AddEmployee(a);
  CompletePelita("adm", 12, absl::CivilDay(2026, 2, 11), a, "BKPSDM/2026/001");
  v1::ReplaceExternalTrainingsResponse resp;
  ASSERT_TRUE(Replace(a, "siasn-kursus",
                      {// Pelita's own training, pushed to SIASN and read back.
                       Record("siasn-kursus", "K-1", 12, absl::CivilDay(2026, 2, 11), " BKPSDM/2026/001 "),
                       // The same LAN course in both sources.
                       Record("siasn-kursus", "K-2", 6, absl::CivilDay(2026, 3, 1), "LAN-77"),
                       // Last year's.
                       Record("siasn-kursus", "K-3", 3, absl::CivilDay(2025, 12, 31))},
                      &resp)
                  .ok());
  ASSERT_TRUE(Replace(a, "siasn-diklat",
                      {Record("siasn-diklat", "D-1", 6, absl::CivilDay(2026, 3, 1), "LAN-77"),
                       Record("siasn-diklat", "D-2", 3, absl::CivilDay(2026, 6, 1))},
                      &resp)
                  .ok());
  v1::LearningHours h = Hours(a, 2026);
  EXPECT_EQ(h.pelita_jp(), 12);
  EXPECT_EQ(h.external_jp(), 9);
  EXPECT_EQ(h.jp(), 21);
  EXPECT_TRUE(h.compliant());
  EXPECT_EQ(h.completed_enrolments_size(), 1);
  ASSERT_EQ(h.external_trainings_size(), 2);
  EXPECT_EQ(h.external_trainings(0).source_id(), "D-2");
  EXPECT_EQ(h.external_trainings(1).source_id(), "D-1");  // siasn-diklat before siasn-kursus
  ASSERT_EQ(h.duplicates_size(), 1);
  EXPECT_EQ(h.duplicates(0).source_id(), "K-1");
  // The unit's figure says the same.
  EXPECT_EQ(Compliance("dukcapil", 2026).mean_jp(), 21.0);
  h = Hours(a, 2025);
  EXPECT_EQ(h.pelita_jp(), 0);
  EXPECT_EQ(h.external_jp(), 3);
  EXPECT_FALSE(h.compliant());
  EXPECT_EQ(Compliance("dukcapil", 2025).mean_jp(), 3.0);
}

TEST_F(ExternalTrainingsTest, ComplianceCountsTrainingDoneOutsidePelita) {
  const std::string a = NipOf(1), b = NipOf(2), c = NipOf(3), d = NipOf(4);
  for (const auto& nip : {a, b, c, d}) AddEmployee(nip);
  AddEmployee(NipOf(5), "dinkes");
  v1::ReplaceExternalTrainingsResponse resp;
  // a: 12 JP in Pelita and 8 outside; b: 20 outside only; c: nothing.
  CompletePelita("adm", 12, absl::CivilDay(2026, 2, 11), a, "");
  ASSERT_TRUE(Replace(a, "siasn-kursus", {Record("siasn-kursus", "K-1", 8, absl::CivilDay(2026, 4, 1))}, &resp).ok());
  ASSERT_TRUE(Replace(b, "siasn-diklat", {Record("siasn-diklat", "D-1", 20, absl::CivilDay(2026, 9, 1))}, &resp).ok());
  // d: a record whose certificate a Pelita completion issues only later.
  ASSERT_TRUE(
      Replace(d, "siasn-kursus", {Record("siasn-kursus", "K-1", 20, absl::CivilDay(2026, 2, 11), "X-1")}, &resp).ok());
  v1::UnitCompliance u = Compliance("dukcapil", 2026);
  EXPECT_EQ(u.employee_count(), 4);
  EXPECT_EQ(u.compliant_count(), 3);
  EXPECT_DOUBLE_EQ(u.compliant_share(), 0.75);
  EXPECT_DOUBLE_EQ(u.mean_jp(), (20.0 + 20 + 0 + 20) / 4);
  EXPECT_TRUE(Hours(b, 2026).compliant());
  EXPECT_EQ(Hours(b, 2026).pelita_jp(), 0);
  EXPECT_EQ(Compliance("dinkes", 2026).compliant_count(), 0);

  // d completes the Pelita training the record was: it counts once, as Pelita's.
  CompletePelita("teknis", 16, absl::CivilDay(2026, 2, 11), d, "X-1");
  v1::LearningHours h = Hours(d, 2026);
  EXPECT_EQ(h.pelita_jp(), 16);
  EXPECT_EQ(h.external_jp(), 0);
  EXPECT_EQ(h.duplicates_size(), 1);
  u = Compliance("dukcapil", 2026);
  EXPECT_EQ(u.compliant_count(), 2);
  EXPECT_DOUBLE_EQ(u.mean_jp(), (20.0 + 20 + 0 + 16) / 4);

  // b's record is gone from SIASN: b no longer counts.
  ASSERT_TRUE(Replace(b, "siasn-diklat", {}, &resp).ok());
  u = Compliance("dukcapil", 2026);
  EXPECT_EQ(u.compliant_count(), 1);
  EXPECT_FALSE(Hours(b, 2026).compliant());
}

TEST_F(ExternalTrainingsTest, ReachIsAsForLearningHours) {
  const std::string boss = NipOf(1), staff = NipOf(2), other = NipOf(3);
  AddEmployee(boss);
  AddEmployee(staff, "dukcapil", boss);
  AddEmployee(other, "dinkes");
  v1::ReplaceExternalTrainingsResponse resp;
  ASSERT_TRUE(
      Replace(staff, "siasn-kursus", {Record("siasn-kursus", "K-1", 8, absl::CivilDay(2026, 4, 1))}, &resp).ok());
  v1::ListExternalTrainingsRequest r;
  v1::ListExternalTrainingsResponse out;
  auto list_as = [&](const Caller& caller, const std::string& nip) {
    r.set_parent(EmployeeName(nip));
    return CallAs(caller, &Stub::ListExternalTrainings, r, &out);
  };
  EXPECT_TRUE(list_as(Caller{"1504", "participant", staff}, staff).ok());
  EXPECT_EQ(out.trainings_size(), 1);
  grpc::Status s = list_as(Caller{"1504", "participant", other}, staff);
  EXPECT_EQ(s.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "OUTSIDE_REACH");
  EXPECT_TRUE(list_as(Caller{"1504", "supervisor", boss}, staff).ok());
  EXPECT_EQ(list_as(Caller{"1504", "supervisor", boss}, other).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(list_as(Caller{"1504", "agency_head", "x", "tenants/1504/units/dukcapil"}, staff).ok());
  EXPECT_EQ(list_as(Caller{"1504", "agency_head", "x", "tenants/1504/units/dukcapil"}, other).error_code(),
            StatusCode::PERMISSION_DENIED);
  // GetLearningHours holds them to the same people.
  v1::GetLearningHoursRequest lh;
  lh.set_name(EmployeeName(staff) + "/learningHours");
  v1::LearningHours hours;
  EXPECT_EQ(CallAs(Caller{"1504", "participant", other}, &Stub::GetLearningHours, lh, &hours).error_code(),
            StatusCode::PERMISSION_DENIED);
  // Another tenant's caller reaches nothing; a participant writes nothing.
  EXPECT_EQ(list_as(Caller{"1505", "", ""}, staff).error_code(), StatusCode::PERMISSION_DENIED);
  v1::ReplaceExternalTrainingsRequest w;
  w.set_parent(EmployeeName(staff));
  w.set_source("siasn-kursus");
  EXPECT_EQ(CallAs(Caller{"1504", "participant", staff}, &Stub::ReplaceExternalTrainings, w, &resp).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(staff).size(), 1u);
}

}  // namespace
}  // namespace pelita::enrolment
