#ifndef PELITA_GATEWAY_STATIC_FILES_H_
#define PELITA_GATEWAY_STATIC_FILES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::gateway {

// The built web application (web/dist, issue 16) served by the gateway.
//
// Every regular file under the folder is read into memory once at start
// (the built application is a few hundred kilobytes; a limit guards against
// pointing the flag at the wrong folder), so a request can never reach a
// file outside the folder and no request touches the disk.  Text files are
// also kept gzip-compressed for clients that accept it.
//
// What is served (GET and HEAD only):
//   - a path naming a file: that file; `/assets/*` (Vite's content-hashed
//     names) may be cached for a year, everything else is revalidated;
//   - `/` and any other path whose last segment has no extension, outside
//     the API (`/v1/`, `/.well-known/`, the operations endpoints): index.html,
//     so that the application's own routes (`/masuk`, `/beranda`) load it;
//   - any other path with an extension: 404.
// Every answer carries a strict Content-Security-Policy (no inline script or
// style, same-origin connections only), nosniff and no-referrer, and an
// ETag; If-None-Match with the current ETag answers 304.
class StaticFiles {
 public:
  struct Limits {
    uint64_t max_total_bytes = uint64_t{64} << 20;
    int max_files = 10000;
  };
  static absl::StatusOr<StaticFiles> Load(const std::string& root, Limits limits);
  static absl::StatusOr<StaticFiles> Load(const std::string& root) { return Load(root, Limits{}); }

  struct Request {
    absl::string_view method;  // "GET", "HEAD", ...
    absl::string_view path;    // as sent, before '?'
    absl::string_view accept_encoding;
    absl::string_view if_none_match;
  };
  struct Reply {
    int status = 200;
    // Points into the StaticFiles (which must outlive the reply); empty for
    // HEAD and 304, where content_length still tells the size of a GET.
    absl::string_view body;
    uint64_t content_length = 0;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
  };

  // Whether this request is the web application's rather than the API's:
  // a GET or HEAD outside /v1/, /.well-known/ and the operations endpoints.
  static bool IsStaticRequest(absl::string_view method, absl::string_view path);

  // The answer to a static request (IsStaticRequest must hold).
  Reply Serve(const Request& request) const;

  // The Content-Security-Policy every static answer carries.
  static const char kContentSecurityPolicy[];

  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string content;
    std::string gzip;  // empty when not worth compressing
    std::string content_type;
    std::string etag;
  };
  std::map<std::string, File, std::less<>> files_;  // by URL path ("/assets/a.js")
};

// Whether an Accept-Encoding header value admits gzip (RFC 9110 §12.5.3:
// a `gzip` or `*` coding whose q is not 0).
bool AcceptsGzip(absl::string_view accept_encoding);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_STATIC_FILES_H_
