// pelita-enrolment-demo: loads the demo data of Kabupaten Batang Hari
// (tenant 1504, tools/demo/batanghari.h) through the enrolment service's
// public gRPC API, as the people who would enter them: its 20 units, the
// roster (CSV import with supervisor_nip, supervisors first), the three 2026
// programmes and their cohorts with instructors and named observers,
// enrolments (with wait list and a withdrawal), attendance and completion
// of every day before --as_of, and, through the follow-up service
// (--followup), the action plans (RTL) that participants write and submit
// and their recorded supervisors approve, with the actions' progress.
//
// Safe to run again: it reads what exists first and writes only what is
// missing, so a second run creates nothing.  The closing line (`demo
// loaded`) counts what was created, what was already there and the calls
// that failed; any failure makes the exit status 1.

#include <grpcpp/grpcpp.h>

#include <map>
#include <set>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "lib/log/log.h"
#include "lib/tenancy/tenancy.h"
#include "lib/time/time.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/followup/v1/followup.grpc.pb.h"
#include "tools/demo/batanghari.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "enrolment service address");
ABSL_FLAG(std::string, followup, "127.0.0.1:50056", "follow-up service address (action plans)");
ABSL_FLAG(std::string, tenant, "1504", "tenant code (the demo data are Batang Hari's: 1504)");
ABSL_FLAG(std::string, as_of, "",
          "load what happened before this day (YYYY-MM-DD, WIB); default today");

namespace v1 = pelita::enrolment::v1;
namespace fv1 = pelita::followup::v1;
namespace demo = pelita::demo;

namespace {

const std::string kParent = absl::StrCat("tenants/", demo::kTenant);

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

class Loader {
 public:
  Loader(const std::shared_ptr<grpc::Channel>& enrolment, const std::shared_ptr<grpc::Channel>& followup,
         absl::CivilDay as_of)
      : enrolment_(v1::EnrolmentService::NewStub(enrolment)),
        followup_(fv1::FollowUpService::NewStub(followup)),
        as_of_(as_of) {}

  void Run() {
    Units();
    Roster();
    Programmes();
    for (const demo::CohortPlan& c : plan_.cohorts) Cohort(c);
    tally_.Report("enrolment", {{"as_of", absl::FormatCivilTime(as_of_)},
                                {"units", absl::StrCat(plan_.units.size())},
                                {"employees", absl::StrCat(plan_.people.size())},
                                {"cohorts", absl::StrCat(plan_.cohorts.size())}});
  }

  const demo::Tally& tally() const { return tally_; }

 private:
  static pelita::Caller Organiser() { return {demo::kTenant, "organiser", "bkpsdm-demo"}; }
  static pelita::Caller Participant(const std::string& nip) { return {demo::kTenant, "participant", nip}; }
  static pelita::Caller Supervisor(const std::string& nip) { return {demo::kTenant, "supervisor", nip}; }

  template <typename Stub, typename Req, typename Resp>
  grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp, const pelita::Caller& caller) {
    grpc::ClientContext ctx;
    pelita::AttachCaller(ctx, caller);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (stub->*method)(&ctx, req, resp);
  }

