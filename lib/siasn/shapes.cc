#include "lib/siasn/shapes.h"

#include <cstdint>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pelita::siasn {
namespace {

using nlohmann::json;

constexpr char kFieldPayload[] = "type.pelita/siasn.field";
constexpr char kRawPayload[] = "type.pelita/siasn.raw";
constexpr char kNotFound[] = "Data tidak ditemukan";
// Raw values are quoted up to this many bytes in messages and payloads, so
// that a huge wrong value does not become a huge log line.
constexpr size_t kMaxRaw = 200;

// JSON text of a value that never throws: invalid UTF-8 is replaced.
std::string Dump(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > kMaxRaw) {
    s.resize(kMaxRaw);
    s += "...";
  }
  return s;
}

absl::Status FieldError(absl::string_view field, absl::string_view what, std::string raw) {
  if (raw.size() > kMaxRaw) {
    raw.resize(kMaxRaw);
    raw += "...";
  }
  absl::Status s = absl::InvalidArgumentError(
      absl::StrCat("siasn ", field, ": ", what, ": ", raw));
  s.SetPayload(kFieldPayload, absl::Cord(field));
  s.SetPayload(kRawPayload, absl::Cord(raw));
  return s;
}

// Reads one object's fields into a struct, remembering the first failure
// with the full path of the field ("rw-kursus[2].tanggalKursus").
class Reader {
 public:
  Reader(const json& object, std::string path) : o_(object), path_(std::move(path)) {}

  // Missing or null is "", a string is taken as is; anything else is an error.
  void Str(const char* key, std::string* out) {
    const json* v = Find(key);
    if (v == nullptr) return;
    if (v->is_string()) {
      *out = v->get_ref<const std::string&>();
    } else {
      Fail(key, "not a string", Dump(*v));
    }
  }

  // An integer, an integral floating value or a string of decimal digits
  // (SIASN sends jumlahJam both ways).  Missing, null or "" leaves `out`.
  void Int(const char* key, int* out) {
    std::optional<int> v;
    OptInt(key, &v);
    if (v.has_value()) *out = *v;
  }
  void OptInt(const char* key, std::optional<int>* out) {
    const json* v = Find(key);
    if (v == nullptr) return;
    int64_t n = 0;
    if (v->is_number_integer()) {
      // is_number_integer covers unsigned too; read as unsigned when it is
      // one so that 2^64-1 is not read as -1.
      if (v->is_number_unsigned()) {
        const uint64_t u = v->get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
          return Fail(key, "integer out of range", Dump(*v));
        }
        n = static_cast<int64_t>(u);
      } else {
        n = v->get<int64_t>();
      }
    } else if (v->is_number_float()) {
      const double d = v->get<double>();
      if (!(d >= std::numeric_limits<int>::min() && d <= std::numeric_limits<int>::max()) ||
          d != static_cast<double>(static_cast<int64_t>(d))) {
        return Fail(key, "not an integer", Dump(*v));
      }
      n = static_cast<int64_t>(d);
    } else if (v->is_string()) {
      const std::string& s = v->get_ref<const std::string&>();
      const absl::string_view t = absl::StripAsciiWhitespace(s);
      if (t.empty()) return;
      if (!absl::SimpleAtoi(t, &n) || t.find_first_not_of("+-0123456789") != absl::string_view::npos) {
        return Fail(key, "not an integer", Dump(*v));
      }
    } else {
      return Fail(key, "not an integer", Dump(*v));
    }
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
      return Fail(key, "integer out of range", Dump(*v));
    }
    *out = static_cast<int>(n);
  }

  // A dd-mm-yyyy string; missing, null or "" is no date.
  void Date(const char* key, std::optional<absl::CivilDay>* out) {
    const json* v = Find(key);
    if (v == nullptr) return;
    if (!v->is_string()) return Fail(key, "not a dd-mm-yyyy date", Dump(*v));
    const std::string& s = v->get_ref<const std::string&>();
    if (absl::StripAsciiWhitespace(s).empty()) return;
    absl::StatusOr<absl::CivilDay> d = ParseDate(s);
    if (!d.ok()) return Fail(key, "not a dd-mm-yyyy date", Dump(*v));
    *out = *d;
  }

  absl::Status status() const { return status_; }

 private:
  const json* Find(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  void Fail(const char* key, absl::string_view what, std::string raw) {
    if (status_.ok()) status_ = FieldError(absl::StrCat(path_, ".", key), what, std::move(raw));
  }

  const json& o_;
  std::string path_;
  absl::Status status_;
};

