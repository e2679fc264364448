// CSV import of responses: streamed, batched, reported per row (the import
// contract of pelita/type/v1/import.proto).

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/csv/csv_reader.h"
#include "lib/csv/import_report.h"
#include "lib/status/status.h"
#include "services/survey/survey.h"

namespace pelita::survey {
namespace {

constexpr size_t kFlushRows = 256;

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(absl::StripAsciiWhitespace(s)); }

// Parses the submission time columns that Google Forms, ODK and Kobo write.
std::optional<absl::Time> ParseTime(absl::string_view s, const absl::TimeZone& zone) {
  s = absl::StripAsciiWhitespace(s);
  if (s.empty()) return std::nullopt;
  absl::Time t;
  std::string err;
  // Google Forms writes "%d/%m/%Y %H.%M.%S" in the Indonesian locale.
  for (const char* fmt : {absl::RFC3339_full, "%Y-%m-%dT%H:%M:%E*S", "%Y-%m-%d %H:%M:%E*S",
                          "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H.%M.%S"}) {
    if (absl::ParseTime(fmt, s, zone, &t, &err)) return t;
  }
  return std::nullopt;
}

// A Likert/score cell: "4" or "4 - Setuju" or "4.0".
std::optional<int64_t> ParseNumber(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  int64_t v;
  if (absl::SimpleAtoi(s, &v)) return v;
  size_t i = 0;
  while (i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 9) return std::nullopt;
  absl::string_view rest = s.substr(i);
  if (absl::StartsWith(rest, ".0") && absl::StripAsciiWhitespace(rest.substr(2)).empty()) {
    rest = "";
  }
  if (!rest.empty() && rest[0] != ' ' && rest[0] != '-' && rest[0] != '.') return std::nullopt;
  if (!absl::SimpleAtoi(s.substr(0, i), &v)) return std::nullopt;
  return v;
}

std::optional<std::string> MatchChoice(const v1::Item& item, absl::string_view cell) {
  const std::string v = Lower(cell);
  for (const auto& ch : item.choices()) {
    if (ch.code() == v || Lower(ch.text()) == v) return ch.code();
  }
  return std::nullopt;
}

}  // namespace

// One row is one response, ingested as CreateResponse would ingest it (in
// batches of kFlushRows, one Redis round trip each); the answer follows the
// import contract of pelita/type/v1/import.proto.
class CsvImportImpl : public SurveyLogic::CsvImport {
 public:
  CsvImportImpl(SurveyLogic* logic, Caller caller, v1::ImportResponsesCsvRequest first,
                std::shared_ptr<const v1::Instrument> instrument, std::string tenant)
      : logic_(logic), caller_(std::move(caller)), first_(std::move(first)),
        instrument_(std::move(instrument)), tenant_(std::move(tenant)),
        reader_(Options(first_), [this](csv::Row& row) { return OnRow(row); }) {}

  static csv::ReaderOptions Options(const v1::ImportResponsesCsvRequest& r) {
    csv::ReaderOptions o;
    if (!r.delimiter().empty()) o.delimiter = r.delimiter()[0];
    o.max_field_bytes = 16 * 1024;
    return o;
  }

  absl::Status Feed(absl::string_view chunk) override { return reader_.Feed(chunk); }
  bool stopped() const override { return reader_.broken().has_value(); }

  absl::StatusOr<type::v1::ImportResult> Finish(bool truncated) override {
    if (truncated) {
      reader_.Truncate();
    } else {
      PELITA_RETURN_IF_ERROR(reader_.Finish());
    }
    // The records read before a break are stored and counted like any.
    PELITA_RETURN_IF_ERROR(Flush());
    if (reader_.broken()) {
      report_.Stop(*reader_.broken());
    } else if (!header_done_) {
      return InvalidField("csv_chunk", "the file is empty (no header row)");
    }
    return report_.Finish();
  }

