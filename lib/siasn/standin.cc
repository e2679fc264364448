#include "lib/siasn/standin.h"

#include <algorithm>
#include <cmath>

#include <sys/socket.h>

#include <list>
#include <optional>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/siasn/shapes.h"

namespace pelita::siasn {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;
using nlohmann::json;

namespace {

constexpr char kApiBase[] = "/apisiasn/1.0/";

using Request = http::request<http::string_body>;

absl::string_view Sv(boost::beast::string_view s) { return absl::string_view(s.data(), s.size()); }
using Response = http::response<http::string_body>;

// What to do with one request: answer, answer after a delay, hold it
// unanswered, or drop the connection without an answer.
struct Outcome {
  std::optional<Response> response;
  absl::Duration delay = absl::ZeroDuration();
  bool hold = false;
};

Response JsonResponse(const Request& req, http::status status, const json& body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

Response RawResponse(const Request& req, http::status status, std::string body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

std::string PercentDecode(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    int hi = 0, lo = 0;
    auto hex = [](char c, int* v) {
      if (c >= '0' && c <= '9') *v = c - '0';
      else if (c >= 'a' && c <= 'f') *v = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') *v = c - 'A' + 10;
      else return false;
      return true;
    };
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1], &hi) &&
               hex(s[i + 2], &lo)) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> ParseForm(absl::string_view body) {
  std::map<std::string, std::string> form;
  for (absl::string_view pair : absl::StrSplit(body, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    form[PercentDecode(kv.first)] = PercentDecode(kv.second);
  }
  return form;
}

// The parts of a multipart/form-data body by name: {filename, content type, content}.
struct Part {
  std::string file_name, content_type, content;
};
std::map<std::string, Part> ParseMultipart(absl::string_view content_type, absl::string_view body) {
  std::map<std::string, Part> parts;
  const size_t b = content_type.find("boundary=");
  if (b == absl::string_view::npos) return parts;
  std::string boundary(content_type.substr(b + 9));
  if (!boundary.empty() && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
  const std::string delimiter = absl::StrCat("--", boundary);
  for (absl::string_view chunk : absl::StrSplit(body, delimiter)) {
    const size_t head_end = chunk.find("\r\n\r\n");
    if (head_end == absl::string_view::npos) continue;
    const absl::string_view head = chunk.substr(0, head_end);
    absl::string_view content = chunk.substr(head_end + 4);
    if (absl::EndsWith(content, "\r\n")) content.remove_suffix(2);
    auto quoted = [&](absl::string_view key) -> std::string {
      const size_t p = head.find(key);
      if (p == absl::string_view::npos) return "";
      const size_t start = p + key.size();
      const size_t end = head.find('"', start);
      return std::string(head.substr(start, end == absl::string_view::npos ? end : end - start));
    };
    Part part;
    part.file_name = quoted("filename=\"");
    const size_t ct = absl::AsciiStrToLower(head).find("content-type:");
    if (ct != absl::string_view::npos) {
      const size_t eol = head.find("\r\n", ct);
      part.content_type = std::string(absl::StripAsciiWhitespace(head.substr(ct + 13, eol == absl::string_view::npos ? eol : eol - ct - 13)));
    }
    part.content = std::string(content);
    const std::string name = quoted(" name=\"");
    if (!name.empty()) parts[name] = std::move(part);
  }
  return parts;
}

// kWrongTypes: strings become numbers and numbers strings, everywhere in data.
json WrongTypes(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = WrongTypes(it.value());
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const json& item : v) out.push_back(WrongTypes(item));
    return out;
  }
  if (v.is_string()) return 12345;
  if (v.is_number()) return v.dump();
  return v;
}

}  // namespace

struct SiasnStandin::Impl {
  explicit Impl(const StandinOptions& options) : o(options) {}

  const StandinOptions& o;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  int port = 0;
  std::thread accept_thread;
  std::atomic<bool> stopping{false};

