#ifndef PELITA_SERVICES_ENROLMENT_FOLLOWUP_RUNTIME_H_
#define PELITA_SERVICES_ENROLMENT_FOLLOWUP_RUNTIME_H_

#include <memory>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "lib/redis/redis.h"
#include "services/enrolment/enrolment.h"
#include "services/enrolment/followup/followers.h"
#include "services/enrolment/followup/grpc_service.h"
#include "services/enrolment/followup/outbox.h"

namespace pelita::enrolment::followup {

// The follow-up part of pelita-enrolment, built from flags: the gRPC
// service, and a background loop that follows the enrolment and survey
// streams of every --tenants tenant and sends due notifications through the
// --notify_sender, every --followup_poll_ms.
class FollowUpRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<FollowUpRuntime>> FromFlags(redis::Client* redis,
                                                                    EnrolmentLogic* enrolment);
  ~FollowUpRuntime();
  grpc::Service* service() { return service_.get(); }
  void Start();
  void Stop();

 private:
  FollowUpRuntime() = default;
  void Loop();

  std::unique_ptr<FollowUpLogic> logic_;
  std::unique_ptr<FollowUpGrpcService> service_;
  std::unique_ptr<Sender> sender_;
  std::unique_ptr<StreamFollower> events_, responses_;
  std::unique_ptr<Outbox> outbox_;
  absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace pelita::enrolment::followup

#endif  // PELITA_SERVICES_ENROLMENT_FOLLOWUP_RUNTIME_H_
