#include "services/enrolment/domain.h"

#include "gtest/gtest.h"

namespace pelita::enrolment {
namespace {

const absl::CivilDay kToday(2026, 11, 29);

google::type::Date D(int y, int m, int d) { return FromCivilDay(absl::CivilDay(y, m, d)); }

template <typename F>
void ExpectInvalid(F&& f, absl::string_view field) {
  absl::Status s = f();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(s.message().substr(0, field.size()), field) << s;
}

TEST(DomainTest, EmployeeGetsBirthDateAndGenderFromNip) {
  v1::Employee e;
  e.set_nip("198402292010012003");
  e.set_full_name("Siti Aminah, S.Sos");
  e.set_unit("tenants/1504/units/dukcapil");
  e.set_grade("III/b");
  e.set_employment_type(v1::PNS);
  ASSERT_TRUE(ValidateEmployee(e, "employee", kToday).ok());
  EXPECT_EQ(e.gender(), "female");
  EXPECT_EQ(e.birth_date().year(), 1984);
  EXPECT_EQ(e.birth_date().day(), 29);
}

TEST(DomainTest, EmployeeErrorsNameTheField) {
  v1::Employee e;
  e.set_nip("196608011988031001");
  e.set_full_name("Budi");
  e.set_unit("tenants/1504/units/dukcapil");
  e.set_employment_type(v1::PNS);
  ExpectInvalid([&] { v1::Employee x = e; x.set_nip("123"); return ValidateEmployee(x, "employee", kToday); },
                "employee.nip");
  ExpectInvalid([&] { v1::Employee x = e; x.set_full_name("  "); return ValidateEmployee(x, "employee", kToday); },
                "employee.full_name");
  ExpectInvalid([&] { v1::Employee x = e; x.set_grade("V/z"); return ValidateEmployee(x, "employee", kToday); },
                "employee.grade");
  ExpectInvalid([&] { v1::Employee x = e; x.clear_employment_type(); return ValidateEmployee(x, "employee", kToday); },
                "employee.employment_type");
  ExpectInvalid([&] { v1::Employee x = e; x.clear_unit(); return ValidateEmployee(x, "employee", kToday); },
                "employee.unit");
}

TEST(DomainTest, GradesOfPnsAndPppk) {
  for (const char* g : {"I/a", "II/d", "III/a", "IV/e", "IX", "XVII"}) EXPECT_TRUE(ValidGrade(g)) << g;
  for (const char* g : {"", "V/a", "III/f", "XVIII", "iii/a"}) EXPECT_FALSE(ValidGrade(g)) << g;
}

TEST(DomainTest, CohortMustNotEndBeforeItStarts) {
  v1::Cohort c;
  *c.mutable_start_date() = D(2026, 3, 10);
  *c.mutable_end_date() = D(2026, 3, 12);
  c.set_capacity(30);
  EXPECT_TRUE(ValidateCohort(c, "cohort").ok());
  *c.mutable_end_date() = D(2026, 3, 9);
  ExpectInvalid([&] { return ValidateCohort(c, "cohort"); }, "cohort.end_date");
  *c.mutable_end_date() = D(2026, 2, 30);
  ExpectInvalid([&] { return ValidateCohort(c, "cohort"); }, "cohort.end_date");
  *c.mutable_end_date() = D(2026, 3, 12);
  c.set_capacity(0);
  ExpectInvalid([&] { return ValidateCohort(c, "cohort"); }, "cohort.capacity");
  c.set_capacity(30);
  c.clear_start_date();
  ExpectInvalid([&] { return ValidateCohort(c, "cohort"); }, "cohort.start_date");
}

TEST(DomainTest, ProgramDefaultsFollowUpOffsets) {
  v1::Program p;
  p.set_title("Pelayanan Publik Prima");
  p.set_competency_type(v1::TEKNIS);
  p.set_jp(24);
  p.set_year(2026);
  ASSERT_TRUE(ValidateProgram(p, "program").ok());
  EXPECT_EQ(p.follow_up_offsets_days_size(), 3);
  EXPECT_EQ(p.follow_up_offsets_days(2), 90);
  p.set_jp(0);
  ExpectInvalid([&] { return ValidateProgram(p, "program"); }, "program.jp");
  p.set_jp(24);
  p.set_budget(-1);
  ExpectInvalid([&] { return ValidateProgram(p, "program"); }, "program.budget");
  p.set_budget(0);
  p.clear_follow_up_offsets_days();
  p.add_follow_up_offsets_days(60);
  p.add_follow_up_offsets_days(30);
  ExpectInvalid([&] { return ValidateProgram(p, "program"); }, "program.follow_up_offsets_days");
}

TEST(DomainTest, DaysAndLearningYear) {
  auto d = ParseDay("2026-12-31", "day");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(DayNumber(*d), 20261231);
  EXPECT_EQ(LearningYear(*d), 2026);
  ExpectInvalid([] { return ParseDay("2026-13-01", "day").status(); }, "day");
  ExpectInvalid([] { return ParseDay("31/12/2026", "day").status(); }, "day");
  EXPECT_EQ(ParseEmploymentType(" pppk "), v1::PPPK);
  EXPECT_EQ(ParseEmploymentType("honorer"), v1::EMPLOYMENT_TYPE_UNSPECIFIED);
}

// Every day from the first window's opening on belongs to exactly one wave:
// the boundaries sit halfway between neighbouring offsets.
TEST(DomainTest, FollowUpWindowsTileTheDaysAfterTheCohort) {
  const absl::CivilDay end(2026, 11, 6);
  auto w = FollowUpWindows(end, {30, 60, 90});
  ASSERT_EQ(w.size(), 3u);
  auto day = [&](const google::type::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()) - end; };
  EXPECT_EQ(day(w[0].first_day()), 15);
  EXPECT_EQ(day(w[0].last_day()), 44);
  EXPECT_EQ(day(w[1].first_day()), 45);
  EXPECT_EQ(day(w[1].last_day()), 74);
  EXPECT_EQ(day(w[2].first_day()), 75);
  EXPECT_EQ(day(w[2].last_day()), 105);
  for (const auto& offsets : std::vector<std::vector<int>>{{14, 45}, {7, 30, 180}, {90}}) {
    auto ws = FollowUpWindows(end, offsets);
    ASSERT_EQ(ws.size(), offsets.size());
    for (size_t i = 0; i < ws.size(); ++i) {
      EXPECT_LE(day(ws[i].first_day()), offsets[i]);
      EXPECT_GE(day(ws[i].last_day()), offsets[i]);  // the due day is inside its window
      if (i > 0) EXPECT_EQ(day(ws[i].first_day()), day(ws[i - 1].last_day()) + 1);
    }
  }
}

TEST(DomainTest, SupervisorIsAnotherRealNip) {
  v1::Employee e;
  e.set_nip("196608011988031001");
  e.set_full_name("Siti Aminah");
  e.set_unit("tenants/1504/units/disdukcapil");
  e.set_employment_type(v1::PNS);
  const absl::CivilDay today(2026, 12, 1);
  EXPECT_TRUE(ValidateEmployee(e, "employee", today).ok());
  e.set_supervisor_nip("196608011988031001");
  ExpectInvalid([&] { return ValidateEmployee(e, "employee", today); }, "employee.supervisor_nip");
  e.set_supervisor_nip("19660801198803100");
  ExpectInvalid([&] { return ValidateEmployee(e, "employee", today); }, "employee.supervisor_nip");
  e.set_supervisor_nip("197001011995031002");
  EXPECT_TRUE(ValidateEmployee(e, "employee", today).ok());
}

TEST(DomainTest, UnitNeedsNameAndNonNegativeVolume) {
  v1::Unit u;
  ExpectInvalid([&] { return ValidateUnit(u, "unit"); }, "unit.display_name");
  u.set_display_name("Dinas Kependudukan dan Pencatatan Sipil");
  u.set_monthly_service_volume(-5);
  ExpectInvalid([&] { return ValidateUnit(u, "unit"); }, "unit.monthly_service_volume");
}

}  // namespace
}  // namespace pelita::enrolment
