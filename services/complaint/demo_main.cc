// pelita-complaint-demo: loads the complaints of Kabupaten Batang Hari
// (tenant 1504, tools/demo/batanghari.h) from January 2025 up to the day
// before --as_of, as an SP4N-LAPOR! admin export (ImportComplaintsCsv; see
// protos/pelita/complaint/v1/CSV.md).  The SKM responses come through the
// survey service (pelita-survey-demo), which the complaint service follows.
//
// Volumes: each unit's complaints per 1,000 transactions times its monthly
// service volume, busier after Idul Fitri and (civil registry, education)
// in July, slowly rising as SP4N-LAPOR! becomes known; after a cohort of
// Pelayanan Publik Prima its units get about 45 % fewer complaints (a unit's
// second cohort half that), after Manajemen Waktu 15 % fewer, after
// Administrasi Perkantoran none fewer; trained units also forward and
// follow up faster.  Counts per month are the expectation rounded with a
// stable dither and spread over the days by the day's expectation, so a
// window holds what the plan expects and estimates differ by design only.
//
// Idempotent by tracking id: a second run with the same --as_of changes
// nothing (the import reports every row unchanged); a later --as_of adds
// the new complaints and moves open ones forward.  The closing line (`demo
// loaded`) counts new or advanced complaints as created and unchanged ones
// as already there.

#include <grpcpp/grpcpp.h>

#include <set>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/log/log.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "tools/demo/batanghari.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50053", "complaint service address");
ABSL_FLAG(std::string, enrolment, "127.0.0.1:50051", "enrolment service address (to check the units exist)");
ABSL_FLAG(std::string, tenant, "1504", "tenant code (the demo data are Batang Hari's: 1504)");
ABSL_FLAG(std::string, as_of, "",
          "load what happened before this day (YYYY-MM-DD, WIB); default today");

namespace cv1 = pelita::complaint::v1;
namespace ev1 = pelita::enrolment::v1;
namespace demo = pelita::demo;

