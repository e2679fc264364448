// The demo plan's own consistency: what the loaders would refuse or what
// would make the demo's story false (a midwife in a kantor camat, a
// supervisor in another unit, a control unit with trained staff, two
// cohorts' effects in one window).  tests/demo checks the loaded data
// through the services.
#include "tools/demo/batanghari.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/ids/nip.h"

namespace pelita::demo {
namespace {

TEST(BatanghariPlan, RosterHasValidNipsAndSupervisorsInTheSameUnit) {
  const Plan& plan = Batanghari();
  ASSERT_EQ(plan.units.size(), 20u);
  ASSERT_GT(plan.people.size(), 650u);
  std::set<std::string> nips, seen;
  std::map<std::string, int> heads;
  for (const PersonPlan& p : plan.people) {
    auto nip = ParseNip(p.nip, absl::CivilDay(2026, 1, 1));
    ASSERT_TRUE(nip.ok()) << p.nip << ": " << nip.status();
    EXPECT_TRUE(nips.insert(p.nip).second) << "duplicate " << p.nip;
    ASSERT_NE(plan.Unit(p.unit), nullptr) << p.unit;
    if (p.level == 0) {
      ++heads[p.unit];
      EXPECT_TRUE(p.supervisor_nip.empty()) << p.position;
    } else {
      // The supervisor comes earlier in the roster (an import in this order
      // always finds them) and works in the same unit.
      ASSERT_TRUE(seen.count(p.supervisor_nip)) << p.full_name << " " << p.position;
      EXPECT_EQ(plan.Person(p.supervisor_nip)->unit, p.unit);
      EXPECT_LT(plan.Person(p.supervisor_nip)->level, p.level);
    }
    seen.insert(p.nip);
    if (absl::StartsWith(p.position, "Bidan ") || absl::StartsWith(p.position, "Perawat ") ||
        absl::StartsWith(p.position, "Dokter ")) {
      EXPECT_TRUE(p.unit == "dinkes" || p.unit == "rsud-hamba") << p.position << " in " << p.unit;
    }
    if (absl::StartsWith(p.position, "Guru ")) {
      EXPECT_EQ(p.unit, "disdik");
    }
    if (plan.Unit(p.unit)->kind == "kantor_camat") {
      EXPECT_FALSE(absl::StrContains(p.position, "Kesehatan") || absl::StrContains(p.position, "Guru"))
          << p.position;
    }
  }
  for (const UnitPlan& u : plan.units) EXPECT_EQ(heads[u.id], 1) << u.id;
}

TEST(BatanghariPlan, CohortsAgreeWithTheirNamesAndTrainOnlyTheirUnits) {
  const Plan& plan = Batanghari();
  ASSERT_EQ(plan.cohorts.size(), 14u);
  std::map<std::string, std::set<std::string>> trained_in_programme;
  std::set<std::string> trained_units;
  for (const CohortPlan& c : plan.cohorts) {
    EXPECT_EQ(c.cohort_id, absl::StrFormat("angkatan-%02d", c.number));
    EXPECT_TRUE(absl::StartsWith(c.display_name, absl::StrCat("Angkatan ", Roman(c.number), " ")))
        << c.display_name;
    EXPECT_EQ(c.observers.size(), 2u);
    std::set<std::string> units;
    for (const auto& [u, n] : c.units) units.insert(u);
    for (const std::string& nip : c.applicants) {
      const PersonPlan* p = plan.Person(nip);
      ASSERT_NE(p, nullptr);
      EXPECT_TRUE(units.count(p->unit)) << nip;
      EXPECT_FALSE(p->supervisor_nip.empty());
      EXPECT_FALSE(p->observer);
      EXPECT_TRUE(trained_in_programme[c.program_id].insert(nip).second) << nip << " twice in " << c.program_id;
      for (const std::string& o : c.observers) EXPECT_NE(o, nip);
      trained_units.insert(p->unit);
    }
    int seats = 0;
    for (const auto& [u, n] : c.units) seats += n;
    EXPECT_EQ(static_cast<int>(c.applicants.size()), seats + (seats >= c.capacity ? 2 : 0)) << c.name();
  }
  // Five units send nobody in 2026: the comparison units of every cohort.
  std::set<std::string> controls;
  for (const UnitPlan& u : plan.units) {
    if (!trained_units.count(u.id)) controls.insert(u.id);
  }
  EXPECT_EQ(controls, (std::set<std::string>{"bappeda", "camat-batin-xxiv", "camat-mersam", "dinkes", "disdik"}));
  for (const std::string& u : controls) EXPECT_EQ(plan.TrainingFactor(u, absl::CivilDay(2026, 12, 1)), 1.0);
}

// A cohort's before window (90 days before its first day) and after window
// (90 days after its last) hold no other cohort's effect on its units, so
// each estimate measures its own cohort.
TEST(BatanghariPlan, NoOtherEffectFallsInACohortsWindows) {
  const Plan& plan = Batanghari();
  for (const CohortPlan& c : plan.cohorts) {
    for (const auto& [unit, n] : c.units) {
      for (const CohortPlan& o : plan.cohorts) {
        if (&o == &c || plan.Program(o.program_id)->complaint_drop == 0) continue;
        bool trains = false;
        for (const auto& ou : o.units) trains |= ou.first == unit;
        if (!trains) continue;
        // The other's effect ramps in over the 21 days after its end.
        const absl::CivilDay from = o.end, to = o.end + 21;
        EXPECT_TRUE(to < c.start - 90 || from > c.end + 90)
            << o.name() << " changes " << unit << " inside the windows of " << c.name();
      }
    }
  }
}

TEST(BatanghariPlan, EffectsFollowTheProgrammes) {
  const Plan& plan = Batanghari();
  const absl::CivilDay before(2026, 1, 10), after(2026, 3, 1);
  // Pelayanan Publik Prima (Angkatan I, 20-23 January) lowers Disdukcapil's
  // complaints and raises its IKM; Administrasi Perkantoran changes nothing
  // at Bapenda.
  EXPECT_NEAR(plan.TrainingFactor("disdukcapil", after), 0.55, 1e-9);
  EXPECT_GT(plan.ElementMean("disdukcapil", 6, after), plan.ElementMean("disdukcapil", 6, before) + 0.4);
  EXPECT_EQ(plan.TrainingFactor("bapenda", absl::CivilDay(2026, 12, 1)), 1.0);
  EXPECT_EQ(plan.ElementMean("bapenda", 6, absl::CivilDay(2026, 12, 1)), plan.ElementMean("bapenda", 6, before));
  // Mersam's complaint data begin in March 2026.
  EXPECT_EQ(plan.ExpectedComplaints("camat-mersam", absl::CivilDay(2026, 2, 10)), 0);
  EXPECT_GT(plan.ExpectedComplaints("camat-mersam", absl::CivilDay(2026, 3, 10)), 0);
  EXPECT_EQ(Roman(5), "V");
  EXPECT_EQ(Roman(14), "XIV");
}

}  // namespace
}  // namespace pelita::demo
