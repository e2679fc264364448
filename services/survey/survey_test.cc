// Tests of SurveyLogic and its store against a real redis-server, with a
// fixed roster standing in for the enrolment service.

#include "services/survey/survey.h"

#include <map>
#include <optional>
#include <set>
#include <random>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pelita/survey/v1/events.pb.h"
#include "lib/status/status.h"
#include "lib/ids/nip.h"
#include "lib/testing/redis_server.h"

namespace pelita::survey {
namespace {

class FixedRoster : public Roster {
 public:
  absl::StatusOr<CohortRoster> Fetch(const std::string& tenant, const std::string& cohort) override {
    absl::MutexLock l(&mu_);
    auto it = cohorts_.find(tenant + "|" + cohort);
    if (it == cohorts_.end()) return absl::NotFoundError("no cohort " + cohort);
    return it->second;
  }
  absl::StatusOr<std::vector<std::string>> Supervisors(const std::string& tenant, const std::string&,
                                                       const std::string& subject) override {
    absl::MutexLock l(&mu_);
    auto it = supervisors_.find(tenant + "|" + subject);
    if (it == supervisors_.end()) return std::vector<std::string>{};
    return std::vector<std::string>{it->second};
  }
  absl::StatusOr<std::string> UnitTitle(const std::string& tenant, const std::string& unit) override {
    if (tenant == "1504" && unit == "tenants/1504/units/disdukcapil") return std::string("Dinas Dukcapil");
    return absl::NotFoundError("no unit " + unit);
  }
  void Set(const std::string& tenant, const std::string& cohort, std::vector<std::string> nips) {
    absl::MutexLock l(&mu_);
    CohortRoster& r = cohorts_[tenant + "|" + cohort];
    r.enrolled = std::move(nips);
    // One wide follow-up window, so answers of any date this year and next
    // count (the enrolment service derives real ones from the cohort).
    r.windows = {{30, absl::CivilDay(2026, 1, 1), absl::CivilDay(2027, 12, 31)}};
  }
  void SetSupervisor(const std::string& tenant, const std::string& subject, const std::string& supervisor) {
    absl::MutexLock l(&mu_);
    supervisors_[tenant + "|" + subject] = supervisor;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, CohortRoster> cohorts_;
  std::map<std::string, std::string> supervisors_;
};

std::string NipOf(int i) {
  return MakeNip(absl::CivilDay(1960 + i % 20, 1 + i % 12, 1 + i % 28), absl::CivilMonth(2005, 1 + i % 12),
                 i % 2 ? Nip::Gender::kMale : Nip::Gender::kFemale, 1 + i % 900);
}

constexpr char kCohort[] = "tenants/1504/programs/latsar/cohorts/2026-a";
constexpr char kOtherCohort[] = "tenants/1504/programs/latsar/cohorts/2026-b";

class SurveyLogicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    client_ = std::make_unique<redis::Client>(redis_->options());
    cached_ = std::make_unique<CachedRoster>(&roster_, absl::Seconds(30), absl::ZeroDuration());
    logic_ = std::make_unique<SurveyLogic>(client_.get(), cached_.get());
    for (int i = 0; i < 20; ++i) nips_.push_back(NipOf(i));
    for (const auto& nip : nips_) roster_.SetSupervisor("1504", nip, NipOf(900));
    roster_.Set("1504", kCohort, nips_);
    roster_.Set("1504", kOtherCohort, {NipOf(100)});
    roster_.Set("1571", "tenants/1571/programs/latsar/cohorts/2026-a", nips_);
    v1::InstallDefaultInstrumentsRequest req;
    req.set_parent("tenants/1504");
    ASSERT_TRUE(logic_->InstallDefaultInstruments(caller_, req).ok());
  }

  v1::CreateResponseRequest Reaction(const std::string& id, const std::string& nip, int base) {
    v1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    v1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/reaksi-peserta");
    r.set_cohort(kCohort);
    r.set_respondent_nip(nip);
    const char* codes[] = {"M1", "M2", "M3", "I1", "I2", "I3", "F1", "F2", "F3", "P1", "P2", "P3"};
    for (int i = 0; i < 12; ++i) {
      v1::Answer* a = r.add_answers();
      a->set_item(codes[i]);
      a->set_number(1 + (base + i * 7) % 5);
    }
    return req;
  }

  // A keyed pretest and posttest: five single-choice items s0..s4, s4
  // correct for 4 points (Pelita scores them).
  void CreateTests() {
    v1::CreateInstrumentRequest pre;
    pre.set_parent("tenants/1504");
    pre.set_instrument_id("pre-latsar");
    v1::Instrument& in = *pre.mutable_instrument();
    in.set_title("Pre-test Latsar");
    in.set_kind(v1::PRETEST);
    for (int i = 1; i <= 5; ++i) {
      v1::Item* item = in.add_items();
      item->set_code(absl::StrCat("Q", i));
      item->set_text(absl::StrCat("Soal ", i));
      item->set_type(v1::SINGLE_CHOICE);
      for (int k = 0; k <= 4; ++k) item->add_choices()->set_code(absl::StrCat("s", k));
      item->mutable_key()->add_correct_choices("s4");
      item->mutable_key()->set_points(4);
      item->set_required(true);
    }
    ASSERT_TRUE(logic_->CreateInstrument(caller_, pre).ok());
    v1::CreateInstrumentRequest post = pre;
    post.set_instrument_id("post-latsar");
    post.mutable_instrument()->set_kind(v1::POSTTEST);
    post.mutable_instrument()->set_pretest("tenants/1504/instruments/pre-latsar");
    auto created = logic_->CreateInstrument(caller_, post);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  // Points Pelita gives the choice s<k> of a test item.
  static int64_t Points(int k) { return k == 4 ? 4 : 0; }

  v1::CreateResponseRequest Test(const std::string& instrument, const std::string& id,
                                 const std::string& nip, std::vector<int> choices) {
    v1::CreateResponseRequest req;
    req.set_parent("tenants/1504");
    req.set_response_id(id);
    v1::Response& r = *req.mutable_response();
    r.set_instrument("tenants/1504/instruments/" + instrument);
    r.set_cohort(kCohort);
    r.set_respondent_nip(nip);
    for (size_t i = 0; i < choices.size(); ++i) {
      v1::Answer* a = r.add_answers();
      a->set_item(absl::StrCat("Q", i + 1));
      a->set_choice(absl::StrCat("s", choices[i]));
    }
    return req;
  }

  v1::InstrumentAggregates Aggregates(const std::string& instrument, const Caller* c = nullptr,
                                      bool non_respondents = false) {
    v1::GetCohortAggregatesRequest req;
    req.set_name(absl::StrCat(kCohort, "/surveyAggregates"));
    req.set_instrument("tenants/1504/instruments/" + instrument);
    req.set_include_non_respondents(non_respondents);
    auto out = logic_->GetCohortAggregates(c ? *c : caller_, req);
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok() || out->instruments_size() != 1) return {};
    return out->instruments(0);
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  FixedRoster roster_;
  std::unique_ptr<CachedRoster> cached_;
  std::unique_ptr<SurveyLogic> logic_;
  std::vector<std::string> nips_;
  Caller caller_{"1504", "", ""};
};

TEST_F(SurveyLogicTest, DefaultsInstalledOnceAndVersioned) {
  v1::InstallDefaultInstrumentsRequest req;
  req.set_parent("tenants/1504");
  auto again = logic_->InstallDefaultInstruments(caller_, req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->instruments_size(), 5);
  v1::ListInstrumentsRequest list;
  list.set_parent("tenants/1504");
  EXPECT_EQ(logic_->ListInstruments(caller_, list)->instruments_size(), 5);

  // An edit of items after responses creates version 2; version 1 stays.
  ASSERT_TRUE(logic_->CreateResponse(caller_, Reaction("r1", nips_[0], 1)).ok());
  v1::GetInstrumentRequest get;
  get.set_name("tenants/1504/instruments/reaksi-peserta");
  v1::Instrument in = *logic_->GetInstrument(caller_, get);
  EXPECT_EQ(in.version(), 1);
  EXPECT_EQ(in.response_count(), 1);
  in.mutable_items(0)->set_text("Materi relevan");
  v1::UpdateInstrumentRequest up;
  *up.mutable_instrument() = in;
  auto updated = logic_->UpdateInstrument(caller_, up);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->version(), 2);
  get.set_name("tenants/1504/instruments/reaksi-peserta@1");
  EXPECT_EQ(logic_->GetInstrument(caller_, get)->items(0).text(),
            "Materi pelatihan sesuai dengan kebutuhan tugas saya");
  // A title-only edit keeps the version.
  in = *updated;
  in.set_title("Evaluasi Reaksi");
  *up.mutable_instrument() = in;
  EXPECT_EQ(logic_->UpdateInstrument(caller_, up)->version(), 2);
  // With an update_mask only the named fields change (AIP-134): the items
  // of this patch are not in the mask, so neither they nor the version move.
  v1::UpdateInstrumentRequest masked;
  masked.mutable_instrument()->set_name("tenants/1504/instruments/reaksi-peserta");
  masked.mutable_instrument()->set_description("Diisi setelah pelatihan");
  masked.mutable_instrument()->add_items()->set_code("ONLY");
  masked.mutable_update_mask()->add_paths("description");
  auto described = logic_->UpdateInstrument(caller_, masked);
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ(described->description(), "Diisi setelah pelatihan");
  EXPECT_EQ(described->title(), "Evaluasi Reaksi");
  EXPECT_EQ(described->items_size(), in.items_size());
  EXPECT_EQ(described->version(), 2);
  // An unknown path or a change of kind is refused, naming the field, and
  // changes nothing.
  masked.mutable_update_mask()->add_paths("no_such_field");
  auto unknown = logic_->UpdateInstrument(caller_, masked).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(unknown).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(unknown)[0].first, "update_mask");
  masked.mutable_update_mask()->Clear();
  masked.mutable_update_mask()->add_paths("kind");
  masked.mutable_instrument()->set_kind(v1::SKM);
  auto kind = logic_->UpdateInstrument(caller_, masked).status();
  EXPECT_EQ(kind.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(kind).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(kind)[0].first, "instrument.kind");
  get.set_name("tenants/1504/instruments/reaksi-peserta");
  auto after = logic_->GetInstrument(caller_, get);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->kind(), v1::REACTION);
  EXPECT_EQ(after->description(), "Diisi setelah pelatihan");
  // A new response validates against version 2 and says so.
  auto r2 = logic_->CreateResponse(caller_, Reaction("r2", nips_[1], 2));
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->instrument_version(), 2);
}

