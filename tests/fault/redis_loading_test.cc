// While Redis loads its data after a restart it answers LOADING to every
// command.  That is a transient fault, and every answer the platform gives
// meanwhile must say so: per-item stream acks UNAVAILABLE (they were 13
// INTERNAL inside HTTP 200, issue 12 item 6), unary RPCs UNAVAILABLE, HTTP
// 200 with UNAVAILABLE acks or 503, never INTERNAL or 500; the services'
// health and the gateway's readiness say not serving, and everything serves
// again once loading is done.  Real binaries, a real redis-server restarted
// on its AOF with a per-key load delay so that loading lasts long enough to
// look at.

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/http_client.h"
#include "gtest/gtest.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/complaint/v1/complaint.grpc.pb.h"
#include "pelita/enrolment/v1/enrolment.grpc.pb.h"
#include "pelita/survey/v1/survey.grpc.pb.h"
#include "tests/fault/platform.h"
#include "tests/fault/seed.h"

namespace pelita::fault {
namespace {

namespace sv1 = survey::v1;

constexpr int kPeople = 20;

void Attach(grpc::ClientContext& ctx) {
  AttachCaller(ctx, Caller{"1504", "admin", "loading-test"});
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
}

class RedisLoadingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Platform::Options options;
    options.gateway = true;
    auto p = Platform::Start(options);
    ASSERT_TRUE(p.ok()) << p.status();
    platform_ = std::move(*p);
    ASSERT_TRUE(SeedSurvey(*platform_, kPeople, 1).ok());
    token_ = platform_->Token("1504", "organiser", "loading-test");
    ASSERT_FALSE(token_.empty());
    survey_ = sv1::SurveyService::NewStub(
        grpc::CreateChannel(platform_->address("survey"), grpc::InsecureChannelCredentials()));
  }

