// The roster sync against the real SIASN stand-in (loopback HTTP, both
// tokens checked, faults injected), a real redis-server for the store, and
// fakes of the enrolment and performance services.

#include "services/integration/sync.h"
#include "services/performance/domain.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/siasn/standin.h"
#include "lib/status/status.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "lib/time/time.h"
#include "services/integration/clients.h"
#include "services/integration/fake_roster.h"
#include "services/integration/rate_limiter.h"

namespace pelita::integration {
namespace {

using nlohmann::json;

constexpr char kTenant[] = "1504";

std::string Nip(int i) { return absl::StrFormat("19900101201501%04d", i); }

TEST(FullNameOf, AsAnAsnNameIsWritten) {
  siasn::DataUtama d;
  d.nama = "Siti  Aminah ";
  d.gelar_depan = " Dr.";
  d.gelar_belakang = "S.E., M.Si.";
  EXPECT_EQ(FullNameOf(d), "Dr. Siti Aminah, S.E., M.Si.");
  d.gelar_depan = "";
  EXPECT_EQ(FullNameOf(d), "Siti Aminah, S.E., M.Si.");
  d.gelar_belakang = ", S.Kom";
  EXPECT_EQ(FullNameOf(d), "Siti Aminah, S.Kom");
  d.gelar_belakang = "";
  EXPECT_EQ(FullNameOf(d), "Siti Aminah");
  d.nama = " ";
  EXPECT_EQ(FullNameOf(d), "");
}

// SIASN's spellings of the SKP words, read by the performance service's
// own parser (services/performance/domain.h), which the sync uses.
TEST(SkpWords, RatingsAndPredicates) {
  using performance::PredicateFromText;
  using performance::RatingFromText;
  EXPECT_EQ(RatingFromText("Di Atas Ekspektasi"), pv1::DI_ATAS_EKSPEKTASI);
  EXPECT_EQ(RatingFromText("sesuai_ekspektasi"), pv1::SESUAI_EKSPEKTASI);
  EXPECT_EQ(RatingFromText("DI BAWAH EKSPEKTASI"), pv1::DI_BAWAH_EKSPEKTASI);
  EXPECT_EQ(RatingFromText("Baik"), pv1::RATING_UNSPECIFIED);
  EXPECT_EQ(PredicateFromText("Sangat Baik"), pv1::SANGAT_BAIK);
  EXPECT_EQ(PredicateFromText("Butuh Perbaikan"), pv1::BUTUH_PERBAIKAN);
  EXPECT_EQ(PredicateFromText("sangat-kurang"), pv1::SANGAT_KURANG);
  EXPECT_EQ(PredicateFromText("Luar Biasa"), pv1::PREDICATE_UNSPECIFIED);
}

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_server_ = std::move(*server);
    redis_ = std::make_unique<redis::Client>(redis_server_->options());
    store_ = std::make_unique<IntegrationStore>(redis_.get(), [this] { return clock_.Now(); });
    auto dir = testing::MakeTempDir("siasn-secrets");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    secrets_ = std::make_unique<SecretsDir>(dir_);
    ASSERT_TRUE(siasn_.Start().ok());
    const auto& o = siasn_.options();
    WriteSecret({o.consumer_key, o.consumer_secret, o.sso_client_id, o.username, o.password});
    connections_ = std::make_unique<StoreConnections>(store_.get(), secrets_.get());
    clients_ = std::make_unique<TenantClients>(connections_.get(), absl::Milliseconds(400));
    ASSERT_TRUE(store_->UpdateConnection(kTenant, [&](v1::SiasnConnection& c) {
      c.set_enabled(true);
      c.set_apim_url(siasn_.url());
      c.set_sso_url(siasn_.url());
      c.set_rate_limit_per_second(100000);
      return absl::OkStatus();
    }).ok());
    roster_.AddUnit("tenants/1504/units/dinkes");
    roster_.AddUnit("tenants/1504/units/bkpsdm");
    MapUnor("UNOR-DINKES", "tenants/1504/units/dinkes");
    MapUnor("UNOR-BKPSDM", "tenants/1504/units/bkpsdm");
  }
  void TearDown() override {
    if (sync_) sync_->Stop();
    siasn_.Stop();
    testing::RemoveTree(dir_);
  }

