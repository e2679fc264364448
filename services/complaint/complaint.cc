#include "services/complaint/complaint.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lib/csv/csv_reader.h"
#include "lib/status/status.h"
#include "lib/role/reach.h"
#include "lib/role/role.h"
#include "lib/store/field_mask.h"
#include "lib/store/paging.h"
#include "lib/time/time.h"

namespace pelita::complaint {
namespace {

// The stable code of a rejected record (ImportRowError.code): the parsers
// and validations name it; INVALID_ROW for anything else.
std::string CodeOf(const absl::Status& s) {
  std::string code = ErrorReason(s);
  return code.empty() ? "INVALID_ROW" : code;
}

int64_t ToInt(const std::string& s) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(s, &v)) return 0;
  return v;
}
double ToDouble(const std::string& s) {
  double v = 0;
  if (!absl::SimpleAtod(s, &v)) return 0;
  return v;
}

absl::Status CheckParent(const Caller& caller, const std::string& parent) {
  return ParseTenantResource(caller, "parent", parent, "tenants/*").status();
}

v1::DurationSummary Summarize(const DurationHistogram& h) {
  v1::DurationSummary s;
  s.set_count(h.count());
  s.set_mean_working_days(h.Mean() / 1440);
  s.set_median_working_days(h.Quantile(0.5) / 1440);
  s.set_p90_working_days(h.Quantile(0.9) / 1440);
  return s;
}

}  // namespace

void StaticUnitDirectory::Set(const std::string& tenant, std::vector<UnitInfo> units) {
  absl::MutexLock lock(&mu_);
  units_[tenant] = std::move(units);
}

absl::StatusOr<std::vector<UnitInfo>> StaticUnitDirectory::ListUnits(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  auto it = units_.find(tenant);
  if (it == units_.end()) return std::vector<UnitInfo>{};
  return it->second;
}

ComplaintLogic::ComplaintLogic(redis::Client* redis, UnitDirectory* units, Clock clock)
    : redis_(redis), units_(units), clock_(std::move(clock)), store_(redis) {}

absl::StatusOr<std::vector<UnitInfo>> ComplaintLogic::TenantUnits(const std::string& tenant,
                                                                  bool refresh) {
  const absl::Time now = clock_();
  {
    absl::MutexLock lock(&mu_);
    auto it = unit_cache_.find(tenant);
    if (it != unit_cache_.end()) {
      const absl::Duration age = now - it->second.fetched;
      // A miss refreshes at most once a second; entries live a minute.
      if ((!refresh && age < absl::Minutes(1)) || (refresh && age < absl::Seconds(1))) {
        return it->second.units;
      }
    }
  }
  PELITA_ASSIGN_OR_RETURN(std::vector<UnitInfo> units, units_->ListUnits(tenant));
  absl::MutexLock lock(&mu_);
  unit_cache_[tenant] = UnitCache{now, units};
  return units;
}

absl::StatusOr<UnitInfo> ComplaintLogic::ResolveUnit(const std::string& tenant,
                                                     const std::string& text) {
  std::string key = text;
  const std::string prefix = absl::StrCat("tenants/", tenant, "/units/");
  if (absl::StartsWith(key, "tenants/")) {
    if (!absl::StartsWith(key, prefix)) {
      return WithReason(absl::PermissionDeniedError(absl::StrCat("unit ", text, " belongs to another tenant")),
                        "OTHER_TENANT");
    }
    key = key.substr(prefix.size());
  }
  for (bool refresh : {false, true}) {
    PELITA_ASSIGN_OR_RETURN(std::vector<UnitInfo> units, TenantUnits(tenant, refresh));
    for (const auto& u : units) {
      if (u.id == key || absl::EqualsIgnoreCase(u.display_name, key)) return u;
    }
  }
  return absl::NotFoundError(absl::StrCat("unknown unit \"", text, "\""));
}

absl::StatusOr<v1::Complaint> ComplaintLogic::RecordComplaintUpdate(
    const Caller& caller, const v1::RecordComplaintUpdateRequest& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  ComplaintUpdate u;
  u.id = r.complaint_id();
  u.channel = r.channel();
  u.classification = r.classification();
  u.category = r.category();
  u.title = r.title();
  const absl::Time t = r.has_time() ? FromTimestamp(r.time()) : clock_();
  u.steps.emplace_back(r.status(), t);
  PELITA_RETURN_IF_ERROR(ValidateUpdate(u));
  if (!r.unit().empty()) {
    auto unit = ResolveUnit(caller.tenant, r.unit());
    if (!unit.ok()) {
      if (unit.status().code() == absl::StatusCode::kNotFound) {
        return InvalidField("unit", unit.status().message());
      }
      return unit.status();
    }
    u.unit = unit->id;
  } else {
    auto existing = store_.Get(caller.tenant, u.id);
    if (absl::IsNotFound(existing.status())) return InvalidField("unit", "required for a new complaint");
    if (!existing.ok()) return existing.status();
  }
  PELITA_ASSIGN_OR_RETURN(WorkingCalendar calendar, CalendarOf(caller.tenant));
  auto outcomes = store_.Apply(caller.tenant, {u}, calendar);
  PELITA_RETURN_IF_ERROR(outcomes[0].status);
  return outcomes[0].complaint;
}

