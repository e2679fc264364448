#include "services/survey/domain.h"

#include <algorithm>
#include <cctype>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/csv/csv_reader.h"
#include "lib/ids/nip.h"
#include "lib/ids/slug.h"
#include "lib/status/status.h"

namespace pelita::survey {
namespace {

bool ValidCode(absl::string_view code) {
  if (code.empty() || code.size() > 32) return false;
  for (char c : code) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return false;
  }
  return true;
}

bool ValidChoiceCode(absl::string_view code) {
  if (code.empty() || code.size() > 63) return false;
  for (char c : code) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
      return false;
  }
  return true;
}

bool IsNumeric(const v1::Item& item) { return IsScored(item); }

bool IsTest(const v1::Instrument& in) { return in.kind() == v1::PRETEST || in.kind() == v1::POSTTEST; }

// An answer key of a test item: what is correct, and for how many points.
absl::Status CheckKey(const v1::Item& item, const std::string& f) {
  const v1::AnswerKey& key = item.key();
  const std::string kf = f + ".key";
  if (key.points() < 1 || key.points() > 1000) return InvalidField(kf + ".points", "must be 1..1000");
  if (key.correct_choices_size() == 0) return InvalidField(kf + ".correct_choices", "must name the correct answer");
  absl::flat_hash_set<std::string> seen;
  for (int j = 0; j < key.correct_choices_size(); ++j) {
    const std::string& code = key.correct_choices(j);
    const std::string cf = absl::StrCat(kf, ".correct_choices[", j, "]");
    if (!seen.insert(code).second) return InvalidField(cf, "is listed twice");
    if (item.type() == v1::YES_NO) {
      if (code != "ya" && code != "tidak") return InvalidField(cf, "a yes/no key is 'ya' or 'tidak'");
      continue;
    }
    bool known = false;
    for (const auto& ch : item.choices()) known |= ch.code() == code;
    if (!known) return InvalidField(cf, absl::StrCat("'", code.substr(0, 64), "' is not one of the item's choices"));
  }
  if (item.type() == v1::YES_NO && key.correct_choices_size() != 1) {
    return InvalidField(kf + ".correct_choices", "a yes/no item has one correct answer");
  }
  return absl::OkStatus();
}

// The points one answer earns from its item's key (answers have been
// checked against the item's choices already).
int64_t PointsOf(const v1::Item& item, const v1::Answer& ans) {
  const v1::AnswerKey& key = item.key();
  auto correct = [&](absl::string_view code) {
    for (const auto& c : key.correct_choices()) {
      if (c == code) return true;
    }
    return false;
  };
  switch (item.type()) {
    case v1::SINGLE_CHOICE:
      return correct(ans.choice()) ? key.points() : 0;
    case v1::YES_NO:
      return correct(ans.yes() ? "ya" : "tidak") ? key.points() : 0;
    case v1::MULTIPLE_CHOICE: {
      // Exactly the key's set: no credit for a partly right selection, so
      // ticking every box never pays.
      if (ans.choices().codes_size() != key.correct_choices_size()) return 0;
      for (const auto& code : ans.choices().codes()) {
        if (!correct(code)) return 0;
      }
      return key.points();
    }
    default:
      return 0;
  }
}

absl::Status CheckText(absl::string_view field, absl::string_view text, size_t max, bool required) {
  if (required && text.empty()) return InvalidField(field, "must not be empty");
  if (text.size() > max) return InvalidField(field, absl::StrCat("longer than ", max, " bytes"));
  if (!csv::IsValidUtf8(text)) return InvalidField(field, "is not valid UTF-8");
  return absl::OkStatus();
}

absl::Status CheckNip(absl::string_view field, absl::string_view nip) {
  if (nip.size() > 64) return WithReason(InvalidField(field, "is not a NIP (18 digits)"), "INVALID_NIP");
  auto parsed = ParseNip(nip);
  if (!parsed.ok()) return WithReason(InvalidField(field, parsed.status().message()), "INVALID_NIP");
  return absl::OkStatus();
}

v1::Item Likert(const std::string& code, const std::string& text, int min, int max,
                v1::Dimension dim = v1::DIMENSION_UNSPECIFIED, const std::string& competency = "") {
  v1::Item item;
  item.set_code(code);
  item.set_text(text);
  item.set_type(v1::LIKERT);
  item.set_required(true);
  item.set_scale_min(min);
  item.set_scale_max(max);
  item.set_dimension(dim);
  item.set_competency(competency);
  return item;
}

v1::Item FreeText(const std::string& code, const std::string& text) {
  v1::Item item;
  item.set_code(code);
  item.set_text(text);
  item.set_type(v1::FREE_TEXT);
  item.set_max_text_bytes(2000);
  return item;
}

