#include "services/scoring/complaint_source.h"

#include "absl/time/clock.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/complaint/v1/complaint.grpc.pb.h"

namespace pelita::scoring {
namespace {

namespace cv1 = ::pelita::complaint::v1;

void SetDate(google::type::Date* d, absl::CivilDay day) {
  d->set_year(static_cast<int32_t>(day.year()));
  d->set_month(day.month());
  d->set_day(day.day());
}

class GrpcComplaintSource : public ComplaintSource {
 public:
  GrpcComplaintSource(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
      : stub_(cv1::ComplaintService::NewStub(std::move(channel))), deadline_(deadline) {}

  absl::StatusOr<Window> GetWindow(const std::string& tenant, const std::string& unit,
                                   absl::CivilDay start, absl::CivilDay end) override {
    Window w;
    {
      grpc::ClientContext ctx;
      AttachTenant(ctx, tenant);
      ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
      cv1::GetComplaintStatisticsRequest req;
      req.set_name("tenants/" + tenant + "/complaintStatistics");
      req.set_unit(unit);
      SetDate(req.mutable_start_date(), start);
      SetDate(req.mutable_end_date(), end);
      cv1::ComplaintStatistics out;
      grpc::Status st = stub_->GetComplaintStatistics(&ctx, req, &out);
      // NOT_FOUND: a unit the directory no longer knows, with nothing
      // recorded: an empty window, as before complaint said so.
      if (!st.ok() && st.error_code() != grpc::StatusCode::NOT_FOUND) return FromGrpcStatus(st);
      if (st.ok()) {
        w.complaints = static_cast<double>(out.received());
        w.transactions = out.transactions();
      }
    }
    {
      grpc::ClientContext ctx;
      AttachTenant(ctx, tenant);
      ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
      cv1::GetSatisfactionRequest req;
      req.set_name(unit + "/satisfaction");
      SetDate(req.mutable_start_date(), start);
      SetDate(req.mutable_end_date(), end);
      cv1::Satisfaction out;
      grpc::Status st = stub_->GetSatisfaction(&ctx, req, &out);
      if (!st.ok() && st.error_code() != grpc::StatusCode::NOT_FOUND) return FromGrpcStatus(st);
      if (st.ok() && out.respondents() > 0) {
        w.has_ikm = !out.suppressed();
        w.ikm = out.ikm_converted();
        // The standard error itself: one method for every interval (a
        // margin divided by a quantile would mix Student t and normal).
        w.ikm_se = out.ikm_standard_error();
        w.ikm_respondents = out.respondents();
      }
    }
    return w;
  }

  absl::StatusOr<std::vector<UnitMonth>> GetUnitMonths(const std::string& tenant,
                                                       const std::vector<std::string>& units,
                                                       absl::CivilMonth first, absl::CivilMonth last) override {
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
    cv1::BatchGetUnitMonthsRequest req;
    req.set_parent("tenants/" + tenant);
    for (const auto& u : units) req.add_units(u);
    req.set_start_period(absl::FormatCivilTime(first));
    req.set_end_period(absl::FormatCivilTime(last));
    cv1::BatchGetUnitMonthsResponse out;
    grpc::Status st = stub_->BatchGetUnitMonths(&ctx, req, &out);
    if (!st.ok()) return FromGrpcStatus(st);
    std::vector<UnitMonth> result;
    result.reserve(out.unit_months_size());
    for (const auto& m : out.unit_months()) {
      UnitMonth u;
      u.unit = m.unit();
      u.period = m.period();
      u.complaints = static_cast<double>(m.complaints_received());
      u.transactions = m.transactions();
      u.skm_respondents = m.skm_respondents();
      for (int e = 0; e < 9 && e < m.element_sums_size() && e < m.element_answered_size(); ++e) {
        u.element_sums[e] = m.element_sums(e);
        u.element_answered[e] = m.element_answered(e);
      }
      result.push_back(std::move(u));
    }
    return result;
  }

  absl::StatusOr<std::map<std::string, UnitCoverage>> GetCoverage(const std::string& tenant) override {
    grpc::ClientContext ctx;
    AttachTenant(ctx, tenant);
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
    cv1::ListDataCoverageRequest req;
    req.set_parent("tenants/" + tenant);
    cv1::ListDataCoverageResponse out;
    grpc::Status st = stub_->ListDataCoverage(&ctx, req, &out);
    if (!st.ok()) return FromGrpcStatus(st);
    std::map<std::string, UnitCoverage> result;
    auto day = [](const google::type::Date& d) -> std::optional<absl::CivilDay> {
      if (d.year() == 0) return std::nullopt;
      return absl::CivilDay(d.year(), d.month(), d.day());
    };
    for (const auto& c : out.coverage()) {
      const std::string suffix = "/dataCoverage";
      if (c.name().size() <= suffix.size()) continue;
      UnitCoverage& u = result[c.name().substr(0, c.name().size() - suffix.size())];
      u.complaints_since = day(c.effective_complaints_since());
      u.satisfaction_since = day(c.effective_satisfaction_since());
    }
    return result;
  }

 private:
  std::unique_ptr<cv1::ComplaintService::Stub> stub_;
  absl::Duration deadline_;
};

}  // namespace

std::unique_ptr<ComplaintSource> MakeComplaintSource(std::shared_ptr<grpc::Channel> channel,
                                                     absl::Duration deadline) {
  return std::make_unique<GrpcComplaintSource>(std::move(channel), deadline);
}
bool HaveComplaintClient() { return true; }

}  // namespace pelita::scoring
