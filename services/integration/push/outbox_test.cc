// The push outbox against a real Redis and the real SIASN stand-in (a
// loopback HTTP server with both tokens and fault injection); fakes only for
// the integration service's other parts (fakes.h) and the enrolment and
// report services (FakePushSources).  Time is a ManualClock shared by the
// outbox, the client and the stand-in: no sleeps.

#include "services/integration/push/outbox.h"

#include <functional>
#include <mutex>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/siasn/standin.h"
#include "lib/testing/redis_server.h"
#include "lib/testing/subprocess.h"
#include "lib/time/time.h"
#include "services/integration/push/fakes.h"

namespace pelita::integration {
namespace {

using siasn::ManualClock;
using siasn::SiasnStandin;
using Fault = SiasnStandin::Fault;
namespace ev1 = ::pelita::enrolment::v1;

constexpr char kT[] = "1504";
constexpr char kProgram[] = "tenants/1504/programs/latsar";
constexpr char kCohort[] = "tenants/1504/programs/latsar/cohorts/c1";

std::string Nip(int i) { return absl::StrFormat("19900101202003%04d", i); }
std::string EnrolmentOf(int i) { return absl::StrCat(kCohort, "/enrolments/", Nip(i)); }
std::string CertificateOf(int i) { return absl::StrFormat("800/%04d/BKPSDM/2026", i); }
std::string PushOf(int i) { return absl::StrCat("tenants/1504/pushes/latsar.c1.", Nip(i)); }

class PushOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = testing::RedisServer::Start(testing::RedisServer::Fsync::kEverySecond);
    ASSERT_TRUE(r.ok()) << r.status();
    server_ = std::move(*r);
    redis_ = std::make_unique<redis::Client>(server_->options());

    siasn::StandinOptions so;
    so.clock = clock_.AsFunction();
    siasn_ = std::make_unique<SiasnStandin>(so);
    ASSERT_TRUE(siasn_->Start().ok());
    siasn_->SetSlowDelay(absl::Milliseconds(20));
    clients_.Put(kT, NewClient());

    Connection c;
    c.settings.set_name("tenants/1504/siasnConnection");
    c.settings.set_enabled(true);
    c.settings.set_instansi_id("A5EB03E23CCBF6A0E040640A040252AD");
    c.settings.set_certificate_document_type("872");
    c.settings.set_jenis_diklat_id("3");
    c.settings.set_rate_limit_per_second(7);
    c.settings.set_max_attempts(8);
    connections_.Put(kT, c);

    ev1::Program p;
    p.set_name(kProgram);
    p.set_title("Pelatihan Dasar CPNS");
    p.set_jp(40);
    sources_.PutProgram(p);
    ev1::Cohort co;
    co.set_name(kCohort);
    *co.mutable_start_date() = ToDate(absl::CivilDay(2026, 3, 2));
    *co.mutable_end_date() = ToDate(absl::CivilDay(2026, 3, 6));
    sources_.PutCohort(co);
    outbox_ = MakeOutbox("worker-1");
  }

  std::shared_ptr<siasn::SiasnClient> NewClient() {
    siasn::ClientOptions c;
    c.apim_url = c.sso_url = siasn_->url();
    c.clock = clock_.AsFunction();
    c.timeout = absl::Milliseconds(300);
    const auto& o = siasn_->options();
    c.credentials = {o.consumer_key, o.consumer_secret, o.sso_client_id, o.username, o.password};
    return std::make_shared<siasn::SiasnClient>(c);
  }

  std::vector<std::string> Ended() {
    std::lock_guard<std::mutex> lock(ended_mu_);
    return ended_;
  }
  std::mutex ended_mu_;
  std::vector<std::string> ended_;

