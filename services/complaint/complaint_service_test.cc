// Integration tests of the complaint service over real gRPC, against a real
// redis-server and an in-process enrolment service for the units.

#include <atomic>
#include <cmath>
#include <memory>
#include <numeric>
#include <thread>
#include <set>
#include <map>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "google/protobuf/util/time_util.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status/status.h"
#include "lib/server/server.h"
#include "lib/testing/redis_server.h"
#include "pelita/survey/v1/survey.pb.h"
#include "services/complaint/calendar.h"
#include "services/complaint/enrolment_units.h"
#include "services/complaint/grpc_service.h"
#include "services/complaint/skm_follower.h"
#include "services/enrolment/grpc_service.h"

namespace pelita::complaint {
namespace {

using grpc::StatusCode;

google::protobuf::Timestamp Ts(int y, int m, int d, int hh = 9, int mm = 0) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), *LoadIndonesianTimeZone(kWib))));
  return ts;
}

class ComplaintServiceTest : public ::testing::Test {
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
    enrolment_server_ = std::make_unique<Server>(
        options, std::vector<grpc::Service*>{enrolment_service_.get()}, client_.get());
    ASSERT_TRUE(enrolment_server_->Start().ok());
    auto enrolment_channel =
        grpc::CreateChannel(enrolment_server_->address(), grpc::InsecureChannelCredentials());
    enrolment_stub_ = enrolment::v1::EnrolmentService::NewStub(enrolment_channel);
    ASSERT_TRUE(AddUnit("1504", "dukcapil", "Dinas Kependudukan dan Pencatatan Sipil", 1000));
    ASSERT_TRUE(AddUnit("1504", "dpmptsp", "DPMPTSP", 500));
    ASSERT_TRUE(AddUnit("1505", "dukcapil", "Dinas Dukcapil Muaro Jambi", 800));

    directory_ = std::make_unique<EnrolmentUnitDirectory>(enrolment_channel);
    logic_ = std::make_unique<ComplaintLogic>(client_.get(), directory_.get());
    logic_->set_batch_rows(3);  // several batches in small imports
    service_ = std::make_unique<ComplaintGrpcService>(logic_.get());
    options.name = "complaint";
    server_ = std::make_unique<Server>(options, std::vector<grpc::Service*>{service_.get()},
                                       client_.get());
    ASSERT_TRUE(server_->Start().ok());
    stub_ = v1::ComplaintService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
    if (enrolment_server_) enrolment_server_->Shutdown(absl::Seconds(1));
  }

  bool AddUnit(const std::string& tenant, const std::string& id, const std::string& name,
               int64_t volume) {
    enrolment::v1::CreateUnitRequest r;
    r.set_parent("tenants/" + tenant);
    r.set_unit_id(id);
    r.mutable_unit()->set_display_name(name);
    r.mutable_unit()->set_monthly_service_volume(volume);
    enrolment::v1::Unit u;
    grpc::ClientContext ctx;
    AttachCaller(ctx, {tenant, "admin", "test"});
    return enrolment_stub_->CreateUnit(&ctx, r, &u).ok();
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (v1::ComplaintService::Stub::*method)(grpc::ClientContext*,
                                                                       const Req&, Resp*),
                    const Req& req, Resp* resp, const std::string& tenant = "1504",
                    const std::string& role = "") {
    grpc::ClientContext ctx;
    if (!tenant.empty()) AttachCaller(ctx, {tenant, role, ""});
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (stub_.get()->*method)(&ctx, req, resp);
  }

  grpc::Status Update(const std::string& id, v1::Status status, google::protobuf::Timestamp t,
                      const std::string& unit = "dukcapil", const std::string& tenant = "1504",
                      const std::string& category = "KTP-el") {
    v1::RecordComplaintUpdateRequest r;
    r.set_parent("tenants/" + tenant);
    r.set_complaint_id(id);
    r.set_unit(unit);
    r.set_category(category);
    r.set_classification(v1::PENGADUAN);
    r.set_channel("web");
    r.set_status(status);
    *r.mutable_time() = t;
    v1::Complaint c;
    return Call(&v1::ComplaintService::Stub::RecordComplaintUpdate, r, &c, tenant);
  }

  v1::ComplaintStatistics Stats(const std::string& period, const std::string& unit = "dukcapil",
                                const std::string& tenant = "1504",
                                const std::string& category = "") {
    v1::GetComplaintStatisticsRequest r;
    r.set_name(absl::StrCat("tenants/", tenant, "/complaintStatistics"));
    if (!unit.empty()) r.set_unit(absl::StrCat("tenants/", tenant, "/units/", unit));
    r.set_period(period);
    r.set_category(category);
    v1::ComplaintStatistics s;
    grpc::Status st = Call(&v1::ComplaintService::Stub::GetComplaintStatistics, r, &s, tenant);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return s;
  }

  type::v1::ImportResult ImportCsv(const std::string& csv, size_t chunk = 7) {
    grpc::ClientContext ctx;
    AttachTenant(ctx, "1504");
    type::v1::ImportResult resp;
    auto writer = stub_->ImportComplaintsCsv(&ctx, &resp);
    for (size_t i = 0; i < csv.size(); i += chunk) {
      v1::ImportComplaintsCsvRequest r;
      if (i == 0) r.set_parent("tenants/1504");
      r.set_csv_chunk(csv.substr(i, chunk));
      EXPECT_TRUE(writer->Write(r));
    }
    writer->WritesDone();
    grpc::Status st = writer->Finish();
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<enrolment::EnrolmentLogic> enrolment_logic_;
  std::unique_ptr<enrolment::EnrolmentGrpcService> enrolment_service_;
  std::unique_ptr<Server> enrolment_server_;
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> enrolment_stub_;
  std::unique_ptr<EnrolmentUnitDirectory> directory_;
  std::unique_ptr<ComplaintLogic> logic_;
  std::unique_ptr<ComplaintGrpcService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::ComplaintService::Stub> stub_;
};

// A head of agency reads their own unit's statistics only: the tenant's
// are narrowed to it, another unit's refused.
TEST_F(ComplaintServiceTest, AHeadOfAgencyReadsOnlyTheirUnitsStatistics) {
  ASSERT_TRUE(Update("H-1", v1::RECEIVED, Ts(2026, 3, 2), "dukcapil").ok());
  ASSERT_TRUE(Update("H-2", v1::RECEIVED, Ts(2026, 3, 3), "dpmptsp").ok());
  ASSERT_TRUE(Update("H-3", v1::RECEIVED, Ts(2026, 3, 4), "dpmptsp").ok());
  auto as_head = [&](const std::string& unit, v1::ComplaintStatistics* out) {
    v1::GetComplaintStatisticsRequest r;
    r.set_name("tenants/1504/complaintStatistics");
    r.set_unit(unit);
    r.set_period("2026-03");
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"1504", "agency_head", "head", "tenants/1504/units/dukcapil"});
    return stub_->GetComplaintStatistics(&ctx, r, out);
  };
  v1::ComplaintStatistics s;
  ASSERT_TRUE(as_head("", &s).ok());
  EXPECT_EQ(s.received(), 1);  // their unit's, not the tenant's 3
  ASSERT_TRUE(as_head("tenants/1504/units/dukcapil", &s).ok());
  EXPECT_EQ(s.received(), 1);
  EXPECT_EQ(as_head("tenants/1504/units/dpmptsp", &s).error_code(), StatusCode::PERMISSION_DENIED);
  // An organiser still reads the tenant's.
  EXPECT_EQ(Stats("2026-03", "").received(), 3);
}

