#include "services/performance/grpc_service.h"

#include "lib/server/adapter.h"
#include "lib/status/status.h"

namespace pelita::performance {

#define PELITA_PERFORMANCE_DEFINE(Method, Request, Response)                                         \
  grpc::Status PerformanceGrpcService::Method(grpc::ServerContext* context, const Request* request, \
                                              Response* response) {                                 \
    return HandleUnary(context, response,                                                           \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); });     \
  }
PELITA_PERFORMANCE_UNARY_RPCS(PELITA_PERFORMANCE_DEFINE)
#undef PELITA_PERFORMANCE_DEFINE

namespace {

// Runs `import` over the stream: the first message (parent, options), then
// the chunks of every message in turn.
template <typename Import>
grpc::Status StreamImport(grpc::ServerContext* context, grpc::ServerReader<v1::ImportCsvRequest>* reader,
                          type::v1::ImportResult* response, Import import) {
  v1::ImportCsvRequest first;
  if (!reader->Read(&first)) return ToGrpcStatus(InvalidField("parent", "the stream carried no message"));
  bool pending_first = true;
  return HandleUnary(context, response, [&](const Caller& caller) {
    return import(caller, first, [&](std::string* chunk, bool* truncated) {
      if (pending_first) {
        pending_first = false;
        *chunk = first.csv_chunk();
        *truncated = first.upload_truncated();
        return true;
      }
      v1::ImportCsvRequest next;
      if (!reader->Read(&next)) return false;
      *chunk = next.csv_chunk();
      *truncated = next.upload_truncated();
      return true;
    });
  });
}

}  // namespace

grpc::Status PerformanceGrpcService::ImportServiceMonthsCsv(grpc::ServerContext* context,
                                                            grpc::ServerReader<v1::ImportCsvRequest>* reader,
                                                            type::v1::ImportResult* response) {
  return StreamImport(context, reader, response,
                      [&](const Caller& c, const v1::ImportCsvRequest& first, const ChunkSource& n) {
                        return logic_->ImportServiceMonthsCsv(c, first.parent(), n);
                      });
}

grpc::Status PerformanceGrpcService::ImportSkpCsv(grpc::ServerContext* context,
                                                  grpc::ServerReader<v1::ImportCsvRequest>* reader,
                                                  type::v1::ImportResult* response) {
  return StreamImport(context, reader, response,
                      [&](const Caller& c, const v1::ImportCsvRequest& first, const ChunkSource& n) {
                        return logic_->ImportSkpCsv(c, first.parent(), n, first.fill_supervisor());
                      });
}

}  // namespace pelita::performance