  void WriteSecret(const siasn::Credentials& c) {
    std::filesystem::create_directories(dir_ + "/1504");
    std::ofstream(dir_ + "/1504/consumer_key") << c.consumer_key << "\n";
    std::ofstream(dir_ + "/1504/consumer_secret") << c.consumer_secret << "\n";
    std::ofstream(dir_ + "/1504/sso_client_id") << c.sso_client_id << "\n";
    std::ofstream(dir_ + "/1504/username") << c.username << "\n";
    std::ofstream(dir_ + "/1504/password") << c.password << "\n";
  }
  void MapUnor(const std::string& unor, const std::string& unit) {
    v1::UnorMapping m;
    m.set_name(absl::StrCat("tenants/1504/unorMappings/", unor));
    m.set_unor_id(unor);
    m.set_unit(unit);
    ASSERT_TRUE(store_->UnorMappings(kTenant).Insert(unor, m.SerializeAsString()).ok());
  }
  RosterSync& Sync(int workers = 1) {
    SyncOptions o;
    o.workers = workers;
    o.backoff = absl::Milliseconds(1);
    o.max_backoff = absl::Milliseconds(5);
    o.save_every = absl::Milliseconds(50);
    o.clock = [this] { return clock_.Now(); };
    sync_ = std::make_unique<RosterSync>(store_.get(), connections_.get(), clients_.get(), &limiter_, &roster_, &skp_,
                                         store_.get(), nullptr, o);
    return *sync_;
  }
  // An employee in the roster as Pelita has them, and in SIASN.
  void AddEmployee(int i, const std::string& full_name, const std::string& unit, json siasn) {
    ev1::Employee e;
    e.set_name(absl::StrCat("tenants/1504/employees/", Nip(i)));
    e.set_nip(Nip(i));
    e.set_full_name(full_name);
    e.set_unit(unit);
    e.set_position("Staf");
    e.set_grade("III/a");
    roster_.AddEmployee(e);
    if (!siasn.is_null()) siasn_.PutDataUtama(Nip(i), std::move(siasn));
  }
  static json DataUtama(int i, const std::string& nama, const std::string& unor, const std::string& jabatan = "Staf",
                        const std::string& gol = "III/a") {
    return {{"id", absl::StrCat("orang-", i)}, {"nipBaru", Nip(i)}, {"nama", nama}, {"gelarDepan", ""},
            {"gelarBelakang", ""}, {"unorId", unor}, {"unorNama", "Dinas"}, {"jabatanNama", jabatan},
            {"golRuangAkhir", gol}, {"tmtGolAkhir", "01-04-2020"}};
  }
  std::vector<v1::Failure> Failures() {
    auto f = store_->ListFailures(kTenant, "", 1000, "");
    EXPECT_TRUE(f.ok()) << f.status();
    return {f->failures().begin(), f->failures().end()};
  }
  std::vector<v1::EmployeeChange> Changes(int i) {
    auto c = store_->ListChanges(kTenant, Nip(i), 1000, "");
    EXPECT_TRUE(c.ok()) << c.status();
    return {c->changes().begin(), c->changes().end()};
  }

  siasn::ManualClock clock_;
  std::string dir_;
  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<IntegrationStore> store_;
  std::unique_ptr<SecretsDir> secrets_;
  siasn::SiasnStandin siasn_;
  std::unique_ptr<StoreConnections> connections_;
  std::unique_ptr<TenantClients> clients_;
  TokenBucketLimiter limiter_;
  FakeRoster roster_;
  FakeSkp skp_;
  std::unique_ptr<RosterSync> sync_;
};