TEST_F(ComplaintServiceTest, StatisticsFromBuckets) {
  // C1: received Mon 2 Mar, forwarded Tue 3 Mar (1 wd), completed Mon 9 Mar (5 wd).
  ASSERT_TRUE(Update("C1", v1::RECEIVED, Ts(2026, 3, 2)).ok());
  ASSERT_TRUE(Update("C1", v1::FORWARDED, Ts(2026, 3, 3)).ok());
  ASSERT_TRUE(Update("C1", v1::COMPLETED, Ts(2026, 3, 9)).ok());
  // C2: received Thu 5 Mar, forwarded Wed 11 Mar: 4 wd > 3 -> breach; follow
  // up Thu 19 Mar 09:00: 12, 13, 16, 17 full days + 18 (cuti bersama) and
  // 19 (Nyepi) off = 4 wd, no breach thanks to the holidays.
  ASSERT_TRUE(Update("C2", v1::RECEIVED, Ts(2026, 3, 5), "dukcapil", "1504", "Akta").ok());
  ASSERT_TRUE(Update("C2", v1::FORWARDED, Ts(2026, 3, 11), "dukcapil", "1504", "Akta").ok());
  ASSERT_TRUE(Update("C2", v1::IN_FOLLOW_UP, Ts(2026, 3, 25), "dukcapil", "1504", "Akta").ok());
  // C3: received 30 Mar, still open.  C4: another unit.
  ASSERT_TRUE(Update("C3", v1::RECEIVED, Ts(2026, 3, 30)).ok());
  ASSERT_TRUE(Update("C4", v1::RECEIVED, Ts(2026, 3, 10), "dpmptsp").ok());

  const v1::ComplaintStatistics s = Stats("2026-03");
  EXPECT_EQ(s.received(), 3);
  EXPECT_EQ(s.forwarded(), 2);
  EXPECT_EQ(s.completed(), 1);
  EXPECT_EQ(s.followed_up(), 2);
  EXPECT_EQ(s.open_backlog(), 2);
  EXPECT_EQ(s.forward_sla_breaches(), 1);
  EXPECT_EQ(s.follow_up_sla_breaches(), 0);
  EXPECT_EQ(s.time_to_forward().count(), 2);
  EXPECT_NEAR(s.time_to_forward().mean_working_days(), 2.5, 1e-3);
  EXPECT_NEAR(s.time_to_complete().median_working_days(), 5.0, 5.0 * 0.09);
  EXPECT_EQ(s.monthly_service_volume(), 1000);
  EXPECT_NEAR(s.complaints_per_1000(), 3 / (1000 * 31 / 30.4375) * 1000, 1e-9);
  ASSERT_EQ(s.by_category_size(), 2);
  EXPECT_EQ(s.by_category(0).category(), "Akta");
  EXPECT_EQ(s.by_category(1).received(), 2);
  EXPECT_LE(s.buckets_read(), 1 + 27 + 2);

  // One category; one day; the quarter; the whole tenant.
  EXPECT_EQ(Stats("2026-03", "dukcapil", "1504", "Akta").received(), 1);
  EXPECT_EQ(Stats("2026-03-02").received(), 1);
  EXPECT_EQ(Stats("2026-03-09").completed(), 1);
  EXPECT_EQ(Stats("2026-Q1").received(), 3);
  EXPECT_EQ(Stats("2026-02").received(), 0);
  const auto all = Stats("2026", "");
  EXPECT_EQ(all.received(), 4);
  EXPECT_EQ(all.monthly_service_volume(), 1500);
  // Backlog at the end of 3 March: C1 (forwarded, not completed).
  v1::GetComplaintStatisticsRequest r;
  r.set_name("tenants/1504/complaintStatistics");
  r.set_unit("tenants/1504/units/dukcapil");
  *r.mutable_start_date() = ToDate(absl::CivilDay(2026, 3, 1));
  *r.mutable_end_date() = ToDate(absl::CivilDay(2026, 3, 3));
  v1::ComplaintStatistics window;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetComplaintStatistics, r, &window).ok());
  EXPECT_EQ(window.open_backlog(), 1);
  r.set_period("2026");
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::GetComplaintStatistics, r, &window).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(ComplaintServiceTest, DuplicateAndOutOfOrderUpdates) {
  // Reverse order, each sent twice.
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Update("X1", v1::COMPLETED, Ts(2026, 4, 10)).ok());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Update("X1", v1::FORWARDED, Ts(2026, 4, 7)).ok());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Update("X1", v1::RECEIVED, Ts(2026, 4, 6)).ok());
  // A stale "in follow-up" dated after completion does not reopen it.
  ASSERT_TRUE(Update("X1", v1::IN_FOLLOW_UP, Ts(2026, 4, 13)).ok());
  v1::GetComplaintRequest g;
  g.set_name("tenants/1504/complaints/X1");
  v1::Complaint c;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetComplaint, g, &c).ok());
  EXPECT_EQ(c.status(), v1::COMPLETED);
  EXPECT_EQ(c.history_size(), 4);
  EXPECT_EQ(c.history(0).status(), v1::RECEIVED);
  const auto s = Stats("2026-04");
  EXPECT_EQ(s.received(), 1);
  EXPECT_EQ(s.forwarded(), 1);
  EXPECT_EQ(s.completed(), 1);
  EXPECT_EQ(s.open_backlog(), 0);
  EXPECT_NEAR(s.time_to_forward().mean_working_days(), 1.0, 1e-3);
  EXPECT_NEAR(s.time_to_complete().mean_working_days(), 4.0, 1e-3);
  // An earlier received time moves the count to another day.
  ASSERT_TRUE(Update("X1", v1::RECEIVED, Ts(2026, 3, 31)).ok());
  EXPECT_EQ(Stats("2026-04").received(), 0);
  EXPECT_EQ(Stats("2026-03").received(), 1);
  EXPECT_EQ(Stats("2026-04").completed(), 1);
}

TEST_F(ComplaintServiceTest, CsvImportReportsBadRowsAndIsIdempotent) {
  const std::string csv =
      "nomor_tiket,sumber,kode_instansi,klasifikasi,kategori,judul,status,waktu_diterima,"
      "waktu_diverifikasi,waktu_diteruskan,waktu_ditindaklanjuti,waktu_selesai,waktu_status\r\n"
      "LPR-1,web,dukcapil,pengaduan,KTP-el,\"Antrian, lama\",selesai,2026-05-04 09:00,"
      "2026-05-04 13:00,2026-05-05 09:00,2026-05-06 09:00,2026-05-08 09:00,\r\n"
      "LPR-2,sms,Dinas Kependudukan dan Pencatatan Sipil,aspirasi,Akta,,diteruskan,"
      "2026-05-05 09:00,,2026-05-06 09:00,,,\r\n"
      "LPR-3,web,dinas-tidak-ada,pengaduan,KTP-el,,diterima,2026-05-05 09:00,,,,,\r\n"
      "LPR-4,web,dukcapil,pengaduan,KTP-el,,ditutup,2026-05-05 09:00,,,,,\r\n"
      "LPR-5,web,dpmptsp,pengaduan,IMB,,bukan kewenangan,2026-05-05 09:00,,,,,2026-05-06 10:00\r\n"
      "LPR-6,web,dukcapil,pengaduan,KTP-el,,diterima,2026-05-07 09:00,,,,2026-05-09 09:00,\r\n"
      "LPR-7,web,tenants/1505/units/dukcapil,pengaduan,KTP-el,,diterima,2026-05-05,,,,,\r\n";
  const auto first = ImportCsv(csv);
  EXPECT_EQ(first.state(), type::v1::COMPLETE);
  EXPECT_EQ(first.records_read(), 7);
  EXPECT_EQ(first.accepted_count(), 3);
  EXPECT_EQ(first.rejected_count(), 4);
  EXPECT_EQ(first.unchanged_count(), 0);
  EXPECT_EQ(first.id_column(), "nomor_tiket");
  ASSERT_EQ(first.rejected_size(), 4);
  std::map<int64_t, std::string> errors;
  for (const auto& e : first.rejected()) {
    errors[e.row()] = absl::StrCat(e.id(), ": ", e.reason(), " [line ", e.line(), ", column ", e.column(),
                                   " ", e.field(), "]");
  }
  EXPECT_NE(errors[4].find("LPR-3: unknown unit"), std::string::npos) << errors[4];
  EXPECT_NE(errors[4].find("[line 4, column 3 kode_instansi]"), std::string::npos) << errors[4];
  EXPECT_NE(errors[5].find("LPR-4: status: unknown status"), std::string::npos) << errors[5];
  EXPECT_NE(errors[5].find("[line 5, column 7 status]"), std::string::npos) << errors[5];
  EXPECT_NE(errors[7].find("waktu_selesai is set"), std::string::npos) << errors[7];
  EXPECT_NE(errors[7].find("column 12 waktu_selesai]"), std::string::npos) << errors[7];
  EXPECT_NE(errors[8].find("another tenant"), std::string::npos) << errors[8];

  const auto s = Stats("2026-05");
  EXPECT_EQ(s.received(), 2);
  EXPECT_EQ(s.completed(), 1);
  EXPECT_EQ(Stats("2026-05", "dpmptsp").not_our_authority(), 1);

  // Again, in other chunk sizes: nothing changes.
  const auto again = ImportCsv(csv, 1000);
  EXPECT_EQ(again.accepted_count(), 0);
  EXPECT_EQ(again.unchanged_count(), 3);
  EXPECT_EQ(again.replaced_count(), 0);
  EXPECT_EQ(again.rejected_count(), 4);
  EXPECT_EQ(Stats("2026-05").received(), 2);
  EXPECT_EQ(Stats("2026-05").completed(), 1);

  // A newer export moves LPR-2 forward: replaced, the others unchanged.
  std::string newer = csv;
  const std::string lpr2 = "diteruskan,2026-05-05 09:00,,2026-05-06 09:00,,,";
  newer.replace(newer.find(lpr2), lpr2.size(), "selesai,2026-05-05 09:00,,2026-05-06 09:00,,2026-05-11 09:00,");
  const auto moved = ImportCsv(newer, 1000);
  EXPECT_EQ(moved.replaced_count(), 1);
  EXPECT_EQ(moved.unchanged_count(), 2);
  EXPECT_EQ(moved.accepted_count(), 0);
  EXPECT_EQ(Stats("2026-05").completed(), 2);  // LPR-1 and now LPR-2 (dukcapil by its display name)
  EXPECT_EQ(moved.records_read(), 7);

  // A header without the required columns fails the import.
  grpc::ClientContext ctx;
  AttachTenant(ctx, "1504");
  type::v1::ImportResult resp;
  auto writer = stub_->ImportComplaintsCsv(&ctx, &resp);
  v1::ImportComplaintsCsvRequest r;
  r.set_parent("tenants/1504");
  r.set_csv_chunk("id,status\n1,selesai\n");
  writer->Write(r);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), StatusCode::INVALID_ARGUMENT);
}

