#include "gateway/http_errors.h"

#include <nlohmann/json.hpp>

#include "gtest/gtest.h"
#include "lib/metrics/metrics.h"
#include "lib/status/status.h"

namespace pelita::gateway {
namespace {

TEST(HttpErrorsTest, OneMappingOfCodes) {
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::OK), 200);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::CANCELLED), 499);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INTERNAL), 500);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNIMPLEMENTED), 501);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
  EXPECT_STREQ(CodeName(grpc::StatusCode::NOT_FOUND), "NOT_FOUND");
  // A code that has no name (within the enum's range: 99 would be undefined).
  EXPECT_STREQ(CodeName(static_cast<grpc::StatusCode>(20)), "UNKNOWN");
}

// One table of code names: the JSON error's "status" is the name the
// metrics label the same code with (lib/status's StatusCodeName), and the
// gRPC code travels as its number.
TEST(HttpErrorsTest, ErrorBodiesNameCodesLikeTheMetrics) {
  for (int i = 1; i <= 16; ++i) {
    const auto code = static_cast<grpc::StatusCode>(i);
    const HttpError e = FromCallStatus(grpc::Status(code, "x"));
    const nlohmann::json body = nlohmann::json::parse(ErrorBody(e));
    // CANCELLED from a backend is answered as UNAVAILABLE (FromCallStatus).
    const int expected = code == grpc::StatusCode::CANCELLED ? 14 : i;
    EXPECT_EQ(body["code"], expected) << i;
    EXPECT_EQ(body["status"], std::string(metrics::CodeName(expected))) << i;
    EXPECT_EQ(e.http_status, HttpStatusFor(static_cast<grpc::StatusCode>(expected))) << i;
  }
}

TEST(HttpErrorsTest, TransientFailuresAre503WithRetryAfter) {
  for (auto code : {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED}) {
    HttpError e = FromCallStatus(grpc::Status(code, "connection reset by 10.0.0.7:50052"));
    EXPECT_EQ(e.http_status, 503);
    EXPECT_EQ(e.code, grpc::StatusCode::UNAVAILABLE);
    EXPECT_GT(e.retry_after, absl::ZeroDuration());
    auto body = nlohmann::json::parse(ErrorBody(e));
    EXPECT_EQ(body["message"], "service unavailable");
    EXPECT_EQ(body["status"], "UNAVAILABLE");
    EXPECT_EQ(body["code"], 14);
  }
  EXPECT_EQ(FromStatus(absl::UnavailableError("x")).retry_after, kRetryAfterTransient);
  // A service's google.rpc.RetryInfo is the Retry-After, rounded up to a
  // whole second (a throttled sign-in: 429).
  const grpc::Status throttled =
      ToGrpcStatus(WithRetryDelay(absl::ResourceExhaustedError("slow down"), absl::Milliseconds(6200)));
  EXPECT_EQ(FromCallStatus(throttled).http_status, 429);
  EXPECT_EQ(FromCallStatus(throttled).retry_after, absl::Seconds(7));
  EXPECT_EQ(FromCallStatus(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "x")).retry_after, absl::ZeroDuration());
  EXPECT_EQ(FromCallStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "x")).retry_after, absl::ZeroDuration());
}

TEST(HttpErrorsTest, BodiesAreJsonWithoutInternals) {
  auto body = nlohmann::json::parse(ErrorBody(FromCallStatus(grpc::Status(grpc::StatusCode::INTERNAL, "redis at 10.1.2.3"))));
  EXPECT_EQ(body["message"], "internal error");
  body = nlohmann::json::parse(ErrorBody(FromCallStatus(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "x"))));
  EXPECT_EQ(body["message"], "deadline exceeded");
  // The gateway's own 405 says what happened.
  HttpError m = MethodNotAllowed("PUT is not allowed on /v1/x", "GET, PATCH");
  EXPECT_EQ(m.http_status, 405);
  body = nlohmann::json::parse(ErrorBody(m));
  EXPECT_EQ(body["message"], "PUT is not allowed on /v1/x");
  EXPECT_EQ(PayloadTooLarge("big").http_status, 413);
  // Any bytes in a message give valid JSON.
  HttpError bad = BadRequest(std::string("header row: \xff\xfe \"quoted\" \x01 end"));
  auto parsed = nlohmann::json::parse(ErrorBody(bad), nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << ErrorBody(bad);
  EXPECT_EQ(parsed["message"], "header row: \xef\xbf\xbd\xef\xbf\xbd \"quoted\" \x01 end");
  EXPECT_TRUE(parsed["details"].is_array());
}

}  // namespace
}  // namespace pelita::gateway