namespace {

// What people complain about, by category.
const std::map<std::string, std::vector<std::string>>& Titles() {
  static const auto* m = new std::map<std::string, std::vector<std::string>>{
      {"Administrasi Kependudukan",
       {"Pencetakan KTP-el belum selesai lebih dari dua minggu", "Antrean pelayanan KK terlalu panjang",
        "Data akta kelahiran salah ketik", "Blanko KTP-el habis", "Petugas loket tidak ramah"}},
      {"Pungutan Liar", {"Diminta biaya tambahan agar dokumen cepat selesai", "Ada calo di sekitar loket"}},
      {"Pelayanan Daring", {"Aplikasi layanan daring tidak dapat diakses", "Tanda tangan elektronik dokumen gagal"}},
      {"Perizinan",
       {"Izin PBG belum terbit melewati batas waktu", "Persyaratan izin usaha tidak jelas",
        "Status permohonan di OSS tidak diperbarui"}},
      {"Pelayanan Kesehatan",
       {"Antrean poliklinik terlalu lama", "Obat kosong di instalasi farmasi", "Perawat kurang ramah kepada pasien",
        "Jadwal dokter tidak sesuai pengumuman"}},
      {"Jaminan Kesehatan", {"Pasien BPJS diminta membeli obat sendiri", "Rujukan BPJS dipersulit"}},
      {"Pendidikan",
       {"Legalisir ijazah lama selesai", "Penggunaan dana BOS tidak transparan", "Zonasi penerimaan siswa tidak jelas"}},
      {"Bantuan Sosial",
       {"Bantuan PKH tidak tepat sasaran", "Penyaluran BPNT terlambat", "Nama penerima bantuan dicoret tanpa alasan"}},
      {"Data Terpadu Kesejahteraan Sosial", {"Usulan masuk DTKS tidak ditindaklanjuti"}},
      {"Kebersihan dan Sampah",
       {"Sampah tidak diangkut lebih dari seminggu", "TPS liar di pinggir jalan", "Jadwal truk sampah tidak tetap"}},
      {"Pencemaran Lingkungan", {"Limbah pabrik kelapa sawit mencemari sungai", "Bau menyengat dari saluran limbah"}},
      {"Pajak Daerah",
       {"SPPT PBB tidak sampai ke wajib pajak", "Tagihan PBB tidak sesuai luas tanah", "Pembayaran pajak daring gagal"}},
      {"Ketenagakerjaan", {"Kartu kuning (AK/1) lama diterbitkan", "Upah pekerja di bawah UMK"}},
      {"Transmigrasi", {"Sertifikat lahan transmigrasi belum terbit"}},
      {"Perpustakaan dan Kearsipan", {"Jam buka perpustakaan tidak sesuai jadwal", "Koleksi buku anak terbatas"}},
      {"Kepegawaian", {"Usulan kenaikan pangkat belum diproses", "Data di SIASN tidak sesuai"}},
      {"Perencanaan Pembangunan", {"Usulan musrenbang desa tidak ditindaklanjuti"}},
      {"Pelayanan Kecamatan (PATEN)",
       {"Surat keterangan lama selesai", "Kantor camat tutup pada jam kerja", "Rekomendasi izin berbelit"}},
      {"Infrastruktur Jalan", {"Jalan desa rusak berat", "Jembatan gantung membahayakan warga"}},
  };
  return *m;
}

const char* kChannels[] = {"web", "mobile", "whatsapp", "sms", "twitter", "pengaduan langsung"};

std::string Wib(absl::Time t) { return absl::FormatTime("%Y-%m-%d %H:%M", t, demo::Wib()); }

// One complaint as the SP4N-LAPOR! export row, with its steps cut at the
// end of the data.
std::string Row(const demo::Plan& plan, const demo::UnitPlan& u, absl::CivilDay day, const std::string& id,
                absl::Time cutoff) {
  demo::Rng rng(id);
  const absl::Time received = demo::StartOf(day) + absl::Minutes(7 * 60 + rng.Below(12 * 60));
  const bool faster = plan.TrainedBefore(u.id, day);
  // Verification by the LAPOR! admin within a day; forwarding within 3
  // working days mostly (sooner once the unit's staff were trained), the
  // unit's follow-up within 5, completion after the reporter's reply.
  const absl::Time verified = received + absl::Minutes(30 + rng.Below(60 * 20));
  const absl::Time forwarded = verified + absl::Minutes(60 + rng.Below(60 * 24 * (faster ? 2 : 4)));
  const absl::Time followed = forwarded + absl::Minutes(60 + rng.Below(60 * 24 * (faster ? 3 : 6)));
  const absl::Time completed = followed + absl::Minutes(60 + rng.Below(60 * 24 * 10));
  const double p = rng.Uniform();
  std::string status = "selesai", v = Wib(verified), f = Wib(forwarded), fu = Wib(followed), done = Wib(completed),
              st;
  auto after_cut = [&](absl::Time t) { return t >= cutoff; };
  if (p < 0.04 && !after_cut(verified + absl::Hours(3))) {
    status = "bukan kewenangan";
    f = fu = done = "";
    st = Wib(verified + absl::Hours(3));
  } else if (p < 0.07 && !after_cut(verified + absl::Hours(5))) {
    status = "diarsipkan";
    f = fu = done = "";
    st = Wib(verified + absl::Hours(5));
  } else if (after_cut(verified)) {
    status = "diterima", v = f = fu = done = "";
  } else if (after_cut(forwarded)) {
    status = "diverifikasi", f = fu = done = "";
  } else if (after_cut(followed)) {
    status = "diteruskan", fu = done = "";
  } else if (after_cut(completed) || p > 0.95) {
    // Some wait for the reporter's reply long after the follow-up.
    status = "ditindaklanjuti", done = "";
  }
  const double c = rng.Uniform();
  const char* cls = c < 0.12 ? "aspirasi" : (c < 0.25 ? "permintaan informasi" : "pengaduan");
  // The unit's first category most often.
  const int k = static_cast<int>(u.categories.size());
  const std::string& category = u.categories[rng.Uniform() < 0.6 ? 0 : rng.Below(k)];
  const auto& titles = Titles().at(category);
  return absl::StrCat(id, ",", kChannels[rng.Below(std::size(kChannels))], ",", u.id, ",", cls, ",\"", category,
                      "\",\"", titles[rng.Below(static_cast<int>(titles.size()))], "\",", status, ",", Wib(received),
                      ",", v, ",", f, ",", fu, ",", done, ",", st, "\n");
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto as_of = demo::CheckLoaderFlags(absl::GetFlag(FLAGS_tenant), absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return 2;
  const demo::Plan& plan = demo::Batanghari();
  const pelita::Caller organiser{demo::kTenant, "organiser", "bkpsdm-demo"};
  demo::Tally tally;

  // The units must exist (the enrolment demo loads them).
  auto enrolment = ev1::EnrolmentService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_enrolment), grpc::InsecureChannelCredentials()));
  std::set<std::string> units;
  std::string token;
  do {
    ev1::ListUnitsRequest req;
    req.set_parent(absl::StrCat("tenants/", demo::kTenant));
    req.set_page_size(500);
    req.set_page_token(token);
    ev1::ListUnitsResponse resp;
    grpc::ClientContext ctx;
    pelita::AttachCaller(ctx, organiser);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status s = enrolment->ListUnits(&ctx, req, &resp);
    if (!s.ok()) {
      pelita::LogError("ListUnits failed", {{"error", s.error_message()}});
      return 1;
    }
    for (const auto& u : resp.units()) units.insert(u.name().substr(u.name().rfind('/') + 1));
    token = resp.next_page_token();
  } while (!token.empty());
  for (const demo::UnitPlan& u : plan.units) {
    if (!units.count(u.id)) {
      pelita::LogError("unit missing; run pelita-enrolment-demo first", {{"unit", u.id}});
      return 1;
    }
  }

  const absl::Time cutoff = demo::StartOf(*as_of);
  std::string csv =
      "nomor_tiket,sumber,kode_instansi,klasifikasi,kategori,judul,status,waktu_diterima,"
      "waktu_diverifikasi,waktu_diteruskan,waktu_ditindaklanjuti,waktu_selesai,waktu_status\n";
  int64_t rows = 0;
  for (const demo::UnitPlan& u : plan.units) {
    for (absl::CivilMonth m(demo::kDataStart); absl::CivilDay(m) < *as_of; ++m) {
      std::vector<double> cum;
      double total = 0;
      for (absl::CivilDay d(m); absl::CivilMonth(d) == m; ++d) {
        total += plan.ExpectedComplaints(u.id, d);
        cum.push_back(total);
      }
      const std::string key = absl::StrCat(u.id, "|", absl::FormatCivilTime(m));
      const int n = static_cast<int>(std::floor(total + demo::Uniform("count|" + key)));
      for (int j = 0; j < n; ++j) {
        // Stratified over the month's expectation: the j-th of n falls in
        // the j-th n-quantile.
        const double x = (j + demo::Uniform(absl::StrCat("day|", key, "|", j))) / n * total;
        const int index = static_cast<int>(std::lower_bound(cum.begin(), cum.end(), x) - cum.begin());
        const absl::CivilDay day = absl::CivilDay(m) + std::min(index, static_cast<int>(cum.size()) - 1);
        if (day >= *as_of) continue;
        const std::string id = absl::StrFormat("LPR-%02d%02d-%s-%03d", m.year() % 100, m.month(), u.id, j + 1);
        absl::StrAppend(&csv, Row(plan, u, day, id, cutoff));
        ++rows;
      }
    }
  }

  auto complaint = cv1::ComplaintService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  pelita::AttachCaller(ctx, organiser);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  pelita::type::v1::ImportResult report;
  auto writer = complaint->ImportComplaintsCsv(&ctx, &report);
  for (size_t i = 0; i < csv.size(); i += 64 * 1024) {
    cv1::ImportComplaintsCsvRequest r;
    if (i == 0) r.set_parent(absl::StrCat("tenants/", demo::kTenant));
    r.set_csv_chunk(csv.substr(i, 64 * 1024));
    if (!writer->Write(r)) break;
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) {
    pelita::LogError("ImportComplaintsCsv failed", {{"error", s.error_message()}});
    return 1;
  }
  for (const auto& e : report.rejected()) {
    pelita::LogWarning("complaint row rejected", {{"row", absl::StrCat(e.row())},
                                                  {"column", e.field()},
                                                  {"id", e.id()},
                                                  {"error", e.reason()}});
  }
  if (report.state() != pelita::type::v1::COMPLETE) {
    pelita::LogError("ImportComplaintsCsv stopped", {{"error", report.stop().message()}});
  }
  // Replaced rows are complaints that moved forward since the last run
  // (a later --as_of).
  tally.created = report.accepted_count() + report.replaced_count();
  tally.already_there = report.unchanged_count();
  tally.failed = report.rejected_count() + (report.state() == pelita::type::v1::COMPLETE ? 0 : 1) +
                 (report.records_read() == rows ? 0 : 1);
  tally.Report("complaint", {{"as_of", absl::FormatCivilTime(*as_of)}, {"complaints", absl::StrCat(rows)}});
  return tally.failed == 0 ? 0 : 1;
}
