#ifndef PELITA_LIB_SIASN_SHAPES_H_
#define PELITA_LIB_SIASN_SHAPES_H_

// The shapes of BKN's SIASN web service, in one place: the records the
// client reads (data-utama, rw-kursus, rw-diklat, rw-skp22), the kursus/save
// request it writes, and the parsers and printers between them and SIASN's
// JSON.  lib/siasn/README.md has a table per endpoint.
//
// Every parser takes the whole response body as text and never throws or
// crashes: malformed JSON, a field of the wrong type or a date that is not a
// dd-mm-yyyy date is an INVALID_ARGUMENT status whose message names the
// field and quotes the raw value, and which carries both as payloads
// (FieldOf, RawValueOf) so a sync can record the failure exactly.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace pelita::siasn {

// GET /pns/data-utama/{nipBaru}: the employee's main record.
struct DataUtama {
  std::string id;  // The PNS orang id (a UUID): kursus/save's pnsOrangId.
  std::string nip_baru;
  std::string nama;
  std::string gelar_depan;
  std::string gelar_belakang;
  std::string unor_id;  // The unit (unit organisasi) id the roster maps.
  std::string unor_nama;
  std::string unor_induk_nama;
  std::string jabatan_nama;
  std::string jenis_jabatan;    // SIASN's code, as delivered ("1", "2", "4"...).
  std::string gol_ruang_akhir;  // "III/a".
  std::string pangkat_akhir;    // "Penata Muda".
  std::optional<absl::CivilDay> tmt_gol_akhir;  // Absent when SIASN sends null or "".
};

// One record of GET /pns/rw-kursus/{nipBaru} or /pns/rw-diklat/{nipBaru}.
// Both lists carry the same fields as public clients use them.
struct KursusRecord {
  std::string id;  // The riwayat id: upload-dok-rw's id_riwayat.
  std::string nama_kursus;
  int jumlah_jam = 0;  // Hours (JP); SIASN sends a number or a numeric string.
  std::optional<absl::CivilDay> tanggal_kursus;
  std::optional<absl::CivilDay> tanggal_selesai_kursus;
  std::optional<int> tahun_kursus;
  std::string no_sertipikat;  // "noSertipikat" on read, "nomorSertipikat" on save.
  std::string institusi_penyelenggara;
  std::string jenis_diklat_id;  // SPEC.md section 7: "1" struktural ... "16" e-learning.
  std::string jenis_kursus_sertipikat;
};

// One record of GET /pns/rw-skp22/{nipBaru} (SKP under PermenPANRB 6/2022).
// The predicate (kuadranKinerja) is kept as SIASN delivers it, never
// recomputed (SPEC.md section 7).
struct Skp22Record {
  std::string id;
  int tahun = 0;
  std::string hasil_kinerja;
  std::string perilaku_kerja;
  std::string kuadran_kinerja;
  std::string nip_nrp_penilai;
  std::string nama_penilai;
};

// The body of POST /kursus/save.
struct KursusSave {
  std::string id;  // Empty for a new record; a riwayat id to update one.
  std::string pns_orang_id;  // DataUtama::id, not the NIP.
  std::string instansi_id;
  std::string nama_kursus;
  int jumlah_jam = 0;
  absl::CivilDay tanggal_kursus;
  absl::CivilDay tanggal_selesai_kursus;
  int tahun_kursus = 0;  // The year of tanggal_selesai_kursus when 0.
  std::string institusi_penyelenggara;
  std::string jenis_diklat_id;
  std::string jenis_kursus_sertipikat;
  std::string nomor_sertipikat;
};

// dd-mm-yyyy, SIASN's date format both ways.  ParseDate accepts exactly two
// digits, a dash, two digits, a dash and four digits naming a real calendar
// day (31-02-2024 is rejected, not normalised to March).
std::string FormatDate(absl::CivilDay day);
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text);

// The envelope {"code":1,"data":...}.  A body whose code is not 1 is
// NOT_FOUND when its data is "Data tidak ditemukan" and FAILED_PRECONDITION
// with SIASN's message otherwise.  These take a full response body.
absl::StatusOr<DataUtama> ParseDataUtamaResponse(absl::string_view body);
// `endpoint` names the list in error messages ("rw-kursus", "rw-diklat").
// A null or missing data is an empty list.
absl::StatusOr<std::vector<KursusRecord>> ParseKursusListResponse(absl::string_view body,
                                                                  absl::string_view endpoint);
absl::StatusOr<std::vector<Skp22Record>> ParseSkp22ListResponse(absl::string_view body);
// The new record's id from kursus/save's answer: data as a string, or an
// object with "id" (or "rwKursusId", as some SIASN versions name it).
absl::StatusOr<std::string> ParseSaveResponse(absl::string_view body);
// SIASN's own message in an error body ("message", or "data" when it is a
// string, or "error_description" from a token endpoint); "" when none.
std::string ErrorMessageOf(absl::string_view body);

// The JSON body of kursus/save.
std::string KursusSaveToJson(const KursusSave& request);

// The field (for example "rw-kursus[2].tanggalKursus") and the raw JSON
// value of a parse failure; "" for any other status.
std::string FieldOf(const absl::Status& status);
std::string RawValueOf(const absl::Status& status);

}  // namespace pelita::siasn

#endif  // PELITA_LIB_SIASN_SHAPES_H_
