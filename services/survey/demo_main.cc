// pelita-survey-demo: loads the survey data of Kabupaten Batang Hari
// (tenant 1504, tools/demo/batanghari.h) through the survey service's
// public gRPC API, each answer sent by the person who would give it:
//
// - the default instruments, and one pre-test and one post-test per
//   programme with an answer key (choice and yes/no items, points, the
//   competency each item tests), created by BKPSDM;
// - per cohort, from what the enrolment service holds: the pre-test on the
//   first day and the post-test on the last, answered by each participant
//   and scored by Pelita; the anonymous reaction survey, each participant
//   asking for a single-use token and answering with it; follow-ups inside
//   the 30/60/90-day windows — self-reports by the participants and
//   assessments by their recorded supervisors (supervisor_nip); work-place
//   observations and interviews by the cohort's named observers;
// - SKM responses (PermenPANRB 14/2017) for every unit and month from
//   January 2025, which the complaint service takes from the survey stream.
//
// Only what happened before --as_of is sent.  Response ids are stable, so a
// second run finds every response already there (a participant who was
// issued a token once is not issued another: their answer is already in).
// The closing line (`demo loaded`) counts what was created, already there
// and failed; any failure makes the exit status 1.

#include <grpcpp/grpcpp.h>

#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "lib/log/log.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"
#include "tools/demo/batanghari.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50052", "survey service address");
ABSL_FLAG(std::string, enrolment, "127.0.0.1:50051", "enrolment service address");
ABSL_FLAG(std::string, tenant, "1504", "tenant code (the demo data are Batang Hari's: 1504)");
ABSL_FLAG(std::string, as_of, "",
          "load what happened before this day (YYYY-MM-DD, WIB); default today");

namespace sv1 = pelita::survey::v1;
namespace ev1 = pelita::enrolment::v1;
namespace demo = pelita::demo;

namespace {

const std::string kParent = absl::StrCat("tenants/", demo::kTenant);
std::string Instrument(const std::string& id) { return absl::StrCat(kParent, "/instruments/", id); }

google::protobuf::Timestamp At(absl::Time t) {
  return google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
}

// A stable response id: 1-63 of [a-z0-9-].
std::string Id(const std::string& kind, const std::string& key) {
  return absl::StrFormat("demo-%s-%016x", kind, demo::Hash(key));
}

sv1::Answer* Add(sv1::Response& r, const std::string& item) {
  sv1::Answer* a = r.add_answers();
  a->set_item(item);
  return a;
}

// The optional profile of a citizen answering the SKM form: each question
// answered by most, with shares a regency's service users might have.
void AddProfile(sv1::Response& r, demo::Rng* rng) {
  struct Question {
    const char* item;
    std::vector<std::pair<const char*, double>> choices;  // cumulative shares
  };
  static const Question kQuestions[] = {
      {"JK", {{"laki-laki", 0.52}, {"perempuan", 1.0}}},
      {"USIA", {{"di-bawah-25", 0.18}, {"25-34", 0.45}, {"35-44", 0.70}, {"45-54", 0.88}, {"55-ke-atas", 1.0}}},
      {"PENDIDIKAN", {{"sd", 0.10}, {"smp", 0.24}, {"sma", 0.62}, {"diploma", 0.74}, {"s1", 0.95}, {"s2-s3", 1.0}}},
      {"PEKERJAAN",
       {{"pns", 0.14}, {"tni-polri", 0.17}, {"swasta", 0.40}, {"wirausaha", 0.70}, {"pelajar", 0.82}, {"lainnya", 1.0}}},
  };
  for (const Question& q : kQuestions) {
    if (rng->Uniform() < 0.15) continue;  // skipped
    const double x = rng->Uniform();
    for (const auto& [code, upto] : q.choices) {
      if (x < upto) {
        Add(r, q.item)->set_choice(code);
        break;
      }
    }
  }
}

int Clamp(double x, int lo, int hi) { return std::clamp(static_cast<int>(std::lround(x)), lo, hi); }

double Logistic(double x) { return 1 / (1 + std::exp(-x)); }

// A stable permutation of 0..n-1.
std::vector<int> Permutation(int n, const std::string& key) {
  std::vector<int> p(n);
  std::iota(p.begin(), p.end(), 0);
  demo::Rng rng(key);
  for (int i = n - 1; i > 0; --i) std::swap(p[i], p[rng.Below(i + 1)]);
  return p;
}

class Loader {
 public:
  Loader(const std::shared_ptr<grpc::Channel>& survey, const std::shared_ptr<grpc::Channel>& enrolment,
         absl::CivilDay as_of)
      : survey_(sv1::SurveyService::NewStub(survey)),
        enrolment_(ev1::EnrolmentService::NewStub(enrolment)),
        as_of_(as_of),
        cutoff_(demo::StartOf(as_of)) {}

