#include "gateway/http_request.h"

#include <limits>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/string_body.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/path_template.h"
#include "gateway/utf8.h"

namespace pelita::gateway {

namespace http = boost::beast::http;

namespace {

std::string Str(boost::beast::string_view s) { return std::string(s.data(), s.size()); }

// Optional whitespace is SP and HTAB only (RFC 9110 §5.6.3): a list element
// "chunked" followed by a CR, VT or FF is another coding, not chunked.
absl::string_view StripOws(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no whitespace.
bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::variant<RequestHead, HttpError> ReadHead(const http::request_header<>& header) {
  RequestHead head;
  head.version = static_cast<int>(header.version());
  head.method = Str(header.method_string());
  // Framing first: nothing else of a request whose length is ambiguous is used.
  // By the name as sent, not Beast's field enum: Beast's name lookup
  // compares with the 0x20 bit masked, so "Transfer\rEncoding" in a header
  // built in code is its transfer_encoding (the wire parser refuses a CR in
  // a name before here; found by http_request_fuzzer).
  std::string codings, length;
  int te_fields = 0, cl_fields = 0;
  for (const auto& field : header) {
    const absl::string_view name(field.name_string().data(), field.name_string().size());
    if (absl::EqualsIgnoreCase(name, "transfer-encoding")) {
      ++te_fields;
      absl::StrAppend(&codings, codings.empty() ? "" : ",", Str(field.value()));
    } else if (absl::EqualsIgnoreCase(name, "content-length")) {
      if (cl_fields++ == 0) length = Str(field.value());
    } else if (field.name() == http::field::transfer_encoding || field.name() == http::field::content_length) {
      return BadRequest("a framing header with a malformed name", true);
    }
  }
  if (te_fields > 0) {
    if (cl_fields > 0) return BadRequest("Content-Length together with Transfer-Encoding", true);
    if (head.version < 11) return BadRequest("Transfer-Encoding in an HTTP/1.0 request", true);
    int chunked = 0, other = 0;
    for (absl::string_view c : absl::StrSplit(codings, ',')) {
      c = StripOws(c);
      if (c.empty()) continue;  // empty list elements are allowed (RFC 9110 §5.6.1)
      absl::EqualsIgnoreCase(c, "chunked") ? ++chunked : ++other;
    }
    if (chunked != 1 || other != 0) {
      return BadRequest("Transfer-Encoding must be exactly 'chunked'", true);
    }
    head.chunked = true;
  } else if (cl_fields > 0) {
    // Beast refuses a malformed or conflicting Content-Length before here.
    uint64_t n = 0;
    if (!AllDigits(length) || !absl::SimpleAtoi(length, &n)) {
      return BadRequest("bad Content-Length", true);
    }
    head.content_length = n;
  }
  // RFC 9112 §9.3: HTTP/1.1 keeps the connection unless `Connection: close`;
  // HTTP/1.0 only with `Connection: keep-alive`.
  http::token_list connection{header[http::field::connection]};
  head.keep_alive = head.version >= 11 ? !connection.exists("close") : connection.exists("keep-alive");

  const std::string target = Str(header.target());
  if (target.empty() || target[0] != '/') return BadRequest("the request target must be a path starting with '/'", true);
  const size_t q = target.find('?');
  head.path = target.substr(0, q);
  head.query = q == std::string::npos ? "" : target.substr(q + 1);
  head.decoded_path = PercentDecode(head.path);
  if (!IsValidUtf8(head.decoded_path)) return BadRequest("the path is not valid UTF-8");
  for (absl::string_view pair : absl::StrSplit(head.query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (!IsValidUtf8(PercentDecode(kv.first, true)) || !IsValidUtf8(PercentDecode(kv.second, true))) {
      return BadRequest("a query parameter is not valid UTF-8");
    }
  }

  const std::string type = Str(header[http::field::content_type]);
  head.content_type = absl::AsciiStrToLower(absl::StripAsciiWhitespace(absl::string_view(type).substr(0, type.find(';'))));
  head.expect_continue = absl::EqualsIgnoreCase(Str(header[http::field::expect]), "100-continue");
  head.authorization = Str(header[http::field::authorization]);
  head.request_id = Str(header["X-Request-Id"]);
  head.request_timeout = Str(header["X-Request-Timeout"]);
  head.grpc_timeout = Str(header["grpc-timeout"]);
  head.accept = Str(header[http::field::accept]);
  head.accept_encoding = Str(header[http::field::accept_encoding]);
  head.if_none_match = Str(header[http::field::if_none_match]);
  head.cookie = Str(header[http::field::cookie]);
  head.from_browser = header.find("Sec-Fetch-Mode") != header.end();
  return head;
}

HttpError FoldError() {
  return BadRequest("obsolete line folding in the request header (RFC 9112 5.2)", true);
}

bool IsMalformedBody(const boost::beast::error_code& ec) {
  return ec == http::error::bad_chunk || ec == http::error::bad_chunk_extension ||
         ec == http::error::bad_line_ending || ec == http::error::bad_field || ec == http::error::bad_value ||
         ec == http::error::bad_obs_fold || ec == http::error::bad_content_length ||
         ec == http::error::bad_transfer_encoding || ec == http::error::header_limit;
}

HttpError MalformedBodyError(const boost::beast::error_code& ec) {
  return BadRequest(absl::StrCat("bad HTTP request body: ", ec.message()), true);
}

std::variant<ParsedRequest, HttpError> ParseRequest(absl::string_view bytes, uint64_t max_body_bytes) {
  http::request_parser<http::empty_body> header_parser;
  header_parser.header_limit(kMaxHeaderBytes);
  // Content-Length is judged after the header (Beast 1.74 reads boost::none as 0 here).
  header_parser.body_limit(std::numeric_limits<uint64_t>::max());
  header_parser.eager(false);
  boost::beast::error_code ec;
  size_t used = 0;
  FoldScanner folds;
  while (!header_parser.is_header_done()) {
    size_t n = header_parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    folds.Saw(bytes.substr(used, n));
    used += n;
    if (ec == http::error::need_more && used == bytes.size()) return BadRequest("incomplete request header", true);
    if (ec && ec != http::error::need_more) return BadRequest(absl::StrCat("bad HTTP request: ", ec.message()), true);
    if (n == 0 && !header_parser.is_header_done()) return BadRequest("incomplete request header", true);
  }
  if (folds.folded()) return FoldError();
  auto head = ReadHead(header_parser.get());
  if (auto* error = std::get_if<HttpError>(&head)) return *error;
  ParsedRequest out;
  out.head = std::get<RequestHead>(std::move(head));
  if (out.head.content_length && *out.head.content_length > max_body_bytes) {
    return PayloadTooLarge(absl::StrCat("request body larger than ", max_body_bytes, " bytes"));
  }
  http::request_parser<http::string_body> body_parser(std::move(header_parser));
  body_parser.body_limit(max_body_bytes);
  body_parser.eager(true);
  while (!body_parser.is_done()) {
    size_t n = body_parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == http::error::body_limit) {
      return PayloadTooLarge(absl::StrCat("request body larger than ", max_body_bytes, " bytes"));
    }
    if (ec == http::error::need_more && used == bytes.size()) return BadRequest("incomplete request body", true);
    if (IsMalformedBody(ec)) return MalformedBodyError(ec);
    if (ec && ec != http::error::need_more) return BadRequest(absl::StrCat("bad HTTP request: ", ec.message()), true);
    if (n == 0 && !body_parser.is_done()) return BadRequest("incomplete request body", true);
  }
  out.body = std::move(body_parser.get().body());
  out.consumed = used;
  return out;
}

}  // namespace pelita::gateway
