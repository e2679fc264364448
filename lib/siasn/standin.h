#ifndef PELITA_LIB_SIASN_STANDIN_H_
#define PELITA_LIB_SIASN_STANDIN_H_

// A SIASN stand-in for tests: a real HTTP/1.1 server (Boost.Beast) on a free
// loopback port that serves both token endpoints and the SIASN paths the
// client uses from an in-memory table the test fills, checks both tokens on
// every API call, and can be told to fail in the ways the real service does.
//
// One URL serves everything: pass url() as both the API gateway's and the
// SSO's base.  Routes, as counted by Requests():
//   "oauth2/token"   POST /oauth2/token (Basic consumer key:secret)
//   "sso/token"      POST /auth/realms/{realm}/protocol/openid-connect/token
//   "data-utama", "rw-kursus", "rw-diklat", "rw-skp22"
//                    GET /apisiasn/1.0/pns/{route}/{nipBaru}
//   "kursus/save"    POST /apisiasn/1.0/kursus/save
//   "upload-dok-rw"  POST /apisiasn/1.0/upload-dok-rw (multipart)

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pelita::siasn {

// A clock tests move by hand, shared by the client (when it refreshes its
// tokens) and the stand-in (when it expires them), so that token lifetimes
// are tested without sleeping.
class ManualClock {
 public:
  explicit ManualClock(absl::Time start = absl::FromUnixSeconds(1767225600)) : now_(start) {}
  absl::Time Now() const {
    absl::MutexLock l(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock l(&mu_);
    now_ += d;
  }
  std::function<absl::Time()> AsFunction() {
    return [this] { return Now(); };
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

struct StandinOptions {
  std::string consumer_key = "standin-key";
  std::string consumer_secret = "standin-secret";
  std::string realm = "public-siasn";
  std::string sso_client_id = "pelita";
  std::string username = "bkpsdm1504";
  std::string password = "standin-password";
  absl::Duration apim_token_lifetime = absl::Hours(1);
  absl::Duration sso_token_lifetime = absl::Hours(12);
  // When set, a rejected token request's error_description repeats what was
  // sent (credentials included), like a careless server: the client must
  // still never show them.
  bool echo_credentials_in_errors = false;
  std::function<absl::Time()> clock;  // absl::Now when empty.
};

class SiasnStandin {
 public:
  enum class Fault {
    kUnauthorized,     // 401 without looking at the tokens.
    kTooManyRequests,  // 429 with Retry-After (SetRetryAfter).
    kServerError,      // 500.
    kTimeout,          // No answer until the client gives up (or Stop()).
    kSlow,             // The normal answer after SetSlowDelay().
    kLoseResponse,     // Do the work (a save is stored), then close without answering.
    kMalformedJson,    // 200 with a truncated JSON body.
    kWrongTypes,       // 200 with the normal answer's strings as numbers and numbers as strings.
  };
  struct Upload {
    std::string id_riwayat;
    std::string id_ref_dokumen;
    std::string file_name;
    std::string content_type;
    std::string content;
  };

  explicit SiasnStandin(StandinOptions options = {});
  ~SiasnStandin();
  SiasnStandin(const SiasnStandin&) = delete;
  SiasnStandin& operator=(const SiasnStandin&) = delete;

  // Listens on 127.0.0.1 on a free port.
  absl::Status Start();
  // Stops listening, releases held (kTimeout) requests and joins every thread.
  void Stop();
  std::string url() const;
  const StandinOptions& options() const { return options_; }

  // The table.  Records are raw JSON so that a test can put wrong types in
  // them; PutDataUtama's "id" is the pnsOrangId kursus/save refers to.
  void PutDataUtama(const std::string& nip, nlohmann::json record);
  void PutRwKursus(const std::string& nip, nlohmann::json records);
  void PutRwDiklat(const std::string& nip, nlohmann::json records);
  void PutRwSkp22(const std::string& nip, nlohmann::json records);
  // rw-kursus of `nip` as served, saved records included.
  nlohmann::json RwKursus(const std::string& nip) const;
  std::vector<Upload> Uploads() const;

  // The next `n` requests to `route` (every API route when empty; token
  // routes only when named) meet `fault`.  Faults queue in order.
  void FailNext(Fault fault, int n = 1, const std::string& route = "");
  void SetRetryAfter(std::string value);  // "" for none; default "7".
  void SetSlowDelay(absl::Duration d);    // Default 100 ms.
  // Every token issued so far stops being valid (the client learns it by a 401).
  void ExpireTokens();
  // At most `per_second` calls a second over the API routes (not the token
  // routes), one second's worth in a burst; beyond it HTTP 429 with
  // Retry-After (whole seconds until the next call may come).  0 = none.
  void SetRateLimit(double per_second);

  // Requests received per route (faulted ones included), token fetches
  // granted, and 401s answered.
  int Requests(const std::string& route) const;
  int ApimTokensIssued() const;
  int SsoTokensIssued() const;
  int UnauthorizedAnswers() const;
  // 429s answered by the rate limit; TCP connections accepted.
  int RateLimitedAnswers() const;
  int Connections() const;

 private:
  struct Impl;
  StandinOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pelita::siasn

#endif  // PELITA_LIB_SIASN_STANDIN_H_
