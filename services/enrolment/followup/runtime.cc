#include "services/enrolment/followup/runtime.h"

#include <unistd.h>

#include "absl/flags/flag.h"
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/log/log.h"
#include "lib/server/flags.h"
#include "lib/status/status.h"
#include "lib/tenancy/tenancy.h"

ABSL_FLAG(std::string, tenants, pelita::EnvOr("PELITA_TENANTS", ""),
          "Comma list of tenants whose streams the follow-up loop follows (env PELITA_TENANTS)");
ABSL_FLAG(int, followup_poll_ms, pelita::EnvOr("PELITA_FOLLOWUP_POLL_MS", 1000),
          "Follow-up loop interval (env PELITA_FOLLOWUP_POLL_MS)");
ABSL_FLAG(std::string, notify_sender, pelita::EnvOr("PELITA_NOTIFY_SENDER", "log"),
          "Reminder sender: log, smtp or webhook (env PELITA_NOTIFY_SENDER)");
ABSL_FLAG(std::string, notify_webhook_url, pelita::EnvOr("PELITA_NOTIFY_WEBHOOK_URL", ""),
          "webhook: URL that receives a JSON POST per reminder (env PELITA_NOTIFY_WEBHOOK_URL)");
ABSL_FLAG(std::string, notify_smtp_url, pelita::EnvOr("PELITA_NOTIFY_SMTP_URL", ""),
          "smtp: smtp://host:port or smtps://host:port (env PELITA_NOTIFY_SMTP_URL)");
ABSL_FLAG(std::string, notify_smtp_from, pelita::EnvOr("PELITA_NOTIFY_SMTP_FROM", ""),
          "smtp: sender address (env PELITA_NOTIFY_SMTP_FROM)");
ABSL_FLAG(std::string, notify_email_domain, pelita::EnvOr("PELITA_NOTIFY_EMAIL_DOMAIN", ""),
          "smtp: mail goes to <nip>@<domain> (env PELITA_NOTIFY_EMAIL_DOMAIN)");
ABSL_FLAG(std::string, notify_smtp_user, pelita::EnvOr("PELITA_NOTIFY_SMTP_USER", ""),
          "smtp: login user, if any (env PELITA_NOTIFY_SMTP_USER; password only from env "
          "PELITA_NOTIFY_SMTP_PASSWORD)");

namespace pelita::enrolment::followup {

absl::StatusOr<std::unique_ptr<FollowUpRuntime>> FollowUpRuntime::FromFlags(
    redis::Client* redis, EnrolmentLogic* enrolment) {
  PELITA_ASSIGN_OR_RETURN(std::vector<std::string> tenants,
                          ParseTenantList(absl::GetFlag(FLAGS_tenants)));
  SenderFlags sf;
  sf.kind = absl::GetFlag(FLAGS_notify_sender);
  sf.webhook_url = absl::GetFlag(FLAGS_notify_webhook_url);
  sf.smtp.url = absl::GetFlag(FLAGS_notify_smtp_url);
  sf.smtp.from = absl::GetFlag(FLAGS_notify_smtp_from);
  sf.smtp.recipient_domain = absl::GetFlag(FLAGS_notify_email_domain);
  sf.smtp.username = absl::GetFlag(FLAGS_notify_smtp_user);
  sf.smtp.password = EnvOr("PELITA_NOTIFY_SMTP_PASSWORD", "");
  auto sender = MakeSender(sf);
  if (!sender.ok()) return sender.status();

  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  const std::string consumer = host[0] ? host : "enrolment";

  std::unique_ptr<FollowUpRuntime> rt(new FollowUpRuntime);
  rt->logic_ = std::make_unique<FollowUpLogic>(redis, enrolment);
  rt->service_ = std::make_unique<FollowUpGrpcService>(rt->logic_.get());
  rt->sender_ = std::move(*sender);
  rt->events_ = std::make_unique<StreamFollower>(
      MakeEnrolmentFollower(redis, rt->logic_.get(), tenants, consumer));
  rt->responses_ = std::make_unique<StreamFollower>(
      MakeSurveyFollower(redis, rt->logic_.get(), tenants, consumer));
  Outbox::Options o;
  o.owner = consumer;
  rt->outbox_ = std::make_unique<Outbox>(redis, rt->logic_.get(), rt->sender_.get(), tenants, o);
  rt->interval_ = absl::Milliseconds(std::max(10, absl::GetFlag(FLAGS_followup_poll_ms)));
  if (tenants.empty()) LogWarning("follow-up: no --tenants; streams are not followed");
  return rt;
}

FollowUpRuntime::~FollowUpRuntime() { Stop(); }

void FollowUpRuntime::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void FollowUpRuntime::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void FollowUpRuntime::Loop() {
  // Errors are logged by the followers and the outbox; the next round retries.
  do {
    (void)events_->PollOnce();
    (void)responses_->PollOnce();
    (void)outbox_->PollOnce();
  } while (!stop_.WaitForNotificationWithTimeout(interval_));
}

}  // namespace pelita::enrolment::followup
