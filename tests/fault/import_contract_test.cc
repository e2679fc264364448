// The import contract of pelita/type/v1/import.proto, held by each of the
// three client-streaming imports (ImportEmployees, ImportComplaintsCsv,
// ImportResponsesCsv) through the real service binaries over gRPC with a real
// Redis: a file that breaks part-way keeps exactly the records the answer
// says and a re-run of the fixed file completes it with those unchanged; a
// cut upload (upload_truncated, as the gateway sends it) keeps exactly the
// complete records before the cut; a malformed quote or bytes that are not
// UTF-8 stop at their record and line; a bad header stores nothing; a
// rejected record stores nothing of itself.  (Issue 12, item 5: these imports
// answered 400/413 and kept the rows before the failure.)

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/ids/nip.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"
#include "tests/fault/platform.h"

namespace pelita::fault {
namespace {

using type::v1::ImportResult;

constexpr char kTenant[] = "1504";
constexpr char kUnit[] = "tenants/1504/units/dukcapil";

// One import as the tests drive it: the file's records, how to send it, and
// how to count what is stored (through the service's own read API).
class Importer {
 public:
  virtual ~Importer() = default;
  virtual std::string Header() = 0;
  // Data record `i` (record numbers from 2; the header is 1), one line
  // unless `two_lines` (a quoted field holding a newline).  `bad`: a value
  // that the service rejects, in column BadColumn().
  virtual std::string Record(int i, bool two_lines, bool bad) = 0;
  virtual int BadColumn() = 0;
  virtual std::string BadField() = 0;
  // Record `i` with a quote opened in its second field and never closed.
  virtual std::string Unterminated(int i) = 0;
  // A header that lacks what the import needs.
  virtual std::string BadHeader() = 0;
  // Streams `chunks` (the first message also carries the import's request
  // fields); `truncated` sends one last message with only upload_truncated.
  virtual grpc::Status Send(const std::vector<std::string>& chunks, bool truncated, ImportResult* out) = 0;
  virtual int64_t Stored() = 0;
};

void Attach(grpc::ClientContext& ctx) {
  AttachCaller(ctx, Caller{kTenant, "admin", "import-test"});
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
}

template <typename Request, typename Stub, typename Method>
grpc::Status Stream(Stub* stub, Method method, const std::vector<std::string>& chunks, bool truncated,
                    const std::function<void(Request&)>& first_fields, ImportResult* out) {
  grpc::ClientContext ctx;
  Attach(ctx);
  auto writer = (stub->*method)(&ctx, out);
  bool first = true;
  for (const std::string& c : chunks) {
    Request r;
    if (first) first_fields(r);
    first = false;
    r.set_csv_chunk(c);
    // The service may answer early (a break): later writes then fail, as
    // they may for the gateway.
    if (!writer->Write(r)) break;
  }
  if (truncated) {
    Request r;
    if (first) first_fields(r);
    r.set_upload_truncated(true);
    writer->Write(r);
  }
  writer->WritesDone();
  return writer->Finish();
}

// A distinct valid NIP for each i < 900,000.
std::string NipOf(int i) {
  return MakeNip(absl::CivilDay(1975, 1, 1) + i / 900, absl::CivilMonth(2005, 1 + i % 12),
                 i % 2 ? Nip::Gender::kMale : Nip::Gender::kFemale, 1 + i % 900);
}

class EmployeeImporter : public Importer {
 public:
  explicit EmployeeImporter(Platform* p) {
    auto channel = grpc::CreateChannel(p->address("enrolment"), grpc::InsecureChannelCredentials());
    stub_ = enrolment::v1::EnrolmentService::NewStub(channel);
  }
  std::string Header() override { return "nip,name,unit,position,grade,employment_type\n"; }
  std::string Record(int i, bool two_lines, bool bad) override {
    return absl::StrCat(bad ? "19700230" + NipOf(i).substr(8) : NipOf(i), ",Pegawai ", i, ",dukcapil,",
                        two_lines ? "\"Analis\nMuda\"" : "Analis", ",III/a,PNS\n");
  }
  int BadColumn() override { return 1; }
  std::string BadField() override { return "nip"; }
  std::string Unterminated(int i) override {
    return absl::StrCat(NipOf(i), ",\"Pegawai ", i, ",dukcapil,Analis,III/a,PNS\n");
  }
  std::string BadHeader() override { return "name,unit,employment_type\n"; }
  grpc::Status Send(const std::vector<std::string>& chunks, bool truncated, ImportResult* out) override {
    return Stream<enrolment::v1::ImportEmployeesRequest>(
        stub_.get(), &enrolment::v1::EnrolmentService::Stub::ImportEmployees, chunks, truncated,
        [](enrolment::v1::ImportEmployeesRequest& r) { r.set_parent("tenants/1504"); }, out);
  }
  int64_t Stored() override {
    int64_t n = 0;
    enrolment::v1::ListEmployeesRequest req;
    req.set_parent("tenants/1504");
    req.set_page_size(1000);
    do {
      grpc::ClientContext ctx;
      Attach(ctx);
      enrolment::v1::ListEmployeesResponse page;
      grpc::Status s = stub_->ListEmployees(&ctx, req, &page);
      if (!s.ok()) return -1;
      n += page.employees_size();
      req.set_page_token(page.next_page_token());
    } while (!req.page_token().empty());
    return n;
  }

