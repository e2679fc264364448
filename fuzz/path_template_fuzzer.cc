// libFuzzer target: google.api.http path templates (gateway/path_template.h).
//
// Input: a template, a newline, then bytes for the values.  A template that
// parses must match a path built from it (its literals, the verb, and for
// every `*` / `**` a value from the input, percent-encoded), and the
// bindings must give those values back decoded, one per variable in order.
// Matching and decoding arbitrary paths must not crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"

namespace {

using pelita::gateway::Bindings;
using pelita::gateway::PathTemplate;

[[noreturn]] void Fail(const char* what, absl::string_view tmpl, absl::string_view path) {
  std::fprintf(stderr, "path_template_fuzzer: %s\n  template: %.*s\n  path: %.*s\n", what,
               static_cast<int>(tmpl.size()), tmpl.data(), static_cast<int>(path.size()), path.data());
  std::abort();
}

std::string Encode(absl::string_view v) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  absl::string_view text = in.substr(0, nl);
  absl::string_view rest = nl == absl::string_view::npos ? absl::string_view() : in.substr(nl + 1);

  // Anything goes through the decoder and the matcher without harm.
  (void)pelita::gateway::PercentDecode(rest, true);
  auto parsed = PathTemplate::Parse(text);
  if (!parsed.ok()) return 0;
  const PathTemplate& t = *parsed;
  Bindings any;
  if (t.Match(rest, &any) && any.size() != t.variables().size()) Fail("binding count", text, rest);
  if (t.segments().empty()) return 0;  // "/:verb" names no segment and matches nothing

  // Build a matching path: values are pieces of `rest`, never empty.
  size_t pos = 0;
  auto next_value = [&]() {
    size_t n = pos < rest.size() ? 1 + static_cast<unsigned char>(rest[pos]) % 6 : 1;
    std::string v(rest.substr(std::min(pos + 1, rest.size()), n));
    pos += n + 1;
    if (v.empty()) v = "x";
    return v;
  };
  std::vector<std::vector<std::string>> values;  // per segment: the raw values it got
  std::string path;
  for (const auto& s : t.segments()) {
    std::vector<std::string> got;
    if (s.kind == PathTemplate::Segment::kLiteral) {
      path += "/" + s.literal;
    } else {
      int count = s.kind == PathTemplate::Segment::kStar ? 1 : 1 + static_cast<int>(pos % 3);
      for (int i = 0; i < count; ++i) {
        std::string v = next_value();
        path += "/" + Encode(v);
        got.push_back(v);
      }
    }
    values.push_back(got);
  }
  if (!t.verb().empty()) path += ":" + t.verb();
  Bindings b;
  if (!t.Match(path, &b)) Fail("a path built from the template does not match it", text, path);
  if (b.size() != t.variables().size()) Fail("binding count", text, path);
  for (size_t i = 0; i < b.size(); ++i) {
    const auto& v = t.variables()[i];
    if (b[i].first != v.field_path) Fail("binding names out of order", text, path);
    // Literals inside a variable come back percent-decoded like the values.
    std::vector<std::string> parts;
    for (int k = v.start; k < v.end; ++k) {
      const auto& s = t.segments()[k];
      if (s.kind == PathTemplate::Segment::kLiteral) {
        parts.push_back(pelita::gateway::PercentDecode(s.literal));
      } else {
        for (const auto& x : values[k]) parts.push_back(x);
      }
    }
    std::string expected = absl::StrJoin(parts, "/");
    if (b[i].second != expected) Fail("a binding does not give its value back", text, path);
  }
  return 0;
}
