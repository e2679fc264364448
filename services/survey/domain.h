#ifndef PELITA_SERVICES_SURVEY_DOMAIN_H_
#define PELITA_SERVICES_SURVEY_DOMAIN_H_

// Pure rules of the survey service: what a valid instrument and a valid
// response are, the ready-made instruments, and how one response changes
// the aggregates.  No I/O; unit-tested without a network.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pelita/survey/v1/survey.pb.h"

namespace pelita::survey {


inline constexpr int kMaxItems = 200;
inline constexpr int kDefaultMaxTextBytes = 8192;
inline constexpr int kMaxAnswerChoices = 64;

// Lower-case names used in the event stream and in CSV ("reaction", "skm").
std::string KindName(v1::InstrumentKind kind);
std::string DimensionName(v1::Dimension dimension);

// Checks an instrument as a client sent it (name and output fields are
// ignored).  Errors name the field: `instrument.items[3].scale_max`.
absl::Status ValidateInstrument(const v1::Instrument& instrument);

// Whether the responses of `kind` identify the participant (tests,
// follow-up, observation, interview; reaction unless anonymous).
bool IsIdentified(const v1::Instrument& instrument);

// Whether an item's answers are numbers in the aggregates: LIKERT, SCORE
// and test items with an answer key (their points).
inline bool IsScored(const v1::Item& item) {
  return item.type() == v1::LIKERT || item.type() == v1::SCORE || item.has_key();
}

// Whether the two versions have the same items (an update that changes
// items after responses arrived creates a new version).
bool SameItems(const v1::Instrument& a, const v1::Instrument& b);

// The ready-made instruments, Bahasa Indonesia, as (id, instrument).
std::vector<std::pair<std::string, v1::Instrument>> DefaultInstruments();

// The result of checking one response against its instrument.
struct ScoredResponse {
  // Σ of LIKERT and SCORE answers; for tests the points earned by the
  // answers according to the key.
  int64_t total = 0;
  // Tests: Σ of the key's points.
  int64_t max_score = 0;
  // Every LIKERT / SCORE item answered (counts for Cronbach's alpha).
  bool complete = false;
  // The participant the response is about (respondent for reaction and
  // tests, subject for follow-up/observation/interview); empty for SKM.
  std::string participant_nip;
  // HINCRBY field -> delta for the aggregate hash (see store.h).
  std::vector<std::pair<std::string, int64_t>> increments;
};

// Checks every answer against its item and the response against the
// instrument (unknown item, duplicate answer, missing required item, wrong
// type, out of range, invalid UTF-8, text too long, NIP shape, cohort/unit
// presence for the kind, a client-sent total_score, a token where none is
// taken) and scores test answers from the key.  Errors name the item:
// `response.answers[2] (item U3): 5 is outside 1..4`.
absl::StatusOr<ScoredResponse> ScoreResponse(const v1::Instrument& instrument,
                                             const v1::Response& response);

// "YYYY-MM" of `t` in the tenant's zone (the SKM period).
std::string PeriodOf(absl::Time t, const absl::TimeZone& zone);
// Validates "YYYY-MM".
absl::StatusOr<absl::CivilMonth> ParsePeriod(absl::string_view field, absl::string_view period);

// Parses a yes/no cell ("ya", "tidak", "yes", "no", "1", "0", "true", ...).
absl::StatusOr<bool> ParseYesNo(absl::string_view s);

// Valid client response ids: a slug (1-63 of [a-z0-9-]) or, as ODK and Kobo
// export them, `uuid:` + a UUID; stored lower-case without `uuid:`.
absl::StatusOr<std::string> NormalizeResponseId(absl::string_view field, absl::string_view id);

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_DOMAIN_H_
