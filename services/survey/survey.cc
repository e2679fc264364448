#include "services/survey/survey.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/csv/csv_reader.h"
#include "lib/log/log.h"
#include "lib/status/status.h"
#include "lib/ids/nip.h"
#include "lib/ids/slug.h"
#include "lib/role/role.h"
#include "lib/time/time.h"
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include "lib/store/field_mask.h"
#include "lib/store/paging.h"
#include "services/survey/names.h"

namespace pelita::survey {


std::string Fingerprint(absl::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  return std::string(reinterpret_cast<const char*>(md), 16);
}

namespace {

constexpr int kMaxBatch = 1000;
constexpr absl::Duration kCurrentTtl = absl::Seconds(2);


int64_t Int(const SurveyStore::Hash& h, const std::string& field) {
  auto it = h.find(field);
  if (it == h.end()) return 0;
  int64_t v = 0;
  (void)absl::SimpleAtoi(it->second, &v);
  return v;
}

// Answer keys go only to those who write tests (organisers, admins) and to
// the services themselves; every other role reads the instrument without
// them, so no participant ever receives a key.
v1::Instrument ForCaller(const Caller& c, v1::Instrument in) {
  if (IsStaff(c)) return in;
  for (auto& item : *in.mutable_items()) item.clear_key();
  return in;
}

int MaxScore(const v1::Instrument& in) {
  int max = 0;
  for (const auto& item : in.items()) {
    if (item.type() == v1::SCORE) max += item.max_score();
    if (item.type() == v1::LIKERT) max += item.scale_max();
    if (item.has_key()) max += item.key().points();
  }
  return max;
}

// The pairs' pre-test and post-test scores in ten bands of the 0-100 scale
// (PairedAggregates.pre_band_counts), from the pair hash read with the sums
// ("pre:<nip>" and "post:<nip>" hold each participant's latest score).  Each
// test's own maximum scales its scores; a pre-test not among `instruments`
// is taken to share the post-test's maximum.
void SetPairBands(const SurveyStore::Hash& pair, const std::vector<std::shared_ptr<const v1::Instrument>>& instruments,
                  const v1::Instrument& posttest, v1::PairedAggregates* p) {
  const int64_t post_max = MaxScore(posttest);
  int64_t pre_max = post_max;
  for (const auto& other : instruments) {
    if (other->name() == posttest.pretest() && MaxScore(*other) > 0) pre_max = MaxScore(*other);
  }
  if (post_max <= 0 || pre_max <= 0) return;
  auto band = [](int64_t score, int64_t max) {
    return static_cast<int>(std::clamp<int64_t>(10 * score / max, 0, 9));
  };
  std::array<int64_t, 10> pre{}, post{};
  for (const auto& [field, value] : pair) {
    if (!absl::StartsWith(field, "pre:")) continue;
    auto other = pair.find(absl::StrCat("post:", field.substr(4)));
    if (other == pair.end()) continue;
    int64_t a = 0, b = 0;
    if (!absl::SimpleAtoi(value, &a) || !absl::SimpleAtoi(other->second, &b)) continue;
    ++pre[band(a, pre_max)];
    ++post[band(b, post_max)];
  }
  for (int k = 0; k < 10; ++k) {
    p->add_pre_band_counts(pre[k]);
    p->add_post_band_counts(post[k]);
  }
}

}  // namespace

SurveyLogic::SurveyLogic(redis::Client* redis, CachedRoster* roster, Clock clock)
    : redis_(redis), roster_(roster), clock_(std::move(clock)) {}

// ---------------------------------------------------------------- instruments

absl::StatusOr<std::shared_ptr<const v1::Instrument>> SurveyLogic::LoadCurrent(
    const std::string& tenant, const std::string& id, bool fresh) {
  const std::string key = absl::StrCat(tenant, "|", id);
  const absl::Time now = clock_();
  if (!fresh) {
    absl::MutexLock l(&mu_);
    auto it = current_.find(key);
    if (it != current_.end() && now - it->second.fetched < kCurrentTtl) return it->second.instrument;
  }
  SurveyStore store(redis_, tenant);
  auto in = store.instruments().Get<v1::Instrument>(id);
  if (!in.ok()) {
    if (in.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("instrument tenants/", tenant, "/instruments/", id, " not found"));
    }
    return in.status();
  }
  auto ptr = std::make_shared<const v1::Instrument>(std::move(*in));
  absl::MutexLock l(&mu_);
  if (current_.size() > 10000) current_.clear();
  current_[key] = Current{ptr, now};
  return ptr;
}

absl::StatusOr<std::shared_ptr<const v1::Instrument>> SurveyLogic::LoadInstrument(
    const std::string& tenant, const std::string& id, int version) {
  if (version == 0) return LoadCurrent(tenant, id, false);
  const std::string key = absl::StrCat(tenant, "|", id, "@", version);
  {
    absl::MutexLock l(&mu_);
    auto it = versions_.find(key);
    if (it != versions_.end()) return it->second;
  }
  SurveyStore store(redis_, tenant);
  auto raw = store.GetVersion(id, version);
  if (!raw.ok()) return raw.status();
  auto in = std::make_shared<v1::Instrument>();
  if (!in->ParseFromString(*raw)) return absl::DataLossError(absl::StrCat("instrument ", id, " is corrupt"));
  absl::MutexLock l(&mu_);
  if (versions_.size() > 10000) versions_.clear();
  versions_[key] = in;
  return std::shared_ptr<const v1::Instrument>(in);
}

absl::StatusOr<v1::Instrument> SurveyLogic::WithCount(SurveyStore& store, v1::Instrument in) {
  const std::string id = std::string(in.name().substr(in.name().rfind('/') + 1));
  PELITA_ASSIGN_OR_RETURN(int64_t n, store.ResponseCount(id));
  in.set_response_count(n);
  return in;
}

absl::StatusOr<v1::Instrument> SurveyLogic::CreateInstrument(const Caller& c,
                                                             const v1::CreateInstrumentRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, "parent", r.parent()));
  PELITA_RETURN_IF_ERROR(ValidateSlug("instrument_id", r.instrument_id()));
  v1::Instrument in = r.instrument();
  // A reaction survey is anonymous unless the request says otherwise
  // (rules of evidence: nothing links a reaction to a person by default).
  if (in.kind() == v1::REACTION && !in.has_anonymous()) in.set_anonymous(true);
  PELITA_RETURN_IF_ERROR(ValidateInstrument(in));
  in.set_name(absl::StrCat("tenants/", tenant, "/instruments/", r.instrument_id()));
  if (in.kind() == v1::POSTTEST) {
    PELITA_ASSIGN_OR_RETURN(auto pre, ParseInstrument(c, "instrument.pretest", in.pretest()));
    PELITA_ASSIGN_OR_RETURN(auto pretest, LoadCurrent(tenant, pre.first, true));
    if (pretest->kind() != v1::PRETEST) {
      return InvalidField("instrument.pretest", "names an instrument that is not a pretest");
    }
    in.set_pretest(absl::StrCat("tenants/", tenant, "/instruments/", pre.first));
  }
  in.set_version(1);
  in.set_response_count(0);
  *in.mutable_create_time() = ToTimestamp(clock_());
  *in.mutable_update_time() = in.create_time();
  SurveyStore store(redis_, tenant);
  const std::string bytes = in.SerializeAsString();
  PELITA_RETURN_IF_ERROR(store.instruments().Insert(
      r.instrument_id(), bytes,
      {{store::IndexOp::Kind::kHashSet, store.VersionsKey(), absl::StrCat(r.instrument_id(), "@1"), bytes}}));
  return in;
}