TEST_F(SyncTest, ChangedFieldsInOneUpdateEachRecorded) {
  json du = DataUtama(1, "Siti Aminah", "UNOR-BKPSDM", "Analis Kepegawaian", "III/b");
  du["gelarDepan"] = "Dr.";
  du["gelarBelakang"] = "S.E., M.Si.";
  AddEmployee(1, "Siti Aminah", "tenants/1504/units/dinkes", du);
  AddEmployee(2, "Budi", "tenants/1504/units/dinkes", DataUtama(2, "Budi", "UNOR-DINKES"));

  auto run = Sync().RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED) << run->error();
  EXPECT_EQ(run->employees_total(), 2);
  EXPECT_EQ(run->employees_read(), 2);
  EXPECT_EQ(run->employees_changed(), 1);
  EXPECT_EQ(run->employees_failed(), 0);
  EXPECT_EQ(run->trigger(), "manual");

  ev1::Employee e = roster_.Employee(Nip(1));
  EXPECT_EQ(e.full_name(), "Dr. Siti Aminah, S.E., M.Si.");
  EXPECT_EQ(e.unit(), "tenants/1504/units/bkpsdm");
  EXPECT_EQ(e.position(), "Analis Kepegawaian");
  EXPECT_EQ(e.grade(), "III/b");
  // One update, with the four fields; none for the unchanged employee.
  ASSERT_EQ(roster_.updates(), 1);
  EXPECT_EQ(roster_.masks()[0], (std::vector<std::string>{"full_name", "unit", "position", "grade"}));
  auto changes = Changes(1);
  ASSERT_EQ(changes.size(), 4u);
  std::map<std::string, std::pair<std::string, std::string>> by_field;
  for (const auto& c : changes) {
    by_field[c.field()] = {c.old_value(), c.new_value()};
    EXPECT_EQ(c.sync_run(), run->name());
  }
  EXPECT_EQ(by_field["full_name"], std::make_pair(std::string("Siti Aminah"), std::string("Dr. Siti Aminah, S.E., M.Si.")));
  EXPECT_EQ(by_field["grade"], std::make_pair(std::string("III/a"), std::string("III/b")));
  EXPECT_TRUE(Changes(2).empty());
  // Stored and listed.
  EXPECT_EQ(store_->GetRun(kTenant, LastSegmentOf(run->name()))->state(), v1::SyncRun::SUCCEEDED);
  EXPECT_EQ(store_->GetTotals(kTenant)->records_changed, 1);
  EXPECT_GE(store_->GetTotals(kTenant)->records_read, 2);

  // A second run changes nothing.
  clock_.Advance(absl::Seconds(1));
  auto again = sync_->RunNow(kTenant, "manual");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->employees_changed(), 0);
  EXPECT_EQ(roster_.updates(), 1);
}

TEST_F(SyncTest, MissingFlaggedNeverDeletedThenUnflagged) {
  AddEmployee(1, "Budi", "tenants/1504/units/dinkes", nullptr);  // Not in SIASN.
  auto run = Sync().RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->employees_missing(), 1);
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED);
  EXPECT_EQ(roster_.EmployeeCount(), 1u);  // Kept.
  EXPECT_EQ(roster_.updates(), 0);
  auto changes = Changes(1);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].field(), "missing");
  EXPECT_EQ(changes[0].new_value(), "true");
  EXPECT_TRUE((*store_->GetEmployeeState(kTenant, Nip(1)))->missing);

  // Still missing: no second change.
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(sync_->RunNow(kTenant, "manual").ok());
  EXPECT_EQ(Changes(1).size(), 1u);

  // Found again: unflagged.
  siasn_.PutDataUtama(Nip(1), DataUtama(1, "Budi", "UNOR-DINKES"));
  clock_.Advance(absl::Seconds(1));
  auto found = sync_->RunNow(kTenant, "manual");
  EXPECT_EQ(found->employees_missing(), 0);
  changes = Changes(1);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].field(), "missing");
  EXPECT_EQ(changes[0].new_value(), "false");
  EXPECT_FALSE((*store_->GetEmployeeState(kTenant, Nip(1)))->missing);
}

