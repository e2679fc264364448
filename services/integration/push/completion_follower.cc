#include "services/integration/push/completion_follower.h"

#include "lib/events/legacy.h"
#include "lib/events/publish.h"
#include "pelita/enrolment/v1/events.pb.h"

namespace pelita::integration {

std::unique_ptr<events::Follower> MakeCompletionFollower(redis::Client* redis, events::TenantSource* tenants,
                                                         Outbox* outbox, events::FollowerOptions options) {
  if (options.service.empty()) options.service = "integration";
  if (options.group.empty()) options.group = "integration";
  auto f = std::make_unique<events::Follower>(
      redis, tenants, "enrolment", [](const std::string& t) { return events::StreamKey("enrolment", t); },
      std::move(options));
  f->On<enrolment::v1::EnrolmentCompleted>(
       [outbox](const events::EventContext& c, const enrolment::v1::EnrolmentCompleted& e) -> absl::Status {
         return outbox->Enqueue(c.tenant, e.enrolment(), e.nip()).status();
       })
      .SetLegacyDecoder(events::DecodeLegacyEnrolmentEntry);
  return f;
}

}  // namespace pelita::integration