absl::StatusOr<v1::Instrument> SurveyLogic::GetInstrument(const Caller& c,
                                                          const v1::GetInstrumentRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto ref, ParseInstrument(c, "name", r.name()));
  SurveyStore store(redis_, c.tenant);
  if (ref.second == 0) {
    PELITA_ASSIGN_OR_RETURN(auto in, LoadCurrent(c.tenant, ref.first, true));
    return WithCount(store, ForCaller(c, *in));
  }
  PELITA_ASSIGN_OR_RETURN(auto in, LoadInstrument(c.tenant, ref.first, ref.second));
  return WithCount(store, ForCaller(c, *in));
}

absl::StatusOr<v1::ListInstrumentsResponse> SurveyLogic::ListInstruments(
    const Caller& c, const v1::ListInstrumentsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, "parent", r.parent()));
  SurveyStore store(redis_, tenant);
  int size = r.page_size() <= 0 ? 50 : std::min(r.page_size(), 500);
  PELITA_ASSIGN_OR_RETURN(auto page, store.instruments().List(size, r.page_token()));
  v1::ListInstrumentsResponse out;
  for (auto& [id, bytes] : page.items) {
    v1::Instrument in;
    if (!in.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("instrument ", id, " is corrupt"));
    PELITA_ASSIGN_OR_RETURN(*out.add_instruments(), WithCount(store, ForCaller(c, std::move(in))));
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<v1::Instrument> SurveyLogic::UpdateInstrument(const Caller& c,
                                                             const v1::UpdateInstrumentRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto ref, ParseInstrument(c, "instrument.name", r.instrument().name()));
  if (ref.second != 0) return InvalidField("instrument.name", "update the instrument, not a version");
  // AIP-134: the patch's fields named by update_mask (empty: those set; `*`:
  // all) replace the stored ones; output-only fields are never taken.
  static const std::vector<std::string> kOutputOnly = {"name", "version", "response_count", "create_time",
                                                       "update_time"};
  v1::Instrument patch = r.instrument();
  const auto& paths = r.update_mask().paths();
  const bool sets_pretest = paths.empty() ? !patch.pretest().empty()
                                          : std::find(paths.begin(), paths.end(), "*") != paths.end() ||
                                                std::find(paths.begin(), paths.end(), "pretest") != paths.end();
  SurveyStore store(redis_, c.tenant);
  if (sets_pretest && !patch.pretest().empty()) {
    PELITA_ASSIGN_OR_RETURN(auto pre, ParseInstrument(c, "instrument.pretest", patch.pretest()));
    PELITA_ASSIGN_OR_RETURN(auto pretest, LoadCurrent(c.tenant, pre.first, true));
    if (pretest->kind() != v1::PRETEST) {
      return InvalidField("instrument.pretest", "names an instrument that is not a pretest");
    }
    patch.set_pretest(absl::StrCat("tenants/", c.tenant, "/instruments/", pre.first));
  }
  const absl::Time now = clock_();
  // Versions are immutable: a change of items (or of what they mean: kind,
  // pairing, anonymity) creates a new version; responses name the version
  // they answered, so the earlier ones keep their meaning.
  auto updated = store.instruments().Update<v1::Instrument>(
      ref.first,
      [&](v1::Instrument& in) -> absl::Status {
        // Merged on the stored instrument as read in this attempt, so a
        // concurrent edit of another field is kept.
        v1::Instrument want = in;
        PELITA_RETURN_IF_ERROR(store::ApplyFieldMask(patch, r.update_mask(), kOutputOnly, &want));
        if (want.kind() != in.kind()) {
          return InvalidField("instrument.kind", "cannot change; create another instrument");
        }
        PELITA_RETURN_IF_ERROR(ValidateInstrument(want));
        const bool new_version = !SameItems(in, want);
        in.set_title(want.title());
        in.set_description(want.description());
        if (new_version) {
          *in.mutable_items() = want.items();
          in.set_anonymous(want.anonymous());
          in.set_pretest(want.pretest());
          in.set_version(in.version() + 1);
        }
        *in.mutable_update_time() = ToTimestamp(now);
        return absl::OkStatus();
      },
      [&](const v1::Instrument& old, const v1::Instrument& neu) {
        std::vector<store::IndexOp> ops;
        if (neu.version() != old.version()) {
          ops.push_back({store::IndexOp::Kind::kHashSet, store.VersionsKey(),
                         absl::StrCat(ref.first, "@", neu.version()), neu.SerializeAsString()});
        }
        return ops;
      });
  if (!updated.ok()) return updated.status();
  {
    absl::MutexLock l(&mu_);
    current_.erase(absl::StrCat(c.tenant, "|", ref.first));
  }
  return WithCount(store, *updated);
}

absl::StatusOr<v1::InstallDefaultInstrumentsResponse> SurveyLogic::InstallDefaultInstruments(
    const Caller& c, const v1::InstallDefaultInstrumentsRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, "parent", r.parent()));
  v1::InstallDefaultInstrumentsResponse out;
  for (auto& [id, in] : DefaultInstruments()) {
    v1::CreateInstrumentRequest req;
    req.set_parent(r.parent());
    req.set_instrument_id(id);
    *req.mutable_instrument() = in;
    auto created = CreateInstrument(c, req);
    if (created.ok()) {
      *out.add_instruments() = *created;
      continue;
    }
    if (created.status().code() != absl::StatusCode::kAlreadyExists) return created.status();
    v1::GetInstrumentRequest get;
    get.set_name(absl::StrCat("tenants/", tenant, "/instruments/", id));
    PELITA_ASSIGN_OR_RETURN(*out.add_instruments(), GetInstrument(c, get));
  }
  return out;
}

// ---------------------------------------------------------------- responses

struct SurveyLogic::Prepared {
  SurveyStore::Write write;
  absl::Time submit;
};

namespace {

// Participants and supervisors answer for themselves only: what they submit
// names them as the respondent (or no one, for anonymous surveys), and what
// they read back is what they gave.  Organisers, admins and the services
// themselves (no role) enter and read responses on anyone's behalf.
bool AnswersForThemselves(const Caller& c) { return c.role == "participant" || c.role == "supervisor"; }

// BKPSDM staff and the services themselves (no role).

absl::Status CheckRespondentIsCaller(const Caller& c, const v1::Response& in) {
  if (!AnswersForThemselves(c) || in.respondent_nip().empty() || in.respondent_nip() == c.subject) {
    return absl::OkStatus();
  }
  return WithReason(absl::PermissionDeniedError(absl::StrCat("response.respondent_nip: a ", c.role,
                                                             " may answer only as themselves (", c.subject, ")")),
                    "ANSWER_AS_YOURSELF");
}

std::string WindowText(const std::vector<FollowUpWindow>& windows) {
  std::string out;
  for (const auto& w : windows) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", w.offset_days, " days: ", absl::FormatCivilTime(w.first_day),
                    "..", absl::FormatCivilTime(w.last_day));
  }
  return out;
}

// Eligibility tokens: 16 random bytes (the nonce) and the first 16 bytes of
// HMAC-SHA256 under the tenant's secret over what the token is for, so a
// token can be neither forged nor moved to another survey or cohort.
constexpr size_t kNonceBytes = 16, kMacBytes = 16;

std::string TokenMac(const std::string& secret, const std::string& tenant, const std::string& instrument,
                     const std::string& cohort, absl::string_view nonce) {
  const std::string msg = absl::StrCat("pelita-survey-token\x1f", tenant, "\x1f", instrument, "\x1f", cohort,
                                       "\x1f", nonce);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), kMacBytes);
}

// What the used set keeps of a nonce: a hash, so even the set does not hold
// the token itself.
std::string UsedHash(absl::string_view nonce) {
  return absl::BytesToHexString(Fingerprint(absl::StrCat("pelita-token-used\x1f", nonce)));
}

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return absl::InternalError("no randomness available");
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> SurveyLogic::TenantSecret(const std::string& tenant) {
  return CachedSecret(tenant, /*create=*/true);
}

