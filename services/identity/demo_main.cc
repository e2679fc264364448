// pelita-identity-demo: demo accounts for every role of a tenant, with known
// demo passwords, and a national integrator service account; prints how to
// sign in with curl.  Run by scripts/run.sh after the enrolment demo data
// (the ASN accounts must be in the roster).  Idempotent: an existing
// account gets its demo password again (through a new activation code), an
// existing service account a new secret.
//
// The participant is one whose action plan (RTL) can still be written: a
// completed training whose plan is a draft or not begun (--followup), and
// preferably whose supervisor has another plan waiting for a decision, so
// that both can do their job in the demo.
//
// With --survey, the organiser then issues the participant's personal
// answer links for their latest completed training, so that "Survei dan tes
// saya" lists them (issue 16): the follow-up self-report and their
// supervisor's assessment while a wave's window is open (valid to its last
// day, at most 14 days), the programme's post-test (listed as answered
// when they took it), and the anonymous reaction survey unless they hold
// its token already.  A link that is listed and not expired is not
// issued again, so a second run issues nothing new.
//
//   pelita-identity-demo --target 127.0.0.1:50057 --enrolment 127.0.0.1:50051 \
//     --followup 127.0.0.1:50056 --survey 127.0.0.1:50052 --tenant 1504

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lib/server/channel.h"
#include "lib/tenancy/call_metadata.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/followup/v1/followup.grpc.pb.h"
#include "pelita/identity/v1/identity.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50057", "The identity service");
ABSL_FLAG(std::string, enrolment, "127.0.0.1:50051", "The enrolment service (the demo roster)");
ABSL_FLAG(std::string, followup, "", "The follow-up service (to pick a participant with a plan to write)");
ABSL_FLAG(std::string, survey, "", "The survey service (to issue the participant's answer links)");
ABSL_FLAG(std::string, tenant, "1504", "The tenant");
ABSL_FLAG(std::string, gateway_url, "http://127.0.0.1:8080", "Printed in the curl examples");

