#include "gateway/gateway.h"

#include "lib/server/channel.h"

#include <pthread.h>

#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gateway/json_printer.h"
#include "gateway/openapi.h"
#include "gateway/policy.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "lib/log/log.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::gateway {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

int HttpStatusFor(int code) {
  switch (static_cast<grpc::StatusCode>(code)) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return 499;
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::FAILED_PRECONDITION: return 400;
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    default: return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

namespace {

const char* CodeName(int code) {
  static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                                 "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                 "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                 "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

// The JSON error body.  Messages of server-side failures are replaced: they
// may carry internal addresses or details a client must not see.
std::string ErrorBody(int code, absl::string_view message, const std::string& details_bin) {
  nlohmann::json details = nlohmann::json::array();
  int http = HttpStatusFor(code);
  std::string msg(message);
  if (http >= 500 && http != 504) {
    msg = code == static_cast<int>(grpc::StatusCode::UNAVAILABLE) ? "service unavailable"
                                                                   : "internal error";
  } else if (http == 504) {
    msg = "deadline exceeded";
  }
  if (!details_bin.empty() && http < 500) {
    google::rpc::Status st;
    if (st.ParseFromString(details_bin)) {
      for (const auto& any : st.details()) {
        std::string j;
        if (google::protobuf::util::MessageToJsonString(any, &j).ok()) {
          auto parsed = nlohmann::json::parse(j, nullptr, false);
          if (!parsed.is_discarded()) details.push_back(std::move(parsed));
        }
      }
    }
  }
  nlohmann::json body = {{"code", code}, {"status", CodeName(code)}, {"message", msg},
                         {"details", details}};
  return body.dump();
}

std::string ToString(beast::string_view s) { return std::string(s.data(), s.size()); }

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromBuffer(const grpc::ByteBuffer& buf, std::string* out) {
  std::vector<grpc::Slice> slices;
  if (!buf.Dump(&slices).ok()) return false;
  out->clear();
  for (const auto& s : slices) out->append(reinterpret_cast<const char*>(s.begin()), s.size());
  return true;
}

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
}

bool ValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  }
  return true;
}

// `X-Request-Timeout: 2s | 250ms | 1.5` (seconds) or `grpc-timeout: 250m`.
absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view x, absl::string_view grpc_timeout) {
  if (!x.empty()) {
    absl::Duration d;
    double seconds;
    if (absl::ParseDuration(x, &d) && d > absl::ZeroDuration()) return d;
    if (absl::SimpleAtod(x, &seconds) && seconds > 0) return absl::Seconds(seconds);
    return absl::InvalidArgumentError("X-Request-Timeout: expected a duration such as 2s or 250ms");
  }
  if (!grpc_timeout.empty()) {
    int64_t n;
    char unit = grpc_timeout.back();
    if (absl::SimpleAtoi(grpc_timeout.substr(0, grpc_timeout.size() - 1), &n) && n > 0) {
      switch (unit) {
        case 'H': return absl::Hours(n);
        case 'M': return absl::Minutes(n);
        case 'S': return absl::Seconds(n);
        case 'm': return absl::Milliseconds(n);
        case 'u': return absl::Microseconds(n);
        case 'n': return absl::Nanoseconds(n);
      }
    }
    return absl::InvalidArgumentError("grpc-timeout: expected e.g. 250m or 2S");
  }
  return absl::ZeroDuration();
}

struct Backend {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
};

