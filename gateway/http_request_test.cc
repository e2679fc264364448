#include "gateway/http_request.h"

#include <variant>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pelita::gateway {
namespace {

const HttpError* ErrorOf(const std::variant<ParsedRequest, HttpError>& r) { return std::get_if<HttpError>(&r); }

TEST(HttpRequestTest, ReadsAPlainRequest) {
  auto r = ParseRequest(
      "POST /v1/tenants/1504/units?unitId=a%20b&x=%C3%A9 HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: Application/JSON; charset=utf-8\r\nAuthorization: Bearer t\r\n"
      "X-Request-Timeout: 2s\r\nContent-Length: 2\r\n\r\n{}GET / HTTP/1.1\r\n\r\n",
      1024);
  ASSERT_FALSE(ErrorOf(r)) << ErrorOf(r)->message;
  const ParsedRequest& p = std::get<ParsedRequest>(r);
  EXPECT_EQ(p.head.method, "POST");
  EXPECT_EQ(p.head.path, "/v1/tenants/1504/units");
  EXPECT_EQ(p.head.query, "unitId=a%20b&x=%C3%A9");
  EXPECT_EQ(p.head.content_type, "application/json");
  EXPECT_EQ(p.head.authorization, "Bearer t");
  EXPECT_EQ(p.head.request_timeout, "2s");
  EXPECT_EQ(p.head.content_length, 2u);
  EXPECT_TRUE(p.head.keep_alive);
  EXPECT_EQ(p.body, "{}");
  EXPECT_EQ(p.consumed, std::string(
      "POST /v1/tenants/1504/units?unitId=a%20b&x=%C3%A9 HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: Application/JSON; charset=utf-8\r\nAuthorization: Bearer t\r\n"
      "X-Request-Timeout: 2s\r\nContent-Length: 2\r\n\r\n{}").size());
}

TEST(HttpRequestTest, ChunkedBodiesAreDechunked) {
  auto r = ParseRequest("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                        1024);
  ASSERT_FALSE(ErrorOf(r)) << ErrorOf(r)->message;
  EXPECT_EQ(std::get<ParsedRequest>(r).body, "abcde");
  EXPECT_TRUE(std::get<ParsedRequest>(r).head.chunked);
  EXPECT_FALSE(std::get<ParsedRequest>(r).head.keep_alive);
}

// RFC 9112 §6: anything but exactly `chunked`, or Content-Length with
// Transfer-Encoding, is 400 and closes the connection.
TEST(HttpRequestTest, AmbiguousFramingIsRefused) {
  for (const std::string& te : std::vector<std::string>{"chunked, identity", "identity", "xchunked", "gzip", "gzip, chunked", "chunked, chunked",
                               "chunked,identity", "Chunked , identity"}) {
    auto r = ParseRequest(absl::StrCat("GET /x HTTP/1.1\r\nTransfer-Encoding: ", te,
                                       "\r\n\r\nDELETE /y HTTP/1.1\r\n\r\n"),
                          1024);
    ASSERT_TRUE(ErrorOf(r)) << te;
    EXPECT_EQ(ErrorOf(r)->http_status, 400) << te;
    EXPECT_TRUE(ErrorOf(r)->close) << te;
  }
  // Two fields that together end in chunked but list another coding.
  auto r = ParseRequest("GET /x HTTP/1.1\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        1024);
  ASSERT_TRUE(ErrorOf(r));
  EXPECT_TRUE(ErrorOf(r)->close);
  for (const char* req : {"POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                          "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
                          "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                          "POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                          "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n"}) {
    auto e = ParseRequest(req, 1024);
    ASSERT_TRUE(ErrorOf(e)) << req;
    EXPECT_EQ(ErrorOf(e)->http_status, 400) << req;
    EXPECT_TRUE(ErrorOf(e)->close) << req;
  }
}

// Fields Beast's wire parser would refuse still reach ReadHead when a
// header is built in code; optional whitespace is SP and HTAB only (RFC 9110
// §5.6.3), so "chunked" followed by a CR, VT or FF is another coding, and a
// Content-Length is 1*DIGIT (no sign; Beast trims the spaces around a value
// given in code, as OWS on the wire).  Found by http_request_fuzzer.
TEST(HttpRequestTest, ReadHeadTakesOnlySpaceAndTabAsWhitespace) {
  namespace http = boost::beast::http;
  for (const char* te : {"chunked\r", "chunked\v", "\fchunked", "chunked\n"}) {
    http::request_header<> header;
    header.method(http::verb::post);
    header.target("/x");
    header.version(11);
    header.insert(http::field::transfer_encoding, te);
    auto r = ReadHead(header);
    ASSERT_TRUE(std::holds_alternative<HttpError>(r)) << absl::CEscape(te);
    EXPECT_EQ(std::get<HttpError>(r).http_status, 400);
  }
  for (const char* length : {"+5", "0x5", "5e0", "-0"}) {
    http::request_header<> header;
    header.method(http::verb::post);
    header.target("/x");
    header.version(11);
    header.insert(http::field::content_length, length);
    auto r = ReadHead(header);
    ASSERT_TRUE(std::holds_alternative<HttpError>(r)) << length;
    EXPECT_EQ(std::get<HttpError>(r).http_status, 400);
  }
  // A name Beast's lookup takes for Transfer-Encoding (it masks the 0x20
  // bit, and CR is '-' without it) is not read as framing.
  for (const char* name : {"Transfer\rEncoding", "Content\rLength"}) {
    http::request_header<> odd;
    odd.method(http::verb::post);
    odd.target("/x");
    odd.version(11);
    odd.insert(name, name[0] == 'T' ? "chunked" : "3");
    auto r = ReadHead(odd);
    ASSERT_TRUE(std::holds_alternative<HttpError>(r)) << absl::CEscape(name);
    EXPECT_EQ(std::get<HttpError>(r).http_status, 400);
  }
  http::request_header<> header;
  header.method(http::verb::post);
  header.target("/x");
  header.version(11);
  header.insert(http::field::transfer_encoding, " chunked\t");
  auto r = ReadHead(header);
  ASSERT_TRUE(std::holds_alternative<RequestHead>(r));
  EXPECT_TRUE(std::get<RequestHead>(r).chunked);
}

// RFC 9112 §5.2: obsolete line folding is refused, not unfolded (Beast
// would read "Transfer-Encoding:\r\n chunked" as chunked), wherever the
// read was cut; a header without folds but with the same bytes reads.
TEST(HttpRequestTest, ObsoleteLineFoldingIsRefused) {
  for (const char* req : {"GET /x HTTP/1.1\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
                          "GET /x HTTP/1.1\r\nX-A: 1\r\n\t2\r\n\r\n",
                          "GET /x HTTP/1.1\r\n Host: x\r\n\r\n"}) {
    auto r = ParseRequest(req, 1024);
    ASSERT_TRUE(ErrorOf(r)) << req;
    EXPECT_EQ(ErrorOf(r)->http_status, 400) << req;
    EXPECT_TRUE(ErrorOf(r)->close) << req;
  }
  const std::string folded = "GET /x HTTP/1.1\r\nX-A: 1\r\n 2\r\n\r\n";
  for (size_t cut = 0; cut <= folded.size(); ++cut) {
    FoldScanner scan;
    scan.Saw(absl::string_view(folded).substr(0, cut));
    scan.Saw(absl::string_view(folded).substr(cut));
    EXPECT_TRUE(scan.folded()) << cut;
  }
  FoldScanner plain;
  plain.Saw("GET /x HTTP/1.1\r\nX-A: 1 2\r\nX-B:\t3\r\n\r\n");
  EXPECT_FALSE(plain.folded());
  EXPECT_FALSE(ErrorOf(ParseRequest("GET /x HTTP/1.1\r\nX-A: 1 2\r\nX-B:\t3\r\n\r\n", 1024)));
}

// A malformed chunked body is 400 and closes the connection: where it ends
// is unknown, so what follows is never read as a request.
TEST(HttpRequestTest, MalformedChunksAre400AndClose) {
  for (const char* body : {"2\r\n{}DELETE /y HTTP/1.1\r\n0\r\n\r\n", "ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
                           "zz\r\n{}\r\n0\r\n\r\n", "2;\x01\r\n{}\r\n0\r\n\r\n"}) {
    auto r = ParseRequest(absl::StrCat("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", body), 1 << 20);
    ASSERT_TRUE(ErrorOf(r)) << body;
    EXPECT_EQ(ErrorOf(r)->http_status, 400) << body;
    EXPECT_TRUE(ErrorOf(r)->close) << body;
  }
  EXPECT_TRUE(IsMalformedBody(boost::beast::http::error::bad_chunk));
  EXPECT_FALSE(IsMalformedBody(boost::beast::http::error::partial_message));
  EXPECT_FALSE(IsMalformedBody(boost::beast::http::error::end_of_stream));
  EXPECT_FALSE(IsMalformedBody(boost::beast::http::error::body_limit));
}

TEST(HttpRequestTest, TargetsMustBeUtf8Paths) {
  for (const char* target : {"/v1/\xff", "/v1/%ff", "/v1/%C0%AF", "/v1/x?%ff=1", "/v1/x?a=%ed%a0%80", "/v1/x?\xfe"}) {
    auto r = ParseRequest(absl::StrCat("GET ", target, " HTTP/1.1\r\n\r\n"), 1024);
    ASSERT_TRUE(ErrorOf(r)) << target;
    EXPECT_EQ(ErrorOf(r)->http_status, 400);
    EXPECT_TRUE(absl::StrContains(ErrorOf(r)->message, "UTF-8")) << ErrorOf(r)->message;
  }
  auto r = ParseRequest("GET http://example/v1 HTTP/1.1\r\n\r\n", 1024);
  ASSERT_TRUE(ErrorOf(r));
  EXPECT_EQ(ErrorOf(r)->http_status, 400);
  r = ParseRequest("GET /v1/caf%C3%A9?q=%E2%82%AC HTTP/1.1\r\n\r\n", 1024);
  ASSERT_FALSE(ErrorOf(r));
  EXPECT_EQ(std::get<ParsedRequest>(r).head.decoded_path, "/v1/caf\xc3\xa9");
}

TEST(HttpRequestTest, BodyLimitIs413AndGarbageIs400) {
  auto r = ParseRequest("POST /x HTTP/1.1\r\nContent-Length: 2000\r\n\r\n", 1024);
  ASSERT_TRUE(ErrorOf(r));
  EXPECT_EQ(ErrorOf(r)->http_status, 413);
  r = ParseRequest("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n", 1024);
  ASSERT_TRUE(ErrorOf(r));
  EXPECT_EQ(ErrorOf(r)->http_status, 413);
  for (const std::string& bytes : std::vector<std::string>{std::string("\x16\x03\x01\x02\x00", 5), std::string("GET\r\n\r\n"),
                                  std::string("GET / HTTP/1.1\r\nX: a\r\n"), std::string(""),
                                  std::string(20000, 'A')}) {
    auto e = ParseRequest(bytes, 1024);
    ASSERT_TRUE(ErrorOf(e));
    EXPECT_EQ(ErrorOf(e)->http_status, 400);
  }
}

}  // namespace
}  // namespace pelita::gateway
