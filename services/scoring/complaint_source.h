// The complaint source over the complaint service's gRPC read API
// (GetComplaintStatistics for complaints and transactions, GetSatisfaction
// for IKM).
#ifndef PELITA_SERVICES_SCORING_COMPLAINT_SOURCE_H_
#define PELITA_SERVICES_SCORING_COMPLAINT_SOURCE_H_

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "services/scoring/sources.h"

namespace pelita::scoring {

// A GrpcComplaintSource when this build has the complaint proto, otherwise a
// NoComplaintSource.
std::unique_ptr<ComplaintSource> MakeComplaintSource(std::shared_ptr<grpc::Channel> channel,
                                                     absl::Duration deadline = absl::Seconds(10));
// Whether MakeComplaintSource returns a real client.
bool HaveComplaintClient();

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_COMPLAINT_SOURCE_H_
