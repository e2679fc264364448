// Integration tests of the survey service over real gRPC: a real
// redis-server, and a real enrolment service (in-process) answering who is
// enrolled.  One test runs the pelita-survey binary and kills it mid-stream.

#include <csignal>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/ids/nip.h"
#include "lib/server/server.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "services/enrolment/domain.h"
#include "services/enrolment/grpc_service.h"
#include "services/survey/enrolment_roster.h"
#include "services/survey/grpc_service.h"
#include "services/tenant/local_registry.h"

namespace pelita::survey {
namespace {

namespace ev1 = ::pelita::enrolment::v1;
using grpc::StatusCode;

constexpr char kCohort[] = "tenants/1504/programs/latsar/cohorts/2026-a";

std::string NipOf(int i) {
  return MakeNip(absl::CivilDay(1965 + i % 20, 1 + i % 12, 1 + i % 28), absl::CivilMonth(2008, 3),
                 i % 2 ? Nip::Gender::kMale : Nip::Gender::kFemale, 1 + i % 900);
}

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                  const Req& req, Resp* resp, const std::string& tenant = "1504") {
  grpc::ClientContext ctx;
  if (!tenant.empty()) AttachTenant(ctx, tenant);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return (stub->*method)(&ctx, req, resp);
}

class SurveyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());
    // The enrolment service, in-process.
    enrolment_logic_ = std::make_unique<enrolment::EnrolmentLogic>(client_.get());
    enrolment_service_ = std::make_unique<enrolment::EnrolmentGrpcService>(enrolment_logic_.get());
    auto enrolment_server = StartLocalServer("enrolment", {enrolment_service_.get()}, client_.get());
    ASSERT_TRUE(enrolment_server.ok()) << enrolment_server.status();
    enrolment_server_ = *std::move(enrolment_server);
    enrolment_stub_ = ev1::EnrolmentService::NewStub(
        grpc::CreateChannel(enrolment_server_->address(), grpc::InsecureChannelCredentials()));
    SeedEnrolment();
    // The survey service, in-process.
    roster_source_ = std::make_unique<EnrolmentRoster>(
        grpc::CreateChannel(enrolment_server_->address(), grpc::InsecureChannelCredentials()));
    roster_ = std::make_unique<CachedRoster>(roster_source_.get(), absl::Seconds(30), absl::ZeroDuration());
    logic_ = std::make_unique<SurveyLogic>(client_.get(), roster_.get());
    service_ = std::make_unique<SurveyGrpcService>(logic_.get(), 64);
    auto server = StartLocalServer("survey", {service_.get()}, client_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::SurveyService::NewStub(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
    v1::InstallDefaultInstrumentsRequest inst;
    inst.set_parent("tenants/1504");
    v1::InstallDefaultInstrumentsResponse installed;
    ASSERT_TRUE(Call(stub_.get(), &v1::SurveyService::Stub::InstallDefaultInstruments, inst, &installed).ok());
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
    if (enrolment_server_) enrolment_server_->Shutdown(absl::Seconds(1));
  }

  // Unit dukcapil, 10 employees, cohort latsar/2026-a with 6 seats: NIPs 0-5
  // enrolled (5 then withdrawn), 6-7 wait-listed, 8-9 not enrolled.
  void SeedEnrolment() {
    auto ok = [](const grpc::Status& s) { ASSERT_TRUE(s.ok()) << s.error_message(); };
    ev1::CreateUnitRequest u;
    u.set_parent("tenants/1504");
    u.set_unit_id("dukcapil");
    u.mutable_unit()->set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
    ev1::Unit unit;
    ok(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateUnit, u, &unit));
    for (int i = 0; i < 10; ++i) {
      ev1::CreateEmployeeRequest e;
      e.set_parent("tenants/1504");
      e.mutable_employee()->set_nip(NipOf(i));
      e.mutable_employee()->set_full_name("Pegawai " + std::to_string(i));
      e.mutable_employee()->set_unit("tenants/1504/units/dukcapil");
      e.mutable_employee()->set_grade("III/a");
      e.mutable_employee()->set_employment_type(ev1::PNS);
      ev1::Employee emp;
      ok(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateEmployee, e, &emp));
    }
    ev1::CreateProgramRequest p;
    p.set_parent("tenants/1504");
    p.set_program_id("latsar");
    p.mutable_program()->set_title("Latsar CPNS");
    p.mutable_program()->set_competency_type(ev1::TEKNIS);
    p.mutable_program()->set_jp(40);
    p.mutable_program()->set_year(2026);
    ev1::Program prog;
    ok(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateProgram, p, &prog));
    ev1::CreateCohortRequest c;
    c.set_parent("tenants/1504/programs/latsar");
    c.set_cohort_id("2026-a");
    *c.mutable_cohort()->mutable_start_date() = enrolment::FromCivilDay(absl::CivilDay(2026, 12, 1));
    *c.mutable_cohort()->mutable_end_date() = enrolment::FromCivilDay(absl::CivilDay(2026, 12, 5));
    c.mutable_cohort()->set_capacity(6);
    ev1::Cohort cohort;
    ok(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateCohort, c, &cohort));
    for (int i = 0; i < 8; ++i) {
      ev1::CreateEnrolmentRequest r;
      r.set_parent(kCohort);
      r.mutable_enrolment()->set_employee("tenants/1504/employees/" + NipOf(i));
      ev1::Enrolment en;
      ok(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::CreateEnrolment, r, &en));
    }
    // Withdrawing 5 promotes 6 from the wait list; 7 stays wait-listed.
    ev1::WithdrawEnrolmentRequest w;
    w.set_name(std::string(kCohort) + "/enrolments/" + NipOf(5));
    ev1::Enrolment en;
    ok(Call(enrolment_stub_.get(), &ev1::EnrolmentService::Stub::WithdrawEnrolment, w, &en));
  }

  static v1::CreateResponseRequest Reaction(const std::string& id, const std::string& nip, int base) {
    v1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    v1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/reaksi-peserta");
    r.set_cohort(kCohort);
    r.set_respondent_nip(nip);
    const char* codes[] = {"M1", "M2", "M3", "I1", "I2", "I3", "F1", "F2", "F3", "P1", "P2", "P3"};
    for (int i = 0; i < 12; ++i) {
      v1::Answer* a = r.add_answers();
      a->set_item(codes[i]);
      a->set_number(1 + (base + i) % 5);
    }
    return req;
  }

  // An SKM answer about unit dukcapil in June 2026 (anonymous, no cohort:
  // the public answers as often as it is served, so streams of thousands
  // of them are what bulk ingestion carries).
  static v1::CreateResponseRequest Skm(const std::string& id, int base) {
    v1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    v1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/skm-permenpanrb-14-2017");
    r.set_unit("tenants/1504/units/dukcapil");
    r.mutable_submit_time()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, 6, 15, 3, 0, 0), absl::UTCTimeZone())));
    for (int u = 1; u <= 9; ++u) {
      v1::Answer* a = r.add_answers();
      a->set_item(absl::StrCat("U", u));
      a->set_number(1 + (base + u) % 4);
    }
    return req;
  }

  int64_t SkmCount(v1::SurveyService::Stub* stub) {
    v1::GetSkmAggregatesRequest q;
    q.set_name("tenants/1504/units/dukcapil/skmAggregates");
    q.set_start_period("2026-06");
    v1::SkmAggregates out;
    grpc::Status s = Call(stub, &v1::SurveyService::Stub::GetSkmAggregates, q, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.periods_size() ? out.periods(0).response_count() : -1;
  }

  v1::InstrumentAggregates Aggregates(v1::SurveyService::Stub* stub) {
    v1::GetCohortAggregatesRequest q;
    q.set_name(absl::StrCat(kCohort, "/surveyAggregates"));
    q.set_kind(v1::REACTION);
    v1::CohortAggregates out;
    grpc::Status s = Call(stub, &v1::SurveyService::Stub::GetCohortAggregates, q, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.instruments_size() ? out.instruments(0) : v1::InstrumentAggregates();
  }

  // Streams `reqs`; returns the acks read (stops early after `stop_after`).
  static std::vector<v1::ResponseAck> Stream(v1::SurveyService::Stub* stub,
                                             const std::vector<v1::CreateResponseRequest>& reqs,
                                             grpc::Status* status, size_t stop_after = SIZE_MAX,
                                             std::function<void()> on_stop = nullptr) {
    grpc::ClientContext ctx;
    AttachTenant(ctx, "1504");
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    auto stream = stub->StreamResponses(&ctx);
    std::thread writer([&] {
      for (const auto& r : reqs) {
        if (!stream->Write(r)) break;
      }
      stream->WritesDone();
    });
    std::vector<v1::ResponseAck> acks;
    v1::ResponseAck ack;
    while (stream->Read(&ack)) {
      acks.push_back(ack);
      if (acks.size() == stop_after && on_stop) on_stop();
    }
    writer.join();
    *status = stream->Finish();
    return acks;
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<enrolment::EnrolmentLogic> enrolment_logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_service_;
  std::unique_ptr<Server> enrolment_server_;
  std::unique_ptr<ev1::EnrolmentService::Stub> enrolment_stub_;
  std::unique_ptr<EnrolmentRoster> roster_source_;
  std::unique_ptr<CachedRoster> roster_;
  std::unique_ptr<SurveyLogic> logic_;
  std::unique_ptr<SurveyGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::SurveyService::Stub> stub_;
};

TEST_F(SurveyServiceTest, EnrolmentDecidesWhoMayAnswer) {
  v1::Response out;
  auto req = Reaction("u-1", NipOf(0), 1);
  ASSERT_TRUE(Call(stub_.get(), &v1::SurveyService::Stub::CreateResponse, req, &out).ok());
  EXPECT_EQ(out.name(), "tenants/1504/responses/u-1");
  EXPECT_TRUE(out.respondent_nip().empty());
  // Promoted from the wait list: enrolled.
  req = Reaction("u-2", NipOf(6), 1);
  EXPECT_TRUE(Call(stub_.get(), &v1::SurveyService::Stub::CreateResponse, req, &out).ok());
  // Withdrawn, wait-listed, never enrolled: refused.
  for (int i : {5, 7, 8}) {
    req = Reaction(absl::StrCat("u-x", i), NipOf(i), 1);
    grpc::Status s = Call(stub_.get(), &v1::SurveyService::Stub::CreateResponse, req, &out);
    EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION) << i << " " << s.error_message();
    EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "NOT_ENROLLED") << i;
  }
  // A cohort that does not exist, one of another tenant, no tenant at all.
  req = Reaction("u-3", NipOf(0), 1);
  req.mutable_response()->set_cohort("tenants/1504/programs/latsar/cohorts/nope");
  EXPECT_EQ(Call(stub_.get(), &v1::SurveyService::Stub::CreateResponse, req, &out).error_code(),
            StatusCode::NOT_FOUND);
  req = Reaction("u-4", NipOf(0), 1);
  EXPECT_EQ(Call(stub_.get(), &v1::SurveyService::Stub::CreateResponse, req, &out, "1571").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(stub_.get(), &v1::SurveyService::Stub::CreateResponse, req, &out, "").error_code(),
            StatusCode::UNAUTHENTICATED);

  // Response rate and non-respondents come from the same roster.
  v1::GetCohortAggregatesRequest q;
  q.set_name(absl::StrCat(kCohort, "/surveyAggregates"));
  v1::CohortAggregates agg;
  ASSERT_TRUE(Call(stub_.get(), &v1::SurveyService::Stub::GetCohortAggregates, q, &agg).ok());
  ASSERT_EQ(agg.instruments_size(), 1);
  EXPECT_EQ(agg.instruments(0).response_count(), 2);
  EXPECT_EQ(agg.instruments(0).enrolled_count(), 6);  // 0-4 and 6
}

