#include "gateway/routes.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "pelita/proto_registry.h"

#include <algorithm>

#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "gateway/json_check.h"
#include "gateway/utf8.h"
#include "google/api/annotations.pb.h"
#include "lib/log/log.h"

namespace pelita::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* FindField(const Descriptor* d, absl::string_view name) {
  const FieldDescriptor* f = d->FindFieldByName(std::string(name));
  if (f != nullptr) return f;
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->json_name() == name) return d->field(i);
  }
  return nullptr;
}

absl::Status Invalid(absl::string_view param, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(param, ": ", why));
}

// Walks a dotted field path to the message holding the last field.
absl::StatusOr<std::pair<Message*, const FieldDescriptor*>> Navigate(Message* m,
                                                                     absl::string_view path,
                                                                     absl::string_view param) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FindField(m->GetDescriptor(), parts[i]);
    if (f == nullptr) return Invalid(param, "no such field");
    if (i + 1 == parts.size()) return std::make_pair(m, f);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) {
      return Invalid(param, "not a message field");
    }
    m = m->GetReflection()->MutableMessage(m, f);
  }
  return Invalid(param, "empty field path");
}

google::protobuf::util::JsonParseOptions ParseOptions() {
  google::protobuf::util::JsonParseOptions o;
  o.ignore_unknown_fields = false;
  return o;
}

// Protobuf's JSON errors carry a code prefix ("INVALID_ARGUMENT:"); drop it.
std::string CleanJsonError(const google::protobuf::util::Status& s) {
  std::string m = s.message().as_string();
  absl::string_view v(m);
  absl::ConsumePrefix(&v, "INVALID_ARGUMENT:");
  return std::string(absl::StripAsciiWhitespace(v));
}

// Parses `{"<field>": <json>}` into a fresh message of m's type and merges it.
absl::Status MergeJsonField(Message* m, const FieldDescriptor* f, absl::string_view json,
                            absl::string_view param) {
  std::unique_ptr<Message> tmp(m->New());
  std::string doc = absl::StrCat("{\"", f->json_name(), "\":", json, "}");
  auto s = google::protobuf::util::JsonStringToMessage(doc, tmp.get(), ParseOptions());
  if (!s.ok()) return Invalid(param, CleanJsonError(s));
  m->MergeFrom(*tmp);
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<Message> NewMessage(const Descriptor* d) {
  if (d->file()->pool() == google::protobuf::DescriptorPool::generated_pool()) {
    const Message* proto = google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
    return std::unique_ptr<Message>(proto->New());
  }
  // Types of another pool (tests build request types the services do not
  // have yet): dynamic messages.
  static auto* factory = new google::protobuf::DynamicMessageFactory;
  static absl::Mutex mu(absl::kConstInit);
  absl::MutexLock lock(&mu);
  return std::unique_ptr<Message>(factory->GetPrototype(d)->New());
}

absl::Status SetFieldFromText(Message* message, absl::string_view field_path,
                              absl::string_view value, absl::string_view param) {
  auto nav = Navigate(message, field_path, param);
  if (!nav.ok()) return nav.status();
  auto [m, f] = *nav;
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  if (f->is_map()) return Invalid(param, "map fields cannot be set from a parameter");
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v(value);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        std::string raw;
        if (!absl::Base64Unescape(value, &raw) && !absl::WebSafeBase64Unescape(value, &raw)) {
          return Invalid(param, "not base64");
        }
        v = std::move(raw);
      }
      rep ? r->AddString(m, f, std::move(v)) : r->SetString(m, f, std::move(v));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return Invalid(param, "not an int32");
      rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return Invalid(param, "not an int64");
      rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) return Invalid(param, "not a uint32");
      rep ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return Invalid(param, "not a uint64");
      rep ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return Invalid(param, "not a number");
      rep ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(value, &v)) return Invalid(param, "not a number");
      rep ? r->AddFloat(m, f, v) : r->SetFloat(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (value == "true" || value == "1") {
        v = true;
      } else if (value == "false" || value == "0") {
        v = false;
      } else {
        return Invalid(param, "not a boolean");
      }
      rep ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* ev = f->enum_type()->FindValueByName(std::string(value));
      int n;
      if (ev == nullptr && absl::SimpleAtoi(value, &n)) ev = f->enum_type()->FindValueByNumber(n);
      if (ev == nullptr) {
        // A name in another case (`?format=pdf`, as people type it) is the
        // value it can only mean: the one name equal to it ignoring case.
        const google::protobuf::EnumValueDescriptor* only = nullptr;
        int matches = 0;
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
          if (absl::EqualsIgnoreCase(f->enum_type()->value(i)->name(), value)) {
            only = f->enum_type()->value(i);
            ++matches;
          }
        }
        if (matches == 1) ev = only;
      }
      if (ev == nullptr) {
        std::string names;
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
          absl::StrAppend(&names, i ? ", " : "", f->enum_type()->value(i)->name());
        }
        return Invalid(param, absl::StrCat("must be one of ", names));
      }
      rep ? r->AddEnum(m, f, ev) : r->SetEnum(m, f, ev);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Well-known types have a JSON string form (Timestamp, FieldMask, ...).
      std::string json = absl::StrCat("\"", JsonEscape(value), "\"");
      if (rep) json = absl::StrCat("[", json, "]");
      if (!rep) r->ClearField(m, f);
      return MergeJsonField(m, f, json, param);
    }
  }
  return Invalid(param, "unsupported field type");
}

