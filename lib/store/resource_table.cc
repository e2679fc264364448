#include "lib/store/resource_table.h"

#include <algorithm>

namespace pelita::store {
namespace {

// KEYS: hash, index, then one key per index op.
// ARGV: mode, id, expected bytes, new bytes, label, then kind, member and
// value per op.
redis::Script kWrite(R"lua(
local mode, id, expected, bytes, label = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local cur = redis.call('HGET', KEYS[1], id)
if mode == 'insert' then
  if cur then return redis.error_reply('ALREADY_EXISTS ' .. label .. ' already exists') end
else
  if not cur then return redis.error_reply('NOT_FOUND ' .. label .. ' not found') end
  if cur ~= expected then return redis.error_reply('ABORTED ' .. label .. ' changed concurrently') end
end
if mode == 'delete' then
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
else
  redis.call('HSET', KEYS[1], id, bytes)
  redis.call('ZADD', KEYS[2], 0, id)
end
for i = 3, #KEYS do
  local kind = ARGV[6 + (i - 3) * 3]
  local member = ARGV[7 + (i - 3) * 3]
  if kind == 'sadd' then redis.call('SADD', KEYS[i], member)
  elseif kind == 'srem' then redis.call('SREM', KEYS[i], member)
  elseif kind == 'zadd' then redis.call('ZADD', KEYS[i], 0, member)
  elseif kind == 'zrem' then redis.call('ZREM', KEYS[i], member)
  elseif kind == 'hset' then redis.call('HSET', KEYS[i], member, ARGV[8 + (i - 3) * 3])
  end
end
return 1
)lua");

// KEYS: hash, index.  ARGV: exclusive start id ('' = from the start), limit.
// Returns id1, bytes1, id2, bytes2, ...
redis::Script kList(R"lua(
local start = ARGV[1] == '' and '-' or ('(' .. ARGV[1])
local ids = redis.call('ZRANGEBYLEX', KEYS[2], start, '+', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[1], id) or ''
end
return out
)lua");

const char* KindName(IndexOp::Kind k) {
  switch (k) {
    case IndexOp::Kind::kSetAdd: return "sadd";
    case IndexOp::Kind::kSetRemove: return "srem";
    case IndexOp::Kind::kLexAdd: return "zadd";
    case IndexOp::Kind::kLexRemove: return "zrem";
    case IndexOp::Kind::kHashSet: return "hset";
  }
  return "";
}

}  // namespace

ResourceTable::ResourceTable(redis::Client* redis, std::string kind, std::string hash_key,
                             std::string index_key)
    : redis_(redis), kind_(std::move(kind)), hash_key_(std::move(hash_key)),
      index_key_(std::move(index_key)) {}

absl::StatusOr<std::string> ResourceTable::GetRaw(const std::string& id) const {
  auto reply = redis_->Run({"HGET", hash_key_, id});
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return redis::ReplyStatus(*reply);
  if (reply->is_nil()) return absl::NotFoundError(absl::StrCat(kind_, " ", id, " not found"));
  return std::move(reply->str);
}

absl::Status ResourceTable::Write(const char* mode, const std::string& id,
                                  const std::string& expected, const std::string& bytes,
                                  const std::vector<IndexOp>& ops) {
  std::vector<std::string> keys = {hash_key_, index_key_};
  std::vector<std::string> args = {mode, id, expected, bytes, absl::StrCat(kind_, " ", id)};
  for (const IndexOp& op : ops) {
    keys.push_back(op.key);
    args.push_back(KindName(op.kind));
    args.push_back(op.member);
    args.push_back(op.value);
  }
  auto reply = redis_->Eval(kWrite, keys, args);
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::Status ResourceTable::Insert(const std::string& id, const std::string& bytes,
                                   const std::vector<IndexOp>& ops) {
  return Write("insert", id, "", bytes, ops);
}

absl::Status ResourceTable::Replace(const std::string& id, const std::string& expected,
                                    const std::string& bytes, const std::vector<IndexOp>& ops) {
  return Write("replace", id, expected, bytes, ops);
}

absl::Status ResourceTable::Remove(const std::string& id, const std::string& expected,
                                   const std::vector<IndexOp>& ops) {
  return Write("delete", id, expected, "", ops);
}

absl::StatusOr<ResourceTable::Page> ResourceTable::List(int page_size,
                                                        const std::string& page_token) const {
  auto size = EffectivePageSize(page_size);
  if (!size.ok()) return size.status();
  std::string start;
  if (!page_token.empty()) {
    auto decoded = DecodePageToken(page_token);
    if (!decoded.ok()) return decoded.status();
    start = *decoded;
  }
  // Ask for one more than the page to know whether another page follows.
  auto reply = redis_->Eval(kList, {hash_key_, index_key_}, {start, absl::StrCat(*size + 1)});
  if (!reply.ok()) return reply.status();
  Page page;
  const auto& e = reply->elements;
  for (size_t i = 0; i + 1 < e.size() && page.items.size() < static_cast<size_t>(*size); i += 2) {
    page.items.emplace_back(e[i].str, e[i + 1].str);
  }
  if (e.size() / 2 > static_cast<size_t>(*size)) {
    page.next_page_token = EncodePageToken(page.items.back().first);
  }
  return page;
}

}  // namespace pelita::store