absl::StatusOr<std::string> SurveyLogic::ExistingTenantSecret(const std::string& tenant) {
  return CachedSecret(tenant, /*create=*/false);
}

absl::StatusOr<std::string> SurveyLogic::CachedSecret(const std::string& tenant, bool create) {
  {
    absl::MutexLock l(&mu_);
    auto it = secrets_.find(tenant);
    if (it != secrets_.end()) return it->second;
  }
  SurveyStore store(redis_, tenant);
  PELITA_ASSIGN_OR_RETURN(std::string secret, create ? store.TokenSecret() : store.ExistingTokenSecret());
  absl::MutexLock l(&mu_);
  secrets_[tenant] = secret;
  return secret;
}

absl::StatusOr<v1::ResponseToken> SurveyLogic::IssueResponseToken(const Caller& c,
                                                                  const v1::IssueResponseTokenRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, "parent", r.parent()));
  PELITA_ASSIGN_OR_RETURN(auto iref, ParseInstrument(c, "instrument", r.instrument()));
  if (iref.second != 0) return InvalidField("instrument", "must name the instrument without a version");
  PELITA_ASSIGN_OR_RETURN(CohortRef cohort, ParseCohort(c, "cohort", r.cohort()));
  if (r.nip().empty()) return InvalidField("nip", "must be set");
  if (auto nip = ParseNip(r.nip()); !nip.ok() || r.nip().size() > 64) {
    return InvalidField("nip", nip.ok() ? "is not a NIP" : nip.status().message());
  }
  if (!IsStaff(c) && !(c.role == "participant" && c.subject == r.nip())) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "nip: a ", c.role.empty() ? "caller" : c.role,
                          " may ask for their own token only; organisers ask on a participant's behalf")),
                      "OWN_TOKEN_ONLY");
  }
  auto loaded = LoadCurrent(tenant, iref.first, true);
  if (!loaded.ok()) {
    if (loaded.status().code() == absl::StatusCode::kNotFound) return InvalidField("instrument", loaded.status().message());
    return loaded.status();
  }
  if (!((*loaded)->kind() == v1::REACTION && (*loaded)->anonymous())) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "instrument: ", r.instrument(), " is not anonymous; its respondents answer with their NIP")),
                      "NOT_ANONYMOUS");
  }
  PELITA_RETURN_IF_ERROR(roster_->CheckEnrolled(tenant, r.cohort(), r.nip(), "nip"));
  v1::ResponseToken out;
  PELITA_ASSIGN_OR_RETURN(*out.mutable_token(), MintEligibility(tenant, iref.first, r.cohort(), r.nip()));
  out.set_instrument(absl::StrCat("tenants/", tenant, "/instruments/", iref.first));
  out.set_cohort(r.cohort());
  return out;
}

absl::StatusOr<std::string> SurveyLogic::MintEligibility(const std::string& tenant, const std::string& instrument,
                                                         const std::string& cohort, const std::string& nip) {
  PELITA_ASSIGN_OR_RETURN(CohortRef ref, ParseCohort(Caller{tenant, "", ""}, "cohort", cohort));
  PELITA_ASSIGN_OR_RETURN(std::string secret, TenantSecret(tenant));
  PELITA_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kNonceBytes));
  SurveyStore store(redis_, tenant);
  // Only "this NIP has a token for the pair" is recorded; the nonce is
  // returned and forgotten.
  PELITA_ASSIGN_OR_RETURN(bool fresh, store.RecordIssued(store.TokensIssuedKey(ref.ck(), instrument), nip));
  if (!fresh) {
    return absl::AlreadyExistsError(absl::StrCat(
        "nip: ", nip, " was already issued a token for ", instrument, " in ", cohort,
        " (one per participant; a lost token cannot be replaced, a second would be a second answer)"));
  }
  return absl::WebSafeBase64Escape(nonce + TokenMac(secret, tenant, instrument, cohort, nonce));
}

absl::StatusOr<std::string> SurveyLogic::RedeemToken(const std::string& tenant, const std::string& instrument,
                                                     const std::string& cohort, const std::string& token) {
  auto denied = [&] {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "response.eligibility_token: not a token Pelita issued for ", instrument, " in ", cohort)),
                      "TOKEN_NOT_VALID");
  };
  std::string raw;
  if (token.size() > 128 || !absl::WebSafeBase64Unescape(token, &raw) || raw.size() != kNonceBytes + kMacBytes) {
    return denied();
  }
  PELITA_ASSIGN_OR_RETURN(std::string secret, TenantSecret(tenant));
  const absl::string_view nonce(raw.data(), kNonceBytes);
  const std::string want = TokenMac(secret, tenant, instrument, cohort, nonce);
  if (CRYPTO_memcmp(want.data(), raw.data() + kNonceBytes, kMacBytes) != 0) return denied();
  return UsedHash(nonce);
}