  mutable absl::Mutex mu;
  bool stopped ABSL_GUARDED_BY(mu) = false;
  std::map<std::string, json> data_utama ABSL_GUARDED_BY(mu);
  std::map<std::string, json> lists[3] ABSL_GUARDED_BY(mu);  // rw-kursus, rw-diklat, rw-skp22.
  std::vector<Upload> uploads ABSL_GUARDED_BY(mu);
  std::map<std::string, absl::Time> apim_tokens ABSL_GUARDED_BY(mu);
  std::map<std::string, absl::Time> sso_tokens ABSL_GUARDED_BY(mu);
  int next_id ABSL_GUARDED_BY(mu) = 0;
  struct Pending {
    Fault fault;
    int left;
    std::string route;
  };
  std::deque<Pending> faults ABSL_GUARDED_BY(mu);
  std::string retry_after ABSL_GUARDED_BY(mu) = "7";
  absl::Duration slow ABSL_GUARDED_BY(mu) = absl::Milliseconds(100);
  std::map<std::string, int> requests ABSL_GUARDED_BY(mu);
  int apim_issued ABSL_GUARDED_BY(mu) = 0;
  int sso_issued ABSL_GUARDED_BY(mu) = 0;
  int unauthorized ABSL_GUARDED_BY(mu) = 0;
  // The rate limit over the API routes (SetRateLimit): a token bucket of
  // one second's calls (at least one), in real time.
  double rate ABSL_GUARDED_BY(mu) = 0;
  double rate_tokens ABSL_GUARDED_BY(mu) = 0;
  absl::Time rate_last ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  int rate_limited ABSL_GUARDED_BY(mu) = 0;
  std::atomic<int> connections{0};

  // Connections: each served by its own thread; finished ones are joined
  // as new ones arrive, the rest at Stop().
  struct Conn {
    explicit Conn(net::io_context& ioc) : socket(ioc) {}
    tcp::socket socket;
    std::thread thread;
    bool done = false;
  };
  absl::Mutex conn_mu;
  std::list<std::unique_ptr<Conn>> conns ABSL_GUARDED_BY(conn_mu);

  absl::Time Now() const { return o.clock ? o.clock() : absl::Now(); }

  void AcceptLoop() {
    while (!stopping.load()) {
      auto conn = std::make_unique<Conn>(ioc);
      boost::system::error_code ec;
      acceptor.accept(conn->socket, ec);
      if (ec || stopping.load()) break;
      absl::MutexLock l(&conn_mu);
      for (auto it = conns.begin(); it != conns.end();) {
        if ((*it)->done) {
          (*it)->thread.join();
          it = conns.erase(it);
        } else {
          ++it;
        }
      }
      Conn* c = conn.get();
      ++connections;
      conns.push_back(std::move(conn));
      c->thread = std::thread([this, c] { Serve(c); });
    }
  }

