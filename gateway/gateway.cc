#include "gateway/gateway.h"

#include <pthread.h>

#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gateway/admission.h"
#include "gateway/backend_call.h"
#include "gateway/csv_list.h"
#include "gateway/download.h"
#include "gateway/http_errors.h"
#include "gateway/http_request.h"
#include "gateway/json_printer.h"
#include "gateway/openapi.h"
#include "gateway/refresh_cookie.h"
#include "gateway/skm_cookie.h"
#include "gateway/static_files.h"
#include "gateway/token_form.h"
#include "gateway/upload_framing.h"
#include "gateway/utf8.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "lib/log/log.h"
#include "lib/server/channel.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::gateway {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Streamed uploads are read and forwarded in pieces of this size.
constexpr size_t kUploadPiece = 64 * 1024;
// The most one socket read takes into a connection's buffer (as Beast's own reads).
constexpr size_t kReadBytes = 64 * 1024;

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

struct Backend {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
};

std::vector<std::unique_ptr<net::io_context>> MakeContexts(int threads) {
  std::vector<std::unique_ptr<net::io_context>> out;
  for (int i = 0; i < std::max(1, threads); ++i) out.push_back(std::make_unique<net::io_context>(1));
  return out;
}

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
    AdmissionOptions ao;
    ao.max_body_bytes = options_.max_body_bytes;
    ao.max_upload_bytes = options_.max_upload_bytes;
    ao.default_deadline = options_.default_deadline;
    ao.max_deadline = options_.max_deadline;
    admission_ = std::make_unique<Admission>(&routes_, verifier_.get(), limiter_.get(), ao);
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
    if (!options_.web_root.empty()) {
      auto files = StaticFiles::Load(options_.web_root);
      if (!files.ok()) return files.status();
      static_files_ = std::make_unique<StaticFiles>(*std::move(files));
    }
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
        // Handlers catch their own exceptions (Exchange::Safely); this is
        // the last line, so that a thread never dies with the process.
        for (;;) {
          try {
            ioc->run();
            return;
          } catch (const std::exception& e) {
            LogError("gateway I/O handler threw", {{"error", e.what()}});
          } catch (...) {
            LogError("gateway I/O handler threw", {{"error", "unknown exception"}});
          }
        }
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
    // gRPC callbacks still running only post work that the stopped contexts
    // never run; wait until none refers to this object any more.
    until = absl::Now() + absl::Seconds(5);
    while (grpc_in_flight_.load() > 0 && absl::Now() < until) absl::SleepFor(absl::Milliseconds(5));
  }

  void Accept();

  GatewayOptions options_;
  RouteTable routes_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<Admission> admission_;
  std::map<std::string, std::unique_ptr<Backend>> backends_;
  std::string openapi_;
  std::unique_ptr<StaticFiles> static_files_;  // null without --web_root
  Metrics metrics_;
  // Declared before the I/O contexts: handlers destroyed with them still count.
  std::atomic<int> in_flight_{0};       // HTTP requests being handled
  std::atomic<int> grpc_in_flight_{0};  // gRPC calls whose final callback has not returned
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
};

namespace {

// One client connection: the socket and its read buffer.  It reads one
// request after another, each handled by an Exchange of its own, so no
// request state outlives its request or is reset by hand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, GatewayImpl* gw) : stream(std::move(socket)), gw(gw) {}

  void Start() {
    net::dispatch(stream.get_executor(), [self = shared_from_this()] { self->Next(); });
  }
  // Reads the next request on this connection.
  void Next();

  void Close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
  }

  // Closes after a response that ends the connection: the sending side
  // first, then what the client still sends (the rest of a refused upload)
  // is read and dropped for a bounded time and amount (RFC 9112 §9.6).
  // Closing with unread bytes makes the kernel answer them with a reset,
  // which can destroy the response before the client has read it.
  void CloseAfterResponse() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    linger_buffer_ = std::make_unique<char[]>(kLingerPiece);
    stream.expires_after(std::chrono::seconds(2));
    Linger();
  }

  // A client must deliver a header, a body piece, or take a response, in
  // this time.
  void ArmTimer() {
    stream.expires_after(std::chrono::microseconds(absl::ToInt64Microseconds(gw->options_.read_timeout)));
  }

  // The peer's IP address alone (the sign-in throttle's key).
  std::string PeerAddress() {
    beast::error_code ec;
    auto ep = stream.socket().remote_endpoint(ec);
    return ec ? "" : ep.address().to_string();
  }

  std::string Peer() {
    beast::error_code ec;
    auto ep = stream.socket().remote_endpoint(ec);
    return ec ? "?" : absl::StrCat(ep.address().to_string(), ":", ep.port());
  }

  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  GatewayImpl* const gw;

 private:
  static constexpr size_t kLingerPiece = 16 * 1024;
  static constexpr size_t kLingerMax = 64 * 1024 * 1024;

  void Linger() {
    stream.async_read_some(net::buffer(linger_buffer_.get(), kLingerPiece),
                           [self = shared_from_this()](beast::error_code ec, size_t n) {
                             self->lingered_ += n;
                             if (ec || self->lingered_ > kLingerMax) return self->Close();
                             self->Linger();
                           });
  }

  std::unique_ptr<char[]> linger_buffer_;
  size_t lingered_ = 0;
};

