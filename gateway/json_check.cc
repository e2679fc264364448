#include "gateway/json_check.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/utf8.h"

namespace pelita::gateway {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One pass over the text with an explicit stack of open containers, so that
// nesting costs memory bounded by `max_depth`, never the call stack.
class Checker {
 public:
  Checker(absl::string_view text, int max_depth, JsonOutline* outline)
      : t_(text), n_(text.size()), max_depth_(max_depth), outline_(outline) {}

  absl::Status Run() {
    SkipSpace();
    if (pos_ == n_) return Error("empty document");
    size_t value_start = 0;
    absl::string_view key, inner_key;  // the member name at the top level, and deeper
    for (;;) {
      // A value is expected here.
      SkipSpace();
      if (pos_ == n_) return Error("a value is missing");
      if (stack_.size() == 1) value_start = pos_;
      const char c = t_[pos_];
      if (c == '[' || c == '{') {
        if (static_cast<int>(stack_.size()) >= max_depth_) {
          return Error(absl::StrCat("nested deeper than ", max_depth_, " levels"));
        }
        if (stack_.empty() && outline_ != nullptr) {
          outline_->kind = c == '[' ? JsonOutline::kArray : JsonOutline::kObject;
        }
        stack_.push_back(c);
        ++pos_;
        SkipSpace();
        if (pos_ < n_ && t_[pos_] == (c == '[' ? ']' : '}')) {
          ++pos_;
          stack_.pop_back();  // an empty container is a complete value
        } else if (c == '{') {
          if (auto s = Key(stack_.size() == 1 ? &key : &inner_key); !s.ok()) return s;
          continue;
        } else {
          continue;
        }
      } else if (c == '"') {
        if (auto s = String(); !s.ok()) return s;
      } else if (c == '-' || IsDigit(c)) {
        if (auto s = Number(); !s.ok()) return s;
      } else if (c == 't') {
        if (auto s = Literal("true"); !s.ok()) return s;
      } else if (c == 'f') {
        if (auto s = Literal("false"); !s.ok()) return s;
      } else if (c == 'n') {
        if (auto s = Literal("null"); !s.ok()) return s;
      } else {
        return Error("expected a value (strings take double quotes; no comments)");
      }
      // A value ended: close every container that ends here too.
      for (;;) {
        if (stack_.size() == 1 && outline_ != nullptr) {
          absl::string_view value = t_.substr(value_start, pos_ - value_start);
          if (stack_.back() == '[') {
            outline_->elements.push_back(value);
          } else {
            outline_->members.emplace_back(key, value);
          }
        }
        SkipSpace();
        if (stack_.empty()) {
          if (pos_ != n_) return Error("text after the JSON value");
          return absl::OkStatus();
        }
        if (pos_ == n_) return Error("the document ends inside a container");
        const char open = stack_.back();
        const char d = t_[pos_];
        if (d == ',') {
          ++pos_;
          if (open == '{') {
            SkipSpace();
            if (auto s = Key(stack_.size() == 1 ? &key : &inner_key); !s.ok()) return s;
          }
          break;  // the next value
        }
        if (d == (open == '[' ? ']' : '}')) {
          ++pos_;
          stack_.pop_back();
          continue;
        }
        return Error(open == '[' ? "expected ',' or ']'" : "expected ',' or '}'");
      }
    }
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("JSON ", what, " (at byte ", pos_, ")"));
  }

