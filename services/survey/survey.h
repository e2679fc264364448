#ifndef PELITA_SERVICES_SURVEY_SURVEY_H_
#define PELITA_SERVICES_SURVEY_SURVEY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/notify/senders.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "lib/time/time.h"
#include "pelita/survey/v1/survey.pb.h"
#include "pelita/type/v1/import.pb.h"
#include "services/survey/answer_links.h"
#include "services/survey/domain.h"
#include "services/survey/roster.h"
#include "services/survey/store.h"

namespace pelita::survey {

// The survey service's logic, free of gRPC: each method takes the verified
// caller and the request.  Every resource name is checked against the
// caller's tenant; every response is validated (and its respondent checked
// against the enrolment roster) before anything is written, and each is
// written with its stream entry and aggregate updates by one script.
class SurveyLogic {
 public:
  using Clock = std::function<absl::Time()>;
  SurveyLogic(redis::Client* redis, CachedRoster* roster, Clock clock = absl::Now);

  // Where each tenant's zone comes from (the registry, wired by main);
  // WIB for every tenant until then.  It dates follow-up waves and SKM
  // periods and reads CSV times written without an offset.
  void SetTenantZones(TenantZones zones) { zones_ = std::move(zones); }

  // Where personal answer links are sent (the reminder sender; null: they
  // are only returned to the issuer) and the page they open
  // (`answer_url#<link>`).  Wired by main before serving.
  void SetAnswerLinks(notify::Sender* sender, std::string answer_url) {
    sender_ = sender;
    answer_url_ = std::move(answer_url);
  }

  absl::StatusOr<v1::Instrument> CreateInstrument(const Caller& c, const v1::CreateInstrumentRequest& r);
  absl::StatusOr<v1::Instrument> GetInstrument(const Caller& c, const v1::GetInstrumentRequest& r);
  absl::StatusOr<v1::ListInstrumentsResponse> ListInstruments(const Caller& c,
                                                              const v1::ListInstrumentsRequest& r);
  absl::StatusOr<v1::Instrument> UpdateInstrument(const Caller& c, const v1::UpdateInstrumentRequest& r);
  absl::StatusOr<v1::InstallDefaultInstrumentsResponse> InstallDefaultInstruments(
      const Caller& c, const v1::InstallDefaultInstrumentsRequest& r);

  // One response; an error status when it was rejected.
  absl::StatusOr<v1::Response> CreateResponse(const Caller& c, const v1::CreateResponseRequest& r);
  // Many responses, one Redis round trip for all that pass validation.
  // `parent` applies to requests whose own parent is empty.  The outer
  // status is a failure of the whole batch (Redis unreachable: nothing can
  // be said about what was written; resending is safe); otherwise one ack
  // per request, in order, with `index` = first_index + position.  When
  // `statuses` is given it receives each request's full status (OK when
  // accepted), details included (field violations, ErrorInfo reason), which
  // an ack's code and message cannot carry.
  absl::StatusOr<std::vector<v1::ResponseAck>> Ingest(
      const Caller& c, const std::string& parent,
      const std::vector<const v1::CreateResponseRequest*>& requests, int64_t first_index = 0,
      std::vector<absl::Status>* statuses = nullptr);
  absl::StatusOr<v1::BatchCreateResponsesResponse> BatchCreateResponses(
      const Caller& c, const v1::BatchCreateResponsesRequest& r);
  absl::StatusOr<v1::Response> GetResponse(const Caller& c, const v1::GetResponseRequest& r);
  // A single-use eligibility token for an anonymous survey (see the proto).
  absl::StatusOr<v1::ResponseToken> IssueResponseToken(const Caller& c,
                                                       const v1::IssueResponseTokenRequest& r);

  // CSV import fed chunk by chunk (see ImportResponsesCsvRequest and the
  // import contract in pelita/type/v1/import.proto).  Feed fails only when
  // the import cannot go on (a bad header, storage unavailable); a file that
  // cannot be read further sets stopped(), after which feeding is pointless.
  // Finish(truncated) ends the input: `truncated` when the upload was cut
  // (the record in progress is then dropped).
  class CsvImport {
   public:
    virtual ~CsvImport() = default;
    virtual absl::Status Feed(absl::string_view chunk) = 0;
    virtual bool stopped() const = 0;
    virtual absl::StatusOr<type::v1::ImportResult> Finish(bool truncated) = 0;
  };
  absl::StatusOr<std::unique_ptr<CsvImport>> StartCsvImport(const Caller& c,
                                                           const v1::ImportResponsesCsvRequest& first);

  // Personal answer links (links.cc; see the proto).  OpenAnswerLink and
  // AnswerByLink are public: they ignore the caller and act only as the
  // link allows.
  absl::StatusOr<v1::IssueAnswerLinksResponse> IssueAnswerLinks(const Caller& c,
                                                               const v1::IssueAnswerLinksRequest& r);
  absl::StatusOr<v1::AnswerLinkForm> OpenAnswerLink(const Caller& c, const v1::OpenAnswerLinkRequest& r);
  absl::StatusOr<v1::Response> AnswerByLink(const Caller& c, const v1::AnswerByLinkRequest& r);
  // A person's surveys and tests from the links issued to them (links.cc;
  // see the proto).  IssueAnswerLinks records each identified link under
  // its respondent's NIP, and only that an anonymous survey's link was
  // issued (never the link).  At most kMaxAnswerTasks a person; an expired
  // one is listed for kAnswerTaskGrace after its expiry.
  static constexpr int kMaxAnswerTasks = 200;
  static constexpr absl::Duration kAnswerTaskGrace = absl::Hours(24 * 30);
  absl::StatusOr<v1::ListAnswerTasksResponse> ListAnswerTasks(const Caller& c, const v1::ListAnswerTasksRequest& r);