absl::StatusOr<v1::Complaint> ComplaintLogic::GetComplaint(const Caller& caller,
                                                           const v1::GetComplaintRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts,
                          ParseTenantResource(caller, "name", r.name(), "tenants/*/complaints/*"));
  PELITA_ASSIGN_OR_RETURN(v1::ComplaintRecord rec, store_.Get(caller.tenant, parts[1]));
  // A head of agency reads the complaints of their own unit.
  if (!ReachesUnit(caller, rec.complaint().unit())) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat("complaint ", r.name(),
                                                               " is about another unit than the caller's")),
                      "OUTSIDE_REACH");
  }
  return rec.complaint();
}

absl::StatusOr<v1::ListComplaintsResponse> ComplaintLogic::ListComplaints(
    const Caller& caller, const v1::ListComplaintsRequest& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  if (r.page_size() < 0) return InvalidField("page_size", "must not be negative");
  const int size = r.page_size() == 0 ? 50 : std::min(r.page_size(), 1000);
  PELITA_ASSIGN_OR_RETURN(auto page, store_.List(caller.tenant, size, r.page_token()));
  v1::ListComplaintsResponse out;
  for (const auto& [id, bytes] : page.items) {
    v1::ComplaintRecord rec;
    if (!rec.ParseFromString(bytes)) return absl::DataLossError("complaint " + id + " is corrupt");
    // A head of agency's page holds their unit's complaints only (it may
    // come back shorter than page_size; the token still goes on).
    if (!ReachesUnit(caller, rec.complaint().unit())) continue;
    *out.add_complaints() = rec.complaint();
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::Status ComplaintLogic::WriteRows(const std::string& tenant, std::vector<ImportRow>& rows,
                                       const WorkingCalendar& calendar,
                                       const CsvComplaintParser* parser, csv::ImportReport* report) {
  const int unit_col = parser ? parser->unit_column() : -1;
  const std::string unit_field = parser ? parser->NameOf(unit_col) : "agency_responsible";
  std::vector<ComplaintUpdate> ok;
  std::vector<const ImportRow*> ok_rows;
  for (ImportRow& r : rows) {
    auto unit = ResolveUnit(tenant, r.update.unit);
    if (!unit.ok()) {
      if (unit.status().code() == absl::StatusCode::kNotFound ||
          unit.status().code() == absl::StatusCode::kPermissionDenied) {
        std::string code = ErrorReason(unit.status());  // OTHER_TENANT
        if (code.empty()) code = "UNKNOWN_UNIT";
        report->Reject(r.row, r.line, unit_col + 1, unit_field, r.update.id, code, unit.status().message());
        continue;
      }
      return unit.status();  // the directory is down: stop the import
    }
    r.update.unit = unit->id;
    ok_rows.push_back(&r);
    ok.push_back(r.update);
  }
  if (!ok.empty()) {
    auto outcomes = store_.Apply(tenant, ok, calendar);
    for (size_t i = 0; i < outcomes.size(); ++i) {
      const absl::Status& s = outcomes[i].status;
      if (s.code() == absl::StatusCode::kUnavailable || s.code() == absl::StatusCode::kDeadlineExceeded) {
        return s;  // Redis went away: not the row's fault
      }
      if (!s.ok()) {
        // A corrupt stored record or a concurrent change: not stored.
        report->Reject(ok_rows[i]->row, ok_rows[i]->line, 0, "", ok[i].id, "NOT_STORED", s.message());
      } else if (outcomes[i].created) {
        report->Accepted();
      } else if (outcomes[i].changed) {
        report->Replaced();
      } else {
        report->Unchanged();
      }
    }
  }
  rows.clear();
  return absl::OkStatus();
}

absl::StatusOr<type::v1::ImportResult> ComplaintLogic::ImportCsv(const Caller& caller,
                                                                 const std::string& parent,
                                                                 const ChunkSource& next) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, parent));
  PELITA_ASSIGN_OR_RETURN(WorkingCalendar calendar, CalendarOf(caller.tenant));
  csv::ImportReport report;
  report.set_id_column("nomor_tiket");
  CsvComplaintParser parser(calendar.zone());
  bool header = false;
  std::vector<ImportRow> batch;
  csv::Reader reader(csv::ReaderOptions{}, [&](csv::Row& row) -> absl::Status {
    if (!header) {
      if (!row.error.empty()) {
        return InvalidField("csv_chunk", absl::StrCat("record 1 (line 1), column ", row.column,
                                                      " of the header: ", row.error));
      }
      if (absl::Status s = parser.SetHeader(row.fields); !s.ok()) {
        return InvalidField("csv_chunk", absl::StrCat("record 1 (line 1): ", s.message()));
      }
      header = true;
      return absl::OkStatus();
    }
    bool blank = row.error.empty();
    for (const auto& f : row.fields) blank &= absl::StripAsciiWhitespace(f).empty();
    if (blank) return absl::OkStatus();
    int column = -1;
    auto u = parser.Parse(row, &column);
    if (!u.ok()) {
      report.Reject(row.number, row.line, column + 1, parser.NameOf(column), parser.IdOf(row),
                    CodeOf(u.status()), u.status().message());
      return absl::OkStatus();
    }
    batch.push_back({row.number, row.line, std::move(*u)});
    if (static_cast<int>(batch.size()) >= batch_rows_) {
      return WriteRows(caller.tenant, batch, calendar, &parser, &report);
    }
    return absl::OkStatus();
  });
  std::string chunk;
  bool truncated = false;
  while (!truncated && !reader.broken() && next(&chunk, &truncated)) {
    PELITA_RETURN_IF_ERROR(reader.Feed(chunk));
  }
  if (truncated) {
    reader.Truncate();
  } else {
    PELITA_RETURN_IF_ERROR(reader.Finish());
  }
  // The rows read before a break are written and counted like any.
  PELITA_RETURN_IF_ERROR(WriteRows(caller.tenant, batch, calendar, &parser, &report));
  if (reader.broken()) {
    report.Stop(*reader.broken());
  } else if (!header) {
    return InvalidField("csv_chunk", "the file is empty (no header row)");
  }
  return report.Finish();
}

