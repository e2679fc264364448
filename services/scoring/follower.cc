#include "services/scoring/follower.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "lib/log/log.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::scoring {
namespace {
std::string StreamKey(const std::string& tenant) { return KeyBuilder("survey", tenant).Key("responses"); }
constexpr char kGroup[] = "scoring";
}  // namespace

SurveyStreamFollower::SurveyStreamFollower(redis::Client* redis, ScoringStore* store,
                                           std::vector<std::string> tenants, std::string consumer,
                                           absl::Duration block, absl::Duration claim_idle)
    : redis_(redis),
      store_(store),
      tenants_(std::move(tenants)),
      consumer_(std::move(consumer)),
      block_(block),
      claim_idle_(claim_idle) {}

SurveyStreamFollower::~SurveyStreamFollower() { Stop(); }

namespace {
absl::Status EnsureGroup(redis::Client* redis, const std::string& tenant) {
  auto r = redis->Run({"XGROUP", "CREATE", StreamKey(tenant), kGroup, "$", "MKSTREAM"});
  if (!r.ok()) return r.status();
  if (r->is_error() && !absl::StartsWith(r->str, "BUSYGROUP")) return redis::ReplyStatus(*r);
  return absl::OkStatus();
}
}  // namespace

absl::Status SurveyStreamFollower::Start() {
  absl::Status first = absl::OkStatus();
  for (const auto& t : tenants_) {
    if (absl::Status st = EnsureGroup(redis_, t); !st.ok() && first.ok()) first = st;
  }
  // The threads (re)create a missing group themselves, so a Redis that is
  // not up yet only delays following.
  for (const auto& t : tenants_) threads_.emplace_back([this, t] { Loop(t); });
  return first;
}

void SurveyStreamFollower::Stop() {
  stop_ = true;
  for (auto& th : threads_) {
    if (th.joinable()) th.join();
  }
  threads_.clear();
}

absl::StatusOr<int> SurveyStreamFollower::PollOnce(const std::string& tenant, bool pending) {
  redis::Command cmd = {"XREADGROUP", "GROUP", kGroup, consumer_, "COUNT", "500"};
  if (!pending) {
    cmd.push_back("BLOCK");
    cmd.push_back(absl::StrCat(absl::ToInt64Milliseconds(block_)));
  }
  cmd.push_back("STREAMS");
  cmd.push_back(StreamKey(tenant));
  cmd.push_back(pending ? "0" : ">");
  auto reply = redis_->Run(cmd, block_ + absl::Seconds(5));
  if (!reply.ok()) return reply.status();
  if (reply->is_error() && absl::StartsWith(reply->str, "NOGROUP")) {
    if (absl::Status st = EnsureGroup(redis_, tenant); !st.ok()) return st;
    return 0;
  }
  if (reply->is_error()) return redis::ReplyStatus(*reply);
  if (!reply->is_array() || reply->elements.empty()) return 0;
  int n = 0;
  for (const auto& stream : reply->elements) {
    if (stream.elements.size() != 2) continue;
    PELITA_ASSIGN_OR_RETURN(int handled, Handle(tenant, stream.elements[1].elements));
    n += handled;
  }
  return n;
}

absl::StatusOr<int> SurveyStreamFollower::Handle(const std::string& tenant,
                                                 const std::vector<redis::Reply>& entries) {
  int n = 0;
  redis::Command ack = {"XACK", StreamKey(tenant), kGroup};
  for (const auto& entry : entries) {
    if (entry.elements.size() != 2) continue;
    const auto& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "cohort" && !fields[i + 1].str.empty()) {
        absl::Status st = store_->Invalidate(tenant, fields[i + 1].str);
        if (!st.ok()) return st;  // not acknowledged: read again later
      }
    }
    ack.push_back(entry.elements[0].str);
    ++n;
  }
  if (n > 0) {
    auto r = redis_->Run(ack);
    if (!r.ok()) return r.status();
    handled_ += n;
  }
  return n;
}

absl::StatusOr<int> SurveyStreamFollower::ReclaimOnce(const std::string& tenant) {
  int n = 0;
  std::string cursor = "0-0";
  // One pass over the group's pending entries list, 500 at a time.
  for (int round = 0; round < 10000; ++round) {
    auto reply = redis_->Run({"XAUTOCLAIM", StreamKey(tenant), kGroup, consumer_,
                              absl::StrCat(absl::ToInt64Milliseconds(claim_idle_)), cursor, "COUNT", "500"});
    if (!reply.ok()) return reply.status();
    if (reply->is_error() && absl::StartsWith(reply->str, "NOGROUP")) return 0;
    if (reply->is_error()) return redis::ReplyStatus(*reply);
    if (!reply->is_array() || reply->elements.size() < 2) return n;
    // Entries deleted from the stream while pending come back as nil; they
    // are dropped from the pending list by XAUTOCLAIM itself.
    std::vector<redis::Reply> live;
    for (const auto& e : reply->elements[1].elements) {
      if (e.elements.size() == 2) live.push_back(e);
    }
    PELITA_ASSIGN_OR_RETURN(int handled, Handle(tenant, live));
    n += handled;
    cursor = reply->elements[0].str;
    if (cursor == "0-0") break;
  }
  return n;
}

void SurveyStreamFollower::Loop(std::string tenant) {
  bool pending = true;  // first our own unacknowledged entries
  // Other consumers' stale entries are looked for about twice per idle
  // threshold (and at least every block interval's worth of polls).
  const absl::Duration claim_every = std::max(claim_idle_ / 2, absl::Milliseconds(10));
  absl::Time last_claim = absl::InfinitePast();
  while (!stop_) {
    if (absl::Now() - last_claim >= claim_every) {
      last_claim = absl::Now();
      auto claimed = ReclaimOnce(tenant);
      if (!claimed.ok()) {
        LogWarning("scoring: reclaiming stale stream entries failed",
                   {{"tenant", tenant}, {"error", claimed.status().ToString()}});
      } else if (*claimed > 0) {
        LogInfo("scoring: reclaimed stream entries of another consumer",
                {{"tenant", tenant}, {"entries", absl::StrCat(*claimed)}});
      }
    }
    auto n = PollOnce(tenant, pending);
    if (!n.ok()) {
      LogWarning("scoring: survey stream read failed", {{"tenant", tenant}, {"error", n.status().ToString()}});
      for (int i = 0; i < 10 && !stop_; ++i) absl::SleepFor(absl::Milliseconds(100));  // backoff, not sync
      continue;
    }
    if (pending && *n == 0) pending = false;
  }
}

}  // namespace pelita::scoring
