// Personal answer links (issue 15): SurveyLogic::IssueAnswerLinks,
// OpenAnswerLink and AnswerByLink.  The token format is answer_links.h;
// what a link may do is said in survey.proto.

#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/ids/nip.h"
#include "lib/role/role.h"
#include "lib/status/status.h"
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
    if (r.deliver()) {
      if (sender_ == nullptr) {
        link->set_delivery_error("no reminder sender is configured; copy the link instead");
        continue;
      }
      notify::Notification n;
      n.id = absl::StrCat("link|", AnswerLinkUsedHash(claims.nonce));
      n.tenant = tenant;
      n.task = r.cohort();
      n.kind = "answer_link";
      n.recipient_nip = claims.respondent.empty() ? nip : claims.respondent;
      n.subject = absl::StrCat("Pelita: ", instrument.title());
      const std::string about =
          claims.role == v1::SUPERVISOR_ASSESSMENT ? absl::StrCat(" tentang pegawai Anda (NIP ", nip, ")") : "";
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

}  // namespace pelita::survey
