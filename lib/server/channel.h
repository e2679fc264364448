#ifndef PELITA_LIB_SERVER_CHANNEL_H_
#define PELITA_LIB_SERVER_CHANNEL_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

namespace pelita {

// A channel from one Pelita service to another.  `target` is any gRPC
// target: "host:port", "ipv4:10.0.0.1:50051,10.0.0.2:50051", or
// "dns:///enrolment-headless:50051" (every pod behind a headless Service).
// Calls are spread over every address with round_robin, so replicas share
// the load and a dead one is skipped; keepalive notices dead peers early.
std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& target);

}  // namespace pelita

#endif  // PELITA_LIB_SERVER_CHANNEL_H_
