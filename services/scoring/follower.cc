#include "services/scoring/follower.h"

#include "lib/events/legacy.h"
#include "lib/tenancy/key_builder.h"
#include "pelita/survey/v1/events.pb.h"

namespace pelita::scoring {
namespace {

events::FollowerOptions WithService(events::FollowerOptions o) {
  o.service = "scoring";
  if (o.group.empty()) o.group = SurveyStreamFollower::kGroup;
  return o;
}

}  // namespace

std::string SurveyStreamFollower::StreamKey(const std::string& tenant) {
  return KeyBuilder("survey", tenant).Key("responses");
}

SurveyStreamFollower::SurveyStreamFollower(redis::Client* redis, ScoringStore* store,
                                           events::TenantSource* tenants, events::FollowerOptions options)
    : follower_(redis, tenants, "survey", &SurveyStreamFollower::StreamKey, WithService(std::move(options))) {
  follower_.On<survey::v1::ResponseAccepted>(
      [store](const events::EventContext& context, const survey::v1::ResponseAccepted& event) -> absl::Status {
        // SKM responses belong to no cohort: no report to drop.
        if (event.cohort().empty()) return absl::OkStatus();
        return store->Invalidate(context.tenant, event.cohort());
      });
  follower_.SetLegacyDecoder(&events::DecodeLegacySurveyEntry);
}

}  // namespace pelita::scoring