absl::StatusOr<SurveyLogic::Prepared> SurveyLogic::Prepare(const Caller& c,
                                                           const std::string& parent,
                                                           const v1::CreateResponseRequest& r,
                                                           const std::string* link_hash) {
  const std::string& p = r.parent().empty() ? parent : r.parent();
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, "parent", p));
  PELITA_ASSIGN_OR_RETURN(std::string id, NormalizeResponseId("response_id", r.response_id()));
  const v1::Response& in = r.response();
  // Refused before any read: a forged respondent costs no round trip.
  PELITA_RETURN_IF_ERROR(CheckRespondentIsCaller(c, in));
  PELITA_ASSIGN_OR_RETURN(auto iref, ParseInstrument(c, "response.instrument", in.instrument()));
  if (iref.second != 0 && in.instrument_version() != 0 && iref.second != in.instrument_version()) {
    return InvalidField("response.instrument_version", "disagrees with the version in the name");
  }
  int version = iref.second != 0 ? iref.second : in.instrument_version();
  if (version < 0) return InvalidField("response.instrument_version", "must not be negative");
  auto loaded = LoadInstrument(tenant, iref.first, version);
  if (!loaded.ok()) {
    if (loaded.status().code() == absl::StatusCode::kNotFound) {
      return InvalidField("response.instrument", loaded.status().message());
    }
    return loaded.status();
  }
  const v1::Instrument& instrument = **loaded;
  PELITA_ASSIGN_OR_RETURN(ScoredResponse scored, ScoreResponse(instrument, in));
  const absl::Time now = clock_();
  const absl::Time submit = in.has_submit_time() ? FromTimestamp(in.submit_time()) : now;

  Prepared out;
  out.submit = submit;
  SurveyStore store(redis_, tenant);
  SurveyStore::Write& w = out.write;
  CohortRef cohort;
  std::string unit_id;
  v1::FollowUpRole role = v1::FOLLOW_UP_ROLE_UNSPECIFIED;
  int wave = 0;
  const bool anonymous = instrument.kind() == v1::REACTION && instrument.anonymous();
  if (instrument.kind() == v1::SKM) {
    PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(c, "response.unit", in.unit(), "tenants/*/units/*"));
    unit_id = parts[1];
    PELITA_RETURN_IF_ERROR(ValidateSlug("response.unit", unit_id));
  } else {
    PELITA_ASSIGN_OR_RETURN(cohort, ParseCohort(c, "response.cohort", in.cohort()));
    const std::string field = (instrument.kind() == v1::FOLLOWUP || instrument.kind() == v1::OBSERVATION ||
                               instrument.kind() == v1::INTERVIEW)
                                  ? "response.subject_nip"
                                  : "response.respondent_nip";
    if (anonymous && !in.eligibility_token().empty()) {
      // The token proves eligibility; whoever sends it stays unknown.
      auto enrolled = roster_->Enrolled(tenant, in.cohort());
      if (!enrolled.ok()) {
        if (enrolled.status().code() == absl::StatusCode::kNotFound) {
          return absl::NotFoundError(absl::StrCat("cohort ", in.cohort(), " does not exist"));
        }
        return enrolled.status();
      }
      PELITA_ASSIGN_OR_RETURN(w.token_hash, RedeemToken(tenant, iref.first, in.cohort(), in.eligibility_token()));
      w.tokens_used_key = store.TokensUsedKey(cohort.ck(), iref.first);
    } else if (anonymous) {
      if (!IsStaff(c)) {
        return WithReason(absl::PermissionDeniedError(absl::StrCat(
                              "response.respondent_nip: anonymous surveys take an eligibility token, not a NIP: a ",
                              c.role,
                              " asks for one with IssueResponseToken and answers with it, so no answer is ever "
                              "linked to them")),
                          "ANONYMOUS_NEEDS_TOKEN");
      }
      PELITA_RETURN_IF_ERROR(roster_->CheckEnrolled(tenant, in.cohort(), scored.participant_nip, field));
      // Issued and redeemed in this call: the NIP is recorded as issued (so
      // a second answer is refused) and a fresh nonce's hash joins the used
      // set, in the write's script; no key or field links either to the
      // response.  (Whoever reads the append-only file could still see them
      // written together: participants use tokens, whose issue and use are
      // apart in time.)
      w.issued_key = store.TokensIssuedKey(cohort.ck(), iref.first);
      w.issue_nip = scored.participant_nip;
      PELITA_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kNonceBytes));
      w.token_hash = UsedHash(nonce);
      w.tokens_used_key = store.TokensUsedKey(cohort.ck(), iref.first);
    } else {
      PELITA_RETURN_IF_ERROR(roster_->CheckEnrolled(tenant, in.cohort(), scored.participant_nip, field));
    }
    if (link_hash != nullptr && w.token_hash.empty()) {
      // Answered by a personal link: the link is used up in the script
      // that stores the answer (an anonymous link is used up as its
      // eligibility token, above).
      w.token_hash = *link_hash;
      w.tokens_used_key = store.LinksUsedKey(cohort.ck(), iref.first);
    }
    if (instrument.kind() == v1::FOLLOWUP) {
      // The wave: the window that contains the submit day.
      if (submit > now + absl::Minutes(10)) {
        return WithReason(InvalidField("response.submit_time", "is in the future"), "FUTURE_TIME");
      }
      PELITA_ASSIGN_OR_RETURN(auto facts, roster_->CohortFacts(tenant, in.cohort()));
      PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
      const absl::CivilDay day = absl::ToCivilDay(submit, zone);
      for (const auto& win : facts->windows) {
        if (win.first_day <= day && day <= win.last_day) wave = win.offset_days;
      }
      if (wave == 0) {
        return WithReason(absl::FailedPreconditionError(absl::StrCat(
                              "response.submit_time: ", absl::FormatCivilTime(day),
                              " is outside every follow-up window of ", in.cohort(), " (",
                              facts->windows.empty() ? "none" : WindowText(facts->windows),
                              "); the answer counts for no wave and is not stored")),
                          "OUTSIDE_FOLLOWUP_WINDOW");
      }
      // Who assesses: a self-report only about oneself; an assessment only
      // from the subject's supervisor (rules of evidence).
      if (in.respondent_nip() == in.subject_nip()) {
        role = v1::SELF_REPORT;
      } else {
        role = v1::SUPERVISOR_ASSESSMENT;
        PELITA_ASSIGN_OR_RETURN(bool ok, roster_->IsSupervisor(tenant, in.cohort(), in.subject_nip(),
                                                              in.respondent_nip()));
        if (!ok) {
          return WithReason(absl::PermissionDeniedError(absl::StrCat(
                                "only the supervisor assesses: ", in.respondent_nip(),
                                " is neither the supervisor_nip recorded for ", in.subject_nip(),
                                " nor the supervisor on their approved action plan, and a self-report is "
                                "only about oneself")),
                            "NOT_SUPERVISOR");
        }
      }
    } else if (instrument.kind() == v1::OBSERVATION || instrument.kind() == v1::INTERVIEW) {
      // Observations and interviews come from organisers or named observers.
      bool ok = in.respondent_nip().empty() ? IsStaff(c) : false;
      if (!in.respondent_nip().empty()) {
        PELITA_ASSIGN_OR_RETURN(ok, roster_->IsObserver(tenant, in.cohort(), in.respondent_nip()));
      }
      if (!ok) {
        return WithReason(
            absl::PermissionDeniedError(absl::StrCat(
                "observations and interviews come from organisers or named observers: ",
                in.respondent_nip().empty() ? absl::StrCat("a ", c.role, " without a NIP is neither")
                                            : absl::StrCat(in.respondent_nip(), " is not a named observer of ",
                                                           in.cohort(), ", nor is the caller an organiser"))),
            "NOT_OBSERVER");
      }
    }
  }

  // What the client said, as compared for idempotency: its own fields only
  // (anonymous responses without the NIP, which is never stored; the token
  // counts, so the same id with another token is a conflict).
  v1::Response client = in;
  client.clear_name();
  client.clear_instrument_kind();
  client.clear_create_time();
  client.clear_total_score();
  client.clear_followup_role();
  client.clear_followup_wave();
  client.clear_replaced_by();
  client.clear_max_score();
  if (instrument.anonymous()) client.clear_respondent_nip();
  std::string canonical;
  {
    google::protobuf::io::StringOutputStream sos(&canonical);
    google::protobuf::io::CodedOutputStream cos(&sos);
    cos.SetSerializationDeterministic(true);
    client.SerializeToCodedStream(&cos);
  }

  v1::Response stored = std::move(client);
  stored.clear_eligibility_token();
  stored.set_name(absl::StrCat("tenants/", tenant, "/responses/", id));
  stored.set_instrument(absl::StrCat("tenants/", tenant, "/instruments/", iref.first));
  stored.set_instrument_version(instrument.version());
  stored.set_instrument_kind(instrument.kind());
  *stored.mutable_create_time() = ToTimestamp(now);
  if (!stored.has_submit_time()) *stored.mutable_submit_time() = stored.create_time();
  stored.set_total_score(scored.total);
  if (scored.max_score > 0) stored.set_max_score(scored.max_score);
  stored.set_followup_role(role);
  stored.set_followup_wave(wave);

  w.id = id;
  w.name = stored.name();
  w.fingerprint = Fingerprint(canonical);
  w.bytes = stored.SerializeAsString();
  w.instrument_id = iref.first;
  w.event.set_response(stored.name());
  w.event.set_instrument(stored.instrument());
  w.event.set_instrument_kind(KindName(instrument.kind()));
  w.event.set_cohort(stored.cohort());
  w.event.set_unit(stored.unit());
  *w.event.mutable_submit_time() = ToTimestamp(submit);
  *w.event.mutable_payload() = stored;
  w.increments = std::move(scored.increments);
  if (instrument.kind() == v1::SKM) {
    PELITA_ASSIGN_OR_RETURN(const absl::TimeZone zone, zones_(tenant));
    w.agg_key = store.SkmKey(unit_id, PeriodOf(submit, zone));
  } else {
    w.agg_key = store.CohortAggKey(cohort.ck(), iref.first);
    w.cohort_instruments_key = store.CohortInstrumentsKey(cohort.ck());
    w.cohort_responses_key = store.CohortResponsesKey(cohort.ck(), iref.first);
    if (IsIdentified(instrument)) {
      w.who_key = store.WhoKey(cohort.ck(), iref.first);
      w.who_member = scored.participant_nip;
      // One person, one answer (see survey.proto for what a second does).
      w.slots_key = store.SlotsKey(cohort.ck(), iref.first);
      switch (instrument.kind()) {
        case v1::PRETEST:
        case v1::POSTTEST:
          w.slot = in.respondent_nip();
          w.mode = SurveyStore::SlotMode::kRefuse;
          break;
        case v1::FOLLOWUP:
          w.slot = absl::StrCat(in.subject_nip(), "|", in.respondent_nip(), "|", wave);
          w.mode = SurveyStore::SlotMode::kReplace;
          break;
        case v1::OBSERVATION:
        case v1::INTERVIEW:
          w.slot = absl::StrCat(in.subject_nip(), "|", in.respondent_nip());
          w.mode = SurveyStore::SlotMode::kReplace;
          break;
        default:
          w.slot = in.respondent_nip();
          w.mode = SurveyStore::SlotMode::kReplace;
      }
    }
    if (instrument.kind() == v1::FOLLOWUP) {
      const std::string rk = role == v1::SELF_REPORT ? "self" : "supervisor";
      w.role_agg_key = store.RoleAggKey(cohort.ck(), iref.first, rk);
      w.wave_key = store.WaveKey(cohort.ck(), iref.first, wave, rk);
    }
    if (instrument.kind() == v1::PRETEST || instrument.kind() == v1::POSTTEST) {
      std::string pretest = iref.first;
      if (instrument.kind() == v1::POSTTEST) {
        pretest = instrument.pretest().substr(instrument.pretest().rfind('/') + 1);
      }
      w.pair_key = store.PairKey(cohort.ck(), pretest);
      w.pair_role = instrument.kind() == v1::PRETEST ? "pre" : "post";
      w.pair_nip = scored.participant_nip;
      w.pair_score = scored.total;
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> SurveyLogic::IncrementsOf(
    const std::string& tenant, const v1::Response& stored) {
  const std::string id = stored.instrument().substr(stored.instrument().rfind('/') + 1);
  PELITA_ASSIGN_OR_RETURN(auto instrument, LoadInstrument(tenant, id, stored.instrument_version()));
  // The stored response passed these checks when it was accepted; scoring
  // it again against its own version gives exactly what it added.
  v1::Response replay = stored;
  replay.clear_total_score();
  replay.clear_eligibility_token();
  PELITA_ASSIGN_OR_RETURN(ScoredResponse scored, ScoreResponse(*instrument, replay));
  return std::move(scored.increments);
}

absl::StatusOr<std::vector<v1::ResponseAck>> SurveyLogic::Ingest(
    const Caller& c, const std::string& parent,
    const std::vector<const v1::CreateResponseRequest*>& requests, int64_t first_index,
    std::vector<absl::Status>* statuses) {
  return IngestImpl(c, parent, requests, first_index, statuses, nullptr);
}

absl::StatusOr<std::vector<v1::ResponseAck>> SurveyLogic::IngestImpl(
    const Caller& c, const std::string& parent,
    const std::vector<const v1::CreateResponseRequest*>& requests, int64_t first_index,
    std::vector<absl::Status>* statuses, const std::string* link_hash) {
  std::vector<v1::ResponseAck> acks(requests.size());
  if (statuses != nullptr) statuses->assign(requests.size(), absl::OkStatus());
  if (requests.empty()) return acks;
  std::vector<Prepared> prepared;
  std::vector<size_t> slot;  // prepared[k] answers requests[slot[k]]
  prepared.reserve(requests.size());
  const std::string tenant = c.tenant;
  for (size_t i = 0; i < requests.size(); ++i) {
    v1::ResponseAck& ack = acks[i];
    ack.set_index(first_index + static_cast<int64_t>(i));
    ack.set_response_id(requests[i]->response_id().substr(0, 100));
    auto p = Prepare(c, parent, *requests[i], link_hash);
    if (!p.ok()) {
      // Redis or the enrolment service unreachable: the batch fails as a
      // whole (retryable) instead of reporting valid responses as rejected.
      if (p.status().code() == absl::StatusCode::kUnavailable ||
          p.status().code() == absl::StatusCode::kDeadlineExceeded) {
        return p.status();
      }
      ack.set_code(static_cast<int>(p.status().code()));
      ack.set_message(std::string(p.status().message()));
      if (statuses != nullptr) (*statuses)[i] = p.status();
      continue;
    }
    ack.set_response_id(p->write.id);
    slot.push_back(i);
    prepared.push_back(std::move(*p));
  }
  SurveyStore store(redis_, tenant);
  auto reject = [&](size_t k, absl::Status s) {
    v1::ResponseAck& ack = acks[slot[k]];
    ack.set_code(static_cast<int>(s.code()));
    ack.set_message(std::string(s.message()));
    if (statuses != nullptr) (*statuses)[slot[k]] = s;
  };
  // Write.  A response whose slot holds the same person's standing answer
  // comes back with it and is written again as its replacement (the
  // standing one's increments subtracted), until every slot settles.  A
  // response id that appears twice in one batch: the script runs them in
  // order, so the second sees the first (duplicate or conflict) as usual.
  std::vector<size_t> pending;
  for (size_t k = 0; k < prepared.size(); ++k) pending.push_back(k);
  for (size_t pass = 0; !pending.empty(); ++pass) {
    if (pass > prepared.size() + 2) {
      for (size_t k : pending) reject(k, absl::AbortedError("the answer kept changing concurrently; send it again"));
      break;
    }
    std::vector<SurveyStore::Write> writes;
    writes.reserve(pending.size());
    for (size_t k : pending) writes.push_back(prepared[k].write);
    PELITA_ASSIGN_OR_RETURN(auto results, store.WriteBatch(writes));
    std::vector<size_t> again;
    for (size_t j = 0; j < results.size(); ++j) {
      const size_t k = pending[j];
      SurveyStore::WriteResult& res = results[j];
      v1::ResponseAck& ack = acks[slot[k]];
      const std::string prefix = absl::StrCat("tenants/", tenant, "/responses/");
      if (!res.status.ok()) {
        reject(k, res.status);
        continue;
      }
      if (res.outcome == SurveyStore::Outcome::kTokenUsed) {
        reject(k, WithReason(absl::AlreadyExistsError(
                                 "response.eligibility_token: this token was already used; each answers once"),
                             "TOKEN_USED"));
        continue;
      }
      if (res.outcome == SurveyStore::Outcome::kIssued) {
        reject(k, WithReason(absl::AlreadyExistsError(absl::StrCat(
                                 "one answer per person: ", prepared[k].write.issue_nip,
                                 " has already answered this anonymous survey (or holds its token)")),
                             "ALREADY_ANSWERED"));
        continue;
      }
      if (res.outcome == SurveyStore::Outcome::kRefused) {
        reject(k, WithReason(absl::AlreadyExistsError(absl::StrCat(
                                 "one answer per person: ", prefix, res.replaced_id,
                                 " already stands for this respondent, and a test is taken once (the score shown "
                                 "after an attempt would reveal the answer key)")),
                             "TEST_TAKEN_ONCE"));
        continue;
      }
      if (res.outcome == SurveyStore::Outcome::kStanding) {
        v1::Response old;
        if (!old.ParseFromString(res.stored)) {
          reject(k, absl::DataLossError(absl::StrCat("response ", res.replaced_id, " is corrupt")));
          continue;
        }
        if (FromTimestamp(old.submit_time()) > prepared[k].submit) {
          reject(k, WithReason(absl::AlreadyExistsError(absl::StrCat(
                                   "one answer per person: ", prefix, res.replaced_id,
                                   " was submitted later and stands; an earlier answer does not replace it")),
                               "LATER_ANSWER_STANDS"));
          continue;
        }
        auto inc = IncrementsOf(tenant, old);
        if (!inc.ok()) {
          if (inc.status().code() == absl::StatusCode::kUnavailable) return inc.status();
          reject(k, inc.status());
          continue;
        }
        prepared[k].write.replaces = res.replaced_id;
        prepared[k].write.replaced_increments = std::move(*inc);
        again.push_back(k);
        continue;
      }
      ack.set_duplicate(res.duplicate);
      if (res.replaced) {
        ack.set_replaced(true);
        ack.set_replaced_response(prefix + res.replaced_id);
      }
      if (!ack.mutable_response()->ParseFromString(res.stored)) {
        ack.set_code(static_cast<int>(absl::StatusCode::kDataLoss));
        ack.set_message("stored response is corrupt");
        continue;
      }
      if (!res.replaced_by.empty()) ack.mutable_response()->set_replaced_by(prefix + res.replaced_by);
    }
    pending = std::move(again);
  }
  return acks;
}

absl::StatusOr<v1::Response> SurveyLogic::CreateResponse(const Caller& c,
                                                         const v1::CreateResponseRequest& r) {
  return CreateOne(c, r, nullptr);
}

absl::StatusOr<v1::Response> SurveyLogic::CreateOne(const Caller& c, const v1::CreateResponseRequest& r,
                                                    const std::string* link_hash) {
  std::vector<absl::Status> statuses;
  PELITA_ASSIGN_OR_RETURN(auto acks, IngestImpl(c, r.parent(), {&r}, 0, &statuses, link_hash));
  v1::ResponseAck& ack = acks[0];
  if (ack.code() != 0) {
    // The full status keeps its details (BadRequest, ErrorInfo reason).
    if (static_cast<int>(statuses[0].code()) == ack.code()) return statuses[0];
    return absl::Status(static_cast<absl::StatusCode>(ack.code()), ack.message());
  }
  return std::move(*ack.mutable_response());
}

absl::StatusOr<v1::BatchCreateResponsesResponse> SurveyLogic::BatchCreateResponses(
    const Caller& c, const v1::BatchCreateResponsesRequest& r) {
  PELITA_ASSIGN_OR_RETURN(std::string tenant, ParseParent(c, "parent", r.parent()));
  if (r.requests_size() > kMaxBatch) {
    return InvalidField("requests", absl::StrCat("at most ", kMaxBatch, " per batch"));
  }
  std::vector<const v1::CreateResponseRequest*> reqs;
  for (const auto& q : r.requests()) {
    if (!q.parent().empty() && q.parent() != r.parent()) {
      return InvalidField("requests.parent", "must be empty or equal the batch's parent");
    }
    reqs.push_back(&q);
  }
  PELITA_ASSIGN_OR_RETURN(auto acks, Ingest(c, r.parent(), reqs));
  v1::BatchCreateResponsesResponse out;
  for (auto& a : acks) *out.add_results() = std::move(a);
  return out;
}

absl::StatusOr<v1::Response> SurveyLogic::GetResponse(const Caller& c, const v1::GetResponseRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(c, "name", r.name(), "tenants/*/responses/*"));
  PELITA_ASSIGN_OR_RETURN(std::string id, NormalizeResponseId("name", parts[1]));
  SurveyStore store(redis_, parts[0]);
  PELITA_ASSIGN_OR_RETURN(std::string bytes, store.GetResponse(id));
  v1::Response out;
  if (!out.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("response ", id, " is corrupt"));
  if (AnswersForThemselves(c) && (out.respondent_nip().empty() || out.respondent_nip() != c.subject)) {
    return WithReason(
        absl::PermissionDeniedError(absl::StrCat("a ", c.role, " may read only the responses they gave themselves")),
        "OWN_RESPONSES_ONLY");
  }
  PELITA_ASSIGN_OR_RETURN(std::string by, store.ReplacedBy(id));
  if (!by.empty()) out.set_replaced_by(absl::StrCat("tenants/", parts[0], "/responses/", by));
  return out;
}

absl::StatusOr<v1::ListCohortResponsesResponse> SurveyLogic::ListCohortResponses(
    const Caller& c, const v1::ListCohortResponsesRequest& r) {
  // Individual responses carry NIPs and free text: only the services
  // themselves (no role) and the organisers of the regency read them.
  if (!IsStaff(c)) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat("role ", c.role, " may not list individual responses")),
                      "STAFF_ONLY");
  }
  PELITA_ASSIGN_OR_RETURN(CohortRef cohort, ParseCohort(c, "parent", r.parent()));
  if (r.instrument().empty()) return InvalidField("instrument", "is required");
  PELITA_ASSIGN_OR_RETURN(auto ref, ParseInstrument(c, "instrument", r.instrument()));
  if (ref.second != 0) return InvalidField("instrument", "must name the instrument without a version");
  if (r.page_size() < 0) return InvalidField("page_size", "must not be negative");
  const int64_t size = r.page_size() == 0 ? 200 : std::min(r.page_size(), 1000);
  int64_t offset = 0;
  if (!r.page_token().empty() && (!absl::SimpleAtoi(r.page_token(), &offset) || offset < 0)) {
    return InvalidField("page_token", "is not a token this method returned");
  }
  SurveyStore store(redis_, cohort.tenant);
  PELITA_ASSIGN_OR_RETURN(SurveyStore::ResponsePage page,
                          store.CohortResponses(store.CohortResponsesKey(cohort.ck(), ref.first), offset, size));
  v1::ListCohortResponsesResponse out;
  for (const std::string& bytes : page.stored) {
    if (!out.add_responses()->ParseFromString(bytes)) {
      return absl::DataLossError(absl::StrCat("a response of ", r.parent(), " is corrupt"));
    }
  }
  if (offset + size < page.total) out.set_next_page_token(absl::StrCat(offset + size));
  return out;
}