  std::unique_ptr<Outbox> MakeOutbox(const std::string& owner, int batch = 50) {
    Outbox::Options o;
    o.owner = owner;
    o.batch = batch;
    o.base_backoff = absl::Seconds(1);
    o.max_backoff = absl::Seconds(30);
    o.seed = 7;
    o.clock = clock_.AsFunction();
    o.on_ended = [this](const std::string& tenant, const char* result) {
      std::lock_guard<std::mutex> lock(ended_mu_);
      ended_.push_back(absl::StrCat(tenant, ":", result));
    };
    return std::make_unique<Outbox>(redis_.get(), &connections_, &clients_, &limiter_, &sink_, &sources_, o);
  }

  // A completed enrolment, known to SIASN unless `in_siasn` is false.
  void AddCompletion(int i, bool in_siasn = true) {
    ev1::Enrolment e;
    e.set_name(EnrolmentOf(i));
    e.set_employee(absl::StrCat("tenants/1504/employees/", Nip(i)));
    e.set_state(ev1::Enrolment::COMPLETED);
    e.set_certificate_number(CertificateOf(i));
    sources_.PutEnrolment(e);
    sources_.PutCertificate(EnrolmentOf(i), absl::StrCat("%PDF-1.4 sertifikat ", i));
    if (in_siasn) siasn_->PutDataUtama(Nip(i), {{"id", absl::StrCat("orang-", i)}, {"nipBaru", Nip(i)}});
    auto q = outbox_->Enqueue(kT, EnrolmentOf(i), Nip(i));
    ASSERT_TRUE(q.ok()) << q.status();
  }

  Push GetPush(int i) {
    auto p = outbox_->Get(PushOf(i));
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : Push();
  }

  // SIASN's rw-kursus records of `i` carrying its certificate number.
  int RecordsOf(int i) {
    int n = 0;
    for (const auto& r : siasn_->RwKursus(Nip(i))) n += r.value("noSertipikat", "") == CertificateOf(i);
    return n;
  }

  // Polls (moving the clock past every backoff) until nothing is pending.
  int Drain(int max_rounds = 50) {
    for (int round = 0; round < max_rounds; ++round) {
      (void)outbox_->PollOnce();
      auto c = outbox_->Counts(kT);
      if (c.ok() && c->pending == 0 && c->saved == 0) return round + 1;
      clock_.Advance(absl::Minutes(2));
    }
    return -1;
  }

  ManualClock clock_;
  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<SiasnStandin> siasn_;
  FakeConnections connections_;
  FakeClients clients_;
  FakeLimiter limiter_;
  FakeSink sink_;
  FakePushSources sources_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(PushOutboxTest, HappyPathSavesTheRecordAndUploadsTheCertificate) {
  AddCompletion(1);
  auto r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->done, 1);
  const Push p = GetPush(1);
  EXPECT_EQ(p.state(), Push::DONE);
  EXPECT_FALSE(p.found_existing());
  EXPECT_EQ(p.certificate_number(), CertificateOf(1));
  EXPECT_EQ(p.attempts(), 0);

  auto list = siasn_->RwKursus(Nip(1));
  ASSERT_EQ(list.size(), 1u);
  const auto& rec = list[0];
  EXPECT_EQ(rec["id"], p.siasn_record_id());
  EXPECT_EQ(rec["noSertipikat"], CertificateOf(1));
  EXPECT_EQ(rec["namaKursus"], "Pelatihan Dasar CPNS");
  EXPECT_EQ(rec["jumlahJam"], 40);
  EXPECT_EQ(rec["tanggalKursus"], "02-03-2026");
  EXPECT_EQ(rec["tanggalSelesaiKursus"], "06-03-2026");
  EXPECT_EQ(rec["tahunKursus"], 2026);
  EXPECT_EQ(rec["jenisDiklatId"], "3");
  EXPECT_EQ(rec["instansiId"], "A5EB03E23CCBF6A0E040640A040252AD");
  EXPECT_EQ(rec["institusiPenyelenggara"], "BKPSDM instansi A5EB03E23CCBF6A0E040640A040252AD");