  // Counts a create-style call: OK is created, ALREADY_EXISTS already
  // there, anything else a failure (logged).
  bool Count(const grpc::Status& s, const std::string& what) {
    if (s.ok()) {
      ++tally_.created;
      return true;
    }
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++tally_.already_there;
      return false;
    }
    Fail(s, what);
    return false;
  }
  void Fail(const grpc::Status& s, const std::string& what) {
    ++tally_.failed;
    pelita::LogWarning("demo call failed", {{"what", what}, {"error", s.error_message()}});
  }

  void Units() {
    for (const demo::UnitPlan& u : plan_.units) {
      v1::CreateUnitRequest req;
      req.set_parent(kParent);
      req.set_unit_id(u.id);
      req.mutable_unit()->set_display_name(u.name);
      req.mutable_unit()->set_kind(u.kind);
      req.mutable_unit()->set_district(u.district);
      req.mutable_unit()->set_monthly_service_volume(u.monthly_volume);
      v1::Unit out;
      Count(Call(enrolment_.get(), &v1::EnrolmentService::Stub::CreateUnit, req, &out, Organiser()),
            "unit " + u.id);
    }
  }

  // The roster as BKPSDM imports it from SIMPEG: a CSV with the atasan
  // langsung of each employee, supervisors before their staff.  Only the
  // employees not in the roster yet are sent.
  void Roster() {
    std::set<std::string> existing;
    std::string token;
    do {
      v1::ListEmployeesRequest req;
      req.set_parent(kParent);
      req.set_page_size(1000);
      req.set_page_token(token);
      v1::ListEmployeesResponse resp;
      grpc::Status s = Call(enrolment_.get(), &v1::EnrolmentService::Stub::ListEmployees, req, &resp, Organiser());
      if (!s.ok()) return Fail(s, "ListEmployees");
      for (const auto& e : resp.employees()) existing.insert(e.nip());
      token = resp.next_page_token();
    } while (!token.empty());
    std::string csv = "nip,name,unit,position,grade,employment_type,supervisor_nip\n";
    int64_t rows = 0;
    for (const demo::PersonPlan& p : plan_.people) {
      if (existing.count(p.nip)) {
        ++tally_.already_there;
        continue;
      }
      absl::StrAppend(&csv, p.nip, ",", CsvField(p.full_name), ",", p.unit, ",", CsvField(p.position), ",", p.grade,
                      ",", p.pppk ? "PPPK" : "PNS", ",", p.supervisor_nip, "\n");
      ++rows;
    }
    if (rows == 0) return;
    grpc::ClientContext ctx;
    pelita::AttachCaller(ctx, Organiser());
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    pelita::type::v1::ImportResult report;
    auto writer = enrolment_->ImportEmployees(&ctx, &report);
    for (size_t i = 0; i < csv.size(); i += 32 * 1024) {
      v1::ImportEmployeesRequest chunk;
      if (i == 0) chunk.set_parent(kParent);
      chunk.set_csv_chunk(csv.substr(i, 32 * 1024));
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (!s.ok()) return Fail(s, "ImportEmployees");
    tally_.created += report.accepted_count() + report.replaced_count();
    tally_.already_there += report.unchanged_count();
    for (const auto& r : report.rejected()) {
      Fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, r.reason()),
           absl::StrCat("roster row ", r.row(), " ", r.id(), " ", r.field()));
    }
    if (report.state() != pelita::type::v1::COMPLETE) {
      Fail(grpc::Status(grpc::StatusCode::DATA_LOSS, report.stop().message()), "ImportEmployees stopped");
    } else if (report.records_read() != rows) {
      Fail(grpc::Status(grpc::StatusCode::INTERNAL, absl::StrCat(report.records_read(), " of ", rows, " rows read")),
           "ImportEmployees");
    }
  }

  void Programmes() {
    for (const demo::ProgramPlan& p : plan_.programs) {
      int seats = 0;
      for (const demo::CohortPlan& c : plan_.cohorts) {
        if (c.program_id == p.id) seats += c.capacity;
      }
      v1::CreateProgramRequest req;
      req.set_parent(kParent);
      req.set_program_id(p.id);
      v1::Program& prog = *req.mutable_program();
      prog.set_title(p.title);
      prog.set_competency_type(static_cast<v1::CompetencyType>(p.competency_type));
      prog.set_jp(p.jp);
      prog.set_year(2026);
      prog.set_cost_per_participant(p.cost_per_participant);
      prog.set_budget(p.cost_per_participant * seats);
      for (const auto& o : p.objectives) prog.add_objectives(o);
      v1::Program out;
      Count(Call(enrolment_.get(), &v1::EnrolmentService::Stub::CreateProgram, req, &out, Organiser()),
            "programme " + p.id);
    }
  }

  std::map<std::string, v1::Enrolment> Members(const std::string& cohort) {
    std::map<std::string, v1::Enrolment> out;
    std::string token;
    do {
      v1::ListEnrolmentsRequest req;
      req.set_parent(cohort);
      req.set_page_size(500);
      req.set_page_token(token);
      v1::ListEnrolmentsResponse resp;
      grpc::Status s = Call(enrolment_.get(), &v1::EnrolmentService::Stub::ListEnrolments, req, &resp, Organiser());
      if (!s.ok()) {
        Fail(s, "ListEnrolments " + cohort);
        return out;
      }
      for (const auto& e : resp.enrolments()) out[e.name().substr(e.name().rfind('/') + 1)] = e;
      token = resp.next_page_token();
    } while (!token.empty());
    return out;
  }

  void Cohort(const demo::CohortPlan& c) {
    const demo::ProgramPlan& program = *plan_.Program(c.program_id);
    const std::string pname = absl::StrCat(kParent, "/programs/", c.program_id);
    const std::string cname = c.name();
    {
      v1::CreateCohortRequest req;
      req.set_parent(pname);
      req.set_cohort_id(c.cohort_id);
      v1::Cohort& cohort = *req.mutable_cohort();
      cohort.set_display_name(c.display_name);
      *cohort.mutable_start_date() = pelita::ToDate(c.start);
      *cohort.mutable_end_date() = pelita::ToDate(c.end);
      cohort.set_venue(c.venue);
      for (const auto& i : c.instructors) cohort.add_instructors(i);
      for (const auto& o : c.observers) cohort.add_observers(o);
      cohort.set_capacity(c.capacity);
      v1::Cohort out;
      Count(Call(enrolment_.get(), &v1::EnrolmentService::Stub::CreateCohort, req, &out, Organiser()),
            "cohort " + cname);
    }
    // Registration closes a month before the first day.
    if (as_of_ <= c.start - 30) return;
    auto members = Members(cname);
    for (const std::string& nip : c.applicants) {
      if (members.count(nip)) {
        ++tally_.already_there;
        continue;
      }
      v1::CreateEnrolmentRequest req;
      req.set_parent(cname);
      req.mutable_enrolment()->set_employee(absl::StrCat(kParent, "/employees/", nip));
      v1::Enrolment out;
      Count(Call(enrolment_.get(), &v1::EnrolmentService::Stub::CreateEnrolment, req, &out, Organiser()),
            "enrolment " + nip + " in " + cname);
    }
    // One participant withdraws a week before the start (an assignment out
    // of town); the first on the wait list takes the seat.
    if (!c.withdrawn.empty() && as_of_ > c.start - 7) {
      members = Members(cname);
      if (members.count(c.withdrawn) && members[c.withdrawn].state() == v1::Enrolment::WITHDRAWN) {
        ++tally_.already_there;
      } else {
        v1::WithdrawEnrolmentRequest req;
        req.set_name(absl::StrCat(cname, "/enrolments/", c.withdrawn));
        req.set_reason("Tugas dinas luar daerah pada tanggal pelatihan");
        v1::Enrolment out;
        Count(Call(enrolment_.get(), &v1::EnrolmentService::Stub::WithdrawEnrolment, req, &out, Organiser()),
              "withdrawal " + c.withdrawn);
      }
    }
    if (as_of_ <= c.start) return;
    // Attendance of every day that has passed; completion once the last
    // day has.  A few miss the last day: attended, not completed.
    members = Members(cname);
    for (auto& [nip, e] : members) {
      if (e.state() != v1::Enrolment::ENROLLED && e.state() != v1::Enrolment::ATTENDED) {
        // Its attendance and completion.
        if (e.state() == v1::Enrolment::COMPLETED) tally_.already_there += e.attended_days_size() + 1;
        continue;
      }
      const std::set<std::string> attended(e.attended_days().begin(), e.attended_days().end());
      const bool absent = c.absent_last_day.count(nip) > 0;
      for (absl::CivilDay d = c.start; d <= c.end && d < as_of_; ++d) {
        if (absent && d == c.end) continue;
        const std::string day = absl::FormatCivilTime(d);
        if (attended.count(day)) {
          ++tally_.already_there;
          continue;
        }
        v1::RecordAttendanceRequest req;
        req.set_name(e.name());
        req.set_day(day);
        Count(Call(enrolment_.get(), &v1::EnrolmentService::Stub::RecordAttendance, req, &e, Organiser()),
              "attendance " + nip + " " + day);
      }
      if (c.end < as_of_ && !absent) {
        v1::CompleteEnrolmentRequest req;
        req.set_name(e.name());
        v1::Enrolment out;
        Count(Call(enrolment_.get(), &v1::EnrolmentService::Stub::CompleteEnrolment, req, &out, Organiser()),
              "completion " + nip);
      }
    }
    if (c.end >= as_of_) return;
    members = Members(cname);
    for (const auto& [nip, e] : members) {
      if (e.state() == v1::Enrolment::COMPLETED) ActionPlan(c, program, e, nip);
    }
  }

  // The participant's action plan (RTL): written in the week after the
  // cohort, submitted to the recorded supervisor, approved by them (a few
  // are still drafts or waiting); its actions are reported as they fall
  // due.
  void ActionPlan(const demo::CohortPlan& c, const demo::ProgramPlan& program, const v1::Enrolment& e,
                  const std::string& nip) {
    if (as_of_ <= c.end + 3) return;
    const demo::PersonPlan* person = plan_.Person(nip);
    if (person == nullptr || person->supervisor_nip.empty()) return;
    const std::string name = e.name() + "/actionPlan";
    const double u = demo::Uniform(absl::StrCat("plan|", name));
    const fv1::ActionPlan::State target =
        u < 0.04 ? fv1::ActionPlan::DRAFT : (u < 0.09 ? fv1::ActionPlan::SUBMITTED : fv1::ActionPlan::APPROVED);
    fv1::ActionPlan plan;
    {
      fv1::GetActionPlanRequest req;
      req.set_name(name);
      grpc::Status s = Call(followup_.get(), &fv1::FollowUpService::Stub::GetActionPlan, req, &plan, Organiser());
      if (s.ok()) {
        ++tally_.already_there;
      } else if (s.error_code() != grpc::StatusCode::NOT_FOUND) {
        return Fail(s, "GetActionPlan " + name);
      } else {
        fv1::UpdateActionPlanRequest up;
        fv1::ActionPlan& p = *up.mutable_action_plan();
        p.set_name(name);
        p.set_supervisor(absl::StrCat(kParent, "/employees/", person->supervisor_nip));
        for (const demo::ActionSpec& a : program.actions) {
          fv1::Action* act = p.add_actions();
          act->set_change(a.change);
          act->set_competency(a.competency);
          act->set_indicator(a.indicator);
          *act->mutable_due_date() = pelita::ToDate(c.end + a.due_days);
        }
        if (!Count(Call(followup_.get(), &fv1::FollowUpService::Stub::UpdateActionPlan, up, &plan, Participant(nip)),
                   "action plan " + name)) {
          return;
        }
      }
    }
    // Steps taken in an earlier run count as already there.
    if (target != fv1::ActionPlan::DRAFT && plan.state() != fv1::ActionPlan::DRAFT) ++tally_.already_there;
    if (target == fv1::ActionPlan::APPROVED && plan.state() == fv1::ActionPlan::APPROVED) ++tally_.already_there;
    if (target != fv1::ActionPlan::DRAFT && plan.state() == fv1::ActionPlan::DRAFT) {
      fv1::SubmitActionPlanRequest req;
      req.set_name(name);
      if (!Count(Call(followup_.get(), &fv1::FollowUpService::Stub::SubmitActionPlan, req, &plan, Participant(nip)),
                 "submit " + name)) {
        return;
      }
    }
    if (target == fv1::ActionPlan::APPROVED && plan.state() == fv1::ActionPlan::SUBMITTED) {
      fv1::ApproveActionPlanRequest req;
      req.set_name(name);
      req.set_comment("Disetujui. Laporkan perkembangannya setiap bulan.");
      if (!Count(Call(followup_.get(), &fv1::FollowUpService::Stub::ApproveActionPlan, req, &plan,
                      Supervisor(person->supervisor_nip)),
                 "approve " + name)) {
        return;
      }
    }
    if (plan.state() != fv1::ActionPlan::APPROVED) return;
    // Progress: in progress two weeks after the cohort; at its due day an
    // action is applied (as often as supervisors see the training applied)
    // or, now and then, abandoned.
    for (int i = 0; i < plan.actions_size() && i < static_cast<int>(program.actions.size()); ++i) {
      const demo::ActionSpec& spec = program.actions[i];
      const fv1::Action& act = plan.actions(i);
      fv1::Action::Status want = fv1::Action::NOT_STARTED;
      const double a = demo::Uniform(absl::StrCat("action|", name, "|", i));
      if (as_of_ > c.end + spec.due_days) {
        want = a < program.applied_share ? fv1::Action::APPLIED : (a < 0.95 ? fv1::Action::IN_PROGRESS : fv1::Action::ABANDONED);
      } else if (as_of_ > c.end + 14) {
        want = fv1::Action::IN_PROGRESS;
      }
      if (want == fv1::Action::NOT_STARTED) continue;
      if (act.status() == want) {
        ++tally_.already_there;
        continue;
      }
      fv1::UpdateActionStatusRequest req;
      req.set_name(name);
      req.set_action_id(act.id());
      req.set_status(want);
      if (want == fv1::Action::APPLIED) req.set_evidence(spec.evidence);
      if (want == fv1::Action::ABANDONED) req.set_reason("Dimutasi ke bidang lain sebelum tindakan selesai");
      Count(Call(followup_.get(), &fv1::FollowUpService::Stub::UpdateActionStatus, req, &plan, Participant(nip)),
            absl::StrCat("action ", act.id(), " of ", name));
    }
  }

  const demo::Plan& plan_ = demo::Batanghari();
  std::unique_ptr<v1::EnrolmentService::Stub> enrolment_;
  std::unique_ptr<fv1::FollowUpService::Stub> followup_;
  absl::CivilDay as_of_;
  demo::Tally tally_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto as_of = demo::CheckLoaderFlags(absl::GetFlag(FLAGS_tenant), absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return 2;
  Loader loader(grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()),
                grpc::CreateChannel(absl::GetFlag(FLAGS_followup), grpc::InsecureChannelCredentials()), *as_of);
  loader.Run();
  return loader.tally().failed == 0 ? 0 : 1;
}
