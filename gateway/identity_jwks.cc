#include "gateway/identity_jwks.h"

#include "google/protobuf/util/json_util.h"
#include "pelita/identity/v1/identity.grpc.pb.h"

namespace pelita::gateway {

std::function<absl::StatusOr<std::string>()> IdentityJwksFetch(std::shared_ptr<grpc::Channel> channel,
                                                               absl::Duration timeout) {
  std::shared_ptr<identity::v1::IdentityService::Stub> stub = identity::v1::IdentityService::NewStub(channel);
  return [stub, timeout]() -> absl::StatusOr<std::string> {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    identity::v1::Jwks jwks;
    grpc::Status s = stub->GetJwks(&ctx, {}, &jwks);
    if (!s.ok()) return absl::UnavailableError(s.error_message());
    std::string json;
    google::protobuf::util::JsonPrintOptions po;
    po.preserve_proto_field_names = true;
    if (!google::protobuf::util::MessageToJsonString(jwks, &json, po).ok()) {
      return absl::InternalError("cannot print the JWKS");
    }
    return json;
  };
}

}  // namespace pelita::gateway
