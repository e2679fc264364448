#include "services/scoring/scoring.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/role/reach.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/store/field_mask.h"
#include "lib/time/time.h"
#include "services/scoring/figures.h"

namespace pelita::scoring {
namespace {

// Kemendagri codes of Jambi's regencies and cities (SPEC §2); other
// provinces are benchmarked over the tenants this deployment serves.
const std::vector<std::string>& MembersOf(const std::string& province) {
  static const auto* jambi = new std::vector<std::string>{
      "1501", "1502", "1503", "1504", "1505", "1506", "1507", "1508", "1509", "1571", "1572"};
  static const auto* none = new std::vector<std::string>{};
  return province == "15" ? *jambi : *none;
}

// Instructors (x-pelita-role "instructor") see only the aggregates of the
// cohorts they teach: those whose `instructors` list names their subject.
bool IsInstructor(const Caller& c) { return IsRole(c, Role::kInstructor); }

// Whether an instructor teaches a cohort: their token names it, or its
// instructor list names them (lib/role/reach).
template <typename Cohort>
bool Teaches(const Caller& instructor, const Cohort& c) {
  return ReachesCohort(instructor, c.name(), {c.instructors().begin(), c.instructors().end()});
}

absl::Status CheckInstructorSubject(const Caller& c) {
  if (IsInstructor(c) && c.subject.empty()) {
    return WithReason(absl::PermissionDeniedError("an instructor caller must name itself in x-pelita-subject"),
                      "INSTRUCTOR_WITHOUT_SUBJECT");
  }
  return absl::OkStatus();
}

// Verbatim free-text excerpts may identify the people observed or
// interviewed: only organisers, admins and internal callers see them.
void HideExcerptsUnlessOrganiser(const Caller& c, v1::Evaluation* ev) {
  if (IsStaff(c)) return;
  for (auto& t : *ev->mutable_behaviour()->mutable_text_answers()) t.clear_excerpts();
}

}  // namespace

ScoringLogic::ScoringLogic(redis::Client* redis, EnrolmentSource* enrolment, SurveySource* survey,
                           ComplaintSource* complaint, ScoringOptions options)
    : store_(redis, options.cache_ttl,
             absl::StrCat(ScoringStore::kCacheFormat, "-c", options.min_control_units)),
      enrolment_(enrolment),
      collector_(enrolment, survey, complaint, options.now, options.min_control_units),
      options_(std::move(options)) {
  collector_.SetPerformance(options_.performance);
}

v1::ScoringSettings ScoringLogic::Effective(const std::string& tenant, const v1::ScoringSettings& stored) const {
  v1::ScoringSettings s = EffectiveSettings(stored);
  if (options_.min_n_floor) s.set_min_n(std::max(s.min_n(), options_.min_n_floor(tenant)));
  return s;
}

absl::StatusOr<v1::Evaluation> ScoringLogic::Evaluation(const std::string& tenant, const std::string& cohort,
                                                        bool refresh) {
  PELITA_ASSIGN_OR_RETURN(ScoringStore::Snapshot snap, store_.Read(tenant, cohort));
  if (snap.cached && !refresh) {
    snap.cached->set_cached(true);
    ScrubWithheld(&*snap.cached);
    return *std::move(snap.cached);
  }
  const v1::ScoringSettings settings = Effective(tenant, snap.settings);
  PELITA_ASSIGN_OR_RETURN(CohortInputs in, collector_.Collect(tenant, cohort, settings));
  v1::Evaluation ev = Evaluate(in, settings);
  *ev.mutable_compute_time() = ToTimestamp(options_.now());
  PELITA_RETURN_IF_ERROR(store_.PutCached(tenant, cohort, snap, ev));
  return ev;
}

absl::StatusOr<v1::Evaluation> ScoringLogic::GetEvaluation(const Caller& caller,
                                                           const v1::GetEvaluationRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", r.name(),
                                                          "tenants/*/programs/*/cohorts/*/evaluation"));
  const std::string cohort = absl::StrCat("tenants/", parts[0], "/programs/", parts[1], "/cohorts/", parts[2]);
  if (IsInstructor(caller)) {
    // Checked against the enrolment service on every call, before the
    // cache is read, so a cached report never bypasses it.
    PELITA_RETURN_IF_ERROR(CheckInstructorSubject(caller));
    PELITA_ASSIGN_OR_RETURN(auto c, enrolment_->GetCohort(caller.tenant, cohort));
    if (!Teaches(caller, c)) {
      return WithReason(absl::PermissionDeniedError(
                            absl::StrCat("instructor ", caller.subject, " does not teach cohort ", cohort)),
                        "NOT_YOUR_COHORT");
    }
  }
  PELITA_ASSIGN_OR_RETURN(v1::Evaluation ev, Evaluation(caller.tenant, cohort, r.refresh()));
  HideExcerptsUnlessOrganiser(caller, &ev);
  ScrubWithheld(&ev);
  return ev;
}