TEST_F(SyncTest, BadInputRecordedWithRawValuesEmployeeUntouched) {
  AddEmployee(1, "A", "tenants/1504/units/dinkes", DataUtama(1, "A Baru", "UNOR-X"));   // Unknown unor.
  json wrong = DataUtama(2, "B Baru", "UNOR-DINKES");
  wrong["nama"] = 42;                                                                    // Wrong type.
  AddEmployee(2, "B", "tenants/1504/units/dinkes", wrong);
  json bad_date = DataUtama(3, "C Baru", "UNOR-DINKES");
  bad_date["tmtGolAkhir"] = "31-02-2024";                                                // Not a date.
  AddEmployee(3, "C", "tenants/1504/units/dinkes", bad_date);
  AddEmployee(4, "D", "tenants/1504/units/dinkes", DataUtama(4, "D Baru", "UNOR-DINKES"));  // Malformed JSON.
  AddEmployee(5, "E", "tenants/1504/units/dinkes", DataUtama(5, "E Baru", "UNOR-DINKES"));  // Fine.

  // Employees 1-3 make one data-utama call each (they fail before the
  // lists): three answers as they are, then the malformed one.
  RosterSync& sync = Sync(1);
  siasn_.SetSlowDelay(absl::ZeroDuration());
  siasn_.FailNext(siasn::SiasnStandin::Fault::kSlow, 3, "data-utama");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kMalformedJson, 1, "data-utama");
  auto run = sync.RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED_WITH_FAILURES);
  EXPECT_EQ(run->employees_read(), 5);
  EXPECT_EQ(run->employees_failed(), 4);
  EXPECT_EQ(run->employees_changed(), 1);

  // Only employee 5 was updated; the others are as they were.
  ASSERT_EQ(roster_.updates(), 1);
  EXPECT_EQ(roster_.Employee(Nip(5)).full_name(), "E Baru");
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(roster_.Employee(Nip(i)).full_name().size(), 1u) << i;
    EXPECT_TRUE(Changes(i).empty()) << i;
  }
  std::map<std::string, v1::Failure> by_employee;
  for (const auto& f : Failures()) by_employee[LastSegmentOf(f.employee())] = f;
  ASSERT_EQ(by_employee.size(), 4u);
  EXPECT_EQ(by_employee[Nip(1)].code(), "UNKNOWN_UNOR");
  EXPECT_EQ(by_employee[Nip(1)].field(), "data-utama.unorId");
  EXPECT_EQ(by_employee[Nip(1)].raw_value(), "UNOR-X");
  EXPECT_EQ(by_employee[Nip(2)].code(), "BAD_FIELD");
  EXPECT_EQ(by_employee[Nip(2)].field(), "data-utama.nama");
  EXPECT_EQ(by_employee[Nip(2)].raw_value(), "42");
  EXPECT_EQ(by_employee[Nip(3)].code(), "BAD_FIELD");
  EXPECT_EQ(by_employee[Nip(3)].field(), "data-utama.tmtGolAkhir");
  EXPECT_EQ(by_employee[Nip(3)].raw_value(), "\"31-02-2024\"");
  EXPECT_EQ(by_employee[Nip(4)].code(), "BAD_FIELD");
  EXPECT_FALSE(by_employee[Nip(4)].raw_value().empty());
  for (const auto& [nip, f] : by_employee) {
    EXPECT_EQ(f.kind(), "sync");
    EXPECT_EQ(f.sync_run(), run->name());
    EXPECT_FALSE(f.message().empty());
  }
  auto counts = store_->FailureCounts(kTenant);
  EXPECT_EQ(counts->at("sync/BAD_FIELD"), 3);
  EXPECT_EQ(counts->at("sync/UNKNOWN_UNOR"), 1);
}