// ---------------------------------------------------------------- aggregates

namespace {

// The per-item aggregates of `in` from an aggregate hash (agg or aggr).
void FillItems(const v1::Instrument& in, const SurveyStore::Hash& h,
               google::protobuf::RepeatedPtrField<v1::ItemAggregate>* items) {
  // Choice counts, by item code.
  std::map<std::string, std::map<std::string, int64_t>> choices;
  for (const auto& [f, v] : h) {
    if (!absl::StartsWith(f, "c:")) continue;
    size_t colon = f.find(':', 2);
    if (colon == std::string::npos) continue;
    int64_t n = 0;
    (void)absl::SimpleAtoi(v, &n);
    choices[f.substr(2, colon - 2)][f.substr(colon + 1)] = n;
  }
  for (const v1::Item& item : in.items()) {
    v1::ItemAggregate& ia = *items->Add();
    const std::string& code = item.code();
    ia.set_item(code);
    ia.set_type(item.type());
    ia.set_n(Int(h, absl::StrCat("i:", code, ":n")));
    ia.set_sum(Int(h, absl::StrCat("i:", code, ":s")));
    ia.set_sum_squares(Int(h, absl::StrCat("i:", code, ":q")));
    ia.set_dimension(item.dimension());
    ia.set_competency(item.competency());
    for (const auto& [ch, n] : choices[code]) (*ia.mutable_choice_counts())[ch] = n;
    if (item.has_key()) {
      ia.set_max_value(item.key().points());  // points earned per answer, 0..points
    } else if (item.type() == v1::LIKERT) {
      ia.set_min_value(item.scale_min());
      ia.set_max_value(item.scale_max());
    } else if (item.type() == v1::SCORE) {
      ia.set_max_value(item.max_score());
    } else if (item.type() == v1::YES_NO) {
      ia.set_max_value(1);
    }
  }
}

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

}  // namespace

