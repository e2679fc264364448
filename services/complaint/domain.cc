#include "services/complaint/domain.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"
#include "services/complaint/stats_math.h"

namespace pelita::complaint {

int StatusRank(v1::Status s) {
  switch (s) {
    case v1::RECEIVED: return 1;
    case v1::VERIFIED: return 2;
    case v1::FORWARDED: return 3;
    case v1::IN_FOLLOW_UP: return 4;
    case v1::COMPLETED:
    case v1::ARCHIVED:
    case v1::NOT_OUR_AUTHORITY: return 5;
    default: return 0;
  }
}

bool IsTerminal(v1::Status s) { return StatusRank(s) == 5; }

absl::StatusOr<v1::Status> ParseStatus(const std::string& text) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  absl::StrReplaceAll({{" ", "_"}, {"-", "_"}}, &t);
  if (t == "diterima" || t == "received" || t == "baru" || t == "open") return v1::RECEIVED;
  if (t == "diverifikasi" || t == "verified" || t == "terverifikasi") return v1::VERIFIED;
  if (t == "diteruskan" || t == "forwarded" || t == "didisposisikan" || t == "disposisi")
    return v1::FORWARDED;
  if (t == "ditindaklanjuti" || t == "in_follow_up" || t == "tindak_lanjut" || t == "diproses")
    return v1::IN_FOLLOW_UP;
  if (t == "selesai" || t == "completed" || t == "closed") return v1::COMPLETED;
  if (t == "diarsipkan" || t == "archived" || t == "arsip") return v1::ARCHIVED;
  if (t == "bukan_kewenangan" || t == "not_our_authority") return v1::NOT_OUR_AUTHORITY;
  return absl::InvalidArgumentError(absl::StrCat("unknown status \"", text, "\""));
}

absl::StatusOr<v1::Classification> ParseClassification(const std::string& text) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  absl::StrReplaceAll({{" ", "_"}, {"-", "_"}}, &t);
  if (t.empty()) return v1::CLASSIFICATION_UNSPECIFIED;
  if (t == "aspirasi") return v1::ASPIRASI;
  if (t == "pengaduan") return v1::PENGADUAN;
  if (t == "permintaan_informasi" || t == "informasi") return v1::PERMINTAAN_INFORMASI;
  return absl::InvalidArgumentError(absl::StrCat("unknown classification \"", text, "\""));
}

absl::Status ValidateUpdate(const ComplaintUpdate& u) {
  if (u.id.empty() || u.id.size() > 64) return WithReason(InvalidField("complaint_id", "must be 1-64 characters"), "INVALID_ID");
  for (char c : u.id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return WithReason(InvalidField("complaint_id", "may hold only letters, digits, '-', '_' and '.'"),
                        "INVALID_ID");
    }
  }
  if (u.steps.empty()) return WithReason(InvalidField("status", "no status step given"), "UNKNOWN_STATUS");
  for (const auto& [s, t] : u.steps) {
    if (StatusRank(s) == 0) return WithReason(InvalidField("status", "must be set"), "UNKNOWN_STATUS");
    if (t == absl::InfinitePast() || t == absl::UnixEpoch()) {
      return WithReason(InvalidField("time", "must be set"), "INVALID_TIME");
    }
    // The year in UTC: a few hours either side of 1 January 2000 make no
    // difference to a floor that old.
    if (absl::ToCivilYear(t, absl::UTCTimeZone()).year() < kEpochYear) {
      return WithReason(InvalidField("time", absl::StrCat("before ", kEpochYear)), "TIME_TOO_EARLY");
    }
  }
  if (u.unit.size() > 64) return WithReason(InvalidField("unit", "too long"), "UNKNOWN_UNIT");
  if (u.category.size() > 100) {
    return WithReason(InvalidField("category", "longer than 100 characters"), "CATEGORY_TOO_LONG");
  }
  return absl::OkStatus();
}

