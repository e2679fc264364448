#include "services/enrolment/followup/followers.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lib/log/log.h"
#include "lib/status/status.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "pelita/survey/v1/events.pb.h"
#include "pelita/survey/v1/survey.pb.h"
#include "services/enrolment/domain.h"

namespace pelita::enrolment::followup {
namespace {

bool Permanent(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kDataLoss:
      return true;
    default:
      return false;
  }
}

std::string Get(const StreamFollower::Fields& f, const std::string& k) {
  auto it = f.find(k);
  return it == f.end() ? "" : it->second;
}

}  // namespace

StreamFollower::StreamFollower(redis::Client* redis, std::vector<std::string> tenants,
                               std::function<std::string(const std::string&)> stream_key,
                               std::string group, std::string consumer, Handler handler, int batch,
                               absl::Duration min_idle)
    : redis_(redis), tenants_(std::move(tenants)), stream_key_(std::move(stream_key)),
      group_(std::move(group)), consumer_(std::move(consumer)), handler_(std::move(handler)),
      batch_(batch), min_idle_(min_idle) {}

absl::StatusOr<int> StreamFollower::PollOnce() {
  int total = 0;
  absl::Status first_error;
  for (const auto& t : tenants_) {
    auto n = PollTenant(t);
    if (!n.ok()) {
      LogWarning("stream follower poll failed", {{"tenant", t}, {"group", group_},
                                                 {"error", n.status().ToString()}});
      if (first_error.ok()) first_error = n.status();
      continue;
    }
    total += *n;
  }
  if (!first_error.ok()) return first_error;
  return total;
}

absl::StatusOr<int> StreamFollower::PollTenant(const std::string& tenant) {
  const std::string key = stream_key_(tenant);
  PELITA_ASSIGN_OR_RETURN(auto created,
                          redis_->Run({"XGROUP", "CREATE", key, group_, "0", "MKSTREAM"}));
  if (created.is_error() && !absl::StartsWith(created.str, "BUSYGROUP")) {
    return redis::ReplyStatus(created);
  }
  int handled = 0;
  // Entries another consumer (a process that died: pod names change on
  // every restart) took and never acked are moved to this one after
  // min_idle, so none is lost.
  std::string cursor = "0-0";
  do {
    PELITA_ASSIGN_OR_RETURN(
        auto claimed, redis_->Run({"XAUTOCLAIM", key, group_, consumer_,
                                   absl::StrCat(absl::ToInt64Milliseconds(min_idle_)), cursor,
                                   "COUNT", absl::StrCat(batch_), "JUSTID"}));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(claimed));
    if (!claimed.is_array() || claimed.elements.empty()) break;
    cursor = claimed.elements[0].str;
  } while (cursor != "0-0");
  // "0": this consumer's pending entries; ">": new ones.
  for (const char* from : {"0", ">"}) {
    while (true) {
      PELITA_ASSIGN_OR_RETURN(
          auto r, redis_->Run({"XREADGROUP", "GROUP", group_, consumer_, "COUNT",
                               absl::StrCat(batch_), "STREAMS", key, from}));
      PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
      if (r.is_nil() || r.elements.empty() || r.elements[0].elements.size() < 2) break;
      const auto& entries = r.elements[0].elements[1].elements;
      if (entries.empty()) break;
      int acked_now = 0;
      for (const auto& e : entries) {
        if (e.elements.size() < 2) continue;
        const std::string& id = e.elements[0].str;
        if (e.elements[1].is_nil()) {  // trimmed away while pending
          PELITA_RETURN_IF_ERROR(redis_->Run({"XACK", key, group_, id}).status());
          continue;
        }
        Fields fields;
        const auto& kv = e.elements[1].elements;
        for (size_t i = 0; i + 1 < kv.size(); i += 2) fields[kv[i].str] = kv[i + 1].str;
        absl::Status s = handler_(tenant, fields);
        if (!s.ok() && !Permanent(s)) return s;  // stays pending; retried next poll
        if (!s.ok()) {
          LogWarning("stream entry skipped", {{"stream", key}, {"id", id}, {"error", s.ToString()}});
        }
        PELITA_ASSIGN_OR_RETURN(auto ack, redis_->Run({"XACK", key, group_, id}));
        PELITA_RETURN_IF_ERROR(redis::ReplyStatus(ack));
        ++handled;
        ++acked_now;
      }
      if (std::string(from) == "0" && acked_now == 0) break;
    }
  }
  return handled;
}

