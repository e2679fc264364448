// Latency of a cohort's evaluation report for a cohort of 10 responses and
// one of --responses (default 10,000) responses: the report reads survey
// aggregates kept at write time, so its cost must not grow with the number
// of responses (target: within 20 %).  One person gives one answer (issue
// 13), so each response is a participant's: the large cohort has --responses
// participants (at most 10,000, a cohort's capacity), and the report also
// reads that cohort's sets of people (who answered, who holds a token).
//
// Real enrolment, survey, complaint and scoring services in-process on
// port 0 over real gRPC, one real redis-server.  Every measured call is
// GetEvaluation with refresh=true (cache bypassed: the full computation and
// its round trips); the two cohorts are measured interleaved, --rounds each.
//
//   build-scoring/bench/scoring/scoring_bench [--responses=10000] [--rounds=50]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "lib/ids/nip.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "services/complaint/complaint.h"
#include "services/complaint/enrolment_units.h"
#include "services/complaint/grpc_service.h"
#include "services/enrolment/domain.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/grpc_service.h"
#include "services/scoring/complaint_source.h"
#include "services/scoring/grpc_service.h"
#include "services/scoring/grpc_sources.h"
#include "services/survey/enrolment_roster.h"
#include "services/survey/grpc_service.h"
#include "services/survey/roster.h"
#include "services/survey/survey.h"

ABSL_FLAG(int64_t, responses, 10000, "reaction responses (= participants) of the large cohort, at most 10000");
ABSL_FLAG(int64_t, small, 10, "reaction responses (= participants) of the small cohort");
ABSL_FLAG(int, rounds, 50, "measured reports per cohort");

namespace {

using namespace pelita;  // NOLINT
namespace ev1 = ::pelita::enrolment::v1;
namespace sv1 = ::pelita::survey::v1;

std::string NipOf(int i) {
  // Distinct for i < 15 * 12 * 28 * 2 * 999.
  return MakeNip(absl::CivilDay(1965 + i % 15, 1 + (i / 15) % 12, 1 + (i / 180) % 28), absl::CivilMonth(2000, 3),
                 (i / 5040) % 2 ? Nip::Gender::kMale : Nip::Gender::kFemale, 1 + (i / 10080) % 999);
}

template <typename Stub, typename Req, typename Resp>
void Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
          Resp* resp) {
  grpc::ClientContext ctx;
  AttachCaller(ctx, Caller{"1504", "organiser", "bench"});
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  grpc::Status s = (stub->*method)(&ctx, req, resp);
  if (!s.ok()) {
    std::fprintf(stderr, "rpc failed: %s\n", s.error_message().c_str());
    std::exit(1);
  }
}

