// pelita-survey-demo: loads demo survey data for Kabupaten Batang Hari
// (tenant 1504) through the public gRPC APIs: installs the default
// instruments and a pre/post test, then, for every cohort the enrolment
// service knows, reaction surveys, pre/post tests, supervisor follow-ups and
// observations from its participants, and twelve months of SKM responses for
// every unit.  Deterministic response ids, so running it twice changes
// nothing.

#include <grpcpp/grpcpp.h>

#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "lib/ids/nip.h"
#include "lib/log/log.h"
#include "lib/time/time.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50052", "survey service address");
ABSL_FLAG(std::string, enrolment, "127.0.0.1:50051", "enrolment service address");
ABSL_FLAG(std::string, tenant, "1504", "tenant code");
ABSL_FLAG(int, skm_per_month, 30, "SKM responses per unit and month");

namespace sv1 = pelita::survey::v1;
namespace ev1 = pelita::enrolment::v1;

namespace {

std::string tenant;

void Prepare(grpc::ClientContext& ctx) {
  pelita::AttachTenant(ctx, tenant);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
}

// FNV-1a, 64 bits: stable across runs (absl::Hash is seeded per process).
uint64_t Fnv(const std::string& key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A deterministic response id.
std::string Id(const std::string& kind, const std::string& key) {
  return absl::StrFormat("demo-%s-%016x", kind, Fnv(key));
}

class Loader {
 public:
  Loader(std::shared_ptr<grpc::Channel> survey, std::shared_ptr<grpc::Channel> enrolment)
      : survey_(sv1::SurveyService::NewStub(survey)), enrolment_(ev1::EnrolmentService::NewStub(enrolment)) {}

  bool Run() {
    if (!Instruments()) return false;
    int cohorts = 0;
    std::string ptoken;
    do {
      ev1::ListProgramsRequest lp;
      lp.set_parent("tenants/" + tenant);
      lp.set_page_size(100);
      lp.set_page_token(ptoken);
      ev1::ListProgramsResponse programs;
      grpc::ClientContext ctx;
      Prepare(ctx);
      if (!Check(enrolment_->ListPrograms(&ctx, lp, &programs), "ListPrograms")) return false;
      for (const auto& p : programs.programs()) {
        ev1::ListCohortsRequest lc;
        lc.set_parent(p.name());
        lc.set_page_size(100);
        ev1::ListCohortsResponse cs;
        grpc::ClientContext c2;
        Prepare(c2);
        if (!Check(enrolment_->ListCohorts(&c2, lc, &cs), "ListCohorts")) return false;
        for (const auto& c : cs.cohorts()) {
          if (!Cohort(c)) return false;
          ++cohorts;
        }
      }
      ptoken = programs.next_page_token();
    } while (!ptoken.empty());
    if (!Skm()) return false;
    Flush();
    pelita::LogInfo("survey demo loaded", {{"tenant", tenant},
                                           {"cohorts", absl::StrCat(cohorts)},
                                           {"accepted", absl::StrCat(accepted_)},
                                           {"already_there", absl::StrCat(duplicates_)},
                                           {"rejected", absl::StrCat(rejected_)}});
    return true;
  }

 private:
  bool Check(const grpc::Status& s, const char* what) {
    if (s.ok()) return true;
    pelita::LogError("survey demo failed", {{"call", what}, {"error", s.error_message()}});
    return false;
  }

  bool Instruments() {
    sv1::InstallDefaultInstrumentsRequest req;
    req.set_parent("tenants/" + tenant);
    sv1::InstallDefaultInstrumentsResponse resp;
    grpc::ClientContext ctx;
    Prepare(ctx);
    if (!Check(survey_->InstallDefaultInstruments(&ctx, req, &resp), "InstallDefaultInstruments")) {
      return false;
    }
    const char* questions[] = {
        "Standar pelayanan wajib memuat komponen persyaratan, prosedur, waktu, dan biaya",
        "Maklumat pelayanan adalah pernyataan kesanggupan penyelenggara",
        "Pengaduan melalui SP4N-LAPOR! wajib ditindaklanjuti paling lama 5 hari kerja",
        "Survei kepuasan masyarakat dilakukan paling sedikit sekali setahun",
        "Pelayanan prima berorientasi pada kebutuhan pengguna layanan",
        "Budaya kerja BerAKHLAK mencakup nilai akuntabel dan kompeten",
        "Inovasi pelayanan publik dapat direplikasi antarunit",
        "Data kependudukan dilindungi sesuai UU 27/2022",
        "Penanganan keluhan dimulai dengan mendengarkan secara aktif",
        "Evaluasi kinerja pelayanan menggunakan indikator yang terukur",
    };
    for (const char* id : {"pretest-pelayanan-prima", "posttest-pelayanan-prima"}) {
      sv1::CreateInstrumentRequest c;
      c.set_parent("tenants/" + tenant);
      c.set_instrument_id(id);
      sv1::Instrument& in = *c.mutable_instrument();
      const bool pre = std::string(id).rfind("pre", 0) == 0;
      in.set_title(pre ? "Pre-test Pelayanan Prima" : "Post-test Pelayanan Prima");
      in.set_kind(pre ? sv1::PRETEST : sv1::POSTTEST);
      if (!pre) in.set_pretest("tenants/" + tenant + "/instruments/pretest-pelayanan-prima");
      for (int i = 0; i < 10; ++i) {
        sv1::Item* item = in.add_items();
        item->set_code(absl::StrCat("S", i + 1));
        item->set_text(questions[i]);
        item->set_type(sv1::SCORE);
        item->set_max_score(10);
        item->set_required(true);
      }
      sv1::Instrument out;
      grpc::ClientContext ctx2;
      Prepare(ctx2);
      grpc::Status s = survey_->CreateInstrument(&ctx2, c, &out);
      if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) return Check(s, "CreateInstrument");
    }
    return true;
  }

  void Add(sv1::CreateResponseRequest req) {
    req.set_parent("tenants/" + tenant);
    *batch_.add_requests() = std::move(req);
    if (batch_.requests_size() >= 500) Flush();
  }

  void Flush() {
    if (batch_.requests_size() == 0) return;
    batch_.set_parent("tenants/" + tenant);
    sv1::BatchCreateResponsesResponse resp;
    grpc::ClientContext ctx;
    Prepare(ctx);
    grpc::Status s = survey_->BatchCreateResponses(&ctx, batch_, &resp);
    if (!s.ok()) {
      pelita::LogWarning("survey demo batch failed", {{"error", s.error_message()}});
      rejected_ += batch_.requests_size();
    }
    for (const auto& a : resp.results()) {
      if (a.code() != 0) {
        ++rejected_;
        if (rejected_ <= 5) pelita::LogWarning("demo response rejected", {{"error", a.message()}});
      } else if (a.duplicate()) {
        ++duplicates_;
      } else {
        ++accepted_;
      }
    }
    batch_.clear_requests();
  }

  static google::protobuf::Timestamp At(absl::Time t) {
    return google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
  }

  bool Cohort(const ev1::Cohort& cohort) {
    std::string token;
    std::vector<ev1::Enrolment> members;
    do {
      ev1::ListEnrolmentsRequest le;
      le.set_parent(cohort.name());
      le.set_page_size(500);
      le.set_page_token(token);
      ev1::ListEnrolmentsResponse resp;
      grpc::ClientContext ctx;
      Prepare(ctx);
      if (!Check(enrolment_->ListEnrolments(&ctx, le, &resp), "ListEnrolments")) return false;
      for (const auto& e : resp.enrolments()) {
        if (e.state() == ev1::Enrolment::ENROLLED || e.state() == ev1::Enrolment::ATTENDED ||
            e.state() == ev1::Enrolment::COMPLETED) {
          members.push_back(e);
        }
      }
      token = resp.next_page_token();
    } while (!token.empty());
    std::mt19937 rng(static_cast<uint32_t>(Fnv(cohort.name())));
    absl::CivilDay end(cohort.end_date().year(), cohort.end_date().month(), cohort.end_date().day());
    const absl::TimeZone wib = *pelita::LoadIndonesianTimeZone(pelita::kWib);  // Batanghari (Jambi)
    const absl::Time closing = absl::FromCivil(absl::CivilSecond(end.year(), end.month(), end.day(), 15, 0, 0), wib);
    const bool ended = closing < absl::Now();
    // Cohort quality: a good cohort scores higher on every instrument.
    const int quality = static_cast<int>(rng() % 3);
    const std::string supervisor = pelita::MakeNip(absl::CivilDay(1970, 5, 17), absl::CivilMonth(1995, 3),
                                                   pelita::Nip::Gender::kMale, 12);
    for (const auto& e : members) {
      const std::string nip = e.name().substr(e.name().rfind('/') + 1);
      const std::string key = cohort.name() + "|" + nip;
      auto answer = [](sv1::Response& r, const std::string& item) { 
        sv1::Answer* a = r.add_answers();
        a->set_item(item);
        return a;
      };
      // Pre-test at the start, post-test at the end.
      int pre_total = 0;
      {
        sv1::CreateResponseRequest req;
        req.set_response_id(Id("pre", key));
        sv1::Response& r = *req.mutable_response();
        r.set_instrument("tenants/" + tenant + "/instruments/pretest-pelayanan-prima");
        r.set_cohort(cohort.name());
        r.set_respondent_nip(nip);
        for (int i = 1; i <= 10; ++i) {
          int v = 3 + static_cast<int>(rng() % 5);
          pre_total += v;
          answer(r, absl::StrCat("S", i))->set_number(v);
        }
        Add(std::move(req));
      }
      if (!ended) continue;
      {
        sv1::CreateResponseRequest req;
        req.set_response_id(Id("post", key));
        sv1::Response& r = *req.mutable_response();
        r.set_instrument("tenants/" + tenant + "/instruments/posttest-pelayanan-prima");
        r.set_cohort(cohort.name());
        r.set_respondent_nip(nip);
        for (int i = 1; i <= 10; ++i) {
          answer(r, absl::StrCat("S", i))->set_number(std::min(10, 4 + quality + static_cast<int>(rng() % 5)));
        }
        *r.mutable_submit_time() = At(closing);
        Add(std::move(req));
      }
      if (rng() % 10 < 8) {  // 80 % answer the reaction survey
        sv1::CreateResponseRequest req;
        req.set_response_id(Id("reaksi", key));
        sv1::Response& r = *req.mutable_response();
        r.set_instrument("tenants/" + tenant + "/instruments/reaksi-peserta");
        r.set_cohort(cohort.name());
        r.set_respondent_nip(nip);
        for (const char* code : {"M1", "M2", "M3", "I1", "I2", "I3", "F1", "F2", "F3", "P1", "P2", "P3"}) {
          answer(r, code)->set_number(std::min(5, 2 + quality + static_cast<int>(rng() % 3)));
        }
        if (rng() % 4 == 0) answer(r, "SARAN")->set_text("Waktu praktik perlu ditambah.");
        *r.mutable_submit_time() = At(closing);
        Add(std::move(req));
      }
      if (e.state() == ev1::Enrolment::COMPLETED && closing + absl::Hours(24 * 30) < absl::Now()) {
        sv1::CreateResponseRequest req;
        req.set_response_id(Id("atasan", key));
        sv1::Response& r = *req.mutable_response();
        r.set_instrument("tenants/" + tenant + "/instruments/tindak-lanjut-atasan");
        r.set_cohort(cohort.name());
        r.set_respondent_nip(supervisor);
        r.set_subject_nip(nip);
        const bool applied = rng() % 10 < static_cast<unsigned>(6 + quality);
        answer(r, "DITERAPKAN")->set_yes(applied);
        if (applied) answer(r, "KOMPETENSI")->mutable_choices()->add_codes(rng() % 2 ? "teknis" : "pelayanan-publik");
        for (const char* code : {"R1", "R2", "R3", "R4"}) {
          answer(r, code)->set_number(applied ? std::min(4, 2 + static_cast<int>(rng() % 3)) : 1 + static_cast<int>(rng() % 2));
        }
        answer(r, "HAMBATAN")->set_choice(applied ? "tidak-ada" : "beban-kerja");
        *r.mutable_submit_time() = At(closing + absl::Hours(24 * 30));
        Add(std::move(req));
      }
    }
    return true;
  }

  bool Skm() {
    ev1::ListUnitsRequest lu;
    lu.set_parent("tenants/" + tenant);
    lu.set_page_size(500);
    ev1::ListUnitsResponse units;
    grpc::ClientContext ctx;
    Prepare(ctx);
    if (!Check(enrolment_->ListUnits(&ctx, lu, &units), "ListUnits")) return false;
    const absl::TimeZone wib = *pelita::LoadIndonesianTimeZone(pelita::kWib);  // Batanghari (Jambi)
    const absl::CivilMonth now(absl::ToCivilSecond(absl::Now(), wib));
    for (const auto& unit : units.units()) {
      std::mt19937 rng(static_cast<uint32_t>(Fnv(unit.name())));
      const int base = static_cast<int>(rng() % 2);  // some units serve better
      for (int m = 12; m >= 1; --m) {
        const absl::CivilMonth month = now - m;
        // Service improves over the year (the training effect to be found).
        const int lift = m <= 6 ? 1 : 0;
        for (int i = 0; i < absl::GetFlag(FLAGS_skm_per_month); ++i) {
          sv1::CreateResponseRequest req;
          req.set_response_id(Id("skm", absl::StrCat(unit.name(), "|", absl::FormatCivilTime(month), "|", i)));
          sv1::Response& r = *req.mutable_response();
          r.set_instrument("tenants/" + tenant + "/instruments/skm-permenpanrb-14-2017");
          r.set_unit(unit.name());
          for (int u = 1; u <= 9; ++u) {
            sv1::Answer* a = r.add_answers();
            a->set_item(absl::StrCat("U", u));
            a->set_number(std::min(4, 1 + base + lift + static_cast<int>(rng() % 3)));
          }
          *r.mutable_submit_time() = At(absl::FromCivil(
              absl::CivilSecond(month.year(), month.month(), 1 + i % 28, 9 + i % 7, 0, 0), wib));
          Add(std::move(req));
        }
      }
    }
    return true;
  }

  std::unique_ptr<sv1::SurveyService::Stub> survey_;
  std::unique_ptr<ev1::EnrolmentService::Stub> enrolment_;
  sv1::BatchCreateResponsesRequest batch_;
  int64_t accepted_ = 0, duplicates_ = 0, rejected_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  tenant = absl::GetFlag(FLAGS_tenant);
  auto survey = grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  auto enrolment = grpc::CreateChannel(absl::GetFlag(FLAGS_enrolment), grpc::InsecureChannelCredentials());
  Loader loader(survey, enrolment);
  return loader.Run() ? 0 : 1;
}