  // Streams responses [first, last) over gRPC; the acks and the status.
  std::vector<sv1::ResponseAck> Stream(int first, int last, grpc::Status* status) {
    grpc::ClientContext ctx;
    Attach(ctx);
    auto stream = survey_->StreamResponses(&ctx);
    for (int i = first; i < last; ++i) {
      sv1::CreateResponseRequest r;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(ResponseJson(i, kPeople), &r).ok());
      r.set_parent("tenants/1504");
      if (!stream->Write(r)) break;
    }
    stream->WritesDone();
    std::vector<sv1::ResponseAck> acks;
    sv1::ResponseAck ack;
    while (stream->Read(&ack)) acks.push_back(ack);
    *status = stream->Finish();
    return acks;
  }
  gateway::HttpResponse PostNdjson(int first, int last) {
    std::string body;
    for (int i = first; i < last; ++i) absl::StrAppend(&body, ResponseJson(i, kPeople), "\n");
    gateway::HttpClient http(platform_->gateway_port());
    return http.Request("POST", "/v1/tenants/1504/responses:stream", body,
                        {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/x-ndjson"}});
  }
  bool RedisLoading() {
    redis::Client probe(platform_->redis().options());
    auto r = probe.Run({"PING"});
    return !r.ok() && absl::StrContains(r.status().message(), "LOADING");
  }

  void TearDown() override {
    if (HasFailure() && platform_) {
      platform_->KeepLogs();
      std::cout << "logs kept in " << platform_->dir() << "\n";
    }
  }

  std::unique_ptr<Platform> platform_;
  std::string token_;
  std::unique_ptr<sv1::SurveyService::Stub> survey_;
};

TEST_F(RedisLoadingTest, EveryAnswerWhileRedisLoadsIsRetryableAndHealthSaysSo) {
  // Served normally first (this also fills the services' caches, so that
  // during loading the write itself meets LOADING, as in the issue).
  grpc::Status status;
  auto acks = Stream(0, 10, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (const auto& a : acks) ASSERT_EQ(a.code(), 0) << a.message();
  // Enough in the AOF for loading to take a while: 15,000 keys at 400 µs.
  {
    redis::Client direct(platform_->redis().options());
    std::vector<redis::Command> filler;
    for (int i = 0; i < 15000; ++i) filler.push_back({"SET", absl::StrCat("filler:", i), "x"});
    ASSERT_TRUE(direct.Pipeline(filler).ok());
  }
  ASSERT_TRUE(platform_->redis().Kill().ok());
  ASSERT_TRUE(platform_->redis().RestartWith({"--key-load-delay", "400"}).ok());
  ASSERT_TRUE(RedisLoading());

  // The survey stream over gRPC: each ack UNAVAILABLE, or the whole stream.
  acks = Stream(10, 20, &status);
  if (status.ok()) {
    ASSERT_EQ(acks.size(), 10u);
    for (const auto& a : acks) {
      EXPECT_EQ(a.code(), static_cast<int>(grpc::StatusCode::UNAVAILABLE)) << a.message();
      // Redis's LOADING refusal, or, when the service's client is still in
      // its reconnect backoff from the kill (a matter of the machine's load),
      // the backoff: retryable either way, and the message says which.
      EXPECT_TRUE(absl::StrContains(a.message(), "LOADING") || absl::StrContains(a.message(), "retrying after backoff"))
          << a.message();
    }
  } else {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  }

  // The same through the gateway: 200 with UNAVAILABLE acks, or 503.
  auto http = PostNdjson(10, 20);
  if (http.status == 200) {
    auto doc = http.Json();
    ASSERT_TRUE(doc.is_array()) << http.body;
    ASSERT_EQ(doc.size(), 10u) << http.body;
    for (const auto& a : doc) EXPECT_EQ(a.value("code", 0), 14) << a.dump();
  } else {
    EXPECT_EQ(http.status, 503) << http.body;
    EXPECT_EQ(http.Json().value("status", ""), "UNAVAILABLE") << http.body;
  }

  // Unary RPCs of every service.
  {
    grpc::ClientContext ctx;
    Attach(ctx);
    sv1::GetResponseRequest r;
    r.set_name("tenants/1504/responses/" + ResponseId(0));
    sv1::Response out;
    grpc::Status s = survey_->GetResponse(&ctx, r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  }
  {
    auto stub = enrolment::v1::EnrolmentService::NewStub(
        grpc::CreateChannel(platform_->address("enrolment"), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    Attach(ctx);
    enrolment::v1::GetUnitRequest r;
    r.set_name("tenants/1504/units/dukcapil");
    enrolment::v1::Unit out;
    grpc::Status s = stub->GetUnit(&ctx, r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  }
  {
    auto stub = complaint::v1::ComplaintService::NewStub(
        grpc::CreateChannel(platform_->address("complaint"), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    Attach(ctx);
    complaint::v1::GetComplaintRequest r;
    r.set_name("tenants/1504/complaints/LPR-1");
    complaint::v1::Complaint out;
    grpc::Status s = stub->GetComplaint(&ctx, r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  }

  // Health: no service says SERVING while Redis loads; nor is the gateway ready.
  for (const char* service : {"enrolment", "survey", "complaint"}) {
    EXPECT_TRUE(testing::WaitFor([&] { return !platform_->Serving(service); }, absl::Seconds(5))) << service;
  }
  gateway::HttpClient probe(platform_->gateway_port());
  EXPECT_EQ(probe.Request("GET", "/readyz").status, 503);
  // All of the above was seen while Redis was still loading.
  ASSERT_TRUE(RedisLoading()) << "loading ended before the checks did; the test saw nothing";

  // Once loaded, everything serves again and the same responses go in.
  ASSERT_TRUE(platform_->redis().WaitServing(absl::Seconds(60)).ok());
  for (const char* service : {"enrolment", "survey", "complaint"}) {
    EXPECT_TRUE(platform_->WaitServing(service, absl::Seconds(10)).ok()) << service;
  }
  EXPECT_TRUE(testing::WaitFor([&] { return probe.Request("GET", "/readyz").status == 200; }, absl::Seconds(10)));
  acks = Stream(10, 20, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (const auto& a : acks) EXPECT_EQ(a.code(), 0) << a.message();
  redis::Client direct(platform_->redis().options());
  EXPECT_EQ(direct.Run({"HLEN", "survey:{1504}:resp"})->integer, 20);
}

}  // namespace
}  // namespace pelita::fault
