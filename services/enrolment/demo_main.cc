// pelita-enrolment-demo: loads demo data for Kabupaten Batang Hari (tenant
// 1504) through the enrolment service's public gRPC API: its units (dinas,
// badan, the regional hospital and the eight kantor camat), about 500 ASN
// with valid NIPs, and a year of programmes with cohorts, enrolments,
// attendance and completions.  Deterministic and safe to run twice: what
// exists already is left as it is.

#include <grpcpp/grpcpp.h>

#include <random>
#include <set>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "lib/ids/nip.h"
#include "lib/log/log.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "enrolment service address");
ABSL_FLAG(std::string, tenant, "1504", "tenant code");
ABSL_FLAG(int, employees, 500, "number of employees");

namespace v1 = pelita::enrolment::v1;

namespace {

struct UnitSpec {
  const char* id;
  const char* name;
  const char* kind;
  const char* district;
  int64_t volume;
  int weight;  // share of the roster
};

// Units that serve the public directly; volumes are transactions a month.
const UnitSpec kUnits[] = {
    {"dukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", "Muara Bulian", 4200, 6},
    {"dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas", "Muara Bulian", 1800, 5},
    {"dinkes", "Dinas Kesehatan", "dinas", "Muara Bulian", 2600, 8},
    {"disdik", "Dinas Pendidikan dan Kebudayaan", "dinas", "Muara Bulian", 1500, 9},
    {"dinsos", "Dinas Sosial", "dinas", "Muara Bulian", 900, 4},
    {"bkpsdm", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "badan", "Muara Bulian", 600, 4},
    {"bappeda", "Badan Perencanaan Pembangunan Daerah", "badan", "Muara Bulian", 150, 3},
    {"rsud-hamba", "RSUD Hamba Muara Bulian", "rsud", "Muara Bulian", 7500, 12},
    {"camat-bajubang", "Kantor Camat Bajubang", "kantor_camat", "Bajubang", 700, 2},
    {"camat-batin-xxiv", "Kantor Camat Batin XXIV", "kantor_camat", "Batin XXIV", 550, 2},
    {"camat-maro-sebo-ilir", "Kantor Camat Maro Sebo Ilir", "kantor_camat", "Maro Sebo Ilir", 480, 2},
    {"camat-maro-sebo-ulu", "Kantor Camat Maro Sebo Ulu", "kantor_camat", "Maro Sebo Ulu", 620, 2},
    {"camat-mersam", "Kantor Camat Mersam", "kantor_camat", "Mersam", 520, 2},
    {"camat-muara-bulian", "Kantor Camat Muara Bulian", "kantor_camat", "Muara Bulian", 1100, 3},
    {"camat-muara-tembesi", "Kantor Camat Muara Tembesi", "kantor_camat", "Muara Tembesi", 760, 2},
    {"camat-pemayung", "Kantor Camat Pemayung", "kantor_camat", "Pemayung", 590, 2},
};

const char* kFirstMale[] = {"Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irwan", "Joko",
                            "M. Rizki", "Syahrial", "Taufik", "Yusuf", "Zulkifli", "Rahmat",
                            "Agus", "Bambang", "Hasan", "Ilham"};
const char* kFirstFemale[] = {"Siti", "Dewi", "Fitri", "Lestari", "Nurhayati", "Rina", "Sri",
                              "Wulandari", "Yuliana", "Aisyah", "Desi", "Nurul", "Ratna",
                              "Susanti", "Maya", "Indah"};
const char* kLast[] = {"Saputra", "Harahap", "Nasution", "Lubis", "Siregar", "Hidayat", "Pratama",
                       "Kurniawan", "Rahmawati", "Putri", "Sari", "Anwar", "Hasibuan", "Syahputra",
                       "Ramadhani", "Wijaya"};
const char* kPositions[] = {"Analis Kebijakan", "Pengadministrasi Umum", "Pranata Komputer",
                            "Arsiparis", "Penata Layanan Operasional", "Pengelola Keuangan",
                            "Verifikator Dokumen", "Perawat", "Bidan", "Guru", "Kepala Seksi",
                            "Kepala Subbagian", "Operator Layanan Operasional"};

class Loader {
 public:
  Loader(std::shared_ptr<grpc::Channel> channel, std::string tenant)
      : stub_(v1::EnrolmentService::NewStub(channel)), tenant_(std::move(tenant)) {}

