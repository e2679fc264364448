// Fault test of the performance service (issue 18): a CSV of 3,600 months
// streamed to the real binary, which is killed (SIGKILL) part-way through
// and started again; then the same file is imported again, as the import
// contract tells a client to do after an interrupted import.  Every month
// is stored once, at revision 1, with the figures of the file: 0 lost,
// 0 counted twice.

#include <functional>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "lib/testing/subprocess.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/performance/v1/performance.grpc.pb.h"
#include "tests/fault/platform.h"

namespace pelita::fault {
namespace {

namespace ev1 = ::pelita::enrolment::v1;
namespace pv1 = ::pelita::performance::v1;

constexpr int kUnits = 20, kTypes = 3, kMonths = 60;  // 2021-12 .. 2026-11
constexpr int kRows = kUnits * kTypes * kMonths;

std::string UnitId(int u) { return absl::StrFormat("unit-%02d", u); }
absl::CivilMonth MonthOf(int m) { return absl::CivilMonth(2021, 12) + m; }
int64_t Received(int u, int t, int m) { return 100 + (u * 7 + t * 13 + m) % 50; }

std::string Csv() {
  std::string out = "unit;layanan;bulan;diterima;selesai;dikembalikan\n";
  for (int m = 0; m < kMonths; ++m) {
    for (int u = 0; u < kUnits; ++u) {
      for (int t = 0; t < kTypes; ++t) {
        const int64_t r = Received(u, t, m);
        absl::StrAppendFormat(&out, "%s;t%d;%s;%d;%d;%d\n", UnitId(u), t,
                              absl::FormatCivilTime(MonthOf(m)), r, r - 5, (u + m) % 4);
      }
    }
  }
  return out;
}

class PerformanceFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = Platform::Start({});
    ASSERT_TRUE(p.ok()) << p.status();
    platform_ = std::move(*p);
    auto enrolment = ev1::EnrolmentService::NewStub(
        grpc::CreateChannel(platform_->address("enrolment"), grpc::InsecureChannelCredentials()));
    auto perf = Stub();
    for (int u = 0; u < kUnits; ++u) {
      ev1::CreateUnitRequest cu;
      cu.set_parent("tenants/1504");
      cu.set_unit_id(UnitId(u));
      cu.mutable_unit()->set_display_name(absl::StrCat("Unit ", u));
      ev1::Unit unit;
      grpc::ClientContext c1;
      AttachCaller(c1, Caller{"1504", "admin", "fault-test"});
      ASSERT_TRUE(enrolment->CreateUnit(&c1, cu, &unit).ok());
      for (int t = 0; t < kTypes; ++t) {
        pv1::CreateServiceTypeRequest ct;
        ct.set_parent(absl::StrCat("tenants/1504/units/", UnitId(u)));
        ct.set_service_type_id(absl::StrCat("t", t));
        ct.mutable_service_type()->set_display_name(absl::StrCat("Layanan ", t));
        pv1::ServiceType type;
        grpc::ClientContext c2;
        AttachCaller(c2, Caller{"1504", "admin", "fault-test"});
        grpc::Status s = perf->CreateServiceType(&c2, ct, &type);
        ASSERT_TRUE(s.ok()) << s.error_message();
      }
    }
  }
  void TearDown() override {
    if (HasFailure() && platform_) {
      platform_->KeepLogs();
      std::cout << "logs kept in " << platform_->dir() << "\n";
    }
  }

  std::unique_ptr<pv1::PerformanceService::Stub> Stub() {
    return pv1::PerformanceService::NewStub(
        grpc::CreateChannel(platform_->address("performance"), grpc::InsecureChannelCredentials()));
  }

