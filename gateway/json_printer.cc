#include "gateway/json_printer.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace pelita::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void AppendString(absl::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// The shortest text that reads back as the same value, as protobuf prints
// it; NaN and the infinities are strings in proto3 JSON.
template <typename T>
void AppendFloat(T v, std::string* out) {
  if (std::isnan(v)) return out->append("\"NaN\""), void();
  if (std::isinf(v)) return out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\""), void();
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// 0, 3, 6 or 9 fractional digits, as protobuf does for Timestamp and Duration.
void AppendNanos(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  if (nanos % 1000000 == 0) {
    absl::StrAppendFormat(out, ".%03d", nanos / 1000000);
  } else if (nanos % 1000 == 0) {
    absl::StrAppendFormat(out, ".%06d", nanos / 1000);
  } else {
    absl::StrAppendFormat(out, ".%09d", nanos);
  }
}

// snake_case path -> lowerCamelCase, as protobuf writes FieldMask paths.
std::string CamelPath(absl::string_view path) {
  std::string out;
  bool upper = false;
  for (char c : path) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

class Printer {
 public:
  explicit Printer(std::string* out) : out_(out) {}

  absl::Status Message(const google::protobuf::Message& m) {
    const Descriptor* d = m.GetDescriptor();
    const Reflection* r = m.GetReflection();
    if (d->file()->name().rfind("google/protobuf/", 0) == 0) {
      if (auto special = WellKnown(m, d, r); special.has_value()) return *special;
    }
    std::vector<const FieldDescriptor*> fields;
    r->ListFields(m, &fields);
    out_->push_back('{');
    bool first = true;
    for (const FieldDescriptor* f : fields) {
      if (f->is_extension()) continue;
      if (!first) out_->push_back(',');
      first = false;
      AppendString(f->json_name(), out_);
      out_->push_back(':');
      absl::Status s;
      if (f->is_map()) {
        s = Map(m, r, f);
      } else if (f->is_repeated()) {
        out_->push_back('[');
        for (int i = 0, n = r->FieldSize(m, f); i < n; ++i) {
          if (i > 0) out_->push_back(',');
          if (s = Value(m, r, f, i); !s.ok()) break;
        }
        out_->push_back(']');
      } else {
        s = Value(m, r, f, -1);
      }
      if (!s.ok()) return s;
    }
    out_->push_back('}');
    return absl::OkStatus();
  }

 private:
  // One value of field f: the singular value when index < 0, else element i.
  absl::Status Value(const google::protobuf::Message& m, const Reflection* r, const FieldDescriptor* f,
                     int i) {
    const bool rep = i >= 0;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        absl::StrAppend(out_, rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        absl::StrAppend(out_, rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        absl::StrAppend(out_, "\"", rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f), "\"");
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        absl::StrAppend(out_, "\"", rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f), "\"");
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        AppendFloat(rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f), out_);
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        AppendFloat(rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f), out_);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append((rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f)) ? "true" : "false");
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int number = rep ? r->GetRepeatedEnumValue(m, f, i) : r->GetEnumValue(m, f);
        if (f->enum_type()->full_name() == "google.protobuf.NullValue") {
          out_->append("null");
          break;
        }
        const auto* v = f->enum_type()->FindValueByNumber(number);
        if (v != nullptr) {
          AppendString(v->name(), out_);
        } else {
          absl::StrAppend(out_, number);
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& s = rep ? r->GetRepeatedStringReference(m, f, i, &scratch)
                                   : r->GetStringReference(m, f, &scratch);
        if (f->type() == FieldDescriptor::TYPE_BYTES) {
          AppendString(absl::Base64Escape(s), out_);
        } else {
          AppendString(s, out_);
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return Message(rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f));
    }
    return absl::OkStatus();
  }

  // A map is an object keyed by the key's text (numbers and bools as text).
  absl::Status Map(const google::protobuf::Message& m, const Reflection* r, const FieldDescriptor* f) {
    const FieldDescriptor* key = f->message_type()->map_key();
    const FieldDescriptor* value = f->message_type()->map_value();
    out_->push_back('{');
    for (int i = 0, n = r->FieldSize(m, f); i < n; ++i) {
      const google::protobuf::Message& entry = r->GetRepeatedMessage(m, f, i);
      const Reflection* er = entry.GetReflection();
      if (i > 0) out_->push_back(',');
      switch (key->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: AppendString(er->GetString(entry, key), out_); break;
        case FieldDescriptor::CPPTYPE_BOOL: out_->append(er->GetBool(entry, key) ? "\"true\"" : "\"false\""); break;
        case FieldDescriptor::CPPTYPE_INT32: absl::StrAppend(out_, "\"", er->GetInt32(entry, key), "\""); break;
        case FieldDescriptor::CPPTYPE_UINT32: absl::StrAppend(out_, "\"", er->GetUInt32(entry, key), "\""); break;
        case FieldDescriptor::CPPTYPE_INT64: absl::StrAppend(out_, "\"", er->GetInt64(entry, key), "\""); break;
        case FieldDescriptor::CPPTYPE_UINT64: absl::StrAppend(out_, "\"", er->GetUInt64(entry, key), "\""); break;
        default: return absl::InternalError("unsupported map key type");
      }
      out_->push_back(':');
      if (auto s = Value(entry, er, value, -1); !s.ok()) return s;
    }
    out_->push_back('}');
    return absl::OkStatus();
  }

  // The special JSON forms; nullopt for an ordinary message of that file.
  std::optional<absl::Status> WellKnown(const google::protobuf::Message& m, const Descriptor* d,
                                        const Reflection* r) {
    const std::string& name = d->full_name();
    if (name == "google.protobuf.Timestamp") {
      const int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
      const int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
      // The range protobuf accepts: 0001-01-01 to 9999-12-31.
      if (seconds < -62135596800 || seconds > 253402300799 || nanos < 0 || nanos > 999999999) {
        return absl::InternalError("timestamp out of range");
      }
      out_->push_back('"');
      out_->append(absl::FormatTime("%4Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(seconds), absl::UTCTimeZone()));
      AppendNanos(nanos, out_);
      out_->append("Z\"");
      return absl::OkStatus();
    }
    if (name == "google.protobuf.Duration") {
      const int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
      const int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
      if (seconds < -315576000000 || seconds > 315576000000 || nanos < -999999999 || nanos > 999999999 ||
          (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
        return absl::InternalError("duration out of range");
      }
      out_->push_back('"');
      if (seconds < 0 || nanos < 0) out_->push_back('-');
      absl::StrAppend(out_, seconds < 0 ? -seconds : seconds);
      AppendNanos(nanos < 0 ? -nanos : nanos, out_);
      out_->append("s\"");
      return absl::OkStatus();
    }
    if (name == "google.protobuf.FieldMask") {
      const FieldDescriptor* paths = d->FindFieldByNumber(1);
      std::string joined;
      for (int i = 0, n = r->FieldSize(m, paths); i < n; ++i) {
        if (i > 0) joined.push_back(',');
        joined += CamelPath(r->GetRepeatedString(m, paths, i));
      }
      AppendString(joined, out_);
      return absl::OkStatus();
    }
    if (name == "google.protobuf.Empty") {
      out_->append("{}");
      return absl::OkStatus();
    }
    if (absl::EndsWith(name, "Value") && d->field_count() == 1 && d->field(0)->name() == "value" &&
        name != "google.protobuf.Value") {
      // DoubleValue, Int64Value, StringValue, ...: the bare value.
      return Value(m, r, d->field(0), -1);
    }
    if (name == "google.protobuf.Struct" || name == "google.protobuf.Value" ||
        name == "google.protobuf.ListValue" || name == "google.protobuf.Any") {
      std::string json;
      auto s = google::protobuf::util::MessageToJsonString(m, &json);
      if (!s.ok()) return absl::InternalError(std::string(s.message()));
      out_->append(json);
      return absl::OkStatus();
    }
    return std::nullopt;
  }

  std::string* out_;
};

}  // namespace

absl::Status AppendMessageJson(const google::protobuf::Message& message, std::string* out) {
  return Printer(out).Message(message);
}

}  // namespace pelita::gateway
