#ifndef PELITA_GATEWAY_HTTP_REQUEST_H_
#define PELITA_GATEWAY_HTTP_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

#include <boost/beast/core/error.hpp>

#include "absl/strings/string_view.h"
#include "gateway/http_errors.h"

namespace pelita::gateway {

// The largest request header the gateway reads (request line and fields).
inline constexpr uint32_t kMaxHeaderBytes = 16 * 1024;

// What the gateway takes from a request header, checked.
struct RequestHead {
  std::string method;
  std::string path;          // the target before '?', still percent-encoded
  std::string decoded_path;  // the same, percent-decoded (valid UTF-8)
  std::string query;         // after '?', without it
  int version = 11;
  bool keep_alive = true;
  bool expect_continue = false;
  // The framing of the body (RFC 9112 §6): chunked, or Content-Length, or
  // none (no body).
  bool chunked = false;
  std::optional<uint64_t> content_length;
  std::string content_type;  // the media type in lower case, without parameters
  std::string authorization;
  std::string request_id;  // X-Request-Id as sent (checked by the caller)
  std::string request_timeout;  // X-Request-Timeout
  std::string grpc_timeout;     // grpc-timeout
  std::string accept;           // Accept (a list route answers CSV for text/csv; gateway/csv_list.h)
  std::string accept_encoding;  // Accept-Encoding (static files may be sent gzip-compressed)
  std::string if_none_match;    // If-None-Match (static files carry an ETag)
  std::string cookie;           // Cookie (the browser's refresh token; see gateway/refresh_cookie.h)
  bool from_browser = false;    // Sec-Fetch-Mode is present (gateway/refresh_cookie.h)
  // The client's IP address (not a header: the connection's peer), set by
  // the gateway; identity throttles sign-ins by it.
  std::string peer;

  bool has_body() const { return chunked || (content_length.has_value() && *content_length > 0); }
};

// Reads a parsed request header into a RequestHead, enforcing
//   - RFC 9112 §6.1/6.3 framing: a Transfer-Encoding must be exactly
//     `chunked` (a list whose final coding is not chunked, `identity`,
//     unknown or repeated codings, or Transfer-Encoding on HTTP/1.0 are
//     refused), and Content-Length together with Transfer-Encoding is
//     refused: the body length would be ambiguous, and a request smuggled in
//     the body could be run as the next one.  These errors close the connection.
//   - the target: an absolute path, whose percent-decoded path and query
//     keys and values are valid UTF-8.
// Errors are 400 with a message that does not quote the request.
std::variant<RequestHead, HttpError> ReadHead(const boost::beast::http::request_header<>& header);

// Watches the bytes a header parser takes for obsolete line folding: a
// field line that starts with SP or HTAB (RFC 9112 §5.2).  Beast's parser
// silently joins such a line to the field before it, so that
// "Transfer-Encoding:\r\n chunked" reads as chunked; a proxy in front that
// reads the fold otherwise would frame the body otherwise.  RFC 9112 lets a
// server refuse it with 400, which the gateway does (FoldError), before
// anything of the header is used.  Feed it exactly the bytes the parser
// consumed, in order; it keeps its state across pieces.
class FoldScanner {
 public:
  void Saw(absl::string_view consumed) {
    for (char c : consumed) {
      if (after_line_ && (c == ' ' || c == '\t')) folded_ = true;
      after_line_ = c == '\n';
    }
  }
  bool folded() const { return folded_; }

 private:
  bool after_line_ = false;
  bool folded_ = false;
};
HttpError FoldError();

// Whether `ec`, from reading a request body, means the body is malformed
// (chunk framing: a bad chunk size, a chunk longer than its size, a bad
// extension or line ending) rather than that the client went away or the
// limit was reached.  A malformed body is 400 and closes the connection:
// where the body ends is unknown, so nothing after it can be read as a request.
bool IsMalformedBody(const boost::beast::error_code& ec);
HttpError MalformedBodyError(const boost::beast::error_code& ec);

// A whole request read from bytes, for tests and fuzzing: the same Beast
// parser settings and the same ReadHead as the live connection, then the
// body (dechunked), up to `max_body_bytes` (413 beyond).
struct ParsedRequest {
  RequestHead head;
  std::string body;
  size_t consumed = 0;  // bytes of `bytes` that made this request
};
std::variant<ParsedRequest, HttpError> ParseRequest(absl::string_view bytes, uint64_t max_body_bytes);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_HTTP_REQUEST_H_
