#ifndef PELITA_LIB_STORE_PAGING_H_
#define PELITA_LIB_STORE_PAGING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::store {

// AIP-158 paging: page_size 0 means the default, above the maximum it is
// coerced down, negative is INVALID_ARGUMENT.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;
absl::StatusOr<int> EffectivePageSize(int page_size);

// Page tokens are opaque to clients: the web-safe base64 of the last key of
// the previous page, behind a version tag.
std::string EncodePageToken(absl::string_view last_key);
absl::StatusOr<std::string> DecodePageToken(absl::string_view token);

}  // namespace pelita::store

#endif  // PELITA_LIB_STORE_PAGING_H_