  void Run() {
    if (!Instruments() || !Roster()) return Done(0);
    int cohorts = 0;
    for (const demo::ProgramPlan& p : plan_.programs) {
      ev1::ListCohortsRequest req;
      req.set_parent(absl::StrCat(kParent, "/programs/", p.id));
      req.set_page_size(100);
      ev1::ListCohortsResponse resp;
      grpc::Status s = Call(enrolment_.get(), &ev1::EnrolmentService::Stub::ListCohorts, req, &resp, Organiser());
      if (!s.ok()) {
        Fail(s, "ListCohorts " + p.id);
        continue;
      }
      for (const ev1::Cohort& c : resp.cohorts()) {
        Cohort(p, c);
        ++cohorts;
      }
    }
    Skm();
    Done(cohorts);
  }

  const demo::Tally& tally() const { return tally_; }

 private:
  static pelita::Caller Organiser() { return {demo::kTenant, "organiser", "bkpsdm-demo"}; }
  static pelita::Caller Participant(const std::string& nip) { return {demo::kTenant, "participant", nip}; }
  static pelita::Caller Supervisor(const std::string& nip) { return {demo::kTenant, "supervisor", nip}; }
  // An observer from BKPSDM enters their own observations.
  static pelita::Caller Observer(const std::string& nip) { return {demo::kTenant, "organiser", nip}; }
  // SKM forms and kiosks reach the survey service as an internal caller.
  static pelita::Caller Kiosk() { return {demo::kTenant, "", ""}; }

  void Done(int cohorts) {
    tally_.Report("survey", {{"as_of", absl::FormatCivilTime(as_of_)},
                             {"cohorts", absl::StrCat(cohorts)},
                             {"skm_responses", absl::StrCat(skm_)},
                             {"replaced", absl::StrCat(replaced_)}});
  }

  template <typename Stub, typename Req, typename Resp>
  grpc::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp, const pelita::Caller& caller) {
    grpc::ClientContext ctx;
    pelita::AttachCaller(ctx, caller);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return (stub->*method)(&ctx, req, resp);
  }

  void Fail(const grpc::Status& s, const std::string& what) {
    ++tally_.failed;
    if (tally_.failed <= 20) pelita::LogWarning("demo call failed", {{"what", what}, {"error", s.error_message()}});
  }

  // ---------------------------------------------------------- instruments

