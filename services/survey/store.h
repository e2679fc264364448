#ifndef PELITA_SERVICES_SURVEY_STORE_H_
#define PELITA_SERVICES_SURVEY_STORE_H_

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "lib/redis/redis.h"
#include "lib/store/resource_table.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/survey/v1/events.pb.h"

namespace pelita::survey {

// The Redis keys of one tenant's survey data, all under the tenant's hash tag
// (`survey:{1504}:...`), so every script touches one slot:
//   instr / instr:idx        current version of each Instrument (ResourceTable)
//   instrv                   HASH "<id>@<version>" -> Instrument of that version
//   instrn                   HASH instrument id -> responses accepted
//   resp                     HASH response id -> stored Response
//   respfp                   HASH response id -> fingerprint of the client's content
//   responses                STREAM of pelita.survey.v1.ResponseAccepted (events.proto)
//   agg:<p>/<c>:<i>          HASH aggregates of instrument i in cohort p/c
//   skm:<u>:<YYYY-MM>        HASH aggregates of SKM responses about unit u
//   who:<p>/<c>:<i>          SET participant NIPs who answered (identified only)
//   pair:<p>/<c>:<pretest>   HASH pre:<nip>, post:<nip> scores and pair sums
//                            n, spre, spost, sd, sdd, sprepre, spostpost,
//                            pre_count, post_count
//   cinstr:<p>/<c>           SET instrument ids with responses in the cohort
//   cresp:<p>/<c>:<i>        LIST response ids of instrument i in the cohort,
//                            in the order accepted (ListCohortResponses); a
//                            replaced response leaves the list
//   one:<p>/<c>:<i>          HASH slot -> the standing response id, one per
//                            person: slot = respondent NIP (reaction,
//                            tests), subject|respondent|wave (follow-up),
//                            subject|observer (observation, interview)
//   replaced                 HASH response id -> the id that replaced it
//   aggr:<p>/<c>:<i>:<role>  HASH follow-up aggregates of one role
//                            (`self`, `supervisor`), fields as agg
//   fw:<p>/<c>:<i>:<wave>:<role>  SET subjects with a follow-up of the role
//                            in the wave (days after the cohort)
//   tokiss:<p>/<c>:<i>       SET NIPs issued an eligibility token (anonymous)
//   tokused:<p>/<c>:<i>      SET hashes of the nonces of used tokens; nothing
//                            links a nonce, its hash or a response to a NIP
//   tokensecret              STRING the tenant's 32-byte token MAC key
//   linkused:<p>/<c>:<i>     SET hashes of the nonces of used answer links
//   answertasks:<nip>        HASH the answer links issued to a respondent
//                            (ListAnswerTasks): field
//                            `<cohort>|<instrument id>|<role>|<subject>`
//                            -> `<expiry, Unix s>|<link>`; an anonymous
//                            survey's entry holds no link (`<expiry>|`);
//                            at most kMaxAnswerTasks fields (expired ones,
//                            then the soonest expiring, go first), the key
//                            expires a grace period after its last expiry
// Aggregate hash fields: n (responses); i:<item>:n|s|q (count, Σ, Σ² of an
// item; n alone for choice and text items); c:<item>:<choice> (answers per
// choice; `ya`/`tidak` for YES_NO); d:<dim>:n|s|q (reaction dimensions);
// t:s|q (Σ and Σ² of response totals); a:n, a:t:s|q, a:i:<item>:s|q (the same
// over complete responses, for Cronbach's alpha).
class SurveyStore {
 public:
  SurveyStore(redis::Client* redis, const std::string& tenant);