// A participant's surveys and tests over gRPC: the caller comes from the
// call metadata, as the gateway forwards it.
TEST_F(SurveyServiceTest, ParticipantListsTheirOwnAnswerTasks) {
  auto as = [](const Caller& c) {
    return [c](grpc::ClientContext* ctx) {
      AttachCaller(*ctx, c);
      ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    };
  };
  const Caller organiser{"1504", "organiser", "org@bkpsdm"};
  const Caller me{"1504", "participant", NipOf(1)};
  // An identified reaction survey (the default one is anonymous).
  v1::CreateInstrumentRequest ci;
  ci.set_parent("tenants/1504");
  ci.set_instrument_id("kesan-latsar");
  ci.mutable_instrument()->set_title("Kesan Latsar");
  ci.mutable_instrument()->set_kind(v1::REACTION);
  ci.mutable_instrument()->set_anonymous(false);
  v1::Item* item = ci.mutable_instrument()->add_items();
  item->set_code("M1");
  item->set_text("Materi sesuai kebutuhan");
  item->set_type(v1::LIKERT);
  item->set_scale_min(1);
  item->set_scale_max(4);
  item->set_dimension(v1::MATERI);
  item->set_required(true);
  v1::Instrument created;
  ASSERT_TRUE(Call(stub_.get(), &v1::SurveyService::Stub::CreateInstrument, ci, &created).ok());
  v1::IssueAnswerLinksRequest ir;
  ir.set_cohort(kCohort);
  ir.set_instrument("tenants/1504/instruments/kesan-latsar");
  v1::IssueAnswerLinksResponse issued;
  {
    grpc::ClientContext ctx;
    as(organiser)(&ctx);
    grpc::Status s = stub_->IssueAnswerLinks(&ctx, ir, &issued);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  ASSERT_EQ(issued.links_size(), 6);  // NIPs 0-4 and 6
  auto list = [&](const Caller& c, const std::string& nip, v1::ListAnswerTasksResponse* out) {
    v1::ListAnswerTasksRequest r;
    r.set_parent("tenants/1504/employees/" + nip);
    grpc::ClientContext ctx;
    as(c)(&ctx);
    return stub_->ListAnswerTasks(&ctx, r, out);
  };
  v1::ListAnswerTasksResponse mine;
  grpc::Status s = list(me, NipOf(1), &mine);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(mine.tasks_size(), 1);
  EXPECT_EQ(mine.tasks(0).state(), v1::AnswerTask::OPEN);
  EXPECT_EQ(mine.tasks(0).instrument_title(), "Kesan Latsar");
  EXPECT_EQ(mine.tasks(0).instrument_kind(), v1::REACTION);
  // Answered with the listed token, by the public link RPC.
  v1::AnswerByLinkRequest ar;
  ar.set_token(mine.tasks(0).token());
  ar.set_response_id("grpc-task-1");
  v1::Answer* a = ar.add_answers();
  a->set_item("M1");
  a->set_number(3);
  v1::Response answered;
  s = Call(stub_.get(), &v1::SurveyService::Stub::AnswerByLink, ar, &answered, "");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(answered.respondent_nip(), NipOf(1));
  ASSERT_TRUE(list(me, NipOf(1), &mine).ok());
  ASSERT_EQ(mine.tasks_size(), 1);
  EXPECT_EQ(mine.tasks(0).state(), v1::AnswerTask::ANSWERED);
  EXPECT_TRUE(mine.tasks(0).token().empty());
  // Another participant's list: refused, naming the rule; the organiser reads it.
  v1::ListAnswerTasksResponse theirs;
  s = list(me, NipOf(2), &theirs);
  EXPECT_EQ(s.error_code(), StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(ErrorReason(FromGrpcStatus(s)), "OWN_TASKS_ONLY");
  EXPECT_EQ(theirs.tasks_size(), 0);
  ASSERT_TRUE(list(organiser, NipOf(2), &theirs).ok());
  ASSERT_EQ(theirs.tasks_size(), 1);
  EXPECT_EQ(theirs.tasks(0).state(), v1::AnswerTask::OPEN);
  // A bad name: INVALID_ARGUMENT with the field violation.
  s = list(organiser, "123", &theirs);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  auto v = FieldViolationsOf(FromGrpcStatus(s));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].first, "parent");
}

