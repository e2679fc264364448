#include "services/complaint/importers.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/status/status.h"

namespace pelita::complaint {

namespace {

// A rejected record: the reason for people and its stable code
// (ImportRowError.code, listed in services/complaint/README.md).
absl::Status Reject(absl::string_view code, absl::string_view why) {
  return WithReason(absl::InvalidArgumentError(why), code);
}

}  // namespace

absl::Status CsvComplaintParser::SetHeader(const std::vector<std::string>& names) {
  header_.emplace(names);
  std::vector<std::string> missing;
  auto req = [&](const char* n, size_t* out) {
    auto c = header_->Find(n);
    if (!c) missing.push_back(n);
    else *out = *c;
  };
  req("nomor_tiket", &cols_.id);
  req("kode_instansi", &cols_.unit);
  req("status", &cols_.status);
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CSV header lacks required column(s): ", absl::StrJoin(missing, ", ")));
  }
  cols_.channel = header_->Find("sumber");
  cols_.classification = header_->Find("klasifikasi");
  cols_.category = header_->Find("kategori");
  cols_.title = header_->Find("judul");
  cols_.status_time = header_->Find("waktu_status");
  cols_.received = header_->Find("waktu_diterima");
  cols_.verified = header_->Find("waktu_diverifikasi");
  cols_.forwarded = header_->Find("waktu_diteruskan");
  cols_.follow_up = header_->Find("waktu_ditindaklanjuti");
  cols_.completed = header_->Find("waktu_selesai");
  if (!cols_.received) {
    return absl::InvalidArgumentError("CSV header lacks required column(s): waktu_diterima");
  }
  return absl::OkStatus();
}

std::string CsvComplaintParser::IdOf(const csv::Row& row) const {
  if (!header_ || cols_.id >= row.fields.size()) return "";
  return std::string(absl::StripAsciiWhitespace(row.fields[cols_.id])).substr(0, 64);
}

absl::StatusOr<ComplaintUpdate> CsvComplaintParser::Parse(const csv::Row& row, int* column) const {
  // Records which column a rejection is about.
  auto at = [&](std::optional<size_t> col, absl::string_view code, absl::string_view why) {
    if (column != nullptr) *column = col ? static_cast<int>(*col) : -1;
    return Reject(code, why);
  };
  // ValidateUpdate names the ComplaintUpdate field first.
  auto UpdateFieldColumn = [&](absl::string_view message) -> std::optional<size_t> {
    if (absl::StartsWith(message, "complaint_id")) return cols_.id;
    if (absl::StartsWith(message, "status")) return cols_.status;
    if (absl::StartsWith(message, "unit")) return cols_.unit;
    if (absl::StartsWith(message, "category")) return cols_.category;
    return std::nullopt;
  };
  if (!row.error.empty()) {
    return at(row.column > 0 ? std::optional<size_t>(row.column - 1) : std::nullopt, row.code, row.error);
  }
  if (row.fields.size() != header_->size()) {
    return at(std::nullopt, "FIELD_COUNT",
              absl::StrCat("has ", row.fields.size(), " fields, the header has ", header_->size()));
  }
  auto get = [&](std::optional<size_t> c) -> std::string {
    return c ? std::string(absl::StripAsciiWhitespace(row.fields[*c])) : std::string();
  };
  ComplaintUpdate u;
  u.id = get(cols_.id);
  if (u.id.empty()) return at(cols_.id, "MISSING_ID", "nomor_tiket is empty");
  u.unit = get(cols_.unit);
  if (u.unit.empty()) return at(cols_.unit, "MISSING_UNIT", "kode_instansi is empty");
  u.channel = get(cols_.channel);
  u.category = get(cols_.category);
  u.title = get(cols_.title);
  auto cls = ParseClassification(get(cols_.classification));
  if (!cls.ok()) return at(cols_.classification, "UNKNOWN_CLASSIFICATION", absl::StrCat("klasifikasi: ", cls.status().message()));
  u.classification = *cls;
  auto status = ParseStatus(get(cols_.status));
  if (!status.ok()) return at(cols_.status, "UNKNOWN_STATUS", absl::StrCat("status: ", status.status().message()));

  struct Col { std::optional<size_t> col; v1::Status status; const char* name; };
  const Col cols[] = {{cols_.received, v1::RECEIVED, "waktu_diterima"},
                      {cols_.verified, v1::VERIFIED, "waktu_diverifikasi"},
                      {cols_.forwarded, v1::FORWARDED, "waktu_diteruskan"},
                      {cols_.follow_up, v1::IN_FOLLOW_UP, "waktu_ditindaklanjuti"},
                      {cols_.completed, v1::COMPLETED, "waktu_selesai"}};
  absl::Time received;
  bool has_status_step = false;
  for (const Col& c : cols) {
    const std::string v = get(c.col);
    if (v.empty()) continue;
    auto t = ParseTime(v, zone_);
    if (!t.ok()) return at(c.col, "INVALID_TIME", absl::StrCat(c.name, ": ", t.status().message()));
    if (StatusRank(c.status) > StatusRank(*status)) {
      return at(c.col, "TIME_BEYOND_STATUS", absl::StrCat(c.name, " is set but status is only ", v1::Status_Name(*status)));
    }
    if (c.status == v1::RECEIVED) received = *t;
    else if (*t < received) return at(c.col, "TIME_BEFORE_RECEIVED", absl::StrCat(c.name, " is before waktu_diterima"));
    u.steps.emplace_back(c.status, *t);
    if (c.status == *status) has_status_step = true;
  }
  if (u.steps.empty() || u.steps.front().first != v1::RECEIVED) return at(cols_.received, "MISSING_RECEIVED_TIME", "waktu_diterima is empty");
  if (!has_status_step) {
    const std::string v = get(cols_.status_time);
    if (v.empty()) {
      return at(cols_.status, "MISSING_STATUS_TIME", absl::StrCat("status ", v1::Status_Name(*status),
                                 " needs its time (its waktu_ column or waktu_status)"));
    }
    auto t = ParseTime(v, zone_);
    if (!t.ok()) return at(cols_.status_time, "INVALID_TIME", absl::StrCat("waktu_status: ", t.status().message()));
    if (*t < received) return at(cols_.status_time, "TIME_BEFORE_RECEIVED", "waktu_status is before waktu_diterima");
    u.steps.emplace_back(*status, *t);
  }
  if (absl::Status s = ValidateUpdate(u); !s.ok()) return at(UpdateFieldColumn(s.message()), ErrorReason(s), s.message());
  return u;
}

