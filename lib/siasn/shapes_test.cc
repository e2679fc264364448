#include "lib/siasn/shapes.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pelita::siasn {
namespace {

TEST(SiasnDate, BothWays) {
  EXPECT_EQ(FormatDate(absl::CivilDay(2024, 3, 7)), "07-03-2024");
  EXPECT_EQ(FormatDate(absl::CivilDay(1999, 12, 31)), "31-12-1999");
  auto d = ParseDate("07-03-2024");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, absl::CivilDay(2024, 3, 7));
  EXPECT_EQ(*ParseDate(FormatDate(absl::CivilDay(2000, 2, 29))), absl::CivilDay(2000, 2, 29));
}

TEST(SiasnDate, RejectsWhatIsNotADate) {
  for (const char* bad : {"", "7-3-2024", "2024-03-07", "31-02-2024", "29-02-2023", "00-01-2024",
                          "01-13-2024", "01/03/2024", "aa-bb-cccc", "07-03-2024 ", "07-03-20245"}) {
    EXPECT_FALSE(ParseDate(bad).ok()) << bad;
  }
}

TEST(SiasnDataUtama, ReadsTheFields) {
  auto u = ParseDataUtamaResponse(R"({"code":1,"data":{
    "id":"A8ACA7397AEB3912E040640A040269BB","nipBaru":"199001012015031001","nama":"SITI AMINAH",
    "gelarDepan":"Dr.","gelarBelakang":"S.Kom","unorId":"8ae483a8-unor","unorNama":"Bidang Mutasi",
    "unorIndukNama":"BKPSDM","jabatanNama":"Analis SDM Aparatur","jenisJabatan":"2",
    "golRuangAkhir":"III/c","pangkatAkhir":"Penata","tmtGolAkhir":"01-04-2022","extra":[1,2]}})");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->id, "A8ACA7397AEB3912E040640A040269BB");
  EXPECT_EQ(u->nip_baru, "199001012015031001");
  EXPECT_EQ(u->nama, "SITI AMINAH");
  EXPECT_EQ(u->gelar_depan, "Dr.");
  EXPECT_EQ(u->gelar_belakang, "S.Kom");
  EXPECT_EQ(u->unor_id, "8ae483a8-unor");
  EXPECT_EQ(u->unor_nama, "Bidang Mutasi");
  EXPECT_EQ(u->unor_induk_nama, "BKPSDM");
  EXPECT_EQ(u->jabatan_nama, "Analis SDM Aparatur");
  EXPECT_EQ(u->jenis_jabatan, "2");
  EXPECT_EQ(u->gol_ruang_akhir, "III/c");
  EXPECT_EQ(u->pangkat_akhir, "Penata");
  EXPECT_EQ(u->tmt_gol_akhir, absl::CivilDay(2022, 4, 1));
}

TEST(SiasnDataUtama, NullAndEmptyAreAbsent) {
  auto u = ParseDataUtamaResponse(R"({"code":1,"data":{"id":"x","gelarDepan":null,"tmtGolAkhir":""}})");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->gelar_depan, "");
  EXPECT_FALSE(u->tmt_gol_akhir.has_value());
}

TEST(SiasnDataUtama, NotFound) {
  auto u = ParseDataUtamaResponse(R"({"code":0,"data":"Data tidak ditemukan"})");
  EXPECT_EQ(u.status().code(), absl::StatusCode::kNotFound) << u.status();
}

void ExpectFieldError(const absl::Status& s, const std::string& field, const std::string& raw) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(FieldOf(s), field) << s;
  EXPECT_EQ(RawValueOf(s), raw) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), field)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), raw)) << s;
}

TEST(SiasnDataUtama, EveryParseFailureNamesTheFieldAndKeepsTheRawValue) {
  ExpectFieldError(ParseDataUtamaResponse(R"({"code":1,"data":{"id":"x","tmtGolAkhir":"31-02-2022"}})").status(),
                   "data-utama.tmtGolAkhir", "\"31-02-2022\"");
  ExpectFieldError(ParseDataUtamaResponse(R"({"code":1,"data":{"id":"x","tmtGolAkhir":20220401}})").status(),
                   "data-utama.tmtGolAkhir", "20220401");
  ExpectFieldError(ParseDataUtamaResponse(R"({"code":1,"data":{"id":"x","nipBaru":199001012015031001}})").status(),
                   "data-utama.nipBaru", "199001012015031001");
  ExpectFieldError(ParseDataUtamaResponse(R"({"code":1,"data":{"id":"x","nama":{"a":1}}})").status(),
                   "data-utama.nama", R"({"a":1})");
  ExpectFieldError(ParseDataUtamaResponse(R"({"code":1,"data":{"nama":"no id"}})").status(),
                   "data-utama.id", R"({"nama":"no id"})");
  ExpectFieldError(ParseDataUtamaResponse(R"({"code":1,"data":[1]})").status(), "data-utama.data", "[1]");
  ExpectFieldError(ParseDataUtamaResponse(R"({"code":1,"data":{"id":)").status(), "data-utama",
                   R"({"code":1,"data":{"id":)");
  ExpectFieldError(ParseDataUtamaResponse("[]").status(), "data-utama", "[]");
}

