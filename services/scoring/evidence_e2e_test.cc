// The rules of evidence of issue 13 ("What a report may show") end to end:
// data built through the real enrolment, survey and complaint services,
// figures read from the real scoring service over gRPC, as the callers who
// would read them; every expectation recomputed here from the raw data.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include <boost/rational.hpp>

#include "google/protobuf/message.h"
#include "services/scoring/e2e_fixture.h"

namespace pelita::scoring {
namespace {

// Every Figure in a message, with its path.
void Figures(const google::protobuf::Message& m, const std::string& path,
             std::vector<std::pair<std::string, const v1::Figure*>>* out) {
  namespace pb = ::google::protobuf;
  if (const auto* f = dynamic_cast<const v1::Figure*>(&m)) {
    out->push_back({path, f});
    return;
  }
  const pb::Reflection* r = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const auto* field : fields) {
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, field); ++i) {
        Figures(r->GetRepeatedMessage(m, field, i), absl::StrCat(path, ".", field->name(), "[", i, "]"), out);
      }
    } else {
      Figures(r->GetMessage(m, field), absl::StrCat(path, ".", field->name()), out);
    }
  }
}

// Withheld figures carry their reason and nothing from which the value
// follows; returns how many there were.
int ExpectWithheldCarryNothing(const google::protobuf::Message& m, const std::string& who) {
  std::vector<std::pair<std::string, const v1::Figure*>> all;
  Figures(m, who, &all);
  int withheld = 0;
  for (const auto& [path, f] : all) {
    if (!f->withheld()) continue;
    ++withheld;
    EXPECT_EQ(f->value(), 0) << path;
    EXPECT_TRUE(f->inputs().empty()) << path << " carries " << f->inputs().size() << " inputs";
    EXPECT_FALSE(f->has_interval()) << path;
    EXPECT_EQ(f->ci_low(), 0) << path;
    EXPECT_EQ(f->ci_high(), 0) << path;
    EXPECT_FALSE(f->reason().empty()) << path;
    EXPECT_NE(f->reason_code(), v1::REASON_CODE_UNSPECIFIED) << path;
  }
  return withheld;
}

double To100(double x) { return (x - 1) / 4 * 100; }  // a 1-5 answer on 0-100

// ---------------------------------------------------------------- item 1

