// The end-to-end fixture of the scoring tests: the real enrolment, survey,
// complaint and scoring services in process on port 0 over real gRPC, one
// real redis-server, and helpers that build data through the services'
// public RPCs as an organiser would.
#ifndef PELITA_SERVICES_SCORING_E2E_FIXTURE_H_
#define PELITA_SERVICES_SCORING_E2E_FIXTURE_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/ids/nip.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "services/complaint/complaint.h"
#include "services/complaint/enrolment_units.h"
#include "services/complaint/grpc_service.h"
#include "services/enrolment/domain.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"
#include "services/scoring/complaint_source.h"
#include "services/scoring/performance_source.h"
#include "services/performance/grpc_service.h"
#include "services/performance/roster.h"
#include "services/scoring/grpc_service.h"
#include "services/scoring/grpc_sources.h"
#include "services/survey/enrolment_roster.h"
#include "services/survey/grpc_service.h"
#include "services/survey/roster.h"
#include "services/survey/survey.h"

namespace pelita::scoring {

namespace ev1 = ::pelita::enrolment::v1;
namespace sv1 = ::pelita::survey::v1;
namespace cv1 = ::pelita::complaint::v1;

#define ASSERT_RPC(expr)                                         \
  do {                                                           \
    grpc::Status _s = (expr);                                    \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.error_message(); \
  } while (0)

inline Caller Organiser(const std::string& tenant = "1504") { return Caller{tenant, "organiser", "test"}; }

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                  Resp* resp, const Caller& caller = Organiser()) {
  grpc::ClientContext ctx;
  AttachCaller(ctx, caller);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return (stub->*method)(&ctx, req, resp);
}

// 12:00 WIB of a day.
inline google::protobuf::Timestamp Noon(absl::CivilDay d) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), 5, 0, 0), absl::UTCTimeZone())));
  return t;
}

// A valid NIP per (tenant-unique) index.
inline std::string NipOf(int i) {
  return MakeNip(absl::CivilDay(1960 + i % 20, 1 + i % 12, 1 + i % 28), absl::CivilMonth(2000, 3),
                 i % 2 ? Nip::Gender::kMale : Nip::Gender::kFemale, 1 + i);
}

class ScoringEndToEndTest : public ::testing::Test {
 protected:
  // The tenants the scoring service serves (province 15, Jambi).
  std::vector<std::string> Tenants() const { return {"1504", "1501", "1502", "1505", "1571"}; }

