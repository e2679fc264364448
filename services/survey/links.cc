// Personal answer links (issue 15): SurveyLogic::IssueAnswerLinks,
// OpenAnswerLink and AnswerByLink.  The token format is answer_links.h;
// what a link may do is said in survey.proto.

#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "lib/ids/nip.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
#include "lib/tenancy/resource_name.h"
#include "lib/time/time.h"
#include "services/survey/names.h"
#include "services/survey/survey.h"

namespace pelita::survey {
namespace {

constexpr int kDefaultValidDays = 14;
constexpr int kMaxValidDays = 120;
constexpr int kMaxLinkNips = 1000;

absl::Status Denied(absl::string_view reason, absl::string_view message) {
  return WithReason(absl::PermissionDeniedError(message), reason);
}

// The Indonesian date of an instant (WIB), e.g. "3 Desember 2026".
std::string TanggalWib(absl::Time t) {
  static const char* const kBulan[] = {"Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
                                       "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};
  absl::TimeZone wib = absl::FixedTimeZone(7 * 3600);
  const absl::CivilDay d = absl::ToCivilDay(t, wib);
  return absl::StrCat(d.day(), " ", kBulan[d.month() - 1], " ", d.year());
}

// The field of a link in its respondent's `answertasks:` hash: one per
// cohort, instrument, role and subject (a newer link replaces the older).
std::string AnswerTaskField(const std::string& cohort, const std::string& instrument, v1::FollowUpRole role,
                            const std::string& subject) {
  return absl::StrCat(cohort, "|", instrument, "|", static_cast<int>(role), "|", subject);
}

}  // namespace

absl::StatusOr<v1::IssueAnswerLinksResponse> SurveyLogic::IssueAnswerLinks(const Caller& c,
                                                                           const v1::IssueAnswerLinksRequest& r) {
  if (!IsStaff(c)) {
    return Denied("ORGANISERS_ISSUE_LINKS", "answer links are issued by the regency's organisers and admins");
  }
  PELITA_ASSIGN_OR_RETURN(CohortRef cohort, ParseCohort(c, "cohort", r.cohort()));
  const std::string& tenant = cohort.tenant;
  PELITA_ASSIGN_OR_RETURN(auto iref, ParseInstrument(c, "instrument", r.instrument()));
  if (iref.second != 0) return InvalidField("instrument", "must name the instrument without a version");
  const int days = r.valid_days() == 0 ? kDefaultValidDays : r.valid_days();
  if (days < 1 || days > kMaxValidDays) {
    return InvalidField("valid_days", absl::StrCat("must be 1..", kMaxValidDays, " (0 = ", kDefaultValidDays, ")"));
  }
  if (r.nips_size() > kMaxLinkNips) return InvalidField("nips", absl::StrCat("at most ", kMaxLinkNips, " a call"));
  for (int i = 0; i < r.nips_size(); ++i) {
    if (auto nip = ParseNip(r.nips(i)); !nip.ok() || r.nips(i).size() > 64) {
      return InvalidField(absl::StrCat("nips[", i, "]"), nip.ok() ? "is not a NIP" : nip.status().message());
    }
  }
  auto loaded = LoadCurrent(tenant, iref.first, true);
  if (!loaded.ok()) {
    if (loaded.status().code() == absl::StatusCode::kNotFound) return InvalidField("instrument", loaded.status().message());
    return loaded.status();
  }
  const v1::Instrument& instrument = **loaded;
  const v1::InstrumentKind kind = instrument.kind();
  if (kind != v1::REACTION && kind != v1::PRETEST && kind != v1::POSTTEST && kind != v1::FOLLOWUP) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "instrument: ", r.instrument(),
                          " is not answered by participants or supervisors (observations and interviews are "
                          "entered by observers; SKM has its public form)")),
                      "NO_LINKS_FOR_KIND");
  }
  if (kind == v1::FOLLOWUP) {
    if (r.followup_role() != v1::SELF_REPORT && r.followup_role() != v1::SUPERVISOR_ASSESSMENT) {
      return InvalidField("followup_role", "a follow-up link is a SELF_REPORT or a SUPERVISOR_ASSESSMENT");
    }
  } else if (r.followup_role() != v1::FOLLOW_UP_ROLE_UNSPECIFIED) {
    return InvalidField("followup_role", "only for follow-up instruments");
  }
  auto enrolled = roster_->Enrolled(tenant, r.cohort());
  if (!enrolled.ok()) {
    if (enrolled.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("cohort ", r.cohort(), " does not exist"));
    }
    return enrolled.status();
  }
  std::vector<std::string> nips(r.nips().begin(), r.nips().end());
  if (nips.empty()) {
    nips.assign((*enrolled)->begin(), (*enrolled)->end());
    std::sort(nips.begin(), nips.end());
  }
  const bool anonymous = kind == v1::REACTION && instrument.anonymous();
  PELITA_ASSIGN_OR_RETURN(std::string secret, TenantSecret(tenant));
  // Whole seconds: the link carries its expiry in Unix seconds.
  const absl::Time expire = absl::FromUnixSeconds(absl::ToUnixSeconds(clock_())) + absl::Hours(24) * days;

  v1::IssueAnswerLinksResponse out;
  std::vector<SurveyStore::TaskRecord> tasks;
  struct Delivery {
    int index;        // in out.links
    std::string nip;  // the participant it was issued for
    AnswerLinkClaims claims;
  };
  std::vector<Delivery> deliveries;
  auto skip = [&](const std::string& nip, const char* reason, std::string message) {
    v1::SkippedAnswerLink* s = out.add_skipped();
    s->set_nip(nip);
    s->set_reason(reason);
    s->set_message(std::move(message));
  };
  for (const std::string& nip : nips) {
    if (!(*enrolled)->contains(nip)) {
      skip(nip, "NOT_ENROLLED", absl::StrCat(nip, " is not enrolled in ", r.cohort()));
      continue;
    }
    AnswerLinkClaims claims;
    claims.tenant = tenant;
    claims.instrument = iref.first;
    claims.cohort = r.cohort();
    claims.expire = expire;
    if (anonymous) {
      // The link names no one; its eligibility token is the one answer
      // this participant has (IssueResponseToken records the NIP).
      // (The instrument and the enrolment were checked above, once.)
      auto token = MintEligibility(tenant, iref.first, r.cohort(), nip);
      if (!token.ok()) {
        if (token.status().code() != absl::StatusCode::kAlreadyExists) return token.status();
        skip(nip, "ALREADY_ISSUED",
             absl::StrCat(nip, " already holds the one token of this anonymous survey (a second would be a "
                               "second answer)"));
        continue;
      }
      claims.eligibility = *std::move(token);
    } else if (kind == v1::FOLLOWUP && r.followup_role() == v1::SUPERVISOR_ASSESSMENT) {
      auto sups = roster_->Supervisors(tenant, r.cohort(), nip);
      if (!sups.ok() && sups.status().code() != absl::StatusCode::kNotFound) return sups.status();
      if (sups.ok()) sups->erase(std::remove(sups->begin(), sups->end(), std::string()), sups->end());
      if (!sups.ok() || sups->empty()) {
        skip(nip, "NO_SUPERVISOR",
             absl::StrCat(nip, " has no supervisor_nip in the roster and no approved action plan naming one"));
        continue;
      }
      claims.respondent = sups->front();
      claims.subject = nip;
      claims.role = v1::SUPERVISOR_ASSESSMENT;
    } else if (kind == v1::FOLLOWUP) {
      claims.respondent = nip;
      claims.subject = nip;
      claims.role = v1::SELF_REPORT;
    } else {
      claims.respondent = nip;
    }
    claims.nonce.resize(16);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(claims.nonce.data()), 16) != 1) {
      return absl::InternalError("no randomness for an answer link");
    }
    v1::AnswerLink* link = out.add_links();
    link->set_respondent_nip(claims.respondent);
    link->set_subject_nip(claims.subject);
    link->set_participant_nip(nip);
    link->set_token(EncodeAnswerLink(claims, secret));
    link->set_url(absl::StrCat(answer_url_, "#", link->token()));
    *link->mutable_expire_time() = ToTimestamp(expire);
    // The respondent's list of surveys and tests (ListAnswerTasks).  An
    // anonymous survey's entry says only that a link was issued (as
    // `tokiss:` does): it never holds the link, so no key joins the NIP to
    // the eligibility token or its nonce.
    SurveyStore::TaskRecord task;
    task.nip = claims.respondent.empty() ? nip : claims.respondent;
    task.field = AnswerTaskField(r.cohort(), iref.first, claims.role, claims.subject);
    task.expire = absl::ToUnixSeconds(expire);
    task.value = absl::StrCat(task.expire, "|", anonymous ? "" : link->token());
    tasks.push_back(std::move(task));
    deliveries.push_back({out.links_size() - 1, nip, claims});
  }
  // Recorded before any is sent: a link that reached someone is in their list.
  SurveyStore store(redis_, tenant);
  PELITA_RETURN_IF_ERROR(store.RecordAnswerTasks(tasks, absl::ToUnixSeconds(clock_()), kMaxAnswerTasks,
                                                 kAnswerTaskGrace));
  if (!r.deliver()) return out;
  for (const Delivery& d : deliveries) {
    v1::AnswerLink* link = out.mutable_links(d.index);
    if (sender_ == nullptr) {
      link->set_delivery_error("no reminder sender is configured; copy the link instead");
      continue;
    }
    notify::Notification n;
    n.id = absl::StrCat("link|", AnswerLinkUsedHash(d.claims.nonce));
    n.tenant = tenant;
    n.task = r.cohort();
    n.kind = "answer_link";
    n.recipient_nip = d.claims.respondent.empty() ? d.nip : d.claims.respondent;
    n.subject = absl::StrCat("Pelita: ", instrument.title());
    const std::string about =
        d.claims.role == v1::SUPERVISOR_ASSESSMENT ? absl::StrCat(" tentang pegawai Anda (NIP ", d.nip, ")") : "";
    n.text = absl::StrCat("Yth. Bapak/Ibu,\n\nMohon isi \"", instrument.title(), "\"", about,
                          " melalui tautan pribadi berikut (tanpa kata sandi, hanya untuk Anda, dapat dipakai "
                          "satu kali):\n\n",
                          link->url(), "\n\nTautan berlaku sampai ", TanggalWib(expire),
                          ".\n\nTerima kasih,\nBKPSDM");
    if (absl::Status s = sender_->Send(n); !s.ok()) {
      link->set_delivery_error(std::string(s.message()));
    } else {
      link->set_delivered(true);
    }
  }
  return out;
}