// A client-streaming call driven by HTTP uploads: messages are queued and
// written one at a time; `on_drained` asks for more once the queue is empty
// (backpressure: the HTTP body is read no faster than the service takes
// it); `on_done` delivers the status and the serialized response.
class StreamCall : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
                   public std::enable_shared_from_this<StreamCall> {
 public:
  grpc::ClientContext ctx;
  std::function<void()> on_drained;
  std::function<void(grpc::Status, std::vector<std::string>)> on_done;
  // Server streaming: read every response, not just one.
  bool many = false;

  void Start(grpc::GenericStub* stub, const std::string& method) {
    self_ = shared_from_this();
    stub->PrepareBidiStreamingCall(&ctx, method, grpc::StubOptions(), this);
    StartRead(&response_);
    StartCall();
  }
  void Send(std::vector<std::string> messages) {
    std::unique_lock<std::mutex> lock(mu_);
    if (failed_) return;
    for (auto& m : messages) queue_.push_back(ToBuffer(m));
    if (writing_ || queue_.empty()) return;
    writing_ = true;
    current_ = queue_.front();
    lock.unlock();
    StartWrite(&current_);
  }
  void Close() {
    std::unique_lock<std::mutex> lock(mu_);
    closing_ = true;
    if (writing_ || writes_done_ || failed_) return;
    writes_done_ = true;
    lock.unlock();
    StartWritesDone();
  }
  void Cancel() { ctx.TryCancel(); }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (!ok) {
      failed_ = true;
      writing_ = false;
      return;  // OnDone follows with the status
    }
    queue_.pop_front();
    if (!queue_.empty()) {
      current_ = queue_.front();
      lock.unlock();
      StartWrite(&current_);
      return;
    }
    writing_ = false;
    if (closing_ && !writes_done_) {
      writes_done_ = true;
      lock.unlock();
      StartWritesDone();
      return;
    }
    lock.unlock();
    if (on_drained) on_drained();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    got_response_ = true;
    std::string bytes;
    FromBuffer(response_, &bytes);
    responses_.push_back(std::move(bytes));
    if (many) StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    std::vector<std::string> bytes = std::move(responses_);
    grpc::Status st = status;
    if (st.ok() && !got_response_ && !many) st = grpc::Status(grpc::StatusCode::INTERNAL, "no response");
    auto done = std::move(on_done);
    on_drained = nullptr;
    auto self = std::move(self_);
    if (done) done(st, std::move(bytes));
  }

 private:
  std::mutex mu_;
  std::deque<grpc::ByteBuffer> queue_;
  grpc::ByteBuffer current_;
  grpc::ByteBuffer response_;
  bool writing_ = false, closing_ = false, writes_done_ = false, failed_ = false;
  bool got_response_ = false;
  std::vector<std::string> responses_;
  std::shared_ptr<StreamCall> self_;
};

std::vector<std::unique_ptr<net::io_context>> MakeContexts(int threads) {
  std::vector<std::unique_ptr<net::io_context>> out;
  for (int i = 0; i < std::max(1, threads); ++i) out.push_back(std::make_unique<net::io_context>(1));
  return out;
}

struct UnaryCall {
  grpc::ClientContext ctx;
  grpc::ByteBuffer request, response;
};

}  // namespace

class GatewayImpl {
 public:
  explicit GatewayImpl(GatewayOptions options) : options_(std::move(options)) {}

  absl::Status Init() {
    auto table = RouteTable::FromGeneratedPool();
    if (!table.ok()) return table.status();
    routes_ = *std::move(table);
    auto verifier = Verifier::Create(options_.auth);
    if (!verifier.ok()) return verifier.status();
    verifier_ = *std::move(verifier);
    if (options_.redis != nullptr) {
      limiter_ = std::make_unique<RateLimiter>(options_.redis, options_.rate_limit);
    }
    for (const auto& [name, address] : options_.backends) {
      if (address.empty()) continue;
      auto b = std::make_unique<Backend>();
      b->address = address;
      // Round robin over every replica the target names or resolves to.
      b->channel = ServiceChannel(address);
      b->stub = std::make_unique<grpc::GenericStub>(b->channel);
      b->health = grpc::health::v1::Health::NewStub(b->channel);
      backends_[name] = std::move(b);
    }
    openapi_ = BuildOpenApi(routes_);
    return absl::OkStatus();
  }

  absl::Status Start() {
    std::vector<std::string> hp = absl::StrSplit(options_.listen, absl::MaxSplits(':', 1));
    int port;
    if (hp.size() != 2 || !absl::SimpleAtoi(hp[1], &port)) {
      return absl::InvalidArgumentError(absl::StrCat("bad listen address ", options_.listen));
    }
    std::string host = hp[0].empty() ? "0.0.0.0" : hp[0];
    beast::error_code ec;
    auto addr = net::ip::make_address(host, ec);
    if (ec) return absl::InvalidArgumentError(absl::StrCat("bad listen host ", host));
    tcp::endpoint ep(addr, static_cast<unsigned short>(port));
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return absl::UnavailableError(absl::StrCat("listen on ", options_.listen, ": ", ec.message()));
    port_ = acceptor_.local_endpoint().port();
    Accept();
    for (auto& ioc : iocs_) {
      // A context without a connection yet must not return from run().
      work_.push_back(net::make_work_guard(*ioc));
      threads_.emplace_back([ioc = ioc.get()] {
        pthread_setname_np(pthread_self(), "gateway-io");  // for top and perf
        ioc->run();
      });
    }
    LogInfo("gateway listening", {{"address", absl::StrCat(host, ":", port_)},
                                  {"routes", absl::StrCat(routes_.routes().size())}});
    return absl::OkStatus();
  }

