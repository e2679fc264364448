#ifndef PELITA_GATEWAY_HTTP_CLIENT_H_
#define PELITA_GATEWAY_HTTP_CLIENT_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <nlohmann/json.hpp>

namespace pelita::gateway {

struct HttpResponse {
  int status = 0;  // 0: transport failure
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// A small synchronous HTTP/1.1 client over Boost.Beast for tests and the
// benchmark: one keep-alive connection to 127.0.0.1:port, reopened when the
// server closed it.
class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  using Headers = std::vector<std::pair<std::string, std::string>>;
  HttpResponse Request(const std::string& method, const std::string& target,
                       const std::string& body = "", const Headers& headers = {});
  // Connections opened so far (keep-alive reuses one).
  int connects() const { return connects_; }

 private:
  bool Connect();
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  int port_;
  int connects_ = 0;
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_HTTP_CLIENT_H_
