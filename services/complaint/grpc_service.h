#ifndef PELITA_SERVICES_COMPLAINT_GRPC_SERVICE_H_
#define PELITA_SERVICES_COMPLAINT_GRPC_SERVICE_H_

#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "services/complaint/complaint.h"

namespace pelita::complaint {

// The gRPC face of ComplaintLogic: each method reads the caller from the call
// metadata and delegates.
class ComplaintGrpcService final : public v1::ComplaintService::Service {
 public:
  explicit ComplaintGrpcService(ComplaintLogic* logic) : logic_(logic) {}

#define PELITA_COMPLAINT_RPC(Method, Request, Response)                     \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, \
                      Response* response) override;
  PELITA_COMPLAINT_RPC(RecordComplaintUpdate, v1::RecordComplaintUpdateRequest, v1::Complaint)
  PELITA_COMPLAINT_RPC(GetComplaint, v1::GetComplaintRequest, v1::Complaint)
  PELITA_COMPLAINT_RPC(ListComplaints, v1::ListComplaintsRequest, v1::ListComplaintsResponse)
  PELITA_COMPLAINT_RPC(ImportOpen311, v1::ImportOpen311Request, type::v1::ImportResult)
  PELITA_COMPLAINT_RPC(GetComplaintStatistics, v1::GetComplaintStatisticsRequest,
                       v1::ComplaintStatistics)
  PELITA_COMPLAINT_RPC(CompareComplaintRates, v1::CompareComplaintRatesRequest,
                       v1::ComplaintRateComparison)
  PELITA_COMPLAINT_RPC(RecordSatisfactionResponse, v1::RecordSatisfactionResponseRequest,
                       v1::RecordSatisfactionResponseResponse)
  PELITA_COMPLAINT_RPC(GetSatisfaction, v1::GetSatisfactionRequest, v1::Satisfaction)
  PELITA_COMPLAINT_RPC(GetDataCoverage, v1::GetDataCoverageRequest, v1::DataCoverage)
  PELITA_COMPLAINT_RPC(ListDataCoverage, v1::ListDataCoverageRequest, v1::ListDataCoverageResponse)
  PELITA_COMPLAINT_RPC(UpdateDataCoverage, v1::UpdateDataCoverageRequest, v1::DataCoverage)
  PELITA_COMPLAINT_RPC(GetWorkingCalendar, v1::GetWorkingCalendarRequest, v1::WorkingCalendar)
  PELITA_COMPLAINT_RPC(UpdateWorkingCalendar, v1::UpdateWorkingCalendarRequest,
                       v1::WorkingCalendar)
#undef PELITA_COMPLAINT_RPC

  grpc::Status ImportComplaintsCsv(grpc::ServerContext* context,
                                   grpc::ServerReader<v1::ImportComplaintsCsvRequest>* reader,
                                   type::v1::ImportResult* response) override;

 private:
  ComplaintLogic* logic_;
};

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_GRPC_SERVICE_H_