  void Serve(Conn* c) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 << 20);
      boost::system::error_code ec;
      http::read(c->socket, buffer, parser, ec);
      if (ec) break;
      Request req = parser.release();
      Outcome out = Handle(req);
      if (out.hold) {
        // Holds the request unanswered until the client gives up and the
        // test ends (Stop) or a minute passes.
        absl::MutexLock l(&mu);
        mu.AwaitWithTimeout(absl::Condition(&stopped), absl::Minutes(1));
        break;
      }
      if (out.delay > absl::ZeroDuration()) {
        absl::MutexLock l(&mu);
        mu.AwaitWithTimeout(absl::Condition(&stopped), out.delay);
      }
      if (!out.response.has_value()) break;  // kLoseResponse.
      const bool keep = out.response->keep_alive();
      http::write(c->socket, *out.response, ec);
      if (ec || !keep) break;
    }
    absl::MutexLock l(&conn_mu);
    boost::system::error_code ec;
    c->socket.shutdown(tcp::socket::shutdown_both, ec);
    c->socket.close(ec);
    c->done = true;
  }

  // The route name of a target, with the NIP for per-employee GETs.
  static std::string RouteOf(absl::string_view target, std::string* nip) {
    target = target.substr(0, target.find('?'));
    if (target == "/oauth2/token") return "oauth2/token";
    if (absl::StartsWith(target, "/auth/realms/") &&
        absl::EndsWith(target, "/protocol/openid-connect/token")) {
      return "sso/token";
    }
    if (!absl::ConsumePrefix(&target, kApiBase)) return "";
    if (target == "kursus/save" || target == "upload-dok-rw") return std::string(target);
    for (const char* r : {"data-utama", "rw-kursus", "rw-diklat", "rw-skp22"}) {
      const std::string prefix = absl::StrCat("pns/", r, "/");
      if (absl::StartsWith(target, prefix) && target.size() > prefix.size()) {
        *nip = std::string(target.substr(prefix.size()));
        return r;
      }
    }
    return "";
  }

  std::optional<Fault> TakeFault(const std::string& route) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    const bool token_route = route == "oauth2/token" || route == "sso/token";
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      const bool match = it->route.empty() ? !token_route : it->route == route;
      if (!match) continue;
      const Fault f = it->fault;
      if (--it->left <= 0) faults.erase(it);
      return f;
    }
    return std::nullopt;
  }

  Outcome Handle(const Request& req) {
    std::string nip;
    const std::string route = RouteOf(Sv(req.target()), &nip);
    std::optional<Fault> fault;
    std::string retry;
    absl::Duration slow_delay;
    {
      absl::MutexLock l(&mu);
      ++requests[route];
      const bool api_route = !route.empty() && route != "oauth2/token" && route != "sso/token";
      if (api_route && rate > 0) {
        // Beyond the rate: 429 with the seconds until the next call may
        // come (rounded up), before any fault is taken.
        const absl::Time now = absl::Now();
        const double capacity = std::max(1.0, rate);
        rate_tokens = rate_last == absl::InfinitePast()
                          ? capacity
                          : std::min(capacity, rate_tokens + absl::ToDoubleSeconds(now - rate_last) * rate);
        rate_last = now;
        if (rate_tokens < 1) {
          ++rate_limited;
          const int wait = std::max(1, static_cast<int>(std::ceil((1 - rate_tokens) / rate)));
          Outcome out;
          out.response = JsonResponse(req, http::status::too_many_requests, {{"code", 0}, {"message", "Too Many Requests"}});
          out.response->set(http::field::retry_after, std::to_string(wait));
          return out;
        }
        rate_tokens -= 1;
      }
      fault = TakeFault(route);
      retry = retry_after;
      slow_delay = slow;
      if (fault == Fault::kUnauthorized) ++unauthorized;
    }
    Outcome out;
    if (fault.has_value()) {
      switch (*fault) {
        case Fault::kUnauthorized:
          out.response = JsonResponse(req, http::status::unauthorized, {{"code", 0}, {"message", "Invalid Credentials"}});
          return out;
        case Fault::kTooManyRequests:
          out.response = JsonResponse(req, http::status::too_many_requests, {{"code", 0}, {"message", "Too Many Requests"}});
          if (!retry.empty()) out.response->set(http::field::retry_after, retry);
          return out;
        case Fault::kServerError:
          out.response = JsonResponse(req, http::status::internal_server_error, {{"code", 0}, {"message", "Internal Server Error"}});
          return out;
        case Fault::kTimeout:
          out.hold = true;
          return out;
        case Fault::kMalformedJson:
          out.response = RawResponse(req, http::status::ok, R"({"code":1,"data":{"id":"trunc)");
          return out;
        case Fault::kSlow:
          out.delay = slow_delay;
          break;
        case Fault::kLoseResponse:
        case Fault::kWrongTypes:
          break;
      }
    }
    Response res = Route(req, route, nip);
    if (fault == Fault::kLoseResponse) return out;  // The work is done; nobody hears of it.
    if (fault == Fault::kWrongTypes) {
      json doc = json::parse(res.body(), nullptr, false);
      if (!doc.is_discarded() && doc.contains("data")) {
        doc["data"] = WrongTypes(doc["data"]);
        res = JsonResponse(req, res.result(), doc);
      }
    }
    out.response = std::move(res);
    return out;
  }

  Response Route(const Request& req, const std::string& route, const std::string& nip) {
    if (route == "oauth2/token") return ApimToken(req);
    if (route == "sso/token") return SsoToken(req);
    if (route.empty()) return JsonResponse(req, http::status::not_found, {{"code", 0}, {"data", "path not found"}});
    absl::MutexLock l(&mu);
    if (!TokensValid(req)) {
      ++unauthorized;
      return JsonResponse(req, http::status::unauthorized, {{"code", 0}, {"message", "Invalid Credentials"}});
    }
    const json not_found = {{"code", 0}, {"data", "Data tidak ditemukan"}};
    if (route == "data-utama" || route == "rw-kursus" || route == "rw-diklat" || route == "rw-skp22") {
      if (req.method() != http::verb::get) return JsonResponse(req, http::status::method_not_allowed, {{"code", 0}});
      if (route == "data-utama") {
        auto it = data_utama.find(nip);
        if (it == data_utama.end()) return JsonResponse(req, http::status::not_found, not_found);
        return JsonResponse(req, http::status::ok, {{"code", 1}, {"data", it->second}});
      }
      const int which = route == "rw-kursus" ? 0 : route == "rw-diklat" ? 1 : 2;
      auto it = lists[which].find(nip);
      if (it == lists[which].end()) {
        if (data_utama.count(nip) == 0) return JsonResponse(req, http::status::not_found, not_found);
        return JsonResponse(req, http::status::ok, {{"code", 1}, {"data", json::array()}});
      }
      return JsonResponse(req, http::status::ok, {{"code", 1}, {"data", it->second}});
    }
    if (req.method() != http::verb::post) return JsonResponse(req, http::status::method_not_allowed, {{"code", 0}});
    if (route == "kursus/save") return Save(req);
    return UploadDok(req);
  }

  bool TokensValid(const Request& req) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto valid = [&](const std::map<std::string, absl::Time>& tokens, absl::string_view header) {
      absl::string_view v = header;
      if (v.size() < 7 || !absl::EqualsIgnoreCase(v.substr(0, 7), "bearer ")) return false;
      auto it = tokens.find(std::string(v.substr(7)));
      return it != tokens.end() && Now() < it->second;
    };
    return valid(apim_tokens, Sv(req[http::field::authorization])) && valid(sso_tokens, Sv(req["Auth"]));
  }

  Response Rejected(const Request& req, http::status status, const char* error, std::string description) {
    if (o.echo_credentials_in_errors) {
      absl::StrAppend(&description, " (received ", std::string(req[http::field::authorization]),
                      " ", req.body(), ")");
      absl::string_view basic = Sv(req[http::field::authorization]);
      std::string decoded;
      if (absl::ConsumePrefix(&basic, "Basic ") && absl::Base64Unescape(basic, &decoded)) {
        absl::StrAppend(&description, " i.e. ", decoded);
      }
    }
    return JsonResponse(req, status, {{"error", error}, {"error_description", description}});
  }

  Response Issue(const Request& req, std::map<std::string, absl::Time>* tokens, const char* kind,
                 absl::Duration lifetime, int* issued) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    const std::string token = absl::StrCat(kind, "-", ++next_id, "-", absl::ToUnixNanos(Now()) % 1000003);
    (*tokens)[token] = Now() + lifetime;
    ++*issued;
    return JsonResponse(req, http::status::ok,
                        {{"access_token", token}, {"token_type", "Bearer"},
                         {"expires_in", absl::ToInt64Seconds(lifetime)}});
  }

  Response ApimToken(const Request& req) {
    if (req.method() != http::verb::post) return JsonResponse(req, http::status::method_not_allowed, {{"error", "invalid_request"}});
    absl::string_view basic = Sv(req[http::field::authorization]);
    std::string decoded;
    if (!absl::ConsumePrefix(&basic, "Basic ") || !absl::Base64Unescape(basic, &decoded) ||
        decoded != absl::StrCat(o.consumer_key, ":", o.consumer_secret)) {
      return Rejected(req, http::status::unauthorized, "invalid_client", "Client Authentication failed.");
    }
    if (ParseForm(req.body())["grant_type"] != "client_credentials") {
      return Rejected(req, http::status::bad_request, "unsupported_grant_type", "Unsupported grant_type value");
    }
    absl::MutexLock l(&mu);
    return Issue(req, &apim_tokens, "apim", o.apim_token_lifetime, &apim_issued);
  }

  Response SsoToken(const Request& req) {
    if (req.method() != http::verb::post) return JsonResponse(req, http::status::method_not_allowed, {{"error", "invalid_request"}});
    if (std::string(req.target()) != absl::StrCat("/auth/realms/", o.realm, "/protocol/openid-connect/token")) {
      return JsonResponse(req, http::status::not_found, {{"error", "Realm does not exist"}});
    }
    auto form = ParseForm(req.body());
    if (form["grant_type"] != "password") {
      return Rejected(req, http::status::bad_request, "unsupported_grant_type", "Unsupported grant_type");
    }
    if (form["client_id"] != o.sso_client_id) {
      return Rejected(req, http::status::unauthorized, "invalid_client", "Invalid client credentials");
    }
    if (form["username"] != o.username || form["password"] != o.password) {
      return Rejected(req, http::status::unauthorized, "invalid_grant", "Invalid user credentials");
    }
    absl::MutexLock l(&mu);
    return Issue(req, &sso_tokens, "sso", o.sso_token_lifetime, &sso_issued);
  }

  Response Save(const Request& req) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto bad = [&](std::string m) {
      return JsonResponse(req, http::status::bad_request, {{"code", 0}, {"message", m}});
    };
    json body = json::parse(req.body(), nullptr, false);
    if (!body.is_object()) return bad("request body is not JSON");
    auto str = [&](const char* k) -> std::string {
      auto it = body.find(k);
      return it != body.end() && it->is_string() ? it->get<std::string>() : "";
    };
    std::string nip;
    for (const auto& [n, rec] : data_utama) {
      if (rec.is_object() && rec.contains("id") && rec["id"] == str("pnsOrangId")) nip = n;
    }
    if (nip.empty()) return bad("pnsOrangId tidak ditemukan");
    if (str("namaKursus").empty()) return bad("namaKursus wajib diisi");
    if (!body.contains("jumlahJam") || !body["jumlahJam"].is_number_integer()) return bad("jumlahJam harus angka");
    for (const char* k : {"tanggalKursus", "tanggalSelesaiKursus"}) {
      if (!ParseDate(str(k)).ok()) return bad(absl::StrCat(k, " harus dd-mm-yyyy"));
    }
    json& list = lists[0][nip];
    if (!list.is_array()) list = json::array();
    std::string id = str("id");
    json* existing = nullptr;
    for (json& r : list) {
      if (!id.empty() && r.is_object() && r.value("id", "") == id) existing = &r;
    }
    if (!id.empty() && existing == nullptr) return bad("id riwayat tidak ditemukan");
    if (id.empty()) id = absl::StrCat("rk-standin-", ++next_id);
    json record = {{"id", id},
                   {"namaKursus", str("namaKursus")},
                   {"jumlahJam", body["jumlahJam"]},
                   {"tanggalKursus", str("tanggalKursus")},
                   {"tanggalSelesaiKursus", str("tanggalSelesaiKursus")},
                   {"tahunKursus", body.value("tahunKursus", json())},
                   {"noSertipikat", str("nomorSertipikat")},
                   {"institusiPenyelenggara", str("institusiPenyelenggara")},
                   {"jenisDiklatId", str("jenisDiklatId")},
                   {"instansiId", str("instansiId")}};
    if (existing != nullptr) {
      *existing = record;
    } else {
      list.push_back(record);
    }
    return JsonResponse(req, http::status::ok, {{"code", 1}, {"data", {{"id", id}}}});
  }

  Response UploadDok(const Request& req) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto bad = [&](std::string m) {
      return JsonResponse(req, http::status::bad_request, {{"code", 0}, {"message", m}});
    };
    const std::string content_type(req[http::field::content_type]);
    if (!absl::StartsWith(content_type, "multipart/form-data")) return bad("expected multipart/form-data");
    auto parts = ParseMultipart(content_type, req.body());
    for (const char* k : {"file", "id_riwayat", "id_ref_dokumen"}) {
      if (parts.count(k) == 0) return bad(absl::StrCat(k, " wajib diisi"));
    }
    Upload u{parts["id_riwayat"].content, parts["id_ref_dokumen"].content, parts["file"].file_name,
             parts["file"].content_type, parts["file"].content};
    bool known = false;
    for (int which = 0; which < 2; ++which) {
      for (const auto& [n, list] : lists[which]) {
        if (!list.is_array()) continue;
        for (const json& r : list) known = known || (r.is_object() && r.value("id", "") == u.id_riwayat);
      }
    }
    if (!known) return bad("id_riwayat tidak ditemukan");
    uploads.push_back(u);
    return JsonResponse(req, http::status::ok,
                        {{"code", 1}, {"data", {{"dok_id", absl::StrCat("dok-", uploads.size())},
                                               {"object", absl::StrCat("peremajaan/", u.id_riwayat, ".pdf")}}}});
  }
};