namespace {

struct Times {
  bool has_received = false, has_forward = false, has_follow_up = false, has_complete = false;
  absl::Time received, forward, follow_up, complete, closed;
  bool has_closed = false;
  v1::Status closed_status = v1::STATUS_UNSPECIFIED;
};

Times TimesOf(const v1::Complaint& c) {
  Times t;
  std::map<v1::Status, absl::Time> h;
  for (const auto& s : c.history()) h[s.status()] = FromTimestamp(s.time());
  if (h.empty()) return t;
  t.has_received = true;
  t.received = absl::InfiniteFuture();
  for (const auto& [s, time] : h) t.received = std::min(t.received, time);
  auto first_of = [&](std::initializer_list<v1::Status> ss, absl::Time* out) {
    bool found = false;
    for (v1::Status s : ss) {
      auto it = h.find(s);
      if (it != h.end() && (!found || it->second < *out)) {
        *out = it->second;
        found = true;
      }
    }
    return found;
  };
  t.has_forward = first_of({v1::FORWARDED, v1::IN_FOLLOW_UP}, &t.forward);
  if (t.has_forward) t.has_follow_up = first_of({v1::IN_FOLLOW_UP, v1::COMPLETED}, &t.follow_up);
  t.has_complete = first_of({v1::COMPLETED}, &t.complete);
  t.has_closed = first_of({v1::COMPLETED, v1::ARCHIVED, v1::NOT_OUR_AUTHORITY}, &t.closed);
  return t;
}

}  // namespace

bool MergeUpdate(const std::string& tenant, const ComplaintUpdate& u,
                 const WorkingCalendar& calendar, v1::ComplaintRecord* record) {
  const std::string before = record->SerializeAsString();
  v1::Complaint* c = record->mutable_complaint();
  const bool fresh = c->name().empty();
  if (fresh) c->set_name(absl::StrCat("tenants/", tenant, "/complaints/", u.id));

  std::map<v1::Status, absl::Time> h;
  for (const auto& s : c->history()) h[s.status()] = FromTimestamp(s.time());
  const auto old_history = h;
  absl::Time latest = absl::InfinitePast();
  for (const auto& [s, t] : u.steps) {
    auto it = h.find(s);
    if (it == h.end() || t < it->second) h[s] = t;
    latest = std::max(latest, t);
  }
  // Attributes: from the update whose latest step is the latest seen.
  const absl::Time attr_time = fresh ? absl::InfinitePast() : FromTimestamp(c->update_time());
  const bool newer = latest >= attr_time;
  auto take = [&](const std::string& value, std::string* field) {
    if (!value.empty() && (field->empty() || newer)) *field = value;
  };
  take(u.channel, c->mutable_channel());
  if (!u.unit.empty()) {
    const std::string unit = absl::StrCat("tenants/", tenant, "/units/", u.unit);
    take(unit, c->mutable_unit());
  }
  take(u.category, c->mutable_category());
  take(u.title, c->mutable_title());
  if (u.classification != v1::CLASSIFICATION_UNSPECIFIED &&
      (c->classification() == v1::CLASSIFICATION_UNSPECIFIED || newer)) {
    c->set_classification(u.classification);
  }
  if (newer) *c->mutable_update_time() = ToTimestamp(latest);

  if (h != old_history || fresh) {
    // History ordered by rank, then status, with the current status.
    std::vector<std::pair<v1::Status, absl::Time>> steps(h.begin(), h.end());
    std::sort(steps.begin(), steps.end(), [](const auto& a, const auto& b) {
      if (StatusRank(a.first) != StatusRank(b.first)) return StatusRank(a.first) < StatusRank(b.first);
      return a.second < b.second || (a.second == b.second && a.first < b.first);
    });
    c->clear_history();
    for (const auto& [s, t] : steps) {
      auto* step = c->add_history();
      step->set_status(s);
      *step->mutable_time() = ToTimestamp(t);
    }
    // The last of the sorted steps: highest rank, latest terminal.
    c->set_status(steps.back().first);
    absl::Time created = absl::InfiniteFuture();
    for (const auto& [s, t] : steps) created = std::min(created, t);
    *c->mutable_create_time() = ToTimestamp(created);

    const Times t = TimesOf(*c);
    record->set_forward_working_days(
        t.has_forward ? calendar.WorkingDaysBetween(t.received, t.forward) : 0);
    record->set_follow_up_working_days(
        t.has_follow_up ? calendar.WorkingDaysBetween(t.forward, t.follow_up) : 0);
    record->set_complete_working_days(
        t.has_complete ? calendar.WorkingDaysBetween(t.received, t.complete) : 0);
  }
  return record->SerializeAsString() != before;
}