  auto uploads = siasn_->Uploads();
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].id_riwayat, p.siasn_record_id());
  EXPECT_EQ(uploads[0].id_ref_dokumen, "872");
  EXPECT_EQ(uploads[0].content, "%PDF-1.4 sertifikat 1");
  // Four SIASN calls, each through the tenant's rate limit at its rate.
  EXPECT_EQ(limiter_.Calls(kT), 4);
  EXPECT_EQ(limiter_.last_rate(), 7);
  EXPECT_TRUE(sink_.All().empty());
  // Done is done: nothing more happens.
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(outbox_->PollOnce().ok());
  EXPECT_EQ(siasn_->Requests("kursus/save"), 1);
  EXPECT_EQ(siasn_->Uploads().size(), 1u);
}

TEST_F(PushOutboxTest, LostResponseAfterCommitIsFoundByTheRetry) {
  AddCompletion(1);
  siasn_->FailNext(Fault::kLoseResponse, 1, "kursus/save");
  auto r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->failed, 1);
  Push p = GetPush(1);
  EXPECT_EQ(p.state(), Push::PENDING);
  EXPECT_EQ(p.attempts(), 1);
  EXPECT_EQ(RecordsOf(1), 1) << "the stand-in committed the save";
  auto failures = sink_.Of(PushOf(1));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].code(), "SIASN_UNAVAILABLE");
  EXPECT_EQ(failures[0].kind(), "push");
  EXPECT_EQ(failures[0].employee(), absl::StrCat("tenants/1504/employees/", Nip(1)));

  clock_.Advance(absl::Minutes(1));
  r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->done, 1);
  p = GetPush(1);
  EXPECT_EQ(p.state(), Push::DONE);
  EXPECT_TRUE(p.found_existing());
  EXPECT_EQ(RecordsOf(1), 1) << "exactly one record";
  EXPECT_EQ(siasn_->Requests("kursus/save"), 1);
  ASSERT_EQ(siasn_->Uploads().size(), 1u);
  EXPECT_EQ(siasn_->Uploads()[0].id_riwayat, p.siasn_record_id());
}

TEST_F(PushOutboxTest, AWorkerThatDiedAfterSavingLeavesThePushToBeFoundAfterItsLease) {
  AddCompletion(1);
  // Another worker claims the push, saves in SIASN and dies before MarkSaved.
  auto claimed = outbox_->store()->Claim(kT, 10, absl::Minutes(5), "worker-dead");
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  siasn::KursusSave save;
  save.pns_orang_id = "orang-1";
  save.nama_kursus = "Pelatihan Dasar CPNS";
  save.jumlah_jam = 40;
  save.tanggal_kursus = absl::CivilDay(2026, 3, 2);
  save.tanggal_selesai_kursus = absl::CivilDay(2026, 3, 6);
  save.nomor_sertipikat = CertificateOf(1);
  ASSERT_TRUE(NewClient()->SaveKursus(save).ok());
  // Under its lease the push is left alone ...
  ASSERT_TRUE(outbox_->PollOnce().ok());
  EXPECT_EQ(GetPush(1).state(), Push::PENDING);
  EXPECT_EQ(siasn_->Requests("rw-kursus"), 0);
  // ... and after it, taken over: found, not saved again.
  clock_.Advance(absl::Minutes(5) + absl::Seconds(1));
  ASSERT_TRUE(outbox_->PollOnce().ok());
  const Push p = GetPush(1);
  EXPECT_EQ(p.state(), Push::DONE);
  EXPECT_TRUE(p.found_existing());
  EXPECT_EQ(RecordsOf(1), 1);
  EXPECT_EQ(siasn_->Requests("kursus/save"), 1);
}

// The push sources with a hook that runs once, in the middle of a push
// (after the lookup in rw-kursus found nothing, before the save).
class HookedSources : public PushSources {
 public:
  HookedSources(PushSources* inner, std::function<void()> hook) : inner_(inner), hook_(std::move(hook)) {}
  absl::StatusOr<ev1::Enrolment> GetEnrolment(const std::string& t, const std::string& n) override {
    return inner_->GetEnrolment(t, n);
  }
  absl::StatusOr<ev1::Program> GetProgram(const std::string& t, const std::string& n) override {
    return inner_->GetProgram(t, n);
  }
  absl::StatusOr<ev1::Cohort> GetCohort(const std::string& t, const std::string& n) override {
    if (hook_) std::exchange(hook_, nullptr)();
    return inner_->GetCohort(t, n);
  }
  absl::StatusOr<type::v1::HttpBody> GetCertificate(const std::string& t, const std::string& e) override {
    return inner_->GetCertificate(t, e);
  }