SiasnStandin::SiasnStandin(StandinOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_)) {}

SiasnStandin::~SiasnStandin() { Stop(); }

absl::Status SiasnStandin::Start() {
  boost::system::error_code ec;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("siasn stand-in: listen: ", ec.message()));
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([this] { impl_->AcceptLoop(); });
  return absl::OkStatus();
}

void SiasnStandin::Stop() {
  if (!impl_->accept_thread.joinable()) return;
  impl_->stopping = true;
  {
    absl::MutexLock l(&impl_->mu);
    impl_->stopped = true;
  }
  // Wakes the blocking accept with a connection of our own.
  {
    net::io_context ioc;
    tcp::socket s(ioc);
    boost::system::error_code ec;
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), impl_->port), ec);
  }
  impl_->accept_thread.join();
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  std::list<std::unique_ptr<Impl::Conn>> conns;
  {
    absl::MutexLock l(&impl_->conn_mu);
    // Unblocks reads of connections still open; done ones are closed.
    for (auto& c : impl_->conns) {
      if (!c->done) ::shutdown(c->socket.native_handle(), SHUT_RDWR);
    }
    conns.swap(impl_->conns);
  }
  for (auto& c : conns) c->thread.join();
}

std::string SiasnStandin::url() const { return absl::StrCat("http://127.0.0.1:", impl_->port); }