namespace {

namespace ev1 = pelita::enrolment::v1;
namespace iv1 = pelita::identity::v1;
namespace fv1 = pelita::followup::v1;

struct DemoAccount {
  std::string id;
  iv1::Account account;
  std::string password;
};

grpc::Status Call(const std::function<grpc::Status(grpc::ClientContext*)>& fn, const pelita::Caller& caller) {
  grpc::ClientContext ctx;
  pelita::AttachCaller(ctx, caller);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return fn(&ctx);
}

// Issues the demo participant's answer links (see the file comment); a
// failure is reported and does not stop the demo.
void IssueDemoLinks(const std::string& tenant, const ev1::Employee& participant,
                    ev1::EnrolmentService::Stub& enrolment, const std::string& survey_address) {
  namespace sv1 = pelita::survey::v1;
  auto survey = sv1::SurveyService::NewStub(pelita::ServiceChannel(survey_address));
  const pelita::Caller organiser{tenant, "organiser", "identity-demo"};
  ev1::ListEmployeeTrainingsRequest tr;
  tr.set_parent(participant.name());
  ev1::ListEmployeeTrainingsResponse trainings;
  grpc::Status s = Call([&](auto* c) { return enrolment.ListEmployeeTrainings(c, tr, &trainings); }, organiser);
  const ev1::Training* latest = nullptr;
  for (const auto& t : trainings.trainings()) {
    if (latest == nullptr && t.enrolment().state() == ev1::Enrolment::COMPLETED) latest = &t;
  }
  if (!s.ok() || latest == nullptr) {
    std::cout << "Survei dan tes saya: the participant has no completed training; no links issued\n";
    return;
  }
  ev1::GetCohortRequest gc;
  gc.set_name(latest->cohort());
  ev1::Cohort cohort;
  if (s = Call([&](auto* c) { return enrolment.GetCohort(c, gc, &cohort); }, organiser); !s.ok()) {
    std::cerr << "cannot read " << latest->cohort() << ": " << s.error_message() << "\n";
    return;
  }
  // What is listed already (a link not yet expired is not issued again).
  sv1::ListAnswerTasksRequest lr;
  sv1::ListAnswerTasksResponse listed;
  auto has = [&](const std::string& nip, const std::string& instrument, sv1::FollowUpRole role) {
    lr.set_parent(absl::StrCat("tenants/", tenant, "/employees/", nip));
    if (!Call([&](auto* c) { return survey->ListAnswerTasks(c, lr, &listed); }, organiser).ok()) return false;
    const std::string subject = role == sv1::FOLLOW_UP_ROLE_UNSPECIFIED ? "" : participant.nip();
    for (const auto& t : listed.tasks()) {
      if (t.cohort() == cohort.name() && t.instrument() == instrument && t.followup_role() == role &&
          t.subject_nip() == subject && t.state() != sv1::AnswerTask::EXPIRED) {
        return true;
      }
    }
    return false;
  };
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(7 * 3600));
  int open_days = 0;  // days left in the wave open today, 0 when none is
  for (const auto& w : cohort.follow_up_windows()) {
    const absl::CivilDay first(w.first_day().year(), w.first_day().month(), w.first_day().day());
    const absl::CivilDay last(w.last_day().year(), w.last_day().month(), w.last_day().day());
    if (first <= today && today <= last) open_days = static_cast<int>(std::min<int64_t>(14, last - today + 1));
  }
  struct Want {
    std::string instrument;
    sv1::FollowUpRole role;
    std::string respondent;
    int days;
  };
  std::vector<Want> wants;
  const std::string followup = absl::StrCat("tenants/", tenant, "/instruments/tindak-lanjut-atasan");
  if (open_days > 0) {
    wants.push_back({followup, sv1::SELF_REPORT, participant.nip(), open_days});
    wants.push_back({followup, sv1::SUPERVISOR_ASSESSMENT, participant.supervisor_nip(), open_days});
  }
  // The programme's post-test (the survey demo's `posttest-{programme}`):
  // answered on the cohort's last day, it is listed as answered.
  const std::vector<std::string> parts = absl::StrSplit(cohort.name(), '/');
  if (parts.size() == 6) {
    wants.push_back({absl::StrCat("tenants/", tenant, "/instruments/posttest-", parts[3]),
                     sv1::FOLLOW_UP_ROLE_UNSPECIFIED, participant.nip(), 14});
  }
  wants.push_back({absl::StrCat("tenants/", tenant, "/instruments/reaksi-peserta"), sv1::FOLLOW_UP_ROLE_UNSPECIFIED,
                   participant.nip(), 14});
  int issued = 0, kept = 0;
  for (const Want& w : wants) {
    if (has(w.respondent, w.instrument, w.role)) {
      ++kept;
      continue;
    }
    sv1::IssueAnswerLinksRequest ir;
    ir.set_cohort(cohort.name());
    ir.set_instrument(w.instrument);
    ir.add_nips(participant.nip());
    ir.set_followup_role(w.role);
    ir.set_valid_days(w.days);
    sv1::IssueAnswerLinksResponse out;
    if (s = Call([&](auto* c) { return survey->IssueAnswerLinks(c, ir, &out); }, organiser); !s.ok()) {
      std::cerr << "cannot issue " << w.instrument << " links: " << s.error_message() << "\n";
      continue;
    }
    issued += out.links_size();
  }
  std::cout << "Survei dan tes saya: " << issued << " answer link(s) issued and " << kept
            << " already listed for the participant and their supervisor (" << cohort.name() << ")\n";
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string tenant = absl::GetFlag(FLAGS_tenant);
  auto identity = iv1::IdentityService::NewStub(pelita::ServiceChannel(absl::GetFlag(FLAGS_target)));
  auto enrolment = ev1::EnrolmentService::NewStub(pelita::ServiceChannel(absl::GetFlag(FLAGS_enrolment)));
  const pelita::Caller internal{tenant, "", ""};
  const pelita::Caller admin{tenant, "admin", "identity-demo"};

