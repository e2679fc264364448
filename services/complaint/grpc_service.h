#ifndef PELITA_SERVICES_COMPLAINT_GRPC_SERVICE_H_
#define PELITA_SERVICES_COMPLAINT_GRPC_SERVICE_H_

#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "services/complaint/complaint.h"

// Every unary RPC of ComplaintService as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand it
// (the one adapter shape of every service: docs/CONVENTIONS.md).
#define PELITA_COMPLAINT_UNARY_RPCS(X)                                                                  \
  X(RecordComplaintUpdate, v1::RecordComplaintUpdateRequest, v1::Complaint)                             \
  X(GetComplaint, v1::GetComplaintRequest, v1::Complaint)                                               \
  X(ListComplaints, v1::ListComplaintsRequest, v1::ListComplaintsResponse)                              \
  X(ImportOpen311, v1::ImportOpen311Request, type::v1::ImportResult)                                    \
  X(GetComplaintStatistics, v1::GetComplaintStatisticsRequest, v1::ComplaintStatistics)                 \
  X(BatchGetUnitMonths, v1::BatchGetUnitMonthsRequest, v1::BatchGetUnitMonthsResponse)                \
  X(CompareComplaintRates, v1::CompareComplaintRatesRequest, v1::ComplaintRateComparison)               \
  X(RecordSatisfactionResponse, v1::RecordSatisfactionResponseRequest, v1::RecordSatisfactionResponseResponse) \
  X(GetSatisfaction, v1::GetSatisfactionRequest, v1::Satisfaction)                                      \
  X(GetDataCoverage, v1::GetDataCoverageRequest, v1::DataCoverage)                                      \
  X(ListDataCoverage, v1::ListDataCoverageRequest, v1::ListDataCoverageResponse)                        \
  X(UpdateDataCoverage, v1::UpdateDataCoverageRequest, v1::DataCoverage)                                \
  X(GetWorkingCalendar, v1::GetWorkingCalendarRequest, v1::WorkingCalendar)                             \
  X(UpdateWorkingCalendar, v1::UpdateWorkingCalendarRequest, v1::WorkingCalendar)

namespace pelita::complaint {

// The gRPC face of ComplaintLogic: each method reads the caller from the call
// metadata and delegates.
class ComplaintGrpcService final : public v1::ComplaintService::Service {
 public:
  explicit ComplaintGrpcService(ComplaintLogic* logic) : logic_(logic) {}

#define PELITA_COMPLAINT_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_COMPLAINT_UNARY_RPCS(PELITA_COMPLAINT_DECLARE)
#undef PELITA_COMPLAINT_DECLARE

  grpc::Status ImportComplaintsCsv(grpc::ServerContext* context,
                                   grpc::ServerReader<v1::ImportComplaintsCsvRequest>* reader,
                                   type::v1::ImportResult* response) override;

 private:
  ComplaintLogic* logic_;
};

}  // namespace pelita::complaint

#endif  // PELITA_SERVICES_COMPLAINT_GRPC_SERVICE_H_
