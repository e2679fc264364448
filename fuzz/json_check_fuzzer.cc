// libFuzzer target: the gateway's strict JSON check and batch outline
// (gateway/json_check.h CheckJson, BatchItems).
//
// Input: a depth byte, then the text.  CheckJson must agree with a second,
// independent strict parser (nlohmann's SAX parser: RFC 8259, UTF-8, no
// comments, nothing after the value) with the nesting counted here: the
// gateway accepts exactly the JSON documents no deeper than the limit, and
// refuses a leading BOM.  Its errors must be ASCII and name a byte offset
// inside the text.  The outline of the top level must give the document
// back (its elements or members written out again parse to the same value),
// every element must itself pass the check one level shallower, and
// BatchItems must take exactly an array or {"requests": [...]} and give
// back its elements.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gateway/json_check.h"

namespace {

using nlohmann::json;
using pelita::gateway::CheckJson;
using pelita::gateway::JsonOutline;

[[noreturn]] void Fail(const char* what, absl::string_view detail, absl::string_view input) {
  std::fprintf(stderr, "json_check_fuzzer: %s: %.*s\n  input: %.*s\n", what,
               static_cast<int>(std::min<size_t>(detail.size(), 500)), detail.data(),
               static_cast<int>(std::min<size_t>(input.size(), 2000)), input.data());
  std::abort();
}

// A SAX consumer that only counts: the nesting (stopping the parse beyond
// `max_depth`), the members of the top-level object, and why a parse failed.
class Counter : public nlohmann::json_sax<json> {
 public:
  explicit Counter(int max_depth) : max_depth_(max_depth) {}

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Open(); }
  bool key(string_t&) override {
    if (depth_ == 1) ++top_members;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error_id = e.id;
    return false;
  }

  int error_id = 0;
  bool too_deep = false;
  int top_members = 0;

 private:
  bool Open() {
    if (++depth_ > max_depth_) {
      too_deep = true;
      return false;
    }
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }
  const int max_depth_;
  int depth_ = 0;
};

void CheckMessage(const absl::Status& s, absl::string_view text) {
  const absl::string_view m = s.message();
  for (unsigned char c : m) {
    if (c < 0x20 || c > 0x7e) Fail("an error message that is not printable ASCII", m, text);
  }
  const size_t at = m.rfind("(at byte ");
  uint64_t offset = 0;
  if (at == absl::string_view::npos || !absl::EndsWith(m, ")") ||
      !absl::SimpleAtoi(m.substr(at + 9, m.size() - at - 10), &offset) || offset > text.size()) {
    Fail("an error that does not name a byte offset in the text", m, text);
  }
}

