#include "services/survey/grpc_service.h"

#include <deque>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "lib/server/adapter.h"
#include "lib/status/status.h"

namespace pelita::survey {

#define PELITA_SURVEY_DEFINE(Method, Request, Response)                                              \
  grpc::Status SurveyGrpcService::Method(grpc::ServerContext* context, const Request* request, Response* response) { \
    return HandleUnary(context, response,                                                                  \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); });         \
  }
PELITA_SURVEY_UNARY_RPCS(PELITA_SURVEY_DEFINE)
#undef PELITA_SURVEY_DEFINE

#define PELITA_SURVEY_DEFINE_PUBLIC(Method, Request, Response)                                       \
  grpc::Status SurveyGrpcService::Method(grpc::ServerContext* context, const Request* request, Response* response) { \
    return HandlePlatformUnary(context, response,                                                          \
                               [&](const Caller& caller) { return logic_->Method(caller, *request); }); \
  }
PELITA_SURVEY_PUBLIC_RPCS(PELITA_SURVEY_DEFINE_PUBLIC)
#undef PELITA_SURVEY_DEFINE_PUBLIC

// A reader thread queues incoming requests (bounded, so gRPC flow control
// slows a fast client); this thread takes whatever is queued, up to
// stream_batch_, ingests it in one Redis round trip and writes the acks.
// A client that waits for each ack before sending the next works too.
grpc::Status SurveyGrpcService::StreamResponses(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ResponseAck, v1::CreateResponseRequest>* stream) {
  auto caller = CallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  const size_t max_queue = static_cast<size_t>(stream_batch_) * 2;
  absl::Mutex mu;
  absl::CondVar changed;
  std::deque<v1::CreateResponseRequest> queue;
  bool done = false;
  bool stop = false;
  std::thread reader([&] {
    v1::CreateResponseRequest req;
    while (true) {
      {
        absl::MutexLock l(&mu);
        while (queue.size() >= max_queue && !stop) changed.Wait(&mu);
        if (stop) break;
      }
      if (!stream->Read(&req)) break;
      absl::MutexLock l(&mu);
      queue.push_back(std::move(req));
      req.Clear();
      changed.SignalAll();
    }
    absl::MutexLock l(&mu);
    done = true;
    changed.SignalAll();
  });
  grpc::Status result = grpc::Status::OK;
  int64_t index = 0;
  std::string parent;
  std::vector<v1::CreateResponseRequest> batch;
  while (true) {
    batch.clear();
    {
      absl::MutexLock l(&mu);
      while (queue.empty() && !done) changed.Wait(&mu);
      if (queue.empty() && done) break;
      while (!queue.empty() && batch.size() < static_cast<size_t>(stream_batch_)) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      changed.SignalAll();
    }
    if (parent.empty() && !batch.empty()) parent = batch.front().parent();
    std::vector<const v1::CreateResponseRequest*> reqs;
    reqs.reserve(batch.size());
    for (const auto& q : batch) reqs.push_back(&q);
    auto acks = logic_->Ingest(*caller, parent, reqs, index);
    if (!acks.ok()) {
      // Redis or the enrolment service cannot serve now: every request of
      // the batch is acknowledged with that code (UNAVAILABLE: resend it)
      // and the stream goes on, so the next batch may succeed.  Ending the
      // stream instead needs TryCancel to stop the reader, and the client
      // then saw CANCELLED, not the retryable code.
      std::vector<v1::ResponseAck> failed(batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        failed[i].set_index(index + static_cast<int64_t>(i));
        failed[i].set_response_id(batch[i].response_id().substr(0, 100));
        failed[i].set_code(static_cast<int>(acks.status().code()));
        failed[i].set_message(std::string(acks.status().message()));
      }
      acks = std::move(failed);
    }
    index += static_cast<int64_t>(batch.size());
    // Plain writes: with the sync API a write carrying the buffer hint
    // completes only when something else flushes the transport, and when
    // the reader is parked on a full queue nothing does — the stream hung
    // until its deadline (grpc/grpc#12975: the sync API supports the hint
    // on the last message only).
    bool write_ok = true;
    for (size_t i = 0; i < acks->size() && write_ok; ++i) write_ok = stream->Write((*acks)[i]);
    if (!write_ok) {
      result = grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
      break;
    }
  }
  {
    absl::MutexLock l(&mu);
    stop = true;
    changed.SignalAll();
  }
  if (!result.ok()) context->TryCancel();
  reader.join();
  return result;
}

grpc::Status SurveyGrpcService::ImportResponsesCsv(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportResponsesCsvRequest>* reader,
    type::v1::ImportResult* response) {
  auto caller = CallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  v1::ImportResponsesCsvRequest req;
  if (!reader->Read(&req)) {
    return ToGrpcStatus(InvalidField("parent", "the first message must name parent and instrument"));
  }
  auto import = logic_->StartCsvImport(*caller, req);
  if (!import.ok()) return ToGrpcStatus(import.status());
  // Feeds until the end of the upload, a cut (upload_truncated) or a break
  // of the file; the answer says which.
  bool truncated = false;
  do {
    if (absl::Status s = (*import)->Feed(req.csv_chunk()); !s.ok()) return ToGrpcStatus(s);
    truncated = req.upload_truncated();
  } while (!truncated && !(*import)->stopped() && reader->Read(&req));
  auto result = (*import)->Finish(truncated);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace pelita::survey