TEST_F(SyncTest, TrainingsAndSkp) {
  AddEmployee(1, "A", "tenants/1504/units/dinkes", DataUtama(1, "A", "UNOR-DINKES"));
  AddEmployee(2, "B", "tenants/1504/units/dinkes", DataUtama(2, "B", "UNOR-DINKES"));
  siasn_.PutRwKursus(Nip(1), json::array({{{"id", "k-1"},
                                           {"namaKursus", "Pelatihan Kearsipan"},
                                           {"jumlahJam", "24"},
                                           {"tanggalKursus", "01-03-2025"},
                                           {"tanggalSelesaiKursus", "03-03-2025"},
                                           {"noSertipikat", "CERT-1"},
                                           {"institusiPenyelenggara", "BPSDM Jambi"},
                                           {"jenisDiklatId", "3"}}}));
  siasn_.PutRwDiklat(Nip(1), json::array({{{"id", "d-1"},
                                           {"namaKursus", "Latsar CPNS"},
                                           {"jumlahJam", 40},
                                           {"tanggalKursus", "01-02-2025"},
                                           {"tanggalSelesaiKursus", "28-02-2025"},
                                           {"jenisDiklatId", "1"}}}));
  siasn_.PutRwSkp22(Nip(1), json::array({{{"id", "s-1"},
                                          {"tahun", 2025},
                                          {"hasilKinerja", "Di Atas Ekspektasi"},
                                          {"perilakuKerja", "Sesuai Ekspektasi"},
                                          {"kuadranKinerja", "Sangat Baik"},
                                          {"nipNrpPenilai", Nip(2)}}}));
  // Employee 2: a bad kursus list (a date that is not one) and an unknown
  // predicate.
  siasn_.PutRwKursus(Nip(2), json::array({{{"id", "k-2"}, {"namaKursus", "X"}, {"jumlahJam", 2},
                                           {"tanggalKursus", "99-99-2025"}}}));
  siasn_.PutRwSkp22(Nip(2), json::array({{{"id", "s-2"}, {"tahun", 2025}, {"kuadranKinerja", "Luar Biasa"}}}));
  skp_.FillFor(Nip(1));
  // Employee 2 had a kursus record from before: the bad list leaves it.
  ev1::ReplaceExternalTrainingsRequest before;
  before.set_parent(absl::StrCat("tenants/1504/employees/", Nip(2)));
  before.set_source("siasn-kursus");
  before.add_trainings()->set_source_id("old");
  before.mutable_trainings(0)->set_source("siasn-kursus");
  ASSERT_TRUE(roster_.ReplaceExternalTrainings(kTenant, before).ok());

  auto run = Sync(2).RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED_WITH_FAILURES);
  EXPECT_EQ(run->trainings_read(), 2);  // Employee 2's kursus list did not parse.
  EXPECT_EQ(run->skp_read(), 2);  // Employee 2's was read, then refused by the sync.
  EXPECT_EQ(run->supervisors_filled(), 1);

  auto kursus = roster_.Trainings(Nip(1), "siasn-kursus");
  ASSERT_EQ(kursus.size(), 1u);
  EXPECT_EQ(kursus[0].source_id(), "k-1");
  EXPECT_EQ(kursus[0].title(), "Pelatihan Kearsipan");
  EXPECT_EQ(kursus[0].jp(), 24);
  EXPECT_EQ(kursus[0].certificate_number(), "CERT-1");
  EXPECT_EQ(kursus[0].institution(), "BPSDM Jambi");
  EXPECT_EQ(kursus[0].jenis_diklat_id(), "3");
  EXPECT_EQ(kursus[0].end_date().day(), 3);
  EXPECT_EQ(kursus[0].start_date().month(), 3);
  auto diklat = roster_.Trainings(Nip(1), "siasn-diklat");
  ASSERT_EQ(diklat.size(), 1u);
  EXPECT_EQ(diklat[0].jp(), 40);
  // Employee 2's kursus untouched; its (empty) diklat replaced.
  auto kept = roster_.Trainings(Nip(2), "siasn-kursus");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].source_id(), "old");

  auto skp = skp_.Records();
  ASSERT_EQ(skp.size(), 1u);
  EXPECT_EQ(skp[0].name(), absl::StrCat("tenants/1504/employees/", Nip(1), "/skp/2025"));
  EXPECT_EQ(skp[0].kuadran_kinerja(), pv1::SANGAT_BAIK);
  EXPECT_EQ(skp[0].hasil_kinerja(), pv1::DI_ATAS_EKSPEKTASI);
  EXPECT_EQ(skp[0].perilaku_kerja(), pv1::SESUAI_EKSPEKTASI);
  EXPECT_EQ(skp[0].nip_penilai(), Nip(2));
  auto changes = Changes(1);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].field(), "supervisor_nip");
  EXPECT_EQ(changes[0].new_value(), Nip(2));

  std::map<std::string, v1::Failure> by_field;
  for (const auto& f : Failures()) by_field[f.field()] = f;
  ASSERT_TRUE(by_field.count("rw-kursus[0].tanggalKursus")) << by_field.size();
  EXPECT_EQ(by_field["rw-kursus[0].tanggalKursus"].raw_value(), "\"99-99-2025\"");
  ASSERT_TRUE(by_field.count("rw-skp22[0].kuadranKinerja"));
  EXPECT_EQ(by_field["rw-skp22[0].kuadranKinerja"].raw_value(), "Luar Biasa");
  EXPECT_EQ(by_field["rw-skp22[0].kuadranKinerja"].code(), "BAD_FIELD");
}

TEST_F(SyncTest, EnrolmentWithoutExternalTrainingsIsOneFailure) {
  for (int i = 1; i <= 3; ++i) AddEmployee(i, "A", "tenants/1504/units/dinkes", DataUtama(i, "A", "UNOR-DINKES"));
  roster_.FailTrainings(absl::UnimplementedError("not yet"));
  auto run = Sync(1).RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->employees_read(), 3);
  EXPECT_EQ(roster_.training_calls(), 1);
  auto f = Failures();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code(), "ENROLMENT_UNAVAILABLE");
  EXPECT_EQ(siasn_.Requests("rw-kursus"), 1);
  EXPECT_EQ(siasn_.Requests("rw-diklat"), 0);
  EXPECT_EQ(skp_.calls(), 0);  // No SKP records in SIASN for them.
  EXPECT_EQ(siasn_.Requests("rw-skp22"), 3);
}

