#include "gateway/openapi.h"

#include "gateway/download.h"

#include <set>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/policy.h"

namespace pelita::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using json = nlohmann::json;

std::string Singular(const std::string& s) {
  if (absl::EndsWith(s, "ies")) return s.substr(0, s.size() - 3) + "y";
  if (absl::EndsWith(s, "s")) return s.substr(0, s.size() - 1);
  return s;
}

std::string SchemaRef(const Descriptor* d) {
  return absl::StrCat("#/components/schemas/", d->full_name());
}

json WellKnown(const std::string& name) {
  if (name == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
  if (name == "google.protobuf.Duration") return {{"type", "string"}, {"example", "1.5s"}};
  if (name == "google.protobuf.FieldMask") return {{"type", "string"}, {"example", "displayName,kind"}};
  if (name == "google.protobuf.Empty") return {{"type", "object"}};
  if (name == "google.protobuf.Struct") return {{"type", "object"}};
  if (name == "google.protobuf.Value") return json::object();
  if (name == "google.protobuf.ListValue") return {{"type", "array"}, {"items", json::object()}};
  if (name == "google.protobuf.Any") return {{"type", "object"}, {"properties", {{"@type", {{"type", "string"}}}}}};
  if (name == "google.protobuf.StringValue" || name == "google.protobuf.BytesValue") return {{"type", "string"}};
  if (name == "google.protobuf.BoolValue") return {{"type", "boolean"}};
  if (name == "google.protobuf.Int32Value" || name == "google.protobuf.UInt32Value") return {{"type", "integer"}};
  if (name == "google.protobuf.Int64Value" || name == "google.protobuf.UInt64Value") return {{"type", "string"}, {"format", "int64"}};
  if (name == "google.protobuf.DoubleValue" || name == "google.protobuf.FloatValue") return {{"type", "number"}};
  return nullptr;
}

class SchemaBuilder {
 public:
  json Field(const FieldDescriptor* f) {
    json s;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_UINT32: s = {{"type", "integer"}, {"format", "int32"}}; break;
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT64: s = {{"type", "string"}, {"format", "int64"}}; break;
      case FieldDescriptor::CPPTYPE_DOUBLE: s = {{"type", "number"}, {"format", "double"}}; break;
      case FieldDescriptor::CPPTYPE_FLOAT: s = {{"type", "number"}, {"format", "float"}}; break;
      case FieldDescriptor::CPPTYPE_BOOL: s = {{"type", "boolean"}}; break;
      case FieldDescriptor::CPPTYPE_STRING:
        s = {{"type", "string"}};
        if (f->type() == FieldDescriptor::TYPE_BYTES) s["format"] = "byte";
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        json values = json::array();
        for (int i = 0; i < f->enum_type()->value_count(); ++i) values.push_back(f->enum_type()->value(i)->name());
        s = {{"type", "string"}, {"enum", values}};
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (f->is_map()) {
          return {{"type", "object"}, {"additionalProperties", Field(f->message_type()->map_value())}};
        }
        s = Message(f->message_type());
        break;
    }
    if (f->is_repeated()) return {{"type", "array"}, {"items", s}};
    return s;
  }

  json Message(const Descriptor* d) {
    json wk = WellKnown(d->full_name());
    if (!wk.is_null()) return wk;
    if (!seen_.count(d->full_name())) {
      seen_.insert(d->full_name());
      json props = json::object();
      for (int i = 0; i < d->field_count(); ++i) props[d->field(i)->json_name()] = Field(d->field(i));
      schemas_[d->full_name()] = {{"type", "object"}, {"properties", props}};
    }
    return {{"$ref", SchemaRef(d)}};
  }

  // Query parameters: the scalar leaves of `d` not bound elsewhere.
  void QueryParams(const Descriptor* d, const std::string& prefix, const std::set<std::string>& skip,
                   int depth, json* params) {
    if (depth > 3) return;
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      std::string name = prefix + f->name();
      if (skip.count(name)) continue;
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && WellKnown(f->message_type()->full_name()).is_null()) {
        if (!f->is_repeated()) QueryParams(f->message_type(), name + ".", skip, depth + 1, params);
        continue;
      }
      if (f->is_map()) continue;
      params->push_back({{"name", name}, {"in", "query"}, {"required", false}, {"schema", Field(f)}});
    }
  }

  json& schemas() { return schemas_; }

 private:
  std::set<std::string> seen_;
  json schemas_ = json::object();
};

}  // namespace

