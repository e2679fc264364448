#ifndef PELITA_SERVICES_COMPLAINT_DOMAIN_H_
#define PELITA_SERVICES_COMPLAINT_DOMAIN_H_

// Complaint domain rules without storage or network: status ranks and the
// merge of updates (order-independent, idempotent, forward only), the bucket
// contributions of a complaint, windows and periods.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lib/time/time.h"
#include "pelita/complaint/v1/complaint.pb.h"
#include "services/complaint/calendar.h"

namespace pelita::complaint {


// SP4N-LAPOR! deadlines (Perpres 76/2013 and PermenPANRB 62/2018): verify
// and forward within 3 working days; the agency follows up within 5.
inline constexpr double kForwardSlaDays = 3;
inline constexpr double kFollowUpSlaDays = 5;

int StatusRank(v1::Status s);
bool IsTerminal(v1::Status s);
// "diterima"/"received", "diteruskan"/"forwarded", ... -> status.
absl::StatusOr<v1::Status> ParseStatus(const std::string& text);
absl::StatusOr<v1::Classification> ParseClassification(const std::string& text);

// What one source says about a complaint: attributes and the steps it knows.
struct ComplaintUpdate {
  std::string id;
  std::string channel;
  std::string unit;  // unit id (slug)
  v1::Classification classification = v1::CLASSIFICATION_UNSPECIFIED;
  std::string category;
  std::string title;
  std::vector<std::pair<v1::Status, absl::Time>> steps;
};

// Checks the id (1-64 of [A-Za-z0-9._-]) and the steps (at least one, known
// statuses, times set).
absl::Status ValidateUpdate(const ComplaintUpdate& u);

// Merges `u` into `record` (empty = new complaint of `tenant`).  History is
// the union of steps with the earliest time per status; the current status is
// the highest rank reached (the latest terminal one among terminals);
// attributes come from the update with the latest step, so any order of the
// same updates ends in the same complaint.  Recomputes the working-day
// durations with `calendar` when the steps changed.  Returns whether the
// record changed.
bool MergeUpdate(const std::string& tenant, const ComplaintUpdate& u,
                 const WorkingCalendar& calendar, v1::ComplaintRecord* record);

// One counter change in a bucket: unit x day x category x metric.
struct Contribution {
  std::string unit;
  absl::CivilDay day;
  std::string category;
  std::string metric;
  int64_t delta;
};
using ContributionKey = std::tuple<std::string, absl::CivilDay, std::string, std::string>;

// What a complaint adds to the buckets, under its own category; recv and
// closed also under category "*" (all categories, for backlog prefix sums);
// other totals over categories are summed when read.  Metrics (day = when it happened):
//   recv; fwd, fwd_sum (working minutes), fwd_h<bin>, fwd_br (SLA breach);
//   fu, fu_br; done, done_sum, done_h<bin>; arch; noauth; closed.
// Days are the tenant's (`zone`).
std::map<ContributionKey, int64_t> Contributions(const v1::ComplaintRecord& record,
                                                 const absl::TimeZone& zone);
// new - old, without zero entries.
std::vector<Contribution> Diff(const v1::ComplaintRecord* old_record,
                               const v1::ComplaintRecord& new_record, const absl::TimeZone& zone);

// The unit id of "tenants/t/units/u" or of a bare slug.
std::string UnitIdOf(const std::string& unit);

// A window of days, both ends inclusive.
struct Window {
  absl::CivilDay start;
  absl::CivilDay end;
};
// "2026", "2026-Q1", "2026-03", "2026-03-15".
absl::StatusOr<Window> ParsePeriod(const std::string& period);
absl::StatusOr<Window> ResolveWindow(const std::string& period, const google::type::Date& start,
                                     const google::type::Date& end);
// A full date (lib/time's FromDate) from kEpochYear to 2200, else
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::CivilDay> DayInRange(const google::type::Date& d, const char* field);

// Bucket labels covering a window exactly with the fewest buckets: whole
// years, whole months, single days.  "y2026", "m202603", "d20260315".
std::vector<std::string> CoverWindow(const Window& w);
// The three labels a day counts into.
std::vector<std::string> BucketsOfDay(absl::CivilDay d);
// Data older than this year is not counted in backlogs.
inline constexpr int kEpochYear = 2000;

// Parses "2026-03-15T09:30:00+07:00", "2026-03-15T02:30:00Z",
// "2026-03-15 09:30:00", "2026-03-15 09:30" or "2026-03-15" (in `zone`,
// the tenant's, when no offset is given).
absl::StatusOr<absl::Time> ParseTime(const std::string& text, const absl::TimeZone& zone);
// Only RFC 3339 with its offset ("...Z", "...+07:00"): times written by
// Pelita itself (stream entries), which never lack one.
absl::StatusOr<absl::Time> ParseTime(const std::string& text);

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_DOMAIN_H_
