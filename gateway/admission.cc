#include "gateway/admission.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gateway/policy.h"

namespace pelita::gateway {

absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view x, absl::string_view grpc_timeout) {
  if (!x.empty()) {
    absl::Duration d;
    double seconds;
    if (absl::ParseDuration(x, &d) && d > absl::ZeroDuration()) return d;
    if (absl::SimpleAtod(x, &seconds) && seconds > 0 && seconds < 1e9) return absl::Seconds(seconds);
    return absl::InvalidArgumentError("X-Request-Timeout: expected a duration such as 2s or 250ms");
  }
  if (!grpc_timeout.empty()) {
    int64_t n;
    char unit = grpc_timeout.back();
    // gRPC's TimeoutValue has at most 8 digits.
    if (grpc_timeout.size() <= 9 && absl::SimpleAtoi(grpc_timeout.substr(0, grpc_timeout.size() - 1), &n) && n > 0) {
      switch (unit) {
        case 'H': return absl::Hours(n);
        case 'M': return absl::Minutes(n);
        case 'S': return absl::Seconds(n);
        case 'm': return absl::Milliseconds(n);
        case 'u': return absl::Microseconds(n);
        case 'n': return absl::Nanoseconds(n);
      }
    }
    return absl::InvalidArgumentError("grpc-timeout: expected e.g. 250m or 2S");
  }
  return absl::ZeroDuration();
}

std::variant<Admitted, HttpError> Admission::AdmitPublic(const RequestHead& head, const std::string& request_id,
                                                        const Route* route, Bindings bindings) const {
  Admitted a;
  a.route = route;
  a.bindings = std::move(bindings);
  // No role and no tenant: identity sees a public call; the subject is the
  // client's address (identity's throttle), never a person.
  a.claims.subject = head.peer;
  auto timeout = ParseTimeout(head.request_timeout, head.grpc_timeout);
  if (!timeout.ok()) return FromStatus(timeout.status());
  a.deadline = *timeout == absl::ZeroDuration() ? options_.default_deadline : std::min(*timeout, options_.max_deadline);
  a.mode = BodyMode::kUnary;
  a.body_limit = std::min<uint64_t>(options_.max_body_bytes, 64 << 10);  // credentials are small
  if (head.content_length && *head.content_length > a.body_limit) {
    HttpError e = PayloadTooLarge(absl::StrCat("request body larger than ", a.body_limit, " bytes"));
    e.close = true;
    return e;
  }
  // One bucket for every unauthenticated request: password hashing is
  // costly, and no tenant is known yet.
  if (limiter_ != nullptr) {
    auto d = limiter_->Take(kPublicBucket, request_id);
    if (!d.allowed) {
      HttpError e = FromStatus(absl::ResourceExhaustedError("rate limit of unauthenticated requests exceeded"));
      e.retry_after = std::max(absl::Seconds(1), absl::Ceil(d.retry_after, absl::Seconds(1)));
      return e;
    }
  }
  return a;
}

std::variant<Admitted, HttpError> Admission::Admit(const RequestHead& head, const std::string& request_id,
                                                  const Route** matched) const {
  if (matched != nullptr) *matched = nullptr;
  // The public methods of identity (sign-in and the like) need no token.
  {
    const Route* route = nullptr;
    Bindings bindings;
    if (routes_->Match(head.method, head.path, &route, &bindings) == RouteTable::MatchResult::kFound &&
        IsPublicRpc(route->rpc_name)) {
      if (matched != nullptr) *matched = route;
      return AdmitPublic(head, request_id, route, std::move(bindings));
    }
  }
  // Authentication.
  absl::string_view token(head.authorization);
  if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
    return FromStatus(absl::UnauthenticatedError("missing bearer token"));
  }
  auto claims = verifier_->Verify(absl::StripAsciiWhitespace(token));
  if (!claims.ok()) return FromStatus(claims.status());
  Admitted a;
  a.claims = *std::move(claims);
  // Routing.  The path was checked to be valid UTF-8 when the header was read.
  switch (routes_->Match(head.method, head.path, &a.route, &a.bindings)) {
    case RouteTable::MatchResult::kNotFound:
      return FromStatus(absl::NotFoundError(absl::StrCat("no route for ", head.method, " ", head.decoded_path)));
    case RouteTable::MatchResult::kMethodNotAllowed:
      return MethodNotAllowed(absl::StrCat(head.method, " is not allowed on ", head.decoded_path),
                              routes_->AllowedMethods(head.path));
    case RouteTable::MatchResult::kFound:
      break;
  }
  if (matched != nullptr) *matched = a.route;
  const Route& route = *a.route;
  // Authorisation, before anything reaches a service.
  const PathSubjects subjects = ScanPath(head.decoded_path);
  if (auto s = AuthorizeRole(a.claims, route.rpc_name, route.read_only(), subjects); !s.ok()) {
    return FromStatus(s);
  }
  auto tenant = AuthorizeTenant(a.claims, route.read_only(), subjects, route.rpc_name);
  if (!tenant.ok()) return FromStatus(tenant.status());
  a.tenant = *std::move(tenant);
  // Deadline: the client's, capped; uploads may take the longest.
  auto timeout = ParseTimeout(head.request_timeout, head.grpc_timeout);
  if (!timeout.ok()) return FromStatus(timeout.status());
  a.deadline = *timeout == absl::ZeroDuration()
                   ? (route.client_streaming() ? options_.max_deadline : options_.default_deadline)
                   : std::min(*timeout, options_.max_deadline);
  // The body mode and its size limit, against the declared length.
  a.body_limit = options_.max_body_bytes;
  if (route.client_streaming()) {
    if (head.content_type == "text/csv" && route.chunk_field != nullptr) {
      a.mode = BodyMode::kCsv;
      a.body_limit = options_.max_upload_bytes;
    } else if (head.content_type == "application/x-ndjson") {
      a.mode = BodyMode::kNdjson;
      a.body_limit = options_.max_upload_bytes;
    } else {
      a.mode = BodyMode::kBatch;
    }
  } else {
    a.mode = route.method->server_streaming() ? BodyMode::kServerStream : BodyMode::kUnary;
  }
  if (head.content_length && *head.content_length > a.body_limit) {
    const bool upload = a.mode == BodyMode::kCsv || a.mode == BodyMode::kNdjson;
    HttpError e = PayloadTooLarge(absl::StrCat(upload ? "upload" : "request body", " larger than ",
                                               a.body_limit, " bytes"));
    e.close = true;  // the body is not read
    return e;
  }
  // Rate limit per tenant of the caller: the claim was validated, so only
  // valid tenant codes ever name a bucket.
  if (limiter_ != nullptr) {
    auto d = limiter_->Take(a.claims.tenant, request_id);
    if (!d.allowed) {
      HttpError e = FromStatus(absl::ResourceExhaustedError(
          absl::StrCat("rate limit of tenant ", a.claims.tenant, " exceeded")));
      e.retry_after = std::max(absl::Seconds(1), absl::Ceil(d.retry_after, absl::Seconds(1)));
      return e;
    }
  }
  return a;
}

}  // namespace pelita::gateway