TEST_F(ComplaintServiceTest, Open311ImportReportsBadRows) {
  v1::ImportOpen311Request r;
  r.set_parent("tenants/1504");
  r.set_requests_json(R"([
    {"service_request_id": "311-1", "status": "closed", "service_name": "Pelayanan KTP",
     "agency_responsible": "dukcapil", "requested_datetime": "2026-06-01T09:00:00+07:00",
     "updated_datetime": "2026-06-03T09:00:00+07:00"},
    {"service_request_id": "311-2", "status": "open", "service_name": "Perizinan",
     "agency_responsible": "DPMPTSP", "requested_datetime": "2026-06-02T09:00:00+07:00"},
    {"service_request_id": "311-3", "status": "open", "agency_responsible": "dukcapil"},
    {"service_request_id": "311-4", "status": "closed", "agency_responsible": "nowhere",
     "requested_datetime": "2026-06-02T09:00:00+07:00",
     "updated_datetime": "2026-06-01T09:00:00+07:00"}
  ])");
  type::v1::ImportResult resp;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ImportOpen311, r, &resp).ok());
  EXPECT_EQ(resp.state(), type::v1::COMPLETE);
  EXPECT_EQ(resp.accepted_count(), 2);
  ASSERT_EQ(resp.rejected_size(), 2);
  EXPECT_EQ(resp.rejected(0).row(), 3);
  EXPECT_EQ(resp.rejected(0).id(), "311-3");
  EXPECT_NE(resp.rejected(0).reason().find("requested_datetime"), std::string::npos);
  EXPECT_EQ(resp.rejected(1).row(), 4);
  EXPECT_NE(resp.rejected(1).reason().find("before requested_datetime"), std::string::npos);
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ImportOpen311, r, &resp).ok());
  EXPECT_EQ(resp.accepted_count(), 0);
  EXPECT_EQ(resp.unchanged_count(), 2);
  EXPECT_EQ(Stats("2026-06").received(), 1);
  EXPECT_EQ(Stats("2026-06").completed(), 1);
  EXPECT_EQ(Stats("2026-06", "dpmptsp").open_backlog(), 1);
  r.set_requests_json("{}");
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::ImportOpen311, r, &resp).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(ComplaintServiceTest, ImportsNameEachRejectedRowsReasonCode) {
  // The CSV: one row of each kind of rejection after a valid one; the
  // expected code of each row in file order.
  const std::string h =
      "nomor_tiket,sumber,kode_instansi,klasifikasi,kategori,judul,status,waktu_diterima,"
      "waktu_diverifikasi,waktu_diteruskan,waktu_ditindaklanjuti,waktu_selesai,waktu_status\n";
  const std::string ok_tail = ",,diterima,2026-05-05 09:00,,,,,";
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"C-1,web,dukcapil,pengaduan,KTP-el" + ok_tail, ""},
      {"C-2,web,dukcapil", "FIELD_COUNT"},
      {",web,dukcapil,pengaduan,KTP-el" + ok_tail, "MISSING_ID"},
      {"C-4,web,,pengaduan,KTP-el" + ok_tail, "MISSING_UNIT"},
      {"C-5,web,dukcapil,entah,KTP-el" + ok_tail, "UNKNOWN_CLASSIFICATION"},
      {"C-6,web,dukcapil,pengaduan,KTP-el,,ditutup,2026-05-05 09:00,,,,,", "UNKNOWN_STATUS"},
      {"C-7,web,dukcapil,pengaduan,KTP-el,,diterima,kemarin,,,,,", "INVALID_TIME"},
      {"C-8,web,dukcapil,pengaduan,KTP-el,,diterima,2026-05-05 09:00,,,,2026-05-06 09:00,", "TIME_BEYOND_STATUS"},
      {"C-9,web,dukcapil,pengaduan,KTP-el,,diteruskan,2026-05-05 09:00,,2026-05-04 09:00,,,", "TIME_BEFORE_RECEIVED"},
      {"C-10,web,dukcapil,pengaduan,KTP-el,,diterima,,,,,,", "MISSING_RECEIVED_TIME"},
      {"C-11,web,dukcapil,pengaduan,KTP-el,,selesai,2026-05-05 09:00,,,,,", "MISSING_STATUS_TIME"},
      {"C 12!,web,dukcapil,pengaduan,KTP-el" + ok_tail, "INVALID_ID"},
      {"C-13,web,dukcapil,pengaduan,KTP-el,,diterima,1999-05-05 09:00,,,,,", "TIME_TOO_EARLY"},
      {"C-14,web,dukcapil,pengaduan," + std::string(101, 'k') + ok_tail, "CATEGORY_TOO_LONG"},
      {"C-15,web,dinas-tidak-ada,pengaduan,KTP-el" + ok_tail, "UNKNOWN_UNIT"},
      {"C-16,web,tenants/1505/units/dukcapil,pengaduan,KTP-el" + ok_tail, "OTHER_TENANT"},
      {"C-17,web,dukcapil,pengaduan,KTP-el," + std::string(70 * 1024, 'j') + ",diterima,2026-05-05 09:00,,,,,",
       "FIELD_TOO_LONG"},
  };
  std::string csv = h;
  for (const auto& [row, code] : rows) csv += row + "\n";
  const auto got = ImportCsv(csv, 4096);
  EXPECT_EQ(got.state(), type::v1::COMPLETE);
  EXPECT_EQ(got.accepted_count(), 1);
  ASSERT_EQ(got.rejected_size(), static_cast<int>(rows.size()) - 1);
  for (int i = 0; i < got.rejected_size(); ++i) {
    const auto& e = got.rejected(i);
    EXPECT_EQ(e.row(), i + 3);
    EXPECT_EQ(e.code(), rows[i + 1].second) << e.row() << ": " << e.reason();
  }

  // Open311: the same for each kind of rejected element.
  v1::ImportOpen311Request r;
  r.set_parent("tenants/1504");
  const std::string req = R"("requested_datetime": "2026-06-01T09:00:00+07:00")";
  const std::vector<std::pair<std::string, std::string>> elements = {
      {R"({"service_request_id": "J-1", "status": "open", "agency_responsible": "dukcapil", )" + req + "}", ""},
      {"42", "NOT_AN_OBJECT"},
      {R"({"status": "open", "agency_responsible": "dukcapil", )" + req + "}", "MISSING_ID"},
      {R"({"service_request_id": "J-3", "status": "open", )" + req + "}", "MISSING_UNIT"},
      {R"({"service_request_id": "J-4", "status": "pending", "agency_responsible": "dukcapil", )" + req + "}",
       "UNKNOWN_STATUS"},
      {R"({"service_request_id": "J-5", "status": "open", "agency_responsible": "dukcapil"})",
       "MISSING_RECEIVED_TIME"},
      {R"({"service_request_id": "J-6", "status": "open", "agency_responsible": "dukcapil",
           "requested_datetime": "kemarin"})",
       "INVALID_TIME"},
      {R"({"service_request_id": "J-7", "status": "closed", "agency_responsible": "dukcapil", )" + req +
           R"(, "updated_datetime": "2026-05-01T09:00:00+07:00"})",
       "TIME_BEFORE_RECEIVED"},
      {R"({"service_request_id": "J-8", "status": "closed", "agency_responsible": "dukcapil", )" + req + "}",
       "MISSING_STATUS_TIME"},
      {R"({"service_request_id": "J 9!", "status": "open", "agency_responsible": "dukcapil", )" + req + "}",
       "INVALID_ID"},
      {R"({"service_request_id": "J-10", "status": "open", "agency_responsible": "nowhere", )" + req + "}",
       "UNKNOWN_UNIT"},
  };
  std::string json = "[";
  for (size_t i = 0; i < elements.size(); ++i) json += (i ? "," : "") + elements[i].first;
  r.set_requests_json(json + "]");
  type::v1::ImportResult resp;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ImportOpen311, r, &resp).ok());
  EXPECT_EQ(resp.accepted_count(), 1);
  ASSERT_EQ(resp.rejected_size(), static_cast<int>(elements.size()) - 1);
  for (int i = 0; i < resp.rejected_size(); ++i) {
    const auto& e = resp.rejected(i);
    EXPECT_EQ(e.row(), i + 2);
    EXPECT_EQ(e.code(), elements[i + 1].second) << e.row() << ": " << e.reason();
  }
}

