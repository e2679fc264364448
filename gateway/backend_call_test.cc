// StreamCall's lifetime against a real gRPC server (in-process, port 0)
// whose methods end streams early, late, or never: every call ends exactly
// once with the server's own status, whatever the timing, and nothing is
// touched after its end (run under ASan too).

#include "gateway/backend_call.h"

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <grpcpp/generic/async_generic_service.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/http_errors.h"
#include "gtest/gtest.h"
#include "lib/testing/subprocess.h"

namespace pelita::gateway {
namespace {

grpc::ByteBuffer Bytes(const std::string& s) {
  grpc::Slice slice(s);
  return grpc::ByteBuffer(&slice, 1);
}

// Answers INVALID_ARGUMENT at once, reading nothing (a service refusing a
// CSV header before the rest of the file).
class EarlyFail : public grpc::ServerGenericBidiReactor {
 public:
  EarlyFail() { Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad header")); }
  void OnDone() override { delete this; }
};

// Reads to the end, answers the number of messages.
class Count : public grpc::ServerGenericBidiReactor {
 public:
  Count() { StartRead(&in_); }
  void OnReadDone(bool ok) override {
    if (ok) {
      ++n_;
      StartRead(&in_);
      return;
    }
    out_ = Bytes(absl::StrCat(n_));
    StartWriteAndFinish(&out_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer in_, out_;
  int n_ = 0;
};

// Reads forever; ends only when the call is cancelled or the server stops.
class Hang : public grpc::ServerGenericBidiReactor {
 public:
  Hang() { StartRead(&in_); }
  void OnReadDone(bool ok) override {
    if (ok) return StartRead(&in_);
    End();
  }
  void OnCancel() override { End(); }
  void OnDone() override { delete this; }

 private:
  void End() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!finished_) Finish(grpc::Status::OK);
    finished_ = true;
  }
  std::mutex mu_;
  bool finished_ = false;
  grpc::ByteBuffer in_;
};

// Reads one message, a number N, then answers N responses "piece-0" ...
// "piece-{N-1}" of `size` bytes each, one write at a time (a document
// streamed in pieces); a cancelled call ends at the write that fails.
class Pieces : public grpc::ServerGenericBidiReactor {
 public:
  Pieces(size_t size, std::atomic<int>* cancelled) : size_(size), cancelled_(cancelled) { StartRead(&in_); }
  void OnReadDone(bool ok) override {
    std::vector<grpc::Slice> slices;
    std::string n;
    if (ok && in_.Dump(&slices).ok()) {
      for (const auto& s : slices) n.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    if (!ok || !absl::SimpleAtoi(n, &total_)) return Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no count"));
    Next();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
    Next();
  }
  void OnCancel() override { ++*cancelled_; }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (sent_ == total_) return Finish(grpc::Status::OK);
    std::string piece = absl::StrCat("piece-", sent_++);
    piece.resize(std::max(piece.size(), size_), '.');
    out_ = Bytes(piece);
    StartWrite(&out_);
  }
  const size_t size_;
  std::atomic<int>* const cancelled_;
  grpc::ByteBuffer in_, out_;
  int total_ = 0;
  int sent_ = 0;
};

class TestService : public grpc::CallbackGenericService {
 public:
  std::atomic<int> pieces_cancelled{0};

 private:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    if (ctx->method() == "/test.T/EarlyFail") return new EarlyFail;
    if (ctx->method() == "/test.T/Pieces") return new Pieces(16, &pieces_cancelled);
    if (ctx->method() == "/test.T/BigPieces") return new Pieces(256 * 1024, &pieces_cancelled);
    if (ctx->method() == "/test.T/Count") return new Count;
    return new Hang;
  }
};

// An owner as the gateway's exchange is one: every event on one thread
// (an io_context), writes one at a time, lets go exactly once.
class Owner : public StreamOwner, public std::enable_shared_from_this<Owner> {
 public:
  Owner(int messages, bool cancel_after_first) : left_(messages), cancel_(cancel_after_first) {}

  void Begin(grpc::GenericStub* stub, const std::string& method, absl::Duration deadline,
             boost::asio::io_context* ioc, std::atomic<int>* in_flight) {
    boost::asio::post(*ioc, [=, self = shared_from_this()] {
      CallSetup setup{deadline, Caller{"1504", "organiser", "test"}, "rid", in_flight};
      call_ = StreamCall::Start(stub, method, setup, Reads::kOne, self,
                                [ioc](std::function<void()> f) { boost::asio::post(*ioc, std::move(f)); });
      Next();
    });
  }
  void OnWriteDone(bool ok) override {
    writing_ = false;
    if (!ok) return LetGo();
    if (cancel_) {
      StreamCall* c = call_;
      call_ = nullptr;
      return c->Cancel();
    }
    Next();
  }
  void OnServerDone() override {
    if (!writing_) LetGo();
  }
  void OnCallDone(const grpc::Status& status, std::vector<std::string> responses) override {
    EXPECT_EQ(call_, nullptr) << "OnCallDone while the owner is attached";
    ++done_count_;
    done_.set_value({status, responses.empty() ? "" : responses[0]});
  }