  template <typename Req, typename Resp, typename Call>
  bool Do(const char* what, Call call, const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    pelita::AttachCaller(ctx, {tenant_, "admin", "demo-loader"});
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status s = (stub_.get()->*call)(&ctx, req, resp);
    if (s.ok()) {
      ++created_;
      return true;
    }
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++existing_;
      return false;
    }
    if (s.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      pelita::LogWarning("demo call failed", {{"what", what}, {"error", s.error_message()}});
      ++failed_;
    }
    return false;
  }

  void Run(int n_employees) {
    const std::string parent = absl::StrCat("tenants/", tenant_);
    int total_weight = 0;
    for (const auto& u : kUnits) {
      v1::CreateUnitRequest req;
      req.set_parent(parent);
      req.set_unit_id(u.id);
      req.mutable_unit()->set_display_name(u.name);
      req.mutable_unit()->set_kind(u.kind);
      req.mutable_unit()->set_district(u.district);
      req.mutable_unit()->set_monthly_service_volume(u.volume);
      v1::Unit out;
      Do("unit", &v1::EnrolmentService::Stub::CreateUnit, req, &out);
      total_weight += u.weight;
    }

    std::mt19937 rng(1504);
    std::vector<std::string> nips;
    std::set<std::string> seen;
    while (static_cast<int>(nips.size()) < n_employees) {
      const bool male = rng() % 2 == 0;
      const int by = 1966 + rng() % 33;  // born 1966-1998
      const absl::CivilDay birth(by, 1 + rng() % 12, 1 + rng() % 28);
      const int start_age = 22 + rng() % 12;
      const absl::CivilMonth start(std::min(by + start_age, 2024), 1 + rng() % 12);
      const std::string nip = pelita::MakeNip(
          birth, start, male ? pelita::Nip::Gender::kMale : pelita::Nip::Gender::kFemale,
          1 + rng() % 9);
      if (!seen.insert(nip).second) continue;
      int pick = rng() % total_weight;
      const UnitSpec* unit = &kUnits[0];
      for (const auto& u : kUnits) {
        if (pick < u.weight) {
          unit = &u;
          break;
        }
        pick -= u.weight;
      }
      v1::CreateEmployeeRequest req;
      req.set_parent(parent);
      auto* e = req.mutable_employee();
      e->set_nip(nip);
      e->set_full_name(absl::StrCat(
          male ? kFirstMale[rng() % std::size(kFirstMale)] : kFirstFemale[rng() % std::size(kFirstFemale)],
          " ", kLast[rng() % std::size(kLast)]));
      e->set_unit(absl::StrCat(parent, "/units/", unit->id));
      e->set_position(kPositions[rng() % std::size(kPositions)]);
      const bool pppk = rng() % 6 == 0;
      e->set_employment_type(pppk ? v1::PPPK : v1::PNS);
      static const char* kRooms = "abcd";
      e->set_grade(pppk ? "IX" : absl::StrCat(by < 1980 ? "IV" : (by < 1992 ? "III" : "II"), "/",
                                              std::string(1, kRooms[rng() % 4])));
      v1::Employee out;
      Do("employee", &v1::EnrolmentService::Stub::CreateEmployee, req, &out);
      nips.push_back(nip);
    }

    struct ProgramSpec {
      const char* id;
      const char* title;
      v1::CompetencyType type;
      int jp;
      int64_t cost;
      std::vector<const char*> objectives;
      std::vector<const char*> instructors;
    };
    const ProgramSpec programs[] = {
        {"administrasi-perkantoran-2026", "Administrasi Perkantoran Digital (SRIKANDI)", v1::TEKNIS, 24,
         2'400'000,
         {"Mengelola naskah dinas elektronik di aplikasi SRIKANDI",
          "Menata arsip aktif sesuai klasifikasi arsip"},
         {"Drs. H. Syamsul Bahri, M.Si (Widyaiswara Ahli Madya)", "Rini Apriyanti, S.Kom"}},
        {"manajemen-waktu-2026", "Manajemen Waktu dan Produktivitas Kerja", v1::MANAJERIAL, 16,
         1'600'000,
         {"Menyusun prioritas kerja harian dan mingguan", "Mengurangi waktu tunggu layanan"},
         {"Dr. Hj. Nurlela, M.Pd (Widyaiswara Ahli Utama)"}},
        {"pelayanan-publik-2026", "Pelayanan Publik Prima", v1::SOSIAL_KULTURAL, 32, 3'200'000,
         {"Menerapkan standar pelayanan dan maklumat pelayanan",
          "Menangani pengaduan masyarakat melalui SP4N-LAPOR!"},
         {"Ir. Ahmad Fauzi, M.M (Fasilitator)", "Yulia Sari, S.Sos, M.AP"}},
    };
    // Four cohorts a year: Feb, May, Aug, Nov; three to four days each.
    const int months[] = {2, 5, 8, 11};
    size_t next = 0;
    for (const auto& p : programs) {
      v1::CreateProgramRequest req;
      req.set_parent(parent);
      req.set_program_id(p.id);
      auto* prog = req.mutable_program();
      prog->set_title(p.title);
      prog->set_competency_type(p.type);
      prog->set_jp(p.jp);
      prog->set_year(2026);
      prog->set_cost_per_participant(p.cost);
      prog->set_budget(p.cost * 4 * 30);
      for (const char* o : p.objectives) prog->add_objectives(o);
      v1::Program out;
      Do("program", &v1::EnrolmentService::Stub::CreateProgram, req, &out);
      for (int m : months) {
        v1::CreateCohortRequest creq;
        const std::string pname = absl::StrCat(parent, "/programs/", p.id);
        creq.set_parent(pname);
        creq.set_cohort_id(absl::StrFormat("angkatan-%02d", m));
        auto* c = creq.mutable_cohort();
        c->set_display_name(absl::StrFormat("%s — Angkatan %d", p.title, (m + 1) / 3));
        const int day = 9 + (&p - programs) * 5;  // programmes do not overlap in a month
        c->mutable_start_date()->set_year(2026);
        c->mutable_start_date()->set_month(m);
        c->mutable_start_date()->set_day(day);
        c->mutable_end_date()->set_year(2026);
        c->mutable_end_date()->set_month(m);
        c->mutable_end_date()->set_day(day + 2);
        c->set_venue("Aula BKPSDM Kabupaten Batang Hari, Muara Bulian");
        for (const char* i : p.instructors) c->add_instructors(i);
        c->set_capacity(30);
        v1::Cohort cout_;
        if (!Do("cohort", &v1::EnrolmentService::Stub::CreateCohort, creq, &cout_)) {
          next += 32;  // loaded by an earlier run
          continue;
        }
        const std::string cname = absl::StrCat(pname, "/cohorts/", creq.cohort_id());
        // 32 applicants for 30 seats: two wait-listed.
        for (int k = 0; k < 32; ++k) {
          const std::string& nip = nips[next++ % nips.size()];
          v1::CreateEnrolmentRequest ereq;
          ereq.set_parent(cname);
          ereq.mutable_enrolment()->set_employee(absl::StrCat(parent, "/employees/", nip));
          v1::Enrolment e;
          Do("enrolment", &v1::EnrolmentService::Stub::CreateEnrolment, ereq, &e);
          if (m > 10) continue;  // the November cohort has not run yet
          const std::string ename = absl::StrCat(cname, "/enrolments/", nip);
          if (k == 3) {
            v1::WithdrawEnrolmentRequest w;
            w.set_name(ename);
            w.set_reason("tugas dinas luar daerah");
            Do("withdraw", &v1::EnrolmentService::Stub::WithdrawEnrolment, w, &e);
            continue;
          }
          for (int d = 0; d < 3; ++d) {
            if (k % 11 == 5 && d == 2) continue;  // some miss the last day
            v1::RecordAttendanceRequest a;
            a.set_name(ename);
            a.set_day(absl::StrFormat("2026-%02d-%02d", m, day + d));
            Do("attendance", &v1::EnrolmentService::Stub::RecordAttendance, a, &e);
          }
          if (k % 11 != 5) {
            v1::CompleteEnrolmentRequest done;
            done.set_name(ename);
            Do("complete", &v1::EnrolmentService::Stub::CompleteEnrolment, done, &e);
          }
        }
      }
    }
    pelita::LogInfo("enrolment demo loaded", {{"tenant", tenant_},
                                              {"created", absl::StrCat(created_)},
                                              {"already_there", absl::StrCat(existing_)},
                                              {"failed", absl::StrCat(failed_)}});
  }

  int failed() const { return failed_; }

 private:
  std::unique_ptr<v1::EnrolmentService::Stub> stub_;
  std::string tenant_;
  int created_ = 0, existing_ = 0, failed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  Loader loader(channel, absl::GetFlag(FLAGS_tenant));
  loader.Run(absl::GetFlag(FLAGS_employees));
  return loader.failed() == 0 ? 0 : 1;
}
