// What every service's main() wires, proved on the real binaries (the
// tenant registry, enrolment, survey, complaint, scoring and follow-up as
// processes on one real redis-server, each with --registry and
// --metrics_listen, as scripts/run.sh and Kubernetes start them):
//
// - Time zones from the registry: a regency in WITA (Kabupaten Badung,
//   Bali, Asia/Makassar) counts a satisfaction response given at 00:30 on
//   1 July in its own zone in July, while a WIB regency counts the same
//   instant (23:30 on 30 June there) in June.  Before the mains handed
//   their logic the registry's TimeZoneOf, every tenant was in WIB.
// - Metrics for every service: each main serves Prometheus /metrics with
//   the RPCs it answered by method and code, the latency histogram, its
//   Redis pool, and (for the services that follow a stream) follower lag.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "lib/metrics/http_get.h"
#include "lib/role/role.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "tests/mains/platform.h"
#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/tenant/v1/tenant.grpc.pb.h"

namespace pelita {
namespace {

namespace cv1 = ::pelita::complaint::v1;
namespace ev1 = ::pelita::enrolment::v1;
namespace tv1 = ::pelita::tenant::v1;
using testing::Subprocess;

constexpr const auto& kServices = mains::Platform::kServices;

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                  Resp* resp, const Caller& caller) {
  grpc::ClientContext ctx;
  AttachCaller(ctx, caller);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return (stub->*method)(&ctx, req, resp);
}

using mains::Platform;

class ServiceMainsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new Platform;
    const absl::Status s = platform_->StartAll();
    if (!s.ok()) {
      start_error_ = new std::string(s.ToString());
      return;
    }
    // Two regencies: Batang Hari (Jambi, WIB) and Badung (Bali, WITA), with
    // the zone the registry derives from the province.
    auto registry = tv1::TenantService::NewStub(platform_->Channel("tenant"));
    const Caller admin{"", std::string(RoleName(Role::kPlatformAdmin)), "test"};
    for (const auto& [code, display] : {std::pair<std::string, std::string>{"1504", "Kabupaten Batang Hari"},
                                        std::pair<std::string, std::string>{"5103", "Kabupaten Badung"}}) {
      tv1::CreateTenantRequest create;
      create.set_tenant_id(code);
      create.mutable_tenant()->set_display_name(display);
      tv1::Tenant created;
      const grpc::Status st = Call(registry.get(), &tv1::TenantService::Stub::CreateTenant, create, &created, admin);
      if (!st.ok()) {
        start_error_ = new std::string(absl::StrCat("CreateTenant ", code, ": ", st.error_message()));
        return;
      }
    }
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(start_error_, nullptr) << *start_error_; }

  // Creates a unit in enrolment, retrying until enrolment serves `tenant`
  // (its registry client learns a new tenant from the registry's events
  // within a poll).
  void CreateUnit(const std::string& tenant, const std::string& unit) {
    auto stub = ev1::EnrolmentService::NewStub(platform_->Channel("enrolment"));
    ev1::CreateUnitRequest r;
    r.set_parent("tenants/" + tenant);
    r.set_unit_id(unit);
    r.mutable_unit()->set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
    r.mutable_unit()->set_kind("dinas");
    r.mutable_unit()->set_monthly_service_volume(1000);
    grpc::Status st;
    ASSERT_TRUE(testing::WaitFor(
        [&] {
          ev1::Unit out;
          st = Call(stub.get(), &ev1::EnrolmentService::Stub::CreateUnit, r, &out,
                    Caller{tenant, "organiser", "test"});
          return st.ok() || st.error_code() == grpc::StatusCode::ALREADY_EXISTS;
        },
        absl::Seconds(10), absl::Milliseconds(50)))
        << st.error_message();
  }

  static Platform* platform_;
  static std::string* start_error_;
};

Platform* ServiceMainsTest::platform_ = nullptr;
std::string* ServiceMainsTest::start_error_ = nullptr;

google::protobuf::Timestamp Utc(int y, int mo, int d, int h, int mi) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::UTCTimeZone())));
  return t;
}

