#ifndef PELITA_GATEWAY_DOWNLOAD_H_
#define PELITA_GATEWAY_DOWNLOAD_H_

#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::gateway {

// A document an RPC returns as `pelita.type.v1.HttpBody` (the report
// service's PDFs and workbooks), as the HTTP answer carries it: the bytes
// as the body, never JSON.
struct Download {
  std::string content_type;
  std::string body;
  // Content-Disposition, X-Content-Type-Options, Cache-Control.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Whether an RPC's response type is a download.
bool IsDownload(const google::protobuf::Descriptor* response_type);

// The answer for a serialized HttpBody.  INTERNAL when it does not parse
// or names no content type (a service's bug, not the caller's).  The file
// name is reduced to a safe ASCII name (letters, digits, `.`, `-`, `_`;
// anything else becomes `_`), so no header can be split or a path given.
absl::StatusOr<Download> DownloadFromHttpBody(const std::string& serialized);

// The data of a later piece of a server-streaming download (its type and
// name come with the first).  INTERNAL when it does not parse.
absl::StatusOr<std::string> DownloadPieceData(const std::string& serialized);

// The file name as it goes into Content-Disposition (exposed for tests).
std::string SafeFilename(absl::string_view name);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_DOWNLOAD_H_
