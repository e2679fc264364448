#include "services/scoring/text_summary.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace pelita::scoring {
namespace {

TEST(TermsTest, LowercasesDropsStopWordsShortWordsAndNumbers) {
  const auto terms = Terms("Pelayanan di loket SUDAH lebih cepat, dan antrean 2026 berkurang; the queue is ok");
  EXPECT_EQ(terms, (std::vector<std::string>{"antrean", "berkurang", "cepat", "loket", "pelayanan", "queue"}));
  // Non-ASCII letters stay inside words.
  // Non-ASCII letters stay inside words; typographic dashes and quotes
  // separate them.
  EXPECT_EQ(Terms("kualitas—layanan “naïve”"), (std::vector<std::string>{"kualitas", "layanan", "naïve"}));
  EXPECT_TRUE(IsStopWord("yang"));
  EXPECT_TRUE(IsStopWord("the"));
  EXPECT_FALSE(IsStopWord("pelayanan"));
}

TEST(TopTermsTest, CountsAnswersContainingATermNotRepetitions) {
  std::vector<std::string> texts = {
      "Aplikasi aplikasi aplikasi SIAK dipakai", "aplikasi mempercepat layanan", "layanan ramah",
      "arsip tertata", "arsip digital dan aplikasi"};
  // Expected counts computed independently: split on spaces, lowercase,
  // distinct per answer, then the same filters.
  std::map<std::string, int64_t> expected;
  for (const auto& t : texts) {
    std::set<std::string> seen;
    for (absl::string_view w : absl::StrSplit(t, ' ', absl::SkipEmpty())) {
      std::string lw = absl::AsciiStrToLower(w);
      if (lw.size() < 3 || IsStopWord(lw)) continue;
      seen.insert(lw);
    }
    for (const auto& w : seen) ++expected[w];
  }
  auto top = TopTerms(texts, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].first, "aplikasi");
  EXPECT_EQ(top[0].second, expected["aplikasi"]);
  // Ties (2 answers each) by term: arsip before layanan.
  EXPECT_EQ(top[1], std::make_pair(std::string("arsip"), expected["arsip"]));
  EXPECT_EQ(top[2], std::make_pair(std::string("layanan"), expected["layanan"]));
  EXPECT_EQ(TopTerms(texts, 100).size(), expected.size());
}

TEST(ExcerptTest, CutsAtCharactersNotBytes) {
  const std::string s = "é" + std::string(300, 'a');
  const std::string cut = Excerpt(s, 280);
  EXPECT_EQ(cut, "é" + std::string(279, 'a') + "…");
  EXPECT_EQ(Excerpt("pendek", 280), "pendek");
}

TEST(SummariseTextTest, WithheldBelowMinNWithCountThenTermsAndRecentExcerpts) {
  TextItem item{"tenants/1504/instruments/observasi-kinerja", "CATATAN", "observation", {}};
  const absl::Time t0 = absl::FromUnixSeconds(1767225600);
  for (int i = 0; i < 4; ++i) {
    item.answers.push_back({absl::StrCat("antrean loket ", i), t0 + absl::Hours(i)});
  }
  item.answers.push_back({"   ", t0});  // blank: not an answer
  v1::TextAnswers s = SummariseText(item, 5);
  EXPECT_EQ(s.n(), 4);
  EXPECT_TRUE(s.withheld());
  EXPECT_NE(s.reason().find("fewer than the minimum 5"), std::string::npos) << s.reason();
  EXPECT_EQ(s.top_terms_size(), 0);
  EXPECT_EQ(s.excerpts_size(), 0);

  // Two more answers, one submitted earliest though accepted last.
  item.answers.push_back({"antrean berkurang", t0 + absl::Hours(10)});
  item.answers.push_back({"offline lama", t0 - absl::Hours(5)});
  s = SummariseText(item, 5);
  EXPECT_EQ(s.n(), 6);
  EXPECT_FALSE(s.withheld());
  ASSERT_GE(s.top_terms_size(), 2);
  EXPECT_EQ(s.top_terms(0).term(), "antrean");
  EXPECT_EQ(s.top_terms(0).answers(), 5);
  EXPECT_EQ(s.top_terms(1).term(), "loket");
  EXPECT_EQ(s.top_terms(1).answers(), 4);
  // The 3 most recent by submit time.
  ASSERT_EQ(s.excerpts_size(), 3);
  EXPECT_EQ(s.excerpts(0), "antrean berkurang");
  EXPECT_EQ(s.excerpts(1), "antrean loket 3");
  EXPECT_EQ(s.excerpts(2), "antrean loket 2");
}

}  // namespace
}  // namespace pelita::scoring
