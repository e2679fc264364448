#include "lib/notify/test_receivers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace pelita::notify::loopback {
namespace {

// Reads one CRLF-terminated line (without the CRLF) from `fd`, keeping the
// rest in `buf`; false on EOF.
bool ReadLine(int fd, std::string& buf, std::string* line) {
  while (true) {
    size_t pos = buf.find("\r\n");
    if (pos != std::string::npos) {
      *line = buf.substr(0, pos);
      buf.erase(0, pos + 2);
      return true;
    }
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, n);
  }
}

void WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += n;
  }
}

}  // namespace

LoopbackReceiver::~LoopbackReceiver() { Stop(); }

bool LoopbackReceiver::Listen() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) return false;
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
  if (listen(listen_fd_, 16) != 0) return false;
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Loop(); });
  return true;
}

void LoopbackReceiver::Loop() {
  while (!stop_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    Serve(fd);
    close(fd);
  }
}

void LoopbackReceiver::Stop() {
  if (stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void LoopbackReceiver::Record(std::string s) {
  absl::MutexLock l(&mu_);
  received_.push_back(std::move(s));
}

std::vector<std::string> LoopbackReceiver::Received() const {
  absl::MutexLock l(&mu_);
  return received_;
}

size_t LoopbackReceiver::Count() const {
  absl::MutexLock l(&mu_);
  return received_.size();
}

void SmtpSink::Serve(int fd) {
  std::string buf, line;
  WriteAll(fd, "220 sink.test ESMTP\r\n");
  while (ReadLine(fd, buf, &line)) {
    const std::string cmd = absl::AsciiStrToUpper(line.substr(0, 4));
    if (cmd == "EHLO" || cmd == "HELO") {
      WriteAll(fd, "250 sink.test\r\n");
    } else if (cmd == "MAIL" || cmd == "RCPT" || cmd == "RSET" || cmd == "NOOP") {
      WriteAll(fd, "250 OK\r\n");
    } else if (cmd == "DATA") {
      WriteAll(fd, "354 go ahead\r\n");
      std::string msg;
      while (ReadLine(fd, buf, &line) && line != ".") {
        if (absl::StartsWith(line, "..")) line.erase(0, 1);
        msg += line + "\n";
      }
      if (ShouldFail()) {
        WriteAll(fd, "451 try again later\r\n");
      } else {
        Record(msg);
        WriteAll(fd, "250 queued\r\n");
      }
    } else if (cmd == "QUIT") {
      WriteAll(fd, "221 bye\r\n");
      return;
    } else {
      WriteAll(fd, "502 not implemented\r\n");
    }
  }
}

void HttpReceiver::Serve(int fd) {
  std::string buf, line, head;
  size_t length = 0;
  if (!ReadLine(fd, buf, &line)) return;
  head = line + "\n";
  while (ReadLine(fd, buf, &line) && !line.empty()) {
    head += line + "\n";
    if (absl::StartsWithIgnoreCase(line, "content-length:")) {
      (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(15)), &length);
    }
  }
  while (buf.size() < length) {
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) return;
    buf.append(tmp, n);
  }
  if (ShouldFail()) {
    WriteAll(fd, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }
  Record(head + "\n" + buf.substr(0, length));
  WriteAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

}  // namespace pelita::notify::loopback
