#ifndef PELITA_LIB_SERVER_ADAPTER_H_
#define PELITA_LIB_SERVER_ADAPTER_H_

#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"

namespace pelita {

// The body of a thin gRPC method: reads the caller from the call metadata,
// runs `fn(caller)` (the service logic, returning absl::StatusOr<T>) and
// moves the value into `response`.
template <typename Response, typename Fn>
grpc::Status HandleUnary(grpc::ServerContext* context, Response* response, Fn&& fn) {
  auto caller = CallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto result = std::forward<Fn>(fn)(*caller);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result).value();
  return grpc::Status::OK;
}

// The same for platform-level services (the tenant registry), whose callers
// need not carry a tenant (PlatformCallerFromContext).
template <typename Response, typename Fn>
grpc::Status HandlePlatformUnary(grpc::ServerContext* context, Response* response, Fn&& fn) {
  auto caller = PlatformCallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto result = std::forward<Fn>(fn)(*caller);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result).value();
  return grpc::Status::OK;
}

// The same for reads that a whole province may make (RegionCallerFromContext:
// the tenant is a regency or a province code).
template <typename Response, typename Fn>
grpc::Status HandleRegionUnary(grpc::ServerContext* context, Response* response, Fn&& fn) {
  auto caller = RegionCallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto result = std::forward<Fn>(fn)(*caller);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result).value();
  return grpc::Status::OK;
}

}  // namespace pelita

#endif  // PELITA_LIB_SERVER_ADAPTER_H_
