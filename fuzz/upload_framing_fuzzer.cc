// libFuzzer target: upload framing at the gateway (gateway/upload_framing.h
// UploadEncoder), for every client-streaming route.
//
// Input: four option bytes (route, body mode, how to cut the body, the
// NDJSON line limit), the query string up to the first newline, then the
// body.  The live connection hands the encoder the body in pieces cut
// wherever the network cut them; the encoder promises the same result
// whatever the cuts.  So the body is fed once whole and once in pieces of
// 1-64 bytes (sizes from the cut byte), and:
//   NDJSON  the same messages and the same status (a bad line, a line over
//           the limit: the same error, after the same messages);
//   CSV     the same status, the same first message apart from its bytes,
//           and the bytes of all messages together are the body, unchanged;
//   batch   EncodeWhole takes exactly the bodies BatchItems takes, one
//           message per item; and NDJSON lines that pass as a batch too
//           give the same messages both ways.
// Every error message must be valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gateway/admission.h"
#include "gateway/json_check.h"
#include "gateway/routes.h"
#include "gateway/upload_framing.h"
#include "lib/csv/csv_reader.h"

namespace {

using pelita::gateway::BodyMode;
using pelita::gateway::Route;
using pelita::gateway::UploadEncoder;

[[noreturn]] void Fail(const Route& route, const char* what, absl::string_view detail) {
  std::fprintf(stderr, "upload_framing_fuzzer: %s: %s\n  %.*s\n", route.rpc_name.c_str(), what,
               static_cast<int>(std::min<size_t>(detail.size(), 2000)), detail.data());
  std::abort();
}

const std::vector<const Route*>& StreamingRoutes() {
  static const std::vector<const Route*>* routes = [] {
    static auto table = pelita::gateway::RouteTable::FromGeneratedPool();
    auto* out = new std::vector<const Route*>;
    if (table.ok()) {
      for (const auto& r : table->routes()) {
        if (r->client_streaming()) out->push_back(r.get());
      }
    }
    if (out->empty()) {
      std::fprintf(stderr, "no client-streaming routes\n");
      std::abort();
    }
    return out;
  }();
  return *routes;
}

struct Result {
  absl::Status status;
  std::vector<std::string> messages;
};

// Feeds `body` in pieces whose sizes come from `seed` (0: whole).
Result Feed(const Route& route, BodyMode mode, absl::string_view query, const pelita::gateway::Bindings& bindings,
            uint64_t max_line, absl::string_view body, uint8_t seed) {
  UploadEncoder enc(route, mode, std::string(query), bindings, "1504", max_line);
  Result r;
  uint32_t state = seed;
  size_t at = 0;
  do {
    size_t n = body.size() - at;
    if (seed != 0) {
      state = state * 1103515245u + 12345u;
      n = std::min<size_t>(n, 1 + (state >> 16) % 64);
    }
    const bool last = at + n == body.size();
    r.status = enc.Feed(body.substr(at, n), last, &r.messages);
    at += n;
    if (!r.status.ok() || last) break;
  } while (true);
  return r;
}

void CheckUtf8(const Route& route, const absl::Status& s) {
  if (!pelita::csv::IsValidUtf8(s.message())) Fail(route, "error message is not UTF-8", s.message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const auto& routes = StreamingRoutes();
  const Route& route = *routes[data[0] % routes.size()];
  static constexpr uint64_t kLineLimits[] = {16, 200, 4096, 1 << 20};
  const uint64_t max_line = kLineLimits[data[3] % 4];
  const uint8_t cut = data[2] == 0 ? 1 : data[2];
  absl::string_view rest(reinterpret_cast<const char*>(data) + 4, size - 4);
  const size_t nl = rest.find('\n');
  const absl::string_view query = nl == absl::string_view::npos ? absl::string_view() : rest.substr(0, nl);
  const absl::string_view body = nl == absl::string_view::npos ? rest : rest.substr(nl + 1);
  pelita::gateway::Bindings bindings;
  for (const auto& v : route.path.variables()) bindings.emplace_back(v.field_path, "tenants/1504");

  BodyMode mode;
  switch (data[1] % 3) {
    case 0: mode = BodyMode::kNdjson; break;
    case 1: mode = route.chunk_field != nullptr ? BodyMode::kCsv : BodyMode::kNdjson; break;
    default: mode = BodyMode::kBatch; break;
  }

  if (mode == BodyMode::kBatch) {
    UploadEncoder enc(route, mode, std::string(query), bindings, "1504", max_line);
    std::vector<std::string> out;
    absl::Status s = enc.EncodeWhole(body, &out);
    auto items = pelita::gateway::BatchItems(body);
    CheckUtf8(route, s);
    if (!items.ok() && s.ok()) Fail(route, "a batch body BatchItems refuses was encoded", body);
    if (s.ok() && out.size() != items->size()) Fail(route, "not one message per batch item", body);
    return 0;
  }

  const Result whole = Feed(route, mode, query, bindings, max_line, body, 0);
  const Result pieces = Feed(route, mode, query, bindings, max_line, body, cut);
  CheckUtf8(route, whole.status);
  CheckUtf8(route, pieces.status);
  if (whole.status != pieces.status) {
    Fail(route, "the status depends on where the body was cut",
         whole.status.ToString() + " / " + pieces.status.ToString());
  }
  if (mode == BodyMode::kNdjson) {
    if (whole.messages != pieces.messages) Fail(route, "the messages depend on where the body was cut", body);
    if (!whole.status.ok() || whole.messages.empty()) return 0;
    // The same lines as a batch.
    std::vector<absl::string_view> lines;
    for (absl::string_view line : absl::StrSplit(body, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!line.empty()) lines.push_back(line);
    }
    const std::string batch = "[" + absl::StrJoin(lines, ",") + "]";
    UploadEncoder enc(route, BodyMode::kBatch, std::string(query), bindings, "1504", max_line);
    std::vector<std::string> out;
    if (enc.EncodeWhole(batch, &out).ok() && out != whole.messages) {
      Fail(route, "NDJSON lines and the same batch give other messages", body);
    }
    return 0;
  }
  // CSV: the bytes go through untouched, the rest of the first message does
  // not depend on the cuts.
  if (!whole.status.ok()) return 0;
  auto joined = [&](const Result& r, std::string* rest_of_first) {
    std::string bytes;
    for (size_t i = 0; i < r.messages.size(); ++i) {
      auto m = pelita::gateway::NewMessage(route.method->input_type());
      if (!m->ParseFromString(r.messages[i])) Fail(route, "a CSV message does not parse", "");
      bytes += m->GetReflection()->GetString(*m, route.chunk_field);
      m->GetReflection()->ClearField(m.get(), route.chunk_field);
      if (i == 0) {
        *rest_of_first = m->SerializeAsString();
      } else if (m->ByteSizeLong() != 0) {
        Fail(route, "a CSV message after the first carries more than bytes", m->ShortDebugString());
      }
    }
    return bytes;
  };
  std::string first_whole, first_pieces;
  if (joined(whole, &first_whole) != body || joined(pieces, &first_pieces) != body) {
    Fail(route, "the CSV bytes forwarded are not the body", body);
  }
  if (first_whole != first_pieces) Fail(route, "the first CSV message depends on the cuts", "");
  return 0;
}
