#include "lib/events/publish.h"

#include "absl/strings/str_cat.h"
#include "lib/tenancy/key_builder.h"

namespace pelita::events {

const char kPublishLua[] = R"(
local function pelita_publish(stream, i)
  local maxlen = ARGV[i]
  if maxlen ~= '0' then
    return redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*',
                      'event_type', ARGV[i + 1], 'event_data', ARGV[i + 2])
  end
  return redis.call('XADD', stream, '*', 'event_type', ARGV[i + 1], 'event_data', ARGV[i + 2])
end
)";

std::string StreamKey(absl::string_view service, absl::string_view tenant) {
  return KeyBuilder(service, tenant).Key("events");
}

std::vector<std::string> PublishArgs(const google::protobuf::Message& event, int64_t maxlen) {
  std::vector<std::string> argv;
  AppendPublishArgs(event, &argv, maxlen);
  return argv;
}

void AppendPublishArgs(const google::protobuf::Message& event, std::vector<std::string>* argv,
                       int64_t maxlen) {
  argv->push_back(absl::StrCat(maxlen < 0 ? 0 : maxlen));
  argv->push_back(std::string(event.GetDescriptor()->full_name()));
  argv->push_back(event.SerializeAsString());
}

absl::StatusOr<std::string> Publish(redis::Client& redis, const std::string& stream,
                                    const google::protobuf::Message& event, int64_t maxlen) {
  static redis::Script* script =
      new redis::Script(absl::StrCat(kPublishLua, "\nreturn pelita_publish(KEYS[1], 1)\n"));
  auto reply = redis.Eval(*script, {stream}, PublishArgs(event, maxlen));
  if (!reply.ok()) return reply.status();
  return reply->str;
}

}  // namespace pelita::events
