#ifndef PELITA_SERVICES_ENROLMENT_EXTERNAL_H_
#define PELITA_SERVICES_ENROLMENT_EXTERNAL_H_

// Rules of training done outside Pelita (SIASN's rw-kursus and rw-diklat,
// handed over by the integration service) that need no storage: what a
// valid set of records is, and which records of an employee count towards
// the 20 JP of a year.  The store's replace script keeps a per-year
// aggregate by the same counting rule (store.cc, kExternalRecomputeFn); the
// two must agree, and external_trainings_test.cc checks that they do.

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "pelita/enrolment/v1/enrolment.pb.h"

namespace pelita::enrolment {

inline constexpr int kMaxExternalTrainings = 1000;
inline constexpr int kMaxExternalJp = 1000;
inline constexpr int kMaxExternalTitleChars = 300;
inline constexpr int kMaxExternalInstitutionChars = 300;
inline constexpr int kMaxExternalCertificateChars = 100;
inline constexpr int kMaxExternalJenisChars = 100;

// The record's id within the employee: `{source}.{source_id}` (the source
// holds no dot, so the first dot separates the two), the last segment of
// its resource name and the field of the store's hashes.
std::string ExternalKey(const std::string& source, const std::string& source_id);

// Checks a whole ReplaceExternalTrainings request body (the parent is the
// caller's to check): the source, the number of records and every record,
// collecting every problem as a field violation (`source`,
// `trainings[3].jp`, ...; at most 100 are reported).  OK or one
// INVALID_ARGUMENT with all of them.
absl::Status ValidateExternalTrainings(const std::string& source,
                                       const google::protobuf::RepeatedPtrField<v1::ExternalTraining>& trainings);

// A certificate number as compared: ASCII whitespace around it removed.
std::string NormalizeCertificate(const std::string& certificate);

// The external trainings of one employee that count in `year`.
struct ExternalCount {
  int jp = 0;
  // Counted, and the records of the year not counted because their
  // certificate number is that of one of the employee's completed Pelita
  // enrolments.  Both in the order of ExternalKey.
  std::vector<v1::ExternalTraining> counted;
  std::vector<v1::ExternalTraining> duplicates;
};

// The counting rule.  Records are taken in the order of their ExternalKey
// (`siasn-diklat.*` before `siasn-kursus.*`), all years together:
//   - a record whose normalized certificate number is non-empty and one of
//     `completed_certificates` (the normalized numbers of the employee's
//     COMPLETED enrolments) is Pelita's own training read back from SIASN:
//     not counted, listed as a duplicate when it ends in `year`;
//   - otherwise a record whose non-empty number an earlier record already
//     carried is the same training recorded twice (in both sources): not
//     counted and not listed;
//   - every other record counts in the year of its end date; records
//     without a certificate number each count.
ExternalCount CountExternal(std::vector<v1::ExternalTraining> records, int year,
                            const absl::flat_hash_set<std::string>& completed_certificates);

}  // namespace pelita::enrolment

#endif  // PELITA_SERVICES_ENROLMENT_EXTERNAL_H_
