#include "lib/log/log.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pelita {
namespace {

std::atomic<bool> info_enabled{true};

void Emit(absl::string_view level, absl::string_view msg,
          std::initializer_list<LogField> fields) {
  std::string line = absl::StrCat(
      "{\"ts\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      "\",\"level\":\"", level, "\",\"msg\":\"", JsonEscape(msg), "\"");
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, ",\"", key, "\":\"", JsonEscape(value), "\"");
  }
  line += "}\n";
  // One fwrite per line keeps lines whole when threads log concurrently.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void LogInfo(absl::string_view msg, std::initializer_list<LogField> fields) {
  if (info_enabled.load(std::memory_order_relaxed)) Emit("info", msg, fields);
}
void LogWarning(absl::string_view msg, std::initializer_list<LogField> fields) {
  Emit("warning", msg, fields);
}
void LogError(absl::string_view msg, std::initializer_list<LogField> fields) {
  Emit("error", msg, fields);
}
void SetInfoLogging(bool enabled) { info_enabled.store(enabled); }

std::string JsonEscape(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace pelita
