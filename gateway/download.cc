#include "gateway/download.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pelita/type/v1/http_body.pb.h"

namespace pelita::gateway {

bool IsDownload(const google::protobuf::Descriptor* response_type) {
  return response_type != nullptr && response_type->full_name() == "pelita.type.v1.HttpBody";
}

std::string SafeFilename(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name.substr(0, 120)) {
    const bool ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    out.push_back(ok ? c : '_');
  }
  // A name of dots alone ("..") would be a path element, not a file.
  if (out.find_first_not_of('.') == std::string::npos) out = "dokumen";
  return out;
}

absl::StatusOr<Download> DownloadFromHttpBody(const std::string& serialized) {
  pelita::type::v1::HttpBody body;
  if (!body.ParseFromString(serialized)) return absl::InternalError("the service's document does not parse");
  if (body.content_type().empty() ||
      body.content_type().find_first_of("\r\n") != std::string::npos) {
    return absl::InternalError("the service's document has no valid content type");
  }
  Download d;
  d.content_type = body.content_type();
  d.body = std::move(*body.mutable_data());
  const std::string name = SafeFilename(body.filename().empty() ? "dokumen" : body.filename());
  d.headers.emplace_back("Content-Disposition",
                         absl::StrCat(body.inline_() ? "inline" : "attachment", "; filename=\"", name, "\""));
  d.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // Documents hold personal data (names, NIPs): not for shared caches.
  d.headers.emplace_back("Cache-Control", "private, no-store");
  return d;
}

absl::StatusOr<std::string> DownloadPieceData(const std::string& serialized) {
  pelita::type::v1::HttpBody piece;
  if (!piece.ParseFromString(serialized)) return absl::InternalError("a piece of the document does not parse");
  return std::move(*piece.mutable_data());
}

}  // namespace pelita::gateway
