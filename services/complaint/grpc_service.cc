#include "services/complaint/grpc_service.h"

#include "lib/server/adapter.h"
#include "lib/status/status.h"

namespace pelita::complaint {

#define PELITA_COMPLAINT_DEFINE(Method, Request, Response)                                         \
  grpc::Status ComplaintGrpcService::Method(grpc::ServerContext* context, const Request* request,  \
                                            Response* response) {                                 \
    return HandleUnary(context, response,                                                         \
                       [&](const Caller& caller) { return logic_->Method(caller, *request); });   \
  }
PELITA_COMPLAINT_UNARY_RPCS(PELITA_COMPLAINT_DEFINE)
#undef PELITA_COMPLAINT_DEFINE

grpc::Status ComplaintGrpcService::ImportComplaintsCsv(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportComplaintsCsvRequest>* reader,
    type::v1::ImportResult* response) {
  v1::ImportComplaintsCsvRequest first;
  if (!reader->Read(&first)) {
    return ToGrpcStatus(InvalidField("parent", "the stream carried no message"));
  }
  bool pending_first = true;
  return HandleUnary(context, response, [&](const Caller& caller) {
    return logic_->ImportCsv(caller, first.parent(), [&](std::string* chunk, bool* truncated) {
      if (pending_first) {
        pending_first = false;
        *chunk = first.csv_chunk();
        *truncated = first.upload_truncated();
        return true;
      }
      v1::ImportComplaintsCsvRequest next;
      if (!reader->Read(&next)) return false;
      *chunk = next.csv_chunk();
      *truncated = next.upload_truncated();
      return true;
    });
  });
}

}  // namespace pelita::complaint