std::string OpenApiPath(const PathTemplate& t, std::vector<std::string>* params) {
  std::string out;
  std::set<std::string> used;
  std::string prev;
  for (const auto& s : t.segments()) {
    out += "/";
    if (s.kind == PathTemplate::Segment::kLiteral) {
      out += s.literal;
      prev = s.literal;
      continue;
    }
    std::string name = prev.empty() ? "id" : Singular(prev);
    std::string unique = name;
    for (int i = 2; used.count(unique); ++i) unique = absl::StrCat(name, i);
    used.insert(unique);
    params->push_back(unique);
    out += "{" + unique + "}";
    prev.clear();
  }
  if (!t.verb().empty()) out += ":" + t.verb();
  return out;
}

std::string BuildOpenApi(const RouteTable& table) {
  SchemaBuilder sb;
  json paths = json::object();
  for (const auto& r : table.routes()) {
    std::vector<std::string> pnames;
    std::string path = OpenApiPath(r->path, &pnames);
    json params = json::array();
    for (const auto& p : pnames) {
      params.push_back({{"name", p}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    std::set<std::string> bound;
    for (const auto& v : r->path.variables()) bound.insert(v.field_path);
    const Descriptor* in = r->method->input_type();
    if (r->body != "*") {
      if (!r->body.empty()) bound.insert(r->body);
      sb.QueryParams(in, "", bound, 0, &params);
    }
    std::string method = absl::AsciiStrToLower(r->http_method);
    json op = json::object();
    op["operationId"] = absl::StrCat(r->method->service()->name(), "_", r->method->name());
    op["tags"] = json::array({r->method->service()->full_name()});
    op["summary"] = r->rpc_name;
    op["parameters"] = params;
    json sec = json::object();
    sec["bearer"] = json::array();
    // The public sign-in routes of identity need no token (OpenAPI: an
    // empty requirement list).
    op["security"] = IsPublicRpc(r->rpc_name) ? json::array() : json::array({sec});
    json ok = json::object();
    ok["description"] = "OK";
    if (IsDownload(r->method->output_type())) {
      // A document: its bytes, PDF or XLSX (Content-Disposition names it).
      json bin = {{"schema", {{"type", "string"}, {"format", "binary"}}}};
      ok["content"]["application/pdf"] = bin;
      ok["content"]["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = bin;
    } else {
      ok["content"]["application/json"]["schema"] = sb.Message(r->method->output_type());
    }
    json err = json::object();
    err["description"] = "Error: {code, status, message, details}";
    err["content"]["application/json"]["schema"]["$ref"] = "#/components/schemas/Error";
    op["responses"]["200"] = ok;
    op["responses"]["default"] = err;
    if (!r->body.empty()) {
      json schema;
      if (r->body == "*") {
        schema = sb.Message(in);
      } else {
        const FieldDescriptor* f = in->FindFieldByName(r->body);
        schema = f != nullptr ? sb.Field(f) : json::object();
      }
      json content = json::object();
      if (r->client_streaming()) {
        json arr = {{"type", "array"}, {"items", schema}};
        json wrapped = json::object();
        wrapped["type"] = "object";
        wrapped["properties"]["requests"] = arr;
        content["application/json"]["schema"]["oneOf"] = json::array({arr, wrapped});
        content["application/x-ndjson"]["schema"] = {{"type", "string"},
                                                     {"description", "one JSON request per line"}};
        if (r->chunk_field != nullptr) {
          content["text/csv"]["schema"] = {{"type", "string"}, {"format", "binary"}};
        }
      } else {
        content["application/json"]["schema"] = schema;
      }
      op["requestBody"]["required"] = false;
      op["requestBody"]["content"] = content;
    }
    paths[path][method] = op;
  }
  json& schemas = sb.schemas();
  schemas["Error"] = {{"type", "object"},
                      {"properties", {{"code", {{"type", "integer"}}},
                                      {"status", {{"type", "string"}}},
                                      {"message", {{"type", "string"}}},
                                      {"details", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
  json doc = {{"openapi", "3.0.3"},
              {"info", {{"title", "Pelita API"},
                        {"version", "v1"},
                        {"description", "Platform Evaluasi Pelatihan ASN; generated from the protos' google.api.http annotations."}}},
              {"paths", paths},
              {"components", {{"schemas", schemas},
                              {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}}}};
  return doc.dump(1);
}

}  // namespace pelita::gateway