absl::StatusOr<type::v1::ImportResult> ComplaintLogic::ImportOpen311(
    const Caller& caller, const v1::ImportOpen311Request& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  PELITA_ASSIGN_OR_RETURN(WorkingCalendar calendar, CalendarOf(caller.tenant));
  PELITA_ASSIGN_OR_RETURN(std::vector<JsonRow> rows,
                          ParseOpen311(r.requests_json(), r.channel(), calendar.zone()));
  csv::ImportReport report;
  report.set_id_column("service_request_id");
  std::vector<ImportRow> batch;
  for (auto& row : rows) {
    if (!row.update.ok()) {
      report.Reject(row.row, 0, 0, "", row.id, CodeOf(row.update.status()), row.update.status().message());
      continue;
    }
    batch.push_back({row.row, 0, std::move(*row.update)});
    if (static_cast<int>(batch.size()) >= batch_rows_) {
      PELITA_RETURN_IF_ERROR(WriteRows(caller.tenant, batch, calendar, nullptr, &report));
    }
  }
  PELITA_RETURN_IF_ERROR(WriteRows(caller.tenant, batch, calendar, nullptr, &report));
  return report.Finish();
}

absl::StatusOr<v1::ComplaintStatistics> ComplaintLogic::Statistics(const std::string& tenant,
                                                                   const std::string& unit,
                                                                   const std::string& category,
                                                                   const Window& w) {
  std::vector<std::string> units;
  int64_t volume = 0;
  // A unit the directory does not know (a typing error, or a unit deleted
  // since) is NOT_FOUND unless something was recorded for it: a deleted
  // unit's history still reads.
  bool unknown_unit = false;
  if (!unit.empty()) {
    units.push_back(unit);
    auto info = ResolveUnit(tenant, unit);
    if (info.ok()) volume = info->monthly_service_volume;
    unknown_unit = absl::IsNotFound(info.status());
  } else {
    PELITA_ASSIGN_OR_RETURN(units, store_.Units(tenant));
    auto all = TenantUnits(tenant, false);
    if (all.ok()) for (const auto& u : *all) volume += u.monthly_service_volume;
  }
  const std::vector<std::string> window = CoverWindow(w);
  const std::vector<std::string> prefix = CoverWindow(Window{absl::CivilDay(kEpochYear, 1, 1), w.end});
  PELITA_ASSIGN_OR_RETURN(std::vector<BucketFields> buckets,
                          store_.ReadBuckets(tenant, "cb", units, window));
  // Backlog at the end = received - closed up to then: two fields a bucket.
  const std::string total = category.empty() ? "*" : category;
  PELITA_ASSIGN_OR_RETURN(
      auto cumulative,
      store_.ReadBucketFields(tenant, "cb", units, prefix, {total + "|recv", total + "|closed"}));
  v1::ComplaintStatistics s;
  DurationHistogram fwd, done;
  std::map<std::string, std::pair<int64_t, int64_t>> by_cat;
  int64_t backlog = 0;
  for (const auto& c : cumulative) backlog += c[0] - c[1];
  // Buckets hold each category ("*" only carries totals for the backlog);
  // "all categories" sums them.
  auto match = [&](const std::string& c) { return category.empty() || c == category; };
  for (size_t i = 0; i < buckets.size(); ++i) {
    for (const auto& [field, value] : buckets[i]) {
      const size_t bar = field.rfind('|');
      if (bar == std::string::npos) continue;
      const std::string c = field.substr(0, bar);
      if (c == "*") continue;
      const std::string m = field.substr(bar + 1);
      const int64_t v = ToInt(value);
      if (category.empty()) {
        if (m == "recv") by_cat[c].first += v;
        if (m == "done") by_cat[c].second += v;
      }
      if (!match(c)) continue;
      if (m == "recv") s.set_received(s.received() + v);
      else if (m == "fwd") s.set_forwarded(s.forwarded() + v);
      else if (m == "fu") s.set_followed_up(s.followed_up() + v);
      else if (m == "done") s.set_completed(s.completed() + v);
      else if (m == "arch") s.set_archived(s.archived() + v);
      else if (m == "noauth") s.set_not_our_authority(s.not_our_authority() + v);
      else if (m == "fwd_br") s.set_forward_sla_breaches(s.forward_sla_breaches() + v);
      else if (m == "fu_br") s.set_follow_up_sla_breaches(s.follow_up_sla_breaches() + v);
      else if (m == "fwd_sum") fwd.AddSum(v);
      else if (m == "done_sum") done.AddSum(v);
      else if (absl::StartsWith(m, "fwd_h")) fwd.AddBin(static_cast<int>(ToInt(m.substr(5))), v);
      else if (absl::StartsWith(m, "done_h")) done.AddBin(static_cast<int>(ToInt(m.substr(6))), v);
    }
  }
  if (unknown_unit && s.received() == 0 && backlog == 0) {
    return absl::NotFoundError(absl::StrCat("unknown unit \"", unit, "\" (no such unit, nothing recorded)"));
  }
  s.set_unit(unit.empty() ? "" : absl::StrCat("tenants/", tenant, "/units/", unit));
  s.set_category(category);
  *s.mutable_start_date() = ToDate(w.start);
  *s.mutable_end_date() = ToDate(w.end);
  s.set_open_backlog(backlog);
  *s.mutable_time_to_forward() = Summarize(fwd);
  *s.mutable_time_to_complete() = Summarize(done);
  s.set_monthly_service_volume(volume);
  const double days = static_cast<double>(w.end - w.start + 1);
  s.set_transactions(volume * days / kDaysPerMonth);
  if (s.transactions() > 0) s.set_complaints_per_1000(s.received() / s.transactions() * 1000);
  for (const auto& [c, counts] : by_cat) {
    auto* e = s.add_by_category();
    e->set_category(c);
    e->set_received(counts.first);
    e->set_completed(counts.second);
  }
  s.set_buckets_read(static_cast<int32_t>(buckets.size() + cumulative.size()));
  return s;
}

