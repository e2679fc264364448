// The rules of external trainings without storage: validation of a
// replace request and the counting rule of the 20 JP figure.

#include "services/enrolment/external.h"

#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "lib/status/status.h"
#include "services/enrolment/domain.h"

namespace pelita::enrolment {
namespace {

v1::ExternalTraining Record(const std::string& source, const std::string& id, int jp, absl::CivilDay end,
                            const std::string& certificate = "") {
  v1::ExternalTraining t;
  t.set_source(source);
  t.set_source_id(id);
  t.set_jp(jp);
  *t.mutable_end_date() = FromCivilDay(end);
  t.set_certificate_number(certificate);
  return t;
}

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& [field, problem] : FieldViolationsOf(s)) out.push_back(field);
  return out;
}

TEST(ExternalTrainingRulesTest, ValidationNamesEachBadField) {
  google::protobuf::RepeatedPtrField<v1::ExternalTraining> ts;
  *ts.Add() = Record("siasn-kursus", "A.1_x-2", 0, absl::CivilDay(2026, 1, 1));
  *ts.Add() = Record("siasn-kursus", "B", 1000, absl::CivilDay(2026, 1, 1));
  EXPECT_TRUE(ValidateExternalTrainings("siasn-kursus", ts).ok());

  *ts.Add() = Record("siasn-kursus", "C", -1, absl::CivilDay(2026, 1, 1));
  ts.Mutable(2)->set_title(std::string("\xc3\x28", 2));  // not UTF-8
  ts.Mutable(2)->set_certificate_number(std::string(101, '9'));
  *ts.Add() = Record("", "D", 1, absl::CivilDay(2026, 1, 1));
  *ts.Add() = Record("siasn-kursus", "B", 1, absl::CivilDay(2026, 1, 1));
  absl::Status s = ValidateExternalTrainings("siasn-kursus", ts);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), (std::vector<std::string>{"trainings[2].title", "trainings[2].certificate_number",
                                                 "trainings[2].jp", "trainings[3].source",
                                                 "trainings[4].source_id"}));
  EXPECT_NE(FieldViolationsOf(s)[4].second.find("trainings[1]"), std::string::npos);

  for (const char* bad : {"", "SIASN", "siasn_kursus", "siasn.kursus"}) {
    EXPECT_EQ(Fields(ValidateExternalTrainings(bad, {})), std::vector<std::string>{"source"}) << bad;
  }
  EXPECT_TRUE(ValidateExternalTrainings(std::string(40, 'a'), {}).ok());
  EXPECT_FALSE(ValidateExternalTrainings(std::string(41, 'a'), {}).ok());
}

TEST(ExternalTrainingRulesTest, ViolationsAreCappedForAHugeBadFile) {
  google::protobuf::RepeatedPtrField<v1::ExternalTraining> ts;
  for (int i = 0; i < 1000; ++i) *ts.Add() = Record("siasn-kursus", absl::StrCat("K", i), 2000, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(FieldViolationsOf(ValidateExternalTrainings("siasn-kursus", ts)).size(), 100u);
}

TEST(ExternalTrainingRulesTest, CountsOncePerCertificateAndNeverPelitasOwn) {
  const std::vector<v1::ExternalTraining> records = {
      Record("siasn-kursus", "K1", 12, absl::CivilDay(2026, 2, 11), "  PEL-1\t"),  // Pelita's own
      Record("siasn-kursus", "K2", 6, absl::CivilDay(2026, 3, 1), "LAN-77"),
      Record("siasn-diklat", "D1", 6, absl::CivilDay(2026, 3, 1), " LAN-77"),  // the same, other source
      Record("siasn-diklat", "D2", 3, absl::CivilDay(2026, 6, 1)),
      Record("siasn-kursus", "K3", 3, absl::CivilDay(2026, 6, 1), " "),  // a blank number is none
      Record("siasn-kursus", "K4", 5, absl::CivilDay(2025, 12, 31)),
  };
  ExternalCount c = CountExternal(records, 2026, {"PEL-1"});
  EXPECT_EQ(c.jp, 12);
  ASSERT_EQ(c.counted.size(), 3u);
  EXPECT_EQ(c.counted[0].source_id(), "D1");  // siasn-diklat.* before siasn-kursus.*
  EXPECT_EQ(c.counted[1].source_id(), "D2");
  EXPECT_EQ(c.counted[2].source_id(), "K3");
  ASSERT_EQ(c.duplicates.size(), 1u);
  EXPECT_EQ(c.duplicates[0].source_id(), "K1");
  EXPECT_EQ(CountExternal(records, 2025, {"PEL-1"}).jp, 5);
  // Without the completed enrolment, K1 counts.
  EXPECT_EQ(CountExternal(records, 2026, {}).jp, 24);
  EXPECT_TRUE(CountExternal(records, 2026, {}).duplicates.empty());
}

}  // namespace
}  // namespace pelita::enrolment