 private:
  std::unique_ptr<enrolment::v1::EnrolmentService::Stub> stub_;
};

class ComplaintImporter : public Importer {
 public:
  explicit ComplaintImporter(Platform* p) {
    auto channel = grpc::CreateChannel(p->address("complaint"), grpc::InsecureChannelCredentials());
    stub_ = complaint::v1::ComplaintService::NewStub(channel);
  }
  std::string Header() override { return "nomor_tiket,judul,kode_instansi,status,waktu_diterima\n"; }
  std::string Record(int i, bool two_lines, bool bad) override {
    return absl::StrCat("LPR-", i, ",", two_lines ? "\"Antrian\nlama\"" : "Antrian", ",dukcapil,",
                        bad ? "ditutup" : "diterima", ",2026-05-04 09:00\n");
  }
  int BadColumn() override { return 4; }
  std::string BadField() override { return "status"; }
  std::string Unterminated(int i) override {
    return absl::StrCat("LPR-", i, ",\"Antrian,dukcapil,diterima,2026-05-04 09:00\n");
  }
  std::string BadHeader() override { return "nomor_tiket,status,waktu_diterima\n"; }
  grpc::Status Send(const std::vector<std::string>& chunks, bool truncated, ImportResult* out) override {
    return Stream<complaint::v1::ImportComplaintsCsvRequest>(
        stub_.get(), &complaint::v1::ComplaintService::Stub::ImportComplaintsCsv, chunks, truncated,
        [](complaint::v1::ImportComplaintsCsvRequest& r) { r.set_parent("tenants/1504"); }, out);
  }
  int64_t Stored() override {
    grpc::ClientContext ctx;
    Attach(ctx);
    complaint::v1::GetComplaintStatisticsRequest req;
    req.set_name("tenants/1504/complaintStatistics");
    req.set_unit(kUnit);
    req.set_period("2026-05");
    complaint::v1::ComplaintStatistics stats;
    grpc::Status s = stub_->GetComplaintStatistics(&ctx, req, &stats);
    return s.ok() ? stats.received() : -1;
  }

