// Summaries of free-text answers (observation and interview instruments):
// how many answers, the most frequent terms, and a few recent excerpts.
// Plain functions without I/O.
#ifndef PELITA_SERVICES_SCORING_TEXT_SUMMARY_H_
#define PELITA_SERVICES_SCORING_TEXT_SUMMARY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pelita/scoring/v1/scoring.pb.h"

namespace pelita::scoring {

inline constexpr int kMaxTopTerms = 10;
inline constexpr int kMaxExcerpts = 3;
inline constexpr int kExcerptChars = 280;

// One free-text answer and when it was submitted.
struct TextAnswer {
  std::string text;
  absl::Time submitted;
};

// The text answers of one item of one instrument in a cohort.
struct TextItem {
  std::string instrument;  // tenants/{t}/instruments/{i}
  std::string item;
  std::string kind;  // observation | interview
  std::vector<TextAnswer> answers;
};

// The distinct terms of a text: lowercased words (ASCII letters and digits,
// and non-ASCII characters other than punctuation, so that "naïve" stays
// whole while "—" separates), at least 3 characters, not only digits, and
// not an Indonesian or English stop word.
std::vector<std::string> Terms(absl::string_view text);
bool IsStopWord(absl::string_view lowercase_word);

// Terms by the number of answers containing them (a word repeated in one
// answer counts once, so one talkative respondent cannot dominate),
// descending, ties by term; at most `limit`.
std::vector<std::pair<std::string, int64_t>> TopTerms(const std::vector<std::string>& texts, int limit);

// `text` cut to at most `max_chars` UTF-8 characters; a cut text ends with
// "…" (one more character).
std::string Excerpt(absl::string_view text, int max_chars);

// The summary of one item: n = non-empty answers; below `min_n` withheld
// with the reason (n still shown), else the top terms and the most recent
// excerpts.
v1::TextAnswers SummariseText(const TextItem& item, int min_n);

}  // namespace pelita::scoring

#endif  // PELITA_SERVICES_SCORING_TEXT_SUMMARY_H_