TEST_F(ComplaintServiceTest, BeforeAfterRateRatio) {
  // Known to the unit directory before its first read (which it caches).
  ASSERT_TRUE(AddUnit("1504", "arsip", "Arsip", 0));
  // 40 complaints in the 28 days before 1 Feb 2026 and 20 in the 28 after.
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(Update(absl::StrCat("B", i), v1::RECEIVED, Ts(2026, 1, 4 + i % 28)).ok());
  }
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Update(absl::StrCat("A", i), v1::RECEIVED, Ts(2026, 2, 1 + i % 28)).ok());
  }
  // Outside both windows.
  ASSERT_TRUE(Update("OUT", v1::RECEIVED, Ts(2026, 1, 3)).ok());
  v1::CompareComplaintRatesRequest r;
  r.set_name("tenants/1504/units/dukcapil/complaintRateChange");
  *r.mutable_date() = ToDate(absl::CivilDay(2026, 2, 1));
  r.set_window_days(28);
  v1::ComplaintRateComparison c;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::CompareComplaintRates, r, &c).ok());
  EXPECT_EQ(c.before().complaints(), 40);
  EXPECT_EQ(c.after().complaints(), 20);
  const double exposure = 1000 * 28 / 30.4375;
  EXPECT_NEAR(c.before().transactions(), exposure, 1e-9);
  EXPECT_NEAR(c.before().per_1000(), 40 / exposure * 1000, 1e-9);
  EXPECT_NEAR(c.rate_ratio(), 0.5, 1e-12);
  EXPECT_NEAR(c.ratio_ci_low(), 0.292320, 1e-5);
  EXPECT_NEAR(c.ratio_ci_high(), 0.855226, 1e-5);
  EXPECT_NEAR(c.difference(), -20 / exposure * 1000, 1e-9);
  EXPECT_LT(c.difference_ci_high(), 0);
  EXPECT_EQ(c.before().start_date().day(), 4);
  EXPECT_EQ(c.after().end_date().day(), 28);
  r.set_window_days(0);
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::CompareComplaintRates, r, &c).error_code(),
            StatusCode::INVALID_ARGUMENT);
  // A unit without a service volume has no rate to compare.
  r.set_name("tenants/1504/units/arsip/complaintRateChange");
  r.set_window_days(28);
  grpc::Status none = Call(&v1::ComplaintService::Stub::CompareComplaintRates, r, &c);
  EXPECT_EQ(none.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(none)), "NO_SERVICE_VOLUME");
}

v1::RecordSatisfactionResponseRequest Skm(const std::string& name, std::vector<int> scores,
                                          const std::string& unit = "dukcapil",
                                          google::protobuf::Timestamp time = Ts(2026, 7, 10)) {
  v1::RecordSatisfactionResponseRequest r;
  r.set_parent("tenants/1504");
  r.mutable_response()->set_name(name);
  r.mutable_response()->set_unit("tenants/1504/units/" + unit);
  *r.mutable_response()->mutable_time() = time;
  for (int s : scores) r.mutable_response()->add_scores(s);
  return r;
}

// Independent recomputation from the raw answers: NRR_i, and the converted
// IKM in hundredths rounded half up with integers only.
struct Expected {
  std::vector<double> nrr;
  int64_t cents = 0;
  std::string category;
};
Expected FromAnswers(const std::vector<std::vector<int>>& answers) {
  std::vector<int64_t> sum(9, 0), count(9, 0);
  for (const auto& a : answers) {
    for (int i = 0; i < 9; ++i) {
      if (a[i] > 0) {
        sum[i] += a[i];
        ++count[i];
      }
    }
  }
  Expected e;
  int64_t den = 1;
  for (int64_t c : count) den = std::lcm(den, c);
  __int128 num = 0;
  for (int i = 0; i < 9; ++i) {
    e.nrr.push_back(static_cast<double>(sum[i]) / count[i]);
    num += static_cast<__int128>(sum[i]) * (den / count[i]);
  }
  // 100 x 25 x num / (9 den), + 1/2, floored.
  e.cents = static_cast<int64_t>((5000 * num + 9 * static_cast<__int128>(den)) / (18 * static_cast<__int128>(den)));
  e.category = e.cents <= 6499 ? "D" : e.cents <= 7660 ? "C" : e.cents <= 8830 ? "B" : "A";
  return e;
}

TEST_F(ComplaintServiceTest, SatisfactionIndex) {
  v1::RecordSatisfactionResponseResponse ok;
  // Six respondents; U1..U9 sums 19,18,17,16,15,19,18,17,16 (n = 6 each,
  // except U9 answered by 5 with sum 16): NRR 3.1667,3.0,2.8333,2.6667,2.5,
  // 3.1667,3.0,2.8333,3.2; Σ = 26.3667; IKM 2.92963; converted 73.2407 -> C.
  const std::vector<std::vector<int>> answers = {{4, 3, 3, 3, 2, 4, 3, 3, 4},
                                                 {3, 3, 3, 3, 3, 3, 3, 3, 3},
                                                 {3, 3, 3, 2, 2, 3, 3, 3, 3},
                                                 {3, 3, 2, 2, 2, 3, 3, 2, 3},
                                                 {3, 3, 3, 3, 3, 3, 3, 3, 0},
                                                 {3, 3, 3, 3, 3, 3, 3, 3, 3}};
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_TRUE(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                     Skm(absl::StrCat("tenants/1504/responses/r", i), answers[i]), &ok).ok());
    EXPECT_TRUE(ok.recorded());
  }
  // The same response again is not counted twice.
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                   Skm("tenants/1504/responses/r0", answers[0]), &ok).ok());
  EXPECT_FALSE(ok.recorded());
  v1::GetSatisfactionRequest g;
  g.set_name("tenants/1504/units/dukcapil/satisfaction");
  g.set_period("2026-07");
  v1::Satisfaction s;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &s).ok());
  EXPECT_EQ(s.respondents(), 6);
  ASSERT_FALSE(s.suppressed()) << s.suppressed_reason();
  ASSERT_EQ(s.elements_size(), 9);
  const Expected e = FromAnswers(answers);
  for (int i = 0; i < 9; ++i) EXPECT_DOUBLE_EQ(s.elements(i).nrr(), e.nrr[i]) << i;
  EXPECT_EQ(s.elements(8).respondents(), 5);
  EXPECT_NEAR(s.ikm(), (19 + 18 + 17 + 16 + 15 + 19 + 18 + 17) / 6.0 / 9 + 3.2 / 9, 1e-9);
  EXPECT_NEAR(s.ikm_converted(), 73.240741, 1e-5);
  EXPECT_DOUBLE_EQ(s.ikm_converted_rounded(), e.cents / 100.0);
  EXPECT_EQ(e.cents, 7324);
  EXPECT_EQ(s.category(), "C");
  EXPECT_EQ(s.category_label(), "Kurang Baik");
  EXPECT_EQ(s.population(), 1018);  // 1000 a month x 31 / 30.4375 days
  EXPECT_NEAR(s.margin_of_error_pct(), 100 * 1.959964 * std::sqrt(0.25 / 6) * std::sqrt(1012.0 / 1017),
              1e-3);
  // The standard error from the respondents' converted scores (mean of
  // their answered elements x 25), and the margin t(0.975, 5) x it.
  {
    std::vector<double> scores;
    for (const auto& a : answers) {
      double sum = 0;
      int n = 0;
      for (int x : a) {
        if (x > 0) {
          sum += x;
          ++n;
        }
      }
      scores.push_back(25 * sum / n);
    }
    double mean = 0, ss = 0;
    for (double x : scores) mean += x / scores.size();
    for (double x : scores) ss += (x - mean) * (x - mean);
    const double se = std::sqrt(ss / 5 / 6) * std::sqrt(1012.0 / 1017);
    EXPECT_NEAR(s.ikm_standard_error(), se, 1e-9);
    EXPECT_NEAR(s.ikm_margin(), 2.570581835636314 * se, 1e-9);
  }
  // Another period, too few respondents: withheld.
  g.set_period("2026-06");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &s).ok());
  EXPECT_TRUE(s.suppressed());
  EXPECT_EQ(s.suppression(), v1::TOO_FEW_RESPONDENTS);
  EXPECT_EQ(s.elements_size(), 0);
  // Bad input.
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                 Skm("x", {5, 3, 3, 3, 3, 3, 3, 3, 3}), &ok).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse, Skm("x", {3, 3}), &ok)
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                 Skm("x", {3, 3, 3, 3, 3, 3, 3, 3, 3}, "nowhere"), &ok).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