// Parses the body and unwraps {"code":1,"data":...}; `endpoint` names it in
// messages.
absl::StatusOr<json> Envelope(absl::string_view body, absl::string_view endpoint) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return FieldError(endpoint, "malformed JSON", std::string(body.substr(0, kMaxRaw)));
  }
  if (!doc.is_object()) return FieldError(endpoint, "not a JSON object", Dump(doc));
  auto code = doc.find("code");
  auto data = doc.find("data");
  const bool ok = code != doc.end() &&
                  ((code->is_number_integer() && code->get<int64_t>() == 1) ||
                   (code->is_string() && code->get_ref<const std::string&>() == "1"));
  if (!ok) {
    if (code == doc.end()) return FieldError(absl::StrCat(endpoint, ".code"), "missing", Dump(doc));
    const std::string message = ErrorMessageOf(body);
    if (message == kNotFound) return absl::NotFoundError(absl::StrCat("siasn ", endpoint, ": ", message));
    return absl::FailedPreconditionError(
        absl::StrCat("siasn ", endpoint, ": code ", Dump(*code), ": ", message));
  }
  if (data == doc.end()) return json();
  return std::move(*data);
}

KursusRecord ReadKursus(Reader& r) {
  KursusRecord k;
  r.Str("id", &k.id);
  r.Str("namaKursus", &k.nama_kursus);
  r.Int("jumlahJam", &k.jumlah_jam);
  r.Date("tanggalKursus", &k.tanggal_kursus);
  r.Date("tanggalSelesaiKursus", &k.tanggal_selesai_kursus);
  r.OptInt("tahunKursus", &k.tahun_kursus);
  r.Str("noSertipikat", &k.no_sertipikat);
  r.Str("institusiPenyelenggara", &k.institusi_penyelenggara);
  r.Str("jenisDiklatId", &k.jenis_diklat_id);
  r.Str("jenisKursusSertipikat", &k.jenis_kursus_sertipikat);
  return k;
}

// Parses a list endpoint's data: null is empty, an array is read item by
// item with `read`; the first bad item fails the whole list so that a sync
// never applies half of an employee's records.
template <typename T, typename F>
absl::StatusOr<std::vector<T>> ReadList(absl::string_view body, absl::string_view endpoint, F read) {
  absl::StatusOr<json> data = Envelope(body, endpoint);
  if (!data.ok()) return data.status();
  std::vector<T> out;
  if (data->is_null()) return out;
  if (!data->is_array()) return FieldError(absl::StrCat(endpoint, ".data"), "not a list", Dump(*data));
  out.reserve(data->size());
  for (size_t i = 0; i < data->size(); ++i) {
    const json& item = (*data)[i];
    const std::string path = absl::StrCat(endpoint, "[", i, "]");
    if (!item.is_object()) return FieldError(path, "not an object", Dump(item));
    Reader r(item, path);
    T t = read(r);
    if (!r.status().ok()) return r.status();
    out.push_back(std::move(t));
  }
  return out;
}

// Every parser runs inside this: nlohmann-json is used without exceptions,
// but should one escape (an allocation failure, a library path not thought
// of) it becomes a status, never a crash.
template <typename F>
auto Guard(absl::string_view endpoint, F f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("siasn ", endpoint, ": ", e.what()));
  }
}

}  // namespace

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%02d-%02d-%04d", day.day(), day.month(), day.year());
}

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text) {
  auto digits = [&](size_t from, size_t n, int* out) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
  };
  int d = 0, m = 0, y = 0;
  if (text.size() != 10 || text[2] != '-' || text[5] != '-' || !digits(0, 2, &d) ||
      !digits(3, 2, &m) || !digits(6, 4, &y)) {
    return absl::InvalidArgumentError(absl::StrCat("not a dd-mm-yyyy date: \"", text, "\""));
  }
  const absl::CivilDay day(y, m, d);
  // CivilDay normalises 31-02 to 02-03; a day that does not survive the
  // round trip was not a calendar day.
  if (day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError(absl::StrCat("not a calendar day: \"", text, "\""));
  }
  return day;
}

