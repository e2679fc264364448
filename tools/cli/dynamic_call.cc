#include "tools/cli/dynamic_call.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>

#include <future>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "lib/status/status.h"
#include "pelita/proto_registry.h"

namespace pelita::cli {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MessageFactory;
using google::protobuf::MethodDescriptor;

const MethodDescriptor* FindMethod(absl::string_view full) {
  (void)LinkedProtoFiles();
  absl::ConsumePrefix(&full, "/");
  size_t slash = full.rfind('/');
  if (slash == absl::string_view::npos) return nullptr;
  const auto* service =
      DescriptorPool::generated_pool()->FindServiceByName(std::string(full.substr(0, slash)));
  if (service == nullptr) return nullptr;
  return service->FindMethodByName(std::string(full.substr(slash + 1)));
}

}  // namespace

std::vector<std::string> ListMethods() {
  std::vector<std::string> out;
  const auto* pool = DescriptorPool::generated_pool();
  for (const std::string& file : LinkedProtoFiles()) {
    const auto* fd = pool->FindFileByName(file);
    if (fd == nullptr) continue;
    for (int s = 0; s < fd->service_count(); ++s) {
      for (int m = 0; m < fd->service(s)->method_count(); ++m) {
        out.push_back(absl::StrCat(fd->service(s)->full_name(), "/", fd->service(s)->method(m)->name()));
      }
    }
  }
  return out;
}

absl::StatusOr<std::string> CallJson(const std::shared_ptr<grpc::Channel>& channel,
                                     const std::string& method, const std::string& request_json,
                                     const Caller& caller, absl::Duration timeout) {
  const MethodDescriptor* md = FindMethod(method);
  if (md == nullptr) return absl::NotFoundError(absl::StrCat("no such method: ", method));
  if (md->client_streaming() || md->server_streaming()) {
    return absl::UnimplementedError(absl::StrCat(method, " is a streaming method; use the gateway"));
  }
  auto* factory = MessageFactory::generated_factory();
  std::unique_ptr<Message> request(factory->GetPrototype(md->input_type())->New());
  std::unique_ptr<Message> response(factory->GetPrototype(md->output_type())->New());
  auto parsed = google::protobuf::util::JsonStringToMessage(request_json, request.get());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request JSON: ", parsed.ToString()));
  }
  grpc::TemplatedGenericStub<Message, Message> stub(channel);
  grpc::ClientContext ctx;
  AttachCaller(ctx, caller);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, absl::StrCat("/", md->service()->full_name(), "/", md->name()),
                 grpc::StubOptions(), request.get(), response.get(),
                 [&](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return FromGrpcStatus(status);
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = false;
  auto printed = google::protobuf::util::MessageToJsonString(*response, &json, options);
  if (!printed.ok()) return absl::InternalError(printed.ToString());
  return json;
}

absl::StatusOr<std::string> HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service, absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = stub->Check(&ctx, req, &resp);
  if (!s.ok()) return FromGrpcStatus(s);
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status());
}

}  // namespace pelita::cli
