#ifndef PELITA_LIB_LOG_LOG_H_
#define PELITA_LIB_LOG_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace pelita {

// One structured log line: a JSON object written to stderr with a timestamp,
// a level, a message and key/value fields.  Abseil 20220623 has no absl/log,
// and the services only need one line per event that a log pipeline can parse.
using LogField = std::pair<absl::string_view, std::string>;

void LogInfo(absl::string_view msg, std::initializer_list<LogField> fields = {});
void LogWarning(absl::string_view msg, std::initializer_list<LogField> fields = {});
void LogError(absl::string_view msg, std::initializer_list<LogField> fields = {});

// Silences LogInfo (warnings and errors still print); used by benchmarks.
void SetInfoLogging(bool enabled);

// Escapes `s` for use inside a JSON string literal.
std::string JsonEscape(absl::string_view s);

}  // namespace pelita

#endif  // PELITA_LIB_LOG_LOG_H_
