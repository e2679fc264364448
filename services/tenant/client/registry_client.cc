#include "services/tenant/client/registry_client.h"

#include "absl/strings/str_cat.h"
#include "lib/log/log.h"
#include "lib/status/status.h"
#include "lib/tenancy/key_builder.h"
#include "lib/time/time.h"

namespace pelita::tenant {
namespace {

// "tenants/1504" -> "1504".
std::string CodeOf(const v1::Tenant& t) {
  const std::string& name = t.name();
  return name.rfind("tenants/", 0) == 0 ? name.substr(8) : name;
}

int64_t UpdateNanos(const v1::Tenant& t) {
  return t.update_time().seconds() * 1000000000LL + t.update_time().nanos();
}

}  // namespace

absl::StatusOr<absl::TimeZone> TenantRegistry::TimeZoneOf(const std::string& code) {
  auto t = Get(code);
  if (!t.ok()) return t.status();
  return TenantTimeZone(*t);
}

FixedRegistry::FixedRegistry(std::vector<v1::Tenant> tenants) {
  for (const auto& t : tenants) Put(t);
}

void FixedRegistry::Put(const v1::Tenant& tenant) {
  absl::MutexLock lock(&mu_);
  tenants_[CodeOf(tenant)] = tenant;
}

std::vector<std::string> FixedRegistry::Tenants() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [code, t] : tenants_) out.push_back(code);
  return out;
}

absl::StatusOr<v1::Tenant> FixedRegistry::Get(const std::string& code) {
  absl::MutexLock lock(&mu_);
  auto it = tenants_.find(code);
  if (it == tenants_.end()) return absl::NotFoundError(absl::StrCat("tenants/", code, " is not in the registry"));
  return it->second;
}

RegistryClient::RegistryClient(std::shared_ptr<grpc::Channel> channel, redis::Client* redis, Options options)
    : stub_(v1::TenantService::NewStub(channel)), options_(options) {
  if (redis != nullptr) {
    platform_ = std::make_unique<events::FixedTenants>(std::vector<std::string>{kPlatformScope});
    events::FollowerOptions fo;
    fo.service = "registry-client";
    fo.delivery = events::FollowerOptions::Delivery::kEveryProcess;
    fo.idle_poll = options_.event_poll;
    follower_ = std::make_unique<events::Follower>(
        redis, platform_.get(), "tenant",
        [](const std::string&) { return KeyBuilder::Platform("tenant").Key("events"); }, fo);
    follower_->On<v1::TenantCreated>([this](const events::EventContext&, const v1::TenantCreated& e) {
      Upsert(e.tenant());
      return absl::OkStatus();
    });
    follower_->On<v1::TenantUpdated>([this](const events::EventContext&, const v1::TenantUpdated& e) {
      Upsert(e.tenant());
      return absl::OkStatus();
    });
  }
}

RegistryClient::~RegistryClient() { Stop(); }

absl::Status RegistryClient::Start() {
  // The follower first notes where the stream ends, then the list is read:
  // an event published in between is seen by the follower, not lost.
  if (follower_) (void)follower_->PollOnce();
  absl::Status loaded = Refresh();
  if (follower_) follower_->Start();
  refresher_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(options_.refresh)) {
      if (absl::Status s = Refresh(); !s.ok()) {
        LogWarning("registry: list failed; keeping the cached tenants", {{"error", s.ToString()}});
      }
    }
  });
  return loaded;
}

void RegistryClient::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (follower_) follower_->Stop();
  if (refresher_.joinable()) refresher_.join();
}

absl::Status RegistryClient::Refresh() {
  absl::btree_map<std::string, v1::Tenant> all;
  std::string token;
  do {
    v1::ListTenantsRequest req;
    req.set_page_size(1000);
    req.set_page_token(token);
    v1::ListTenantsResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.rpc_timeout));
    grpc::Status s = stub_->ListTenants(&ctx, req, &resp);
    if (!s.ok()) return FromGrpcStatus(s);
    for (const auto& t : resp.tenants()) all[CodeOf(t)] = t;
    token = resp.next_page_token();
  } while (!token.empty());
  absl::MutexLock lock(&mu_);
  // An event newer than the list (update_time later) wins.
  for (auto& [code, t] : all) {
    auto it = cache_.find(code);
    if (it != cache_.end() && UpdateNanos(it->second) > UpdateNanos(t)) {
      t = it->second;
    }
  }
  cache_ = std::move(all);
  return absl::OkStatus();
}

void RegistryClient::Upsert(const v1::Tenant& tenant) {
  absl::MutexLock lock(&mu_);
  v1::Tenant& slot = cache_[CodeOf(tenant)];
  // The list may already hold a newer version than a late event.
  if (UpdateNanos(slot) <= UpdateNanos(tenant)) slot = tenant;
}

std::vector<std::string> RegistryClient::Tenants() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  out.reserve(cache_.size());
  for (const auto& [code, t] : cache_) out.push_back(code);
  return out;
}

absl::StatusOr<v1::Tenant> RegistryClient::Get(const std::string& code) {
  absl::MutexLock lock(&mu_);
  auto it = cache_.find(code);
  if (it == cache_.end()) return absl::NotFoundError(absl::StrCat("tenants/", code, " is not in the registry"));
  return it->second;
}

absl::Status RegistryClient::Check(const std::string& code) {
  {
    absl::MutexLock lock(&mu_);
    if (cache_.contains(code)) return absl::OkStatus();
  }
  v1::GetTenantRequest req;
  req.set_name(absl::StrCat("tenants/", code));
  v1::Tenant tenant;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(options_.rpc_timeout));
  grpc::Status s = stub_->GetTenant(&ctx, req, &tenant);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError(absl::StrCat("tenants/", code, " is not in the registry"));
  }
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the tenant registry cannot say whether tenants/", code, " exists: ", s.error_message()));
  }
  Upsert(tenant);
  return absl::OkStatus();
}

}  // namespace pelita::tenant
