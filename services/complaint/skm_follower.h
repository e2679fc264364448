#ifndef PELITA_SERVICES_COMPLAINT_SKM_FOLLOWER_H_
#define PELITA_SERVICES_COMPLAINT_SKM_FOLLOWER_H_

#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "services/complaint/complaint.h"

namespace pelita::complaint {

// Follows the survey service's response stream of one tenant,
// `survey:{<tenant>}:responses` (format: protos/pelita/survey/v1/STREAM.md),
// in consumer group `complaint`, and records every entry whose
// `instrument_kind` is `skm` as a satisfaction response (idempotent by the
// response name, so a redelivery after a crash changes nothing).  Entries are
// acknowledged (XACK) once recorded or found unusable; on a Redis or
// enrolment failure they stay pending and are read again.
class SkmFollower {
 public:
  SkmFollower(redis::Client* redis, ComplaintLogic* logic, std::string tenant,
              std::string consumer = "complaint-1");
  ~SkmFollower();

  // One round: pending entries of this consumer first, then new ones
  // (waiting up to `block` for them; zero = do not wait).  Returns the
  // number of entries handled.
  absl::StatusOr<int> PollOnce(absl::Duration block = absl::ZeroDuration());

  // Background thread: PollOnce with BLOCK until Stop.
  void Start();
  void Stop();

  static std::string StreamKey(const std::string& tenant);
  static constexpr char kGroup[] = "complaint";

 private:
  absl::Status EnsureGroup();
  absl::StatusOr<int> Read(const std::string& id, absl::Duration block);

  redis::Client* redis_;
  ComplaintLogic* logic_;
  std::string tenant_;
  std::string consumer_;
  std::string key_;
  bool group_ready_ = false;
  bool pending_done_ = false;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_SKM_FOLLOWER_H_