// A reaction survey created without saying whether it is anonymous (a REST
// body that leaves the field out) is anonymous; one that says false is not.
TEST_F(SurveyLogicTest, AReactionSurveyIsAnonymousUnlessTheRequestSaysOtherwise) {
  auto make = [&](const std::string& id, std::optional<bool> anonymous) {
    v1::CreateInstrumentRequest r;
    r.set_parent("tenants/1504");
    r.set_instrument_id(id);
    v1::Instrument& in = *r.mutable_instrument();
    in.set_title("Reaksi");
    in.set_kind(v1::REACTION);
    if (anonymous.has_value()) in.set_anonymous(*anonymous);
    v1::Item* item = in.add_items();
    item->set_code("M1");
    item->set_text("Materi bermanfaat");
    item->set_type(v1::LIKERT);
    item->set_scale_min(1);
    item->set_scale_max(5);
    item->set_dimension(v1::MATERI);
    return logic_->CreateInstrument(caller_, r);
  };
  auto unsaid = make("reaksi-a", std::nullopt);
  ASSERT_TRUE(unsaid.ok()) << unsaid.status();
  EXPECT_TRUE(unsaid->anonymous());
  auto named = make("reaksi-b", false);
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_FALSE(named->anonymous());
  // As stored, not only as answered.
  v1::GetInstrumentRequest g;
  g.set_name("tenants/1504/instruments/reaksi-a");
  auto got = logic_->GetInstrument(caller_, g);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->anonymous());
}

TEST_F(SurveyLogicTest, RejectsBadResponsesNamingTheItemAndWritesNothing) {
  auto bad = Reaction("bad-1", nips_[0], 1);
  bad.mutable_response()->mutable_answers(3)->set_number(6);
  auto s = logic_->CreateResponse(caller_, bad);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.status().message(), "item I1")) << s.status();

  auto missing = Reaction("bad-2", nips_[0], 1);
  missing.mutable_response()->mutable_answers()->DeleteSubrange(0, 1);
  EXPECT_TRUE(absl::StrContains(logic_->CreateResponse(caller_, missing).status().message(),
                                "item M1"));
  auto unknown = Reaction("bad-3", nips_[0], 1);
  unknown.mutable_response()->add_answers()->set_item("X9");
  EXPECT_TRUE(absl::StrContains(logic_->CreateResponse(caller_, unknown).status().message(),
                                "unknown item"));
  // Megabytes of text in a free-text item.
  auto huge = Reaction("bad-4", nips_[0], 1);
  v1::Answer* a = huge.mutable_response()->add_answers();
  a->set_item("SARAN");
  a->set_text(std::string(3 << 20, 'x'));
  EXPECT_TRUE(absl::StrContains(logic_->CreateResponse(caller_, huge).status().message(), "SARAN"));
  auto utf = Reaction("bad-5", nips_[0], 1);
  a = utf.mutable_response()->add_answers();
  a->set_item("SARAN");
  a->set_text("bagus \xc0\xaf");
  EXPECT_TRUE(absl::StrContains(logic_->CreateResponse(caller_, utf).status().message(), "UTF-8"));

  // Not enrolled in the cohort, or a cohort that does not exist.
  auto stranger = Reaction("bad-6", NipOf(500), 1);
  auto not_enrolled = logic_->CreateResponse(caller_, stranger).status();
  EXPECT_EQ(not_enrolled.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(not_enrolled), "NOT_ENROLLED");
  auto other = Reaction("bad-7", NipOf(100), 1);  // enrolled in 2026-b, answers about 2026-a
  EXPECT_EQ(logic_->CreateResponse(caller_, other).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto nocohort = Reaction("bad-8", nips_[0], 1);
  nocohort.mutable_response()->set_cohort("tenants/1504/programs/latsar/cohorts/nope");
  EXPECT_EQ(logic_->CreateResponse(caller_, nocohort).status().code(), absl::StatusCode::kNotFound);
  auto badid = Reaction("Bad Id!", nips_[0], 1);
  EXPECT_TRUE(absl::StrContains(logic_->CreateResponse(caller_, badid).status().message(), "response_id"));

  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 0);
  auto xlen = client_->Run({"XLEN", "survey:{1504}:responses"});
  EXPECT_EQ(xlen->integer, 0);
}

TEST_F(SurveyLogicTest, IdempotentByIdAndConflictOnOtherContent) {
  auto first = logic_->CreateResponse(caller_, Reaction("r-1", nips_[0], 3));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->name(), "tenants/1504/responses/r-1");
  EXPECT_TRUE(first->respondent_nip().empty()) << "anonymous reaction keeps no NIP";
  auto again = logic_->CreateResponse(caller_, Reaction("r-1", nips_[0], 3));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
  auto conflict = logic_->CreateResponse(caller_, Reaction("r-1", nips_[0], 4));
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 1);
  EXPECT_EQ(client_->Run({"XLEN", "survey:{1504}:responses"})->integer, 1);

  // The same id from many threads at once: counted once.
  std::vector<std::thread> threads;
  std::atomic<int> fresh{0}, dup{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      std::vector<v1::CreateResponseRequest> reqs = {Reaction("r-2", nips_[1], 5)};
      auto acks = logic_->Ingest(caller_, "tenants/1504", {&reqs[0]});
      ASSERT_TRUE(acks.ok());
      ASSERT_EQ((*acks)[0].code(), 0) << (*acks)[0].message();
      ((*acks)[0].duplicate() ? dup : fresh)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(dup.load(), 7);
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 2);
  // Within one batch too.
  std::vector<v1::CreateResponseRequest> reqs = {Reaction("r-3", nips_[2], 1), Reaction("r-3", nips_[2], 1),
                                                 Reaction("r-3", nips_[2], 2)};
  auto acks = logic_->Ingest(caller_, "tenants/1504", {&reqs[0], &reqs[1], &reqs[2]});
  ASSERT_TRUE(acks.ok());
  EXPECT_FALSE((*acks)[0].duplicate());
  EXPECT_TRUE((*acks)[1].duplicate());
  EXPECT_EQ((*acks)[2].code(), static_cast<int>(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 3);
}

// Every aggregate equals what a recomputation from the stored raw responses
// gives (test scores recomputed here from the key), and a re-taken test is
// refused: one attempt per test.
TEST_F(SurveyLogicTest, AggregatesEqualRecomputationFromRaw) {
  CreateTests();
  std::mt19937 rng(42);
  std::vector<v1::CreateResponseRequest> reqs;
  for (int i = 0; i < 15; ++i) reqs.push_back(Reaction(absl::StrCat("re-", i), nips_[i], rng() % 100));
  // Item M3 left out of a few: they are not complete for alpha.
  for (int i = 0; i < 3; ++i) {
    auto r = Reaction(absl::StrCat("partial-", i), nips_[15 + i], rng() % 100);
    auto* answers = r.mutable_response()->mutable_answers();
    answers->erase(answers->begin() + 2);
    reqs.push_back(r);
  }
  // M3 is required: these are rejected; make one optional-free variant instead.
  auto rnd = [&] { return static_cast<int>(rng() % 5); };
  for (int i = 0; i < 12; ++i) {
    reqs.push_back(Test("pre-latsar", absl::StrCat("pre-", i), nips_[i], {rnd(), rnd(), rnd(), rnd(), rnd()}));
  }
  for (int i = 4; i < 16; ++i) {
    reqs.push_back(Test("post-latsar", absl::StrCat("post-", i), nips_[i], {rnd(), rnd(), rnd(), rnd(), rnd()}));
  }
  // And a re-sent posttest (same id): no change.
  reqs.push_back(reqs.back());
  // Participant 5 re-takes the pretest under a new id: refused.
  reqs.push_back(Test("pre-latsar", "pre-5-retake", nips_[5], {4, 4, 4, 4, 4}));
  std::vector<const v1::CreateResponseRequest*> ptrs;
  for (const auto& r : reqs) ptrs.push_back(&r);
  auto acks = logic_->Ingest(caller_, "tenants/1504", ptrs);
  ASSERT_TRUE(acks.ok());
  int rejected = 0;
  std::vector<v1::Response> accepted;
  for (const auto& a : *acks) {
    if (a.response_id() == "pre-5-retake") {
      EXPECT_EQ(a.code(), static_cast<int>(absl::StatusCode::kAlreadyExists)) << a.message();
      EXPECT_TRUE(absl::StrContains(a.message(), "tenants/1504/responses/pre-5")) << a.message();
    } else if (a.code() != 0) {
      ++rejected;
      EXPECT_TRUE(absl::StrContains(a.message(), "item M3")) << a.message();
    } else if (!a.duplicate()) {
      accepted.push_back(a.response());
    }
  }
  EXPECT_EQ(rejected, 3);
  EXPECT_TRUE((*acks)[acks->size() - 2].duplicate());

  // Recompute from the raw responses read back from the stream.
  auto entries = client_->Run({"XRANGE", "survey:{1504}:responses", "-", "+"});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->elements.size(), accepted.size());
  std::map<std::string, std::map<std::string, std::array<int64_t, 3>>> items;  // instr -> item -> n,s,q
  std::map<std::string, std::array<int64_t, 3>> totals;
  std::map<std::string, int64_t> pre, post;
  for (const auto& e : entries->elements) {
    // Each entry is one typed ResponseAccepted event (lib/events).
    const auto& fields = e.elements[1].elements;
    ASSERT_EQ(fields.size(), 4u);
    EXPECT_EQ(fields[1].str, "pelita.survey.v1.ResponseAccepted");
    v1::ResponseAccepted event;
    ASSERT_TRUE(event.ParseFromString(fields[3].str));
    const v1::Response& r = event.payload();
    const std::string& kind = event.instrument_kind();
    EXPECT_EQ(kind, KindName(r.instrument_kind()));
    EXPECT_EQ(event.response(), r.name());
    int64_t total = 0;
    for (const auto& a : r.answers()) {
      auto& t = items[r.instrument()][a.item()];
      // A test answer is worth the points of its choice under the key.
      const int64_t v = a.value_case() == v1::Answer::kChoice ? Points(a.choice()[1] - '0') : a.number();
      t[0] += 1;
      t[1] += v;
      t[2] += v * v;
      total += v;
    }
    if (kind == "pretest" || kind == "posttest") EXPECT_EQ(r.total_score(), total);
    auto& tt = totals[r.instrument()];
    tt[0] += 1;
    tt[1] += total;
    tt[2] += total * total;
    if (kind == "pretest") pre[r.respondent_nip()] = total;
    if (kind == "posttest") post[r.respondent_nip()] = total;
  }
  for (const std::string id : {"reaksi-peserta", "pre-latsar", "post-latsar"}) {
    auto agg = Aggregates(id);
    const std::string name = "tenants/1504/instruments/" + id;
    EXPECT_EQ(agg.response_count(), totals[name][0]) << id;
    EXPECT_EQ(agg.total_sum(), totals[name][1]) << id;
    EXPECT_EQ(agg.total_sum_squares(), totals[name][2]) << id;
    for (const auto& ia : agg.items()) {
      auto t = items[name][ia.item()];
      EXPECT_EQ(ia.n(), t[0]) << id << " " << ia.item();
      EXPECT_EQ(ia.sum(), t[1]) << id << " " << ia.item();
      EXPECT_EQ(ia.sum_squares(), t[2]) << id << " " << ia.item();
    }
    // All accepted responses are complete here, so alpha inputs equal the totals.
    EXPECT_EQ(agg.reliability().n(), totals[name][0]);
    EXPECT_EQ(agg.reliability().total_sum_squares(), totals[name][2]);
  }
  auto reaction = Aggregates("reaksi-peserta");
  ASSERT_EQ(reaction.dimensions_size(), 4);
  int64_t materi = 0;
  for (const char* c : {"M1", "M2", "M3"}) materi += items["tenants/1504/instruments/reaksi-peserta"][c][1];
  EXPECT_EQ(reaction.dimensions(0).dimension(), v1::MATERI);
  EXPECT_EQ(reaction.dimensions(0).sum(), materi);
  EXPECT_EQ(reaction.dimensions(0).max_value(), 5);
  EXPECT_EQ(reaction.enrolled_count(), 20);
  EXPECT_EQ(reaction.respondent_count(), 0) << "anonymous: nobody is tracked";

  int64_t n = 0, spre = 0, spost = 0, sd = 0, sdd = 0;
  for (const auto& [nip, p] : pre) {
    auto it = post.find(nip);
    if (it == post.end()) continue;
    ++n;
    spre += p;
    spost += it->second;
    sd += it->second - p;
    sdd += (it->second - p) * (it->second - p);
  }
  auto post_agg = Aggregates("post-latsar", nullptr, true);
  const auto& paired = post_agg.paired();
  EXPECT_EQ(paired.n(), n);
  EXPECT_EQ(n, 8);
  EXPECT_EQ(paired.sum_pre(), spre);
  EXPECT_EQ(paired.sum_post(), spost);
  EXPECT_EQ(paired.sum_diff(), sd);
  EXPECT_EQ(paired.sum_diff_squares(), sdd);
  EXPECT_EQ(paired.max_score(), 20);
  EXPECT_EQ(paired.pretest_count(), 12);
  EXPECT_EQ(paired.posttest_count(), 12);
  EXPECT_EQ(post_agg.respondent_count(), 12);
  EXPECT_EQ(post_agg.non_respondent_nips_size(), 8);  // 0-3 and 16-19
  EXPECT_EQ(Aggregates("pre-latsar").paired().n(), n);
}