// One HTTP request, from its header to its response: admission, the body,
// the service call, the answer.  Every step runs on the connection's I/O
// thread, except that a unary call's answer is written from gRPC's callback
// thread (while a unary call is out, the exchange has no other work
// pending).  Events of a streaming call arrive through StreamOwner, posted
// to the I/O thread.
class Exchange : public StreamOwner, public std::enable_shared_from_this<Exchange> {
 public:
  explicit Exchange(std::shared_ptr<Connection> connection)
      : conn_(std::move(connection)), gw_(conn_->gw) {}

  ~Exchange() override { Uncount(); }

  void Start() {
    header_parser_.emplace();
    header_parser_->header_limit(kMaxHeaderBytes);
    // The declared length is judged by admission (413), not by the parser
    // (Beast 1.74 reads a limit of boost::none as 0).
    header_parser_->body_limit(std::numeric_limits<uint64_t>::max());
    conn_->ArmTimer();  // once: the whole header must arrive in the read timeout (slowloris)
    ReadHeader();
  }

  // StreamOwner, on the I/O thread.
  void OnWriteDone(bool ok) override {
    Safely([&] {
      writing_ = false;
      if (!ok || server_done_) return LetGo();
      Pump();
    });
  }
  void OnServerDone() override {
    Safely([&] {
      server_done_ = true;
      stop_reading_ = true;
      if (!writing_) LetGo();
    });
  }
  void OnCallDone(const grpc::Status& status, std::vector<std::string> responses) override {
    Safely([&] { StreamDone(status, std::move(responses)); });
  }
  void OnResponse(std::string response) override {
    Safely([&] { DownloadPiece(std::move(response)); });
  }

 private:
  const GatewayOptions& opts() const { return gw_->options_; }

  // No exception leaves a handler: a failure ends this request with a JSON
  // error (the details only in the log), never the process.
  template <typename F>
  void Safely(F&& f) noexcept {
    try {
      f();
    } catch (const std::exception& e) {
      Failed(e.what());
    } catch (...) {
      Failed("unknown exception");
    }
  }
  void Failed(const char* what) noexcept {
    try {
      LogError("request failed inside the gateway",
               {{"request_id", request_id_}, {"route", route_label_}, {"error", what}});
      if (call_ != nullptr) {
        StreamCall* call = call_;
        call_ = nullptr;
        call->Cancel();
      }
      StopDownload();
      if (answered_) return conn_->Close();
      keep_alive_ = false;
      HttpError e;
      e.message = "internal error";
      RespondError(e);
    } catch (...) {
      conn_->Close();
    }
  }

  void Count() {
    if (!counted_) ++gw_->in_flight_;
    counted_ = true;
  }
  void Uncount() {
    if (counted_) --gw_->in_flight_;
    counted_ = false;
  }

  // --- header and admission ---------------------------------------------------

