#include "services/scoring/grpc_sources.h"

#include "absl/time/clock.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::scoring {
namespace {

namespace ev1 = ::pelita::enrolment::v1;

void Prepare(grpc::ClientContext& ctx, const std::string& tenant, absl::Duration deadline) {
  AttachTenant(ctx, tenant);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
}

// Calls a List method page by page (page size 1000).
template <typename Item, typename Request, typename Response, typename Call, typename Items>
absl::StatusOr<std::vector<Item>> ListAll(const std::string& tenant, absl::Duration deadline,
                                          Request request, Call call, Items items) {
  std::vector<Item> out;
  request.set_page_size(1000);
  for (int page = 0; page < 100000; ++page) {
    grpc::ClientContext ctx;
    Prepare(ctx, tenant, deadline);
    Response response;
    grpc::Status st = call(&ctx, request, &response);
    if (!st.ok()) return FromGrpcStatus(st);
    for (const auto& it : items(response)) out.push_back(it);
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return out;
}

}  // namespace

absl::StatusOr<Window> NoComplaintSource::GetWindow(const std::string&, const std::string&,
                                                    absl::CivilDay, absl::CivilDay) {
  return absl::UnavailableError("this build has no complaint service client");
}
absl::StatusOr<std::vector<UnitMonth>> NoComplaintSource::GetUnitMonths(const std::string&,
                                                                         const std::vector<std::string>&,
                                                                         absl::CivilMonth, absl::CivilMonth) {
  return absl::UnavailableError("this build has no complaint service client");
}
absl::StatusOr<std::map<std::string, UnitCoverage>> NoComplaintSource::GetCoverage(const std::string&) {
  return absl::UnavailableError("this build has no complaint service client");
}

GrpcEnrolmentSource::GrpcEnrolmentSource(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(ev1::EnrolmentService::NewStub(std::move(channel))), deadline_(deadline) {}

absl::StatusOr<ev1::Program> GrpcEnrolmentSource::GetProgram(const std::string& tenant,
                                                             const std::string& name) {
  grpc::ClientContext ctx;
  Prepare(ctx, tenant, deadline_);
  ev1::GetProgramRequest req;
  req.set_name(name);
  ev1::Program out;
  grpc::Status st = stub_->GetProgram(&ctx, req, &out);
  if (!st.ok()) return FromGrpcStatus(st);
  return out;
}

absl::StatusOr<ev1::Cohort> GrpcEnrolmentSource::GetCohort(const std::string& tenant,
                                                           const std::string& name) {
  grpc::ClientContext ctx;
  Prepare(ctx, tenant, deadline_);
  ev1::GetCohortRequest req;
  req.set_name(name);
  ev1::Cohort out;
  grpc::Status st = stub_->GetCohort(&ctx, req, &out);
  if (!st.ok()) return FromGrpcStatus(st);
  return out;
}

absl::StatusOr<std::vector<ev1::Program>> GrpcEnrolmentSource::ListPrograms(const std::string& tenant) {
  ev1::ListProgramsRequest req;
  req.set_parent("tenants/" + tenant);
  return ListAll<ev1::Program, ev1::ListProgramsRequest, ev1::ListProgramsResponse>(
      tenant, deadline_, req,
      [this](grpc::ClientContext* c, const auto& r, auto* o) { return stub_->ListPrograms(c, r, o); },
      [](const auto& r) -> const auto& { return r.programs(); });
}

absl::StatusOr<std::vector<ev1::Cohort>> GrpcEnrolmentSource::ListCohorts(const std::string& tenant,
                                                                          const std::string& program) {
  ev1::ListCohortsRequest req;
  req.set_parent(program);
  return ListAll<ev1::Cohort, ev1::ListCohortsRequest, ev1::ListCohortsResponse>(
      tenant, deadline_, req,
      [this](grpc::ClientContext* c, const auto& r, auto* o) { return stub_->ListCohorts(c, r, o); },
      [](const auto& r) -> const auto& { return r.cohorts(); });
}

absl::StatusOr<std::vector<ev1::Enrolment>> GrpcEnrolmentSource::ListEnrolments(
    const std::string& tenant, const std::string& cohort) {
  ev1::ListEnrolmentsRequest req;
  req.set_parent(cohort);
  return ListAll<ev1::Enrolment, ev1::ListEnrolmentsRequest, ev1::ListEnrolmentsResponse>(
      tenant, deadline_, req,
      [this](grpc::ClientContext* c, const auto& r, auto* o) { return stub_->ListEnrolments(c, r, o); },
      [](const auto& r) -> const auto& { return r.enrolments(); });
}

absl::StatusOr<std::vector<ev1::Unit>> GrpcEnrolmentSource::ListUnits(const std::string& tenant) {
  ev1::ListUnitsRequest req;
  req.set_parent("tenants/" + tenant);
  return ListAll<ev1::Unit, ev1::ListUnitsRequest, ev1::ListUnitsResponse>(
      tenant, deadline_, req,
      [this](grpc::ClientContext* c, const auto& r, auto* o) { return stub_->ListUnits(c, r, o); },
      [](const auto& r) -> const auto& { return r.units(); });
}

GrpcSurveySource::GrpcSurveySource(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : stub_(survey::v1::SurveyService::NewStub(std::move(channel))), deadline_(deadline) {}

absl::StatusOr<survey::v1::CohortAggregates> GrpcSurveySource::GetCohortAggregates(
    const std::string& tenant, const std::string& cohort) {
  grpc::ClientContext ctx;
  Prepare(ctx, tenant, deadline_);
  survey::v1::GetCohortAggregatesRequest req;
  req.set_name(absl::StrCat(cohort, "/surveyAggregates"));
  survey::v1::CohortAggregates out;
  grpc::Status st = stub_->GetCohortAggregates(&ctx, req, &out);
  if (!st.ok()) return FromGrpcStatus(st);
  return out;
}

absl::StatusOr<std::vector<survey::v1::Response>> GrpcSurveySource::ListCohortResponses(
    const std::string& tenant, const std::string& cohort, const std::string& instrument) {
  survey::v1::ListCohortResponsesRequest req;
  req.set_parent(cohort);
  req.set_instrument(instrument);
  return ListAll<survey::v1::Response, survey::v1::ListCohortResponsesRequest,
                 survey::v1::ListCohortResponsesResponse>(
      tenant, deadline_, req,
      [this](grpc::ClientContext* c, const auto& r, auto* o) { return stub_->ListCohortResponses(c, r, o); },
      [](const auto& r) -> const auto& { return r.responses(); });
}

}  // namespace pelita::scoring