 private:
  PushSources* const inner_;
  std::function<void()> hook_;
};

TEST_F(PushOutboxTest, AWorkerWhoseLeaseRanOutMidPushNeverSavesAgain) {
  AddCompletion(1);
  // worker-slow's reads before the save outlast its lease: meanwhile the
  // lease runs out and worker-fast claims the push and finishes it.
  auto fast = MakeOutbox("worker-fast");
  bool fast_ran = false;
  HookedSources slow_sources(&sources_, [&] {
    clock_.Advance(absl::Minutes(5) + absl::Seconds(1));
    fast_ran = fast->PollOnce().ok();
  });
  Outbox::Options o;
  o.owner = "worker-slow";
  o.clock = clock_.AsFunction();
  Outbox slow(redis_.get(), &connections_, &clients_, &limiter_, &sink_, &slow_sources, o);
  (void)slow.PollOnce();  // LEASE_LOST for worker-slow
  ASSERT_TRUE(fast_ran);
  // One record in SIASN, saved once; the push is done, by worker-fast.
  EXPECT_EQ(RecordsOf(1), 1);
  EXPECT_EQ(siasn_->Requests("kursus/save"), 1);
  EXPECT_EQ(GetPush(1).state(), Push::DONE);
  EXPECT_EQ(GetPush(1).attempts(), 0);
  EXPECT_EQ(siasn_->Uploads().size(), 1u);
}

TEST_F(PushOutboxTest, TooManyRequestsWaitsForRetryAfter) {
  AddCompletion(1);
  siasn_->SetRetryAfter("120");
  siasn_->FailNext(Fault::kTooManyRequests, 1, "kursus/save");
  const absl::Time start = clock_.Now();
  ASSERT_TRUE(outbox_->PollOnce().ok());
  Push p = GetPush(1);
  EXPECT_EQ(p.state(), Push::PENDING);
  EXPECT_GE(FromTimestamp(p.next_attempt_time()) - start, absl::Seconds(120));
  // Backoff alone (at most 30 s) would be due by now; Retry-After is not.
  clock_.Advance(absl::Seconds(60));
  ASSERT_TRUE(outbox_->PollOnce().ok());
  EXPECT_EQ(siasn_->Requests("kursus/save"), 1);
  clock_.Advance(absl::Seconds(61));
  ASSERT_TRUE(outbox_->PollOnce().ok());
  p = GetPush(1);
  EXPECT_EQ(p.state(), Push::DONE);
  EXPECT_EQ(RecordsOf(1), 1);
  EXPECT_EQ(sink_.Of(PushOf(1)).size(), 1u);
}

