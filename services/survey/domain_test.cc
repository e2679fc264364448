// Unit tests of the survey rules, without a network.

#include "services/survey/domain.h"

#include "absl/strings/match.h"
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "lib/ids/nip.h"
#include "lib/time/time.h"

namespace pelita::survey {
namespace {

std::string Nip() {
  return MakeNip(absl::CivilDay(1985, 4, 12), absl::CivilMonth(2010, 3), Nip::Gender::kFemale, 7);
}

v1::Instrument Find(const std::string& id) {
  for (auto& [i, in] : DefaultInstruments()) {
    if (i == id) return in;
  }
  ADD_FAILURE() << "no default " << id;
  return {};
}

v1::Instrument Mixed() {
  v1::Instrument in;
  in.set_title("Campuran");
  in.set_kind(v1::OBSERVATION);
  auto add = [&](const std::string& code, v1::ItemType type, bool required) -> v1::Item& {
    v1::Item& it = *in.add_items();
    it.set_code(code);
    it.set_text("Butir " + code);
    it.set_type(type);
    it.set_required(required);
    return it;
  };
  v1::Item& l = add("L", v1::LIKERT, true);
  l.set_scale_min(1);
  l.set_scale_max(4);
  add("S", v1::SCORE, false).set_max_score(10);
  add("Y", v1::YES_NO, false);
  v1::Item& one = add("O", v1::SINGLE_CHOICE, false);
  one.add_choices()->set_code("a");
  one.add_choices()->set_code("b");
  v1::Item& many = add("M", v1::MULTIPLE_CHOICE, false);
  many.add_choices()->set_code("x");
  many.add_choices()->set_code("y");
  add("T", v1::FREE_TEXT, false).set_max_text_bytes(100);
  return in;
}

v1::Response Base() {
  v1::Response r;
  r.set_instrument("tenants/1504/instruments/campuran");
  r.set_cohort("tenants/1504/programs/p/cohorts/c");
  r.set_subject_nip(Nip());
  r.add_answers()->set_item("L");
  r.mutable_answers(0)->set_number(3);
  return r;
}

absl::Status Check(const v1::Response& r) { return ScoreResponse(Mixed(), r).status(); }

TEST(DefaultsTest, AllValidAndComplete) {
  auto defaults = DefaultInstruments();
  ASSERT_EQ(defaults.size(), 5u);
  for (auto& [id, in] : defaults) EXPECT_TRUE(ValidateInstrument(in).ok()) << id << ValidateInstrument(in);
  v1::Instrument skm = Find("skm-permenpanrb-14-2017");
  int likert = 0;
  for (const auto& item : skm.items()) {
    if (item.type() == v1::LIKERT) {
      ++likert;
      EXPECT_EQ(item.scale_min(), 1);
      EXPECT_EQ(item.scale_max(), 4);
    }
  }
  EXPECT_EQ(likert, 9);
  v1::Instrument reaction = Find("reaksi-peserta");
  EXPECT_TRUE(reaction.anonymous());
  std::set<int> dims;
  for (const auto& item : reaction.items()) dims.insert(item.dimension());
  EXPECT_TRUE(dims.count(v1::MATERI) && dims.count(v1::INSTRUKTUR) && dims.count(v1::FASILITAS) &&
              dims.count(v1::PENYELENGGARAAN));
}

TEST(InstrumentTest, RejectsBadInstruments) {
  v1::Instrument in = Mixed();
  EXPECT_TRUE(ValidateInstrument(in).ok());
  v1::Instrument dup = in;
  dup.mutable_items(1)->set_code("L");
  EXPECT_TRUE(absl::StrContains(ValidateInstrument(dup).message(), "duplicate"));
  v1::Instrument scale = in;
  scale.mutable_items(0)->set_scale_max(1);
  EXPECT_TRUE(absl::StrContains(ValidateInstrument(scale).message(), "items[0].scale_max"));
  v1::Instrument post = in;
  post.set_kind(v1::POSTTEST);
  EXPECT_TRUE(absl::StrContains(ValidateInstrument(post).message(), "pretest"));
  v1::Instrument anon = in;
  anon.set_anonymous(true);
  EXPECT_FALSE(ValidateInstrument(anon).ok());
  v1::Instrument skm = Find("skm-permenpanrb-14-2017");
  skm.mutable_items(0)->set_scale_max(5);
  EXPECT_TRUE(absl::StrContains(ValidateInstrument(skm).message(), "1-4"));
  v1::Instrument reaction = Find("reaksi-peserta");
  reaction.mutable_items(0)->clear_dimension();
  EXPECT_TRUE(absl::StrContains(ValidateInstrument(reaction).message(), "dimension"));
}

TEST(ResponseTest, LikertGoodAndOutOfRange) {
  EXPECT_TRUE(Check(Base()).ok());
  v1::Response r = Base();
  r.mutable_answers(0)->set_number(5);
  absl::Status s = Check(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "item L")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "outside 1..4")) << s;
  r.mutable_answers(0)->set_number(0);
  EXPECT_FALSE(Check(r).ok());
  r.mutable_answers(0)->set_yes(true);
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "expects a number"));
}

