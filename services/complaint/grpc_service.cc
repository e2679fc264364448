#include "services/complaint/grpc_service.h"

#include "lib/server/adapter.h"
#include "lib/status/status.h"

namespace pelita::complaint {

#define PELITA_COMPLAINT_DELEGATE(Method, Request, Response, Logic)                          \
  grpc::Status ComplaintGrpcService::Method(grpc::ServerContext* context, const Request* request, \
                                            Response* response) {                              \
    return HandleUnary(context, response,                                                      \
                       [&](const Caller& caller) { return logic_->Logic(caller, *request); }); \
  }

PELITA_COMPLAINT_DELEGATE(RecordComplaintUpdate, v1::RecordComplaintUpdateRequest, v1::Complaint,
                          RecordUpdate)
PELITA_COMPLAINT_DELEGATE(GetComplaint, v1::GetComplaintRequest, v1::Complaint, GetComplaint)
PELITA_COMPLAINT_DELEGATE(ListComplaints, v1::ListComplaintsRequest, v1::ListComplaintsResponse,
                          ListComplaints)
PELITA_COMPLAINT_DELEGATE(ImportOpen311, v1::ImportOpen311Request, type::v1::ImportResult,
                          ImportOpen311)
PELITA_COMPLAINT_DELEGATE(GetComplaintStatistics, v1::GetComplaintStatisticsRequest,
                          v1::ComplaintStatistics, GetStatistics)
PELITA_COMPLAINT_DELEGATE(CompareComplaintRates, v1::CompareComplaintRatesRequest,
                          v1::ComplaintRateComparison, CompareRates)
PELITA_COMPLAINT_DELEGATE(RecordSatisfactionResponse, v1::RecordSatisfactionResponseRequest,
                          v1::RecordSatisfactionResponseResponse, RecordSatisfaction)
PELITA_COMPLAINT_DELEGATE(GetSatisfaction, v1::GetSatisfactionRequest, v1::Satisfaction,
                          GetSatisfaction)
PELITA_COMPLAINT_DELEGATE(GetDataCoverage, v1::GetDataCoverageRequest, v1::DataCoverage, GetDataCoverage)
PELITA_COMPLAINT_DELEGATE(ListDataCoverage, v1::ListDataCoverageRequest, v1::ListDataCoverageResponse,
                          ListDataCoverage)
PELITA_COMPLAINT_DELEGATE(UpdateDataCoverage, v1::UpdateDataCoverageRequest, v1::DataCoverage,
                          UpdateDataCoverage)
PELITA_COMPLAINT_DELEGATE(GetWorkingCalendar, v1::GetWorkingCalendarRequest, v1::WorkingCalendar,
                          GetCalendar)
PELITA_COMPLAINT_DELEGATE(UpdateWorkingCalendar, v1::UpdateWorkingCalendarRequest,
                          v1::WorkingCalendar, UpdateCalendar)
#undef PELITA_COMPLAINT_DELEGATE

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