absl::StatusOr<v1::ComplaintStatistics> ComplaintLogic::GetComplaintStatistics(
    const Caller& caller, const v1::GetComplaintStatisticsRequest& r) {
  PELITA_RETURN_IF_ERROR(
      ParseTenantResource(caller, "name", r.name(), "tenants/*/complaintStatistics").status());
  std::string unit_name = r.unit();
  // A head of agency reads their own unit's statistics: the tenant's (no
  // unit named) are narrowed to it, another unit's are refused.
  if (unit_name.empty() && !caller.unit.empty() && IsRole(caller, Role::kAgencyHead)) unit_name = caller.unit;
  std::string unit;
  if (!unit_name.empty()) {
    PELITA_ASSIGN_OR_RETURN(auto parts,
                            ParseTenantResource(caller, "unit", unit_name, "tenants/*/units/*"));
    if (!ReachesUnit(caller, unit_name)) {
      return WithReason(absl::PermissionDeniedError(absl::StrCat(unit_name, " is not your unit")), "NOT_YOUR_UNIT");
    }
    unit = parts[1];
  }
  PELITA_ASSIGN_OR_RETURN(Window w, ResolveWindow(r.period(), r.start_date(), r.end_date()));
  return Statistics(caller.tenant, unit, r.category(), w);
}

namespace {
// `YYYY-MM` as a month; false for anything else.
bool ParseMonth(const std::string& text, absl::CivilMonth* m) {
  if (text.size() != 7 || text[4] != '-') return false;
  return absl::ParseCivilTime(text, m) && absl::FormatCivilTime(*m) == text && m->year() >= 2000 &&
         m->year() <= 2100;
}
}  // namespace