TEST_F(PushOutboxTest, ServerErrorsTimeoutsAndRejectedTokensAreRetried) {
  struct Case {
    Fault fault;
    int n;
    const char* route;
    const char* code;
  };
  const std::vector<Case> cases = {
      {Fault::kServerError, 1, "kursus/save", "SIASN_UNAVAILABLE"},
      {Fault::kServerError, 1, "rw-kursus", "SIASN_UNAVAILABLE"},
      {Fault::kTimeout, 1, "upload-dok-rw", "SIASN_UNAVAILABLE"},
      {Fault::kTimeout, 1, "data-utama", "SIASN_UNAVAILABLE"},
      // Two 401s: the client's own retry with fresh tokens fails too.
      {Fault::kUnauthorized, 2, "kursus/save", "CREDENTIALS_REJECTED"},
      {Fault::kMalformedJson, 1, "kursus/save", "BAD_FIELD"},
      {Fault::kWrongTypes, 1, "data-utama", "BAD_FIELD"},
      {Fault::kMalformedJson, 1, "upload-dok-rw", "BAD_FIELD"},
      {Fault::kLoseResponse, 1, "upload-dok-rw", "SIASN_UNAVAILABLE"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    AddCompletion(static_cast<int>(i));
    siasn_->FailNext(cases[i].fault, cases[i].n, cases[i].route);
    ASSERT_TRUE(outbox_->PollOnce().ok());
    Push p = GetPush(static_cast<int>(i));
    EXPECT_NE(p.state(), Push::DONE);
    EXPECT_NE(p.state(), Push::DEAD);
    EXPECT_EQ(p.attempts(), 1);
    auto f = sink_.Of(PushOf(static_cast<int>(i)));
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].code(), cases[i].code) << f[0].message();
    EXPECT_GT(Drain(), 0);
    p = GetPush(static_cast<int>(i));
    EXPECT_EQ(p.state(), Push::DONE) << p.last_error();
    EXPECT_EQ(RecordsOf(static_cast<int>(i)), 1);
  }
  // Tokens that expire early: the client's one retry cures it within the attempt.
  AddCompletion(50);
  siasn_->ExpireTokens();
  auto r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->done, 1);
  EXPECT_GT(siasn_->UnauthorizedAnswers(), 0);
}

