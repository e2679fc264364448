#include "services/complaint/skm_follower.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lib/events/legacy.h"
#include "lib/tenancy/key_builder.h"

namespace pelita::complaint {
namespace {

events::FollowerOptions WithService(events::FollowerOptions o) {
  o.service = "complaint";
  if (o.group.empty()) o.group = SkmFollower::kGroup;
  return o;
}

}  // namespace

std::string SkmFollower::StreamKey(const std::string& tenant) {
  return KeyBuilder("survey", tenant).Key("responses");
}

v1::SatisfactionResponse SkmFollower::FromEvent(const survey::v1::ResponseAccepted& event) {
  v1::SatisfactionResponse out;
  out.set_name(event.response().empty() ? event.payload().name() : event.response());
  out.set_unit(event.unit().empty() ? event.payload().unit() : event.unit());
  if (event.has_submit_time()) {
    *out.mutable_time() = event.submit_time();
  } else if (event.payload().has_submit_time()) {
    *out.mutable_time() = event.payload().submit_time();
  }
  std::vector<int> scores(9, 0);
  for (const auto& a : event.payload().answers()) {
    const std::string item = absl::AsciiStrToUpper(a.item());
    if (item.size() != 2 || item[0] != 'U' || item[1] < '1' || item[1] > '9') continue;
    if (a.value_case() != survey::v1::Answer::kNumber) continue;
    scores[item[1] - '1'] = static_cast<int>(std::clamp<int64_t>(a.number(), -1, 99));
  }
  for (int s : scores) out.add_scores(s);
  return out;
}

SkmFollower::SkmFollower(redis::Client* redis, ComplaintLogic* logic, events::TenantSource* tenants,
                         events::FollowerOptions options)
    : follower_(redis, tenants, "survey", &SkmFollower::StreamKey, WithService(std::move(options))) {
  follower_.On<survey::v1::ResponseAccepted>(
      [logic](const events::EventContext& context, const survey::v1::ResponseAccepted& event) -> absl::Status {
        if (event.instrument_kind() != "skm") return absl::OkStatus();
        if (!event.has_submit_time() && !event.payload().has_submit_time()) {
          return absl::InvalidArgumentError(absl::StrCat(event.response(), " has no submit time"));
        }
        // A response the rules refuse (a score outside 1-4, an unknown
        // unit) is INVALID_ARGUMENT: permanent, so it is dead-lettered.
        return logic->RecordSatisfactionForTenant(context.tenant, FromEvent(event)).status();
      });
  follower_.SetLegacyDecoder(&events::DecodeLegacySurveyEntry);
}

}  // namespace pelita::complaint
