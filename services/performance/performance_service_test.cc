// Integration tests of the performance service over real gRPC, against a
// real redis-server and an in-process enrolment service for the units.

#include <cmath>
#include <map>
#include <memory>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "lib/server/server.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"
#include "lib/testing/redis_server.h"
#include "services/enrolment/grpc_service.h"
#include "services/performance/grpc_service.h"
#include "services/performance/roster.h"

namespace pelita::performance {
namespace {

using grpc::StatusCode;

// The units come from the real enrolment service; cohorts (dates and who
// completed them) from a table the test sets, so that the SKP change can be
// checked participant by participant.
class TestRoster : public Roster {
 public:
  explicit TestRoster(std::shared_ptr<grpc::Channel> enrolment) : enrolment_(enrolment) {}
  absl::StatusOr<std::vector<UnitInfo>> ListUnits(const std::string& tenant) override {
    return enrolment_.ListUnits(tenant);
  }
  absl::StatusOr<CohortInfo> GetCohort(const std::string& tenant, const std::string& cohort) override {
    auto it = cohorts.find(cohort);
    if (it == cohorts.end()) return absl::NotFoundError(absl::StrCat("no cohort ", cohort));
    return it->second;
  }
  absl::StatusOr<bool> FillSupervisor(const std::string& tenant, const std::string& nip,
                                      const std::string& supervisor) override {
    return enrolment_.FillSupervisor(tenant, nip, supervisor);
  }
  std::map<std::string, CohortInfo> cohorts;

 private:
  EnrolmentRoster enrolment_;
};

class PerformanceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());
    ServerOptions options;
    options.health_interval = absl::Milliseconds(50);
    options.log_calls = false;
    enrolment_logic_ = std::make_unique<enrolment::EnrolmentLogic>(client_.get());
    enrolment_service_ = std::make_unique<enrolment::EnrolmentGrpcService>(enrolment_logic_.get());
    options.name = "enrolment";
    enrolment_server_ = std::make_unique<Server>(options, std::vector<grpc::Service*>{enrolment_service_.get()},
                                                 client_.get());
    ASSERT_TRUE(enrolment_server_->Start().ok());
    auto channel = grpc::CreateChannel(enrolment_server_->address(), grpc::InsecureChannelCredentials());
    enrolment_stub_ = enrolment::v1::EnrolmentService::NewStub(channel);
    ASSERT_TRUE(AddUnit("dukcapil", "Dinas Kependudukan dan Pencatatan Sipil"));
    ASSERT_TRUE(AddUnit("dpmptsp", "DPMPTSP"));

    roster_ = std::make_unique<TestRoster>(channel);
    // Mid-December 2026 in WIB: December 2026 is the current month.
    logic_ = std::make_unique<PerformanceLogic>(client_.get(), roster_.get(),
                                                [] { return absl::FromCivil(absl::CivilSecond(2026, 12, 15, 3, 0, 0), absl::UTCTimeZone()); });
    logic_->set_batch_rows(3);  // several batches in small imports
    service_ = std::make_unique<PerformanceGrpcService>(logic_.get());
    options.name = "performance";
    server_ = std::make_unique<Server>(options, std::vector<grpc::Service*>{service_.get()}, client_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = v1::PerformanceService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(CreateType("dukcapil", "ktp-el", "KTP-el").ok());
    ASSERT_TRUE(CreateType("dukcapil", "kk", "Kartu Keluarga").ok());
    ASSERT_TRUE(CreateType("dpmptsp", "pbg", "Persetujuan Bangunan Gedung").ok());
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
    if (enrolment_server_) enrolment_server_->Shutdown(absl::Seconds(1));
  }

