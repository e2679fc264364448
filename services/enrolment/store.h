#ifndef PELITA_SERVICES_ENROLMENT_STORE_H_
#define PELITA_SERVICES_ENROLMENT_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/redis/redis.h"
#include "lib/store/resource_table.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/enrolment/v1/enrolment.pb.h"

namespace pelita::enrolment {


// The Redis keys of one tenant's enrolment data, all under the tenant's hash
// tag (`enrolment:{1504}:...`):
//   unit / unit:idx             Unit protos by unit id (ResourceTable)
//   emp / emp:idx               Employee protos by NIP
//   prog / prog:idx             Program protos by program id
//   cohort:<p> / cohort:<p>:idx Cohort protos of program p by cohort id
//   unitemps:<u>                SET of the NIPs of unit u
//   cstate:<p>/<c>              HASH capacity, start, end (YYYYMMDD), certseq
//   enr:<p>/<c>:<nip>           HASH state, create_ms, unit, withdraw_ms,
//                               complete_ms, certificate, att:<YYYY-MM-DD>
//   members:<p>/<c>             ZSET (lex) of every NIP ever enrolled
//   seats:<p>/<c>               SET of NIPs holding a seat
//   wait:<p>/<c>                ZSET of wait-listed NIPs by arrival sequence
//   empc:<nip>                  HASH <p>/<c> -> "start:end" of the cohorts the
//                               employee is in (not withdrawn), for overlaps
//   jp:<year>                   HASH NIP -> JP earned in that year
//   jpsrc:<year>:<nip>          SET of enrolment names that earned them
//   ext:<nip>, extsum:<nip>,    external trainings (SIASN) and what counts of
//   extjp:<year>, extyears:<nip>  them: external_store.h
//   wseq                        wait-list arrival counter
//   events                      STREAM of pelita.enrolment.v1 events
//                               (lib/events; protos/pelita/enrolment/v1/events.proto)
class EnrolmentStore {
 public:
  EnrolmentStore(redis::Client* redis, const std::string& tenant);

  store::ResourceTable& units() { return units_; }
  store::ResourceTable& employees() { return employees_; }
  store::ResourceTable& programs() { return programs_; }
  store::ResourceTable Cohorts(const std::string& program) const;

  std::string UnitEmployeesKey(const std::string& unit) const { return keys_.Key("unitemps", unit); }
  std::string CohortStateKey(const std::string& ck) const { return keys_.Key("cstate", ck); }
  std::string EmployeeCohortsKey(const std::string& nip) const { return keys_.Key("empc", nip); }
  std::string EventsKey() const { return keys_.Key("events"); }

  // Whether anything still refers to these (for deletes).
  absl::StatusOr<int64_t> UnitEmployeeCount(const std::string& unit);
  absl::StatusOr<int64_t> CohortMemberCount(const std::string& ck);
  absl::StatusOr<int64_t> EmployeeCohortCount(const std::string& nip);
  // The cohorts (`<program>/<cohort>`) the employee is in (not withdrawn).
  absl::StatusOr<std::vector<std::string>> EmployeeCohorts(const std::string& nip);

  // Seats taken and wait-list length of a cohort.
  absl::StatusOr<std::pair<int, int>> CohortCounts(const std::string& ck);

  // Enrols `nip` into cohort `ck` (`<program>/<cohort>`): a seat if one is
  // free, else the wait list.  Refuses a second enrolment in the same cohort
  // (ALREADY_EXISTS) and one that overlaps another cohort of the employee
  // (FAILED_PRECONDITION).  Atomic, so capacity holds under concurrency.
  absl::Status Enrol(const std::string& ck, const std::string& nip, const std::string& unit,
                     absl::Time now);
  // Withdraws; a freed seat goes to the head of the wait list.  Withdrawing
  // twice returns the same result; a completed enrolment cannot be withdrawn.
  absl::Status Withdraw(const std::string& ck, const std::string& nip, absl::Time now);
  absl::Status RecordAttendance(const std::string& ck, const std::string& nip, int day_number,
                                const std::string& day);
  // Marks completed and credits `jp` to `year`; completing twice changes
  // nothing.  An empty certificate gets a generated number.
  absl::Status Complete(const std::string& ck, const std::string& nip,
                        const std::string& certificate, const std::string& enrolment_name,
                        int jp, int year, const std::string& certificate_prefix, absl::Time now);
  // Fills free seats from the wait list (after a capacity increase).
  absl::Status Promote(const std::string& ck);

  // The enrolment as stored; NOT_FOUND when the employee never enrolled.
  absl::StatusOr<v1::Enrolment> GetEnrolment(const std::string& ck, const std::string& nip);
  struct EnrolmentPage {
    std::vector<v1::Enrolment> enrolments;  // name/employee left for the caller
    std::vector<std::string> nips;
    std::string next_page_token;
  };
  absl::StatusOr<EnrolmentPage> ListEnrolments(const std::string& ck, int page_size,
                                               const std::string& page_token);

  struct Hours {
    int jp = 0;
    std::vector<std::string> sources;
  };
  absl::StatusOr<Hours> LearningHours(const std::string& nip, int year);
  struct UnitHours {
    int employees = 0;
    int compliant = 0;
    int64_t total_jp = 0;
  };
  // One round trip for all units.  An employee's JP are Pelita's plus
  // the external JP counted in the year (extjp:<year>, external_store.h).
  absl::StatusOr<std::vector<UnitHours>> UnitLearningHours(const std::vector<std::string>& units,
                                                           int year, int required);

 private:
  redis::Client* redis_;
  std::string tenant_;
  KeyBuilder keys_;
  store::ResourceTable units_;
  store::ResourceTable employees_;
  store::ResourceTable programs_;
};

}  // namespace pelita::enrolment

#endif  // PELITA_SERVICES_ENROLMENT_STORE_H_
