#ifndef PELITA_SERVICES_SURVEY_GRPC_SERVICE_H_
#define PELITA_SERVICES_SURVEY_GRPC_SERVICE_H_

#include "pelita/survey/v1/survey.grpc.pb.h"
#include "services/survey/survey.h"

// Every unary RPC of the service as X(Method, Request, Response); the
// declarations below and the definitions in grpc_service.cc expand it.
#define PELITA_SURVEY_UNARY_RPCS(X) \
  X(CreateInstrument, v1::CreateInstrumentRequest, v1::Instrument) \
  X(GetInstrument, v1::GetInstrumentRequest, v1::Instrument) \
  X(ListInstruments, v1::ListInstrumentsRequest, v1::ListInstrumentsResponse) \
  X(UpdateInstrument, v1::UpdateInstrumentRequest, v1::Instrument) \
  X(InstallDefaultInstruments, v1::InstallDefaultInstrumentsRequest, v1::InstallDefaultInstrumentsResponse) \
  X(CreateResponse, v1::CreateResponseRequest, v1::Response) \
  X(BatchCreateResponses, v1::BatchCreateResponsesRequest, v1::BatchCreateResponsesResponse) \
  X(GetResponse, v1::GetResponseRequest, v1::Response) \
  X(IssueResponseToken, v1::IssueResponseTokenRequest, v1::ResponseToken) \
  X(IssueAnswerLinks, v1::IssueAnswerLinksRequest, v1::IssueAnswerLinksResponse) \
  X(ListAnswerTasks, v1::ListAnswerTasksRequest, v1::ListAnswerTasksResponse) \
  X(GetCohortAggregates, v1::GetCohortAggregatesRequest, v1::CohortAggregates) \
  X(ListCohortResponses, v1::ListCohortResponsesRequest, v1::ListCohortResponsesResponse) \
  X(GetSkmAggregates, v1::GetSkmAggregatesRequest, v1::SkmAggregates)

// The public RPCs (no token: the gateway sends no tenant or role; what they
// may do comes from the link they carry).
#define PELITA_SURVEY_PUBLIC_RPCS(X) \
  X(OpenAnswerLink, v1::OpenAnswerLinkRequest, v1::AnswerLinkForm) \
  X(AnswerByLink, v1::AnswerByLinkRequest, v1::Response) \
  X(GetSkmForm, v1::GetSkmFormRequest, v1::SkmForm) \
  X(SubmitSkmResponse, v1::SubmitSkmResponseRequest, v1::SkmReceipt)

namespace pelita::survey {

// The gRPC face of SurveyLogic: each method reads the caller from the call
// metadata and delegates.
class SurveyGrpcService final : public v1::SurveyService::Service {
 public:
  // `stream_batch`: at most this many streamed responses per Redis round trip.
  explicit SurveyGrpcService(SurveyLogic* logic, int stream_batch = 512)
      : logic_(logic), stream_batch_(stream_batch) {}

#define PELITA_SURVEY_DECLARE(Method, Request, Response) \
  grpc::Status Method(grpc::ServerContext* context, const Request* request, Response* response) override;
  PELITA_SURVEY_UNARY_RPCS(PELITA_SURVEY_DECLARE)
  PELITA_SURVEY_PUBLIC_RPCS(PELITA_SURVEY_DECLARE)
#undef PELITA_SURVEY_DECLARE

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