// A FieldMask path names fields: snake_case names joined by '.', or "*"
// (AIP-161), in the form that survives the JSON mapping both ways.  Anything else could never match a field, and protobuf's JSON
// printer writes such a path back in a form of its own (quoted parts left
// alone), so it is refused here with the field it came in, never echoed
// (found by json_transcode_fuzzer).
bool IsFieldPath(absl::string_view path) {
  if (path == "*") return true;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (part.empty() || !(part[0] >= 'a' && part[0] <= 'z')) return false;
    for (size_t i = 0; i < part.size(); ++i) {
      const char c = part[i];
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue;
      // An underscore only before a lowercase letter, so that the path and
      // its lowerCamelCase JSON form turn into each other ("a__b", "a_",
      // "a_1" do not come back).
      if (c != '_' || i + 1 == part.size() || !(part[i + 1] >= 'a' && part[i + 1] <= 'z')) return false;
    }
  }
  return true;
}

absl::Status CheckFieldMasks(const Message& message, const std::string& prefix) {
  const Reflection* r = message.GetReflection();
  if (message.GetDescriptor()->full_name() == "google.protobuf.FieldMask") {
    const FieldDescriptor* paths = message.GetDescriptor()->FindFieldByNumber(1);
    for (int i = 0, n = r->FieldSize(message, paths); i < n; ++i) {
      const std::string& path = r->GetRepeatedString(message, paths, i);
      // And the path must come back from its JSON form as itself: protobuf
      // reads "qOK" as q_ok, so q_o_k could never be answered as it was sent.
      google::protobuf::FieldMask one, back;
      one.add_paths(path);
      std::string json;
      const bool round_trips = IsFieldPath(path) && google::protobuf::util::MessageToJsonString(one, &json).ok() &&
                               google::protobuf::util::JsonStringToMessage(json, &back).ok() &&
                               back.paths_size() == 1 && back.paths(0) == path;
      if (!round_trips) {
        return absl::InvalidArgumentError(absl::StrCat(
            prefix, ": path ", i + 1, " is not a field path (lowerCamelCase names joined by '.', or '*')"));
      }
    }
    return absl::OkStatus();
  }
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_map()) continue;
    const std::string name = prefix.empty() ? f->json_name() : absl::StrCat(prefix, ".", f->json_name());
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(message, f); ++i) {
        auto s = CheckFieldMasks(r->GetRepeatedMessage(message, f, i), absl::StrCat(name, "[", i, "]"));
        if (!s.ok()) return s;
      }
    } else {
      if (auto s = CheckFieldMasks(r->GetMessage(message, f), name); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status BuildRequest(const Route& route, absl::string_view body_json, absl::string_view query,
                          const Bindings& bindings, Message* out, BuildOptions options) {
  out->Clear();
  absl::string_view body = absl::StripAsciiWhitespace(body_json);
  if (!body.empty()) {
    if (route.body.empty()) {
      return absl::InvalidArgumentError("this method takes no request body");
    }
    if (!options.body_checked) {
      if (auto s = CheckJson(body); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("invalid JSON body: ", s.message()));
      }
    }
    if (route.body == "*") {
      auto s = google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(body.data(), body.size()), out, ParseOptions());
      if (!s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "invalid JSON body: ", CleanJsonError(s)));
      }
    } else {
      auto nav = Navigate(out, route.body, route.body);
      if (!nav.ok()) return nav.status();
      auto st = MergeJsonField(nav->first, nav->second, body, "body");
      if (!st.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("invalid JSON body: ", st.message()));
      }
    }
  }
  if (!query.empty()) {
    for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      std::string key = PercentDecode(kv.first, true);
      std::string value = PercentDecode(kv.second, true);
      if (key.empty()) continue;
      if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
        return absl::InvalidArgumentError("a query parameter is not valid UTF-8");
      }
      if (route.body == "*" && !options.upload) {
        return absl::InvalidArgumentError(
            absl::StrCat(key, ": this method takes its fields in the body, not the query"));
      }
      bool bound = false;
      for (const auto& b : bindings) bound |= b.first == key;
      if (bound) continue;  // the path wins
      if (auto s = SetFieldFromText(out, key, value, key); !s.ok()) return s;
    }
  }
  for (const auto& [field, value] : bindings) {
    if (!IsValidUtf8(value)) return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8"));
    if (auto s = SetFieldFromText(out, field, value, field); !s.ok()) return s;
  }
  return CheckFieldMasks(*out, "");
}