absl::StatusOr<SurveyLogic::OpenLink> SurveyLogic::CheckLink(const std::string& token) {
  OpenLink out;
  PELITA_ASSIGN_OR_RETURN(out.claims, DecodeAnswerLink(token, [this](const std::string& tenant) {
                            return ExistingTenantSecret(tenant);
                          }));
  const AnswerLinkClaims& claims = out.claims;
  if (clock_() >= claims.expire) {
    return Denied("LINK_EXPIRED", absl::StrCat("token: this link expired on ", TanggalWib(claims.expire),
                                               "; ask the organiser for a new one"));
  }
  Caller internal{claims.tenant, "", ""};
  PELITA_ASSIGN_OR_RETURN(CohortRef cohort, ParseCohort(internal, "token", claims.cohort));
  SurveyStore store(redis_, claims.tenant);
  if (!claims.eligibility.empty()) {
    PELITA_ASSIGN_OR_RETURN(out.used_hash, RedeemToken(claims.tenant, claims.instrument, claims.cohort,
                                                       claims.eligibility));
    out.used_key = store.TokensUsedKey(cohort.ck(), claims.instrument);
  } else {
    out.used_hash = AnswerLinkUsedHash(claims.nonce);
    out.used_key = store.LinksUsedKey(cohort.ck(), claims.instrument);
  }
  return out;
}