absl::StatusOr<v1::CohortAggregates> SurveyLogic::GetCohortAggregates(
    const Caller& c, const v1::GetCohortAggregatesRequest& r) {
  // Raw sums, sums of squares and choice counts of any number of
  // respondents, below the minimum n too: only the services themselves (no
  // role) and the regency's organisers read them; every other role reads
  // the scoring service's figures, which withhold and suppress (UU 27/2022).
  if (!IsStaff(c)) {
    return WithReason(absl::PermissionDeniedError(
                          absl::StrCat("role ", c.role, " may not read raw cohort aggregates; the scoring service's "
                                       "evaluation shows what may be shown")),
                      "STAFF_ONLY");
  }
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(c, "name", r.name(),
                                                          "tenants/*/programs/*/cohorts/*/surveyAggregates"));
  const CohortRef cohort{parts[0], parts[1], parts[2]};
  const std::string cohort_name = SingletonParent(r.name());
  SurveyStore store(redis_, cohort.tenant);
  std::vector<std::string> ids;
  if (!r.instrument().empty()) {
    PELITA_ASSIGN_OR_RETURN(auto ref, ParseInstrument(c, "instrument", r.instrument()));
    ids.push_back(ref.first);
  } else {
    PELITA_ASSIGN_OR_RETURN(ids, store.Members(store.CohortInstrumentsKey(cohort.ck())));
    std::sort(ids.begin(), ids.end());
  }
  std::vector<std::shared_ptr<const v1::Instrument>> instruments;
  for (const std::string& id : ids) {
    auto in = LoadCurrent(cohort.tenant, id, false);
    if (!in.ok()) {
      if (!r.instrument().empty()) return in.status();
      continue;
    }
    if (r.kind() != v1::INSTRUMENT_KIND_UNSPECIFIED && (*in)->kind() != r.kind()) continue;
    if ((*in)->kind() == v1::SKM) continue;
    instruments.push_back(*in);
  }
  std::shared_ptr<const CachedRoster::NipSet> enrolled;
  std::shared_ptr<const CachedRoster::Facts> facts;
  {
    auto e = roster_->Enrolled(cohort.tenant, cohort_name);
    if (!e.ok()) {
      if (e.status().code() == absl::StatusCode::kNotFound) {
        return absl::NotFoundError(absl::StrCat("cohort ", cohort_name, " not found"));
      }
      return e.status();
    }
    enrolled = *e;
    PELITA_ASSIGN_OR_RETURN(facts, roster_->CohortFacts(cohort.tenant, cohort_name));
  }
  // Which hashes and sets each instrument needs; all read in two pipelines.
  struct Reads {
    size_t agg = 0, pair = 0;
    int self = -1, supervisor = -1;         // role hashes (follow-up)
    int who = -1, issued = -1;              // sets
    std::vector<std::pair<int, int>> waves;  // per window: self, supervisor sets
  };
  std::vector<Reads> reads(instruments.size());
  std::vector<std::string> hash_keys, set_keys;
  for (size_t k = 0; k < instruments.size(); ++k) {
    const v1::Instrument& in = *instruments[k];
    const std::string id = in.name().substr(in.name().rfind('/') + 1);
    Reads& x = reads[k];
    x.agg = hash_keys.size();
    hash_keys.push_back(store.CohortAggKey(cohort.ck(), id));
    std::string pretest = in.kind() == v1::POSTTEST ? in.pretest().substr(in.pretest().rfind('/') + 1) : id;
    x.pair = hash_keys.size();
    hash_keys.push_back(store.PairKey(cohort.ck(), pretest));
    if (IsIdentified(in)) {
      x.who = static_cast<int>(set_keys.size());
      set_keys.push_back(store.WhoKey(cohort.ck(), id));
    } else {
      x.issued = static_cast<int>(set_keys.size());
      set_keys.push_back(store.TokensIssuedKey(cohort.ck(), id));
    }
    if (in.kind() == v1::FOLLOWUP) {
      x.self = static_cast<int>(hash_keys.size());
      hash_keys.push_back(store.RoleAggKey(cohort.ck(), id, "self"));
      x.supervisor = static_cast<int>(hash_keys.size());
      hash_keys.push_back(store.RoleAggKey(cohort.ck(), id, "supervisor"));
      for (const auto& w : facts->windows) {
        const int a = static_cast<int>(set_keys.size());
        set_keys.push_back(store.WaveKey(cohort.ck(), id, w.offset_days, "self"));
        set_keys.push_back(store.WaveKey(cohort.ck(), id, w.offset_days, "supervisor"));
        x.waves.emplace_back(a, a + 1);
      }
    }
  }
  PELITA_ASSIGN_OR_RETURN(auto hashes, store.ReadHashes(hash_keys));
  PELITA_ASSIGN_OR_RETURN(auto sets, store.ReadSets(set_keys));
  // People, never answers: only those enrolled now count, so no count can
  // exceed the number of people it is a share of.
  auto eligible_in = [&](int set) -> int64_t {
    if (set < 0 || !enrolled) return 0;
    int64_t n = 0;
    for (const std::string& nip : sets[set]) n += enrolled->contains(nip);
    return n;
  };
  const int64_t enrolled_n = enrolled ? static_cast<int64_t>(enrolled->size()) : 0;

  v1::CohortAggregates out;
  out.set_cohort(cohort_name);
  // Follow-ups over every instrument: the union of people per wave and role.
  struct People {
    absl::flat_hash_set<std::string> any, self, assessed;
    std::vector<absl::flat_hash_set<std::string>> wave_self, wave_assessed;
  } people;
  people.wave_self.resize(facts->windows.size());
  people.wave_assessed.resize(facts->windows.size());
  bool any_followup = false;
  for (size_t k = 0; k < instruments.size(); ++k) {
    const v1::Instrument& in = *instruments[k];
    const Reads& x = reads[k];
    const SurveyStore::Hash& h = hashes[x.agg];
    const SurveyStore::Hash& pair = hashes[x.pair];
    v1::InstrumentAggregates& a = *out.add_instruments();
    a.set_instrument(in.name());
    a.set_kind(in.kind());
    a.set_version(in.version());
    a.set_response_count(Int(h, "n"));
    a.set_total_sum(Int(h, "t:s"));
    a.set_total_sum_squares(Int(h, "t:q"));
    a.set_enrolled_count(enrolled_n);
    a.set_eligible_count(enrolled_n);
    FillItems(in, h, a.mutable_items());
    std::map<int, v1::DimensionAggregate> dims;
    v1::ReliabilityInputs& rel = *a.mutable_reliability();
    for (const v1::Item& item : in.items()) {
      const std::string& code = item.code();
      if (IsScored(item)) {
        rel.add_items(code);
        rel.add_item_sums(Int(h, absl::StrCat("a:i:", code, ":s")));
        rel.add_item_sum_squares(Int(h, absl::StrCat("a:i:", code, ":q")));
      }
      if (item.dimension() != v1::DIMENSION_UNSPECIFIED) {
        auto [it, fresh] = dims.try_emplace(item.dimension());
        v1::DimensionAggregate& d = it->second;
        if (fresh) {
          const std::string dn = DimensionName(item.dimension());
          d.set_dimension(item.dimension());
          d.set_n(Int(h, absl::StrCat("d:", dn, ":n")));
          d.set_sum(Int(h, absl::StrCat("d:", dn, ":s")));
          d.set_sum_squares(Int(h, absl::StrCat("d:", dn, ":q")));
          d.set_min_value(item.scale_min());
          d.set_max_value(item.scale_max());
        } else {
          d.set_min_value(std::min(d.min_value(), item.scale_min()));
          d.set_max_value(std::max(d.max_value(), item.scale_max()));
        }
      }
    }
    for (auto& [_, d] : dims) *a.add_dimensions() = d;
    rel.set_k(rel.items_size());
    rel.set_n(Int(h, "a:n"));
    rel.set_total_sum(Int(h, "a:t:s"));
    rel.set_total_sum_squares(Int(h, "a:t:q"));
    if (IsIdentified(in)) a.set_respondent_count(eligible_in(x.who));
    if (x.issued >= 0) {
      // Anonymous: each token answers once and each person gets one, so
      // the people who could have answered are those enrolled now and
      // those issued a token before they left.
      a.set_tokens_issued(static_cast<int64_t>(sets[x.issued].size()));
      a.set_eligible_count(enrolled_n + static_cast<int64_t>(sets[x.issued].size()) - eligible_in(x.issued));
    }
    if (in.kind() == v1::FOLLOWUP) {
      for (auto [role, index] : {std::pair{v1::SELF_REPORT, x.self}, std::pair{v1::SUPERVISOR_ASSESSMENT, x.supervisor}}) {
        v1::FollowUpRoleAggregates& ra = *a.add_roles();
        ra.set_role(role);
        ra.set_response_count(Int(hashes[index], "n"));
        FillItems(in, hashes[index], ra.mutable_items());
      }
      // Distinct people per role over every wave.
      absl::flat_hash_set<std::string> any_self, any_supervisor;
      for (size_t w = 0; w < facts->windows.size(); ++w) {
        const FollowUpWindow& win = facts->windows[w];
        v1::FollowUpWaveAggregates& wa = *a.add_waves();
        wa.set_offset_days(win.offset_days);
        wa.set_first_day(Day(win.first_day));
        wa.set_last_day(Day(win.last_day));
        wa.set_eligible_count(enrolled_n);
        wa.set_self_report_count(eligible_in(x.waves[w].first));
        wa.set_assessed_count(eligible_in(x.waves[w].second));
        for (const auto& nip : sets[x.waves[w].first]) {
          if (!enrolled || !enrolled->contains(nip)) continue;
          any_self.insert(nip);
          people.wave_self[w].insert(nip);
        }
        for (const auto& nip : sets[x.waves[w].second]) {
          if (!enrolled || !enrolled->contains(nip)) continue;
          any_supervisor.insert(nip);
          people.wave_assessed[w].insert(nip);
        }
      }
      a.mutable_roles(0)->set_respondent_count(static_cast<int64_t>(any_self.size()));
      a.mutable_roles(1)->set_respondent_count(static_cast<int64_t>(any_supervisor.size()));
      any_followup = true;
      people.self.insert(any_self.begin(), any_self.end());
      people.assessed.insert(any_supervisor.begin(), any_supervisor.end());
      for (const auto& nip : sets[x.who]) {
        if (enrolled && enrolled->contains(nip)) people.any.insert(nip);
      }
    }
    if (in.kind() == v1::PRETEST || in.kind() == v1::POSTTEST) {
      v1::PairedAggregates& p = *a.mutable_paired();
      if (in.kind() == v1::POSTTEST) {
        p.set_pretest(in.pretest());
        p.set_posttest(in.name());
      } else {
        p.set_pretest(in.name());
      }
      p.set_n(Int(pair, "n"));
      p.set_sum_pre(Int(pair, "spre"));
      p.set_sum_post(Int(pair, "spost"));
      p.set_sum_diff(Int(pair, "sd"));
      p.set_sum_diff_squares(Int(pair, "sdd"));
      p.set_sum_pre_squares(Int(pair, "sprepre"));
      p.set_sum_post_squares(Int(pair, "spostpost"));
      p.set_pretest_count(Int(pair, "pre_count"));
      p.set_posttest_count(Int(pair, "post_count"));
      p.set_max_score(MaxScore(in));
      if (in.kind() == v1::POSTTEST) SetPairBands(pair, instruments, in, &p);
    }
    if (r.include_non_respondents() && IsIdentified(in) && enrolled) {
      absl::flat_hash_set<std::string> answered(sets[x.who].begin(), sets[x.who].end());
      std::vector<std::string> missing;
      for (const std::string& nip : *enrolled) {
        if (!answered.contains(nip)) missing.push_back(nip);
      }
      std::sort(missing.begin(), missing.end());
      for (auto& nip : missing) a.add_non_respondent_nips(std::move(nip));
    }
  }
  if (any_followup) {
    v1::FollowUpPeople& f = *out.mutable_followup();
    f.set_eligible_count(enrolled_n);
    f.set_respondent_count(static_cast<int64_t>(people.any.size()));
    f.set_self_report_count(static_cast<int64_t>(people.self.size()));
    f.set_assessed_count(static_cast<int64_t>(people.assessed.size()));
    for (size_t w = 0; w < facts->windows.size(); ++w) {
      v1::FollowUpWaveAggregates& wa = *f.add_waves();
      wa.set_offset_days(facts->windows[w].offset_days);
      wa.set_first_day(Day(facts->windows[w].first_day));
      wa.set_last_day(Day(facts->windows[w].last_day));
      wa.set_eligible_count(enrolled_n);
      wa.set_self_report_count(static_cast<int64_t>(people.wave_self[w].size()));
      wa.set_assessed_count(static_cast<int64_t>(people.wave_assessed[w].size()));
    }
  }
  return out;
}