 private:
  absl::Status OnHeader(const csv::Row& row) {
    if (!row.error.empty()) {
      return InvalidField("csv_chunk", absl::StrCat("record 1 (line 1), column ", row.column,
                                                    " of the header: ", row.error));
    }
    header_done_ = true;
    header_ = row.fields;
    columns_.assign(row.fields.size(), -1);
    absl::flat_hash_map<std::string, int> items;
    for (int i = 0; i < instrument_->items_size(); ++i) items[Lower(instrument_->items(i).code())] = i;
    int matched = 0;
    for (size_t col = 0; col < row.fields.size(); ++col) {
      const std::string name = Lower(row.fields[col]);
      // Identity and metadata columns of the common export shapes.
      if (name == "key" || name == "_uuid" || name == "response_id" || name == "meta/instanceid" ||
          name == "instanceid") {
        if (id_col_ < 0 || name == "key" || name == "_uuid") {
          id_col_ = static_cast<int>(col);
          report_.set_id_column(absl::StripAsciiWhitespace(row.fields[col]));
        }
        continue;
      }
      if (name == "timestamp" || name == "submissiondate" || name == "_submission_time" ||
          name == "submit_time" || name == "stempel waktu") {
        time_col_ = static_cast<int>(col);
        continue;
      }
      if (name == "nip" || name == "respondent_nip" || name == "nip_responden" || name == "nip_atasan") {
        nip_col_ = static_cast<int>(col);
        continue;
      }
      if (name == "subject_nip" || name == "nip_peserta") {
        subject_col_ = static_cast<int>(col);
        continue;
      }
      if (name == "cohort") {
        cohort_col_ = static_cast<int>(col);
        continue;
      }
      if (name == "unit") {
        unit_col_ = static_cast<int>(col);
        continue;
      }
      // Item columns: the code itself, or ODK/Kobo group paths ending in it
      // (`grp-U1`, `grp/U1`).
      auto it = items.find(name);
      if (it == items.end()) {
        for (char sep : {'/', '-'}) {
          size_t pos = name.rfind(sep);
          if (pos != std::string::npos) {
            it = items.find(name.substr(pos + 1));
            if (it != items.end()) break;
          }
        }
      }
      if (it != items.end()) {
        columns_[col] = it->second;
        item_col_[instrument_->items(it->second).code()] = static_cast<int>(col);
        ++matched;
      }
    }
    if (matched == 0) {
      return InvalidField("csv_chunk", absl::StrCat("record 1 (line 1): the header names no item of ",
                                                    first_.instrument(),
                                                    " (columns are item codes, see the README)"));
    }
    return absl::OkStatus();
  }

  // The header name of column `col` (from 0), for the reports.
  std::string FieldName(int col) const {
    return col >= 0 && static_cast<size_t>(col) < header_.size()
               ? std::string(absl::StripAsciiWhitespace(header_[col]))
               : "";
  }
  void Reject(const csv::Row& row, int col, absl::string_view id, absl::string_view code,
              absl::string_view reason) {
    report_.Reject(row.number, row.line, col + 1, FieldName(col), id, code, reason);
  }

  // The stable code of a response the ingestion refused
  // (services/survey/README.md, "Import reason codes"): the reason the
  // validation named, else one from the field it is about.
  static std::string CodeOf(const absl::Status& s) {
    if (std::string code = ErrorReason(s); !code.empty()) return code;
    if (s.code() == absl::StatusCode::kAlreadyExists) return "ALREADY_ANSWERED";
    const auto violations = FieldViolationsOf(s);
    const std::string field = violations.empty() ? "" : violations.front().first;
    auto starts = [&](absl::string_view p) { return absl::StartsWith(field, p); };
    if (starts("response_id")) return "INVALID_RESPONSE_ID";
    if (starts("response.submit_time")) return "INVALID_TIME";
    if (starts("response.cohort")) return "UNKNOWN_COHORT";
    if (starts("response.unit")) return "UNKNOWN_UNIT";
    if (starts("response.respondent_nip") || starts("response.subject_nip")) return "INVALID_NIP";
    if (starts("response.answers")) return "INVALID_ANSWER";
    return "INVALID_ROW";
  }

  // The column a validation message is about.  Messages name the request
  // field first ("response.answers[3] (item U1): ...", "response.answers
  // (item U2): required item is missing", "response.cohort: ..."); -1 when
  // it is about no one column.
  int ColumnOf(absl::string_view message) const {
    auto starts = [&](absl::string_view p) { return absl::StartsWith(message, p); };
    if (starts("response.answers")) {
      const size_t open = message.find("(item ");
      const size_t close = message.find(')', open);
      if (open != absl::string_view::npos && close != absl::string_view::npos) {
        auto it = item_col_.find(message.substr(open + 6, close - open - 6));
        if (it != item_col_.end()) return it->second;
      }
      return -1;
    }
    if (starts("response.respondent_nip")) return nip_col_;
    if (starts("response.subject_nip")) return subject_col_;
    if (starts("response.cohort")) return cohort_col_;
    if (starts("response.unit")) return unit_col_;
    if (starts("response.submit_time")) return time_col_;
    if (starts("response_id")) return id_col_;
    return -1;
  }

