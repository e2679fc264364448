#include "services/scoring/collector.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/status/status.h"
#include "lib/log/log.h"
#include "services/scoring/figures.h"

namespace pelita::scoring {
namespace {

namespace sv1 = ::pelita::survey::v1;
namespace ev1 = ::pelita::enrolment::v1;

void AddScale(ScaleAggregate& a, int64_t n, double sum, double sum_sq, double lo, double hi) {
  a.moments.Merge(stats::Moments::FromSums(n, sum, sum_sq));
  a.min_value = lo;
  a.max_value = hi;
}

bool Participant(const ev1::Enrolment& e) {
  return e.state() == ev1::Enrolment::ENROLLED || e.state() == ev1::Enrolment::ATTENDED ||
         e.state() == ev1::Enrolment::COMPLETED;
}

absl::CivilDay Day(const google::type::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

}  // namespace

void ApplySurveyAggregates(const sv1::CohortAggregates& aggregates, CohortInputs* in) {
  for (const sv1::InstrumentAggregates& ia : aggregates.instruments()) {
    switch (ia.kind()) {
      case sv1::REACTION: {
        if (!in->reaction) in->reaction.emplace();
        ReactionInputs& r = *in->reaction;
        r.responses += ia.response_count();
        for (const auto& d : ia.dimensions()) {
          const std::string name = DimensionName(d.dimension());
          if (name.empty()) continue;
          AddScale(r.dimensions[name], d.n(), static_cast<double>(d.sum()),
                   static_cast<double>(d.sum_squares()), d.min_value(), d.max_value());
        }
        // Alpha from the first reaction instrument with reliability inputs.
        const auto& rel = ia.reliability();
        if (r.items.empty() && rel.k() >= 2 && rel.item_sums_size() == rel.k() &&
            rel.item_sum_squares_size() == rel.k()) {
          for (int i = 0; i < rel.k(); ++i) {
            r.items.push_back(stats::Moments::FromSums(rel.n(), static_cast<double>(rel.item_sums(i)),
                                                       static_cast<double>(rel.item_sum_squares(i))));
          }
          r.totals = stats::Moments::FromSums(rel.n(), static_cast<double>(rel.total_sum()),
                                              static_cast<double>(rel.total_sum_squares()));
        }
        break;
      }
      case sv1::POSTTEST: {
        const auto& p = ia.paired();
        if (!in->learning) in->learning.emplace();
        LearningInputs& l = *in->learning;
        if (p.n() == 0 && l.pairs > 0) break;
        l.pairs += p.n();
        l.sum_pre += static_cast<double>(p.sum_pre());
        l.sum_post += static_cast<double>(p.sum_post());
        l.sum_pre_sq += static_cast<double>(p.sum_pre_squares());
        l.sum_post_sq += static_cast<double>(p.sum_post_squares());
        l.sum_diff += static_cast<double>(p.sum_diff());
        l.sum_diff_sq += static_cast<double>(p.sum_diff_squares());
        if (p.max_score() > 0) l.max_score = static_cast<double>(p.max_score());
        if (p.pre_band_counts_size() == 10 && p.post_band_counts_size() == 10) {
          l.bands_known = true;
          for (int k = 0; k < 10; ++k) {
            l.pre_bands[k] += p.pre_band_counts(k);
            l.post_bands[k] += p.post_band_counts(k);
          }
        }
        break;
      }
      case sv1::FOLLOWUP:
      case sv1::OBSERVATION:
      case sv1::INTERVIEW: {
        if (!in->behaviour) in->behaviour.emplace();
        BehaviourInputs& b = *in->behaviour;
        if (ia.kind() == sv1::FOLLOWUP) b.followups += ia.response_count();
        // Follow-ups: supervisor assessments are the evidence of
        // application; self-reports are counted apart (and stay out of the
        // rubric).  Aggregates without roles: every follow-up as before.
        const sv1::FollowUpRoleAggregates* assessed = nullptr;
        const sv1::FollowUpRoleAggregates* self = nullptr;
        for (const auto& ra : ia.roles()) {
          if (ra.role() == sv1::SUPERVISOR_ASSESSMENT) assessed = &ra;
          if (ra.role() == sv1::SELF_REPORT) self = &ra;
        }
        auto yes_no = [](const sv1::ItemAggregate& item, int64_t* yes, int64_t* answered) {
          auto ya = item.choice_counts().find("ya");
          auto tidak = item.choice_counts().find("tidak");
          const int64_t y = ya == item.choice_counts().end() ? 0 : ya->second;
          const int64_t t = tidak == item.choice_counts().end() ? 0 : tidak->second;
          *yes += y;
          *answered += y + t;
        };
        const auto& items = (ia.kind() == sv1::FOLLOWUP && assessed != nullptr) ? assessed->items() : ia.items();
        for (const auto& item : items) {
          if (ia.kind() == sv1::FOLLOWUP && item.type() == sv1::YES_NO) {
            yes_no(item, &b.applied_yes, &b.applied_answered);
          } else if ((item.type() == sv1::LIKERT || item.type() == sv1::SCORE) &&
                     !item.competency().empty() && ia.kind() != sv1::INTERVIEW) {
            AddScale(b.rubric[item.competency()], item.n(), static_cast<double>(item.sum()),
                     static_cast<double>(item.sum_squares()), item.min_value(), item.max_value());
          }
        }
        if (self != nullptr) {
          for (const auto& item : self->items()) {
            if (item.type() == sv1::YES_NO) yes_no(item, &b.self_yes, &b.self_answered);
          }
        }
        for (const auto& item : ia.items()) {
          if ((item.type() == sv1::SINGLE_CHOICE || item.type() == sv1::MULTIPLE_CHOICE) &&
              ia.kind() != sv1::FOLLOWUP) {
            CodedItem c;
            c.instrument = ia.instrument();
            c.item = item.item();
            c.n = item.n();
            for (const auto& [code, count] : item.choice_counts()) c.counts[code] = count;
            b.coded.push_back(std::move(c));
          }
        }
        break;
      }
      default:
        break;
    }
  }
  // People, never answers: the survey service's distinct counts over every
  // follow-up instrument of the cohort.
  if (aggregates.has_followup()) {
    if (!in->behaviour) in->behaviour.emplace();
    BehaviourInputs& b = *in->behaviour;
    const sv1::FollowUpPeople& f = aggregates.followup();
    b.people_known = true;
    b.eligible = f.eligible_count();
    b.answered_people = f.respondent_count();
    b.waves.clear();
    for (const auto& w : f.waves()) {
      WaveInputs wi;
      wi.offset_days = w.offset_days();
      wi.first_day = w.first_day();
      wi.last_day = w.last_day();
      wi.eligible = w.eligible_count();
      wi.self_reported = w.self_report_count();
      wi.assessed = w.assessed_count();
      b.waves.push_back(std::move(wi));
    }
  }
}

absl::StatusOr<CohortInputs> Collector::Collect(const std::string& tenant, const std::string& cohort_name,
                                                const v1::ScoringSettings& settings) {
  const std::vector<std::string> parts = absl::StrSplit(cohort_name, '/');
  if (parts.size() != 6) return InvalidField("name", "must be tenants/{t}/programs/{p}/cohorts/{c}");
  const std::string program_name = absl::StrCat(parts[0], "/", parts[1], "/", parts[2], "/", parts[3]);
  CohortInputs in;
  in.cohort = cohort_name;
  in.program = program_name;
  PELITA_ASSIGN_OR_RETURN(ev1::Program program, enrolment_->GetProgram(tenant, program_name));
  PELITA_ASSIGN_OR_RETURN(ev1::Cohort cohort, enrolment_->GetCohort(tenant, cohort_name));
  PELITA_ASSIGN_OR_RETURN(std::vector<ev1::Enrolment> enrolments,
                          enrolment_->ListEnrolments(tenant, cohort_name));
  in.program_title = program.title();
  in.year = program.year();
  for (const auto& i : cohort.instructors()) in.instructors.push_back(i);
  for (const auto& e : enrolments) {
    if (Participant(e)) ++in.enrolled;
    if (e.state() == ev1::Enrolment::COMPLETED) ++in.completed;
  }
  // Cost: per participant when the programme records it, else the budget
  // shared over the programme's cohorts by participants.
  in.cost.jp = program.jp();
  int64_t program_participants = in.enrolled;
  if (program.cost_per_participant() > 0 || program.budget() > 0 ||
      settings.benefit_estimates().count(program_name)) {
    PELITA_ASSIGN_OR_RETURN(auto cohorts, enrolment_->ListCohorts(tenant, program_name));
    program_participants = 0;
    for (const auto& c : cohorts) program_participants += c.enrolled_count();
    if (program_participants < in.enrolled) program_participants = in.enrolled;
  }
  if (program.cost_per_participant() > 0) {
    in.cost.total_cost = static_cast<double>(program.cost_per_participant()) * in.enrolled;
    in.cost.cost_basis = absl::StrCat("cost_per_participant ", program.cost_per_participant(),
                                      " x participants ", in.enrolled);
  } else if (program.budget() > 0 && program_participants > 0) {
    in.cost.total_cost = static_cast<double>(program.budget()) * in.enrolled / program_participants;
    in.cost.cost_basis = absl::StrCat("programme budget ", program.budget(), " x participants ",
                                      in.enrolled, " / programme participants ", program_participants);
  }
  if (auto it = settings.benefit_estimates().find(program_name);
      it != settings.benefit_estimates().end() && it->second.amount() > 0 && program_participants > 0) {
    in.cost.benefit = static_cast<double>(it->second.amount()) * in.enrolled / program_participants;
    in.cost.benefit_basis = absl::StrCat(it->second.basis(), " (programme estimate ", it->second.amount(),
                                         " x participants ", in.enrolled, " / ", program_participants, ")");
  }
  PELITA_ASSIGN_OR_RETURN(sv1::CohortAggregates aggregates, survey_->GetCohortAggregates(tenant, cohort_name));
  ApplySurveyAggregates(aggregates, &in);
  if (in.behaviour) {
    // A wave whose window has not begun has no rate yet (not a rate of 0).
    PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
    const std::string today = absl::FormatCivilTime(TodayIn(zone, now_()));
    for (WaveInputs& w : in.behaviour->waves) w.opened = w.first_day <= today;
  }
  PELITA_RETURN_IF_ERROR(CollectTexts(tenant, cohort_name, aggregates, &in));
  in.cost.hourly_cost = settings.hourly_cost();
  in.cost.window_days = settings.window_days();
  if (performance_ != nullptr) {
    // The SKP change; a failure is shown as missing with its reason.
    auto skp = performance_->GetSkpChange(tenant, cohort_name);
    if (skp.ok()) {
      in.skp = std::move(*skp);
    } else {
      LogWarning("scoring: SKP change not available", {{"cohort", cohort_name}, {"error", skp.status().ToString()}});
      in.skp.emplace();
      in.skp->missing = std::string(skp.status().message());
    }
  }
  if (cohort.has_end_date() && cohort.end_date().year() > 0) {
    absl::Status st = CollectResults(tenant, cohort, enrolments, settings, &in);
    if (!st.ok()) {
      in.results.reset();
      in.results_missing = std::string(st.message());
      if (st.code() == absl::StatusCode::kFailedPrecondition) {
        in.results_missing_code = v1::RESULTS_NOT_YET;
      } else {
        LogWarning("scoring: results not available", {{"cohort", cohort_name}, {"error", st.ToString()}});
        in.results_missing_code = v1::RESULTS_UNAVAILABLE;
      }
    }
  } else {
    in.results_missing = "the cohort has no end date";
    in.results_missing_code = v1::NO_COHORT_DATES;
  }
  return in;
}

absl::Status Collector::CollectTexts(const std::string& tenant, const std::string& cohort,
                                     const sv1::CohortAggregates& aggregates, CohortInputs* in) {
  for (const auto& ia : aggregates.instruments()) {
    if (ia.kind() != sv1::OBSERVATION && ia.kind() != sv1::INTERVIEW) continue;
    std::vector<std::string> items;
    for (const auto& item : ia.items()) {
      if (item.type() == sv1::FREE_TEXT && item.n() > 0) items.push_back(item.item());
    }
    if (items.empty()) continue;  // no listing when there is no text to read
    PELITA_ASSIGN_OR_RETURN(auto responses, survey_->ListCohortResponses(tenant, cohort, ia.instrument()));
    if (!in->behaviour) in->behaviour.emplace();
    for (const std::string& code : items) {
      TextItem t;
      t.instrument = ia.instrument();
      t.item = code;
      t.kind = ia.kind() == sv1::OBSERVATION ? "observation" : "interview";
      for (const auto& r : responses) {
        for (const auto& a : r.answers()) {
          if (a.item() != code || a.value_case() != sv1::Answer::kText) continue;
          const absl::Time submitted = FromTimestamp(r.submit_time());
          t.answers.push_back({a.text(), submitted});
        }
      }
      in->behaviour->texts.push_back(std::move(t));
    }
  }
  return absl::OkStatus();
}

absl::Status Collector::CollectForRollUp(const std::string& tenant, const std::string& cohort, bool participants,
                                         CohortInputs* in, ParticipantResponses* data) {
  PELITA_ASSIGN_OR_RETURN(data->aggregates, survey_->GetCohortAggregates(tenant, cohort));
  ApplySurveyAggregates(data->aggregates, in);
  if (!participants) return absl::OkStatus();
  PELITA_ASSIGN_OR_RETURN(data->enrolments, enrolment_->ListEnrolments(tenant, cohort));
  for (const std::string& instrument : InstrumentsForUnits(data->aggregates)) {
    PELITA_ASSIGN_OR_RETURN(data->responses[instrument], survey_->ListCohortResponses(tenant, cohort, instrument));
  }
  return absl::OkStatus();
}

absl::Status Collector::CollectResults(const std::string& tenant, const ev1::Cohort& cohort,
                                       const std::vector<ev1::Enrolment>& enrolments,
                                       const v1::ScoringSettings& settings, CohortInputs* in) {
  const int w = settings.window_days();
  const absl::CivilDay end = Day(cohort.end_date());
  const absl::CivilDay after_start = end + 1, after_end = end + w;
  const absl::CivilDay before_start = Day(cohort.start_date().year() > 0 ? cohort.start_date() : cohort.end_date()) - w;
  const absl::CivilDay before_end = before_start + (w - 1);
  PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
  const absl::CivilDay today = TodayIn(zone, now_());
  if (after_end >= today) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat("the after window ends on ",
                                                                 absl::FormatCivilTime(after_end),
                                                                 "; results can be measured after that")),
                      "AFTER_WINDOW_OPEN", {{"after_end", absl::FormatCivilTime(after_end)}});
  }
  std::set<std::string> treated;
  for (const auto& e : enrolments) {
    if (Participant(e) && !e.unit().empty()) treated.insert(e.unit());
  }
  // Units with staff trained in any cohort overlapping the two windows are
  // not controls.
  std::set<std::string> exposed = treated;
  PELITA_ASSIGN_OR_RETURN(auto programs, enrolment_->ListPrograms(tenant));
  for (const auto& p : programs) {
    PELITA_ASSIGN_OR_RETURN(auto cohorts, enrolment_->ListCohorts(tenant, p.name()));
    for (const auto& c : cohorts) {
      if (c.name() == cohort.name() || !c.has_start_date() || c.start_date().year() == 0) continue;
      const absl::CivilDay cs = Day(c.start_date());
      const absl::CivilDay ce = c.has_end_date() && c.end_date().year() > 0 ? Day(c.end_date()) : cs;
      if (ce < before_start || cs > after_end) continue;
      PELITA_ASSIGN_OR_RETURN(auto es, enrolment_->ListEnrolments(tenant, c.name()));
      for (const auto& e : es) {
        if (Participant(e) && !e.unit().empty()) exposed.insert(e.unit());
      }
    }
  }
  PELITA_ASSIGN_OR_RETURN(auto units, enrolment_->ListUnits(tenant));
  // Since when each unit's data exist: a window that starts earlier would
  // count months without data as months without complaints.
  PELITA_ASSIGN_OR_RETURN(auto coverage, complaint_->GetCoverage(tenant));
  ResultsInputs r;
  r.window_days = w;
  r.before_start = absl::FormatCivilTime(before_start);
  r.before_end = absl::FormatCivilTime(before_end);
  r.after_start = absl::FormatCivilTime(after_start);
  r.after_end = absl::FormatCivilTime(after_end);
  r.min_control_units = min_control_units_;
  auto windows = [&](const std::string& unit) -> absl::StatusOr<UnitWindows> {
    UnitWindows uw;
    uw.unit = unit;
    PELITA_ASSIGN_OR_RETURN(uw.before, complaint_->GetWindow(tenant, unit, before_start, before_end));
    PELITA_ASSIGN_OR_RETURN(uw.after, complaint_->GetWindow(tenant, unit, after_start, after_end));
    auto it = coverage.find(unit);
    const UnitCoverage c = it == coverage.end() ? UnitCoverage{} : it->second;
    uw.complaints_covered = c.complaints_since && *c.complaints_since <= before_start;
    uw.skm_covered = c.satisfaction_since && *c.satisfaction_since <= before_start;
    if (c.complaints_since) uw.complaints_since = absl::FormatCivilTime(*c.complaints_since);
    if (c.satisfaction_since) uw.skm_since = absl::FormatCivilTime(*c.satisfaction_since);
    return uw;
  };
  for (const auto& u : treated) {
    PELITA_ASSIGN_OR_RETURN(auto uw, windows(u));
    r.treated.push_back(std::move(uw));
  }
  for (const auto& u : units) {
    if (exposed.count(u.name())) continue;
    PELITA_ASSIGN_OR_RETURN(auto uw, windows(u.name()));
    r.control.push_back(std::move(uw));
  }
  // The monthly lines: every unit's months in one call per 100 units.  A
  // failure leaves the estimates standing and says why the lines are gone.
  const absl::CivilMonth first(before_start), last(after_end);
  if (last - first + 1 > ComplaintSource::kMaxMonths) {
    r.series_missing = absl::StrCat(last - first + 1, " months from the before window to the after window, more than ",
                                    ComplaintSource::kMaxMonths);
    r.series_missing_code = v1::STATISTIC_UNDEFINED;
  } else {
    std::vector<std::string> all;
    for (const auto& u : r.treated) all.push_back(u.unit);
    for (const auto& u : r.control) all.push_back(u.unit);
    for (size_t i = 0; i < all.size() && r.series_missing.empty(); i += ComplaintSource::kMaxUnitsPerCall) {
      const std::vector<std::string> part(all.begin() + i,
                                          all.begin() + std::min(all.size(), i + ComplaintSource::kMaxUnitsPerCall));
      auto months = complaint_->GetUnitMonths(tenant, part, first, last);
      if (!months.ok()) {
        LogWarning("scoring: monthly series not available", {{"cohort", cohort.name()}, {"error", months.status().ToString()}});
        r.series_missing = std::string(months.status().message());
        r.series_missing_code = v1::RESULTS_UNAVAILABLE;
        r.months.clear();
        break;
      }
      r.months.insert(r.months.end(), months->begin(), months->end());
    }
  }
  if (performance_ != nullptr) CollectWork(tenant, cohort.name(), before_start, before_end, after_start, after_end, &r);
  in->results = std::move(r);
  return absl::OkStatus();
}

