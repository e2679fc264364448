#ifndef PELITA_SERVICES_SURVEY_GRPC_SERVICE_H_
#define PELITA_SERVICES_SURVEY_GRPC_SERVICE_H_

#include "pelita/survey/v1/survey.grpc.pb.h"
#include "services/survey/survey.h"

namespace pelita::survey {

// The gRPC face of SurveyLogic: each method reads the caller from the call
// metadata and delegates.
class SurveyGrpcService final : public v1::SurveyService::Service {
 public:
  // `stream_batch`: at most this many streamed responses per Redis round trip.
  explicit SurveyGrpcService(SurveyLogic* logic, int stream_batch = 512)
      : logic_(logic), stream_batch_(stream_batch) {}

#define PELITA_SURVEY_RPC(Method, Request, Response)                        \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, \
                      Response* response) override;
  PELITA_SURVEY_RPC(CreateInstrument, v1::CreateInstrumentRequest, v1::Instrument)
  PELITA_SURVEY_RPC(GetInstrument, v1::GetInstrumentRequest, v1::Instrument)
  PELITA_SURVEY_RPC(ListInstruments, v1::ListInstrumentsRequest, v1::ListInstrumentsResponse)
  PELITA_SURVEY_RPC(UpdateInstrument, v1::UpdateInstrumentRequest, v1::Instrument)
  PELITA_SURVEY_RPC(InstallDefaultInstruments, v1::InstallDefaultInstrumentsRequest,
                    v1::InstallDefaultInstrumentsResponse)
  PELITA_SURVEY_RPC(CreateResponse, v1::CreateResponseRequest, v1::Response)
  PELITA_SURVEY_RPC(BatchCreateResponses, v1::BatchCreateResponsesRequest,
                    v1::BatchCreateResponsesResponse)
  PELITA_SURVEY_RPC(GetResponse, v1::GetResponseRequest, v1::Response)
  PELITA_SURVEY_RPC(IssueResponseToken, v1::IssueResponseTokenRequest, v1::ResponseToken)
  PELITA_SURVEY_RPC(GetCohortAggregates, v1::GetCohortAggregatesRequest, v1::CohortAggregates)
  PELITA_SURVEY_RPC(ListCohortResponses, v1::ListCohortResponsesRequest, v1::ListCohortResponsesResponse)
  PELITA_SURVEY_RPC(GetSkmAggregates, v1::GetSkmAggregatesRequest, v1::SkmAggregates)
#undef PELITA_SURVEY_RPC

  grpc::Status StreamResponses(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ResponseAck, v1::CreateResponseRequest>* stream) override;
  grpc::Status ImportResponsesCsv(grpc::ServerContext* context,
                                  grpc::ServerReader<v1::ImportResponsesCsvRequest>* reader,
                                  type::v1::ImportResult* response) override;

 private:
  SurveyLogic* logic_;
  int stream_batch_;
};

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_GRPC_SERVICE_H_
