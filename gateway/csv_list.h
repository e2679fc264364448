#ifndef PELITA_GATEWAY_CSV_LIST_H_
#define PELITA_GATEWAY_CSV_LIST_H_

#include <string>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::gateway {

// Lists as CSV (issue 17: "CSV for every list the API returns"): a GET of a
// List method asked for with `Accept: text/csv` answers with its items as
// rows instead of JSON.  The columns are the items' proto3 JSON fields,
// nested messages flattened with dots (`score.value`), repeated scalars
// joined with `;`, anything else as its JSON; the union of the fields the
// page's items have, in the order first seen.  RFC 4180 quoting, a UTF-8 BOM
// (so that Excel reads the Indonesian text right), and text cells that
// begin with `=`, `+`, `-`, `@`, tab or CR neutralised with an apostrophe
// (numbers written as numbers are not).  The page's next_page_token goes in
// the header X-Next-Page-Token.

// Whether the Accept header's first media type is text/csv.
bool WantsCsv(absl::string_view accept);

// The repeated message field that makes a response a list (a
// `List...Response` or a message with next_page_token, with exactly one
// repeated message field), or null when it is not one.
const google::protobuf::FieldDescriptor* ListField(const google::protobuf::Descriptor* response);

struct CsvList {
  std::string body;
  std::string next_page_token;
  std::string filename;  // `<field>.csv`
};

// From the response as the gateway prints it (proto3 JSON).
absl::StatusOr<CsvList> ListJsonAsCsv(const google::protobuf::Descriptor* response, absl::string_view json);

// A CSV cell: quoted when needed, neutralised when text (exposed for tests).
std::string CsvCell(absl::string_view text, bool is_text);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_CSV_LIST_H_
