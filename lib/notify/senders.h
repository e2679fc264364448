#ifndef PELITA_LIB_NOTIFY_SENDERS_H_
#define PELITA_LIB_NOTIFY_SENDERS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pelita::notify {

// One message to a person (a follow-up reminder, an activation code), ready
// to deliver.  `id` is stable for the notification (`<task id>|remind`,
// `<task id>|overdue`, `<account>|code|<n>` under the tenant) and travels
// as the idempotency key (webhook `Idempotency-Key` header and JSON `id`;
// e-mail `Message-ID`), so that a receiver can drop the rare repeat after a
// crash between delivery and recording it.
struct Notification {
  std::string id;
  std::string tenant;
  std::string task;            // resource name of what it is about (a task, an account)
  std::string kind;            // remind | overdue | activation
  std::string recipient_nip;   // an ASN's NIP, or empty
  std::string recipient_email; // when set, the e-mail address (else <nip>@<recipient_domain>)
  std::string recipient_name;
  std::string subject;         // Bahasa Indonesia
  std::string text;            // Bahasa Indonesia
};

// Delivers notifications.  OK means delivered; any error is retried later.
class Sender {
 public:
  virtual ~Sender() = default;
  virtual absl::Status Send(const Notification& n) = 0;
};

// Writes one structured log line per notification (the default).
std::unique_ptr<Sender> MakeLogSender();

// HTTP POST of a JSON object {id, tenant, task, kind, recipient_nip,
// recipient_name, subject, text} to `url` (a regency's WhatsApp/SMS
// gateway); any 2xx is success.
std::unique_ptr<Sender> MakeWebhookSender(std::string url, absl::Duration timeout);

// E-mail over SMTP (`smtp://host:port`, or `smtps://`) from `from` to the
// recipient's e-mail address, or `<nip>@<recipient_domain>` (the regency's
// mail convention for ASN).
struct SmtpOptions {
  std::string url;
  std::string from;
  std::string recipient_domain;
  std::string username;
  std::string password;
  absl::Duration timeout = absl::Seconds(10);
};
std::unique_ptr<Sender> MakeSmtpSender(SmtpOptions options);

// Chooses by name: "log", "webhook", "smtp".
struct SenderFlags {
  std::string kind = "log";
  std::string webhook_url;
  SmtpOptions smtp;
};
absl::StatusOr<std::unique_ptr<Sender>> MakeSender(const SenderFlags& flags);

}  // namespace pelita::notify

#endif  // PELITA_LIB_NOTIFY_SENDERS_H_