std::string UnitIdOf(const std::string& unit) {
  const size_t p = unit.rfind('/');
  return p == std::string::npos ? unit : unit.substr(p + 1);
}

std::map<ContributionKey, int64_t> Contributions(const v1::ComplaintRecord& record,
                                                 const absl::TimeZone& zone) {
  std::map<ContributionKey, int64_t> out;
  const v1::Complaint& c = record.complaint();
  if (c.history_size() == 0) return out;
  const std::string unit = UnitIdOf(c.unit());
  std::string category = c.category().empty() ? "lainnya" : c.category();
  std::replace(category.begin(), category.end(), '|', '/');
  const absl::TimeZone& tz = zone;
  auto add = [&](absl::Time t, const std::string& metric, int64_t v) {
    const absl::CivilDay d = absl::ToCivilDay(t, tz);
    out[{unit, d, category, metric}] += v;
    // Totals over categories of what backlogs need, so that the prefix sum
    // up to a date reads two fields per bucket.
    if (metric == "recv" || metric == "closed") out[{unit, d, "*", metric}] += v;
  };
  const Times t = TimesOf(c);
  add(t.received, "recv", 1);
  if (t.has_forward) {
    const int64_t m = std::llround(record.forward_working_days() * 1440);
    add(t.forward, "fwd", 1);
    add(t.forward, "fwd_sum", m);
    add(t.forward, absl::StrCat("fwd_h", DurationHistogram::BinOf(m)), 1);
    if (record.forward_working_days() > kForwardSlaDays + 1e-9) add(t.forward, "fwd_br", 1);
  }
  if (t.has_follow_up) {
    add(t.follow_up, "fu", 1);
    if (record.follow_up_working_days() > kFollowUpSlaDays + 1e-9) add(t.follow_up, "fu_br", 1);
  }
  if (t.has_complete) {
    const int64_t m = std::llround(record.complete_working_days() * 1440);
    add(t.complete, "done", 1);
    add(t.complete, "done_sum", m);
    add(t.complete, absl::StrCat("done_h", DurationHistogram::BinOf(m)), 1);
  }
  for (const auto& s : c.history()) {
    if (s.status() == v1::ARCHIVED) add(FromTimestamp(s.time()), "arch", 1);
    if (s.status() == v1::NOT_OUR_AUTHORITY) add(FromTimestamp(s.time()), "noauth", 1);
  }
  if (t.has_closed) add(t.closed, "closed", 1);
  return out;
}

std::vector<Contribution> Diff(const v1::ComplaintRecord* old_record,
                               const v1::ComplaintRecord& new_record, const absl::TimeZone& zone) {
  auto now = Contributions(new_record, zone);
  if (old_record != nullptr) {
    for (const auto& [k, v] : Contributions(*old_record, zone)) now[k] -= v;
  }
  std::vector<Contribution> out;
  for (const auto& [k, v] : now) {
    if (v == 0) continue;
    out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), v});
  }
  return out;
}

absl::StatusOr<absl::CivilDay> DayInRange(const google::type::Date& d, const char* field) {
  auto day = FromDate(d, field);
  if (!day.ok() || day->year() < kEpochYear || day->year() > 2200) {
    return InvalidField(field, absl::StrCat("must be a real date from ", kEpochYear, " to 2200"));
  }
  return *day;
}

