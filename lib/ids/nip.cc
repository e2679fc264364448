#include "lib/ids/nip.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lib/time/time.h"

namespace pelita {
namespace {

int Digits(absl::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

absl::Status Bad(absl::string_view nip, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("NIP '", nip, "': ", why));
}

}  // namespace

absl::StatusOr<Nip> ParseNip(absl::string_view nip, absl::CivilDay today) {
  if (nip.size() != 18) {
    return Bad(nip, absl::StrCat("must have 18 digits, has ", nip.size(), " characters"));
  }
  for (char c : nip) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return Bad(nip, "must contain digits only");
    }
  }
  Nip out;
  out.digits = std::string(nip);

  const int by = Digits(nip.substr(0, 4)), bm = Digits(nip.substr(4, 2)),
            bd = Digits(nip.substr(6, 2));
  const absl::CivilDay birth(by, bm, bd);
  // CivilDay normalises out-of-range fields (Feb 30 -> Mar 2); a real date
  // survives the round trip unchanged.
  if (birth.year() != by || birth.month() != bm || birth.day() != bd || bm == 0 || bd == 0) {
    return Bad(nip, absl::StrFormat("digits 1-8 (birth date %s) are not a real date",
                                    nip.substr(0, 8)));
  }
  if (by < 1900 || birth > today) {
    return Bad(nip, absl::StrCat("birth year ", by, " is not plausible"));
  }
  out.birth_date = birth;

  const int sy = Digits(nip.substr(8, 4)), sm = Digits(nip.substr(12, 2));
  if (sm < 1 || sm > 12) {
    return Bad(nip, absl::StrFormat("digits 9-14 (service start %s) are not a real month",
                                    nip.substr(8, 6)));
  }
  const absl::CivilMonth start(sy, sm);
  if (start > absl::CivilMonth(today)) {
    return Bad(nip, "service start lies in the future");
  }
  // A CPNS must be at least 18 when service starts.
  if (start < absl::CivilMonth(by + 18, bm)) {
    return Bad(nip, absl::StrCat("service start ", sy, "-", absl::StrFormat("%02d", sm),
                                 " is before the age of 18"));
  }
  out.service_start = start;

  const char g = nip[14];
  if (g != '1' && g != '2') {
    return Bad(nip, absl::StrCat("digit 15 (gender) must be 1 or 2, is ", std::string(1, g)));
  }
  out.gender = g == '1' ? Nip::Gender::kMale : Nip::Gender::kFemale;

  out.sequence = Digits(nip.substr(15, 3));
  if (out.sequence == 0) return Bad(nip, "digits 16-18 (sequence) must not be 000");
  return out;
}

absl::StatusOr<Nip> ParseNip(absl::string_view nip) {
  // The day of the easternmost zone (WIT, Keppres 41/1987) bounds the
  // service start: a NIP valid today anywhere in Indonesia is accepted.
  // From tzdata through lib/time, never a fixed offset.
  static const absl::StatusOr<absl::TimeZone>* wit =
      new absl::StatusOr<absl::TimeZone>(LoadIndonesianTimeZone(kWit));
  if (!wit->ok()) return wit->status();
  return ParseNip(nip, TodayIn(**wit));
}

std::string MakeNip(absl::CivilDay birth, absl::CivilMonth service_start, Nip::Gender gender,
                    int sequence) {
  return absl::StrFormat("%04d%02d%02d%04d%02d%d%03d", birth.year(), birth.month(), birth.day(),
                         service_start.year(), service_start.month(),
                         static_cast<int>(gender), sequence);
}

}  // namespace pelita