StreamFollower MakeEnrolmentFollower(redis::Client* redis, FollowUpLogic* logic,
                                     std::vector<std::string> tenants, std::string consumer) {
  return StreamFollower(
      redis, std::move(tenants),
      [](const std::string& t) { return KeyBuilder("enrolment", t).Key("events"); }, "followup",
      std::move(consumer), [logic](const std::string& tenant, const StreamFollower::Fields& f) -> absl::Status {
        // Bridge until services/followup (lib/events handlers) replaces
        // this follower: enrolment now publishes typed events.
        if (Get(f, "event_type") == pelita::enrolment::v1::EnrolmentCompleted::descriptor()->full_name()) {
          pelita::enrolment::v1::EnrolmentCompleted e;
          if (!e.ParseFromString(Get(f, "event_data"))) {
            return absl::DataLossError("EnrolmentCompleted does not parse");
          }
          Completion c{e.enrolment(), e.nip(), e.unit(),
                       absl::CivilDay(e.cohort_end().year(), e.cohort_end().month(), e.cohort_end().day())};
          return logic->OnCompleted(tenant, c).status();
        }
        if (Get(f, "type") != "enrolment.completed") return absl::OkStatus();
        Completion c;
        c.enrolment = Get(f, "enrolment");
        c.nip = Get(f, "nip");
        c.unit = Get(f, "unit");
        int end = 0;
        if (!absl::SimpleAtoi(Get(f, "cohort_end"), &end) || end < 19000101) {
          return absl::InvalidArgumentError(absl::StrCat("bad cohort_end ", Get(f, "cohort_end")));
        }
        c.cohort_end = absl::CivilDay(end / 10000, end / 100 % 100, end % 100);
        return logic->OnCompleted(tenant, c).status();
      });
}

StreamFollower MakeSurveyFollower(redis::Client* redis, FollowUpLogic* logic,
                                  std::vector<std::string> tenants, std::string consumer) {
  return StreamFollower(
      redis, std::move(tenants),
      [](const std::string& t) { return KeyBuilder("survey", t).Key("responses"); }, "followup",
      std::move(consumer), [logic](const std::string& tenant, const StreamFollower::Fields& old) -> absl::Status {
        // Bridge until services/followup (lib/events handlers) replaces
        // this follower: survey now publishes typed ResponseAccepted events,
        // read here as the old field map.
        StreamFollower::Fields f = old;
        if (Get(old, "event_type") == pelita::survey::v1::ResponseAccepted::descriptor()->full_name()) {
          pelita::survey::v1::ResponseAccepted e;
          if (!e.ParseFromString(Get(old, "event_data"))) {
            return absl::DataLossError("ResponseAccepted does not parse");
          }
          f = {{"name", e.response()}, {"instrument_kind", e.instrument_kind()}, {"cohort", e.cohort()},
               {"payload", e.payload().SerializeAsString()},
               {"time", absl::FormatTime(absl::RFC3339_full,
                                         absl::FromUnixSeconds(e.submit_time().seconds()) +
                                             absl::Nanoseconds(e.submit_time().nanos()),
                                         absl::UTCTimeZone())}};
        }
        SurveyResponse r;
        r.instrument_kind = Get(f, "instrument_kind");
        if (r.instrument_kind != "followup" && r.instrument_kind != "self_report" &&
            r.instrument_kind != "followup_self") {
          return absl::OkStatus();
        }
        r.name = Get(f, "name");
        r.cohort = Get(f, "cohort");
        pelita::survey::v1::Response payload;
        if (!payload.ParseFromString(Get(f, "payload"))) {
          return absl::DataLossError("survey response payload does not parse");
        }
        r.respondent_nip = payload.respondent_nip();
        r.subject_nip = payload.subject_nip();
        r.wave = payload.followup_wave();
        r.role = payload.followup_role();
        if (r.cohort.empty()) r.cohort = payload.cohort();
        if (r.name.empty()) r.name = payload.name();
        std::string err;
        if (payload.has_submit_time()) {
          r.submit_time = absl::FromUnixNanos(
              google::protobuf::util::TimeUtil::TimestampToNanoseconds(payload.submit_time()));
        } else if (!absl::ParseTime(absl::RFC3339_full, Get(f, "time"), &r.submit_time, &err)) {
          return absl::InvalidArgumentError(absl::StrCat("bad time: ", err));
        }
        return logic->OnSurveyResponse(tenant, r).status();
      });
}

}  // namespace pelita::enrolment::followup