 private:
  std::unique_ptr<complaint::v1::ComplaintService::Stub> stub_;
};

// SKM responses (PermenPANRB 14/2017) about one unit: they need no roster.
class ResponseImporter : public Importer {
 public:
  explicit ResponseImporter(Platform* p) {
    auto channel = grpc::CreateChannel(p->address("survey"), grpc::InsecureChannelCredentials());
    stub_ = survey::v1::SurveyService::NewStub(channel);
    grpc::ClientContext ctx;
    Attach(ctx);
    survey::v1::InstallDefaultInstrumentsRequest req;
    req.set_parent("tenants/1504");
    survey::v1::InstallDefaultInstrumentsResponse resp;
    EXPECT_TRUE(stub_->InstallDefaultInstruments(&ctx, req, &resp).ok());
  }
  std::string Header() override { return "response_id,SARAN,Timestamp,U1,U2,U3,U4,U5,U6,U7,U8,U9\n"; }
  std::string Record(int i, bool two_lines, bool bad) override {
    return absl::StrCat("skm-", i, ",", two_lines ? "\"cepat\ndan ramah\"" : "baik",
                        ",2026-05-04 09:00:00,", bad ? 9 : 1 + i % 4, ",3,4,3,4,3,4,3,4\n");
  }
  int BadColumn() override { return 4; }
  std::string BadField() override { return "U1"; }
  std::string Unterminated(int i) override {
    return absl::StrCat("skm-", i, ",\"baik,2026-05-04 09:00:00,4,3,4,3,4,3,4,3,4\n");
  }
  std::string BadHeader() override { return "response_id,Timestamp,pertanyaan_lain\n"; }
  grpc::Status Send(const std::vector<std::string>& chunks, bool truncated, ImportResult* out) override {
    return Stream<survey::v1::ImportResponsesCsvRequest>(
        stub_.get(), &survey::v1::SurveyService::Stub::ImportResponsesCsv, chunks, truncated,
        [](survey::v1::ImportResponsesCsvRequest& r) {
          r.set_parent("tenants/1504");
          r.set_instrument("tenants/1504/instruments/skm-permenpanrb-14-2017");
          r.set_unit(kUnit);
        },
        out);
  }
  int64_t Stored() override {
    grpc::ClientContext ctx;
    Attach(ctx);
    survey::v1::GetSkmAggregatesRequest req;
    req.set_name(absl::StrCat(kUnit, "/skmAggregates"));
    req.set_start_period("2026-05");
    survey::v1::SkmAggregates agg;
    grpc::Status s = stub_->GetSkmAggregates(&ctx, req, &agg);
    return s.ok() && agg.periods_size() == 1 ? agg.periods(0).response_count() : -1;
  }

 private:
  std::unique_ptr<survey::v1::SurveyService::Stub> stub_;
};

// A file: its bytes and where each record starts (byte offset and line).
struct File {
  std::string text;
  std::vector<size_t> offset;  // by record number (index 0 unused)
  std::vector<int64_t> line;
};

class ImportContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto p = Platform::Start({});
    ASSERT_TRUE(p.ok()) << p.status();
    platform_ = std::move(*p);
    // The unit every record names, in the enrolment service (complaints
    // resolve it there; employees belong to it).
    auto channel = grpc::CreateChannel(platform_->address("enrolment"), grpc::InsecureChannelCredentials());
    auto stub = enrolment::v1::EnrolmentService::NewStub(channel);
    grpc::ClientContext ctx;
    Attach(ctx);
    enrolment::v1::CreateUnitRequest req;
    req.set_parent("tenants/1504");
    req.set_unit_id("dukcapil");
    req.mutable_unit()->set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
    enrolment::v1::Unit unit;
    ASSERT_TRUE(stub->CreateUnit(&ctx, req, &unit).ok());
    if (GetParam() == "employees") importer_ = std::make_unique<EmployeeImporter>(platform_.get());
    if (GetParam() == "complaints") importer_ = std::make_unique<ComplaintImporter>(platform_.get());
    if (GetParam() == "responses") importer_ = std::make_unique<ResponseImporter>(platform_.get());
    ASSERT_NE(importer_, nullptr);
  }

  // Records 2..last; every 1000th spans two lines; `bad` is rejected;
  // `broken` (if any) opens a quote that never closes.
  File Build(int last, int bad, int broken = 0) {
    File f;
    f.text = importer_->Header();
    f.offset = {0, 0};
    f.line = {0, 1};
    int64_t line = 2;
    for (int i = 2; i <= last; ++i) {
      f.offset.push_back(f.text.size());
      f.line.push_back(line);
      const bool two = i % 1000 == 0;
      f.text += i == broken ? importer_->Unterminated(i) : importer_->Record(i, two, i == bad);
      line += two && i != broken ? 2 : 1;
    }
    return f;
  }
  static std::vector<std::string> Chunks(absl::string_view text, size_t size) {
    std::vector<std::string> out;
    for (size_t i = 0; i < text.size(); i += size) out.emplace_back(text.substr(i, size));
    return out;
  }
  ImportResult Import(absl::string_view text, size_t chunk, bool truncated = false) {
    ImportResult out;
    grpc::Status s = importer_->Send(Chunks(text, chunk), truncated, &out);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    return out;
  }

