#ifndef PELITA_LIB_UTF8_UTF8_H_
#define PELITA_LIB_UTF8_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace pelita {

// The length (1-4) of the well-formed UTF-8 sequence at the start of `s`, or
// 0 when it is not one (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF, no truncated sequence).  `s` must not be empty.
size_t Utf8SequenceLength(absl::string_view s);

// Whether all of `s` is well-formed UTF-8.  The one check of the platform:
// the gateway runs every byte a client sends through it before echoing it
// (error messages, logs) or handing it to a JSON library that throws on
// malformed text, and the CSV imports every field (lib/csv).
bool IsValidUtf8(absl::string_view s);

// `s` with every malformed sequence replaced by U+FFFD, for text that must be
// shown or logged whatever it holds (a service's error message about a CSV
// file, a request path in a log line).
std::string SanitizeUtf8(absl::string_view s);

}  // namespace pelita

#endif  // PELITA_LIB_UTF8_UTF8_H_
