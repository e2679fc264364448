#ifndef PELITA_LIB_STORE_RESOURCE_TABLE_H_
#define PELITA_LIB_STORE_RESOURCE_TABLE_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "lib/redis/redis.h"
#include "lib/store/cas.h"
#include "lib/store/paging.h"

namespace pelita::store {

// A change to a secondary index (a set or a lexicographic sorted set) that is
// applied atomically with a write to a table.
struct IndexOp {
  // kHashSet sets field `member` of hash `key` to `value`.
  enum class Kind { kSetAdd, kSetRemove, kLexAdd, kLexRemove, kHashSet };
  Kind kind;
  std::string key;
  std::string member;
  std::string value = "";
};

// Serialized protobuf resources of one kind in Redis: a hash id -> bytes and
// a sorted set of the ids (all scores 0, so ordered by id) for paging.  Every
// write is one Lua script: it checks the precondition (absent for insert, the
// bytes the caller read for replace and remove, so concurrent updates cannot
// overwrite each other silently) and applies the write and its index changes
// atomically.  Both keys must share a hash tag.
class ResourceTable {
 public:
  // `kind` names the resource in error messages ("unit").
  ResourceTable(redis::Client* redis, std::string kind, std::string hash_key,
                std::string index_key);

  absl::StatusOr<std::string> GetRaw(const std::string& id) const;
  // ALREADY_EXISTS when the id is taken.
  absl::Status Insert(const std::string& id, const std::string& bytes,
                      const std::vector<IndexOp>& ops = {});
  // ABORTED when the stored bytes are no longer `expected`.
  absl::Status Replace(const std::string& id, const std::string& expected,
                       const std::string& bytes, const std::vector<IndexOp>& ops = {});
  absl::Status Remove(const std::string& id, const std::string& expected,
                      const std::vector<IndexOp>& ops = {});

  struct Page {
    std::vector<std::pair<std::string, std::string>> items;  // id, bytes
    std::string next_page_token;
  };
  // One round trip: ids after the token in order, with their bytes.
  absl::StatusOr<Page> List(int page_size, const std::string& page_token) const;

  template <typename M>
  absl::StatusOr<M> Get(const std::string& id) const {
    auto raw = GetRaw(id);
    if (!raw.ok()) return raw.status();
    M m;
    if (!m.ParseFromString(*raw)) return absl::DataLossError(absl::StrCat(kind_, " ", id, " is corrupt"));
    return m;
  }

  // Read-modify-write with optimistic concurrency: reads the resource, lets
  // `mutate` change it (returning an error aborts with nothing written), and
  // writes it if nobody else wrote in between; otherwise retries (RetryCas:
  // a `mutate` that answers ABORTED is retried like a lost race).  `ops`
  // receives the old and new versions and returns index changes.
  template <typename M>
  absl::StatusOr<M> Update(const std::string& id, const std::function<absl::Status(M&)>& mutate,
                           const std::function<std::vector<IndexOp>(const M&, const M&)>& ops =
                               nullptr) {
    return RetryCas(
        [&]() -> absl::StatusOr<M> {
          auto raw = GetRaw(id);
          if (!raw.ok()) return raw.status();
          M old;
          if (!old.ParseFromString(*raw)) return absl::DataLossError(absl::StrCat(kind_, " ", id, " is corrupt"));
          M updated = old;
          if (absl::Status s = mutate(updated); !s.ok()) return s;
          absl::Status s = Replace(id, *raw, updated.SerializeAsString(),
                                   ops ? ops(old, updated) : std::vector<IndexOp>{});
          if (!s.ok()) return s;
          return updated;
        },
        CasOptions{CasOptions{}.max_attempts, absl::StrCat(kind_, " ", id)});
  }

  const std::string& hash_key() const { return hash_key_; }

  const std::string& index_key() const { return index_key_; }

 private:
  absl::Status Write(const char* mode, const std::string& id, const std::string& expected,
                     const std::string& bytes, const std::vector<IndexOp>& ops);

  redis::Client* redis_;
  std::string kind_;
  std::string hash_key_;
  std::string index_key_;
};

}  // namespace pelita::store

#endif  // PELITA_LIB_STORE_RESOURCE_TABLE_H_