double Percentile(std::vector<double> xs, double p) {
  std::sort(xs.begin(), xs.end());
  return xs[static_cast<size_t>(p * (xs.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto rs = testing::RedisServer::Start();
  if (!rs.ok()) {
    std::fprintf(stderr, "redis: %s\n", rs.status().ToString().c_str());
    return 1;
  }
  redis::Options ro = (*rs)->options();
  ro.max_idle = 64;
  redis::Client redis(ro);
  auto start = [&](const char* name, grpc::Service* s) {
    auto server = StartLocalServer(name, {s}, &redis);
    if (!server.ok()) std::exit(1);
    return *std::move(server);
  };
  auto channel = [](const std::unique_ptr<Server>& s) {
    return grpc::CreateChannel(s->address(), grpc::InsecureChannelCredentials());
  };
  enrolment::EnrolmentLogic enrolment_logic(&redis);
  enrolment::EnrolmentGrpcService enrolment_service(&enrolment_logic);
  auto enrolment_server = start("enrolment", &enrolment_service);
  survey::EnrolmentRoster roster_source(channel(enrolment_server));
  survey::CachedRoster roster(&roster_source, absl::Seconds(300), absl::ZeroDuration());
  survey::SurveyLogic survey_logic(&redis, &roster);
  survey::SurveyGrpcService survey_service(&survey_logic, 64);
  auto survey_server = start("survey", &survey_service);
  complaint::EnrolmentUnitDirectory units(channel(enrolment_server));
  complaint::ComplaintLogic complaint_logic(&redis, &units);
  complaint::ComplaintGrpcService complaint_service(&complaint_logic);
  auto complaint_server = start("complaint", &complaint_service);
  scoring::GrpcEnrolmentSource es(channel(enrolment_server));
  scoring::GrpcSurveySource ss(channel(survey_server));
  auto cs = scoring::MakeComplaintSource(channel(complaint_server));
  scoring::ScoringLogic scoring_logic(&redis, &es, &ss, cs.get());
  scoring::ScoringGrpcService scoring_service(&scoring_logic);
  auto scoring_server = start("scoring", &scoring_service);
  auto est = ev1::EnrolmentService::NewStub(channel(enrolment_server));
  auto sst = sv1::SurveyService::NewStub(channel(survey_server));
  auto score = scoring::v1::ScoringService::NewStub(channel(scoring_server));

  const int64_t small_n = absl::GetFlag(FLAGS_small), large_n = absl::GetFlag(FLAGS_responses);
  for (const char* u : {"disdukcapil", "dinsos", "dinkes"}) {
    ev1::CreateUnitRequest req;
    req.set_parent("tenants/1504");
    req.set_unit_id(u);
    req.mutable_unit()->set_display_name(u);
    req.mutable_unit()->set_monthly_service_volume(3000);
    ev1::Unit out;
    Call(est.get(), &ev1::EnrolmentService::Stub::CreateUnit, req, &out);
  }
  for (int i = 0; i < small_n + large_n; ++i) {
    ev1::CreateEmployeeRequest req;
    req.set_parent("tenants/1504");
    req.mutable_employee()->set_nip(NipOf(i));
    req.mutable_employee()->set_full_name("Pegawai");
    req.mutable_employee()->set_unit("tenants/1504/units/disdukcapil");
    req.mutable_employee()->set_employment_type(ev1::PNS);
    ev1::Employee out;
    Call(est.get(), &ev1::EnrolmentService::Stub::CreateEmployee, req, &out);
  }
  ev1::CreateProgramRequest preq;
  preq.set_parent("tenants/1504");
  preq.set_program_id("bench");
  preq.mutable_program()->set_title("Bench");
  preq.mutable_program()->set_jp(30);
  preq.mutable_program()->set_competency_type(ev1::TEKNIS);
  preq.mutable_program()->set_year(2026);
  preq.mutable_program()->set_cost_per_participant(1'000'000);
  ev1::Program prog;
  Call(est.get(), &ev1::EnrolmentService::Stub::CreateProgram, preq, &prog);
  sv1::InstallDefaultInstrumentsRequest inst;
  inst.set_parent("tenants/1504");
  sv1::InstallDefaultInstrumentsResponse installed;
  Call(sst.get(), &sv1::SurveyService::Stub::InstallDefaultInstruments, inst, &installed);

  const char* codes[] = {"M1", "M2", "M3", "I1", "I2", "I3", "F1", "F2", "F3", "P1", "P2", "P3"};
  auto seed = [&](const std::string& id, int first_nip, int64_t responses) {
    const int participants = static_cast<int>(responses);
    const std::string cohort = "tenants/1504/programs/bench/cohorts/" + id;
    ev1::CreateCohortRequest c;
    c.set_parent("tenants/1504/programs/bench");
    c.set_cohort_id(id);
    *c.mutable_cohort()->mutable_start_date() = enrolment::FromCivilDay(absl::CivilDay(2026, 3, 2));
    *c.mutable_cohort()->mutable_end_date() = enrolment::FromCivilDay(absl::CivilDay(2026, 3, 6));
    c.mutable_cohort()->set_capacity(participants);
    ev1::Cohort out;
    Call(est.get(), &ev1::EnrolmentService::Stub::CreateCohort, c, &out);
    for (int i = 0; i < participants; ++i) {
      ev1::CreateEnrolmentRequest e;
      e.set_parent(cohort);
      e.mutable_enrolment()->set_employee("tenants/1504/employees/" + NipOf(first_nip + i));
      ev1::Enrolment en;
      Call(est.get(), &ev1::EnrolmentService::Stub::CreateEnrolment, e, &en);
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t done = 0; done < responses;) {
      sv1::BatchCreateResponsesRequest b;
      b.set_parent("tenants/1504");
      for (int k = 0; k < 1000 && done < responses; ++k, ++done) {
        sv1::CreateResponseRequest* r = b.add_requests();
        r->set_parent("tenants/1504");
        r->set_response_id(absl::StrCat(id, "-", done));
        sv1::Response& x = *r->mutable_response();
        x.set_instrument("tenants/1504/instruments/reaksi-peserta");
        x.set_cohort(cohort);
        x.set_respondent_nip(NipOf(first_nip + static_cast<int>(done)));
        for (int j = 0; j < 12; ++j) {
          sv1::Answer* a = x.add_answers();
          a->set_item(codes[j]);
          a->set_number(1 + (done * 7 + j * 3) % 5);
        }
      }
      sv1::BatchCreateResponsesResponse out;
      Call(sst.get(), &sv1::SurveyService::Stub::BatchCreateResponses, b, &out);
      for (const auto& ack : out.results()) {
        if (ack.code() != 0) {
          std::fprintf(stderr, "response rejected: %s\n", ack.message().c_str());
          return std::string();
        }
      }
    }
    std::printf("seeded %s: %lld responses in %.1f s\n", id.c_str(), static_cast<long long>(responses),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return cohort;
  };
  const std::string small = seed("kecil", 0, small_n);
  const std::string large = seed("besar", static_cast<int>(small_n), large_n);
  if (small.empty() || large.empty()) return 1;

  auto report = [&](const std::string& cohort, int64_t* rpcs) {
    scoring::v1::GetEvaluationRequest r;
    r.set_name(cohort + "/evaluation");
    r.set_refresh(true);
    scoring::v1::Evaluation ev;
    const int64_t before = enrolment_server->stats().Total() + survey_server->stats().Total() +
                           complaint_server->stats().Total();
    const auto t0 = std::chrono::steady_clock::now();
    Call(score.get(), &scoring::v1::ScoringService::Stub::GetEvaluation, r, &ev);
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    *rpcs = enrolment_server->stats().Total() + survey_server->stats().Total() + complaint_server->stats().Total() -
            before;
    return std::make_pair(us, ev);
  };
  int64_t rpcs_small = 0, rpcs_large = 0;
  auto [w1, ev_small] = report(small, &rpcs_small);  // warm-up
  auto [w2, ev_large] = report(large, &rpcs_large);
  // Calls the services make among themselves (e.g. the survey service's
  // roster cache refreshing) land in whichever report runs then: report
  // the fewest and the most seen.
  int64_t min_small = INT64_MAX, min_large = INT64_MAX;
  std::printf("check: small cohort reaction n = %lld, large cohort reaction n = %lld\n",
              static_cast<long long>(ev_small.reaction().dimensions(0).score().inputs().at("respondents")),
              static_cast<long long>(ev_large.reaction().dimensions(0).score().inputs().at("respondents")));
  std::vector<double> a, b;
  for (int i = 0; i < absl::GetFlag(FLAGS_rounds); ++i) {
    int64_t n1 = 0, n2 = 0;
    a.push_back(report(small, &n1).first);
    b.push_back(report(large, &n2).first);
    rpcs_small = std::max(rpcs_small, n1);
    rpcs_large = std::max(rpcs_large, n2);
    min_small = std::min(min_small, n1);
    min_large = std::min(min_large, n2);
  }
  const double pa = Percentile(a, 0.5), pb = Percentile(b, 0.5);
  std::printf("| cohort | responses | backend RPCs per report | p50 ms | p90 ms |\n|---|---|---|---|---|\n");
  std::printf("| small | %lld | %lld-%lld | %.2f | %.2f |\n", static_cast<long long>(absl::GetFlag(FLAGS_small)),
              static_cast<long long>(min_small), static_cast<long long>(rpcs_small), pa / 1000,
              Percentile(a, 0.9) / 1000);
  std::printf("| large | %lld | %lld-%lld | %.2f | %.2f |\n", static_cast<long long>(absl::GetFlag(FLAGS_responses)),
              static_cast<long long>(min_large), static_cast<long long>(rpcs_large), pb / 1000,
              Percentile(b, 0.9) / 1000);
  std::printf("p50 ratio large/small: %.2f (target <= 1.20)\n", pb / pa);
  for (auto* s : {&scoring_server, &complaint_server, &survey_server, &enrolment_server}) (*s)->Shutdown(absl::Seconds(1));
  // The round trips of a report must not depend on the number of responses.
  return min_small == min_large ? 0 : 2;
}
