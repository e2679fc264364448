#include "gateway/static_files.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace pelita::gateway {
namespace {

namespace fs = std::filesystem;

struct Type {
  const char* extension;
  const char* content_type;
  bool compress;
};
constexpr Type kTypes[] = {
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".json", "application/json", true},
    {".webmanifest", "application/manifest+json", true},
    {".map", "application/json", true},
    {".svg", "image/svg+xml", true},
    {".txt", "text/plain; charset=utf-8", true},
    {".png", "image/png", false},
    {".jpg", "image/jpeg", false},
    {".jpeg", "image/jpeg", false},
    {".webp", "image/webp", false},
    {".ico", "image/x-icon", false},
    {".woff2", "font/woff2", false},
    {".woff", "font/woff", false},
    {".ttf", "font/ttf", true},
};

const Type* TypeOf(absl::string_view path) {
  for (const Type& t : kTypes) {
    if (absl::EndsWithIgnoreCase(path, t.extension)) return &t;
  }
  return nullptr;
}

// gzip (RFC 1952) at the best compression: done once at start.
std::string Gzip(absl::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : "";
}

// A strong ETag from the content (FNV-1a, 64 bits: a cache validator, not
// a security property).
std::string ETagOf(absl::string_view data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return absl::StrCat("\"", absl::Hex(h, absl::kZeroPad16), "-", data.size(), "\"");
}

bool LastSegmentHasExtension(absl::string_view path) {
  const size_t slash = path.rfind('/');
  const absl::string_view last = slash == absl::string_view::npos ? path : path.substr(slash + 1);
  return absl::StrContains(last, '.');
}

// If-None-Match: `*` or a list of entity tags, weak ones compared weakly
// (RFC 9110 §13.1.2).
bool MatchesETag(absl::string_view if_none_match, absl::string_view etag) {
  for (absl::string_view tag : absl::StrSplit(if_none_match, ',')) {
    tag = absl::StripAsciiWhitespace(tag);
    if (tag == "*") return true;
    absl::ConsumePrefix(&tag, "W/");
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace

const char StaticFiles::kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

bool AcceptsGzip(absl::string_view accept_encoding) {
  for (absl::string_view item : absl::StrSplit(accept_encoding, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    const std::string coding = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
    if (coding != "gzip" && coding != "*") continue;
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view p = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&p, "q=") || absl::ConsumePrefix(&p, "Q=")) {
        if (!absl::SimpleAtod(p, &q)) q = 0;
      }
    }
    if (q > 0) return true;
  }
  return false;
}

absl::StatusOr<StaticFiles> StaticFiles::Load(const std::string& root, Limits limits) {
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec || !fs::is_directory(base)) {
    return absl::InvalidArgumentError(absl::StrCat("--web_root ", root, " is not a folder"));
  }
  StaticFiles out;
  uint64_t total = 0;
  // Symbolic links are not followed: only what is in the folder is served.
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;  // hidden files (.vite, .DS_Store) are not part of the application
    }
    if (!it->is_regular_file() || it->is_symlink()) continue;
    if (static_cast<int>(out.files_.size()) >= limits.max_files) {
      return absl::ResourceExhaustedError(absl::StrCat("--web_root holds more than ", limits.max_files, " files"));
    }
    std::ifstream in(p, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in.good() && !in.eof()) return absl::UnavailableError(absl::StrCat("cannot read ", p.string()));
    File f;
    f.content = std::move(content).str();
    total += f.content.size();
    if (total > limits.max_total_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("--web_root holds more than ", limits.max_total_bytes, " bytes"));
    }
    std::string url = "/" + fs::relative(p, base).generic_string();
    const Type* type = TypeOf(url);
    f.content_type = type != nullptr ? type->content_type : "application/octet-stream";
    if (type != nullptr && type->compress && f.content.size() >= 256) {
      std::string gz = Gzip(f.content);
      if (!gz.empty() && gz.size() < f.content.size()) f.gzip = std::move(gz);
    }
    f.etag = ETagOf(f.content);
    out.files_.emplace(std::move(url), std::move(f));
  }
  if (ec) return absl::UnavailableError(absl::StrCat("cannot list --web_root ", root, ": ", ec.message()));
  if (out.files_.find("/index.html") == out.files_.end()) {
    return absl::InvalidArgumentError(absl::StrCat("--web_root ", root, " has no index.html (run the web build)"));
  }
  return out;
}

bool StaticFiles::IsStaticRequest(absl::string_view method, absl::string_view path) {
  if (method != "GET" && method != "HEAD") return false;
  if (path.empty() || path[0] != '/') return false;
  if (absl::StartsWith(path, "/v1/") || path == "/v1" || absl::StartsWith(path, "/.well-known/")) return false;
  return path != "/healthz" && path != "/readyz" && path != "/metrics" && path != "/openapi.json";
}

StaticFiles::Reply StaticFiles::Serve(const Request& request) const {
  Reply reply;
  reply.headers = {{"Content-Security-Policy", kContentSecurityPolicy},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Referrer-Policy", "no-referrer"},
                   {"X-Frame-Options", "DENY"}};
  auto it = files_.find(request.path);
  if (it == files_.end() && !LastSegmentHasExtension(request.path)) it = files_.find("/index.html");
  if (it == files_.end()) {
    reply.status = 404;
    reply.content_type = "application/json";
    static constexpr absl::string_view kNotFound =
        R"({"error":{"code":404,"status":"NOT_FOUND","message":"no such file"}})";
    reply.body = request.method == "HEAD" ? absl::string_view() : kNotFound;
    reply.content_length = kNotFound.size();
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
  }
  const File& f = it->second;
  const bool immutable = absl::StartsWith(it->first, "/assets/");
  reply.content_type = f.content_type;
  reply.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  // Each representation has its own strong ETag (RFC 9110 §8.8.3).
  const bool gzip = !f.gzip.empty() && AcceptsGzip(request.accept_encoding);
  const std::string etag = gzip ? absl::StrCat(absl::string_view(f.etag).substr(0, f.etag.size() - 1), "-gz\"")
                                : f.etag;
  reply.headers.emplace_back("ETag", etag);
  if (!f.gzip.empty()) reply.headers.emplace_back("Vary", "Accept-Encoding");
  if (!request.if_none_match.empty() && MatchesETag(request.if_none_match, etag)) {
    reply.status = 304;
    return reply;
  }
  if (gzip) reply.headers.emplace_back("Content-Encoding", "gzip");
  const std::string& body = gzip ? f.gzip : f.content;
  reply.content_length = body.size();
  if (request.method != "HEAD") reply.body = body;
  return reply;
}

}  // namespace pelita::gateway