TEST_F(SurveyLogicTest, FollowUpObservationInterviewAndSkm) {
  v1::CreateResponseRequest f;
  f.set_parent("tenants/1504");
  f.set_response_id("fu-1");
  v1::Response& r = *f.mutable_response();
  r.set_instrument("tenants/1504/instruments/tindak-lanjut-atasan");
  r.set_cohort(kCohort);
  r.set_respondent_nip(NipOf(900));  // the supervisor, not a participant
  r.set_subject_nip(nips_[3]);
  auto add = [&](v1::Response& resp, const std::string& item) {
    v1::Answer* a = resp.add_answers();
    a->set_item(item);
    return a;
  };
  add(r, "DITERAPKAN")->set_yes(true);
  add(r, "KOMPETENSI")->mutable_choices()->add_codes("teknis");
  for (const char* c : {"R1", "R2", "R3", "R4"}) add(r, c)->set_number(3);
  ASSERT_TRUE(logic_->CreateResponse(caller_, f).ok()) << logic_->CreateResponse(caller_, f).status();
  f.set_response_id("fu-2");
  r.set_subject_nip(nips_[4]);
  r.mutable_answers(0)->set_yes(false);
  ASSERT_TRUE(logic_->CreateResponse(caller_, f).ok());
  auto fu = Aggregates("tindak-lanjut-atasan");
  EXPECT_EQ(fu.items(0).choice_counts().at("ya"), 1);
  EXPECT_EQ(fu.items(0).choice_counts().at("tidak"), 1);
  EXPECT_EQ(fu.items(1).choice_counts().at("teknis"), 2);
  EXPECT_EQ(fu.items(2).competency(), "teknis");
  EXPECT_EQ(fu.items(2).sum(), 6);
  EXPECT_EQ(fu.respondent_count(), 2);
  // The subject must be a participant of the cohort.
  f.set_response_id("fu-3");
  r.set_subject_nip(NipOf(777));
  EXPECT_EQ(logic_->CreateResponse(caller_, f).status().code(), absl::StatusCode::kFailedPrecondition);

  v1::CreateResponseRequest o;
  o.set_parent("tenants/1504");
  o.set_response_id("obs-1");
  v1::Response& ob = *o.mutable_response();
  ob.set_instrument("tenants/1504/instruments/observasi-kinerja");
  ob.set_cohort(kCohort);
  ob.set_subject_nip(nips_[3]);
  for (const char* c : {"O1", "O2", "O3", "O4"}) add(ob, c)->set_number(4);
  add(ob, "FREKUENSI")->set_choice("sering");
  ASSERT_TRUE(logic_->CreateResponse(caller_, o).ok());
  EXPECT_EQ(Aggregates("observasi-kinerja").items(4).choice_counts().at("sering"), 1);

  // SKM about a unit, by month of submission (Asia/Jakarta).
  for (int i = 0; i < 6; ++i) {
    v1::CreateResponseRequest s;
    s.set_parent("tenants/1504");
    s.set_response_id(absl::StrCat("skm-", i));
    v1::Response& sr = *s.mutable_response();
    sr.set_instrument("tenants/1504/instruments/skm-permenpanrb-14-2017");
    sr.set_unit("tenants/1504/units/dukcapil");
    *sr.mutable_submit_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, 1 + i % 2, 10, 9, 0, 0),
                                            absl::UTCTimeZone())));
    for (int u = 1; u <= 9; ++u) add(sr, absl::StrCat("U", u))->set_number(1 + (i + u) % 4);
    // The profile is optional: the last response of each month gives none.
    if (i < 4) add(sr, "JK")->set_choice(i % 2 == 0 ? "perempuan" : "laki-laki");
    if (i < 4) add(sr, "PENDIDIKAN")->set_choice(i < 2 ? "s1" : "sma");
    ASSERT_TRUE(logic_->CreateResponse(caller_, s).ok()) << logic_->CreateResponse(caller_, s).status();
  }
  v1::GetSkmAggregatesRequest sq;
  sq.set_name("tenants/1504/units/dukcapil/skmAggregates");
  sq.set_start_period("2026-01");
  sq.set_end_period("2026-03");
  auto skm = logic_->GetSkmAggregates(caller_, sq);
  ASSERT_TRUE(skm.ok()) << skm.status();
  ASSERT_EQ(skm->periods_size(), 3);
  EXPECT_EQ(skm->periods(0).response_count(), 3);
  EXPECT_EQ(skm->periods(1).response_count(), 3);
  EXPECT_EQ(skm->periods(2).response_count(), 0);
  ASSERT_EQ(skm->periods(0).elements_size(), 9);
  int64_t u1 = 0;
  for (int i = 0; i < 6; i += 2) u1 += 1 + (i + 1) % 4;
  EXPECT_EQ(skm->periods(0).elements(0).item(), "U1");
  EXPECT_EQ(skm->periods(0).elements(0).sum(), u1);
  EXPECT_EQ(skm->periods(0).elements(0).n(), 3);
  // The respondents' profile, per choice item: January has responses 0, 2
  // (both perempuan; s1, sma) and 4 (no profile).
  ASSERT_EQ(skm->periods(0).profile_size(), 2);
  const v1::ItemAggregate& jk = skm->periods(0).profile(0);
  EXPECT_EQ(jk.item(), "JK");
  EXPECT_EQ(jk.n(), 2);
  EXPECT_EQ(jk.choice_counts().at("perempuan"), 2);
  EXPECT_EQ(jk.choice_counts().count("laki-laki"), 0u);
  const v1::ItemAggregate& edu = skm->periods(0).profile(1);
  EXPECT_EQ(edu.item(), "PENDIDIKAN");
  EXPECT_EQ(edu.choice_counts().at("s1"), 1);
  EXPECT_EQ(edu.choice_counts().at("sma"), 1);
  EXPECT_EQ(skm->periods(1).profile(0).choice_counts().at("laki-laki"), 2);
  EXPECT_EQ(skm->periods(2).profile_size(), 0);
}