  std::future<std::pair<grpc::Status, std::string>> Result() { return done_.get_future(); }
  int done_count() const { return done_count_; }

 private:
  void Next() {
    if (call_ == nullptr) return;
    if (left_ == 0) return LetGo();
    --left_;
    writing_ = true;
    call_->Write("message", false);
  }
  void LetGo() {
    if (call_ == nullptr) return;
    StreamCall* c = call_;
    call_ = nullptr;
    c->Finish();
  }
  int left_;
  const bool cancel_;
  StreamCall* call_ = nullptr;
  bool writing_ = false;
  int done_count_ = 0;
  std::promise<std::pair<grpc::Status, std::string>> done_;
};

// An owner of a download (Reads::kEach): one request, then the responses
// one at a time, each asked for only after the last was taken; with
// `stop_after` > 0 it stops reading after that many (a client gone).
class EachOwner : public StreamOwner, public std::enable_shared_from_this<EachOwner> {
 public:
  struct Result {
    grpc::Status status;
    std::vector<std::string> received;  // the first 16 bytes of each
    size_t left_at_end = 0;             // responses OnCallDone still carried
  };
  EachOwner(int pieces, int stop_after) : pieces_(pieces), stop_after_(stop_after) {}

  void Begin(grpc::GenericStub* stub, const std::string& method, absl::Duration deadline,
             boost::asio::io_context* ioc, std::atomic<int>* in_flight) {
    boost::asio::post(*ioc, [=, self = shared_from_this()] {
      CallSetup setup{deadline, Caller{"1504", "organiser", "test"}, "rid", in_flight};
      reader_ = StreamCall::Start(stub, method, setup, Reads::kEach, self,
                                  [ioc](std::function<void()> f) { boost::asio::post(*ioc, std::move(f)); });
      reader_->Write(absl::StrCat(pieces_), /*last=*/true);  // lets go of the writing side
    });
  }
  void OnWriteDone(bool ok) override {}
  void OnServerDone() override { server_done_ = true; }
  void OnResponse(std::string response) override {
    EXPECT_FALSE(server_done_) << "a response after the service's end";
    EXPECT_FALSE(stopped_) << "a response after StopReading";
    result_.received.push_back(response.substr(0, 16));
    if (stop_after_ > 0 && static_cast<int>(result_.received.size()) == stop_after_) {
      stopped_ = true;
      return reader_->StopReading();
    }
    reader_->ReadMore();
  }
  void OnCallDone(const grpc::Status& status, std::vector<std::string> responses) override {
    ++done_count_;
    result_.status = status;
    result_.left_at_end = responses.size();
    done_.set_value(result_);
  }
  std::future<Result> Done() { return done_.get_future(); }
  int done_count() const { return done_count_; }

 private:
  const int pieces_;
  const int stop_after_;
  StreamCall* reader_ = nullptr;
  bool server_done_ = false;
  bool stopped_ = false;
  int done_count_ = 0;
  Result result_;
  std::promise<Result> done_;
};

class BackendCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials());
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
    io_thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    // A call's owner hears its end (posted to the I/O thread) just before
    // gRPC's thread deletes the call and counts it out; wait for that.
    EXPECT_TRUE(testing::WaitFor([&] { return in_flight_.load() == 0; }, absl::Seconds(10)))
        << in_flight_.load() << " calls never ended";
    work_.reset();
    io_thread_.join();
  }

  // Runs `n` calls, `parallel` at a time; returns each call's status.
  std::vector<grpc::Status> Run(int n, int parallel, const std::string& method, int messages,
                                absl::Duration deadline, bool cancel = false) {
    std::vector<grpc::Status> out;
    for (int done = 0; done < n; done += parallel) {
      std::vector<std::shared_ptr<Owner>> owners;
      std::vector<std::future<std::pair<grpc::Status, std::string>>> results;
      for (int i = 0; i < parallel && done + i < n; ++i) {
        owners.push_back(std::make_shared<Owner>(messages, cancel));
        results.push_back(owners.back()->Result());
        owners.back()->Begin(stub_.get(), method, deadline, &ioc_, &in_flight_);
      }
      for (auto& r : results) {
        EXPECT_EQ(r.wait_for(std::chrono::seconds(20)), std::future_status::ready);
        out.push_back(r.get().first);
      }
      for (auto& o : owners) EXPECT_EQ(o->done_count(), 1);
    }
    return out;
  }

  TestService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(ioc_);
  std::thread io_thread_;
  std::atomic<int> in_flight_{0};
};

TEST_F(BackendCallTest, StreamsAndAnswersOnce) {
  auto owner = std::make_shared<Owner>(25, false);
  auto result = owner->Result();
  owner->Begin(stub_.get(), "/test.T/Count", absl::Seconds(10), &ioc_, &in_flight_);
  ASSERT_EQ(result.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto [status, response] = result.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response, "25");
}