v1::Item Choices(const std::string& code, const std::string& text, v1::ItemType type,
                 const std::vector<std::pair<std::string, std::string>>& choices,
                 bool required) {
  v1::Item item;
  item.set_code(code);
  item.set_text(text);
  item.set_type(type);
  item.set_required(required);
  for (const auto& [c, t] : choices) {
    v1::Choice* ch = item.add_choices();
    ch->set_code(c);
    ch->set_text(t);
  }
  return item;
}

v1::Item YesNo(const std::string& code, const std::string& text) {
  v1::Item item;
  item.set_code(code);
  item.set_text(text);
  item.set_type(v1::YES_NO);
  item.set_required(true);
  return item;
}

}  // namespace

std::string KindName(v1::InstrumentKind kind) {
  switch (kind) {
    case v1::REACTION: return "reaction";
    case v1::PRETEST: return "pretest";
    case v1::POSTTEST: return "posttest";
    case v1::FOLLOWUP: return "followup";
    case v1::OBSERVATION: return "observation";
    case v1::INTERVIEW: return "interview";
    case v1::SKM: return "skm";
    default: return "unspecified";
  }
}

std::string DimensionName(v1::Dimension dimension) {
  switch (dimension) {
    case v1::MATERI: return "materi";
    case v1::INSTRUKTUR: return "instruktur";
    case v1::FASILITAS: return "fasilitas";
    case v1::PENYELENGGARAAN: return "penyelenggaraan";
    default: return "";
  }
}

absl::Status ValidateInstrument(const v1::Instrument& in) {
  PELITA_RETURN_IF_ERROR(CheckText("instrument.title", in.title(), 300, true));
  PELITA_RETURN_IF_ERROR(CheckText("instrument.description", in.description(), 4000, false));
  if (in.kind() == v1::INSTRUMENT_KIND_UNSPECIFIED || !v1::InstrumentKind_IsValid(in.kind())) {
    return InvalidField("instrument.kind", "must be set");
  }
  if (in.items_size() == 0) return InvalidField("instrument.items", "must not be empty");
  if (in.items_size() > kMaxItems) {
    return InvalidField("instrument.items", absl::StrCat("more than ", kMaxItems, " items"));
  }
  if (in.anonymous() && in.kind() != v1::REACTION) {
    return InvalidField("instrument.anonymous", "only reaction surveys can be anonymous");
  }
  if (in.kind() == v1::POSTTEST && in.pretest().empty()) {
    return InvalidField("instrument.pretest", "a posttest names the pretest it pairs with");
  }
  if (in.kind() != v1::POSTTEST && !in.pretest().empty()) {
    return InvalidField("instrument.pretest", "only a posttest pairs with a pretest");
  }
  absl::flat_hash_set<std::string> codes;
  for (int i = 0; i < in.items_size(); ++i) {
    const v1::Item& item = in.items(i);
    const std::string f = absl::StrCat("instrument.items[", i, "]");
    if (!ValidCode(item.code())) {
      return InvalidField(f + ".code", "must be 1-32 of letters, digits, '_', '-', '.'");
    }
    if (!codes.insert(item.code()).second) {
      return InvalidField(f + ".code", absl::StrCat("duplicate code ", item.code()));
    }
    PELITA_RETURN_IF_ERROR(CheckText(f + ".text", item.text(), 2000, true));
    PELITA_RETURN_IF_ERROR(CheckText(f + ".competency", item.competency(), 200, false));
    switch (item.type()) {
      case v1::LIKERT:
        if (item.scale_min() < 0 || item.scale_max() <= item.scale_min() ||
            item.scale_max() - item.scale_min() > 10) {
          return InvalidField(f + ".scale_max", "a Likert scale is min..max with 0 <= min < max <= min+10");
        }
        if (in.kind() == v1::SKM && (item.scale_min() != 1 || item.scale_max() != 4)) {
          return InvalidField(f + ".scale_max", "SKM elements use the 1-4 scale (PermenPANRB 14/2017)");
        }
        break;
      case v1::SCORE:
        if (item.max_score() < 1 || item.max_score() > 1000) {
          return InvalidField(f + ".max_score", "must be 1..1000");
        }
        break;
      case v1::YES_NO:
        break;
      case v1::SINGLE_CHOICE:
      case v1::MULTIPLE_CHOICE: {
        if (item.choices_size() < 1 || item.choices_size() > kMaxAnswerChoices) {
          return InvalidField(f + ".choices", absl::StrCat("must have 1..", kMaxAnswerChoices, " choices"));
        }
        absl::flat_hash_set<std::string> cc;
        for (int j = 0; j < item.choices_size(); ++j) {
          const std::string cf = absl::StrCat(f, ".choices[", j, "]");
          if (!ValidChoiceCode(item.choices(j).code())) {
            return InvalidField(cf + ".code", "must be 1-63 of [a-z0-9_-]");
          }
          if (!cc.insert(item.choices(j).code()).second) {
            return InvalidField(cf + ".code", "duplicate choice");
          }
          PELITA_RETURN_IF_ERROR(CheckText(cf + ".text", item.choices(j).text(), 500, false));
        }
        break;
      }
      case v1::FREE_TEXT:
        if (item.max_text_bytes() < 0 || item.max_text_bytes() > kDefaultMaxTextBytes) {
          return InvalidField(f + ".max_text_bytes", absl::StrCat("must be 0..", kDefaultMaxTextBytes));
        }
        break;
      default:
        return InvalidField(f + ".type", "must be set");
    }
    if (IsTest(in)) {
      if (item.type() == v1::SCORE || item.type() == v1::LIKERT) {
        return InvalidField(f + ".type",
                            "a test item is a choice or yes/no item with an answer key: Pelita scores "
                            "tests, a SCORE or LIKERT item would let the respondent type their own score");
      }
      if (item.type() != v1::FREE_TEXT) {
        if (!item.has_key()) return InvalidField(f + ".key", "a test item needs its answer key");
        PELITA_RETURN_IF_ERROR(CheckKey(item, f));
      } else if (item.has_key()) {
        return InvalidField(f + ".key", "free-text answers are not scored");
      }
    } else if (item.has_key()) {
      return InvalidField(f + ".key", "only pretest and posttest items have an answer key");
    }
    if (item.dimension() != v1::DIMENSION_UNSPECIFIED) {
      if (!v1::Dimension_IsValid(item.dimension())) return InvalidField(f + ".dimension", "unknown");
      if (in.kind() != v1::REACTION) {
        return InvalidField(f + ".dimension", "only reaction items have a dimension");
      }
    } else if (in.kind() == v1::REACTION && item.type() == v1::LIKERT) {
      return InvalidField(f + ".dimension",
                          "reaction Likert items name their dimension (materi, instruktur, "
                          "fasilitas, penyelenggaraan)");
    }
  }
  return absl::OkStatus();
}

