// The "done when" of issue 12: 20,000 survey responses ingested through the
// real gateway while Redis is SIGKILLed and restarted on its AOF (first
// test), and while the survey service is SIGKILLed and restarted (second
// test).  The clients retry only what the API calls retryable — a per-item
// ack with code UNAVAILABLE, HTTP 503 with Retry-After, a connection error
// before an answer — resending the same response ids; anything else is
// given up, as a careful client would.  Then nothing may be lost and nothing
// doubled: the API's aggregates and the stored responses count exactly
// 20,000, one per id.  (Before the fixes a client like this lost 546-668.)
//
// Loopback only, bounded (the clients give up after kIngestDeadline), and
// every process is stopped by the test.

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/http_client.h"
#include "gtest/gtest.h"
#include "lib/redis/redis.h"
#include "lib/tenancy/tenancy.h"
#include "pelita/survey/v1/survey.grpc.pb.h"
#include "tests/fault/platform.h"
#include "tests/fault/seed.h"

namespace pelita::fault {
namespace {

namespace sv1 = survey::v1;

constexpr int kPeople = 200;
constexpr int kInstruments = 100;
constexpr int kResponses = kPeople * kInstruments;  // 20,000
constexpr int kClients = 4;
constexpr int kBatch = 250;
constexpr absl::Duration kIngestDeadline = absl::Seconds(45);

// What the clients saw, for the verdict and for the log.
struct Tally {
  std::atomic<int> acked{0};
  std::atomic<int> retried_items{0};   // acks with code UNAVAILABLE
  std::atomic<int> retried_calls{0};   // 503 + Retry-After, connection errors
  std::mutex mu;
  std::map<std::string, int> given_up;  // why -> responses
  std::string last_retry;               // the latest retryable answer, for the log
  void GiveUp(const std::string& why, int n) {
    std::lock_guard<std::mutex> lock(mu);
    given_up[why] += n;
  }
};

// One client: its share of the responses, in NDJSON streams
// (`responses:stream`) or in batches (`responses:batchCreate`), resent
// until acknowledged, as long as the API says the failure is retryable.
void Client(int port, const std::string& token, bool ndjson, std::vector<int> todo, absl::Time deadline,
            Tally* tally) {
  gateway::HttpClient http(port);
  while (!todo.empty() && absl::Now() < deadline) {
    const size_t n = std::min<size_t>(todo.size(), kBatch);
    std::vector<std::string> items;
    for (size_t k = 0; k < n; ++k) items.push_back(ResponseJson(todo[k], kPeople));
    gateway::HttpResponse r;
    if (ndjson) {
      r = http.Request("POST", "/v1/tenants/1504/responses:stream", absl::StrJoin(items, "\n") + "\n",
                       {{"Authorization", "Bearer " + token}, {"Content-Type", "application/x-ndjson"}});
    } else {
      r = http.Request("POST", "/v1/tenants/1504/responses:batchCreate",
                       absl::StrCat(R"({"requests":[)", absl::StrJoin(items, ","), "]}"),
                       {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
    }
    if (r.status == 0) {  // no answer: the connection failed
      ++tally->retried_calls;
      absl::SleepFor(absl::Milliseconds(50));  // client backoff, not synchronisation
      continue;
    }
    if (r.status == 503 && !r.Header("retry-after").empty()) {
      ++tally->retried_calls;
      int64_t seconds = 1;
      (void)absl::SimpleAtoi(r.Header("retry-after"), &seconds);
      absl::SleepFor(std::min(absl::Seconds(seconds), absl::Seconds(1)));  // honoured, capped for the bound
      continue;
    }
    if (r.status != 200) {
      const auto doc = r.Json();
      tally->GiveUp(absl::StrCat("HTTP ", r.status, r.status == 503 ? " without Retry-After " : " ",
                                 doc.is_object() ? doc.value("status", "") : r.body.substr(0, 80)),
                    static_cast<int>(n));
      todo.erase(todo.begin(), todo.begin() + n);
      continue;
    }
    auto doc = r.Json();
    if (!ndjson && doc.is_object()) doc = doc["results"];
    if (!doc.is_array() || doc.size() != n) {
      tally->GiveUp(absl::StrCat("HTTP 200 with ", doc.is_array() ? doc.size() : 0, " acks for ", n),
                    static_cast<int>(n));
      todo.erase(todo.begin(), todo.begin() + n);
      continue;
    }
    std::vector<int> again;
    for (size_t k = 0; k < n; ++k) {
      const auto& ack = doc[k];
      const int code = ack.value("code", 0);
      if (ack.value("responseId", "") != ResponseId(todo[k])) {
        tally->GiveUp("ack for another id", 1);
      } else if (code == 0) {
        ++tally->acked;
      } else if (code == static_cast<int>(grpc::StatusCode::UNAVAILABLE)) {
        if (tally->retried_items++ % 1000 == 0) {
          std::lock_guard<std::mutex> lock(tally->mu);
          tally->last_retry = absl::StrCat(absl::FormatTime(absl::Now()), " ", ack.value("message", ""));
        }
        again.push_back(todo[k]);
      } else {
        tally->GiveUp(absl::StrCat("ack code ", code, " ", ack.value("message", "").substr(0, 80)), 1);
      }
    }
    todo.erase(todo.begin(), todo.begin() + n);
    todo.insert(todo.end(), again.begin(), again.end());
    if (!again.empty()) absl::SleepFor(absl::Milliseconds(50));  // client backoff
  }
  if (!todo.empty()) tally->GiveUp("not acknowledged by the deadline", static_cast<int>(todo.size()));
}

class IngestFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Platform::Options options;
    options.gateway = true;
    auto p = Platform::Start(options);
    ASSERT_TRUE(p.ok()) << p.status();
    platform_ = std::move(*p);
    absl::Status seeded = SeedSurvey(*platform_, kPeople, kInstruments);
    ASSERT_TRUE(seeded.ok()) << seeded;
    token_ = platform_->Token("1504", "organiser", "fault-test");
    ASSERT_FALSE(token_.empty());
  }

  // Ingests every response with kClients clients while `fault` runs once a
  // third of them is acknowledged; then checks the verdict.
  void IngestThrough(const std::function<void()>& fault) {
    Tally tally;
    const absl::Time deadline = absl::Now() + kIngestDeadline;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      std::vector<int> todo;
      for (int i = c; i < kResponses; i += kClients) todo.push_back(i);
      clients.emplace_back(Client, platform_->gateway_port(), token_, c % 2 == 0, std::move(todo), deadline,
                           &tally);
    }
    const absl::Time start = absl::Now();
    const bool reached = testing::WaitFor([&] { return tally.acked.load() >= kResponses / 3; }, kIngestDeadline);
    std::cout << "a third in after " << absl::FormatDuration(absl::Now() - start) << "\n";
    if (reached) fault();
    std::cout << "fault injected and recovered from by " << absl::FormatDuration(absl::Now() - start) << "\n";
    for (auto& t : clients) t.join();
    std::cout << "acknowledged " << tally.acked << " of " << kResponses << "; retried " << tally.retried_items
              << " items and " << tally.retried_calls << " calls; the last retried: " << tally.last_retry
              << "\n";
    ASSERT_TRUE(reached) << "a third never got in before the fault";
    {
      std::lock_guard<std::mutex> lock(tally.mu);
      for (const auto& [why, n] : tally.given_up) ADD_FAILURE() << n << " responses given up: " << why;
    }
    EXPECT_EQ(tally.acked.load(), kResponses);
    EXPECT_GT(tally.retried_items.load() + tally.retried_calls.load(), 0) << "the fault was not noticed";
    ExpectEachResponseStoredOnce();
  }

