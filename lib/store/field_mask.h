#ifndef PELITA_LIB_STORE_FIELD_MASK_H_
#define PELITA_LIB_STORE_FIELD_MASK_H_

#include <string>
#include <vector>

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace pelita::store {

// AIP-134 partial update: copies the fields named by `mask` from `patch` into
// `target` (message and repeated fields are replaced, not merged).  An empty
// mask means every field that is set in `patch`; the mask `*` means every
// field, set or not (full replacement).  Paths in `output_only` are
// never copied (name, create_time, ...).  An unknown path is
// INVALID_ARGUMENT with a field violation on `mask_field`.
absl::Status ApplyFieldMask(const google::protobuf::Message& patch,
                            const google::protobuf::FieldMask& mask,
                            const std::vector<std::string>& output_only,
                            google::protobuf::Message* target,
                            const std::string& mask_field = "update_mask");

}  // namespace pelita::store

#endif  // PELITA_LIB_STORE_FIELD_MASK_H_