bool IsIdentified(const v1::Instrument& instrument) {
  switch (instrument.kind()) {
    case v1::REACTION: return !instrument.anonymous();
    case v1::SKM: return false;
    default: return true;
  }
}

bool SameItems(const v1::Instrument& a, const v1::Instrument& b) {
  if (a.items_size() != b.items_size()) return false;
  for (int i = 0; i < a.items_size(); ++i) {
    if (a.items(i).SerializeAsString() != b.items(i).SerializeAsString()) return false;
  }
  return a.kind() == b.kind() && a.pretest() == b.pretest() && a.anonymous() == b.anonymous();
}

absl::StatusOr<ScoredResponse> ScoreResponse(const v1::Instrument& in, const v1::Response& r) {
  ScoredResponse out;
  const bool skm = in.kind() == v1::SKM;
  // Who and what the response is about.
  if (skm) {
    if (r.unit().empty()) return InvalidField("response.unit", "an SKM response names the unit rated");
    if (!r.cohort().empty()) return InvalidField("response.cohort", "an SKM response is about a unit, not a cohort");
    if (!r.respondent_nip().empty() || !r.subject_nip().empty()) {
      return InvalidField("response.respondent_nip", "SKM responses from the public carry no NIP");
    }
  } else {
    if (r.cohort().empty()) return WithReason(InvalidField("response.cohort", "must be set"), "MISSING_COHORT");
    if (!r.unit().empty()) return InvalidField("response.unit", "only SKM responses name a unit");
  }
  if (!r.eligibility_token().empty() && !(in.kind() == v1::REACTION && in.anonymous())) {
    return InvalidField("response.eligibility_token", "only anonymous surveys take an eligibility token");
  }
  if (r.total_score() != 0) {
    return InvalidField("response.total_score",
                        "is computed by Pelita (from the answer key for tests); do not send it");
  }
  switch (in.kind()) {
    case v1::REACTION:
      if (in.anonymous()) {
        // Eligibility is proved by a token, or (organisers entering paper
        // forms) by the NIP, which is then dropped; never both.
        if (r.respondent_nip().empty() == r.eligibility_token().empty()) {
          return InvalidField("response.eligibility_token",
                              "an anonymous survey takes exactly one of eligibility_token and respondent_nip");
        }
        if (!r.subject_nip().empty()) {
          return InvalidField("response.subject_nip", "only follow-up, observation and interview have a subject");
        }
        if (!r.respondent_nip().empty()) {
          PELITA_RETURN_IF_ERROR(CheckNip("response.respondent_nip", r.respondent_nip()));
          out.participant_nip = r.respondent_nip();
        }
        break;
      }
      [[fallthrough]];
    case v1::PRETEST:
    case v1::POSTTEST:
      if (r.respondent_nip().empty()) return WithReason(InvalidField("response.respondent_nip", "must be set"), "MISSING_NIP");
      PELITA_RETURN_IF_ERROR(CheckNip("response.respondent_nip", r.respondent_nip()));
      if (!r.subject_nip().empty()) {
        return InvalidField("response.subject_nip", "only follow-up, observation and interview have a subject");
      }
      out.participant_nip = r.respondent_nip();
      break;
    case v1::FOLLOWUP:
    case v1::OBSERVATION:
    case v1::INTERVIEW:
      if (in.kind() == v1::FOLLOWUP && r.respondent_nip().empty()) {
        return WithReason(InvalidField("response.respondent_nip", "the supervisor's NIP must be set"), "MISSING_NIP");
      }
      if (!r.respondent_nip().empty()) {
        PELITA_RETURN_IF_ERROR(CheckNip("response.respondent_nip", r.respondent_nip()));
      }
      if (r.subject_nip().empty()) {
        return WithReason(InvalidField("response.subject_nip", "must be set"), "MISSING_NIP");
      }
      PELITA_RETURN_IF_ERROR(CheckNip("response.subject_nip", r.subject_nip()));
      out.participant_nip = r.subject_nip();
      break;
    default:
      break;
  }

  absl::flat_hash_map<absl::string_view, int> index;
  for (int i = 0; i < in.items_size(); ++i) index[in.items(i).code()] = i;
  std::vector<int> answered(in.items_size(), -1);
  std::vector<int64_t> values(in.items_size(), 0);
  auto& inc = out.increments;
  inc.emplace_back("n", 1);
  // A keyed test item: Pelita's score of the answer is its value (Σ and Σ²
  // of points earned), whatever the respondent may think they scored.
  auto AddPoints = [&](const v1::Item& item, const v1::Answer& ans, int i) {
    if (!item.has_key()) return;
    const int64_t pts = PointsOf(item, ans);
    values[i] = pts;
    inc.emplace_back(absl::StrCat("i:", item.code(), ":s"), pts);
    inc.emplace_back(absl::StrCat("i:", item.code(), ":q"), pts * pts);
    out.total += pts;
  };
  for (const auto& item : in.items()) {
    if (item.has_key()) out.max_score += item.key().points();
  }
  for (int a = 0; a < r.answers_size(); ++a) {
    const v1::Answer& ans = r.answers(a);
    const std::string code = ans.item().size() > 64 ? ans.item().substr(0, 64) + "..." : ans.item();
    const std::string f = absl::StrCat("response.answers[", a, "] (item ", code, ")");
    if (!csv::IsValidUtf8(ans.item())) return InvalidField(absl::StrCat("response.answers[", a, "].item"), "is not valid UTF-8");
    auto it = index.find(ans.item());
    if (it == index.end()) return WithReason(InvalidField(f, "unknown item"), "UNKNOWN_ITEM");
    const int i = it->second;
    if (answered[i] >= 0) return WithReason(InvalidField(f, "answered twice"), "ITEM_TWICE");
    answered[i] = a;
    const v1::Item& item = in.items(i);
    const std::string& c = item.code();
    switch (item.type()) {
      case v1::LIKERT:
      case v1::SCORE: {
        if (ans.value_case() != v1::Answer::kNumber) return WithReason(InvalidField(f, "expects a number"), "WRONG_ANSWER_TYPE");
        const int64_t lo = item.type() == v1::LIKERT ? item.scale_min() : 0;
        const int64_t hi = item.type() == v1::LIKERT ? item.scale_max() : item.max_score();
        const int64_t v = ans.number();
        if (v < lo || v > hi) {
          return WithReason(InvalidField(f, absl::StrCat(v, " is outside ", lo, "..", hi)), "OUT_OF_SCALE");
        }
        values[i] = v;
        inc.emplace_back(absl::StrCat("i:", c, ":n"), 1);
        inc.emplace_back(absl::StrCat("i:", c, ":s"), v);
        inc.emplace_back(absl::StrCat("i:", c, ":q"), v * v);
        if (item.dimension() != v1::DIMENSION_UNSPECIFIED) {
          const std::string d = DimensionName(item.dimension());
          inc.emplace_back(absl::StrCat("d:", d, ":n"), 1);
          inc.emplace_back(absl::StrCat("d:", d, ":s"), v);
          inc.emplace_back(absl::StrCat("d:", d, ":q"), v * v);
        }
        out.total += v;
        break;
      }
      case v1::YES_NO: {
        if (ans.value_case() != v1::Answer::kYes) return WithReason(InvalidField(f, "expects yes or no"), "WRONG_ANSWER_TYPE");
        const int v = ans.yes() ? 1 : 0;
        inc.emplace_back(absl::StrCat("c:", c, ":", v ? "ya" : "tidak"), 1);
        if (item.has_key()) {
          inc.emplace_back(absl::StrCat("i:", c, ":n"), 1);
          AddPoints(item, ans, i);
          break;
        }
        inc.emplace_back(absl::StrCat("i:", c, ":n"), 1);
        inc.emplace_back(absl::StrCat("i:", c, ":s"), v);
        inc.emplace_back(absl::StrCat("i:", c, ":q"), v);
        break;
      }
      case v1::SINGLE_CHOICE: {
        if (ans.value_case() != v1::Answer::kChoice) return WithReason(InvalidField(f, "expects one choice"), "WRONG_ANSWER_TYPE");
        bool ok = false;
        for (const auto& ch : item.choices()) ok |= ch.code() == ans.choice();
        if (!ok) {
          return WithReason(InvalidField(f, absl::StrCat("'", ans.choice().substr(0, 64), "' is not one of its choices")),
                            "UNKNOWN_CHOICE");
        }
        inc.emplace_back(absl::StrCat("i:", c, ":n"), 1);
        inc.emplace_back(absl::StrCat("c:", c, ":", ans.choice()), 1);
        AddPoints(item, ans, i);
        break;
      }
      case v1::MULTIPLE_CHOICE: {
        if (ans.value_case() != v1::Answer::kChoices) {
          return WithReason(InvalidField(f, "expects a list of choices"), "WRONG_ANSWER_TYPE");
        }
        absl::flat_hash_set<std::string> seen;
        for (const std::string& code_ : ans.choices().codes()) {
          bool ok = false;
          for (const auto& ch : item.choices()) ok |= ch.code() == code_;
          if (!ok) {
            return WithReason(InvalidField(f, absl::StrCat("'", code_.substr(0, 64), "' is not one of its choices")),
                              "UNKNOWN_CHOICE");
          }
          if (!seen.insert(code_).second) {
            return WithReason(InvalidField(f, absl::StrCat("'", code_, "' chosen twice")), "CHOICE_TWICE");
          }
        }
        inc.emplace_back(absl::StrCat("i:", c, ":n"), 1);
        for (const std::string& code_ : ans.choices().codes()) {
          inc.emplace_back(absl::StrCat("c:", c, ":", code_), 1);
        }
        AddPoints(item, ans, i);
        break;
      }
      case v1::FREE_TEXT: {
        if (ans.value_case() != v1::Answer::kText) return WithReason(InvalidField(f, "expects text"), "WRONG_ANSWER_TYPE");
        const size_t max = item.max_text_bytes() > 0 ? item.max_text_bytes() : kDefaultMaxTextBytes;
        if (ans.text().size() > max) {
          return WithReason(InvalidField(f, absl::StrCat("text of ", ans.text().size(), " bytes; at most ", max)),
                            "TEXT_TOO_LONG");
        }
        if (!csv::IsValidUtf8(ans.text())) return WithReason(InvalidField(f, "is not valid UTF-8"), "INVALID_TEXT");
        inc.emplace_back(absl::StrCat("i:", c, ":n"), 1);
        break;
      }
      default:
        return absl::InternalError(absl::StrCat("item ", c, " has no type"));
    }
  }
  bool complete = true;
  for (int i = 0; i < in.items_size(); ++i) {
    if (answered[i] < 0) {
      if (in.items(i).required()) {
        return WithReason(InvalidField(absl::StrCat("response.answers (item ", in.items(i).code(), ")"),
                                       "required item is missing"),
                          "MISSING_ITEM");
      }
      if (IsNumeric(in.items(i))) complete = false;
    }
  }
  inc.emplace_back("t:s", out.total);
  inc.emplace_back("t:q", out.total * out.total);
  out.complete = complete;
  if (complete) {
    inc.emplace_back("a:n", 1);
    inc.emplace_back("a:t:s", out.total);
    inc.emplace_back("a:t:q", out.total * out.total);
    for (int i = 0; i < in.items_size(); ++i) {
      if (!IsNumeric(in.items(i))) continue;
      inc.emplace_back(absl::StrCat("a:i:", in.items(i).code(), ":s"), values[i]);
      inc.emplace_back(absl::StrCat("a:i:", in.items(i).code(), ":q"), values[i] * values[i]);
    }
  }
  // One HINCRBY per field (dimensions collect several items).
  absl::flat_hash_map<std::string, size_t> pos;
  std::vector<std::pair<std::string, int64_t>> merged;
  merged.reserve(inc.size());
  for (auto& [field, delta] : inc) {
    auto [it, fresh] = pos.try_emplace(field, merged.size());
    if (fresh) {
      merged.emplace_back(std::move(field), delta);
    } else {
      merged[it->second].second += delta;
    }
  }
  inc = std::move(merged);
  return out;
}

