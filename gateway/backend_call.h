#ifndef PELITA_GATEWAY_BACKEND_CALL_H_
#define PELITA_GATEWAY_BACKEND_CALL_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::gateway {

// What every call to a service carries: its deadline and the caller's
// identity as metadata (x-pelita-tenant/-role/-subject, x-request-id).
struct CallSetup {
  absl::Duration deadline;
  Caller caller;
  std::string request_id;
  // Counts calls whose final callback has not yet returned (for a drain at
  // shutdown); may be null.
  std::atomic<int>* in_flight = nullptr;
};

// A unary call through the generic stub.  `done` runs once, on a gRPC
// thread, with the status and the serialized response.
void StartUnaryCall(grpc::GenericStub* stub, const std::string& method, const CallSetup& setup,
                    const std::string& request,
                    std::function<void(const grpc::Status&, std::string response)> done);

// The side of a streaming call that feeds it and takes its result (the
// HTTP request).  Every method runs on the owner's own thread, through the
// `post` function given to StreamCall::Start, in the order the call
// produced the events; OnCallDone comes last, once.
class StreamOwner {
 public:
  virtual ~StreamOwner() = default;
  // The write started by Write completed; `ok` false when the call is
  // ending (the service finished, failed or went away).
  virtual void OnWriteDone(bool ok) = 0;
  // The service has finished its side (sent its last response) while the
  // owner was still attached: no more writes are wanted.
  virtual void OnServerDone() = 0;
  // The call is over: its status and every response, serialized (none
  // when they were handed over one by one, Reads::kEach).
  virtual void OnCallDone(const grpc::Status& status, std::vector<std::string> responses) = 0;
  // Reads::kEach: the next response, serialized.  No further response is
  // read until the owner calls StreamCall::ReadMore (or StopReading).
  virtual void OnResponse(std::string response) {}
};

// How a streaming call takes its responses.
enum class Reads {
  kOne,   // exactly one (client streaming)
  kAll,   // every one, kept until OnCallDone (server streaming into one answer)
  kEach,  // one at a time through OnResponse, as the owner asks for them
};

// A client-streaming (or bidirectional) call over the generic stub: a
// gRPC callback reactor with a lifetime simple enough to reason about.
//
//  - The object owns itself.  It is created by Start and deleted at the end
//    of OnDone, gRPC's final callback, and nowhere else; its ClientContext
//    and buffers live exactly as long as the call.
//  - The owner is "attached" from Start until it calls Finish or Cancel,
//    exactly once.  While attached, the owner holds a gRPC hold on the call
//    (AddHold), so OnDone cannot run and the pointer Start returned stays
//    valid: Write, Finish and Cancel are called only on the owner's thread
//    and only while attached.  After Finish or Cancel the owner forgets the
//    pointer; the result arrives through OnCallDone.
//  - Events reach the owner only through `post` (never inline on a gRPC
//    thread), holding a shared_ptr to it, so an owner outlives the events
//    addressed to it and needs no lock.
//  - The owner writes one message at a time and waits for OnWriteDone
//    before the next (backpressure: the HTTP body is read no faster than
//    the service takes it).
//  - With Reads::kEach the responses travel the other way under the same
//    rule: the call reads one, hands it to OnResponse and reads the next
//    only when the owner calls ReadMore (a download is taken from the
//    service no faster than the client takes it).  The reading side holds
//    a second gRPC hold, released when the service's side ends or the owner
//    calls StopReading; so between an OnResponse and the owner's ReadMore
//    or StopReading the pointer stays valid even after Finish.
// This is what the gateway's streaming proxy got wrong before: writes or
// half-closes started after the call had finished (a service that answers
// early, a 1 ms deadline) touched a freed call.
class StreamCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  using Post = std::function<void(std::function<void()>)>;

  // Starts the call, reading its responses as `reads` says.
  static StreamCall* Start(grpc::GenericStub* stub, const std::string& method, const CallSetup& setup,
                           Reads reads, std::shared_ptr<StreamOwner> owner, Post post);

  // Owner's thread, attached, no write outstanding.  `last`: this is the
  // final message; the owner lets go (as with Finish) once it is started.
  void Write(const std::string& message, bool last);
  // Owner's thread, attached, no write outstanding: half-close; the owner
  // lets go.
  void Finish();
  // Owner's thread, attached: cancel the call; the owner lets go.
  void Cancel();
  // Reads::kEach, owner's thread, once after each OnResponse: read the
  // next response.
  void ReadMore();
  // Reads::kEach, owner's thread, instead of ReadMore: cancel the call and
  // read nothing more (the client went away).
  void StopReading();

  // gRPC's reactions.
  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  StreamCall(Reads reads, std::shared_ptr<StreamOwner> owner, Post post)
      : reads_(reads), owner_(std::move(owner)), post_(std::move(post)) {}
  ~StreamCall() override = default;

  const Reads reads_;
  std::atomic<int>* in_flight_ = nullptr;
  const std::shared_ptr<StreamOwner> owner_;
  const Post post_;
  grpc::ClientContext context_;
  grpc::ByteBuffer write_buffer_;
  grpc::ByteBuffer read_buffer_;
  // Touched only by gRPC's reactions, which it runs one after another for
  // reads; OnDone runs after all of them.
  std::vector<std::string> responses_;
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_BACKEND_CALL_H_
