#include "lib/siasn/siasn_client.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/siasn/standin.h"

namespace pelita::siasn {
namespace {

using Fault = SiasnStandin::Fault;
using nlohmann::json;

constexpr char kNip[] = "199001012015031001";
constexpr char kOrang[] = "A8ACA7397AEB3912E040640A040269BB";

class SiasnClientTest : public ::testing::Test {
 protected:
  void SetUp() override { Begin({}); }

  // (Re)starts the stand-in with `o` and a client with the right credentials.
  void Begin(StandinOptions o) {
    if (standin_ != nullptr) standin_->Stop();
    o.clock = clock_.AsFunction();
    standin_ = std::make_unique<SiasnStandin>(o);
    ASSERT_TRUE(standin_->Start().ok());
    standin_->PutDataUtama(kNip, {{"id", kOrang}, {"nipBaru", kNip}, {"nama", "SITI AMINAH"},
                                  {"unorId", "unor-1"}, {"golRuangAkhir", "III/c"}, {"tmtGolAkhir", "01-04-2022"}});
    client_ = MakeClient(Right());
  }
  Credentials Right() const {
    const StandinOptions& o = standin_->options();
    return {o.consumer_key, o.consumer_secret, o.sso_client_id, o.username, o.password};
  }
  std::unique_ptr<SiasnClient> MakeClient(Credentials c, absl::Duration timeout = absl::Seconds(5)) {
    ClientOptions o;
    o.apim_url = standin_->url();
    o.sso_url = standin_->url();
    o.sso_realm = standin_->options().realm;
    o.credentials = std::move(c);
    o.timeout = timeout;
    o.clock = clock_.AsFunction();
    return std::make_unique<SiasnClient>(std::move(o));
  }
  KursusSave Save(const std::string& certificate) const {
    KursusSave k;
    k.pns_orang_id = kOrang;
    k.instansi_id = "instansi-1504";
    k.nama_kursus = "Pelatihan Pelayanan Publik";
    k.jumlah_jam = 20;
    k.tanggal_kursus = absl::CivilDay(2026, 1, 5);
    k.tanggal_selesai_kursus = absl::CivilDay(2026, 1, 9);
    k.institusi_penyelenggara = "BKPSDM Batanghari";
    k.jenis_diklat_id = "3";
    k.nomor_sertipikat = certificate;
    return k;
  }

  ManualClock clock_;
  std::unique_ptr<SiasnStandin> standin_;
  std::unique_ptr<SiasnClient> client_;
};

TEST_F(SiasnClientTest, ReadsDataUtamaWithBothTokens) {
  auto u = client_->GetDataUtama(kNip);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->id, kOrang);
  EXPECT_EQ(u->nama, "SITI AMINAH");
  EXPECT_EQ(u->tmt_gol_akhir, absl::CivilDay(2022, 4, 1));
  EXPECT_EQ(standin_->UnauthorizedAnswers(), 0);
}

TEST_F(SiasnClientTest, TokensAreFetchedOnceForManyCalls) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
    ASSERT_TRUE(client_->ListRwKursus(kNip).ok());
  }
  EXPECT_EQ(standin_->Requests("data-utama"), 10);
  EXPECT_EQ(standin_->Requests("rw-kursus"), 10);
  EXPECT_EQ(standin_->ApimTokensIssued(), 1);
  EXPECT_EQ(standin_->SsoTokensIssued(), 1);
}

TEST_F(SiasnClientTest, ConcurrentCallersShareOneTokenFetch) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (!client_->GetDataUtama(kNip).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(standin_->Requests("data-utama"), 40);
  EXPECT_EQ(standin_->ApimTokensIssued(), 1);
  EXPECT_EQ(standin_->SsoTokensIssued(), 1);
}

TEST_F(SiasnClientTest, RefreshesEachTokenBeforeItExpires) {
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  // The API gateway token lives 3600 s; the margin is 60 s.
  clock_.Advance(absl::Seconds(3600 - 61));
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->ApimTokensIssued(), 1);
  clock_.Advance(absl::Seconds(2));
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->ApimTokensIssued(), 2);
  EXPECT_EQ(standin_->SsoTokensIssued(), 1);
  // The SSO token lives 43200 s: fetched again at 43140 s, before the stand-in refuses it.
  clock_.Advance(absl::Seconds(43140 - 3541 - 1));
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->SsoTokensIssued(), 1);
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->SsoTokensIssued(), 2);
  EXPECT_EQ(standin_->UnauthorizedAnswers(), 0);
}