TEST_F(SurveyLogicTest, TenantIsolation) {
  Caller jambi{"1571", "", ""};
  // Another tenant cannot write into or read 1504.
  auto foreign = logic_->CreateResponse(jambi, Reaction("t-1", nips_[0], 1)).status();
  EXPECT_EQ(foreign.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(foreign), "OTHER_TENANT");
  v1::GetCohortAggregatesRequest q;
  q.set_name(absl::StrCat(kCohort, "/surveyAggregates"));
  EXPECT_EQ(logic_->GetCohortAggregates(jambi, q).status().code(), absl::StatusCode::kPermissionDenied);
  // Its own data is separate: instruments of 1504 do not exist there.
  auto req = Reaction("t-1", nips_[0], 1);
  req.set_parent("tenants/1571");
  req.mutable_response()->set_instrument("tenants/1571/instruments/reaksi-peserta");
  req.mutable_response()->set_cohort("tenants/1571/programs/latsar/cohorts/2026-a");
  EXPECT_EQ(logic_->CreateResponse(jambi, req).status().code(), absl::StatusCode::kInvalidArgument);
  v1::InstallDefaultInstrumentsRequest inst;
  inst.set_parent("tenants/1571");
  ASSERT_TRUE(logic_->InstallDefaultInstruments(jambi, inst).ok());
  ASSERT_TRUE(logic_->CreateResponse(jambi, req).ok());
  // The same id in 1504 is a different response.
  ASSERT_TRUE(logic_->CreateResponse(caller_, Reaction("t-1", nips_[0], 2)).ok());
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 1);
  EXPECT_EQ(client_->Run({"XLEN", "survey:{1571}:responses"})->integer, 1);
  EXPECT_EQ(client_->Run({"XLEN", "survey:{1504}:responses"})->integer, 1);
  v1::GetResponseRequest get;
  get.set_name("tenants/1504/responses/t-1");
  EXPECT_EQ(logic_->GetResponse(jambi, get).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(SurveyLogicTest, CsvImportShapesAndBadRows) {
  auto import = [&](const std::string& instrument, const std::string& csv, const std::string& cohort,
                    size_t chunk = 7) {
    v1::ImportResponsesCsvRequest first;
    first.set_parent("tenants/1504");
    first.set_instrument("tenants/1504/instruments/" + instrument);
    first.set_cohort(cohort);
    auto im = logic_->StartCsvImport(caller_, first);
    EXPECT_TRUE(im.ok()) << im.status();
    for (size_t i = 0; i < csv.size(); i += chunk) {
      EXPECT_TRUE((*im)->Feed(absl::string_view(csv).substr(i, chunk)).ok());
    }
    auto out = (*im)->Finish(/*truncated=*/false);
    EXPECT_TRUE(out.ok()) << out.status();
    return *out;
  };
  // Google Forms: Timestamp, a column per item code, no id column.
  std::string forms = "Timestamp,NIP,M1,M2,M3,I1,I2,I3,F1,F2,F3,P1,P2,P3,SARAN,Email\n";
  for (int i = 0; i < 5; ++i) {
    absl::StrAppend(&forms, "2026-03-0", i + 1, " 10:00:00,", nips_[i],
                    ",4,4,5,3,4 - Setuju,4,3,3,4,5,5,4,\"Bagus, lanjutkan\",x@y.id\n");
  }
  absl::StrAppend(&forms, "2026-03-09 10:00:00,", nips_[6], ",9,4,5,3,4,4,3,3,4,5,5,4,,\n");      // out of range
  absl::StrAppend(&forms, "2026-03-09 10:00:00,", nips_[7], ",empat,4,5,3,4,4,3,3,4,5,5,4,,\n");  // not a number
  absl::StrAppend(&forms, "2026-03-09 10:00:00,", nips_[8], ",4,4,5,3,4,4,3,3,4,5,5,4,\"", std::string(1 << 20, 'z'), "\",\n");
  absl::StrAppend(&forms, "kemarin,", nips_[9], ",4,4,5,3,4,4,3,3,4,5,5,4,,\n");  // not a time
  absl::StrAppend(&forms, "2026-03-09 10:00:00,", NipOf(600), ",4,4,5,3,4,4,3,3,4,5,5,4,,\n");  // not enrolled
  absl::StrAppend(&forms, "2026-03-09 10:00:00,", nips_[10], ",4,4\n");  // missing required
  absl::StrAppend(&forms, "2026-03-09 10:00:00,123,4,4,5,3,4,4,3,3,4,5,5,4,,\n");  // not a NIP
  auto out = import("reaksi-peserta", forms, kCohort);
  EXPECT_EQ(out.state(), type::v1::COMPLETE);
  EXPECT_EQ(out.accepted_count(), 5);
  EXPECT_EQ(out.rejected_count(), 7);
  EXPECT_EQ(out.records_read(), 12);
  ASSERT_EQ(out.rejected_size(), 7);
  // Each rejection names the record, its line, the column it is about and
  // the reason's stable code.
  struct Want { int64_t row; int column; const char* field; const char* reason; const char* code; };
  const Want want[] = {{7, 3, "M1", "item M1", "OUT_OF_SCALE"},
                       {8, 3, "M1", "not a number", "NOT_A_NUMBER"},
                       {9, 15, "SARAN", "longer than", "FIELD_TOO_LONG"},
                       {10, 1, "Timestamp", "not a time", "INVALID_TIME"},
                       {11, 2, "NIP", "not enrolled", "NOT_ENROLLED"},
                       {12, 5, "M3", "required", "MISSING_ITEM"},
                       {13, 2, "NIP", "NIP", "INVALID_NIP"}};
  for (int i = 0; i < 7; ++i) {
    const auto& r = out.rejected(i);
    EXPECT_EQ(r.row(), want[i].row) << i;
    EXPECT_EQ(r.line(), want[i].row) << i;
    EXPECT_EQ(r.column(), want[i].column) << i << ": " << r.reason();
    EXPECT_EQ(r.field(), want[i].field) << i;
    EXPECT_TRUE(absl::StrContains(r.reason(), want[i].reason)) << i << ": " << r.reason();
    EXPECT_EQ(r.code(), want[i].code) << i << ": " << r.reason();
  }
  // Uploading the same sheet again is a no-op.
  auto again = import("reaksi-peserta", forms, kCohort, 1000);
  EXPECT_EQ(again.accepted_count(), 0);
  EXPECT_EQ(again.unchanged_count(), 5);
  EXPECT_EQ(again.rejected_count(), 7);
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 5);
  EXPECT_EQ(Aggregates("reaksi-peserta").items(4).sum(), 20);  // "4 - Setuju"

  // ODK Central: KEY column, grouped item names, space-separated multiple choice.
  std::string odk =
      "SubmissionDate,nip_atasan,nip_peserta,penilaian-DITERAPKAN,penilaian-KOMPETENSI,"
      "penilaian-R1,penilaian-R2,penilaian-R3,penilaian-R4,KEY\n";
  absl::StrAppend(&odk, "2026-04-01T08:00:00.000Z,", NipOf(900), ",", nips_[1],
                  ",ya,teknis digital,3,3,4,2,uuid:0b6c9c5e-1111-4a4a-9a9a-000000000001\n");
  absl::StrAppend(&odk, "2026-04-01T08:00:00.000Z,", NipOf(900), ",", nips_[2],
                  ",tidak,,1,2,1,2,uuid:0b6c9c5e-1111-4a4a-9a9a-000000000002\n");
  absl::StrAppend(&odk, "2026-04-01T08:00:00.000Z,", NipOf(900), ",", nips_[3],
                  ",mungkin,,1,2,1,2,uuid:0b6c9c5e-1111-4a4a-9a9a-000000000003\n");  // not yes/no
  auto o = import("tindak-lanjut-atasan", odk, kCohort);
  EXPECT_EQ(o.id_column(), "KEY");
  EXPECT_EQ(o.accepted_count(), 2) << (o.rejected_size() ? o.rejected(0).reason() : "");
  ASSERT_EQ(o.rejected_size(), 1);
  EXPECT_EQ(o.rejected(0).code(), "NOT_YES_NO") << o.rejected(0).reason();
  v1::GetResponseRequest get;
  get.set_name("tenants/1504/responses/0b6c9c5e-1111-4a4a-9a9a-000000000001");
  auto got = logic_->GetResponse(caller_, get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->subject_nip(), nips_[1]);
  EXPECT_EQ(got->answers(1).choices().codes_size(), 2);

  // KoboToolbox: _uuid, group/item paths.
  std::string kobo = "_uuid,nip_peserta,obs/O1,obs/O2,obs/O3,obs/O4,obs/FREKUENSI,_submission_time\n";
  absl::StrAppend(&kobo, "5f3e2d1c-aaaa-bbbb-cccc-123456789abc,", nips_[2], ",4,3,2,1,Sering,2026-04-02T09:00:00\n");
  absl::StrAppend(&kobo, "5f3e2d1c-aaaa-bbbb-cccc-123456789abd,", nips_[2], ",4,3,2,1,jarang,2026-04-02T09:00:00\n");
  auto k = import("observasi-kinerja", kobo, kCohort);
  EXPECT_EQ(k.id_column(), "_uuid");
  EXPECT_EQ(k.accepted_count(), 1);
  ASSERT_EQ(k.rejected_size(), 1);
  EXPECT_TRUE(absl::StrContains(k.rejected(0).reason(), "'jarang'")) << k.rejected(0).reason();
  EXPECT_EQ(k.rejected(0).field(), "obs/FREKUENSI");
  EXPECT_EQ(k.rejected(0).code(), "UNKNOWN_CHOICE");
  // A later export with the observation redone (a new _uuid, the same
  // observer and participant): it replaces the earlier one, and the answer
  // counts it as replaced, the unchanged row as unchanged.
  std::string redone = "_uuid,nip_peserta,obs/O1,obs/O2,obs/O3,obs/O4,obs/FREKUENSI,_submission_time\n";
  absl::StrAppend(&redone, "5f3e2d1c-aaaa-bbbb-cccc-123456789abe,", nips_[2], ",4,4,4,4,Sering,2026-04-09T09:00:00\n");
  auto again_k = import("observasi-kinerja", redone, kCohort);
  EXPECT_EQ(again_k.state(), type::v1::COMPLETE);
  EXPECT_EQ(again_k.replaced_count(), 1) << (again_k.rejected_size() ? again_k.rejected(0).reason() : "");
  EXPECT_EQ(again_k.accepted_count(), 0);
  EXPECT_EQ(again_k.records_read(), 1);
  // An older observation of the same pair does not replace the later one.
  std::string older = "_uuid,nip_peserta,obs/O1,obs/O2,obs/O3,obs/O4,obs/FREKUENSI,_submission_time\n";
  absl::StrAppend(&older, "5f3e2d1c-aaaa-bbbb-cccc-123456789abf,", nips_[2], ",1,1,1,1,Sering,2026-04-03T09:00:00\n");
  auto old_k = import("observasi-kinerja", older, kCohort);
  ASSERT_EQ(old_k.rejected_size(), 1);
  EXPECT_EQ(old_k.rejected(0).code(), "LATER_ANSWER_STANDS") << old_k.rejected(0).reason();
}

