#ifndef PELITA_GATEWAY_REFRESH_COOKIE_H_
#define PELITA_GATEWAY_REFRESH_COOKIE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pelita::gateway {

// A browser's refresh token travels only in an HttpOnly cookie (issue 15):
// script in the page, even injected script, can never read it.
//
// A request is a browser's when it carries `Sec-Fetch-Mode`, a header
// every current browser adds to its requests and that page script cannot
// remove or forge (a forbidden header name).  For a browser:
//   - the refresh token of a SignIn or Refresh reply is taken out of the
//     JSON body and set as the cookie `pelita_refresh` (HttpOnly; Secure;
//     SameSite=Strict; Path=/v1/auth; a session cookie, gone when the
//     browser closes — offices share computers);
//   - a Refresh or SignOut request whose body names no token is sent with
//     the cookie's token;
//   - SignOut, and a Refresh that fails, clear the cookie.
// Other clients (the CLI, integrations, tests) keep the token in the body,
// as before.  Secure cookies are accepted on http://127.0.0.1 and
// http://localhost, which browsers treat as secure origins.
// Whether `v` may be a cookie value of ours: 1..max_bytes of URL-safe
// base64 and `.` (tokens are; any other byte could break the header).
bool IsTokenCookieValue(absl::string_view v, size_t max_bytes);

class RefreshCookie {
 public:
  static constexpr char kName[] = "pelita_refresh";

  // The gRPC method of a route ("/pelita.identity.v1.IdentityService/SignIn").
  static bool IssuesToken(absl::string_view grpc_path);   // SignIn, Refresh
  static bool ConsumesToken(absl::string_view grpc_path); // Refresh, SignOut
  static bool ClearsCookie(absl::string_view grpc_path);  // SignOut

  // The request (serialized RefreshRequest or SignOutRequest) with the
  // cookie's token when its own refresh_token is empty.  A request that
  // does not parse is left alone (the service answers it).
  static void FillRequest(absl::string_view cookie_header, std::string* request);

  // Takes refresh_token out of a serialized TokenResponse; the Set-Cookie
  // value, or nothing when the reply had no token.
  static std::optional<std::string> TakeFromReply(std::string* reply);

  // The Set-Cookie value that removes the cookie.
  static std::string Clear();

  // The value of cookie `name` in a Cookie header (RFC 6265 §5.4), or "".
  static std::string Find(absl::string_view cookie_header, absl::string_view name);
};

}  // namespace pelita::gateway

#endif  // PELITA_GATEWAY_REFRESH_COOKIE_H_