std::string PeriodOf(absl::Time t, const absl::TimeZone& zone) {
  const absl::CivilMonth m(absl::ToCivilSecond(t, zone));
  return absl::StrFormat("%04d-%02d", m.year(), m.month());
}

absl::StatusOr<absl::CivilMonth> ParsePeriod(absl::string_view field, absl::string_view period) {
  absl::CivilMonth m;
  if (period.size() != 7 || !absl::ParseCivilTime(period, &m) || m.year() < 2000 || m.year() > 2100) {
    return InvalidField(field, "must be a month YYYY-MM");
  }
  return m;
}

absl::StatusOr<bool> ParseYesNo(absl::string_view s) {
  const std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(s));
  if (v == "ya" || v == "y" || v == "yes" || v == "1" || v == "true" || v == "benar") return true;
  if (v == "tidak" || v == "t" || v == "no" || v == "n" || v == "0" || v == "false" ||
      v == "bukan") {
    return false;
  }
  return absl::InvalidArgumentError("expects ya/tidak (yes/no)");
}

absl::StatusOr<std::string> NormalizeResponseId(absl::string_view field, absl::string_view id) {
  std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(id));
  if (absl::StartsWith(v, "uuid:")) v = v.substr(5);
  if (v.empty() || v.size() > 63 || v.front() == '-' || v.back() == '-') {
    return InvalidField(field, "must be 1-63 of [a-z0-9-] (or uuid:<uuid>)");
  }
  for (char c : v) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return InvalidField(field, "must be 1-63 of [a-z0-9-] (or uuid:<uuid>)");
    }
  }
  return v;
}