TEST_F(SurveyServiceTest, BatchAndStreamAcknowledgeEachResponse) {
  v1::BatchCreateResponsesRequest batch;
  batch.set_parent("tenants/1504");
  *batch.add_requests() = Reaction("b-1", NipOf(1), 1);
  *batch.add_requests() = Reaction("b-2", NipOf(9), 1);  // not enrolled
  *batch.add_requests() = Reaction("b-1", NipOf(1), 1);  // repeat
  v1::BatchCreateResponsesResponse results;
  ASSERT_TRUE(Call(stub_.get(), &v1::SurveyService::Stub::BatchCreateResponses, batch, &results).ok());
  ASSERT_EQ(results.results_size(), 3);
  EXPECT_EQ(results.results(0).code(), 0);
  EXPECT_EQ(results.results(1).code(), static_cast<int>(StatusCode::FAILED_PRECONDITION));
  EXPECT_TRUE(results.results(2).duplicate());

  // The anonymous reaction survey takes one answer per person.
  v1::Response second;
  EXPECT_EQ(Call(stub_.get(), &v1::SurveyService::Stub::CreateResponse, Reaction("b-3", NipOf(1), 2), &second)
                .error_code(),
            StatusCode::ALREADY_EXISTS);
  std::vector<v1::CreateResponseRequest> reqs;
  for (int i = 0; i < 500; ++i) {
    auto r = Skm(absl::StrCat("s-", i), i);
    if (i % 50 == 7) r.mutable_response()->mutable_answers(2)->set_number(9);
    reqs.push_back(r);
  }
  grpc::Status status;
  auto acks = Stream(stub_.get(), reqs, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(acks.size(), 500u);
  int rejected = 0;
  for (size_t i = 0; i < acks.size(); ++i) {
    EXPECT_EQ(acks[i].index(), static_cast<int64_t>(i));
    EXPECT_EQ(acks[i].response_id(), absl::StrCat("s-", i));
    if (acks[i].code() != 0) {
      ++rejected;
      EXPECT_NE(acks[i].message().find("item U3"), std::string::npos);
    }
  }
  EXPECT_EQ(rejected, 10);
  EXPECT_EQ(SkmCount(stub_.get()), 490);

  // CSV through gRPC, chunked.
  grpc::ClientContext ctx;
  AttachTenant(ctx, "1504");
  type::v1::ImportResult imported;
  auto writer = stub_->ImportResponsesCsv(&ctx, &imported);
  v1::ImportResponsesCsvRequest first;
  first.set_parent("tenants/1504");
  first.set_instrument("tenants/1504/instruments/reaksi-peserta");
  first.set_cohort(kCohort);
  first.set_csv_chunk("response_id,nip,M1,M2,M3,I1,I2,I3,F1,F2,F3,P1,P2,P3\n");
  ASSERT_TRUE(writer->Write(first));
  v1::ImportResponsesCsvRequest next;
  next.set_csv_chunk("c-1," + NipOf(2) + ",5,5,5,5,5,5,5,5,5,5,5,5\nc-2," + NipOf(3) + ",5,5");
  ASSERT_TRUE(writer->Write(next));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(imported.state(), type::v1::COMPLETE);
  EXPECT_EQ(imported.accepted_count(), 1);
  EXPECT_EQ(imported.rejected_count(), 1);
  EXPECT_EQ(imported.id_column(), "response_id");
}

// Kills the service process in the middle of a client stream, restarts it
// and resends the whole stream: every response is counted exactly once.
TEST_F(SurveyServiceTest, KillMidStreamAndRetryCountsEachResponseOnce) {
  auto port = testing::FreePort();
  ASSERT_TRUE(port.ok());
  auto dir = testing::MakeTempDir("survey-kill");
  ASSERT_TRUE(dir.ok());
  const std::string address = absl::StrCat("127.0.0.1:", *port);
  // The process serves the tenants of a registry (seeded with Jambi).
  auto registry = tenant::LocalRegistry::Start(client_.get());
  ASSERT_TRUE(registry.ok()) << registry.status();
  const std::vector<std::string> argv = {
      testing::BinDir() + "/services/survey/pelita-survey", "--listen", address, "--redis",
      redis_->address(), "--enrolment", enrolment_server_->address(), "--log_calls=false",
      "--stream_batch=32", "--registry", (*registry)->address()};
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = v1::SurveyService::NewStub(channel);
  auto wait_up = [&] {
    return testing::WaitFor(
        [&] {
          v1::GetInstrumentRequest g;
          g.set_name("tenants/1504/instruments/reaksi-peserta");
          v1::Instrument in;
          grpc::ClientContext ctx;
          AttachTenant(ctx, "1504");
          ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
          return stub->GetInstrument(&ctx, g, &in).ok();
        },
        absl::Seconds(20));
  };
  std::vector<v1::CreateResponseRequest> reqs;
  for (int i = 0; i < 4000; ++i) reqs.push_back(Skm(absl::StrCat("k-", i), i));

  testing::Subprocess service;
  ASSERT_TRUE(service.Start(argv, *dir + "/survey-1.log").ok());
  ASSERT_TRUE(wait_up());
  grpc::Status status;
  auto acks = Stream(stub.get(), reqs, &status, 300, [&] { (void)service.Stop(SIGKILL); });
  EXPECT_FALSE(status.ok()) << "the stream should have broken";
  EXPECT_GE(acks.size(), 300u);
  EXPECT_LT(acks.size(), reqs.size());
  const int64_t before = SkmCount(stub_.get());
  EXPECT_GE(before, 300);

  testing::Subprocess again;
  ASSERT_TRUE(again.Start(argv, *dir + "/survey-2.log").ok());
  ASSERT_TRUE(wait_up());
  acks = Stream(stub.get(), reqs, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(acks.size(), reqs.size());
  int64_t duplicates = 0;
  for (const auto& a : acks) {
    ASSERT_EQ(a.code(), 0) << a.message();
    duplicates += a.duplicate();
  }
  EXPECT_EQ(duplicates, before);
  EXPECT_EQ(SkmCount(stub_.get()), 4000);
  EXPECT_EQ(client_->Run({"XLEN", "survey:{1504}:responses"})->integer, 4000);
  EXPECT_EQ(client_->Run({"HLEN", "survey:{1504}:resp"})->integer, 4000);
  (void)again.Stop(SIGTERM);
  testing::RemoveTree(*dir);
}

}  // namespace
}  // namespace pelita::survey