TEST_F(SurveyLogicTest, RosterIsCachedAndRefreshedOnMiss) {
  CachedRoster cached(&roster_, absl::Minutes(5), absl::ZeroDuration());
  EXPECT_TRUE(cached.CheckEnrolled("1504", kCohort, nips_[0], "f").ok());
  EXPECT_TRUE(cached.CheckEnrolled("1504", kCohort, nips_[1], "f").ok());
  EXPECT_EQ(cached.fetches(), 1);
  // A new enrolment is seen on the next miss.
  EXPECT_FALSE(cached.CheckEnrolled("1504", kCohort, NipOf(300), "f").ok());
  EXPECT_EQ(cached.fetches(), 2);
  auto nips = nips_;
  nips.push_back(NipOf(300));
  roster_.Set("1504", kCohort, nips);
  EXPECT_TRUE(cached.CheckEnrolled("1504", kCohort, NipOf(300), "f").ok());
  EXPECT_EQ(cached.fetches(), 3);
  // With a minimum refresh interval, misses do not hammer the source.
  absl::Time now = absl::Now();
  CachedRoster slow(&roster_, absl::Minutes(5), absl::Seconds(10), 100, [&] { return now; });
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(slow.CheckEnrolled("1504", kCohort, NipOf(400 + i), "f").ok());
  EXPECT_EQ(slow.fetches(), 1);
}

// Participants and supervisors answer only as themselves and read back only
// what they answered; organisers and the services (no role) act for anyone.
TEST_F(SurveyLogicTest, ParticipantsAnswerAndReadOnlyAsThemselves) {
  CreateTests();
  const Caller me{"1504", "participant", nips_[0]};
  const Caller other{"1504", "participant", nips_[1]};
  const Caller supervisor{"1504", "supervisor", nips_[1]};

  auto mine = logic_->CreateResponse(me, Test("pre-latsar", "pre-0", nips_[0], {1, 2, 3, 4, 0}));
  ASSERT_TRUE(mine.ok()) << mine.status();
  // In another's name: refused, naming the field, and nothing is stored.
  auto forged = logic_->CreateResponse(me, Test("pre-latsar", "pre-1", nips_[1], {4, 4, 4, 4, 4}));
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(forged.status().message(), "respondent_nip")) << forged.status();
  EXPECT_EQ(ErrorReason(forged.status()), "ANSWER_AS_YOURSELF");
  std::vector<v1::CreateResponseRequest> batch = {Test("pre-latsar", "pre-2", nips_[2], {1, 1, 1, 1, 1})};
  auto acks = logic_->Ingest(supervisor, "tenants/1504", {&batch[0]});
  ASSERT_TRUE(acks.ok()) << acks.status();
  EXPECT_EQ((*acks)[0].code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(Aggregates("pre-latsar").response_count(), 1);
  EXPECT_EQ(client_->Run({"XLEN", "survey:{1504}:responses"})->integer, 1);
  // The organiser may enter it for them.
  ASSERT_TRUE(logic_->CreateResponse(caller_, Test("pre-latsar", "pre-1", nips_[1], {4, 4, 4, 4, 4})).ok());

  v1::GetResponseRequest get;
  get.set_name("tenants/1504/responses/pre-0");
  auto read = logic_->GetResponse(me, get);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->respondent_nip(), nips_[0]);
  auto not_theirs = logic_->GetResponse(other, get).status();
  EXPECT_EQ(not_theirs.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(not_theirs), "OWN_RESPONSES_ONLY");
  EXPECT_EQ(logic_->GetResponse(supervisor, get).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(logic_->GetResponse(caller_, get).ok());
  get.set_name("tenants/1504/responses/pre-1");
  EXPECT_TRUE(logic_->GetResponse(other, get).ok());

  // An anonymous reaction takes a token, never the participant's NIP; it
  // names no one, so no participant may read it back.
  auto with_nip = logic_->CreateResponse(me, Reaction("anon-0", nips_[0], 2)).status();
  EXPECT_EQ(with_nip.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(with_nip), "ANONYMOUS_NEEDS_TOKEN");
  v1::IssueResponseTokenRequest issue;
  issue.set_parent("tenants/1504");
  issue.set_instrument("tenants/1504/instruments/reaksi-peserta");
  issue.set_cohort(kCohort);
  issue.set_nip(nips_[0]);
  auto token = logic_->IssueResponseToken(me, issue);
  ASSERT_TRUE(token.ok()) << token.status();
  auto anon = Reaction("anon-0", nips_[0], 2);
  anon.mutable_response()->clear_respondent_nip();
  anon.mutable_response()->set_eligibility_token(token->token());
  ASSERT_TRUE(logic_->CreateResponse(me, anon).ok());
  get.set_name("tenants/1504/responses/anon-0");
  EXPECT_EQ(logic_->GetResponse(me, get).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(SurveyLogicTest, ListCohortResponsesPagesInAcceptanceOrderForOrganisersOnly) {
  // Seven observations in the cohort, two in another cohort and one repeat
  // of an id (which must not be listed twice).
  std::vector<std::string> texts;
  auto observation = [&](const std::string& id, const std::string& cohort, const std::string& subject,
                         const std::string& text) {
    v1::CreateResponseRequest o;
    o.set_parent("tenants/1504");
    o.set_response_id(id);
    v1::Response& ob = *o.mutable_response();
    ob.set_instrument("tenants/1504/instruments/observasi-kinerja");
    ob.set_cohort(cohort);
    ob.set_subject_nip(subject);
    for (const char* c : {"O1", "O2", "O3", "O4"}) {
      v1::Answer* a = ob.add_answers();
      a->set_item(c);
      a->set_number(3);
    }
    v1::Answer* f = ob.add_answers();
    f->set_item("FREKUENSI");
    f->set_choice("sering");
    v1::Answer* t = ob.add_answers();
    t->set_item("CATATAN");
    t->set_text(text);
    auto created = logic_->CreateResponse(caller_, o);
    EXPECT_TRUE(created.ok()) << created.status();
    return created;
  };
  for (int i = 0; i < 7; ++i) {
    texts.push_back(absl::StrCat("catatan nomor ", i));
    ASSERT_TRUE(observation(absl::StrCat("obs-", i), kCohort, nips_[i], texts.back()).ok());
  }
  ASSERT_TRUE(observation("obs-0", kCohort, nips_[0], texts[0]).ok());  // a repeat: no second entry
  ASSERT_TRUE(observation("other-0", kOtherCohort, NipOf(100), "lain").ok());

  v1::ListCohortResponsesRequest req;
  req.set_parent(kCohort);
  req.set_instrument("tenants/1504/instruments/observasi-kinerja");
  req.set_page_size(3);
  std::vector<std::string> seen_texts, seen_subjects;
  int pages = 0;
  for (;;) {
    auto page = logic_->ListCohortResponses(caller_, req);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    EXPECT_LE(page->responses_size(), 3);
    for (const auto& r : page->responses()) {
      EXPECT_EQ(r.cohort(), kCohort);
      seen_subjects.push_back(r.subject_nip());
      for (const auto& a : r.answers()) {
        if (a.item() == "CATATAN") seen_texts.push_back(a.text());
      }
    }
    if (page->next_page_token().empty()) break;
    req.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(pages, 3);  // 3 + 3 + 1
  EXPECT_EQ(seen_texts, texts);
  ASSERT_EQ(seen_subjects.size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(seen_subjects[i], nips_[i]);

  // An instrument without responses in the cohort lists nothing.
  v1::ListCohortResponsesRequest empty;
  empty.set_parent(kCohort);
  empty.set_instrument("tenants/1504/instruments/wawancara-dampak");
  auto none = logic_->ListCohortResponses(caller_, empty);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->responses_size(), 0);
  EXPECT_TRUE(none->next_page_token().empty());

  // Organisers may read; instructors, participants and agency heads may not.
  Caller organiser{"1504", "organiser", "x"};
  EXPECT_TRUE(logic_->ListCohortResponses(organiser, empty).ok());
  for (const char* role : {"instructor", "participant", "agency_head"}) {
    Caller other{"1504", role, "x"};
    auto refused = logic_->ListCohortResponses(other, empty).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << role;
    EXPECT_EQ(ErrorReason(refused), "STAFF_ONLY") << role;
  }
  // Bad input names the field.
  v1::ListCohortResponsesRequest bad = empty;
  bad.clear_instrument();
  auto st = logic_->ListCohortResponses(caller_, bad).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(st.message(), "instrument")) << st;
  bad = empty;
  bad.set_page_token("abc");
  st = logic_->ListCohortResponses(caller_, bad).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(st.message(), "page_token")) << st;
  // Another tenant's cohort is refused.
  bad = empty;
  bad.set_parent("tenants/1571/programs/latsar/cohorts/2026-a");
  EXPECT_EQ(logic_->ListCohortResponses(caller_, bad).status().code(), absl::StatusCode::kPermissionDenied);
}


// ------------------------------------------------------------- answer links

// A sender that records what it was given (and fails when told to).
class RecordingSender : public notify::Sender {
 public:
  absl::Status Send(const notify::Notification& n) override {
    absl::MutexLock l(&mu_);
    if (fail_) return absl::UnavailableError("webhook answered 503");
    sent_.push_back(n);
    return absl::OkStatus();
  }
  std::vector<notify::Notification> sent() {
    absl::MutexLock l(&mu_);
    return sent_;
  }
  void set_fail(bool f) {
    absl::MutexLock l(&mu_);
    fail_ = f;
  }

 private:
  absl::Mutex mu_;
  bool fail_ = false;
  std::vector<notify::Notification> sent_;
};

class AnswerLinkTest : public SurveyLogicTest {
 protected:
  void SetUp() override {
    SurveyLogicTest::SetUp();
    // The logic under test reads a clock the test moves.
    logic_ = std::make_unique<SurveyLogic>(client_.get(), cached_.get(), [this] {
      absl::MutexLock l(&clock_mu_);
      return now_;
    });
    logic_->SetAnswerLinks(&sender_, "https://pelita.example/jawab");
  }
  void Advance(absl::Duration d) {
    absl::MutexLock l(&clock_mu_);
    now_ += d;
  }

  v1::IssueAnswerLinksResponse Issue(const std::string& instrument, std::vector<std::string> nips,
                                     v1::FollowUpRole role = v1::FOLLOW_UP_ROLE_UNSPECIFIED, int days = 0,
                                     bool deliver = false) {
    v1::IssueAnswerLinksRequest r;
    r.set_cohort(kCohort);
    r.set_instrument("tenants/1504/instruments/" + instrument);
    for (auto& n : nips) r.add_nips(n);
    r.set_followup_role(role);
    r.set_valid_days(days);
    r.set_deliver(deliver);
    auto out = logic_->IssueAnswerLinks(organiser_, r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::IssueAnswerLinksResponse();
  }
  absl::StatusOr<v1::Response> Answer(const std::string& token, const std::string& id,
                                      const google::protobuf::RepeatedPtrField<v1::Answer>& answers) {
    v1::AnswerByLinkRequest r;
    r.set_token(token);
    r.set_response_id(id);
    *r.mutable_answers() = answers;
    return logic_->AnswerByLink(public_, r);
  }
  absl::StatusOr<v1::AnswerLinkForm> Open(const std::string& token) {
    v1::OpenAnswerLinkRequest r;
    r.set_token(token);
    return logic_->OpenAnswerLink(public_, r);
  }

  absl::Mutex clock_mu_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 12, 3, 9, 0, 0), absl::UTCTimeZone());
  RecordingSender sender_;
  Caller organiser_{"1504", "organiser", "org@bkpsdm"};
  // What the survey sees of a public call: no tenant, no role.
  Caller public_{"", "", "203.0.113.7"};
};