  bool Instruments() {
    sv1::InstallDefaultInstrumentsRequest req;
    req.set_parent(kParent);
    sv1::InstallDefaultInstrumentsResponse resp;
    grpc::Status s =
        Call(survey_.get(), &sv1::SurveyService::Stub::InstallDefaultInstruments, req, &resp, Organiser());
    if (!s.ok()) {
      Fail(s, "InstallDefaultInstruments");
      return false;
    }
    for (const demo::ProgramPlan& p : plan_.programs) {
      for (bool pre : {true, false}) {
        sv1::CreateInstrumentRequest c;
        c.set_parent(kParent);
        c.set_instrument_id(absl::StrCat(pre ? "pretest-" : "posttest-", p.id));
        sv1::Instrument& in = *c.mutable_instrument();
        in.set_title(absl::StrCat(pre ? "Pre-test " : "Post-test ", p.test_title));
        in.set_description(
            "Sepuluh soal pilihan; nilai dihitung Pelita dari kunci jawaban (skor maksimum 100). Peserta melihat "
            "nilainya sendiri setelah mengirim jawaban.");
        in.set_kind(pre ? sv1::PRETEST : sv1::POSTTEST);
        if (!pre) in.set_pretest(Instrument("pretest-" + p.id));
        for (const demo::TestItem& t : p.test) {
          sv1::Item& item = *in.add_items();
          item.set_code(t.code);
          item.set_text(t.text);
          item.set_required(true);
          item.set_competency(t.competency);
          item.set_type(t.type == demo::TestItem::Type::kYesNo
                            ? sv1::YES_NO
                            : (t.type == demo::TestItem::Type::kMultipleChoice ? sv1::MULTIPLE_CHOICE
                                                                                : sv1::SINGLE_CHOICE));
          for (const auto& [code, text] : t.choices) {
            sv1::Choice* ch = item.add_choices();
            ch->set_code(code);
            ch->set_text(text);
          }
          for (const auto& k : t.correct) item.mutable_key()->add_correct_choices(k);
          item.mutable_key()->set_points(t.points);
        }
        sv1::Instrument out;
        grpc::Status cs = Call(survey_.get(), &sv1::SurveyService::Stub::CreateInstrument, c, &out, Organiser());
        if (cs.ok()) {
          ++tally_.created;
        } else if (cs.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
          ++tally_.already_there;
        } else {
          Fail(cs, "CreateInstrument " + c.instrument_id());
          return false;
        }
      }
    }
    return true;
  }

  // The recorded supervisor (atasan langsung) of every employee.
  bool Roster() {
    std::string token;
    do {
      ev1::ListEmployeesRequest req;
      req.set_parent(kParent);
      req.set_page_size(1000);
      req.set_page_token(token);
      ev1::ListEmployeesResponse resp;
      grpc::Status s = Call(enrolment_.get(), &ev1::EnrolmentService::Stub::ListEmployees, req, &resp, Organiser());
      if (!s.ok()) {
        Fail(s, "ListEmployees");
        return false;
      }
      for (const auto& e : resp.employees()) supervisor_[e.nip()] = e.supervisor_nip();
      token = resp.next_page_token();
    } while (!token.empty());
    return true;
  }

  // ------------------------------------------------------------- sending

  void Count(const sv1::ResponseAck& a, const std::string& what) {
    if (a.code() != 0) {
      Fail(grpc::Status(static_cast<grpc::StatusCode>(a.code()), a.message()), what + " " + a.response_id());
    } else if (a.duplicate()) {
      ++tally_.already_there;
    } else if (a.replaced()) {
      // A respondent's answer that differs from an earlier run's: a change,
      // which a second run with the same --as_of must never make.
      ++tally_.created;
      ++replaced_;
    } else {
      ++tally_.created;
    }
  }

  // Batches of 500 as one caller.  A response the service could not store
  // now (ack UNAVAILABLE: Redis busy or failing over) is sent again, a few
  // times with a growing pause, before it counts as failed.
  void Send(std::vector<sv1::CreateResponseRequest> reqs, const pelita::Caller& caller, const std::string& what) {
    for (size_t from = 0; from < reqs.size(); from += 500) {
      std::vector<sv1::CreateResponseRequest> pending;
      for (size_t i = from; i < reqs.size() && i < from + 500; ++i) {
        reqs[i].set_parent(kParent);
        pending.push_back(std::move(reqs[i]));
      }
      for (int attempt = 1; !pending.empty(); ++attempt) {
        sv1::BatchCreateResponsesRequest batch;
        batch.set_parent(kParent);
        for (const auto& r : pending) *batch.add_requests() = r;
        sv1::BatchCreateResponsesResponse resp;
        grpc::Status s = Call(survey_.get(), &sv1::SurveyService::Stub::BatchCreateResponses, batch, &resp, caller);
        const bool last = attempt == 5;
        if (!s.ok() && (s.error_code() != grpc::StatusCode::UNAVAILABLE || last)) {
          for (size_t i = 0; i < pending.size(); ++i) Fail(s, what);
          break;
        }
        std::vector<sv1::CreateResponseRequest> again;
        if (!s.ok()) {
          again = std::move(pending);
        } else {
          for (const auto& a : resp.results()) {
            if (a.code() == grpc::StatusCode::UNAVAILABLE && !last) {
              again.push_back(std::move(pending[a.index()]));
            } else {
              Count(a, what);
            }
          }
        }
        pending = std::move(again);
        if (!pending.empty()) absl::SleepFor(absl::Milliseconds(200 * attempt));
      }
    }
  }

