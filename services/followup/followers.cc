#include "services/followup/followers.h"

#include "absl/strings/str_cat.h"
#include "lib/events/legacy.h"
#include "lib/events/publish.h"
#include "lib/tenancy/key_builder.h"
#include "lib/time/time.h"
#include "pelita/enrolment/v1/events.pb.h"
#include "pelita/survey/v1/events.pb.h"

namespace pelita::followup {
namespace {

events::FollowerOptions WithService(events::FollowerOptions o) {
  if (o.service.empty()) o.service = "followup";
  if (o.group.empty()) o.group = "followup";
  return o;
}

}  // namespace

absl::Status HandleCompleted(FollowUpLogic* logic, const events::EventContext& context,
                             const enrolment::v1::EnrolmentCompleted& event) {
  Completion c;
  c.enrolment = event.enrolment();
  c.nip = event.nip();
  c.unit = event.unit();
  // A malformed event is permanent (INVALID_ARGUMENT): dead-lettered.
  absl::StatusOr<absl::CivilDay> end = FromDate(event.cohort_end(), "cohort_end");
  if (!end.ok()) return end.status();
  c.cohort_end = *end;
  return logic->OnCompleted(context.tenant, c).status();
}

absl::Status HandleResponse(FollowUpLogic* logic, const events::EventContext& context,
                            const survey::v1::ResponseAccepted& event) {
  if (!IsFollowUpKind(event.instrument_kind())) return absl::OkStatus();
  const survey::v1::Response& p = event.payload();
  SurveyResponse r;
  r.instrument_kind = event.instrument_kind();
  r.name = event.response().empty() ? p.name() : event.response();
  r.cohort = event.cohort().empty() ? p.cohort() : event.cohort();
  r.respondent_nip = p.respondent_nip();
  r.subject_nip = p.subject_nip();
  r.wave = p.followup_wave();
  r.role = p.followup_role();
  if (event.has_submit_time()) {
    r.submit_time = FromTimestamp(event.submit_time());
  } else if (p.has_submit_time()) {
    r.submit_time = FromTimestamp(p.submit_time());
  } else {
    return absl::InvalidArgumentError(absl::StrCat(r.name, ": no submit time"));
  }
  return logic->OnSurveyResponse(context.tenant, r).status();
}

std::unique_ptr<events::Follower> MakeEnrolmentFollower(redis::Client* redis, events::TenantSource* tenants,
                                                        FollowUpLogic* logic, events::FollowerOptions options) {
  auto f = std::make_unique<events::Follower>(
      redis, tenants, "enrolment", [](const std::string& t) { return events::StreamKey("enrolment", t); },
      WithService(std::move(options)));
  f->On<enrolment::v1::EnrolmentCompleted>(
       [logic](const events::EventContext& c, const enrolment::v1::EnrolmentCompleted& e) {
         return HandleCompleted(logic, c, e);
       })
      .SetLegacyDecoder(events::DecodeLegacyEnrolmentEntry);
  return f;
}

std::unique_ptr<events::Follower> MakeSurveyFollower(redis::Client* redis, events::TenantSource* tenants,
                                                     FollowUpLogic* logic, events::FollowerOptions options) {
  auto f = std::make_unique<events::Follower>(
      redis, tenants, "survey", [](const std::string& t) { return KeyBuilder("survey", t).Key("responses"); },
      WithService(std::move(options)));
  f->On<survey::v1::ResponseAccepted>(
       [logic](const events::EventContext& c, const survey::v1::ResponseAccepted& e) {
         return HandleResponse(logic, c, e);
       })
      .SetLegacyDecoder(events::DecodeLegacySurveyEntry);
  return f;
}

}  // namespace pelita::followup
