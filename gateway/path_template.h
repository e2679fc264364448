#ifndef PELITA_GATEWAY_PATH_TEMPLATE_H_
#define PELITA_GATEWAY_PATH_TEMPLATE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::gateway {

// Field path -> value bound from the URL path, in template order.
using Bindings = std::vector<std::pair<std::string, std::string>>;

// A google.api.http path template (google/api/http.proto):
//   Template = "/" Segments [ Verb ] ;
//   Segment  = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   Verb     = ":" LITERAL ;
// e.g. `/v1/{name=tenants/*/programs/*/cohorts/*/enrolments/*}:withdraw`.
class PathTemplate {
 public:
  struct Segment {
    enum Kind { kLiteral, kStar, kDoubleStar } kind;
    std::string literal;
  };
  struct Variable {
    std::string field_path;
    int start;  // first segment index
    int end;    // one past the last
  };

  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // Matches `path` (no query string; still percent-encoded) and fills the
  // variables' values, percent-decoded.
  bool Match(absl::string_view path, Bindings* bindings) const;
  // The same on a path already split at '/' (without the leading '/').
  bool MatchParts(const std::vector<absl::string_view>& parts, Bindings* bindings) const;

  const std::string& text() const { return text_; }
  const std::string& verb() const { return verb_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Variable>& variables() const { return variables_; }
  int literal_count() const;

 private:
  std::string text_;
  std::string verb_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
};

// Percent-decoding; `plus_is_space` for query strings.
std::string PercentDecode(absl::string_view in, bool plus_is_space = false);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_PATH_TEMPLATE_H_
