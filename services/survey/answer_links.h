#ifndef PELITA_SERVICES_SURVEY_ANSWER_LINKS_H_
#define PELITA_SERVICES_SURVEY_ANSWER_LINKS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pelita/survey/v1/survey.pb.h"

namespace pelita::survey {

// What a personal answer link allows: one answer to one instrument in one
// cohort, by one respondent (or, for an anonymous survey, by whoever holds
// its eligibility token), until `expire`.  The link is the claims in
// URL-safe base64, a dot, and the first 16 bytes of HMAC-SHA256 over them
// under the tenant's secret; it is verified before anything is read, so a
// forged or altered link costs one MAC and a cached secret.
struct AnswerLinkClaims {
  std::string tenant;
  std::string instrument;  // the id (a slug)
  std::string cohort;      // `tenants/{t}/programs/{p}/cohorts/{c}`
  std::string respondent;  // a NIP; empty for anonymous surveys
  std::string subject;     // follow-ups: the participant answered about
  v1::FollowUpRole role = v1::FOLLOW_UP_ROLE_UNSPECIFIED;
  std::string eligibility;  // anonymous surveys: the IssueResponseToken token
  absl::Time expire;
  std::string nonce;  // 16 random bytes: what makes the link single-use
};

// The signed link.
std::string EncodeAnswerLink(const AnswerLinkClaims& claims, absl::string_view secret);

// The claims of a link Pelita signed.  `secret_of(tenant)` gives a
// tenant's secret, NOT_FOUND when it has none (then no link of it exists).
// PERMISSION_DENIED with reason LINK_NOT_VALID for anything that is not
// such a link; other errors of `secret_of` (UNAVAILABLE) pass through.
// The expiry is not checked here.
absl::StatusOr<AnswerLinkClaims> DecodeAnswerLink(
    absl::string_view token, const std::function<absl::StatusOr<std::string>(const std::string&)>& secret_of);

// What the used set keeps of a link: a hash of its nonce, never the link.
std::string AnswerLinkUsedHash(absl::string_view nonce);

}  // namespace pelita::survey

#endif  // PELITA_SERVICES_SURVEY_ANSWER_LINKS_H_
