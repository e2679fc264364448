#include "lib/status/transient.h"

#include "gtest/gtest.h"

namespace pelita {
namespace {

TEST(IsTransientTest, RetryableCodes) {
  EXPECT_TRUE(IsTransient(absl::UnavailableError("redis down")));
  EXPECT_TRUE(IsTransient(absl::DeadlineExceededError("slow")));
  EXPECT_TRUE(IsTransient(absl::AbortedError("cas lost")));
  EXPECT_TRUE(IsTransient(absl::ResourceExhaustedError("rate limited")));
  EXPECT_TRUE(IsTransient(absl::CancelledError("shutting down")));
}

TEST(IsTransientTest, PermanentCodes) {
  EXPECT_FALSE(IsTransient(absl::OkStatus()));
  for (const absl::Status& s :
       {absl::InvalidArgumentError("x"), absl::NotFoundError("x"), absl::AlreadyExistsError("x"),
        absl::PermissionDeniedError("x"), absl::FailedPreconditionError("x"),
        absl::OutOfRangeError("x"), absl::InternalError("x"), absl::DataLossError("x"),
        absl::UnimplementedError("x"), absl::UnknownError("x"), absl::UnauthenticatedError("x")}) {
    EXPECT_FALSE(IsTransient(s)) << s;
  }
}

}  // namespace
}  // namespace pelita
