#include "lib/testing/redis_server.h"

#include <signal.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pelita::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(Fsync fsync) {
  auto dir = MakeTempDir("pelita-redis");
  if (!dir.ok()) return dir.status();
  std::unique_ptr<RedisServer> server(new RedisServer);
  server->dir_ = *dir;
  server->fsync_ = fsync;
  absl::Status last;
  // A free port can be taken by someone else between probing and binding;
  // try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto port = FreePort();
    if (!port.ok()) return port.status();
    server->port_ = *port;
    last = server->Launch();
    if (last.ok()) return server;
  }
  return last;
}

RedisServer::~RedisServer() {
  if (process_.running()) (void)process_.Stop(SIGKILL);
  RemoveTree(dir_);
}

std::string RedisServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

redis::Options RedisServer::options() const {
  redis::Options o;
  o.host = "127.0.0.1";
  o.port = port_;
  o.min_backoff = absl::Milliseconds(5);
  o.max_backoff = absl::Milliseconds(100);
  return o;
}

absl::Status RedisServer::Launch(const std::vector<std::string>& extra_args, bool wait_serving) {
  std::vector<std::string> argv = {
      "redis-server", "--port", absl::StrCat(port_), "--bind", "127.0.0.1",
      "--dir", dir_, "--appendonly", "yes",
      "--appendfsync", fsync_ == Fsync::kAlways ? "always" : "everysec", "--save", "",
      "--daemonize", "no", "--protected-mode", "yes", "--logfile", ""};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  if (absl::Status s = process_.Start(argv, absl::StrCat(dir_, "/redis.log")); !s.ok()) return s;
  redis::Options o = options();
  o.connect_timeout = absl::Milliseconds(200);
  o.min_backoff = absl::ZeroDuration();
  redis::Client probe(o);
  // Up: PING answers PONG (serving) or, when asked not to wait for the data,
  // answers at all (LOADING is an answer).
  bool up = WaitFor(
      [&] {
        if (wait_serving) return probe.Ping().ok();
        auto r = probe.Run({"PING"});
        return r.ok() || absl::StrContains(r.status().message(), "LOADING");
      },
      absl::Seconds(15));
  if (!up) {
    (void)process_.Stop(SIGKILL);
    return absl::UnavailableError(absl::StrCat("redis-server did not answer on port ", port_,
                                               "; see ", dir_, "/redis.log"));
  }
  return absl::OkStatus();
}

absl::Status RedisServer::RestartWith(const std::vector<std::string>& extra_args) {
  if (process_.running()) {
    if (absl::Status s = Stop(); !s.ok()) return s;
  }
  return Launch(extra_args, /*wait_serving=*/false);
}

absl::Status RedisServer::WaitServing(absl::Duration timeout) {
  redis::Options o = options();
  o.connect_timeout = absl::Milliseconds(200);
  o.min_backoff = absl::ZeroDuration();
  redis::Client probe(o);
  if (WaitFor([&] { return probe.Ping().ok(); }, timeout)) return absl::OkStatus();
  return absl::DeadlineExceededError(
      absl::StrCat("redis-server on port ", port_, " still not serving; see ", dir_, "/redis.log"));
}

absl::Status RedisServer::Stop() {
  auto r = process_.Stop(SIGTERM);
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::Status RedisServer::Kill() {
  auto r = process_.Stop(SIGKILL);
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::Status RedisServer::Restart() {
  if (process_.running()) {
    if (absl::Status s = Stop(); !s.ok()) return s;
  }
  return Launch();
}

}  // namespace pelita::testing
