#ifndef PELITA_GATEWAY_JSON_PRINTER_H_
#define PELITA_GATEWAY_JSON_PRINTER_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace pelita::gateway {

// Appends the proto3 JSON form of `message` to `out`: lowerCamelCase field
// names, fields at their default value left out, 64-bit integers as strings,
// enums by name, bytes in base64, and the well-known types Timestamp,
// Duration, FieldMask, the wrappers and Empty in their special forms.
// Struct, Value, ListValue and Any are handed to protobuf's own printer.
//
// It produces the same JSON value as protobuf's MessageToJsonString with
// default options (json_printer_test checks that over every message type the
// gateway serves) but walks the message by reflection directly, without
// re-serialising it and converting the wire form through a type resolver,
// which made JSON the largest single cost of a small REST call.
absl::Status AppendMessageJson(const google::protobuf::Message& message, std::string* out);

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_JSON_PRINTER_H_
