#ifndef PELITA_LIB_IDS_SLUG_H_
#define PELITA_LIB_IDS_SLUG_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pelita {

// Validates a resource id chosen by a client (AIP-122): 1-63 characters of
// lower-case letters, digits and '-', starting with a letter or digit and not
// ending with '-'.  `field` names the request field in the error.
absl::Status ValidateSlug(absl::string_view field, absl::string_view id);

}  // namespace pelita

#endif  // PELITA_LIB_IDS_SLUG_H_