void SiasnStandin::PutDataUtama(const std::string& nip, json record) {
  absl::MutexLock l(&impl_->mu);
  impl_->data_utama[nip] = std::move(record);
}
void SiasnStandin::PutRwKursus(const std::string& nip, json records) {
  absl::MutexLock l(&impl_->mu);
  impl_->lists[0][nip] = std::move(records);
}
void SiasnStandin::PutRwDiklat(const std::string& nip, json records) {
  absl::MutexLock l(&impl_->mu);
  impl_->lists[1][nip] = std::move(records);
}
void SiasnStandin::PutRwSkp22(const std::string& nip, json records) {
  absl::MutexLock l(&impl_->mu);
  impl_->lists[2][nip] = std::move(records);
}
json SiasnStandin::RwKursus(const std::string& nip) const {
  absl::MutexLock l(&impl_->mu);
  auto it = impl_->lists[0].find(nip);
  return it == impl_->lists[0].end() ? json::array() : it->second;
}
std::vector<SiasnStandin::Upload> SiasnStandin::Uploads() const {
  absl::MutexLock l(&impl_->mu);
  return impl_->uploads;
}

void SiasnStandin::FailNext(Fault fault, int n, const std::string& route) {
  absl::MutexLock l(&impl_->mu);
  impl_->faults.push_back({fault, n, route});
}
void SiasnStandin::SetRetryAfter(std::string value) {
  absl::MutexLock l(&impl_->mu);
  impl_->retry_after = std::move(value);
}
void SiasnStandin::SetSlowDelay(absl::Duration d) {
  absl::MutexLock l(&impl_->mu);
  impl_->slow = d;
}
void SiasnStandin::ExpireTokens() {
  absl::MutexLock l(&impl_->mu);
  impl_->apim_tokens.clear();
  impl_->sso_tokens.clear();
}

int SiasnStandin::Requests(const std::string& route) const {
  absl::MutexLock l(&impl_->mu);
  auto it = impl_->requests.find(route);
  return it == impl_->requests.end() ? 0 : it->second;
}
int SiasnStandin::ApimTokensIssued() const {
  absl::MutexLock l(&impl_->mu);
  return impl_->apim_issued;
}
int SiasnStandin::SsoTokensIssued() const {
  absl::MutexLock l(&impl_->mu);
  return impl_->sso_issued;
}
void SiasnStandin::SetRateLimit(double per_second) {
  absl::MutexLock l(&impl_->mu);
  impl_->rate = per_second;
  impl_->rate_last = absl::InfinitePast();
}
int SiasnStandin::RateLimitedAnswers() const {
  absl::MutexLock l(&impl_->mu);
  return impl_->rate_limited;
}
int SiasnStandin::Connections() const { return impl_->connections.load(); }
int SiasnStandin::UnauthorizedAnswers() const {
  absl::MutexLock l(&impl_->mu);
  return impl_->unauthorized;
}

}  // namespace pelita::siasn
