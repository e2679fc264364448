#ifndef PELITA_SERVICES_REPORT_QR_H_
#define PELITA_SERVICES_REPORT_QR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pelita::report {

// A QR code's modules (libqrencode, 8-bit mode, error correction level M):
// `size` x `size`, row by row, true for dark.
struct QrCode {
  int size = 0;
  std::vector<bool> modules;
};

// INVALID_ARGUMENT when the text is too long for a QR code.
absl::StatusOr<QrCode> EncodeQr(absl::string_view text);

}  // namespace pelita::report

#endif  // PELITA_SERVICES_REPORT_QR_H_
