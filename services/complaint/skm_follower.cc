#include "services/complaint/skm_follower.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "lib/log/log.h"
#include "lib/status/status.h"
#include "pelita/survey/v1/survey.pb.h"
#include "services/complaint/domain.h"

namespace pelita::complaint {

std::string SkmFollower::StreamKey(const std::string& tenant) {
  return absl::StrCat("survey:{", tenant, "}:responses");
}

SkmFollower::SkmFollower(redis::Client* redis, ComplaintLogic* logic, std::string tenant,
                         std::string consumer)
    : redis_(redis),
      logic_(logic),
      tenant_(std::move(tenant)),
      consumer_(std::move(consumer)),
      key_(StreamKey(tenant_)) {}

SkmFollower::~SkmFollower() { Stop(); }

absl::Status SkmFollower::EnsureGroup() {
  if (group_ready_) return absl::OkStatus();
  PELITA_ASSIGN_OR_RETURN(redis::Reply r,
                          redis_->Run({"XGROUP", "CREATE", key_, kGroup, "0", "MKSTREAM"}));
  if (r.is_error() && !absl::StartsWith(r.str, "BUSYGROUP")) return redis::ReplyStatus(r);
  group_ready_ = true;
  return absl::OkStatus();
}

namespace {

// An SKM response from a stream entry; an error means the entry is unusable.
absl::StatusOr<v1::SatisfactionResponse> FromEntry(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string name, unit, time, payload;
  for (const auto& [k, v] : fields) {
    if (k == "name") name = v;
    else if (k == "unit") unit = v;
    else if (k == "time") time = v;
    else if (k == "payload") payload = v;
  }
  survey::v1::Response response;
  if (!response.ParseFromString(payload)) return absl::InvalidArgumentError("payload does not parse");
  v1::SatisfactionResponse out;
  out.set_name(name.empty() ? response.name() : name);
  out.set_unit(unit.empty() ? response.unit() : unit);
  auto t = ParseTime(time);
  if (t.ok()) {
    out.mutable_time()->set_seconds(absl::ToUnixSeconds(*t));
  } else if (response.has_submit_time()) {
    *out.mutable_time() = response.submit_time();
  } else {
    return absl::InvalidArgumentError("no time");
  }
  std::vector<int> scores(9, 0);
  for (const auto& a : response.answers()) {
    const std::string item = absl::AsciiStrToUpper(a.item());
    if (item.size() != 2 || item[0] != 'U' || item[1] < '1' || item[1] > '9') continue;
    if (a.value_case() != survey::v1::Answer::kNumber) continue;
    // Out-of-range scores are kept so that validation rejects the entry.
    scores[item[1] - '1'] = static_cast<int>(std::clamp<int64_t>(a.number(), -1, 99));
  }
  for (int s : scores) out.add_scores(s);
  return out;
}

}  // namespace

absl::StatusOr<int> SkmFollower::Read(const std::string& id, absl::Duration block) {
  redis::Command cmd = {"XREADGROUP", "GROUP", kGroup, consumer_, "COUNT", "200"};
  if (block > absl::ZeroDuration() && id == ">") {
    cmd.push_back("BLOCK");
    cmd.push_back(std::to_string(absl::ToInt64Milliseconds(block)));
  }
  cmd.insert(cmd.end(), {"STREAMS", key_, id});
  PELITA_ASSIGN_OR_RETURN(redis::Reply r, redis_->Run(cmd, block + absl::Seconds(5)));
  if (r.is_error() && absl::StartsWith(r.str, "NOGROUP")) {
    group_ready_ = false;  // the stream was deleted; recreate next round
    return 0;
  }
  PELITA_RETURN_IF_ERROR(redis::ReplyStatus(r));
  if (!r.is_array() || r.elements.empty()) return 0;
  const redis::Reply& entries = r.elements[0].elements.size() == 2 ? r.elements[0].elements[1]
                                                                   : redis::Reply{};
  int handled = 0;
  redis::Command ack = {"XACK", key_, kGroup};
  absl::Status failure;
  for (const auto& e : entries.elements) {
    if (e.elements.size() != 2) continue;
    const std::string& entry_id = e.elements[0].str;
    std::vector<std::pair<std::string, std::string>> fields;
    const auto& f = e.elements[1].elements;  // nil for a deleted pending entry
    for (size_t i = 0; i + 1 < f.size(); i += 2) fields.emplace_back(f[i].str, f[i + 1].str);
    std::string kind;
    for (const auto& [k, v] : fields) if (k == "instrument_kind") kind = v;
    if (kind == "skm") {
      auto resp = FromEntry(fields);
      absl::Status s = resp.status();
      if (resp.ok()) s = logic_->RecordSatisfactionForTenant(tenant_, *resp).status();
      if (!s.ok()) {
        const auto code = s.code();
        if (code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded ||
            code == absl::StatusCode::kInternal || code == absl::StatusCode::kAborted) {
          failure = s;  // leave it pending; read again next round
          break;
        }
        LogWarning("skm stream entry skipped",
                   {{"tenant", tenant_}, {"entry", entry_id}, {"error", std::string(s.message())}});
      }
    }
    ack.push_back(entry_id);
    ++handled;
  }
  if (ack.size() > 3) {
    PELITA_ASSIGN_OR_RETURN(redis::Reply a, redis_->Run(ack));
    PELITA_RETURN_IF_ERROR(redis::ReplyStatus(a));
  }
  if (!failure.ok()) return failure;
  return handled;
}

absl::StatusOr<int> SkmFollower::PollOnce(absl::Duration block) {
  PELITA_RETURN_IF_ERROR(EnsureGroup());
  int handled = 0;
  if (!pending_done_) {
    // Entries delivered to this consumer before a crash and never acked.
    PELITA_ASSIGN_OR_RETURN(int n, Read("0", absl::ZeroDuration()));
    handled += n;
    if (n == 0) pending_done_ = true;
    return handled;
  }
  PELITA_ASSIGN_OR_RETURN(int n, Read(">", block));
  return handled + n;
}

void SkmFollower::Start() {
  thread_ = std::thread([this] {
    absl::Duration backoff = absl::Milliseconds(100);
    while (!stop_.HasBeenNotified()) {
      auto n = PollOnce(absl::Seconds(1));
      if (n.ok()) {
        backoff = absl::Milliseconds(100);
        continue;
      }
      pending_done_ = false;  // re-read what stayed pending
      LogWarning("skm follower", {{"tenant", tenant_}, {"error", std::string(n.status().message())}});
      stop_.WaitForNotificationWithTimeout(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  });
}

void SkmFollower::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace pelita::complaint
