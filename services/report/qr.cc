#include "services/report/qr.h"

#include <qrencode.h>

#include "absl/status/status.h"

namespace pelita::report {

absl::StatusOr<QrCode> EncodeQr(absl::string_view text) {
  const std::string s(text);
  QRcode* code = QRcode_encodeData(static_cast<int>(s.size()), reinterpret_cast<const unsigned char*>(s.data()),
                                   0, QR_ECLEVEL_M);
  if (code == nullptr) return absl::InvalidArgumentError("the text does not fit in a QR code");
  QrCode out;
  out.size = code->width;
  out.modules.resize(static_cast<size_t>(code->width) * code->width);
  // Bit 0 of each byte is the module's colour (1 = dark).
  for (size_t i = 0; i < out.modules.size(); ++i) out.modules[i] = (code->data[i] & 1) != 0;
  QRcode_free(code);
  return out;
}

}  // namespace pelita::report
