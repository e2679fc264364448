#include "gateway/http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace pelita::gateway {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

bool HttpClient::Connect() {
  stream_.emplace(ioc_);
  buffer_.clear();
  beast::error_code ec;
  stream_->socket().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_), ec);
  if (ec) {
    stream_.reset();
    return false;
  }
  stream_->socket().set_option(tcp::no_delay(true), ec);
  ++connects_;
  return true;
}

HttpResponse HttpClient::Request(const std::string& method, const std::string& target,
                                 const std::string& body, const Headers& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = false;
    if (!stream_) {
      if (!Connect()) return {};
      fresh = true;
    }
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1");
    bool has_type = false;
    for (const auto& [k, v] : headers) {
      req.set(k, v);
      has_type |= absl::EqualsIgnoreCase(k, "content-type");
    }
    if (!body.empty() && !has_type) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    http::write(*stream_, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.skip(method == "HEAD");  // a HEAD response has no body, whatever its Content-Length
    if (!ec) http::read(*stream_, buffer_, parser, ec);
    if (ec) {
      stream_.reset();
      if (fresh) return {};
      continue;  // the server closed an idle keep-alive connection: retry once
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = res.result_int();
    out.body = std::move(res.body());
    for (const auto& f : res) {
      auto n = f.name_string();
      auto v = f.value();
      out.headers[absl::AsciiStrToLower(std::string(n.data(), n.size()))] = std::string(v.data(), v.size());
    }
    if (!res.keep_alive()) stream_.reset();
    return out;
  }
  return {};
}

}  // namespace pelita::gateway
