#include "gateway/http_errors.h"

#include <algorithm>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/utf8.h"
#include "lib/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace pelita::gateway {

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return kClientClosedRequest;
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::FAILED_PRECONDITION: return 400;
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    default: return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

const char* CodeName(grpc::StatusCode code) { return StatusCodeName(static_cast<int>(code)); }

namespace {

HttpError Make(grpc::StatusCode code, absl::string_view message) {
  HttpError e;
  e.code = code;
  e.http_status = HttpStatusFor(code);
  e.message = std::string(message);
  if (code == grpc::StatusCode::UNAVAILABLE) e.retry_after = kRetryAfterTransient;
  return e;
}

}  // namespace

HttpError FromStatus(const absl::Status& status) {
  // The gateway's own refusals carry their details (the ErrorInfo reason
  // of a policy refusal) as a service's would: the same wire form.
  HttpError e = Make(static_cast<grpc::StatusCode>(status.code()), status.message());
  e.details = ToGrpcStatus(status).error_details();
  return e;
}

HttpError FromCallStatus(const grpc::Status& status) {
  grpc::StatusCode code = status.error_code();
  // The gateway cancels calls only for reasons of its own, which it answers
  // itself; a CANCELLED reaching here came from the other side: a backend
  // shutting down or dropping the stream.
  if (code == grpc::StatusCode::CANCELLED) code = grpc::StatusCode::UNAVAILABLE;
  HttpError e = Make(code, status.error_message());
  e.details = status.error_details();
  // A google.rpc.RetryInfo from the service (AIP-193: a throttled sign-in)
  // says when to come back: the Retry-After header, whole seconds, at least 1.
  google::rpc::Status rpc;
  if (!e.details.empty() && rpc.ParseFromString(e.details)) {
    for (const auto& any : rpc.details()) {
      google::rpc::RetryInfo info;
      if (any.type_url() != "type.googleapis.com/google.rpc.RetryInfo" || !info.ParseFromString(any.value())) continue;
      const absl::Duration delay =
          absl::Seconds(info.retry_delay().seconds()) + absl::Nanoseconds(info.retry_delay().nanos());
      if (delay > absl::ZeroDuration()) e.retry_after = std::max(absl::Seconds(1), absl::Ceil(delay, absl::Seconds(1)));
    }
  }
  return e;
}

HttpError PayloadTooLarge(absl::string_view message) {
  HttpError e = Make(grpc::StatusCode::INVALID_ARGUMENT, message);
  e.http_status = 413;
  return e;
}

HttpError MethodNotAllowed(absl::string_view message, absl::string_view allow) {
  HttpError e = Make(grpc::StatusCode::UNIMPLEMENTED, message);
  e.http_status = 405;
  e.allow = std::string(allow);
  return e;
}

HttpError BadRequest(absl::string_view message, bool close) {
  HttpError e = Make(grpc::StatusCode::INVALID_ARGUMENT, message);
  e.close = close;
  return e;
}

void AppendJsonString(absl::string_view s, std::string* out) {
  const std::string valid = SanitizeUtf8(s);
  out->push_back('"');
  for (unsigned char c : valid) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string ErrorBody(const HttpError& error) {
  std::string message = error.message;
  if (error.http_status == 504) {
    message = "deadline exceeded";
  } else if (error.http_status >= 500) {
    message = error.code == grpc::StatusCode::UNAVAILABLE ? "service unavailable"
              : error.http_status == 501                  ? "not implemented"
                                                          : "internal error";
  }
  std::string details = "[";
  if (!error.details.empty() && error.http_status < 500) {
    google::rpc::Status st;
    if (st.ParseFromString(error.details)) {
      bool first = true;
      for (const auto& any : st.details()) {
        std::string json;
        if (!google::protobuf::util::MessageToJsonString(any, &json).ok() || !IsValidUtf8(json)) continue;
        absl::StrAppend(&details, first ? "" : ",", json);
        first = false;
      }
    }
  }
  details += "]";
  std::string out = absl::StrCat("{\"code\":", static_cast<int>(error.code), ",\"status\":\"",
                                 CodeName(error.code), "\",\"message\":");
  AppendJsonString(message, &out);
  absl::StrAppend(&out, ",\"details\":", details, "}");
  return out;
}

}  // namespace pelita::gateway
