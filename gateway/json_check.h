#ifndef PELITA_GATEWAY_JSON_CHECK_H_
#define PELITA_GATEWAY_JSON_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::gateway {

// The deepest nesting of arrays and objects the gateway accepts in any JSON
// it reads (unary bodies, batch uploads, NDJSON lines).  The proto messages
// it serves nest a few levels; protobuf's own JSON parser stops at 100, and a
// batch wrapper adds two.
inline constexpr int kMaxJsonDepth = 64;

// What CheckJson saw at the top level of a document, for batch uploads.
struct JsonOutline {
  enum Kind { kScalar, kArray, kObject } kind = kScalar;
  // kArray: the text of each element.  kObject: each member as its key (as
  // written between the quotes, escapes not decoded) and the text of its value.
  std::vector<absl::string_view> elements;
  std::vector<std::pair<absl::string_view, absl::string_view>> members;
};

// Checks that `text` is exactly one JSON value by RFC 8259 and nothing
// else, in one pass without recursion: no single quotes, unquoted keys,
// trailing commas, comments, NaN/Infinity, leading zeros, control characters
// in strings, or text after the value; strings well-formed UTF-8, escapes
// valid and surrogate escapes paired; nesting at most `max_depth`.  Errors
// are INVALID_ARGUMENT naming the byte offset, never quoting the input.
// With `outline`, also records the top level (see JsonOutline).
//
// Protobuf's JSON parser is lenient (it takes single quotes and unquoted
// keys) and the gateway's older path recursed on deep input; every JSON body
// passes through this check first.  It is a plain function of bytes, a
// fuzzing entry point.
absl::Status CheckJson(absl::string_view text, int max_depth = kMaxJsonDepth,
                       JsonOutline* outline = nullptr);

// The requests of a client-streaming batch body: a JSON array, or an object
// whose only member is `requests` holding one.  Checks the body with
// CheckJson; returns the text of each request.
absl::StatusOr<std::vector<absl::string_view>> BatchItems(absl::string_view body);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_JSON_CHECK_H_