  void SetUp() override {
    auto r = testing::RedisServer::Start();
    ASSERT_TRUE(r.ok()) << r.status();
    redis_server_ = std::move(*r);
    redis_ = std::make_unique<redis::Client>(redis_server_->options());
    auto start = [&](const char* name, grpc::Service* s) {
      auto server = StartLocalServer(name, {s}, redis_.get());
      EXPECT_TRUE(server.ok()) << name << ": " << server.status();
      return server.ok() ? *std::move(server) : nullptr;
    };
    auto channel = [](const std::unique_ptr<Server>& s) {
      return grpc::CreateChannel(s->address(), grpc::InsecureChannelCredentials());
    };
    enrolment_logic_ = std::make_unique<enrolment::EnrolmentLogic>(redis_.get());
    enrolment_service_ = std::make_unique<enrolment::EnrolmentGrpcService>(enrolment_logic_.get());
    enrolment_server_ = start("enrolment", enrolment_service_.get());
    ASSERT_NE(enrolment_server_, nullptr);
    roster_source_ = std::make_unique<survey::EnrolmentRoster>(channel(enrolment_server_));
    roster_ = std::make_unique<survey::CachedRoster>(roster_source_.get(), absl::Seconds(30), absl::ZeroDuration());
    survey_logic_ = std::make_unique<survey::SurveyLogic>(redis_.get(), roster_.get());
    survey_service_ = std::make_unique<survey::SurveyGrpcService>(survey_logic_.get(), 64);
    survey_server_ = start("survey", survey_service_.get());
    ASSERT_NE(survey_server_, nullptr);
    units_ = std::make_unique<complaint::EnrolmentUnitDirectory>(channel(enrolment_server_));
    complaint_logic_ = std::make_unique<complaint::ComplaintLogic>(redis_.get(), units_.get());
    complaint_service_ = std::make_unique<complaint::ComplaintGrpcService>(complaint_logic_.get());
    complaint_server_ = start("complaint", complaint_service_.get());
    ASSERT_NE(complaint_server_, nullptr);

    enrolment_stub_ = ev1::EnrolmentService::NewStub(channel(enrolment_server_));
    survey_stub_ = sv1::SurveyService::NewStub(channel(survey_server_));
    complaint_stub_ = cv1::ComplaintService::NewStub(channel(complaint_server_));

    performance_roster_ = std::make_unique<performance::EnrolmentRoster>(channel(enrolment_server_));
    performance_logic_ = std::make_unique<performance::PerformanceLogic>(redis_.get(), performance_roster_.get());
    performance_service_ = std::make_unique<performance::PerformanceGrpcService>(performance_logic_.get());
    performance_server_ = start("performance", performance_service_.get());
    ASSERT_NE(performance_server_, nullptr);
    performance_stub_ = performance::v1::PerformanceService::NewStub(channel(performance_server_));
    performance_source_ = std::make_unique<GrpcPerformanceSource>(channel(performance_server_));

    enrolment_source_ = std::make_unique<GrpcEnrolmentSource>(channel(enrolment_server_));
    survey_source_ = std::make_unique<GrpcSurveySource>(channel(survey_server_));
    complaint_source_ = MakeComplaintSource(channel(complaint_server_));
    ScoringOptions so;
    so.tenants = Tenants();
    so.tenant_source = tenant_source_;
    so.performance = performance_source_.get();
    scoring_logic_ = std::make_unique<ScoringLogic>(redis_.get(), enrolment_source_.get(), survey_source_.get(),
                                                    complaint_source_.get(), so);
    scoring_service_ = std::make_unique<ScoringGrpcService>(scoring_logic_.get());
    scoring_server_ = start("scoring", scoring_service_.get());
    ASSERT_NE(scoring_server_, nullptr);
    scoring_stub_ = v1::ScoringService::NewStub(channel(scoring_server_));
  }

  // Set before SetUp to serve the tenants of a registry instead of Tenants().
  events::TenantSource* tenant_source_ = nullptr;

  void TearDown() override {
    for (auto* s : {&scoring_server_, &performance_server_, &complaint_server_, &survey_server_, &enrolment_server_}) {
      if (*s) (*s)->Shutdown(absl::Seconds(1));
    }
  }