TEST_F(ScoringEndToEndTest, WithheldMeansWithheldForEveryRoleAndRawSumsOnlyForOrganisers) {
  const std::string program = "tenants/1504/programs/kecil", cohort = program + "/cohorts/angkatan-1";
  CreateUnit("1504", "dinkes", 1000);
  CreateEmployee("1504", NipOf(4), "dinkes");  // everyone's supervisor
  for (int i = 0; i < 4; ++i) CreateEmployee("1504", NipOf(i), "dinkes", NipOf(4));
  CreateProgram("1504", "kecil", 1'000'000);
  CreateCohort(program, "angkatan-1", absl::CivilDay(2026, 3, 2), absl::CivilDay(2026, 3, 6), {"Bu Sari"});
  InstallDefaults("1504");
  CreateIdentifiedReaction("1504");
  // Four respondents: every answer 4, so the hidden materi score is 75.0,
  // and n, sum and sum of squares would give it in one division.
  for (int i = 0; i < 4; ++i) {
    Enrol(cohort, NipOf(i));
    PostReaction(cohort, NipOf(i), {4, 4, 4, 4});
    PostFollowup(cohort, NipOf(4), NipOf(i), i != 2, absl::CivilDay(2026, 3, 6));
  }
  const std::vector<Caller> callers = {Organiser(), {"1504", "admin", "a"}, {"1504", "instructor", "Bu Sari"},
                                       {"1504", "agency_head", "kadis"}, {"1504", "province", "jambi"},
                                       {"1504", "national_integrator", "bkn"}, {"1504", "", ""}};
  for (const Caller& c : callers) {
    for (int pass = 0; pass < 2; ++pass) {  // computed, then from the cache
      SCOPED_TRACE(absl::StrCat(c.role, " pass ", pass));
      const v1::Evaluation ev = Evaluation(cohort, c);
      ASSERT_EQ(ev.reaction().dimensions_size(), 4);
      const v1::Figure& materi = ev.reaction().dimensions(0).score();
      EXPECT_TRUE(materi.withheld());
      EXPECT_EQ(materi.reason_code(), v1::BELOW_MIN_N);
      EXPECT_EQ(materi.n(), 4);
      EXPECT_TRUE(materi.inputs().empty());
      EXPECT_GE(ExpectWithheldCarryNothing(ev, "evaluation"), 10);
      EXPECT_EQ(ev.behaviour().applied_share().reason_code(), v1::BELOW_MIN_N);
    }
  }
  // What the cache holds is no more than what it serves.
  {
    auto raw = redis_->Run({"GET", "scoring:{1504}:evaluation:kecil:angkatan-1"});
    ASSERT_TRUE(raw.ok() && raw->is_string());
    const size_t nl = raw->str.find('\n');
    ASSERT_NE(nl, std::string::npos);
    v1::Evaluation cached;
    ASSERT_TRUE(cached.ParseFromString(raw->str.substr(nl + 1)));
    EXPECT_GE(ExpectWithheldCarryNothing(cached, "cache"), 10);
  }
  // The survey service's raw aggregates: internal callers and the
  // regency's organisers and admins only.
  sv1::GetCohortAggregatesRequest q;
  q.set_name(absl::StrCat(cohort, "/surveyAggregates"));
  for (const Caller& c : callers) {
    sv1::CohortAggregates out;
    const grpc::Status st = Call(survey_stub_.get(), &sv1::SurveyService::Stub::GetCohortAggregates, q, &out, c);
    const bool allowed = c.role.empty() || c.role == "organiser" || c.role == "admin";
    EXPECT_EQ(st.ok(), allowed) << c.role << ": " << st.error_message();
    if (allowed) {
      ASSERT_GE(out.instruments_size(), 1);
    } else {
      EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << c.role;
      EXPECT_EQ(out.instruments_size(), 0);
    }
  }
  for (const std::string role : {"participant", "supervisor"}) {
    sv1::CohortAggregates out;
    EXPECT_EQ(Call(survey_stub_.get(), &sv1::SurveyService::Stub::GetCohortAggregates, q, &out,
                   Caller{"1504", role, NipOf(0)})
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << role;
  }
}

// ---------------------------------------------------------------- item 2

// One respondent of the differencing test.
struct Respondent {
  int cohort;             // index into kCohorts
  std::string unit;       // u1..u4
  std::vector<int> answers;  // M1 I1 F1 P1 on 1..5
};

using Rational = boost::rational<int64_t>;

int Rank(std::vector<std::vector<Rational>> m) {
  int rank = 0;
  const size_t cols = m.empty() ? 0 : m[0].size();
  for (size_t c = 0; c < cols && rank < static_cast<int>(m.size()); ++c) {
    size_t pivot = rank;
    while (pivot < m.size() && m[pivot][c] == 0) ++pivot;
    if (pivot == m.size()) continue;
    std::swap(m[pivot], m[rank]);
    for (size_t r = 0; r < m.size(); ++r) {
      if (r == static_cast<size_t>(rank) || m[r][c] == 0) continue;
      const Rational f = m[r][c] / m[rank][c];
      for (size_t k = c; k < cols; ++k) m[r][k] -= f * m[rank][k];
    }
    ++rank;
  }
  return rank;
}

// Everything one caller reads about the reaction (L1) measure, as sets of
// respondents: an attacker knows who is in each cohort, programme,
// instructor's cohorts, unit and year, so each shown figure tells at most
// the sum of its set's answers.  Tries every combination: (1) every
// sum/difference (coefficients -1, 0, 1) of the distinct published sets,
// (2) every real combination, by rank: no combination may isolate the
// answers of fewer than 5 respondents.
void ExpectNoCombinationIsolatesFewerThan5(const std::vector<std::set<int>>& published, int respondents) {
  std::vector<std::vector<int>> sets;
  for (const auto& s : published) {
    std::vector<int> v(respondents, 0);
    for (int r : s) v[r] = 1;
    if (std::find(sets.begin(), sets.end(), v) == sets.end()) sets.push_back(v);
  }
  ASSERT_LE(sets.size(), 14u);
  // (1) sums and differences.
  std::vector<int> coef(sets.size(), -1);
  int64_t tried = 0;
  while (true) {
    std::vector<int> v(respondents, 0);
    for (size_t k = 0; k < sets.size(); ++k) {
      for (int r = 0; r < respondents; ++r) v[r] += coef[k] * sets[k][r];
    }
    const int support = static_cast<int>(std::count_if(v.begin(), v.end(), [](int x) { return x != 0; }));
    ++tried;
    if (support > 0 && support < 5) {
      std::string combo;
      for (size_t k = 0; k < sets.size(); ++k) absl::StrAppend(&combo, coef[k], " ");
      ADD_FAILURE() << "a combination of published figures isolates " << support << " respondents: " << combo;
      return;
    }
    size_t k = 0;
    while (k < coef.size() && coef[k] == 1) coef[k++] = -1;
    if (k == coef.size()) break;
    ++coef[k];
  }
  EXPECT_GT(tried, 1);
  // (2) any real coefficients: a combination supported inside T exists iff
  // deleting T's columns lowers the rank.
  std::vector<std::vector<Rational>> rows;
  for (const auto& s : sets) rows.emplace_back(s.begin(), s.end());
  const int full = Rank(rows);
  std::vector<int> chosen;
  std::function<void(int)> go = [&](int from) {
    if (!chosen.empty()) {
      std::vector<std::vector<Rational>> rest;
      for (const auto& r : rows) {
        std::vector<Rational> kept;
        for (int j = 0; j < respondents; ++j) {
          if (std::find(chosen.begin(), chosen.end(), j) == chosen.end()) kept.push_back(r[j]);
        }
        rest.push_back(kept);
      }
      EXPECT_EQ(Rank(rest), full) << "published figures isolate " << chosen.size() << " respondents";
    }
    if (chosen.size() == 4) return;
    for (int j = from; j < respondents; ++j) {
      chosen.push_back(j);
      go(j + 1);
      chosen.pop_back();
    }
  };
  go(0);
}

TEST_F(ScoringEndToEndTest, NoCombinationOfPublishedFiguresRecoversAWithheldValue) {
  // Programme prog-a: cohorts A (4 respondents) and B (5); prog-b: C (6)
  // and D (3).  Budi teaches A and C, Sari B and D.  Participants in four
  // units.  Before: prog-a's roll-up (9) minus B's report gave A exactly.
  const std::vector<std::string> programs = {"tenants/1504/programs/prog-a", "tenants/1504/programs/prog-b"};
  struct CohortDef {
    std::string id;
    int program;
    std::string instructor;
    std::vector<std::string> units;
  };
  const std::vector<CohortDef> cohorts = {{"a", 0, "budi", {"u1", "u1", "u2", "u3"}},
                                          {"b", 0, "sari", {"u1", "u2", "u2", "u3", "u4"}},
                                          {"c", 1, "budi", {"u1", "u2", "u3", "u3", "u4", "u4"}},
                                          {"d", 1, "sari", {"u2", "u4", "u4"}}};
  for (const char* u : {"u1", "u2", "u3", "u4"}) CreateUnit("1504", u, 1000);
  CreateProgram("1504", "prog-a", 1'500'000);
  CreateProgram("1504", "prog-b", 2'000'000);
  InstallDefaults("1504");
  CreateIdentifiedReaction("1504");
  std::vector<Respondent> people;
  auto name = [&](int c) { return programs[cohorts[c].program] + "/cohorts/" + cohorts[c].id; };
  for (size_t c = 0; c < cohorts.size(); ++c) {
    CreateCohort(programs[cohorts[c].program], cohorts[c].id, absl::CivilDay(2026, 3, 2) + 7 * static_cast<int>(c),
                 absl::CivilDay(2026, 3, 6) + 7 * static_cast<int>(c), {cohorts[c].instructor});
    for (const auto& u : cohorts[c].units) {
      const int i = static_cast<int>(people.size());
      Respondent p{static_cast<int>(c), u, {1 + (i * 3) % 5, 1 + (i * 7 + 2) % 5, 1 + (i + 4) % 5, 1 + (i * 2) % 5}};
      CreateEmployee("1504", NipOf(i), u);
      Enrol(name(static_cast<int>(c)), NipOf(i));
      PostReaction(name(static_cast<int>(c)), NipOf(i), p.answers);
      people.push_back(p);
    }
  }
  const int n = static_cast<int>(people.size());
  auto members = [&](const std::function<bool(const Respondent&)>& in) {
    std::set<int> out;
    for (int i = 0; i < n; ++i) {
      if (in(people[i])) out.insert(i);
    }
    return out;
  };
  // The reaction score of a set, recomputed: mean over the dimensions of
  // the mean converted answer.
  auto score = [&](const std::set<int>& s) {
    double total = 0;
    for (int d = 0; d < 4; ++d) {
      double sum = 0;
      for (int i : s) sum += To100(people[i].answers[d]);
      total += sum / s.size();
    }
    return total / 4;
  };
  auto instruktur = [&](const std::set<int>& s) {
    double sum = 0;
    for (int i : s) sum += To100(people[i].answers[1]);
    return sum / s.size();
  };

  for (const Caller& caller : {Organiser(), Caller{"1504", "instructor", "budi"}}) {
    SCOPED_TRACE(caller.role);
    const bool budi = caller.role == "instructor";
    auto teaches = [&](int c) { return !budi || cohorts[c].instructor == "budi"; };
    // Shown figures and the respondents behind them; each value is checked
    // against the recomputation over that set.
    std::vector<std::set<int>> published;
    auto shown = [&](const v1::Figure& f, const std::set<int>& set, double expected, const std::string& what) {
      if (f.withheld()) {
        EXPECT_TRUE(f.inputs().empty()) << what;
        return;
      }
      ASSERT_FALSE(set.empty()) << what;
      EXPECT_NEAR(f.value(), expected, 1e-9) << what;
      published.push_back(set);
    };
    for (size_t c = 0; c < cohorts.size(); ++c) {
      if (!teaches(static_cast<int>(c))) continue;
      const std::set<int> s = members([&](const Respondent& p) { return p.cohort == static_cast<int>(c); });
      const v1::Evaluation ev = Evaluation(name(static_cast<int>(c)), caller);
      ASSERT_EQ(ev.reaction().dimensions_size(), 4) << cohorts[c].id;
      shown(ev.reaction().overall(), s, score(s), "cohort " + cohorts[c].id);
      shown(ev.reaction().dimensions(1).score(), s, instruktur(s), "cohort instruktur " + cohorts[c].id);
      shown(ev.composite().score(), s, score(s), "cohort composite " + cohorts[c].id);  // L1 is its only level
      EXPECT_EQ(ev.reaction().overall().withheld(), s.size() < 5);
    }
    using Req = v1::RollUpEvaluationsRequest;
    const auto by_program = RollUp(Req::PROGRAM, caller);
    for (const auto& row : by_program.rows()) {
      const int p = row.group() == programs[0] ? 0 : 1;
      const std::set<int> s = members([&](const Respondent& r) {
        return cohorts[r.cohort].program == p && teaches(r.cohort);
      });
      shown(row.reaction(), s, score(s), row.group());
      shown(row.composite(), s, score(s), row.group() + " composite");
      if (!budi && p == 0) {
        // The attack: prog-a minus B's report gave A.  Not any more.
        EXPECT_TRUE(row.reaction().withheld());
        EXPECT_EQ(row.reaction().reason_code(), v1::COMPLEMENTARY_SUPPRESSION);
      }
    }
    const auto by_instructor = RollUp(Req::INSTRUCTOR, caller);
    for (const auto& row : by_instructor.rows()) {
      // Instructor rows pool the instructor's cohorts shown alone.
      const std::set<int> s = members([&](const Respondent& r) {
        const auto& c = cohorts[r.cohort];
        const int size = static_cast<int>(std::count_if(people.begin(), people.end(),
                                                        [&](const Respondent& q) { return q.cohort == r.cohort; }));
        return c.instructor == row.group() && size >= 5 && teaches(r.cohort);
      });
      shown(row.reaction(), s, score(s), "instructor " + row.group());
    }
    const auto by_unit = RollUp(Req::UNIT, caller);
    for (const auto& row : by_unit.rows()) {
      const std::string unit = row.group().substr(row.group().rfind('/') + 1);
      const std::set<int> s = members([&](const Respondent& r) { return r.unit == unit && teaches(r.cohort); });
      shown(row.reaction(), s, score(s), row.group());
    }
    const auto by_year = RollUp(Req::YEAR, caller);
    for (const auto& row : by_year.rows()) {
      const std::set<int> s = members([&](const Respondent& r) { return teaches(r.cohort); });
      shown(row.reaction(), s, score(s), "year");
      shown(row.composite(), s, score(s), "year composite");
    }
    const v1::RankProgramsResponse rank = Rank(caller);
    for (const auto& p : rank.by_composite()) {
      const int k = p.program() == programs[0] ? 0 : 1;
      const std::set<int> s = members([&](const Respondent& r) {
        return cohorts[r.cohort].program == k && teaches(r.cohort);
      });
      if (!s.empty()) shown(p.composite(), s, score(s), "rank " + p.program());
    }
    for (const auto& i : rank.instructors()) {
      const std::set<int> s = members([&](const Respondent& r) {
        const int size = static_cast<int>(std::count_if(people.begin(), people.end(),
                                                        [&](const Respondent& q) { return q.cohort == r.cohort; }));
        return cohorts[r.cohort].instructor == i.instructor() && size >= 5 && teaches(r.cohort);
      });
      shown(i.reaction_instruktur(), s, instruktur(s), "rank instructor " + i.instructor());
    }
    if (!budi) {
      v1::GetProvinceBenchmarkRequest b;
      b.set_name("provinces/15/benchmarks");
      b.set_year(2026);
      v1::ProvinceBenchmark out;
      ASSERT_RPC(Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetProvinceBenchmark, b, &out, caller));
      EXPECT_EQ(out.tenants_size(), 1);  // a regency role sees only its own row
      for (const auto& t : out.tenants()) {
        if (t.tenant() != "1504") continue;
        shown(t.reaction(), members([](const Respondent&) { return true; }),
              score(members([](const Respondent&) { return true; })), "benchmark");
      }
    }
    EXPECT_GE(published.size(), 6u);
    ExpectNoCombinationIsolatesFewerThan5(published, n);
  }
}