// A unit the directory does not know, with nothing recorded, is NOT_FOUND
// for the IKM and the statistics (so that a report of a mistyped unit is a
// 404, not an empty document); a known unit without data reads as zeros.
TEST_F(ComplaintServiceTest, AnUnknownUnitIsNotFound) {
  v1::GetSatisfactionRequest g;
  g.set_name("tenants/1504/units/nowhere/satisfaction");
  g.set_period("2026");
  v1::Satisfaction s;
  grpc::Status st = Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &s);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  EXPECT_NE(st.error_message().find("nowhere"), std::string::npos) << st.error_message();
  g.set_name("tenants/1504/units/dpmptsp/satisfaction");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &s).ok());
  EXPECT_EQ(s.respondents(), 0);
  EXPECT_TRUE(s.suppressed());

  v1::GetComplaintStatisticsRequest r;
  r.set_name("tenants/1504/complaintStatistics");
  r.set_unit("tenants/1504/units/nowhere");
  r.set_period("2026");
  v1::ComplaintStatistics cs;
  st = Call(&v1::ComplaintService::Stub::GetComplaintStatistics, r, &cs);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  const v1::ComplaintStatistics known = Stats("2026", "dpmptsp");
  EXPECT_EQ(known.received(), 0);
  EXPECT_EQ(known.unit(), "tenants/1504/units/dpmptsp");
}

TEST_F(ComplaintServiceTest, FollowsSurveyStream) {
  // Entries as the survey service wrote them before events were typed (the
  // typed ones: services/complaint/skm_follower_test.cc).
  events::FixedTenants tenants({"1504"});
  events::FollowerOptions fo;
  fo.idle_poll = absl::Milliseconds(20);
  SkmFollower follower(client_.get(), logic_.get(), &tenants, fo);
  ASSERT_TRUE(follower.PollOnce().ok());  // creates the group
  auto add = [&](const std::string& name, const std::string& kind, int score) {
    survey::v1::Response resp;
    resp.set_name(name);
    resp.set_unit("tenants/1504/units/dpmptsp");
    for (int i = 1; i <= 9; ++i) {
      auto* a = resp.add_answers();
      a->set_item(absl::StrCat("U", i));
      a->set_number(score);
    }
    auto r = client_->Run({"XADD", SkmFollower::StreamKey("1504"), "*", "name", name, "instrument",
                           "tenants/1504/instruments/skm", "instrument_kind", kind, "cohort", "",
                           "unit", "tenants/1504/units/dpmptsp", "time", "2026-08-03T02:00:00Z",
                           "payload", resp.SerializeAsString()});
    ASSERT_TRUE(r.ok());
  };
  for (int i = 0; i < 5; ++i) add(absl::StrCat("tenants/1504/responses/s", i), "skm", 4);
  add("tenants/1504/responses/s0", "skm", 1);  // redelivered duplicate
  add("tenants/1504/responses/x", "reaction", 1);
  add("tenants/1504/responses/bad", "skm", 9);  // out of the 1-4 scale: dead-lettered
  int handled = 0;
  for (int i = 0; i < 4; ++i) {
    auto n = follower.PollOnce();
    ASSERT_TRUE(n.ok()) << n.status();
    handled += *n;
  }
  EXPECT_EQ(handled, 8);
  EXPECT_EQ(follower.follower().stats().dead_lettered, 1);
  auto dead = client_->Run({"XLEN", "complaint:{1504}:deadletter"});
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(dead->integer, 1);
  auto pending = client_->Run({"XPENDING", SkmFollower::StreamKey("1504"), "complaint"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements[0].integer, 0);
  v1::GetSatisfactionRequest g;
  g.set_name("tenants/1504/units/dpmptsp/satisfaction");
  g.set_period("2026-08");
  v1::Satisfaction s;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &s).ok());
  EXPECT_EQ(s.respondents(), 5);
  EXPECT_DOUBLE_EQ(s.ikm_converted(), 100);
  EXPECT_EQ(s.category(), "A");

  // The background thread picks up a new entry.
  follower.Start();
  add("tenants/1504/responses/s9", "skm", 4);
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        v1::Satisfaction now;
        return Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &now).ok() &&
               now.respondents() == 6;
      },
      absl::Seconds(10)));
  follower.Stop();
}

TEST_F(ComplaintServiceTest, FollowerRereadsEntriesLeftPendingByACrash) {
  const std::string key = SkmFollower::StreamKey("1504");
  ASSERT_TRUE(client_->Run({"XGROUP", "CREATE", key, "complaint", "0", "MKSTREAM"}).ok());
  for (int i = 0; i < 5; ++i) {
    survey::v1::Response resp;
    for (int e = 1; e <= 9; ++e) {
      auto* a = resp.add_answers();
      a->set_item(absl::StrCat("U", e));
      a->set_number(3);
    }
    ASSERT_TRUE(client_->Run({"XADD", key, "*", "name", absl::StrCat("tenants/1504/responses/p", i),
                              "instrument_kind", "skm", "unit", "tenants/1504/units/dukcapil",
                              "time", "2026-09-01T02:00:00Z", "payload", resp.SerializeAsString()})
                    .ok());
  }
  // A previous process (today's consumer name) read them and died before
  // XACK; a new process takes them over once they have been idle long enough.
  auto read = client_->Run({"XREADGROUP", "GROUP", "complaint", "complaint-1", "COUNT", "100",
                            "STREAMS", key, ">"});
  ASSERT_TRUE(read.ok());
  events::FixedTenants tenants({"1504"});
  events::FollowerOptions fo;
  fo.claim_idle = absl::Milliseconds(50);
  SkmFollower follower(client_.get(), logic_.get(), &tenants, fo);
  int n = 0;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto got = follower.PollOnce();
        if (got.ok()) n += *got;
        return n >= 5;
      },
      absl::Seconds(10)));
  EXPECT_EQ(n, 5);
  EXPECT_EQ(follower.follower().stats().claimed, 5);
  auto pending = client_->Run({"XPENDING", key, "complaint"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements[0].integer, 0);
  v1::GetSatisfactionRequest g;
  g.set_name("tenants/1504/units/dukcapil/satisfaction");
  g.set_period("2026-09");
  v1::Satisfaction s;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &s).ok());
  EXPECT_EQ(s.respondents(), 5);
  EXPECT_DOUBLE_EQ(s.ikm_converted(), 75);
  EXPECT_EQ(s.category(), "C");
}

TEST_F(ComplaintServiceTest, TenantIsolation) {
  ASSERT_TRUE(Update("SAME", v1::RECEIVED, Ts(2026, 3, 2)).ok());
  ASSERT_TRUE(Update("SAME", v1::RECEIVED, Ts(2026, 3, 3), "dukcapil", "1505").ok());
  ASSERT_TRUE(Update("ONLY1504", v1::RECEIVED, Ts(2026, 3, 4)).ok());
  EXPECT_EQ(Stats("2026-03").received(), 2);
  EXPECT_EQ(Stats("2026-03", "dukcapil", "1505").received(), 1);
  EXPECT_EQ(Stats("2026-03", "dukcapil", "1505").monthly_service_volume(), 800);
  // 1505 cannot read or write 1504's resources.
  v1::GetComplaintRequest g;
  g.set_name("tenants/1504/complaints/ONLY1504");
  v1::Complaint c;
  grpc::Status foreign = Call(&v1::ComplaintService::Stub::GetComplaint, g, &c, "1505");
  EXPECT_EQ(foreign.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(foreign)), "OTHER_TENANT");
  g.set_name("tenants/1505/complaints/ONLY1504");
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::GetComplaint, g, &c, "1505").error_code(),
            StatusCode::NOT_FOUND);
  v1::GetComplaintStatisticsRequest sr;
  sr.set_name("tenants/1504/complaintStatistics");
  sr.set_period("2026");
  v1::ComplaintStatistics s;
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::GetComplaintStatistics, sr, &s, "1505").error_code(),
            StatusCode::PERMISSION_DENIED);
  // A unit of another tenant in an update is refused.
  foreign = Update("Z", v1::RECEIVED, Ts(2026, 3, 2), "tenants/1505/units/dukcapil");
  EXPECT_EQ(foreign.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ErrorReason(FromGrpcStatus(foreign)), "OTHER_TENANT");
  // No tenant at all.
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::GetComplaint, g, &c, "").error_code(),
            StatusCode::UNAUTHENTICATED);
  v1::ListComplaintsRequest l;
  l.set_parent("tenants/1505");
  v1::ListComplaintsResponse list;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ListComplaints, l, &list, "1505").ok());
  ASSERT_EQ(list.complaints_size(), 1);
  EXPECT_EQ(list.complaints(0).name(), "tenants/1505/complaints/SAME");
}