absl::StatusOr<DataUtama> ParseDataUtamaResponse(absl::string_view body) {
  return Guard("data-utama", [&]() -> absl::StatusOr<DataUtama> {
    absl::StatusOr<json> data = Envelope(body, "data-utama");
    if (!data.ok()) return data.status();
    if (!data->is_object()) return FieldError("data-utama.data", "not an object", Dump(*data));
    Reader r(*data, "data-utama");
    DataUtama u;
    r.Str("id", &u.id);
    r.Str("nipBaru", &u.nip_baru);
    r.Str("nama", &u.nama);
    r.Str("gelarDepan", &u.gelar_depan);
    r.Str("gelarBelakang", &u.gelar_belakang);
    r.Str("unorId", &u.unor_id);
    r.Str("unorNama", &u.unor_nama);
    r.Str("unorIndukNama", &u.unor_induk_nama);
    r.Str("jabatanNama", &u.jabatan_nama);
    r.Str("jenisJabatan", &u.jenis_jabatan);
    r.Str("golRuangAkhir", &u.gol_ruang_akhir);
    r.Str("pangkatAkhir", &u.pangkat_akhir);
    r.Date("tmtGolAkhir", &u.tmt_gol_akhir);
    if (!r.status().ok()) return r.status();
    if (u.id.empty()) return FieldError("data-utama.id", "missing", Dump(*data));
    return u;
  });
}

absl::StatusOr<std::vector<KursusRecord>> ParseKursusListResponse(absl::string_view body,
                                                                  absl::string_view endpoint) {
  return Guard(endpoint, [&] { return ReadList<KursusRecord>(body, endpoint, ReadKursus); });
}

absl::StatusOr<std::vector<Skp22Record>> ParseSkp22ListResponse(absl::string_view body) {
  return Guard("rw-skp22", [&] {
    return ReadList<Skp22Record>(body, "rw-skp22", [](Reader& r) {
      Skp22Record s;
      r.Str("id", &s.id);
      r.Int("tahun", &s.tahun);
      r.Str("hasilKinerja", &s.hasil_kinerja);
      r.Str("perilakuKerja", &s.perilaku_kerja);
      r.Str("kuadranKinerja", &s.kuadran_kinerja);
      r.Str("nipNrpPenilai", &s.nip_nrp_penilai);
      r.Str("namaPenilai", &s.nama_penilai);
      return s;
    });
  });
}

absl::StatusOr<std::string> ParseSaveResponse(absl::string_view body) {
  return Guard("kursus/save", [&]() -> absl::StatusOr<std::string> {
    absl::StatusOr<json> data = Envelope(body, "kursus/save");
    if (!data.ok()) return data.status();
    std::string id;
    if (data->is_string()) {
      id = data->get<std::string>();
    } else if (data->is_object()) {
      Reader r(*data, "kursus/save");
      r.Str(data->contains("id") ? "id" : "rwKursusId", &id);
      if (!r.status().ok()) return r.status();
    } else {
      return FieldError("kursus/save.data", "not an id", Dump(*data));
    }
    if (id.empty()) return FieldError("kursus/save.data.id", "missing", Dump(*data));
    return id;
  });
}

std::string ErrorMessageOf(absl::string_view body) {
  try {
    json doc = json::parse(body.begin(), body.end(), nullptr, false);
    if (!doc.is_object()) return "";
    for (const char* key : {"message", "data", "error_description", "error"}) {
      auto it = doc.find(key);
      if (it != doc.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
        std::string m = it->get<std::string>();
        if (m.size() > kMaxRaw) m.resize(kMaxRaw);
        return m;
      }
    }
  } catch (const std::exception&) {
  }
  return "";
}

std::string KursusSaveToJson(const KursusSave& k) {
  json j = json::object();
  if (!k.id.empty()) j["id"] = k.id;
  j["pnsOrangId"] = k.pns_orang_id;
  j["instansiId"] = k.instansi_id;
  j["namaKursus"] = k.nama_kursus;
  j["jumlahJam"] = k.jumlah_jam;
  j["tanggalKursus"] = FormatDate(k.tanggal_kursus);
  j["tanggalSelesaiKursus"] = FormatDate(k.tanggal_selesai_kursus);
  j["tahunKursus"] = k.tahun_kursus != 0 ? k.tahun_kursus
                                         : static_cast<int>(k.tanggal_selesai_kursus.year());
  j["institusiPenyelenggara"] = k.institusi_penyelenggara;
  j["jenisDiklatId"] = k.jenis_diklat_id;
  if (!k.jenis_kursus_sertipikat.empty()) j["jenisKursusSertipikat"] = k.jenis_kursus_sertipikat;
  j["nomorSertipikat"] = k.nomor_sertipikat;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string FieldOf(const absl::Status& status) {
  auto p = status.GetPayload(kFieldPayload);
  return p.has_value() ? std::string(*p) : "";
}

std::string RawValueOf(const absl::Status& status) {
  auto p = status.GetPayload(kRawPayload);
  return p.has_value() ? std::string(*p) : "";
}

}  // namespace pelita::siasn