  // The API's aggregates, the stored responses (listed per instrument) and
  // the event stream: each counts exactly kResponses, one per id.
  void ExpectEachResponseStoredOnce() {
    auto stub = sv1::SurveyService::NewStub(
        grpc::CreateChannel(platform_->address("survey"), grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(platform_->WaitServing("survey", absl::Seconds(30)).ok());
    grpc::ClientContext ctx;
    AttachCaller(ctx, Caller{"1504", "admin", "fault-test"});
    sv1::GetCohortAggregatesRequest req;
    req.set_name(absl::StrCat(kCohort, "/surveyAggregates"));
    sv1::CohortAggregates agg;
    grpc::Status s = stub->GetCohortAggregates(&ctx, req, &agg);
    ASSERT_TRUE(s.ok()) << s.error_message();
    int64_t responses = 0, respondents = 0;
    int off = 0;
    for (const auto& in : agg.instruments()) {
      responses += in.response_count();
      respondents += in.respondent_count();
      off += in.response_count() != kPeople;
    }
    EXPECT_EQ(off, 0) << "instruments without exactly " << kPeople << " responses";
    EXPECT_EQ(agg.instruments_size(), kInstruments);
    EXPECT_EQ(responses, kResponses);
    EXPECT_EQ(respondents, kResponses);

    std::set<std::string> ids;
    int64_t listed = 0;
    for (int k = 0; k < kInstruments; ++k) {
      sv1::ListCohortResponsesRequest list;
      list.set_parent(kCohort);
      list.set_instrument(absl::StrCat("tenants/1504/instruments/r-", k));
      list.set_page_size(1000);
      do {
        grpc::ClientContext c;
        AttachCaller(c, Caller{"1504", "admin", "fault-test"});
        sv1::ListCohortResponsesResponse page;
        s = stub->ListCohortResponses(&c, list, &page);
        ASSERT_TRUE(s.ok()) << s.error_message();
        for (const auto& r : page.responses()) {
          ++listed;
          ids.insert(r.name());
        }
        list.set_page_token(page.next_page_token());
      } while (!list.page_token().empty());
    }
    EXPECT_EQ(listed, kResponses);
    EXPECT_EQ(ids.size(), static_cast<size_t>(kResponses));

    redis::Client redis(platform_->redis().options());
    EXPECT_EQ(redis.Run({"HLEN", "survey:{1504}:resp"})->integer, kResponses);
    EXPECT_EQ(redis.Run({"XLEN", "survey:{1504}:responses"})->integer, kResponses);
  }

  void TearDown() override {
    if (HasFailure() && platform_) {
      platform_->KeepLogs();
      std::cout << "logs kept in " << platform_->dir() << "\n";
    }
  }

  std::unique_ptr<Platform> platform_;
  std::string token_;
};

TEST_F(IngestFaultTest, RedisKilledAndRestartedOnItsAof) {
  IngestThrough([&] {
    ASSERT_TRUE(platform_->redis().Kill().ok());
    // Back on the same port and AOF; the clients meet the refused
    // connections, then LOADING while it replays.
    ASSERT_TRUE(platform_->redis().RestartWith({}).ok());
  });
}

TEST_F(IngestFaultTest, SurveyServiceKilledAndRestarted) {
  IngestThrough([&] {
    ASSERT_TRUE(platform_->Kill("survey").ok());
    ASSERT_TRUE(platform_->Restart("survey").ok());
  });
}

}  // namespace
}  // namespace pelita::fault