TEST_F(ServiceMainsTest, EachRegencyCountsItsSkmMonthInItsOwnZone) {
  auto complaint = cv1::ComplaintService::NewStub(platform_->Channel("complaint"));
  for (const std::string tenant : {"1504", "5103"}) {
    CreateUnit(tenant, "dukcapil");
    // 16:30 UTC on 30 June: 23:30 on 30 June in WIB, 00:30 on 1 July in WITA.
    cv1::RecordSatisfactionResponseRequest r;
    r.set_parent("tenants/" + tenant);
    r.mutable_response()->set_name(absl::StrCat("tenants/", tenant, "/responses/midnight"));
    r.mutable_response()->set_unit(absl::StrCat("tenants/", tenant, "/units/dukcapil"));
    *r.mutable_response()->mutable_time() = Utc(2026, 6, 30, 16, 30);
    for (int i = 0; i < 9; ++i) r.mutable_response()->add_scores(4);
    cv1::RecordSatisfactionResponseResponse ok;
    grpc::Status st;
    ASSERT_TRUE(testing::WaitFor(
        [&] {
          st = Call(complaint.get(), &cv1::ComplaintService::Stub::RecordSatisfactionResponse, r, &ok,
                    Caller{tenant, "organiser", "test"});
          return st.ok();
        },
        absl::Seconds(10), absl::Milliseconds(50)))
        << tenant << ": " << st.error_message();
  }
  auto respondents = [&](const std::string& tenant, const std::string& period) -> int64_t {
    cv1::GetSatisfactionRequest g;
    g.set_name(absl::StrCat("tenants/", tenant, "/units/dukcapil/satisfaction"));
    g.set_period(period);
    cv1::Satisfaction s;
    const grpc::Status st = Call(complaint.get(), &cv1::ComplaintService::Stub::GetSatisfaction, g, &s,
                                 Caller{tenant, "organiser", "test"});
    EXPECT_TRUE(st.ok()) << tenant << " " << period << ": " << st.error_message();
    return s.respondents();
  };
  EXPECT_EQ(respondents("1504", "2026-06"), 1);
  EXPECT_EQ(respondents("1504", "2026-07"), 0);
  EXPECT_EQ(respondents("5103", "2026-06"), 0);
  EXPECT_EQ(respondents("5103", "2026-07"), 1);
}

TEST_F(ServiceMainsTest, EveryServiceServesItsMetrics) {
  // One call answered by each service, so that its RPC series exist: a
  // health check is an RPC like any other to the interceptor.
  for (const char* name : kServices) {
    auto stub = grpc::health::v1::Health::NewStub(platform_->Channel(name));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    ASSERT_TRUE(stub->Check(&ctx, req, &resp).ok()) << name;
  }
  // A refused call is counted under its code.
  {
    auto stub = cv1::ComplaintService::NewStub(platform_->Channel("complaint"));
    cv1::GetSatisfactionRequest g;
    g.set_name("tenants/1504/units/dukcapil");  // Not the singleton's name.
    cv1::Satisfaction s;
    ASSERT_EQ(Call(stub.get(), &cv1::ComplaintService::Stub::GetSatisfaction, g, &s,
                   Caller{"1504", "organiser", "test"})
                  .error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  for (const char* name : kServices) {
    SCOPED_TRACE(name);
    const bool follows = std::string(name) == "complaint" || std::string(name) == "scoring" ||
                         std::string(name) == "followup";
    std::string body;
    // The follower's lag gauges appear after its first round over the
    // registry's tenants.
    const bool complete = testing::WaitFor(
        [&] {
          auto b = metrics::HttpGetLocal(platform_->metrics_port(name), "/metrics");
          if (!b.ok()) return false;
          body = *b;
          return absl::StrContains(body, "grpc_method=\"Check\"") &&
                 (!follows || absl::StrContains(body, "pelita_events_pending{"));
        },
        absl::Seconds(10), absl::Milliseconds(50));
    EXPECT_TRUE(complete) << body.substr(0, 2000);
    EXPECT_TRUE(absl::StrContains(body, "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Check\","
                                        "grpc_service=\"grpc.health.v1.Health\"}"));
    EXPECT_TRUE(absl::StrContains(body, "grpc_server_handling_seconds_bucket{grpc_method=\"Check\","
                                        "grpc_service=\"grpc.health.v1.Health\",le="));
    EXPECT_TRUE(absl::StrContains(body, absl::StrCat("pelita_redis_pool_idle_connections{client=\"", name, "\"}")));
    if (follows) {
      EXPECT_TRUE(absl::StrContains(body, "pelita_events_pending{")) << "follower lag";
      EXPECT_TRUE(absl::StrContains(body, "pelita_events_oldest_pending_age_seconds{")) << "follower lag";
    }
  }
  auto complaint = metrics::HttpGetLocal(platform_->metrics_port("complaint"), "/metrics");
  ASSERT_TRUE(complaint.ok());
  EXPECT_TRUE(absl::StrContains(*complaint, "grpc_server_handled_total{grpc_code=\"INVALID_ARGUMENT\","
                                            "grpc_method=\"GetSatisfaction\","
                                            "grpc_service=\"pelita.complaint.v1.ComplaintService\"}"));
}

}  // namespace
}  // namespace pelita
