// ReportLogic::ExportResponses: a cohort's responses to one instrument as a
// workbook, assembled row by row in a temporary file (constant memory) and
// sent in pieces.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "lib/status/status.h"
#include "lib/tenancy/resource_name.h"
#include "services/report/report.h"
#include "services/report/xlsx.h"

namespace pelita::report {
namespace {

namespace sv1 = ::pelita::survey::v1;
using Cell = XlsxWorkbook::Cell;

Cell AnswerCell(const sv1::Answer& a) {
  switch (a.value_case()) {
    case sv1::Answer::kNumber: return static_cast<double>(a.number());
    case sv1::Answer::kYes: return std::string(a.yes() ? "ya" : "tidak");
    case sv1::Answer::kChoice: return a.choice();
    case sv1::Answer::kChoices: return absl::StrJoin(a.choices().codes(), ";");
    case sv1::Answer::kText: return a.text();
    default: return Cell();
  }
}

std::string RoleText(sv1::FollowUpRole role) {
  switch (role) {
    case sv1::SELF_REPORT: return "peserta";
    case sv1::SUPERVISOR_ASSESSMENT: return "atasan";
    default: return "";
  }
}

}  // namespace

absl::Status ReportLogic::ExportResponses(const Caller& caller, const v1::ExportResponsesRequest& r,
                                          const std::function<bool(const type::v1::HttpBody&)>& write) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                          ParseTenantResource(caller, "parent", r.parent(), "tenants/*/programs/*/cohorts/*"));
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> inst,
                          ParseTenantResource(caller, "instrument", r.instrument(), "tenants/*/instruments/*"));
  // Raw answers are the organisers' and admins', as ListCohortResponses.
  if (!caller.role.empty() && caller.role != "organiser" && caller.role != "admin") {
    return WithReason(absl::PermissionDeniedError("responses are exported by organisers and admins"),
                      "ROLE_NOT_ALLOWED");
  }
  PELITA_ASSIGN_OR_RETURN(sv1::Instrument instrument, sources_->GetInstrument(caller, r.instrument()));
  if (r.identified() && instrument.anonymous()) {
    return WithReason(absl::FailedPreconditionError(
                          absl::StrCat(r.instrument(), " is anonymous: its responses are exported de-identified only")),
                      "ANONYMOUS_INSTRUMENT");
  }
  auto book = XlsxWorkbook::Create(options_.tmp_dir);
  if (!book.ok()) return book.status();
  XlsxWorkbook& w = **book;
  std::vector<std::string> header = {"No", "Versi instrumen", "Tanggal kirim", "Unit"};
  if (r.identified()) header.insert(header.end(), {"NIP responden", "NIP subjek"});
  header.insert(header.end(), {"Gelombang", "Peran", "Skor", "Skor maksimum"});
  const size_t first_item = header.size();
  for (const auto& item : instrument.items()) header.push_back(item.code());
  std::vector<double> widths(header.size(), 12);
  PELITA_RETURN_IF_ERROR(w.AddSheet("Jawaban", header, widths));
  // Submission days in the regency's own zone (WIB, WITA or WIT).
  PELITA_ASSIGN_OR_RETURN(tenant::v1::Tenant t, sources_->GetTenant(ids[0]));
  const absl::TimeZone zone = ZoneOf(t);
  sv1::ListCohortResponsesRequest req;
  req.set_parent(r.parent());
  req.set_instrument(r.instrument());
  req.set_page_size(options_.page_size);
  int64_t n = 0;
  std::vector<Cell> row;
  for (;;) {
    // As the caller: the survey service applies its own rules to the list.
    PELITA_ASSIGN_OR_RETURN(sv1::ListCohortResponsesResponse page, sources_->ListCohortResponses(caller, req));
    for (const auto& resp : page.responses()) {
      if (!resp.replaced_by().empty()) continue;  // a resubmission replaced it: counted once
      row.assign(header.size(), Cell());
      row[0] = static_cast<double>(++n);
      row[1] = static_cast<double>(resp.instrument_version());
      if (resp.has_submit_time()) {
        row[2] = absl::FormatCivilTime(absl::ToCivilDay(absl::FromUnixSeconds(resp.submit_time().seconds()), zone));
      }
      const size_t slash = resp.unit().rfind('/');
      row[3] = slash == std::string::npos ? resp.unit() : resp.unit().substr(slash + 1);
      size_t c = 4;
      if (r.identified()) {
        row[c++] = resp.respondent_nip();
        row[c++] = resp.subject_nip();
      }
      if (resp.followup_wave() > 0) row[c] = static_cast<double>(resp.followup_wave());
      row[c + 1] = RoleText(resp.followup_role());
      if (resp.max_score() > 0) {
        row[c + 2] = static_cast<double>(resp.total_score());
        row[c + 3] = static_cast<double>(resp.max_score());
      }
      for (const auto& a : resp.answers()) {
        for (int i = 0; i < instrument.items_size(); ++i) {
          if (instrument.items(i).code() == a.item()) row[first_item + i] = AnswerCell(a);
        }
      }
      PELITA_RETURN_IF_ERROR(w.AddRow(row));
    }
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  bool first = true;
  const std::string filename = absl::StrCat("jawaban-", inst[1], "-", ids[1], "-", ids[2],
                                            r.identified() ? "-teridentifikasi" : "", ".xlsx");
  return w.FinishInPieces(options_.piece_bytes, [&](std::string piece) {
    type::v1::HttpBody body;
    if (first) {
      body.set_content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      body.set_filename(filename);
      first = false;
    }
    *body.mutable_data() = std::move(piece);
    return write(body);
  });
}

}  // namespace pelita::report
