// The demo data of Kabupaten Batang Hari (tenant 1504): one plan that the
// demo loaders (services/enrolment, services/survey, services/complaint,
// services/performance and the others, each `demo_main.cc`) load through the services'
// public APIs, so that what the enrolment loader enrols is what the
// complaint and SKM data respond to.
//
// What the plan is (README "Demo data" and tools/demo/README.md):
// - 20 units: the dinas and badan that serve the public, RSUD Hamba and the
//   eight kantor camat of SPEC §2, each with its monthly service volume;
// - about 750 ASN with valid NIPs (Perka BKN 22/2007), positions that fit
//   their unit and an atasan langsung (`supervisor_nip`) in the same unit;
//   heads of unit have none recorded (their atasan, the Sekretaris Daerah,
//   is not in the demo roster);
// - the three 2026 programmes with their cohorts, each cohort training
//   staff of a few named units; five units send nobody in 2026 and are the
//   comparison (control) units of every cohort;
// - complaints (SP4N-LAPOR! style) and SKM responses per unit from January
//   2025, whose level responds to training: complaints fall and IKM rises
//   after a Pelayanan Publik Prima cohort in the units it trained, a little
//   after Manajemen Waktu, not at all after Administrasi Perkantoran.
//
// Everything is deterministic: the same plan every run, and every random
// choice is a hash of what it is about, so that data cut at another day
// agree with these on every day both contain.
#ifndef PELITA_TOOLS_DEMO_BATANGHARI_H_
#define PELITA_TOOLS_DEMO_BATANGHARI_H_

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace pelita::demo {

inline constexpr char kTenant[] = "1504";

// Western Indonesia Time (UTC+7, no daylight saving).
const absl::TimeZone& Wib();
// 00:00 WIB of `day`.
absl::Time StartOf(absl::CivilDay day);

// The first day of complaint and SKM data (so that the before-window of
// every 2026 cohort lies inside the data).
inline constexpr absl::CivilDay kDataStart{2025, 1, 1};

// The day the demo data stop (exclusive: everything the loaders write
// happened before 00:00 WIB of it): `flag` as YYYY-MM-DD, or today in WIB
// when empty.  A day after today is refused (nothing is dated in the
// future).
absl::StatusOr<absl::CivilDay> AsOfDay(const std::string& flag);

// The flags every demo loader takes: --tenant must be Batang Hari's (the
// data are its own) and --as_of as AsOfDay reads it.  A bad one is logged
// and returned (the loader then exits 2).
absl::StatusOr<absl::CivilDay> CheckLoaderFlags(const std::string& tenant, const std::string& as_of);

// Stable pseudo-random numbers: a hash of what the number is about
// (FNV-1a, then a SplitMix64 finaliser), so that no value depends on the
// order things are generated in.
uint64_t Hash(absl::string_view key);
// In [0, 1).
double Uniform(absl::string_view key);
// SplitMix64, for sequences of choices about one thing.
class Rng {
 public:
  explicit Rng(absl::string_view key) : state_(Hash(key)) {}
  uint64_t Next();
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  // A standard normal deviate.
  double Normal();

 private:
  uint64_t state_;
};

// Inverse of the standard normal CDF, p in (0, 1).
double NormalQuantile(double p);

// "I", "II", ..., for cohort names (`angkatan-05` is "Angkatan V").
std::string Roman(int n);

struct UnitPlan {
  std::string id;  // slug
  std::string name;
  std::string kind;  // dinas, badan, rsud, kantor_camat
  std::string district;
  int64_t monthly_volume = 0;  // transactions a month
  double complaints_per_1000 = 0;  // before any training
  int skm_per_month = 0;  // SKM respondents a month
  double element_mean = 3.0;  // mean SKM element score (1-4) before training
  // The first month of the unit's complaint data (a kantor camat that
  // joined SP4N-LAPOR! later has none before).
  absl::CivilMonth complaints_since{2025, 1};
  std::vector<std::string> categories;  // complaint categories, most common first
};

struct PersonPlan {
  std::string nip;
  std::string full_name;
  std::string unit;  // unit id
  std::string position;
  std::string grade;
  bool pppk = false;
  std::string supervisor_nip;  // empty for heads of unit
  // 0 head of unit, 1 reports to the head, 2 reports to a level-1 official,
  // 3 staff.
  int level = 3;
  // A named observer of cohorts (BKPSDM, Bidang Pengembangan Kompetensi);
  // never a participant.
  bool observer = false;
};

// One item of a pre/post test, with its answer key.
struct TestItem {
  enum class Type { kSingleChoice, kYesNo, kMultipleChoice };
  std::string code;
  std::string text;
  Type type = Type::kSingleChoice;
  std::vector<std::pair<std::string, std::string>> choices;  // code, text
  std::vector<std::string> correct;  // choice codes; yes/no: "ya" / "tidak"
  int points = 10;
  std::string competency;
  double difficulty = 0;  // logit scale
};

struct ActionSpec {
  std::string change, competency, indicator;
  int due_days = 30;  // after the cohort's last day
  std::string evidence;  // when applied
};

struct ProgramPlan {
  std::string id;
  std::string title;
  int competency_type = 0;  // pelita.enrolment.v1.CompetencyType
  int jp = 0;
  int days = 0;  // length of a cohort
  int64_t cost_per_participant = 0;
  std::vector<std::string> objectives;
  std::vector<std::string> instructors;  // rotated over the cohorts
  std::string venue;
  // Effects on a trained unit, reached 21 days after the cohort's last day
  // (half for a unit's second cohort of the programme, a quarter for its
  // third): the share of complaints that no longer arise, and the shift of
  // each SKM element's mean score (U1..U9).
  double complaint_drop = 0;
  std::array<double, 9> element_shift{};
  // Survey behaviour of its participants.
  std::array<double, 4> reaction_mean{};  // materi, instruktur, fasilitas, penyelenggaraan (1-5)
  double test_gain = 0;  // logit gain from pre- to post-test
  double applied_share = 0;  // supervisors who see the training applied
  std::string test_title;
  std::vector<TestItem> test;
  std::vector<ActionSpec> actions;
  std::vector<std::string> applied_competencies;  // follow-up KOMPETENSI codes
  std::vector<std::string> suggestions;  // free-text SARAN of the reaction survey
};

struct CohortPlan {
  std::string program_id;
  std::string cohort_id;  // angkatan-NN
  std::string display_name;  // "Angkatan <Roman NN> — <title>"
  int number = 0;
  absl::CivilDay start, end;
  std::string venue;
  std::vector<std::string> instructors;
  std::vector<std::string> observers;  // NIPs
  int capacity = 30;
  // The units whose staff it trains, and how many seats each.
  std::vector<std::pair<std::string, int>> units;
  // NIPs in enrolment order; beyond `capacity` they are wait-listed.
  std::vector<std::string> applicants;
  // Withdraws before the start (its seat goes to the first wait-listed).
  std::string withdrawn;
  // Miss the last day (attended, not completed).
  std::set<std::string> absent_last_day;

  std::string name() const;  // tenants/1504/programs/{p}/cohorts/{c}
};

class Plan {
 public:
  std::vector<UnitPlan> units;
  std::vector<PersonPlan> people;  // supervisors before their staff
  std::vector<ProgramPlan> programs;
  std::vector<CohortPlan> cohorts;

  const UnitPlan* Unit(absl::string_view id) const;
  const PersonPlan* Person(absl::string_view nip) const;
  const ProgramPlan* Program(absl::string_view id) const;

  // Expected complaints of a unit on one day (before any cut): volume x
  // rate x season (Idul Fitri, the new school year) x a slow rise in use of
  // SP4N-LAPOR! x the training effect; 0 before the unit's data start.
  double ExpectedComplaints(absl::string_view unit, absl::CivilDay day) const;
  // The training effect alone: the factor on complaints (1 = none).
  double TrainingFactor(absl::string_view unit, absl::CivilDay day) const;
  // Mean score (1-4) of SKM element `element` (0 = U1) of a unit on a day.
  double ElementMean(absl::string_view unit, int element, absl::CivilDay day) const;
  // Whether staff of the unit were trained by a cohort whose last day is
  // before `day` (faster complaint handling afterwards).
  bool TrainedBefore(absl::string_view unit, absl::CivilDay day) const;

 private:
  friend const Plan& Batanghari();
  struct Event {
    absl::CivilDay end;
    double complaint_drop;
    std::array<double, 9> element_shift;
  };
  std::map<std::string, std::vector<Event>> events_;  // by unit
  void Index();
};

// The plan (built once).
const Plan& Batanghari();

// What a loader did: objects created now, found already there, and calls
// that failed.  Report() logs one line `demo loaded` with the counts, which
// scripts/run.sh shows and tests/demo reads.
struct Tally {
  int64_t created = 0, already_there = 0, failed = 0;
  void Report(absl::string_view loader, std::initializer_list<std::pair<absl::string_view, std::string>> extra = {}) const;
};

}  // namespace pelita::demo

#endif  // PELITA_TOOLS_DEMO_BATANGHARI_H_