  // Streams the file in chunks; the answer, or the failure when the
  // service went away.  With `pause_at`, `pause` runs once that many bytes
  // were sent (the rest is sent after it, to whatever still listens).
  grpc::Status Import(const std::string& csv, pelita::type::v1::ImportResult* out, size_t pause_at = 0,
                      const std::function<void()>& pause = nullptr) {
    auto stub = Stub();
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"1504", "organiser", "fault-test"});
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    auto writer = stub->ImportServiceMonthsCsv(&ctx, out);
    for (size_t i = 0; i < csv.size(); i += 4096) {
      if (pause && i >= pause_at) {
        pause();
        pause_at = csv.size();
      }
      pelita::performance::v1::ImportCsvRequest r;
      if (i == 0) r.set_parent("tenants/1504");
      r.set_csv_chunk(csv.substr(i, 4096));
      if (!writer->Write(r)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // Months stored now (every unit-year hash of the tenant).
  int64_t Stored(redis::Client& redis) {
    int64_t n = 0;
    for (int u = 0; u < kUnits; ++u) {
      for (int y = 2021; y <= 2026; ++y) {
        auto r = redis.Run({"HLEN", absl::StrCat("performance:{1504}:m:", UnitId(u), ":", y)});
        if (r.ok()) n += r->integer;
      }
    }
    return n;
  }

  std::unique_ptr<Platform> platform_;
};

TEST_F(PerformanceFaultTest, KilledPartWayThenTheSameFileAgain) {
  const std::string csv = Csv();
  redis::Client redis(platform_->redis().options());
  pelita::type::v1::ImportResult first;
  // Half the file sent; killed once the service has stored some of it.
  bool part_way = false;
  const grpc::Status first_status = Import(csv, &first, csv.size() / 2, [&] {
    part_way = testing::WaitFor([&] { return Stored(redis) >= 1000; }, absl::Seconds(60), absl::Milliseconds(5));
    EXPECT_TRUE(platform_->Kill("performance").ok());
  });
  ASSERT_TRUE(part_way) << "the import never stored 1000 months";
  const int64_t kept = Stored(redis);
  std::printf("killed with %lld of %d months stored; the first import answered %s\n", static_cast<long long>(kept),
              kRows, first_status.error_message().c_str());
  // The rest of the file never reached a service: the import is
  // interrupted, some months stored (the contract: run the file again).
  EXPECT_FALSE(first_status.ok());
  EXPECT_EQ(first_status.error_code(), grpc::StatusCode::UNAVAILABLE) << first_status.error_message();
  EXPECT_GE(kept, 1000);
  EXPECT_LT(kept, kRows);
  ASSERT_TRUE(platform_->Restart("performance").ok());

  // The same file again completes it: what was stored is unchanged.
  pelita::type::v1::ImportResult again;
  grpc::Status s = Import(csv, &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.state(), pelita::type::v1::COMPLETE);
  EXPECT_EQ(again.records_read(), kRows);
  EXPECT_EQ(again.rejected_count(), 0);
  EXPECT_EQ(again.replaced_count(), 0);
  EXPECT_EQ(again.unchanged_count(), kept);
  EXPECT_EQ(again.accepted_count() + again.unchanged_count(), kRows);
  EXPECT_EQ(Stored(redis), kRows);

  // Every month once, at revision 1, with the file's figures; no revision
  // kept aside.
  auto stub = Stub();
  int64_t received = 0, expected = 0;
  for (int u = 0; u < kUnits; ++u) {
    pv1::BatchGetPerformanceMonthsRequest req;
    req.set_parent("tenants/1504");
    req.add_units(absl::StrCat("tenants/1504/units/", UnitId(u)));
    req.set_start_period("2021-12");
    req.set_end_period("2026-11");
    pv1::BatchGetPerformanceMonthsResponse resp;
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"1504", "organiser", "fault-test"});
    ASSERT_TRUE(stub->BatchGetPerformanceMonths(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.months_size(), kMonths);
    for (int m = 0; m < kMonths; ++m) {
      EXPECT_TRUE(resp.months(m).has_data());
      received += resp.months(m).received();
      for (int t = 0; t < kTypes; ++t) expected += Received(u, t, m);
    }
    for (int y = 2021; y <= 2026; ++y) {
      auto r = redis.Run({"HLEN", absl::StrCat("performance:{1504}:r:", UnitId(u), ":", y)});
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->integer, 0) << "a revision was made by the re-run";
    }
  }
  EXPECT_EQ(received, expected);
}

}  // namespace
}  // namespace pelita::fault
