// libFuzzer target: JSON transcoding at the gateway, both ways.
//
// Input: a route selector byte, then the JSON body, a newline, and the query
// string.  The request message of the route (every annotated RPC linked into
// the gateway) is built from them by the google.api.http rules
// (gateway/routes.h BuildRequest).  When that succeeds, the message is
// printed by the gateway's printer (gateway/json_printer.h): the output must
// be valid UTF-8 JSON, equal as a JSON value to protobuf's own printer, and
// parse back to the same message.  A request the gateway accepts must be
// one that it can forward and print.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <nlohmann/json.hpp>

#include "absl/strings/string_view.h"
#include "gateway/json_printer.h"
#include "gateway/routes.h"
#include "lib/csv/csv_reader.h"

namespace {

using pelita::gateway::Route;
using pelita::gateway::RouteTable;

[[noreturn]] void Fail(const Route& route, const char* what, absl::string_view detail) {
  std::fprintf(stderr, "json_transcode_fuzzer: %s: %s\n  %.*s\n", route.rpc_name.c_str(), what,
               static_cast<int>(std::min<size_t>(detail.size(), 2000)), detail.data());
  std::abort();
}

const RouteTable& Routes() {
  static const RouteTable* table = [] {
    auto t = RouteTable::FromGeneratedPool();
    if (!t.ok() || t->routes().empty()) {
      std::fprintf(stderr, "no routes: %s\n", t.status().ToString().c_str());
      std::abort();
    }
    return new RouteTable(*std::move(t));
  }();
  return *table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& routes = Routes().routes();
  const Route& route = *routes[data[0] % routes.size()];
  absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t nl = rest.rfind('\n');
  absl::string_view body = rest.substr(0, nl);
  absl::string_view query = nl == absl::string_view::npos ? absl::string_view() : rest.substr(nl + 1);

  // Path bindings as the router would give them for this route.
  pelita::gateway::Bindings bindings;
  for (const auto& v : route.path.variables()) bindings.emplace_back(v.field_path, "tenants/1504/x");

  auto message = pelita::gateway::NewMessage(route.method->input_type());
  absl::Status built = pelita::gateway::BuildRequest(route, body, query, bindings, message.get());
  if (!built.ok()) {
    if (!pelita::csv::IsValidUtf8(built.message())) Fail(route, "error message is not UTF-8", built.message());
    return 0;
  }
  std::string ours;
  if (absl::Status s = pelita::gateway::AppendMessageJson(*message, &ours); !s.ok()) {
    Fail(route, "accepted request cannot be printed", s.ToString());
  }
  if (!pelita::csv::IsValidUtf8(ours)) Fail(route, "printed JSON is not UTF-8", ours);
  std::string theirs;
  google::protobuf::util::JsonPrintOptions po;
  if (!google::protobuf::util::MessageToJsonString(*message, &theirs, po).ok()) {
    Fail(route, "protobuf cannot print the accepted request", message->ShortDebugString());
  }
  nlohmann::json a = nlohmann::json::parse(ours, nullptr, /*allow_exceptions=*/false);
  nlohmann::json b = nlohmann::json::parse(theirs, nullptr, false);
  if (a.is_discarded()) Fail(route, "printed text is not JSON", ours);
  if (a != b) Fail(route, "printed JSON differs from protobuf's", ours + "\n  protobuf: " + theirs);
  auto back = pelita::gateway::NewMessage(route.method->input_type());
  google::protobuf::util::JsonParseOptions opts;
  if (!google::protobuf::util::JsonStringToMessage(ours, back.get(), opts).ok()) {
    Fail(route, "printed JSON does not parse back", ours);
  }
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  if (!differencer.Compare(*message, *back)) {
    Fail(route, "printed JSON parses back to another message", ours);
  }
  return 0;
}
