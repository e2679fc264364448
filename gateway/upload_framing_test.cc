#include "gateway/upload_framing.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/text_format.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pelita/enrolment/v1/enrolment.pb.h"
#include "pelita/survey/v1/survey.pb.h"

namespace pelita::gateway {
namespace {

class UploadFramingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto routes = RouteTable::FromGeneratedPool();
    ASSERT_TRUE(routes.ok()) << routes.status();
    routes_ = *std::move(routes);
  }
  const Route& RouteOf(const std::string& rpc) {
    for (const auto& r : routes_.routes()) {
      if (r->rpc_name == rpc) return *r;
    }
    ADD_FAILURE() << "no route " << rpc;
    return *routes_.routes().front();
  }
  RouteTable routes_;
};

std::string Item(const std::string& id) {
  return absl::StrCat(R"({"responseId":")", id, R"(","response":{"instrument":"tenants/1504/instruments/i","cohort":"tenants/1504/programs/p/cohorts/c"}})");
}

TEST_F(UploadFramingTest, NdjsonLinesWhateverThePieces) {
  const Route& route = RouteOf("pelita.survey.v1.SurveyService/StreamResponses");
  const std::string body = Item("a") + "\n\n" + Item("b") + "\r\n" + Item("c");
  // Every way of cutting the body gives the same three messages.
  for (size_t cut = 0; cut <= body.size(); cut += 7) {
    UploadEncoder enc(route, BodyMode::kNdjson, "", {}, "1504", 1000);
    std::vector<std::string> out;
    ASSERT_TRUE(enc.Feed(absl::string_view(body).substr(0, cut), false, &out).ok());
    ASSERT_TRUE(enc.Feed(absl::string_view(body).substr(cut), true, &out).ok());
    ASSERT_EQ(out.size(), 3u) << cut;
    survey::v1::CreateResponseRequest req;
    ASSERT_TRUE(req.ParseFromString(out[2]));
    EXPECT_EQ(req.response_id(), "c");
  }
}

TEST_F(UploadFramingTest, BadLinesAreNamedAndChecked) {
  const Route& route = RouteOf("pelita.survey.v1.SurveyService/StreamResponses");
  for (const std::string& bad : std::vector<std::string>{"{'responseId':'x'}", "{\"responseId\":\"x\",}", std::string(100, '['),
                                "{\"responseId\":\"\xff\"}", "{\"bogus\":1}"}) {
    UploadEncoder enc(route, BodyMode::kNdjson, "", {}, "1504", 1000);
    std::vector<std::string> out;
    auto s = enc.Feed(Item("a") + "\n" + bad + "\n", false, &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(s.message(), "line 2: ")) << s;
  }
  // A line naming another tenant: 403 material.
  UploadEncoder enc(route, BodyMode::kNdjson, "", {}, "1505", 1000);
  std::vector<std::string> out;
  EXPECT_EQ(enc.Feed(Item("a") + "\n", false, &out).code(), absl::StatusCode::kPermissionDenied);
  // A line longer than the limit, even before it ends.
  UploadEncoder longer(route, BodyMode::kNdjson, "", {}, "1504", 50);
  EXPECT_EQ(longer.Feed(std::string(60, ' '), false, &out).code(), absl::StatusCode::kInvalidArgument);
  // And a line that arrives whole in one piece, ended or last: the same
  // error as when the network cut it (before, only a pending part was
  // measured; found by upload_framing_fuzzer).
  const std::string line = "{\"responseId\":\"" + std::string(50, 'x') + "\"}";
  for (const std::string& body : {line + "\n", line}) {
    UploadEncoder whole(route, BodyMode::kNdjson, "", {}, "1504", 16);
    std::vector<std::string> got;
    auto s = whole.Feed(body, true, &got);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), "line 1: longer than 16 bytes");
    EXPECT_TRUE(got.empty());
  }
}

TEST_F(UploadFramingTest, BatchElementsBecomeMessages) {
  const Route& route = RouteOf("pelita.survey.v1.SurveyService/StreamResponses");
  UploadEncoder enc(route, BodyMode::kBatch, "", {}, "1504", 1000);
  std::vector<std::string> out;
  ASSERT_TRUE(enc.EncodeWhole(absl::StrCat("{\"requests\":[", Item("a"), ",", Item("b"), "]}"), &out).ok());
  EXPECT_EQ(out.size(), 2u);
  auto s = enc.EncodeWhole(absl::StrCat("[", Item("a"), ",{\"bogus\":1}]"), &out);
  EXPECT_TRUE(absl::StartsWith(s.message(), "requests[1]: ")) << s;
  EXPECT_TRUE(absl::StrContains(enc.EncodeWhole(std::string(100000, '['), &out).message(), "deeper")) << s;
}