TEST_F(SiasnClientTest, ShortLifetimesUseATenthAsMargin) {
  StandinOptions o;
  o.apim_token_lifetime = absl::Seconds(100);
  o.sso_token_lifetime = absl::Seconds(100);
  Begin(o);
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  clock_.Advance(absl::Seconds(89));
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->ApimTokensIssued(), 1);
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->ApimTokensIssued(), 2);
  EXPECT_EQ(standin_->SsoTokensIssued(), 2);
  EXPECT_EQ(standin_->UnauthorizedAnswers(), 0);
}

TEST_F(SiasnClientTest, TokensExpiredEarlyAreDroppedAndTheCallRetriedOnce) {
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  standin_->ExpireTokens();
  auto u = client_->GetDataUtama(kNip);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(standin_->UnauthorizedAnswers(), 1);
  EXPECT_EQ(standin_->Requests("data-utama"), 3);
  EXPECT_EQ(standin_->ApimTokensIssued(), 2);
  EXPECT_EQ(standin_->SsoTokensIssued(), 2);
}

TEST_F(SiasnClientTest, OneUnauthorizedIsRetriedTwoGiveUp) {
  standin_->FailNext(Fault::kUnauthorized, 1);
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->ApimTokensIssued(), 2);
  EXPECT_EQ(standin_->SsoTokensIssued(), 2);

  standin_->FailNext(Fault::kUnauthorized, 2);
  auto u = client_->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnauthenticated) << u.status();
  EXPECT_EQ(standin_->Requests("data-utama"), 4);  // 2 + one call and its single retry.
  EXPECT_EQ(standin_->ApimTokensIssued(), 3);
  // The tokens dropped by the second 401 are fetched again by the next call.
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->ApimTokensIssued(), 4);
}

TEST_F(SiasnClientTest, TooManyRequestsIsUnavailableWithRetryAfter) {
  standin_->FailNext(Fault::kTooManyRequests, 1);
  auto u = client_->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnavailable) << u.status();
  EXPECT_EQ(RetryAfter(u.status()), absl::Seconds(7));
  standin_->SetRetryAfter("");
  standin_->FailNext(Fault::kTooManyRequests, 1);
  u = client_->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnavailable) << u.status();
  EXPECT_EQ(RetryAfter(u.status()), std::nullopt);
  ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
}

TEST_F(SiasnClientTest, ServerErrorsAndTimeoutsAreUnavailable) {
  standin_->FailNext(Fault::kServerError, 1);
  auto u = client_->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnavailable) << u.status();
  EXPECT_TRUE(absl::StrContains(u.status().message(), "HTTP 500")) << u.status();

  auto quick = MakeClient(Right(), absl::Milliseconds(300));
  standin_->FailNext(Fault::kTimeout, 1);
  u = quick->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnavailable) << u.status();
  EXPECT_TRUE(absl::StrContains(u.status().message(), "data-utama")) << u.status();

  // A token endpoint failing is UNAVAILABLE too.
  auto fresh = MakeClient(Right());
  standin_->FailNext(Fault::kServerError, 1, "sso/token");
  u = fresh->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnavailable) << u.status();
  EXPECT_TRUE(fresh->GetDataUtama(kNip).ok());
}

TEST_F(SiasnClientTest, SlowAnswersWithinTheLimitSucceed) {
  standin_->SetSlowDelay(absl::Milliseconds(50));
  standin_->FailNext(Fault::kSlow, 2);
  EXPECT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_TRUE(client_->ListRwKursus(kNip).ok());
}

TEST_F(SiasnClientTest, NoServerIsUnavailable) {
  auto c = MakeClient(Right());
  standin_->Stop();
  auto u = c->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnavailable) << u.status();
}

TEST_F(SiasnClientTest, NotFoundAndBadNip) {
  auto u = client_->GetDataUtama("199912312020121001");
  EXPECT_EQ(u.status().code(), absl::StatusCode::kNotFound) << u.status();
  EXPECT_TRUE(absl::StrContains(u.status().message(), "Data tidak ditemukan")) << u.status();
  u = client_->GetDataUtama("1990/../../x");
  EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument) << u.status();
  EXPECT_EQ(standin_->Requests(""), 0);
}

TEST_F(SiasnClientTest, MalformedAndWronglyTypedAnswersNameTheField) {
  standin_->FailNext(Fault::kMalformedJson, 1);
  auto u = client_->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument) << u.status();
  EXPECT_EQ(FieldOf(u.status()), "data-utama");
  EXPECT_TRUE(absl::StrContains(RawValueOf(u.status()), "\"code\":1")) << RawValueOf(u.status());

  standin_->FailNext(Fault::kWrongTypes, 1);
  u = client_->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument) << u.status();
  EXPECT_EQ(FieldOf(u.status()), "data-utama.id");
  EXPECT_EQ(RawValueOf(u.status()), "12345");

  standin_->PutRwKursus(kNip, json::array({{{"id", "rk-1"}, {"tanggalKursus", "2024-13-01"}}}));
  auto l = client_->ListRwKursus(kNip);
  EXPECT_EQ(FieldOf(l.status()), "rw-kursus[0].tanggalKursus") << l.status();
  EXPECT_EQ(RawValueOf(l.status()), "\"2024-13-01\"");
}

