#include "lib/events/legacy.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lib/time/time.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "pelita/survey/v1/events.pb.h"

namespace pelita::events {
namespace {

std::string Get(const Fields& fields, absl::string_view name) {
  for (const auto& [k, v] : fields) {
    if (k == name) return v;
  }
  return "";
}

// "20260302" -> 2026-03-02.
absl::StatusOr<google::type::Date> ParseYmd(absl::string_view field, const std::string& s) {
  int v = 0;
  if (s.size() != 8 || !absl::SimpleAtoi(s, &v)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": '", s.substr(0, 20), "' is not YYYYMMDD"));
  }
  google::type::Date d;
  d.set_year(v / 10000);
  d.set_month(v / 100 % 100);
  d.set_day(v % 100);
  if (absl::Status st = FromDate(d, field).status(); !st.ok()) return st;
  return d;
}

}  // namespace

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> DecodeLegacyEnrolmentEntry(
    const EventContext& context, const Fields& fields) {
  if (Get(fields, "type") != "enrolment.completed") return nullptr;
  auto event = std::make_unique<enrolment::v1::EnrolmentCompleted>();
  event->set_enrolment(Get(fields, "enrolment"));
  event->set_nip(Get(fields, "nip"));
  event->set_unit(Get(fields, "unit"));
  auto start = ParseYmd("cohort_start", Get(fields, "cohort_start"));
  if (!start.ok()) return start.status();
  auto end = ParseYmd("cohort_end", Get(fields, "cohort_end"));
  if (!end.ok()) return end.status();
  *event->mutable_cohort_start() = *start;
  *event->mutable_cohort_end() = *end;
  int64_t ms = 0;
  if (!absl::SimpleAtoi(Get(fields, "time_ms"), &ms)) {
    return absl::InvalidArgumentError(absl::StrCat("time_ms: '", Get(fields, "time_ms").substr(0, 20),
                                                   "' is not Unix milliseconds"));
  }
  *event->mutable_complete_time() = ToTimestamp(absl::FromUnixMillis(ms));
  return event;
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> DecodeLegacySurveyEntry(
    const EventContext& context, const Fields& fields) {
  auto event = std::make_unique<survey::v1::ResponseAccepted>();
  if (!event->mutable_payload()->ParseFromString(Get(fields, "payload"))) {
    return absl::DataLossError(absl::StrCat(context.stream, " ", context.id, ": payload does not parse"));
  }
  const survey::v1::Response& r = event->payload();
  // The fields win over the payload, as in the followers that read them.
  const std::string name = Get(fields, "name");
  event->set_response(name.empty() ? r.name() : name);
  const std::string instrument = Get(fields, "instrument");
  event->set_instrument(instrument.empty() ? r.instrument() : instrument);
  const std::string kind = Get(fields, "instrument_kind");
  event->set_instrument_kind(
      !kind.empty() || r.instrument_kind() == survey::v1::INSTRUMENT_KIND_UNSPECIFIED
          ? kind
          : absl::AsciiStrToLower(survey::v1::InstrumentKind_Name(r.instrument_kind())));
  const std::string cohort = Get(fields, "cohort");
  event->set_cohort(cohort.empty() ? r.cohort() : cohort);
  const std::string unit = Get(fields, "unit");
  event->set_unit(unit.empty() ? r.unit() : unit);
  event->set_replaces(Get(fields, "replaces"));
  const std::string time = Get(fields, "time");
  absl::Time t;
  std::string err;
  if (!time.empty() && absl::ParseTime(absl::RFC3339_full, time, &t, &err)) {
    *event->mutable_submit_time() = ToTimestamp(t);
  } else if (r.has_submit_time()) {
    *event->mutable_submit_time() = r.submit_time();
  } else {
    return absl::InvalidArgumentError(absl::StrCat("time: '", time.substr(0, 40), "' is not RFC 3339"));
  }
  return event;
}

}  // namespace pelita::events