  void Shutdown(absl::Duration drain) {
    if (stopped_) return;
    stopped_ = true;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    absl::Time until = absl::Now() + drain;
    while (in_flight_.load() > 0 && absl::Now() < until) absl::SleepFor(absl::Milliseconds(5));
    for (auto& ioc : iocs_) ioc->stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    // gRPC callbacks still running only start writes whose completions the
    // stopped contexts never run.
    until = absl::Now() + absl::Seconds(5);
    while (grpc_in_flight_.load() > 0 && absl::Now() < until) absl::SleepFor(absl::Milliseconds(5));
  }

  void Accept();

  GatewayOptions options_;
  RouteTable routes_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<RateLimiter> limiter_;
  std::map<std::string, std::unique_ptr<Backend>> backends_;
  std::string openapi_;
  Metrics metrics_;
  // One single-threaded io_context per I/O thread: a connection lives on
  // one thread, so its handlers never hop between threads (no strand, no
  // wake-up of a second thread to run a handler the first one received).
  std::vector<std::unique_ptr<net::io_context>> iocs_ = MakeContexts(options_.threads);
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work_;
  size_t next_ioc_ = 0;  // round robin of accepted connections, acceptor's thread only
  tcp::acceptor acceptor_{*iocs_[0]};
  std::vector<std::thread> threads_;
  int port_ = 0;
  bool stopped_ = false;
  std::atomic<int> in_flight_{0};       // HTTP requests being handled
  std::atomic<int> grpc_in_flight_{0};  // gRPC calls not yet completed
};