TEST_F(PushOutboxTest, RefusalIsDeadWithItsReasonAndRetryPushDoesItOnceFixed) {
  AddCompletion(1, /*in_siasn=*/false);  // SIASN does not know the employee
  auto r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->dead, 1);
  Push p = GetPush(1);
  EXPECT_EQ(p.state(), Push::DEAD);
  EXPECT_EQ(p.attempts(), 1);
  EXPECT_EQ(Ended(), std::vector<std::string>{"1504:dead"});
  EXPECT_NE(p.last_error().find("NOT_FOUND_IN_SIASN"), std::string::npos) << p.last_error();
  EXPECT_EQ(siasn_->Requests("kursus/save"), 0);
  auto f = sink_.Of(PushOf(1));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code(), "NOT_FOUND_IN_SIASN");
  v1::ListPushesRequest lr;
  lr.set_parent("tenants/1504");
  lr.set_state(Push::DEAD);
  auto dead = outbox_->List(lr);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->pushes_size(), 1);
  // Dead stays dead.
  clock_.Advance(absl::Hours(5));
  ASSERT_TRUE(outbox_->PollOnce().ok());
  EXPECT_EQ(GetPush(1).state(), Push::DEAD);

  // The organiser fixes the cause (the employee now in SIASN) and retries.
  siasn_->PutDataUtama(Nip(1), {{"id", "orang-1"}, {"nipBaru", Nip(1)}});
  auto again = outbox_->Retry(PushOf(1));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->state(), Push::PENDING);
  EXPECT_EQ(again->attempts(), 0);
  ASSERT_TRUE(outbox_->PollOnce().ok());
  EXPECT_EQ(GetPush(1).state(), Push::DONE);
  EXPECT_EQ(RecordsOf(1), 1);
  EXPECT_EQ(Ended(), (std::vector<std::string>{"1504:dead", "1504:done"}));
  EXPECT_EQ(outbox_->Retry(PushOf(1)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(outbox_->Retry("tenants/1504/pushes/nope.x.1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(outbox_->Retry("tenants/1504/push/x").status().code(), absl::StatusCode::kInvalidArgument);
  lr.set_parent("1504");
  EXPECT_EQ(outbox_->List(lr).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PushOutboxTest, SiasnValidationRefusalIsDead) {
  ev1::Program p;
  p.set_name(kProgram);
  p.set_title("");  // SIASN: "namaKursus wajib diisi"
  p.set_jp(40);
  sources_.PutProgram(p);
  AddCompletion(1);
  ASSERT_TRUE(outbox_->PollOnce().ok());
  Push push = GetPush(1);
  EXPECT_EQ(push.state(), Push::DEAD);
  EXPECT_NE(push.last_error().find("namaKursus"), std::string::npos) << push.last_error();
  auto f = sink_.Of(PushOf(1));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code(), "SIASN_REJECTED");
  EXPECT_EQ(RecordsOf(1), 0);
}

TEST_F(PushOutboxTest, AFailedLookupNeverLeadsToASave) {
  AddCompletion(1);
  siasn_->FailNext(Fault::kServerError, 1, "rw-kursus");
  ASSERT_TRUE(outbox_->PollOnce().ok());
  EXPECT_EQ(siasn_->Requests("rw-kursus"), 1);
  EXPECT_EQ(siasn_->Requests("data-utama"), 0);
  EXPECT_EQ(siasn_->Requests("kursus/save"), 0);
}

TEST_F(PushOutboxTest, OffTenantIsUntouchedUntilSwitchedOn) {
  connections_.SetEnabled(kT, false);
  AddCompletion(1);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(outbox_->PollOnce().ok());
    clock_.Advance(absl::Hours(1));
  }
  Push p = GetPush(1);
  EXPECT_EQ(p.state(), Push::PENDING);
  EXPECT_EQ(p.attempts(), 0);
  EXPECT_EQ(siasn_->Requests("rw-kursus"), 0);
  EXPECT_EQ(limiter_.Calls(kT), 0);
  connections_.SetEnabled(kT, true);
  ASSERT_TRUE(outbox_->PollOnce().ok());
  EXPECT_EQ(GetPush(1).state(), Push::DONE);
}

TEST_F(PushOutboxTest, RateLimitWaitTooLongGivesThePushBackUntouched) {
  AddCompletion(1);
  limiter_.SetRefuse(true);
  auto r = outbox_->PollOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->released, 1);
  Push p = GetPush(1);
  EXPECT_EQ(p.state(), Push::PENDING);
  EXPECT_EQ(p.attempts(), 0);
  EXPECT_EQ(siasn_->Requests("rw-kursus"), 0);
  limiter_.SetRefuse(false);
  ASSERT_TRUE(outbox_->PollOnce().ok());
  EXPECT_EQ(GetPush(1).state(), Push::DONE);
}

TEST_F(PushOutboxTest, StartedOutboxPushesInTheBackgroundUntilStopped) {
  AddCompletion(1);
  outbox_->Start(absl::Milliseconds(10));
  EXPECT_TRUE(testing::WaitFor([&] { return GetPush(1).state() == Push::DONE; }, absl::Seconds(10)));
  outbox_->Stop();
  outbox_->Stop();  // idempotent
  AddCompletion(2);
  ASSERT_TRUE(outbox_->PollOnce().ok());  // still usable by hand
  EXPECT_EQ(GetPush(2).state(), Push::DONE);
  EXPECT_EQ(siasn_->Requests("kursus/save"), 2);
}

TEST_F(PushOutboxTest, TwoOutboxesOnOneRedisNeverPostTwice) {
  constexpr int kN = 60;
  for (int i = 0; i < kN; ++i) AddCompletion(i);
  auto a = MakeOutbox("worker-a", 5);
  auto b = MakeOutbox("worker-b", 5);
  auto run = [&](Outbox* o) {
    for (int round = 0; round < 100; ++round) {
      (void)o->PollOnce();
      auto c = o->Counts(kT);
      if (c.ok() && c->done == kN) return;
    }
  };
  std::thread ta(run, a.get());
  std::thread tb(run, b.get());
  ta.join();
  tb.join();
  auto c = outbox_->Counts(kT);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->done, kN);
  for (int i = 0; i < kN; ++i) EXPECT_EQ(RecordsOf(i), 1) << i;
  EXPECT_EQ(siasn_->Requests("kursus/save"), kN);
  EXPECT_EQ(siasn_->Uploads().size(), static_cast<size_t>(kN));
}