  // Reads the request header as http::async_read_header would (what an
  // earlier read left in the connection's buffer first, then more from the
  // socket), but hands the parser the bytes itself, so that the bytes it
  // takes can be checked for obsolete line folding, which the parser would
  // silently unfold (FoldScanner, RFC 9112 §5.2).
  void ReadHeader() {
    while (conn_->buffer.size() > 0 && !header_parser_->is_header_done()) {
      beast::error_code ec;
      const auto data = conn_->buffer.data();
      const size_t n = header_parser_->put(data, ec);
      folds_.Saw(absl::string_view(static_cast<const char*>(data.data()), n));
      conn_->buffer.consume(n);
      if (ec == http::error::need_more) break;
      if (ec) return OnHeader(ec);
    }
    if (header_parser_->is_header_done()) return OnHeader({});
    conn_->stream.async_read_some(conn_->buffer.prepare(beast::read_size(conn_->buffer, kReadBytes)),
                                  [self = shared_from_this()](beast::error_code ec, size_t n) {
                                    self->Safely([&] {
                                      self->conn_->buffer.commit(n);
                                      if (ec == net::error::eof) {
                                        // As Beast's read: the end in the middle of a header is a
                                        // partial message, between requests a normal close.
                                        ec = self->header_parser_->got_some() || self->conn_->buffer.size() > 0
                                                 ? beast::error_code(http::error::partial_message)
                                                 : beast::error_code(http::error::end_of_stream);
                                      }
                                      if (ec) return self->OnHeader(ec);
                                      self->ReadHeader();
                                    });
                                  });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout && (conn_->buffer.size() > 0 || header_parser_->got_some())) {
        LogWarning("slow client: request header not received in time", {{"peer", conn_->Peer()}});
      }
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof ||
          ec == net::error::operation_aborted || ec == net::error::connection_reset) {
        return conn_->Close();
      }
      // A malformed request: answer and close.
      Count();
      start_ = absl::Now();
      request_id_ = NewRequestId();
      route_label_ = "invalid";
      return RespondError(BadRequest(absl::StrCat("bad HTTP request: ", ec.message()), true));
    }
    Count();
    start_ = absl::Now();
    const auto& header = header_parser_->get();
    const beast::string_view rid = header["X-Request-Id"];
    request_id_ = ValidRequestId(absl::string_view(rid.data(), rid.size())) ? std::string(rid.data(), rid.size())
                                                                           : NewRequestId();
    if (folds_.folded()) {
      route_label_ = "invalid";
      return RespondError(FoldError());
    }
    auto head = ReadHead(header);
    if (auto* error = std::get_if<HttpError>(&head)) {
      route_label_ = "invalid";
      return RespondError(*error);
    }
    head_ = std::get<RequestHead>(std::move(head));
    head_.peer = conn_->PeerAddress();
    keep_alive_ = head_.keep_alive;
    body_complete_ = !head_.has_body();
    Dispatch();
  }

  void Dispatch() {
    // Operations endpoints (no authentication).
    if (head_.method == "GET" && (head_.path == "/healthz" || head_.path == "/readyz" ||
                                  head_.path == "/metrics" || head_.path == "/openapi.json")) {
      route_label_ = "GET " + head_.path;
      body_limit_ = opts().max_body_bytes;
      return ReadBody([this] { ServeOps(); });
    }
    // The web application (issue 16): its files, and index.html for its routes.
    if (gw_->static_files_ != nullptr && StaticFiles::IsStaticRequest(head_.method, head_.path)) {
      route_label_ = "static";
      body_limit_ = opts().max_body_bytes;
      return ReadBody([this] { ServeStatic(); });
    }
    const Route* matched = nullptr;
    auto admitted = gw_->admission_->Admit(head_, request_id_, &matched);
    if (matched != nullptr) route_label_ = matched->label;
    if (auto* error = std::get_if<HttpError>(&admitted)) return RespondError(*error);
    a_ = std::get<Admitted>(std::move(admitted));
    route_label_ = a_.route->label;
    body_limit_ = a_.body_limit;
    auto it = gw_->backends_.find(a_.route->backend);
    if (it == gw_->backends_.end()) {
      return RespondError(FromStatus(absl::UnavailableError("service not configured")));
    }
    backend_ = it->second.get();
    switch (a_.mode) {
      case BodyMode::kUnary:
        return ReadBody([this] { CallUnary(); });
      case BodyMode::kServerStream:
      case BodyMode::kBatch:
        return ReadBody([this] { StartWholeStream(); });
      case BodyMode::kNdjson:
      case BodyMode::kCsv:
        return StartUpload();
    }
  }

  CallSetup Setup() {
    CallSetup s;
    s.deadline = a_.deadline;
    s.caller = Caller{a_.tenant, a_.claims.role, a_.claims.subject, a_.claims.unit, a_.claims.cohorts};
    s.request_id = request_id_;
    s.in_flight = &gw_->grpc_in_flight_;
    return s;
  }

  // --- whole bodies -----------------------------------------------------------

  void MaybeContinue(std::function<void()> next) {
    if (!head_.expect_continue) return next();
    head_.expect_continue = false;
    auto res = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    conn_->ArmTimer();
    http::async_write(conn_->stream, *res,
                      [self = shared_from_this(), res, next](beast::error_code ec, size_t) {
                        self->Safely([&] {
                          if (ec) return self->Abandon();
                          next();
                        });
                      });
  }

  // Reads the whole body (up to body_limit_) into body_, then `next`
  // (called with this exchange alive: the read holds a reference).
  void ReadBody(std::function<void()> next) {
    body_parser_.emplace(std::move(*header_parser_));
    body_parser_->body_limit(body_limit_);
    if (body_parser_->is_done()) {
      body_complete_ = true;
      return next();
    }
    MaybeContinue([this, next] {
      conn_->ArmTimer();
      http::async_read(conn_->stream, conn_->buffer, *body_parser_,
                       [self = shared_from_this(), next](beast::error_code ec, size_t) {
                         self->Safely([&] { self->OnBody(ec, next); });
                       });
    });
  }

  void OnBody(beast::error_code ec, const std::function<void()>& next) {
    if (ec == http::error::body_limit) {
      HttpError e = PayloadTooLarge(absl::StrCat("request body larger than ", body_limit_, " bytes"));
      e.close = true;
      return RespondError(e);
    }
    if (IsMalformedBody(ec)) return RespondError(MalformedBodyError(ec));
    if (ec) {
      if (ec == beast::error::timeout) {
        LogWarning("slow client: request body not received in time",
                   {{"request_id", request_id_}, {"peer", conn_->Peer()}});
      }
      return Abandon();
    }
    body_ = std::move(body_parser_->get().body());
    body_complete_ = true;
    next();
  }

  // --- unary ---------------------------------------------------------------

  void CallUnary() {
    // The OAuth2 token endpoint as RFC 6749 clients call it: a form body,
    // the credentials in it or as HTTP Basic (gateway/token_form.h).
    if (a_.route->rpc_name == "pelita.identity.v1.IdentityService/Token" &&
        head_.content_type == "application/x-www-form-urlencoded") {
      auto json = TokenRequestJson(body_, head_.authorization);
      if (!json.ok()) return RespondError(FromStatus(json.status()));
      body_ = *std::move(json);
    }
    auto request = EncodeRequest(*a_.route, body_, head_.query, a_.bindings, a_.tenant);
    if (!request.ok()) return RespondError(FromStatus(request.status()));
    const absl::string_view method = a_.route->grpc_path;
    const bool cookie_session = head_.from_browser;
    if (cookie_session && RefreshCookie::ConsumesToken(method)) RefreshCookie::FillRequest(head_.cookie, &*request);
    if (cookie_session && SkmCookie::Applies(method)) SkmCookie::FillRequest(head_.cookie, &*request);
    // The response is written from gRPC's callback thread rather than posted
    // back to the connection's I/O thread: that saves a thread wake-up on
    // every call.  It is safe because while a unary call is out the exchange
    // has no I/O of its own pending (the request was read whole and no read
    // is armed until the response is written), so this callback is the only
    // code touching it; the write's completion runs back on the I/O thread.
    StartUnaryCall(backend_->stub.get(), a_.route->grpc_path, Setup(), *request,
                   [self = shared_from_this(), cookie_session, method](const grpc::Status& st, std::string response) {
                     self->Safely([&] {
                       if (cookie_session) self->SessionCookie(method, st.ok(), &response);
                       if (!st.ok()) return self->RespondError(FromCallStatus(st));
                       self->RespondMessage(response);
                     });
                   });
  }

  // A browser's refresh token as an HttpOnly cookie (gateway/refresh_cookie.h).
  void SessionCookie(absl::string_view method, bool ok, std::string* response) {
    if (ok && SkmCookie::Applies(method)) {
      if (auto cookie = SkmCookie::TakeFromReply(response)) extra_headers_.emplace_back("Set-Cookie", *cookie);
      return;
    }
    if (ok && RefreshCookie::IssuesToken(method)) {
      if (auto cookie = RefreshCookie::TakeFromReply(response)) extra_headers_.emplace_back("Set-Cookie", *cookie);
      extra_headers_.emplace_back("Cache-Control", "no-store");
    } else if (RefreshCookie::ClearsCookie(method) || (!ok && RefreshCookie::ConsumesToken(method))) {
      extra_headers_.emplace_back("Set-Cookie", RefreshCookie::Clear());
    }
  }

  // --- streams ---------------------------------------------------------------

  // Server-streaming calls and batch uploads: the body was read whole.
  void StartWholeStream() {
    encoder_ = std::make_unique<UploadEncoder>(*a_.route, a_.mode, head_.query, a_.bindings, a_.tenant,
                                               opts().max_body_bytes);
    std::vector<std::string> messages;
    if (auto s = encoder_->EncodeWhole(body_, &messages); !s.ok()) return RespondError(FromStatus(s));
    body_.clear();
    outbox_.assign(std::make_move_iterator(messages.begin()), std::make_move_iterator(messages.end()));
    body_done_ = true;
    StartCall();
    Pump();
  }

  // NDJSON and CSV: the call starts before the body is read; pieces are
  // forwarded as they arrive.
  void StartUpload() {
    encoder_ = std::make_unique<UploadEncoder>(*a_.route, a_.mode, head_.query, a_.bindings, a_.tenant,
                                               opts().max_body_bytes);
    upload_parser_.emplace(std::move(*header_parser_));
    upload_parser_->body_limit(body_limit_);
    StartCall();
    MaybeContinue([this] { Pump(); });
  }

  void StartCall() {
    auto exec = conn_->stream.get_executor();
    // A document in pieces (the report service's exports) is passed on as
    // it comes; other server streams become one JSON array.
    download_ = a_.route->method->server_streaming() && IsDownload(a_.route->method->output_type());
    const Reads reads = download_ ? Reads::kEach : a_.route->method->server_streaming() ? Reads::kAll : Reads::kOne;
    call_ = StreamCall::Start(backend_->stub.get(), a_.route->grpc_path, Setup(), reads, shared_from_this(),
                              [exec](std::function<void()> f) { net::post(exec, std::move(f)); });
    if (download_) reader_ = call_;
  }

  // Moves the upload along: writes the next message, or half-closes once the
  // body is done and every message is written, or reads more of the body.
  // One write at a time, and no read while messages wait: the HTTP body is
  // read no faster than the service takes it.
  void Pump() {
    if (call_ == nullptr || writing_ || reading_) return;
    if (!outbox_.empty()) {
      std::string message = std::move(outbox_.front());
      outbox_.pop_front();
      const bool last = outbox_.empty() && body_done_;
      StreamCall* call = call_;
      if (last) {
        call_ = nullptr;  // Write(last) lets go of the call
      } else {
        writing_ = true;
      }
      call->Write(message, last);
      return;
    }
    if (body_done_) return LetGo();
    ReadPiece();
  }

  // Half-closes and lets go of the call; its result comes to StreamDone.
  void LetGo() {
    if (call_ == nullptr) return;
    StreamCall* call = call_;
    call_ = nullptr;
    call->Finish();
  }

  // Ends the call for a reason of the gateway's own (a bad line, the size
  // limit, the client went away); `failure_` or `client_gone_` says which.
  void CancelCall() {
    stop_reading_ = true;
    outbox_.clear();
    if (call_ == nullptr) return;
    StreamCall* call = call_;
    call_ = nullptr;
    call->Cancel();
  }

  void ReadPiece() {
    if (upload_parser_->is_done()) return OnPieceData(0);
    piece_.resize(kUploadPiece);
    upload_parser_->get().body().data = piece_.data();
    upload_parser_->get().body().size = piece_.size();
    reading_ = true;
    conn_->ArmTimer();
    // read_some: what has arrived is forwarded now (an NDJSON line sent on
    // its own is ingested at once), not when a whole piece is full.
    http::async_read_some(conn_->stream, conn_->buffer, *upload_parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->Safely([&] { self->OnPiece(ec); });
                     });
  }

  void OnPiece(beast::error_code ec) {
    reading_ = false;
    if (linger_after_read_) {
      // The answer went out while this read was pending: now the rest of
      // the upload is read and dropped as after any closing answer.
      linger_after_read_ = false;
      return conn_->CloseAfterResponse();
    }
    if (stop_reading_ || answered_) return;  // the call ended meanwhile
    if (ec == http::error::need_buffer) ec = {};
    const size_t n = piece_.size() - upload_parser_->get().body().size;
    // A malformed chunk ends the upload where it is, as the size limit does:
    // what was read before it stays forwarded.
    const bool malformed = IsMalformedBody(ec);
    if (ec == http::error::body_limit || malformed) {
      if (encoder_->can_mark_truncated() && call_ != nullptr) {
        // The import contract: what was read is forwarded, then one message
        // saying that the upload was cut; the service answers what it kept.
        std::vector<std::string> messages;
        if (auto s = encoder_->Feed(absl::string_view(piece_.data(), n), false, &messages); !s.ok()) {
          failure_ = FromStatus(s);
          return CancelCall();
        }
        messages.push_back(encoder_->TruncatedMessage());
        for (auto& m : messages) outbox_.push_back(std::move(m));
        body_done_ = true;
        stop_reading_ = true;
        return Pump();
      }
      failure_ = malformed ? MalformedBodyError(ec)
                           : PayloadTooLarge(absl::StrCat("upload larger than ", body_limit_, " bytes"));
      failure_->close = true;
      return CancelCall();
    }
    if (ec) {
      if (ec == beast::error::timeout) {
        LogWarning("slow client: upload stalled", {{"request_id", request_id_}, {"peer", conn_->Peer()}});
      }
      client_gone_ = true;
      return CancelCall();
    }
    OnPieceData(n);
  }

  void OnPieceData(size_t n) {
    const bool done = upload_parser_->is_done();
    std::vector<std::string> messages;
    if (auto s = encoder_->Feed(absl::string_view(piece_.data(), n), done, &messages); !s.ok()) {
      failure_ = FromStatus(s);
      return CancelCall();
    }
    for (auto& m : messages) outbox_.push_back(std::move(m));
    if (done) {
      body_done_ = true;
      body_complete_ = true;
    }
    Pump();
  }

  void StreamDone(const grpc::Status& status, std::vector<std::string> responses) {
    call_ = nullptr;
    reader_ = nullptr;
    if (download_started_) return EndDownload(status);
    if (answered_) return;
    if (!body_complete_) keep_alive_ = false;  // the rest of the body was not read
    if (client_gone_) return Abandon();
    if (failure_) return RespondError(*failure_);
    if (!status.ok()) return RespondError(FromCallStatus(status));
    if (!a_.route->method->server_streaming()) return RespondMessage(responses.front());
    if (download_) {
      // The call ended well before its first piece came.
      return RespondError(FromStatus(absl::InternalError("the service sent no document")));
    }
    // Server streaming: the responses as one JSON array.
    std::string out = "[";
    for (size_t i = 0; i < responses.size(); ++i) {
      if (i > 0) out += ",";
      if (auto s = AppendJson(responses[i], &out); !s.ok()) return RespondError(FromStatus(s));
    }
    out += "]";
    Respond(200, std::move(out), "application/json");
  }

  // --- streamed downloads ------------------------------------------------------

  // A document in pieces goes out as a chunked body while the service
  // produces it: the header when the first piece comes (so a refusal before
  // it is still an ordinary error answer), then each piece as one chunk; the
  // next piece is read from the service only when the last chunk is
  // written, so the gateway holds one piece per download however large the
  // document.  A failure after the header can no longer change the status:
  // the connection is closed without the last chunk, which every HTTP
  // client reports as a cut body, never as a complete file.
  void DownloadPiece(std::string serialized) {
    if (reader_ == nullptr) return;
    if (answered_ && !download_started_) {
      // Answered already (a gateway error): nothing more is wanted.
      return StopDownload();
    }
    if (!download_started_) {
      absl::StatusOr<Download> d = DownloadFromHttpBody(serialized);
      if (!d.ok()) {
        StopDownload();
        return RespondError(FromStatus(d.status()));
      }
      return WriteDownloadHeader(*std::move(d));
    }
    absl::StatusOr<std::string> data = DownloadPieceData(serialized);
    if (!data.ok()) {
      LogWarning("download failed after its first piece",
                 {{"request_id", request_id_}, {"route", route_label_}, {"error", std::string(data.status().message())}});
      StopDownload();
      return CutDownload();
    }
    WriteChunk(*std::move(data));
  }

  void WriteDownloadHeader(Download d) {
    answered_ = true;
    download_started_ = true;
    auto res = std::make_shared<http::response<http::empty_body>>(http::status::ok, 11);
    res->set(http::field::server, "pelita-gateway");
    res->set(http::field::content_type, d.content_type);
    res->set("X-Request-Id", request_id_);
    for (const auto& [k, v] : extra_headers_) res->set(k, v);
    for (const auto& [k, v] : d.headers) res->set(k, v);
    res->keep_alive(keep_alive_);
    res->chunked(true);
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
    conn_->ArmTimer();
    http::async_write_header(conn_->stream, *sr,
                             [self = shared_from_this(), res, sr, data = std::move(d.body)](beast::error_code ec,
                                                                                          size_t) mutable {
                               self->Safely([&] {
                                 if (ec) return self->DownloadClientGone();
                                 self->WriteChunk(std::move(data));
                               });
                             });
  }

  void WriteChunk(std::string data) {
    if (reader_ == nullptr) return;
    if (data.empty()) return reader_->ReadMore();
    chunk_ = std::move(data);
    conn_->ArmTimer();  // a client that stops taking the body is let go in the read timeout
    net::async_write(conn_->stream, http::make_chunk(net::buffer(chunk_)),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->Safely([&] {
                         if (ec) return self->DownloadClientGone();
                         self->chunk_.clear();
                         if (self->reader_ != nullptr) self->reader_->ReadMore();
                       });
                     });
  }

  void StopDownload() {
    if (reader_ == nullptr) return;
    StreamCall* reader = reader_;
    reader_ = nullptr;
    reader->StopReading();
  }

  // The client went away in the middle: the call is cancelled; 499.
  void DownloadClientGone() {
    client_gone_ = true;
    StopDownload();
    Record(kClientClosedRequest);
    conn_->Close();
  }

  // The document cannot be finished: the body is cut, the connection closed.
  void CutDownload() {
    Record(500);
    conn_->Close();
  }

  void EndDownload(const grpc::Status& status) {
    if (client_gone_) return;
    if (!status.ok()) {
      LogWarning("download failed after its first piece", {{"request_id", request_id_},
                                                          {"route", route_label_},
                                                          {"code", CodeName(status.error_code())},
                                                          {"error", SanitizeUtf8(status.error_message())}});
      return CutDownload();
    }
    conn_->ArmTimer();
    net::async_write(conn_->stream, http::make_chunk_last(), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->Safely([&] {
        self->Record(200);
        self->Uncount();
        if (ec) return self->conn_->Close();
        if (!self->keep_alive_) return self->conn_->CloseAfterResponse();
        self->conn_->Next();
      });
    });
  }

  // --- answers -------------------------------------------------------------

  absl::Status AppendJson(const std::string& bytes, std::string* json) {
    std::unique_ptr<google::protobuf::Message> out = NewMessage(a_.route->method->output_type());
    if (!out->ParseFromString(bytes)) return absl::InternalError("the service's response does not parse");
    if (!AppendMessageJson(*out, json).ok()) return absl::InternalError("response not representable as JSON");
    return absl::OkStatus();
  }

  void RespondMessage(const std::string& bytes) {
    if (IsDownload(a_.route->method->output_type())) {
      // A document (pelita.type.v1.HttpBody): its bytes are the body.
      absl::StatusOr<Download> d = DownloadFromHttpBody(bytes);
      if (!d.ok()) return RespondError(FromStatus(d.status()));
      for (auto& h : d->headers) extra_headers_.push_back(std::move(h));
      return Respond(200, std::move(d->body), d->content_type);
    }
    std::string json;
    if (auto s = AppendJson(bytes, &json); !s.ok()) return RespondError(FromStatus(s));
    if (WantsCsv(head_.accept)) {
      // A list as CSV (gateway/csv_list.h); anything else has no CSV form.
      const auto* type = a_.route->method->output_type();
      if (!a_.route->read_only() || ListField(type) == nullptr) {
        HttpError e;
        e.http_status = 406;
        e.code = grpc::StatusCode::INVALID_ARGUMENT;
        e.message = "only lists (GET of a List method) are offered as text/csv";
        return RespondError(e);
      }
      absl::StatusOr<CsvList> csv = ListJsonAsCsv(type, json);
      if (!csv.ok()) return RespondError(FromStatus(csv.status()));
      extra_headers_.emplace_back("Content-Disposition", absl::StrCat("attachment; filename=\"", csv->filename, "\""));
      extra_headers_.emplace_back("Cache-Control", "private, no-store");
      if (!csv->next_page_token.empty()) extra_headers_.emplace_back("X-Next-Page-Token", csv->next_page_token);
      return Respond(200, std::move(csv->body), "text/csv; charset=utf-8");
    }
    Respond(200, std::move(json), "application/json");
  }

  void RespondError(const HttpError& e) {
    if (e.http_status >= 500) {
      LogWarning("request failed", {{"request_id", request_id_},
                                    {"route", route_label_},
                                    {"code", CodeName(e.code)},
                                    {"error", SanitizeUtf8(e.message)}});
    }
    if (e.close) keep_alive_ = false;
    if (e.http_status == 401) extra_headers_.emplace_back("WWW-Authenticate", "Bearer");
    if (e.http_status == 405 && !e.allow.empty()) extra_headers_.emplace_back("Allow", e.allow);
    if (e.retry_after > absl::ZeroDuration()) {
      extra_headers_.emplace_back(
          "Retry-After", absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(e.retry_after, absl::Seconds(1))))));
    }
    Respond(e.http_status, ErrorBody(e), "application/json");
  }

  void Respond(int status, std::string body, absl::string_view content_type) {
    answered_ = true;
    if (!body_complete_) keep_alive_ = false;  // an unread body makes the connection unusable
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
    res->set(http::field::server, "pelita-gateway");
    res->set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
    res->set("X-Request-Id", request_id_);
    for (const auto& [k, v] : extra_headers_) res->set(k, v);
    res->keep_alive(keep_alive_);
    res->body() = std::move(body);
    res->prepare_payload();
    Write(std::move(res), status);
  }

  // Records the answer and writes it; the connection then carries the next
  // request, or closes.
  void Write(std::shared_ptr<http::response<http::string_body>> res, int status) {
    Record(status);
    conn_->ArmTimer();
    http::async_write(conn_->stream, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      self->Safely([&] {
        self->Uncount();
        if (ec) return self->conn_->Close();
        if (!self->keep_alive_) {
          // An upload's read may still be out (the service went away while
          // the client was sending): the connection's lingering read may
          // start only once it is back, never beside it (one read at a time
          // on a stream).
          if (self->reading_) {
            self->linger_after_read_ = true;
            return;
          }
          return self->conn_->CloseAfterResponse();
        }
        self->conn_->Next();
      });
    });
  }

  // The client went away (or stalled): nothing to answer; counted as 499.
  void Abandon() {
    if (!answered_) Record(kClientClosedRequest);
    answered_ = true;
    CancelCall();
    conn_->Close();
  }

  void Record(int status) {
    const absl::Duration latency = absl::Now() - start_;
    gw_->metrics_.Record(route_label_, status, latency);
    if (opts().log_requests) {
      LogInfo("http request", {{"request_id", request_id_},
                               {"method", head_.method},
                               {"path", SanitizeUtf8(head_.path)},
                               {"route", route_label_},
                               {"status", absl::StrCat(status)},
                               {"ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(latency))},
                               {"tenant", a_.claims.tenant},
                               {"role", a_.claims.role}});
    }
  }

  // --- the web application -----------------------------------------------------

  void ServeStatic() {
    StaticFiles::Reply r = gw_->static_files_->Serve(
        {head_.method, head_.path, head_.accept_encoding, head_.if_none_match});
    answered_ = true;
    if (!body_complete_) keep_alive_ = false;
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "pelita-gateway");
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    res->set("X-Request-Id", request_id_);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(keep_alive_);
    // The body is copied: a few hundred kilobytes at most, and the write
    // then owns what it sends.
    res->body().assign(r.body.data(), r.body.size());
    if (r.status == 304) {
      // No body and no Content-Length (RFC 9110 §15.4.5).
    } else if (head_.method == "HEAD") {
      res->content_length(r.content_length);
    } else {
      res->prepare_payload();
    }
    Write(std::move(res), r.status);
  }

  // --- operations ------------------------------------------------------------

  void ServeOps() {
    const std::string& path = head_.path;
    if (path == "/healthz") return Respond(200, "{\"status\":\"ok\"}", "application/json");
    if (path == "/metrics") return Respond(200, gw_->metrics_.Render(), "text/plain; version=0.0.4");
    if (path == "/openapi.json") return Respond(200, gw_->openapi_, "application/json");
    // /readyz: every configured backend answers SERVING.
    struct Probe {
      std::mutex mu;
      int remaining;
      nlohmann::json result = nlohmann::json::object();
      bool ready = true;
    };
    auto probe = std::make_shared<Probe>();
    probe->remaining = static_cast<int>(gw_->backends_.size());
    if (probe->remaining == 0) return Respond(503, "{\"status\":\"no backends configured\"}", "application/json");
    auto exec = conn_->stream.get_executor();
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
                self->Safely([&] {
                  nlohmann::json body = {{"status", probe->ready ? "ready" : "not ready"},
                                         {"backends", probe->result}};
                  self->Respond(probe->ready ? 200 : 503, body.dump(), "application/json");
                });
              });
            }
            self.reset();  // no exchange reference outlives the count
            --gw->grpc_in_flight_;
          });
    }
  }

  const std::shared_ptr<Connection> conn_;
  GatewayImpl* const gw_;
  absl::Time start_;
  bool counted_ = false;
  std::string request_id_;
  std::string route_label_ = "unmatched";
  RequestHead head_;
  Admitted a_;
  Backend* backend_ = nullptr;
  bool keep_alive_ = true;
  // The body was read to its end (or there is none): the connection can
  // carry the next request.
  bool body_complete_ = false;
  bool answered_ = false;
  uint64_t body_limit_ = 0;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  FoldScanner folds_;  // over the bytes header_parser_ took
  std::optional<http::request_parser<http::string_body>> body_parser_;
  std::optional<http::request_parser<http::buffer_body>> upload_parser_;
  std::string body_;

  // Streams: see StreamCall for the call's lifetime.  `call_` is non-null
  // while this exchange is attached to it.
  std::unique_ptr<UploadEncoder> encoder_;
  StreamCall* call_ = nullptr;
  // A streamed download: `reader_` is the call while this exchange may ask
  // it for the next piece (StreamCall, Reads::kEach); `chunk_` the piece
  // being written.
  bool download_ = false;
  bool download_started_ = false;  // the header is sent
  StreamCall* reader_ = nullptr;
  std::string chunk_;
  std::deque<std::string> outbox_;  // messages not yet written
  std::vector<char> piece_;
  bool writing_ = false;       // a write is outstanding
  bool reading_ = false;       // a body read is outstanding
  // A closing answer was written while a body read was out: the
  // connection lingers once that read is back (OnPiece).
  bool linger_after_read_ = false;
  bool body_done_ = false;     // every message of the body is in outbox_ (or written)
  bool stop_reading_ = false;  // the call ended or was cancelled: no more reads
  bool server_done_ = false;   // the service finished its side
  bool client_gone_ = false;
  std::optional<HttpError> failure_;  // the gateway's own reason for ending the call
};

void Connection::Next() {
  auto exchange = std::make_shared<Exchange>(shared_from_this());
  exchange->Start();
}

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
      try {
        std::make_shared<Connection>(std::move(socket), this)->Start();
      } catch (const std::exception& e) {
        LogError("cannot start a connection", {{"error", e.what()}});
      }
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