  sv1::CreateResponseRequest New(const std::string& id, const std::string& instrument, const std::string& cohort,
                                 absl::Time when) {
    sv1::CreateResponseRequest req;
    req.set_response_id(id);
    sv1::Response& r = *req.mutable_response();
    r.set_instrument(Instrument(instrument));
    r.set_cohort(cohort);
    *r.mutable_submit_time() = At(when);
    return req;
  }

  // --------------------------------------------------------------- cohort

  // A test as a participant answers it: each item right with a probability
  // from their ability, the item's difficulty and, after the training, the
  // programme's gain.
  sv1::CreateResponseRequest Test(const demo::ProgramPlan& p, const std::string& cohort, const std::string& nip,
                                  bool pre, double cohort_quality, absl::Time when) {
    const std::string instrument = absl::StrCat(pre ? "pretest-" : "posttest-", p.id);
    auto req = New(Id(pre ? "pre" : "post", cohort + nip), instrument, cohort, when);
    sv1::Response& r = *req.mutable_response();
    r.set_respondent_nip(nip);
    const double ability = demo::Rng("ability|" + nip).Normal() * 0.8;
    demo::Rng rng(absl::StrCat(instrument, "|", cohort, "|", nip));
    for (const demo::TestItem& t : p.test) {
      const double logit = ability + 0.2 - t.difficulty + (pre ? 0 : p.test_gain + cohort_quality);
      const bool right = rng.Uniform() < Logistic(logit);
      sv1::Answer* a = Add(r, t.code);
      switch (t.type) {
        case demo::TestItem::Type::kYesNo:
          a->set_yes((t.correct[0] == "ya") == right);
          break;
        case demo::TestItem::Type::kSingleChoice: {
          if (right) {
            a->set_choice(t.correct[0]);
          } else {
            std::vector<std::string> wrong;
            for (const auto& ch : t.choices) {
              if (ch.first != t.correct[0]) wrong.push_back(ch.first);
            }
            a->set_choice(wrong[rng.Below(static_cast<int>(wrong.size()))]);
          }
          break;
        }
        case demo::TestItem::Type::kMultipleChoice: {
          // Wrong: one of the right ones missed, or a wrong one ticked too.
          std::vector<std::string> chosen = t.correct;
          if (!right) {
            if (rng.Uniform() < 0.5 && chosen.size() > 1) {
              chosen.erase(chosen.begin() + rng.Below(static_cast<int>(chosen.size())));
            } else {
              for (const auto& ch : t.choices) {
                if (std::find(t.correct.begin(), t.correct.end(), ch.first) == t.correct.end()) {
                  chosen.push_back(ch.first);
                  break;
                }
              }
            }
          }
          for (const auto& c : chosen) a->mutable_choices()->add_codes(c);
          break;
        }
      }
    }
    return req;
  }