TEST_F(ComplaintServiceTest, AdminEditsCalendar) {
  v1::GetWorkingCalendarRequest g;
  g.set_name("tenants/1504/workingCalendar");
  v1::WorkingCalendar cal;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetWorkingCalendar, g, &cal).ok());
  EXPECT_GT(cal.holidays_size(), 40);
  // The standard Update: the calendar as read, with the regency's day added.
  v1::UpdateWorkingCalendarRequest u;
  *u.mutable_calendar() = cal;
  u.mutable_update_mask()->add_paths("holidays");
  auto* h = u.mutable_calendar()->add_holidays();
  *h->mutable_date() = ToDate(absl::CivilDay(2026, 9, 8));
  h->set_description("Hari jadi Kabupaten Batang Hari");
  {
    // The refusal carries a stable reason (google.rpc.ErrorInfo) that a
    // user interface can translate, across gRPC.
    const grpc::Status denied =
        Call(&v1::ComplaintService::Stub::UpdateWorkingCalendar, u, &cal, "1504", "organiser");
    EXPECT_EQ(denied.error_code(), StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(ErrorReason(FromGrpcStatus(denied)), "ADMIN_ONLY");
  }
  const int national = cal.holidays_size();
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::UpdateWorkingCalendar, u, &cal, "1504", "admin").ok());
  EXPECT_EQ(cal.holidays_size(), national + 1);
  EXPECT_EQ(cal.name(), "tenants/1504/workingCalendar");
  // Received Mon 7 Sep, forwarded Fri 11 Sep: 4 wd, but 8 Sep is now off -> 3, no breach.
  ASSERT_TRUE(Update("K1", v1::RECEIVED, Ts(2026, 9, 7)).ok());
  ASSERT_TRUE(Update("K1", v1::FORWARDED, Ts(2026, 9, 11)).ok());
  EXPECT_EQ(Stats("2026-09").forward_sla_breaches(), 0);
  // Another tenant keeps the national calendar: the same dates breach there.
  ASSERT_TRUE(Update("K1", v1::RECEIVED, Ts(2026, 9, 7), "dukcapil", "1505").ok());
  ASSERT_TRUE(Update("K1", v1::FORWARDED, Ts(2026, 9, 11), "dukcapil", "1505").ok());
  EXPECT_EQ(Stats("2026-09", "dukcapil", "1505").forward_sla_breaches(), 1);
}

// AIP-134 on the calendar: the list the mask names is replaced whole; a
// path the resource does not have, or a bad entry, is INVALID_ARGUMENT with
// a google.rpc.BadRequest field violation and changes nothing.
TEST_F(ComplaintServiceTest, CalendarUpdateFollowsTheMask) {
  v1::GetWorkingCalendarRequest g;
  g.set_name("tenants/1504/workingCalendar");
  v1::WorkingCalendar before;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetWorkingCalendar, g, &before).ok());
  ASSERT_GT(before.holidays_size(), 40);
  using Violations = std::vector<std::pair<std::string, std::string>>;
  auto update = [&](const v1::UpdateWorkingCalendarRequest& u, v1::WorkingCalendar* out) {
    return Call(&v1::ComplaintService::Stub::UpdateWorkingCalendar, u, out, "1504", "admin");
  };
  v1::WorkingCalendar out;
  {
    v1::UpdateWorkingCalendarRequest u;
    *u.mutable_calendar() = before;
    u.mutable_update_mask()->add_paths("add");  // The former request's field.
    const grpc::Status st = update(u, &out);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT);
    const Violations v = FieldViolationsOf(FromGrpcStatus(st));
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].first, "update_mask");
  }
  {
    // The same date twice: the second entry is named, nothing is written.
    v1::UpdateWorkingCalendarRequest u;
    u.mutable_calendar()->set_name("tenants/1504/workingCalendar");
    for (int i = 0; i < 2; ++i) {
      auto* h = u.mutable_calendar()->add_holidays();
      *h->mutable_date() = ToDate(absl::CivilDay(2026, 9, 8));
    }
    const grpc::Status st = update(u, &out);
    EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(FieldViolationsOf(FromGrpcStatus(st)),
              (Violations{{"calendar.holidays[1].date", "2026-09-08 is listed twice"}}));
  }
  v1::WorkingCalendar now;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetWorkingCalendar, g, &now).ok());
  EXPECT_EQ(now.holidays_size(), before.holidays_size());
  {
    // An empty mask means the fields set: a list with one day replaces the
    // national ones; the name in the request is not a field to change.
    v1::UpdateWorkingCalendarRequest u;
    u.mutable_calendar()->set_name("tenants/1504/workingCalendar");
    auto* h = u.mutable_calendar()->add_holidays();
    *h->mutable_date() = ToDate(absl::CivilDay(2026, 12, 25));
    h->set_description("Natal");
    ASSERT_TRUE(update(u, &out).ok());
    ASSERT_EQ(out.holidays_size(), 1);
    EXPECT_EQ(out.holidays(0).description(), "Natal");
  }
  {
    // Clearing every day needs the mask (an empty list is "not set"), and
    // the empty calendar stays empty: the defaults are not seeded again.
    v1::UpdateWorkingCalendarRequest u;
    u.mutable_calendar()->set_name("tenants/1504/workingCalendar");
    ASSERT_TRUE(update(u, &out).ok());
    EXPECT_EQ(out.holidays_size(), 1);
    u.mutable_update_mask()->add_paths("holidays");
    ASSERT_TRUE(update(u, &out).ok());
    EXPECT_EQ(out.holidays_size(), 0);
    ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetWorkingCalendar, g, &now).ok());
    EXPECT_EQ(now.holidays_size(), 0);
  }
}

}  // namespace
}  // namespace pelita::complaint

namespace pelita::complaint {
namespace {

// Missing is not zero: an element nobody answered is not an NRR of 0, and
// an element answered by fewer than the minimum would follow from the IKM
// and the other eight.
TEST_F(ComplaintServiceTest, AnElementWithoutEnoughAnswersWithholdsTheIkm) {
  v1::RecordSatisfactionResponseResponse ok;
  // Eight respondents; nobody answered U4 (biaya/tarif).  Dividing the
  // other eight NRR by 9 anyway gave 71.94 C.
  for (int i = 0; i < 8; ++i) {
    std::vector<int> a = {3, 3, 3, 0, 3, 3, 4, 3, 3};
    if (i % 2) a[6] = 3;
    ASSERT_TRUE(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                     Skm(absl::StrCat("tenants/1504/responses/u4-", i), a, "dukcapil", Ts(2026, 8, 3)), &ok)
                    .ok());
  }
  v1::GetSatisfactionRequest g;
  g.set_name("tenants/1504/units/dukcapil/satisfaction");
  g.set_period("2026-08");
  v1::Satisfaction s;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &s).ok());
  EXPECT_EQ(s.respondents(), 8);
  EXPECT_TRUE(s.suppressed());
  EXPECT_EQ(s.suppression(), v1::ELEMENT_TOO_FEW_ANSWERS);
  EXPECT_NE(s.suppressed_reason().find("U4"), std::string::npos) << s.suppressed_reason();
  EXPECT_TRUE(s.category().empty());
  EXPECT_EQ(s.ikm_converted(), 0);
  EXPECT_EQ(s.elements_size(), 0);
}

// The answers of `n` respondents giving element sums `sums` over answer
// counts `counts` (each respondent answers the elements whose count exceeds
// their index; values 1..4 spread to hit each sum).
std::vector<std::vector<int>> AnswersFor(const std::array<int64_t, 9>& sums, const std::array<int64_t, 9>& counts) {
  const int64_t n = *std::max_element(counts.begin(), counts.end());
  std::vector<std::vector<int>> out(n, std::vector<int>(9, 0));
  for (int i = 0; i < 9; ++i) {
    const int64_t base = sums[i] / counts[i], extra = sums[i] % counts[i];
    for (int64_t k = 0; k < counts[i]; ++k) out[k][i] = static_cast<int>(base + (k < extra ? 1 : 0));
  }
  return out;
}

