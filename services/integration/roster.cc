#include "services/integration/roster.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"

namespace pelita::integration {
namespace {

// The status of a call to another service, naming it.
absl::Status Failed(const grpc::Status& s, absl::string_view what) {
  absl::Status st = FromGrpcStatus(s);
  absl::Status out(st.code(), absl::StrCat(what, ": ", st.message()));
  st.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

template <typename Stub, typename Req, typename Resp, typename Method>
absl::StatusOr<Resp> Call(Stub* stub, Method method, const std::string& tenant, const Req& req,
                          absl::Duration timeout, absl::string_view what) {
  grpc::ClientContext ctx;
  AttachTenant(ctx, tenant);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  Resp resp;
  grpc::Status s = (stub->*method)(&ctx, req, &resp);
  if (!s.ok()) return Failed(s, what);
  return resp;
}

}  // namespace

GrpcRoster::GrpcRoster(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(ev1::EnrolmentService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<ev1::ListEmployeesResponse> GrpcRoster::ListEmployees(const std::string& tenant, int page_size,
                                                                     const std::string& page_token) {
  ev1::ListEmployeesRequest req;
  req.set_parent(absl::StrCat("tenants/", tenant));
  req.set_page_size(page_size);
  req.set_page_token(page_token);
  return Call<ev1::EnrolmentService::Stub, ev1::ListEmployeesRequest, ev1::ListEmployeesResponse>(
      stub_.get(), &ev1::EnrolmentService::Stub::ListEmployees, tenant, req, timeout_, "enrolment ListEmployees");
}

absl::StatusOr<ev1::Employee> GrpcRoster::UpdateEmployee(const std::string& tenant, const ev1::Employee& employee,
                                                         const google::protobuf::FieldMask& mask) {
  ev1::UpdateEmployeeRequest req;
  *req.mutable_employee() = employee;
  *req.mutable_update_mask() = mask;
  return Call<ev1::EnrolmentService::Stub, ev1::UpdateEmployeeRequest, ev1::Employee>(
      stub_.get(), &ev1::EnrolmentService::Stub::UpdateEmployee, tenant, req, timeout_, "enrolment UpdateEmployee");
}

absl::StatusOr<ev1::ReplaceExternalTrainingsResponse> GrpcRoster::ReplaceExternalTrainings(
    const std::string& tenant, const ev1::ReplaceExternalTrainingsRequest& request) {
  return Call<ev1::EnrolmentService::Stub, ev1::ReplaceExternalTrainingsRequest, ev1::ReplaceExternalTrainingsResponse>(
      stub_.get(), &ev1::EnrolmentService::Stub::ReplaceExternalTrainings, tenant, request, timeout_,
      "enrolment ReplaceExternalTrainings");
}

absl::Status GrpcRoster::CheckUnit(const std::string& tenant, const std::string& unit) {
  ev1::GetUnitRequest req;
  req.set_name(unit);
  return Call<ev1::EnrolmentService::Stub, ev1::GetUnitRequest, ev1::Unit>(
             stub_.get(), &ev1::EnrolmentService::Stub::GetUnit, tenant, req, timeout_, "enrolment GetUnit")
      .status();
}

GrpcSkp::GrpcSkp(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(pv1::PerformanceService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<pv1::BatchRecordSkpResponse> GrpcSkp::BatchRecordSkp(const std::string& tenant,
                                                                   const pv1::BatchRecordSkpRequest& request) {
  return Call<pv1::PerformanceService::Stub, pv1::BatchRecordSkpRequest, pv1::BatchRecordSkpResponse>(
      stub_.get(), &pv1::PerformanceService::Stub::BatchRecordSkp, tenant, request, timeout_,
      "performance BatchRecordSkp");
}

}  // namespace pelita::integration
