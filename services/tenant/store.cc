#include "services/tenant/store.h"

#include "absl/strings/str_cat.h"
#include "lib/events/publish.h"
#include "lib/tenancy/key_builder.h"

namespace pelita::tenant {
namespace {

const KeyBuilder& Keys() {
  static const auto* k = new KeyBuilder(KeyBuilder::Platform("tenant"));
  return *k;
}

// KEYS: tenants, index, events.  ARGV: code, bytes, event (3 values).
redis::Script g_create(absl::StrCat(events::kPublishLua, R"(
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return redis.error_reply('ALREADY_EXISTS tenants/' .. ARGV[1] .. ' already exists')
end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
pelita_publish(KEYS[3], 3)
return 1
)"));

// KEYS: tenants, events.  ARGV: code, expected bytes, new bytes, event (3 values).
redis::Script g_replace(absl::StrCat(events::kPublishLua, R"(
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return redis.error_reply('NOT_FOUND tenants/' .. ARGV[1] .. ' does not exist') end
if cur ~= ARGV[2] then return redis.error_reply('ABORTED tenants/' .. ARGV[1] .. ' changed meanwhile') end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
pelita_publish(KEYS[2], 4)
return 1
)"));

}  // namespace

TenantStore::TenantStore(redis::Client* redis)
    : redis_(redis), table_(redis, "tenant", Keys().Key("tenants"), Keys().Key("index")) {}

std::string TenantStore::EventStreamKey() { return Keys().Key("events"); }

absl::Status TenantStore::Create(const std::string& code, const v1::Tenant& tenant) {
  v1::TenantCreated event;
  *event.mutable_tenant() = tenant;
  std::vector<std::string> argv = {code, tenant.SerializeAsString()};
  events::AppendPublishArgs(event, &argv);
  return redis_->Eval(g_create, {table_.hash_key(), table_.index_key(), EventStreamKey()}, argv).status();
}

absl::StatusOr<std::string> TenantStore::GetRaw(const std::string& code) const {
  auto raw = table_.GetRaw(code);
  if (raw.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("tenants/", code, " does not exist"));
  }
  return raw;
}

absl::StatusOr<v1::Tenant> TenantStore::Get(const std::string& code) const {
  auto raw = GetRaw(code);
  if (!raw.ok()) return raw.status();
  v1::Tenant t;
  if (!t.ParseFromString(*raw)) return absl::DataLossError(absl::StrCat("tenants/", code, " is corrupt"));
  return t;
}

absl::Status TenantStore::Replace(const std::string& code, const std::string& expected,
                                  const v1::Tenant& updated, const google::protobuf::FieldMask& mask) {
  v1::TenantUpdated event;
  *event.mutable_tenant() = updated;
  *event.mutable_update_mask() = mask;
  std::vector<std::string> argv = {code, expected, updated.SerializeAsString()};
  events::AppendPublishArgs(event, &argv);
  return redis_->Eval(g_replace, {table_.hash_key(), EventStreamKey()}, argv).status();
}

absl::StatusOr<TenantStore::Page> TenantStore::List(int page_size, const std::string& page_token) const {
  auto page = table_.List(page_size, page_token);
  if (!page.ok()) return page.status();
  Page out;
  out.next_page_token = page->next_page_token;
  for (const auto& [code, bytes] : page->items) {
    v1::Tenant t;
    if (!t.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("tenants/", code, " is corrupt"));
    out.tenants.push_back(std::move(t));
  }
  return out;
}

}  // namespace pelita::tenant
