#include "services/survey/roster.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"

namespace pelita::survey {

CachedRoster::CachedRoster(Roster* source, absl::Duration ttl, absl::Duration min_refresh,
                           size_t max_cohorts, Clock clock)
    : source_(source), ttl_(ttl), min_refresh_(min_refresh), max_cohorts_(max_cohorts),
      clock_(std::move(clock)) {}

int64_t CachedRoster::fetches() const {
  absl::MutexLock l(&mu_);
  return fetches_;
}

std::shared_ptr<CachedRoster::Entry> CachedRoster::EntryFor(const std::string& key) {
  absl::MutexLock l(&mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) return it->second;
  if (entries_.size() >= max_cohorts_) entries_.clear();  // bounded; refetched on demand
  auto e = std::make_shared<Entry>();
  entries_.emplace(key, e);
  return e;
}

absl::StatusOr<std::shared_ptr<const CachedRoster::NipSet>> CachedRoster::Refresh(
    Entry& e, const std::string& tenant, const std::string& cohort, absl::Time older_than) {
  absl::MutexLock fl(&e.fetch_mu);
  {
    absl::MutexLock l(&e.mu);
    if (e.fetched > older_than) {  // someone refreshed while we waited
      if (!e.status.ok()) return e.status;
      return e.nips;
    }
  }
  {
    absl::MutexLock l(&mu_);
    ++fetches_;
  }
  auto fetched = source_->Fetch(tenant, cohort);
  absl::MutexLock l(&e.mu);
  if (!fetched.ok()) {
    // Only a definite answer is cached; transport errors are retried next time.
    if (fetched.status().code() == absl::StatusCode::kNotFound) {
      e.status = fetched.status();
      e.nips = nullptr;
      e.facts = nullptr;
      e.fetched = clock_();
    }
    return fetched.status();
  }
  e.status = absl::OkStatus();
  e.nips = std::make_shared<const NipSet>(fetched->enrolled.begin(), fetched->enrolled.end());
  auto facts = std::make_shared<Facts>();
  facts->windows = std::move(fetched->windows);
  facts->observers.insert(fetched->observers.begin(), fetched->observers.end());
  e.facts = std::move(facts);
  e.fetched = clock_();
  return e.nips;
}

absl::StatusOr<std::shared_ptr<const CachedRoster::Facts>> CachedRoster::CohortFacts(
    const std::string& tenant, const std::string& cohort) {
  PELITA_ASSIGN_OR_RETURN(auto nips, Enrolled(tenant, cohort));
  (void)nips;
  auto e = EntryFor(absl::StrCat(tenant, "|", cohort));
  absl::MutexLock l(&e->mu);
  if (e->facts == nullptr) return absl::NotFoundError(absl::StrCat("cohort ", cohort, " does not exist"));
  return e->facts;
}

absl::StatusOr<bool> CachedRoster::IsObserver(const std::string& tenant, const std::string& cohort,
                                              const std::string& nip) {
  PELITA_ASSIGN_OR_RETURN(auto facts, CohortFacts(tenant, cohort));
  if (facts->observers.contains(nip)) return true;
  // Someone just named as observer: refetch once if the set is not fresh.
  auto e = EntryFor(absl::StrCat(tenant, "|", cohort));
  absl::Time fetched;
  {
    absl::MutexLock l(&e->mu);
    fetched = e->fetched;
  }
  const absl::Time now = clock_();
  if (now - fetched < min_refresh_) return false;
  auto r = Refresh(*e, tenant, cohort, now - min_refresh_);
  if (!r.ok()) return r.status();
  absl::MutexLock l(&e->mu);
  return e->facts != nullptr && e->facts->observers.contains(nip);
}

absl::StatusOr<bool> CachedRoster::IsSupervisor(const std::string& tenant, const std::string& cohort,
                                                const std::string& subject,
                                                const std::string& respondent) {
  const std::string key = absl::StrCat(tenant, "|", cohort, "|", subject);
  std::shared_ptr<Assessors> a;
  {
    absl::MutexLock l(&mu_);
    auto it = assessors_.find(key);
    if (it == assessors_.end()) {
      if (assessors_.size() >= max_cohorts_) assessors_.clear();  // bounded
      it = assessors_.emplace(key, std::make_shared<Assessors>()).first;
    }
    a = it->second;
  }
  const absl::Time now = clock_();
  {
    absl::MutexLock l(&a->mu);
    if (now - a->fetched < ttl_ && a->nips.contains(respondent)) return true;
    if (now - a->fetched < min_refresh_) return false;
  }
  {
    absl::MutexLock l(&mu_);
    ++fetches_;
  }
  auto fetched = source_->Supervisors(tenant, cohort, subject);
  if (!fetched.ok()) {
    if (fetched.status().code() == absl::StatusCode::kNotFound) return false;
    return fetched.status();
  }
  absl::MutexLock l(&a->mu);
  a->nips = NipSet(fetched->begin(), fetched->end());
  a->fetched = clock_();
  return a->nips.contains(respondent);
}

absl::StatusOr<std::shared_ptr<const CachedRoster::NipSet>> CachedRoster::Enrolled(
    const std::string& tenant, const std::string& cohort) {
  auto e = EntryFor(absl::StrCat(tenant, "|", cohort));
  const absl::Time now = clock_();
  {
    absl::MutexLock l(&e->mu);
    if (now - e->fetched < ttl_) {
      if (!e->status.ok()) {
        if (now - e->fetched < min_refresh_) return e->status;
      } else {
        return e->nips;
      }
    }
  }
  return Refresh(*e, tenant, cohort, now - min_refresh_);
}

absl::Status CachedRoster::CheckEnrolled(const std::string& tenant, const std::string& cohort,
                                         const std::string& nip, const std::string& field) {
  auto e = EntryFor(absl::StrCat(tenant, "|", cohort));
  absl::Time now = clock_();
  absl::Time fetched;
  {
    absl::MutexLock l(&e->mu);
    fetched = e->fetched;
    if (now - fetched < ttl_) {
      if (e->status.ok() && e->nips->contains(nip)) return absl::OkStatus();
      if (!e->status.ok() && now - fetched < min_refresh_) return e->status;
    }
  }
  std::shared_ptr<const NipSet> nips;
  if (now - fetched < min_refresh_) {
    absl::MutexLock l(&e->mu);
    nips = e->nips;
  } else {
    auto r = Refresh(*e, tenant, cohort, now - min_refresh_);
    if (!r.ok()) {
      if (r.status().code() == absl::StatusCode::kNotFound) {
        return absl::NotFoundError(absl::StrCat("cohort ", cohort, " does not exist"));
      }
      return r.status();
    }
    nips = *r;
  }
  if (nips && nips->contains(nip)) return absl::OkStatus();
  return WithReason(absl::FailedPreconditionError(absl::StrCat(field, ": ", nip, " is not enrolled in ", cohort)),
                    "NOT_ENROLLED", {{"field", field}});
}

}  // namespace pelita::survey