namespace {

constexpr size_t kUploadPiece = 64 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, GatewayImpl* gw) : stream_(std::move(socket)), gw_(gw) {}

  void Run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

 private:
  // kSingle: a server-streaming RPC called with one request.
  enum class UploadMode { kNone, kBatch, kNdjson, kCsv, kSingle };

  const GatewayOptions& opts() const { return gw_->options_; }

  void ReadHeader() {
    header_parser_.emplace();
    header_parser_->header_limit(16 * 1024);
    // Checked against Content-Length when the header arrives; JSON bodies
    // get the smaller limit in Dispatch.
    header_parser_->body_limit(std::max<uint64_t>(opts().max_body_bytes, opts().max_upload_bytes));
    body_parser_.reset();
    upload_parser_.reset();
    stream_.expires_after(std::chrono::microseconds(absl::ToInt64Microseconds(opts().read_timeout)));
    http::async_read_header(stream_, buffer_, *header_parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) {
      if (ec == beast::error::timeout && buffer_.size() > 0) {
        LogWarning("slow client: request header not received in time", {{"peer", Peer()}});
      }
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == net::error::eof || ec == net::error::operation_aborted ||
          ec == net::error::connection_reset) {
        return Close();
      }
      // A malformed request: answer and close.
      start_ = absl::Now();
      request_id_ = NewRequestId();
      route_label_ = "invalid";
      keep_alive_ = false;
      return SendError(grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat("bad HTTP request: ", ec.message()));
    }
    ++gw_->in_flight_;
    counted_ = true;
    start_ = absl::Now();
    auto& req = header_parser_->get();
    std::string rid = ToString(req["X-Request-Id"]);
    request_id_ = ValidRequestId(rid) ? rid : NewRequestId();
    keep_alive_ = req.keep_alive();
    method_ = ToString(req.method_string());
    std::string target = ToString(req.target());
    size_t q = target.find('?');
    path_ = target.substr(0, q);
    query_ = q == std::string::npos ? "" : target.substr(q + 1);
    content_type_ = absl::AsciiStrToLower(
        absl::StripAsciiWhitespace(ToString(req[http::field::content_type]).substr(
            0, ToString(req[http::field::content_type]).find(';'))));
    expect_continue_ = absl::EqualsIgnoreCase(ToString(req[http::field::expect]), "100-continue");
    route_label_ = "unmatched";
    route_ = nullptr;
    Dispatch(req);
  }

  void Dispatch(const http::request<http::empty_body>& req) {
    // Operations endpoints (no authentication).
    if (method_ == "GET" && (path_ == "/healthz" || path_ == "/readyz" || path_ == "/metrics" ||
                             path_ == "/openapi.json")) {
      route_label_ = "GET " + path_;
      return ReadWholeBody([self = shared_from_this()] { self->ServeOps(); });
    }
    // Authentication.
    std::string auth = ToString(req[http::field::authorization]);
    absl::string_view token(auth);
    if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
      return SendError(grpc::StatusCode::UNAUTHENTICATED, "missing bearer token");
    }
    auto claims = gw_->verifier_->Verify(absl::StripAsciiWhitespace(token));
    if (!claims.ok()) return SendError(grpc::StatusCode::UNAUTHENTICATED, claims.status().message());
    claims_ = *claims;
    // Routing.
    switch (gw_->routes_.Match(method_, path_, &route_, &bindings_)) {
      case RouteTable::MatchResult::kNotFound:
        return SendError(grpc::StatusCode::NOT_FOUND, absl::StrCat("no route for ", method_, " ", path_));
      case RouteTable::MatchResult::kMethodNotAllowed:
        return SendHttpError(405, grpc::StatusCode::UNIMPLEMENTED,
                             absl::StrCat(method_, " is not allowed on ", path_));
      case RouteTable::MatchResult::kFound:
        break;
    }
    route_label_ = route_->label;
    // Authorisation, before anything reaches a service.
    PathSubjects subjects = ScanPath(PercentDecode(path_));
    if (auto s = AuthorizeRole(claims_, route_->rpc_name, route_->read_only(), subjects); !s.ok()) {
      return SendError(grpc::StatusCode::PERMISSION_DENIED, s.message());
    }
    auto tenant = AuthorizeTenant(claims_, route_->read_only(), subjects);
    if (!tenant.ok()) return SendError(grpc::StatusCode::PERMISSION_DENIED, tenant.status().message());
    tenant_ = *tenant;
    // Rate limit per tenant of the caller.
    if (gw_->limiter_ != nullptr) {
      auto d = gw_->limiter_->Take(claims_.tenant, request_id_);
      if (!d.allowed) {
        int64_t secs = std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(d.retry_after, absl::Seconds(1))));
        extra_headers_.emplace_back("Retry-After", absl::StrCat(secs));
        return SendError(grpc::StatusCode::RESOURCE_EXHAUSTED,
                         absl::StrCat("rate limit of tenant ", claims_.tenant, " exceeded"));
      }
    }
    auto timeout = ParseTimeout(ToString(req["X-Request-Timeout"]), ToString(req["grpc-timeout"]));
    if (!timeout.ok()) return SendError(grpc::StatusCode::INVALID_ARGUMENT, timeout.status().message());
    deadline_ = *timeout == absl::ZeroDuration()
                    ? (route_->client_streaming() ? opts().max_deadline : opts().default_deadline)
                    : std::min(*timeout, opts().max_deadline);
    backend_ = nullptr;
    auto it = gw_->backends_.find(route_->backend);
    if (it == gw_->backends_.end()) {
      return SendError(grpc::StatusCode::UNAVAILABLE, "service not configured");
    }
    backend_ = it->second.get();
    if (!route_->client_streaming() && route_->method->server_streaming()) {
      return ReadWholeBody([self = shared_from_this()] { self->StartUpload(UploadMode::kSingle); });
    }
    if (route_->client_streaming()) {
      if (content_type_ == "text/csv" && route_->chunk_field != nullptr) return StartUpload(UploadMode::kCsv);
      if (content_type_ == "application/x-ndjson") return StartUpload(UploadMode::kNdjson);
      return ReadWholeBody([self = shared_from_this()] { self->StartUpload(UploadMode::kBatch); });
    }
    ReadWholeBody([self = shared_from_this()] { self->CallUnary(); });
  }

  // --- bodies --------------------------------------------------------------

  void MaybeContinue(std::function<void()> next) {
    if (!expect_continue_) return next();
    expect_continue_ = false;
    auto res = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    http::async_write(stream_, *res, [self = shared_from_this(), res, next](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      next();
    });
  }

  void ReadWholeBody(std::function<void()> next) {
    if (auto len = header_parser_->content_length(); len && *len > opts().max_body_bytes) {
      keep_alive_ = false;
      return SendHttpError(413, grpc::StatusCode::INVALID_ARGUMENT,
                           absl::StrCat("request body larger than ", opts().max_body_bytes, " bytes"));
    }
    body_parser_.emplace(std::move(*header_parser_));
    body_parser_->body_limit(opts().max_body_bytes);
    if (body_parser_->is_done()) {
      body_.clear();
      return next();
    }
    MaybeContinue([self = shared_from_this(), next] {
      self->stream_.expires_after(std::chrono::microseconds(absl::ToInt64Microseconds(self->opts().read_timeout)));
      http::async_read(self->stream_, self->buffer_, *self->body_parser_,
                       [self, next](beast::error_code ec, size_t) {
                         if (ec == http::error::body_limit) {
                           self->keep_alive_ = false;
                           return self->SendHttpError(413, grpc::StatusCode::INVALID_ARGUMENT,
                                                      absl::StrCat("request body larger than ",
                                                                   self->opts().max_body_bytes, " bytes"));
                         }
                         if (ec) {
                           if (ec == beast::error::timeout) {
                             LogWarning("slow client: request body not received in time",
                                        {{"request_id", self->request_id_}, {"peer", self->Peer()}});
                           }
                           return self->Close();
                         }
                         self->body_ = std::move(self->body_parser_->get().body());
                         next();
                       });
    });
  }

  // --- unary ---------------------------------------------------------------

  void CallUnary() {
    std::unique_ptr<google::protobuf::Message> msg = NewMessage(route_->method->input_type());
    if (auto s = BuildRequest(*route_, body_, query_, bindings_, msg.get()); !s.ok()) {
      return SendError(grpc::StatusCode::INVALID_ARGUMENT, s.message());
    }
    if (auto s = CheckBody(*msg); !s.ok()) return SendError(grpc::StatusCode::PERMISSION_DENIED, s.message());
    auto call = std::make_shared<UnaryCall>();
    call->request = ToBuffer(msg->SerializeAsString());
    PrepareContext(call->ctx);
    ++gw_->grpc_in_flight_;
    GatewayImpl* gw = gw_;
    // The response is written from gRPC's callback thread rather than posted
    // back to the connection's I/O thread: that saves a thread wake-up on
    // every call.  It is safe because while a unary call is out the session
    // has no I/O of its own pending (the request is read whole and no further
    // read is armed until the response is written), so this callback is the
    // only code touching it; gRPC's completion orders it after CallUnary, and
    // the write's completion handler runs back on the I/O thread.
    backend_->stub->UnaryCall(&call->ctx, route_->grpc_path, grpc::StubOptions(), &call->request,
                              &call->response, [self = shared_from_this(), call, gw](grpc::Status st) mutable {
                                self->OnUnaryDone(st, call->response);
                                // Drop our references before Shutdown may see the call end
                                // and destroy the I/O contexts the session's timers use.
                                self.reset();
                                call.reset();
                                --gw->grpc_in_flight_;
                              });
  }

  void OnUnaryDone(const grpc::Status& st, const grpc::ByteBuffer& response) {
    if (!st.ok()) return SendGrpcError(st);
    std::string bytes;
    FromBuffer(response, &bytes);
    SendMessage(bytes);
  }

  absl::Status ToJson(const std::string& bytes, std::string* json) {
    std::unique_ptr<google::protobuf::Message> out = NewMessage(route_->method->output_type());
    if (!out->ParseFromString(bytes)) return absl::InternalError("bad response");
    if (!AppendMessageJson(*out, json).ok()) {
      return absl::InternalError("response not representable as JSON");
    }
    return absl::OkStatus();
  }

  void SendMessage(const std::string& bytes) {
    std::string json;
    if (auto s = ToJson(bytes, &json); !s.ok()) return SendError(grpc::StatusCode::INTERNAL, s.message());
    Send(200, std::move(json), "application/json");
  }

  void PrepareContext(grpc::ClientContext& ctx) {
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
    AttachCaller(ctx, Caller{tenant_, claims_.role, claims_.subject});
    ctx.AddMetadata("x-request-id", request_id_);
  }

  absl::Status CheckBody(const google::protobuf::Message& msg) {
    std::vector<std::string> tenants;
    TenantsIn(msg, &tenants);
    return CheckBodyTenants(tenants, tenant_);
  }

  // --- client streams --------------------------------------------------------

  void StartUpload(UploadMode mode) {
    mode_ = mode;
    line_no_ = 0;
    first_message_ = true;
    pending_.clear();
    std::vector<std::string> batch;
    if (mode == UploadMode::kSingle) {
      std::string m;
      if (auto s = EncodeItem(body_, "body", &m); !s.ok()) {
        return SendError(static_cast<grpc::StatusCode>(s.code()), s.message());
      }
      batch.push_back(std::move(m));
    }
    if (mode == UploadMode::kBatch) {
      auto doc = nlohmann::json::parse(body_, nullptr, false);
      if (doc.is_object() && doc.contains("requests")) doc = doc["requests"];
      if (doc.is_discarded() || !doc.is_array()) {
        return SendError(grpc::StatusCode::INVALID_ARGUMENT,
                         "expected a JSON array of requests or {\"requests\": [...]}");
      }
      int i = 0;
      for (const auto& item : doc) {
        std::string m;
        if (auto s = EncodeItem(item.dump(), absl::StrCat("requests[", i++, "]"), &m); !s.ok()) {
          return SendError(static_cast<grpc::StatusCode>(s.code()), s.message());
        }
        batch.push_back(std::move(m));
      }
    }
    call_ = std::make_shared<StreamCall>();
    call_->many = route_->method->server_streaming();
    PrepareContext(call_->ctx);
    std::weak_ptr<Session> weak = weak_from_this();
    auto exec = stream_.get_executor();
    call_->on_drained = [weak, exec] {
      if (auto self = weak.lock()) net::post(exec, [self] { self->ReadPiece(); });
    };
    GatewayImpl* gw = gw_;
    call_->on_done = [self = shared_from_this(), exec, gw](grpc::Status st, std::vector<std::string> bytes) mutable {
      net::post(exec, [self, st, bytes = std::move(bytes)] { self->OnStreamDone(st, bytes); });
      self.reset();  // as for unary calls: no session reference outlives the count
      --gw->grpc_in_flight_;
    };
    ++gw_->grpc_in_flight_;
    call_->Start(backend_->stub.get(), route_->grpc_path);
    if (mode == UploadMode::kBatch || mode == UploadMode::kSingle) {
      call_->on_drained = nullptr;
      if (!batch.empty()) call_->Send(std::move(batch));
      call_->Close();
      return;
    }
    upload_parser_.emplace(std::move(*header_parser_));
    upload_parser_->body_limit(opts().max_upload_bytes);
    MaybeContinue([self = shared_from_this()] { self->ReadPiece(); });
  }

  // One request message from one JSON item (batch element or NDJSON line).
  absl::Status EncodeItem(absl::string_view json, absl::string_view where, std::string* out) {
    std::unique_ptr<google::protobuf::Message> msg = NewMessage(route_->method->input_type());
    if (auto s = BuildRequest(*route_, json, query_, bindings_, msg.get()); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", s.message()));
    }
    if (auto s = CheckBody(*msg); !s.ok()) return s;
    *out = msg->SerializeAsString();
    return absl::OkStatus();
  }

  void ReadPiece() {
    if (finished_upload_ || call_ == nullptr) return;
    if (upload_parser_->is_done()) {
      finished_upload_ = true;
      return call_->Close();
    }
    piece_.resize(kUploadPiece);
    upload_parser_->get().body().data = piece_.data();
    upload_parser_->get().body().size = piece_.size();
    stream_.expires_after(std::chrono::microseconds(absl::ToInt64Microseconds(opts().read_timeout)));
    http::async_read(stream_, buffer_, *upload_parser_,
                     beast::bind_front_handler(&Session::OnPiece, shared_from_this()));
  }

  void OnPiece(beast::error_code ec, size_t) {
    if (call_ == nullptr || upload_failed_) return;  // already answered
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      call_->Cancel();
      upload_failed_ = true;
      keep_alive_ = false;
      if (ec == http::error::body_limit) {
        upload_error_ = {413, grpc::StatusCode::INVALID_ARGUMENT,
                         absl::StrCat("upload larger than ", opts().max_upload_bytes, " bytes")};
        return;  // answered when the call ends
      }
      if (ec == beast::error::timeout) {
        LogWarning("slow client: upload stalled", {{"request_id", request_id_}, {"peer", Peer()}});
      }
      upload_error_ = {0, grpc::StatusCode::CANCELLED, "upload interrupted"};
      return;
    }
    size_t n = piece_.size() - upload_parser_->get().body().size;
    pending_.append(piece_.data(), n);
    bool done = upload_parser_->is_done();
    std::vector<std::string> messages;
    if (mode_ == UploadMode::kCsv) {
      if (!pending_.empty() || (done && first_message_)) {
        std::unique_ptr<google::protobuf::Message> msg = NewMessage(route_->method->input_type());
        if (first_message_) {
          if (auto s = BuildRequest(*route_, "", route_->body == "*" ? "" : query_, bindings_, msg.get()); !s.ok()) {
            return FailUpload(400, grpc::StatusCode::INVALID_ARGUMENT, s.message());
          }
          if (auto s = CheckBody(*msg); !s.ok()) {
            return FailUpload(403, grpc::StatusCode::PERMISSION_DENIED, s.message());
          }
          first_message_ = false;
        }
        msg->GetReflection()->SetString(msg.get(), route_->chunk_field, std::move(pending_));
        pending_.clear();
        messages.push_back(msg->SerializeAsString());
      }
    } else {  // NDJSON: one request per complete line
      size_t start = 0;
      for (;;) {
        size_t nl = pending_.find('\n', start);
        if (nl == std::string::npos) break;
        ++line_no_;
        absl::string_view line = absl::StripAsciiWhitespace(absl::string_view(pending_).substr(start, nl - start));
        start = nl + 1;
        if (line.empty()) continue;
        std::string m;
        if (auto s = EncodeItem(line, absl::StrCat("line ", line_no_), &m); !s.ok()) {
          return FailUpload(HttpStatusFor(static_cast<int>(s.code())), static_cast<grpc::StatusCode>(s.code()), s.message());
        }
        messages.push_back(std::move(m));
      }
      pending_.erase(0, start);
      if (done) {
        ++line_no_;
        absl::string_view line = absl::StripAsciiWhitespace(pending_);
        if (!line.empty()) {
          std::string m;
          if (auto s = EncodeItem(line, absl::StrCat("line ", line_no_), &m); !s.ok()) {
            return FailUpload(HttpStatusFor(static_cast<int>(s.code())), static_cast<grpc::StatusCode>(s.code()), s.message());
          }
          messages.push_back(std::move(m));
        }
        pending_.clear();
      } else if (pending_.size() > opts().max_body_bytes) {
        return FailUpload(413, grpc::StatusCode::INVALID_ARGUMENT, "NDJSON line too long");
      }
    }
    if (messages.empty()) return ReadPiece();
    call_->Send(std::move(messages));  // on_drained -> ReadPiece
  }

  struct UploadError {
    int http = 0;
    grpc::StatusCode code = grpc::StatusCode::OK;
    std::string message;
  };

  void FailUpload(int http, grpc::StatusCode code, absl::string_view message) {
    upload_failed_ = true;
    keep_alive_ = false;
    upload_error_ = {http, code, std::string(message)};
    call_->Cancel();  // OnStreamDone answers
  }

  void OnStreamDone(const grpc::Status& st, const std::vector<std::string>& bytes) {
    call_.reset();
    if (upload_failed_) {
      if (upload_error_.http == 0) return Close();  // the client went away
      return SendHttpError(upload_error_.http, upload_error_.code, upload_error_.message);
    }
    if (upload_parser_ && !upload_parser_->is_done()) keep_alive_ = false;
    if (!st.ok()) return SendGrpcError(st);
    if (!route_->method->server_streaming()) return SendMessage(bytes.empty() ? "" : bytes.front());
    // Server streaming: the responses as one JSON array.
    std::string out = "[";
    for (size_t i = 0; i < bytes.size(); ++i) {
      std::string json;
      if (auto s = ToJson(bytes[i], &json); !s.ok()) return SendError(grpc::StatusCode::INTERNAL, s.message());
      absl::StrAppend(&out, i ? "," : "", json);
    }
    out += "]";
    Send(200, std::move(out), "application/json");
  }

  // --- operations ------------------------------------------------------------

  void ServeOps() {
    if (path_ == "/healthz") return Send(200, "{\"status\":\"ok\"}", "application/json");
    if (path_ == "/metrics") return Send(200, gw_->metrics_.Render(), "text/plain; version=0.0.4");
    if (path_ == "/openapi.json") return Send(200, gw_->openapi_, "application/json");
    // /readyz: every configured backend answers SERVING.
    struct Probe {
      std::mutex mu;
      int remaining;
      nlohmann::json result = nlohmann::json::object();
      bool ready = true;
    };
    auto probe = std::make_shared<Probe>();
    probe->remaining = static_cast<int>(gw_->backends_.size());
    if (probe->remaining == 0) return Send(503, "{\"status\":\"no backends configured\"}", "application/json");
    auto exec = stream_.get_executor();
    for (const auto& [name, backend] : gw_->backends_) {
      struct One {
        grpc::ClientContext ctx;
        grpc::health::v1::HealthCheckRequest req;
        grpc::health::v1::HealthCheckResponse resp;
      };
      auto one = std::make_shared<One>();
      one->ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
      ++gw_->grpc_in_flight_;
      GatewayImpl* gw = gw_;
      std::string backend_name = name;
      backend->health->async()->Check(
          &one->ctx, &one->req, &one->resp,
          [self = shared_from_this(), probe, one, exec, gw, backend_name](grpc::Status st) mutable {
            bool serving = st.ok() && one->resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
            bool last;
            {
              std::lock_guard<std::mutex> lock(probe->mu);
              probe->result[backend_name] = serving ? "SERVING" : (st.ok() ? "NOT_SERVING" : "UNREACHABLE");
              probe->ready &= serving;
              last = --probe->remaining == 0;
            }
            if (last) {
              net::post(exec, [self, probe] {
                nlohmann::json body = {{"status", probe->ready ? "ready" : "not ready"},
                                       {"backends", probe->result}};
                self->Send(probe->ready ? 200 : 503, body.dump(), "application/json");
              });
            }
            self.reset();  // as for unary calls: no session reference outlives the count
            --gw->grpc_in_flight_;
          });
    }
  }

  // --- responses -------------------------------------------------------------

  void SendGrpcError(const grpc::Status& st) {
    if (HttpStatusFor(st.error_code()) >= 500) {
      LogWarning("backend call failed", {{"request_id", request_id_},
                                         {"route", route_label_},
                                         {"code", CodeName(st.error_code())},
                                         {"error", st.error_message()}});
    }
    Send(HttpStatusFor(st.error_code()),
         ErrorBody(st.error_code(), st.error_message(), st.error_details()), "application/json");
  }

  void SendError(grpc::StatusCode code, absl::string_view message) {
    SendHttpError(HttpStatusFor(code), code, message);
  }
  void SendError(absl::StatusCode code, absl::string_view message) {
    SendError(static_cast<grpc::StatusCode>(code), message);
  }

  void SendHttpError(int http, grpc::StatusCode code, absl::string_view message) {
    // A body we did not read makes the connection unusable for the next request.
    if (header_parser_ && !header_parser_->is_done() && !body_parser_ && !upload_parser_) keep_alive_ = false;
    if (http == 401) extra_headers_.emplace_back("WWW-Authenticate", "Bearer");
    Send(http, ErrorBody(static_cast<int>(code), message, ""), "application/json");
  }

  void Send(int status, std::string body, absl::string_view content_type) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
    res->set(http::field::server, "pelita-gateway");
    res->set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
    res->set("X-Request-Id", request_id_);
    for (const auto& [k, v] : extra_headers_) res->set(k, v);
    extra_headers_.clear();
    res->keep_alive(keep_alive_);
    res->body() = std::move(body);
    res->prepare_payload();
    absl::Duration latency = absl::Now() - start_;
    gw_->metrics_.Record(route_label_, status, latency);
    if (opts().log_requests) {
      LogInfo("http request", {{"request_id", request_id_},
                               {"method", method_},
                               {"path", path_},
                               {"route", route_label_},
                               {"status", absl::StrCat(status)},
                               {"ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(latency))},
                               {"tenant", tenant_},
                               {"role", claims_.role}});
    }
    stream_.expires_after(std::chrono::microseconds(absl::ToInt64Microseconds(opts().read_timeout)));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      self->Finished();
      if (ec || !self->keep_alive_) return self->Close();
      self->ResetRequest();
      self->ReadHeader();
    });
  }

  void Finished() {
    if (counted_) {
      --gw_->in_flight_;
      counted_ = false;
    }
  }

  void ResetRequest() {
    tenant_.clear();
    claims_ = Claims{};
    body_.clear();
    bindings_.clear();
    upload_failed_ = false;
    finished_upload_ = false;
    upload_error_ = {};
    mode_ = UploadMode::kNone;
  }

  void Close() {
    Finished();
    if (call_) call_->Cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  std::string Peer() {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    return ec ? "?" : absl::StrCat(ep.address().to_string(), ":", ep.port());
  }

  beast::tcp_stream stream_;
  GatewayImpl* gw_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> body_parser_;
  std::optional<http::request_parser<http::buffer_body>> upload_parser_;
  absl::Time start_;
  bool counted_ = false;
  std::string request_id_, method_, path_, query_, content_type_, route_label_, body_, tenant_;
  bool keep_alive_ = true, expect_continue_ = false;
  Claims claims_;
  const Route* route_ = nullptr;
  Bindings bindings_;
  Backend* backend_ = nullptr;
  absl::Duration deadline_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
  // Uploads.
  UploadMode mode_ = UploadMode::kNone;
  std::shared_ptr<StreamCall> call_;
  std::vector<char> piece_;
  std::string pending_;
  bool first_message_ = true, finished_upload_ = false, upload_failed_ = false;
  int line_no_ = 0;
  UploadError upload_error_;
};

}  // namespace

void GatewayImpl::Accept() {
  net::io_context& ioc = *iocs_[next_ioc_++ % iocs_.size()];
  acceptor_.async_accept(ioc, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      LogWarning("accept failed", {{"error", ec.message()}});
    } else {
      beast::error_code ignore;
      socket.set_option(tcp::no_delay(true), ignore);
      std::make_shared<Session>(std::move(socket), this)->Run();
    }
    Accept();
  });
}

Gateway::Gateway(std::unique_ptr<GatewayImpl> impl) : impl_(std::move(impl)) {}
Gateway::~Gateway() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Create(GatewayOptions options) {
  auto impl = std::make_unique<GatewayImpl>(std::move(options));
  if (auto s = impl->Init(); !s.ok()) return s;
  return std::unique_ptr<Gateway>(new Gateway(std::move(impl)));
}

absl::Status Gateway::Start() { return impl_->Start(); }
int Gateway::port() const { return impl_->port_; }
void Gateway::Shutdown(absl::Duration drain) { impl_->Shutdown(drain); }
const Metrics& Gateway::metrics() const { return impl_->metrics_; }
const RouteTable& Gateway::routes() const { return impl_->routes_; }

}  // namespace pelita::gateway
