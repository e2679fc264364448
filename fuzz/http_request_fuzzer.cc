// libFuzzer target: the gateway's HTTP request reader (gateway/http_request.h).
//
// Input: a mode byte, a body-limit byte, then the bytes.
//
// Mode even: the bytes are a request on the wire, read by ParseRequest (the
// same Beast parser settings and ReadHead as a live connection).  An error
// must be 400 or 413 with a short ASCII message whose JSON body (ErrorBody)
// is valid UTF-8 JSON; a framing error closes the connection.  A request
// that is read must keep RFC 9112 §6 by a check written here from the raw
// header lines, not from ReadHead's code: Transfer-Encoding only as exactly
// `chunked` on HTTP/1.1 and never with Content-Length; a Content-Length of
// digits only, equal to the body read; and no byte after the request's own
// framing taken into it (the request ends at the header plus its declared
// length, and reading only the bytes it consumed gives the same request:
// what follows can never change it, so nothing can be smuggled); and no
// obsolete line folding (RFC 9112 §5.2: refused, not unfolded).  Its path
// and query must be valid UTF-8 by lib/csv's independent check, and the
// request written again with a plain Content-Length must read back the same.
//
// Mode odd: the bytes are a header built field by field (the first line the
// method, the second the target, then `name:value` lines), given to ReadHead
// directly, so that it sees fields Beast's parser would have refused too;
// the same framing rules must hold.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gateway/http_errors.h"
#include "gateway/http_request.h"
#include "gateway/path_template.h"
#include "lib/csv/csv_reader.h"