TEST_F(SiasnClientTest, ListsDiklatAndSkp) {
  standin_->PutRwDiklat(kNip, json::array({{{"id", "rd-1"}, {"namaKursus", "Latsar"}, {"jumlahJam", 0},
                                            {"tanggalKursus", "02-03-2015"}}}));
  standin_->PutRwSkp22(kNip, json::array({{{"id", "s-1"}, {"tahun", 2024}, {"kuadranKinerja", "BAIK"},
                                           {"hasilKinerja", "SESUAI EKSPEKTASI"}, {"perilakuKerja", "SESUAI EKSPEKTASI"},
                                           {"nipNrpPenilai", "198001012005011002"}}}));
  auto d = client_->ListRwDiklat(kNip);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].tanggal_kursus, absl::CivilDay(2015, 3, 2));
  auto s = client_->ListRwSkp22(kNip);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].kuadran_kinerja, "BAIK");
  EXPECT_EQ((*s)[0].nip_nrp_penilai, "198001012005011002");
}

TEST_F(SiasnClientTest, SaveThenReadBackThenUpload) {
  auto id = client_->SaveKursus(Save("PELITA-1504-0001"));
  ASSERT_TRUE(id.ok()) << id.status();
  auto l = client_->ListRwKursus(kNip);
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].id, *id);
  EXPECT_EQ((*l)[0].no_sertipikat, "PELITA-1504-0001");
  EXPECT_EQ((*l)[0].jumlah_jam, 20);
  EXPECT_EQ((*l)[0].tanggal_kursus, absl::CivilDay(2026, 1, 5));
  EXPECT_EQ((*l)[0].tanggal_selesai_kursus, absl::CivilDay(2026, 1, 9));
  EXPECT_EQ((*l)[0].tahun_kursus, 2026);

  DokumenUpload up;
  up.id_riwayat = *id;
  up.id_ref_dokumen = "874";
  up.content = std::string("%PDF-1.4\n\0binary\r\n--x", 22);
  ASSERT_TRUE(client_->UploadDokRw(up).ok());
  auto uploads = standin_->Uploads();
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].id_riwayat, *id);
  EXPECT_EQ(uploads[0].id_ref_dokumen, "874");
  EXPECT_EQ(uploads[0].file_name, "sertifikat.pdf");
  EXPECT_EQ(uploads[0].content_type, "application/pdf");
  EXPECT_EQ(uploads[0].content, up.content);

  up.id_riwayat = "no-such-record";
  auto s = client_->UploadDokRw(up);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "id_riwayat tidak ditemukan")) << s;
}

TEST_F(SiasnClientTest, RejectedSaveCarriesSiasnMessage) {
  KursusSave k = Save("X-1");
  k.pns_orang_id = "unknown";
  auto id = client_->SaveKursus(k);
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument) << id.status();
  EXPECT_TRUE(absl::StrContains(id.status().message(), "pnsOrangId tidak ditemukan")) << id.status();
}

TEST_F(SiasnClientTest, LostResponseAfterCommitIsUnavailableAndTheRecordIsFound) {
  standin_->FailNext(Fault::kLoseResponse, 1, "kursus/save");
  auto id = client_->SaveKursus(Save("PELITA-1504-0002"));
  EXPECT_EQ(id.status().code(), absl::StatusCode::kUnavailable) << id.status();
  // SIASN stored it all the same.
  ASSERT_EQ(standin_->RwKursus(kNip).size(), 1u);
  // What the outbox does before posting again: look, and find it.
  auto found = client_->FindKursusByCertificate(kNip, " PELITA-1504-0002 ");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, standin_->RwKursus(kNip)[0]["id"]);
  EXPECT_EQ(standin_->Requests("kursus/save"), 1);
}

