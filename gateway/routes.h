#ifndef PELITA_GATEWAY_ROUTES_H_
#define PELITA_GATEWAY_ROUTES_H_

#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"

namespace pelita::gateway {

// One HTTP binding of one RPC, read from its google.api.http option.
struct Route {
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string http_method;  // GET, POST, PATCH, PUT, DELETE or a custom verb
  PathTemplate path;
  std::string body;      // "" (none), "*" (whole message) or a field path
  std::string backend;   // `pelita.<backend>.v1` serves the package
  std::string grpc_path; // "/pelita.enrolment.v1.EnrolmentService/GetUnit"
  std::string rpc_name;  // "pelita.enrolment.v1.EnrolmentService/GetUnit"
  std::string label;     // "GET /v1/{name=tenants/*/units/*}" (metrics, logs)
  // For a client-streaming RPC whose request has a `bytes` field: that
  // field, filled with the pieces of a text/csv upload.
  const google::protobuf::FieldDescriptor* chunk_field = nullptr;

  bool client_streaming() const { return method->client_streaming(); }
  bool read_only() const { return http_method == "GET"; }
};

// Every annotated RPC of every service in a `pelita.*` package linked into
// this binary (walks the generated descriptor pool).  An annotated RPC added
// to a proto is routed without any gateway code.
class RouteTable {
 public:
  static absl::StatusOr<RouteTable> FromGeneratedPool();
  // For tests: only the given services (full names).
  static absl::StatusOr<RouteTable> FromServices(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  enum class MatchResult { kFound, kNotFound, kMethodNotAllowed };
  // `path` without the query string.
  MatchResult Match(absl::string_view http_method, absl::string_view path, const Route** route,
                    Bindings* bindings) const;
  // The methods some route takes on `path`, as an Allow header ("GET, PATCH").
  std::string AllowedMethods(absl::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }
  std::vector<std::string> backends() const;

 private:
  absl::Status Add(const google::protobuf::ServiceDescriptor* service);
  void Sort();
  std::vector<std::unique_ptr<Route>> routes_;
};

// Sets one field, named by a dotted path of proto or JSON names, from its
// text form (query and path parameters): scalars, enums by name or number,
// repeated fields (appends), and well-known types through their JSON form
// (Timestamp, FieldMask, Duration, wrappers).  `param` names the parameter
// in errors.
absl::Status SetFieldFromText(google::protobuf::Message* message, absl::string_view field_path,
                              absl::string_view value, absl::string_view param);

struct BuildOptions {
  // The body was already checked with CheckJson (a batch element).
  bool body_checked = false;
  // The body is not JSON but an upload (text/csv) into the route's bytes
  // field: the query parameters name the other fields even when the rule's
  // body is "*" (`responses:importCsv?instrument=...&cohort=...`).
  bool upload = false;
};

// Builds the request message of `route` from the JSON body (may be empty),
// the query string (without '?') and the path bindings, by the google.api.http
// rules: the body goes to the whole message or to the named field; path
// values override it; query parameters fill the remaining fields (not used
// when the body is "*", except for uploads).  The body must be strict JSON
// (CheckJson: RFC 8259, UTF-8, at most kMaxJsonDepth deep) before protobuf's
// lenient parser sees it; query values must be UTF-8.  Errors are
// INVALID_ARGUMENT and never quote the input.  A plain function of its
// inputs: the transcoding entry point for fuzzing.
absl::Status BuildRequest(const Route& route, absl::string_view body_json, absl::string_view query,
                          const Bindings& bindings, google::protobuf::Message* out,
                          BuildOptions options = {});

// Every tenant named in a string field of `message` (recursively): a value
// `tenants/{t}` or `tenants/{t}/...`, or a field named `tenant`.
void TenantsIn(const google::protobuf::Message& message, std::vector<std::string>* tenants);

// How many service protos the binary links (pelita_protos' registry).
int LinkedProtoCount();

// A fresh request/response message of a descriptor (from the generated
// pool, or a dynamic message for a descriptor of another pool).
std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor* d);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_ROUTES_H_