absl::StatusOr<v1::SkmAggregates> SurveyLogic::GetSkmAggregates(const Caller& c,
                                                                const v1::GetSkmAggregatesRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(c, "name", r.name(), "tenants/*/units/*/skmAggregates"));
  PELITA_ASSIGN_OR_RETURN(absl::CivilMonth start, ParsePeriod("start_period", r.start_period()));
  absl::CivilMonth end = start;
  if (!r.end_period().empty()) {
    PELITA_ASSIGN_OR_RETURN(end, ParsePeriod("end_period", r.end_period()));
  }
  if (end < start) return InvalidField("end_period", "is before start_period");
  if (end - start >= 60) return InvalidField("end_period", "at most 60 months at once");
  SurveyStore store(redis_, parts[0]);
  std::vector<std::string> keys, periods;
  for (absl::CivilMonth m = start; m <= end; ++m) {
    periods.push_back(absl::FormatCivilTime(m));
    keys.push_back(store.SkmKey(parts[1], periods.back()));
  }
  PELITA_ASSIGN_OR_RETURN(auto hashes, store.ReadHashes(keys));
  v1::SkmAggregates out;
  out.set_unit(SingletonParent(r.name()));
  for (size_t k = 0; k < keys.size(); ++k) {
    const auto& h = hashes[k];
    v1::SkmPeriod& p = *out.add_periods();
    p.set_period(periods[k]);
    p.set_response_count(Int(h, "n"));
    std::vector<std::string> codes;
    // Choice answers, `c:{item}:{choice}` (the profile): item -> counts.
    std::map<std::string, std::map<std::string, int64_t>> choices;
    for (const auto& [f, v] : h) {
      if (absl::StartsWith(f, "i:") && absl::EndsWith(f, ":n")) codes.push_back(f.substr(2, f.size() - 4));
      if (absl::StartsWith(f, "c:")) {
        const size_t colon = f.find(':', 2);
        if (colon != std::string::npos) choices[f.substr(2, colon - 2)][f.substr(colon + 1)] = Int(h, f);
      }
    }
    std::sort(codes.begin(), codes.end());
    for (const auto& [code, counts] : choices) {
      v1::ItemAggregate& a = *p.add_profile();
      a.set_item(code);
      a.set_type(v1::SINGLE_CHOICE);
      a.set_n(Int(h, absl::StrCat("i:", code, ":n")));
      for (const auto& [choice, n] : counts) (*a.mutable_choice_counts())[choice] = n;
    }
    for (const std::string& code : codes) {
      const int64_t s = Int(h, absl::StrCat("i:", code, ":s"));
      const int64_t q = Int(h, absl::StrCat("i:", code, ":q"));
      if (h.find(absl::StrCat("i:", code, ":s")) == h.end()) continue;  // free text, choices
      v1::ItemAggregate& e = *p.add_elements();
      e.set_item(code);
      e.set_type(v1::LIKERT);
      e.set_n(Int(h, absl::StrCat("i:", code, ":n")));
      e.set_sum(s);
      e.set_sum_squares(q);
      e.set_min_value(1);
      e.set_max_value(4);
    }
  }
  return out;
}

}  // namespace pelita::survey