  bool AddUnit(const std::string& id, const std::string& name) {
    enrolment::v1::CreateUnitRequest r;
    r.set_parent("tenants/1504");
    r.set_unit_id(id);
    r.mutable_unit()->set_display_name(name);
    enrolment::v1::Unit u;
    grpc::ClientContext ctx;
    AttachCaller(ctx, {"1504", "admin", "test"});
    return enrolment_stub_->CreateUnit(&ctx, r, &u).ok();
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (v1::PerformanceService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp, Caller caller = {"1504", "organiser", "organiser-1"}) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, caller);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (stub_.get()->*method)(&ctx, req, resp);
  }

  grpc::Status CreateType(const std::string& unit, const std::string& id, const std::string& name) {
    v1::CreateServiceTypeRequest r;
    r.set_parent("tenants/1504/units/" + unit);
    r.set_service_type_id(id);
    r.mutable_service_type()->set_display_name(name);
    r.mutable_service_type()->set_standard_hours(24);
    v1::ServiceType t;
    return Call(&v1::PerformanceService::Stub::CreateServiceType, r, &t);
  }

  static v1::ServiceMonth Month(const std::string& unit, const std::string& type, int y, int m, int64_t received,
                                int64_t completed, int64_t on_time, int64_t returned, int64_t staff = 4) {
    v1::ServiceMonth s;
    s.set_name(absl::StrFormat("tenants/1504/units/%s/serviceTypes/%s/months/%04d-%02d", unit, type, y, m));
    s.set_received(received);
    s.set_completed(completed);
    s.set_completed_on_time(on_time);
    s.set_returned(returned);
    s.set_staff(staff);
    return s;
  }

  grpc::Status Record(const std::vector<v1::ServiceMonth>& months, v1::BatchRecordServiceMonthsResponse* out) {
    v1::BatchRecordServiceMonthsRequest r;
    r.set_parent("tenants/1504");
    for (const auto& m : months) *r.add_months() = m;
    return Call(&v1::PerformanceService::Stub::BatchRecordServiceMonths, r, out);
  }

  type::v1::ImportResult Import(const std::string& csv, bool skp = false, size_t chunk = 11) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, {"1504", "organiser", "x"});
    type::v1::ImportResult resp;
    auto writer = skp ? stub_->ImportSkpCsv(&ctx, &resp) : stub_->ImportServiceMonthsCsv(&ctx, &resp);
    for (size_t i = 0; i < csv.size(); i += chunk) {
      v1::ImportCsvRequest r;
      if (i == 0) r.set_parent("tenants/1504");
      r.set_csv_chunk(csv.substr(i, chunk));
      EXPECT_TRUE(writer->Write(r));
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  v1::UnitPerformance Figures(const std::string& unit, const std::string& period, Caller caller = {"1504", "organiser", "x"}) {
    v1::GetUnitPerformanceRequest r;
    r.set_name(absl::StrCat("tenants/1504/units/", unit, "/performance"));
    r.set_period(period);
    v1::UnitPerformance p;
    grpc::Status s = Call(&v1::PerformanceService::Stub::GetUnitPerformance, r, &p, caller);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p;
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<enrolment::EnrolmentLogic> enrolment_logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_service_;
  std::unique_ptr<Server> enrolment_server_;
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> enrolment_stub_;
  std::unique_ptr<TestRoster> roster_;
  std::unique_ptr<PerformanceLogic> logic_;
  std::unique_ptr<PerformanceGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::PerformanceService::Stub> stub_;
};

TEST_F(PerformanceServiceTest, MonthsAreIdempotentAndKeepTheirRevisions) {
  v1::BatchRecordServiceMonthsResponse out;
  auto march = Month("dukcapil", "ktp-el", 2026, 3, 100, 90, 80, 6);
  ASSERT_TRUE(Record({march}, &out).ok());
  EXPECT_EQ(out.outcomes(0), v1::ACCEPTED);
  EXPECT_EQ(out.months(0).revision(), 1);
  ASSERT_TRUE(Record({march}, &out).ok());
  EXPECT_EQ(out.outcomes(0), v1::UNCHANGED);
  EXPECT_EQ(out.months(0).revision(), 1);
  march.set_returned(4);  // the delivering system corrected its count
  ASSERT_TRUE(Record({march}, &out).ok());
  EXPECT_EQ(out.outcomes(0), v1::REPLACED);
  EXPECT_EQ(out.months(0).revision(), 2);

  v1::ListServiceMonthRevisionsRequest lr;
  lr.set_name(march.name());
  v1::ListServiceMonthRevisionsResponse revs;
  ASSERT_TRUE(Call(&v1::PerformanceService::Stub::ListServiceMonthRevisions, lr, &revs).ok());
  ASSERT_EQ(revs.revisions_size(), 2);
  EXPECT_EQ(revs.revisions(0).returned(), 6);
  EXPECT_EQ(revs.revisions(0).revision(), 1);
  EXPECT_EQ(revs.revisions(1).returned(), 4);
  // The figures use the current revision only.
  const auto f = Figures("dukcapil", "2026-03");
  EXPECT_EQ(f.total().returned(), 4);
  EXPECT_EQ(f.total().completed(), 90);
}

TEST_F(PerformanceServiceTest, ABadMonthFailsTheCallAndStoresNothing) {
  auto good = Month("dukcapil", "ktp-el", 2026, 4, 100, 90, 80, 6);
  auto future = Month("dukcapil", "ktp-el", 2027, 1, 10, 5, 5, 0);
  auto over = Month("dukcapil", "kk", 2026, 4, 10, 11, 5, 0);
  auto unknown = Month("dukcapil", "paspor", 2026, 4, 10, 5, 5, 0);
  auto negative = Month("dpmptsp", "pbg", 2026, 4, 10, 5, 5, -1);
  auto nowhere = Month("kominfo", "ktp-el", 2026, 4, 10, 5, 5, 0);
  v1::BatchRecordServiceMonthsResponse out;
  grpc::Status s = Record({good, future, over, unknown, negative, nowhere}, &out);
  ASSERT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  const auto violations = FieldViolationsOf(FromGrpcStatus(s));
  std::vector<std::string> fields;
  for (const auto& [f, p] : violations) fields.push_back(f);
  EXPECT_EQ(fields, (std::vector<std::string>{"months[1].name", "months[2].completed", "months[3].name",
                                              "months[4].returned", "months[5].name"}));
  EXPECT_NE(violations[2].second.find("no service type"), std::string::npos) << violations[2].second;
  EXPECT_NE(violations[4].second.find("no unit"), std::string::npos) << violations[4].second;
  v1::GetServiceMonthRequest g;
  g.set_name(good.name());
  v1::ServiceMonth m;
  EXPECT_EQ(Call(&v1::PerformanceService::Stub::GetServiceMonth, g, &m).error_code(), StatusCode::NOT_FOUND);
}

TEST_F(PerformanceServiceTest, OnlyStaffRecordAndAHeadSeesOnlyTheirUnit) {
  v1::BatchRecordServiceMonthsResponse out;
  v1::BatchRecordServiceMonthsRequest r;
  r.set_parent("tenants/1504");
  *r.add_months() = Month("dukcapil", "ktp-el", 2026, 3, 100, 90, 80, 6);
  EXPECT_EQ(Call(&v1::PerformanceService::Stub::BatchRecordServiceMonths, r, &out,
                 {"1504", "participant", "198001012005011001"})
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Record({Month("dukcapil", "ktp-el", 2026, 3, 100, 90, 80, 6)}, &out).ok());
  Caller head{"1504", "agency_head", "198001012005011002", "tenants/1504/units/dpmptsp"};
  v1::GetUnitPerformanceRequest g;
  g.set_name("tenants/1504/units/dukcapil/performance");
  g.set_period("2026");
  v1::UnitPerformance p;
  EXPECT_EQ(Call(&v1::PerformanceService::Stub::GetUnitPerformance, g, &p, head).error_code(),
            StatusCode::PERMISSION_DENIED);
  head.unit = "tenants/1504/units/dukcapil";
  EXPECT_TRUE(Call(&v1::PerformanceService::Stub::GetUnitPerformance, g, &p, head).ok());
  EXPECT_EQ(p.total().completed(), 90);
}

// A year of random months, recomputed here from what was sent.
TEST_F(PerformanceServiceTest, FiguresMatchAnIndependentRecomputation) {
  std::mt19937 rng(18);
  std::vector<v1::ServiceMonth> months;
  int64_t completed = 0, returned = 0, on_time = 0, staff = 0;
  std::vector<double> hours;  // every document's time, for the quantiles
  for (int m = 1; m <= 12; ++m) {
    for (const char* type : {"ktp-el", "kk"}) {
      const int64_t rec = 50 + rng() % 100;
      const int64_t comp = rec - rng() % 10;
      auto sm = Month("dukcapil", type, 2025, m, rec, comp, comp - rng() % 20, rng() % 8, 3 + rng() % 3);
      // Every completed document timed, spread within bands 2..6.
      sm.mutable_processing_time()->mutable_band_counts()->Resize(kBands, 0);
      double total = 0;
      for (int64_t d = 0; d < comp; ++d) {
        const double h = 2.5 + static_cast<double>(rng() % 4500) / 100;  // 2.5 .. 47.5 hours
        hours.push_back(h);
        total += h;
        auto* c = sm.mutable_processing_time()->mutable_band_counts()->Mutable(BandOf(h));
        ++*c;
      }
      sm.mutable_processing_time()->set_total_hours(total);
      completed += sm.completed();
      returned += sm.returned();
      on_time += sm.completed_on_time();
      staff += sm.staff();
      months.push_back(sm);
    }
  }
  v1::BatchRecordServiceMonthsResponse out;
  ASSERT_TRUE(Record(months, &out).ok());
  const auto f = Figures("dukcapil", "2025");
  EXPECT_EQ(f.total().completed(), completed);
  EXPECT_EQ(f.total().error_rate().numerator(), returned);
  EXPECT_NEAR(f.total().error_rate().value(), static_cast<double>(returned) / completed, 1e-12);
  EXPECT_NEAR(f.total().on_time_rate().value(), static_cast<double>(on_time) / completed, 1e-12);
  EXPECT_NEAR(f.total().output_per_staff(), static_cast<double>(completed) / staff, 1e-9);
  EXPECT_EQ(f.total().months_with_data(), 12);
  EXPECT_EQ(f.months(), 12);
  double sum = 0;
  for (double h : hours) sum += h;
  EXPECT_NEAR(f.total().processing_time().mean_hours(), sum / hours.size(), 1e-6);
  std::sort(hours.begin(), hours.end());
  const double median = hours[hours.size() / 2];
  EXPECT_EQ(BandOf(f.total().processing_time().median_hours()), BandOf(median));
  ASSERT_EQ(f.by_service_type_size(), 2);
  EXPECT_EQ(f.by_service_type(0).display_name(), "Kartu Keluarga");
  EXPECT_EQ(f.by_service_type(0).figures().completed() + f.by_service_type(1).figures().completed(), completed);
  // A quarter reads only its three months.
  const auto q = Figures("dukcapil", "2025-Q2");
  int64_t q_completed = 0;
  for (const auto& m : months) {
    if (m.name().find("/months/2025-04") != std::string::npos || m.name().find("/months/2025-05") != std::string::npos ||
        m.name().find("/months/2025-06") != std::string::npos) {
      q_completed += m.completed();
    }
  }
  EXPECT_EQ(q.total().completed(), q_completed);

  // Month by month for two units: the sums of the service types.
  v1::BatchGetPerformanceMonthsRequest br;
  br.set_parent("tenants/1504");
  br.add_units("tenants/1504/units/dukcapil");
  br.add_units("tenants/1504/units/dpmptsp");
  br.set_start_period("2024-12");
  br.set_end_period("2025-02");
  v1::BatchGetPerformanceMonthsResponse bm;
  ASSERT_TRUE(Call(&v1::PerformanceService::Stub::BatchGetPerformanceMonths, br, &bm).ok());
  ASSERT_EQ(bm.months_size(), 6);
  EXPECT_FALSE(bm.months(0).has_data());  // December 2024
  EXPECT_TRUE(bm.months(1).has_data());
  EXPECT_EQ(bm.months(1).completed(), months[0].completed() + months[1].completed());
  EXPECT_FALSE(bm.months(4).has_data());  // dpmptsp
}

TEST_F(PerformanceServiceTest, CsvImportWithSemicolonsRejectsBadRowsByColumnAndCode) {
  const std::string csv =
      "unit;layanan;bulan;diterima;selesai;selesai_tepat_waktu;dikembalikan;ditolak;pegawai;waktu_total_jam;waktu_1h\n"
      "dukcapil;ktp-el;2026-01;1.200;1.100;1.000;55;10;6;17600,5;1.100\n"
      "Dinas Kependudukan dan Pencatatan Sipil;Kartu Keluarga;2026-01;300;290;250;12;0;3;\n"
      "dukcapil;ktp-el;2027-01;10;5;5;0;0;1;\n"             // future
      "dukcapil;ktp-el;2026-02;10;11;5;0;0;1;\n"            // completed > received
      "dukcapil;paspor;2026-02;10;5;5;0;0;1;\n"             // unknown service type
      "kominfo;ktp-el;2026-02;10;5;5;0;0;1;\n"              // unknown unit
      "dukcapil;kk;2026-02;10;5;5;-2;0;1;\n"                // negative
      "dukcapil;kk;2026-3;10;5;5;0;0;1;\n";                 // not a month
  const auto r = Import(csv);
  EXPECT_EQ(r.state(), type::v1::COMPLETE);
  EXPECT_EQ(r.records_read(), 8);
  EXPECT_EQ(r.accepted_count(), 2);
  EXPECT_EQ(r.rejected_count(), 6);
  ASSERT_EQ(r.rejected_size(), 6);
  std::vector<std::string> got;
  for (const auto& e : r.rejected()) got.push_back(absl::StrCat(e.row(), ":", e.field(), ":", e.code()));
  EXPECT_EQ(got, (std::vector<std::string>{"4:bulan:FUTURE_MONTH", "5:selesai:COMPLETED_EXCEEDS_RECEIVED",
                                           "6:layanan:UNKNOWN_SERVICE_TYPE", "7:unit:UNKNOWN_UNIT",
                                           "8:dikembalikan:NEGATIVE_COUNT", "9:bulan:INVALID_MONTH"}));
  EXPECT_EQ(r.rejected(0).column(), 3);
  // Grouped thousands and a decimal comma, read as Excel wrote them.
  v1::GetServiceMonthRequest g;
  g.set_name("tenants/1504/units/dukcapil/serviceTypes/ktp-el/months/2026-01");
  v1::ServiceMonth m;
  ASSERT_TRUE(Call(&v1::PerformanceService::Stub::GetServiceMonth, g, &m).ok());
  EXPECT_EQ(m.received(), 1200);
  EXPECT_DOUBLE_EQ(m.processing_time().total_hours(), 17600.5);
  EXPECT_EQ(m.processing_time().band_counts(4), 1100);
  EXPECT_EQ(m.source(), "csv");
  // Nothing stored from the rejected rows.
  g.set_name("tenants/1504/units/dukcapil/serviceTypes/ktp-el/months/2026-02");
  EXPECT_EQ(Call(&v1::PerformanceService::Stub::GetServiceMonth, g, &m).error_code(), StatusCode::NOT_FOUND);
  // The same file again: nothing new.
  const auto again = Import(csv, false, 1000);
  EXPECT_EQ(again.unchanged_count(), 2);
  EXPECT_EQ(again.accepted_count(), 0);
}

TEST_F(PerformanceServiceTest, AHeaderWithoutRequiredColumnsStoresNothing) {
  grpc::ClientContext ctx;
  AttachCaller(ctx, {"1504", "organiser", "x"});
  type::v1::ImportResult resp;
  auto writer = stub_->ImportServiceMonthsCsv(&ctx, &resp);
  v1::ImportCsvRequest r;
  r.set_parent("tenants/1504");
  r.set_csv_chunk("unit,layanan,bulan\ndukcapil,ktp-el,2026-01\n");
  writer->Write(r);
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("diterima"), std::string::npos) << s.error_message();
}