absl::StatusOr<std::vector<ProgramEvaluations>> ScoringLogic::Evaluations(const std::string& tenant, int year,
                                                                           const Caller* instructor) {
  std::vector<ProgramEvaluations> out;
  PELITA_ASSIGN_OR_RETURN(auto programs, enrolment_->ListPrograms(tenant));
  for (const auto& p : programs) {
    if (year != 0 && p.year() != year) continue;
    ProgramEvaluations pe;
    pe.program = p.name();
    pe.title = p.title();
    PELITA_ASSIGN_OR_RETURN(auto cohorts, enrolment_->ListCohorts(tenant, p.name()));
    for (const auto& c : cohorts) {
      if (instructor != nullptr && !Teaches(*instructor, c)) continue;
      PELITA_ASSIGN_OR_RETURN(auto ev, Evaluation(tenant, c.name(), false));
      pe.cohorts.push_back(std::move(ev));
    }
    if (instructor != nullptr && pe.cohorts.empty()) continue;
    out.push_back(std::move(pe));
  }
  return out;
}

absl::StatusOr<v1::RankProgramsResponse> ScoringLogic::RankPrograms(const Caller& caller,
                                                                    const v1::RankProgramsRequest& r) {
  PELITA_RETURN_IF_ERROR(ParseTenantResource(caller, "parent", r.parent(), "tenants/*").status());
  if (r.year() < 2000 || r.year() > 2100) return InvalidField("year", "must be a year such as 2026");
  PELITA_RETURN_IF_ERROR(CheckInstructorSubject(caller));
  if (IsInstructor(caller)) {
    // The instructor's own cohorts only, and only the instructor's own row.
    PELITA_ASSIGN_OR_RETURN(View view, BuildCallerView(caller.tenant, r.year(), &caller));
    v1::RankProgramsResponse out = scoring::RankPrograms(view.rows, view.programs, true);
    auto* rows = out.mutable_instructors();
    for (int i = rows->size() - 1; i >= 0; --i) {
      if (rows->Get(i).instructor() != caller.subject) rows->DeleteSubrange(i, 1);
    }
    return out;
  }
  PELITA_ASSIGN_OR_RETURN(View view, BuildCallerView(caller.tenant, r.year(), nullptr));
  return scoring::RankPrograms(view.rows, view.programs, IsStaff(caller));
}

absl::StatusOr<ScoringLogic::View> ScoringLogic::BuildCallerView(const std::string& tenant, int year,
                                                                 const Caller* instructor) {
  PELITA_ASSIGN_OR_RETURN(v1::ScoringSettings stored, store_.GetSettings(tenant));
  const v1::ScoringSettings settings = Effective(tenant, stored);
  View out;
  std::vector<RollUpCohort> cohorts;
  PELITA_ASSIGN_OR_RETURN(auto programs, enrolment_->ListPrograms(tenant));
  for (const auto& p : programs) {
    if (p.year() != year) continue;
    PELITA_ASSIGN_OR_RETURN(auto list, enrolment_->ListCohorts(tenant, p.name()));
    bool any = false;
    for (const auto& c : list) {
      if (instructor != nullptr && !Teaches(*instructor, c)) continue;
      any = true;
      PELITA_ASSIGN_OR_RETURN(v1::Evaluation ev, Evaluation(tenant, c.name(), false));
      CohortInputs in;
      ParticipantResponses data;
      // Participant-level data for every view: the unit rows are part of
      // what the caller can read, so every grouping is protected with them.
      PELITA_RETURN_IF_ERROR(collector_.CollectForRollUp(tenant, c.name(), true, &in, &data));
      in.enrolled = ev.enrolled();
      in.cost.jp = p.jp();
      RollUpCohort rc;
      rc.cohort = c.name();
      rc.program = p.name();
      rc.program_title = p.title();
      rc.year = p.year();
      rc.instructors.assign(c.instructors().begin(), c.instructors().end());
      rc.whole = WholeCohort(in, ev);
      const auto& cpp = ev.cost().per_participant();
      rc.by_unit = UnitContributions(data, cpp.withheld() ? 0 : cpp.value());
      cohorts.push_back(std::move(rc));
    }
    if (instructor == nullptr || any) out.programs.push_back({p.name(), p.title()});
  }
  std::map<std::string, std::string> titles;
  PELITA_ASSIGN_OR_RETURN(auto units, enrolment_->ListUnits(tenant));
  for (const auto& u : units) titles[u.name()] = u.display_name();
  out.rows = BuildView(cohorts, titles, settings);
  return out;
}

