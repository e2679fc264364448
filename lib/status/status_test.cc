#include "lib/status/status.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace pelita {
namespace {

TEST(StatusTest, RoundTripsEveryCanonicalCode) {
  for (int code = 0; code <= 16; ++code) {
    absl::Status s(static_cast<absl::StatusCode>(code), code == 0 ? "" : "boom");
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    EXPECT_EQ(FromGrpcStatus(g), s);
  }
}

// The names are absl's own (and gRPC's): the table can be checked against
// absl::StatusCodeToString for every code.
TEST(StatusTest, CodeNamesAreTheCanonicalOnes) {
  for (int i = 0; i <= 16; ++i) {
    EXPECT_EQ(StatusCodeName(i), absl::StatusCodeToString(static_cast<absl::StatusCode>(i))) << i;
  }
  EXPECT_STREQ(StatusCodeName(17), "UNKNOWN");
  EXPECT_STREQ(StatusCodeName(-1), "UNKNOWN");
}

TEST(StatusTest, InvalidFieldNamesTheField) {
  absl::Status s = InvalidField("unit.display_name", "must not be empty");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "unit.display_name: must not be empty");
}

TEST(StatusTest, InvalidFieldTravelsAsBadRequestDetail) {
  absl::Status s = InvalidField("unit.display_name", "must not be empty");
  grpc::Status g = ToGrpcStatus(s);
  ASSERT_FALSE(g.error_details().empty());
  google::rpc::Status wire;
  ASSERT_TRUE(wire.ParseFromString(g.error_details()));
  ASSERT_EQ(wire.details_size(), 1);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(wire.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "unit.display_name");
  EXPECT_EQ(bad.field_violations(0).description(), "must not be empty");

  // And back: a status received from another service keeps its details.
  absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  auto v = FieldViolationsOf(back);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].first, "unit.display_name");
}

TEST(StatusTest, SeveralFieldsInOneError) {
  absl::Status s = InvalidFields({{"a", "must not be empty"}, {"b.c", "too long"}});
  EXPECT_EQ(s.message(), "a: must not be empty; b.c: too long");
  auto v = FieldViolationsOf(s);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].first, "b.c");
  EXPECT_TRUE(InvalidFields({}).ok());
}

TEST(StatusTest, ReasonTravelsAsErrorInfo) {
  absl::Status s = WithReason(absl::PermissionDeniedError("not your staff"), "NOT_YOUR_STAFF",
                              {{"subject", "196608011988031001"}});
  EXPECT_EQ(ErrorReason(s), "NOT_YOUR_STAFF");
  grpc::Status g = ToGrpcStatus(s);
  google::rpc::Status wire;
  ASSERT_TRUE(wire.ParseFromString(g.error_details()));
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(wire.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "NOT_YOUR_STAFF");
  EXPECT_EQ(info.domain(), "pelita");
  EXPECT_EQ(info.metadata().at("subject"), "196608011988031001");
  EXPECT_EQ(ErrorReason(FromGrpcStatus(g)), "NOT_YOUR_STAFF");
  EXPECT_EQ(ErrorReason(absl::NotFoundError("x")), "");
  EXPECT_TRUE(WithReason(absl::OkStatus(), "X").ok());
}

TEST(StatusTest, PlainErrorsSendNoDetails) {
  EXPECT_TRUE(ToGrpcStatus(absl::NotFoundError("unit dinkes")).error_details().empty());
}

absl::StatusOr<int> Half(int x) {
  if (x % 2) return absl::InvalidArgumentError("odd");
  return x / 2;
}
absl::StatusOr<int> Quarter(int x) {
  PELITA_ASSIGN_OR_RETURN(int h, Half(x));
  PELITA_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pelita
