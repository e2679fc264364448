#include "gateway/csv_list.h"

#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace pelita::gateway {
namespace {

using json = nlohmann::ordered_json;  // the fields in the order the gateway printed them

struct Cell {
  std::string text;
  bool is_text;
};

std::string Scalar(const json& v, bool* is_text) {
  *is_text = v.is_string();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  return v.dump();
}

// Flattens one item into (column, cell) pairs.
void Flatten(const json& v, const std::string& prefix, std::vector<std::pair<std::string, Cell>>* out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      Flatten(it.value(), prefix.empty() ? it.key() : absl::StrCat(prefix, ".", it.key()), out);
    }
    return;
  }
  if (v.is_array()) {
    bool scalars = true;
    for (const auto& e : v) scalars &= !e.is_object() && !e.is_array();
    if (scalars) {
      std::vector<std::string> parts;
      for (const auto& e : v) {
        bool t;
        parts.push_back(Scalar(e, &t));
      }
      out->push_back({prefix, {absl::StrJoin(parts, ";"), true}});
    } else {
      out->push_back({prefix, {v.dump(), true}});
    }
    return;
  }
  bool is_text = false;
  std::string s = Scalar(v, &is_text);
  // proto3 JSON writes int64 as strings: a number is a number.
  double d;
  if (is_text && absl::SimpleAtod(s, &d) && !s.empty() && (absl::ascii_isdigit(s[0]) || s[0] == '-')) is_text = false;
  out->push_back({prefix, {std::move(s), is_text}});
}

}  // namespace

bool WantsCsv(absl::string_view accept) {
  absl::string_view first = accept.substr(0, accept.find(','));
  first = first.substr(0, first.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(first)) == "text/csv";
}

const google::protobuf::FieldDescriptor* ListField(const google::protobuf::Descriptor* response) {
  // A List method's answer (AIP-132): `List...Response`, or a page with a
  // next_page_token; a resource with a repeated part (a cohort's windows)
  // is not a list.
  const std::string& type = response->name();
  const bool list_type = absl::StartsWith(type, "List") && absl::EndsWith(type, "Response");
  if (!list_type && response->FindFieldByName("next_page_token") == nullptr) return nullptr;
  const google::protobuf::FieldDescriptor* found = nullptr;
  for (int i = 0; i < response->field_count(); ++i) {
    const auto* f = response->field(i);
    if (f->is_repeated() && !f->is_map() && f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (found != nullptr) return nullptr;  // two lists: not a List method's answer
      found = f;
    }
  }
  return found;
}

std::string CsvCell(absl::string_view text, bool is_text) {
  std::string s(text);
  if (is_text && !s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    s.insert(s.begin(), '\'');
  }
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  q.push_back('"');
  return q;
}

absl::StatusOr<CsvList> ListJsonAsCsv(const google::protobuf::Descriptor* response, absl::string_view text) {
  const auto* field = ListField(response);
  if (field == nullptr) return absl::InvalidArgumentError("not a list");
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (!doc.is_object()) return absl::InternalError("the response is not a JSON object");
  CsvList out;
  out.filename = absl::StrCat(field->name(), ".csv");
  if (auto t = doc.find("nextPageToken"); t != doc.end() && t->is_string()) out.next_page_token = t->get<std::string>();
  std::vector<std::vector<std::pair<std::string, Cell>>> rows;
  std::vector<std::string> columns;
  std::map<std::string, size_t> index;
  if (auto items = doc.find(field->json_name()); items != doc.end() && items->is_array()) {
    for (const auto& item : *items) {
      std::vector<std::pair<std::string, Cell>> cells;
      Flatten(item, "", &cells);
      for (const auto& [k, v] : cells) {
        if (index.emplace(k, columns.size()).second) columns.push_back(k);
      }
      rows.push_back(std::move(cells));
    }
  }
  out.body = "\xEF\xBB\xBF";
  std::vector<std::string> head;
  for (const auto& c : columns) head.push_back(CsvCell(c, true));
  absl::StrAppend(&out.body, absl::StrJoin(head, ","), "\r\n");
  for (const auto& r : rows) {
    std::vector<std::string> line(columns.size());
    for (const auto& [k, v] : r) line[index[k]] = CsvCell(v.text, v.is_text);
    absl::StrAppend(&out.body, absl::StrJoin(line, ","), "\r\n");
  }
  return out;
}

}  // namespace pelita::gateway