TEST_F(SyncTest, TokenExpiryAnd401MidRunAreInvisible) {
  for (int i = 1; i <= 6; ++i) AddEmployee(i, "A", "tenants/1504/units/dinkes", DataUtama(i, "A Baru", "UNOR-DINKES"));
  RosterSync& sync = Sync(1);
  siasn_.FailNext(siasn::SiasnStandin::Fault::kSlow, 2, "data-utama");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kUnauthorized, 1, "data-utama");
  auto run = sync.RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED) << run->error();
  EXPECT_EQ(run->employees_changed(), 6);
  // Every token expires early; the next calls get 401 and fetch new ones.
  siasn_.ExpireTokens();
  clock_.Advance(absl::Seconds(1));
  for (int i = 1; i <= 6; ++i) siasn_.PutDataUtama(Nip(i), DataUtama(i, "A Lagi", "UNOR-DINKES"));
  auto again = sync.RunNow(kTenant, "manual");
  EXPECT_EQ(again->state(), v1::SyncRun::SUCCEEDED) << again->error();
  EXPECT_EQ(again->employees_changed(), 6);
  EXPECT_GE(siasn_.UnauthorizedAnswers(), 1);
  EXPECT_GE(siasn_.ApimTokensIssued(), 2);
  EXPECT_TRUE(Failures().empty());
}

TEST_F(SyncTest, TooManyRequestsServerErrorsAndTimeoutsAreRetried) {
  for (int i = 1; i <= 4; ++i) AddEmployee(i, "A", "tenants/1504/units/dinkes", DataUtama(i, "A Baru", "UNOR-DINKES"));
  RosterSync& sync = Sync(1);
  siasn_.SetRetryAfter("1");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kTooManyRequests, 2, "data-utama");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kServerError, 1, "data-utama");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kTimeout, 1, "rw-kursus");
  auto run = sync.RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED) << run->error();
  EXPECT_EQ(run->employees_changed(), 4);
  EXPECT_EQ(siasn_.Requests("data-utama"), 4 + 3);
  EXPECT_TRUE(Failures().empty());
}

TEST_F(SyncTest, UnavailableAfterRetriesIsAFailureAndTheRunGoesOn) {
  for (int i = 1; i <= 3; ++i) AddEmployee(i, "A", "tenants/1504/units/dinkes", DataUtama(i, "A Baru", "UNOR-DINKES"));
  RosterSync& sync = Sync(1);
  siasn_.FailNext(siasn::SiasnStandin::Fault::kServerError, 4, "data-utama");  // 1 + 3 retries.
  auto run = sync.RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED_WITH_FAILURES);
  EXPECT_EQ(run->employees_failed(), 1);
  EXPECT_EQ(run->employees_changed(), 2);
  auto f = Failures();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code(), "SIASN_UNAVAILABLE");
  EXPECT_EQ(LastSegmentOf(f[0].employee()), Nip(1));
  EXPECT_EQ(roster_.Employee(Nip(1)).full_name(), "A");
}

TEST_F(SyncTest, CredentialsRejectedStopsTheRunFailed) {
  for (int i = 1; i <= 5; ++i) AddEmployee(i, "A", "tenants/1504/units/dinkes", DataUtama(i, "A Baru", "UNOR-DINKES"));
  const auto& o = siasn_.options();
  WriteSecret({o.consumer_key, o.consumer_secret, o.sso_client_id, o.username, "not-the-password"});
  auto run = Sync(2).RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state(), v1::SyncRun::FAILED);
  EXPECT_NE(run->error().find("credentials"), std::string::npos) << run->error();
  EXPECT_EQ(run->error().find("not-the-password"), std::string::npos);
  EXPECT_EQ(roster_.updates(), 0);
  auto f = Failures();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code(), "CREDENTIALS_REJECTED");
  // The lease is released: a new run may start.
  EXPECT_EQ(store_->BeginRun(kTenant, v1::SyncRun(), clock_.Now(), absl::Seconds(60))->started, true);
}