  void TearDown() override {
    if (HasFailure() && platform_) {
      platform_->KeepLogs();
      std::cout << "logs kept in " << platform_->dir() << "\n";
    }
  }

  std::unique_ptr<Platform> platform_;
  std::unique_ptr<Importer> importer_;
};

// The case of issue 12: an unterminated quote at record 5,002.
TEST_P(ImportContractTest, FileBrokenAtRecord5002KeepsWhatItSaysAndTheFixedFileCompletes) {
  constexpr int kLast = 6000, kBroken = 5002, kBad = 100;
  const File broken = Build(kLast, kBad, kBroken);
  ImportResult r = Import(broken.text, 64 * 1024);
  EXPECT_EQ(r.state(), type::v1::STOPPED);
  EXPECT_EQ(r.stop().reason(), type::v1::UNTERMINATED_QUOTE) << r.stop().message();
  EXPECT_EQ(r.stop().record(), kBroken);
  EXPECT_EQ(r.stop().line(), broken.line[kBroken]);
  EXPECT_EQ(r.stop().line(), kBroken + 5);  // records 1000 ... 5000 span two lines
  EXPECT_EQ(r.stop().column(), 2);
  EXPECT_NE(r.stop().message().find(absl::StrCat("record ", kBroken, " (line ", kBroken + 5, ")")),
            std::string::npos)
      << r.stop().message();
  // Records 2 .. 5,001 were read: 4,999 stored, the bad one rejected with
  // its row and column, and nothing of it stored.
  EXPECT_EQ(r.records_read(), kBroken - 2);
  EXPECT_EQ(r.accepted_count(), kBroken - 3);
  EXPECT_EQ(r.unchanged_count() + r.replaced_count(), 0);
  EXPECT_EQ(r.rejected_count(), 1);
  ASSERT_EQ(r.rejected_size(), 1);
  EXPECT_EQ(r.rejected(0).row(), kBad);
  EXPECT_EQ(r.rejected(0).line(), kBad);
  EXPECT_EQ(r.rejected(0).column(), importer_->BadColumn()) << r.rejected(0).reason();
  EXPECT_EQ(r.rejected(0).field(), importer_->BadField());
  EXPECT_EQ(importer_->Stored(), kBroken - 3);

  // The file fixed at that record, run again: the earlier records are
  // unchanged, the rest is stored, nothing twice.
  const File fixed = Build(kLast, kBad);
  r = Import(fixed.text, 7919);
  EXPECT_EQ(r.state(), type::v1::COMPLETE);
  EXPECT_FALSE(r.has_stop());
  EXPECT_EQ(r.records_read(), kLast - 1);
  EXPECT_EQ(r.unchanged_count(), kBroken - 3);
  EXPECT_EQ(r.accepted_count(), kLast - kBroken + 1);
  EXPECT_EQ(r.replaced_count(), 0);
  EXPECT_EQ(r.rejected_count(), 1);
  EXPECT_EQ(importer_->Stored(), kLast - 2);
  // And once more: all unchanged.
  r = Import(fixed.text, 64 * 1024);
  EXPECT_EQ(r.state(), type::v1::COMPLETE);
  EXPECT_EQ(r.unchanged_count(), kLast - 2);
  EXPECT_EQ(r.accepted_count(), 0);
  EXPECT_EQ(importer_->Stored(), kLast - 2);
}