json Parse(absl::string_view text) { return json::parse(text.begin(), text.end(), nullptr, false); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int max_depth = 1 + data[0] % 70;
  absl::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  Counter counter(max_depth);
  const bool parsed = json::sax_parse(text.begin(), text.end(), &counter, nlohmann::detail::input_format_t::json,
                                      /*strict=*/true, /*ignore_comments=*/false);
  // nlohmann refuses a number too large for a double (406); JSON's grammar
  // has no such limit, and the gateway leaves that to protobuf (a field
  // that cannot hold it is a 400 there).  Nothing to compare.
  if (counter.error_id == 406) return 0;
  const bool bom = absl::StartsWith(text, "\xEF\xBB\xBF");
  // nlohmann's lexer takes a NUL byte for the end of the input, so it
  // accepts `""` followed by a NUL and anything at all; in JSON a NUL is
  // never valid (not whitespace, not a token, a control character inside a
  // string), so any NUL makes the document invalid.
  const bool nul = text.find('\0') != absl::string_view::npos;
  const bool expected = parsed && !bom && !nul;

  JsonOutline outline;
  const absl::Status plain = CheckJson(text, max_depth);
  const absl::Status with_outline = CheckJson(text, max_depth, &outline);
  if (plain.ok() != with_outline.ok()) Fail("the outline changes the answer", plain.ToString(), text);
  if (plain.ok() != expected) {
    Fail(plain.ok() ? "accepted what a strict parser refuses" : "refused strict JSON within the depth",
         plain.ok() ? (counter.too_deep ? "too deep" : "invalid") : std::string(plain.message()), text);
  }
  if (!plain.ok()) {
    CheckMessage(plain, text);
    if (counter.too_deep && !absl::StrContains(plain.message(), "nested deeper")) {
      // Also invalid further on is fine; only a document valid but too deep
      // must be called too deep.
      Counter unlimited(1 << 30);
      if (json::sax_parse(text.begin(), text.end(), &unlimited, nlohmann::detail::input_format_t::json, true,
                          false) &&
          !bom && !nul) {
        Fail("a document too deep is refused for another reason", plain.message(), text);
      }
    }
  } else {
    // The outline gives the document back.
    std::string again;
    const json doc = Parse(text);
    if (outline.kind == JsonOutline::kArray) {
      if (!doc.is_array() || doc.size() != outline.elements.size()) Fail("array outline", "", text);
      again = absl::StrCat("[", absl::StrJoin(outline.elements, ","), "]");
      for (absl::string_view e : outline.elements) {
        if (!CheckJson(e, max_depth - 1).ok()) Fail("an element does not pass one level shallower", e, text);
      }
    } else if (outline.kind == JsonOutline::kObject) {
      if (!doc.is_object() || static_cast<int>(outline.members.size()) != counter.top_members) {
        Fail("object outline", "", text);
      }
      std::vector<std::string> members;
      for (const auto& [k, v] : outline.members) {
        if (!CheckJson(v, max_depth - 1).ok()) Fail("a member value does not pass one level shallower", v, text);
        members.push_back(absl::StrCat("\"", k, "\":", v));
      }
      again = absl::StrCat("{", absl::StrJoin(members, ","), "}");
    } else {
      if (doc.is_array() || doc.is_object()) Fail("a container outlined as a scalar", "", text);
      again = std::string(text);
    }
    if (Parse(again) != doc) Fail("the outline written out is another document", again, text);
  }

  // Batches: an array, or an object whose only member is "requests" (as
  // written) holding one; anything else is refused.
  auto items = pelita::gateway::BatchItems(text);
  const bool valid64 = CheckJson(text).ok();
  bool batch = false;
  std::vector<absl::string_view> want;
  if (valid64) {
    JsonOutline top;
    (void)CheckJson(text, pelita::gateway::kMaxJsonDepth, &top);
    if (top.kind == JsonOutline::kArray) {
      batch = true;
      want = top.elements;
    } else if (top.kind == JsonOutline::kObject && top.members.size() == 1 && top.members[0].first == "requests") {
      JsonOutline inner;
      if (CheckJson(top.members[0].second, pelita::gateway::kMaxJsonDepth, &inner).ok() &&
          inner.kind == JsonOutline::kArray) {
        batch = true;
        want = inner.elements;
      }
    }
  }
  if (items.ok() != batch) Fail(batch ? "a batch refused" : "not a batch but accepted", items.status().ToString(), text);
  if (items.ok()) {
    if (*items != want) Fail("batch items differ from the outline", "", text);
    const json doc = Parse(text);
    const json& array = doc.is_array() ? doc : doc["requests"];
    if (!array.is_array() || array.size() != items->size()) Fail("batch item count", "", text);
    for (size_t i = 0; i < items->size(); ++i) {
      if (Parse((*items)[i]) != array[i]) Fail("a batch item is not its element", (*items)[i], text);
    }
  } else {
    for (unsigned char c : items.status().message()) {
      if (c < 0x20 || c > 0x7e) Fail("a batch error that is not printable ASCII", items.status().message(), text);
    }
  }
  return 0;
}