absl::StatusOr<v1::BatchGetUnitMonthsResponse> ComplaintLogic::BatchGetUnitMonths(
    const Caller& caller, const v1::BatchGetUnitMonthsRequest& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  // Every bad entry at once, so that a form can mark them all.
  std::vector<std::pair<std::string, std::string>> bad;
  std::vector<std::string> units;
  absl::flat_hash_set<std::string> seen;
  if (r.units_size() == 0) bad.emplace_back("units", "at least one unit is required");
  if (r.units_size() > kMaxBatchUnits) {
    bad.emplace_back("units", absl::StrCat("at most ", kMaxBatchUnits, " units (", r.units_size(), " given)"));
  }
  for (int i = 0; i < r.units_size() && i < kMaxBatchUnits; ++i) {
    const std::string field = absl::StrCat("units[", i, "]");
    auto parts = ParseTenantResource(caller, field, r.units(i), "tenants/*/units/*");
    if (!parts.ok()) {
      if (absl::IsPermissionDenied(parts.status())) return parts.status();
      bad.emplace_back(field, "must be tenants/{tenant}/units/{unit} of the parent");
      continue;
    }
    if (!seen.insert((*parts)[1]).second) {
      bad.emplace_back(field, absl::StrCat("unit ", (*parts)[1], " is named twice"));
      continue;
    }
    units.push_back((*parts)[1]);
  }
  absl::CivilMonth start, end;
  const bool start_ok = ParseMonth(r.start_period(), &start);
  const bool end_ok = ParseMonth(r.end_period(), &end);
  if (!start_ok) bad.emplace_back("start_period", "must be a month YYYY-MM (2000-2100)");
  if (!end_ok) bad.emplace_back("end_period", "must be a month YYYY-MM (2000-2100)");
  if (start_ok && end_ok) {
    if (end < start) {
      bad.emplace_back("end_period", "is before start_period");
    } else if (end - start + 1 > kMaxBatchMonths) {
      bad.emplace_back("end_period", absl::StrCat("at most ", kMaxBatchMonths, " months from start_period (",
                                                  end - start + 1, " asked)"));
    }
  }
  if (!bad.empty()) return InvalidFields(bad);
  // A head of agency reads their own unit only.
  for (const std::string& u : units) {
    const std::string name = absl::StrCat("tenants/", caller.tenant, "/units/", u);
    if (!ReachesUnit(caller, name)) {
      return WithReason(absl::PermissionDeniedError(absl::StrCat("unit ", name, " is not the caller's unit")),
                        "OUTSIDE_REACH", {{"unit", name}});
    }
  }
  std::vector<absl::CivilMonth> months;
  for (absl::CivilMonth m = start; m <= end; ++m) months.push_back(m);
  // Volumes from the directory (cached; no Redis round trip).
  absl::flat_hash_map<std::string, int64_t> volume;
  PELITA_ASSIGN_OR_RETURN(auto directory, TenantUnits(caller.tenant, false));
  for (const UnitInfo& u : directory) volume[u.id] = u.monthly_service_volume;
  PELITA_ASSIGN_OR_RETURN(auto totals, store_.ReadMonths(caller.tenant, units, months));
  const bool raw = IsStaff(caller);
  v1::BatchGetUnitMonthsResponse out;
  for (size_t i = 0; i < units.size(); ++i) {
    const int64_t vol = volume.contains(units[i]) ? volume[units[i]] : 0;
    for (size_t j = 0; j < months.size(); ++j) {
      const ComplaintStore::MonthTotals& t = totals[i * months.size() + j];
      v1::UnitMonth* m = out.add_unit_months();
      m->set_unit(absl::StrCat("tenants/", caller.tenant, "/units/", units[i]));
      m->set_period(absl::FormatCivilTime(months[j]));
      m->set_complaints_received(t.received);
      m->set_monthly_service_volume(vol);
      const double days = static_cast<double>(absl::CivilDay(months[j] + 1) - absl::CivilDay(months[j]));
      m->set_transactions(static_cast<double>(vol) * days / kDaysPerMonth);
      m->set_skm_respondents(t.skm.respondents);
      bool thin = t.skm.respondents < kMinRespondents;
      for (int e = 0; e < 9; ++e) thin = thin || t.skm.answered[e] < kMinRespondents;
      if (t.skm.respondents == 0) continue;
      if (thin && !raw) {
        m->set_skm_withheld(true);
        continue;
      }
      for (int e = 0; e < 9; ++e) {
        m->add_element_sums(t.skm.sum[e]);
        m->add_element_answered(t.skm.answered[e]);
      }
      m->set_score_sum(t.skm.score_sum);
      m->set_score_sum_squares(t.skm.score_sumsq);
    }
  }
  return out;
}

absl::StatusOr<v1::ComplaintRateComparison> ComplaintLogic::CompareComplaintRates(
    const Caller& caller, const v1::CompareComplaintRatesRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", r.name(),
                                                          "tenants/*/units/*/complaintRateChange"));
  PELITA_ASSIGN_OR_RETURN(absl::CivilDay date, FromDate(r.date(), "date"));
  if (r.window_days() < 1 || r.window_days() > 3660) {
    return InvalidField("window_days", "must be between 1 and 3660");
  }
  auto info = ResolveUnit(caller.tenant, parts[1]);
  if (absl::IsNotFound(info.status())) return absl::NotFoundError(info.status().message());
  if (!info.ok()) return info.status();
  if (info->monthly_service_volume <= 0) {
    return WithReason(absl::FailedPreconditionError(
                          absl::StrCat("unit ", parts[1], " has no monthly_service_volume")),
                      "NO_SERVICE_VOLUME", {{"unit", parts[1]}});
  }
  const Window before{date - r.window_days(), date - 1};
  const Window after{date, date + (r.window_days() - 1)};
  PELITA_ASSIGN_OR_RETURN(auto sb, Statistics(caller.tenant, parts[1], r.category(), before));
  PELITA_ASSIGN_OR_RETURN(auto sa, Statistics(caller.tenant, parts[1], r.category(), after));
  const double exposure = info->monthly_service_volume * r.window_days() / kDaysPerMonth;
  const RateComparison c = complaint::CompareRates(sb.received(), exposure, sa.received(), exposure, 1000);
  v1::ComplaintRateComparison out;
  out.set_unit(SingletonParent(r.name()));
  auto fill = [&](v1::RateWindow* rw, const Window& w, int64_t n, double rate) {
    *rw->mutable_start_date() = ToDate(w.start);
    *rw->mutable_end_date() = ToDate(w.end);
    rw->set_complaints(n);
    rw->set_transactions(exposure);
    rw->set_per_1000(rate);
  };
  fill(out.mutable_before(), before, sb.received(), c.rate_before);
  fill(out.mutable_after(), after, sa.received(), c.rate_after);
  out.set_difference(c.difference);
  out.set_difference_ci_low(c.difference_low);
  out.set_difference_ci_high(c.difference_high);
  out.set_rate_ratio(c.ratio);
  out.set_ratio_ci_low(c.ratio_low);
  out.set_ratio_ci_high(c.ratio_high);
  out.set_continuity_corrected(c.continuity_corrected);
  return out;
}