namespace {

// Who answers by a link, as the rules of evidence see them.
Caller LinkCaller(const AnswerLinkClaims& claims) {
  Caller c;
  c.tenant = claims.tenant;
  c.role = claims.role == v1::SUPERVISOR_ASSESSMENT ? "supervisor" : "participant";
  c.subject = claims.respondent;
  return c;
}

absl::Status LinkUsed() {
  return Denied("LINK_USED", "token: this link has been used; each link answers once");
}

}  // namespace

absl::StatusOr<v1::AnswerLinkForm> SurveyLogic::OpenAnswerLink(const Caller&, const v1::OpenAnswerLinkRequest& r) {
  PELITA_ASSIGN_OR_RETURN(OpenLink link, CheckLink(r.token()));
  SurveyStore store(redis_, link.claims.tenant);
  PELITA_ASSIGN_OR_RETURN(bool used, store.IsMember(link.used_key, link.used_hash));
  if (used) return LinkUsed();
  v1::GetInstrumentRequest get;
  get.set_name(absl::StrCat("tenants/", link.claims.tenant, "/instruments/", link.claims.instrument));
  v1::AnswerLinkForm out;
  // As a participant reads it: without answer keys.
  PELITA_ASSIGN_OR_RETURN(*out.mutable_instrument(), GetInstrument(LinkCaller(link.claims), get));
  out.mutable_instrument()->clear_response_count();
  out.set_cohort(link.claims.cohort);
  out.set_respondent_nip(link.claims.respondent);
  out.set_subject_nip(link.claims.subject);
  out.set_followup_role(link.claims.role);
  *out.mutable_expire_time() = ToTimestamp(link.claims.expire);
  return out;
}