TEST_F(AnswerLinkTest, PersonalLinkAnswersOnceAsItsRespondent) {
  CreateTests();
  auto issued = Issue("pre-latsar", {nips_[0], nips_[1], NipOf(333)});
  ASSERT_EQ(issued.links_size(), 2);
  ASSERT_EQ(issued.skipped_size(), 1);
  EXPECT_EQ(issued.skipped(0).nip(), NipOf(333));
  EXPECT_EQ(issued.skipped(0).reason(), "NOT_ENROLLED");
  const v1::AnswerLink& link = issued.links(0);
  EXPECT_EQ(link.respondent_nip(), nips_[0]);
  EXPECT_EQ(link.url(), "https://pelita.example/jawab#" + link.token());
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToSeconds(link.expire_time()),
            absl::ToUnixSeconds(now_ + absl::Hours(24 * 14)));

  // Opening shows the test without its answer key.
  auto form = Open(link.token());
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->respondent_nip(), nips_[0]);
  EXPECT_EQ(form->cohort(), kCohort);
  ASSERT_EQ(form->instrument().items_size(), 5);
  for (const auto& item : form->instrument().items()) EXPECT_FALSE(item.has_key()) << item.code();

  auto answers = Test("pre-latsar", "x", nips_[0], {4, 4, 0, 1, 4}).response().answers();
  auto answered = Answer(link.token(), "link-ans-1", answers);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(answered->respondent_nip(), nips_[0]);
  EXPECT_EQ(answered->total_score(), 12);
  // The same answer again (its reply was lost): the same response.
  auto again = Answer(link.token(), "link-ans-1", answers);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name(), answered->name());
  // A second answer by the link, and opening it again: used.
  auto second = Answer(link.token(), "link-ans-2", answers);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(second.status()), "LINK_USED") << second.status();
  EXPECT_EQ(ErrorReason(Open(link.token()).status()), "LINK_USED");
  EXPECT_EQ(Aggregates("pre-latsar").respondent_count(), 1);

  // Altered or foreign links are not links.
  std::string altered = issued.links(1).token();
  altered[3] = altered[3] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {altered, std::string("abc"), std::string(),
                                 issued.links(1).token().substr(0, issued.links(1).token().size() - 2),
                                 std::string(5000, 'a')}) {
    auto st = Answer(bad, "link-bad", answers).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << bad;
    EXPECT_EQ(ErrorReason(st), "LINK_NOT_VALID") << bad;
  }
  // The other participant's link still answers, as them.
  auto other = Answer(issued.links(1).token(), "link-ans-3", answers);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->respondent_nip(), nips_[1]);
  EXPECT_EQ(Aggregates("pre-latsar").respondent_count(), 2);
}

TEST_F(AnswerLinkTest, OnlyOrganisersIssueAndBadRequestsNameTheField) {
  v1::IssueAnswerLinksRequest r;
  r.set_cohort(kCohort);
  r.set_instrument("tenants/1504/instruments/reaksi-peserta");
  for (const char* role : {"participant", "supervisor", "instructor", "agency_head"}) {
    Caller c{"1504", role, nips_[0]};
    auto st = logic_->IssueAnswerLinks(c, r).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << role;
  }
  auto field_of = [&](const v1::IssueAnswerLinksRequest& bad) {
    auto st = logic_->IssueAnswerLinks(organiser_, bad).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    auto v = FieldViolationsOf(st);
    return v.empty() ? std::string() : v[0].first;
  };
  v1::IssueAnswerLinksRequest bad = r;
  bad.set_valid_days(121);
  EXPECT_EQ(field_of(bad), "valid_days");
  bad = r;
  bad.add_nips("12345");
  EXPECT_EQ(field_of(bad), "nips[0]");
  bad = r;
  bad.set_followup_role(v1::SELF_REPORT);
  EXPECT_EQ(field_of(bad), "followup_role");
  bad = r;
  bad.set_instrument("tenants/1504/instruments/tindak-lanjut-atasan");
  EXPECT_EQ(field_of(bad), "followup_role");
  bad = r;
  bad.set_instrument("tenants/1504/instruments/skm-permenpanrb-14-2017");
  EXPECT_EQ(logic_->IssueAnswerLinks(organiser_, bad).status().code(), absl::StatusCode::kFailedPrecondition);
  bad = r;
  bad.set_cohort("tenants/1571/programs/latsar/cohorts/2026-a");
  EXPECT_EQ(logic_->IssueAnswerLinks(organiser_, bad).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AnswerLinkTest, AnonymousLinkNamesNoOneAndIsOneAnswer) {
  auto issued = Issue("reaksi-peserta", {nips_[2]});
  ASSERT_EQ(issued.links_size(), 1);
  const v1::AnswerLink& link = issued.links(0);
  EXPECT_EQ(link.participant_nip(), nips_[2]);
  EXPECT_TRUE(link.respondent_nip().empty());
  // Nothing in the link names the participant.
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(link.token().substr(0, link.token().find('.')), &payload));
  EXPECT_FALSE(absl::StrContains(payload, nips_[2]));
  // One token per participant: a second issue skips them.
  auto twice = Issue("reaksi-peserta", {nips_[2]});
  ASSERT_EQ(twice.skipped_size(), 1);
  EXPECT_EQ(twice.skipped(0).reason(), "ALREADY_ISSUED");

  auto answers = Reaction("x", "", 2).response().answers();
  auto answered = Answer(link.token(), "anon-1", answers);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_TRUE(answered->respondent_nip().empty());
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 1);
  EXPECT_EQ(Aggregates("reaksi-peserta").tokens_issued(), 1);
  auto reused = Answer(link.token(), "anon-2", answers);
  EXPECT_EQ(ErrorReason(reused.status()), "LINK_USED") << reused.status();
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 1);
}

TEST_F(AnswerLinkTest, FollowUpLinksGoToTheSupervisorOrTheParticipant) {
  auto sup = Issue("tindak-lanjut-atasan", {nips_[3]}, v1::SUPERVISOR_ASSESSMENT);
  ASSERT_EQ(sup.links_size(), 1);
  EXPECT_EQ(sup.links(0).respondent_nip(), NipOf(900));
  EXPECT_EQ(sup.links(0).subject_nip(), nips_[3]);
  auto form = Open(sup.links(0).token());
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->followup_role(), v1::SUPERVISOR_ASSESSMENT);
  EXPECT_EQ(form->subject_nip(), nips_[3]);
  google::protobuf::RepeatedPtrField<v1::Answer> answers;
  auto* a = answers.Add();
  a->set_item("DITERAPKAN");
  a->set_yes(true);
  for (const char* c : {"R1", "R2", "R3", "R4"}) {
    a = answers.Add();
    a->set_item(c);
    a->set_number(3);
  }
  auto answered = Answer(sup.links(0).token(), "fu-link-1", answers);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(answered->followup_role(), v1::SUPERVISOR_ASSESSMENT);
  EXPECT_EQ(answered->respondent_nip(), NipOf(900));

  auto self = Issue("tindak-lanjut-atasan", {nips_[4]}, v1::SELF_REPORT);
  ASSERT_EQ(self.links_size(), 1);
  EXPECT_EQ(self.links(0).respondent_nip(), nips_[4]);
  auto own = Answer(self.links(0).token(), "fu-link-2", answers);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->followup_role(), v1::SELF_REPORT);

  // No supervisor recorded: skipped, with the reason.
  roster_.Set("1504", kCohort, {nips_[5]});
  roster_.SetSupervisor("1504", nips_[5], "");
  auto none = Issue("tindak-lanjut-atasan", {nips_[5]}, v1::SUPERVISOR_ASSESSMENT);
  EXPECT_EQ(none.links_size(), 0);
  ASSERT_EQ(none.skipped_size(), 1);
  EXPECT_EQ(none.skipped(0).reason(), "NO_SUPERVISOR");
}

TEST_F(AnswerLinkTest, ExpiredLinkStoresNothing) {
  auto issued = Issue("reaksi-peserta", {nips_[6]}, v1::FOLLOW_UP_ROLE_UNSPECIFIED, 1);
  ASSERT_EQ(issued.links_size(), 1);
  ASSERT_TRUE(Open(issued.links(0).token()).ok());
  Advance(absl::Hours(24) + absl::Seconds(1));
  auto opened = Open(issued.links(0).token());
  EXPECT_EQ(ErrorReason(opened.status()), "LINK_EXPIRED") << opened.status();
  auto st = Answer(issued.links(0).token(), "late-1", Reaction("x", "", 1).response().answers()).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(st), "LINK_EXPIRED");
  EXPECT_EQ(Aggregates("reaksi-peserta").response_count(), 0);
}

TEST_F(AnswerLinkTest, DeliveredThroughTheReminderSender) {
  auto issued = Issue("reaksi-peserta", {nips_[7], nips_[8]}, v1::FOLLOW_UP_ROLE_UNSPECIFIED, 0, true);
  ASSERT_EQ(issued.links_size(), 2);
  EXPECT_TRUE(issued.links(0).delivered());
  auto sent = sender_.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].recipient_nip, nips_[7]);
  EXPECT_EQ(sent[0].kind, "answer_link");
  EXPECT_TRUE(absl::StrContains(sent[0].text, issued.links(0).url())) << sent[0].text;
  EXPECT_TRUE(absl::StrContains(sent[0].text, "17 Desember 2026")) << sent[0].text;
  // A failing channel: the link is returned all the same, with the reason.
  sender_.set_fail(true);
  CreateTests();
  auto failed = Issue("pre-latsar", {nips_[9]}, v1::FOLLOW_UP_ROLE_UNSPECIFIED, 0, true);
  ASSERT_EQ(failed.links_size(), 1);
  EXPECT_FALSE(failed.links(0).delivered());
  EXPECT_TRUE(absl::StrContains(failed.links(0).delivery_error(), "503"));
  EXPECT_TRUE(Open(failed.links(0).token()).ok());
}


