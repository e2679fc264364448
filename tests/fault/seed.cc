#include "tests/fault/seed.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "lib/ids/nip.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"

namespace pelita::fault {
namespace {

namespace ev1 = enrolment::v1;
namespace sv1 = survey::v1;

void Attach(grpc::ClientContext& ctx) {
  AttachCaller(ctx, Caller{"1504", "admin", "fault-seed"});
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
}

template <typename Stub, typename Method, typename Request, typename Response>
absl::Status Call(Stub* stub, Method method, const Request& req, Response* resp) {
  grpc::ClientContext ctx;
  Attach(ctx);
  return FromGrpcStatus((stub->*method)(&ctx, req, resp));
}

google::type::Date Day(int y, int m, int d) {
  google::type::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

}  // namespace

std::string PersonNip(int i) {
  return MakeNip(absl::CivilDay(1980, 1, 1) + i / 900, absl::CivilMonth(2010, 1 + i % 12),
                 i % 2 ? Nip::Gender::kMale : Nip::Gender::kFemale, 1 + i % 900);
}

std::string ResponseId(int i) { return absl::StrCat("f-", i); }

std::string ResponseJson(int i, int people) {
  const int person = i % people, instrument = i / people;
  return absl::StrCat(R"({"responseId":")", ResponseId(i), R"(","response":{"instrument":"tenants/1504/instruments/r-)",
                      instrument, R"(","cohort":")", kCohort, R"(","respondentNip":")", PersonNip(person),
                      R"(","answers":[{"item":"M1","number":)", 1 + i % 5, R"(},{"item":"I1","number":)",
                      1 + (i / 5) % 5, R"(},{"item":"F1","number":4},{"item":"P1","number":)", 1 + (i / 25) % 5,
                      "}]}}");
}

absl::Status SeedSurvey(Platform& platform, int people, int instruments) {
  auto enrol_channel = grpc::CreateChannel(platform.address("enrolment"), grpc::InsecureChannelCredentials());
  auto enrolment = ev1::EnrolmentService::NewStub(enrol_channel);
  auto survey_channel = grpc::CreateChannel(platform.address("survey"), grpc::InsecureChannelCredentials());
  auto survey = sv1::SurveyService::NewStub(survey_channel);

  ev1::CreateUnitRequest u;
  u.set_parent("tenants/1504");
  u.set_unit_id("dukcapil");
  u.mutable_unit()->set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
  ev1::Unit unit;
  PELITA_RETURN_IF_ERROR(Call(enrolment.get(), &ev1::EnrolmentService::Stub::CreateUnit, u, &unit));

  // The roster by the CSV import.
  {
    grpc::ClientContext ctx;
    Attach(ctx);
    type::v1::ImportResult result;
    auto writer = enrolment->ImportEmployees(&ctx, &result);
    ev1::ImportEmployeesRequest req;
    req.set_parent("tenants/1504");
    std::string csv = "nip,name,unit,employment_type\n";
    for (int i = 0; i < people; ++i) absl::StrAppend(&csv, PersonNip(i), ",Peserta ", i, ",dukcapil,PNS\n");
    req.set_csv_chunk(csv);
    writer->Write(req);
    writer->WritesDone();
    PELITA_RETURN_IF_ERROR(FromGrpcStatus(writer->Finish()));
    if (result.state() != type::v1::COMPLETE || result.accepted_count() != people) {
      return absl::InternalError(absl::StrCat("employee import: ", result.DebugString()));
    }
  }

  ev1::CreateProgramRequest p;
  p.set_parent("tenants/1504");
  p.set_program_id("latsar");
  p.mutable_program()->set_title("Latsar CPNS");
  p.mutable_program()->set_competency_type(ev1::TEKNIS);
  p.mutable_program()->set_jp(40);
  p.mutable_program()->set_year(2026);
  ev1::Program program;
  PELITA_RETURN_IF_ERROR(Call(enrolment.get(), &ev1::EnrolmentService::Stub::CreateProgram, p, &program));
  ev1::CreateCohortRequest c;
  c.set_parent("tenants/1504/programs/latsar");
  c.set_cohort_id("2026-a");
  *c.mutable_cohort()->mutable_start_date() = Day(2026, 12, 1);
  *c.mutable_cohort()->mutable_end_date() = Day(2026, 12, 5);
  c.mutable_cohort()->set_capacity(people);
  ev1::Cohort cohort;
  PELITA_RETURN_IF_ERROR(Call(enrolment.get(), &ev1::EnrolmentService::Stub::CreateCohort, c, &cohort));
  for (int i = 0; i < people; ++i) {
    ev1::CreateEnrolmentRequest r;
    r.set_parent(kCohort);
    r.mutable_enrolment()->set_employee(absl::StrCat("tenants/1504/employees/", PersonNip(i)));
    ev1::Enrolment e;
    PELITA_RETURN_IF_ERROR(Call(enrolment.get(), &ev1::EnrolmentService::Stub::CreateEnrolment, r, &e));
    if (e.state() != ev1::Enrolment::ENROLLED) return absl::InternalError("wait-listed: the cohort is full");
  }

  for (int k = 0; k < instruments; ++k) {
    sv1::CreateInstrumentRequest r;
    r.set_parent("tenants/1504");
    r.set_instrument_id(absl::StrCat("r-", k));
    sv1::Instrument& in = *r.mutable_instrument();
    in.set_title(absl::StrCat("Reaksi ", k));
    in.set_kind(sv1::REACTION);
    in.set_anonymous(false);
    const std::pair<const char*, sv1::Dimension> items[] = {
        {"M1", sv1::MATERI}, {"I1", sv1::INSTRUKTUR}, {"F1", sv1::FASILITAS}, {"P1", sv1::PENYELENGGARAAN}};
    for (const auto& [code, dim] : items) {
      sv1::Item& item = *in.add_items();
      item.set_code(code);
      item.set_text(absl::StrCat("Pernyataan ", code));
      item.set_type(sv1::LIKERT);
      item.set_required(true);
      item.set_scale_min(1);
      item.set_scale_max(5);
      item.set_dimension(dim);
    }
    sv1::Instrument created;
    PELITA_RETURN_IF_ERROR(Call(survey.get(), &sv1::SurveyService::Stub::CreateInstrument, r, &created));
  }
  return absl::OkStatus();
}

}  // namespace pelita::fault