TEST_F(PushOutboxTest, ThousandCompletionsWithFaultsNoneLostNonePostedTwice) {
  constexpr int kN = 1000;
  std::set<int> unknown;  // employees SIASN does not know: DEAD, visible
  for (int i = 0; i < kN; ++i) {
    const bool in_siasn = i % 97 != 13;
    if (!in_siasn) unknown.insert(i);
    AddCompletion(i, in_siasn);
  }
  // Small batches, faults queued before each round: they meet the first
  // requests of the round, so fresh pushes and retries alike meet them.
  outbox_ = MakeOutbox("worker-1", 25);
  std::mt19937 rng(20261204);
  const std::vector<Fault> faults = {Fault::kUnauthorized, Fault::kTooManyRequests, Fault::kServerError,
                                     Fault::kTimeout,      Fault::kSlow,            Fault::kLoseResponse,
                                     Fault::kMalformedJson, Fault::kWrongTypes};
  const std::vector<std::string> routes = {"rw-kursus", "data-utama", "kursus/save", "upload-dok-rw", ""};
  std::map<std::string, int> injected;
  const absl::Time wall = absl::Now();
  int rounds = 0;
  for (; rounds < 300; ++rounds) {
    if (rounds < 40) {
      for (int k = 0; k < 8; ++k) {
        Fault f = faults[rng() % faults.size()];
        // Timeouts cost real time (the client's 300 ms): fewer of them.
        if (f == Fault::kTimeout && rng() % 3 != 0) f = Fault::kServerError;
        const std::string& route = routes[rng() % routes.size()];
        siasn_->FailNext(f, 1 + (f == Fault::kUnauthorized ? rng() % 2 : 0), route);
        ++injected[absl::StrCat(static_cast<int>(f))];
      }
      if (rng() % 10 == 0) siasn_->ExpireTokens();
      if (rng() % 5 == 0) sources_.FailNext(absl::UnavailableError("report service: connection refused"), 2);
    }
    (void)outbox_->PollOnce();
    auto c = outbox_->Counts(kT);
    ASSERT_TRUE(c.ok());
    if (rounds >= 40 && c->pending == 0 && c->saved == 0) break;
    clock_.Advance(absl::Minutes(2));
  }
  const absl::Duration took = absl::Now() - wall;

  auto c = outbox_->Counts(kT);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->done + c->dead, kN) << "0 lost";
  EXPECT_EQ(c->pending + c->saved, 0);
  int done = 0, dead = 0, attempts = 0, found_existing = 0;
  for (int i = 0; i < kN; ++i) {
    const Push p = GetPush(i);
    attempts += p.attempts();
    found_existing += p.found_existing();
    EXPECT_LE(RecordsOf(i), 1) << "posted twice: " << i;
    if (p.state() == Push::DONE) {
      ++done;
      EXPECT_EQ(RecordsOf(i), 1) << i;
    } else {
      ASSERT_EQ(p.state(), Push::DEAD) << i;
      ++dead;
      EXPECT_FALSE(p.last_error().empty()) << i;
      EXPECT_FALSE(sink_.Of(p.name()).empty()) << i;
    }
    if (unknown.count(i)) {
      EXPECT_EQ(p.state(), Push::DEAD) << i;
    }
  }
  // Every failed attempt is in the sink, and nothing else.
  EXPECT_EQ(static_cast<int>(sink_.All().size()), attempts);
  // The dead are visible in the list an organiser sees.
  v1::ListPushesRequest lr;
  lr.set_parent("tenants/1504");
  lr.set_state(Push::DEAD);
  lr.set_page_size(1000);
  auto listed = outbox_->List(lr);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->pushes_size(), dead);
  EXPECT_GE(dead, static_cast<int>(unknown.size()));
  int total_injected = 0;
  for (const auto& [f, n] : injected) total_injected += n;
  std::cout << "[measured] " << kN << " pushes: done=" << done << " dead=" << dead << " (unknown to SIASN "
            << unknown.size() << ") failed attempts=" << attempts << " found_existing=" << found_existing
            << " faults injected=" << total_injected << " rounds=" << rounds + 1
            << " kursus/save requests=" << siasn_->Requests("kursus/save")
            << " uploads=" << siasn_->Uploads().size() << " wall=" << absl::FormatDuration(took) << "\n";
  EXPECT_GT(attempts, 0) << "faults were injected and met";
}

}  // namespace
}  // namespace pelita::integration
