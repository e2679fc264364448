#include "gateway/upload_framing.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/json_check.h"
#include "gateway/policy.h"

namespace pelita::gateway {

absl::StatusOr<std::string> EncodeRequest(const Route& route, absl::string_view json, absl::string_view query,
                                          const Bindings& bindings, absl::string_view tenant,
                                          absl::string_view where, BuildOptions options) {
  std::unique_ptr<google::protobuf::Message> msg = NewMessage(route.method->input_type());
  if (auto s = BuildRequest(route, json, query, bindings, msg.get(), options); !s.ok()) {
    if (where.empty()) return s;
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", s.message()));
  }
  std::vector<std::string> tenants;
  TenantsIn(*msg, &tenants);
  if (auto s = CheckBodyTenants(tenants, tenant); !s.ok()) return s;
  return msg->SerializeAsString();
}

UploadEncoder::UploadEncoder(const Route& route, BodyMode mode, std::string query, Bindings bindings,
                             std::string tenant, uint64_t max_line_bytes)
    : route_(route),
      mode_(mode),
      query_(std::move(query)),
      bindings_(std::move(bindings)),
      tenant_(std::move(tenant)),
      max_line_bytes_(max_line_bytes) {
  const auto* f = route.method->input_type()->FindFieldByName("upload_truncated");
  if (f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_BOOL && !f->is_repeated()) {
    truncated_field_ = f;
  }
}

std::string UploadEncoder::TruncatedMessage() const {
  if (truncated_field_ == nullptr) return "";
  std::unique_ptr<google::protobuf::Message> msg = NewMessage(route_.method->input_type());
  msg->GetReflection()->SetBool(msg.get(), truncated_field_, true);
  return msg->SerializeAsString();
}

absl::Status UploadEncoder::EncodeWhole(absl::string_view body, std::vector<std::string>* out) {
  if (mode_ != BodyMode::kBatch) {
    auto m = EncodeRequest(route_, body, query_, bindings_, tenant_, mode_ == BodyMode::kUnary ? "" : "body");
    if (!m.ok()) return m.status();
    out->push_back(*std::move(m));
    return absl::OkStatus();
  }
  auto items = BatchItems(body);
  if (!items.ok()) return items.status();
  BuildOptions checked;
  checked.body_checked = true;
  for (size_t i = 0; i < items->size(); ++i) {
    auto m = EncodeRequest(route_, (*items)[i], query_, bindings_, tenant_, absl::StrCat("requests[", i, "]"),
                           checked);
    if (!m.ok()) return m.status();
    out->push_back(*std::move(m));
  }
  return absl::OkStatus();
}

absl::Status UploadEncoder::Line(absl::string_view line, std::vector<std::string>* out) {
  ++line_no_;
  // The limit holds for a line however it arrived: whole in one piece, or
  // gathered from several (Feed checks the part still pending).
  if (line.size() > max_line_bytes_) {
    return absl::InvalidArgumentError(absl::StrCat("line ", line_no_, ": longer than ", max_line_bytes_, " bytes"));
  }
  line = absl::StripAsciiWhitespace(line);
  if (line.empty()) return absl::OkStatus();
  auto m = EncodeRequest(route_, line, query_, bindings_, tenant_, absl::StrCat("line ", line_no_));
  if (!m.ok()) return m.status();
  out->push_back(*std::move(m));
  return absl::OkStatus();
}

absl::Status UploadEncoder::Feed(absl::string_view piece, bool last, std::vector<std::string>* out) {
  if (mode_ == BodyMode::kCsv) {
    if (piece.empty() && !(last && first_)) return absl::OkStatus();
    std::unique_ptr<google::protobuf::Message> msg = NewMessage(route_.method->input_type());
    if (first_) {
      // The first message names where the rows go: path and query fields.
      BuildOptions upload;
      upload.upload = true;
      auto first = EncodeRequest(route_, "", query_, bindings_, tenant_, "", upload);
      if (!first.ok()) return first.status();
      if (!msg->ParseFromString(*first)) return absl::InternalError("request does not parse back");
      first_ = false;
    }
    msg->GetReflection()->SetString(msg.get(), route_.chunk_field, std::string(piece));
    out->push_back(msg->SerializeAsString());
    return absl::OkStatus();
  }
  // NDJSON: complete lines, wherever the pieces were cut.
  size_t start = 0;
  if (!pending_.empty()) {
    size_t nl = piece.find('\n');
    if (nl == absl::string_view::npos) {
      pending_.append(piece.data(), piece.size());
      start = piece.size();
    } else {
      pending_.append(piece.data(), nl);
      std::string line = std::move(pending_);
      pending_.clear();
      if (auto s = Line(line, out); !s.ok()) return s;
      start = nl + 1;
    }
  }
  if (pending_.empty()) {
    for (;;) {
      size_t nl = piece.find('\n', start);
      if (nl == absl::string_view::npos) break;
      if (auto s = Line(piece.substr(start, nl - start), out); !s.ok()) return s;
      start = nl + 1;
    }
    pending_.assign(piece.data() + start, piece.size() - start);
  }
  if (pending_.size() > max_line_bytes_) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line_no_ + 1, ": longer than ", max_line_bytes_, " bytes"));
  }
  if (last && !pending_.empty()) {
    std::string line = std::move(pending_);
    pending_.clear();
    return Line(line, out);
  }
  return absl::OkStatus();
}

}  // namespace pelita::gateway