absl::StatusOr<v1::RollUpEvaluationsResponse> ScoringLogic::RollUpEvaluations(
    const Caller& caller, const v1::RollUpEvaluationsRequest& r) {
  PELITA_RETURN_IF_ERROR(ParseTenantResource(caller, "parent", r.parent(), "tenants/*").status());
  if (r.year() < 2000 || r.year() > 2100) return InvalidField("year", "must be a year such as 2026");
  using Req = v1::RollUpEvaluationsRequest;
  if (r.group_by() != Req::PROGRAM && r.group_by() != Req::INSTRUCTOR && r.group_by() != Req::UNIT &&
      r.group_by() != Req::YEAR) {
    return InvalidField("group_by", "must be PROGRAM, INSTRUCTOR, UNIT or YEAR");
  }
  PELITA_RETURN_IF_ERROR(CheckInstructorSubject(caller));
  const bool instructor = IsInstructor(caller);
  PELITA_ASSIGN_OR_RETURN(View view, BuildCallerView(caller.tenant, r.year(), instructor ? &caller : nullptr));
  v1::RollUpEvaluationsResponse out = RollUp(view.rows, r.group_by());
  out.set_parent(r.parent());
  out.set_year(r.year());
  if (instructor && r.group_by() == Req::INSTRUCTOR) {
    auto* rows = out.mutable_rows();
    for (int i = rows->size() - 1; i >= 0; --i) {
      if (rows->Get(i).group() != caller.subject) rows->DeleteSubrange(i, 1);
    }
  }
  return out;
}

absl::StatusOr<v1::ProvinceBenchmark> ScoringLogic::GetProvinceBenchmark(
    const Caller& caller, const v1::GetProvinceBenchmarkRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseResourceName("name", r.name(), "provinces/*/benchmarks"));
  const std::string province = parts[0];
  PELITA_RETURN_IF_ERROR(ValidateProvince(province));
  // National callers (the country's code) read every province.
  const bool national = caller.tenant == kNationalTenantCode && IsRole(caller, Role::kNationalIntegrator);
  if (!national && caller.tenant != province && std::string(ProvinceOf(caller.tenant)) != province) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat("caller ", caller.tenant, " is not in province ", province)),
        "OTHER_PROVINCE");
  }
  if (r.year() < 2000 || r.year() > 2100) return InvalidField("year", "must be a year such as 2026");
  if (IsInstructor(caller)) {
    return WithReason(absl::PermissionDeniedError("the province benchmark compares regencies: instructors "
                                                  "read the roll-ups of their own cohorts"),
                      "INSTRUCTOR_NO_BENCHMARK");
  }
  // Who may see other regencies by name (SPEC §6): the province, national
  // bodies and the services themselves.
  const absl::StatusOr<Role> role = ParseRole(caller.role);
  const bool named = (role.ok() && (*role == Role::kInternal || *role == Role::kProvince ||
                                    *role == Role::kNationalIntegrator)) ||
                     caller.tenant == province;
  std::string focus = r.focus_tenant();
  if (focus.empty() && caller.tenant.size() == 4) focus = caller.tenant;
  if (!focus.empty() && std::string(ProvinceOf(focus)) != province) {
    return InvalidField("focus_tenant", "must be a tenant of the province");
  }
  if (!named && focus != caller.tenant) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "role ", caller.role, " of tenant ", caller.tenant,
                          " sees its own row and the province's distribution only")),
                      "OWN_ROW_ONLY");
  }
  std::vector<v1::TenantIndicators> rows;
  const std::vector<std::string> served =
      options_.tenant_source != nullptr ? options_.tenant_source->Tenants() : options_.tenants;
  for (const auto& t : served) {
    if (std::string(ProvinceOf(t)) != province) continue;
    PELITA_ASSIGN_OR_RETURN(View view, BuildCallerView(t, r.year(), nullptr));
    rows.push_back(TenantSummary(t, static_cast<int>(view.programs.size()), view.rows));
  }
  std::vector<std::string> missing;
  for (const auto& m : MembersOf(province)) {
    if (std::find(served.begin(), served.end(), m) == served.end()) {
      missing.push_back(m);
    }
  }
  return Benchmark(r.name(), r.year(), focus, std::move(rows), std::move(missing), named);
}