TEST(ResponseTest, ScoreYesNoChoicesText) {
  v1::Response r = Base();
  auto add = [&](const std::string& item) {
    v1::Answer* a = r.add_answers();
    a->set_item(item);
    return a;
  };
  add("S")->set_number(10);
  add("Y")->set_yes(false);
  add("O")->set_choice("b");
  auto* m = add("M");
  m->mutable_choices()->add_codes("x");
  m->mutable_choices()->add_codes("y");
  add("T")->set_text("Pelayanan makin cepat");
  auto scored = ScoreResponse(Mixed(), r);
  ASSERT_TRUE(scored.ok()) << scored.status();
  EXPECT_EQ(scored->total, 13);
  EXPECT_TRUE(scored->complete);
  EXPECT_EQ(scored->participant_nip, Nip());

  auto bad = [&](int index, auto mutate, const std::string& expect) {
    v1::Response b = r;
    mutate(b.mutable_answers(index));
    absl::Status s = Check(b);
    EXPECT_FALSE(s.ok()) << expect;
    EXPECT_TRUE(absl::StrContains(s.message(), expect)) << s;
  };
  bad(1, [](v1::Answer* a) { a->set_number(11); }, "outside 0..10");
  bad(1, [](v1::Answer* a) { a->set_number(-1); }, "item S");
  bad(2, [](v1::Answer* a) { a->set_number(1); }, "expects yes or no");
  bad(3, [](v1::Answer* a) { a->set_choice("c"); }, "'c' is not one of its choices");
  bad(4, [](v1::Answer* a) { a->mutable_choices()->add_codes("x"); }, "chosen twice");
  bad(4, [](v1::Answer* a) { a->mutable_choices()->add_codes("z"); }, "'z' is not one of");
  bad(5, [](v1::Answer* a) { a->set_text(std::string(101, 'a')); }, "at most 100");
  bad(5, [](v1::Answer* a) { a->set_text(std::string(4 << 20, 'a')); }, "item T");
  bad(5, [](v1::Answer* a) { a->set_text("caf\xc3"); }, "not valid UTF-8");
  bad(5, [](v1::Answer* a) { a->set_text("\xed\xa0\x80"); }, "not valid UTF-8");
}

TEST(ResponseTest, UnknownMissingDuplicateItems) {
  v1::Response r = Base();
  r.add_answers()->set_item("ZZ");
  r.mutable_answers(1)->set_number(1);
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "unknown item")) << Check(r);
  r = Base();
  r.add_answers()->set_item("L");
  r.mutable_answers(1)->set_number(1);
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "answered twice"));
  r = Base();
  r.clear_answers();
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "required item is missing"));
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "item L"));
  r = Base();
  r.mutable_answers(0)->set_item("L\xff");
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "UTF-8"));
}