  absl::Status OnRow(csv::Row& row) {
    if (!header_done_) return OnHeader(row);
    if (!row.error.empty()) {
      Reject(row, row.column - 1, "", row.code, row.error);
      return absl::OkStatus();
    }
    bool blank = true;
    for (const auto& f : row.fields) blank &= absl::StripAsciiWhitespace(f).empty();
    if (blank) return absl::OkStatus();
    auto cell = [&](int col) -> std::string {
      if (col < 0 || static_cast<size_t>(col) >= row.fields.size()) return "";
      return std::string(absl::StripAsciiWhitespace(row.fields[col]));
    };
    v1::CreateResponseRequest req;
    v1::Response& r = *req.mutable_response();
    r.set_instrument(first_.instrument());
    r.set_instrument_version(instrument_->version());
    r.set_cohort(cohort_col_ >= 0 && !cell(cohort_col_).empty() ? cell(cohort_col_) : first_.cohort());
    r.set_unit(unit_col_ >= 0 && !cell(unit_col_).empty() ? cell(unit_col_) : first_.unit());
    r.set_respondent_nip(cell(nip_col_));
    r.set_subject_nip(cell(subject_col_));
    if (const std::string t = cell(time_col_); !t.empty()) {
      // A time without an offset is the tenant's local time.
      PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, logic_->zones_(tenant_));
      auto parsed = ParseTime(t, zone);
      if (!parsed) {
        Reject(row, time_col_, "", "INVALID_TIME", absl::StrCat("'", t.substr(0, 40), "' is not a time"));
        return absl::OkStatus();
      }
      *r.mutable_submit_time() = ToTimestamp(*parsed);
    }
    for (size_t col = 0; col < row.fields.size() && col < columns_.size(); ++col) {
      if (columns_[col] < 0) continue;
      const v1::Item& item = instrument_->items(columns_[col]);
      const std::string v = cell(static_cast<int>(col));
      if (v.empty()) continue;
      v1::Answer& a = *r.add_answers();
      a.set_item(item.code());
      const std::string where = absl::StrCat("item ", item.code());
      switch (item.type()) {
        case v1::LIKERT:
        case v1::SCORE: {
          auto n = ParseNumber(v);
          if (!n) {
            Reject(row, static_cast<int>(col), "", "NOT_A_NUMBER",
                   absl::StrCat(where, ": '", v.substr(0, 40), "' is not a number"));
            return absl::OkStatus();
          }
          a.set_number(*n);
          break;
        }
        case v1::YES_NO: {
          auto y = ParseYesNo(v);
          if (!y.ok()) {
            Reject(row, static_cast<int>(col), "", "NOT_YES_NO", absl::StrCat(where, ": ", y.status().message()));
            return absl::OkStatus();
          }
          a.set_yes(*y);
          break;
        }
        case v1::SINGLE_CHOICE: {
          auto ch = MatchChoice(item, v);
          a.set_choice(ch ? *ch : v);  // validation names the bad choice
          break;
        }
        case v1::MULTIPLE_CHOICE: {
          auto* list = a.mutable_choices();
          if (auto ch = MatchChoice(item, v)) {
            list->add_codes(*ch);
            break;
          }
          // ODK/Kobo: space separated; forms: ';' or ', '.
          const char* sep = absl::StrContains(v, ';') ? ";" : (absl::StrContains(v, ',') ? "," : " ");
          for (absl::string_view part : absl::StrSplit(v, sep, absl::SkipWhitespace())) {
            auto ch = MatchChoice(item, part);
            list->add_codes(ch ? *ch : std::string(absl::StripAsciiWhitespace(part)));
          }
          break;
        }
        case v1::FREE_TEXT:
          a.set_text(v);
          break;
        default:
          break;
      }
    }
    if (id_col_ >= 0) {
      req.set_response_id(cell(id_col_));
    } else {
      // No id column (Google Forms, LimeSurvey): the row's content is its
      // identity, so uploading the same sheet twice is a no-op.
      std::string content = absl::StrCat(first_.instrument(), "\x1f", r.cohort(), "\x1f", r.unit());
      for (const auto& f : row.fields) absl::StrAppend(&content, "\x1f", f);
      req.set_response_id(absl::StrCat("row-", absl::BytesToHexString(Fingerprint(content))));
    }
    rows_.push_back({row.number, row.line});
    pending_.push_back(std::move(req));
    if (pending_.size() >= kFlushRows) return Flush();
    return absl::OkStatus();
  }

  // Ingests the pending rows in one round trip.  A failure of the whole
  // batch (Redis or the enrolment service unreachable) fails the import:
  // what the batch stored is not known, and re-running the file is safe.
  absl::Status Flush() {
    if (pending_.empty()) return absl::OkStatus();
    std::vector<const v1::CreateResponseRequest*> reqs;
    for (const auto& q : pending_) reqs.push_back(&q);
    std::vector<absl::Status> statuses;
    PELITA_ASSIGN_OR_RETURN(auto acks, logic_->Ingest(caller_, first_.parent(), reqs, 0, &statuses));
    for (size_t i = 0; i < acks.size(); ++i) {
      const v1::ResponseAck& ack = acks[i];
      if (ack.code() == static_cast<int>(absl::StatusCode::kUnavailable) ||
          ack.code() == static_cast<int>(absl::StatusCode::kDeadlineExceeded)) {
        // Storage refused this one for now (Redis loading, a failover): not
        // the row's fault, so not a rejection.  Stop; a re-run completes it.
        return absl::Status(static_cast<absl::StatusCode>(ack.code()), ack.message());
      }
      if (ack.code() != 0) {
        const absl::Status status = i < statuses.size() && !statuses[i].ok()
                                        ? statuses[i]
                                        : absl::Status(static_cast<absl::StatusCode>(ack.code()), ack.message());
        report_.Reject(rows_[i].first, rows_[i].second, ColumnOf(ack.message()) + 1,
                       FieldName(ColumnOf(ack.message())), ack.response_id(), CodeOf(status), ack.message());
      } else if (ack.duplicate()) {
        report_.Unchanged();
      } else if (ack.replaced()) {
        report_.Replaced();  // the respondent's earlier response was replaced
      } else {
        report_.Accepted();
      }
    }
    pending_.clear();
    rows_.clear();
    return absl::OkStatus();
  }

  SurveyLogic* logic_;
  Caller caller_;
  v1::ImportResponsesCsvRequest first_;
  std::shared_ptr<const v1::Instrument> instrument_;
  std::string tenant_;
  csv::Reader reader_;
  csv::ImportReport report_;
  bool header_done_ = false;
  std::vector<std::string> header_;
  std::vector<int> columns_;                             // column -> item index or -1
  absl::flat_hash_map<std::string, int> item_col_;       // item code -> column
  int id_col_ = -1, time_col_ = -1, nip_col_ = -1, subject_col_ = -1, cohort_col_ = -1, unit_col_ = -1;
  std::vector<v1::CreateResponseRequest> pending_;
  std::vector<std::pair<int64_t, int64_t>> rows_;  // record number, line of each pending row
};

absl::StatusOr<std::unique_ptr<SurveyLogic::CsvImport>> SurveyLogic::StartCsvImport(
    const Caller& c, const v1::ImportResponsesCsvRequest& first) {
  PELITA_ASSIGN_OR_RETURN(auto parent, ParseTenantResource(c, "parent", first.parent(), "tenants/*"));
  PELITA_ASSIGN_OR_RETURN(auto iparts,
                          ParseTenantResource(c, "instrument", first.instrument(), "tenants/*/instruments/*"));
  if (first.delimiter().size() > 1) return InvalidField("delimiter", "must be one character");
  auto instrument = LoadInstrument(parent[0], iparts[1], first.instrument_version());
  if (!instrument.ok()) {
    if (instrument.status().code() == absl::StatusCode::kNotFound) {
      return InvalidField("instrument", instrument.status().message());
    }
    return instrument.status();
  }
  v1::ImportResponsesCsvRequest head = first;
  head.clear_csv_chunk();
  return std::unique_ptr<CsvImport>(
      new CsvImportImpl(this, c, std::move(head), *instrument, parent[0]));
}

}  // namespace pelita::survey
