#ifndef PELITA_GATEWAY_UTF8_H_
#define PELITA_GATEWAY_UTF8_H_

// The gateway's UTF-8 checks are the platform's (lib/utf8), under the names
// the gateway has always used.
#include "lib/utf8/utf8.h"

namespace pelita::gateway {

using ::pelita::IsValidUtf8;
using ::pelita::SanitizeUtf8;
using ::pelita::Utf8SequenceLength;

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_UTF8_H_