// ---------------------------------------------------------------- item 3

TEST_F(ScoringEndToEndTest, MissingIsNotZeroAndRegenciesSeeOnlyTheirRowAndTheDistribution) {
  // Batanghari: four cohorts, only the first with follow-ups (4 of 6
  // applied).  Four other regencies; 1505 and 1571 without follow-ups.
  struct TenantDef {
    std::string tenant;
    int cohorts;
    std::vector<int> applied;  // "ya" of 6 follow-ups per cohort, -1 = none
    int answer;                // every reaction answer
  };
  const std::vector<TenantDef> tenants = {{"1504", 4, {4, -1, -1, -1}, 4},
                                          {"1501", 1, {6}, 3},
                                          {"1502", 1, {3}, 5},
                                          {"1505", 1, {-1}, 2},
                                          {"1571", 1, {-1}, 4}};
  int person = 0;
  for (const auto& t : tenants) {
    CreateUnit(t.tenant, "bkpsdm", 500);
    CreateProgram(t.tenant, "latsar", 1'000'000);
    InstallDefaults(t.tenant);
    CreateIdentifiedReaction(t.tenant);
    const std::string program = "tenants/" + t.tenant + "/programs/latsar";
    const std::string supervisor = NipOf(900 + person);
    CreateEmployee(t.tenant, supervisor, "bkpsdm");
    for (int c = 0; c < t.cohorts; ++c) {
      const std::string cohort = absl::StrCat(program, "/cohorts/angkatan-", c + 1);
      CreateCohort(program, absl::StrCat("angkatan-", c + 1), absl::CivilDay(2026, 4, 6) + 7 * c,
                   absl::CivilDay(2026, 4, 10) + 7 * c, {"Bu Sari"});
      for (int k = 0; k < 6; ++k) {
        const std::string nip = NipOf(person++);
        CreateEmployee(t.tenant, nip, "bkpsdm", supervisor);
        Enrol(cohort, nip);
        PostReaction(cohort, nip, {t.answer, t.answer, t.answer, t.answer});
        if (t.applied[c] >= 0) {
          PostFollowup(cohort, supervisor, nip, k < t.applied[c], absl::CivilDay(2026, 4, 10) + 7 * c);
        }
      }
    }
  }
  v1::GetProvinceBenchmarkRequest req;
  req.set_name("provinces/15/benchmarks");
  req.set_year(2026);
  req.set_focus_tenant("1504");
  v1::ProvinceBenchmark named;
  ASSERT_RPC(Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetProvinceBenchmark, req, &named,
                  Caller{"15", "province", "jambi"}));
  ASSERT_EQ(named.tenants_size(), 5);
  std::map<std::string, v1::TenantIndicators> by;
  for (const auto& t : named.tenants()) by[t.tenant()] = t;
  // Missing is not zero: three cohorts without follow-ups add nothing.
  EXPECT_NEAR(by["1504"].applied_share().value(), 4.0 / 6, 1e-12);
  EXPECT_EQ(by["1504"].applied_share().n(), 6);
  EXPECT_EQ(by["1504"].cohorts(), 4);
  EXPECT_TRUE(by["1505"].applied_share().withheld());
  EXPECT_EQ(by["1505"].applied_share().reason_code(), v1::DATA_ABSENT);
  // The rest of the province excludes Batanghari, and a regency without
  // follow-ups is not a zero in it.
  EXPECT_NEAR(named.rest().applied_share().value(), (6.0 / 6 + 3.0 / 6) / 2, 1e-12);
  EXPECT_EQ(named.rest().applied_share().n(), 2);
  EXPECT_NEAR(named.rest().reaction().value(), (To100(3) + To100(5) + To100(2) + To100(4)) / 4, 1e-9);
  EXPECT_NE(named.rest().reaction().value(), by["1504"].reaction().value());

  // Batanghari's organiser: its own row and the distribution of the others,
  // never another regency by name.
  req.clear_focus_tenant();
  v1::ProvinceBenchmark own;
  ASSERT_RPC(Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetProvinceBenchmark, req, &own, Organiser()));
  ASSERT_EQ(own.tenants_size(), 1);
  EXPECT_EQ(own.tenants(0).tenant(), "1504");
  EXPECT_EQ(own.focus_tenant(), "1504");
  EXPECT_FALSE(own.has_rest());
  const auto& react = own.distribution().reaction();
  EXPECT_EQ(react.tenants(), 4);
  // Quartiles (type 7) of the others' reaction scores 25, 50, 75, 100.
  EXPECT_NEAR(react.q1().value(), 43.75, 1e-9);
  EXPECT_NEAR(react.median().value(), 62.5, 1e-9);
  EXPECT_NEAR(react.q3().value(), 81.25, 1e-9);
  // Two other regencies with follow-ups are fewer than 3: no distribution.
  EXPECT_EQ(own.distribution().applied_share().tenants(), 2);
  EXPECT_TRUE(own.distribution().applied_share().median().withheld());
  EXPECT_EQ(own.distribution().applied_share().median().reason_code(), v1::TOO_FEW_REGENCIES);
  EXPECT_EQ(own.distribution().applied_share().median().value(), 0);
  // Another regency as focus, or an instructor: refused.
  req.set_focus_tenant("1501");
  v1::ProvinceBenchmark other;
  EXPECT_EQ(Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetProvinceBenchmark, req, &other, Organiser())
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  req.clear_focus_tenant();
  EXPECT_EQ(Call(scoring_stub_.get(), &v1::ScoringService::Stub::GetProvinceBenchmark, req, &other,
                 Caller{"1504", "instructor", "Bu Sari"})
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ---------------------------------------------------------------- item 6

TEST_F(ScoringEndToEndTest, L4OnlyWhereItCanBeEstimated) {
  // The cohort: trained unit dukcapil's complaints rose 94 -> 172,
  // one comparison unit went 0 -> 1, and the complaint data start in
  // January 2026 while the before window starts in October 2025.
  const std::string program = "tenants/1504/programs/pp", cohort = program + "/cohorts/angkatan-1";
  CreateUnit("1504", "dukcapil", 3000);
  CreateUnit("1504", "dinsos", 100);
  CreateUnit("1504", "dinkes", 3000);  // no data until the third step
  CreateProgram("1504", "pp", 2'000'000);
  CreateCohort(program, "angkatan-1", absl::CivilDay(2026, 1, 12), absl::CivilDay(2026, 1, 16), {"Bu Sari"});
  InstallDefaults("1504");
  CreateIdentifiedReaction("1504");
  for (int i = 0; i < 8; ++i) {
    CreateEmployee("1504", NipOf(i), "dukcapil");
    Enrol(cohort, NipOf(i));
    PostReaction(cohort, NipOf(i), {4, 4, 3, 4});
  }
  // Windows of 90 days: before 2025-10-14..2026-01-11, after 2026-01-17..2026-04-16.
  PostComplaints("1504", "dukcapil", 94, absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 1, 11), "b");
  PostComplaints("1504", "dukcapil", 172, absl::CivilDay(2026, 1, 17), absl::CivilDay(2026, 4, 16), "a");
  PostComplaint("1504", "a-dinsos-0", "dinsos", absl::CivilDay(2026, 2, 10));

  v1::Evaluation ev = Evaluation(cohort, Organiser(), true);
  const auto& r1 = ev.results();
  EXPECT_EQ(r1.before_start(), "2025-10-14");
  EXPECT_TRUE(r1.complaint_rate_did().withheld());
  EXPECT_EQ(r1.complaint_rate_did().reason_code(), v1::WINDOW_NOT_COVERED);
  EXPECT_NE(r1.complaint_rate_did().reason().find("2026-01-01"), std::string::npos) << r1.complaint_rate_did().reason();
  EXPECT_TRUE(r1.complaints_avoided().withheld());
  EXPECT_TRUE(ev.cost().per_complaint_avoided().withheld());
  EXPECT_EQ(ev.cost().per_complaint_avoided().reason_code(), v1::WINDOW_NOT_COVERED);
  ASSERT_EQ(ev.composite().components_size(), 4);
  EXPECT_FALSE(ev.composite().components(3).used());
  EXPECT_EQ(ev.composite().components(3).score().reason_code(), v1::WINDOW_NOT_COVERED);
  // The composite is L1 alone: no credit from L4.
  EXPECT_NEAR(ev.composite().score().value(), ev.reaction().overall().value(), 1e-9);
  // No SKM data at all: the IKM estimate says so, not "too few respondents".
  EXPECT_EQ(r1.ikm_did().reason_code(), v1::WINDOW_NOT_COVERED);

  // The organiser states the data are complete since October 2025: now the
  // one comparison unit is the cause.
  SetDataSince("1504", "dukcapil", absl::CivilDay(2025, 10, 1));
  SetDataSince("1504", "dinsos", absl::CivilDay(2025, 10, 1));
  ev = Evaluation(cohort, Organiser(), true);
  EXPECT_EQ(ev.results().complaint_rate_did().reason_code(), v1::TOO_FEW_CONTROL_UNITS);
  EXPECT_NE(ev.results().complaint_rate_did().reason().find("1 comparison unit"), std::string::npos)
      << ev.results().complaint_rate_did().reason();
  EXPECT_EQ(ev.results().min_control_units(), 2);
  EXPECT_FALSE(ev.composite().components(3).used());

  // A second comparison unit whose complaints rose as much: estimable, but
  // the interval includes zero, so nothing is claimed and L4 earns the
  // "no effect" score.
  PostComplaints("1504", "dinkes", 94, absl::CivilDay(2025, 10, 14), absl::CivilDay(2026, 1, 11), "b");
  PostComplaints("1504", "dinkes", 165, absl::CivilDay(2026, 1, 17), absl::CivilDay(2026, 4, 16), "a");
  SetDataSince("1504", "dinkes", absl::CivilDay(2025, 10, 1));
  ev = Evaluation(cohort, Organiser(), true);
  const auto& d = ev.results().complaint_rate_did();
  ASSERT_FALSE(d.withheld()) << d.reason();
  EXPECT_EQ(ev.results().control_unit_count(), 2);
  // Recomputed: pooled rates per 1,000 transactions, Poisson variances.
  const double et = 3000 * 90 / 30.4375, ec = (100 + 3000) * 90 / 30.4375;
  const double did = (172 / et - 94 / et) * 1000 - (166 / ec - 94 / ec) * 1000;
  const double se = std::sqrt(94 / (et * et) + 172 / (et * et) + 94 / (ec * ec) + 166 / (ec * ec)) * 1000;
  EXPECT_NEAR(d.value(), did, 1e-9);
  EXPECT_NEAR(d.ci_low(), did - 1.959963984540054 * se, 1e-9);
  ASSERT_LT(d.ci_low(), 0);
  ASSERT_GT(d.ci_high(), 0);
  EXPECT_TRUE(d.inconclusive());
  EXPECT_EQ(d.reason_code(), v1::EFFECT_NOT_SHOWN);
  EXPECT_TRUE(ev.results().complaints_avoided().withheld());
  EXPECT_EQ(ev.results().complaints_avoided().reason_code(), v1::EFFECT_NOT_SHOWN);
  EXPECT_TRUE(ev.cost().per_complaint_avoided().withheld());
  EXPECT_EQ(ev.cost().per_complaint_avoided().reason_code(), v1::EFFECT_NOT_SHOWN);
  ASSERT_TRUE(ev.composite().components(3).used());
  EXPECT_EQ(ev.composite().components(3).score().value(), 50);
  EXPECT_NE(ev.results().conclusion().find("includes zero"), std::string::npos) << ev.results().conclusion();

  // The monthly lines from the real complaint service (BatchGetUnitMonths),
  // against the complaints posted above counted here per month: trained =
  // dukcapil, comparison = dinsos + dinkes; no SKM data, so the IKM lines
  // are gaps with the estimate's causes, never zeros.
  std::map<std::pair<std::string, std::string>, int> posted;  // (unit, YYYY-MM)
  auto spread = [&](const std::string& unit, int count, absl::CivilDay from, absl::CivilDay to) {
    for (int k = 0; k < count; ++k) {
      ++posted[{unit, absl::FormatCivilTime(absl::CivilMonth(from + (k * (to - from)) / (count - 1)))}];
    }
  };
  spread("dukcapil", 94, absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 1, 11));
  spread("dukcapil", 172, absl::CivilDay(2026, 1, 17), absl::CivilDay(2026, 4, 16));
  ++posted[{"dinsos", "2026-02"}];
  spread("dinkes", 94, absl::CivilDay(2025, 10, 14), absl::CivilDay(2026, 1, 11));
  spread("dinkes", 165, absl::CivilDay(2026, 1, 17), absl::CivilDay(2026, 4, 16));
  const auto& series = ev.results().series();
  ASSERT_EQ(series.size(), 7) << ev.results().series_missing();  // 2025-10 .. 2026-04
  for (const auto& m : series) {
    absl::CivilMonth month;
    ASSERT_TRUE(absl::ParseCivilTime(m.period(), &month));
    const double days = static_cast<double>(absl::CivilDay(month + 1) - absl::CivilDay(month));
    const double t = posted[{"dukcapil", m.period()}];
    const double c = posted[{"dinsos", m.period()}] + posted[{"dinkes", m.period()}];
    ASSERT_FALSE(m.treated_complaint_rate().withheld()) << m.period() << m.treated_complaint_rate().reason();
    EXPECT_NEAR(m.treated_complaint_rate().value(), t / (3000 * days / 30.4375) * 1000, 1e-9) << m.period();
    EXPECT_EQ(m.treated_complaint_rate().n(), static_cast<int64_t>(t));
    EXPECT_NEAR(m.control_complaint_rate().value(), c / (3100 * days / 30.4375) * 1000, 1e-9) << m.period();
    EXPECT_EQ(m.treated_ikm().reason_code(), v1::TOO_FEW_SKM_RESPONDENTS) << m.period();
    EXPECT_EQ(m.control_ikm().reason_code(), v1::TOO_FEW_CONTROL_UNITS) << m.period();
    EXPECT_EQ(m.treated_ikm().value(), 0);
  }
  EXPECT_TRUE(series[0].in_before());
  EXPECT_FALSE(series[0].in_after());
  EXPECT_TRUE(series[3].in_before() && series[3].in_after());  // January 2026 holds both windows' edges
  EXPECT_TRUE(series[6].in_after());
}