void TenantsIn(const Message& message, std::vector<std::string>* tenants) {
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  auto check = [&](const FieldDescriptor* f, const std::string& v) {
    if (f->name() == "tenant") {
      tenants->push_back(v);
      return;
    }
    absl::string_view s(v);
    if (absl::ConsumePrefix(&s, "tenants/")) {
      tenants->push_back(std::string(s.substr(0, s.find('/'))));
    }
  };
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && f->type() == FieldDescriptor::TYPE_STRING) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, f); ++i) check(f, r->GetRepeatedString(message, f, i));
      } else {
        check(f, r->GetString(message, f));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, f); ++i) {
          TenantsIn(r->GetRepeatedMessage(message, f, i), tenants);
        }
      } else {
        TenantsIn(r->GetMessage(message, f), tenants);
      }
    }
  }
}

int LinkedProtoCount() {
  // The error detail types travel as Any in error bodies; building their
  // descriptors keeps them in the pool for the JSON printer.
  (void)google::rpc::Status::descriptor();
  (void)google::rpc::BadRequest::descriptor();
  return static_cast<int>(LinkedProtoFiles().size());
}

absl::StatusOr<RouteTable> RouteTable::FromGeneratedPool() {
  if (LinkedProtoCount() == 0) return absl::FailedPreconditionError("no protos linked");
  std::vector<std::string> files = LinkedProtoFiles();
  std::sort(files.begin(), files.end());
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const std::string& name : files) {
    const auto* file = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    if (file == nullptr) continue;
    for (int i = 0; i < file->service_count(); ++i) {
      if (absl::StartsWith(file->service(i)->full_name(), "pelita.")) {
        services.push_back(file->service(i));
      }
    }
  }
  return FromServices(services);
}

absl::StatusOr<RouteTable> RouteTable::FromServices(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const auto* s : services) {
    if (auto st = table.Add(s); !st.ok()) return st;
  }
  table.Sort();
  return table;
}