TEST(SiasnKursus, ReadsAListWithNumbersAsStrings) {
  auto l = ParseKursusListResponse(R"({"code":1,"data":[
    {"id":"rk-1","namaKursus":"Pelatihan Dasar CPNS","jumlahJam":"40","tanggalKursus":"01-02-2024",
     "tanggalSelesaiKursus":"10-02-2024","tahunKursus":2024,"noSertipikat":"PLT-001",
     "institusiPenyelenggara":"BPSDM Jambi","jenisDiklatId":"3"},
    {"id":"rk-2","namaKursus":"E-learning","jumlahJam":2.0,"tanggalKursus":null}]})",
                                   "rw-kursus");
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].jumlah_jam, 40);
  EXPECT_EQ((*l)[0].tanggal_kursus, absl::CivilDay(2024, 2, 1));
  EXPECT_EQ((*l)[0].tanggal_selesai_kursus, absl::CivilDay(2024, 2, 10));
  EXPECT_EQ((*l)[0].tahun_kursus, 2024);
  EXPECT_EQ((*l)[0].no_sertipikat, "PLT-001");
  EXPECT_EQ((*l)[0].institusi_penyelenggara, "BPSDM Jambi");
  EXPECT_EQ((*l)[0].jenis_diklat_id, "3");
  EXPECT_EQ((*l)[1].jumlah_jam, 2);
  EXPECT_FALSE((*l)[1].tanggal_kursus.has_value());
  EXPECT_FALSE((*l)[1].tahun_kursus.has_value());
}

TEST(SiasnKursus, NullDataIsEmpty) {
  auto l = ParseKursusListResponse(R"({"code":1,"data":null})", "rw-diklat");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_TRUE(l->empty());
}

TEST(SiasnKursus, ABadRecordFailsTheListAndNamesItsIndex) {
  const std::string ok = R"({"id":"a","jumlahJam":1})";
  ExpectFieldError(ParseKursusListResponse(absl::StrCat(R"({"code":1,"data":[)", ok, R"(,{"jumlahJam":"dua"}]})"),
                                           "rw-kursus").status(),
                   "rw-kursus[1].jumlahJam", "\"dua\"");
  ExpectFieldError(ParseKursusListResponse(R"({"code":1,"data":[{"jumlahJam":1.5}]})", "rw-diklat").status(),
                   "rw-diklat[0].jumlahJam", "1.5");
  ExpectFieldError(ParseKursusListResponse(R"({"code":1,"data":[{"jumlahJam":99999999999}]})", "rw-kursus").status(),
                   "rw-kursus[0].jumlahJam", "99999999999");
  ExpectFieldError(ParseKursusListResponse(R"({"code":1,"data":[{"tanggalKursus":"2024-02-01"}]})", "rw-kursus").status(),
                   "rw-kursus[0].tanggalKursus", "\"2024-02-01\"");
  ExpectFieldError(ParseKursusListResponse(R"({"code":1,"data":[{"noSertipikat":true}]})", "rw-kursus").status(),
                   "rw-kursus[0].noSertipikat", "true");
  ExpectFieldError(ParseKursusListResponse(R"({"code":1,"data":["x"]})", "rw-kursus").status(),
                   "rw-kursus[0]", "\"x\"");
  ExpectFieldError(ParseKursusListResponse(R"({"code":1,"data":{"a":1}})", "rw-kursus").status(),
                   "rw-kursus.data", R"({"a":1})");
}

TEST(SiasnSkp22, ReadsTheFields) {
  auto l = ParseSkp22ListResponse(R"({"code":1,"data":[{"id":"s1","tahun":"2023",
    "hasilKinerja":"SESUAI EKSPEKTASI","perilakuKerja":"DIATAS EKSPEKTASI","kuadranKinerja":"BAIK",
    "nipNrpPenilai":"198001012005011002","namaPenilai":"BUDI"}]})");
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].tahun, 2023);
  EXPECT_EQ((*l)[0].hasil_kinerja, "SESUAI EKSPEKTASI");
  EXPECT_EQ((*l)[0].perilaku_kerja, "DIATAS EKSPEKTASI");
  EXPECT_EQ((*l)[0].kuadran_kinerja, "BAIK");
  EXPECT_EQ((*l)[0].nip_nrp_penilai, "198001012005011002");
  ExpectFieldError(ParseSkp22ListResponse(R"({"code":1,"data":[{"tahun":[2023]}]})").status(),
                   "rw-skp22[0].tahun", "[2023]");
}

