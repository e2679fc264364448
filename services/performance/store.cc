#include "services/performance/store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/redis/eval_pipeline.h"
#include "lib/tenancy/key_builder.h"
#include "lib/time/time.h"

namespace pelita::performance {
namespace {

// KEYS[1] the current hash, KEYS[2] the revisions hash; ARGV[1] the field,
// ARGV[2] the bytes read ("" = absent), ARGV[3] the new bytes, ARGV[4] the
// field under which the replaced revision is kept.  0 when the record
// changed since it was read (nothing written), 1 when written.
redis::Script kPutScript(R"lua(
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur == false then
  if ARGV[2] ~= '' then return 0 end
else
  if cur ~= ARGV[2] then return 0 end
  redis.call('HSET', KEYS[2], ARGV[4], cur)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
)lua");

KeyBuilder Keys(const std::string& tenant) { return KeyBuilder("performance", tenant); }

std::vector<std::vector<std::pair<std::string, std::string>>> Pairs(const std::vector<redis::Reply>& replies) {
  std::vector<std::vector<std::pair<std::string, std::string>>> out(replies.size());
  for (size_t i = 0; i < replies.size(); ++i) {
    const auto& e = replies[i].elements;
    for (size_t j = 0; j + 1 < e.size(); j += 2) out[i].emplace_back(e[j].str, e[j + 1].str);
  }
  return out;
}

}  // namespace

RecordSlot MonthSlot(const std::string& tenant, const std::string& unit, const std::string& type,
                     absl::CivilMonth month) {
  const KeyBuilder k = Keys(tenant);
  const std::string year = absl::StrCat(month.year());
  return {k.Key("m", unit, year), k.Key("r", unit, year), absl::StrFormat("%s|%02d", type, month.month())};
}

RecordSlot SkpSlot(const std::string& tenant, const std::string& nip, const std::string& period) {
  const KeyBuilder k = Keys(tenant);
  return {k.Key("skp", nip), k.Key("skpr", nip), period};
}

store::ResourceTable PerformanceStore::ServiceTypes(const std::string& tenant) {
  const KeyBuilder k = Keys(tenant);
  return store::ResourceTable(redis_, "service type", k.Key("service_types"), k.Key("service_type_ids"));
}

std::string PerformanceStore::UnitTypesKey(const std::string& tenant, const std::string& unit) {
  return Keys(tenant).Key("unit_types", unit);
}

absl::StatusOr<absl::flat_hash_map<std::string, v1::ServiceType>> PerformanceStore::UnitTypes(
    const std::string& tenant, const std::vector<std::string>& units) {
  absl::flat_hash_map<std::string, v1::ServiceType> out;
  if (units.empty()) return out;
  std::vector<redis::Command> reads;
  for (const auto& u : units) reads.push_back({"HGETALL", UnitTypesKey(tenant, u)});
  auto replies = redis_->Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < replies->size(); ++i) {
    const redis::Reply& r = (*replies)[i];
    if (r.is_error()) return redis::ReplyStatus(r);
    for (size_t j = 0; j + 1 < r.elements.size(); j += 2) {
      v1::ServiceType t;
      if (!t.ParseFromString(r.elements[j + 1].str)) {
        return absl::DataLossError(absl::StrCat("service type ", units[i], "/", r.elements[j].str, " is corrupt"));
      }
      out.emplace(absl::StrCat(units[i], "/", r.elements[j].str), std::move(t));
    }
  }
  return out;
}