// ------------------------------------------------- surveys and tests, listed

class AnswerTaskTest : public AnswerLinkTest {
 protected:
  absl::StatusOr<v1::ListAnswerTasksResponse> Tasks(const std::string& nip, const Caller& c) {
    v1::ListAnswerTasksRequest r;
    r.set_parent("tenants/1504/employees/" + nip);
    return logic_->ListAnswerTasks(c, r);
  }
  // The participant's own list (must succeed).
  v1::ListAnswerTasksResponse Own(const std::string& nip, const char* role = "participant") {
    auto out = Tasks(nip, Caller{"1504", role, nip});
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::ListAnswerTasksResponse();
  }
  // Every string Redis holds: key names, string values, hash fields and
  // values, set and list members, stream entries.
  std::vector<std::string> EverythingStored() {
    std::vector<std::string> out;
    auto keys = client_->Run({"KEYS", "*"});
    EXPECT_TRUE(keys.ok());
    if (!keys.ok()) return out;
    auto add = [&](const redis::Reply& r, auto& self) -> void {
      if (!r.str.empty()) out.push_back(r.str);
      for (const auto& e : r.elements) self(e, self);
    };
    for (const auto& k : keys->elements) {
      out.push_back(k.str);
      const std::string type = client_->Run({"TYPE", k.str})->str;
      redis::Command read;
      if (type == "string") read = {"GET", k.str};
      if (type == "hash") read = {"HGETALL", k.str};
      if (type == "set") read = {"SMEMBERS", k.str};
      if (type == "list") read = {"LRANGE", k.str, "0", "-1"};
      if (type == "stream") read = {"XRANGE", k.str, "-", "+"};
      if (type == "zset") read = {"ZRANGE", k.str, "0", "-1"};
      EXPECT_FALSE(read.empty()) << k.str << " is a " << type;
      if (read.empty()) continue;
      auto got = client_->Run(read);
      EXPECT_TRUE(got.ok()) << got.status();
      if (got.ok()) add(*got, add);
    }
    return out;
  }
};

TEST_F(AnswerTaskTest, IssuedLinksAreListedForTheirRespondentUntilAnswered) {
  CreateTests();
  EXPECT_EQ(Own(nips_[0]).tasks_size(), 0);
  auto issued = Issue("pre-latsar", {nips_[0], nips_[1]});
  ASSERT_EQ(issued.links_size(), 2);
  auto mine = Own(nips_[0]);
  ASSERT_EQ(mine.tasks_size(), 1);
  const v1::AnswerTask& task = mine.tasks(0);
  EXPECT_EQ(task.cohort(), kCohort);
  EXPECT_EQ(task.instrument(), "tenants/1504/instruments/pre-latsar");
  EXPECT_EQ(task.instrument_title(), "Pre-test Latsar");
  EXPECT_EQ(task.instrument_kind(), v1::PRETEST);
  EXPECT_EQ(task.state(), v1::AnswerTask::OPEN);
  EXPECT_EQ(task.token(), issued.links(0).token());
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToSeconds(task.expire_time()),
            absl::ToUnixSeconds(now_ + absl::Hours(24 * 14)));
  // The listed token opens the same form as the link.
  auto form = Open(task.token());
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->respondent_nip(), nips_[0]);

  // Answered by it: ANSWERED, and the token is no longer given out.
  auto answers = Test("pre-latsar", "x", nips_[0], {4, 4, 0, 1, 4}).response().answers();
  ASSERT_TRUE(Answer(task.token(), "task-ans-1", answers).ok());
  mine = Own(nips_[0]);
  ASSERT_EQ(mine.tasks_size(), 1);
  EXPECT_EQ(mine.tasks(0).state(), v1::AnswerTask::ANSWERED);
  EXPECT_TRUE(mine.tasks(0).token().empty());
  // The other participant's is still open.
  ASSERT_EQ(Own(nips_[1]).tasks_size(), 1);
  EXPECT_EQ(Own(nips_[1]).tasks(0).state(), v1::AnswerTask::OPEN);

  // A test answered another way (in the app, not by the link) is answered too.
  auto post = Issue("post-latsar", {nips_[1]});
  ASSERT_EQ(post.links_size(), 1);
  Caller p1{"1504", "participant", nips_[1]};
  ASSERT_TRUE(logic_->CreateResponse(p1, Test("post-latsar", "direct-1", nips_[1], {4, 4, 4, 4, 4})).ok());
  mine = Own(nips_[1]);
  ASSERT_EQ(mine.tasks_size(), 2);
  // OPEN first.
  EXPECT_EQ(mine.tasks(0).instrument(), "tenants/1504/instruments/pre-latsar");
  EXPECT_EQ(mine.tasks(0).state(), v1::AnswerTask::OPEN);
  EXPECT_EQ(mine.tasks(1).instrument(), "tenants/1504/instruments/post-latsar");
  EXPECT_EQ(mine.tasks(1).state(), v1::AnswerTask::ANSWERED);

  // A link issued again for the same test replaces the entry (one per task).
  auto again = Issue("pre-latsar", {nips_[1]});
  ASSERT_EQ(again.links_size(), 1);
  mine = Own(nips_[1]);
  ASSERT_EQ(mine.tasks_size(), 2);
  EXPECT_EQ(mine.tasks(0).token(), again.links(0).token());
}

TEST_F(AnswerTaskTest, OnlyTheirOwnForParticipantsAnyForOrganisersAndBadNamesNameTheField) {
  CreateTests();
  ASSERT_EQ(Issue("pre-latsar", {nips_[0]}).links_size(), 1);
  // Another participant's NIP, even one with no tasks, and roles that have
  // no business with anyone's answers.
  for (const Caller& c : {Caller{"1504", "participant", nips_[1]}, Caller{"1504", "supervisor", NipOf(900)},
                          Caller{"1504", "instructor", nips_[0]}, Caller{"1504", "agency_head", nips_[0]},
                          Caller{"1504", "province", nips_[0]}}) {
    auto st = Tasks(nips_[0], c).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << c.role << " " << st;
    EXPECT_EQ(ErrorReason(st), "OWN_TASKS_ONLY") << c.role;
  }
  for (const Caller& c : {organiser_, Caller{"1504", "admin", "admin@bkpsdm"}, Caller{"1504", "", ""}}) {
    auto out = Tasks(nips_[0], c);
    ASSERT_TRUE(out.ok()) << c.role << " " << out.status();
    EXPECT_EQ(out->tasks_size(), 1) << c.role;
  }
  // Another regency's NIP path.
  v1::ListAnswerTasksRequest r;
  r.set_parent("tenants/1571/employees/" + nips_[0]);
  EXPECT_EQ(logic_->ListAnswerTasks(Caller{"1504", "participant", nips_[0]}, r).status().code(),
            absl::StatusCode::kPermissionDenied);
  for (const std::string bad : {"tenants/1504/employees/12345", "tenants/1504/employees/", "tenants/1504",
                                "tenants/1504/units/disdukcapil", ""}) {
    r.set_parent(bad);
    auto st = logic_->ListAnswerTasks(organiser_, r).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << bad << " " << st;
    auto v = FieldViolationsOf(st);
    ASSERT_EQ(v.size(), 1u) << bad;
    EXPECT_EQ(v[0].first, "parent");
  }
}

TEST_F(AnswerTaskTest, ExpiredShowsExpiredThenLeavesTheList) {
  CreateTests();
  auto issued = Issue("pre-latsar", {nips_[3]}, v1::FOLLOW_UP_ROLE_UNSPECIFIED, 1);
  ASSERT_EQ(issued.links_size(), 1);
  EXPECT_EQ(Own(nips_[3]).tasks(0).state(), v1::AnswerTask::OPEN);
  Advance(absl::Hours(24));
  auto mine = Own(nips_[3]);
  ASSERT_EQ(mine.tasks_size(), 1);
  EXPECT_EQ(mine.tasks(0).state(), v1::AnswerTask::EXPIRED);
  EXPECT_TRUE(mine.tasks(0).token().empty());
  // Listed for the grace period, then no more.
  Advance(SurveyLogic::kAnswerTaskGrace - absl::Seconds(1));
  EXPECT_EQ(Own(nips_[3]).tasks_size(), 1);
  Advance(absl::Seconds(2));
  EXPECT_EQ(Own(nips_[3]).tasks_size(), 0);
  // The hash expires a grace period after its latest link's expiry.
  const int64_t ttl = client_->Run({"TTL", "survey:{1504}:answertasks:" + nips_[3]})->integer;
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, absl::ToInt64Seconds(absl::Hours(24) + SurveyLogic::kAnswerTaskGrace));
}