  // --- Data through the services' RPCs, as an organiser of `tenant`.
  void CreateUnit(const std::string& tenant, const std::string& id, int64_t volume) {
    ev1::CreateUnitRequest req;
    req.set_parent("tenants/" + tenant);
    req.set_unit_id(id);
    req.mutable_unit()->set_display_name("Unit " + id);
    req.mutable_unit()->set_monthly_service_volume(volume);
    ev1::Unit out;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateUnit, req, &out, Organiser(tenant)));
  }
  // `supervisor`: the employee's supervisor_nip (atasan langsung), if any.
  void CreateEmployee(const std::string& tenant, const std::string& nip, const std::string& unit,
                      const std::string& supervisor = "") {
    ev1::CreateEmployeeRequest req;
    req.set_parent("tenants/" + tenant);
    req.mutable_employee()->set_nip(nip);
    req.mutable_employee()->set_full_name("Pegawai " + nip.substr(14));
    req.mutable_employee()->set_unit(absl::StrCat("tenants/", tenant, "/units/", unit));
    req.mutable_employee()->set_employment_type(ev1::PNS);
    if (!supervisor.empty()) req.mutable_employee()->set_supervisor_nip(supervisor);
    ev1::Employee out;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateEmployee, req, &out, Organiser(tenant)));
  }
  // `tenants/{t}/programs/{id}`, year 2026, 20 JP.
  void CreateProgram(const std::string& tenant, const std::string& id, int64_t cost_per_participant) {
    ev1::CreateProgramRequest req;
    req.set_parent("tenants/" + tenant);
    req.set_program_id(id);
    req.mutable_program()->set_title("Program " + id);
    req.mutable_program()->set_competency_type(ev1::TEKNIS);
    req.mutable_program()->set_jp(20);
    req.mutable_program()->set_year(2026);
    req.mutable_program()->set_cost_per_participant(cost_per_participant);
    ev1::Program out;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateProgram, req, &out, Organiser(tenant)));
  }
  void CreateCohort(const std::string& program, const std::string& id, absl::CivilDay start, absl::CivilDay end,
                    const std::vector<std::string>& instructors) {
    const std::string tenant = program.substr(8, 4);
    ev1::CreateCohortRequest c;
    c.set_parent(program);
    c.set_cohort_id(id);
    *c.mutable_cohort()->mutable_start_date() = enrolment::FromCivilDay(start);
    *c.mutable_cohort()->mutable_end_date() = enrolment::FromCivilDay(end);
    c.mutable_cohort()->set_capacity(60);
    for (const auto& i : instructors) c.mutable_cohort()->add_instructors(i);
    ev1::Cohort cohort;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateCohort, c, &cohort, Organiser(tenant)));
  }
  void Enrol(const std::string& cohort, const std::string& nip, bool complete = true) {
    const std::string tenant = cohort.substr(8, 4);
    ev1::CreateEnrolmentRequest req;
    req.set_parent(cohort);
    req.mutable_enrolment()->set_employee(absl::StrCat("tenants/", tenant, "/employees/", nip));
    ev1::Enrolment out;
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateEnrolment, req, &out, Organiser(tenant)));
    if (!complete) return;
    ev1::CompleteEnrolmentRequest done;
    done.set_name(absl::StrCat(cohort, "/enrolments/", nip));
    ASSERT_RPC(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CompleteEnrolment, done, &out, Organiser(tenant)));
  }
  void InstallDefaults(const std::string& tenant) {
    sv1::InstallDefaultInstrumentsRequest req;
    req.set_parent("tenants/" + tenant);
    sv1::InstallDefaultInstrumentsResponse out;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::InstallDefaultInstruments, req, &out,
                    Organiser(tenant)));
  }
  // An identified reaction instrument `tenants/{t}/instruments/reaksi-id`:
  // one 1-5 Likert item per dimension, M1 I1 F1 P1.
  void CreateIdentifiedReaction(const std::string& tenant) {
    sv1::CreateInstrumentRequest ci;
    ci.set_parent("tenants/" + tenant);
    ci.set_instrument_id("reaksi-id");
    sv1::Instrument& in = *ci.mutable_instrument();
    in.set_title("Reaksi peserta (teridentifikasi)");
    in.set_kind(sv1::REACTION);
    in.set_anonymous(false);
    for (auto [code, dim] : {std::pair{"M1", sv1::MATERI}, std::pair{"I1", sv1::INSTRUKTUR},
                             std::pair{"F1", sv1::FASILITAS}, std::pair{"P1", sv1::PENYELENGGARAAN}}) {
      sv1::Item* item = in.add_items();
      item->set_code(code);
      item->set_text(std::string("Butir ") + code);
      item->set_type(sv1::LIKERT);
      item->set_scale_min(1);
      item->set_scale_max(5);
      item->set_dimension(dim);
      item->set_required(true);
    }
    sv1::Instrument created;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::CreateInstrument, ci, &created, Organiser(tenant)));
  }
  // One participant's answers (M1, I1, F1, P1) to reaksi-id.
  void PostReaction(const std::string& cohort, const std::string& nip, const std::vector<int>& answers) {
    const std::string tenant = cohort.substr(8, 4);
    sv1::CreateResponseRequest req;
    req.set_parent("tenants/" + tenant);
    req.set_response_id(absl::StrCat("r-", cohort.substr(cohort.rfind('/') + 1), "-", nip));
    sv1::Response& r = *req.mutable_response();
    r.set_instrument(absl::StrCat("tenants/", tenant, "/instruments/reaksi-id"));
    r.set_cohort(cohort);
    r.set_respondent_nip(nip);
    const char* codes[] = {"M1", "I1", "F1", "P1"};
    for (size_t j = 0; j < answers.size(); ++j) {
      sv1::Answer* a = r.add_answers();
      a->set_item(codes[j]);
      a->set_number(answers[j]);
    }
    sv1::Response out;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::CreateResponse, req, &out, Organiser(tenant)));
  }
  // A supervisor's follow-up about `subject` (the default instrument
  // tindak-lanjut-atasan): DITERAPKAN ya/tidak and the rubric R1-R4 at 3,
  // submitted 30 days after the cohort's `end` (inside the 30-day wave).
  // `supervisor` must be the subject's recorded supervisor_nip.
  void PostFollowup(const std::string& cohort, const std::string& supervisor, const std::string& subject,
                    bool applied, absl::CivilDay end) {
    const std::string tenant = cohort.substr(8, 4);
    sv1::CreateResponseRequest req;
    req.set_parent("tenants/" + tenant);
    req.set_response_id(absl::StrCat("tl-", cohort.substr(cohort.rfind('/') + 1), "-", subject));
    sv1::Response& r = *req.mutable_response();
    r.set_instrument(absl::StrCat("tenants/", tenant, "/instruments/tindak-lanjut-atasan"));
    r.set_cohort(cohort);
    r.set_respondent_nip(supervisor);
    r.set_subject_nip(subject);
    *r.mutable_submit_time() = Noon(end + 30);
    sv1::Answer* a = r.add_answers();
    a->set_item("DITERAPKAN");
    a->set_yes(applied);
    for (const char* code : {"R1", "R2", "R3", "R4"}) {
      sv1::Answer* b = r.add_answers();
      b->set_item(code);
      b->set_number(3);
    }
    sv1::Response out;
    ASSERT_RPC(Call(survey_stub_.get(), &sv1::SurveyService::Stub::CreateResponse, req, &out, Organiser(tenant)));
  }
  // A complaint received on `day`.
  void PostComplaint(const std::string& tenant, const std::string& id, const std::string& unit, absl::CivilDay day) {
    cv1::RecordComplaintUpdateRequest req;
    req.set_parent("tenants/" + tenant);
    req.set_complaint_id(id);
    req.set_unit(absl::StrCat("tenants/", tenant, "/units/", unit));
    req.set_classification(cv1::PENGADUAN);
    req.set_category("pelayanan");
    req.set_title("Keluhan layanan");
    req.set_status(cv1::RECEIVED);
    *req.mutable_time() = Noon(day);
    cv1::Complaint out;
    ASSERT_RPC(Call(complaint_stub_.get(), &cv1::ComplaintService::Stub::RecordComplaintUpdate, req, &out,
                    Organiser(tenant)));
  }
  // `count` complaints spread evenly over [from, to].
  void PostComplaints(const std::string& tenant, const std::string& unit, int count, absl::CivilDay from,
                      absl::CivilDay to, const std::string& prefix) {
    for (int k = 0; k < count; ++k) {
      const absl::CivilDay day = from + (count > 1 ? (k * (to - from)) / (count - 1) : 0);
      PostComplaint(tenant, absl::StrCat(prefix, "-", unit, "-", k), unit, day);
    }
  }
  // An organiser's data_since for a unit.
  void SetDataSince(const std::string& tenant, const std::string& unit, absl::CivilDay day) {
    cv1::UpdateDataCoverageRequest up;
    up.mutable_coverage()->set_name(absl::StrCat("tenants/", tenant, "/units/", unit, "/dataCoverage"));
    up.mutable_coverage()->mutable_data_since()->set_year(static_cast<int32_t>(day.year()));
    up.mutable_coverage()->mutable_data_since()->set_month(day.month());
    up.mutable_coverage()->mutable_data_since()->set_day(day.day());
    cv1::DataCoverage out;
    ASSERT_RPC(Call(complaint_stub_.get(), &cv1::ComplaintService::Stub::UpdateDataCoverage, up, &out,
                    Organiser(tenant)));
  }

  v1::Evaluation Evaluation(const std::string& cohort, const Caller& caller = Organiser(), bool refresh = false) {
    v1::GetEvaluationRequest req;
    req.set_name(cohort + "/evaluation");
    req.set_refresh(refresh);
    v1::Evaluation ev;
    grpc::Status st = Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetEvaluation, req, &ev, caller);
    EXPECT_TRUE(st.ok()) << cohort << ": " << st.error_message();
    return ev;
  }
  v1::RollUpEvaluationsResponse RollUp(v1::RollUpEvaluationsRequest::GroupBy by, const Caller& caller = Organiser()) {
    v1::RollUpEvaluationsRequest req;
    req.set_parent("tenants/" + caller.tenant);
    req.set_year(2026);
    req.set_group_by(by);
    v1::RollUpEvaluationsResponse out;
    grpc::Status st = Call(scoring_stub_.get(), &v1::ScoringService::Stub::RollUpEvaluations, req, &out, caller);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }
  v1::RankProgramsResponse Rank(const Caller& caller = Organiser()) {
    v1::RankProgramsRequest req;
    req.set_parent("tenants/" + caller.tenant);
    req.set_year(2026);
    v1::RankProgramsResponse out;
    grpc::Status st = Call(scoring_stub_.get(), &v1::ScoringService::Stub::RankPrograms, req, &out, caller);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<enrolment::EnrolmentLogic> enrolment_logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_service_;
  std::unique_ptr<survey::EnrolmentRoster> roster_source_;
  std::unique_ptr<survey::CachedRoster> roster_;
  std::unique_ptr<survey::SurveyLogic> survey_logic_;
  std::unique_ptr<survey::SurveyGrpcService> survey_service_;
  std::unique_ptr<complaint::EnrolmentUnitDirectory> units_;
  std::unique_ptr<complaint::ComplaintLogic> complaint_logic_;
  std::unique_ptr<complaint::ComplaintGrpcService> complaint_service_;
  std::unique_ptr<Server> enrolment_server_, survey_server_, complaint_server_, scoring_server_, performance_server_;
  std::unique_ptr<performance::EnrolmentRoster> performance_roster_;
  std::unique_ptr<performance::PerformanceLogic> performance_logic_;
  std::unique_ptr<performance::PerformanceGrpcService> performance_service_;
  std::unique_ptr<performance::v1::PerformanceService::Stub> performance_stub_;
  std::unique_ptr<GrpcPerformanceSource> performance_source_;
  std::unique_ptr<ev1::EnrolmentService::Stub> enrolment_stub_;
  std::unique_ptr<sv1::SurveyService::Stub> survey_stub_;
  std::unique_ptr<cv1::ComplaintService::Stub> complaint_stub_;
  std::unique_ptr<GrpcEnrolmentSource> enrolment_source_;
  std::unique_ptr<GrpcSurveySource> survey_source_;
  std::unique_ptr<ComplaintSource> complaint_source_;
  std::unique_ptr<ScoringLogic> scoring_logic_;
  std::unique_ptr<ScoringGrpcService> scoring_service_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_stub_;
};

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_E2E_FIXTURE_H_