absl::StatusOr<v1::BudgetAdvice> ScoringLogic::AdviseBudget(const Caller& caller, const v1::AdviseBudgetRequest& r) {
  PELITA_RETURN_IF_ERROR(ParseTenantResource(caller, "parent", r.parent(), "tenants/*").status());
  if (r.candidates_size() == 0) return InvalidField("candidates", "must not be empty");
  if (r.candidates_size() > 200) return InvalidField("candidates", "at most 200");
  std::vector<BudgetOption> options;
  std::vector<ProgramEvaluations> measured;
  bool loaded = false;
  for (int i = 0; i < r.candidates_size(); ++i) {
    const auto& c = r.candidates(i);
    const std::string f = absl::StrCat("candidates[", i, "]");
    PELITA_RETURN_IF_ERROR(ParseTenantResource(caller, f + ".program", c.program(), "tenants/*/programs/*").status());
    BudgetOption o;
    o.program = c.program();
    o.cost_per_participant = c.cost_per_participant();
    o.cohort_size = c.cohort_size();
    o.max_cohorts = c.max_cohorts() == 0 ? 1 : c.max_cohorts();
    if (c.effect_per_participant() != 0) {
      o.effect_per_participant = c.effect_per_participant();
      o.effect_source = "given by the organiser";
      o.effect_source_code = "EFFECT_GIVEN";
    } else {
      if (!loaded) {
        PELITA_ASSIGN_OR_RETURN(measured, Evaluations(caller.tenant, r.measured_year()));
        loaded = true;
      }
      double sum = 0, w = 0;
      int cohorts = 0;
      int64_t pairs = 0;
      for (const auto& p : measured) {
        if (p.program != c.program()) continue;
        for (const auto& e : p.cohorts) {
          const auto& g = e.learning().normalised_gain();
          if (!e.has_learning() || g.withheld()) continue;
          sum += g.value() * g.n();
          w += g.n();
          pairs += g.n();
          ++cohorts;
        }
      }
      if (w > 0) {
        o.effect_per_participant = 100 * sum / w;
        o.effect_source = absl::StrCat("measured: pair-weighted mean normalised gain of ", cohorts,
                                       " cohort(s), n = ", pairs, " pairs");
        o.effect_source_code = "EFFECT_MEASURED";
        o.effect_cohorts = cohorts;
        o.effect_pairs = pairs;
      } else {
        o.effect_source = "no measured normalised gain for this programme";
        o.effect_source_code = "EFFECT_NOT_MEASURED";
      }
    }
    options.push_back(std::move(o));
  }
  return scoring::AdviseBudget(r.budget(), options);
}

absl::StatusOr<v1::ScoringSettings> ScoringLogic::GetScoringSettings(const Caller& caller,
                                                              const v1::GetScoringSettingsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "name", r.name(), "tenants/*/scoringSettings"));
  PELITA_ASSIGN_OR_RETURN(v1::ScoringSettings s, store_.GetSettings(caller.tenant));
  v1::ScoringSettings out = Effective(caller.tenant, s);
  out.set_name(r.name());
  return out;
}

absl::StatusOr<v1::ScoringSettings> ScoringLogic::UpdateScoringSettings(const Caller& caller,
                                                                 const v1::UpdateScoringSettingsRequest& r) {
  if (!IsStaff(caller)) {
    return WithReason(absl::PermissionDeniedError("only an admin or organiser may change scoring settings"),
                      "STAFF_ONLY");
  }
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(caller, "settings.name", r.settings().name(),
                                                          "tenants/*/scoringSettings"));
  PELITA_ASSIGN_OR_RETURN(v1::ScoringSettings s, store_.GetSettings(caller.tenant));
  // AIP-134: the fields the mask names (every field set in the request
  // when it names none); name and update_time are the service's.
  PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(r.settings(), r.update_mask(), {"name", "update_time"}, &s));
  for (const auto& [program, b] : s.benefit_estimates()) {
    PELITA_RETURN_IF_ERROR(ParseTenantResource(caller, "settings.benefit_estimates", program,
                                               "tenants/*/programs/*").status());
  }
  PELITA_RETURN_IF_ERROR(ValidateSettings(s));
  s.set_name(r.settings().name());
  *s.mutable_update_time() = ToTimestamp(options_.now());
  PELITA_RETURN_IF_ERROR(store_.PutSettings(caller.tenant, s));
  v1::ScoringSettings out = Effective(caller.tenant, s);
  return out;
}

}  // namespace pelita::scoring