absl::StatusOr<v1::Response> SurveyLogic::AnswerByLink(const Caller&, const v1::AnswerByLinkRequest& r) {
  PELITA_ASSIGN_OR_RETURN(OpenLink link, CheckLink(r.token()));
  const AnswerLinkClaims& claims = link.claims;
  // Whether the link is used is decided by the write itself, after the
  // idempotency check: a client resending the answer it already gave (the
  // reply was lost) gets that answer back, not LINK_USED.
  v1::CreateResponseRequest req;
  req.set_parent(absl::StrCat("tenants/", claims.tenant));
  req.set_response_id(r.response_id());
  v1::Response& in = *req.mutable_response();
  in.set_instrument(absl::StrCat("tenants/", claims.tenant, "/instruments/", claims.instrument));
  in.set_cohort(claims.cohort);
  in.set_respondent_nip(claims.respondent);
  in.set_subject_nip(claims.subject);
  in.set_eligibility_token(claims.eligibility);
  *in.mutable_answers() = r.answers();
  if (r.has_submit_time()) *in.mutable_submit_time() = r.submit_time();
  auto out = CreateOne(LinkCaller(claims), req, claims.eligibility.empty() ? &link.used_hash : nullptr);
  if (!out.ok() && ErrorReason(out.status()) == "TOKEN_USED") {
    return LinkUsed();
  }
  return out;
}

