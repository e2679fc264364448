#ifndef PELITA_TOOLS_CLI_DYNAMIC_CALL_H_
#define PELITA_TOOLS_CLI_DYNAMIC_CALL_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::cli {

// Every RPC of the linked Pelita protos, as "package.Service/Method".
std::vector<std::string> ListMethods();

// Calls a unary RPC by its full name ("pelita.enrolment.v1.EnrolmentService/
// ListUnits" or with a leading '/') with a request given in protobuf's JSON
// mapping, and returns the response as JSON.  The caller's identity travels
// as the usual metadata.  A gRPC error comes back as its status.
absl::StatusOr<std::string> CallJson(const std::shared_ptr<grpc::Channel>& channel,
                                     const std::string& method, const std::string& request_json,
                                     const Caller& caller, absl::Duration timeout);

// The grpc.health.v1 status of `service` ("" = the whole server) as its enum
// name (SERVING, NOT_SERVING, ...).
absl::StatusOr<std::string> HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service, absl::Duration timeout);

}  // namespace pelita::cli

#endif  // PELITA_TOOLS_CLI_DYNAMIC_CALL_H_