TEST_F(PerformanceServiceTest, SkpChangeOfACohortWithItsTests) {
  // Seven participants: five rose a step, one stayed, one fell; an eighth
  // has no SKP after the cohort and is not a pair.
  std::vector<std::string> nips;
  for (int i = 0; i < 8; ++i) nips.push_back(absl::StrFormat("19800101200501100%d", i + 1));
  // Before: 2025 (ends before the cohort of March 2026); after: the second
  // half of 2026 (starts after it).  The first half of 2026 holds the
  // training and is neither.
  std::string csv = "nip,tahun,periode,hasil_kinerja,perilaku_kerja,kuadran_kinerja,nip_penilai\n";
  const char* before[] = {"Baik", "Butuh Perbaikan", "Baik", "Kurang", "Baik", "Baik", "Sangat Baik", "Baik"};
  const char* after[] = {"Sangat Baik", "Baik", "Sangat Baik", "Butuh Perbaikan", "Sangat Baik", "Baik", "Baik", ""};
  for (int i = 0; i < 8; ++i) {
    absl::StrAppend(&csv, nips[i], ",2025,,Sesuai Ekspektasi,Sesuai Ekspektasi,", before[i], ",198001012005011009\n");
    absl::StrAppend(&csv, nips[i], ",2026,2026-01_2026-06,Sesuai Ekspektasi,Sesuai Ekspektasi,Sangat Kurang,\n");
    if (*after[i]) {
      absl::StrAppend(&csv, nips[i], ",2026,2026-07_2026-12,DIATAS EKSPEKTASI,SESUAI EKSPEKTASI,", after[i], ",\n");
    }
  }
  absl::StrAppend(&csv, nips[0], ",2026,2026-07_2026-12,Sesuai Ekspektasi,,Luar Biasa,\n");  // not a predicate
  const auto r = Import(csv, true);
  EXPECT_EQ(r.accepted_count(), 23);
  ASSERT_EQ(r.rejected_size(), 1);
  EXPECT_EQ(r.rejected(0).code(), "INVALID_PREDICATE");
  EXPECT_EQ(r.rejected(0).field(), "kuadran_kinerja");

  roster_->cohorts["tenants/1504/programs/ap/cohorts/a1"] = {absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 6),
                                                             {}, nips};
  v1::GetCohortSkpChangeRequest g;
  g.set_name("tenants/1504/programs/ap/cohorts/a1/skpChange");
  v1::CohortSkpChange c;
  ASSERT_TRUE(Call(&v1::PerformanceService::Stub::GetCohortSkpChange, g, &c).ok());
  EXPECT_EQ(c.participants(), 8);
  EXPECT_EQ(c.pairs(), 7);
  EXPECT_EQ(c.rose(), 5);
  EXPECT_EQ(c.stayed(), 1);
  EXPECT_EQ(c.fell(), 1);
  EXPECT_FALSE(c.withheld());
  // Sign test 5 against 1: 2 (1 + 6) / 64.
  EXPECT_NEAR(c.sign_test_p(), 14.0 / 64, 1e-12);
  // Steps +1 x5, -1: |d| all tied at rank 3.5, W+ = 17.5.
  EXPECT_DOUBLE_EQ(c.wilcoxon_w_plus(), 17.5);
  EXPECT_NEAR(c.mean_step(), 4.0 / 7, 1e-12);
  EXPECT_NEAR(c.rose_share().value(), 5.0 / 7, 1e-12);

  // Fewer than five pairs: withheld, the counts not shown.
  roster_->cohorts["tenants/1504/programs/ap/cohorts/a2"] = {absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 6),
                                                             {}, {nips[0], nips[1], nips[2]}};
  g.set_name("tenants/1504/programs/ap/cohorts/a2/skpChange");
  ASSERT_TRUE(Call(&v1::PerformanceService::Stub::GetCohortSkpChange, g, &c).ok());
  EXPECT_TRUE(c.withheld());
  EXPECT_EQ(c.pairs(), 3);
  EXPECT_EQ(c.rose(), 0);

  // A participant reads their own SKP, not another's.
  v1::ListSkpRequest l;
  l.set_parent("tenants/1504/employees/" + nips[0]);
  v1::ListSkpResponse own;
  ASSERT_TRUE(Call(&v1::PerformanceService::Stub::ListSkp, l, &own, {"1504", "participant", nips[0]}).ok());
  ASSERT_EQ(own.records_size(), 3);
  EXPECT_EQ(own.records(0).kuadran_kinerja(), v1::BAIK);
  EXPECT_EQ(own.records(0).nip_penilai(), "198001012005011009");
  EXPECT_EQ(own.records(1).start_month(), "2026-01");
  EXPECT_EQ(own.records(2).hasil_kinerja(), v1::DI_ATAS_EKSPEKTASI);
  EXPECT_EQ(Call(&v1::PerformanceService::Stub::ListSkp, l, &own, {"1504", "participant", nips[1]}).error_code(),
            StatusCode::PERMISSION_DENIED);
}