template <typename M>
absl::StatusOr<std::vector<v1::RecordOutcome>> PerformanceStore::Put(const std::vector<RecordSlot>& slots,
                                                                     std::vector<M>& records,
                                                                     std::string (*figures)(const M&),
                                                                     const std::string& source, absl::Time now) {
  std::vector<v1::RecordOutcome> outcomes(records.size(), v1::RECORD_OUTCOME_UNSPECIFIED);
  std::vector<size_t> pending(records.size());
  for (size_t i = 0; i < records.size(); ++i) pending[i] = i;
  // A lost race is decided again; a record cannot lose forever unless it
  // is written without pause by others, which imports do not do.
  for (int round = 0; round < 8 && !pending.empty(); ++round) {
    std::vector<redis::Command> reads;
    reads.reserve(pending.size());
    for (size_t i : pending) reads.push_back({"HGET", slots[i].key, slots[i].field});
    auto current = redis_->Pipeline(reads);
    if (!current.ok()) return current.status();
    std::vector<redis::EvalCall> writes;
    std::vector<size_t> written;
    for (size_t j = 0; j < pending.size(); ++j) {
      const size_t i = pending[j];
      const redis::Reply& r = (*current)[j];
      if (r.is_error()) return redis::ReplyStatus(r);
      M old;
      int revision = 0;
      if (r.is_string()) {
        if (!old.ParseFromString(r.str)) {
          return absl::DataLossError(absl::StrCat("stored record ", slots[i].key, " ", slots[i].field, " is corrupt"));
        }
        if (figures(old) == figures(records[i])) {
          outcomes[i] = v1::UNCHANGED;
          records[i] = std::move(old);
          continue;
        }
        revision = old.revision();
      }
      M& rec = records[i];
      rec.set_revision(revision + 1);
      *rec.mutable_update_time() = ToTimestamp(now);
      rec.set_source(source);
      writes.push_back({&kPutScript,
                        {slots[i].key, slots[i].revisions_key},
                        {slots[i].field, r.is_string() ? r.str : std::string(), rec.SerializeAsString(),
                         absl::StrCat(slots[i].field, "|", revision)}});
      written.push_back(i);
      outcomes[i] = revision == 0 ? v1::ACCEPTED : v1::REPLACED;
    }
    std::vector<size_t> lost;
    if (!writes.empty()) {
      auto replies = redis::EvalPipeline(*redis_, writes);
      if (!replies.ok()) return replies.status();
      for (size_t j = 0; j < written.size(); ++j) {
        const redis::Reply& r = (*replies)[j];
        if (r.is_error()) return redis::ReplyStatus(r);
        if (r.integer != 1) lost.push_back(written[j]);
      }
    }
    pending = std::move(lost);
  }
  if (!pending.empty()) {
    return absl::AbortedError("records were written concurrently by others too often; try again");
  }
  return outcomes;
}

template absl::StatusOr<std::vector<v1::RecordOutcome>> PerformanceStore::Put<v1::ServiceMonth>(
    const std::vector<RecordSlot>&, std::vector<v1::ServiceMonth>&, std::string (*)(const v1::ServiceMonth&),
    const std::string&, absl::Time);
template absl::StatusOr<std::vector<v1::RecordOutcome>> PerformanceStore::Put<v1::Skp>(
    const std::vector<RecordSlot>&, std::vector<v1::Skp>&, std::string (*)(const v1::Skp&), const std::string&,
    absl::Time);

absl::StatusOr<std::vector<std::vector<std::pair<std::string, std::string>>>> PerformanceStore::ReadUnitYears(
    const std::string& tenant, const std::vector<std::pair<std::string, int>>& unit_years) {
  const KeyBuilder k = Keys(tenant);
  std::vector<redis::Command> reads;
  reads.reserve(unit_years.size());
  for (const auto& [unit, year] : unit_years) reads.push_back({"HGETALL", k.Key("m", unit, absl::StrCat(year))});
  if (reads.empty()) return std::vector<std::vector<std::pair<std::string, std::string>>>{};
  auto replies = redis_->Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    if (r.is_error()) return redis::ReplyStatus(r);
  }
  return Pairs(*replies);
}

absl::StatusOr<std::string> PerformanceStore::GetCurrent(const RecordSlot& slot) {
  auto r = redis_->Run({"HGET", slot.key, slot.field});
  if (!r.ok()) return r.status();
  if (r->is_error()) return redis::ReplyStatus(*r);
  if (!r->is_string()) return absl::NotFoundError("not recorded");
  return r->str;
}

absl::StatusOr<std::vector<std::string>> PerformanceStore::GetRevisions(const RecordSlot& slot, int before) {
  std::vector<std::string> out;
  if (before <= 1) return out;
  redis::Command cmd = {"HMGET", slot.revisions_key};
  for (int r = 1; r < before; ++r) cmd.push_back(absl::StrCat(slot.field, "|", r));
  auto reply = redis_->Run(cmd);
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return redis::ReplyStatus(*reply);
  for (const auto& e : reply->elements) {
    if (e.is_string()) out.push_back(e.str);
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<std::pair<std::string, std::string>>>> PerformanceStore::ReadSkp(
    const std::string& tenant, const std::vector<std::string>& nips) {
  const KeyBuilder k = Keys(tenant);
  std::vector<redis::Command> reads;
  for (const auto& nip : nips) reads.push_back({"HGETALL", k.Key("skp", nip)});
  if (reads.empty()) return std::vector<std::vector<std::pair<std::string, std::string>>>{};
  auto replies = redis_->Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    if (r.is_error()) return redis::ReplyStatus(r);
  }
  return Pairs(*replies);
}

}  // namespace pelita::performance