  void SkipSpace() {
    while (pos_ < n_) {
      const char c = t_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  // A member name, the ':' after it and the space before the value.  A
  // trailing comma ("{"a":1,}") fails here.
  absl::Status Key(absl::string_view* key) {
    if (pos_ == n_ || t_[pos_] != '"') return Error("member names take double quotes");
    const size_t start = pos_;
    if (auto s = String(); !s.ok()) return s;
    *key = t_.substr(start + 1, pos_ - start - 2);
    SkipSpace();
    if (pos_ == n_ || t_[pos_] != ':') return Error("expected ':' after a member name");
    ++pos_;
    return absl::OkStatus();
  }

  bool Hex4(size_t at, uint32_t* out) const {
    if (at + 4 > n_) return false;
    uint32_t v = 0;
    for (size_t i = at; i < at + 4; ++i) {
      const int h = Hex(t_[i]);
      if (h < 0) return false;
      v = v * 16 + static_cast<uint32_t>(h);
    }
    *out = v;
    return true;
  }

  absl::Status String() {
    ++pos_;  // the opening quote
    for (;;) {
      if (pos_ >= n_) return Error("string not terminated");
      const unsigned char c = static_cast<unsigned char>(t_[pos_]);
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (c == '\\') {
        if (pos_ + 1 >= n_) return Error("string not terminated");
        switch (t_[pos_ + 1]) {
          case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            pos_ += 2;
            continue;
          case 'u': {
            uint32_t cp;
            if (!Hex4(pos_ + 2, &cp)) return Error("bad \\u escape");
            if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone surrogate escape: not valid UTF-8");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              uint32_t low;
              if (pos_ + 12 > n_ || t_[pos_ + 6] != '\\' || t_[pos_ + 7] != 'u' || !Hex4(pos_ + 8, &low) ||
                  low < 0xDC00 || low > 0xDFFF) {
                return Error("lone surrogate escape: not valid UTF-8");
              }
              pos_ += 12;
            } else {
              pos_ += 6;
            }
            continue;
          }
          default:
            return Error("bad escape in a string");
        }
      }
      if (c < 0x20) return Error("control character in a string");
      if (c < 0x80) {
        ++pos_;
        continue;
      }
      const size_t len = Utf8SequenceLength(t_.substr(pos_));
      if (len == 0) return Error("string is not valid UTF-8");
      pos_ += len;
    }
  }

  absl::Status Number() {
    if (t_[pos_] == '-') ++pos_;
    if (pos_ == n_ || !IsDigit(t_[pos_])) return Error("bad number");
    if (t_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < n_ && IsDigit(t_[pos_])) ++pos_;
    }
    if (pos_ < n_ && t_[pos_] == '.') {
      ++pos_;
      if (pos_ == n_ || !IsDigit(t_[pos_])) return Error("bad number");
      while (pos_ < n_ && IsDigit(t_[pos_])) ++pos_;
    }
    if (pos_ < n_ && (t_[pos_] == 'e' || t_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < n_ && (t_[pos_] == '+' || t_[pos_] == '-')) ++pos_;
      if (pos_ == n_ || !IsDigit(t_[pos_])) return Error("bad number");
      while (pos_ < n_ && IsDigit(t_[pos_])) ++pos_;
    }
    return absl::OkStatus();
  }

  absl::Status Literal(absl::string_view word) {
    if (t_.substr(pos_, word.size()) != word) return Error("expected a value (true, false or null?)");
    pos_ += word.size();
    // "truex" fails at the structural check that follows.
    return absl::OkStatus();
  }

  const absl::string_view t_;
  const size_t n_;
  const int max_depth_;
  JsonOutline* const outline_;
  size_t pos_ = 0;
  std::string stack_;  // the open containers, '[' or '{'
};

}  // namespace

absl::Status CheckJson(absl::string_view text, int max_depth, JsonOutline* outline) {
  if (outline != nullptr) *outline = JsonOutline{};
  return Checker(text, max_depth, outline).Run();
}

absl::StatusOr<std::vector<absl::string_view>> BatchItems(absl::string_view body) {
  JsonOutline outline;
  if (auto s = CheckJson(body, kMaxJsonDepth, &outline); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON body: ", s.message()));
  }
  if (outline.kind == JsonOutline::kArray) return std::move(outline.elements);
  if (outline.kind == JsonOutline::kObject && outline.members.size() == 1 &&
      outline.members[0].first == "requests") {
    JsonOutline inner;
    if (CheckJson(outline.members[0].second, kMaxJsonDepth, &inner).ok() &&
        inner.kind == JsonOutline::kArray) {
      return std::move(inner.elements);
    }
  }
  return absl::InvalidArgumentError("expected a JSON array of requests or {\"requests\": [...]}");
}

}  // namespace pelita::gateway