TEST(ResponseTest, WhoAndWhat) {
  v1::Response r = Base();
  r.clear_subject_nip();
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "subject_nip"));
  r.set_subject_nip("123");
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "subject_nip"));
  r = Base();
  r.clear_cohort();
  EXPECT_TRUE(absl::StrContains(Check(r).message(), "response.cohort"));
  v1::Instrument skm = Find("skm-permenpanrb-14-2017");
  v1::Response s;
  s.set_unit("tenants/1504/units/dukcapil");
  for (int i = 1; i <= 9; ++i) {
    v1::Answer* a = s.add_answers();
    a->set_item("U" + std::to_string(i));
    a->set_number(1 + i % 4);
  }
  EXPECT_TRUE(ScoreResponse(skm, s).ok()) << ScoreResponse(skm, s).status();
  s.set_respondent_nip(Nip());
  EXPECT_FALSE(ScoreResponse(skm, s).ok());
  s.clear_respondent_nip();
  s.clear_unit();
  EXPECT_TRUE(absl::StrContains(ScoreResponse(skm, s).status().message(), "unit"));
}

// Tests are scored from the key: a single choice any of the correct codes,
// a multiple choice exactly the key's set, a yes/no its keyed answer.
TEST(TestScoringTest, PointsFromTheKeyAndTestsRefuseTypedScores) {
  v1::Instrument in;
  in.set_title("Pre-test");
  in.set_kind(v1::PRETEST);
  v1::Item* one = in.add_items();
  one->set_code("Q1");
  one->set_text("Satu");
  one->set_type(v1::SINGLE_CHOICE);
  for (const char* c : {"a", "b", "c"}) one->add_choices()->set_code(c);
  one->mutable_key()->add_correct_choices("b");
  one->mutable_key()->add_correct_choices("c");
  one->mutable_key()->set_points(5);
  v1::Item* many = in.add_items();
  many->set_code("Q2");
  many->set_text("Dua");
  many->set_type(v1::MULTIPLE_CHOICE);
  for (const char* c : {"x", "y", "z"}) many->add_choices()->set_code(c);
  many->mutable_key()->add_correct_choices("x");
  many->mutable_key()->add_correct_choices("y");
  many->mutable_key()->set_points(7);
  v1::Item* yn = in.add_items();
  yn->set_code("Q3");
  yn->set_text("Tiga");
  yn->set_type(v1::YES_NO);
  yn->mutable_key()->add_correct_choices("tidak");
  yn->mutable_key()->set_points(3);
  ASSERT_TRUE(ValidateInstrument(in).ok()) << ValidateInstrument(in);

  auto score = [&](const std::string& q1, std::vector<std::string> q2, bool q3) {
    v1::Response r;
    r.set_cohort("tenants/1504/programs/p/cohorts/c");
    r.set_respondent_nip(Nip());
    r.add_answers()->set_item("Q1");
    r.mutable_answers(0)->set_choice(q1);
    r.add_answers()->set_item("Q2");
    for (auto& c : q2) r.mutable_answers(1)->mutable_choices()->add_codes(c);
    r.add_answers()->set_item("Q3");
    r.mutable_answers(2)->set_yes(q3);
    auto out = ScoreResponse(in, r);
    EXPECT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->max_score, 15);
    return out.ok() ? out->total : -1;
  };
  EXPECT_EQ(score("c", {"y", "x"}, false), 15);
  EXPECT_EQ(score("a", {"x"}, false), 3);          // a part of the set earns nothing
  EXPECT_EQ(score("b", {"x", "y", "z"}, true), 5);  // ticking every box neither
  // A score sent by the client is refused, not believed.
  v1::Response claimed;
  claimed.set_cohort("tenants/1504/programs/p/cohorts/c");
  claimed.set_respondent_nip(Nip());
  claimed.set_total_score(15);
  EXPECT_TRUE(absl::StrContains(ScoreResponse(in, claimed).status().message(), "total_score"));

  // What a test may not be: a typed score, an unkeyed item, a bad key, a
  // key outside tests.
  auto invalid = [&](auto mutate, const std::string& field) {
    v1::Instrument b = in;
    mutate(b);
    absl::Status s = ValidateInstrument(b);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_TRUE(absl::StrContains(s.message(), field)) << s;
  };
  invalid([](v1::Instrument& b) {
    v1::Item* s = b.add_items();
    s->set_code("S");
    s->set_text("Nilai");
    s->set_type(v1::SCORE);
    s->set_max_score(100);
  }, "items[3].type");
  invalid([](v1::Instrument& b) { b.mutable_items(0)->clear_key(); }, "items[0].key");
  invalid([](v1::Instrument& b) { b.mutable_items(0)->mutable_key()->set_points(0); }, "items[0].key.points");
  invalid([](v1::Instrument& b) { b.mutable_items(0)->mutable_key()->add_correct_choices("q"); },
          "items[0].key.correct_choices[2]");
  invalid([](v1::Instrument& b) { b.mutable_items(2)->mutable_key()->set_correct_choices(0, "mungkin"); },
          "items[2].key.correct_choices[0]");
  invalid([](v1::Instrument& b) { b.set_kind(v1::REACTION); }, "key");
}