absl::StatusOr<bool> ComplaintLogic::RecordSatisfactionForTenant(const std::string& tenant,
                                                                 const v1::SatisfactionResponse& r) {
  if (r.name().empty() || r.name().size() > 200) return InvalidField("response.name", "must be 1-200 characters");
  Caller caller{tenant, "", ""};
  PELITA_ASSIGN_OR_RETURN(auto parts,
                          ParseTenantResource(caller, "response.unit", r.unit(), "tenants/*/units/*"));
  if (r.scores_size() != 9) return InvalidField("response.scores", "must hold 9 elements (U1..U9)");
  std::vector<int> scores;
  int answered = 0;
  for (int s : r.scores()) {
    if (s < 0 || s > 4) return InvalidField("response.scores", "each score is 1-4 (0 = not answered)");
    answered += s > 0;
    scores.push_back(s);
  }
  if (answered == 0) return InvalidField("response.scores", "no element answered");
  auto unit = ResolveUnit(tenant, parts[1]);
  if (absl::IsNotFound(unit.status())) return InvalidField("response.unit", unit.status().message());
  if (!unit.ok()) return unit.status();
  const absl::Time t = r.has_time() ? FromTimestamp(r.time()) : clock_();
  PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
  return store_.RecordSkm(tenant, r.name(), unit->id, absl::ToCivilDay(t, zone), scores);
}

absl::StatusOr<v1::RecordSatisfactionResponseResponse> ComplaintLogic::RecordSatisfactionResponse(
    const Caller& caller, const v1::RecordSatisfactionResponseRequest& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  PELITA_ASSIGN_OR_RETURN(bool recorded, RecordSatisfactionForTenant(caller.tenant, r.response()));
  v1::RecordSatisfactionResponseResponse out;
  out.set_recorded(recorded);
  return out;
}

absl::StatusOr<v1::Satisfaction> ComplaintLogic::GetSatisfaction(const Caller& caller,
                                                                 const v1::GetSatisfactionRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", r.name(),
                                                          "tenants/*/units/*/satisfaction"));
  PELITA_ASSIGN_OR_RETURN(Window w, ResolveWindow(r.period(), r.start_date(), r.end_date()));
  const std::vector<std::string> labels = CoverWindow(w);
  PELITA_ASSIGN_OR_RETURN(auto buckets, store_.ReadBuckets(caller.tenant, "sb", {parts[1]}, labels));
  SkmTotals t;
  for (const auto& b : buckets) {
    SkmTotals x;
    for (const auto& [f, v] : b) {
      if (f == "n") x.respondents = ToInt(v);
      else if (f == "rs") x.score_sum = ToDouble(v);
      else if (f == "rq") x.score_sumsq = ToDouble(v);
      else if (f.size() == 2 && (f[0] == 's' || f[0] == 'c') && f[1] >= '1' && f[1] <= '9') {
        (f[0] == 's' ? x.sum : x.answered)[f[1] - '1'] = ToInt(v);
      }
    }
    t.Merge(x);
  }
  int64_t volume = 0;
  auto info = ResolveUnit(caller.tenant, parts[1]);
  if (info.ok()) volume = info->monthly_service_volume;
  // As with complaint statistics: an unknown unit with no answers is
  // NOT_FOUND, a deleted unit's answers still read.
  if (absl::IsNotFound(info.status()) && t.respondents == 0) {
    return absl::NotFoundError(absl::StrCat("unknown unit \"", parts[1], "\" (no such unit, no SKM answers)"));
  }
  const double days = static_cast<double>(w.end - w.start + 1);
  const int64_t population = std::llround(volume * days / kDaysPerMonth);
  // Every element needs the minimum number of answers: IKM averages all
  // nine NRR (PermenPANRB 14/2017), and an element of fewer answers would
  // follow from the IKM and the other eight.
  const IkmResult ikm = ComputeIkm(t, population, kMinRespondents);
  v1::Satisfaction out;
  out.set_unit(SingletonParent(r.name()));
  *out.mutable_start_date() = ToDate(w.start);
  *out.mutable_end_date() = ToDate(w.end);
  out.set_respondents(t.respondents);
  out.set_population(population);
  out.set_margin_of_error_pct(ikm.margin_of_error_pct);
  out.set_recommended_sample_size(ikm.recommended_sample_size);
  if (t.respondents < kMinRespondents) {
    out.set_suppressed(true);
    out.set_suppression(v1::TOO_FEW_RESPONDENTS);
    out.set_suppressed_reason(absl::StrCat(t.respondents, " SKM respondents, fewer than the minimum ",
                                           kMinRespondents, " (UU 27/2022)"));
    return out;
  }
  if (ikm.incomplete_element >= 0) {
    const int e = ikm.incomplete_element;
    out.set_suppressed(true);
    out.set_suppression(v1::ELEMENT_TOO_FEW_ANSWERS);
    out.set_suppressed_reason(absl::StrCat("element U", e + 1, " answered by ", t.answered[e],
                                           " respondents, fewer than the minimum ", kMinRespondents,
                                           ": the IKM needs all nine elements (PermenPANRB 14/2017)"));
    return out;
  }
  for (int i = 0; i < 9; ++i) {
    auto* e = out.add_elements();
    e->set_element(absl::StrCat("U", i + 1));
    e->set_respondents(t.answered[i]);
    e->set_nrr(ikm.nrr[i]);
  }
  out.set_ikm(ikm.ikm);
  out.set_ikm_converted(ikm.converted);
  out.set_ikm_converted_rounded(static_cast<double>(ikm.converted_cents) / 100);
  out.set_category(ikm.category);
  out.set_category_label(ikm.label);
  out.set_ikm_margin(ikm.ikm_margin);
  out.set_ikm_standard_error(ikm.standard_error);
  return out;
}