absl::StatusOr<std::vector<JsonRow>> ParseOpen311(const std::string& text,
                                                  const std::string& channel,
                                                  const absl::TimeZone& zone) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError("requests_json is not valid JSON");
  if (!doc.is_array()) return absl::InvalidArgumentError("requests_json must be a JSON array");
  std::vector<JsonRow> out;
  out.reserve(doc.size());
  int64_t i = 0;
  for (const auto& e : doc) {
    JsonRow r;
    r.row = ++i;
    auto str = [&](const char* k) -> std::string {
      auto it = e.is_object() ? e.find(k) : e.end();
      if (it == e.end() || it->is_null()) return "";
      if (it->is_string()) return it->get<std::string>();
      if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
      return "";
    };
    r.update = [&]() -> absl::StatusOr<ComplaintUpdate> {
      if (!e.is_object()) return Reject("NOT_AN_OBJECT", "not a JSON object");
      ComplaintUpdate u;
      u.id = str("service_request_id");
      r.id = u.id;
      if (u.id.empty()) return Reject("MISSING_ID", "service_request_id is missing");
      u.channel = channel.empty() ? "open311" : channel;
      u.unit = str("agency_responsible");
      if (u.unit.empty()) return Reject("MISSING_UNIT", "agency_responsible is missing");
      u.category = str("service_name");
      if (u.category.empty()) u.category = str("service_code");
      u.title = str("description").substr(0, 200);
      u.classification = v1::PENGADUAN;
      const std::string status = absl::AsciiStrToLower(str("status"));
      if (status != "open" && status != "closed") {
        return Reject("UNKNOWN_STATUS", absl::StrCat("status must be open or closed, not \"", str("status"), "\""));
      }
      const std::string req = str("requested_datetime");
      if (req.empty()) return Reject("MISSING_RECEIVED_TIME", "requested_datetime is missing");
      auto t0 = ParseTime(req, zone);
      if (!t0.ok()) return Reject("INVALID_TIME", absl::StrCat("requested_datetime: ", t0.status().message()));
      u.steps.emplace_back(v1::RECEIVED, *t0);
      const std::string upd = str("updated_datetime");
      std::optional<absl::Time> t1;
      if (!upd.empty()) {
        auto t = ParseTime(upd, zone);
        if (!t.ok()) return Reject("INVALID_TIME", absl::StrCat("updated_datetime: ", t.status().message()));
        if (*t < *t0) return Reject("TIME_BEFORE_RECEIVED", "updated_datetime is before requested_datetime");
        t1 = *t;
      }
      if (status == "closed") {
        if (!t1) return Reject("MISSING_STATUS_TIME", "a closed request needs updated_datetime");
        u.steps.emplace_back(v1::COMPLETED, *t1);
      } else if (t1 && *t1 > *t0) {
        u.steps.emplace_back(v1::IN_FOLLOW_UP, *t1);
      }
      if (absl::Status s = ValidateUpdate(u); !s.ok()) return s;
      return u;
    }();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace pelita::complaint