// The service answers before reading: the caller sees the service's own
// status, never CANCELLED, and nothing crashes however the writes race it.
TEST_F(BackendCallTest, ServiceEndingFirstGivesItsStatus) {
  for (const grpc::Status& s : Run(400, 8, "/test.T/EarlyFail", 50, absl::Seconds(10))) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  }
}

TEST_F(BackendCallTest, TinyDeadlinesEndCleanly) {
  int exceeded = 0;
  for (const grpc::Status& s : Run(300, 8, "/test.T/Count", 50, absl::Milliseconds(1))) {
    EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) << s.error_message();
    exceeded += s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  }
  EXPECT_GT(exceeded, 0);
}

TEST_F(BackendCallTest, OwnerCancelling) {
  for (const grpc::Status& s : Run(100, 4, "/test.T/Hang", 50, absl::Seconds(10), /*cancel=*/true)) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::CANCELLED) << s.error_message();
  }
}

// A server going away in the middle of streams: the calls end, and the
// gateway's mapping makes them transient (503 with Retry-After).
TEST_F(BackendCallTest, ServerGoingAwayIsTransient) {
  std::vector<std::shared_ptr<Owner>> owners;
  std::vector<std::future<std::pair<grpc::Status, std::string>>> results;
  for (int i = 0; i < 8; ++i) {
    owners.push_back(std::make_shared<Owner>(1000000, false));
    results.push_back(owners.back()->Result());
    owners.back()->Begin(stub_.get(), "/test.T/Hang", absl::Seconds(20), &ioc_, &in_flight_);
  }
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(50));
  server_.reset();
  int failed = 0;
  for (auto& r : results) {
    ASSERT_EQ(r.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    grpc::Status s = r.get().first;
    if (s.ok()) continue;  // finished by the server before it went
    ++failed;
    HttpError e = FromCallStatus(s);
    EXPECT_EQ(e.http_status, 503) << s.error_code() << " " << s.error_message();
    EXPECT_GT(e.retry_after, absl::ZeroDuration());
  }
  EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace pelita::gateway

namespace pelita::gateway {
namespace {

// A download's pieces come one at a time, in order, each after the owner
// asked for it; the call ends once, OK, with nothing left over.
TEST_F(BackendCallTest, EachResponseInTurn) {
  auto owner = std::make_shared<EachOwner>(200, 0);
  auto done = owner->Done();
  owner->Begin(stub_.get(), "/test.T/Pieces", absl::Seconds(10), &ioc_, &in_flight_);
  ASSERT_EQ(done.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EachOwner::Result r = done.get();
  EXPECT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.received.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(r.received[i].substr(0, 6 + std::to_string(i).size()), absl::StrCat("piece-", i));
  EXPECT_EQ(r.left_at_end, 0u);
  EXPECT_EQ(owner->done_count(), 1);
}

// An owner that stops reading (its client went away) cancels the call:
// the service hears it, the owner hears the end once, and nothing more is
// handed over (run under ASan: nothing touched after the end).
TEST_F(BackendCallTest, StopReadingCancels) {
  std::vector<std::shared_ptr<EachOwner>> owners;
  std::vector<std::future<EachOwner::Result>> results;
  for (int i = 0; i < 16; ++i) {
    owners.push_back(std::make_shared<EachOwner>(1000, 1 + i % 4));
    results.push_back(owners.back()->Done());
    owners.back()->Begin(stub_.get(), "/test.T/BigPieces", absl::Seconds(10), &ioc_, &in_flight_);
  }
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EachOwner::Result r = results[i].get();
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::CANCELLED) << r.status.error_message();
    EXPECT_EQ(static_cast<int>(r.received.size()), 1 + static_cast<int>(i) % 4);
    EXPECT_EQ(owners[i]->done_count(), 1);
  }
  EXPECT_TRUE(testing::WaitFor([&] { return service_.pieces_cancelled.load() == 16; }, absl::Seconds(10)))
      << service_.pieces_cancelled.load();
}

// Deadlines in the middle of a download end it cleanly, whatever the timing.
TEST_F(BackendCallTest, EachResponseUnderTinyDeadlines) {
  int exceeded = 0;
  for (int round = 0; round < 10; ++round) {
    std::vector<std::shared_ptr<EachOwner>> owners;
    std::vector<std::future<EachOwner::Result>> results;
    for (int i = 0; i < 16; ++i) {
      owners.push_back(std::make_shared<EachOwner>(50, 0));
      results.push_back(owners.back()->Done());
      owners.back()->Begin(stub_.get(), "/test.T/BigPieces", absl::Milliseconds(1 + i), &ioc_, &in_flight_);
    }
    for (auto& f : results) {
      ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
      EachOwner::Result r = f.get();
      EXPECT_TRUE(r.status.ok() || r.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
          << r.status.error_message();
      if (r.status.ok()) EXPECT_EQ(r.received.size(), 50u);
      exceeded += r.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    }
    for (auto& o : owners) EXPECT_EQ(o->done_count(), 1);
  }
  EXPECT_GT(exceeded, 0);
}

}  // namespace
}  // namespace pelita::gateway