// PermenPANRB 14/2017 publishes two decimals: 64.995, 76.605 and 88.305
// round half up to 65.00 C, 76.61 B and 88.31 A, whichever way the element
// sums split.  Each first split is one where the binary double of
// sum(NRR) / 9 x 25 x 100 lands just below the half and llround gave D, C
// and B; the second split of the same value did not.
TEST_F(ComplaintServiceTest, IkmRoundsHalfUpExactlyFromTheIntegerSums) {
  struct Case {
    std::array<int64_t, 9> sums, counts;
    int64_t cents;
    const char* category;
  };
  const std::array<int64_t, 9> last8 = {625, 625, 625, 625, 625, 625, 625, 625, 8};
  const std::array<int64_t, 9> first8 = {8, 625, 625, 625, 625, 625, 625, 625, 625};
  // (More splits of every boundary: complaint_domain_test.)
  const Case cases[] = {
      {{1053, 1871, 1798, 1763, 2101, 1441, 1620, 1805, 15}, last8, 6500, "C"},
      {{2191, 1604, 2493, 1977, 2355, 2012, 2482, 1419, 9}, last8, 7661, "B"},
      {{29, 2423, 2500, 2372, 2500, 2327, 1581, 2500, 1400}, first8, 8831, "A"},
  };
  const std::vector<Case> all(std::begin(cases), std::end(cases));
  for (size_t c = 0; c < all.size(); ++c) {
    const auto answers = AnswersFor(all[c].sums, all[c].counts);
    const Expected e = FromAnswers(answers);
    ASSERT_EQ(e.cents, all[c].cents) << c;  // the case is what it claims
    // 625 respondents, recorded by 8 concurrent clients.
    std::atomic<size_t> next{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&] {
        v1::RecordSatisfactionResponseResponse ok;
        for (size_t k; (k = next++) < answers.size();) {
          if (!Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                    Skm(absl::StrCat("tenants/1504/responses/half-", c, "-", k), answers[k], "dukcapil",
                        Ts(2025, 1 + static_cast<int>(c), 5)),
                    &ok)
                   .ok()) {
            ++failed;
          }
        }
      });
    }
    for (auto& t : clients) t.join();
    ASSERT_EQ(failed.load(), 0);
    v1::GetSatisfactionRequest g;
    g.set_name("tenants/1504/units/dukcapil/satisfaction");
    g.set_period(absl::StrFormat("2025-%02d", 1 + c));
    v1::Satisfaction s;
    ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetSatisfaction, g, &s).ok());
    SCOPED_TRACE(c);
    ASSERT_FALSE(s.suppressed()) << s.suppressed_reason();
    EXPECT_NEAR(s.ikm_converted(), all[c].cents / 100.0 - 0.005, 1e-9);
    EXPECT_DOUBLE_EQ(s.ikm_converted_rounded(), all[c].cents / 100.0);
    EXPECT_EQ(s.category(), all[c].category);
  }
}

// Since when a unit's data exist: the first month with a complaint or SKM
// response recorded, or an organiser's data_since.
TEST_F(ComplaintServiceTest, DataCoverageIsRecordedAndCanBeSet) {
  ASSERT_TRUE(Update("C-2", v1::RECEIVED, Ts(2026, 3, 17)).ok());
  ASSERT_TRUE(Update("C-1", v1::RECEIVED, Ts(2026, 1, 20)).ok());
  ASSERT_TRUE(Update("C-3", v1::RECEIVED, Ts(2026, 2, 1), "dpmptsp").ok());
  v1::RecordSatisfactionResponseResponse ok;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                   Skm("tenants/1504/responses/cov", {3, 3, 3, 3, 3, 3, 3, 3, 3}, "dukcapil", Ts(2026, 2, 14)), &ok)
                  .ok());
  v1::ListDataCoverageRequest list;
  list.set_parent("tenants/1504");
  v1::ListDataCoverageResponse all;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::ListDataCoverage, list, &all).ok());
  ASSERT_EQ(all.coverage_size(), 2);  // by unit: dpmptsp, dukcapil
  const v1::DataCoverage& d = all.coverage(1);
  EXPECT_EQ(d.name(), "tenants/1504/units/dukcapil/dataCoverage");
  EXPECT_EQ(d.complaints_since().month(), 1);
  EXPECT_EQ(d.complaints_since().day(), 1);
  EXPECT_EQ(d.satisfaction_since().month(), 2);
  EXPECT_EQ(d.effective_complaints_since().month(), 1);
  EXPECT_FALSE(d.has_data_since());
  EXPECT_EQ(all.coverage(0).complaints_since().month(), 2);
  EXPECT_FALSE(all.coverage(0).has_satisfaction_since());

  // An organiser states that the data are complete since 2025-01-01.
  v1::UpdateDataCoverageRequest up;
  up.mutable_coverage()->set_name("tenants/1504/units/dpmptsp/dataCoverage");
  *up.mutable_coverage()->mutable_data_since() = ToDate(absl::CivilDay(2025, 1, 1));
  v1::DataCoverage out;
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::UpdateDataCoverage, up, &out, "1504", "agency_head").error_code(),
            StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::UpdateDataCoverage, up, &out, "1504", "organiser").ok());
  EXPECT_EQ(out.effective_complaints_since().year(), 2025);
  EXPECT_EQ(out.effective_satisfaction_since().year(), 2025);
  EXPECT_EQ(out.complaints_since().year(), 2026);  // the record stays
  v1::GetDataCoverageRequest get;
  get.set_name("tenants/1504/units/dpmptsp/dataCoverage");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetDataCoverage, get, &out).ok());
  EXPECT_EQ(out.data_since().year(), 2025);
  // Bad input changes nothing.
  v1::UpdateDataCoverageRequest bad = up;
  bad.mutable_coverage()->mutable_data_since()->set_month(13);
  auto st = Call(&v1::ComplaintService::Stub::UpdateDataCoverage, bad, &out, "1504", "organiser");
  EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("coverage.data_since"), std::string::npos) << st.error_message();
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::GetDataCoverage, get, &out).ok());
  EXPECT_EQ(out.data_since().year(), 2025);
  // Without data_since and without a mask the request sets nothing (AIP-134:
  // an empty mask means the fields present) and changes nothing.
  up.mutable_coverage()->clear_data_since();
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::UpdateDataCoverage, up, &out, "1504", "organiser").ok());
  EXPECT_EQ(out.data_since().year(), 2025);
  // An unknown mask path is refused, naming update_mask.
  bad = up;
  bad.mutable_update_mask()->add_paths("no_such_field");
  st = Call(&v1::ComplaintService::Stub::UpdateDataCoverage, bad, &out, "1504", "organiser");
  EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(FieldViolationsOf(FromGrpcStatus(st)).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(FromGrpcStatus(st))[0].first, "update_mask");
  // Named in the mask but absent, it is cleared: back to the recorded month.
  up.mutable_update_mask()->add_paths("data_since");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::UpdateDataCoverage, up, &out, "1504", "organiser").ok());
  EXPECT_FALSE(out.has_data_since());
  EXPECT_EQ(out.effective_complaints_since().year(), 2026);
  // A unit of another tenant, or an unknown unit.
  up.mutable_coverage()->set_name("tenants/1505/units/dukcapil/dataCoverage");
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::UpdateDataCoverage, up, &out, "1504", "organiser").error_code(),
            StatusCode::PERMISSION_DENIED);
  get.set_name("tenants/1504/units/nowhere/dataCoverage");
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::GetDataCoverage, get, &out).error_code(), StatusCode::NOT_FOUND);
}

