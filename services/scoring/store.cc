#include "services/scoring/store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/tenancy/tenancy.h"

namespace pelita::scoring {
namespace {

// "tenants/t/programs/p/cohorts/c" -> "p:c".
std::string CohortSuffix(const std::string& cohort) {
  std::vector<std::string> parts = absl::StrSplit(cohort, '/');
  if (parts.size() != 6) return cohort;
  return absl::StrCat(parts[3], ":", parts[5]);
}

std::string Stamp(const v1::ScoringSettings& s, const std::string& format) {
  return absl::StrCat(s.update_time().seconds(), ".", s.update_time().nanos(), "/", format);
}

}  // namespace

std::string ScoringStore::CacheKey(const std::string& tenant, const std::string& cohort) const {
  return KeyBuilder("scoring", tenant).Key("evaluation", CohortSuffix(cohort));
}
std::string ScoringStore::VersionKey(const std::string& tenant, const std::string& cohort) const {
  return KeyBuilder("scoring", tenant).Key("version", CohortSuffix(cohort));
}

absl::StatusOr<ScoringStore::Snapshot> ScoringStore::Read(const std::string& tenant,
                                                          const std::string& cohort) {
  auto reply = redis_->Run({"MGET", KeyBuilder("scoring", tenant).Key("settings"),
                            CacheKey(tenant, cohort), VersionKey(tenant, cohort)});
  if (!reply.ok()) return reply.status();
  if (absl::Status st = redis::ReplyStatus(*reply); !st.ok()) return st;
  if (!reply->is_array() || reply->elements.size() != 3) return absl::InternalError("bad MGET reply");
  Snapshot s;
  const auto& e = reply->elements;
  if (e[0].is_string() && !s.settings.ParseFromString(e[0].str)) {
    return absl::DataLossError("stored scoring settings do not parse");
  }
  s.stamp = Stamp(s.settings, format_);
  if (e[2].is_string()) {
    if (!absl::SimpleAtoi(e[2].str, &s.version)) s.version = 0;
  }
  if (e[1].is_string()) {
    // "<version> <stamp>\n<report>"
    const size_t nl = e[1].str.find('\n');
    if (nl != std::string::npos &&
        e[1].str.substr(0, nl) == absl::StrCat(s.version, " ", s.stamp)) {
      v1::Evaluation ev;
      if (ev.ParseFromArray(e[1].str.data() + nl + 1, static_cast<int>(e[1].str.size() - nl - 1))) {
        s.cached = std::move(ev);
      }
    }
  }
  return s;
}

absl::Status ScoringStore::PutCached(const std::string& tenant, const std::string& cohort,
                                     const Snapshot& under, const v1::Evaluation& report) {
  std::string value = absl::StrCat(under.version, " ", under.stamp, "\n");
  report.AppendToString(&value);
  auto reply = redis_->Run({"SET", CacheKey(tenant, cohort), value, "PX",
                            absl::StrCat(absl::ToInt64Milliseconds(ttl_))});
  if (!reply.ok()) return reply.status();
  return redis::ReplyStatus(*reply);
}

absl::Status ScoringStore::Invalidate(const std::string& tenant, const std::string& cohort) {
  auto replies = redis_->Pipeline({{"INCR", VersionKey(tenant, cohort)}, {"DEL", CacheKey(tenant, cohort)}});
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    if (absl::Status st = redis::ReplyStatus(r); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ScoringSettings> ScoringStore::GetSettings(const std::string& tenant) {
  auto reply = redis_->Run({"GET", KeyBuilder("scoring", tenant).Key("settings")});
  if (!reply.ok()) return reply.status();
  if (absl::Status st = redis::ReplyStatus(*reply); !st.ok()) return st;
  v1::ScoringSettings s;
  if (reply->is_string() && !s.ParseFromString(reply->str)) {
    return absl::DataLossError("stored scoring settings do not parse");
  }
  return s;
}

absl::Status ScoringStore::PutSettings(const std::string& tenant, const v1::ScoringSettings& settings) {
  auto reply = redis_->Run({"SET", KeyBuilder("scoring", tenant).Key("settings"), settings.SerializeAsString()});
  if (!reply.ok()) return reply.status();
  return redis::ReplyStatus(*reply);
}

}  // namespace pelita::scoring