  // From the roster: a participant with a recorded supervisor, that
  // supervisor, and a third ASN as head of a unit.
  ev1::ListEmployeesRequest lr;
  lr.set_parent(absl::StrCat("tenants/", tenant));
  lr.set_page_size(1000);
  ev1::ListEmployeesResponse employees;
  grpc::Status s = Call([&](auto* c) { return enrolment->ListEmployees(c, lr, &employees); }, internal);
  if (!s.ok()) {
    std::cerr << "cannot list employees: " << s.error_message() << "\n";
    return 1;
  }
  const ev1::Employee* participant = nullptr;
  const ev1::Employee* head = nullptr;
  const std::string followup_address = absl::GetFlag(FLAGS_followup);
  if (!followup_address.empty()) {
    // The state of each supervised employee's latest completed training's plan.
    auto followup = fv1::FollowUpService::NewStub(pelita::ServiceChannel(followup_address));
    const pelita::Caller organiser{tenant, "organiser", "identity-demo"};
    std::vector<std::pair<const ev1::Employee*, fv1::ActionPlan::State>> writable;
    std::map<std::string, int> waiting;  // supervisor NIP -> plans submitted to them
    // The participant supervises nobody (else they sign in as a supervisor).
    std::set<std::string> supervisors;
    for (const auto& e : employees.employees()) supervisors.insert(e.supervisor_nip());
    for (const auto& e : employees.employees()) {
      if (e.supervisor_nip().empty()) continue;
      ev1::ListEmployeeTrainingsRequest tr;
      tr.set_parent(e.name());
      ev1::ListEmployeeTrainingsResponse trainings;
      if (!Call([&](auto* c) { return enrolment->ListEmployeeTrainings(c, tr, &trainings); }, organiser).ok()) {
        continue;
      }
      for (const auto& t : trainings.trainings()) {
        if (t.enrolment().state() != ev1::Enrolment::COMPLETED) continue;
        fv1::GetActionPlanRequest pr;
        pr.set_name(t.enrolment().name() + "/actionPlan");
        fv1::ActionPlan plan;
        grpc::Status ps = Call([&](auto* c) { return followup->GetActionPlan(c, pr, &plan); }, organiser);
        if (supervisors.count(e.nip()) == 0 &&
            (ps.error_code() == grpc::StatusCode::NOT_FOUND || (ps.ok() && plan.state() == fv1::ActionPlan::DRAFT))) {
          writable.emplace_back(&e, fv1::ActionPlan::DRAFT);
        } else if (ps.ok() && plan.state() == fv1::ActionPlan::SUBMITTED) {
          ++waiting[e.supervisor_nip()];
        }
        break;  // the latest completed training only
      }
    }
    for (const auto& [e, state] : writable) {
      if (waiting[e->supervisor_nip()] > 0) {
        participant = e;
        break;
      }
    }
    if (participant == nullptr && !writable.empty()) participant = writable.front().first;
  }
  for (const auto& e : employees.employees()) {
    if (participant == nullptr && !e.supervisor_nip().empty()) participant = &e;
  }
  if (participant == nullptr) {
    std::cerr << "no employee with a supervisor in tenant " << tenant << " (load the enrolment demo first)\n";
    return 1;
  }
  for (const auto& e : employees.employees()) {
    if (head == nullptr && e.nip() != participant->nip() && e.nip() != participant->supervisor_nip() &&
        !e.unit().empty()) {
      head = &e;
    }
  }
  ev1::ListProgramsRequest pr;
  pr.set_parent(absl::StrCat("tenants/", tenant));
  ev1::ListProgramsResponse programs;
  std::string cohort;
  if (Call([&](auto* c) { return enrolment->ListPrograms(c, pr, &programs); }, internal).ok() &&
      programs.programs_size() > 0) {
    ev1::ListCohortsRequest cr;
    cr.set_parent(programs.programs(0).name());
    ev1::ListCohortsResponse cohorts;
    if (Call([&](auto* c) { return enrolment->ListCohorts(c, cr, &cohorts); }, internal).ok() &&
        cohorts.cohorts_size() > 0) {
      cohort = cohorts.cohorts(0).name();
    }
  }