absl::StatusOr<Window> ParsePeriod(const std::string& period) {
  const std::vector<std::string> parts = absl::StrSplit(period, '-');
  int y = 0, m = 0, d = 0;
  auto bad = [&] { return InvalidField("period", "must be YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD"); };
  if (parts.empty() || parts[0].size() != 4 || !absl::SimpleAtoi(parts[0], &y) || y < kEpochYear ||
      y > 2200) {
    return bad();
  }
  if (parts.size() == 1) return Window{absl::CivilDay(y, 1, 1), absl::CivilDay(y, 12, 31)};
  if (parts.size() == 2 && parts[1].size() == 2 && (parts[1][0] == 'Q' || parts[1][0] == 'q')) {
    const int q = parts[1][1] - '0';
    if (q < 1 || q > 4) return bad();
    const absl::CivilMonth first(y, 3 * (q - 1) + 1);
    return Window{absl::CivilDay(first), absl::CivilDay(first + 3) - 1};
  }
  if (parts[1].size() != 2 || !absl::SimpleAtoi(parts[1], &m) || m < 1 || m > 12) return bad();
  if (parts.size() == 2) {
    const absl::CivilMonth mo(y, m);
    return Window{absl::CivilDay(mo), absl::CivilDay(mo + 1) - 1};
  }
  if (parts.size() != 3 || parts[2].size() != 2 || !absl::SimpleAtoi(parts[2], &d)) return bad();
  const absl::CivilDay day(y, m, d);
  if (day.month() != m || day.day() != d) return bad();
  return Window{day, day};
}

absl::StatusOr<Window> ResolveWindow(const std::string& period, const google::type::Date& start,
                                     const google::type::Date& end) {
  const bool has_dates = start.year() != 0 || end.year() != 0;
  if (!period.empty() && has_dates) {
    return InvalidField("period", "give either period or start_date/end_date");
  }
  if (!period.empty()) return ParsePeriod(period);
  if (!has_dates) return InvalidField("period", "a period or start_date/end_date is required");
  PELITA_ASSIGN_OR_RETURN(absl::CivilDay s, DayInRange(start, "start_date"));
  PELITA_ASSIGN_OR_RETURN(absl::CivilDay e, DayInRange(end, "end_date"));
  if (e < s) return InvalidField("end_date", "is before start_date");
  return Window{s, e};
}

std::vector<std::string> CoverWindow(const Window& w) {
  std::vector<std::string> out;
  absl::CivilDay d = w.start;
  while (d <= w.end) {
    if (d.month() == 1 && d.day() == 1 && absl::CivilDay(d.year(), 12, 31) <= w.end) {
      out.push_back(absl::StrFormat("y%04d", d.year()));
      d = absl::CivilDay(absl::CivilYear(d) + 1);
    } else if (d.day() == 1 && absl::CivilDay(absl::CivilMonth(d) + 1) - 1 <= w.end) {
      out.push_back(absl::StrFormat("m%04d%02d", d.year(), d.month()));
      d = absl::CivilDay(absl::CivilMonth(d) + 1);
    } else {
      out.push_back(absl::StrFormat("d%04d%02d%02d", d.year(), d.month(), d.day()));
      d += 1;
    }
  }
  return out;
}

std::vector<std::string> BucketsOfDay(absl::CivilDay d) {
  return {absl::StrFormat("y%04d", d.year()), absl::StrFormat("m%04d%02d", d.year(), d.month()),
          absl::StrFormat("d%04d%02d%02d", d.year(), d.month(), d.day())};
}

absl::StatusOr<absl::Time> ParseTime(const std::string& raw) {
  const std::string text(absl::StripAsciiWhitespace(raw));
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return t;
  return absl::InvalidArgumentError(absl::StrCat("bad time \"", text, "\" (RFC 3339 with an offset)"));
}

absl::StatusOr<absl::Time> ParseTime(const std::string& raw, const absl::TimeZone& zone) {
  const std::string text(absl::StripAsciiWhitespace(raw));
  absl::Time t;
  std::string err;
  if (text.find('T') != std::string::npos && absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return t;
  }
  for (const char* f : {"%Y-%m-%d %H:%M:%E*S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%E*S", "%Y-%m-%d",
                        "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"}) {
    if (absl::ParseTime(f, text, zone, &t, &err)) return t;
  }
  return absl::InvalidArgumentError(absl::StrCat("bad time \"", text, "\""));
}

}  // namespace pelita::complaint
