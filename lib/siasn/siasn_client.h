#ifndef PELITA_LIB_SIASN_SIASN_CLIENT_H_
#define PELITA_LIB_SIASN_SIASN_CLIENT_H_

// A client of BKN's SIASN web service over libcurl.
//
// Every API call carries two tokens: the API gateway's (client credentials
// with the consumer key and secret, about an hour) as "Authorization:
// Bearer" and the SSO's (a Keycloak password grant, about 12 hours) as
// "Auth: bearer".  Both are cached and fetched again a margin before they
// expire; a 401 drops both and retries the call once with fresh ones.
//
// Errors (lib/siasn/README.md has the table): transport failures, timeouts,
// 429 and 5xx are UNAVAILABLE (retryable; RetryAfter() gives SIASN's
// Retry-After); a 401 with fresh tokens or rejected credentials is
// UNAUTHENTICATED; 404 is NOT_FOUND; 400/422 are INVALID_ARGUMENT and other
// 4xx FAILED_PRECONDITION, with SIASN's message; an answer that does not
// parse is INVALID_ARGUMENT naming the field (shapes.h).  No message ever
// contains the consumer secret, the password or a token.
//
// Thread-safe: one client per tenant can serve many threads; concurrent
// callers share one token fetch.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/siasn/shapes.h"

namespace pelita::siasn {

// A tenant's SIASN account (from its Kubernetes secret).  Never logged.
struct Credentials {
  std::string consumer_key;     // API gateway application (HTTP Basic user).
  std::string consumer_secret;  // API gateway application (HTTP Basic password).
  std::string sso_client_id;    // Keycloak client, e.g. "pelita" or BKN's assigned one.
  std::string username;         // The BKPSDM's SSO user.
  std::string password;
};

struct ClientOptions {
  std::string apim_url;  // API gateway base, e.g. "https://apimws.bkn.go.id:8243".
  std::string sso_url;   // Keycloak base, e.g. "https://sso-siasn.bkn.go.id".
  std::string sso_realm = "public-siasn";
  Credentials credentials;
  // Limit of each HTTP exchange (a token fetch or an API request).
  absl::Duration timeout = absl::Seconds(30);
  absl::Duration connect_timeout = absl::Seconds(10);
  // A token is fetched again this long before it expires, or a tenth of its
  // lifetime when that is shorter.
  absl::Duration refresh_margin = absl::Seconds(60);
  std::function<absl::Time()> clock;  // absl::Now when empty.
};

// A certificate PDF (or other document) for POST /upload-dok-rw.
struct DokumenUpload {
  std::string id_riwayat;      // The record id SaveKursus returned.
  std::string id_ref_dokumen;  // SIASN's document type id.
  std::string file_name = "sertifikat.pdf";
  std::string content_type = "application/pdf";
  std::string content;
};

class SiasnClient {
 public:
  explicit SiasnClient(ClientOptions options);
  ~SiasnClient();
  SiasnClient(const SiasnClient&) = delete;
  SiasnClient& operator=(const SiasnClient&) = delete;

  // GET /pns/data-utama/{nip}.  `nip` must be digits (it goes in the path).
  absl::StatusOr<DataUtama> GetDataUtama(absl::string_view nip);
  // GET /pns/rw-kursus/{nip}, /pns/rw-diklat/{nip}, /pns/rw-skp22/{nip}.
  // SIASN's "Data tidak ditemukan" is NOT_FOUND, as it says it; whether it
  // means "no such employee" or "no records" is SIASN's to say, so a caller
  // importing records treats NOT_FOUND as none recorded.
  absl::StatusOr<std::vector<KursusRecord>> ListRwKursus(absl::string_view nip);
  absl::StatusOr<std::vector<KursusRecord>> ListRwDiklat(absl::string_view nip);
  absl::StatusOr<std::vector<Skp22Record>> ListRwSkp22(absl::string_view nip);
  // POST /kursus/save; the new (or updated) record's id.  Not idempotent:
  // an UNAVAILABLE answer may mean the record was stored, so look with
  // FindKursusByCertificate before saving again.
  absl::StatusOr<std::string> SaveKursus(const KursusSave& request);
  // POST /upload-dok-rw (multipart: file, id_riwayat, id_ref_dokumen).
  absl::Status UploadDokRw(const DokumenUpload& upload);

  // The rw-kursus record of `nip` whose noSertipikat is `number` (compared
  // after trimming spaces, case-sensitively), or nullopt.  What a push
  // outbox asks before posting a certificate again.
  absl::StatusOr<std::optional<KursusRecord>> FindKursusByCertificate(absl::string_view nip,
                                                                      absl::string_view number);

  // Forgets both tokens (the next call fetches new ones).
  void DropTokens();

 private:
  struct Token {
    std::string value;
    absl::Time refresh_at = absl::InfinitePast();  // When to fetch again.
  };
  struct Tokens {
    std::string apim, sso;
  };
  struct HttpResult;
  struct Part;

  absl::StatusOr<Tokens> CurrentTokens();
  absl::StatusOr<Token> FetchApimToken();
  absl::StatusOr<Token> FetchSsoToken();
  absl::StatusOr<Token> TokenFrom(const HttpResult& r, absl::string_view what, absl::Time start);
  // One API request with both tokens and the 401 rule; the body of a 2xx
  // answer, else the mapped error.  With `parts`, a multipart POST.
  absl::StatusOr<std::string> Call(const char* method, const std::string& path, const std::string& json_body,
                                   const std::vector<Part>* parts);
  absl::StatusOr<std::string> GetList(absl::string_view route, absl::string_view nip);
  // `fresh`: a new connection, closed afterwards.  For the API's POSTs:
  // curl repeats a request whose reused connection died before any answer,
  // which for a save could post it twice; on a fresh connection it does
  // not, and the caller sees UNAVAILABLE (look first, then save).
  absl::StatusOr<HttpResult> Perform(const char* method, const std::string& url,
                                     const std::vector<std::string>& headers, const std::string& body,
                                     const std::vector<Part>* parts, bool fresh = false);
  // The message without any secret or token in it; payloads kept.
  absl::Status Redact(const absl::Status& s);
  template <typename T>
  absl::StatusOr<T> Redact(absl::StatusOr<T> v) {
    if (v.ok()) return v;
    return Redact(v.status());
  }
  absl::Time Now() const { return options_.clock ? options_.clock() : absl::Now(); }

  const ClientOptions options_;
  // Held while fetching, so that concurrent callers wait for one fetch.
  absl::Mutex mu_;
  Token apim_ ABSL_GUARDED_BY(mu_);
  Token sso_ ABSL_GUARDED_BY(mu_);
  // Every token this client has held, for Redact (tokens expire, but a
  // message should not show one even so).
  std::vector<std::string> seen_tokens_ ABSL_GUARDED_BY(mu_);
  // Idle curl easy handles (CURL*), reused by later calls: a handle keeps
  // its connections open (HTTP keep-alive), so a sync of thousands of
  // employees does not open a TCP (and TLS) connection per call.  One
  // handle serves one call at a time; at most kMaxIdleHandles are kept.
  static constexpr size_t kMaxIdleHandles = 16;
  void* TakeHandle();
  void ReturnHandle(void* handle);
  absl::Mutex pool_mu_;
  std::vector<void*> idle_ ABSL_GUARDED_BY(pool_mu_);
};

// SIASN's Retry-After on an UNAVAILABLE from a 429 or 503; nullopt when it
// gave none.
std::optional<absl::Duration> RetryAfter(const absl::Status& status);

}  // namespace pelita::siasn

#endif  // PELITA_LIB_SIASN_SIASN_CLIENT_H_