TEST(ResponseTest, IncrementsMatchAnswers) {
  v1::Instrument reaction = Find("reaksi-peserta");
  v1::Response r;
  r.set_cohort("tenants/1504/programs/p/cohorts/c");
  r.set_respondent_nip(Nip());
  for (const auto& item : reaction.items()) {
    if (item.type() != v1::LIKERT) continue;
    v1::Answer* a = r.add_answers();
    a->set_item(item.code());
    a->set_number(4);
  }
  auto scored = ScoreResponse(reaction, r);
  ASSERT_TRUE(scored.ok()) << scored.status();
  std::map<std::string, int64_t> inc(scored->increments.begin(), scored->increments.end());
  EXPECT_EQ(inc["n"], 1);
  EXPECT_EQ(inc["i:M1:s"], 4);
  EXPECT_EQ(inc["i:M1:q"], 16);
  EXPECT_EQ(inc["d:materi:n"], 3);
  EXPECT_EQ(inc["d:materi:s"], 12);
  EXPECT_EQ(inc["t:s"], 48);
  EXPECT_EQ(inc["a:n"], 1);
  EXPECT_EQ(inc["a:t:q"], 48 * 48);
}

TEST(HelpersTest, PeriodYesNoIds) {
  // 2026-01-31 20:00 UTC is 2026-02-01 03:00 in Jakarta, but 31 January
  // 20:00 in UTC: the period is the tenant's.
  const absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 1, 31, 20, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(PeriodOf(t, *LoadIndonesianTimeZone(kWib)), "2026-02");
  EXPECT_EQ(PeriodOf(t, absl::UTCTimeZone()), "2026-01");
  EXPECT_TRUE(ParsePeriod("p", "2026-02").ok());
  EXPECT_FALSE(ParsePeriod("p", "2026-13").ok());
  EXPECT_TRUE(*ParseYesNo("Ya"));
  EXPECT_FALSE(*ParseYesNo("tidak"));
  EXPECT_FALSE(ParseYesNo("mungkin").ok());
  EXPECT_EQ(*NormalizeResponseId("id", "uuid:8F2A-11"), "8f2a-11");
  EXPECT_FALSE(NormalizeResponseId("id", "a b").ok());
  EXPECT_FALSE(NormalizeResponseId("id", std::string(64, 'a')).ok());
}

}  // namespace
}  // namespace pelita::survey
