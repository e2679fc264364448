// libFuzzer target: the parsers of SIASN's answers (lib/siasn/shapes.h) over
// arbitrary bytes.  SIASN is outside the platform; whatever it sends must
// come back as a value or a status, never a crash, and a failure's field and
// raw value (recorded for organisers to read) stay within their bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "lib/siasn/shapes.h"

namespace {

void CheckFailure(const absl::Status& s) {
  if (s.ok()) return;
  // RawValueOf promises at most 200 bytes (plus an ellipsis marker).
  if (pelita::siasn::RawValueOf(s).size() > 256) std::abort();
  (void)pelita::siasn::FieldOf(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  namespace siasn = pelita::siasn;
  auto du = siasn::ParseDataUtamaResponse(body);
  CheckFailure(du.status());
  auto kursus = siasn::ParseKursusListResponse(body, "rw-kursus");
  CheckFailure(kursus.status());
  auto skp = siasn::ParseSkp22ListResponse(body);
  CheckFailure(skp.status());
  CheckFailure(siasn::ParseSaveResponse(body).status());
  (void)siasn::ErrorMessageOf(body);
  // A date that parses prints back as the same text.
  auto day = siasn::ParseDate(body);
  if (day.ok() && siasn::FormatDate(*day) != body) std::abort();
  return 0;
}