TEST_F(PerformanceServiceTest, SkpByApiChecksEveryRecordFirst) {
  v1::BatchRecordSkpRequest r;
  r.set_parent("tenants/1504");
  auto* a = r.add_records();
  a->set_name("tenants/1504/employees/198001012005011001/skp/2026-01_2026-06");
  a->set_kuadran_kinerja(v1::BAIK);
  auto* b = r.add_records();
  b->set_name("tenants/1504/employees/198001012005011001/skp/2027");
  b->set_kuadran_kinerja(v1::BAIK);
  auto* c = r.add_records();
  c->set_name("tenants/1504/employees/198001012005011002/skp/2025");
  v1::BatchRecordSkpResponse out;
  grpc::Status s = Call(&v1::PerformanceService::Stub::BatchRecordSkp, r, &out);
  ASSERT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  const auto v = FieldViolationsOf(FromGrpcStatus(s));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].first, "records[1].name");
  EXPECT_EQ(v[1].first, "records[2].kuadran_kinerja");
  v1::GetSkpRequest g;
  g.set_name(a->name());
  v1::Skp got;
  EXPECT_EQ(Call(&v1::PerformanceService::Stub::GetSkp, g, &got).error_code(), StatusCode::NOT_FOUND);
  r.mutable_records()->DeleteSubrange(1, 2);
  ASSERT_TRUE(Call(&v1::PerformanceService::Stub::BatchRecordSkp, r, &out).ok());
  EXPECT_EQ(out.outcomes(0), v1::ACCEPTED);
  EXPECT_EQ(out.records(0).start_month(), "2026-01");
  EXPECT_EQ(out.records(0).end_month(), "2026-06");
}

