#include "gateway/download.h"

#include "gtest/gtest.h"
#include "pelita/type/v1/http_body.pb.h"

namespace pelita::gateway {
namespace {

std::string Header(const Download& d, const std::string& name) {
  for (const auto& [k, v] : d.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(DownloadTest, TheBytesAreTheBodyAndTheNameTheDisposition) {
  pelita::type::v1::HttpBody b;
  b.set_content_type("application/pdf");
  b.set_data(std::string("%PDF-1.5\0\xff", 10));
  b.set_filename("laporan-evaluasi-2026.pdf");
  absl::StatusOr<Download> d = DownloadFromHttpBody(b.SerializeAsString());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->content_type, "application/pdf");
  EXPECT_EQ(d->body, std::string("%PDF-1.5\0\xff", 10));
  EXPECT_EQ(Header(*d, "Content-Disposition"), "attachment; filename=\"laporan-evaluasi-2026.pdf\"");
  EXPECT_EQ(Header(*d, "Cache-Control"), "private, no-store");
  EXPECT_EQ(Header(*d, "X-Content-Type-Options"), "nosniff");
  b.set_inline_(true);
  d = DownloadFromHttpBody(b.SerializeAsString());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(Header(*d, "Content-Disposition"), "inline; filename=\"laporan-evaluasi-2026.pdf\"");
}

TEST(DownloadTest, NamesCannotSplitHeadersOrNamePaths) {
  EXPECT_EQ(SafeFilename("a\r\nSet-Cookie: x=1.pdf"), "a__Set-Cookie__x_1.pdf");
  EXPECT_EQ(SafeFilename("../../etc/passwd"), ".._.._etc_passwd");
  EXPECT_EQ(SafeFilename(".."), "dokumen");
  EXPECT_EQ(SafeFilename("sertifikat \"A\".pdf"), "sertifikat__A_.pdf");
}

TEST(DownloadTest, LaterPiecesGiveTheirDataAlone) {
  pelita::type::v1::HttpBody b;
  b.set_content_type("text/plain");  // ignored on a later piece
  b.set_data(std::string("\x04\0abc", 5));
  auto data = DownloadPieceData(b.SerializeAsString());
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(*data, std::string("\x04\0abc", 5));
  EXPECT_EQ(DownloadPieceData("\xff\xff\xff").status().code(), absl::StatusCode::kInternal);
}

TEST(DownloadTest, ABrokenDocumentIsTheServicesFault) {
  EXPECT_EQ(DownloadFromHttpBody("\xff\xff\xff").status().code(), absl::StatusCode::kInternal);
  pelita::type::v1::HttpBody b;
  b.set_data("x");
  EXPECT_EQ(DownloadFromHttpBody(b.SerializeAsString()).status().code(), absl::StatusCode::kInternal);
  b.set_content_type("text/plain\r\nX-Evil: 1");
  EXPECT_EQ(DownloadFromHttpBody(b.SerializeAsString()).status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace pelita::gateway