void Collector::CollectWork(const std::string& tenant, const std::string& cohort, absl::CivilDay before_start,
                            absl::CivilDay before_end, absl::CivilDay after_start, absl::CivilDay after_end,
                            ResultsInputs* r) {
  WorkInputs w;
  WholeMonths(before_start, before_end, &w.before_first, &w.before_last);
  WholeMonths(after_start, after_end, &w.after_first, &w.after_last);
  w.min_control_units = r->min_control_units;
  for (const auto& u : r->treated) w.treated.push_back(u.unit);
  for (const auto& u : r->control) w.control.push_back(u.unit);
  absl::CivilMonth first, last;
  if (absl::ParseCivilTime(w.before_first, &first) && absl::ParseCivilTime(w.after_last, &last) && first <= last) {
    if (last - first + 1 > PerformanceSource::kMaxMonths) {
      w.missing = absl::StrCat(last - first + 1, " months from the before window to the after window, more than ",
                               PerformanceSource::kMaxMonths);
    } else {
      std::vector<std::string> all = w.treated;
      all.insert(all.end(), w.control.begin(), w.control.end());
      for (size_t i = 0; i < all.size() && w.missing.empty(); i += PerformanceSource::kMaxUnitsPerCall) {
        const std::vector<std::string> part(all.begin() + i,
                                            all.begin() + std::min(all.size(), i + PerformanceSource::kMaxUnitsPerCall));
        auto months = performance_->GetWorkMonths(tenant, part, first, last);
        if (!months.ok()) {
          LogWarning("scoring: service indicators not available",
                     {{"cohort", cohort}, {"error", months.status().ToString()}});
          w.missing = std::string(months.status().message());
          w.months.clear();
          break;
        }
        w.months.insert(w.months.end(), months->begin(), months->end());
      }
    }
  }
  r->work = std::move(w);
}

}  // namespace pelita::scoring
