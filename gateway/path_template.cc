#include "gateway/path_template.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace pelita::gateway {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status AddSegments(absl::string_view text, absl::string_view pattern,
                         std::vector<PathTemplate::Segment>* out) {
  for (absl::string_view s : absl::StrSplit(pattern, '/')) {
    if (s.empty()) return absl::InvalidArgumentError(absl::StrCat("empty segment in ", text));
    if (s == "*") {
      out->push_back({PathTemplate::Segment::kStar, ""});
    } else if (s == "**") {
      out->push_back({PathTemplate::Segment::kDoubleStar, ""});
    } else {
      if (s.find_first_of("{}=*") != absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("bad segment '", s, "' in ", text));
      }
      out->push_back({PathTemplate::Segment::kLiteral, std::string(s)});
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string PercentDecode(absl::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  if (text.empty() || text[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("template must start with '/': ", text));
  }
  absl::string_view body = text.substr(1);
  // The verb follows the last segment: after the last '/' or '}'.
  size_t last = body.find_last_of("/}");
  size_t colon = body.find(':', last == absl::string_view::npos ? 0 : last);
  if (colon != absl::string_view::npos) {
    t.verb_ = std::string(body.substr(colon + 1));
    body = body.substr(0, colon);
    if (t.verb_.empty()) return absl::InvalidArgumentError(absl::StrCat("empty verb: ", text));
  }
  size_t pos = 0;
  while (pos < body.size()) {
    if (body[pos] == '{') {
      size_t close = body.find('}', pos);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("unclosed '{' in ", text));
      }
      absl::string_view var = body.substr(pos + 1, close - pos - 1);
      absl::string_view field = var, pattern = "*";
      if (size_t eq = var.find('='); eq != absl::string_view::npos) {
        field = var.substr(0, eq);
        pattern = var.substr(eq + 1);
      }
      if (field.empty()) return absl::InvalidArgumentError(absl::StrCat("empty variable in ", text));
      Variable v{std::string(field), static_cast<int>(t.segments_.size()), 0};
      if (auto s = AddSegments(text, pattern, &t.segments_); !s.ok()) return s;
      v.end = static_cast<int>(t.segments_.size());
      t.variables_.push_back(std::move(v));
      pos = close + 1;
    } else {
      size_t slash = body.find('/', pos);
      if (slash == absl::string_view::npos) slash = body.size();
      if (auto s = AddSegments(text, body.substr(pos, slash - pos), &t.segments_); !s.ok()) return s;
      pos = slash;
    }
    if (pos < body.size()) {
      if (body[pos] != '/') return absl::InvalidArgumentError(absl::StrCat("expected '/' in ", text));
      ++pos;
      if (pos == body.size()) return absl::InvalidArgumentError(absl::StrCat("trailing '/' in ", text));
    }
  }
  for (size_t i = 0; i + 1 < t.segments_.size(); ++i) {
    if (t.segments_[i].kind == Segment::kDoubleStar) {
      return absl::InvalidArgumentError(absl::StrCat("'**' must be last in ", text));
    }
  }
  return t;
}

int PathTemplate::literal_count() const {
  int n = 0;
  for (const auto& s : segments_) n += s.kind == Segment::kLiteral;
  return n;
}

bool PathTemplate::Match(absl::string_view path, Bindings* bindings) const {
  if (path.empty() || path[0] != '/') return false;
  std::vector<absl::string_view> parts = absl::StrSplit(path.substr(1), '/');
  return MatchParts(parts, bindings);
}

bool PathTemplate::MatchParts(const std::vector<absl::string_view>& parts,
                              Bindings* bindings) const {
  if (parts.empty()) return false;
  // The last part without the verb.
  absl::string_view last = parts.back();
  if (!verb_.empty()) {
    if (last.size() <= verb_.size() + 1 || last[last.size() - verb_.size() - 1] != ':' ||
        last.substr(last.size() - verb_.size()) != verb_) {
      return false;
    }
    last.remove_suffix(verb_.size() + 1);
  }
  auto part = [&](size_t i) { return i + 1 == parts.size() ? last : parts[i]; };
  bool double_star = !segments_.empty() && segments_.back().kind == Segment::kDoubleStar;
  if (double_star ? parts.size() < segments_.size() - 1 : parts.size() != segments_.size()) {
    return false;
  }
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    if (s.kind == Segment::kDoubleStar) break;
    if (part(i).empty()) return false;
    if (s.kind == Segment::kLiteral && part(i) != s.literal) return false;
  }
  if (bindings != nullptr) {
    bindings->clear();
    for (const Variable& v : variables_) {
      size_t end = (double_star && v.end == static_cast<int>(segments_.size())) ? parts.size()
                                                                             : v.end;
      std::string value;
      for (size_t i = v.start; i < end; ++i) {
        if (i > static_cast<size_t>(v.start)) value += '/';
        value += PercentDecode(part(i));
      }
      bindings->emplace_back(v.field_path, std::move(value));
    }
  }
  return true;
}

}  // namespace pelita::gateway
