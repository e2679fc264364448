#ifndef PELITA_LIB_METRICS_HTTP_GET_H_
#define PELITA_LIB_METRICS_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"

namespace pelita::metrics {

// A minimal blocking HTTP/1.0 GET to 127.0.0.1:`port` returning the body
// (tests read /metrics with it; 2 s timeouts).
absl::StatusOr<std::string> HttpGetLocal(int port, const std::string& path);

}  // namespace pelita::metrics

#endif  // PELITA_LIB_METRICS_HTTP_GET_H_
