#include "lib/notify/flags.h"

#include "absl/flags/flag.h"
#include "lib/server/flags.h"

ABSL_FLAG(std::string, notify_sender, pelita::EnvOr("PELITA_NOTIFY_SENDER", "log"),
          "Sender of messages to people (reminders, activation codes): log, smtp or webhook (env PELITA_NOTIFY_SENDER)");
ABSL_FLAG(std::string, notify_webhook_url, pelita::EnvOr("PELITA_NOTIFY_WEBHOOK_URL", ""),
          "webhook: URL that receives a JSON POST per message (env PELITA_NOTIFY_WEBHOOK_URL)");
ABSL_FLAG(std::string, notify_smtp_url, pelita::EnvOr("PELITA_NOTIFY_SMTP_URL", ""),
          "smtp: smtp://host:port or smtps://host:port (env PELITA_NOTIFY_SMTP_URL)");
ABSL_FLAG(std::string, notify_smtp_from, pelita::EnvOr("PELITA_NOTIFY_SMTP_FROM", ""),
          "smtp: sender address (env PELITA_NOTIFY_SMTP_FROM)");
ABSL_FLAG(std::string, notify_email_domain, pelita::EnvOr("PELITA_NOTIFY_EMAIL_DOMAIN", ""),
          "smtp: mail goes to <nip>@<domain> (env PELITA_NOTIFY_EMAIL_DOMAIN)");
ABSL_FLAG(std::string, notify_smtp_user, pelita::EnvOr("PELITA_NOTIFY_SMTP_USER", ""),
          "smtp: login user, if any (env PELITA_NOTIFY_SMTP_USER; password only from env "
          "PELITA_NOTIFY_SMTP_PASSWORD)");

namespace pelita::notify {

absl::StatusOr<std::unique_ptr<Sender>> SenderFromFlags() {
  SenderFlags f;
  f.kind = absl::GetFlag(FLAGS_notify_sender);
  f.webhook_url = absl::GetFlag(FLAGS_notify_webhook_url);
  f.smtp.url = absl::GetFlag(FLAGS_notify_smtp_url);
  f.smtp.from = absl::GetFlag(FLAGS_notify_smtp_from);
  f.smtp.recipient_domain = absl::GetFlag(FLAGS_notify_email_domain);
  f.smtp.username = absl::GetFlag(FLAGS_notify_smtp_user);
  f.smtp.password = EnvOr("PELITA_NOTIFY_SMTP_PASSWORD", "");
  return MakeSender(f);
}

}  // namespace pelita::notify
