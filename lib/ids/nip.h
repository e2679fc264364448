#ifndef PELITA_LIB_IDS_NIP_H_
#define PELITA_LIB_IDS_NIP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace pelita {

// The parts of a NIP (Nomor Induk Pegawai), Perka BKN 22/2007: 18 digits,
// 1-8 birth date YYYYMMDD, 9-14 start of CPNS service YYYYMM, 15 gender
// (1 male, 2 female), 16-18 sequence number.
struct Nip {
  std::string digits;
  absl::CivilDay birth_date;
  absl::CivilMonth service_start;
  enum class Gender { kMale = 1, kFemale = 2 } gender;
  int sequence;

  absl::string_view gender_name() const {
    return gender == Gender::kMale ? "male" : "female";
  }
};

// Parses and validates a NIP.  Rejects, with a message that says which part
// is wrong: a length other than 18 or a non-digit; a birth date that is not a
// real calendar date or lies before 1900; a service start that is not a real
// month, is in the future, or is before the person was 18; a gender digit
// other than 1 or 2; sequence 000.  `today` bounds the service start.
absl::StatusOr<Nip> ParseNip(absl::string_view nip, absl::CivilDay today);

// ParseNip with today's date in Asia/Jayapura (WIT, the zone whose day
// starts first), from tzdata (lib/time); FAILED_PRECONDITION without tzdata.
absl::StatusOr<Nip> ParseNip(absl::string_view nip);

// Builds a valid NIP from its parts (for demo data and tests).
std::string MakeNip(absl::CivilDay birth, absl::CivilMonth service_start,
                    Nip::Gender gender, int sequence);

}  // namespace pelita

#endif  // PELITA_LIB_IDS_NIP_H_