  const KeyBuilder& keys() const { return keys_; }
  store::ResourceTable& instruments() { return instruments_; }
  std::string VersionsKey() const { return keys_.Key("instrv"); }
  std::string CountsKey() const { return keys_.Key("instrn"); }
  std::string StreamKey() const { return keys_.Key("responses"); }
  std::string CohortAggKey(const std::string& ck, const std::string& instrument) const {
    return keys_.Key("agg", ck, instrument);
  }
  std::string SkmKey(const std::string& unit, const std::string& period) const {
    return keys_.Key("skm", unit, period);
  }
  std::string WhoKey(const std::string& ck, const std::string& instrument) const {
    return keys_.Key("who", ck, instrument);
  }
  std::string PairKey(const std::string& ck, const std::string& pretest) const {
    return keys_.Key("pair", ck, pretest);
  }
  std::string CohortInstrumentsKey(const std::string& ck) const { return keys_.Key("cinstr", ck); }
  std::string CohortResponsesKey(const std::string& ck, const std::string& instrument) const {
    return keys_.Key("cresp", ck, instrument);
  }
  std::string SlotsKey(const std::string& ck, const std::string& instrument) const {
    return keys_.Key("one", ck, instrument);
  }
  std::string ReplacedKey() const { return keys_.Key("replaced"); }
  std::string RoleAggKey(const std::string& ck, const std::string& instrument, const std::string& role) const {
    return keys_.Key("aggr", ck, instrument, role);
  }
  std::string WaveKey(const std::string& ck, const std::string& instrument, int wave,
                      const std::string& role) const {
    return keys_.Key("fw", ck, instrument, wave, role);
  }
  std::string TokensIssuedKey(const std::string& ck, const std::string& instrument) const {
    return keys_.Key("tokiss", ck, instrument);
  }
  std::string TokensUsedKey(const std::string& ck, const std::string& instrument) const {
    return keys_.Key("tokused", ck, instrument);
  }
  // The hashes of the personal answer links used for the pair.
  std::string LinksUsedKey(const std::string& ck, const std::string& instrument) const {
    return keys_.Key("linkused", ck, instrument);
  }

  // The answer links issued to a respondent (see above).
  std::string AnswerTasksKey(const std::string& nip) const { return keys_.Key("answertasks", nip); }
  // One link to record under its respondent: `field` and `value` as above,
  // `expire` its expiry in Unix seconds.
  struct TaskRecord {
    std::string nip, field, value;
    int64_t expire = 0;
  };
  // Records every link in one pipelined round trip; each respondent's hash
  // keeps at most `cap` fields (fields expired more than `grace` ago go
  // first, then the soonest expiring) and lives until `grace` after the
  // latest expiry recorded in it.  `now` is Unix seconds.
  absl::Status RecordAnswerTasks(const std::vector<TaskRecord>& tasks, int64_t now, int cap, absl::Duration grace);
  // Whether each (set, member) is a member (SISMEMBER) or each (hash,
  // field) exists (HEXISTS), in one round trip.
  struct Probe {
    bool hash = false;
    std::string key, member;
  };
  absl::StatusOr<std::vector<bool>> Probes(const std::vector<Probe>& probes);

  // The tenant's token MAC key, created (32 random bytes) on first use.
  absl::StatusOr<std::string> TokenSecret();
  // The key if it exists; NOT_FOUND otherwise (nothing is created: a
  // public caller never makes Pelita write a key).
  absl::StatusOr<std::string> ExistingTokenSecret();
  // The public SKM form's hourly counter of one source address and unit.
  std::string SkmRateKey(const std::string& unit, int64_t hour, const std::string& address) const {
    return keys_.Key("skmrate", unit, hour, address);
  }
  // In one round trip: whether a response with this id was accepted, and
  // the counter's value (0 when missing).
  struct SkmCheck {
    bool resent = false;
    int64_t count = 0;
  };
  absl::StatusOr<SkmCheck> CheckSkm(const std::string& id, const std::string& rate_key);
  // One more on the counter, with a time to live (one round trip).
  absl::Status Bump(const std::string& key, absl::Duration ttl);
  // Whether `member` is in the set `key`.
  absl::StatusOr<bool> IsMember(const std::string& key, const std::string& member);
  // Records that `nip` was issued a token for the set `issued_key`: true
  // when it is new, false when the NIP already had one.
  absl::StatusOr<bool> RecordIssued(const std::string& issued_key, const std::string& nip);

  // Instrument versions and response counts.
  absl::StatusOr<std::string> GetVersion(const std::string& id, int version);
  absl::StatusOr<int64_t> ResponseCount(const std::string& id);

