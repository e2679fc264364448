#include "gateway/static_files.h"

#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pelita::gateway {
namespace {

namespace fs = std::filesystem;

std::string Header(const StaticFiles::Reply& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

std::string Gunzip(absl::string_view gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pelita-static-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "assets");
    fs::create_directories(root_ / ".vite");
    Write("index.html", "<!doctype html><html lang=\"id\"><script type=module src=/assets/app-1a2b.js></script>");
    for (int i = 0; i < 200; ++i) absl::StrAppend(&script_, "console.log('baris ", i, "');\n");
    Write("assets/app-1a2b.js", script_);
    Write("assets/logo.png", std::string("\x89PNG\r\n\x1a\n", 8));
    Write("favicon.ico", "ico");
    Write(".vite/manifest.json", "{}");
    fs::create_symlink("/etc/hostname", root_ / "assets/link.txt");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& content) {
    std::ofstream(root_ / rel, std::ios::binary) << content;
  }
  StaticFiles Load() {
    auto files = StaticFiles::Load(root_.string());
    EXPECT_TRUE(files.ok()) << files.status();
    return *std::move(files);
  }
  static StaticFiles::Request Get(absl::string_view path) { return {"GET", path, "", ""}; }

  fs::path root_;
  std::string script_;
};

TEST_F(StaticFilesTest, ServesFilesAndIndexForApplicationRoutes) {
  StaticFiles files = Load();
  // index.html, the script, the image, the icon; not the hidden folder nor the link.
  EXPECT_EQ(files.file_count(), 4u);

  auto index = files.Serve(Get("/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(absl::StartsWith(index.body, "<!doctype html>"));
  EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(index, "Content-Security-Policy"), StaticFiles::kContentSecurityPolicy);
  EXPECT_EQ(Header(index, "X-Content-Type-Options"), "nosniff");

  // The application's own routes load index.html.
  for (const char* route : {"/masuk", "/rencana-aksi/1504/abc", "/beranda/"}) {
    auto r = files.Serve(Get(route));
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_EQ(r.body, index.body) << route;
  }

  auto js = files.Serve(Get("/assets/app-1a2b.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, script_);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(js, "Vary"), "Accept-Encoding");

  auto png = files.Serve(Get("/assets/logo.png"));
  EXPECT_EQ(png.content_type, "image/png");
  EXPECT_EQ(png.body.size(), 8u);
  EXPECT_EQ(files.Serve(Get("/favicon.ico")).body, "ico");
}

TEST_F(StaticFilesTest, MissingFilesHiddenFilesAndLinksAreNotFound) {
  StaticFiles files = Load();
  for (const char* path : {"/assets/missing.js", "/.vite/manifest.json", "/assets/link.txt", "/etc/passwd.txt",
                           "/assets/../index.html", "/assets/app-1a2b.js.map"}) {
    auto r = files.Serve(Get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, "application/json") << path;
    EXPECT_TRUE(absl::StrContains(r.body, "NOT_FOUND")) << path;
  }
  // A path without an extension is an application route, whatever it says.
  EXPECT_EQ(files.Serve(Get("/../../etc/passwd")).status, 200);
  EXPECT_TRUE(absl::StartsWith(files.Serve(Get("/../../etc/passwd")).body, "<!doctype html>"));
}

TEST_F(StaticFilesTest, GzipWhenAcceptedWithItsOwnETag) {
  StaticFiles files = Load();
  auto plain = files.Serve(Get("/assets/app-1a2b.js"));
  auto gz = files.Serve({"GET", "/assets/app-1a2b.js", "br, gzip;q=0.8", ""});
  EXPECT_EQ(Header(gz, "Content-Encoding"), "gzip");
  EXPECT_LT(gz.body.size(), script_.size() / 4);
  EXPECT_EQ(Gunzip(gz.body), script_);
  EXPECT_EQ(gz.content_length, gz.body.size());
  EXPECT_NE(Header(gz, "ETag"), Header(plain, "ETag"));
  EXPECT_EQ(Header(plain, "Content-Encoding"), "");
  // q=0 refuses gzip; images are never compressed.
  EXPECT_EQ(Header(files.Serve({"GET", "/assets/app-1a2b.js", "gzip;q=0", ""}), "Content-Encoding"), "");
  EXPECT_EQ(Header(files.Serve({"GET", "/assets/logo.png", "gzip", ""}), "Content-Encoding"), "");
}

TEST_F(StaticFilesTest, HeadAndConditionalRequests) {
  StaticFiles files = Load();
  auto head = files.Serve({"HEAD", "/assets/app-1a2b.js", "", ""});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.content_length, script_.size());

  const std::string etag = Header(files.Serve(Get("/")), "ETag");
  ASSERT_FALSE(etag.empty());
  auto again = files.Serve({"GET", "/masuk", "", absl::StrCat("\"other\", W/", etag)});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(files.Serve({"GET", "/", "", "\"other\""}).status, 200);
  // The ETag of the gzip form does not validate the plain one.
  const std::string gz_etag = Header(files.Serve({"GET", "/assets/app-1a2b.js", "gzip", ""}), "ETag");
  EXPECT_EQ(files.Serve({"GET", "/assets/app-1a2b.js", "", gz_etag}).status, 200);
  EXPECT_EQ(files.Serve({"GET", "/assets/app-1a2b.js", "gzip", gz_etag}).status, 304);
}

TEST_F(StaticFilesTest, ApiPathsAreNotStatic) {
  EXPECT_TRUE(StaticFiles::IsStaticRequest("GET", "/"));
  EXPECT_TRUE(StaticFiles::IsStaticRequest("HEAD", "/masuk"));
  EXPECT_TRUE(StaticFiles::IsStaticRequest("GET", "/v1x"));
  EXPECT_FALSE(StaticFiles::IsStaticRequest("POST", "/"));
  EXPECT_FALSE(StaticFiles::IsStaticRequest("GET", "/v1/tenants/1504/units"));
  EXPECT_FALSE(StaticFiles::IsStaticRequest("GET", "/v1"));
  EXPECT_FALSE(StaticFiles::IsStaticRequest("GET", "/.well-known/jwks.json"));
  for (const char* ops : {"/healthz", "/readyz", "/metrics", "/openapi.json"}) {
    EXPECT_FALSE(StaticFiles::IsStaticRequest("GET", ops)) << ops;
  }
}

TEST_F(StaticFilesTest, RefusesAFolderWithoutIndexOrTooLarge) {
  fs::remove(root_ / "index.html");
  EXPECT_FALSE(StaticFiles::Load(root_.string()).ok());
  EXPECT_FALSE(StaticFiles::Load((root_ / "nowhere").string()).ok());
  Write("index.html", "x");
  EXPECT_FALSE(StaticFiles::Load(root_.string(), {/*max_total_bytes=*/1000, 10000}).ok());
  EXPECT_FALSE(StaticFiles::Load(root_.string(), {uint64_t{1} << 30, /*max_files=*/2}).ok());
  EXPECT_TRUE(StaticFiles::Load(root_.string()).ok());
}

TEST(AcceptsGzipTest, ReadsCodingsAndQuality) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.5"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=nonsense"));
  EXPECT_FALSE(AcceptsGzip("xgzip"));
}

}  // namespace
}  // namespace pelita::gateway
