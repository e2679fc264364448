#include "services/enrolment/external.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status/status.h"
#include "lib/utf8/utf8.h"
#include "services/enrolment/domain.h"

namespace pelita::enrolment {
namespace {

// At most this many violations are reported: a file of 1000 bad records
// needs a handful of examples to be fixed, not 5000 lines.
constexpr size_t kMaxViolations = 100;

bool IsSourceChar(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
}
bool IsSourceIdChar(char ch) {
  return absl::ascii_isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
}

// The number of characters (code points) of well-formed UTF-8 text.
size_t CharCount(absl::string_view s) {
  size_t n = 0;
  while (!s.empty()) {
    const size_t len = Utf8SequenceLength(s);
    s.remove_prefix(len == 0 ? 1 : len);
    ++n;
  }
  return n;
}

bool IsUnset(const google::type::Date& d) { return d.year() == 0 && d.month() == 0 && d.day() == 0; }

}  // namespace

std::string ExternalKey(const std::string& source, const std::string& source_id) {
  return absl::StrCat(source, ".", source_id);
}

std::string NormalizeCertificate(const std::string& certificate) {
  return std::string(absl::StripAsciiWhitespace(certificate));
}

absl::Status ValidateExternalTrainings(
    const std::string& source, const google::protobuf::RepeatedPtrField<v1::ExternalTraining>& trainings) {
  std::vector<std::pair<std::string, std::string>> violations;
  auto add = [&](std::string field, std::string problem) {
    if (violations.size() < kMaxViolations) violations.emplace_back(std::move(field), std::move(problem));
  };
  // A problem of a status from a shared check (ToCivilDay), as its text.
  auto add_status = [&](const absl::Status& s) {
    for (auto& [field, problem] : FieldViolationsOf(s)) add(field, problem);
  };
  const bool source_ok = !source.empty() && source.size() <= 40 &&
                         std::all_of(source.begin(), source.end(), IsSourceChar);
  if (!source_ok) add("source", "must be 1 to 40 of a-z, 0-9 and '-' (siasn-kursus, siasn-diklat)");
  if (trainings.size() > kMaxExternalTrainings) {
    add("trainings", absl::StrCat("holds ", trainings.size(), " records; at most ", kMaxExternalTrainings));
  }
  absl::flat_hash_map<std::string, int> first_of_id;
  for (int i = 0; i < trainings.size(); ++i) {
    const v1::ExternalTraining& t = trainings[i];
    const std::string f = absl::StrCat("trainings[", i, "]");
    if (t.source() != source) {
      add(f + ".source", absl::StrCat("is '", IsValidUtf8(t.source()) ? t.source() : "?",
                                      "'; every record must carry the request's source"));
    }
    const std::string& id = t.source_id();
    if (id.empty() || id.size() > 100 || !std::all_of(id.begin(), id.end(), IsSourceIdChar)) {
      add(f + ".source_id", "must be 1 to 100 of A-Z, a-z, 0-9, '.', '_' and '-'");
    } else if (auto [it, inserted] = first_of_id.emplace(id, i); !inserted) {
      add(f + ".source_id", absl::StrCat("'", id, "' is also the source_id of trainings[", it->second, "]"));
    }
    struct Text {
      const char* name;
      const std::string& value;
      size_t max_chars;
    };
    for (const Text& text : {Text{"title", t.title(), kMaxExternalTitleChars},
                             Text{"institution", t.institution(), kMaxExternalInstitutionChars},
                             Text{"certificate_number", t.certificate_number(), kMaxExternalCertificateChars},
                             Text{"jenis_diklat_id", t.jenis_diklat_id(), kMaxExternalJenisChars}}) {
      if (!IsValidUtf8(text.value)) {
        add(absl::StrCat(f, ".", text.name), "is not valid UTF-8");
      } else if (CharCount(text.value) > text.max_chars) {
        add(absl::StrCat(f, ".", text.name), absl::StrCat("is longer than ", text.max_chars, " characters"));
      }
    }
    if (t.jp() < 0 || t.jp() > kMaxExternalJp) {
      add(f + ".jp", absl::StrCat("is ", t.jp(), "; must be 0 to ", kMaxExternalJp));
    }
    auto end = ToCivilDay(t.end_date(), f + ".end_date");
    if (!end.ok()) add_status(end.status());
    if (!IsUnset(t.start_date())) {
      auto start = ToCivilDay(t.start_date(), f + ".start_date");
      if (!start.ok()) {
        add_status(start.status());
      } else if (end.ok() && *start > *end) {
        add(f + ".start_date", "is after end_date");
      }
    }
  }
  return InvalidFields(violations);
}

ExternalCount CountExternal(std::vector<v1::ExternalTraining> records, int year,
                            const absl::flat_hash_set<std::string>& completed_certificates) {
  std::sort(records.begin(), records.end(), [](const v1::ExternalTraining& a, const v1::ExternalTraining& b) {
    return ExternalKey(a.source(), a.source_id()) < ExternalKey(b.source(), b.source_id());
  });
  ExternalCount out;
  absl::flat_hash_set<std::string> seen;
  for (v1::ExternalTraining& t : records) {
    const bool in_year = t.end_date().year() == year;
    const std::string cert = NormalizeCertificate(t.certificate_number());
    if (!cert.empty() && completed_certificates.contains(cert)) {
      if (in_year) out.duplicates.push_back(std::move(t));
      continue;
    }
    if (!cert.empty() && !seen.insert(cert).second) continue;
    if (!in_year) continue;
    out.jp += t.jp();
    out.counted.push_back(std::move(t));
  }
  return out;
}

}  // namespace pelita::enrolment
