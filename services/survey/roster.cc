#include "services/survey/roster.h"

#include "absl/strings/str_cat.h"

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
  auto nips = source_->EnrolledNips(tenant, cohort);
  absl::MutexLock l(&e.mu);
  if (!nips.ok()) {
    // Only a definite answer is cached; transport errors are retried next time.
    if (nips.status().code() == absl::StatusCode::kNotFound) {
      e.status = nips.status();
      e.nips = nullptr;
      e.fetched = clock_();
    }
    return nips.status();
  }
  e.status = absl::OkStatus();
  e.nips = std::make_shared<const NipSet>(nips->begin(), nips->end());
  e.fetched = clock_();
  return e.nips;
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
  return absl::FailedPreconditionError(
      absl::StrCat(field, ": ", nip, " is not enrolled in ", cohort));
}

}  // namespace pelita::survey