TEST_F(PerformanceServiceTest, TheAppraiserFillsAnEmptySupervisorOnly) {
  auto employee = [&](const std::string& nip, const std::string& supervisor) {
    enrolment::v1::CreateEmployeeRequest r;
    r.set_parent("tenants/1504");
    r.mutable_employee()->set_nip(nip);
    r.mutable_employee()->set_full_name("Pegawai " + nip.substr(14));
    r.mutable_employee()->set_unit("tenants/1504/units/dukcapil");
    r.mutable_employee()->set_supervisor_nip(supervisor);
    r.mutable_employee()->set_employment_type(enrolment::v1::PNS);
    enrolment::v1::Employee e;
    grpc::ClientContext ctx;
    AttachCaller(ctx, {"1504", "admin", "test"});
    grpc::Status s = enrolment_stub_->CreateEmployee(&ctx, r, &e);
    EXPECT_TRUE(s.ok()) << nip << ": " << s.error_message();
    return s;
  };
  const std::string head = "197501012000011001", a = "198001012005011002", b = "198001012005011003",
                    outsider = "197001011995011004";
  ASSERT_TRUE(employee(head, "").ok());
  ASSERT_TRUE(employee(a, "").ok());
  ASSERT_TRUE(employee(b, a).ok());
  v1::BatchRecordSkpRequest r;
  r.set_parent("tenants/1504");
  r.set_fill_supervisor(true);
  for (const auto& [nip, penilai] : std::vector<std::pair<std::string, std::string>>{
           {a, head}, {b, head}, {head, outsider}}) {
    auto* s = r.add_records();
    s->set_name(absl::StrCat("tenants/1504/employees/", nip, "/skp/2025"));
    s->set_kuadran_kinerja(v1::BAIK);
    s->set_nip_penilai(penilai);
  }
  v1::BatchRecordSkpResponse out;
  ASSERT_TRUE(Call(&v1::PerformanceService::Stub::BatchRecordSkp, r, &out).ok());
  // a had none: filled; b keeps a; the head's appraiser is not in the roster.
  EXPECT_EQ(out.supervisors_filled(), 1);
  auto supervisor_of = [&](const std::string& nip) {
    enrolment::v1::GetEmployeeRequest g;
    g.set_name("tenants/1504/employees/" + nip);
    enrolment::v1::Employee e;
    grpc::ClientContext ctx;
    AttachCaller(ctx, {"1504", "admin", "test"});
    EXPECT_TRUE(enrolment_stub_->GetEmployee(&ctx, g, &e).ok());
    return e.supervisor_nip();
  };
  EXPECT_EQ(supervisor_of(a), head);
  EXPECT_EQ(supervisor_of(b), a);
  EXPECT_EQ(supervisor_of(head), "");
}

}  // namespace
}  // namespace pelita::performance