// An upload cut by the gateway's size limit: the gateway forwards what fit
// and sends upload_truncated.  The record cut in two is not stored (even
// though its first line is complete), every record before it is, and the
// answer says exactly that.
TEST_P(ImportContractTest, TruncatedUploadKeepsExactlyTheCompleteRecordsBeforeTheCut) {
  constexpr int kLast = 3000, kCut = 2000;
  const File f = Build(kLast, /*bad=*/0);
  // Inside record 2,000's second line (its quoted field holds a newline).
  const size_t cut = f.text.find('\n', f.offset[kCut]) + 3;
  ASSERT_LT(cut, f.offset[kCut + 1]);
  ImportResult r = Import(absl::string_view(f.text).substr(0, cut), 4096, /*truncated=*/true);
  EXPECT_EQ(r.state(), type::v1::STOPPED);
  EXPECT_EQ(r.stop().reason(), type::v1::UPLOAD_TOO_LARGE) << r.stop().message();
  EXPECT_EQ(r.stop().record(), kCut);
  EXPECT_EQ(r.stop().line(), f.line[kCut]);
  EXPECT_EQ(r.stop().line(), kCut + 1);
  EXPECT_EQ(r.records_read(), kCut - 2);
  EXPECT_EQ(r.accepted_count(), kCut - 2);
  EXPECT_EQ(importer_->Stored(), kCut - 2);

  // Cut at the end of a line: that record is not stored either (its last
  // field may be cut short).
  const size_t at_line_end = f.offset[kCut + 10] - 1;
  r = Import(absl::string_view(f.text).substr(0, at_line_end), 4096, true);
  EXPECT_EQ(r.stop().record(), kCut + 9);
  EXPECT_EQ(r.unchanged_count(), kCut - 2);
  EXPECT_EQ(r.accepted_count(), 9);  // records kCut .. kCut + 8
  EXPECT_EQ(importer_->Stored(), kCut + 7);

  // The whole file: the rest, nothing twice.
  r = Import(f.text, 4096);
  EXPECT_EQ(r.state(), type::v1::COMPLETE);
  EXPECT_EQ(r.unchanged_count(), kCut + 7);
  EXPECT_EQ(r.accepted_count(), kLast - 1 - (kCut + 7));
  EXPECT_EQ(importer_->Stored(), kLast - 1);
}

TEST_P(ImportContractTest, MalformedQuoteAndBadBytesStopAtTheirRecordAndLine) {
  File f = Build(12, 0);
  // Record 7 gets a quote inside an unquoted field (its second).
  std::string text = f.text;
  const size_t comma = text.find(',', f.offset[7]);
  text.insert(comma + 3, "\"");
  ImportResult r = Import(text, 5);
  EXPECT_EQ(r.state(), type::v1::STOPPED);
  EXPECT_EQ(r.stop().reason(), type::v1::MALFORMED_QUOTE) << r.stop().message();
  EXPECT_EQ(r.stop().record(), 7);
  EXPECT_EQ(r.stop().line(), 7);
  EXPECT_EQ(r.stop().column(), 2);
  EXPECT_EQ(r.accepted_count(), 5);
  EXPECT_EQ(importer_->Stored(), 5);

  // Latin-1 in record 10 (saved by a spreadsheet in the old encoding).
  text = f.text;
  text.insert(text.find(',', f.offset[10]) + 2, "\xE9");
  r = Import(text, 5);
  EXPECT_EQ(r.state(), type::v1::STOPPED);
  EXPECT_EQ(r.stop().reason(), type::v1::INVALID_ENCODING) << r.stop().message();
  EXPECT_EQ(r.stop().record(), 10);
  EXPECT_EQ(r.stop().line(), 10);
  EXPECT_EQ(r.stop().column(), 2);
  EXPECT_EQ(r.unchanged_count(), 5);
  EXPECT_EQ(r.accepted_count(), 3);
  EXPECT_EQ(importer_->Stored(), 8);
}

TEST_P(ImportContractTest, BadHeaderStoresNothing) {
  std::string text = importer_->BadHeader();
  for (int i = 2; i < 50; ++i) text += importer_->Record(i, false, false);
  ImportResult r;
  grpc::Status s = importer_->Send(Chunks(text, 16), false, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_NE(s.error_message().find("record 1"), std::string::npos) << s.error_message();
  EXPECT_EQ(importer_->Stored(), 0);
}

INSTANTIATE_TEST_SUITE_P(AllImports, ImportContractTest,
                         ::testing::Values("employees", "complaints", "responses"));

}  // namespace
}  // namespace pelita::fault