TEST_F(SyncTest, OneRunAtATimeAndTheSchedule) {
  for (int i = 1; i <= 3; ++i) AddEmployee(i, "A", "tenants/1504/units/dinkes", DataUtama(i, "A", "UNOR-DINKES"));
  RosterSync& sync = Sync(1);
  // Off: refused.
  ASSERT_TRUE(store_->UpdateConnection("1505", [](v1::SiasnConnection& c) { return absl::OkStatus(); }).ok());
  EXPECT_EQ(ErrorReason(sync.Start("1505", "manual").status()), "CONNECTION_OFF");

  // A run in the background; a second start gets it.
  siasn_.SetSlowDelay(absl::Milliseconds(100));
  siasn_.FailNext(siasn::SiasnStandin::Fault::kSlow, 3, "data-utama");
  auto a = sync.Start(kTenant, "manual");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->state(), v1::SyncRun::RUNNING);
  auto b = sync.Start(kTenant, "manual");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->name(), a->name());
  ASSERT_TRUE(testing::WaitFor(
      [&] { return store_->GetRun(kTenant, LastSegmentOf(a->name()))->state() != v1::SyncRun::RUNNING; },
      absl::Seconds(10)));
  EXPECT_EQ(store_->GetRun(kTenant, LastSegmentOf(a->name()))->employees_read(), 3);

  // The schedule: the last run started now, so nothing; 24 h later, a run.
  sync.ScheduleOnce();
  EXPECT_EQ(store_->ListRuns(kTenant, 10, "")->runs_size(), 1);
  clock_.Advance(absl::Hours(24));
  sync.ScheduleOnce();
  auto runs = store_->ListRuns(kTenant, 10, "");
  ASSERT_EQ(runs->runs_size(), 2);
  EXPECT_EQ(runs->runs(0).trigger(), "schedule");
  ASSERT_TRUE(testing::WaitFor(
      [&] { return store_->GetRun(kTenant, LastSegmentOf(runs->runs(0).name()))->state() != v1::SyncRun::RUNNING; },
      absl::Seconds(10)));
  // Interval 0: on demand only.
  ASSERT_TRUE(store_->UpdateConnection(kTenant, [](v1::SiasnConnection& c) {
    c.set_sync_interval_hours(0);
    return absl::OkStatus();
  }).ok());
  clock_.Advance(absl::Hours(48));
  sync.ScheduleOnce();
  EXPECT_EQ(store_->ListRuns(kTenant, 10, "")->runs_size(), 2);
}

TEST_F(SyncTest, ARunOfADeadProcessIsTakenOver) {
  AddEmployee(1, "A", "tenants/1504/units/dinkes", DataUtama(1, "A Baru", "UNOR-DINKES"));
  // A run begun by a process that died (nobody renews its lease).
  v1::SyncRun orphan;
  orphan.set_trigger("schedule");
  auto dead = store_->BeginRun(kTenant, orphan, clock_.Now(), absl::Seconds(60));
  ASSERT_TRUE(dead.ok() && dead->started);
  RosterSync& sync = Sync(1);
  // Within the lease: the running one is returned, nothing starts.
  auto same = sync.RunNow(kTenant, "manual");
  EXPECT_EQ(same->name(), dead->run.name());
  EXPECT_EQ(roster_.updates(), 0);
  clock_.Advance(absl::Seconds(61));
  auto run = sync.RunNow(kTenant, "manual");
  ASSERT_TRUE(run.ok());
  EXPECT_NE(run->name(), dead->run.name());
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED);
  EXPECT_EQ(roster_.updates(), 1);
  auto old = store_->GetRun(kTenant, LastSegmentOf(dead->run.name()));
  EXPECT_EQ(old->state(), v1::SyncRun::FAILED);
  EXPECT_TRUE(old->has_end_time());  // Stored so by the take-over, not only shown.
}

TEST_F(SyncTest, StopEndsARunFailedAndTheScheduleThreadRuns) {
  for (int i = 1; i <= 50; ++i) AddEmployee(i, "A", "tenants/1504/units/dinkes", DataUtama(i, "A Baru", "UNOR-DINKES"));
  RosterSync& sync = Sync(1);
  siasn_.SetSlowDelay(absl::Milliseconds(20));
  siasn_.FailNext(siasn::SiasnStandin::Fault::kSlow, 1000, "data-utama");
  // The schedule thread finds no run yet and starts one.
  sync.StartSchedule(absl::Hours(1));
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto l = store_->ListRuns(kTenant, 1, "");
        return l.ok() && l->runs_size() == 1 && l->runs(0).employees_read() >= 2;
      },
      absl::Seconds(10)));
  sync.Stop();
  auto runs = store_->ListRuns(kTenant, 10, "");
  ASSERT_EQ(runs->runs_size(), 1);
  EXPECT_EQ(runs->runs(0).trigger(), "schedule");
  EXPECT_EQ(runs->runs(0).state(), v1::SyncRun::FAILED);
  EXPECT_LT(runs->runs(0).employees_read(), 50);
  EXPECT_NE(runs->runs(0).error().find("stopped"), std::string::npos);
  // Stopped: no more starts.
  EXPECT_EQ(sync.Start(kTenant, "manual").status().code(), absl::StatusCode::kUnavailable);
}

