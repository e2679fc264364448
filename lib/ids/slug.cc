#include "lib/ids/slug.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lib/status/status.h"

namespace pelita {

absl::Status ValidateSlug(absl::string_view field, absl::string_view id) {
  // With a field violation (google.rpc.BadRequest), so that a form can
  // point at the id it was given.
  auto bad = [&](absl::string_view why) {
    return InvalidField(field, absl::StrCat("'", id.substr(0, 80), "' ", why));
  };
  if (id.empty()) return InvalidField(field, "must not be empty");
  if (id.size() > 63) return bad("is longer than 63 characters");
  for (char c : id) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return bad("may contain only a-z, 0-9 and '-'");
    }
  }
  if (id.front() == '-' || id.back() == '-') return bad("must not start or end with '-'");
  return absl::OkStatus();
}

}  // namespace pelita