namespace {
v1::DataCoverage CoverageOf(const std::string& tenant, const std::string& unit, const UnitCoverage& c) {
  v1::DataCoverage out;
  out.set_name(absl::StrCat("tenants/", tenant, "/units/", unit, "/dataCoverage"));
  if (c.complaints_since) *out.mutable_complaints_since() = ToDate(*c.complaints_since);
  if (c.satisfaction_since) *out.mutable_satisfaction_since() = ToDate(*c.satisfaction_since);
  if (c.data_since) *out.mutable_data_since() = ToDate(*c.data_since);
  const auto& complaints = c.data_since ? c.data_since : c.complaints_since;
  const auto& satisfaction = c.data_since ? c.data_since : c.satisfaction_since;
  if (complaints) *out.mutable_effective_complaints_since() = ToDate(*complaints);
  if (satisfaction) *out.mutable_effective_satisfaction_since() = ToDate(*satisfaction);
  return out;
}
}  // namespace

absl::StatusOr<v1::DataCoverage> ComplaintLogic::GetDataCoverage(const Caller& caller,
                                                                 const v1::GetDataCoverageRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts,
                          ParseTenantResource(caller, "name", r.name(), "tenants/*/units/*/dataCoverage"));
  PELITA_ASSIGN_OR_RETURN(const int year, ThisYear(caller.tenant));
  PELITA_ASSIGN_OR_RETURN(auto all, store_.Coverage(caller.tenant, year));
  auto it = all.find(parts[1]);
  if (it == all.end()) {
    // A unit without data: known to the directory, else not found.
    auto unit = ResolveUnit(caller.tenant, parts[1]);
    if (!unit.ok()) return unit.status();
    return CoverageOf(caller.tenant, parts[1], UnitCoverage{});
  }
  return CoverageOf(caller.tenant, parts[1], it->second);
}

absl::StatusOr<v1::ListDataCoverageResponse> ComplaintLogic::ListDataCoverage(
    const Caller& caller, const v1::ListDataCoverageRequest& r) {
  PELITA_RETURN_IF_ERROR(CheckParent(caller, r.parent()));
  PELITA_ASSIGN_OR_RETURN(const int year, ThisYear(caller.tenant));
  PELITA_ASSIGN_OR_RETURN(auto all, store_.Coverage(caller.tenant, year));
  v1::ListDataCoverageResponse out;
  for (const auto& [unit, c] : all) *out.add_coverage() = CoverageOf(caller.tenant, unit, c);
  return out;
}