TEST_F(UploadFramingTest, CsvFirstPieceCarriesPathAndQueryFields) {
  const Route& route = RouteOf("pelita.survey.v1.SurveyService/ImportResponsesCsv");
  Bindings bindings = {{"parent", "tenants/1504"}};
  UploadEncoder enc(route, BodyMode::kCsv,
                    "instrument=tenants%2F1504%2Finstruments%2Freaksi&cohort=tenants/1504/programs/p/cohorts/c", bindings,
                    "1504", 1000);
  std::vector<std::string> out;
  ASSERT_TRUE(enc.Feed("a,b\n1,", false, &out).ok());
  ASSERT_TRUE(enc.Feed("2\n", false, &out).ok());
  ASSERT_TRUE(enc.Feed("", true, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  survey::v1::ImportResponsesCsvRequest first, second;
  ASSERT_TRUE(first.ParseFromString(out[0]));
  ASSERT_TRUE(second.ParseFromString(out[1]));
  EXPECT_EQ(first.parent(), "tenants/1504");
  EXPECT_EQ(first.instrument(), "tenants/1504/instruments/reaksi");
  EXPECT_EQ(first.cohort(), "tenants/1504/programs/p/cohorts/c");
  EXPECT_EQ(first.csv_chunk(), "a,b\n1,");
  EXPECT_TRUE(second.parent().empty());
  EXPECT_EQ(second.csv_chunk(), "2\n");
  // An unknown parameter, or a cohort of another tenant, is refused.
  UploadEncoder typo(route, BodyMode::kCsv, "instrumnet=x", bindings, "1504", 1000);
  EXPECT_TRUE(absl::StrContains(typo.Feed("a\n", false, &out).message(), "instrumnet"));
  UploadEncoder other(route, BodyMode::kCsv, "cohort=tenants/1505/programs/p/cohorts/c", bindings, "1504", 1000);
  EXPECT_EQ(other.Feed("a\n", false, &out).code(), absl::StatusCode::kPermissionDenied);
  // An empty file still names where it goes.
  UploadEncoder empty(route, BodyMode::kCsv, "", bindings, "1504", 1000);
  out.clear();
  ASSERT_TRUE(empty.Feed("", true, &out).ok());
  ASSERT_EQ(out.size(), 1u);
}

// The import contract's marker, on a request type that has the field (built
// here, as the services' protos may not have it yet).
TEST_F(UploadFramingTest, TruncationMarkerWhereTheRequestHasTheField) {
  google::protobuf::FileDescriptorProto file;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    name: "truncation_test.proto" package: "pelita.test.v1" syntax: "proto3"
    message_type { name: "ImportRequest"
      field { name: "parent" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
      field { name: "csv_chunk" number: 2 type: TYPE_BYTES label: LABEL_OPTIONAL }
      field { name: "upload_truncated" number: 3 type: TYPE_BOOL label: LABEL_OPTIONAL } }
    message_type { name: "ImportResponse" }
    service { name: "TestService"
      method { name: "Import" input_type: ".pelita.test.v1.ImportRequest"
               output_type: ".pelita.test.v1.ImportResponse" client_streaming: true } }
  )pb", &file));
  google::protobuf::DescriptorPool pool;
  const auto* fd = pool.BuildFile(file);
  ASSERT_NE(fd, nullptr);
  Route route;
  route.method = fd->service(0)->method(0);
  route.body = "*";
  route.chunk_field = route.method->input_type()->FindFieldByName("csv_chunk");
  UploadEncoder enc(route, BodyMode::kCsv, "", {{"parent", "tenants/1504"}}, "1504", 1000);
  ASSERT_TRUE(enc.can_mark_truncated());
  std::unique_ptr<google::protobuf::Message> m = NewMessage(route.method->input_type());
  ASSERT_TRUE(m->ParseFromString(enc.TruncatedMessage()));
  EXPECT_EQ(m->ShortDebugString(), "upload_truncated: true");
  // The services' import requests without the field: no marker.
  UploadEncoder plain(RouteOf("pelita.enrolment.v1.EnrolmentService/ImportEmployees"), BodyMode::kCsv, "", {},
                      "1504", 1000);
  EXPECT_EQ(plain.can_mark_truncated(),
            enrolment::v1::ImportEmployeesRequest::descriptor()->FindFieldByName("upload_truncated") != nullptr);
}

}  // namespace
}  // namespace pelita::gateway