  // The anonymous reaction survey: the participant asks for their token and
  // answers with it; nothing sent names them.
  void Reaction(const demo::ProgramPlan& p, const std::string& cohort, const std::string& nip, double quality,
                absl::Time when) {
    sv1::IssueResponseTokenRequest tr;
    tr.set_parent(kParent);
    tr.set_instrument(Instrument("reaksi-peserta"));
    tr.set_cohort(cohort);
    tr.set_nip(nip);
    sv1::ResponseToken token;
    grpc::Status s =
        Call(survey_.get(), &sv1::SurveyService::Stub::IssueResponseToken, tr, &token, Participant(nip));
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++tally_.already_there;  // they answered in an earlier run
      return;
    }
    if (!s.ok()) return Fail(s, "IssueResponseToken " + nip);
    auto req = New(Id("reaksi", cohort + nip), "reaksi-peserta", cohort, when);
    sv1::Response& r = *req.mutable_response();
    r.set_eligibility_token(token.token());
    demo::Rng rng(absl::StrCat("reaksi|", cohort, "|", nip));
    const double tone = rng.Normal() * 0.45;
    const char* dims[4][3] = {{"M1", "M2", "M3"}, {"I1", "I2", "I3"}, {"F1", "F2", "F3"}, {"P1", "P2", "P3"}};
    for (int d = 0; d < 4; ++d) {
      for (const char* code : dims[d]) {
        Add(r, code)->set_number(Clamp(p.reaction_mean[d] + quality + tone + rng.Normal() * 0.55, 1, 5));
      }
    }
    if (rng.Uniform() < 0.3) Add(r, "SARAN")->set_text(p.suggestions[rng.Below(static_cast<int>(p.suggestions.size()))]);
    req.set_parent(kParent);
    sv1::Response out;
    grpc::Status cs = Call(survey_.get(), &sv1::SurveyService::Stub::CreateResponse, req, &out, Participant(nip));
    if (cs.ok()) {
      ++tally_.created;
    } else {
      Fail(cs, "reaction " + cohort);
    }
  }

  // A follow-up of one wave: about oneself (self-report) or about a member
  // of one's staff (the supervisor's assessment).
  sv1::CreateResponseRequest FollowUp(const demo::ProgramPlan& p, const std::string& cohort,
                                      const std::string& respondent, const std::string& subject, int wave,
                                      absl::Time when) {
    const bool self = respondent == subject;
    auto req = New(Id(self ? "mandiri" : "atasan", absl::StrCat(cohort, subject, "|", wave)), "tindak-lanjut-atasan",
                   cohort, when);
    sv1::Response& r = *req.mutable_response();
    r.set_respondent_nip(respondent);
    r.set_subject_nip(subject);
    demo::Rng rng(absl::StrCat("followup|", cohort, "|", subject, "|", wave, "|", self));
    // Whether the person applies the training (participants see it a bit
    // more often than their supervisors do); more do by the later waves.
    const double applies = demo::Uniform(absl::StrCat("applies|", cohort, "|", subject));
    const bool applied = applies < p.applied_share + (self ? 0.1 : 0) + 0.04 * (wave / 30 - 1);
    Add(r, "DITERAPKAN")->set_yes(applied);
    if (applied) {
      sv1::Answer* a = Add(r, "KOMPETENSI");
      for (const auto& c : p.applied_competencies) a->mutable_choices()->add_codes(c);
    }
    for (const char* code : {"R1", "R2", "R3", "R4"}) {
      Add(r, code)->set_number(applied ? Clamp(3.3 + rng.Normal() * 0.5, 2, 4) : Clamp(1.7 + rng.Normal() * 0.5, 1, 3));
    }
    const char* hambatan[] = {"beban-kerja", "sarana", "dukungan-pimpinan", "lainnya"};
    Add(r, "HAMBATAN")->set_choice(applied && rng.Uniform() < 0.6 ? "tidak-ada" : hambatan[rng.Below(4)]);
    if (!self && rng.Uniform() < 0.2) {
      // Partly the regency's own words (BKPSDM's evaluation note).
      Add(r, "CATATAN")->set_text(applied ? "Sudah menerapkan dan membantu rekan kerja."
                                  : rng.Uniform() < 0.5
                                      ? "Belum terlihat perubahan; beban kerja loket tinggi."
                                      : "Ilmu yang didapat belum diterapkan dalam pekerjaan sehari-hari; perlu "
                                        "tindak lanjut dan pengawasan pasca pelatihan.");
    }
    return req;
  }

  sv1::CreateResponseRequest Observation(const std::string& cohort, const std::string& observer,
                                         const std::string& subject, double applied_share, absl::Time when) {
    auto req = New(Id("observasi", cohort + subject + observer), "observasi-kinerja", cohort, when);
    sv1::Response& r = *req.mutable_response();
    r.set_respondent_nip(observer);
    r.set_subject_nip(subject);
    demo::Rng rng(absl::StrCat("observasi|", cohort, "|", subject));
    const bool applied = demo::Uniform(absl::StrCat("applies|", cohort, "|", subject)) < applied_share;
    for (const char* code : {"O1", "O2", "O3", "O4"}) {
      Add(r, code)->set_number(applied ? Clamp(3.2 + rng.Normal() * 0.5, 2, 4) : Clamp(2 + rng.Normal() * 0.5, 1, 3));
    }
    Add(r, "FREKUENSI")->set_choice(applied ? (rng.Uniform() < 0.5 ? "sering" : "selalu") : "kadang-kadang");
    if (rng.Uniform() < 0.4) {
      Add(r, "CATATAN")->set_text(applied ? "Menerapkan prosedur sesuai materi, pelayanan tuntas."
                                          : "Prosedur baru belum konsisten diterapkan.");
    }
    return req;
  }

  sv1::CreateResponseRequest Interview(const std::string& cohort, const std::string& observer,
                                       const std::string& subject, double applied_share, absl::Time when) {
    auto req = New(Id("wawancara", cohort + subject), "wawancara-dampak", cohort, when);
    sv1::Response& r = *req.mutable_response();
    r.set_respondent_nip(observer);
    r.set_subject_nip(subject);
    demo::Rng rng(absl::StrCat("wawancara|", cohort, "|", subject));
    const bool applied = demo::Uniform(absl::StrCat("applies|", cohort, "|", subject)) < applied_share;
    Add(r, "W1")->set_choice(applied ? (rng.Uniform() < 0.5 ? "kecepatan-layanan" : "kualitas-layanan")
                                     : "tidak-ada-perubahan");
    Add(r, "W2")->set_yes(applied || rng.Uniform() < 0.4);
    sv1::Answer* w3 = Add(r, "W3");
    w3->mutable_choices()->add_codes("pimpinan");
    if (rng.Uniform() < 0.5) w3->mutable_choices()->add_codes("rekan-kerja");
    Add(r, "W4")->set_choice(applied ? "tidak-ada" : (rng.Uniform() < 0.5 ? "waktu" : "sarana"));
    Add(r, "URAIAN")->set_text(applied ? "Peserta mampu memberikan informasi yang lebih jelas kepada masyarakat; "
                                         "pemohon kini dilayani lebih cepat karena alur loket diperjelas."
                                       : "Peserta belum sempat menerapkan karena kekurangan petugas di loket.");
    return req;
  }

  void Cohort(const demo::ProgramPlan& p, const ev1::Cohort& cohort) {
    const demo::CohortPlan* plan = nullptr;
    for (const auto& c : plan_.cohorts) {
      if (c.name() == cohort.name()) plan = &c;
    }
    if (plan == nullptr) return;  // not one of the demo's
    const std::string& cname = cohort.name();
    std::vector<ev1::Enrolment> members;
    std::string token;
    do {
      ev1::ListEnrolmentsRequest req;
      req.set_parent(cname);
      req.set_page_size(500);
      req.set_page_token(token);
      ev1::ListEnrolmentsResponse resp;
      grpc::Status s = Call(enrolment_.get(), &ev1::EnrolmentService::Stub::ListEnrolments, req, &resp, Organiser());
      if (!s.ok()) return Fail(s, "ListEnrolments " + cname);
      for (const auto& e : resp.enrolments()) members.push_back(e);
      token = resp.next_page_token();
    } while (!token.empty());

    const double quality = (demo::Uniform("quality|" + cname) - 0.5) * 0.5;
    const absl::Time first = demo::StartOf(plan->start), last = demo::StartOf(plan->end);
    std::map<std::string, std::vector<sv1::CreateResponseRequest>> by_supervisor;
    std::vector<std::string> completed;
    for (const ev1::Enrolment& e : members) {
      const std::string nip = e.name().substr(e.name().rfind('/') + 1);
      const std::set<std::string> days(e.attended_days().begin(), e.attended_days().end());
      demo::Rng rng("times|" + cname + nip);
      std::vector<sv1::CreateResponseRequest> own;
      auto before_cut = [&](absl::Time t) { return t < cutoff_; };
      if (days.count(absl::FormatCivilTime(plan->start))) {
        const absl::Time t = first + absl::Minutes(8 * 60 + rng.Below(40));
        if (before_cut(t)) own.push_back(Test(p, cname, nip, true, quality, t));
      }
      const bool last_day = days.count(absl::FormatCivilTime(plan->end)) > 0;
      if (last_day) {
        const absl::Time t = last + absl::Minutes(13 * 60 + rng.Below(50));
        if (before_cut(t)) own.push_back(Test(p, cname, nip, false, quality, t));
      }
      if (e.state() == ev1::Enrolment::COMPLETED) {
        completed.push_back(nip);
        // Self-reports, fewer with each wave; supervisors answer more often.
        const int waves[3] = {30, 60, 90};
        const double self_rate[3] = {0.8, 0.65, 0.5}, sup_rate[3] = {0.92, 0.8, 0.7};
        const int self_day[3] = {20, 50, 80}, sup_day[3] = {26, 55, 84};
        const std::string& sup = supervisor_[nip];
        for (int w = 0; w < 3; ++w) {
          const std::string key = absl::StrCat("wave|", cname, "|", nip, "|", w);
          if (demo::Uniform(key + "|self") < self_rate[w]) {
            const absl::Time t = demo::StartOf(plan->end + self_day[w] + rng.Below(9)) + absl::Hours(9 + rng.Below(8));
            if (before_cut(t)) own.push_back(FollowUp(p, cname, nip, nip, waves[w], t));
          }
          if (!sup.empty() && demo::Uniform(key + "|sup") < sup_rate[w]) {
            const absl::Time t = demo::StartOf(plan->end + sup_day[w] + rng.Below(13)) + absl::Hours(8 + rng.Below(8));
            if (before_cut(t)) by_supervisor[sup].push_back(FollowUp(p, cname, sup, nip, waves[w], t));
          }
        }
      }
      if (!own.empty()) Send(std::move(own), Participant(nip), "participant responses " + cname);
      if (last_day) {
        const absl::Time t = last + absl::Minutes(14 * 60 + 30 + rng.Below(60));
        if (before_cut(t) && demo::Uniform("reaksi?|" + cname + nip) < 0.88) Reaction(p, cname, nip, quality, t);
      }
    }
    for (auto& [sup, reqs] : by_supervisor) Send(std::move(reqs), Supervisor(sup), "supervisor assessments " + cname);
    // Each named observer visits some of the participants at work five to
    // eight weeks after the cohort; the first also interviews a few.
    for (int o = 0; o < cohort.observers_size(); ++o) {
      const std::string& observer = cohort.observers(o);
      std::vector<sv1::CreateResponseRequest> reqs;
      for (size_t i = o; i < completed.size(); i += 4) {
        demo::Rng rng(absl::StrCat("visit|", cname, "|", completed[i]));
        const absl::Time t = demo::StartOf(plan->end + 35 + rng.Below(25)) + absl::Hours(9 + rng.Below(6));
        if (t < cutoff_) reqs.push_back(Observation(cname, observer, completed[i], p.applied_share, t));
        if (o == 0 && i % 12 == 0) {
          const absl::Time ti = t + absl::Hours(1);
          if (ti < cutoff_) reqs.push_back(Interview(cname, observer, completed[i], p.applied_share, ti));
        }
      }
      if (!reqs.empty()) Send(std::move(reqs), Observer(observer), "observations " + cname);
    }
  }

  // ------------------------------------------------------------------ SKM

  // SKM responses of every unit and month: each respondent's tone (how they
  // found the service overall) and each element's own deviation are drawn
  // stratified over the month, so that a month's element means are what the
  // plan says and its spread is a real sample's.
  void Skm() {
    static const char* kSaran[] = {"Antrean perlu nomor urut.", "Ruang tunggu panas, mohon ditambah kipas angin.",
                                   "Petugas ramah dan cepat.", "Persyaratan perlu dipasang di depan loket.",
                                   "Mohon layanan dibuka tepat waktu.", "Pelayanan sudah baik, pertahankan."};
    std::vector<sv1::CreateResponseRequest> batch;
    for (const demo::UnitPlan& u : plan_.units) {
      const std::string unit = absl::StrCat(kParent, "/units/", u.id);
      for (absl::CivilMonth m(demo::kDataStart); absl::CivilDay(m) < as_of_; ++m) {
        const std::string key = absl::StrCat(u.id, "|", absl::FormatCivilTime(m));
        const int n = static_cast<int>(std::lround(u.skm_per_month * (0.9 + 0.2 * demo::Uniform("skm-n|" + key))));
        // The month's working days, when the survey desk is open.
        std::vector<absl::CivilDay> workdays;
        for (absl::CivilDay d(m); absl::CivilMonth(d) == m; ++d) {
          if (absl::GetWeekday(d) != absl::Weekday::saturday && absl::GetWeekday(d) != absl::Weekday::sunday) {
            workdays.push_back(d);
          }
        }
        const std::vector<int> tone = Permutation(n, "skm-tone|" + key);
        std::vector<std::vector<int>> dev;
        for (int e = 0; e < 9; ++e) dev.push_back(Permutation(n, absl::StrCat("skm-el|", key, "|", e)));
        for (int i = 0; i < n; ++i) {
          const absl::CivilDay day = workdays[static_cast<size_t>(i) * workdays.size() / n];
          if (day >= as_of_) continue;
          demo::Rng rng(absl::StrCat("skm|", key, "|", i));
          auto req = New(absl::StrFormat("demo-skm-%s-%04d%02d-%03d", u.id, m.year(), m.month(), i),
                         "skm-permenpanrb-14-2017", "", demo::StartOf(day) + absl::Minutes(8 * 60 + rng.Below(7 * 60)));
          sv1::Response& r = *req.mutable_response();
          r.clear_cohort();
          r.set_unit(unit);
          const double zt = demo::NormalQuantile((tone[i] + 0.5) / n);
          for (int e = 0; e < 9; ++e) {
            const double z = 0.8 * zt + 0.6 * demo::NormalQuantile((dev[e][i] + 0.5) / n);
            Add(r, absl::StrCat("U", e + 1))->set_number(Clamp(plan_.ElementMean(u.id, e, day) + 0.7 * z, 1, 4));
          }
          if (rng.Uniform() < 0.08) Add(r, "SARAN")->set_text(kSaran[rng.Below(std::size(kSaran))]);
          AddProfile(r, &rng);
          batch.push_back(std::move(req));
          ++skm_;
          if (batch.size() == 500) Send(std::exchange(batch, {}), Kiosk(), "SKM");
        }
      }
    }
    if (!batch.empty()) Send(std::move(batch), Kiosk(), "SKM");
  }

  const demo::Plan& plan_ = demo::Batanghari();
  std::unique_ptr<sv1::SurveyService::Stub> survey_;
  std::unique_ptr<ev1::EnrolmentService::Stub> enrolment_;
  absl::CivilDay as_of_;
  absl::Time cutoff_;
  std::map<std::string, std::string> supervisor_;  // NIP -> supervisor_nip
  demo::Tally tally_;
  int64_t skm_ = 0, replaced_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto as_of = demo::CheckLoaderFlags(absl::GetFlag(FLAGS_tenant), absl::GetFlag(FLAGS_as_of));
  if (!as_of.ok()) return 2;
  Loader loader(grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()),
                grpc::CreateChannel(absl::GetFlag(FLAGS_enrolment), grpc::InsecureChannelCredentials()), *as_of);
  loader.Run();
  return loader.tally().failed == 0 ? 0 : 1;
}