std::vector<std::pair<std::string, v1::Instrument>> DefaultInstruments() {
  std::vector<std::pair<std::string, v1::Instrument>> out;
  {
    v1::Instrument in;
    in.set_title("Evaluasi Reaksi Peserta Pelatihan");
    in.set_description(
        "Survei kepuasan peserta (Kirkpatrick level 1) atas materi, widyaiswara/fasilitator, "
        "fasilitas dan penyelenggaraan. Skala 1 (sangat tidak setuju) sampai 5 (sangat setuju). "
        "Jawaban anonim.");
    in.set_kind(v1::REACTION);
    in.set_anonymous(true);
    const std::vector<std::tuple<std::string, std::string, v1::Dimension>> items = {
        {"M1", "Materi pelatihan sesuai dengan kebutuhan tugas saya", v1::MATERI},
        {"M2", "Materi disusun runtut dan mudah dipahami", v1::MATERI},
        {"M3", "Materi dapat langsung saya terapkan dalam pekerjaan", v1::MATERI},
        {"I1", "Widyaiswara/fasilitator menguasai materi", v1::INSTRUKTUR},
        {"I2", "Widyaiswara/fasilitator menyampaikan materi dengan jelas dan menarik", v1::INSTRUKTUR},
        {"I3", "Widyaiswara/fasilitator memberi kesempatan bertanya dan berdiskusi", v1::INSTRUKTUR},
        {"F1", "Ruang pelatihan nyaman dan memadai", v1::FASILITAS},
        {"F2", "Sarana pendukung (proyektor, modul, jaringan internet) berfungsi baik", v1::FASILITAS},
        {"F3", "Konsumsi dan akomodasi memadai", v1::FASILITAS},
        {"P1", "Jadwal pelatihan tepat waktu dan sesuai rencana", v1::PENYELENGGARAAN},
        {"P2", "Panitia penyelenggara tanggap dan membantu peserta", v1::PENYELENGGARAAN},
        {"P3", "Informasi pelatihan disampaikan dengan jelas sebelum pelaksanaan", v1::PENYELENGGARAAN},
    };
    for (const auto& [code, text, dim] : items) *in.add_items() = Likert(code, text, 1, 5, dim);
    *in.add_items() = FreeText("SARAN", "Saran untuk perbaikan pelatihan berikutnya");
    out.emplace_back("reaksi-peserta", in);
  }
  {
    v1::Instrument in;
    in.set_title("Survei Kepuasan Masyarakat (PermenPANRB 14/2017)");
    in.set_description(
        "Sembilan unsur pelayanan, skala 1 (tidak sesuai/tidak baik) sampai 4 (sangat "
        "sesuai/sangat baik), sesuai Peraturan Menteri PANRB Nomor 14 Tahun 2017.");
    in.set_kind(v1::SKM);
    const std::vector<std::pair<std::string, std::string>> items = {
        {"U1", "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"},
        {"U2", "Bagaimana pemahaman Saudara tentang kemudahan sistem, mekanisme dan prosedur pelayanan di unit ini?"},
        {"U3", "Bagaimana pendapat Saudara tentang kecepatan waktu penyelesaian pelayanan?"},
        {"U4", "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?"},
        {"U5", "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?"},
        {"U6", "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?"},
        {"U7", "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"},
        {"U8", "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?"},
        {"U9", "Bagaimana pendapat Saudara tentang penanganan pengaduan, saran dan masukan pengguna layanan?"},
    };
    for (const auto& [code, text] : items) *in.add_items() = Likert(code, text, 1, 4);
    *in.add_items() = FreeText("SARAN", "Saran dan masukan untuk perbaikan pelayanan");
    // The respondents' profile the regulation's questionnaire asks for
    // (PermenPANRB 14/2017, lampiran: umur, jenis kelamin, pendidikan,
    // pekerjaan), each optional: the Laporan IKM prints its distribution.
    // Age is asked as a band, never as a number.
    *in.add_items() = Choices("JK", "Jenis kelamin", v1::SINGLE_CHOICE,
                              {{"laki-laki", "Laki-laki"}, {"perempuan", "Perempuan"}}, false);
    *in.add_items() = Choices("USIA", "Usia", v1::SINGLE_CHOICE,
                              {{"di-bawah-25", "Di bawah 25 tahun"},
                               {"25-34", "25–34 tahun"},
                               {"35-44", "35–44 tahun"},
                               {"45-54", "45–54 tahun"},
                               {"55-ke-atas", "55 tahun ke atas"}},
                              false);
    *in.add_items() = Choices("PENDIDIKAN", "Pendidikan terakhir", v1::SINGLE_CHOICE,
                              {{"sd", "SD atau sederajat"},
                               {"smp", "SMP atau sederajat"},
                               {"sma", "SMA/SMK atau sederajat"},
                               {"diploma", "D1, D2, D3 atau D4"},
                               {"s1", "S1"},
                               {"s2-s3", "S2 atau S3"}},
                              false);
    *in.add_items() = Choices("PEKERJAAN", "Pekerjaan utama", v1::SINGLE_CHOICE,
                              {{"pns", "PNS/PPPK"},
                               {"tni-polri", "TNI/Polri"},
                               {"swasta", "Pegawai swasta"},
                               {"wirausaha", "Wirausaha"},
                               {"pelajar", "Pelajar/mahasiswa"},
                               {"lainnya", "Lainnya"}},
                              false);
    out.emplace_back("skm-permenpanrb-14-2017", in);
  }
  {
    v1::Instrument in;
    in.set_title("Evaluasi Pasca Pelatihan oleh Atasan Langsung");
    in.set_description(
        "Diisi atasan langsung 30/60/90 hari setelah pelatihan (Kirkpatrick level 3). Rubrik 1 "
        "(belum menerapkan) sampai 4 (menerapkan secara konsisten dan menularkan ke rekan kerja).");
    in.set_kind(v1::FOLLOWUP);
    *in.add_items() = YesNo("DITERAPKAN", "Apakah pegawai menerapkan hasil pelatihan dalam pekerjaannya?");
    *in.add_items() = Choices("KOMPETENSI", "Kompetensi mana yang telah diterapkan?", v1::MULTIPLE_CHOICE,
                              {{"teknis", "Kompetensi teknis sesuai bidang pelatihan"},
                               {"manajerial", "Kompetensi manajerial"},
                               {"sosial-kultural", "Kompetensi sosial kultural"},
                               {"pelayanan-publik", "Pelayanan publik"},
                               {"digital", "Pemanfaatan teknologi digital"}},
                              false);
    *in.add_items() = Likert("R1", "Penerapan kompetensi teknis dalam tugas sehari-hari", 1, 4,
                             v1::DIMENSION_UNSPECIFIED, "teknis");
    *in.add_items() = Likert("R2", "Peningkatan kualitas dan ketepatan waktu hasil kerja", 1, 4,
                             v1::DIMENSION_UNSPECIFIED, "manajerial");
    *in.add_items() = Likert("R3", "Berbagi pengetahuan hasil pelatihan kepada rekan kerja", 1, 4,
                             v1::DIMENSION_UNSPECIFIED, "sosial-kultural");
    *in.add_items() = Likert("R4", "Perbaikan pelayanan kepada masyarakat", 1, 4,
                             v1::DIMENSION_UNSPECIFIED, "pelayanan-publik");
    *in.add_items() = Choices("HAMBATAN", "Hambatan utama penerapan hasil pelatihan", v1::SINGLE_CHOICE,
                              {{"tidak-ada", "Tidak ada hambatan"},
                               {"sarana", "Sarana dan prasarana"},
                               {"dukungan-pimpinan", "Dukungan pimpinan"},
                               {"beban-kerja", "Beban kerja"},
                               {"lainnya", "Lainnya"}},
                              false);
    *in.add_items() = FreeText("CATATAN", "Catatan atasan");
    out.emplace_back("tindak-lanjut-atasan", in);
  }
  {
    v1::Instrument in;
    in.set_title("Rubrik Observasi Kinerja Pasca Pelatihan");
    in.set_description("Observasi langsung di tempat kerja. Rubrik 1 (tidak tampak) sampai 4 (selalu tampak).");
    in.set_kind(v1::OBSERVATION);
    *in.add_items() = Likert("O1", "Menerapkan prosedur kerja sesuai materi pelatihan", 1, 4,
                             v1::DIMENSION_UNSPECIFIED, "teknis");
    *in.add_items() = Likert("O2", "Melayani pengguna layanan dengan sopan dan tuntas", 1, 4,
                             v1::DIMENSION_UNSPECIFIED, "pelayanan-publik");
    *in.add_items() = Likert("O3", "Menggunakan aplikasi/sistem informasi dengan benar", 1, 4,
                             v1::DIMENSION_UNSPECIFIED, "digital");
    *in.add_items() = Likert("O4", "Mengoordinasikan pekerjaan dengan rekan dan atasan", 1, 4,
                             v1::DIMENSION_UNSPECIFIED, "manajerial");
    *in.add_items() = Choices("FREKUENSI", "Seberapa sering penerapan hasil pelatihan teramati?",
                              v1::SINGLE_CHOICE,
                              {{"tidak-pernah", "Tidak pernah"},
                               {"kadang-kadang", "Kadang-kadang"},
                               {"sering", "Sering"},
                               {"selalu", "Selalu"}},
                              true);
    *in.add_items() = FreeText("CATATAN", "Catatan pengamat");
    out.emplace_back("observasi-kinerja", in);
  }
  {
    v1::Instrument in;
    in.set_title("Panduan Wawancara Dampak Pelatihan");
    in.set_description("Wawancara semi-terstruktur dengan peserta; jawaban dikodekan oleh pewawancara.");
    in.set_kind(v1::INTERVIEW);
    *in.add_items() = Choices("W1", "Perubahan apa yang paling terasa dalam pekerjaan Anda setelah pelatihan?",
                              v1::SINGLE_CHOICE,
                              {{"kecepatan-layanan", "Layanan lebih cepat"},
                               {"kualitas-layanan", "Kualitas layanan lebih baik"},
                               {"kerja-sama-tim", "Kerja sama tim lebih baik"},
                               {"tidak-ada-perubahan", "Belum ada perubahan"}},
                              true);
    *in.add_items() = YesNo("W2", "Apakah unit kerja Anda mendukung penerapan hasil pelatihan?");
    *in.add_items() = Choices("W3", "Apa saja faktor pendukung penerapan?", v1::MULTIPLE_CHOICE,
                              {{"pimpinan", "Dukungan pimpinan"},
                               {"anggaran", "Anggaran"},
                               {"sarana", "Sarana dan prasarana"},
                               {"rekan-kerja", "Rekan kerja"}},
                              false);
    *in.add_items() = Choices("W4", "Apa hambatan terbesar penerapan?", v1::SINGLE_CHOICE,
                              {{"tidak-ada", "Tidak ada"},
                               {"waktu", "Keterbatasan waktu"},
                               {"sarana", "Sarana dan prasarana"},
                               {"regulasi", "Regulasi/prosedur"}},
                              false);
    *in.add_items() = FreeText("URAIAN", "Uraian jawaban peserta");
    out.emplace_back("wawancara-dampak", in);
  }
  return out;
}

}  // namespace pelita::survey
