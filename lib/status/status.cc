#include "lib/status/status.h"

#include <algorithm>

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace pelita {

const char* StatusCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",           "CANCELLED",          "UNKNOWN",             "INVALID_ARGUMENT",  "DEADLINE_EXCEEDED",
      "NOT_FOUND",    "ALREADY_EXISTS",     "PERMISSION_DENIED",   "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",      "OUT_OF_RANGE",       "UNIMPLEMENTED",       "INTERNAL",          "UNAVAILABLE",
      "DATA_LOSS",    "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(sizeof(kNames) / sizeof(kNames[0]))) return "UNKNOWN";
  return kNames[code];
}

namespace {

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";
constexpr char kErrorDomain[] = "pelita";

std::string TypeUrl(const google::protobuf::Message& m) {
  return absl::StrCat(kTypePrefix, m.GetDescriptor()->full_name());
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status details;
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    // Only detail messages go on the wire; other payloads are process-local.
    if (!absl::StartsWith(type_url, kTypePrefix)) return;
    google::protobuf::Any* any = details.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  if (details.details_size() == 0) {
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                        std::string(status.message()));
  }
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
}

absl::Status InvalidField(absl::string_view field, absl::string_view problem) {
  return InvalidFields({{std::string(field), std::string(problem)}});
}

absl::Status InvalidFields(const std::vector<std::pair<std::string, std::string>>& violations) {
  if (violations.empty()) return absl::OkStatus();
  google::rpc::BadRequest bad;
  std::vector<std::string> parts;
  for (const auto& [field, problem] : violations) {
    auto* v = bad.add_field_violations();
    v->set_field(field);
    v->set_description(problem);
    parts.push_back(absl::StrCat(field, ": ", problem));
  }
  absl::Status s = absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  s.SetPayload(TypeUrl(bad), absl::Cord(bad.SerializeAsString()));
  return s;
}

absl::Status WithReason(absl::Status status, absl::string_view reason,
                        const std::map<std::string, std::string>& metadata) {
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kErrorDomain);
  for (const auto& [k, v] : metadata) (*info.mutable_metadata())[k] = v;
  status.SetPayload(TypeUrl(info), absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  if (status.ok()) return status;
  google::rpc::RetryInfo info;
  const int64_t ms = std::max<int64_t>(0, absl::ToInt64Milliseconds(delay));
  info.mutable_retry_delay()->set_seconds(ms / 1000);
  info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  status.SetPayload(TypeUrl(info), absl::Cord(info.SerializeAsString()));
  return status;
}

std::string ErrorReason(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  auto payload = status.GetPayload(TypeUrl(info));
  if (!payload || !info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status) {
  google::rpc::BadRequest bad;
  std::vector<std::pair<std::string, std::string>> out;
  auto payload = status.GetPayload(TypeUrl(bad));
  if (!payload || !bad.ParseFromString(std::string(*payload))) return out;
  for (const auto& v : bad.field_violations()) out.emplace_back(v.field(), v.description());
  return out;
}

}  // namespace pelita
