#include "lib/notify/senders.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "lib/log/log.h"

namespace pelita::notify {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Json(const Notification& n) {
  auto q = [](const std::string& s) { return absl::StrCat("\"", JsonEscape(s), "\""); };
  return absl::StrCat("{\"id\":", q(n.id), ",\"tenant\":", q(n.tenant), ",\"task\":", q(n.task),
                      ",\"kind\":", q(n.kind), ",\"recipient_nip\":", q(n.recipient_nip),
                      ",\"recipient_name\":", q(n.recipient_name), ",\"subject\":", q(n.subject),
                      ",\"text\":", q(n.text), "}");
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

class LogSender : public Sender {
 public:
  absl::Status Send(const Notification& n) override {
    LogInfo("notification", {{"id", n.id}, {"tenant", n.tenant}, {"kind", n.kind},
                                       {"recipient_nip", n.recipient_nip}, {"text", n.text}});
    return absl::OkStatus();
  }
};

class WebhookSender : public Sender {
 public:
  WebhookSender(std::string url, absl::Duration timeout) : url_(std::move(url)), timeout_(timeout) {
    GlobalInit();
  }
  absl::Status Send(const Notification& n) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
    const std::string body = Json(n);
    const std::string key = absl::StrCat("Idempotency-Key: ", n.tenant, ":", n.id);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json; charset=utf-8");
    headers = curl_slist_append(headers, key.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout_)));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
    const CURLcode rc = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) return absl::UnavailableError(absl::StrCat("webhook: ", curl_easy_strerror(rc)));
    if (code < 200 || code >= 300) return absl::UnavailableError(absl::StrCat("webhook: HTTP ", code));
    return absl::OkStatus();
  }

 private:
  std::string url_;
  absl::Duration timeout_;
};

struct Upload {
  std::string data;
  size_t pos = 0;
};
size_t ReadUpload(char* buf, size_t size, size_t n, void* p) {
  auto* u = static_cast<Upload*>(p);
  const size_t len = std::min(size * n, u->data.size() - u->pos);
  std::memcpy(buf, u->data.data() + u->pos, len);
  u->pos += len;
  return len;
}

class SmtpSender : public Sender {
 public:
  explicit SmtpSender(SmtpOptions o) : o_(std::move(o)) { GlobalInit(); }
  absl::Status Send(const Notification& n) override {
    const std::string to =
        !n.recipient_email.empty() ? n.recipient_email : absl::StrCat(n.recipient_nip, "@", o_.recipient_domain);
    Upload u;
    u.data = absl::StrCat(
        "From: ", o_.from, "\r\nTo: ", to, "\r\nSubject: ", n.subject,
        "\r\nMessage-ID: <", absl::StrReplaceAll(n.id, {{"|", "."}}), ".", n.tenant,
        "@pelita>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nYth. ", n.recipient_name, ",\r\n\r\n",
        absl::StrReplaceAll(n.text, {{"\n", "\r\n"}}), "\r\n");
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
    curl_slist* rcpt = curl_slist_append(nullptr, absl::StrCat("<", to, ">").c_str());
    const std::string from = absl::StrCat("<", o_.from, ">");
    curl_easy_setopt(curl, CURLOPT_URL, o_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    if (!o_.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, o_.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, o_.password.c_str());
      curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    }
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &u);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(o_.timeout)));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) return absl::UnavailableError(absl::StrCat("smtp: ", curl_easy_strerror(rc)));
    return absl::OkStatus();
  }

 private:
  SmtpOptions o_;
};

}  // namespace

std::unique_ptr<Sender> MakeLogSender() { return std::make_unique<LogSender>(); }
std::unique_ptr<Sender> MakeWebhookSender(std::string url, absl::Duration timeout) {
  return std::make_unique<WebhookSender>(std::move(url), timeout);
}
std::unique_ptr<Sender> MakeSmtpSender(SmtpOptions options) {
  return std::make_unique<SmtpSender>(std::move(options));
}

absl::StatusOr<std::unique_ptr<Sender>> MakeSender(const SenderFlags& f) {
  if (f.kind.empty() || f.kind == "log") return MakeLogSender();
  if (f.kind == "webhook") {
    if (f.webhook_url.empty()) return absl::InvalidArgumentError("--notify_webhook_url is required");
    return MakeWebhookSender(f.webhook_url, absl::Seconds(10));
  }
  if (f.kind == "smtp") {
    if (f.smtp.url.empty() || f.smtp.from.empty() || f.smtp.recipient_domain.empty()) {
      return absl::InvalidArgumentError(
          "--notify_smtp_url, --notify_smtp_from and --notify_email_domain are required");
    }
    return MakeSmtpSender(f.smtp);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown --notify_sender ", f.kind,
                                                 " (log, smtp, webhook)"));
}

}  // namespace pelita::notify