  // One response to write: the idempotent insert, the stream entry, the
  // aggregate increments and the pairing, all applied by one script.
  // What a second response in an occupied slot does (see survey.proto).
  enum class SlotMode { kNone, kReplace, kRefuse };
  struct Write {
    std::string id;
    std::string name;   // tenants/{t}/responses/{id}
    std::string fingerprint;
    std::string bytes;  // the stored Response
    // Published on the response stream in the same script (lib/events);
    // `replaces` is set by the store when this write replaces a response.
    v1::ResponseAccepted event;
    std::string agg_key;
    std::vector<std::pair<std::string, int64_t>> increments;
    std::string instrument_id;
    std::string cohort_instruments_key;  // empty for SKM
    std::string cohort_responses_key;    // empty for SKM
    std::string who_key, who_member;     // empty when not identified
    std::string pair_key, pair_role, pair_nip;  // role "pre"/"post" or empty
    int64_t pair_score = 0;
    // One person, one answer: the slot in `slots_key` and what a second
    // response in it does.
    std::string slots_key, slot;
    SlotMode mode = SlotMode::kNone;
    // Follow-ups: the role's aggregate hash and the wave's set of subjects.
    std::string role_agg_key, wave_key;
    // Anonymous: the used-token set and the hash of this token's nonce;
    // for one entered with the NIP, the issued set and the NIP, recorded in
    // the same script (refused when the NIP had a token already).
    std::string tokens_used_key, token_hash;
    std::string issued_key, issue_nip;
    // A replacement: the standing response it replaces and that one's
    // increments, subtracted in the same script (set by the caller after a
    // result with `standing`).
    std::string replaces;
    std::vector<std::pair<std::string, int64_t>> replaced_increments;
  };
  enum class Outcome {
    kCreated,    // a new response
    kDuplicate,  // the same id with the same content, accepted before
    kReplaced,   // a new response that replaced the standing one (replaced_id)
    kStanding,   // not written: the slot holds `replaced_id` (stored in
                 // `stored`) and this write has not said it replaces it
    kRefused,    // not written: the slot holds `replaced_id` and the kind
                 // allows one answer only
    kIssued,     // not written: the NIP of `issue_nip` had a token already
    kTokenUsed,  // not written: `token_hash` is in the used set
  };
  struct WriteResult {
    absl::Status status;  // OK, ALREADY_EXISTS (other content, used token), ...
    Outcome outcome = Outcome::kCreated;
    bool duplicate = false;  // outcome == kDuplicate
    bool replaced = false;   // outcome == kReplaced
    std::string replaced_id;  // kReplaced: the old id; kStanding/kRefused: the standing id
    std::string replaced_by;  // kDuplicate: the response that replaced this one, if any
    std::string stored;       // the stored Response when OK; kStanding: the standing one
  };
  // Writes all in one pipelined round trip (script by EVALSHA).  The outer
  // status is a transport failure (nothing known about what was applied;
  // resending is safe); otherwise one result per write, in order.
  absl::StatusOr<std::vector<WriteResult>> WriteBatch(const std::vector<Write>& writes);
  // The response that replaced `id`, empty when none did.
  absl::StatusOr<std::string> ReplacedBy(const std::string& id);

  absl::StatusOr<std::string> GetResponse(const std::string& id);
  // Stored responses at positions [offset, offset + count) of a cohort's
  // response list (one round trip), and the list's length.
  struct ResponsePage {
    std::vector<std::string> stored;
    int64_t total = 0;
  };
  absl::StatusOr<ResponsePage> CohortResponses(const std::string& list_key, int64_t offset, int64_t count);

  // Reads several hashes (HGETALL) and set sizes in one round trip.
  using Hash = absl::flat_hash_map<std::string, std::string>;
  absl::StatusOr<std::vector<Hash>> ReadHashes(const std::vector<std::string>& keys);
  absl::StatusOr<std::vector<std::string>> Members(const std::string& set_key);
  absl::StatusOr<std::vector<int64_t>> SetSizes(const std::vector<std::string>& keys);
  // The members of several sets (SMEMBERS) in one round trip.
  absl::StatusOr<std::vector<std::vector<std::string>>> ReadSets(const std::vector<std::string>& keys);

  // Trim of the stream (approximate MAXLEN); 0 keeps every entry.
  static void SetStreamMaxLen(int64_t n);

 private:
  redis::Client* redis_;
  std::string tenant_;
  KeyBuilder keys_;
  store::ResourceTable instruments_;
};

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_STORE_H_
