#ifndef PELITA_LIB_NOTIFY_TEST_RECEIVERS_H_
#define PELITA_LIB_NOTIFY_TEST_RECEIVERS_H_

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace pelita::notify::loopback {

// Real loopback receivers for the sender tests: a minimal SMTP sink and an
// HTTP receiver, each a listening socket served by one thread, recording
// what arrives.  Port 0 picks a free port.
class LoopbackReceiver {
 public:
  virtual ~LoopbackReceiver();
  int port() const { return port_; }
  // Everything received so far (mail messages with headers / HTTP bodies
  // with headers).
  std::vector<std::string> Received() const;
  size_t Count() const;
  // The next `n` requests fail (HTTP 500 / SMTP 451 after DATA).
  void FailNext(int n) { fail_next_ = n; }
  void Stop();

 protected:
  bool Listen();
  virtual void Serve(int fd) = 0;
  void Record(std::string s);
  bool ShouldFail() { return fail_next_.fetch_sub(1) > 0; }

 private:
  void Loop();
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> fail_next_{0};
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<std::string> received_ ABSL_GUARDED_BY(mu_);
};

class SmtpSink : public LoopbackReceiver {
 public:
  bool Start() { return Listen(); }
  ~SmtpSink() override { Stop(); }

 protected:
  void Serve(int fd) override;
};

class HttpReceiver : public LoopbackReceiver {
 public:
  bool Start() { return Listen(); }
  ~HttpReceiver() override { Stop(); }

 protected:
  void Serve(int fd) override;
};

}  // namespace pelita::notify::loopback

#endif  // PELITA_LIB_NOTIFY_TEST_RECEIVERS_H_
