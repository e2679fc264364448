#ifndef PELITA_LIB_EVENTS_PUBLISH_H_
#define PELITA_LIB_EVENTS_PUBLISH_H_

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/redis/redis.h"

namespace pelita::events {

// Events are typed contracts: an event is a proto message in the publishing
// service's package (pelita.enrolment.v1.EnrolmentCompleted), documented by
// its proto comments.  A stream entry carries exactly two fields:
//   event_type  the message's full name ("pelita.enrolment.v1.EnrolmentCompleted")
//   event_data  the message, protobuf binary
// and is appended by the same Lua script that makes the change, so the event
// exists exactly when the change does (nothing to reconcile, no outbox).
inline constexpr char kTypeField[] = "event_type";
inline constexpr char kDataField[] = "event_data";

// Streams are trimmed with XADD MAXLEN ~ N: Redis drops whole macro nodes
// (about 100 entries) once the stream is longer than N, so its length stays
// between N and N + ~100 and trimming costs O(1) per append.  Followers must
// keep up within N entries; the default keeps weeks of a regency's traffic.
// 0 = never trimmed.
inline constexpr int64_t kDefaultMaxLen = 1000000;

// The stream of `service`'s events for `tenant`:
// KeyBuilder(service, tenant).Key("events") = "enrolment:{1504}:events".
// The tenant hash tag puts it in the slot of the tenant's other keys, so the
// writing script may touch both on a Redis Cluster.
std::string StreamKey(absl::string_view service, absl::string_view tenant);

// How a writer passes an event to its script.
//
// 1. Prepend kPublishLua to the script's source; it defines the Lua function
//      pelita_publish(stream_key, i)
//    which appends the event held in ARGV[i] (MAXLEN), ARGV[i+1] (type) and
//    ARGV[i+2] (bytes) to `stream_key` and returns the entry id.
// 2. Pass the stream key among the script's KEYS (it must be declared, and
//    share the hash tag of the other keys) and append PublishArgs(event) to
//    ARGV at the position the script reads.
// 3. Call pelita_publish(KEYS[k], i) after the write succeeded, inside the
//    script: a script that returns an error before it leaves nothing behind.
//
//   redis::Script kEnrol(absl::StrCat(events::kPublishLua, R"(
//     if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
//       return redis.error_reply('ALREADY_EXISTS ' .. ARGV[1]) end
//     pelita_publish(KEYS[2], 3)
//     return 1)"));
//   std::vector<std::string> argv = {id, bytes};
//   events::AppendPublishArgs(completed_event, &argv);
//   redis.Eval(kEnrol, {table_key, events::StreamKey("enrolment", t)}, argv);
extern const char kPublishLua[];

// The three ARGV values of one event (MAXLEN, type, bytes).
std::vector<std::string> PublishArgs(const google::protobuf::Message& event,
                                     int64_t maxlen = kDefaultMaxLen);
void AppendPublishArgs(const google::protobuf::Message& event, std::vector<std::string>* argv,
                       int64_t maxlen = kDefaultMaxLen);

// Publishes one event on its own (no write to go with it): tests, tools,
// backfills.  Returns the entry id.
absl::StatusOr<std::string> Publish(redis::Client& redis, const std::string& stream,
                                    const google::protobuf::Message& event,
                                    int64_t maxlen = kDefaultMaxLen);

}  // namespace pelita::events

#endif  // PELITA_LIB_EVENTS_PUBLISH_H_