namespace {

namespace http = boost::beast::http;
using pelita::gateway::HttpError;
using pelita::gateway::ParsedRequest;
using pelita::gateway::RequestHead;

[[noreturn]] void Fail(const char* what, absl::string_view detail, absl::string_view input) {
  std::fprintf(stderr, "http_request_fuzzer: %s: %.*s\n  input: %.*s\n", what,
               static_cast<int>(std::min<size_t>(detail.size(), 500)), detail.data(),
               static_cast<int>(std::min<size_t>(input.size(), 2000)), input.data());
  std::abort();
}

// What the raw header lines say about framing, read here without Beast.
struct RawFraming {
  std::vector<std::string> codings;  // every Transfer-Encoding list element, OWS stripped, empty ones dropped
  int te_fields = 0;
  std::vector<std::string> lengths;  // every Content-Length value, OWS stripped
  int version = 11;
};

bool IsOws(char c) { return c == ' ' || c == '\t'; }

absl::string_view StripOws(absl::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

void AddField(absl::string_view name, absl::string_view value, RawFraming* f) {
  value = StripOws(value);
  if (absl::EqualsIgnoreCase(name, "transfer-encoding")) {
    ++f->te_fields;
    for (absl::string_view c : absl::StrSplit(value, ',')) {
      c = StripOws(c);
      if (!c.empty()) f->codings.emplace_back(c);
    }
  } else if (absl::EqualsIgnoreCase(name, "content-length")) {
    f->lengths.emplace_back(value);
  }
}

// `head` is the request line and the field lines, without the empty line.
// A line starting with SP or HT continues the previous field (obs-fold).
RawFraming ReadRawFraming(absl::string_view head) {
  RawFraming f;
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  if (!lines.empty() && absl::EndsWith(lines[0], "HTTP/1.0")) f.version = 10;
  std::string name, value;
  bool have = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (!line.empty() && IsOws(line[0]) && have) {
      absl::StrAppend(&value, " ", line);
      continue;
    }
    if (have) AddField(name, value, &f);
    have = false;
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    name = std::string(line.substr(0, colon));
    value = std::string(line.substr(colon + 1));
    have = true;
  }
  if (have) AddField(name, value, &f);
  return f;
}

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool PrintableAscii(absl::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

void CheckError(const HttpError& e, absl::string_view input) {
  if (e.http_status != 400 && e.http_status != 413) Fail("an error that is not 400 or 413", e.message, input);
  // The framing messages are the gateway's own English: a message that is not
  // printable ASCII quotes the request.
  if (!PrintableAscii(e.message)) Fail("error message is not printable ASCII", e.message, input);
  const std::string body = pelita::gateway::ErrorBody(e);
  if (!pelita::csv::IsValidUtf8(body)) Fail("error body is not UTF-8", body, input);
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc["code"].is_number_integer() || !doc["message"].is_string()) {
    Fail("error body is not a JSON error", body, input);
  }
}

// The framing rules of RFC 9112 §6 for a header ReadHead accepted.
void CheckFraming(const RequestHead& head, const RawFraming& raw, absl::string_view input) {
  if (raw.te_fields > 0) {
    if (!head.chunked) Fail("Transfer-Encoding given but the body not read as chunked", "", input);
    if (!raw.lengths.empty()) Fail("Content-Length together with Transfer-Encoding accepted", "", input);
    if (raw.version != 11 || head.version != 11) Fail("Transfer-Encoding accepted on HTTP/1.0", "", input);
    if (raw.codings.size() != 1 || !absl::EqualsIgnoreCase(raw.codings[0], "chunked")) {
      Fail("a Transfer-Encoding other than exactly 'chunked' accepted", absl::StrJoin(raw.codings, ","), input);
    }
    if (head.content_length.has_value()) Fail("a chunked request with a Content-Length", "", input);
    return;
  }
  if (head.chunked) Fail("read as chunked without Transfer-Encoding", "", input);
  if (raw.lengths.empty()) {
    if (head.content_length.has_value()) Fail("a Content-Length that was not sent", "", input);
    return;
  }
  for (const auto& l : raw.lengths) {
    if (!AllDigits(l)) Fail("a Content-Length that is not 1*DIGIT accepted", l, input);
  }
  if (!head.content_length.has_value()) Fail("Content-Length sent but not read", "", input);
  absl::string_view digits = raw.lengths[0];
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  if (absl::StrCat(*head.content_length) != digits) Fail("Content-Length read as another number", digits, input);
}

void CheckTarget(const RequestHead& head, absl::string_view input) {
  if (head.path.empty() || head.path[0] != '/') Fail("a path that does not start with '/'", head.path, input);
  if (head.path.find('?') != std::string::npos) Fail("the query left in the path", head.path, input);
  if (!pelita::csv::IsValidUtf8(head.decoded_path)) Fail("a decoded path that is not UTF-8", head.decoded_path, input);
  if (head.decoded_path != pelita::gateway::PercentDecode(head.path)) Fail("decoded path", head.path, input);
  for (absl::string_view pair : absl::StrSplit(head.query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (!pelita::csv::IsValidUtf8(pelita::gateway::PercentDecode(kv.first, true)) ||
        !pelita::csv::IsValidUtf8(pelita::gateway::PercentDecode(kv.second, true))) {
      Fail("a query parameter that is not UTF-8 accepted", pair, input);
    }
  }
}

bool SameRequest(const ParsedRequest& a, const ParsedRequest& b) {
  return a.head.method == b.head.method && a.head.path == b.head.path && a.head.query == b.head.query &&
         a.head.decoded_path == b.head.decoded_path && a.head.content_type == b.head.content_type &&
         a.head.authorization == b.head.authorization && a.body == b.body;
}

void FuzzWire(absl::string_view bytes, uint64_t max_body) {
  auto result = pelita::gateway::ParseRequest(bytes, max_body);
  if (const auto* e = std::get_if<HttpError>(&result)) return CheckError(*e, bytes);
  const ParsedRequest& p = std::get<ParsedRequest>(result);
  if (p.consumed == 0 || p.consumed > bytes.size()) Fail("consumed out of range", "", bytes);
  const size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == absl::string_view::npos || head_end + 4 > p.consumed) {
    Fail("a request read without an empty line ending its header", "", bytes);
  }
  // RFC 9112 §5.2: a header with obsolete line folding is refused, never unfolded.
  const absl::string_view raw_head = bytes.substr(0, head_end);
  if (absl::StrContains(raw_head, "\r\n ") || absl::StrContains(raw_head, "\r\n\t")) {
    Fail("a header with obsolete line folding accepted", "", bytes);
  }
  const RawFraming raw = ReadRawFraming(raw_head);
  CheckFraming(p.head, raw, bytes);
  CheckTarget(p.head, bytes);
  if (p.body.size() > max_body) Fail("a body over the limit", "", bytes);
  if (p.head.chunked) {
    if (p.consumed < head_end + 4 + 5) Fail("a chunked body without its last chunk", "", bytes);
  } else {
    const uint64_t declared = p.head.content_length.value_or(0);
    if (p.body.size() != declared) Fail("a body of another length than declared", "", bytes);
    if (p.consumed != head_end + 4 + declared) Fail("bytes after the declared body taken into the request", "", bytes);
  }
  if (p.head.has_body() != (p.head.chunked || !p.body.empty())) Fail("has_body", "", bytes);

  // The request is its own bytes: what follows them cannot change it.
  auto again = pelita::gateway::ParseRequest(bytes.substr(0, p.consumed), max_body);
  const auto* q = std::get_if<ParsedRequest>(&again);
  if (q == nullptr || !SameRequest(p, *q) || q->consumed != p.consumed || q->head.chunked != p.head.chunked) {
    Fail("the request's own bytes read alone give another request", "", bytes);
  }

  // Written again with a plain Content-Length, it reads back the same.
  std::string canonical = absl::StrCat(p.head.method, " ", p.head.path, p.head.query.empty() ? "" : "?",
                                       p.head.query, " HTTP/1.1\r\nHost: fuzz\r\n");
  if (!p.head.content_type.empty()) absl::StrAppend(&canonical, "Content-Type: ", p.head.content_type, "\r\n");
  if (!p.head.authorization.empty()) absl::StrAppend(&canonical, "Authorization: ", p.head.authorization, "\r\n");
  absl::StrAppend(&canonical, "Content-Length: ", p.body.size(), "\r\n\r\n", p.body, "GET / HTTP/1.1\r\n\r\n");
  auto rewritten = pelita::gateway::ParseRequest(canonical, max_body);
  const auto* r = std::get_if<ParsedRequest>(&rewritten);
  if (r == nullptr) {
    Fail("the request written again is refused", std::get<HttpError>(rewritten).message, bytes);
  }
  if (!SameRequest(p, *r) || r->head.chunked || r->consumed != canonical.size() - 18) {
    Fail("the request written again reads as another request", canonical, bytes);
  }
}

void FuzzHeader(absl::string_view bytes) {
  std::vector<absl::string_view> lines = absl::StrSplit(bytes, '\n');
  if (lines.size() < 2) return;
  http::request_header<> header;
  header.method_string(boost::beast::string_view(lines[0].data(), lines[0].size()));
  header.target(boost::beast::string_view(lines[1].data(), lines[1].size()));
  const bool v10 = !lines[0].empty() && (lines[0][0] & 1);
  header.version(v10 ? 10 : 11);
  RawFraming raw;
  raw.version = v10 ? 10 : 11;
  for (size_t i = 2; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == 0 || colon == absl::string_view::npos) continue;
    absl::string_view name = lines[i].substr(0, colon), value = lines[i].substr(colon + 1);
    header.insert(boost::beast::string_view(name.data(), name.size()),
                  boost::beast::string_view(value.data(), value.size()));
    AddField(name, value, &raw);
  }
  auto result = pelita::gateway::ReadHead(header);
  if (const auto* e = std::get_if<HttpError>(&result)) {
    if (e->http_status != 400) Fail("ReadHead: an error that is not 400", e->message, bytes);
    if (!PrintableAscii(e->message)) Fail("ReadHead: error message is not printable ASCII", e->message, bytes);
    return;
  }
  const RequestHead& head = std::get<RequestHead>(result);
  if (raw.te_fields > 0) {
    if (!head.chunked || !raw.lengths.empty() || raw.version != 11 || raw.codings.size() != 1 ||
        !absl::EqualsIgnoreCase(raw.codings[0], "chunked")) {
      Fail("ReadHead accepted a Transfer-Encoding other than exactly 'chunked' alone on HTTP/1.1", "", bytes);
    }
  } else if (head.chunked) {
    Fail("ReadHead: chunked without Transfer-Encoding", "", bytes);
  }
  CheckTarget(head, bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static constexpr uint64_t kLimits[] = {0, 1, 7, 64, 1024, 1 << 20};
  const uint64_t max_body = kLimits[data[1] % (sizeof kLimits / sizeof kLimits[0])];
  absl::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (data[0] & 1) {
    FuzzHeader(bytes);
  } else {
    FuzzWire(bytes, max_body);
  }
  return 0;
}