// 5,000 employees with faults of every kind injected on the way: every
// employee ends up updated or with a visible failure, and the counts add up.
TEST_F(SyncTest, FiveThousandEmployeesWithFaults) {
  constexpr int kN = 5000;
  std::mt19937 rng(19);
  std::set<std::string> bad;  // NIPs whose data-utama is bad on purpose.
  int unknown_unor = 0;
  for (int i = 0; i < kN; ++i) {
    json du = DataUtama(i, absl::StrCat("Pegawai ", i, " Baru"), i % 2 ? "UNOR-DINKES" : "UNOR-BKPSDM");
    const int r = rng() % 100;
    if (r == 0) {
      du["unorId"] = "UNOR-UNKNOWN";
      bad.insert(Nip(i));
      ++unknown_unor;
    } else if (r == 1) {
      du["tmtGolAkhir"] = "32-13-2020";
      bad.insert(Nip(i));
    } else if (r == 2) {
      du["golRuangAkhir"] = 3;
      bad.insert(Nip(i));
    }
    AddEmployee(i, absl::StrCat("Pegawai ", i), "tenants/1504/units/dinkes", r == 3 ? json() : du);
    if (i % 10 == 0) {
      siasn_.PutRwKursus(Nip(i), json::array({{{"id", absl::StrCat("k", i)}, {"namaKursus", "Kursus"}, {"jumlahJam", 8},
                                               {"tanggalSelesaiKursus", "10-10-2025"}}}));
    }
  }
  RosterSync& sync = Sync(4);
  siasn_.SetRetryAfter("");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kTooManyRequests, 40, "data-utama");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kServerError, 40, "rw-skp22");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kUnauthorized, 1, "rw-kursus");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kMalformedJson, 5, "rw-diklat");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kWrongTypes, 5, "rw-skp22");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kTimeout, 3, "data-utama");
  siasn_.FailNext(siasn::SiasnStandin::Fault::kServerError, 30, "data-utama");
  auto started = sync.Start(kTenant, "manual");
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string id = LastSegmentOf(started->name());
  // Mid-run, every token expires.
  ASSERT_TRUE(testing::WaitFor([&] { return store_->GetRun(kTenant, id)->employees_read() >= 1000; },
                               absl::Seconds(120)));
  siasn_.ExpireTokens();
  ASSERT_TRUE(testing::WaitFor([&] { return store_->GetRun(kTenant, id)->state() != v1::SyncRun::RUNNING; },
                               absl::Seconds(300)));
  auto run = store_->GetRun(kTenant, id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state(), v1::SyncRun::SUCCEEDED_WITH_FAILURES) << run->error();
  EXPECT_GE(siasn_.UnauthorizedAnswers(), 2);
  EXPECT_EQ(run->employees_total(), kN);
  EXPECT_EQ(run->employees_read(), kN);
  // The counts add up: each employee changed, missing or failed (nobody is
  // unchanged: every name differs).
  EXPECT_EQ(run->employees_changed() + run->employees_missing() + run->employees_failed(), kN);

  std::set<std::string> failed_employees;
  std::string token;
  do {
    auto page = store_->ListFailures(kTenant, "sync", 1000, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& f : page->failures()) {
      if (f.field().rfind("data-utama", 0) == 0) failed_employees.insert(LastSegmentOf(f.employee()));
    }
    token = page->next_page_token();
  } while (!token.empty());
  EXPECT_EQ(static_cast<int>(failed_employees.size()), run->employees_failed());
  for (const auto& nip : bad) EXPECT_TRUE(failed_employees.count(nip)) << nip;
  int updated = 0, missing = 0;
  for (int i = 0; i < kN; ++i) {
    const ev1::Employee e = roster_.Employee(Nip(i));
    const bool is_updated = e.full_name() == absl::StrCat("Pegawai ", i, " Baru");
    auto state = store_->GetEmployeeState(kTenant, Nip(i));
    const bool is_missing = state.ok() && state->has_value() && (*state)->missing;
    const bool is_failed = failed_employees.count(Nip(i)) > 0;
    // Exactly one outcome each, and a failed one untouched.
    EXPECT_EQ(is_updated + is_missing + is_failed, 1) << Nip(i);
    if (is_failed) {
      EXPECT_EQ(e.full_name(), absl::StrCat("Pegawai ", i));
    }
    updated += is_updated;
    missing += is_missing;
  }
  EXPECT_EQ(updated, run->employees_changed());
  EXPECT_EQ(missing, run->employees_missing());
  EXPECT_EQ(roster_.updates(), run->employees_changed());
  auto counts = store_->FailureCounts(kTenant);
  EXPECT_EQ(counts->at("sync/UNKNOWN_UNOR"), unknown_unor);
  EXPECT_GE(counts->at("sync/BAD_FIELD"), static_cast<int64_t>(bad.size()) - unknown_unor + 5);
  EXPECT_EQ(counts.value().count("sync/CREDENTIALS_REJECTED"), 0u);
}

}  // namespace
}  // namespace pelita::integration