TEST(SiasnSave, RequestJsonSpellsNomorSertipikatAndDates) {
  KursusSave k;
  k.pns_orang_id = "orang-1";
  k.instansi_id = "A5EB03E23CFBF6A0E040640A040252AD";
  k.nama_kursus = "Pelatihan Pelayanan Publik";
  k.jumlah_jam = 20;
  k.tanggal_kursus = absl::CivilDay(2025, 12, 30);
  k.tanggal_selesai_kursus = absl::CivilDay(2026, 1, 2);
  k.institusi_penyelenggara = "BKPSDM Batanghari";
  k.jenis_diklat_id = "3";
  k.nomor_sertipikat = "PELITA-1504-0001";
  const std::string j = KursusSaveToJson(k);
  EXPECT_TRUE(absl::StrContains(j, R"("nomorSertipikat":"PELITA-1504-0001")")) << j;
  EXPECT_FALSE(absl::StrContains(j, "noSertipikat")) << j;
  EXPECT_TRUE(absl::StrContains(j, R"("tanggalKursus":"30-12-2025")")) << j;
  EXPECT_TRUE(absl::StrContains(j, R"("tanggalSelesaiKursus":"02-01-2026")")) << j;
  EXPECT_TRUE(absl::StrContains(j, R"("tahunKursus":2026)")) << j;
  EXPECT_TRUE(absl::StrContains(j, R"("jumlahJam":20)")) << j;
  EXPECT_TRUE(absl::StrContains(j, R"("pnsOrangId":"orang-1")")) << j;
  EXPECT_FALSE(absl::StrContains(j, R"("id")")) << j;
}

TEST(SiasnSave, ResponseId) {
  EXPECT_EQ(*ParseSaveResponse(R"({"code":1,"data":{"id":"rk-9"}})"), "rk-9");
  EXPECT_EQ(*ParseSaveResponse(R"({"code":1,"data":{"rwKursusId":"rk-8"}})"), "rk-8");
  EXPECT_EQ(*ParseSaveResponse(R"({"code":1,"data":"rk-7"})"), "rk-7");
  ExpectFieldError(ParseSaveResponse(R"({"code":1,"data":{"id":7}})").status(), "kursus/save.id", "7");
  EXPECT_EQ(ParseSaveResponse(R"({"code":1,"data":{}})").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSaveResponse(R"({"code":0,"message":"pnsOrangId tidak valid"})").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(ParseSaveResponse(R"({"code":0,"message":"pnsOrangId tidak valid"})").status().message(),
                                "pnsOrangId tidak valid"));
}

// Random garbage and random mutations of valid answers through every
// parser: each must return (ok or an error), never crash or throw.  A
// libFuzzer target can reuse the same calls (see README.md).
TEST(SiasnParsers, SurviveGarbage) {
  const std::string seeds[] = {
      R"({"code":1,"data":{"id":"x","nipBaru":"1","tmtGolAkhir":"01-04-2022","jumlahJam":"3"}})",
      R"({"code":1,"data":[{"id":"a","jumlahJam":1,"tanggalKursus":"01-02-2024","tahun":2023}]})",
      R"({"code":0,"data":"Data tidak ditemukan"})", R"({"code":1,"data":{"id":"rk"}})"};
  const char alphabet[] = "{}[]\":,01-9.eE+naulltrfs\\u\xff\xc3 ";
  std::mt19937 rng(20260119);
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[i % 4];
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const size_t pos = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[pos] = alphabet[rng() % (sizeof(alphabet) - 1)]; break;
        case 1: s.erase(pos, 1 + rng() % 4); break;
        default: s.insert(pos, 1, alphabet[rng() % (sizeof(alphabet) - 1)]);
      }
    }
    if (i % 10 == 0) {
      s.clear();
      for (int n = rng() % 64; n > 0; --n) s.push_back(static_cast<char>(rng()));
    }
    (void)ParseDataUtamaResponse(s);
    (void)ParseKursusListResponse(s, "rw-kursus");
    (void)ParseSkp22ListResponse(s);
    (void)ParseSaveResponse(s);
    (void)ErrorMessageOf(s);
    (void)ParseDate(s.substr(0, 10));
  }
  // Deep nesting is a stack hazard for recursive parsers.
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseDataUtamaResponse(deep).ok());
}

}  // namespace
}  // namespace pelita::siasn