  std::vector<DemoAccount> accounts;
  auto add = [&](const std::string& id, const std::string& role) -> iv1::Account& {
    DemoAccount d;
    d.id = id;
    d.account.set_role(role);
    d.account.set_display_name(absl::StrCat("Demo ", role));
    d.password = absl::StrCat("demo-", role, "-2026");
    accounts.push_back(d);
    return accounts.back().account;
  };
  add("organiser@batanghari.go.id", "organiser");
  add("admin@batanghari.go.id", "admin");
  if (!cohort.empty()) add("instruktur@batanghari.go.id", "instructor").add_cohorts(cohort);
  if (head != nullptr) add(head->nip(), "agency_head").set_unit(head->unit());
  add(participant->nip(), "participant");
  add(participant->supervisor_nip(), "supervisor");
  add("provinsi@jambiprov.go.id", "province").set_province(tenant.substr(0, 2));

  const std::string gw = absl::GetFlag(FLAGS_gateway_url);
  std::cout << "Demo accounts of tenant " << tenant << " (sign in at " << gw << "/v1/auth:signIn):\n";
  for (const DemoAccount& d : accounts) {
    iv1::CreateAccountRequest req;
    req.set_parent(absl::StrCat("tenants/", tenant));
    req.set_account_id(d.id);
    *req.mutable_account() = d.account;
    iv1::Account created;
    s = Call([&](auto* c) { return identity->CreateAccount(c, req, &created); }, admin);
    if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      std::cerr << "cannot create " << d.id << ": " << s.error_message() << "\n";
      return 1;
    }
    iv1::IssueActivationCodeRequest ir;
    ir.set_name(absl::StrCat("tenants/", tenant, "/accounts/", d.id));
    iv1::ActivationCode code;
    s = Call([&](auto* c) { return identity->IssueActivationCode(c, ir, &code); }, admin);
    iv1::ActivateRequest ar;
    ar.set_tenant_code(tenant);
    ar.set_username(d.id);
    ar.set_code(code.code());
    ar.set_password(d.password);
    google::protobuf::Empty empty;
    if (s.ok()) s = Call([&](auto* c) { return identity->Activate(c, ar, &empty); }, pelita::Caller{});
    if (!s.ok()) {
      std::cerr << "cannot activate " << d.id << ": " << s.error_message() << "\n";
      return 1;
    }
    std::cout << "  " << d.account.role() << std::string(12 - std::min<size_t>(11, d.account.role().size()), ' ')
              << d.id << "  password " << d.password << "\n";
  }
  if (const std::string survey = absl::GetFlag(FLAGS_survey); !survey.empty()) {
    IssueDemoLinks(tenant, *participant, *enrolment, survey);
  }
  // The national integrator: a service account (client credentials).
  iv1::CreateServiceAccountRequest sr;
  sr.set_service_account_id("national-demo");
  sr.mutable_service_account()->set_role("national_integrator");
  sr.mutable_service_account()->set_display_name("Demo national integrator");
  iv1::ServiceAccount sa;
  const pelita::Caller ops{"", "platform_admin", "identity-demo"};
  s = Call([&](auto* c) { return identity->CreateServiceAccount(c, sr, &sa); }, ops);
  if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    iv1::RotateServiceAccountSecretRequest rr;
    rr.set_name("serviceAccounts/national-demo");
    s = Call([&](auto* c) { return identity->RotateServiceAccountSecret(c, rr, &sa); }, ops);
  }
  if (!s.ok()) {
    std::cerr << "cannot create the service account: " << s.error_message() << "\n";
    return 1;
  }
  std::cout << "  national_integrator (service account) client_id national-demo  client_secret "
            << sa.client_secret() << "\n\n"
            << "Sign in (a person):\n"
            << "  curl -s " << gw << "/v1/auth:signIn -H 'Content-Type: application/json' \\\n"
            << "    -d '{\"tenantCode\":\"" << tenant << "\",\"username\":\"organiser@batanghari.go.id\","
            << "\"password\":\"demo-organiser-2026\"}'\n"
            << "  then: curl -s " << gw << "/v1/tenants/" << tenant
            << "/units -H \"Authorization: Bearer $ACCESS_TOKEN\"\n"
            << "Client credentials (a machine):\n"
            << "  curl -s " << gw << "/v1/auth:token -H 'Content-Type: application/json' \\\n"
            << "    -d '{\"grantType\":\"client_credentials\",\"clientId\":\"national-demo\",\"clientSecret\":\""
            << sa.client_secret() << "\"}'\n";
  return 0;
}
