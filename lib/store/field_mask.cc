#include "lib/store/field_mask.h"

#include <google/protobuf/util/field_mask_util.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lib/status/status.h"

namespace pelita::store {

using google::protobuf::FieldMask;
using google::protobuf::util::FieldMaskUtil;

absl::Status ApplyFieldMask(const google::protobuf::Message& patch, const FieldMask& mask,
                            const std::vector<std::string>& output_only,
                            google::protobuf::Message* target, const std::string& mask_field) {
  FieldMask effective;
  if (mask.paths_size() == 0) {
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    patch.GetReflection()->ListFields(patch, &fields);
    for (const auto* f : fields) effective.add_paths(f->name());
  } else if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    // AIP-134 full replacement: every field, set or not.
    const google::protobuf::Descriptor* d = patch.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) effective.add_paths(d->field(i)->name());
  } else {
    for (const std::string& path : mask.paths()) {
      if (!FieldMaskUtil::GetFieldDescriptors(patch.GetDescriptor(), path, nullptr)) {
        return InvalidField(mask_field, absl::StrCat("unknown field '", path, "'"));
      }
      effective.add_paths(path);
    }
  }
  FieldMask filtered;
  for (const std::string& path : effective.paths()) {
    bool skip = std::any_of(output_only.begin(), output_only.end(), [&](const std::string& o) {
      return path == o || path.rfind(o + ".", 0) == 0;
    });
    if (!skip) filtered.add_paths(path);
  }
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, filtered, options, target);
  return absl::OkStatus();
}

}  // namespace pelita::store