absl::StatusOr<v1::ListAnswerTasksResponse> SurveyLogic::ListAnswerTasks(const Caller& c,
                                                                         const v1::ListAnswerTasksRequest& r) {
  PELITA_ASSIGN_OR_RETURN(auto parts, ParseTenantResource(c, "parent", r.parent(), "tenants/*/employees/*"));
  const std::string& tenant = parts[0];
  const std::string& nip = parts[1];
  if (auto parsed = ParseNip(nip); !parsed.ok() || nip.size() > 64) {
    return InvalidField("parent", parsed.ok() ? "does not name a NIP" : parsed.status().message());
  }
  const bool own = (IsRole(c, Role::kParticipant) || IsRole(c, Role::kSupervisor)) && c.subject == nip;
  if (!IsStaff(c) && !own) {
    return Denied("OWN_TASKS_ONLY",
                  "a participant or supervisor reads only their own surveys and tests; organisers and admins "
                  "anyone's");
  }
  SurveyStore store(redis_, tenant);
  PELITA_ASSIGN_OR_RETURN(std::vector<SurveyStore::Hash> hashes, store.ReadHashes({store.AnswerTasksKey(nip)}));
  const absl::Time now = clock_();
  const Caller internal{tenant, "", ""};

  // Each entry as a task; what decides ANSWERED is probed below in one
  // round trip.
  struct Entry {
    v1::AnswerTask task;
    std::string token;
    absl::Time expire;
    int used_probe = -1, slot_probe = -1;
  };
  std::vector<Entry> entries;
  std::vector<SurveyStore::Probe> probes;
  for (const auto& [field, value] : hashes[0]) {
    std::vector<std::string> f = absl::StrSplit(field, '|');
    const size_t bar = value.find('|');
    int role = 0;
    int64_t expire_unix = 0;
    if (f.size() != 4 || bar == std::string::npos || !absl::SimpleAtoi(f[2], &role) ||
        !v1::FollowUpRole_IsValid(role) || !absl::SimpleAtoi(value.substr(0, bar), &expire_unix)) {
      continue;  // not written by this version: nothing to show
    }
    Entry e;
    e.expire = absl::FromUnixSeconds(expire_unix);
    if (e.expire + kAnswerTaskGrace < now) continue;  // pruned when the hash is next written
    auto cohort = ParseCohort(internal, "cohort", f[0]);
    if (!cohort.ok()) continue;
    auto instrument = LoadCurrent(tenant, f[1], false);
    if (!instrument.ok()) {
      if (instrument.status().code() == absl::StatusCode::kNotFound) continue;
      return instrument.status();
    }
    e.token = value.substr(bar + 1);
    v1::AnswerTask& t = e.task;
    t.set_cohort(f[0]);
    t.set_instrument(absl::StrCat("tenants/", tenant, "/instruments/", f[1]));
    t.set_instrument_title((*instrument)->title());
    t.set_instrument_kind((*instrument)->kind());
    t.set_followup_role(static_cast<v1::FollowUpRole>(role));
    t.set_subject_nip(f[3]);
    *t.mutable_expire_time() = ToTimestamp(e.expire);
    if (e.token.empty()) {
      t.set_state(v1::AnswerTask::ANONYMOUS);
    } else {
      auto claims = DecodeAnswerLink(e.token, [this](const std::string& t) { return ExistingTenantSecret(t); });
      if (!claims.ok()) {
        // A link the tenant's key no longer signs opens nothing.
        if (claims.status().code() == absl::StatusCode::kPermissionDenied) continue;
        return claims.status();
      }
      e.used_probe = static_cast<int>(probes.size());
      probes.push_back({false, store.LinksUsedKey(cohort->ck(), f[1]), AnswerLinkUsedHash(claims->nonce)});
      if ((*instrument)->kind() != v1::FOLLOWUP) {
        // Reaction surveys and tests: one answer a person, whichever way
        // it came (another link, the app, a CSV import).
        e.slot_probe = static_cast<int>(probes.size());
        probes.push_back({true, store.SlotsKey(cohort->ck(), f[1]), nip});
      }
    }
    entries.push_back(std::move(e));
  }
  PELITA_ASSIGN_OR_RETURN(std::vector<bool> hits, store.Probes(probes));
  for (Entry& e : entries) {
    if (e.task.state() == v1::AnswerTask::ANONYMOUS) continue;
    const bool answered = (e.used_probe >= 0 && hits[e.used_probe]) || (e.slot_probe >= 0 && hits[e.slot_probe]);
    if (answered) {
      e.task.set_state(v1::AnswerTask::ANSWERED);
    } else if (now >= e.expire) {
      e.task.set_state(v1::AnswerTask::EXPIRED);
    } else {
      e.task.set_state(v1::AnswerTask::OPEN);
      e.task.set_token(e.token);
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const bool ao = a.task.state() == v1::AnswerTask::OPEN, bo = b.task.state() == v1::AnswerTask::OPEN;
    if (ao != bo) return ao;
    if (a.expire != b.expire) return ao ? a.expire < b.expire : a.expire > b.expire;
    return a.task.cohort() + a.task.instrument() + a.task.subject_nip() <
           b.task.cohort() + b.task.instrument() + b.task.subject_nip();
  });
  v1::ListAnswerTasksResponse out;
  for (Entry& e : entries) *out.add_tasks() = std::move(e.task);
  return out;
}

}  // namespace pelita::survey