  // The public SKM form of a unit (skm_form.cc; see the proto).  Both are
  // public: the tenant comes from the name and must be known to the
  // registry; `c.subject` is the source address (set by the gateway).
  static constexpr int kSkmPerAddressHour = 30;
  absl::StatusOr<v1::SkmForm> GetSkmForm(const Caller& c, const v1::GetSkmFormRequest& r);
  absl::StatusOr<v1::SkmReceipt> SubmitSkmResponse(const Caller& c, const v1::SubmitSkmResponseRequest& r);

  absl::StatusOr<v1::CohortAggregates> GetCohortAggregates(const Caller& c,
                                                           const v1::GetCohortAggregatesRequest& r);
  // A cohort's responses to one instrument, page by page; internal callers,
  // admins and organisers only (they carry identities and free text).
  absl::StatusOr<v1::ListCohortResponsesResponse> ListCohortResponses(
      const Caller& c, const v1::ListCohortResponsesRequest& r);
  absl::StatusOr<v1::SkmAggregates> GetSkmAggregates(const Caller& c,
                                                     const v1::GetSkmAggregatesRequest& r);

 private:
  friend class CsvImportImpl;
  struct Prepared;
  // Validates one request and builds its write; an error rejects it.
  // `link_hash`: answered by a personal link, used up with the write.
  absl::StatusOr<Prepared> Prepare(const Caller& c, const std::string& parent,
                                   const v1::CreateResponseRequest& r, const std::string* link_hash);
  absl::StatusOr<std::vector<v1::ResponseAck>> IngestImpl(
      const Caller& c, const std::string& parent, const std::vector<const v1::CreateResponseRequest*>& requests,
      int64_t first_index, std::vector<absl::Status>* statuses, const std::string* link_hash);
  absl::StatusOr<v1::Response> CreateOne(const Caller& c, const v1::CreateResponseRequest& r,
                                         const std::string* link_hash);
  // A link's claims when it is valid, unexpired and unused (else
  // PERMISSION_DENIED with its reason); `used_key`/`used_hash` say where
  // its use is recorded.
  struct OpenLink {
    AnswerLinkClaims claims;
    std::string used_key, used_hash;
  };
  absl::StatusOr<OpenLink> CheckLink(const std::string& token);
  // A unit's display name (cached for minutes; the roster's NOT_FOUND).
  absl::StatusOr<std::string> UnitTitle(const std::string& tenant, const std::string& unit);
  // The tenant's token key if it exists (cached); NOT_FOUND otherwise.
  absl::StatusOr<std::string> ExistingTenantSecret(const std::string& tenant);
  // Both, through one cache: `create` makes the key on first use.
  absl::StatusOr<std::string> CachedSecret(const std::string& tenant, bool create);
  // An instrument version (0 = current), cached (versions never change).
  absl::StatusOr<std::shared_ptr<const v1::Instrument>> LoadInstrument(const std::string& tenant,
                                                                       const std::string& id,
                                                                       int version);
  absl::StatusOr<std::shared_ptr<const v1::Instrument>> LoadCurrent(const std::string& tenant,
                                                                    const std::string& id,
                                                                    bool fresh);
  absl::StatusOr<v1::Instrument> WithCount(SurveyStore& store, v1::Instrument in);
  // The increments a stored response added to the aggregates (to subtract
  // them when it is replaced).
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> IncrementsOf(const std::string& tenant,
                                                                           const v1::Response& stored);
  // A single-use eligibility token of `nip` for (instrument id, cohort
  // name), recorded as issued; ALREADY_EXISTS when the NIP has one.  The
  // caller has checked the instrument and the enrolment.
  absl::StatusOr<std::string> MintEligibility(const std::string& tenant, const std::string& instrument,
                                              const std::string& cohort, const std::string& nip);
  // The tenant's token MAC key (cached; created on first use).
  absl::StatusOr<std::string> TenantSecret(const std::string& tenant);
  // Checks a token's MAC for (instrument id, cohort); the hash of its nonce
  // for the used set, or PERMISSION_DENIED.
  absl::StatusOr<std::string> RedeemToken(const std::string& tenant, const std::string& instrument,
                                          const std::string& cohort, const std::string& token);

  redis::Client* redis_;
  CachedRoster* roster_;
  notify::Sender* sender_ = nullptr;
  std::string answer_url_ = "http://127.0.0.1:8080/jawab";
  Clock clock_;
  TenantZones zones_ = WibForEveryTenant();
  absl::Mutex mu_;
  // (tenant|id@version) -> instrument; versions are immutable once used.
  absl::flat_hash_map<std::string, std::shared_ptr<const v1::Instrument>> versions_
      ABSL_GUARDED_BY(mu_);
  struct Current {
    std::shared_ptr<const v1::Instrument> instrument;
    absl::Time fetched;
  };
  absl::flat_hash_map<std::string, Current> current_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> secrets_ ABSL_GUARDED_BY(mu_);
  // tenant|unit -> (display name, when fetched).
  absl::flat_hash_map<std::string, std::pair<std::string, absl::Time>> unit_titles_ ABSL_GUARDED_BY(mu_);
};

// A stable fingerprint of bytes (SHA-256, first 16 bytes).
std::string Fingerprint(absl::string_view bytes);

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_SURVEY_H_