// BatchGetUnitMonths against the raw data recorded here: per unit and
// month the complaints received, the transactions (volume x days / 30.4375)
// and the SKM sums; a month without data is zeros, never another month's;
// a head of agency reads their own unit only and gets no sums of a thin
// month; bad input is refused field by field and changes nothing.
TEST_F(ComplaintServiceTest, UnitMonthsCountEachUnitsMonthFromTheRawData) {
  // Complaints: dukcapil 3 in Jan 2026 (one on the 31st), 1 in Mar; dpmptsp
  // 2 in Feb.  February is empty for dukcapil.
  struct C { const char* id; const char* unit; int y, m, d; };
  const std::vector<C> complaints = {{"c1", "dukcapil", 2026, 1, 5}, {"c2", "dukcapil", 2026, 1, 20},
                                     {"c3", "dukcapil", 2026, 1, 31}, {"c4", "dukcapil", 2026, 3, 1},
                                     {"c5", "dpmptsp", 2026, 2, 10}, {"c6", "dpmptsp", 2026, 2, 28},
                                     {"c7", "dukcapil", 2026, 4, 1}};  // outside the months asked
  for (const C& c : complaints) ASSERT_TRUE(Update(c.id, v1::RECEIVED, Ts(c.y, c.m, c.d), c.unit).ok()) << c.id;
  // SKM: dukcapil 6 respondents in Jan (U9 unanswered by one), 3 in Mar.
  v1::RecordSatisfactionResponseResponse ok;
  std::map<std::string, std::vector<std::vector<int>>> skm;  // "unit|YYYY-MM" -> answers
  const std::vector<std::vector<int>> jan = {{4, 3, 3, 3, 2, 4, 3, 3, 4}, {3, 3, 3, 3, 3, 3, 3, 3, 3},
                                             {3, 3, 3, 2, 2, 3, 3, 3, 3}, {3, 3, 2, 2, 2, 3, 3, 2, 3},
                                             {3, 3, 3, 3, 3, 3, 3, 3, 0}, {4, 4, 4, 4, 4, 4, 4, 4, 4}};
  const std::vector<std::vector<int>> mar = {{2, 2, 2, 2, 2, 2, 2, 2, 2}, {4, 4, 4, 4, 4, 4, 4, 4, 4},
                                             {3, 3, 3, 3, 3, 3, 3, 3, 3}};
  for (size_t i = 0; i < jan.size(); ++i) {
    ASSERT_TRUE(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                     Skm(absl::StrCat("tenants/1504/responses/j", i), jan[i], "dukcapil", Ts(2026, 1, 10 + i)), &ok)
                    .ok());
  }
  for (size_t i = 0; i < mar.size(); ++i) {
    ASSERT_TRUE(Call(&v1::ComplaintService::Stub::RecordSatisfactionResponse,
                     Skm(absl::StrCat("tenants/1504/responses/m", i), mar[i], "dukcapil", Ts(2026, 3, 10 + i)), &ok)
                    .ok());
  }
  skm["dukcapil|2026-01"] = jan;
  skm["dukcapil|2026-03"] = mar;

  v1::BatchGetUnitMonthsRequest req;
  req.set_parent("tenants/1504");
  req.add_units("tenants/1504/units/dukcapil");
  req.add_units("tenants/1504/units/dpmptsp");
  req.set_start_period("2026-01");
  req.set_end_period("2026-03");
  v1::BatchGetUnitMonthsResponse out;
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::BatchGetUnitMonths, req, &out).ok());
  ASSERT_EQ(out.unit_months_size(), 6);
  const std::map<std::string, int64_t> volume = {{"dukcapil", 1000}, {"dpmptsp", 500}};
  const int days[] = {31, 28, 31};
  for (int i = 0; i < 6; ++i) {
    const v1::UnitMonth& m = out.unit_months(i);
    const std::string unit = i < 3 ? "dukcapil" : "dpmptsp";
    const std::string period = absl::StrFormat("2026-%02d", 1 + i % 3);
    EXPECT_EQ(m.unit(), "tenants/1504/units/" + unit);
    EXPECT_EQ(m.period(), period);
    int64_t received = 0;
    for (const C& c : complaints) {
      received += c.unit == unit && absl::StrFormat("%04d-%02d", c.y, c.m) == period;
    }
    EXPECT_EQ(m.complaints_received(), received) << unit << " " << period;
    EXPECT_EQ(m.monthly_service_volume(), volume.at(unit));
    EXPECT_NEAR(m.transactions(), volume.at(unit) * days[i % 3] / 30.4375, 1e-9);
    const auto& answers = skm[unit + "|" + period];
    EXPECT_EQ(m.skm_respondents(), static_cast<int64_t>(answers.size()));
    EXPECT_FALSE(m.skm_withheld());  // internal caller: the sums, however thin
    if (answers.empty()) {
      EXPECT_EQ(m.element_sums_size(), 0);
      continue;
    }
    ASSERT_EQ(m.element_sums_size(), 9);
    ASSERT_EQ(m.element_answered_size(), 9);
    double score_sum = 0, score_sq = 0;
    for (int e = 0; e < 9; ++e) {
      int64_t sum = 0, answered = 0;
      for (const auto& a : answers) {
        sum += a[e];
        answered += a[e] > 0;
      }
      EXPECT_EQ(m.element_sums(e), sum) << e;
      EXPECT_EQ(m.element_answered(e), answered) << e;
    }
    for (const auto& a : answers) {
      double s = 0;
      int k = 0;
      for (int v : a) {
        s += v;
        k += v > 0;
      }
      score_sum += s / k * 25;
      score_sq += (s / k * 25) * (s / k * 25);
    }
    EXPECT_NEAR(m.score_sum(), score_sum, 1e-6);
    EXPECT_NEAR(m.score_sum_squares(), score_sq, 1e-4);
  }

  // A head of agency: their unit only; a thin month (3 respondents in March,
  // and January's U9 answered by 5 is enough) carries no sums.
  auto as_head = [&](const v1::BatchGetUnitMonthsRequest& r, v1::BatchGetUnitMonthsResponse* o) {
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"1504", "agency_head", "head", "tenants/1504/units/dukcapil"});
    return stub_->BatchGetUnitMonths(&ctx, r, o);
  };
  v1::BatchGetUnitMonthsResponse head;
  EXPECT_EQ(as_head(req, &head).error_code(), StatusCode::PERMISSION_DENIED);
  v1::BatchGetUnitMonthsRequest own = req;
  own.clear_units();
  own.add_units("tenants/1504/units/dukcapil");
  ASSERT_TRUE(as_head(own, &head).ok());
  ASSERT_EQ(head.unit_months_size(), 3);
  EXPECT_FALSE(head.unit_months(0).skm_withheld());
  EXPECT_EQ(head.unit_months(0).element_sums_size(), 9);
  EXPECT_TRUE(head.unit_months(2).skm_withheld());
  EXPECT_EQ(head.unit_months(2).skm_respondents(), 3);
  EXPECT_EQ(head.unit_months(2).element_sums_size(), 0);
  EXPECT_EQ(head.unit_months(2).score_sum(), 0);

  // Bad input: every violation named.
  v1::BatchGetUnitMonthsRequest bad;
  bad.set_parent("tenants/1504");
  bad.add_units("tenants/1504/units/dukcapil");
  bad.add_units("tenants/1504/units/dukcapil");
  bad.add_units("units/x");
  bad.set_start_period("2026-13");
  bad.set_end_period("2026-01");
  grpc::Status st = Call(&v1::ComplaintService::Stub::BatchGetUnitMonths, bad, &out);
  ASSERT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT);
  std::set<std::string> fields;
  for (const auto& [field, problem] : FieldViolationsOf(FromGrpcStatus(st))) fields.insert(field);
  EXPECT_EQ(fields, (std::set<std::string>{"units[1]", "units[2]", "start_period"}));
  bad.clear_units();
  for (int i = 0; i < 101; ++i) bad.add_units(absl::StrCat("tenants/1504/units/u", i));
  bad.set_start_period("2021-01");
  bad.set_end_period("2026-01");  // 61 months
  st = Call(&v1::ComplaintService::Stub::BatchGetUnitMonths, bad, &out);
  ASSERT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT);
  fields.clear();
  for (const auto& [field, problem] : FieldViolationsOf(FromGrpcStatus(st))) fields.insert(field);
  EXPECT_EQ(fields, (std::set<std::string>{"units", "end_period"}));
  // Another tenant's unit is refused, not read.
  v1::BatchGetUnitMonthsRequest other = req;
  other.set_units(1, "tenants/1505/units/dukcapil");
  EXPECT_EQ(Call(&v1::ComplaintService::Stub::BatchGetUnitMonths, other, &out).error_code(),
            StatusCode::PERMISSION_DENIED);
  // 100 units x 60 months: answered (one pipeline), zeros where no data.
  v1::BatchGetUnitMonthsRequest big;
  big.set_parent("tenants/1504");
  for (int i = 0; i < 99; ++i) big.add_units(absl::StrCat("tenants/1504/units/u", i));
  big.add_units("tenants/1504/units/dukcapil");
  big.set_start_period("2021-04");
  big.set_end_period("2026-03");
  ASSERT_TRUE(Call(&v1::ComplaintService::Stub::BatchGetUnitMonths, big, &out).ok());
  ASSERT_EQ(out.unit_months_size(), 6000);
  EXPECT_EQ(out.unit_months(5999).period(), "2026-03");
  EXPECT_EQ(out.unit_months(5999).complaints_received(), 1);
  EXPECT_EQ(out.unit_months(5940 + 57).complaints_received(), 3);  // 2026-01
  EXPECT_EQ(out.unit_months(0).complaints_received(), 0);
  EXPECT_EQ(out.unit_months(0).monthly_service_volume(), 0);  // not in the directory
}

}  // namespace
}  // namespace pelita::complaint
