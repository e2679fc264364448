#ifndef PELITA_GATEWAY_UPLOAD_FRAMING_H_
#define PELITA_GATEWAY_UPLOAD_FRAMING_H_

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/admission.h"
#include "gateway/path_template.h"
#include "gateway/routes.h"

namespace pelita::gateway {

// One serialized request message of `route` from a JSON body (may be
// empty), the query and the path bindings (BuildRequest), refused when it
// names another tenant than `tenant` (PERMISSION_DENIED).  `where` prefixes
// errors ("line 3", "requests[2]"); empty for a unary body.
absl::StatusOr<std::string> EncodeRequest(const Route& route, absl::string_view json,
                                          absl::string_view query, const Bindings& bindings,
                                          absl::string_view tenant, absl::string_view where = "",
                                          BuildOptions options = {});

// Turns the body of a request into the request messages sent to the service,
// for every body mode (admission.h):
//   kUnary, kServerStream  the body is one request;
//   kBatch                 each element of a JSON array, or of
//                          {"requests": [...]}, is one request;
//   kNdjson                each non-empty line is one request, encoded as
//                          lines complete, whatever the pieces' boundaries;
//   kCsv                   each piece goes into the route's bytes field; the
//                          first message also carries the path and query
//                          fields (`?instrument=...&cohort=...`).
// Every message is checked like a unary body (strict JSON, UTF-8, depth,
// tenants).  A plain class of bytes in, messages or an error out: tested and
// fuzzed without sockets.
class UploadEncoder {
 public:
  // `max_line_bytes` bounds an NDJSON line (the JSON body limit).
  UploadEncoder(const Route& route, BodyMode mode, std::string query, Bindings bindings, std::string tenant,
                uint64_t max_line_bytes);

  // kUnary, kServerStream, kBatch: the messages of the whole body.
  absl::Status EncodeWhole(absl::string_view body, std::vector<std::string>* out);
  // kNdjson, kCsv: the messages completed by the next piece of the body;
  // `last` with the final piece (which may be empty).
  absl::Status Feed(absl::string_view piece, bool last, std::vector<std::string>* out);

  // Whether the request type has `bool upload_truncated`: then an upload cut
  // at the size limit ends with TruncatedMessage() and the service says
  // what it kept, instead of the gateway answering 413.
  bool can_mark_truncated() const { return truncated_field_ != nullptr; }
  // A message with only `upload_truncated: true`.
  std::string TruncatedMessage() const;

 private:
  absl::Status Line(absl::string_view line, std::vector<std::string>* out);

  const Route& route_;
  const BodyMode mode_;
  const std::string query_;
  const Bindings bindings_;
  const std::string tenant_;
  const uint64_t max_line_bytes_;
  const google::protobuf::FieldDescriptor* truncated_field_ = nullptr;
  std::string pending_;  // NDJSON: the line not yet complete
  int64_t line_no_ = 0;
  bool first_ = true;  // CSV: the next message is the first
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_UPLOAD_FRAMING_H_
