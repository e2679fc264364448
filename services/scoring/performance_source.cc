#include "services/scoring/performance_source.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "lib/tenancy/call_metadata.h"

namespace pelita::scoring {

namespace pv1 = ::pelita::performance::v1;

GrpcPerformanceSource::GrpcPerformanceSource(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(pv1::PerformanceService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<std::vector<WorkMonth>> GrpcPerformanceSource::GetWorkMonths(const std::string& tenant,
                                                                           const std::vector<std::string>& units,
                                                                           absl::CivilMonth first,
                                                                           absl::CivilMonth last) {
  pv1::BatchGetPerformanceMonthsRequest req;
  req.set_parent(absl::StrCat("tenants/", tenant));
  for (const auto& u : units) req.add_units(u);
  req.set_start_period(absl::FormatCivilTime(first));
  req.set_end_period(absl::FormatCivilTime(last));
  pv1::BatchGetPerformanceMonthsResponse resp;
  grpc::ClientContext ctx;
  AttachTenant(ctx, tenant);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  if (grpc::Status s = stub_->BatchGetPerformanceMonths(&ctx, req, &resp); !s.ok()) {
    const absl::Status st = FromGrpcStatus(s);
    return absl::Status(st.code(), absl::StrCat("performance BatchGetPerformanceMonths: ", st.message()));
  }
  std::vector<WorkMonth> out;
  out.reserve(resp.months_size());
  for (const auto& m : resp.months()) {
    WorkMonth w;
    w.unit = m.unit();
    w.period = m.period();
    w.has_data = m.has_data();
    w.completed = m.completed();
    w.on_time = m.completed_on_time();
    w.returned = m.returned();
    if (m.processing_time().band_counts_size() == kWorkBands) {
      w.has_bands = true;
      for (int i = 0; i < kWorkBands; ++i) w.bands[i] = m.processing_time().band_counts(i);
      w.total_hours = m.processing_time().total_hours();
    }
    out.push_back(std::move(w));
  }
  return out;
}

absl::StatusOr<SkpChangeInputs> GrpcPerformanceSource::GetSkpChange(const std::string& tenant,
                                                                   const std::string& cohort) {
  pv1::GetCohortSkpChangeRequest req;
  req.set_name(absl::StrCat(cohort, "/skpChange"));
  pv1::CohortSkpChange resp;
  grpc::ClientContext ctx;
  AttachTenant(ctx, tenant);
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  if (grpc::Status s = stub_->GetCohortSkpChange(&ctx, req, &resp); !s.ok()) {
    const absl::Status st = FromGrpcStatus(s);
    return absl::Status(st.code(), absl::StrCat("performance GetCohortSkpChange: ", st.message()));
  }
  SkpChangeInputs in;
  in.participants = resp.participants();
  in.pairs = resp.pairs();
  in.rose = resp.rose();
  in.stayed = resp.stayed();
  in.fell = resp.fell();
  in.sign_test_p = resp.sign_test_p();
  in.wilcoxon_p = resp.wilcoxon_p();
  in.mean_step = resp.mean_step();
  in.withheld = resp.withheld();
  in.method = resp.method();
  return in;
}

}  // namespace pelita::scoring
