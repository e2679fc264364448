#ifndef PELITA_GATEWAY_GATEWAY_H_
#define PELITA_GATEWAY_GATEWAY_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/auth.h"
#include "gateway/metrics.h"
#include "gateway/rate_limit.h"
#include "gateway/routes.h"
#include "lib/redis/redis.h"

namespace pelita::gateway {

struct GatewayOptions {
  // HTTP listen address host:port; port 0 picks a free port (see port()).
  std::string listen = "127.0.0.1:0";
  // Backend name -> gRPC address ("enrolment" -> "127.0.0.1:50051").  The
  // package `pelita.<name>.v1` is served by backend <name>; routes of a
  // backend without an address answer 503.
  std::map<std::string, std::string> backends;
  AuthOptions auth;
  // Token buckets live here; null turns rate limiting off.
  redis::Client* redis = nullptr;
  RateLimitOptions rate_limit;
  // JSON bodies (and batch uploads) are read whole up to this size (413).
  size_t max_body_bytes = 1 << 20;
  // Streamed uploads (text/csv, application/x-ndjson) are forwarded piece
  // by piece, never held whole, up to this total size.
  uint64_t max_upload_bytes = uint64_t{1} << 30;
  // A client must deliver a request's header, and each piece of its body,
  // within this time; an idle keep-alive connection is closed after it.
  absl::Duration read_timeout = absl::Seconds(15);
  // The deadline propagated to the service unless the request names one
  // (`X-Request-Timeout: 2s` / `250ms`, or `grpc-timeout: 2S`), capped.
  absl::Duration default_deadline = absl::Seconds(10);
  absl::Duration max_deadline = absl::Seconds(300);
  int threads = 2;
  bool log_requests = true;
  // The built web application (web/dist): served at `/` and its routes
  // (gateway/static_files.h).  Empty: no web application.
  std::string web_root;
};

class GatewayImpl;

// The HTTP/JSON front door: Boost.Beast (async, keep-alive) in front of the
// services' gRPC APIs.  Routes come from the google.api.http annotations of
// every `pelita.*` service linked in (see RouteTable); a request is
// authenticated (Bearer JWT), authorised (role table, tenant rules), rate
// limited per tenant, transcoded to protobuf and sent through a generic
// callback stub over one reused channel per backend, with the caller's
// identity as metadata (x-pelita-tenant/-role/-subject, x-request-id).
// Also serves /healthz, /readyz, /metrics and /openapi.json, and the web
// application's files with --web_root.
class Gateway {
 public:
  static absl::StatusOr<std::unique_ptr<Gateway>> Create(GatewayOptions options);
  ~Gateway();

  absl::Status Start();
  int port() const;
  // Stops accepting, lets requests in flight finish for up to `drain`.
  void Shutdown(absl::Duration drain = absl::Seconds(5));

  const Metrics& metrics() const;
  const RouteTable& routes() const;

 private:
  explicit Gateway(std::unique_ptr<GatewayImpl> impl);
  std::unique_ptr<GatewayImpl> impl_;
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_GATEWAY_H_
