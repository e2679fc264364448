// Linked instead of complaint_source.cc when the complaint proto is not in
// the tree.
#include "services/scoring/complaint_source.h"

namespace pelita::scoring {

std::unique_ptr<ComplaintSource> MakeComplaintSource(std::shared_ptr<grpc::Channel>, absl::Duration) {
  return std::make_unique<NoComplaintSource>();
}
bool HaveComplaintClient() { return false; }

}  // namespace pelita::scoring