absl::StatusOr<v1::DataCoverage> ComplaintLogic::UpdateDataCoverage(const Caller& caller,
                                                                    const v1::UpdateDataCoverageRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "coverage.name", r.coverage().name(),
                                                          "tenants/*/units/*/dataCoverage"));
  if (!IsStaff(caller)) {
    return WithReason(absl::PermissionDeniedError(
        absl::StrCat("role ", caller.role, " may not set data_since: only organisers and admins")),
                      "STAFF_ONLY");
  }
  // AIP-134: data_since is the one field a caller sets; the mask says
  // whether this request sets it (empty mask: if it is present; `data_since`
  // or `*`: always, so an absent value clears it).  Other paths are output
  // only and ignored; unknown paths are refused.
  static const std::vector<std::string> kOutputOnly = {"name", "complaints_since", "satisfaction_since",
                                                       "effective_complaints_since",
                                                       "effective_satisfaction_since"};
  v1::DataCoverage taken;
  PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(r.coverage(), r.update_mask(), kOutputOnly, &taken));
  const auto& paths = r.update_mask().paths();
  const bool sets_data_since = paths.empty() ? r.coverage().has_data_since()
                                             : std::find(paths.begin(), paths.end(), "*") != paths.end() ||
                                                   std::find(paths.begin(), paths.end(), "data_since") != paths.end();
  v1::GetDataCoverageRequest get;
  get.set_name(absl::StrCat("tenants/", caller.tenant, "/units/", parts[1], "/dataCoverage"));
  if (!sets_data_since) return GetDataCoverage(caller, get);
  std::optional<absl::CivilDay> day;
  const google::type::Date& d = taken.data_since();
  if (d.year() != 0 || d.month() != 0 || d.day() != 0) {
    PELITA_ASSIGN_OR_RETURN(absl::CivilDay parsed, DayInRange(d, "coverage.data_since"));
    PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(caller.tenant));
    if (parsed > TodayIn(zone, clock_())) {
      return InvalidField("coverage.data_since", absl::StrCat("must be a day from ", kEpochYear, " to today"));
    }
    day = parsed;
  }
  auto unit = ResolveUnit(caller.tenant, parts[1]);
  if (absl::IsNotFound(unit.status())) return absl::NotFoundError(unit.status().message());
  if (!unit.ok()) return unit.status();
  PELITA_RETURN_IF_ERROR(store_.SetDataSince(caller.tenant, unit->id, day));
  get.set_name(absl::StrCat("tenants/", caller.tenant, "/units/", unit->id, "/dataCoverage"));
  return GetDataCoverage(caller, get);
}

namespace {
v1::WorkingCalendar ToProto(const std::string& name, const WorkingCalendar& c) {
  v1::WorkingCalendar out;
  out.set_name(name);
  for (const auto& h : c.holidays()) {
    auto* p = out.add_holidays();
    *p->mutable_date() = ToDate(h.day);
    p->set_description(h.description);
    p->set_collective_leave(h.collective_leave);
  }
  return out;
}
}  // namespace

absl::StatusOr<v1::WorkingCalendar> ComplaintLogic::GetWorkingCalendar(
    const Caller& caller, const v1::GetWorkingCalendarRequest& r) {
  PELITA_RETURN_IF_ERROR(
      ParseTenantResource(caller, "name", r.name(), "tenants/*/workingCalendar").status());
  PELITA_ASSIGN_OR_RETURN(WorkingCalendar c, CalendarOf(caller.tenant));
  return ToProto(r.name(), c);
}

absl::StatusOr<v1::WorkingCalendar> ComplaintLogic::UpdateWorkingCalendar(
    const Caller& caller, const v1::UpdateWorkingCalendarRequest& r) {
  const std::string& name = r.calendar().name();
  PELITA_RETURN_IF_ERROR(
      ParseTenantResource(caller, "calendar.name", name, "tenants/*/workingCalendar").status());
  if (auto role = ParseRole(caller.role); !role.ok() || *role != Role::kAdmin) {
    return WithReason(absl::PermissionDeniedError("only an admin may change the working calendar"),
                      "ADMIN_ONLY");
  }
  // AIP-134 on the stored calendar: the fields the mask names (the fields
  // set in the request when it names none); the name is the service's.
  PELITA_ASSIGN_OR_RETURN(WorkingCalendar current, CalendarOf(caller.tenant));
  v1::WorkingCalendar merged = ToProto(name, current);
  PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(r.calendar(), r.update_mask(), {"name"}, &merged));
  // Every entry is checked before anything is written: a bad one changes
  // nothing.
  std::vector<HolidayEntry> holidays;
  absl::flat_hash_set<absl::CivilDay> seen;
  for (int i = 0; i < merged.holidays_size(); ++i) {
    const v1::Holiday& h = merged.holidays(i);
    const std::string field = absl::StrCat("calendar.holidays[", i, "]");
    const std::string date_field = absl::StrCat(field, ".date");
    PELITA_ASSIGN_OR_RETURN(absl::CivilDay d, DayInRange(h.date(), date_field.c_str()));
    if (h.description().size() > 200) {
      return InvalidField(absl::StrCat(field, ".description"), "must be at most 200 characters");
    }
    if (!seen.insert(d).second) {
      return InvalidField(date_field, absl::StrCat(absl::FormatCivilTime(d), " is listed twice"));
    }
    holidays.push_back({d, h.description(), h.collective_leave()});
  }
  PELITA_ASSIGN_OR_RETURN(WorkingCalendar c, store_.ReplaceCalendar(caller.tenant, holidays));
  return ToProto(name, c);
}

absl::StatusOr<WorkingCalendar> ComplaintLogic::CalendarOf(const std::string& tenant) {
  PELITA_ASSIGN_OR_RETURN(WorkingCalendar calendar, store_.LoadCalendar(tenant));
  PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
  calendar.set_zone(zone);
  return calendar;
}

absl::StatusOr<int> ComplaintLogic::ThisYear(const std::string& tenant) {
  PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
  return static_cast<int>(TodayIn(zone, clock_()).year());
}

}  // namespace pelita::complaint