absl::Status RouteTable::Add(const google::protobuf::ServiceDescriptor* service) {
  // `pelita.<backend>.v1`: the second component names the backend.
  std::vector<std::string> pkg = absl::StrSplit(service->file()->package(), '.');
  if (pkg.size() < 2 || pkg[0] != "pelita") {
    return absl::InvalidArgumentError(absl::StrCat("not a pelita package: ", service->full_name()));
  }
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* method = service->method(i);
    if (!method->options().HasExtension(google::api::http)) continue;
    std::vector<google::api::HttpRule> rules = {method->options().GetExtension(google::api::http)};
    for (const auto& extra : rules[0].additional_bindings()) rules.push_back(extra);
    for (const google::api::HttpRule& rule : rules) {
      auto route = std::make_unique<Route>();
      route->method = method;
      std::string path;
      switch (rule.pattern_case()) {
        case google::api::HttpRule::kGet: route->http_method = "GET"; path = rule.get(); break;
        case google::api::HttpRule::kPut: route->http_method = "PUT"; path = rule.put(); break;
        case google::api::HttpRule::kPost: route->http_method = "POST"; path = rule.post(); break;
        case google::api::HttpRule::kDelete: route->http_method = "DELETE"; path = rule.delete_(); break;
        case google::api::HttpRule::kPatch: route->http_method = "PATCH"; path = rule.patch(); break;
        case google::api::HttpRule::kCustom:
          route->http_method = rule.custom().kind();
          path = rule.custom().path();
          break;
        default:
          continue;
      }
      auto tmpl = PathTemplate::Parse(path);
      if (!tmpl.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(), ": ", tmpl.status().message()));
      }
      route->path = *std::move(tmpl);
      route->body = rule.body();
      route->backend = pkg[1];
      route->rpc_name = absl::StrCat(service->full_name(), "/", method->name());
      route->grpc_path = absl::StrCat("/", route->rpc_name);
      route->label = absl::StrCat(route->http_method, " ", path);
      if (method->client_streaming()) {
        const Descriptor* in = method->input_type();
        for (int f = 0; f < in->field_count(); ++f) {
          if (in->field(f)->type() == FieldDescriptor::TYPE_BYTES && !in->field(f)->is_repeated()) {
            route->chunk_field = in->field(f);
            break;
          }
        }
      }
      // Path fields must exist in the request.
      for (const auto& v : route->path.variables()) {
        std::unique_ptr<Message> probe = NewMessage(method->input_type());
        if (auto st = Navigate(probe.get(), v.field_path, v.field_path); !st.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), ": path field ", v.field_path, " not in request"));
        }
      }
      routes_.push_back(std::move(route));
    }
  }
  return absl::OkStatus();
}

void RouteTable::Sort() {
  // Custom verbs first (so `/x/{name}:withdraw` is not read as a name
  // ending in ":withdraw"), then the most literal segments, then the longest.
  std::stable_sort(routes_.begin(), routes_.end(), [](const auto& a, const auto& b) {
    bool av = !a->path.verb().empty(), bv = !b->path.verb().empty();
    if (av != bv) return av;
    if (a->path.literal_count() != b->path.literal_count()) {
      return a->path.literal_count() > b->path.literal_count();
    }
    return a->path.segments().size() > b->path.segments().size();
  });
}

RouteTable::MatchResult RouteTable::Match(absl::string_view http_method, absl::string_view path,
                                          const Route** route, Bindings* bindings) const {
  bool path_matched = false;
  if (path.empty() || path[0] != '/') return MatchResult::kNotFound;
  std::vector<absl::string_view> parts = absl::StrSplit(path.substr(1), '/');
  for (const auto& r : routes_) {
    if (!r->path.MatchParts(parts, nullptr)) continue;
    if (r->http_method != http_method) {
      path_matched = true;
      continue;
    }
    r->path.MatchParts(parts, bindings);
    *route = r.get();
    return MatchResult::kFound;
  }
  return path_matched ? MatchResult::kMethodNotAllowed : MatchResult::kNotFound;
}

std::string RouteTable::AllowedMethods(absl::string_view path) const {
  std::vector<std::string> methods;
  if (path.empty() || path[0] != '/') return "";
  std::vector<absl::string_view> parts = absl::StrSplit(path.substr(1), '/');
  for (const auto& r : routes_) {
    if (!r->path.MatchParts(parts, nullptr)) continue;
    if (std::find(methods.begin(), methods.end(), r->http_method) == methods.end()) {
      methods.push_back(r->http_method);
    }
  }
  std::sort(methods.begin(), methods.end());
  return absl::StrJoin(methods, ", ");
}

std::vector<std::string> RouteTable::backends() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) {
    if (std::find(out.begin(), out.end(), r->backend) == out.end()) out.push_back(r->backend);
  }
  return out;
}

}  // namespace pelita::gateway
