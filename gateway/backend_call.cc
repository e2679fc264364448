#include "gateway/backend_call.h"

#include <exception>

#include "absl/time/clock.h"
#include "lib/log/log.h"

namespace pelita::gateway {
namespace {

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buf) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buf.Dump(&slices).ok()) return out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

void Prepare(grpc::ClientContext* ctx, const CallSetup& setup) {
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + setup.deadline));
  AttachCaller(*ctx, setup.caller);
  ctx->AddMetadata("x-request-id", setup.request_id);
}

// What a unary call needs until its callback: context and both messages.
struct UnaryState {
  grpc::ClientContext context;
  grpc::ByteBuffer request, response;
};

}  // namespace

void StartUnaryCall(grpc::GenericStub* stub, const std::string& method, const CallSetup& setup,
                    const std::string& request,
                    std::function<void(const grpc::Status&, std::string response)> done) {
  auto* state = new UnaryState;
  Prepare(&state->context, setup);
  state->request = ToBuffer(request);
  std::atomic<int>* in_flight = setup.in_flight;
  if (in_flight != nullptr) ++*in_flight;
  stub->UnaryCall(&state->context, method, grpc::StubOptions(), &state->request, &state->response,
                  [state, in_flight, done = std::move(done)](grpc::Status status) mutable {
                    {
                      std::unique_ptr<UnaryState> owned(state);
                      auto callback = std::move(done);  // released at the end of this block
                      try {
                        callback(status, status.ok() ? FromBuffer(owned->response) : std::string());
                      } catch (const std::exception& e) {
                        // The callback answers its own failures; nothing may
                        // unwind into gRPC's thread.
                        LogError("unary call callback threw", {{"error", e.what()}});
                      }
                    }
                    if (in_flight != nullptr) --*in_flight;
                  });
}

StreamCall* StreamCall::Start(grpc::GenericStub* stub, const std::string& method, const CallSetup& setup,
                              Reads reads, std::shared_ptr<StreamOwner> owner, Post post) {
  auto* call = new StreamCall(reads, std::move(owner), std::move(post));
  call->in_flight_ = setup.in_flight;
  if (call->in_flight_ != nullptr) ++*call->in_flight_;
  Prepare(&call->context_, setup);
  stub->PrepareBidiStreamingCall(&call->context_, method, grpc::StubOptions(), call);
  // The owner's hold: OnDone waits until the owner lets go (Finish/Cancel).
  call->AddHold();
  // The reading side's hold (kEach): released when the reads end.
  if (reads == Reads::kEach) call->AddHold();
  call->StartRead(&call->read_buffer_);
  call->StartCall();
  return call;
}

void StreamCall::Write(const std::string& message, bool last) {
  write_buffer_ = ToBuffer(message);
  if (last) {
    StartWriteLast(&write_buffer_, grpc::WriteOptions());
    RemoveHold();  // nothing touches `this` after this line
    return;
  }
  StartWrite(&write_buffer_);
}

void StreamCall::Finish() {
  StartWritesDone();
  RemoveHold();  // nothing touches `this` after this line
}

void StreamCall::Cancel() {
  context_.TryCancel();
  RemoveHold();  // nothing touches `this` after this line
}

void StreamCall::ReadMore() { StartRead(&read_buffer_); }

void StreamCall::StopReading() {
  context_.TryCancel();
  RemoveHold();  // nothing touches `this` after this line
}

void StreamCall::OnWriteDone(bool ok) {
  post_([owner = owner_, ok] { owner->OnWriteDone(ok); });
}

void StreamCall::OnReadDone(bool ok) {
  if (ok && reads_ == Reads::kEach) {
    // The owner asks for the next one (ReadMore) when it has passed this on.
    post_([owner = owner_, response = FromBuffer(read_buffer_)]() mutable {
      owner->OnResponse(std::move(response));
    });
    return;
  }
  if (ok) {
    responses_.push_back(FromBuffer(read_buffer_));
    if (reads_ == Reads::kAll) {
      StartRead(&read_buffer_);
      return;
    }
  }
  // The read side ended (or the one response came): the service is done.
  post_([owner = owner_] { owner->OnServerDone(); });
  if (reads_ == Reads::kEach) RemoveHold();  // nothing touches `this` after this line
}

void StreamCall::OnDone(const grpc::Status& status) {
  grpc::Status st = status;
  if (st.ok() && reads_ == Reads::kOne && responses_.empty()) {
    st = grpc::Status(grpc::StatusCode::INTERNAL, "the service sent no response");
  }
  post_([owner = owner_, st, responses = std::move(responses_)]() mutable {
    owner->OnCallDone(st, std::move(responses));
  });
  std::atomic<int>* in_flight = in_flight_;
  delete this;
  if (in_flight != nullptr) --*in_flight;
}

}  // namespace pelita::gateway