// ---------------------------------------------------------- items 7 and 8

TEST_F(ScoringEndToEndTest, OneCompositeEverywhereAndNegativeAlphaWarns) {
  // Programme satu: cohorts of 8 and 7; programme dua: one cohort of 6
  // whose reaction items run against each other (items 2 and 4 reversed).
  CreateUnit("1504", "dpmptsp", 800);
  CreateProgram("1504", "satu", 1'200'000);
  CreateProgram("1504", "dua", 900'000);
  InstallDefaults("1504");
  CreateIdentifiedReaction("1504");
  const std::string supervisor = NipOf(99);
  CreateEmployee("1504", supervisor, "dpmptsp");
  struct Def { std::string program, id; int size; };
  const std::vector<Def> defs = {{"satu", "s1", 8}, {"satu", "s2", 7}, {"dua", "d1", 6}};
  const std::vector<std::vector<int>> reversed = {{1, 5, 1, 4}, {2, 4, 2, 4}, {3, 3, 3, 2},
                                                  {4, 2, 4, 2}, {5, 1, 5, 2}, {4, 2, 5, 1}};
  int person = 0;
  for (size_t c = 0; c < defs.size(); ++c) {
    const std::string program = "tenants/1504/programs/" + defs[c].program;
    const std::string cohort = program + "/cohorts/" + defs[c].id;
    CreateCohort(program, defs[c].id, absl::CivilDay(2026, 5, 4) + 7 * static_cast<int>(c),
                 absl::CivilDay(2026, 5, 8) + 7 * static_cast<int>(c), {"Pak Anto"});
    for (int k = 0; k < defs[c].size; ++k) {
      const std::string nip = NipOf(person++);
      CreateEmployee("1504", nip, "dpmptsp", supervisor);
      Enrol(cohort, nip);
      PostReaction(cohort, nip, c == 2 ? reversed[k] : std::vector<int>{2 + k % 4, 3 + k % 3, 4, 2 + (k + static_cast<int>(c)) % 4});
      PostFollowup(cohort, supervisor, nip, (k + static_cast<int>(c)) % 3 != 0,
                   absl::CivilDay(2026, 5, 8) + 7 * static_cast<int>(c));
    }
  }
  using Req = v1::RollUpEvaluationsRequest;
  const auto programs = RollUp(Req::PROGRAM);
  const auto rank = Rank();
  ASSERT_EQ(programs.rows_size(), 2);
  ASSERT_EQ(rank.by_composite_size(), 2);
  for (const auto& p : rank.by_composite()) {
    for (const auto& row : programs.rows()) {
      if (row.group() != p.program()) continue;
      ASSERT_FALSE(row.composite().withheld()) << row.composite().reason();
      // The same figure, to the bit.
      EXPECT_EQ(p.composite().value(), row.composite().value()) << p.program();
      EXPECT_EQ(p.composite().n(), row.composite().n());
    }
  }
  // A one-cohort programme's row is its cohort's composite.
  const v1::Evaluation d1 = Evaluation("tenants/1504/programs/dua/cohorts/d1");
  for (const auto& row : programs.rows()) {
    if (row.group() == "tenants/1504/programs/dua") {
      EXPECT_NEAR(row.composite().value(), d1.composite().score().value(), 1e-9);
    }
  }
  // Every row's composite is the one function of that row's level figures
  // (default weights l1 0.15, l3 0.30; no tests; L4 not estimable).
  const auto years = RollUp(Req::YEAR), instructors = RollUp(Req::INSTRUCTOR);
  ASSERT_EQ(years.rows_size(), 1);
  ASSERT_EQ(instructors.rows_size(), 1);
  for (const auto* rows : {&programs, &years, &instructors}) {
    for (const auto& row : rows->rows()) {
      ASSERT_FALSE(row.reaction().withheld()) << row.group();
      ASSERT_FALSE(row.applied_share().withheld()) << row.group();
      const double expected = (0.15 * row.reaction().value() + 0.30 * 100 * row.applied_share().value()) / 0.45;
      EXPECT_NEAR(row.composite().value(), expected, 1e-9) << row.group();
    }
  }
  // Cronbach's alpha of d1's reversed items is negative: shown with the warning.
  std::vector<std::vector<double>> items(4);
  std::vector<double> totals;
  for (const auto& r : reversed) {
    double t = 0;
    for (int j = 0; j < 4; ++j) {
      items[j].push_back(r[j]);
      t += r[j];
    }
    totals.push_back(t);
  }
  auto var = [](const std::vector<double>& xs) {
    double m = 0, s = 0;
    for (double x : xs) m += x / xs.size();
    for (double x : xs) s += (x - m) * (x - m);
    return s / (xs.size() - 1);
  };
  const double alpha = 4.0 / 3 * (1 - (var(items[0]) + var(items[1]) + var(items[2]) + var(items[3])) / var(totals));
  ASSERT_LT(alpha, 0);
  const v1::Figure& a = d1.reaction().cronbach_alpha();
  ASSERT_FALSE(a.withheld()) << a.reason();
  EXPECT_NEAR(a.value(), alpha, 1e-9);
  EXPECT_EQ(a.warning_code(), v1::NEGATIVE_ALPHA);
  EXPECT_FALSE(a.warning().empty());
}

}  // namespace
}  // namespace pelita::scoring
