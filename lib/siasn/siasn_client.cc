#include "lib/siasn/siasn_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace pelita::siasn {
namespace {

constexpr char kApiBase[] = "/apisiasn/1.0";
constexpr char kRetryAfterPayload[] = "type.pelita/siasn.retry-after";
// When a token answer gives no expires_in, it is used this long.
constexpr absl::Duration kDefaultTokenLifetime = absl::Minutes(5);

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Keeps the Retry-After header of the last response (curl calls this per
// header line, for every response of the exchange).
size_t ReadHeader(char* data, size_t size, size_t n, void* out) {
  absl::string_view line(data, size * n);
  if (absl::StartsWithIgnoreCase(line, "retry-after:")) {
    *static_cast<std::string*>(out) = std::string(absl::StripAsciiWhitespace(line.substr(12)));
  }
  return size * n;
}

// The URL-encoded value of a form field.
std::string FormEscape(CURL* curl, const std::string& v) {
  char* e = curl_easy_escape(curl, v.data(), static_cast<int>(v.size()));
  std::string out = e != nullptr ? e : "";
  curl_free(e);
  return out;
}

bool IsNip(absl::string_view nip) {
  return !nip.empty() && nip.size() <= 32 &&
         std::all_of(nip.begin(), nip.end(), [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

struct SiasnClient::HttpResult {
  long status = 0;
  std::string body;
  std::string retry_after;
};

struct SiasnClient::Part {
  std::string name;
  std::string data;
  std::string file_name;  // Set for a file part.
  std::string content_type;
};

SiasnClient::SiasnClient(ClientOptions options) : options_(std::move(options)) { GlobalInit(); }

SiasnClient::~SiasnClient() {
  absl::MutexLock l(&pool_mu_);
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
  idle_.clear();
}

void* SiasnClient::TakeHandle() {
  {
    absl::MutexLock l(&pool_mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      // Options back to the defaults; the open connections stay.
      curl_easy_reset(static_cast<CURL*>(h));
      return h;
    }
  }
  return curl_easy_init();
}

void SiasnClient::ReturnHandle(void* handle) {
  {
    absl::MutexLock l(&pool_mu_);
    if (idle_.size() < kMaxIdleHandles) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

absl::StatusOr<SiasnClient::HttpResult> SiasnClient::Perform(const char* method, const std::string& url,
                                                             const std::vector<std::string>& headers,
                                                             const std::string& body,
                                                             const std::vector<Part>* parts, bool fresh) {
  CURL* curl = static_cast<CURL*>(TakeHandle());
  if (curl == nullptr) return absl::InternalError("siasn: curl_easy_init failed");
  HttpResult r;
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_mime* mime = nullptr;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (fresh) {
    curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  }
  // Loopback (the stand-in, a local tunnel) never goes through a proxy.
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "127.0.0.1,localhost");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.retry_after);
  if (parts != nullptr) {
    mime = curl_mime_init(curl);
    for (const Part& p : *parts) {
      curl_mimepart* m = curl_mime_addpart(mime);
      curl_mime_name(m, p.name.c_str());
      curl_mime_data(m, p.data.data(), p.data.size());
      if (!p.file_name.empty()) curl_mime_filename(m, p.file_name.c_str());
      if (!p.content_type.empty()) curl_mime_type(m, p.content_type.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
  } else if (std::string(method) == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_mime_free(mime);
  // Detach the header list before it is freed (the handle is reused).
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(list);
  ReturnHandle(curl);
  if (rc != CURLE_OK) {
    // The URL has no secret in it; the path tells which call failed.
    std::string where = url;
    const size_t scheme = where.find("://");
    const size_t path = where.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (path != std::string::npos) where = where.substr(path);
    return absl::UnavailableError(absl::StrCat("siasn ", method, " ", where, ": ", curl_easy_strerror(rc),
                                               rc == CURLE_OPERATION_TIMEDOUT
                                                   ? absl::StrCat(" (limit ", absl::FormatDuration(options_.timeout), ")")
                                                   : ""));
  }
  return r;
}

namespace {

// The status of a non-2xx API answer.
absl::Status MapHttpError(long code, const std::string& body, const std::string& retry_after,
                          absl::string_view what, absl::Time now) {
  std::string message = ErrorMessageOf(body);
  const std::string text = absl::StrCat("siasn ", what, ": HTTP ", code, message.empty() ? "" : ": ", message);
  if (code == 429 || code >= 500) {
    absl::Status s = absl::UnavailableError(
        retry_after.empty() ? text : absl::StrCat(text, " (Retry-After: ", retry_after, ")"));
    int64_t seconds = -1;
    if (absl::SimpleAtoi(retry_after, &seconds) && seconds >= 0) {
      s.SetPayload(kRetryAfterPayload, absl::Cord(absl::StrCat(seconds)));
    } else if (!retry_after.empty()) {
      // The HTTP-date form.
      absl::Time t;
      std::string err;
      if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", retry_after, absl::UTCTimeZone(), &t, &err)) {
        s.SetPayload(kRetryAfterPayload,
                     absl::Cord(absl::StrCat(std::max<int64_t>(0, absl::ToInt64Seconds(t - now)))));
      }
    }
    return s;
  }
  if (code == 401) return absl::UnauthenticatedError(text);
  if (code == 403) return absl::PermissionDeniedError(text);
  if (code == 404) return absl::NotFoundError(text);
  if (code == 400 || code == 422) return absl::InvalidArgumentError(text);
  return absl::FailedPreconditionError(text);
}

}  // namespace

absl::StatusOr<SiasnClient::Token> SiasnClient::TokenFrom(const HttpResult& r, absl::string_view what,
                                                          absl::Time start) {
  if (r.status == 400 || r.status == 401 || r.status == 403) {
    const std::string m = ErrorMessageOf(r.body);
    return absl::UnauthenticatedError(
        absl::StrCat("siasn ", what, " token: credentials rejected (HTTP ", r.status, m.empty() ? "" : ": ", m, ")"));
  }
  if (r.status < 200 || r.status >= 300) return MapHttpError(r.status, r.body, r.retry_after, absl::StrCat(what, " token"), Now());
  nlohmann::json doc = nlohmann::json::parse(r.body, nullptr, false);
  auto access = doc.is_object() ? doc.find("access_token") : doc.end();
  if (!doc.is_object() || access == doc.end() || !access->is_string() ||
      access->get_ref<const std::string&>().empty()) {
    // Never quote a token answer: it may hold a token.
    return absl::UnavailableError(absl::StrCat("siasn ", what, " token: answer without access_token"));
  }
  absl::Duration lifetime = kDefaultTokenLifetime;
  auto exp = doc.find("expires_in");
  if (exp != doc.end()) {
    int64_t seconds = 0;
    if (exp->is_number_integer()) {
      seconds = exp->get<int64_t>();
    } else if (exp->is_string()) {
      (void)absl::SimpleAtoi(exp->get_ref<const std::string&>(), &seconds);
    }
    if (seconds > 0) lifetime = absl::Seconds(seconds);
  }
  const absl::Duration margin = std::min(options_.refresh_margin, lifetime / 10);
  Token t;
  t.value = access->get<std::string>();
  t.refresh_at = start + lifetime - margin;
  return t;
}

absl::StatusOr<SiasnClient::Token> SiasnClient::FetchApimToken() {
  const Credentials& c = options_.credentials;
  const absl::Time start = Now();
  const std::vector<std::string> headers = {
      absl::StrCat("Authorization: Basic ", absl::Base64Escape(absl::StrCat(c.consumer_key, ":", c.consumer_secret))),
      "Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
  absl::StatusOr<HttpResult> r = Perform("POST", absl::StrCat(options_.apim_url, "/oauth2/token"), headers,
                                         "grant_type=client_credentials", nullptr);
  if (!r.ok()) return r.status();
  return TokenFrom(*r, "API gateway", start);
}

absl::StatusOr<SiasnClient::Token> SiasnClient::FetchSsoToken() {
  const Credentials& c = options_.credentials;
  const absl::Time start = Now();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("siasn: curl_easy_init failed");
  const std::string form = absl::StrCat("grant_type=password&client_id=", FormEscape(curl, c.sso_client_id),
                                        "&username=", FormEscape(curl, c.username),
                                        "&password=", FormEscape(curl, c.password));
  curl_easy_cleanup(curl);
  const std::vector<std::string> headers = {"Content-Type: application/x-www-form-urlencoded",
                                            "Accept: application/json"};
  absl::StatusOr<HttpResult> r = Perform(
      "POST", absl::StrCat(options_.sso_url, "/auth/realms/", options_.sso_realm, "/protocol/openid-connect/token"),
      headers, form, nullptr);
  if (!r.ok()) return r.status();
  return TokenFrom(*r, "SSO", start);
}

absl::StatusOr<SiasnClient::Tokens> SiasnClient::CurrentTokens() {
  absl::MutexLock l(&mu_);
  const absl::Time now = Now();
  if (apim_.value.empty() || now >= apim_.refresh_at) {
    absl::StatusOr<Token> t = FetchApimToken();
    if (!t.ok()) return t.status();
    apim_ = *t;
    seen_tokens_.push_back(t->value);
  }
  if (sso_.value.empty() || now >= sso_.refresh_at) {
    absl::StatusOr<Token> t = FetchSsoToken();
    if (!t.ok()) return t.status();
    sso_ = *t;
    seen_tokens_.push_back(t->value);
  }
  // A long-lived client keeps only the recent tokens for redaction.
  if (seen_tokens_.size() > 64) seen_tokens_.erase(seen_tokens_.begin(), seen_tokens_.end() - 32);
  return Tokens{apim_.value, sso_.value};
}

void SiasnClient::DropTokens() {
  absl::MutexLock l(&mu_);
  apim_ = Token();
  sso_ = Token();
}

absl::StatusOr<std::string> SiasnClient::Call(const char* method, const std::string& path,
                                              const std::string& json_body, const std::vector<Part>* parts) {
  const std::string what = absl::StrCat(method, " ", path);
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<Tokens> tokens = CurrentTokens();
    if (!tokens.ok()) return tokens.status();
    std::vector<std::string> headers = {absl::StrCat("Authorization: Bearer ", tokens->apim),
                                        absl::StrCat("Auth: bearer ", tokens->sso), "Accept: application/json"};
    if (parts == nullptr && std::string(method) == "POST") headers.push_back("Content-Type: application/json");
    absl::StatusOr<HttpResult> r =
        Perform(method, absl::StrCat(options_.apim_url, kApiBase, path), headers, json_body, parts,
                /*fresh=*/std::string(method) != "GET");
    if (!r.ok()) return r.status();
    if (r->status == 401) {
      // One of the tokens was refused (expired early, revoked): both go,
      // unless another thread has already replaced them, and the call is
      // made once more.  A 401 means SIASN did nothing, so repeating even a
      // save is safe.
      absl::MutexLock l(&mu_);
      if (apim_.value == tokens->apim || sso_.value == tokens->sso) {
        apim_ = Token();
        sso_ = Token();
      }
      if (attempt == 0) continue;
      return absl::UnauthenticatedError(
          absl::StrCat("siasn ", what, ": HTTP 401 with fresh tokens: ", ErrorMessageOf(r->body)));
    }
    if (r->status >= 200 && r->status < 300) return std::move(r->body);
    return MapHttpError(r->status, r->body, r->retry_after, what, Now());
  }
  return absl::InternalError("unreachable");
}

absl::StatusOr<std::string> SiasnClient::GetList(absl::string_view route, absl::string_view nip) {
  if (!IsNip(nip)) return absl::InvalidArgumentError(absl::StrCat("siasn ", route, ": NIP \"", nip, "\" is not digits"));
  return Call("GET", absl::StrCat("/pns/", route, "/", nip), "", nullptr);
}

absl::StatusOr<DataUtama> SiasnClient::GetDataUtama(absl::string_view nip) {
  absl::StatusOr<std::string> body = GetList("data-utama", nip);
  if (!body.ok()) return Redact(body.status());
  return Redact(ParseDataUtamaResponse(*body));
}

absl::StatusOr<std::vector<KursusRecord>> SiasnClient::ListRwKursus(absl::string_view nip) {
  absl::StatusOr<std::string> body = GetList("rw-kursus", nip);
  if (!body.ok()) return Redact(body.status());
  return Redact(ParseKursusListResponse(*body, "rw-kursus"));
}

absl::StatusOr<std::vector<KursusRecord>> SiasnClient::ListRwDiklat(absl::string_view nip) {
  absl::StatusOr<std::string> body = GetList("rw-diklat", nip);
  if (!body.ok()) return Redact(body.status());
  return Redact(ParseKursusListResponse(*body, "rw-diklat"));
}

absl::StatusOr<std::vector<Skp22Record>> SiasnClient::ListRwSkp22(absl::string_view nip) {
  absl::StatusOr<std::string> body = GetList("rw-skp22", nip);
  if (!body.ok()) return Redact(body.status());
  return Redact(ParseSkp22ListResponse(*body));
}

absl::StatusOr<std::string> SiasnClient::SaveKursus(const KursusSave& request) {
  absl::StatusOr<std::string> body = Call("POST", "/kursus/save", KursusSaveToJson(request), nullptr);
  if (!body.ok()) return Redact(body.status());
  return Redact(ParseSaveResponse(*body));
}

absl::Status SiasnClient::UploadDokRw(const DokumenUpload& upload) {
  const std::vector<Part> parts = {
      {"file", upload.content, upload.file_name.empty() ? "dokumen.pdf" : upload.file_name, upload.content_type},
      {"id_riwayat", upload.id_riwayat, "", ""},
      {"id_ref_dokumen", upload.id_ref_dokumen, "", ""}};
  absl::StatusOr<std::string> body = Call("POST", "/upload-dok-rw", "", &parts);
  if (!body.ok()) return Redact(body.status());
  // The answer's data (the stored object) is not needed; its envelope is.
  nlohmann::json doc = nlohmann::json::parse(*body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Redact(absl::InvalidArgumentError(absl::StrCat("siasn upload-dok-rw: malformed JSON: ", body->substr(0, 200))));
  }
  auto code = doc.find("code");
  if (code != doc.end() && !(*code == 1 || *code == "1")) {
    return Redact(absl::FailedPreconditionError(absl::StrCat("siasn upload-dok-rw: ", ErrorMessageOf(*body))));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<KursusRecord>> SiasnClient::FindKursusByCertificate(absl::string_view nip,
                                                                                 absl::string_view number) {
  const absl::string_view wanted = absl::StripAsciiWhitespace(number);
  if (wanted.empty()) return absl::InvalidArgumentError("siasn: an empty certificate number matches nothing");
  absl::StatusOr<std::vector<KursusRecord>> records = ListRwKursus(nip);
  if (absl::IsNotFound(records.status())) return std::optional<KursusRecord>();
  if (!records.ok()) return records.status();
  for (KursusRecord& r : *records) {
    if (absl::StripAsciiWhitespace(r.no_sertipikat) == wanted) return std::optional<KursusRecord>(std::move(r));
  }
  return std::optional<KursusRecord>();
}

absl::Status SiasnClient::Redact(const absl::Status& s) {
  if (s.ok()) return s;
  const Credentials& c = options_.credentials;
  std::vector<std::string> secrets = {c.consumer_secret, c.password, c.consumer_key,
                                      absl::Base64Escape(absl::StrCat(c.consumer_key, ":", c.consumer_secret))};
  {
    absl::MutexLock l(&mu_);
    secrets.insert(secrets.end(), seen_tokens_.begin(), seen_tokens_.end());
  }
  // The URL-encoded forms too, as a server may echo the form it received.
  CURL* curl = curl_easy_init();
  if (curl != nullptr) {
    for (const std::string& v : {c.consumer_secret, c.password}) secrets.push_back(FormEscape(curl, v));
    curl_easy_cleanup(curl);
  }
  // Longest first, so that a secret containing another is removed whole.
  std::sort(secrets.begin(), secrets.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string message(s.message());
  for (const std::string& secret : secrets) {
    if (!secret.empty()) absl::StrReplaceAll({{secret, "[redacted]"}}, &message);
  }
  if (message == s.message()) return s;
  absl::Status out(s.code(), message);
  s.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    std::string p(payload);
    for (const std::string& secret : secrets) {
      if (!secret.empty()) absl::StrReplaceAll({{secret, "[redacted]"}}, &p);
    }
    out.SetPayload(url, absl::Cord(p));
  });
  return out;
}

std::optional<absl::Duration> RetryAfter(const absl::Status& status) {
  auto p = status.GetPayload(kRetryAfterPayload);
  int64_t seconds = 0;
  if (!p.has_value() || !absl::SimpleAtoi(std::string(*p), &seconds)) return std::nullopt;
  return absl::Seconds(seconds);
}

}  // namespace pelita::siasn