TEST_F(SiasnClientTest, FindKursusByCertificate) {
  standin_->PutRwKursus(kNip, json::array({{{"id", "rk-1"}, {"noSertipikat", "A-1"}},
                                           {{"id", "rk-2"}, {"noSertipikat", "a-2"}}}));
  auto f = client_->FindKursusByCertificate(kNip, "a-2");
  ASSERT_TRUE(f.ok() && f->has_value()) << f.status();
  EXPECT_EQ((*f)->id, "rk-2");
  f = client_->FindKursusByCertificate(kNip, "A-2");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_FALSE(f->has_value());
  // An employee SIASN does not know has no records.
  f = client_->FindKursusByCertificate("199912312020121001", "A-1");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_FALSE(f->has_value());
  EXPECT_EQ(client_->FindKursusByCertificate(kNip, " ").status().code(), absl::StatusCode::kInvalidArgument);
  // A failure to look is a failure, never "not there" (that would post twice).
  standin_->FailNext(Fault::kServerError, 1);
  EXPECT_EQ(client_->FindKursusByCertificate(kNip, "A-1").status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(SiasnClientTest, CallsReuseConnections) {
  // Sequential calls share one kept-alive connection per token endpoint
  // and API (the stand-in serves all three on one port).
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_LE(standin_->Connections(), 3);
  // Concurrent callers use a handle each, reused afterwards.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) EXPECT_TRUE(client_->GetDataUtama(kNip).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(standin_->Connections(), 3 + 4);
  // A kept-alive connection the server closed without answering a GET is
  // replaced, and curl repeats the GET on the new one (a read is safe to
  // repeat); saves never go over a reused connection (the lost-response
  // test above: exactly one record stored, the caller told UNAVAILABLE).
  const int before = standin_->Requests("data-utama");
  standin_->FailNext(Fault::kLoseResponse, 1, "data-utama");
  EXPECT_TRUE(client_->GetDataUtama(kNip).ok());
  EXPECT_EQ(standin_->Requests("data-utama"), before + 2);
}

TEST_F(SiasnClientTest, StandinRateLimitAnswers429WithRetryAfter) {
  standin_->SetRateLimit(5);
  int limited = 0;
  std::optional<absl::Duration> after;
  for (int i = 0; i < 8; ++i) {
    auto r = client_->GetDataUtama(kNip);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
      ++limited;
      after = RetryAfter(r.status());
    }
  }
  // A burst of 5 passes (within well under a second), the rest are refused.
  EXPECT_GE(limited, 2);
  EXPECT_EQ(standin_->RateLimitedAnswers(), limited);
  ASSERT_TRUE(after.has_value());
  EXPECT_GE(*after, absl::Seconds(1));
  // Token fetches are not limited.
  EXPECT_EQ(standin_->ApimTokensIssued(), 1);
  standin_->SetRateLimit(0);
  EXPECT_TRUE(client_->GetDataUtama(kNip).ok());
}

TEST_F(SiasnClientTest, SecretsNeverAppearInErrors) {
  StandinOptions o;
  o.consumer_secret = "s3cr3t-consumer-Zq9";
  o.password = "p@ss word&=Xy7";
  o.echo_credentials_in_errors = true;
  Begin(o);
  auto expect_clean = [&](const absl::Status& s) {
    const std::string m(s.ToString());
    EXPECT_FALSE(absl::StrContains(m, o.consumer_secret)) << m;
    EXPECT_FALSE(absl::StrContains(m, o.password)) << m;
    EXPECT_FALSE(absl::StrContains(m, "p%40ss")) << m;
    EXPECT_FALSE(absl::StrContains(m, absl::Base64Escape(absl::StrCat(o.consumer_key, ":", o.consumer_secret)))) << m;
  };
  Credentials wrong_secret = Right();
  wrong_secret.consumer_secret = "s3cr3t-consumer-WRONG";
  auto u = MakeClient(wrong_secret)->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnauthenticated) << u.status();
  EXPECT_TRUE(absl::StrContains(u.status().message(), "[redacted]")) << u.status();
  EXPECT_FALSE(absl::StrContains(u.status().message(), "s3cr3t-consumer-WRONG")) << u.status();
  expect_clean(u.status());

  Credentials wrong_password = Right();
  wrong_password.password = "p@ss word&=WRONG";
  u = MakeClient(wrong_password)->GetDataUtama(kNip);
  EXPECT_EQ(u.status().code(), absl::StatusCode::kUnauthenticated) << u.status();
  EXPECT_FALSE(absl::StrContains(u.status().message(), "WRONG")) << u.status();
  expect_clean(u.status());

  // Right credentials, failing calls: no secret either.
  standin_->FailNext(Fault::kUnauthorized, 2);
  expect_clean(client_->GetDataUtama(kNip).status());
  standin_->FailNext(Fault::kServerError, 1, "oauth2/token");
  client_->DropTokens();
  expect_clean(client_->GetDataUtama(kNip).status());
}

}  // namespace
}  // namespace pelita::siasn