TEST_F(AnswerTaskTest, FollowUpsGoToTheirRespondentSupervisorsSeeTheirAssessments) {
  auto sup = Issue("tindak-lanjut-atasan", {nips_[4], nips_[5]}, v1::SUPERVISOR_ASSESSMENT);
  ASSERT_EQ(sup.links_size(), 2);
  auto self = Issue("tindak-lanjut-atasan", {nips_[4]}, v1::SELF_REPORT);
  ASSERT_EQ(self.links_size(), 1);
  auto theirs = Own(NipOf(900), "supervisor");
  ASSERT_EQ(theirs.tasks_size(), 2);
  std::set<std::string> subjects;
  for (const auto& t : theirs.tasks()) {
    EXPECT_EQ(t.followup_role(), v1::SUPERVISOR_ASSESSMENT);
    EXPECT_EQ(t.instrument_kind(), v1::FOLLOWUP);
    EXPECT_EQ(t.state(), v1::AnswerTask::OPEN);
    subjects.insert(t.subject_nip());
  }
  EXPECT_EQ(subjects, (std::set<std::string>{nips_[4], nips_[5]}));
  auto mine = Own(nips_[4]);
  ASSERT_EQ(mine.tasks_size(), 1);
  EXPECT_EQ(mine.tasks(0).followup_role(), v1::SELF_REPORT);
  EXPECT_EQ(mine.tasks(0).subject_nip(), nips_[4]);
  EXPECT_EQ(mine.tasks(0).token(), self.links(0).token());
  // The self-report answered: the supervisor's assessments stay open.
  google::protobuf::RepeatedPtrField<v1::Answer> answers;
  auto* a = answers.Add();
  a->set_item("DITERAPKAN");
  a->set_yes(true);
  for (const char* code : {"R1", "R2", "R3", "R4"}) {
    a = answers.Add();
    a->set_item(code);
    a->set_number(3);
  }
  ASSERT_TRUE(Answer(self.links(0).token(), "task-fu-1", answers).ok());
  EXPECT_EQ(Own(nips_[4]).tasks(0).state(), v1::AnswerTask::ANSWERED);
  theirs = Own(NipOf(900), "supervisor");
  ASSERT_EQ(theirs.tasks_size(), 2);
  for (const auto& t : theirs.tasks()) EXPECT_EQ(t.state(), v1::AnswerTask::OPEN);
}

TEST_F(AnswerTaskTest, AnonymousSurveyIsListedWithoutItsLinkAndNothingStoredHoldsIt) {
  auto issued = Issue("reaksi-peserta", {nips_[6]});
  ASSERT_EQ(issued.links_size(), 1);
  const std::string token = issued.links(0).token();
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token.substr(0, token.find('.')), &payload));
  std::vector<std::string> claims = absl::StrSplit(payload, '\x1f');
  ASSERT_EQ(claims.size(), 10u);
  const std::string eligibility = claims[7];
  const std::string nonce_hex = claims[9];
  ASSERT_FALSE(eligibility.empty());

  auto mine = Own(nips_[6]);
  ASSERT_EQ(mine.tasks_size(), 1);
  EXPECT_EQ(mine.tasks(0).state(), v1::AnswerTask::ANONYMOUS);
  EXPECT_TRUE(mine.tasks(0).token().empty());
  EXPECT_EQ(mine.tasks(0).instrument_kind(), v1::REACTION);
  auto check_nothing_holds_it = [&](const char* when) {
    for (const std::string& stored : EverythingStored()) {
      for (const std::string& secret : {token, token.substr(0, token.find('.')), token.substr(token.find('.') + 1),
                                        eligibility, nonce_hex}) {
        EXPECT_FALSE(absl::StrContains(stored, secret)) << when << ": Redis holds " << secret.substr(0, 12);
      }
    }
    // The respondent's entry says only that a link was issued.
    auto entry = client_->Run({"HGETALL", "survey:{1504}:answertasks:" + nips_[6]});
    ASSERT_TRUE(entry.ok());
    ASSERT_EQ(entry->elements.size(), 2u) << when;
    EXPECT_EQ(entry->elements[0].str, absl::StrCat(kCohort, "|reaksi-peserta|0|")) << when;
    EXPECT_EQ(entry->elements[1].str, absl::StrCat(absl::ToUnixSeconds(now_ + absl::Hours(24 * 14)), "|")) << when;
  };
  check_nothing_holds_it("issued");
  ASSERT_TRUE(Answer(token, "task-anon-1", Reaction("x", "", 2).response().answers()).ok());
  check_nothing_holds_it("answered");
  // Still ANONYMOUS: Pelita cannot tell who answered.
  EXPECT_EQ(Own(nips_[6]).tasks(0).state(), v1::AnswerTask::ANONYMOUS);
}

TEST_F(AnswerTaskTest, APersonKeepsAtMostTheLimit) {
  // One supervisor of more participants than the limit, in one call.
  std::vector<std::string> many;
  for (int i = 0; i <= SurveyLogic::kMaxAnswerTasks; ++i) {
    many.push_back(NipOf(i));
    roster_.SetSupervisor("1504", NipOf(i), NipOf(900));
  }
  roster_.Set("1504", kCohort, many);
  v1::IssueAnswerLinksRequest r;
  r.set_cohort(kCohort);
  r.set_instrument("tenants/1504/instruments/tindak-lanjut-atasan");
  r.set_followup_role(v1::SUPERVISOR_ASSESSMENT);
  auto out = logic_->IssueAnswerLinks(organiser_, r);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->links_size(), SurveyLogic::kMaxAnswerTasks + 1);
  EXPECT_EQ(client_->Run({"HLEN", "survey:{1504}:answertasks:" + NipOf(900)})->integer,
            SurveyLogic::kMaxAnswerTasks);
  EXPECT_EQ(Own(NipOf(900), "supervisor").tasks_size(), SurveyLogic::kMaxAnswerTasks);
}


// ---------------------------------------------------------- public SKM form

using SkmFormTest = AnswerLinkTest;

google::protobuf::RepeatedPtrField<v1::Answer> SkmAnswers(int value) {
  google::protobuf::RepeatedPtrField<v1::Answer> out;
  for (int i = 1; i <= 9; ++i) {
    v1::Answer* a = out.Add();
    a->set_item(absl::StrCat("U", i));
    a->set_number(value);
  }
  return out;
}

TEST_F(SkmFormTest, FormOfAKnownUnitOnly) {
  v1::GetSkmFormRequest get;
  get.set_name("tenants/1504/units/disdukcapil/skmForm");
  auto form = logic_->GetSkmForm(public_, get);
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->unit(), "tenants/1504/units/disdukcapil");
  EXPECT_EQ(form->unit_title(), "Dinas Dukcapil");
  EXPECT_EQ(form->instrument().kind(), v1::SKM);
  // U1..U9, SARAN and the four optional profile questions.
  EXPECT_EQ(form->instrument().items_size(), 14);
  for (int i = 10; i < 14; ++i) EXPECT_FALSE(form->instrument().items(i).required());
  get.set_name("tenants/1504/units/tidak-ada/skmForm");
  EXPECT_EQ(logic_->GetSkmForm(public_, get).status().code(), absl::StatusCode::kNotFound);
  get.set_name("tenants/9999/units/disdukcapil/skmForm");
  EXPECT_EQ(logic_->GetSkmForm(public_, get).status().code(), absl::StatusCode::kNotFound);
  get.set_name("tenants/1504/units/disdukcapil");
  EXPECT_EQ(logic_->GetSkmForm(public_, get).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SkmFormTest, OneAnswerADayPerDeviceAndLimitsPerAddress) {
  auto count = [&] {
    v1::GetSkmAggregatesRequest r;
    r.set_name("tenants/1504/units/disdukcapil/skmAggregates");
    r.set_start_period("2026-12");
    auto a = logic_->GetSkmAggregates(caller_, r);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() && a->periods_size() > 0 ? a->periods(0).response_count() : -1;
  };
  v1::SubmitSkmResponseRequest r;
  r.set_unit("tenants/1504/units/disdukcapil");
  r.set_response_id("5b0c2f7e-1d2a-4c8e-9f00-000000000001");
  *r.mutable_answers() = SkmAnswers(3);
  auto first = logic_->SubmitSkmResponse(public_, r);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->response().unit(), r.unit());
  EXPECT_TRUE(first->response().respondent_nip().empty());
  ASSERT_FALSE(first->device_token().empty());
  EXPECT_EQ(count(), 1);
  // The same device again today: refused, nothing stored.
  v1::SubmitSkmResponseRequest again = r;
  again.set_response_id("5b0c2f7e-1d2a-4c8e-9f00-000000000002");
  again.set_device_token(first->device_token());
  auto refused = logic_->SubmitSkmResponse(public_, again);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrorReason(refused.status()), "SKM_ALREADY_TODAY");
  EXPECT_EQ(count(), 1);
  // Its own answer resent (the reply was lost) is the stored one.
  v1::SubmitSkmResponseRequest resent = r;
  resent.set_device_token(first->device_token());
  auto dup = logic_->SubmitSkmResponse(public_, resent);
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_EQ(dup->response().name(), first->response().name());
  EXPECT_EQ(count(), 1);
  // An altered token is no token (the answer counts).
  std::string altered = first->device_token();
  altered[2] = altered[2] == 'A' ? 'B' : 'A';
  again.set_device_token(altered);
  ASSERT_TRUE(logic_->SubmitSkmResponse(public_, again).ok());
  EXPECT_EQ(count(), 2);
  // Tomorrow the device may answer again.
  Advance(absl::Hours(24));
  v1::SubmitSkmResponseRequest tomorrow = r;
  tomorrow.set_response_id("5b0c2f7e-1d2a-4c8e-9f00-000000000003");
  tomorrow.set_device_token(first->device_token());
  ASSERT_TRUE(logic_->SubmitSkmResponse(public_, tomorrow).ok());
  EXPECT_EQ(count(), 3);

  // One address: at most kSkmPerAddressHour answers an hour about a unit.
  Caller office{"", "", "198.51.100.9"};
  for (int i = 0; i < SurveyLogic::kSkmPerAddressHour; ++i) {
    v1::SubmitSkmResponseRequest each = r;
    each.set_response_id(absl::StrFormat("6b0c2f7e-1d2a-4c8e-9f00-%012d", i));
    ASSERT_TRUE(logic_->SubmitSkmResponse(office, each).ok()) << i;
  }
  v1::SubmitSkmResponseRequest over = r;
  over.set_response_id("7b0c2f7e-1d2a-4c8e-9f00-000000000001");
  auto limited = logic_->SubmitSkmResponse(office, over);
  EXPECT_EQ(limited.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(limited.status()), "SKM_RATE_LIMITED");
  EXPECT_EQ(count(), 3 + SurveyLogic::kSkmPerAddressHour);
  // Another address is not limited by it.
  ASSERT_TRUE(logic_->SubmitSkmResponse(Caller{"", "", "198.51.100.10"}, over).ok());
  // Bad input names the field and stores nothing.
  v1::SubmitSkmResponseRequest bad = r;
  bad.set_response_id("8b0c2f7e-1d2a-4c8e-9f00-000000000001");
  bad.mutable_answers(0)->set_number(9);
  auto st = logic_->SubmitSkmResponse(Caller{"", "", "198.51.100.11"}, bad).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  bad.set_unit("tenants/1504/units/tidak-ada");
  EXPECT_EQ(logic_->SubmitSkmResponse(Caller{"", "", "198.51.100.11"}, bad).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pelita::survey
