// pelita-complaint-demo: loads a year of realistic complaints and SKM
// responses for the units of a tenant (Kabupaten Batanghari, 1504), through
// the complaint service's public gRPC API.  The units and their monthly
// service volume come from the enrolment service (ListUnits), so run the
// enrolment demo first.  Deterministic (fixed seed) and idempotent: running
// it again changes nothing (tracking ids and response names are stable).
//
// Shape: about 2.5 complaints per 1,000 transactions, more in the weeks after
// Idul Fitri; units whose index is even (standing in for units whose staff
// were trained mid-year) get 40 % fewer complaints and better SKM scores
// from 1 July on, so CompareComplaintRates and GetSatisfaction show an effect.

#include <cstdio>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "lib/log/log.h"
#include "lib/time/time.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "services/complaint/calendar.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50053", "Complaint service address");
ABSL_FLAG(std::string, enrolment, "127.0.0.1:50051", "Enrolment service address");
ABSL_FLAG(std::string, tenant, "1504", "Tenant");
ABSL_FLAG(int, year, 2026, "Year of the data");

namespace {

namespace cv1 = pelita::complaint::v1;
namespace ev1 = pelita::enrolment::v1;

const char* kCategories[] = {"Administrasi Kependudukan", "Perizinan", "Pelayanan Kesehatan",
                             "Pendidikan", "Infrastruktur Jalan", "Bantuan Sosial",
                             "Kebersihan dan Sampah", "Pungutan Liar"};
const char* kChannels[] = {"web", "sms", "mobile", "twitter", "whatsapp"};
const char* kTitles[] = {"Antrian pelayanan terlalu lama", "Petugas tidak ramah",
                         "Persyaratan tidak jelas", "Biaya tidak sesuai ketentuan",
                         "Dokumen belum terbit", "Fasilitas ruang tunggu kurang",
                         "Informasi jadwal layanan", "Usulan layanan keliling"};

std::string Wib(absl::Time t) { return absl::FormatTime("%Y-%m-%d %H:%M", t, *pelita::LoadIndonesianTimeZone(pelita::kWib)); }

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string tenant = absl::GetFlag(FLAGS_tenant);
  const int year = absl::GetFlag(FLAGS_year);
  auto enrolment = ev1::EnrolmentService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_enrolment), grpc::InsecureChannelCredentials()));
  auto complaint = cv1::ComplaintService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));

  std::vector<ev1::Unit> units;
  std::string token;
  do {
    ev1::ListUnitsRequest req;
    req.set_parent("tenants/" + tenant);
    req.set_page_size(500);
    req.set_page_token(token);
    ev1::ListUnitsResponse resp;
    grpc::ClientContext ctx;
    pelita::AttachCaller(ctx, {tenant, "admin", "demo-loader"});
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status s = enrolment->ListUnits(&ctx, req, &resp);
    if (!s.ok()) {
      std::fprintf(stderr, "ListUnits: %s\n", s.error_message().c_str());
      return 1;
    }
    for (const auto& u : resp.units()) units.push_back(u);
    token = resp.next_page_token();
  } while (!token.empty());
  if (units.empty()) {
    std::fprintf(stderr, "no units in tenants/%s; run the enrolment demo first\n", tenant.c_str());
    return 1;
  }

  std::mt19937_64 rng(20260101);
  const auto tz = *pelita::LoadIndonesianTimeZone(pelita::kWib);
  std::string csv =
      "nomor_tiket,sumber,kode_instansi,klasifikasi,kategori,judul,status,waktu_diterima,"
      "waktu_diverifikasi,waktu_diteruskan,waktu_ditindaklanjuti,waktu_selesai,waktu_status\n";
  int64_t complaints = 0;
  const absl::Time now = absl::Now();
  for (size_t ui = 0; ui < units.size(); ++ui) {
    const ev1::Unit& unit = units[ui];
    const std::string unit_id = unit.name().substr(unit.name().rfind('/') + 1);
    const bool trained = ui % 2 == 0;
    for (int month = 1; month <= 12; ++month) {
      const double volume = std::max<int64_t>(unit.monthly_service_volume(), 100);
      double rate = 2.5 / 1000;
      if (month == 4) rate *= 1.4;  // after Idul Fitri (20-21 March 2026)
      if (trained && month >= 7) rate *= 0.6;
      std::poisson_distribution<int> count(volume * rate);
      const int n = count(rng);
      const absl::CivilMonth m(year, month);
      const int days = static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
      for (int i = 0; i < n; ++i) {
        const absl::Time received =
            absl::FromCivil(absl::CivilDay(m) + static_cast<int>(rng() % days), tz) +
            absl::Minutes(7 * 60 + rng() % (10 * 60));
        if (received > now) continue;
        const std::string id = absl::StrFormat("LPR-%s-%02d%02d-%04d", unit_id.substr(0, 40), month,
                                               year % 100, i);
        std::uniform_real_distribution<double> u01(0, 1);
        const double p = u01(rng);
        // Times of the steps: forwarding usually within 3 working days.
        const absl::Time verified = received + absl::Minutes(30 + rng() % (60 * 20));
        const absl::Time forwarded = verified + absl::Minutes(60 + rng() % (60 * 24 * (trained && month >= 7 ? 3 : 5)));
        const absl::Time followed = forwarded + absl::Minutes(60 + rng() % (60 * 24 * 6));
        const absl::Time completed = followed + absl::Minutes(60 + rng() % (60 * 24 * 12));
        std::string status = "selesai", v = Wib(verified), f = Wib(forwarded), fu = Wib(followed),
                    done = Wib(completed), st;
        auto cut = [&](absl::Time t) { return t > now; };
        if (p < 0.04) {
          status = "bukan kewenangan";
          f = fu = done = "";
          st = Wib(verified + absl::Hours(3));
        } else if (p < 0.07) {
          status = "diarsipkan";
          f = fu = done = "";
          st = Wib(verified + absl::Hours(5));
        } else if (cut(verified)) {
          status = "diterima", v = f = fu = done = "";
        } else if (cut(forwarded)) {
          status = "diverifikasi", f = fu = done = "";
        } else if (cut(followed)) {
          status = "diteruskan", fu = done = "";
        } else if (cut(completed) || p > 0.93) {
          status = "ditindaklanjuti", done = "";
        }
        if (!st.empty() && cut(verified + absl::Hours(5))) continue;
        const char* cls = p < 0.15 ? "aspirasi" : (p < 0.3 ? "permintaan informasi" : "pengaduan");
        absl::StrAppend(&csv, id, ",", kChannels[rng() % 5], ",", unit_id, ",", cls, ",",
                        kCategories[(ui + rng() % 3) % 8], ",\"", kTitles[rng() % 8], "\",", status,
                        ",", Wib(received), ",", v, ",", f, ",", fu, ",", done, ",", st, "\n");
        ++complaints;
      }
    }
  }

  grpc::ClientContext ctx;
  pelita::AttachCaller(ctx, {tenant, "admin", "demo-loader"});
  pelita::type::v1::ImportResult report;
  auto writer = complaint->ImportComplaintsCsv(&ctx, &report);
  for (size_t i = 0; i < csv.size(); i += 64 * 1024) {
    cv1::ImportComplaintsCsvRequest r;
    if (i == 0) r.set_parent("tenants/" + tenant);
    r.set_csv_chunk(csv.substr(i, 64 * 1024));
    if (!writer->Write(r)) break;
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) {
    std::fprintf(stderr, "ImportComplaintsCsv: %s\n", s.error_message().c_str());
    return 1;
  }
  for (const auto& e : report.rejected()) {
    std::fprintf(stderr, "row %lld (%s): %s\n", static_cast<long long>(e.row()), e.id().c_str(),
                 e.reason().c_str());
  }
  if (report.state() != pelita::type::v1::COMPLETE) {
    std::fprintf(stderr, "ImportComplaintsCsv stopped: %s\n", report.stop().message().c_str());
    return 1;
  }

  // SKM: 20-40 respondents per unit and month.
  int64_t skm = 0, skm_new = 0;
  for (size_t ui = 0; ui < units.size(); ++ui) {
    const bool trained = ui % 2 == 0;
    for (int month = 1; month <= 12; ++month) {
      const absl::CivilMonth m(year, month);
      const int n = 20 + static_cast<int>(rng() % 21);
      for (int i = 0; i < n; ++i) {
        const absl::Time t = absl::FromCivil(absl::CivilDay(m) + static_cast<int>(rng() % 28), tz) +
                             absl::Hours(9 + rng() % 6);
        if (t > now) continue;
        cv1::RecordSatisfactionResponseRequest req;
        req.set_parent("tenants/" + tenant);
        auto* r = req.mutable_response();
        r->set_name(absl::StrFormat("tenants/%s/responses/demo-skm-%s-%02d-%03d", tenant,
                                    units[ui].name().substr(units[ui].name().rfind('/') + 1), month, i));
        r->set_unit(units[ui].name());
        r->mutable_time()->set_seconds(absl::ToUnixSeconds(t));
        // Mostly 3s, some 2s and 4s; trained units lean to 4 after July.
        const double good = trained && month >= 7 ? 0.45 : 0.2;
        for (int e = 0; e < 9; ++e) {
          std::uniform_real_distribution<double> u01(0, 1);
          const double x = u01(rng);
          int score = x < 0.03 ? 1 : (x < 0.2 ? 2 : (x < 1 - good ? 3 : 4));
          if (e == 3 && u01(rng) < 0.1) score = 0;  // U4 biaya: not answered sometimes
          r->add_scores(score);
        }
        cv1::RecordSatisfactionResponseResponse out;
        grpc::ClientContext c;
        pelita::AttachCaller(c, {tenant, "admin", "demo-loader"});
        c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        grpc::Status st = complaint->RecordSatisfactionResponse(&c, req, &out);
        if (!st.ok()) {
          std::fprintf(stderr, "RecordSatisfactionResponse: %s\n", st.error_message().c_str());
          return 1;
        }
        ++skm;
        skm_new += out.recorded();
      }
    }
  }
  std::printf("complaint demo: %zu units; %lld complaints (%lld accepted, %lld unchanged, %lld rejected); "
              "%lld SKM responses (%lld new)\n",
              units.size(), static_cast<long long>(complaints),
              static_cast<long long>(report.accepted_count() + report.replaced_count()),
              static_cast<long long>(report.unchanged_count()), static_cast<long long>(report.rejected_count()),
              static_cast<long long>(skm), static_cast<long long>(skm_new));
  return report.rejected_count() == 0 ? 0 : 1;
}
