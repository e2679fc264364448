#ifndef PELITA_LIB_NOTIFY_FLAGS_H_
#define PELITA_LIB_NOTIFY_FLAGS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "lib/notify/senders.h"

namespace pelita::notify {

// The sender the flags choose, for every service that sends messages to
// people (follow-up's reminders, identity's activation codes):
//   --notify_sender log|webhook|smtp      (env PELITA_NOTIFY_SENDER)
//   --notify_webhook_url URL              (env PELITA_NOTIFY_WEBHOOK_URL)
//   --notify_smtp_url smtp://host:port    (env PELITA_NOTIFY_SMTP_URL)
//   --notify_smtp_from, --notify_email_domain, --notify_smtp_user
//   and the SMTP password only from the environment (PELITA_NOTIFY_SMTP_PASSWORD).
absl::StatusOr<std::unique_ptr<Sender>> SenderFromFlags();

}  // namespace pelita::notify

#endif  // PELITA_LIB_NOTIFY_FLAGS_H_
