#include "services/scoring/text_summary.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pelita::scoring {
namespace {

// Function words of Indonesian and English that carry no topic: without
// them the top terms show what observers and interviewees talk about.
const absl::flat_hash_set<absl::string_view>& StopWords() {
  static const auto* words = new absl::flat_hash_set<absl::string_view>{
      // Indonesian.
      "ada", "adalah", "agar", "akan", "aku", "anda", "antara", "apa", "apakah", "atas", "atau",
      "bagi", "bahwa", "baik", "banyak", "beberapa", "belum", "benar", "berbagai", "bersama",
      "bila", "bisa", "boleh", "bukan", "cukup", "dalam", "dan", "dapat", "dari", "demikian",
      "dengan", "di", "dia", "dilakukan", "hal", "hanya", "harus", "ia", "ini", "itu", "jadi",
      "jika", "juga", "kalau", "kami", "kamu", "karena", "ke", "kepada", "ketika", "kita", "lagi",
      "lain", "lebih", "maka", "masih", "mereka", "mungkin", "namun", "oleh", "pada", "para",
      "pun", "saat", "saja", "salah", "sama", "sampai", "sangat", "saya", "se", "sebagai",
      "sebelum", "sedang", "sehingga", "sejak", "semua", "sendiri", "seperti", "serta", "sesudah",
      "setelah", "setiap", "sudah", "tanpa", "telah", "tentang", "tersebut", "tetapi", "tidak",
      "untuk", "walaupun", "yaitu", "yakni", "yang", "nya", "pernah", "selalu", "secara",
      "terhadap", "dgn", "yg", "utk", "tdk", "sdh", "blm",
      // English.
      "about", "after", "all", "also", "and", "any", "are", "because", "been", "before", "but",
      "can", "could", "did", "does", "for", "from", "had", "has", "have", "her", "his", "how",
      "into", "its", "more", "most", "not", "now", "only", "other", "our", "out", "she", "should",
      "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
      "those", "very", "was", "were", "what", "when", "which", "who", "will", "with", "would",
      "you", "your"};
  return *words;
}

// The code point at text[i] and its length in bytes; an invalid byte is
// taken as a one-byte separator.
std::pair<uint32_t, size_t> Decode(absl::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > text.size()) return {0x20, 1};
  uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    const unsigned char d = static_cast<unsigned char>(text[i + k]);
    if ((d & 0xC0) != 0x80) return {0x20, 1};
    cp = (cp << 6) | (d & 0x3F);
  }
  return {cp, len};
}

// Letters and digits: ASCII ones, and any non-ASCII code point except the
// Latin-1 and general punctuation blocks (dashes, quotes, ellipsis), so
// that words such as "naïve" stay whole while "—" separates.
bool WordChar(uint32_t cp) {
  if (cp < 0x80) return absl::ascii_isalnum(static_cast<unsigned char>(cp));
  if (cp >= 0x80 && cp <= 0xBF) return false;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  return true;
}

}  // namespace

bool IsStopWord(absl::string_view w) { return StopWords().contains(w); }

std::vector<std::string> Terms(absl::string_view text) {
  std::set<std::string> distinct;
  std::string word;
  size_t chars = 0;
  bool digits_only = true;
  auto flush = [&] {
    if (chars >= 3 && !digits_only && !IsStopWord(word)) distinct.insert(word);
    word.clear();
    chars = 0;
    digits_only = true;
  };
  for (size_t i = 0; i < text.size();) {
    const auto [cp, len] = Decode(text, i);
    if (WordChar(cp)) {
      if (len == 1) {
        word.push_back(absl::ascii_tolower(text[i]));
        if (!absl::ascii_isdigit(text[i])) digits_only = false;
      } else {
        word.append(text.data() + i, len);
        digits_only = false;
      }
      ++chars;
    } else {
      flush();
    }
    i += len;
  }
  flush();
  return {distinct.begin(), distinct.end()};
}

std::vector<std::pair<std::string, int64_t>> TopTerms(const std::vector<std::string>& texts, int limit) {
  std::map<std::string, int64_t> counts;
  for (const auto& t : texts) {
    for (auto& term : Terms(t)) ++counts[term];
  }
  std::vector<std::pair<std::string, int64_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (static_cast<int>(out.size()) > limit) out.resize(std::max(limit, 0));
  return out;
}

std::string Excerpt(absl::string_view text, int max_chars) {
  int chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) return absl::StrCat(text.substr(0, i), "…");
    ++chars;
  }
  return std::string(text);
}

v1::TextAnswers SummariseText(const TextItem& item, int min_n) {
  v1::TextAnswers out;
  out.set_instrument(item.instrument);
  out.set_item(item.item);
  out.set_kind(item.kind);
  std::vector<const TextAnswer*> answers;
  for (const auto& a : item.answers) {
    if (!absl::StripAsciiWhitespace(a.text).empty()) answers.push_back(&a);
  }
  const int64_t n = static_cast<int64_t>(answers.size());
  out.set_n(n);
  if (n < min_n) {
    out.set_withheld(true);
    out.set_reason_code(v1::BELOW_MIN_N);
    out.set_reason(absl::StrCat("withheld: ", n, " text answers, fewer than the minimum ", min_n,
                                " (UU 27/2022)"));
    return out;
  }
  std::vector<std::string> texts;
  for (const auto* a : answers) texts.push_back(a->text);
  for (const auto& [term, count] : TopTerms(texts, kMaxTopTerms)) {
    v1::TermCount* t = out.add_top_terms();
    t->set_term(term);
    t->set_answers(count);
  }
  // Most recent first; equal times keep the order the answers were accepted
  // in, later first.
  std::vector<const TextAnswer*> recent(answers.rbegin(), answers.rend());
  std::stable_sort(recent.begin(), recent.end(),
                   [](const TextAnswer* a, const TextAnswer* b) { return a->submitted > b->submitted; });
  for (size_t i = 0; i < recent.size() && i < static_cast<size_t>(kMaxExcerpts); ++i) {
    out.add_excerpts(Excerpt(recent[i]->text, kExcerptChars));
  }
  return out;
}

}  // namespace pelita::scoring
